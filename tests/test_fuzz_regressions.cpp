// Regressions from the fuzz harnesses (tools/fuzz, issue 13): one test per finding, named
// after what broke, with the harness and the input that found it. The debug preset runs
// these under AddressSanitizer and UndefinedBehaviorSanitizer, where the findings showed.
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "stela/lstsq.hpp"
#include "stela/matrix.hpp"
#include "stela/ridge.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class FuzzRegressions : public ::testing::Test {};
TYPED_TEST_SUITE(FuzzRegressions, Scalars, ScalarName);

// The class behind the first two findings: an empty Matrix (0 x n or m x 0) has no
// storage, and its columns, rows, blocks and segments offset that null pointer (UBSan:
// "applying non-zero offset 8 to null pointer", matrix.hpp), which is undefined
// behaviour however empty the result. The sub-views of a view without storage stay null.
TYPED_TEST(FuzzRegressions, SubViewsOfAMatrixWithoutStorageStayNull) {
  using T = TypeParam;
  Matrix<T> tall(7, 0), wide(0, 3);
  if (tall.data() == nullptr) {
    EXPECT_EQ(tall.row(6).data(), nullptr);
    EXPECT_EQ(MatrixView<const T>(tall).row(6).data(), nullptr);
    EXPECT_EQ(tall.block(5, 0, 2, 0).data(), nullptr);
  }
  if (wide.data() == nullptr) {
    EXPECT_EQ(wide.col(2).data(), nullptr);
    EXPECT_EQ(MatrixView<const T>(wide).col(2).data(), nullptr);
    EXPECT_EQ(wide.col_block(1, 2).data(), nullptr);
    EXPECT_EQ(wide.row_block(0, 0).col(2).data(), nullptr);
  }
  EXPECT_EQ(wide.col(2).size(), 0);
  EXPECT_EQ(tall.row(6).size(), 0);
}

// fuzz_solvers, the seed double_empty_0x3: ridge of a 0 x 3 X scaled X by a power of two
// column by column (scale_by_power_of_two through col(j) of the empty X). Zero rows
// are a valid problem: its solution is W = 0 for every method and lambda > 0.
TYPED_TEST(FuzzRegressions, RidgeOfZeroRowsRefusesOrReturnsZero) {
  using T = TypeParam;
  const Matrix<T> X(0, 3), Y(0, 1);
  for (const RidgeMethod method : {RidgeMethod::svd, RidgeMethod::cholesky, RidgeMethod::augmented_qr})
    for (const bool intercept : {false, true}) {
      SCOPED_TRACE(std::string(to_string(method)) + (intercept ? " with intercept" : ""));
      RidgeOptions<T> opts;
      opts.method = method;
      opts.fit_intercept = intercept;
      const Result<RidgeResult<T>> R = ridge<T>(X, Y, T(1), opts);
      if (!R.ok()) continue;  // refusing the empty problem is allowed; reading through null is not
      ASSERT_EQ(R->solution.rows(), 3);
      ASSERT_EQ(R->solution.cols(), 1);
      for (index i = 0; i < 3; ++i) EXPECT_EQ(R->solution(i, 0), T(0));
    }
}

// fuzz_solvers, input {0x00, 0x3d, 0, 0, 0, 0, 0, 0, 0} (double, X 7 x 0, Y 7 x 1 of
// zeros): ridge_cv read the rows of U (7 x 0) through row(i) of an empty matrix. With no
// column to fit, the best fit is the empty W.
TYPED_TEST(FuzzRegressions, RidgeCvOfNoColumnsReadsNoRowThroughANullPointer) {
  using T = TypeParam;
  const Matrix<T> X(7, 0), Y(7, 1, T(0));
  const T lambdas_data[] = {T(0), T(1)};
  for (const CvCriterion criterion : {CvCriterion::gcv, CvCriterion::loo}) {
    const Result<RidgeCvResult<T>> cv = ridge_cv<T>(X, Y, VectorView<const T>(lambdas_data, 2), criterion);
    if (!cv.ok()) continue;
    EXPECT_EQ(cv->best.solution.rows(), 0);
    EXPECT_GE(cv->best_index, 0);
    EXPECT_LT(cv->best_index, 2);
  }
}

// fuzz_solvers, a float problem (input 2258f6ed...): a 6 x 6 X with kappa near 1/eps
// and Y with entries near 2^125, whose solution at lambda = 0 is beyond the float range.
// ridge returned ok with +-Inf in W (W_s unscaled from the safe range without a check),
// and ridge_cv, whose scores had all overflowed to +inf in the caller's units, took the
// first, lambda = 0, and returned that W. Now ridge says not_finite, as lstsq does, and
// ridge_cv ranks the scores in the scaled units, where they are finite.
// The class, in both types: X = diag(1, 2^-e) kept at rank 2, y = (1, 2^(max - 10)); at
// lambda = 0 its second weight 2^(max - 10 + e) overflows.
template <class T>
Matrix<T> overflowing_ridge_x() {
  return Matrix<T>{{1, 0}, {0, std::ldexp(T(1), std::is_same<T, float>::value ? -20 : -40)}};
}
template <class T>
Matrix<T> overflowing_ridge_y() {
  return Matrix<T>{{1}, {std::ldexp(T(1), std::numeric_limits<T>::max_exponent - 10)}};
}

TYPED_TEST(FuzzRegressions, RidgeSaysNotFiniteWhenItsSolutionOverflows) {
  using T = TypeParam;
  const Matrix<T> X = overflowing_ridge_x<T>(), Y = overflowing_ridge_y<T>();
  RidgeOptions<T> opts;
  for (const RidgeMethod method : {RidgeMethod::svd, RidgeMethod::cholesky, RidgeMethod::augmented_qr}) {
    opts.method = method;
    // (cholesky refuses the Gram matrix diag(1, 2^-2e) first: not_positive_definite.)
    const Status at_zero = ridge<T>(X, Y, T(0), opts).status();
    if (method == RidgeMethod::cholesky) {
      EXPECT_NE(at_zero, Status::ok);
    } else {
      EXPECT_EQ(at_zero, Status::not_finite) << to_string(method);
    }
    const Result<RidgeResult<T>> R = ridge<T>(X, Y, T(1), opts);  // in range: w_2 ~ 2^(max - 10 - e)
    EXPECT_EQ(R.status(), Status::ok) << to_string(method);
    EXPECT_TRUE(all_finite(MatrixView<const T>(R->solution))) << to_string(method);
  }
  const T path_lambdas[] = {T(1), T(0)};
  EXPECT_EQ(ridge_path<T>(X, Y, VectorView<const T>(path_lambdas, 2)).status(), Status::not_finite);
}

TYPED_TEST(FuzzRegressions, RidgeCvRanksScoresThatOverflowInTheCallersUnits) {
  using T = TypeParam;
  const Matrix<T> X = overflowing_ridge_x<T>(), Y = overflowing_ridge_y<T>();
  const T lambdas[] = {T(0), T(1), T(1024)};
  for (const CvCriterion criterion : {CvCriterion::gcv, CvCriterion::loo}) {
    SCOPED_TRACE(to_string(criterion));
    const Result<RidgeCvResult<T>> cv = ridge_cv<T>(X, Y, VectorView<const T>(lambdas, 3), criterion);
    ASSERT_EQ(cv.status(), Status::ok);
    EXPECT_GT(cv->best_lambda, T(0)) << "lambda = 0 interpolates (score +inf) and its W overflows";
    EXPECT_TRUE(all_finite(MatrixView<const T>(cv->best.solution)));
  }
}

// The input the fuzzer found, in float.
TEST(FuzzRegressions, RidgeCvOfTheFoundFloatProblemChoosesAFiniteFit) {
  const float third = 1.0f / 3.0f, big = std::ldexp(1.0f, 123), eps = std::numeric_limits<float>::epsilon();
  const Matrix<float> X{{1, 0.6875f, 2, 8, 2, 1},  {1, 2, 3, 9, 1, 1},      {1, 6, 4, 10, 1, 1},
                        {1, 1e-8f, 5, 11, 1, 0}, {1, 0, 6, 12, 1, -third}, {1, 1, 7, 1, 0.0625f, 2}};
  const Matrix<float> Y{{-(1 + 14 * eps)}, {3}, {2}, {1}, {-3 * big}, {2 * big}};
  const float lambdas[] = {0, 1, 1, 1024};
  for (const CvCriterion criterion : {CvCriterion::gcv, CvCriterion::loo}) {
    const Result<RidgeCvResult<float>> cv = ridge_cv<float>(X, Y, VectorView<const float>(lambdas, 4), criterion);
    if (cv.ok()) {
      EXPECT_TRUE(all_finite(MatrixView<const float>(cv->best.solution))) << to_string(criterion);
    }
  }
  const Result<RidgeResult<float>> R = ridge<float>(X, Y, 0.0f);
  if (R.ok()) {
    EXPECT_TRUE(all_finite(MatrixView<const float>(R->solution)));
  }
}

// fuzz_solvers, a float problem (input 0e8c36f4...): ridge with an intercept, Y's column
// holding -1.786e38 twice. Its mean, -8.9e37, is in range, but the sum that formed it
// overflowed, and the intercept came back NaN with status ok (every method; X 4 x 0
// took the quick return). The means are now summed on Y scaled by a power of two.
TYPED_TEST(FuzzRegressions, RidgeInterceptOfColumnsWhoseSumOverflows) {
  using T = TypeParam;
  const T big = T(0.525) * std::numeric_limits<T>::max();
  const Matrix<T> Y{{-big}, {-big}, {0}, {T(1e-30)}};
  for (const index d : {index{0}, index{1}})
    for (const RidgeMethod method : {RidgeMethod::svd, RidgeMethod::cholesky, RidgeMethod::augmented_qr}) {
      SCOPED_TRACE(std::string(to_string(method)) + ", d = " + std::to_string(d));
      Matrix<T> X(4, d);
      for (index i = 0; i < X.rows() * d; ++i) X(i, 0) = T(i + 1);
      RidgeOptions<T> opts;
      opts.method = method;
      opts.fit_intercept = true;
      const Result<RidgeResult<T>> R = ridge<T>(X, Y, T(1), opts);
      ASSERT_EQ(R.status(), Status::ok);
      ASSERT_TRUE(std::isfinite(R->intercept[0]));
      if (d == 0) {
        EXPECT_NEAR(R->intercept[0] / (-big / 2), T(1), 4 * std::numeric_limits<T>::epsilon());
      }
    }
}

// fuzz_solvers, input 3bd67a43...: lstsq of a 3 x 0 X (no unknowns) with Y's entries at
// -max returned ok with residual norms +Inf: the quick return did not check what step
// 6 of the pipeline checks. ||y|| beyond the range is not_finite, for every method.
TYPED_TEST(FuzzRegressions, LstsqWithoutUnknownsSaysNotFiniteWhenTheResidualOverflows) {
  using T = TypeParam;
  const T max = std::numeric_limits<T>::max();
  const Matrix<T> X(3, 0), Y(3, 1, -max), y_small(3, 1, T(2));
  for (const LstsqMethod method : kAllLstsqMethods) {
    LstsqOptions<T> opts;
    opts.method = method;
    EXPECT_EQ(lstsq<T>(X, Y, opts).status(), Status::not_finite) << to_string(method);
    const Result<LstsqResult<T>> R = lstsq<T>(X, y_small, opts);
    ASSERT_EQ(R.status(), Status::ok) << to_string(method);
    EXPECT_NEAR(R->residual_norm[0], T(2) * std::sqrt(T(3)), 4 * std::numeric_limits<T>::epsilon());
  }
}

}  // namespace
}  // namespace stela::test
