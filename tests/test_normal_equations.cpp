// The naive normal equations (Cholesky and LU variants): accuracy of order
// kappa(X)^2 eps on well-conditioned problems with a known solution, the statuses a
// user meets on rank-deficient X and on the Läuchli matrix, jitter, bad input.
//
// The problems are built with a known least-squares solution w_true (consistent,
// Y = X w, and inconsistent, Y = X w + r with r orthogonal to range(X)); the normal
// equations are checked against it and against the Householder QR solution.
#include <cmath>

#include "factorization_support.hpp"
#include "stela/normal_equations.hpp"
#include "stela/qr.hpp"

namespace stela::test {
namespace {

template <class T>
class NormalEquations : public ::testing::Test {};
TYPED_TEST_SUITE(NormalEquations, Scalars, ScalarName);

// A least-squares problem whose solution is known: X = U diag(s) V^T (s geometric from
// 1 to 1/kappa, U m x (d+1) Haar, its last column u orthogonal to range(X)), and
// Y = X W_true + residual * u 1^T. In exact arithmetic the solution is W_true.
template <class T>
struct KnownProblem {
  Matrix<T> X;
  Matrix<T> Y;
  Matrix<T> W_true;
};
template <class T>
KnownProblem<T> known_problem(index m, index d, index k, long double kappa, long double residual, std::uint64_t seed) {
  Rng rng(seed);
  const Matrix<T> U = random_orthonormal_columns<T>(rng, m, std::min(m, d + 1));
  const Matrix<T> V = random_orthonormal_columns<T>(rng, d, d);
  KnownProblem<T> p{Matrix<T>(m, d), Matrix<T>(m, k), random_matrix<T>(d, k, seed + 1)};
  std::vector<long double> sigma(static_cast<std::size_t>(d));
  for (index q = 0; q < d; ++q)
    sigma[static_cast<std::size_t>(q)] = std::pow(kappa, -static_cast<long double>(q) / std::max<index>(d - 1, 1));
  for (index j = 0; j < d; ++j)
    for (index i = 0; i < m; ++i) {
      long double s = 0;
      for (index q = 0; q < d; ++q) s += static_cast<long double>(U(i, q)) * sigma[static_cast<std::size_t>(q)] * V(j, q);
      p.X(i, j) = static_cast<T>(s);
    }
  const bool has_orthogonal_column = m > d;
  for (index j = 0; j < k; ++j)
    for (index i = 0; i < m; ++i) {
      long double s = has_orthogonal_column ? residual * static_cast<long double>(U(i, d)) : 0.0L;
      for (index q = 0; q < d; ++q) s += static_cast<long double>(p.X(i, q)) * p.W_true(q, j);
      p.Y(i, j) = static_cast<T>(s);
    }
  return p;
}

// ||W - W_true||_1 / ||W_true||_1 in long double.
template <class T>
double relative_error(MatrixView<const T> W, MatrixView<const T> W_true) {
  return static_cast<double>(one_norm(minus(LongMatrix(W), LongMatrix(W_true))) /
                             static_cast<long double>(norm(W_true, Norm::one)));
}

template <class T>
std::vector<long double> test_kappas() {
  if (std::is_same_v<T, float>) return {10.0L, 100.0L};
  return {10.0L, 1e4L};
}

TYPED_TEST(NormalEquations, ErrorIsOfOrderKappaSquaredEps) {
  using T = TypeParam;
  double worst = 0;
  for (auto [m, d] : {std::pair<index, index>{10, 3}, {50, 10}, {200, 20}, {100, 1}, {6, 6}, {300, 65}}) {
    for (long double kappa : test_kappas<T>()) {
      for (long double residual : {0.0L, 1.0L}) {
        for (index k : {1, 3}) {
          const std::uint64_t seed = 10 + static_cast<std::uint64_t>(m + d + k);
          SCOPED_TRACE(case_name<T>("known_kappa" + std::to_string(static_cast<long>(kappa)) +
                                        (residual == 0 ? "_consistent" : "_inconsistent") + "_k" + std::to_string(k),
                                    m, d, seed));
          const KnownProblem<T> p = known_problem<T>(m, d, k, kappa, residual, seed);
          // Forward error of the normal equations: about kappa(X)^2 eps times the
          // dimension (the rounding of X^T X and X^T Y, amplified by kappa(G)).
          const long double scale = kappa * kappa * std::max(m, d) * static_cast<long double>(eps<T>());
          auto chol = normal_equations_cholesky<T>(p.X, p.Y);
          ASSERT_EQ(chol.status(), Status::ok);
          const double ratio_chol = relative_error<T>(chol->solution, p.W_true) / static_cast<double>(scale);
          EXPECT_LT(ratio_chol, kThreshold);
          EXPECT_EQ(chol->info.tries, 1);
          EXPECT_EQ(chol->info.jitter, 0.0);
          EXPECT_GT(chol->info.rcond, 0.0);
          auto lu = normal_equations_lu<T>(p.X, p.Y);
          ASSERT_EQ(lu.status(), Status::ok);
          const double ratio_lu = relative_error<T>(lu->solution, p.W_true) / static_cast<double>(scale);
          EXPECT_LT(ratio_lu, kThreshold);
          // rcond estimates 1 / kappa_1(G), G = X^T X with kappa_2(G) = kappa^2 (1 when
          // d = 1), and kappa_1 within a factor d of kappa_2.
          const double kappa_g = d == 1 ? 1.0 : static_cast<double>(kappa * kappa);
          EXPECT_LE(lu->info.rcond, 10.0 * d / kappa_g);
          EXPECT_GE(lu->info.rcond, 1.0 / (10.0 * d * kappa_g));
          EXPECT_LE(chol->info.rcond, 10.0 * d / kappa_g);
          EXPECT_GE(chol->info.rcond, 1.0 / (10.0 * d * kappa_g));
          worst = std::max({worst, ratio_chol, ratio_lu});
        }
      }
    }
  }
  ::testing::Test::RecordProperty("worst_forward_error_ratio", std::to_string(worst));
}

// On well-conditioned X the normal equations agree with the QR solution to about
// kappa^2 eps: QR's own error is about kappa eps, so the difference is the normal
// equations' error.
TYPED_TEST(NormalEquations, AgreeWithQrToKappaSquaredEps) {
  using T = TypeParam;
  for (auto [m, d] : {std::pair<index, index>{50, 10}, {200, 20}, {12, 12}})
    for (long double kappa : test_kappas<T>())
      for (long double residual : {0.0L, 1.0L}) {
        const std::uint64_t seed = 500 + static_cast<std::uint64_t>(m + d);
        SCOPED_TRACE(case_name<T>("known_kappa" + std::to_string(static_cast<long>(kappa)) +
                                      (residual == 0 ? "_consistent" : "_inconsistent"),
                                  m, d, seed));
        const KnownProblem<T> p = known_problem<T>(m, d, 2, kappa, residual, seed);
        Result<QR<T>> F = qr(MatrixView<const T>(p.X));
        ASSERT_TRUE(F.ok());
        Result<Matrix<T>> W_qr = F->solve(p.Y);
        ASSERT_EQ(W_qr.status(), Status::ok);
        const long double scale = kappa * kappa * std::max(m, d) * static_cast<long double>(eps<T>());
        auto chol = normal_equations_cholesky<T>(p.X, p.Y);
        auto lu = normal_equations_lu<T>(p.X, p.Y);
        ASSERT_EQ(chol.status(), Status::ok);
        ASSERT_EQ(lu.status(), Status::ok);
        EXPECT_LT(relative_error<T>(chol->solution, *W_qr) / static_cast<double>(scale), kThreshold);
        EXPECT_LT(relative_error<T>(lu->solution, *W_qr) / static_cast<double>(scale), kThreshold);
      }
}

TYPED_TEST(NormalEquations, InPlaceMatchesHighLevelWithNaNWorkspace) {
  using T = TypeParam;
  const KnownProblem<T> p = known_problem<T>(40, 7, 2, 10, 1, 3);
  auto chol = normal_equations_cholesky<T>(p.X, p.Y);
  auto lu = normal_equations_lu<T>(p.X, p.Y);
  ASSERT_EQ(chol.status(), Status::ok);
  ASSERT_EQ(lu.status(), Status::ok);
  Padded<T> X = Padded<T>::from(p.X);
  Padded<T> Y = Padded<T>::from(p.Y);
  {
    Padded<T> W(7, 2);
    NanWorkspace work(normal_equations_cholesky_workspace_size<T>(40, 7, 2));
    NormalEquationsInfo<T> info;
    ASSERT_EQ(normal_equations_cholesky_inplace<T>(X.view(), Y.view(),
                                                   W.view(), info, work.workspace()),
              Status::ok);
    EXPECT_TRUE(same_bits<T>(W.view(), chol->solution));
    EXPECT_TRUE(W.padding_untouched());
    EXPECT_EQ(info.rcond, chol->info.rcond);
  }
  {
    Padded<T> W(7, 2);
    NanWorkspace work(normal_equations_lu_workspace_size<T>(40, 7, 2));
    NormalEquationsInfo<T> info;
    ASSERT_EQ(normal_equations_lu_inplace<T>(X.view(), Y.view(),
                                             W.view(), info, work.workspace()),
              Status::ok);
    EXPECT_TRUE(same_bits<T>(W.view(), lu->solution));
    EXPECT_TRUE(W.padding_untouched());
  }
  // A vector right-hand side gives the one-column solution.
  auto chol_vec = normal_equations_cholesky<T>(p.X, p.Y.col(1));
  ASSERT_EQ(chol_vec.status(), Status::ok);
  auto chol_one = normal_equations_cholesky<T>(p.X, p.Y.col_block(1, 1));
  EXPECT_TRUE(same_bits<T>(chol_vec->solution, chol_one->solution));
  auto lu_vec = normal_equations_lu<T>(p.X, p.Y.col(1));
  ASSERT_EQ(lu_vec.status(), Status::ok);
  auto lu_one = normal_equations_lu<T>(p.X, p.Y.col_block(1, 1));
  EXPECT_TRUE(same_bits<T>(lu_vec->solution, lu_one->solution));
}

// The Läuchli matrix [1 ... 1; delta I] with delta = 1e-8. Its singular values are
// sqrt(d + delta^2) and delta, so kappa(X) = sqrt(d) / delta ~ 3e8 and a backward-stable
// method (QR, SVD) solves it to about kappa eps ~ 1e-7 in double. The normal equations
// cannot: G = X^T X = ones + delta^2 I, and delta^2 = 1e-16 is below half an ulp of 1
// in both float and double, so 1 + delta^2 rounds to 1 and the computed G is the
// rank-one matrix of ones, exactly. Cholesky meets the pivot 1 - 1 = 0 at column 1 and
// reports not_positive_definite there; LU meets an exact zero pivot at column 1 and
// reports singular. With adaptive jitter Cholesky "succeeds", but on a matrix from
// which delta has vanished: X^T y rounds to (sum w) 1 as well, the computed solution is
// a multiple of 1, and the error is of the size of the solution itself.
TYPED_TEST(NormalEquations, LauchliMatrixDefeatsTheNormalEquations) {
  using T = TypeParam;
  for (index d : {2, 5, 20}) {
    CatalogueOptions opts;
    opts.delta = 1e-8;
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::lauchli, d + 1, d, 1, opts);
    SCOPED_TRACE(case_name<T>(tm.name, d + 1, d, 1));
    // w_true alternates in sign, so it is far from the direction of 1.
    Matrix<T> w(d, 1);
    for (index i = 0; i < d; ++i) w(i, 0) = (i % 2 == 0) ? T(1) : T(-2);
    const Matrix<T> y = multiply<T>(tm.A, w);

    auto chol = normal_equations_cholesky<T>(tm.A, y);
    EXPECT_EQ(chol.status(), Status::not_positive_definite);
    EXPECT_EQ(chol->info.failed_column, 1);
    auto lu = normal_equations_lu<T>(tm.A, y);
    EXPECT_EQ(lu.status(), Status::singular);
    EXPECT_EQ(lu->info.failed_column, 1);

    auto jittered = normal_equations_cholesky<T>(tm.A, y, {Jitter<T>::adaptive()});
    ASSERT_EQ(jittered.status(), Status::ok);
    EXPECT_GE(jittered->info.tries, 2);
    EXPECT_GT(jittered->info.jitter, 0.0);
    EXPECT_LT(jittered->info.rcond, static_cast<double>(eps<T>()) * 1e3);
    EXPECT_GT(relative_error<T>(jittered->solution, w), 0.1) << "the jittered solution should have lost delta";
  }
}

TYPED_TEST(NormalEquations, RankDeficientXReportsAStatus) {
  using T = TypeParam;
  for (auto [m, d, r] : {std::tuple<index, index, index>{40, 10, 5}, {100, 30, 29}, {12, 12, 1}, {5, 8, 5}}) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      CatalogueOptions opts;
      opts.rank = r;
      const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, m, d, seed, opts);
      SCOPED_TRACE(case_name<T>(tm.name, m, d, seed));
      const Matrix<T> y = random_matrix<T>(m, 2, seed);
      auto chol = normal_equations_cholesky<T>(tm.A, y);
      EXPECT_EQ(chol.status(), Status::not_positive_definite) << "rcond " << chol->info.rcond;
      auto lu = normal_equations_lu<T>(tm.A, y);
      EXPECT_EQ(lu.status(), Status::singular) << "rcond " << lu->info.rcond;
      // The value comes with the status: the solution has its shape, and when the
      // factorization itself went through, rcond says why it was rejected.
      EXPECT_EQ(lu->solution.rows(), d);
      if (lu->info.failed_column < 0) {
        EXPECT_LT(lu->info.rcond, static_cast<double>(eps<T>()));
      }
      // With a fixed jitter the regularised system is solved on purpose: ok.
      auto ridge_like = normal_equations_cholesky<T>(tm.A, y, {Jitter<T>::fixed(1e-3)});
      EXPECT_EQ(ridge_like.status(), Status::ok);
      EXPECT_EQ(ridge_like->info.jitter, static_cast<double>(static_cast<T>(1e-3)));
    }
  }
  // No rows: G = 0.
  const Matrix<T> none(0, 3);
  EXPECT_EQ(normal_equations_cholesky<T>(none, Matrix<T>(0, 1)).status(), Status::not_positive_definite);
  EXPECT_EQ(normal_equations_lu<T>(none, Matrix<T>(0, 1)).status(), Status::singular);
}

// A fixed jitter far above ||X^T X||: G + tau I is tau I to working precision, so its
// condition number is 1. The estimate must use ||G + tau I||_1 (it used ||G||_1 and
// reported rcond ~ tau / ||G|| >> 1).
TYPED_TEST(NormalEquations, RcondWithAFixedJitterIsThatOfTheShiftedMatrix) {
  using T = TypeParam;
  const Matrix<T> X = random_matrix<T>(12, 4, 6200);
  const Matrix<T> Y = random_matrix<T>(12, 1, 6201);
  for (double tau : {1e3, 1e6}) {
    SCOPED_TRACE("tau " + std::to_string(tau));
    CholeskyOptions<T> opts;
    opts.jitter = Jitter<T>::fixed(tau);
    Matrix<T> W(4, 1);
    NormalEquationsInfo<T> info;
    NanWorkspace ws(normal_equations_cholesky_workspace_size<T>(12, 4, 1, opts));
    ASSERT_EQ(normal_equations_cholesky_inplace(MatrixView<const T>(X), MatrixView<const T>(Y), W.view(), info,
                                                ws.workspace(), opts),
              Status::ok);
    EXPECT_LE(info.rcond, 1.0);
    EXPECT_GT(info.rcond, 0.5);  // kappa_1(G + tau I) <= (tau + ||G||) / tau, ||G|| ~ 12
  }
}

TYPED_TEST(NormalEquations, EmptyShapes) {
  using T = TypeParam;
  // d = 0: nothing to solve.
  auto c0 = normal_equations_cholesky<T>(Matrix<T>(5, 0), Matrix<T>(5, 2));
  EXPECT_EQ(c0.status(), Status::ok);
  EXPECT_EQ(c0->solution.rows(), 0);
  EXPECT_EQ(c0->solution.cols(), 2);
  EXPECT_EQ(normal_equations_lu<T>(Matrix<T>(5, 0), Matrix<T>(5, 2)).status(), Status::ok);
  // k = 0: the factorization still runs (and its status is reported), no solution columns.
  const KnownProblem<T> p = known_problem<T>(9, 4, 1, 10, 0, 2);
  auto ck = normal_equations_cholesky<T>(p.X, Matrix<T>(9, 0));
  EXPECT_EQ(ck.status(), Status::ok);
  EXPECT_EQ(ck->solution.rows(), 4);
  EXPECT_EQ(ck->solution.cols(), 0);
  EXPECT_GT(ck->info.rcond, 0.0);
}

TYPED_TEST(NormalEquations, RejectsBadInputAndLeavesTheOutputUntouched) {
  using T = TypeParam;
  const index m = 8, d = 3, k = 2;
  const KnownProblem<T> p = known_problem<T>(m, d, k, 10, 0, 4);
  // Each bad case: in place, W (NaN-filled) stays untouched; high level gives the status.
  auto expect_both = [&](MatrixView<const T> X, MatrixView<const T> Y, index w_rows, index w_cols, Status expected,
                         const CholeskyOptions<T>& opts = {}) {
    Padded<T> W(w_rows, w_cols);
    NormalEquationsInfo<T> info;
    NanWorkspace cw(normal_equations_cholesky_workspace_size<T>(X.rows(), X.cols(), Y.cols(), opts));
    EXPECT_EQ(normal_equations_cholesky_inplace<T>(X, Y, W.view(), info, cw.workspace(), opts), expected);
    NanWorkspace lw(normal_equations_lu_workspace_size<T>(X.rows(), X.cols(), Y.cols()));
    if (opts.jitter.policy == JitterPolicy::none) {
      EXPECT_EQ(normal_equations_lu_inplace<T>(X, Y, W.view(), info, lw.workspace()), expected);
    }
    for (index j = 0; j < w_cols; ++j)
      for (index i = 0; i < w_rows; ++i) EXPECT_TRUE(std::isnan(W.view()(i, j)));
    EXPECT_TRUE(W.padding_untouched());
  };
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity()}) {
    Matrix<T> X = p.X;
    X(3, 1) = bad;
    expect_both(X, p.Y, d, k, Status::not_finite);
    EXPECT_EQ(normal_equations_cholesky<T>(X, p.Y).status(), Status::not_finite);
    EXPECT_EQ(normal_equations_lu<T>(X, p.Y.col(0)).status(), Status::not_finite);
    Matrix<T> Y = p.Y;
    Y(7, 1) = bad;
    expect_both(p.X, Y, d, k, Status::not_finite);
    EXPECT_EQ(normal_equations_lu<T>(p.X, Y).status(), Status::not_finite);
  }
  // Shapes: Y with other rows, W of the wrong shape.
  const Matrix<T> Y_short = random_matrix<T>(m - 1, k, 5);
  expect_both(p.X, Y_short, d, k, Status::dimension_mismatch);
  EXPECT_EQ(normal_equations_cholesky<T>(p.X, Y_short).status(), Status::dimension_mismatch);
  EXPECT_EQ(normal_equations_lu<T>(p.X, Y_short.col(0)).status(), Status::dimension_mismatch);
  expect_both(p.X, p.Y, d + 1, k, Status::dimension_mismatch);
  expect_both(p.X, p.Y, d, k + 1, Status::dimension_mismatch);
  // Invalid jitter.
  expect_both(p.X, p.Y, d, k, Status::invalid_argument, {Jitter<T>::fixed(-1)});
  EXPECT_EQ(normal_equations_cholesky<T>(p.X, p.Y, {Jitter<T>::fixed(std::numeric_limits<T>::quiet_NaN())}).status(), Status::invalid_argument);
  // Short workspace.
  {
    Padded<T> W(d, k);
    NormalEquationsInfo<T> info;
    NanWorkspace cw = NanWorkspace::short_of(normal_equations_cholesky_workspace_size<T>(m, d, k));
    EXPECT_EQ(normal_equations_cholesky_inplace<T>(p.X, p.Y, W.view(), info, cw.workspace()), Status::workspace_too_small);
    NanWorkspace lw = NanWorkspace::short_of(normal_equations_lu_workspace_size<T>(m, d, k));
    EXPECT_EQ(normal_equations_lu_inplace<T>(p.X, p.Y, W.view(), info, lw.workspace()), Status::workspace_too_small);
    for (index j = 0; j < k; ++j)
      for (index i = 0; i < d; ++i) EXPECT_TRUE(std::isnan(W.view()(i, j)));
  }
}

}  // namespace
}  // namespace stela::test
