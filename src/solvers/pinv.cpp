// pinv: the allocating form of pinv_inplace (src/solvers/pinv_inplace.cpp, whose card
// says what is computed, how and at what cost). Sizes, allocates, calls; no numerics of
// its own.
#include "stela/lstsq.hpp"

namespace stela {

template <class T>
Result<Matrix<T>> pinv(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts) {
  const index n = A.rows(), d = A.cols();
  Matrix<T> P(d, n);
  WorkspaceBuffer buffer(pinv_workspace_size<T>(n, d, svd_opts));
  index rank = 0;
  const Status status = pinv_inplace(A, tol, svd_opts, P.view(), rank, buffer.workspace());
  if (status != Status::ok) return status;
  return P;
}

template Result<Matrix<float>> pinv<float>(MatrixView<const float>, const RankTolerance<float>&, const SvdOptions&);
template Result<Matrix<double>> pinv<double>(MatrixView<const double>, const RankTolerance<double>&, const SvdOptions&);

}  // namespace stela
