// Condition estimate from an LU factorization: rcond = 1 / (||A||_1 ||A^{-1}||_1).
//
// Counterpart:  LAPACK xGECON (1-norm), with the estimator of xLACN2.
// Computes:     rcond = (1 / est) / anorm, est the Hager–Higham estimate of
//               ||A^{-1}||_1 (src/blas/one_norm_estimate.hpp), anorm = ||A||_1 supplied by
//               the caller (lu_inplace overwrites A, so its norm is taken before).
//               The products the estimator asks for are solves with the factors:
//               A^{-1} x = U^{-1} L^{-1} P x and A^{-T} x = P^T L^{-T} U^{-T} x.
// Storage:      factors and pivots as lu_inplace leaves them, not modified.
// Reference:    N. J. Higham, "FORTRAN codes for estimating the one-norm of a real or
//               complex matrix, with applications to condition estimation", ACM TOMS
//               14(4), 1988; W. W. Hager, SIAM J. Sci. Stat. Comput. 5(2), 1984;
//               Higham, Accuracy and Stability, 2nd ed., chapter 15.
// Cost:         at most 11 solves with L and U (two triangular solves of n^2 flops
//               each), usually 4 or 5: O(n^2), against the 2 n^3 / 3 of the
//               factorization and the 2 n^3 of an explicit inverse.
// Workspace:    two vectors of n.
// Invariant:    the factors and pivots are only read and rcond is written only once
//               every check has passed; each product is one solve with P, L and U.
// Guarantee:    est <= ||A^{-1}||_1 up to rounding, so rcond >= the true reciprocal
//               condition number, in practice by less than a factor of 3. The solves
//               are plain trsv (not xLATRS's scaled ones): when they overflow, rcond = 0;
//               likewise for anorm = +Inf (a norm that overflowed) and anorm = 0.
// Failure:      dimension_mismatch, invalid_argument (anorm < 0, a pivot out of
//               range), not_finite (anorm NaN, or the factors), workspace_too_small. A
//               zero on U's diagonal is not an error: rcond = 0.
#include "../blas/one_norm_estimate.hpp"
#include "lu_kernels.hpp"
#include "stela/lu.hpp"
#include "stela/scalar.hpp"

namespace stela {

template <class T>
WorkspaceSize lu_condition_estimate_workspace_size(index n) {
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n);
}

template <class T>
T detail::lu_rcond_kernel(MatrixView<const T> factors, VectorView<const index> pivots, T anorm, Workspace work) {
  const index n = factors.rows();
  STELA_ASSERT(factors.cols() == n && pivots.size() == n && anorm >= T(0) &&
               work.holds(lu_condition_estimate_workspace_size<T>(n)));
  if (n == 0) return T(1);
  // An exactly singular U, or a zero matrix: infinitely ill-conditioned.
  if (zero_on_diagonal(factors)) return T(0);
  // A zero matrix, or a norm that overflowed: rcond = 0 (as 1 / (anorm est) would be).
  if (anorm == T(0) || anorm > safe_max<T>()) return T(0);

  // 1. est ~ ||A^{-1}||_1 from solves with the factors.
  VectorView<T> x = work.vector<T>(n);
  VectorView<T> xi = work.vector<T>(n);
  // v := A^{-1} v = U^{-1} L^{-1} P v and v := A^{-T} v = P^T L^{-T} U^{-T} v
  auto solve = [factors, pivots](VectorView<T> v) { lu_solve_vector(Op::none, factors, pivots, v); };
  auto solve_transpose = [factors, pivots](VectorView<T> v) { lu_solve_vector(Op::transpose, factors, pivots, v); };
  const T est = one_norm_estimate<T>(n, solve, solve_transpose, x, xi);
  // 2. rcond = (1 / est) / anorm; an overflowing estimate means "numerically singular".
  return (est > T(0) && est <= safe_max<T>()) ? (T(1) / est) / anorm : T(0);
}

template <class T>
Status lu_condition_estimate(MatrixView<const T> factors, VectorView<const index> pivots, T anorm, T& rcond,
                             Workspace work) {
  // Checks: shapes, arguments, workspace, finiteness; then the kernel.
  const index n = factors.rows();
  if (factors.cols() != n || pivots.size() != n) return Status::dimension_mismatch;
  if (anorm != anorm) return Status::not_finite;
  if (anorm < T(0) || !detail::pivots_valid(pivots)) return Status::invalid_argument;
  if (!work.holds(lu_condition_estimate_workspace_size<T>(n))) return Status::workspace_too_small;
  if (!all_finite(factors)) return Status::not_finite;
  rcond = detail::lu_rcond_kernel(factors, pivots, anorm, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                          \
  template T detail::lu_rcond_kernel<T>(MatrixView<const T>, VectorView<const index>, T, Workspace);   \
  template WorkspaceSize lu_condition_estimate_workspace_size<T>(index);                              \
  template Status lu_condition_estimate<T>(MatrixView<const T>, VectorView<const index>, T, T&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
