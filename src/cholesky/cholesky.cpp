// The allocating Cholesky layer: cholesky(), pivoted_cholesky(), and the solve and
// log-determinant of a Cholesky result.
//
// Each function sizes the workspace, copies its input, calls the in-place routine and
// packages the result; the numerics live in the in-place files:
//   src/cholesky/cholesky_jitter.cpp      cholesky_inplace (xPOTRF under a jitter policy)
//   src/cholesky/cholesky_pivoted.cpp     pivoted_cholesky_inplace (xPSTRF)
//   src/cholesky/cholesky_solve.cpp       cholesky_solve_inplace (xPOTRS)
// The caller's matrices are never modified, whatever the status.
#include <cmath>

#include "stela/cholesky.hpp"

namespace stela {
namespace {

// Zero the strict upper triangle (the in-place routines never touch it, so after the
// copy it still holds A's upper triangle).
template <class T>
void zero_strict_upper(MatrixView<T> A) {
  for (index j = 1; j < A.cols(); ++j) fill(A.col(j).segment(0, std::min(j, A.rows())), T(0));
}

}  // namespace

template <class T>
Result<Cholesky<T>> cholesky(MatrixView<const T> A, const CholeskyOptions<T>& opts) {
  if (A.rows() != A.cols()) return Status::dimension_mismatch;
  Cholesky<T> out;
  out.L = Matrix<T>(A);
  WorkspaceBuffer buffer(cholesky_workspace_size<T>(A.rows(), opts));
  const Status status = cholesky_inplace(out.L.view(), out.info, buffer.workspace(), opts);
  if (status != Status::ok && status != Status::not_positive_definite) return status;
  zero_strict_upper(out.L.view());
  return Result<Cholesky<T>>(status, std::move(out));
}

template <class T>
Result<Matrix<T>> Cholesky<T>::solve(MatrixView<const T> B) const {
  if (info.failed_column >= 0) return Status::not_positive_definite;
  Matrix<T> X(B);
  const Status status = cholesky_solve_inplace(MatrixView<const T>(L), X.view());
  if (status != Status::ok) return status;
  return X;
}

template <class T>
Result<Vector<T>> Cholesky<T>::solve(VectorView<const T> b) const {
  if (info.failed_column >= 0) return Status::not_positive_definite;
  Vector<T> x(b);
  const Status status = cholesky_solve_inplace(MatrixView<const T>(L), x.view());
  if (status != Status::ok) return status;
  return x;
}

template <class T>
Result<T> Cholesky<T>::log_determinant() const {
  if (info.failed_column >= 0) return Status::not_positive_definite;
  // log det(L L^T) = 2 sum_i log l_ii: a sum of logarithms, which neither overflows
  // nor underflows where the product of the l_ii would.
  T sum = 0;
  for (index i = 0; i < L.rows(); ++i) sum += std::log(L(i, i));
  return T(2) * sum;
}

template <class T>
Result<PivotedCholesky<T>> pivoted_cholesky(MatrixView<const T> A, const RankTolerance<T>& tol) {
  const index n = A.rows();
  if (A.cols() != n) return Status::dimension_mismatch;
  Matrix<T> work_matrix(A);
  Vector<index> perm(n);
  PivotedCholeskyInfo<T> info;
  WorkspaceBuffer buffer(pivoted_cholesky_workspace_size<T>(n));
  const Status status = pivoted_cholesky_inplace(work_matrix.view(), perm.view(), info, buffer.workspace(), tol);
  if (status != Status::ok && status != Status::not_positive_definite) return status;
  // L = the first rank columns of the lower triangle.
  PivotedCholesky<T> out;
  out.L = Matrix<T>(n, info.rank);
  for (index j = 0; j < info.rank; ++j)
    for (index i = j; i < n; ++i) out.L(i, j) = work_matrix(i, j);
  out.perm = std::move(perm);
  out.info = info;
  return Result<PivotedCholesky<T>>(status, std::move(out));
}

#define STELA_INSTANTIATE(T)                                                                          \
  template struct Cholesky<T>;                                                                        \
  template Result<Cholesky<T>> cholesky<T>(MatrixView<const T>, const CholeskyOptions<T>&);              \
  template struct PivotedCholesky<T>;                                                                 \
  template Result<PivotedCholesky<T>> pivoted_cholesky<T>(MatrixView<const T>, const RankTolerance<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
