// Regressions from the fuzz harnesses (tools/fuzz, issue 13): one test per finding, named
// after what broke, with the harness and the input that found it. The debug preset runs
// these under AddressSanitizer and UndefinedBehaviorSanitizer, where the findings showed.
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

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
      RidgeOptions opts;
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

}  // namespace
}  // namespace stela::test
