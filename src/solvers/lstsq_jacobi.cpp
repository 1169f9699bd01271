// lstsq by the one-sided Jacobi SVD: lstsq_jacobi_inplace, minimum norm, any shape and
// rank, with the Jacobi SVD's high relative accuracy in the singular values.
//
// Counterpart:  LAPACK xGESVJ followed by the solve of xGELSS.
// Method:       lstsq_spectral.cpp (the SVD solve) between the shared steps of
//               lstsq_pipeline.cpp; the SVD is src/svd/svd_jacobi.cpp.
#include "lstsq_pipeline.hpp"
#include "stela/lstsq.hpp"

namespace stela {

template <class T>
WorkspaceSize lstsq_jacobi_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts) {
  return detail::lstsq_spectral_workspace_size<T>(n, d, k, SvdMethod::jacobi, opts);
}

template <class T>
Status lstsq_jacobi_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                            VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info,
                            Workspace work) {
  return detail::lstsq_spectral_inplace<T, SvdMethod::jacobi>(X, Y, opts, W, residual_norm, singular_values, info, work);
}

#define STELA_INSTANTIATE(T)                                                                             \
  template WorkspaceSize lstsq_jacobi_workspace_size<T>(index, index, index, const LstsqOptions<T>&);       \
  template Status lstsq_jacobi_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, \
                                          MatrixView<T>, VectorView<T>, VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
