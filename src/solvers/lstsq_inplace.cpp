// lstsq_inplace: the run-time choice of a least-squares method.
//
// Switches on opts.method and calls that method's own entry (lstsq_svd_inplace, ...,
// one file each; the shared steps are lstsq_pipeline.cpp's card). Nothing else happens
// here, so lstsq_inplace(..., {method = m}) and lstsq_m_inplace give the same bits. The
// switch names all six methods, so a program that calls lstsq_inplace links all six;
// one that calls a method's entry links that method only.
#include <algorithm>

#include "stela/lstsq.hpp"

namespace stela {

const char* to_string(LstsqMethod method) {
  switch (method) {
    case LstsqMethod::svd: return "svd";
    case LstsqMethod::jacobi: return "jacobi";
    case LstsqMethod::qr: return "qr";
    case LstsqMethod::qrcp: return "qrcp";
    case LstsqMethod::normal_cholesky: return "normal_cholesky";
    case LstsqMethod::normal_lu: return "normal_lu";
  }
  return "unknown";
}

const char* to_string(LstsqRefineStop stop) {
  switch (stop) {
    case LstsqRefineStop::not_requested: return "not_requested";
    case LstsqRefineStop::converged: return "converged";
    case LstsqRefineStop::stagnated: return "stagnated";
    case LstsqRefineStop::step_limit: return "step_limit";
    case LstsqRefineStop::ill_conditioned: return "ill_conditioned";
    case LstsqRefineStop::not_full_rank: return "not_full_rank";
  }
  return "unknown";
}

template <class T>
WorkspaceSize lstsq_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts) {
  switch (opts.method) {
    case LstsqMethod::svd: return lstsq_svd_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::jacobi: return lstsq_jacobi_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::qr: return lstsq_qr_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::qrcp: return lstsq_qrcp_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::normal_cholesky: return lstsq_normal_cholesky_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::normal_lu: return lstsq_normal_lu_workspace_size<T>(n, d, k, opts);
  }
  return WorkspaceSize();
}

template <class T>
Status lstsq_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                     VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info, Workspace work) {
  info = LstsqInfo<T>{};
  // The one check the methods without singular values cannot make: a singular_values
  // view of the wrong size is a dimension_mismatch for every method (the first check of
  // every entry, so the order of the checks is unchanged).
  if (!singular_values.empty() && singular_values.size() != std::min(X.rows(), X.cols()))
    return Status::dimension_mismatch;
  switch (opts.method) {
    case LstsqMethod::svd: return lstsq_svd_inplace(X, Y, opts, W, residual_norm, singular_values, info, work);
    case LstsqMethod::jacobi: return lstsq_jacobi_inplace(X, Y, opts, W, residual_norm, singular_values, info, work);
    case LstsqMethod::qr: return lstsq_qr_inplace(X, Y, opts, W, residual_norm, info, work);
    case LstsqMethod::qrcp: return lstsq_qrcp_inplace(X, Y, opts, W, residual_norm, info, work);
    case LstsqMethod::normal_cholesky: return lstsq_normal_cholesky_inplace(X, Y, opts, W, residual_norm, info, work);
    case LstsqMethod::normal_lu: return lstsq_normal_lu_inplace(X, Y, opts, W, residual_norm, info, work);
  }
  return Status::invalid_argument;  // not a method
}

#define STELA_INSTANTIATE(T)                                                                                     \
  template WorkspaceSize lstsq_workspace_size<T>(index, index, index, const LstsqOptions<T>&);                      \
  template Status lstsq_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, MatrixView<T>, \
                                   VectorView<T>, VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
