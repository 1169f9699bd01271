// lstsq by the Golub–Kahan SVD: lstsq_svd_inplace, minimum norm, any shape and rank.
//
// Counterpart:  LAPACK xGELSS / xGELSD, numpy.linalg.lstsq.
// Method:       lstsq_spectral.cpp (the SVD solve) between the shared steps of
//               lstsq_pipeline.cpp; the SVD is src/svd/svd_golub_kahan.cpp.
#include "lstsq_pipeline.hpp"
#include "stela/lstsq.hpp"

namespace stela {

template <class T>
WorkspaceSize lstsq_svd_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts) {
  return detail::lstsq_spectral_workspace_size<T>(n, d, k, SvdMethod::golub_kahan, opts);
}

template <class T>
Status lstsq_svd_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                         VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info,
                         Workspace work) {
  return detail::lstsq_spectral_inplace<T, SvdMethod::golub_kahan>(X, Y, opts, W, residual_norm, singular_values, info,
                                        work);
}

#define STELA_INSTANTIATE(T)                                                                                         \
  template WorkspaceSize lstsq_svd_workspace_size<T>(index, index, index, const LstsqOptions<T>&);                      \
  template Status lstsq_svd_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, MatrixView<T>, \
                                       VectorView<T>, VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
