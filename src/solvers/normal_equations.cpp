// The naive normal equations: min ||Y - X W||_F through (X^T X) W = X^T Y.
//
// Counterpart:  none in LAPACK (xPOSV / xGESV applied to X^T X); numpy's
//               np.linalg.solve(X.T @ X, X.T @ y) for the LU variant.
// Computes:     G = X^T X (syrk), W = X^T Y (gemm), then
//                 normal_equations_cholesky:  G (+ jitter) = L L^T, W := G^{-1} W;
//                 normal_equations_lu:        P G = L U, W := G^{-1} W;
//               and rcond ~ 1 / kappa_1(G) from the factors.
// Storage:      X (m x d) and Y (m x k) are read; W (d x k) receives the solution.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.3.2 (the
//               method of normal equations and its kappa^2 sensitivity); Higham,
//               Accuracy and Stability, 2nd ed., section 20.4; Å. Björck, Numerical
//               Methods for Least Squares Problems, SIAM 1996, section 2.2.
// Cost:         m d^2 (syrk) + 2 m d k (X^T Y) + d^3 / 3 (Cholesky) or 2 d^3 / 3 (LU)
//               + 2 d^2 k (solves) + O(d^2) (estimate). For m >> d the syrk dominates:
//               half the flops of Householder QR (2 m d^2), which is why it is used.
// Workspace:    G (d x d) and the factorization's and estimator's workspace; the LU
//               variant also its d pivots.
// Invariant:    W is not written before every check has passed; X and Y are only read,
//               and G holds X^T X (its lower triangle mirrored) until it is factored.
// Stability:    not backward stable for least squares: rounding G = X^T X alone
//               perturbs it by about m eps ||X||_2^2, so the error in W is of order
//               kappa_2(X)^2 eps (GVL 5.3.8; Higham section 20.4), and G is
//               numerically singular once kappa_2(X) reaches about 1 / sqrt(eps). The
//               Läuchli matrix [1 1; delta 0; 0 delta] with delta^2 < eps / 2 is the
//               textbook case: 1 + delta^2 rounds to 1 and G = [1 1; 1 1] exactly.
// Failure:      dimension_mismatch, invalid_argument (jitter), not_finite (X or Y),
//               workspace_too_small — W untouched — and not_finite when X^T X or X^T Y
//               overflows; then
//               Cholesky: not_positive_definite when a pivot of G (+ jitter) is not
//               positive (info.failed_column; W holds X^T Y), or, without jitter, when
//               rcond < eps (W holds the solution, info.failed_column = -1);
//               LU: singular when a pivot of G is exactly zero (info.failed_column; W
//               holds X^T Y), or when rcond < eps (W holds the solution). The rcond <
//               eps rule is xPOSVX's and xGESVX's "singular to working precision".
// Files:        this file is the Cholesky variant; the LU variant is
//               normal_equations_lu.cpp (so that a program links only the factorization
//               it calls); their shared steps 1-2 are normal_equations_kernels.hpp's.
#include "../blas/blas_kernels.hpp"
#include "../cholesky/cholesky_kernels.hpp"
#include "normal_equations_kernels.hpp"
#include "stela/normal_equations.hpp"
#include "stela/scalar.hpp"

namespace stela {

template <class T>
WorkspaceSize normal_equations_cholesky_workspace_size(index m, index d, index k, const CholeskyOptions<T>& opts) {
  // G, and after each other: forming it (packing buffers, optimal only), factoring it,
  // estimating its condition.
  return WorkspaceSize::matrix<T>(d, d) + max(detail::form_normal_equations_workspace_size<T>(m, d, k),
                                              max(cholesky_workspace_size<T>(d, opts),
                                                  cholesky_condition_estimate_workspace_size<T>(d)));
}

template <class T>
Status detail::normal_equations_cholesky_kernel(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                                NormalEquationsInfo<T>& info, Workspace work,
                                                const CholeskyOptions<T>& opts) {
  const index d = X.cols();
  STELA_ASSERT(detail::normal_equations_shapes_fit(X, Y, MatrixView<const T>(W)) && valid<T>(opts) &&
               work.holds(normal_equations_cholesky_workspace_size<T>(X.rows(), d, Y.cols(), opts)));
  info = NormalEquationsInfo<T>{};
  if (d == 0) {
    info.rcond = 1;
    return Status::ok;
  }

  // 1-2. G := X^T X, W := X^T Y, anorm = ||G||_1.
  MatrixView<T> G = work.matrix<T>(d, d);
  const T anorm = detail::form_normal_equations(X, Y, G, W, work);
  // X^T X overflowed: finite X, but no G to factor (W holds X^T Y).
  if (!lower_triangle_finite(MatrixView<const T>(G))) return Status::not_finite;
  // 3. G (+ tau I) =: L L^T.
  CholeskyInfo<T> factor_info;
  const Status factored = cholesky_jitter_kernel(G, factor_info, work, opts);
  info.failed_column = factor_info.failed_column;
  info.jitter = factor_info.jitter;
  info.tries = factor_info.tries;
  if (factored != Status::ok) return factored;
  // 4. rcond ~ 1 / kappa_1(G + tau I). ||G + tau I||_1 = ||G||_1 + tau exactly: the
  //    diagonal of G = X^T X is non-negative, so tau adds to every column's sum, and a
  //    fixed tau >> ||G|| dominates it.
  const T shifted_norm = anorm + info.jitter;
  const T rcond = cholesky_rcond_kernel(MatrixView<const T>(G), shifted_norm, work);
  info.rcond = rcond;
  // 5. W := G^{-1} W = L^{-T} L^{-1} W, unless X^T Y overflowed (not_finite).
  if (!all_finite(MatrixView<const T>(W))) return Status::not_finite;
  cholesky_solve_kernel(MatrixView<const T>(G), W);
  // 6. Without jitter, G singular to working precision is reported (xPOSVX's rule).
  if (info.jitter == 0 && !(rcond >= eps<T>())) return Status::not_positive_definite;
  return Status::ok;
}

// The checked entry: shapes, options, workspace, finiteness, then the kernel.
template <class T>
Status normal_equations_cholesky_inplace(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                         NormalEquationsInfo<T>& info, Workspace work, const CholeskyOptions<T>& opts) {
  const index m = X.rows(), d = X.cols(), k = Y.cols();
  if (!detail::normal_equations_shapes_fit(X, Y, MatrixView<const T>(W))) return Status::dimension_mismatch;
  if (!valid<T>(opts)) return Status::invalid_argument;
  if (!work.holds(normal_equations_cholesky_workspace_size<T>(m, d, k, opts))) return Status::workspace_too_small;
  if (!all_finite(X) || !all_finite(Y)) return Status::not_finite;
  return detail::normal_equations_cholesky_kernel(X, Y, W, info, work, opts);
}

#define STELA_INSTANTIATE(T)                                                                                        \
  template Status detail::normal_equations_cholesky_kernel<T>(MatrixView<const T>, MatrixView<const T>,             \
                                                              MatrixView<T>, NormalEquationsInfo<T>&, Workspace,       \
                                                              const CholeskyOptions<T>&);                              \
  template WorkspaceSize normal_equations_cholesky_workspace_size<T>(index, index, index, const CholeskyOptions<T>&);  \
  template Status normal_equations_cholesky_inplace<T>(MatrixView<const T>, MatrixView<const T>, MatrixView<T>,     \
                                                       NormalEquationsInfo<T>&, Workspace, const CholeskyOptions<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
