// The allocating LU layer: lu(), and the solves and accessors of an LU result.
//
// Each function sizes the workspace, copies its input, calls the in-place routines and
// packages the result; the numerics live in the in-place files:
//   src/lu/lu_blocked.cpp      lu_inplace (xGETRF)
//   src/lu/lu_condition.cpp    lu_condition_estimate (xGECON)
//   src/lu/lu_solve.cpp        lu_solve_inplace (xGETRS)
// The caller's matrices are never modified, whatever the status.
#include "stela/lu.hpp"

namespace stela {

template <class T>
Result<LU<T>> lu(MatrixView<const T> A) {
  const index n = A.rows();
  if (A.cols() != n) return Status::dimension_mismatch;
  if (!all_finite(A)) return Status::not_finite;
  LU<T> out;
  out.factors = Matrix<T>(A);
  out.pivots = Vector<index>(n);
  // 1. ||A||_1, before the factorization overwrites A.
  out.anorm = norm(A, Norm::one);
  // 2. P A = L U.
  WorkspaceBuffer buffer(max(lu_workspace_size<T>(n), lu_condition_estimate_workspace_size<T>(n)));
  const Status status = lu_inplace(out.factors.view(), out.pivots.view(), out.info, buffer.workspace());
  if (status != Status::ok && status != Status::singular) return status;
  // 3. rcond ~ 1 / (||A||_1 ||A^{-1}||_1); 0 when U is singular.
  const Status estimated = lu_condition_estimate(MatrixView<const T>(out.factors), VectorView<const index>(out.pivots),
                                                 out.anorm, out.rcond_estimate, buffer.workspace());
  if (estimated != Status::ok) return estimated;
  return Result<LU<T>>(status, std::move(out));
}

template <class T>
Result<Matrix<T>> LU<T>::solve(MatrixView<const T> B, Op trans) const {
  Matrix<T> X(B);
  const Status status = lu_solve_inplace(trans, MatrixView<const T>(factors), VectorView<const index>(pivots), X.view());
  if (status != Status::ok) return status;
  return X;
}

template <class T>
Result<Vector<T>> LU<T>::solve(VectorView<const T> b, Op trans) const {
  Vector<T> x(b);
  const Status status = lu_solve_inplace(trans, MatrixView<const T>(factors), VectorView<const index>(pivots), x.view());
  if (status != Status::ok) return status;
  return x;
}

template <class T>
Matrix<T> LU<T>::L() const {
  const index n = factors.rows();
  Matrix<T> out = Matrix<T>::identity(n);
  for (index j = 0; j < n; ++j)
    for (index i = j + 1; i < n; ++i) out(i, j) = factors(i, j);
  return out;
}

template <class T>
Matrix<T> LU<T>::U() const {
  const index n = factors.rows();
  Matrix<T> out(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i <= j; ++i) out(i, j) = factors(i, j);
  return out;
}

template <class T>
Vector<index> LU<T>::permutation() const {
  const index n = pivots.size();
  Vector<index> p(n);
  for (index i = 0; i < n; ++i) p[i] = i;
  for (index i = 0; i < n; ++i) std::swap(p[i], p[pivots[i]]);
  return p;
}

#define STELA_INSTANTIATE(T) \
  template struct LU<T>;     \
  template Result<LU<T>> lu<T>(MatrixView<const T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
