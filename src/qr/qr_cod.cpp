// Complete orthogonal decomposition and the minimum-norm least-squares solution.
//
// Counterpart:  the decomposition inside LAPACK xGELSY (xGEQP3, rank decision, xTZRZF)
//               and its solve (xORMQR, xTRSM, xORMRZ, permutation).
// Computes:     A P = Q [T 0; 0 0] Z, r = numerical rank, T r x r upper triangular
//               and nonsingular, Q (m x m) and Z (n x n) orthogonal, P a permutation;
//               then for any B the minimum-norm least-squares solution of the rank-r
//               problem,
//                   X = P Z^T [T^{-1} (Q^T B)(0:r, :); 0].
//               Why it is the minimum-norm one: with y = Z P^T X and c = Q^T B,
//               ||A X - B|| = ||[T y_1 - c_1; -c_2]|| is smallest for y_1 = T^{-1} c_1
//               whatever y_2, and ||X|| = ||y|| is smallest for y_2 = 0.
// Method:       1. pivoted QR: A P = Q [R11 R12; 0 R22] (qr_pivoted_inplace);
//               2. r = the number of leading |r_jj| > rank_threshold(tol, |r_00|, m, n);
//                  R22 counts as zero (its column norms are below |r_rr| <= threshold);
//               3. RZ factorization [R11 R12] = [T 0] Z (rz_inplace).
// Storage:      A on exit: Q's reflectors below the diagonal, T in the top-left r x r
//               triangle, Z's reflector tails in rows 0..r-1 of columns r..n-1, and
//               R22 left in rows r.., columns r.. (never read again). tau holds Q's
//               scalars, tau_z Z's (zeros past r), perm the permutation.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 5.4.2
//               (complete orthogonal decompositions) and 5.5.1 (the minimum-norm
//               solution); LAPACK Users' Guide, 3rd ed., section 2.4.2.3 (xGELSY).
// Flops:        decomposition 2n^2 (m - n/3) (m >= n) + 2 r^2 (n - r); solve
//               4 m k nrhs - 2 k^2 nrhs (Q^T B, k = min(m, n)) + r^2 nrhs
//               + 4 r (n - r) nrhs.
// Workspace:    decomposition: the larger of the pivoted QR's and the RZ's;
//               solve: the larger of qr_apply_q_inplace's and an n x nrhs matrix.
// Invariant:    no loop of its own (the loops are in the routines it calls); nothing the
//               caller passed is written before every check has passed.
// Stability:    backward stable for the truncated problem: every factor comes from
//               Householder reflectors, so the solution is the exact min-norm
//               solution for a matrix within O(m n eps ||A||) plus the discarded R22
//               (whose norm the rank tolerance bounds) of A.
// Scaling:      the decomposition works on 2^-e A, e = binary_exponent(max |a_ij|)
//               (exact; the scaling every factorization and solver shares,
//               qr_kernels.hpp), with the rank rule's absolute part scaled alike, and
//               multiplies T and R22 by 2^e at the end. The rank, Q, Z and P are those
//               of the scaled problem, so they never overflow and 2^k A gives the same
//               ones bit for bit; only T can be beyond the range of T's type (then
//               not_finite). The null space needs no T: null_space(..., cod) scales A
//               itself and never meets that.
// Statuses:     dimension_mismatch, invalid_argument (tol; for the solve a rank out of
//               [0, min(m, n)] or a perm that is not a permutation of 0 .. n-1),
//               workspace_too_small, not_finite (NaN or Inf in the input); the caller's
//               data is untouched on each. The decomposition also returns not_finite
//               when T (or R22) is beyond the range (see Scaling): A, tau, tau_z and perm
//               then hold that result, rank is untouched.
#include <algorithm>
#include <cmath>
#include <utility>

#include "../blas/blas_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/qr.hpp"

namespace stela {

template <class T>
WorkspaceSize cod_workspace_size(index m, index n) {
  return max(qr_pivoted_workspace_size<T>(m, n), rz_workspace_size<T>(std::min(m, n), n));
}

template <class T>
Status detail::cod_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<T> tau_z, VectorView<index> perm,
                          index& rank, const RankTolerance<T>& tol, Workspace work) {
  const index n = A.cols();
  const index k = std::min(A.rows(), n);
  STELA_ASSERT(tau.size() == k && tau_z.size() == k && perm.size() == n && tol.atol >= 0 &&
               work.holds(cod_workspace_size<T>(A.rows(), n)));

  const index m = A.rows();
  // 0. A := 2^-e A, largest |entry| in [1/2, 1) (see Scaling).
  const int e = scale_by_max_exponent(A);
  // 1. A P = Q R on the scaled matrix: column norms at most sqrt(m), nothing overflows.
  qr_pivoted_scaled_kernel(A, tau, perm, work);
  // 2. r := numerical rank from R's diagonal, by the caller's rule scaled with A
  const index r = qr_pivoted_rank_kernel(MatrixView<const T>(A), scaled_tolerance(tol, e));
  // 3. [R11 R12] = [T 0] Z on R's first r rows
  rz_kernel(A.block(0, 0, r, n), tau_z.segment(0, r), work);
  fill(tau_z.segment(r, k - r), T(0));
  // 4. T := 2^e T, R22 := 2^e R22 (the reflector tails of Q and Z are scale-free); Inf
  //    where the true entry is beyond the range of T: no decomposition to return.
  scale_upper_by_power_of_two(e, A.block(0, 0, r, r));
  scale_upper_by_power_of_two(e, A.block(r, r, m - r, n - r));
  if (!upper_finite(MatrixView<const T>(A).block(0, 0, r, r)) ||
      !upper_finite(MatrixView<const T>(A).block(r, r, m - r, n - r)))
    return Status::not_finite;
  rank = r;
  return Status::ok;
}

// The checked entry: shapes, tolerance, workspace, finiteness, then the kernel.
template <class T>
Status cod_inplace(MatrixView<T> A, VectorView<T> tau, VectorView<T> tau_z, VectorView<index> perm, index& rank,
                   const RankTolerance<T>& tol, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  if (tau.size() != k || tau_z.size() != k || perm.size() != n) return Status::dimension_mismatch;
  if (!valid(tol)) return Status::invalid_argument;
  if (!work.holds(cod_workspace_size<T>(m, n))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return detail::cod_kernel(A, tau, tau_z, perm, rank, tol, work);
}

template <class T>
WorkspaceSize cod_solve_workspace_size(index m, index n, index nrhs) {
  return max(qr_apply_q_workspace_size<T>(Side::left, m, nrhs, std::min(m, n)), WorkspaceSize::matrix<T>(n, nrhs));
}

template <class T>
void detail::cod_solve_kernel(MatrixView<const T> QTZ, VectorView<const T> tau, VectorView<const T> tau_z,
                              VectorView<const index> perm, index rank, MatrixView<T> B, MatrixView<T> X,
                              Workspace work) {
  [[maybe_unused]] const index m = QTZ.rows();
  const index n = QTZ.cols();
  const index nrhs = B.cols();
  STELA_ASSERT(tau.size() == std::min(m, n) && tau_z.size() == tau.size() && perm.size() == n && B.rows() == m &&
               X.rows() == n && X.cols() == nrhs && rank >= 0 && rank <= tau.size() &&
               work.holds(cod_solve_workspace_size<T>(m, n, nrhs)));
  if (n == 0 || nrhs == 0) return;

  const index r = rank;
  // 1. B := Q^T B
  qr_apply_q_kernel(Side::left, Op::transpose, QTZ, tau, B, work);
  // 2. Y := [T^{-1} B(0:r, :); 0]   (n x nrhs, in the workspace)
  MatrixView<T> Y = work.matrix<T>(n, nrhs);
  copy(MatrixView<const T>(B.row_block(0, r)), Y.row_block(0, r));
  trsm_kernel(Side::left, Uplo::upper, Op::none, Diag::non_unit, T(1), QTZ.block(0, 0, r, r), Y.row_block(0, r));
  fill(Y.row_block(r, n - r), T(0));
  // 3. Y := Z^T Y
  rz_apply_z_kernel(Op::transpose, QTZ.block(0, 0, r, n), tau_z.segment(0, r), Y);
  // 4. X := P Y: row j of Y is row perm[j] of X
  for (index j = 0; j < n; ++j) copy(VectorView<const T>(Y.row(j)), X.row(perm[j]));
}

// The checked entry: shapes, rank and permutation, workspace, finiteness, then the kernel.
template <class T>
Status cod_solve_inplace(MatrixView<const T> QTZ, VectorView<const T> tau, VectorView<const T> tau_z,
                         VectorView<const index> perm, index rank, MatrixView<T> B, MatrixView<T> X, Workspace work) {
  const index m = QTZ.rows();
  const index n = QTZ.cols();
  const index k = std::min(m, n);
  const index nrhs = B.cols();
  if (tau.size() != k || tau_z.size() != k || perm.size() != n || B.rows() != m || X.rows() != n ||
      X.cols() != nrhs)
    return Status::dimension_mismatch;
  if (rank < 0 || rank > k) return Status::invalid_argument;
  // perm must be a permutation, or rows of X would go unwritten. Checked by pairs (n^2/2
  // comparisons, no memory), small next to the solve's O(m n nrhs) for the n of dense work.
  for (index j = 0; j < n; ++j) {
    if (perm[j] < 0 || perm[j] >= n) return Status::invalid_argument;
    for (index i = 0; i < j; ++i)
      if (perm[i] == perm[j]) return Status::invalid_argument;
  }
  if (!work.holds(cod_solve_workspace_size<T>(m, n, nrhs))) return Status::workspace_too_small;
  if (!all_finite(QTZ) || !all_finite(tau) || !all_finite(tau_z) || !all_finite(MatrixView<const T>(B)))
    return Status::not_finite;
  detail::cod_solve_kernel(QTZ, tau, tau_z, perm, rank, B, X, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                   \
  template Status detail::cod_kernel<T>(MatrixView<T>, VectorView<T>, VectorView<T>, VectorView<index>, index&, \
                                        const RankTolerance<T>&, Workspace);                                      \
  template void detail::cod_solve_kernel<T>(MatrixView<const T>, VectorView<const T>, VectorView<const T>,     \
                                            VectorView<const index>, index, MatrixView<T>, MatrixView<T>,      \
                                            Workspace);                                                        \
  template WorkspaceSize cod_workspace_size<T>(index, index);                                                  \
  template Status cod_inplace<T>(MatrixView<T>, VectorView<T>, VectorView<T>, VectorView<index>, index&,       \
                                 const RankTolerance<T>&, Workspace);                                             \
  template WorkspaceSize cod_solve_workspace_size<T>(index, index, index);                                     \
  template Status cod_solve_inplace<T>(MatrixView<const T>, VectorView<const T>, VectorView<const T>,          \
                                       VectorView<const index>, index, MatrixView<T>, MatrixView<T>, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
