// Ridge regression by three methods, the regularisation path, and closed-form
// cross-validation.
//
// Counterparts: sklearn.linear_model.Ridge (solvers "svd", "cholesky"), RidgeCV (GCV and
//               leave-one-out from one decomposition); LAPACK has no driver.
// Computes:     W = argmin ||Y - X W||_F^2 + lambda ||W||_F^2 (X n x d, Y n x k), with an
//               unpenalised intercept when asked: the columns of X and Y are centred, the
//               centred problem solved, and b = mean(Y) - W^T mean(X).
// Methods:      svd           X = U diag(s) V^T, W = V diag(s / (s^2 + lambda)) U^T Y: the
//                             filter factors (Hansen 1998, ch. 4). lambda = 0 drops the
//                             singular values at or below the rank tolerance: the
//                             minimum-norm least-squares solution.
//               cholesky      (X^T X + lambda I) W = X^T Y when d <= n (the primal form,
//                             d x d); W = X^T (X X^T + lambda I)^{-1} Y when d > n (the
//                             dual form, n x n): the smaller Gram matrix is formed, since
//                             both give the same W (push-through identity
//                             (X^T X + lambda I)^{-1} X^T = X^T (X X^T + lambda I)^{-1}).
//                             The Gram matrix singular to working precision (rcond <
//                             eps, xPOSVX's rule, as normal_equations_cholesky) is
//                             not_positive_definite: at lambda = 0 a rank-deficient X
//                             (or, in the dual form, one of rank < n) has no answer
//                             here; use svd for the minimum-norm solution.
//               augmented_qr  least squares on [X; sqrt(lambda) I] W = [Y; 0] by
//                             Householder QR: never forms X^T X, so the conditioning is
//                             kappa([X; sqrt(lambda) I]), not its square (Björck,
//                             "Numerical Methods for Least Squares Problems", 1996, 2.7).
//                             The heavier block goes on top (sqrt(lambda) I first when
//                             sqrt(lambda) >= max |x_ij|), as row-sorted Householder QR
//                             requires (Cox & Higham 1998). At lambda = 0 a
//                             rank-deficient X is rank_deficient.
// Cross-val.:   with U, s from the SVD of the centred X, c = U^T y and
//               g_j = lambda / (s_j^2 + lambda) (the part of direction j the fit leaves):
//                 residual  e = (y - U c) + U diag(g) c,
//                 hat diag  1 - h_ii = (1 - b - ||U(i, :)||^2) + sum_j U_ij^2 g_j, with
//                           b = 1/n for an intercept and 0 otherwise,
//                 dof       = sum_j (1 - g_j) (+1 for the intercept),
//                 GCV       = (||e||^2 / n) / (1 - dof / n)^2   (Golub, Heath, Wahba,
//                             Technometrics 21(2), 1979),
//                 LOO       = (1/n) sum_i (e_i / (1 - h_ii))^2  (the exact leave-one-out
//                             residual of a linear smoother; Allen 1974).
//               g is formed as lambda / (s^2 + lambda), never as 1 - s^2 / (s^2 + lambda):
//               the subtraction would cancel all digits at tiny lambda, and nothing is
//               divided by lambda, so lambda = 0 is allowed. When 1 - h_ii (or
//               1 - dof / n) is zero to working accuracy — an interpolating fit — the
//               criterion is undefined and the score is +inf.
// Scaling:      X, Y and lambda are scaled by exact powers of two (X 2^-a, Y 2^-b,
//               lambda 2^-2a) so that max |x_ij| and max |y_ij| lie in [1/2, 1) before any
//               square is formed, and W = W_s 2^(b - a) after. When sqrt(lambda) > 2^a,
//               X and lambda take a further 2^-c, 2^-2c so that lambda lies in [1/4, 1)
//               (see scaled_lambda), until ||X|| / sqrt(lambda) falls below the
//               smallest normal number (lambda / ||X||^2 past 2^252 in float, 2^2044 in
//               double), where X 2^-(a + c) loses digits to underflow.
// Layers:       ridge with the svd method is the allocating form of ridge_svd_inplace
//               (ridge_inplace.cpp, no heap); ridge_path and ridge_cv share its steps
//               (ridge_kernels.hpp) around one SVD for every lambda.
// Invariant:    X and Y are only read; every method solves the same centred problem
//               scaled by exact powers of two (Prepared), and W is scaled back by them.
// Reference:    P. C. Hansen, "Rank-Deficient and Discrete Ill-Posed Problems", SIAM 1998,
//               ch. 4-7; Golub, Heath & Wahba 1979 (GCV); D. M. Allen, Technometrics 16(1),
//               1974 (the PRESS / leave-one-out identity); Björck 1996, 2.7.
// Cost:         svd: one thin SVD plus 2 d r k per lambda; cholesky: n d^2 + d^3 / 3
//               (primal) or d n^2 + n^3 / 3 (dual); augmented_qr: 2 (n + d) d^2.
// Stability:    svd and augmented_qr are backward stable for the regularised problem,
//               whose condition number is about sqrt((s_1^2 + lambda) / (s_r^2 + lambda));
//               cholesky squares it (the Gram matrix), as the normal equations do, and
//               is here as the fast, well-known baseline.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../blas/blas_kernels.hpp"
#include "../cholesky/cholesky_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "form_gram.hpp"
#include "ridge_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/cholesky.hpp"
#include "stela/qr.hpp"
#include "stela/ridge.hpp"
#include "stela/svd.hpp"

namespace stela {

const char* to_string(RidgeMethod method) {
  switch (method) {
    case RidgeMethod::svd: return "svd";
    case RidgeMethod::cholesky: return "cholesky";
    case RidgeMethod::augmented_qr: return "augmented_qr";
  }
  return "unknown";
}

const char* to_string(CvCriterion criterion) {
  switch (criterion) {
    case CvCriterion::gcv: return "gcv";
    case CvCriterion::loo: return "loo";
  }
  return "unknown";
}

namespace {

// The problem as every method sees it: scaled, and centred when fitting an intercept.
template <class T>
struct Prepared {
  Matrix<T> X;       // n x d, centred and scaled by 2^-x_exp
  Matrix<T> Y;       // n x k, centred and scaled by 2^-y_exp
  Vector<T> x_mean;  // d, in the caller's units (zeros without an intercept)
  Vector<T> y_mean;  // k, likewise
  int x_exp = 0;
  int y_exp = 0;
  bool intercept = false;
};

template <class T>
Prepared<T> prepare(MatrixView<const T> X, MatrixView<const T> Y, bool intercept) {
  Prepared<T> P;
  P.intercept = intercept;
  P.X = Matrix<T>(X);
  P.Y = Matrix<T>(Y);
  P.x_mean = Vector<T>(X.cols());
  P.y_mean = Vector<T>(Y.cols());
  if (intercept) {
    ridge_detail::centre_columns(P.X.view(), P.x_mean.view());
    ridge_detail::centre_columns(P.Y.view(), P.y_mean.view());
  }
  // Exact scaling: max |x_ij| and max |y_ij| in [1/2, 1).
  P.x_exp = scale_by_max_exponent(P.X.view());
  P.y_exp = scale_by_max_exponent(P.Y.view());
  return P;
}

using ridge_detail::ScaledLambda;

// lambda in P's scaled problem (ridge_kernels.hpp).
template <class T>
ScaledLambda<T> scaled_lambda(const Prepared<T>& P, T lambda) {
  return ridge_detail::scaled_lambda(P.x_exp, lambda);
}

// X := X 2^-c: moves the extra exponent of L into P (for the methods that factor X or
// its Gram matrix themselves), after which L.c = 0.
template <class T>
void absorb_lambda_scale(Prepared<T>& P, ScaledLambda<T>& L) {
  scale_by_power_of_two(-L.c, P.X.view());
  P.x_exp += L.c;
  L.c = 0;
}

// W := W' 2^(b - a - c), and the intercept b = mean(Y) - W^T mean(X).
template <class T>
RidgeResult<T> finish(const Prepared<T>& P, Matrix<T> W, T lambda, RidgeMethod method, int c = 0) {
  RidgeResult<T> R;
  R.intercept = Vector<T>(W.cols());
  ridge_detail::unscale_with_intercept(P.y_exp - P.x_exp - c, P.intercept, VectorView<const T>(P.x_mean),
                                       VectorView<const T>(P.y_mean), W.view(), R.intercept.view());
  R.solution = std::move(W);
  R.lambda = lambda;
  R.method = method;
  return R;
}

// Whether the unscaled solution and intercept are in range. W_s 2^(b - a - c) overflows
// when the answer itself is beyond the range of T (a near-singular X at lambda = 0 with
// Y near overflow, found by tools/fuzz/fuzz_solvers in float): that is not_finite, as in
// lstsq, never ok over Inf.
template <class T>
bool representable(const RidgeResult<T>& R) {
  return all_finite(MatrixView<const T>(R.solution)) && all_finite(VectorView<const T>(R.intercept));
}

// The SVD of the prepared X and the projections c = U^T Y, shared by every lambda.
template <class T>
struct Spectral {
  SVD<T> F;     // thin: U n x r, s r, V d x r
  Matrix<T> C;  // r x k: U^T Y
  T threshold = 0;  // the rank tolerance, used when lambda = 0
};

// The rank rule in the scaled problem: its absolute part scales with X (2^-a).
template <class T>
RankTolerance<T> scaled_tolerance(const Prepared<T>& P, RankTolerance<T> tol) {
  tol.atol = std::ldexp(tol.atol, -P.x_exp);
  return tol;
}

// The SVD's failure (no_convergence at opts.max_iterations) is the caller's: no
// solution or score is formed from a partial SVD.
template <class T>
Result<Spectral<T>> spectral(const Prepared<T>& P, const RidgeOptions<T>& opts) {
  const RankTolerance<T> tol = scaled_tolerance(P, opts.tolerance);
  Spectral<T> S;
  SvdOptions svd_opts;
  svd_opts.max_iterations = opts.max_iterations;
  Result<SVD<T>> F = svd(MatrixView<const T>(P.X), svd_opts);
  if (!F.ok()) return F.status();
  S.F = std::move(F.value());
  const index r = S.F.s.size();
  S.C = Matrix<T>(r, P.Y.cols());
  if (r > 0) {
    // C := U^T Y
    detail::gemm_kernel(Op::transpose, Op::none, T(1), MatrixView<const T>(S.F.U), MatrixView<const T>(P.Y), T(0),
                        S.C.view());
    S.threshold = rank_threshold(tol, S.F.s[0], P.X.rows(), P.X.cols());
  }
  return S;
}

// W' = V diag(s'_j / (s'_j^2 + lambda')) C with s' = s 2^-c (W' = W_s 2^c; see
// scaled_lambda), and the effective degrees of freedom.
template <class T>
Matrix<T> spectral_solution(const Spectral<T>& S, const ScaledLambda<T>& L, T& dof) {
  const index d = S.F.V.rows(), r = S.F.s.size(), k = S.C.cols();
  Matrix<T> DC(S.C);
  dof = ridge_detail::filter_rows(VectorView<const T>(S.F.s), L, S.threshold, DC.view());
  Matrix<T> W(d, k);
  // W := V (D C)
  if (r > 0) detail::gemm_kernel(Op::none, Op::none, T(1), MatrixView<const T>(S.F.V), MatrixView<const T>(DC), T(0),
                                 W.view());
  return W;
}

template <class T>
Status check(MatrixView<const T> X, MatrixView<const T> Y, const RidgeOptions<T>& opts) {
  if (Y.rows() != X.rows()) return Status::dimension_mismatch;
  if (!valid(opts.tolerance)) return Status::invalid_argument;
  if (!all_finite(X) || !all_finite(Y)) return Status::not_finite;
  return Status::ok;
}

// (X^T X + lambda I) W = X^T Y, or W = X^T (X X^T + lambda I)^{-1} Y when d > n.
// The Gram matrix G (+ lambda I) singular to working precision, rcond < eps, is
// not_positive_definite, the rule of the normal-equations solver (xPOSVX's): at lambda
// = 0 a rank-deficient X has a singular G, which Cholesky may still factor (rounding
// leaves a tiny positive pivot) into an answer that is neither the minimum-norm
// solution nor any other least-squares solution; method svd handles that case.
template <class T>
Result<Matrix<T>> solve_cholesky(const Prepared<T>& P, T lambda_s, bool& dual) {
  const index n = P.X.rows(), d = P.X.cols(), k = P.Y.cols();
  dual = d > n;
  const index g = dual ? n : d;
  Matrix<T> G(g, g);
  // 1. G = X^T X + lambda I (primal) or X X^T + lambda I (dual), whole, and
  //    anorm = ||G||_1. G, X^T Y and Y are finite: X and Y are scaled into [-1, 1] and
  //    lambda_s below 1 (scaled_lambda), so nothing here overflows.
  const T anorm = detail::form_gram(dual ? Op::none : Op::transpose, MatrixView<const T>(P.X), lambda_s, G.view());
  // 2. G = L L^T (lower triangle), and rcond ~ 1 / kappa_1(G) from L (xPOCON).
  if (detail::cholesky_blocked_kernel(G.view()) >= 0) return Status::not_positive_definite;
  WorkspaceBuffer buffer(cholesky_condition_estimate_workspace_size<T>(g));
  const T rcond = detail::cholesky_rcond_kernel(MatrixView<const T>(G), anorm, buffer.workspace());
  if (!(rcond >= eps<T>())) return Status::not_positive_definite;
  // 3. Primal: W = G^{-1} X^T Y. Dual: Z = G^{-1} Y, W = X^T Z.
  if (!dual) {
    Matrix<T> W(d, k);
    detail::gemm_kernel(Op::transpose, Op::none, T(1), MatrixView<const T>(P.X), MatrixView<const T>(P.Y), T(0),
                        W.view());
    detail::cholesky_solve_kernel(MatrixView<const T>(G), W.view());
    return W;
  }
  Matrix<T> Z(P.Y);
  detail::cholesky_solve_kernel(MatrixView<const T>(G), Z.view());
  Matrix<T> W(d, k);
  detail::gemm_kernel(Op::transpose, Op::none, T(1), MatrixView<const T>(P.X), MatrixView<const T>(Z), T(0),
                      W.view());
  return W;
}

// Least squares on [X; sqrt(lambda) I] W = [Y; 0], with the heavier block on top.
// Householder QR is normwise backward stable in any row order, but not for rows of very
// different sizes: with X on top and sqrt(lambda) >> ||X||, the first reflector's
// v^T [y; 0] is y_1 + O(x^T y / sqrt(lambda)), and the second term — all the
// information about W ~ X^T Y / lambda — is computed to an absolute eps |y_1|: a
// relative error of about eps sqrt(lambda) / ||X|| (measured in double on a 20 x 3 X:
// 2e-11 at lambda / ||X||^2 = 1e8, 1e-2 at 1e24, the whole answer at 1e32).
// Ordering the rows by decreasing size avoids it (Powell & Reid 1969; Cox & Higham,
// "Stability of Householder QR factorization for weighted least squares problems",
// 1998; Higham, Accuracy and Stability, 2nd ed., 19.4): the sqrt(lambda) rows go first
// when sqrt(lambda) >= max |x_ij|, and last otherwise.
template <class T>
Result<Matrix<T>> solve_augmented_qr(const Prepared<T>& P, T lambda_s, const RankTolerance<T>& tol) {
  const index n = P.X.rows(), d = P.X.cols(), k = P.Y.cols();
  const index rows = lambda_s > T(0) ? n + d : n;
  const T root = std::sqrt(lambda_s);
  const bool ridge_first = rows > n && root >= norm(MatrixView<const T>(P.X), Norm::max_abs);
  const index x_top = ridge_first ? d : 0, ridge_top = ridge_first ? 0 : n;
  // A = [X; sqrt(lambda) I] and B = [Y; 0], or [sqrt(lambda) I; X] and [0; Y].
  Matrix<T> A(rows, d), B(rows, k);
  copy(MatrixView<const T>(P.X), A.block(x_top, 0, n, d));
  copy(MatrixView<const T>(P.Y), B.block(x_top, 0, n, k));
  if (rows > n)
    for (index i = 0; i < d; ++i) A(ridge_top + i, i) = root;
  // A = Q R in place, then W = R^{-1} (Q^T B)(0:d, :) with B overwritten: both are
  // this function's own scratch, so neither is copied again.
  Vector<T> tau(std::min(rows, d));
  Matrix<T> W(d, k);
  WorkspaceBuffer buffer(max(householder_qr_workspace_size<T>(rows, d), qr_solve_workspace_size<T>(rows, d, k)));
  detail::householder_qr_kernel(A.view(), tau.view(), buffer.workspace());
  // rank_deficient (R fails the rank check: at lambda = 0, a rank-deficient X) is the
  // method's answer.
  if (const Status s = detail::qr_solve_kernel(MatrixView<const T>(A), VectorView<const T>(tau), B.view(), W.view(),
                                               tol, buffer.workspace());
      s != Status::ok)
    return s;
  return W;
}

}  // namespace

namespace {

// The svd method: the allocating form of ridge_svd_inplace (ridge_inplace.cpp).
template <class T>
Result<RidgeResult<T>> ridge_by_svd(MatrixView<const T> X, MatrixView<const T> Y, T lambda,
                                    const RidgeOptions<T>& opts) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  RidgeResult<T> R;
  R.solution = Matrix<T>(d, k);
  R.intercept = Vector<T>(k);
  R.lambda = lambda;
  R.method = RidgeMethod::svd;
  RidgeInfo<T> info;
  WorkspaceBuffer buffer(ridge_svd_workspace_size<T>(n, d, k, opts));
  const Status status =
      ridge_svd_inplace(X, Y, lambda, opts, R.solution.view(), R.intercept.view(), info, buffer.workspace());
  if (status != Status::ok) return status;
  R.effective_dof = info.effective_dof;
  if (!representable(R)) return Status::not_finite;
  return R;
}

}  // namespace

template <class T>
Result<RidgeResult<T>> ridge(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeOptions<T>& opts) {
  if (opts.method == RidgeMethod::svd) return ridge_by_svd(X, Y, lambda, opts);
  // 1. Checks in the fixed order: shapes, finiteness, the value of lambda.
  const Status status = check(X, Y, opts);
  if (status != Status::ok) return status;
  if (!ridge_detail::valid_lambda(lambda)) return Status::invalid_argument;
  // 2. Centre and scale (X, Y, then lambda against X).
  Prepared<T> P = prepare(X, Y, opts.fit_intercept);
  ScaledLambda<T> L = scaled_lambda(P, lambda);
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  if (X.empty() || k == 0) {
    RidgeResult<T> R = finish(P, Matrix<T>(d, k), lambda, opts.method);
    R.effective_dof = opts.fit_intercept && n > 0 ? T(1) : T(0);
    if (!representable(R)) return Status::not_finite;
    return R;
  }
  // 3. Solve by the chosen method.
  switch (opts.method) {
    case RidgeMethod::svd: break;  // ridge_by_svd, above
    case RidgeMethod::cholesky: {
      bool dual = false;
      absorb_lambda_scale(P, L);
      Result<Matrix<T>> W = solve_cholesky(P, L.lambda, dual);
      if (!W.ok()) return W.status();
      RidgeResult<T> R = finish(P, std::move(W.value()), lambda, opts.method);
      R.dual = dual;
      if (!representable(R)) return Status::not_finite;
      return R;
    }
    case RidgeMethod::augmented_qr: {
      absorb_lambda_scale(P, L);
      Result<Matrix<T>> W = solve_augmented_qr(P, L.lambda, scaled_tolerance(P, opts.tolerance));
      if (!W.ok()) return W.status();
      RidgeResult<T> R = finish(P, std::move(W.value()), lambda, opts.method);
      if (!representable(R)) return Status::not_finite;
      return R;
    }
  }
  return Status::invalid_argument;
}

template <class T>
Result<RidgeResult<T>> ridge(MatrixView<const T> X, VectorView<const T> y, T lambda, const RidgeOptions<T>& opts) {
  Matrix<T> Y(y.size(), 1);
  copy(y, Y.col(0));
  return ridge(X, MatrixView<const T>(Y), lambda, opts);
}

template <class T>
Result<std::vector<RidgeResult<T>>> ridge_path(MatrixView<const T> X, MatrixView<const T> Y,
                                               VectorView<const T> lambdas, const RidgeOptions<T>& opts) {
  const Status status = check(X, Y, opts);
  if (status != Status::ok) return status;
  for (index i = 0; i < lambdas.size(); ++i)
    if (!ridge_detail::valid_lambda(lambdas[i])) return Status::invalid_argument;
  // One SVD serves every lambda.
  const Prepared<T> P = prepare(X, Y, opts.fit_intercept);
  Result<Spectral<T>> S = spectral(P, opts);
  if (!S.ok()) return S.status();
  std::vector<RidgeResult<T>> path;
  path.reserve(static_cast<std::size_t>(lambdas.size()));
  for (index i = 0; i < lambdas.size(); ++i) {
    T dof = 0;
    const ScaledLambda<T> L = scaled_lambda(P, lambdas[i]);
    Matrix<T> W = spectral_solution(*S, L, dof);
    path.push_back(finish(P, std::move(W), lambdas[i], RidgeMethod::svd, L.c));
    path.back().effective_dof = dof + (opts.fit_intercept ? T(1) : T(0));
    if (!representable(path.back())) return Status::not_finite;
  }
  return path;
}

namespace {

// What cross-validation needs beyond the SVD and does not depend on lambda: E0 = Y - U c,
// the part of Y no lambda can fit, and the leverage complement 1 - b - ||U(i, :)||^2
// (b = 1/n with an intercept, 0 without).
template <class T>
struct CvBase {
  Matrix<T> E0;          // n x k
  Vector<T> complement;  // n
};

template <class T>
CvBase<T> cv_base(const Prepared<T>& P, const Spectral<T>& S) {
  const index n = P.Y.rows(), r = S.F.s.size();
  CvBase<T> B;
  B.E0 = Matrix<T>(P.Y);
  // E0 := Y - U C
  if (r > 0)
    detail::gemm_kernel(Op::none, Op::none, T(-1), MatrixView<const T>(S.F.U), MatrixView<const T>(S.C), T(1),
                        B.E0.view());
  // Not clamped at zero: with an intercept and d >= n, the thin U is square and holds the
  // constant direction (a rounding-level singular value of the centred X), so the
  // complement is exactly -1/n, and that direction's g = 1 adds the 1/n back.
  const T base = P.intercept ? T(1) / static_cast<T>(n) : T(0);
  B.complement = Vector<T>(n);
  for (index i = 0; i < n; ++i) B.complement[i] = T(1) - base - dot(S.F.U.row(i), S.F.U.row(i));
  return B;
}

// The criterion at one lambda, given the part g_j of each direction the fit leaves and
// the degrees of freedom dof, averaged over the k columns, in the scaled units: GCV or
// LOO of the residuals E = E0 + U diag(g) C, +inf when a denominator is zero to working
// accuracy (an interpolating fit). E (n x k) and GC (r x k) are scratch.
template <class T>
T cv_score(const Spectral<T>& S, const CvBase<T>& B, VectorView<const T> g, T dof, CvCriterion criterion,
           MatrixView<T> E, MatrixView<T> GC) {
  const Matrix<T>& U = S.F.U;
  const index n = E.rows(), k = E.cols(), r = g.size();
  // A denominator below this is zero to working accuracy (an interpolating fit).
  const T floor = static_cast<T>(n) * eps<T>();
  // 1. Residuals E = E0 + U diag(g) C.
  copy(MatrixView<const T>(S.C), GC);
  for (index j = 0; j < r; ++j) scal(g[j], GC.row(j));
  copy(MatrixView<const T>(B.E0), E);
  if (r > 0) detail::gemm_kernel(Op::none, Op::none, T(1), MatrixView<const T>(U), MatrixView<const T>(GC), T(1), E);
  // 2. GCV = (||E||_F^2 / n) / (1 - dof / n)^2, per column.
  if (criterion == CvCriterion::gcv) {
    const T denominator = T(1) - dof / static_cast<T>(n);
    if (denominator <= floor) return std::numeric_limits<T>::infinity();
    const T rss = norm(MatrixView<const T>(E), Norm::frobenius);
    return (rss / denominator) * (rss / denominator) / static_cast<T>(n * k);
  }
  // 3. LOO = (1/n) sum_i (e_i / (1 - h_ii))^2, per column.
  SumOfSquares<T> ssq;
  for (index i = 0; i < n; ++i) {
    T one_minus_h = B.complement[i];
    for (index j = 0; j < r; ++j) one_minus_h += U(i, j) * U(i, j) * g[j];
    if (one_minus_h <= floor) return std::numeric_limits<T>::infinity();
    for (index c = 0; c < k; ++c) ssq.add(E(i, c) / one_minus_h);
  }
  const T root = ssq.norm();
  return root * root / static_cast<T>(n * k);
}

}  // namespace

template <class T>
Result<RidgeCvResult<T>> ridge_cv(MatrixView<const T> X, MatrixView<const T> Y, VectorView<const T> lambdas,
                                  CvCriterion criterion, const RidgeOptions<T>& opts) {
  const Status status = check(X, Y, opts);
  if (status != Status::ok) return status;
  if (lambdas.empty()) return Status::invalid_argument;
  for (index i = 0; i < lambdas.size(); ++i)
    if (!ridge_detail::valid_lambda(lambdas[i])) return Status::invalid_argument;
  const index n = X.rows(), k = Y.cols();
  if (n == 0 || k == 0) return Status::invalid_argument;  // no observation to validate on

  // 1. The SVD of the centred X and c = U^T Y (spectral), then what no lambda changes.
  const Prepared<T> P = prepare(X, Y, opts.fit_intercept);
  Result<Spectral<T>> S = spectral(P, opts);
  if (!S.ok()) return S.status();
  const CvBase<T> base = cv_base(P, *S);
  const index r = S->F.s.size();

  RidgeCvResult<T> out;
  out.criterion = criterion;
  out.lambdas = Vector<T>(lambdas);
  out.scores = Vector<T>(lambdas.size());
  out.effective_dof = Vector<T>(lambdas.size());
  Vector<T> f(r), g(r), scaled_scores(lambdas.size());
  Matrix<T> E(n, k), GC(r, k);
  for (index l = 0; l < lambdas.size(); ++l) {
    // 2. f_j, g_j for this lambda; dof = sum f_j (+1 for the intercept).
    // (f and g are those of s' = s 2^-c and lambda': the same ratios, without the
    //  overflow of lambda_s; see scaled_lambda.)
    const ScaledLambda<T> L = scaled_lambda(P, lambdas[l]);
    T dof = opts.fit_intercept ? T(1) : T(0);
    for (index j = 0; j < r; ++j) {
      ridge_detail::filter(std::ldexp(S->F.s[j], -L.c), L.lambda, S->threshold, f[j], g[j]);
      dof += f[j];
    }
    out.effective_dof[l] = dof;
    // 3. The criterion, averaged over the k columns, in the caller's units (2^2b).
    const T score = cv_score(*S, base, VectorView<const T>(g), dof, criterion, E.view(), GC.view());
    scaled_scores[l] = score;
    out.scores[l] = std::ldexp(score, 2 * P.y_exp);
  }
  // 4. The first minimiser, and the fit there. Compared in the scaled units: the same
  //    order, where the caller's (2^2b) may all overflow to +inf or underflow to 0.
  out.best_index = 0;
  for (index l = 1; l < lambdas.size(); ++l)
    if (scaled_scores[l] < scaled_scores[out.best_index]) out.best_index = l;
  out.best_lambda = lambdas[out.best_index];
  T dof = 0;
  const ScaledLambda<T> L = scaled_lambda(P, out.best_lambda);
  Matrix<T> W = spectral_solution(*S, L, dof);
  out.best = finish(P, std::move(W), out.best_lambda, RidgeMethod::svd, L.c);
  out.best.effective_dof = out.effective_dof[out.best_index];
  if (!representable(out.best)) return Status::not_finite;
  return out;
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template Result<RidgeResult<T>> ridge<T>(MatrixView<const T>, MatrixView<const T>, T, const RidgeOptions<T>&); \
  template Result<RidgeResult<T>> ridge<T>(MatrixView<const T>, VectorView<const T>, T, const RidgeOptions<T>&); \
  template Result<std::vector<RidgeResult<T>>> ridge_path<T>(MatrixView<const T>, MatrixView<const T>,        \
                                                             VectorView<const T>, const RidgeOptions<T>&);       \
  template Result<RidgeCvResult<T>> ridge_cv<T>(MatrixView<const T>, MatrixView<const T>, VectorView<const T>, \
                                                CvCriterion, const RidgeOptions<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
