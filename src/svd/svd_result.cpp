// The allocating SVD: svd(A, opts) -> Result<SVD<T>>.
//
// Sizes and allocates s, U, V (as opts.vectors asks), a copy of A and the workspace,
// then calls svd_inplace (svd.cpp: checks, scaling, the method, signs). Apart from the
// in-place driver so that a program calling only svd_inplace, or a solver built on its
// kernel, links no operator new and no std::__throw_* (issue 13).
#include <algorithm>
#include <utility>

#include "stela/svd.hpp"
#include "svd_common.hpp"

namespace stela {

template <class T>
Result<SVD<T>> svd(MatrixView<const T> A, const SvdOptions& opts) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  if (!svd_detail::valid(opts.method) || !svd_detail::valid(opts.vectors)) return Status::invalid_argument;
  SVD<T> out;
  out.method = opts.method;
  out.s = Vector<T>(k);
  if (opts.vectors == SvdVectors::thin) {
    out.U = Matrix<T>(m, k);
    out.V = Matrix<T>(n, k);
  } else if (opts.vectors == SvdVectors::full) {
    out.U = Matrix<T>(m, m);
    out.V = Matrix<T>(n, n);
  }
  Matrix<T> work_A(A);
  WorkspaceBuffer buffer(svd_workspace_size<T>(m, n, opts));
  const Status status = svd_inplace(work_A.view(), out.s.view(), out.U.view(), out.V.view(), opts, out.info,
                                    buffer.workspace());
  if (status == Status::ok || status == Status::no_convergence) return Result<SVD<T>>(status, std::move(out));
  return status;
}

template Result<SVD<float>> svd<float>(MatrixView<const float>, const SvdOptions&);
template Result<SVD<double>> svd<double>(MatrixView<const double>, const SvdOptions&);

}  // namespace stela
