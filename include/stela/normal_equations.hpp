// stela/normal_equations.hpp — the naive normal equations, the baseline every
// least-squares method is measured against.
//
// min ||Y - X W||_F is solved through (X^T X) W = X^T Y:
//   normal_equations_cholesky  G = X^T X by syrk, Cholesky (optional jitter)
//   normal_equations_lu        the same G solved by LU with partial pivoting, which is
//                              what np.linalg.solve(X.T @ X, X.T @ y) does
// Forming G squares the condition number: the error is of order kappa(X)^2 eps, against
// kappa(X) eps for QR or the SVD. That is the point of having them.
//
// They report what a user of the naive method meets instead of returning garbage on a
// rank-deficient X:
//   Cholesky: not_positive_definite when a pivot is not positive (info.failed_column),
//   LU:       singular when a pivot is exactly zero (info.failed_column),
// and both, once the factorization went through, estimate rcond = 1 / kappa_1(G) and
// report the same status (with info.failed_column = -1 and the solution computed
// anyway) when rcond < eps: G is singular to working precision, LAPACK's xPOSVX /
// xGESVX rule (their INFO = N + 1). A Cholesky solve that added jitter is exempt: it
// solves the regularised (G + tau I) W = X^T Y on purpose; info.rcond still tells.
//
// Source: src/solvers/normal_equations.cpp.
#pragma once

#include "stela/cholesky.hpp"
#include "stela/lu.hpp"
#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela {

template <class T = double>
struct NormalEquationsInfo {
  index failed_column = -1;  // column of the failed pivot of G (-1: none)
  T jitter = 0;              // Cholesky: tau added to G's diagonal
  int tries = 0;             // Cholesky: factorizations attempted
  T rcond = 0;               // estimate of 1 / kappa_1(G) (of G + jitter I), 0 when not reached
};

// Low level. X is m x d, Y m x k, W d x k (output). Workspace: G (d x d) plus the
// factorization's and the estimator's (and d pivots for LU). Statuses:
// dimension_mismatch, invalid_argument (jitter), not_finite (X or Y),
// workspace_too_small — W untouched — not_finite also when X^T X or X^T Y overflows,
// and the numerical ones above. On not_positive_definite from the factorization W holds X^T Y;
// on singular from LU (a zero pivot) W holds X^T Y as well; on the rcond < eps statuses
// W holds the computed solution.
template <class T>
WorkspaceSize normal_equations_cholesky_workspace_size(index m, index d, index k, const CholeskyOptions<T>& opts = {});
template <class T>
Status normal_equations_cholesky_inplace(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                         NormalEquationsInfo<T>& info, Workspace work, const CholeskyOptions<T>& opts = {});

template <class T>
WorkspaceSize normal_equations_lu_workspace_size(index m, index d, index k);
template <class T>
Status normal_equations_lu_inplace(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                   NormalEquationsInfo<T>& info, Workspace work);

// High level.
template <class T>
struct NormalEquationsSolution {
  Matrix<T> solution;  // W, d x k (d x 1 for a vector y)
  NormalEquationsInfo<T> info;
};

template <class T>
Result<NormalEquationsSolution<T>> normal_equations_cholesky(MatrixView<const T> X, MatrixView<const T> Y,
                                                             const CholeskyOptions<T>& opts = {});
template <class T>
Result<NormalEquationsSolution<T>> normal_equations_cholesky(MatrixView<const T> X, VectorView<const T> y,
                                                             const CholeskyOptions<T>& opts = {});
template <class T>
Result<NormalEquationsSolution<T>> normal_equations_lu(MatrixView<const T> X, MatrixView<const T> Y);
template <class T>
Result<NormalEquationsSolution<T>> normal_equations_lu(MatrixView<const T> X, VectorView<const T> y);

}  // namespace stela
