// Householder QR, one reflector at a time and in compact-WY panels.
//
// Counterparts: LAPACK xGEQR2 (householder_qr_unblocked_inplace) and xGEQRF
//               (householder_qr_inplace).
// Computes:     A = Q R with Q = H_0 H_1 ... H_{k-1} orthogonal (m x m), R upper
//               trapezoidal (m x n), k = min(m, n), H_j = I - tau_j v_j v_j^T.
// Storage:      on entry A is m x n. On exit R lies on and above the diagonal and
//               v_j(j+1:m) below the diagonal of column j (v_j(0:j) = 0, v_j(j) = 1
//               implicit); tau[j] = tau_j, 0 when H_j = I.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., algorithms 5.2.1
//               (Householder QR) and 5.2.2 (block Householder QR, section 5.2.3);
//               R. Schreiber and C. Van Loan, SIAM J. Sci. Stat. Comput. 10(1), 1989
//               (the compact WY form I - V T V^T).
// Flops:        2n^2 (m - n/3) for m >= n, 2m^2 (n - m/3) for m < n. The blocked form
//               adds about nb k (m + n) for its T factors (nb = block size).
// Workspace:    unblocked none. Blocked, when A holds more than the crossover's bytes:
//               T (nb x nb) and W ((n - nb) x nb), and the packing buffers of the
//               trailing updates' gemms; optimal nb = min(block_size, k) with the
//               packing buffers; minimum none: nb is the largest whose T and W the
//               workspace holds, 0 = unblocked; the gemms run packed when what is left
//               holds their buffers, unpacked otherwise.
// Invariant:    before reflector (or panel) j, columns 0..j-1 hold their final R
//               entries and reflector tails, and A(j:m, j:n) is the trailing block of
//               H_{j-1} ... H_0 A_initial: what is left to reduce.
// Blocked:      panel j..j+nb-1 is factored by halves of its columns (touching only its
//               own columns; Elmroth-Gustavson, as xGEQRT3: unblocked below kPanelBase
//               columns), which also gives its reflectors as I - V T V^T, and the
//               trailing columns get (I - V T V^T)^T in three gemm-rich steps
//               (householder_block_apply). The result equals the unblocked one up to
//               rounding. Panels run while the trailing matrix is larger than the
//               crossover (qr.hpp: it is where gemm starts to beat the level-2 kernels,
//               once the matrix no longer fits in cache), then the rest is unblocked.
// Scaling:      A := 2^-e A first, e = binary_exponent(max |a_ij|) (exact; the scaling
//               every stela factorization and solver shares, qr_kernels.hpp), and R :=
//               2^e R at the end; the reflectors are scale-free. Without it a matrix of
//               finite entries near the overflow threshold overflowed inside the trailing
//               updates (tau s v can reach 2.8 ||column||) and a subnormal one lost bits
//               in every update. Cost mn, three passes. R entries beyond the range of T
//               are Inf on exit (the true R is not representable): the entries then
//               return not_finite, A and tau holding that result. The unblocked kernel
//               alone (a panel, or a caller whose A is already in range) does not scale.
// Stability:    backward stable: the computed R is the exact R of A + E with
//               ||E||_F <= c m n eps ||A||_F, and the stored reflectors define a Q that
//               is orthogonal to working precision (GVL 5.2.2; Higham, Accuracy and
//               Stability, 2nd ed., theorem 19.4). The same holds for the blocked form
//               (GVL 5.2.3).
// Statuses:     dimension_mismatch (tau.size() != k), invalid_argument (blocking),
//               workspace_too_small, not_finite; A and tau are untouched on each.
//               not_finite also when R overflows (see Scaling; A and tau written).
#include <algorithm>
#include <utility>

#include "../blas/blas_kernels.hpp"
#include "../householder/householder_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"

namespace stela {

template <class T>
void detail::householder_qr_unblocked_kernel(MatrixView<T> A, VectorView<T> tau) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  for (index j = 0; j < k; ++j) {
    // 1. H_j [a_jj; A(j+1:m, j)] = [r_jj; 0]: a_jj := r_jj, A(j+1:m, j) := v_j's tail.
    VectorView<T> v_tail = A.col(j).segment(j + 1, m - j - 1);
    tau[j] = householder_generate(A(j, j), v_tail);
    // 2. A(j:m, j+1:n) := H_j A(j:m, j+1:n)
    householder_apply_left_kernel(VectorView<const T>(v_tail), tau[j], A.block(j, j + 1, m - j, n - j - 1));
  }
}

namespace {

constexpr index kPanelBase = 8;  // panels this narrow run the unblocked algorithm

// The scratch of panels of nb reflectors on an m x n matrix: T (nb x nb) and W
// (max(n - nb, nb) x nb), which serves the trailing update and, before it, the panel's
// own halves.
template <class T>
WorkspaceSize panel_scratch(index n, index nb) {
  return WorkspaceSize::matrix<T>(nb, nb) + WorkspaceSize::matrix<T>(std::max(n - nb, nb), nb);
}

// A = Q R of an m x n panel (m >= n) by halves of its columns, and the triangle T of its
// block reflector H_0 ... H_{n-1} = I - V T V^T (Elmroth and Gustavson, "Applying
// recursion to serial and parallel QR factorization leads to better performance", IBM
// J. Res. Dev. 44(4), 2000; LAPACK 3.7's xGEQRT3). With V = [V1 V2] and the halves'
// triangles T1, T2,
//   H = (I - V1 T1 V1^T)(I - V2 T2 V2^T) = I - V [T1  -T1 V1^T V2 T2; 0  T2] V^T,
// so the panel's level-2 work shrinks to its kPanelBase-wide leaves and the rest is
// trmm and gemm. W holds at least n/2 x n/2 scratch; work the gemms' packing buffers.
template <class T>
void householder_qr_panel(MatrixView<T> A, VectorView<T> tau, MatrixView<T> Tri, MatrixView<T> W, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (n <= kPanelBase) {
    detail::householder_qr_unblocked_kernel(A, tau);
    detail::householder_block_factor_kernel(MatrixView<const T>(A), VectorView<const T>(tau), Tri);
    return;
  }
  const index n1 = n / 2;
  const index n2 = n - n1;
  MatrixView<T> T11 = Tri.block(0, 0, n1, n1);
  MatrixView<T> T12 = Tri.block(0, n1, n1, n2);
  MatrixView<T> T22 = Tri.block(n1, n1, n2, n2);
  // 1. The left half: A(:, 0:n1) = Q1 R1, I - V1 T1 V1^T.
  householder_qr_panel(A.col_block(0, n1), tau.segment(0, n1), T11, W, work);
  // 2. A(:, n1:n) := (I - V1 T1 V1^T)^T A(:, n1:n)
  const MatrixView<const T> V1 = A.col_block(0, n1);
  detail::householder_block_apply_kernel(Side::left, Op::transpose, V1, MatrixView<const T>(T11), A.col_block(n1, n2),
                                         W.block(0, 0, n2, n1), work);
  // 3. The right half below row n1: A(n1:m, n1:n) = Q2 R2, I - V2 T2 V2^T.
  householder_qr_panel(A.block(n1, n1, m - n1, n2), tau.segment(n1, n2), T22, W, work);
  // 4. T12 := -T1 (V1^T V2) T2. V2 is zero above row n1, so V1^T V2 = B^T V2b with
  //    B = V1(n1:m, :) (all tail entries) and V2b = V2(n1:m, :) (unit lower trapezoidal).
  const MatrixView<const T> B = A.block(n1, 0, m - n1, n1);
  const MatrixView<const T> V2b = A.block(n1, n1, m - n1, n2);
  //    T12 := B(0:n2, :)^T V2b(0:n2, :)        (copy, then trmm with the unit triangle)
  for (index j = 0; j < n2; ++j) copy(B.row(j), T12.col(j));
  detail::trmm_kernel(Side::right, Uplo::lower, Op::none, Diag::unit, T(1), V2b.block(0, 0, n2, n2), T12);
  //    T12 := T12 + B(n2:, :)^T V2b(n2:, :)
  const index below = m - n1 - n2;
  if (below > 0)
    detail::gemm_kernel(Op::transpose, Op::none, T(1), B.row_block(n2, below), V2b.row_block(n2, below), T(1), T12,
                        work);
  //    T12 := -T1 T12, then T12 := T12 T2
  detail::trmm_kernel(Side::left, Uplo::upper, Op::none, Diag::non_unit, T(-1), MatrixView<const T>(T11), T12);
  detail::trmm_kernel(Side::right, Uplo::upper, Op::none, Diag::non_unit, T(1), MatrixView<const T>(T22), T12);
}

}  // namespace

template <class T>
WorkspaceSize householder_qr_workspace_size(index m, index n, QrBlocking blocking) {
  const index k = std::min(m, n);
  if (!valid(blocking) || k <= 0 || matrix_bytes<T>(m, n) <= blocking.crossover_bytes) return {};
  // Minimum: none (the unblocked algorithm); optimal: panels of min(block_size, k), and
  // beside them the packing buffers of the trailing updates' gemms (at most m x n).
  const index nb = std::min(blocking.block_size, k);
  return WorkspaceSize::range(WorkspaceSize(),
                              panel_scratch<T>(n, nb) + detail::householder_block_apply_packing_size<T>(m, n, nb));
}

template <class T>
void detail::householder_qr_kernel(MatrixView<T> A, VectorView<T> tau, Workspace work, QrBlocking blocking) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  STELA_ASSERT(tau.size() == k && valid(blocking) && work.holds(householder_qr_workspace_size<T>(m, n, blocking)));
  if (k == 0) return;
  // 0. A := 2^-e A, largest |entry| in [1/2, 1) (see Scaling).
  const int e = scale_by_max_exponent(A);

  index j = 0;  // the first column not yet reduced
  // The block size: the largest up to min(block_size, k) whose panel scratch the
  // workspace holds; 0 (unblocked) at the minimum workspace.
  const index nb = matrix_bytes<T>(m, n) > blocking.crossover_bytes
                       ? work.largest_block(std::min(blocking.block_size, k),
                                            [n](index b) { return panel_scratch<T>(n, b); })
                       : 0;
  if (nb > 0) {
    MatrixView<T> Tfull = work.matrix<T>(nb, nb);
    MatrixView<T> Wfull = work.matrix<T>(std::max(n - nb, nb), nb);
    while (j < k && matrix_bytes<T>(m - j, n - j) > blocking.crossover_bytes) {
      const index ib = std::min(nb, k - j);  // reflectors in this panel
      // 1-2. Factor the panel A(j:m, j:j+ib) by halves (householder_qr_panel), and
      //      T := the ib x ib triangle with H_j ... H_{j+ib-1} = I - V T V^T,
      //      V = A(j:m, j:j+ib) unit lower trapezoidal.
      MatrixView<T> Tb = Tfull.block(0, 0, ib, ib);
      householder_qr_panel(A.block(j, j, m - j, ib), tau.segment(j, ib), Tb, Wfull, work);
      const index rest = n - j - ib;  // trailing columns
      if (rest > 0) {
        // 3. A(j:m, j+ib:n) := (I - V T V^T)^T A(j:m, j+ib:n)
        //    (its gemms packed in what is left of the workspace, if it holds them)
        MatrixView<const T> V = A.block(j, j, m - j, ib);
        householder_block_apply_kernel(Side::left, Op::transpose, V, MatrixView<const T>(Tb),
                                       A.block(j, j + ib, m - j, rest), Wfull.block(0, 0, rest, ib), work);
      }
      j += ib;
    }
  }
  // 4. The last k - j columns (all of them when A is below the crossover), unblocked.
  householder_qr_unblocked_kernel(A.block(j, j, m - j, n - j), tau.segment(j, k - j));
  // 5. R := 2^e R (Inf where the true entry is beyond the range of T).
  scale_upper_by_power_of_two(e, A);
}

// The checked entries: shapes, options, workspace, finiteness, then the kernel.

template <class T>
Status householder_qr_unblocked_inplace(MatrixView<T> A, VectorView<T> tau, Workspace /*work: none needed*/) {
  if (tau.size() != std::min(A.rows(), A.cols())) return Status::dimension_mismatch;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  // A := 2^-e A, the reflectors, R := 2^e R, as the blocked kernel does (see Scaling).
  const int e = scale_by_max_exponent(A);
  detail::householder_qr_unblocked_kernel(A, tau);
  detail::scale_upper_by_power_of_two(e, A);
  return detail::upper_finite(MatrixView<const T>(A)) ? Status::ok : Status::not_finite;
}

template <class T>
Status householder_qr_inplace(MatrixView<T> A, VectorView<T> tau, Workspace work, QrBlocking blocking) {
  const index m = A.rows();
  const index n = A.cols();
  if (tau.size() != std::min(m, n)) return Status::dimension_mismatch;
  if (!valid(blocking)) return Status::invalid_argument;
  if (!work.holds(householder_qr_workspace_size<T>(m, n, blocking))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  detail::householder_qr_kernel(A, tau, work, blocking);
  // R beyond the range of T (finite entries, a column norm that is not): no answer.
  return detail::upper_finite(MatrixView<const T>(A)) ? Status::ok : Status::not_finite;
}

#define STELA_INSTANTIATE(T)                                                                             \
  template void detail::householder_qr_unblocked_kernel<T>(MatrixView<T>, VectorView<T>);                 \
  template void detail::householder_qr_kernel<T>(MatrixView<T>, VectorView<T>, Workspace, QrBlocking);    \
  template WorkspaceSize householder_qr_workspace_size<T>(index, index, QrBlocking);                      \
  template Status householder_qr_inplace<T>(MatrixView<T>, VectorView<T>, Workspace, QrBlocking);         \
  template Status householder_qr_unblocked_inplace<T>(MatrixView<T>, VectorView<T>, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
