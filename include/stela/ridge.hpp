// stela/ridge.hpp — ridge regression (Tikhonov regularisation) and its cross-validation.
//
//   ridge(X, Y, lambda)          W = argmin ||Y - X W||_F^2 + lambda ||W||_F^2
//   ridge_path(X, Y, lambdas)    the same for many lambdas from one SVD
//   ridge_cv(X, Y, lambdas, c)   generalized cross-validation or leave-one-out scores in
//                                closed form from the SVD, the best lambda and its fit
//
// With X = U diag(s) V^T the solution is W = V diag(s / (s^2 + lambda)) U^T Y (the filter
// factors of Hansen, "Rank-Deficient and Discrete Ill-Posed Problems", SIAM 1998, ch. 4).
// lambda = 0 gives the minimum-norm least-squares solution (singular values at or below
// the rank tolerance are then dropped, as in lstsq); lambda < 0 is invalid_argument.
// not_finite: NaN or Inf in X or Y, or a solution or intercept beyond the range of T
// (there is no representable answer; as lstsq).
//
// fit_intercept centres the columns of X and of Y, solves the centred problem, and
// returns the intercept b = mean(Y) - mean(X) W, which is not penalised.
#pragma once

#include <vector>

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela {

enum class RidgeMethod {
  svd,           // filter factors s / (s^2 + lambda); any shape, lambda >= 0
  cholesky,      // (X^T X + lambda I) W = X^T Y, or the n x n dual form when d > n;
                 // not_positive_definite when that matrix is singular to working
                 // precision (lambda = 0 on a rank-deficient X: use svd)
  augmented_qr,  // QR of [X; sqrt(lambda) I]: least squares without squaring kappa
};
const char* to_string(RidgeMethod method);

template <class T = double>
struct RidgeOptions {  // the tolerance in the matrix's type T (tolerance.hpp)
  RidgeMethod method = RidgeMethod::svd;
  bool fit_intercept = false;
  RankTolerance<T> tolerance{};  // used when lambda = 0
  // Cap of the Golub–Kahan SVD behind the svd method, ridge_path and ridge_cv: its
  // bidiagonal QR's inner steps, as SvdOptions::max_iterations (svd.hpp; negative: the
  // default 6 k^2, k = min(n, d)). Reaching it is Status::no_convergence, with no
  // solution returned. The cholesky and augmented_qr methods do not iterate.
  index max_iterations = -1;
};
// RidgeOptions{method} and RidgeOptions{method, fit_intercept} are double, as before the
// options were templated (C++17 deduces no aggregate by itself).
RidgeOptions(RidgeMethod) -> RidgeOptions<double>;
RidgeOptions(RidgeMethod, bool) -> RidgeOptions<double>;

template <class T>
struct RidgeResult {
  Matrix<T> solution;   // d x k
  Vector<T> intercept;  // k entries (zeros without fit_intercept)
  T lambda = 0;
  RidgeMethod method = RidgeMethod::svd;
  bool dual = false;    // the Cholesky method solved the n x n system X X^T + lambda I
  T effective_dof = 0;  // sum s_i^2 / (s_i^2 + lambda) (+1 with an intercept); svd only
};

template <class T>
Result<RidgeResult<T>> ridge(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeOptions<T>& opts = {});
template <class T>
Result<RidgeResult<T>> ridge(MatrixView<const T> X, VectorView<const T> y, T lambda, const RidgeOptions<T>& opts = {});

// Low level, the svd method (src/solvers/ridge_inplace.cpp; ridge with RidgeMethod::svd
// is its allocating form, bit for bit): one fixed lambda, no allocation. X (n x d) and
// Y (n x k) are only read; on success W (d x k) holds the solution, intercept (k) the
// intercepts (zeros without fit_intercept) and info.effective_dof as RidgeResult's.
// opts.method is not read (the name is the method); fit_intercept, tolerance and
// max_iterations are. Statuses in this order, each with W and intercept untouched:
// dimension_mismatch, invalid_argument (tolerance, or lambda < 0 or not finite),
// workspace_too_small, not_finite (NaN or Inf in X or Y); then ok or no_convergence.
template <class T>
struct RidgeInfo {
  T effective_dof = 0;  // sum s_i^2 / (s_i^2 + lambda) (+1 with an intercept)
};
template <class T>
WorkspaceSize ridge_svd_workspace_size(index n, index d, index k, const RidgeOptions<T>& opts = {});
template <class T>
Status ridge_svd_inplace(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeOptions<T>& opts,
                         MatrixView<T> W, VectorView<T> intercept, RidgeInfo<T>& info, Workspace work);

template <class T>
Result<std::vector<RidgeResult<T>>> ridge_path(MatrixView<const T> X, MatrixView<const T> Y,
                                               VectorView<const T> lambdas, const RidgeOptions<T>& opts = {});

enum class CvCriterion { gcv, loo };
const char* to_string(CvCriterion criterion);

template <class T>
struct RidgeCvResult {
  Vector<T> lambdas;
  Vector<T> scores;        // the criterion for every lambda (mean over the k columns)
  Vector<T> effective_dof;
  index best_index = 0;    // the first minimiser of the score
  T best_lambda = 0;
  RidgeResult<T> best;     // the fit at best_lambda
  CvCriterion criterion = CvCriterion::gcv;
};

template <class T>
Result<RidgeCvResult<T>> ridge_cv(MatrixView<const T> X, MatrixView<const T> Y, VectorView<const T> lambdas,
                                  CvCriterion criterion = CvCriterion::gcv, const RidgeOptions<T>& opts = {});

}  // namespace stela
