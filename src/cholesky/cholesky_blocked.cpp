// Cholesky factorization, blocked: A = L L^T by blocks of kBlock columns.
//
// Counterpart:  LAPACK xPOTRF (lower), with xPOTRF2 (recursive) on the diagonal blocks.
// Computes:     L lower triangular with positive diagonal such that A = L L^T.
// Storage:      as xPOTF2 (src/cholesky/cholesky_unblocked.cpp): the lower triangle of A is
//               overwritten by L, the strict upper triangle is never read or written.
//               On failure at column j: columns 0 .. j-1 hold L (A(0:j, 0:j) = L L^T
//               there), A(j, j) holds the pivot that was not positive, and the rest of
//               the lower triangle holds partly updated Schur complements.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 4.2 (block
//               Cholesky); LAPACK Users' Guide, 3rd ed., section 3.4 (block algorithms);
//               F. Gustavson, "Recursion leads to automatic variable blocking for dense
//               linear-algebra algorithms", IBM J. Res. Dev. 41(6), 1997 (the recursive
//               diagonal block, LAPACK 3.6's xPOTRF2).
// Method:       right-looking by block columns. With A = [A11 .; A21 A22], A11 jb x jb:
//                   A11 =: L11 L11^T               recursively (below)
//                   L21 := A21 L11^{-T}            trsm
//                   A22 := A22 - L21 L21^T         syrk, the trailing matrix
//               and the same on A22. The diagonal block is factored by halves,
//                   [B11 .; B21 B22]: B11 =: L L^T; B21 := B21 L^{-T};
//                   B22 := B22 - B21 B21^T; B22 =: L L^T,
//               down to kRecursionBase columns, where xPOTF2 runs; so even the diagonal
//               blocks do most of their flops in trsm and syrk.
// Block size:   kBlock = 128, measured: bench_peers cholesky/stela/double/1024, median of
//               5 CPU times per value on a shared 2-core Zen 4 (2026-12-02): 64 13.5 ms,
//               128 13.3, 192 14.2, 256 13.4, 384 14.9. Flat within the noise from 64
//               to 256, because the diagonal blocks are recursive and the syrk is packed
//               whatever the width; 128 was the fastest of the run.
// Cost:         n^3 / 3 flops, all but O(n kRecursionBase^2) of them in syrk and trsm.
// Workspace:    none needed (minimum 0). With cholesky_blocked_workspace_size(n) (the
//               packing buffers of the largest syrk or trsm) those run on the packed gemm;
//               with less, on the unpacked one: the same algorithm, slower.
// Invariant:    before block column J (columns j .. j+jb-1), columns 0 .. j-1 hold L,
//               and A(j:n, j:n) holds the Schur complement A22 - L20 L20^T.
// Stability:    the same bound as the unblocked form, L L^T = A + dA with
//               |dA| <= gamma_{n+1} |L| |L^T| up to the order of summation (Higham,
//               Accuracy and Stability, 2nd ed., thm 10.3 and section 13.3).
// Failure:      dimension_mismatch, not_finite (A untouched), not_positive_definite
//               (info.failed_column; the global column of the failed pivot).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"

namespace stela {
namespace {

constexpr index kBlock = 128;          // block width, measured (see Block size)
// xPOTF2 at and below this order. Measured with bench_cholesky
// 'cholesky/blocked/double/(32|64|128|256|1024)$', medians of 3, two alternations on a
// quiet 2-core Zen 4 (2026-12-03), base 16 / 32 / 64: n = 32 3.07 / 1.70 / 1.70 us,
// 64 13.0 / 10.8 / 8.9 us, 128 54.8 / 49.7 / 45.7 us, 1024 flat within the noise. The
// unblocked kernel's four-column gaxpy (cholesky_unblocked.cpp) runs in L1 at these
// orders and costs less than the trsm and syrk calls it would be split into.
constexpr index kRecursionBase = 64;

// A =: L L^T by halves (xPOTRF2); returns the column of the first pivot that is not
// positive, or -1. work holds the packing buffers of an n x n syrk (or less).
template <class T>
index cholesky_recursive(MatrixView<T> A, Workspace work) {
  const index n = A.rows();
  if (n <= kRecursionBase) return detail::cholesky_unblocked_kernel(A);
  const index n1 = n / 2;
  const index n2 = n - n1;
  MatrixView<T> A11 = A.block(0, 0, n1, n1);
  MatrixView<T> A21 = A.block(n1, 0, n2, n1);
  MatrixView<T> A22 = A.block(n1, n1, n2, n2);
  // 1. A11 =: L11 L11^T
  const index failed = cholesky_recursive(A11, work);
  if (failed >= 0) return failed;
  // 2. L21 := A21 L11^{-T}
  detail::trsm_kernel(Side::right, Uplo::lower, Op::transpose, Diag::non_unit, T(1), MatrixView<const T>(A11), A21,
                      work);
  // 3. A22 := A22 - L21 L21^T (lower triangle)
  detail::syrk_kernel(Uplo::lower, Op::none, T(-1), MatrixView<const T>(A21), T(1), A22, work);
  // 4. A22 =: L22 L22^T
  const index failed2 = cholesky_recursive(A22, work);
  return failed2 >= 0 ? n1 + failed2 : -1;
}

}  // namespace

template <class T>
WorkspaceSize cholesky_blocked_workspace_size(index n) {
  // The largest syrk (the first trailing update, (n - jb) x (n - jb) with inner
  // dimension jb) and the largest trsm ((n - jb) x jb) bound every call, the recursive
  // diagonal blocks included (jb x jb). Minimum: none, the unpacked gemm.
  const index jb = std::min(kBlock, n);
  return WorkspaceSize::range(WorkspaceSize(), max(syrk_workspace_size<T>(std::max<index>(n - jb, jb), jb),
                                                   trsm_workspace_size<T>(Side::right, n, jb)));
}

namespace detail {

template <class T>
index cholesky_blocked_kernel(MatrixView<T> A, Workspace work) {
  const index n = A.rows();
  for (index j = 0; j < n; j += kBlock) {
    const index jb = std::min(kBlock, n - j);
    const index below = n - j - jb;
    MatrixView<T> A11 = A.block(j, j, jb, jb);
    // 1. A11 =: L11 L11^T
    const index failed = cholesky_recursive(A11, work);
    if (failed >= 0) return j + failed;
    if (below == 0) break;
    MatrixView<T> A21 = A.block(j + jb, j, below, jb);
    // 2. L21 := A21 L11^{-T}
    trsm_kernel(Side::right, Uplo::lower, Op::transpose, Diag::non_unit, T(1), MatrixView<const T>(A11), A21, work);
    // 3. A22 := A22 - L21 L21^T (lower triangle)
    syrk_kernel(Uplo::lower, Op::none, T(-1), MatrixView<const T>(A21), T(1), A.block(j + jb, j + jb, below, below),
                work);
  }
  return -1;
}

}  // namespace detail

template <class T>
Status cholesky_blocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info, Workspace work) {
  // Checks: shape, finiteness, empty.
  const index n = A.rows();
  if (A.cols() != n) return Status::dimension_mismatch;
  if (!detail::lower_triangle_finite(MatrixView<const T>(A))) return Status::not_finite;
  info = CholeskyInfo<T>{};
  info.tries = 1;
  if (n == 0) return Status::ok;

  info.failed_column = detail::cholesky_blocked_kernel(A, work);
  return info.failed_column < 0 ? Status::ok : Status::not_positive_definite;
}

template <class T>
Status cholesky_blocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info) {
  return cholesky_blocked_inplace(A, info, Workspace());
}

#define STELA_INSTANTIATE(T)                                                              \
  template index detail::cholesky_blocked_kernel<T>(MatrixView<T>, Workspace);            \
  template WorkspaceSize cholesky_blocked_workspace_size<T>(index);                       \
  template Status cholesky_blocked_inplace<T>(MatrixView<T>, CholeskyInfo<T>&, Workspace);   \
  template Status cholesky_blocked_inplace<T>(MatrixView<T>, CholeskyInfo<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
