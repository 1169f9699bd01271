// lstsq by the normal equations and LU: lstsq_normal_lu_inplace, the naive baseline as
// numpy users write it, np.linalg.solve(X.T @ X, X.T @ y).
//
// Counterpart:  xGESV on X^T X (no LAPACK driver).
// Method:       src/solvers/normal_equations.cpp's LU kernel (card there: cost, the
//               kappa^2 loss, statuses) on the scaled problem, between the shared steps
//               of lstsq_pipeline.cpp (lstsq_normal_equations_run in
//               lstsq_pipeline.hpp: the rank, the condition estimate, the workspace).
// Failures:     singular (a zero pivot of X^T X, or rcond < eps); the pipeline's.
#include "lstsq_normal_equations_run.hpp"
#include "normal_equations_kernels.hpp"
#include "stela/lstsq.hpp"
#include "stela/normal_equations.hpp"

namespace stela {

template <class T>
WorkspaceSize lstsq_normal_lu_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts) {
  return detail::lstsq_normal_equations_workspace_size<T>(n, d, k, normal_equations_lu_workspace_size<T>(n, d, k), opts);
}

template <class T>
Status lstsq_normal_lu_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                               VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work) {
  // (X_s^T X_s) W_s = X_s^T Y_s by LU
  auto kernel = [](MatrixView<const T> A, MatrixView<const T> Ys, MatrixView<T> Ws, NormalEquationsInfo<T>& ne,
                   Workspace rest) { return detail::normal_equations_lu_kernel(A, Ys, Ws, ne, rest); };
  const WorkspaceSize needed = lstsq_normal_lu_workspace_size<T>(X.rows(), X.cols(), Y.cols(), opts);
  return detail::lstsq_normal_equations_run(X, Y, opts, W, residual_norm, info, work, needed, kernel, true);
}

#define STELA_INSTANTIATE(T)                                                                                \
  template WorkspaceSize lstsq_normal_lu_workspace_size<T>(index, index, index, const LstsqOptions<T>&);       \
  template Status lstsq_normal_lu_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, \
                                             MatrixView<T>, VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
