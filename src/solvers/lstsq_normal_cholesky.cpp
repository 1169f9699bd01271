// lstsq by the normal equations and Cholesky: lstsq_normal_cholesky_inplace, the naive
// baseline every other method is measured against.
//
// Counterpart:  xPOSV on X^T X (no LAPACK driver); the textbook normal equations.
// Method:       src/solvers/normal_equations.cpp's Cholesky kernel (card there: cost,
//               the kappa^2 loss, statuses) on the scaled problem, between the shared
//               steps of lstsq_pipeline.cpp; the condition estimate is sqrt(1 / rcond)
//               from the factorization's rcond ~ 1 / kappa_1(X^T X).
// Failures:     not_positive_definite (a pivot of X^T X not positive, or rcond < eps);
//               the pipeline's.
#include <cmath>
#include <limits>

#include "lstsq_pipeline.hpp"
#include "normal_equations_kernels.hpp"
#include "stela/lstsq.hpp"
#include "stela/normal_equations.hpp"

namespace stela {
namespace {

// (X_s^T X_s) W_s = X_s^T Y_s; the rank is d whatever happens (the normal equations do
// not decide it), the condition from the factorization's rcond.
template <class T>
Status solve_normal_cholesky(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance& /*tol*/,
                       detail::LstsqMethodInfo<T>& info, Workspace work) {
  NormalEquationsInfo ne;
  const Status status = detail::normal_equations_cholesky_kernel(MatrixView<const T>(A), Ys, Ws, ne, work);
  info.rank = A.cols();
  // kappa_1(X^T X) estimated by the factorization; kappa_2(X) ~ sqrt of it.
  info.condition = ne.rcond > 0 ? std::sqrt(T(1) / static_cast<T>(ne.rcond)) : std::numeric_limits<T>::infinity();
  return status;
}

}  // namespace

template <class T>
WorkspaceSize lstsq_normal_cholesky_workspace_size(index n, index d, index k, const LstsqOptions& /*opts*/) {
  // The pipeline's copies, a d x k block the method leaves unused (reserved since the
  // first lstsq; kept so that the query does not shrink under callers), the normal
  // equations' own.
  return detail::lstsq_pipeline_workspace_size<T>(n, d, k) + WorkspaceSize::matrix<T>(d, k) +
         normal_equations_cholesky_workspace_size<T>(n, d, k);
}

template <class T>
Status lstsq_normal_cholesky_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions& opts,
                                 MatrixView<T> W, VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work) {
  const WorkspaceSize needed = lstsq_normal_cholesky_workspace_size<T>(X.rows(), X.cols(), Y.cols(), opts);
  return detail::lstsq_run(X, Y, opts, W, residual_norm, VectorView<T>(), needed, info, work, solve_normal_cholesky<T>);
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template WorkspaceSize lstsq_normal_cholesky_workspace_size<T>(index, index, index, const LstsqOptions&);       \
  template Status lstsq_normal_cholesky_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions&, \
                                               MatrixView<T>, VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
