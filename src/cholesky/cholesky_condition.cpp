// Condition estimate from a Cholesky factor: rcond = 1 / (||A||_1 ||A^{-1}||_1).
//
// Counterpart:  LAPACK xPOCON (lower), with the estimator of xLACN2.
// Computes:     rcond = (1 / est) / anorm, est the Hager–Higham estimate of
//               ||A^{-1}||_1 (src/blas/one_norm_estimate.hpp), anorm = ||A||_1 supplied by
//               the caller (A is overwritten by L, so its norm must be taken before).
//               A^{-1} is symmetric, so the products with A^{-1} and A^{-T} are both
//               solves with L L^T.
// Storage:      L: the lower triangle of an n x n view, not modified.
// Reference:    N. J. Higham, ACM TOMS 14(4), 1988; Higham, Accuracy and Stability,
//               2nd ed., chapter 15; LAPACK Users' Guide, 3rd ed., section 4.4.
// Cost:         at most 11 solves with L L^T (two triangular solves of n^2 flops
//               each), usually 4 or 5: O(n^2).
// Workspace:    two vectors of n.
// Invariant:    L is only read and rcond is written only once every check has passed;
//               each product the estimator asks for is one solve with L L^T.
// Guarantee:    est <= ||A^{-1}||_1 up to rounding, so rcond >= the true reciprocal
//               condition number, usually by less than a factor of 3. The solves are
//               plain trsv (not xLATRS's scaled ones): when they overflow, rcond = 0;
//               likewise for anorm = +Inf (a norm that overflowed) and anorm = 0.
// Failure:      dimension_mismatch, invalid_argument (anorm < 0), not_finite (anorm
//               NaN, or L), not_positive_definite (L's diagonal not positive),
//               workspace_too_small.
#include "../blas/one_norm_estimate.hpp"
#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"
#include "stela/scalar.hpp"

namespace stela {

template <class T>
WorkspaceSize cholesky_condition_estimate_workspace_size(index n) {
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n);
}

template <class T>
T detail::cholesky_rcond_kernel(MatrixView<const T> L, T anorm, Workspace work) {
  const index n = L.rows();
  STELA_ASSERT(L.cols() == n && anorm >= T(0) && work.holds(cholesky_condition_estimate_workspace_size<T>(n)));
  if (n == 0) return T(1);
  // A zero matrix, or a norm that overflowed: rcond = 0 (as 1 / (anorm est) would be).
  if (anorm == T(0) || anorm > safe_max<T>()) return T(0);

  // 1. est ~ ||A^{-1}||_1, with x := A^{-1} x = L^{-T} L^{-1} x for both products.
  VectorView<T> x = work.vector<T>(n);
  VectorView<T> xi = work.vector<T>(n);
  auto solve = [L](VectorView<T> v) { cholesky_solve_vector(L, v); };  // v := L^{-T} L^{-1} v
  const T est = one_norm_estimate<T>(n, solve, solve, x, xi);
  // 2. rcond = (1 / est) / anorm; an overflowing estimate means "numerically singular".
  return (est > T(0) && est <= safe_max<T>()) ? (T(1) / est) / anorm : T(0);
}

template <class T>
Status cholesky_condition_estimate(MatrixView<const T> L, T anorm, T& rcond, Workspace work) {
  // Checks: shape, anorm, workspace, finiteness, factor; then the kernel.
  const index n = L.rows();
  if (L.cols() != n) return Status::dimension_mismatch;
  if (anorm != anorm) return Status::not_finite;
  if (anorm < T(0)) return Status::invalid_argument;
  if (!work.holds(cholesky_condition_estimate_workspace_size<T>(n))) return Status::workspace_too_small;
  if (!detail::lower_triangle_finite(L)) return Status::not_finite;
  if (!detail::positive_diagonal(L)) return Status::not_positive_definite;
  rcond = detail::cholesky_rcond_kernel(L, anorm, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                          \
  template T detail::cholesky_rcond_kernel<T>(MatrixView<const T>, T, Workspace);     \
  template WorkspaceSize cholesky_condition_estimate_workspace_size<T>(index);        \
  template Status cholesky_condition_estimate<T>(MatrixView<const T>, T, T&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
