// Least squares and minimum-norm solutions from a Householder QR.
//
// Counterpart:  LAPACK xGELS (its QR branch for m >= n; for m < n xGELS factors A^T
//               instead, here the RZ factorization of R gives the same solution).
// Computes:     m >= n, full column rank:  X = argmin ||A X - B||_F,
//                   X = R1^{-1} (Q^T B)(0:n, :), R1 = R(0:n, 0:n);
//               m < n, full row rank: the minimum-norm solution of A X = B. With
//               A = Q [R1 R2] and [R1 R2] = [S 0] Z (rz_inplace),
//                   X = Z^T [S^{-1} Q^T B; 0],
//               which solves A X = B and lies in the row space of A (the first m
//               columns of Z^T span it).
// Storage:      QR and tau as householder_qr_inplace left them (read only). B (m x nrhs)
//               is overwritten with Q^T B, X (n x nrhs) with the solution.
// Rank check:   before anything is written, the triangle that will be inverted (R1, or
//               S for m < n) must have every |diagonal entry| above
//               rank_threshold(tol, c, m, n), c = max_j ||A(:, j)|| read off R
//               (detail::qr_column_norm_max; sigma_1 / sqrt(n) <= c <= sigma_1);
//               otherwise the status is rank_deficient and B and X are untouched.
//               max |r_jj| is no reference: an exactly rank-1 A whose first column is
//               small has every r_jj small. Without pivoting a zero
//               diagonal entry proves rank deficiency but a non-small one does not
//               prove full rank (GVL 5.4.1; the Kahan matrix has no small r_jj and a
//               tiny sigma_min): the pivoted QR and the COD are the rank-revealing
//               tools. S inherits the rank of A exactly, so for m < n the check does
//               not fail on a full-row-rank A whose R1 happens to be singular.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 5.3.3
//               (least squares by QR) and 5.6.2 (minimum-norm solutions of
//               underdetermined systems); LAPACK Users' Guide, 3rd ed., section 2.4.2.
// Flops:        both cases: about n min(m, n) for the column norms of R (rank check);
//               m >= n: 4 m n nrhs - 2 n^2 nrhs (Q^T B) + n^2 nrhs (triangular solve);
//               m < n: 2 m^2 (n - m) (RZ) + 4 m^2 nrhs - 2 m^2 nrhs + m^2 nrhs
//               + 4 m (n - m) nrhs (Z^T).
// Workspace:    m >= n: what qr_apply_q_inplace needs for B. m < n: a copy of R
//               (m x n) and tau_z (m) alive together, then the larger of the RZ's and
//               qr_apply_q_inplace's workspace.
// Invariant:    no loop of its own; the steps run in sequence, and nothing the caller
//               passed is written before every check (rank included) has passed.
// Stability:    m >= n: backward stable, each computed column solves
//               min ||(A + E) x - (b + f)|| with ||E|| = O(m n eps ||A||) and
//               ||f|| = O(m n eps ||b||) (Higham, Accuracy and Stability, 2nd ed.,
//               section 20.2). m < n: the computed X is close to the min-norm solution
//               of a nearby system (Higham, chapter 21).
// Statuses:     dimension_mismatch (tau.size() != min(m, n), B.rows() != m, X not
//               n x nrhs), invalid_argument (tol), workspace_too_small, not_finite,
//               rank_deficient; B and X are untouched on each.
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/qr.hpp"

namespace stela {

template <class T>
WorkspaceSize qr_solve_workspace_size(index m, index n, index nrhs) {
  const index k = std::min(m, n);
  const WorkspaceSize apply = qr_apply_q_workspace_size<T>(Side::left, m, nrhs, k);
  if (m >= n) return apply;
  return WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::vector<T>(m) + max(rz_workspace_size<T>(m, n), apply);
}

template <class T>
Status detail::qr_solve_kernel(MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> B, MatrixView<T> X,
                               const RankTolerance<T>& tol, Workspace work) {
  const index m = QR.rows();
  const index n = QR.cols();
  const index nrhs = B.cols();
  STELA_ASSERT(tau.size() == std::min(m, n) && B.rows() == m && X.rows() == n && X.cols() == nrhs && tol.atol >= 0 &&
               work.holds(qr_solve_workspace_size<T>(m, n, nrhs)));
  if (n == 0 || nrhs == 0) return Status::ok;
  if (m == 0) {  // no equations: the minimum-norm solution is zero
    fill(X, T(0));
    return Status::ok;
  }

  // The rank threshold, relative to the largest column norm of A.
  const T threshold = rank_threshold<T>(tol, qr_column_norm_max(QR), m, n);

  if (m >= n) {
    MatrixView<const T> R1 = QR.block(0, 0, n, n);
    // 1. Rank check on R1's diagonal.
    if (!diagonal_above_threshold(R1.diagonal(), threshold)) return Status::rank_deficient;
    // 2. B := Q^T B
    qr_apply_q_kernel(Side::left, Op::transpose, QR, tau, B, work);
    // 3. X := R1^{-1} B(0:n, :)
    copy(MatrixView<const T>(B.row_block(0, n)), X);
    trsm_kernel(Side::left, Uplo::upper, Op::none, Diag::non_unit, T(1), R1, X);
    return Status::ok;
  }

  // m < n.
  // 1. [R1 R2] = [S 0] Z on a copy of R, with S's diagonal checked before B is touched.
  MatrixView<T> RZ = work.matrix<T>(m, n);
  VectorView<T> tau_z = work.vector<T>(m);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i <= std::min(j, m - 1); ++i) RZ(i, j) = QR(i, j);
  rz_kernel(RZ, tau_z, work);
  MatrixView<const T> S = RZ.block(0, 0, m, m);
  if (!diagonal_above_threshold(S.diagonal(), threshold)) return Status::rank_deficient;
  // 2. B := Q^T B
  qr_apply_q_kernel(Side::left, Op::transpose, QR, tau, B, work);
  // 3. X := [S^{-1} B; 0]
  copy(MatrixView<const T>(B), X.row_block(0, m));
  trsm_kernel(Side::left, Uplo::upper, Op::none, Diag::non_unit, T(1), S, X.row_block(0, m));
  fill(X.row_block(m, n - m), T(0));
  // 4. X := Z^T X
  rz_apply_z_kernel(Op::transpose, MatrixView<const T>(RZ), VectorView<const T>(tau_z), X);
  return Status::ok;
}

// The checked entry: shapes, tolerance, workspace, finiteness, then the kernel.
template <class T>
Status qr_solve_inplace(MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> B, MatrixView<T> X,
                        const RankTolerance<T>& tol, Workspace work) {
  const index m = QR.rows();
  const index n = QR.cols();
  const index nrhs = B.cols();
  if (tau.size() != std::min(m, n) || B.rows() != m || X.rows() != n || X.cols() != nrhs)
    return Status::dimension_mismatch;
  if (!valid(tol)) return Status::invalid_argument;
  if (!work.holds(qr_solve_workspace_size<T>(m, n, nrhs))) return Status::workspace_too_small;
  if (!all_finite(QR) || !all_finite(tau) || !all_finite(MatrixView<const T>(B))) return Status::not_finite;
  return detail::qr_solve_kernel(QR, tau, B, X, tol, work);
}

#define STELA_INSTANTIATE(T)                                                                             \
  template Status detail::qr_solve_kernel<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>,     \
                                             MatrixView<T>, const RankTolerance<T>&, Workspace);              \
  template WorkspaceSize qr_solve_workspace_size<T>(index, index, index);                                 \
  template Status qr_solve_inplace<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>, MatrixView<T>, \
                                      const RankTolerance<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
