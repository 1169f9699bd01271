// The naive normal equations by LU: normal_equations_lu_inplace and its kernel.
//
// Counterpart:  xGESV applied to X^T X; numpy's np.linalg.solve(X.T @ X, X.T @ y).
// Computes:     G = X^T X (syrk), W = X^T Y (gemm), P G = L U, W := G^{-1} W, and
//               rcond ~ 1 / kappa_1(G) from the factors (xGECON).
// The card:     normal_equations.cpp (the Cholesky variant) carries the card of both:
//               storage, references, cost (2 d^3 / 3 for the LU here), the kappa^2 loss
//               of accuracy, the failures. The variants live in two files so that a
//               program that calls one links only its factorization.
// Failures:     dimension_mismatch, not_finite (X or Y), workspace_too_small — W
//               untouched — and not_finite when X^T X or X^T Y overflows; singular
//               when a pivot of G is exactly zero (info.failed_column; W holds X^T Y),
//               or when rcond < eps (W holds the solution): xGESVX's "singular to
//               working precision".
#include "../lu/lu_kernels.hpp"
#include "normal_equations_kernels.hpp"
#include "stela/lu.hpp"
#include "stela/normal_equations.hpp"
#include "stela/scalar.hpp"

namespace stela {

template <class T>
WorkspaceSize normal_equations_lu_workspace_size(index m, index d, index k) {
  // G and the pivots, and after each other: forming G (packing buffers, optimal only),
  // factoring it, estimating its condition.
  return WorkspaceSize::matrix<T>(d, d) + WorkspaceSize::vector<index>(d) +
         max(detail::form_normal_equations_workspace_size<T>(m, d, k),
             max(lu_workspace_size<T>(d), lu_condition_estimate_workspace_size<T>(d)));
}

template <class T>
Status detail::normal_equations_lu_kernel(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                          NormalEquationsInfo<T>& info, Workspace work) {
  const index d = X.cols();
  STELA_ASSERT(detail::normal_equations_shapes_fit(X, Y, MatrixView<const T>(W)) &&
               work.holds(normal_equations_lu_workspace_size<T>(X.rows(), d, Y.cols())));
  info = NormalEquationsInfo<T>{};
  if (d == 0) {
    info.rcond = 1;
    return Status::ok;
  }

  // 1-2. G := X^T X, W := X^T Y, anorm = ||G||_1.
  MatrixView<T> G = work.matrix<T>(d, d);
  VectorView<index> pivots = work.vector<index>(d);
  const T anorm = detail::form_normal_equations(X, Y, G, W, work);
  // X^T X overflowed: finite X, but no G to factor (W holds X^T Y).
  if (!all_finite(MatrixView<const T>(G))) return Status::not_finite;
  // 3. P G =: L U; singular (a zero pivot) or not_finite (the elimination overflowed).
  LuInfo factor_info;
  const Status factored = lu_blocked_kernel(G, pivots, factor_info, work);
  info.failed_column = factor_info.failed_column;
  if (factored != Status::ok) return factored;
  // 4. rcond ~ 1 / kappa_1(G).
  const T rcond = lu_rcond_kernel(MatrixView<const T>(G), VectorView<const index>(pivots), anorm, work);
  info.rcond = rcond;
  // 5. W := G^{-1} W = U^{-1} L^{-1} P W, unless X^T Y overflowed (not_finite).
  if (!all_finite(MatrixView<const T>(W))) return Status::not_finite;
  lu_solve_kernel(Op::none, MatrixView<const T>(G), VectorView<const index>(pivots), W);
  // 6. G singular to working precision is reported (xGESVX's rule).
  if (!(rcond >= eps<T>())) return Status::singular;
  return Status::ok;
}

// The checked entry: shapes, workspace, finiteness, then the kernel.
template <class T>
Status normal_equations_lu_inplace(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                   NormalEquationsInfo<T>& info, Workspace work) {
  const index m = X.rows(), d = X.cols(), k = Y.cols();
  if (!detail::normal_equations_shapes_fit(X, Y, MatrixView<const T>(W))) return Status::dimension_mismatch;
  if (!work.holds(normal_equations_lu_workspace_size<T>(m, d, k))) return Status::workspace_too_small;
  if (!all_finite(X) || !all_finite(Y)) return Status::not_finite;
  return detail::normal_equations_lu_kernel(X, Y, W, info, work);
}

#define STELA_INSTANTIATE(T)                                                                                    \
  template Status detail::normal_equations_lu_kernel<T>(MatrixView<const T>, MatrixView<const T>, MatrixView<T>, \
                                                        NormalEquationsInfo<T>&, Workspace);                       \
  template WorkspaceSize normal_equations_lu_workspace_size<T>(index, index, index);                            \
  template Status normal_equations_lu_inplace<T>(MatrixView<const T>, MatrixView<const T>, MatrixView<T>,       \
                                                 NormalEquationsInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
