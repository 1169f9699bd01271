// The allocating normal equations: normal_equations_cholesky(X, Y) and
// normal_equations_lu(X, Y), for a matrix or a vector of right-hand sides.
//
// Each allocates the solution and the workspace and calls the in-place form
// (normal_equations.cpp, whose card gives the method, its cost and its kappa^2 loss).
// Apart from it so that a program using only the in-place forms (or lstsq's
// normal-equations methods) links no operator new and no std::__throw_* (issue 13).
#include <utility>

#include "stela/normal_equations.hpp"

namespace stela {

template <class T>
Result<NormalEquationsSolution<T>> normal_equations_cholesky(MatrixView<const T> X, MatrixView<const T> Y,
                                                             const CholeskyOptions<T>& opts) {
  if (Y.rows() != X.rows()) return Status::dimension_mismatch;
  NormalEquationsSolution<T> out;
  out.solution = Matrix<T>(X.cols(), Y.cols());
  WorkspaceBuffer buffer(normal_equations_cholesky_workspace_size<T>(X.rows(), X.cols(), Y.cols(), opts));
  const Status status = normal_equations_cholesky_inplace(X, Y, out.solution.view(), out.info, buffer.workspace(), opts);
  if (status != Status::ok && status != Status::not_positive_definite) return status;
  return Result<NormalEquationsSolution<T>>(status, std::move(out));
}

template <class T>
Result<NormalEquationsSolution<T>> normal_equations_cholesky(MatrixView<const T> X, VectorView<const T> y,
                                                             const CholeskyOptions<T>& opts) {
  Matrix<T> Y(y.size(), 1);
  copy(y, Y.col(0));
  return normal_equations_cholesky(X, MatrixView<const T>(Y), opts);
}

template <class T>
Result<NormalEquationsSolution<T>> normal_equations_lu(MatrixView<const T> X, MatrixView<const T> Y) {
  if (Y.rows() != X.rows()) return Status::dimension_mismatch;
  NormalEquationsSolution<T> out;
  out.solution = Matrix<T>(X.cols(), Y.cols());
  WorkspaceBuffer buffer(normal_equations_lu_workspace_size<T>(X.rows(), X.cols(), Y.cols()));
  const Status status = normal_equations_lu_inplace(X, Y, out.solution.view(), out.info, buffer.workspace());
  if (status != Status::ok && status != Status::singular) return status;
  return Result<NormalEquationsSolution<T>>(status, std::move(out));
}

template <class T>
Result<NormalEquationsSolution<T>> normal_equations_lu(MatrixView<const T> X, VectorView<const T> y) {
  Matrix<T> Y(y.size(), 1);
  copy(y, Y.col(0));
  return normal_equations_lu(X, MatrixView<const T>(Y));
}

#define STELA_INSTANTIATE(T)                                                                                        \
  template Result<NormalEquationsSolution<T>> normal_equations_cholesky<T>(MatrixView<const T>, MatrixView<const T>, \
                                                                           const CholeskyOptions<T>&);                 \
  template Result<NormalEquationsSolution<T>> normal_equations_cholesky<T>(MatrixView<const T>, VectorView<const T>, \
                                                                           const CholeskyOptions<T>&);                 \
  template Result<NormalEquationsSolution<T>> normal_equations_lu<T>(MatrixView<const T>, MatrixView<const T>);     \
  template Result<NormalEquationsSolution<T>> normal_equations_lu<T>(MatrixView<const T>, VectorView<const T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
