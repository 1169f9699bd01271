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

namespace stela {

enum class RidgeMethod {
  svd,           // filter factors s / (s^2 + lambda); any shape, lambda >= 0
  cholesky,      // (X^T X + lambda I) W = X^T Y, or the n x n dual form when d > n;
                 // not_positive_definite when that matrix is singular to working
                 // precision (lambda = 0 on a rank-deficient X: use svd)
  augmented_qr,  // QR of [X; sqrt(lambda) I]: least squares without squaring kappa
};
const char* to_string(RidgeMethod method);

struct RidgeOptions {
  RidgeMethod method = RidgeMethod::svd;
  bool fit_intercept = false;
  RankTolerance tolerance{};  // used when lambda = 0
  // Cap of the Golub–Kahan SVD behind the svd method, ridge_path and ridge_cv: its
  // bidiagonal QR's inner steps, as SvdOptions::max_iterations (svd.hpp; negative: the
  // default 6 k^2, k = min(n, d)). Reaching it is Status::no_convergence, with no
  // solution returned. The cholesky and augmented_qr methods do not iterate.
  index max_iterations = -1;
};

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
Result<RidgeResult<T>> ridge(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeOptions& opts = {});
template <class T>
Result<RidgeResult<T>> ridge(MatrixView<const T> X, VectorView<const T> y, T lambda, const RidgeOptions& opts = {});

template <class T>
Result<std::vector<RidgeResult<T>>> ridge_path(MatrixView<const T> X, MatrixView<const T> Y,
                                               VectorView<const T> lambdas, const RidgeOptions& opts = {});

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
                                  CvCriterion criterion = CvCriterion::gcv, const RidgeOptions& opts = {});

}  // namespace stela
