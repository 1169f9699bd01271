// ridge, ridge_path and ridge_cv: the three methods against each other and against a
// long-double reference, lambda = 0 as minimum-norm least squares, invalid lambdas, the
// path against separate calls, GCV and leave-one-out scores against brute force (the
// hat matrix formed explicitly; one refit per left-out row), tiny lambdas, the argmin,
// the intercept, and the effective degrees of freedom as the trace of the hat matrix.
//
// The ridge problem min ||Y - X W||^2 + lambda ||W||^2 is solved through a matrix of
// condition kappa_lambda = (s_1^2 + lambda) / (s_min^2 + lambda) (X^T X + lambda I, or
// X X^T + lambda I in the dual form), so the bounds below carry kappa_lambda; the SVD
// and augmented-QR forms do better, and the logged ratios show by how much.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "solver_checks.hpp"
#include "stela/lstsq.hpp"
#include "stela/ridge.hpp"
#include "stela/svd.hpp"

namespace stela::test {
namespace {

template <class T>
class Ridge : public RatioSuite<Ridge<T>, T> {};
TYPED_TEST_SUITE(Ridge, Scalars, ScalarName);

constexpr RidgeMethod kRidgeMethods[] = {RidgeMethod::svd, RidgeMethod::cholesky, RidgeMethod::augmented_qr};

template <class T>
RidgeOptions<T> options(RidgeMethod method, bool intercept) {
  RidgeOptions<T> opts;
  opts.method = method;
  opts.fit_intercept = intercept;
  return opts;
}

// ---------------------------------------------------------------------------------------
// Long-double references

// Column means (zeros without an intercept) and the centred matrix.
struct Centred {
  LongMatrix A;
  std::vector<Long> mean;
};
inline Centred centre(const LongMatrix& A, bool intercept) {
  Centred c{A, std::vector<Long>(static_cast<std::size_t>(A.cols), 0.0L)};
  if (!intercept || A.rows == 0) return c;
  for (index j = 0; j < A.cols; ++j) {
    Long s = 0;
    for (index i = 0; i < A.rows; ++i) s += A(i, j);
    c.mean[static_cast<std::size_t>(j)] = s / A.rows;
    for (index i = 0; i < A.rows; ++i) c.A(i, j) -= c.mean[static_cast<std::size_t>(j)];
  }
  return c;
}

// The ridge fit in long double: W (d x k) and the intercept (k).
struct LongFit {
  LongMatrix W;
  std::vector<Long> b;
};
inline LongFit ridge_long(const LongMatrix& X, const LongMatrix& Y, Long lambda, bool intercept) {
  const Centred Xc = centre(X, intercept), Yc = centre(Y, intercept);
  const index n = X.rows, d = X.cols;
  LongFit fit;
  if (d <= n) {  // (X^T X + lambda I) W = X^T Y
    LongMatrix G = product(Xc.A, Xc.A, true, false);
    for (index i = 0; i < d; ++i) G(i, i) += lambda;
    fit.W = solve_long(G, product(Xc.A, Yc.A, true, false));
  } else {  // W = X^T (X X^T + lambda I)^{-1} Y
    LongMatrix G = product(Xc.A, Xc.A, false, true);
    for (index i = 0; i < n; ++i) G(i, i) += lambda;
    fit.W = product(Xc.A, solve_long(G, Yc.A), true, false);
  }
  fit.b.assign(static_cast<std::size_t>(Y.cols), 0.0L);
  for (index c = 0; c < Y.cols; ++c) {
    Long s = Yc.mean[static_cast<std::size_t>(c)];
    for (index j = 0; j < d; ++j) s -= Xc.mean[static_cast<std::size_t>(j)] * fit.W(j, c);
    fit.b[static_cast<std::size_t>(c)] = s;
  }
  return fit;
}

// The hat matrix H (Y_hat = H Y): 1 1^T / n (with an intercept) + X_c (X_c^T X_c + lambda I)^{-1} X_c^T.
inline LongMatrix hat_long(const LongMatrix& X, Long lambda, bool intercept) {
  const Centred Xc = centre(X, intercept);
  const index n = X.rows, d = X.cols;
  LongMatrix H;
  if (d <= n) {
    LongMatrix G = product(Xc.A, Xc.A, true, false);
    for (index i = 0; i < d; ++i) G(i, i) += lambda;
    H = product(Xc.A, solve_long(G, transposed(Xc.A)));
  } else {
    LongMatrix G = product(Xc.A, Xc.A, false, true);
    LongMatrix K = G;
    for (index i = 0; i < n; ++i) G(i, i) += lambda;
    H = solve_long(G, K);  // (X X^T + lambda I)^{-1} X X^T, which is symmetric-equal to H
    H = transposed(H);
  }
  if (intercept)
    for (Long& h : H.a) h += 1.0L / n;
  return H;
}

// GCV in long double from the explicit hat matrix: mean over the k columns of
// (||(I - H) y||^2 / n) / (1 - tr(H) / n)^2.
inline Long gcv_long(const LongMatrix& X, const LongMatrix& Y, Long lambda, bool intercept) {
  const LongMatrix H = hat_long(X, lambda, intercept);
  const index n = X.rows;
  const LongMatrix E = minus(Y, product(H, Y));
  Long trace = 0;
  for (index i = 0; i < n; ++i) trace += H(i, i);
  const Long f = frobenius(E);
  const Long denominator = 1 - trace / n;
  return f * f / (n * Y.cols) / (denominator * denominator);
}

// Leave-one-out by brute force: refit without row i (centring over the other rows),
// predict row i; the mean squared prediction error over rows and columns.
inline Long loo_long(const LongMatrix& X, const LongMatrix& Y, Long lambda, bool intercept) {
  const index n = X.rows, d = X.cols, k = Y.cols;
  Long sum = 0;
  for (index out = 0; out < n; ++out) {
    LongMatrix Xi(n - 1, d), Yi(n - 1, k);
    for (index i = 0, r = 0; i < n; ++i) {
      if (i == out) continue;
      for (index j = 0; j < d; ++j) Xi(r, j) = X(i, j);
      for (index c = 0; c < k; ++c) Yi(r, c) = Y(i, c);
      ++r;
    }
    const LongFit fit = ridge_long(Xi, Yi, lambda, intercept);
    for (index c = 0; c < k; ++c) {
      Long prediction = fit.b[static_cast<std::size_t>(c)];
      for (index j = 0; j < d; ++j) prediction += X(out, j) * fit.W(j, c);
      const Long e = Y(out, c) - prediction;
      sum += e * e;
    }
  }
  return sum / (n * k);
}

// kappa_lambda = (s_1^2 + lambda) / (s_min^2 + lambda) of the (centred) X, s_min the
// smallest of min(n, d) singular values; the singular values by the library's SVD.
template <class T>
double kappa_lambda(MatrixView<const T> X, bool intercept, double lambda) {
  const LongMatrix Xc = centre(LongMatrix(X), intercept).A;
  const Matrix<T> C = Xc.rounded<T>();
  if (C.empty()) return 1;
  SvdOptions opts;
  opts.vectors = SvdVectors::none;
  Result<SVD<T>> F = svd<T>(C, opts);
  EXPECT_TRUE(F.ok());
  const double s1 = F->s[0], sn = F->s[F->s.size() - 1];
  if (lambda == 0) return sn > 0 ? s1 * s1 / (sn * sn) : std::numeric_limits<double>::infinity();
  return (s1 * s1 + lambda) / (sn * sn + lambda);
}

// A test design: catalogue X (geometric, kappa 10) shifted by `offset` (so that centring
// matters), Y = X W + noise (k columns), and lambdas relative to s_1^2 = 1.
template <class T>
struct Design {
  Matrix<T> X;
  Matrix<T> Y;
  std::string name;
};
template <class T>
Design<T> design(index n, index d, index k, T offset, std::uint64_t seed, double kappa = 10) {
  CatalogueOptions copts;
  copts.kappa = kappa;
  TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, n, d, seed, copts);
  Design<T> out;
  out.name = tm.name + (offset != T(0) ? "_offset" : "");
  out.X = tm.A;
  for (index j = 0; j < d; ++j)
    for (index i = 0; i < n; ++i) out.X(i, j) += offset * static_cast<T>(1 + j);
  const Matrix<T> W = random_matrix<T>(d, k, seed + 1), E = random_matrix<T>(n, k, seed + 2);
  LongMatrix Y = product(LongMatrix(MatrixView<const T>(out.X)), LongMatrix(MatrixView<const T>(W)));
  const LongMatrix noise{MatrixView<const T>(E)};
  for (std::size_t i = 0; i < Y.a.size(); ++i) Y.a[i] += 0.1L * noise.a[i] + 3.0L;  // a true intercept of 3
  out.Y = Y.rounded<T>();
  return out;
}

// ---------------------------------------------------------------------------------------
// 1. The three methods

// svd, cholesky (primal for d <= n, dual for d > n: the dual flag says which) and
// augmented_qr against the long-double solution, for lambda > 0 with and without an
// intercept: ||W - W_ref|| / ||W_ref|| < 30 max(n, d) eps kappa_lambda, and the
// intercept within 30 max(n, d) eps kappa_lambda (|b_ref| + ||mean(X)|| ||W_ref||).
TYPED_TEST(Ridge, ThreeMethodsAgreeWithTheReference) {
  using T = TypeParam;
  const std::tuple<index, index, index> shapes[] = {{30, 5, 2}, {10, 10, 1}, {8, 20, 2}, {1, 4, 1},
                                                    {4, 1, 3},  {50, 12, 1}, {12, 50, 2}};
  const double e = static_cast<double>(eps<T>());
  std::uint64_t seed = 30000;
  for (auto [n, d, k] : shapes)
    for (bool intercept : {false, true})
      for (double lambda : {1e-6, 1e-2, 1.0, 100.0}) {
        if (intercept && n == 1) continue;  // centring leaves nothing
        const Design<T> D = design<T>(n, d, k, intercept ? T(5) : T(0), ++seed);
        const LongFit ref = ridge_long(LongMatrix(MatrixView<const T>(D.X)), LongMatrix(MatrixView<const T>(D.Y)),
                                       lambda, intercept);
        const double kappa = kappa_lambda<T>(D.X, intercept, lambda);
        const double bound = static_cast<double>(std::max(n, d)) * e * kappa;
        for (RidgeMethod method : kRidgeMethods) {
          SCOPED_TRACE(case_name<T>(D.name, n, d, seed) + " " + to_string(method) + " lambda " + std::to_string(lambda) +
                       (intercept ? " intercept" : ""));
          Result<RidgeResult<T>> fit = ridge<T>(D.X, D.Y, static_cast<T>(lambda), options<T>(method, intercept));
          ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
          EXPECT_EQ(fit->method, method);
          EXPECT_EQ(fit->lambda, static_cast<T>(lambda));
          EXPECT_EQ(fit->dual, method == RidgeMethod::cholesky && d > n);
          ASSERT_EQ(fit->solution.rows(), d);
          ASSERT_EQ(fit->solution.cols(), k);
          ASSERT_EQ(fit->intercept.size(), k);
          EXPECT_RATIO(std::string(to_string(method)) + (method == RidgeMethod::cholesky && d > n ? " (dual)" : "") +
                           " solution vs long double / (max eps kappa_lambda)",
                       relative_difference<T>(fit->solution, ref.W) / bound);
          Long mean_norm = 0;
          const Centred Xc = centre(LongMatrix(MatrixView<const T>(D.X)), intercept);
          for (Long x : Xc.mean) mean_norm += x * x;
          for (index c = 0; c < k; ++c) {
            const Long b = ref.b[static_cast<std::size_t>(c)];
            if (!intercept) {
              EXPECT_EQ(fit->intercept[c], T(0));
              continue;
            }
            const Long scale = std::fabs(b) + std::sqrt(mean_norm) * frobenius(ref.W);
            EXPECT_RATIO("intercept vs long double / (max eps kappa_lambda scale)",
                         static_cast<double>(std::fabs(fit->intercept[c] - b) / scale) / bound);
          }
        }
      }
}

// lambda = 0 is the minimum-norm least-squares solution: the svd method equals lstsq's
// svd solution on any shape and rank (within 30 max eps kappa_r); cholesky and
// augmented_qr equal it on full-rank tall X (within kappa^2 and kappa). With an
// intercept on a full-rank tall X the fit is ordinary least squares on [1 X].
TYPED_TEST(Ridge, ZeroLambdaIsMinimumNormLeastSquares) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  std::uint64_t seed = 31000;
  struct Case {
    MatrixType type;
    index n, d;
  };
  const Case cases[] = {{MatrixType::geometric, 20, 5},     {MatrixType::geometric, 6, 6},
                        {MatrixType::rank_deficient, 12, 7}, {MatrixType::rank_deficient, 5, 9},
                        {MatrixType::gaussian, 4, 11},       {MatrixType::zero, 5, 3},
                        {MatrixType::geometric, 50, 10}};
  for (const Case& c : cases) {
    CatalogueOptions copts;
    copts.kappa = 100;
    const TestMatrix<T> tm = make_test_matrix<T>(c.type, c.n, c.d, ++seed, copts);
    const Matrix<T> Y = random_matrix<T>(c.n, 2, seed + 1);
    Result<LstsqResult<T>> ls = lstsq<T>(tm.A, Y);
    ASSERT_TRUE(ls.ok());
    const double kappa = ls->rank > 0 ? static_cast<double>(ls->condition) : 1.0;
    const bool full_tall = c.n >= c.d && ls->rank == c.d;
    for (RidgeMethod method : kRidgeMethods) {
      if (method != RidgeMethod::svd && !full_tall) continue;
      SCOPED_TRACE(case_name<T>(tm.name, c.n, c.d, seed) + " " + to_string(method));
      Result<RidgeResult<T>> fit = ridge<T>(tm.A, Y, T(0), options<T>(method, false));
      ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
      const double tan_theta = 1;  // Y is random: the residual is as large as the fit
      const double bound = static_cast<double>(std::max(c.n, c.d)) * e *
                           (method == RidgeMethod::cholesky ? kappa * kappa : kappa + kappa * kappa * tan_theta);
      EXPECT_RATIO(std::string(to_string(method)) + " lambda 0 vs lstsq / bound",
                   relative_difference<T>(fit->solution, ls->solution) / bound);
      if (method == RidgeMethod::svd) {
        EXPECT_NEAR(fit->effective_dof, static_cast<T>(ls->rank), 30 * c.d * eps<T>());
      }
    }
    // With an intercept: least squares on [1 X] (full-rank tall only).
    if (full_tall && c.n > c.d) {
      Matrix<T> X1(c.n, c.d + 1);
      for (index i = 0; i < c.n; ++i) X1(i, 0) = T(1);
      copy(MatrixView<const T>(tm.A), X1.block(0, 1, c.n, c.d));
      Result<LstsqResult<T>> ls1 = lstsq<T>(X1, Y);
      ASSERT_TRUE(ls1.ok());
      const double kappa1 = static_cast<double>(ls1->condition);
      for (RidgeMethod method : kRidgeMethods) {
        SCOPED_TRACE(case_name<T>(tm.name, c.n, c.d, seed) + " " + to_string(method) + " intercept");
        Result<RidgeResult<T>> fit = ridge<T>(tm.A, Y, T(0), options<T>(method, true));
        ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
        Matrix<T> W1(c.d + 1, 2);
        for (index j = 0; j < 2; ++j) {
          W1(0, j) = fit->intercept[j];
          for (index i = 0; i < c.d; ++i) W1(i + 1, j) = fit->solution(i, j);
        }
        const double bound = static_cast<double>(c.n) * e *
                             (method == RidgeMethod::cholesky ? kappa1 * kappa1 : kappa1 + kappa1 * kappa1);
        EXPECT_RATIO(std::string(to_string(method)) + " lambda 0 with intercept vs lstsq [1 X] / bound",
                     relative_difference<T>(W1, ls1->solution) / bound);
      }
    }
  }
}

// Regression (issue 6, fixed on the api branch in 63861c8): at lambda = 0 the rank
// tolerance was applied to the singular values of X scaled by 2^-a (prepare), so an
// absolute tolerance acted as atol 2^a in the caller's units, as in lstsq. X =
// U diag(1000, 500, 2) V^T with atol = 10 must drop only the direction of 2; the
// reference is V_2 diag(1/1000, 1/500) U_2^T y in long double.
TYPED_TEST(Ridge, RegressionIssue6AbsoluteToleranceAtZeroLambdaIsInTheCallersUnits) {
  using T = TypeParam;
  Rng rng(31500);
  const Vector<T> sigma{T(1000), T(500), T(2)};
  const FactoredMatrix<T> F = with_singular_values<T>(rng, 7, 3, sigma);
  const Matrix<T> y = random_matrix<T>(7, 1, 31501);
  RidgeOptions<T> opts;
  opts.tolerance = RankTolerance<T>::absolute(10);
  Result<RidgeResult<T>> fit = ridge<T>(F.A, y, T(0), opts);
  ASSERT_TRUE(fit.ok());
  const LongMatrix U{MatrixView<const T>(F.U)}, V{MatrixView<const T>(F.V)};
  LongMatrix C = product(U, LongMatrix(MatrixView<const T>(y)), true, false);  // U^T y
  LongMatrix W(3, 1);
  for (index j = 0; j < 2; ++j)
    for (index i = 0; i < 3; ++i) W(i, 0) += V(i, j) * C(j, 0) / static_cast<Long>(sigma[j]);
  EXPECT_LT(relative_difference<T>(fit->solution, W), 30 * 7 * static_cast<double>(eps<T>()) * 500)
      << "effective_dof " << fit->effective_dof << " (2 expected)";
  EXPECT_NEAR(fit->effective_dof, T(2), 30 * eps<T>());
}

// Regression (issue 6): method cholesky at lambda = 0 factored the singular Gram matrix
// of a rank-deficient X without looking at its conditioning. On DESIGN.md's X =
// [[3,1,0],[6,2,1],[3,1,0]], y = [2,1,3] it returned [1/6, 2, -4] with status ok; the
// minimum-norm solution is [3/4, 1/4, -4]. Every method other than svd, at lambda = 0 on
// a rank-deficient X (tall, square, wide — the dual form — with and without an
// intercept), must either report a non-ok status or return the
// minimum-norm solution (ridge's svd method, checked against lstsq above), within
// 30 max(n, d) eps kappa_r^2 (the Gram matrix squares kappa_r = s_1 / s_r). On the
// worked example the statuses are named: not_positive_definite (cholesky, as lstsq's
// normal_cholesky) and rank_deficient (augmented_qr, from its QR).
TYPED_TEST(Ridge, RegressionIssue6ZeroLambdaOnRankDeficientXIsMinimumNormOrRefused) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  {
    const Matrix<T> X{{3, 1, 0}, {6, 2, 1}, {3, 1, 0}};
    const Matrix<T> y{{2}, {1}, {3}};
    Result<RidgeResult<T>> chol = ridge<T>(X, y, T(0), options<T>(RidgeMethod::cholesky, false));
    EXPECT_EQ(chol.status(), Status::not_positive_definite) << "solution [" << chol->solution(0, 0) << ", "
                                                            << chol->solution(1, 0) << ", " << chol->solution(2, 0) << "]";
    EXPECT_EQ(ridge<T>(X, y, T(0), options<T>(RidgeMethod::augmented_qr, false)).status(), Status::rank_deficient);
  }
  struct Case {
    MatrixType type;
    index n, d, rank;
    bool intercept;
  };
  const Case cases[] = {{MatrixType::rank_deficient, 12, 7, 3, false}, {MatrixType::rank_deficient, 6, 6, 4, false},
                        {MatrixType::rank_deficient, 5, 9, 2, false},  {MatrixType::rank_deficient, 30, 10, 9, false},
                        {MatrixType::rank_deficient, 12, 7, 3, true},  {MatrixType::rank_deficient, 5, 9, 2, true}};
  std::uint64_t seed = 31700;
  for (const Case& c : cases) {
    CatalogueOptions copts;
    copts.rank = c.rank;
    copts.kappa = 100;
    const TestMatrix<T> tm = make_test_matrix<T>(c.type, c.n, c.d, ++seed, copts);
    const Matrix<T> Y = random_matrix<T>(c.n, 2, seed + 1);
    Result<RidgeResult<T>> ref = ridge<T>(tm.A, Y, T(0), options<T>(RidgeMethod::svd, c.intercept));
    ASSERT_TRUE(ref.ok());
    const index r = static_cast<index>(std::lround(static_cast<double>(ref->effective_dof))) - (c.intercept ? 1 : 0);
    ASSERT_LT(r, std::min(c.n, c.d)) << "the case must be rank-deficient";
    const Centred Xc = centre(LongMatrix(MatrixView<const T>(tm.A)), c.intercept);
    SvdOptions sopts;
    sopts.vectors = SvdVectors::none;
    Result<SVD<T>> F = svd<T>(Xc.A.rounded<T>(), sopts);
    ASSERT_TRUE(F.ok());
    const double kappa_r = static_cast<double>(F->s[0]) / static_cast<double>(F->s[r - 1]);
    const double bound = static_cast<double>(std::max(c.n, c.d)) * e * kappa_r * kappa_r;
    for (RidgeMethod method : {RidgeMethod::cholesky, RidgeMethod::augmented_qr}) {
      SCOPED_TRACE(case_name<T>(tm.name, c.n, c.d, seed) + " " + to_string(method) + (c.intercept ? " intercept" : ""));
      Result<RidgeResult<T>> fit = ridge<T>(tm.A, Y, T(0), options<T>(method, c.intercept));
      if (!fit.ok()) continue;  // a refusal is an acceptable answer
      EXPECT_RATIO(std::string(to_string(method)) + " lambda 0 rank-deficient, ok: vs min-norm / bound",
                   relative_difference<T>(fit->solution, ref->solution) / bound);
    }
  }
}

// Regression (issue 6): augmented_qr put the sqrt(lambda) I rows under X, and its first
// reflector then lost X^T Y / lambda below eps |y_1|: relative error 2e-11 at lambda =
// 1e8 ||X||^2, 1e-2 at 1e24 and exactly 0 returned with status ok from 1e32 on. All
// three methods, at lambda = 1e8, 1e20, 1e40 and 1e100 times ||X||_2^2 (= 1 here), with
// X as generated (c = 1) and scaled by c = (lambda / ||X||^2)^(-1/4) (so that lambda
// itself is moderate and the float cases exist; a placement whose lambda, c^2 or
// expected solution ||X^T Y|| / lambda leaves T's normal range is skipped), against the
// long-double solution and against the svd method: relative error below
// 30 max(n, d) eps kappa_lambda phi, phi = ||X||_F ||Y||_F / ||X^T Y||_F, the condition
// of X^T Y, which W ~ X^T Y / lambda inherits once lambda dominates (kappa_lambda -> 1).
TYPED_TEST(Ridge, RegressionIssue6LargeLambdaMethodsAgree) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  const Long tiny = static_cast<Long>(std::numeric_limits<T>::min()) / static_cast<Long>(eps<T>());
  const Long huge = static_cast<Long>(std::numeric_limits<T>::max()) / 4;
  std::uint64_t seed = 31800;
  for (auto [n, d] : {std::pair<index, index>{20, 3}, {8, 20}})
    for (bool intercept : {false, true})
      for (double factor : {1e8, 1e20, 1e40, 1e100})
        for (bool rescaled : {false, true}) {
          const Design<T> D0 = design<T>(n, d, 1, T(0), ++seed);
          const Long c = rescaled ? std::pow(10.0L, -std::log10(static_cast<Long>(factor)) / 4) : 1.0L;
          const Long lambda_long = static_cast<Long>(factor) * c * c;
          if (c * c < static_cast<Long>(std::numeric_limits<T>::min()) || lambda_long > huge) continue;
          const Matrix<T> X = scaled<T>(D0.X, static_cast<T>(c));
          const T lambda = static_cast<T>(lambda_long);
          const LongMatrix XL{MatrixView<const T>(X)}, YL{MatrixView<const T>(D0.Y)};
          const LongMatrix XtY = product(centre(XL, intercept).A, centre(YL, intercept).A, true, false);
          if (frobenius(XtY) / lambda_long < tiny) continue;
          const LongFit ref = ridge_long(XL, YL, static_cast<Long>(lambda), intercept);
          const double phi = static_cast<double>(frobenius(centre(XL, intercept).A) *
                                                 frobenius(centre(YL, intercept).A) / frobenius(XtY));
          const double kappa = kappa_lambda<T>(X, intercept, static_cast<double>(lambda));
          const double bound = static_cast<double>(std::max(n, d)) * e * kappa * phi;
          Result<RidgeResult<T>> svd_fit = ridge<T>(X, D0.Y, lambda, options<T>(RidgeMethod::svd, intercept));
          ASSERT_TRUE(svd_fit.ok());
          for (RidgeMethod method : kRidgeMethods) {
            SCOPED_TRACE(case_name<T>(D0.name, n, d, seed) + " " + to_string(method) + " lambda/||X||^2 " +
                         std::to_string(factor) + " c " + std::to_string(static_cast<double>(c)) +
                         (intercept ? " intercept" : ""));
            Result<RidgeResult<T>> fit = ridge<T>(X, D0.Y, lambda, options<T>(method, intercept));
            ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
            EXPECT_RATIO(std::string(to_string(method)) + " large lambda vs long double / bound",
                         relative_difference<T>(fit->solution, ref.W) / bound);
            EXPECT_RATIO(std::string(to_string(method)) + " large lambda vs svd / bound",
                         relative_difference<T>(fit->solution, svd_fit->solution) / bound);
          }
        }
}

// ---------------------------------------------------------------------------------------
// 2. Arguments

// lambda < 0, NaN or +-inf is invalid_argument at every entry point (a single bad
// entry in a path or a cross-validation grid is enough); so is an empty grid, a bad
// rank tolerance, and a cross-validation with no observation. NaN or Inf in X or Y is
// not_finite, a Y of the wrong height dimension_mismatch (checked first).
TYPED_TEST(Ridge, BadArgumentsAreRejected) {
  using T = TypeParam;
  const Matrix<T> X = random_matrix<T>(8, 3, 32000), Y = random_matrix<T>(8, 2, 32001);
  const Vector<T> y(Y.col(0));
  const T inf = std::numeric_limits<T>::infinity();
  const T bad_lambdas[] = {T(-1), -std::numeric_limits<T>::denorm_min(), nan<T>(), inf, -inf};
  for (bool intercept : {false, true})
    for (RidgeMethod method : kRidgeMethods) {
      const RidgeOptions<T> opts = options<T>(method, intercept);
      SCOPED_TRACE(std::string(type_name<T>()) + " " + to_string(method) + (intercept ? " intercept" : ""));
      for (T lambda : bad_lambdas) {
        EXPECT_EQ(ridge<T>(X, Y, lambda, opts).status(), Status::invalid_argument) << lambda;
        EXPECT_EQ(ridge<T>(X, y, lambda, opts).status(), Status::invalid_argument) << lambda;
        const Vector<T> grid{T(1), lambda, T(2)};
        EXPECT_EQ(ridge_path<T>(X, Y, grid, opts).status(), Status::invalid_argument) << lambda;
        for (CvCriterion crit : {CvCriterion::gcv, CvCriterion::loo})
          EXPECT_EQ(ridge_cv<T>(X, Y, grid, crit, opts).status(), Status::invalid_argument) << lambda;
      }
      // -0 is zero, a valid lambda.
      EXPECT_TRUE(ridge<T>(X, Y, -T(0), opts).ok());
      for (CvCriterion crit : {CvCriterion::gcv, CvCriterion::loo}) {
        EXPECT_EQ(ridge_cv<T>(X, Y, Vector<T>(), crit, opts).status(), Status::invalid_argument);
        EXPECT_EQ(ridge_cv<T>(Matrix<T>(0, 3), Matrix<T>(0, 2), Vector<T>{T(1)}, crit, opts).status(),
                  Status::invalid_argument);
      }
      RidgeOptions<T> bad_tol = opts;
      bad_tol.tolerance = RankTolerance<T>{-1, -1};
      EXPECT_EQ(ridge<T>(X, Y, T(0), bad_tol).status(), Status::invalid_argument);
      EXPECT_EQ(ridge_path<T>(X, Y, Vector<T>{T(1)}, bad_tol).status(), Status::invalid_argument);
      EXPECT_EQ(ridge_cv<T>(X, Y, Vector<T>{T(1)}, CvCriterion::gcv, bad_tol).status(), Status::invalid_argument);
      for (T bad : {nan<T>(), inf}) {
        Matrix<T> Xb = X, Yb = Y;
        Xb(7, 2) = bad;
        Yb(0, 1) = bad;
        const Matrix<T> Xb0 = Xb;
        EXPECT_EQ(ridge<T>(Xb, Y, T(1), opts).status(), Status::not_finite);
        EXPECT_EQ(ridge<T>(X, Yb, T(1), opts).status(), Status::not_finite);
        EXPECT_EQ(ridge_path<T>(Xb, Y, Vector<T>{T(1)}, opts).status(), Status::not_finite);
        EXPECT_EQ(ridge_cv<T>(X, Yb, Vector<T>{T(1)}, CvCriterion::loo, opts).status(), Status::not_finite);
        EXPECT_TRUE(same_bits<T>(Xb, Xb0));
      }
      const Matrix<T> Y_short = random_matrix<T>(7, 2, 32002);
      EXPECT_EQ(ridge<T>(X, Y_short, T(1), opts).status(), Status::dimension_mismatch);
      EXPECT_EQ(ridge<T>(X, Y_short, T(-1), opts).status(), Status::dimension_mismatch);  // shapes first
      EXPECT_EQ(ridge<T>(X, VectorView<const T>(Y_short.col(0)), T(1), opts).status(), Status::dimension_mismatch);
      EXPECT_EQ(ridge_path<T>(X, Y_short, Vector<T>{T(1)}, opts).status(), Status::dimension_mismatch);
      EXPECT_EQ(ridge_cv<T>(X, Y_short, Vector<T>{T(1)}, CvCriterion::gcv, opts).status(), Status::dimension_mismatch);
    }
}

// Empty shapes: no unknowns (n x 0) gives an empty solution and, with an intercept, the
// mean of Y as intercept; no observations (0 x d) a zero solution.
TYPED_TEST(Ridge, EmptyShapes) {
  using T = TypeParam;
  const Matrix<T> Y = random_matrix<T>(5, 2, 32500);
  for (RidgeMethod method : kRidgeMethods) {
    SCOPED_TRACE(std::string(type_name<T>()) + " " + to_string(method));
    Result<RidgeResult<T>> fit = ridge<T>(Matrix<T>(5, 0), Y, T(1), options<T>(method, true));
    ASSERT_TRUE(fit.ok()) << to_string(fit.status());
    EXPECT_EQ(fit->solution.rows(), 0);
    EXPECT_EQ(fit->solution.cols(), 2);
    for (index c = 0; c < 2; ++c) {
      Long mean = 0;
      for (index i = 0; i < 5; ++i) mean += Y(i, c);
      EXPECT_NEAR(fit->intercept[c], static_cast<T>(mean / 5), 4 * eps<T>() * std::fabs(static_cast<T>(mean / 5)) + eps<T>());
    }
    Result<RidgeResult<T>> none = ridge<T>(Matrix<T>(0, 3), Matrix<T>(0, 2), T(1), options<T>(method, false));
    ASSERT_TRUE(none.ok()) << to_string(none.status());
    EXPECT_TRUE(same_bits<T>(none->solution, Matrix<T>(3, 2)));
  }
}

// ---------------------------------------------------------------------------------------
// 3. The path and cross-validation

// ridge_path gives, lambda for lambda, exactly what separate ridge calls (svd) give.
TYPED_TEST(Ridge, PathEqualsSeparateCalls) {
  using T = TypeParam;
  const Vector<T> lambdas{T(0), T(1e-4), T(1e-2), T(1), T(10), T(1e3)};
  std::uint64_t seed = 33000;
  for (auto [n, d] : {std::pair<index, index>{20, 6}, {6, 15}, {9, 9}})
    for (bool intercept : {false, true}) {
      const Design<T> D = design<T>(n, d, 2, T(2), ++seed);
      SCOPED_TRACE(case_name<T>(D.name, n, d, seed) + (intercept ? " intercept" : ""));
      const RidgeOptions<T> opts = options<T>(RidgeMethod::svd, intercept);
      Result<std::vector<RidgeResult<T>>> path = ridge_path<T>(D.X, D.Y, lambdas, opts);
      ASSERT_TRUE(path.ok()) << to_string(path.status());
      ASSERT_EQ(static_cast<index>(path->size()), lambdas.size());
      for (index l = 0; l < lambdas.size(); ++l) {
        const RidgeResult<T>& p = (*path)[static_cast<std::size_t>(l)];
        Result<RidgeResult<T>> single = ridge<T>(D.X, D.Y, lambdas[l], opts);
        ASSERT_TRUE(single.ok());
        EXPECT_EQ(p.lambda, lambdas[l]);
        EXPECT_EQ(p.method, RidgeMethod::svd);
        EXPECT_TRUE(same_bits<T>(p.solution, single->solution)) << "lambda " << lambdas[l];
        EXPECT_TRUE(same_bits<T>(p.intercept, single->intercept)) << "lambda " << lambdas[l];
        EXPECT_EQ(p.effective_dof, single->effective_dof) << "lambda " << lambdas[l];
      }
    }
}

// GCV and LOO scores from ridge_cv against brute force in long double on small problems:
// GCV from the explicit hat matrix, LOO by refitting without each row; with and
// without an intercept, one and two columns, lambda = 0 included (n > d + 1). Relative
// difference < 30 n eps kappa_lambda.
TYPED_TEST(Ridge, CrossValidationScoresMatchBruteForce) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  const Vector<T> lambdas{T(0), T(1e-3), T(1e-1), T(1), T(10)};
  std::uint64_t seed = 34000;
  for (auto [n, d, k] : {std::tuple<index, index, index>{8, 3, 1}, {12, 5, 2}, {10, 1, 1}, {6, 9, 1}})
    for (bool intercept : {false, true})
      for (CvCriterion crit : {CvCriterion::gcv, CvCriterion::loo}) {
        const Design<T> D = design<T>(n, d, k, T(1), ++seed);
        SCOPED_TRACE(case_name<T>(D.name, n, d, seed) + " " + to_string(crit) + (intercept ? " intercept" : "") +
                     " k=" + std::to_string(k));
        Result<RidgeCvResult<T>> cv = ridge_cv<T>(D.X, D.Y, lambdas, crit, options<T>(RidgeMethod::svd, intercept));
        ASSERT_TRUE(cv.ok()) << to_string(cv.status());
        EXPECT_EQ(cv->criterion, crit);
        ASSERT_EQ(cv->scores.size(), lambdas.size());
        ASSERT_EQ(cv->effective_dof.size(), lambdas.size());
        EXPECT_TRUE(same_bits<T>(cv->lambdas, lambdas));
        const LongMatrix X{MatrixView<const T>(D.X)}, Y{MatrixView<const T>(D.Y)};
        for (index l = 0; l < lambdas.size(); ++l) {
          const double lambda = static_cast<double>(lambdas[l]);
          const bool interpolating = d + (intercept ? 1 : 0) >= n - (crit == CvCriterion::loo ? 1 : 0);
          if (lambda == 0 && interpolating) {
            // The fit interpolates (every 1 - h_ii, or 1 - dof / n, is zero): +inf by the header.
            EXPECT_EQ(cv->scores[l], std::numeric_limits<T>::infinity()) << "lambda 0, interpolating";
            continue;
          }
          const Long ref = crit == CvCriterion::gcv ? gcv_long(X, Y, lambda, intercept) : loo_long(X, Y, lambda, intercept);
          const double kappa = kappa_lambda<T>(D.X, intercept, lambda);
          EXPECT_RATIO(std::string(to_string(crit)) + " score vs brute force / (n eps kappa_lambda)",
                       static_cast<double>(std::fabs(cv->scores[l] - ref) / ref) / (static_cast<double>(n) * e * kappa));
          // effective_dof = trace of the hat matrix.
          const LongMatrix H = hat_long(X, lambda, intercept);
          Long trace = 0;
          for (index i = 0; i < n; ++i) trace += H(i, i);
          EXPECT_RATIO("effective_dof vs trace(H) / (n eps kappa_lambda dof)",
                       static_cast<double>(std::fabs(cv->effective_dof[l] - trace) / std::max<Long>(trace, 1)) /
                           (static_cast<double>(n) * e * kappa));
        }
      }
}

// Regression (issue 6, fixed on the api branch in 63861c8): the leverage complement
// 1 - 1/n - ||U(i, :)||^2 of ridge_cv was clamped at zero. With an intercept and d >= n
// the centred X (n x d) has rank n - 1 < n, and its thin U (n x n) holds the constant
// direction 1/sqrt(n) with a rounding-level singular value: the complement is exactly
// -1/n there, and the g_j = 1 the filter gives that direction adds the 1/n back. The
// clamp kept the 1/n, so every 1 - h_ii was too large by 1/n: at lambda = 0 (an
// interpolating fit, +inf) the score was ~1e-30, at lambda > 0 about half the
// brute-force value. 6 x 5 (rank n - 1 = d, U without the constant direction) is the
// control that always passed.
TYPED_TEST(Ridge, RegressionIssue6LooWithInterceptWhenTheCentredXHasRankNMinusOne) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  for (auto [n, d] : {std::pair<index, index>{6, 9}, {6, 5}}) {
    const Design<T> D = design<T>(n, d, 1, T(1), 34500 + static_cast<std::uint64_t>(d));
    SCOPED_TRACE(case_name<T>(D.name, n, d, 34500 + static_cast<std::uint64_t>(d)) + " loo intercept");
    const Vector<T> lambdas{T(0), T(0.1), T(1)};
    Result<RidgeCvResult<T>> cv = ridge_cv<T>(D.X, D.Y, lambdas, CvCriterion::loo, options<T>(RidgeMethod::svd, true));
    ASSERT_TRUE(cv.ok());
    EXPECT_EQ(cv->scores[0], std::numeric_limits<T>::infinity()) << "lambda 0 interpolates";
    for (index l = 1; l < 3; ++l) {
      const Long ref = loo_long(LongMatrix(MatrixView<const T>(D.X)), LongMatrix(MatrixView<const T>(D.Y)),
                                static_cast<double>(lambdas[l]), true);
      const double kappa = kappa_lambda<T>(D.X, true, static_cast<double>(lambdas[l]));
      EXPECT_LT(static_cast<double>(std::fabs(cv->scores[l] - ref) / ref) / (static_cast<double>(n) * e * kappa), kThreshold)
          << "lambda " << lambdas[l] << ": score " << cv->scores[l] << ", brute force " << static_cast<double>(ref);
    }
  }
}

// Tiny lambdas (1e-30, the smallest normal and the smallest subnormal, relative to
// s_1^2 = 1) give finite scores that agree with lambda = 0 — nothing divides by lambda
// — on full-rank problems with n > d + 1; the fit agrees with lambda = 0 too.
TYPED_TEST(Ridge, TinyLambdaGivesTheZeroLambdaScores) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  const Vector<T> lambdas{T(0), T(1e-30), std::numeric_limits<T>::min(), std::numeric_limits<T>::denorm_min()};
  std::uint64_t seed = 35000;
  for (auto [n, d] : {std::pair<index, index>{12, 4}, {30, 10}})
    for (bool intercept : {false, true})
      for (CvCriterion crit : {CvCriterion::gcv, CvCriterion::loo}) {
        const Design<T> D = design<T>(n, d, 1, T(1), ++seed);
        SCOPED_TRACE(case_name<T>(D.name, n, d, seed) + " " + to_string(crit) + (intercept ? " intercept" : ""));
        Result<RidgeCvResult<T>> cv = ridge_cv<T>(D.X, D.Y, lambdas, crit, options<T>(RidgeMethod::svd, intercept));
        ASSERT_TRUE(cv.ok()) << to_string(cv.status());
        const double kappa = kappa_lambda<T>(D.X, intercept, 0);
        for (index l = 0; l < lambdas.size(); ++l) {
          EXPECT_TRUE(std::isfinite(cv->scores[l])) << "lambda " << lambdas[l] << " score " << cv->scores[l];
          EXPECT_GT(cv->scores[l], T(0));
          EXPECT_RATIO("tiny lambda score vs lambda 0 / (n eps kappa)",
                       std::fabs(static_cast<double>(cv->scores[l]) / static_cast<double>(cv->scores[0]) - 1) /
                           (static_cast<double>(n) * e * kappa));
        }
        Result<RidgeResult<T>> zero = ridge<T>(D.X, D.Y, T(0), options<T>(RidgeMethod::svd, intercept));
        for (index l = 1; l < lambdas.size(); ++l)
          for (RidgeMethod method : kRidgeMethods) {
            Result<RidgeResult<T>> fit = ridge<T>(D.X, D.Y, lambdas[l], options<T>(method, intercept));
            ASSERT_TRUE(fit.ok()) << to_string(method) << " " << to_string(fit.status());
            EXPECT_RATIO("tiny lambda solution vs lambda 0 / (max eps kappa^2)",
                         relative_difference<T>(fit->solution, zero->solution) /
                             (static_cast<double>(std::max(n, d)) * e * kappa));
          }
      }
}

// The best lambda is the first minimiser of the scores, and the fit there is what ridge
// gives at that lambda; the scores have an interior minimum on a noisy problem.
TYPED_TEST(Ridge, BestLambdaIsTheArgmin) {
  using T = TypeParam;
  Vector<T> lambdas(25);
  for (index l = 0; l < 25; ++l) lambdas[l] = static_cast<T>(std::pow(10.0, -6.0 + 0.5 * static_cast<double>(l)));
  std::uint64_t seed = 36000;
  for (CvCriterion crit : {CvCriterion::gcv, CvCriterion::loo})
    for (bool intercept : {false, true}) {
      // X with singular values from 10 down to 1e-3 and noise of size 1: shrinking the
      // small directions pays, shrinking the large ones does not.
      Design<T> D = design<T>(25, 8, 1, T(0.5), ++seed, 1e4);
      const Matrix<T> noise = random_matrix<T>(25, 1, seed + 5);
      D.X = scaled<T>(D.X, T(10));
      const Matrix<T> W = random_matrix<T>(8, 1, seed + 6);
      const Matrix<T> XW = multiply<T>(D.X, W);
      for (index i = 0; i < 25; ++i) D.Y(i, 0) = XW(i, 0) + noise(i, 0) + T(1);
      SCOPED_TRACE(case_name<T>(D.name, 25, 8, seed) + " " + to_string(crit) + (intercept ? " intercept" : ""));
      const RidgeOptions<T> opts = options<T>(RidgeMethod::svd, intercept);
      Result<RidgeCvResult<T>> cv = ridge_cv<T>(D.X, D.Y, lambdas, crit, opts);
      ASSERT_TRUE(cv.ok()) << to_string(cv.status());
      const index best = cv->best_index;
      ASSERT_GE(best, 0);
      ASSERT_LT(best, lambdas.size());
      for (index l = 0; l < lambdas.size(); ++l) {
        if (l < best) {
          EXPECT_GT(cv->scores[l], cv->scores[best]) << l;
        } else {
          EXPECT_GE(cv->scores[l], cv->scores[best]) << l;
        }
      }
      EXPECT_GT(best, 0) << "expected an interior minimum";
      EXPECT_LT(best, lambdas.size() - 1) << "expected an interior minimum";
      std::printf("[ cv     ] %-6s %s%s best lambda %g (index %ld of %ld), score %g\n", type_name<T>(), to_string(crit),
                  intercept ? " intercept" : "", static_cast<double>(cv->best_lambda), static_cast<long>(best),
                  static_cast<long>(lambdas.size()), static_cast<double>(cv->scores[best]));
      EXPECT_EQ(cv->best_lambda, lambdas[best]);
      Result<RidgeResult<T>> fit = ridge<T>(D.X, D.Y, cv->best_lambda, opts);
      ASSERT_TRUE(fit.ok());
      EXPECT_TRUE(same_bits<T>(cv->best.solution, fit->solution));
      EXPECT_TRUE(same_bits<T>(cv->best.intercept, fit->intercept));
      EXPECT_EQ(cv->best.lambda, cv->best_lambda);
      EXPECT_NEAR(cv->best.effective_dof, fit->effective_dof, 30 * 8 * eps<T>());
      EXPECT_EQ(cv->best.effective_dof, cv->effective_dof[best]);
    }
}

// ---------------------------------------------------------------------------------------
// 4. Intercept and degrees of freedom

// Y = X W + b exactly, X with columns far from centred (means 10, 20, ...): at lambda = 0
// every method recovers b and W (within 30 n eps kappa^2 for cholesky, kappa otherwise,
// relative to |b| + ||mean(X)|| ||W||); at lambda > 0 the intercept is
// mean(Y) - mean(X)^T W for the W returned.
TYPED_TEST(Ridge, InterceptIsRecovered) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  std::uint64_t seed = 37000;
  for (auto [n, d] : {std::pair<index, index>{15, 4}, {40, 10}, {6, 1}}) {
    CatalogueOptions copts;
    copts.kappa = 10;
    TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, n, d, ++seed, copts);
    Matrix<T> X = tm.A;
    for (index j = 0; j < d; ++j)
      for (index i = 0; i < n; ++i) X(i, j) += T(10) * static_cast<T>(j + 1);
    const Matrix<T> W = random_matrix<T>(d, 2, seed + 1);
    const T b[2] = {T(3), T(-7.5)};
    LongMatrix Y = product(LongMatrix(MatrixView<const T>(X)), LongMatrix(MatrixView<const T>(W)));
    for (index c = 0; c < 2; ++c)
      for (index i = 0; i < n; ++i) Y(i, c) += b[c];
    const Matrix<T> Yt = Y.rounded<T>();
    const double kappa = std::sqrt(kappa_lambda<T>(X, true, 0));  // kappa of the centred X
    Long mean_norm = 0;
    for (Long x : centre(LongMatrix(MatrixView<const T>(X)), true).mean) mean_norm += x * x;
    for (RidgeMethod method : kRidgeMethods) {
      SCOPED_TRACE(case_name<T>(tm.name + "_offset", n, d, seed) + " " + to_string(method));
      Result<RidgeResult<T>> fit = ridge<T>(X, Yt, T(0), options<T>(method, true));
      ASSERT_TRUE(fit.ok()) << to_string(fit.status());
      const double k_eff = method == RidgeMethod::cholesky ? kappa * kappa : kappa;
      const double bound = static_cast<double>(n) * e * k_eff;
      for (index c = 0; c < 2; ++c) {
        const double scale = std::fabs(static_cast<double>(b[c])) +
                             static_cast<double>(std::sqrt(mean_norm)) * static_cast<double>(nrm2(W.col(c)));
        EXPECT_RATIO(std::string(to_string(method)) + " recovered intercept / bound",
                     std::fabs(static_cast<double>(fit->intercept[c]) - static_cast<double>(b[c])) / scale / bound);
      }
      EXPECT_RATIO(std::string(to_string(method)) + " recovered W / bound",
                   relative_difference<T>(fit->solution, W) / bound);
      // lambda > 0: the intercept formula, checked in long double against the W returned.
      Result<RidgeResult<T>> shrunk = ridge<T>(X, Yt, T(5), options<T>(method, true));
      ASSERT_TRUE(shrunk.ok());
      const Centred Xc = centre(LongMatrix(MatrixView<const T>(X)), true), Yc = centre(Y, true);
      for (index c = 0; c < 2; ++c) {
        Long expected = Yc.mean[static_cast<std::size_t>(c)];
        for (index j = 0; j < d; ++j) expected -= Xc.mean[static_cast<std::size_t>(j)] * shrunk->solution(j, c);
        const Long scale = std::fabs(Yc.mean[static_cast<std::size_t>(c)]) +
                           std::sqrt(mean_norm) * nrm2(shrunk->solution.col(c));
        EXPECT_RATIO("intercept = mean(Y) - mean(X) W / (n eps scale)",
                     static_cast<double>(std::fabs(shrunk->intercept[c] - expected) / scale) / (static_cast<double>(n) * e));
      }
    }
  }
}

// effective_dof of ridge (svd) and ridge_path is the trace of the hat matrix formed in
// long double (plus one for the intercept), within 30 n eps kappa_lambda dof.
TYPED_TEST(Ridge, EffectiveDofIsTheTraceOfTheHatMatrix) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  const Vector<T> lambdas{T(1e-3), T(0.1), T(1), T(100)};
  std::uint64_t seed = 38000;
  for (auto [n, d] : {std::pair<index, index>{20, 5}, {7, 12}, {10, 10}})
    for (bool intercept : {false, true}) {
      const Design<T> D = design<T>(n, d, 1, T(1), ++seed);
      SCOPED_TRACE(case_name<T>(D.name, n, d, seed) + (intercept ? " intercept" : ""));
      const RidgeOptions<T> opts = options<T>(RidgeMethod::svd, intercept);
      Result<std::vector<RidgeResult<T>>> path = ridge_path<T>(D.X, D.Y, lambdas, opts);
      ASSERT_TRUE(path.ok());
      for (index l = 0; l < lambdas.size(); ++l) {
        const double lambda = static_cast<double>(lambdas[l]);
        const LongMatrix H = hat_long(LongMatrix(MatrixView<const T>(D.X)), lambda, intercept);
        Long trace = 0;
        for (index i = 0; i < n; ++i) trace += H(i, i);
        const double kappa = kappa_lambda<T>(D.X, intercept, lambda);
        Result<RidgeResult<T>> fit = ridge<T>(D.X, D.Y, lambdas[l], opts);
        ASSERT_TRUE(fit.ok());
        for (T dof : {fit->effective_dof, (*path)[static_cast<std::size_t>(l)].effective_dof})
          EXPECT_RATIO("effective_dof vs trace(H) / (n eps kappa_lambda dof)",
                       static_cast<double>(std::fabs(dof - trace) / trace) / (static_cast<double>(n) * e * kappa));
      }
    }
}

// X, Y and the lambdas as views inside NaN-padded storage (leading dimension n + 3, a
// stride-2 grid): every entry point gives bit for bit what it gives on contiguous input.
TYPED_TEST(Ridge, PaddedInputsGiveTheSameAnswer) {
  using T = TypeParam;
  const Design<T> D = design<T>(9, 4, 2, T(1), 39000);
  Padded<T> Xp = Padded<T>::from(D.X), Yp = Padded<T>::from(D.Y);
  const Vector<T> lambdas{T(0), T(0.1), T(10)};
  std::vector<T> grid_store(6, nan<T>());
  for (index l = 0; l < 3; ++l) grid_store[static_cast<std::size_t>(2 * l)] = lambdas[l];
  const VectorView<const T> grid(grid_store.data(), 3, 2);
  for (bool intercept : {false, true}) {
    for (RidgeMethod method : kRidgeMethods) {
      SCOPED_TRACE(std::string(type_name<T>()) + " " + to_string(method) + (intercept ? " intercept" : ""));
      Result<RidgeResult<T>> a = ridge<T>(Xp.view(), Yp.view(), T(0.1), options<T>(method, intercept));
      Result<RidgeResult<T>> b = ridge<T>(D.X, D.Y, T(0.1), options<T>(method, intercept));
      ASSERT_TRUE(a.ok() && b.ok());
      EXPECT_TRUE(same_bits<T>(a->solution, b->solution));
      EXPECT_TRUE(same_bits<T>(a->intercept, b->intercept));
    }
    const RidgeOptions<T> opts = options<T>(RidgeMethod::svd, intercept);
    Result<std::vector<RidgeResult<T>>> pa = ridge_path<T>(Xp.view(), Yp.view(), grid, opts);
    Result<std::vector<RidgeResult<T>>> pb = ridge_path<T>(D.X, D.Y, lambdas, opts);
    ASSERT_TRUE(pa.ok() && pb.ok());
    for (std::size_t l = 0; l < 3; ++l) EXPECT_TRUE(same_bits<T>((*pa)[l].solution, (*pb)[l].solution));
    for (CvCriterion crit : {CvCriterion::gcv, CvCriterion::loo}) {
      Result<RidgeCvResult<T>> ca = ridge_cv<T>(Xp.view(), Yp.view(), grid, crit, opts);
      Result<RidgeCvResult<T>> cb = ridge_cv<T>(D.X, D.Y, lambdas, crit, opts);
      ASSERT_TRUE(ca.ok() && cb.ok());
      EXPECT_TRUE(same_bits<T>(ca->scores, cb->scores));
      EXPECT_TRUE(same_bits<T>(ca->best.solution, cb->best.solution));
    }
  }
  EXPECT_TRUE(Xp.padding_untouched());
  EXPECT_TRUE(Yp.padding_untouched());
}

}  // namespace
}  // namespace stela::test
