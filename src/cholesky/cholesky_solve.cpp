// Solving with a Cholesky factor: B := A^{-1} B with A = L L^T.
//
// Counterpart:  LAPACK xPOTRS (lower).
// Computes:     X = L^{-T} (L^{-1} B), the solution of A X = B, for k right-hand
//               sides (the columns of B) or one (a vector).
// Storage:      L: the lower triangle of an n x n view (the strict upper triangle is
//               not read). B: n x k, overwritten by X.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 3.1
//               (triangular systems) and 4.2; Higham, Accuracy and Stability, 2nd ed.,
//               thm 10.4 (the computed X solves (A + dA) X = B with
//               |dA| <= c n eps |L| |L^T|).
// Cost:         2 n^2 k flops.
// Workspace:    none.
// Invariant:    B is not written before every check has passed; after step 1 it holds
//               L^{-1} B, after step 2 the solution.
// Failure:      dimension_mismatch, not_finite (L's lower triangle or B),
//               not_positive_definite (a diagonal entry of L is not positive: not a
//               finished factor); B untouched in each case.
#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"

namespace stela {
template <class T>
Status cholesky_solve_inplace(MatrixView<const T> L, MatrixView<T> B) {
  // Checks: shapes, finiteness, a finished factor, empty.
  const index n = L.rows();
  if (L.cols() != n || B.rows() != n) return Status::dimension_mismatch;
  if (!detail::lower_triangle_finite(L) || !all_finite(MatrixView<const T>(B))) return Status::not_finite;
  if (!detail::positive_diagonal(L)) return Status::not_positive_definite;
  if (n == 0 || B.cols() == 0) return Status::ok;

  // 1-2. B := L^{-1} B, then B := L^{-T} B
  detail::cholesky_solve_kernel(L, B);
  return Status::ok;
}

template <class T>
Status cholesky_solve_inplace(MatrixView<const T> L, VectorView<T> b) {
  const index n = L.rows();
  if (L.cols() != n || b.size() != n) return Status::dimension_mismatch;
  if (!detail::lower_triangle_finite(L) || !all_finite(VectorView<const T>(b))) return Status::not_finite;
  if (!detail::positive_diagonal(L)) return Status::not_positive_definite;
  if (n == 0) return Status::ok;

  // b := L^{-T} L^{-1} b
  detail::cholesky_solve_vector(L, b);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                      \
  template Status cholesky_solve_inplace<T>(MatrixView<const T>, MatrixView<T>);  \
  template Status cholesky_solve_inplace<T>(MatrixView<const T>, VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
