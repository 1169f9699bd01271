// Solving with an LU factorization: B := A^{-1} B or A^{-T} B from P A = L U.
//
// Counterpart:  LAPACK xGETRS.
// Computes:     trans = none:       X = U^{-1} L^{-1} P B        (A X = B)
//               trans = transpose:  X = P^T L^{-T} U^{-T} B      (A^T X = B)
//               for k right-hand sides (the columns of B) or one (a vector).
// Storage:      factors and pivots as lu_inplace leaves them (not modified); B n x k,
//               overwritten by X.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 3.4; Higham,
//               Accuracy and Stability, 2nd ed., chapter 9 (the computed x solves
//               (A + dA) x = b with |dA| <= gamma_{3n} |L| |U|, rows in P's order).
// Cost:         2 n^2 k flops.
// Workspace:    none.
// Invariant:    B is not written before every check has passed; after step j it holds
//               B with the first j of the three factors of A^{-1} (or A^{-T}) applied.
// Failure:      dimension_mismatch, invalid_argument (a pivot outside i .. n-1),
//               not_finite (the factors or B), singular (a zero on U's diagonal: the
//               factorization reported it, and there is no solution to give); B
//               untouched in each case.
#include "lu_kernels.hpp"
#include "stela/lu.hpp"

namespace stela {
namespace {

// The checks shared by the matrix and the vector form, after the shapes.
template <class T>
Status check_factors(MatrixView<const T> factors, VectorView<const index> pivots) {
  if (!detail::pivots_valid(pivots)) return Status::invalid_argument;
  if (!all_finite(factors)) return Status::not_finite;
  return Status::ok;
}

}  // namespace

template <class T>
Status lu_solve_inplace(Op trans, MatrixView<const T> factors, VectorView<const index> pivots, MatrixView<T> B) {
  // Checks: shapes, pivots, finiteness, singular U, empty.
  const index n = factors.rows();
  if (factors.cols() != n || pivots.size() != n || B.rows() != n) return Status::dimension_mismatch;
  if (Status s = check_factors(factors, pivots); s != Status::ok) return s;
  if (!all_finite(MatrixView<const T>(B))) return Status::not_finite;
  if (detail::zero_on_diagonal(factors)) return Status::singular;
  if (n == 0 || B.cols() == 0) return Status::ok;

  // B := U^{-1} L^{-1} P B (trans = none) or P^T L^{-T} U^{-T} B (transpose)
  detail::lu_solve_kernel(trans, factors, pivots, B);
  return Status::ok;
}

template <class T>
Status lu_solve_inplace(Op trans, MatrixView<const T> factors, VectorView<const index> pivots, VectorView<T> b) {
  const index n = factors.rows();
  if (factors.cols() != n || pivots.size() != n || b.size() != n) return Status::dimension_mismatch;
  if (Status s = check_factors(factors, pivots); s != Status::ok) return s;
  if (!all_finite(VectorView<const T>(b))) return Status::not_finite;
  if (detail::zero_on_diagonal(factors)) return Status::singular;
  if (n == 0) return Status::ok;

  // b := A^{-1} b or A^{-T} b, as the matrix form above
  detail::lu_solve_vector(trans, factors, pivots, b);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template Status lu_solve_inplace<T>(Op, MatrixView<const T>, VectorView<const index>, MatrixView<T>);       \
  template Status lu_solve_inplace<T>(Op, MatrixView<const T>, VectorView<const index>, VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
