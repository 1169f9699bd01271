// cond and compare_solvers (stela/diagnostics.hpp): cond against the exact condition
// number of catalogue matrices with known singular values, +inf for a singular matrix,
// the statuses of bad input; compare_solvers on a problem with a known answer, scaled by
// 1e+-200 (1e+-30 in float), where every figure must stay correct and never become NaN.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "solver_checks.hpp"
#include "stela/diagnostics.hpp"

namespace stela::test {
namespace {

template <class T>
class Diagnostics : public RatioSuite<Diagnostics<T>, T> {};
TYPED_TEST_SUITE(Diagnostics, Scalars, ScalarName);

// cond(A) on xLATMS-style matrices with prescribed singular values (geometric,
// arithmetic, one_small; tall, square, wide) against kappa = sigma_1 / sigma_k:
// |cond - kappa| / kappa < 30 max(m, n) eps kappa (the SVD gives s_min to an absolute
// max(m, n) eps ||A||, a relative eps kappa). Condition numbers 10 .. 1e4 (float) or
// 1e10 (double); the identity gives 1.
TYPED_TEST(Diagnostics, CondMatchesKnownSingularValues) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  const double kappas[] = {10, 1e3, sizeof(T) == sizeof(float) ? 1e4 : 1e10};
  std::uint64_t seed = 51000;
  for (MatrixType type : {MatrixType::geometric, MatrixType::arithmetic, MatrixType::one_small})
    for (auto [m, n] : {std::pair<index, index>{12, 5}, {7, 7}, {4, 9}, {1, 6}})
      for (double kappa : kappas) {
        CatalogueOptions copts;
        copts.kappa = kappa;
        const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, ++seed, copts);
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        ASSERT_EQ(tm.sigma.size(), std::min(m, n));
        const double exact = kappa_of<T>(tm.sigma, tm.sigma.size());
        Result<T> c = cond<T>(tm.A);
        ASSERT_EQ(c.status(), Status::ok);
        EXPECT_RATIO("|cond - kappa| / (kappa max eps kappa)",
                     std::fabs(static_cast<double>(*c) - exact) / exact /
                         (static_cast<double>(std::max(m, n)) * e * exact));
      }
  const Matrix<T> I = Matrix<T>::identity(6);
  EXPECT_EQ(*cond<T>(I), T(1));
}

// A zero matrix (any shape) and one with a zero column have s_min = 0: +inf. DESIGN.md's
// rank-2 X = [[3,1,0],[6,2,1],[3,1,0]] and a catalogue rank-3 matrix are singular to
// working precision: cond >= 1 / (30 max(m, n) eps) (or +inf).
TYPED_TEST(Diagnostics, CondOfASingularMatrixIsInfinite) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity();
  for (auto [m, n] : {std::pair<index, index>{1, 1}, {4, 2}, {2, 5}}) EXPECT_EQ(*cond<T>(Matrix<T>(m, n)), inf);
  EXPECT_EQ(*cond<T>(Matrix<T>{{1, 0}, {2, 0}, {3, 0}}), inf);
  const T floor = T(1) / (kThreshold * 10 * eps<T>());
  EXPECT_GE(*cond<T>(Matrix<T>{{3, 1, 0}, {6, 2, 1}, {3, 1, 0}}), floor);
  CatalogueOptions copts;
  copts.rank = 3;
  const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, 10, 6, 51500, copts);
  EXPECT_GE(*cond<T>(tm.A), floor) << tm.name;
}

// Bad input, in the fixed order: cond — NaN or Inf is not_finite, an empty matrix
// (0 x 0, 0 x 3, 3 x 0) has cond 1. compare_solvers — a y of the wrong length is
// dimension_mismatch (before finiteness), a bad tolerance or a negative or NaN warning
// threshold invalid_argument, NaN or Inf in X or y not_finite; the input untouched.
TYPED_TEST(Diagnostics, BadInputGetsAStatus) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity();
  const Matrix<T> X0 = random_matrix<T>(6, 3, 52000);
  const Vector<T> y0(Matrix<T>(random_matrix<T>(6, 1, 52001)).col(0));
  for (T bad : {nan<T>(), inf, -inf}) {
    Matrix<T> X = X0;
    X(4, 1) = bad;
    const Matrix<T> before = X;
    EXPECT_EQ(cond<T>(X).status(), Status::not_finite);
    EXPECT_EQ(compare_solvers<T>(X, y0).status(), Status::not_finite);
    EXPECT_TRUE(same_bits<T>(X, before));
    Vector<T> y = y0;
    y[5] = bad;
    EXPECT_EQ(compare_solvers<T>(X0, y).status(), Status::not_finite);
  }
  for (auto [m, n] : {std::pair<index, index>{0, 0}, {0, 3}, {3, 0}}) {
    Result<T> c = cond<T>(Matrix<T>(m, n));
    ASSERT_EQ(c.status(), Status::ok);
    EXPECT_EQ(*c, T(1));
  }
  Vector<T> y_short_nan(5, T(1));
  y_short_nan[0] = nan<T>();
  EXPECT_EQ(compare_solvers<T>(X0, Vector<T>(5, T(1))).status(), Status::dimension_mismatch);
  EXPECT_EQ(compare_solvers<T>(X0, y_short_nan).status(), Status::dimension_mismatch);  // shapes first
  for (double threshold : {-1.0, std::nan("")}) {
    CompareOptions<T> opts;
    opts.condition_warning = threshold;
    EXPECT_EQ(compare_solvers<T>(X0, y0, opts).status(), Status::invalid_argument) << threshold;
  }
  CompareOptions<T> bad_tol;
  bad_tol.tolerance = RankTolerance<T>{-1, -1};
  EXPECT_EQ(compare_solvers<T>(X0, y0, bad_tol).status(), Status::invalid_argument);
}

// Regression (issue 6): compare_solvers formed X^T r with an unscaled gemv, so on X =
// s [[1,0],[0,1],[1,1]] (cond sqrt 3) with y = t [1,1,0] and s = t = 1e200 every
// method reported ||X^T r|| = NaN (Inf - Inf inside the gemv). The least-squares
// solution is w = (t / s) [1/3, 1/3], residual r = t [2/3, 2/3, -2/3], ||r|| = 2t /
// sqrt 3. For s, t in {1, B, 1/B}, B = 1e200 (1e30 in float), every method:
//   - cond = sqrt 3 (within 30 eps), no warning;
//   - status ok, and no figure NaN;
//   - residual_norm / (2t / sqrt 3) - 1 within 30 max(m, n) eps kappa^2 (the normal
//     equations' kappa^2);
//   - residual_norm and xtr_norm against the same figures computed in long double from
//     the returned w: |difference| / (max(m, n) eps ||X||_F (||y|| + ||X||_F ||w||)) < 30
//     (the rounding of forming r and X^T r in working precision; without the ||X||_F
//     factor for the residual),
//     or, only where the long-double ||X^T r|| lies beyond T's range (s = t = B: about
//     eps s t ~ 1e384, a figure of rounding errors), +Inf; finite whenever the
//     long-double figure is within half the range.
TYPED_TEST(Diagnostics, RegressionIssue6CompareSolversSurvivesExtremeScaling) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  const T B = sizeof(T) == sizeof(float) ? T(1e30) : static_cast<T>(1e200);
  const std::pair<T, T> scalings[] = {{T(1), T(1)}, {B, T(1)}, {T(1) / B, T(1)}, {B, B}, {T(1) / B, T(1) / B}};
  for (auto [s, t] : scalings) {
    const Matrix<T> X{{s, 0}, {0, s}, {s, s}};
    const Vector<T> y{t, t, 0};
    SCOPED_TRACE(std::string(type_name<T>()) + " s " + std::to_string(static_cast<double>(s)) + " t " +
                 std::to_string(static_cast<double>(t)));
    Result<SolverComparison<T>> cmp = compare_solvers<T>(X, y);
    ASSERT_EQ(cmp.status(), Status::ok);
    EXPECT_LT(std::fabs(static_cast<double>(cmp->cond) / std::sqrt(3.0) - 1), kThreshold * e);
    EXPECT_FALSE(cmp->condition_warning);
    ASSERT_EQ(cmp->methods.size(), std::size(kAllLstsqMethods));
    const LongMatrix XL{MatrixView<const T>(X)};
    const Long x_norm = frobenius(XL), y_norm = std::sqrt(2.0L) * t;
    const double scale = 3 * e;  // max(m, n) eps
    for (const SolverReport<T>& report : cmp->methods) {
      SCOPED_TRACE(to_string(report.method));
      ASSERT_EQ(report.status, Status::ok);
      ASSERT_EQ(report.solution.size(), 2);
      EXPECT_FALSE(std::isnan(report.residual_norm) || std::isnan(report.xtr_norm) || std::isnan(report.disagreement));
      EXPECT_TRUE(std::isfinite(report.residual_norm) && std::isfinite(report.disagreement));
      const Long exact_residual = 2.0L * t / std::sqrt(3.0L);
      EXPECT_RATIO("|residual_norm / exact - 1| / (max eps kappa^2)",
                   static_cast<double>(std::fabs(report.residual_norm / exact_residual - 1)) / (scale * 3));
      // r = y - X w and X^T r in long double, from the w returned.
      LongMatrix r(3, 1);
      for (index i = 0; i < 3; ++i) r(i, 0) = static_cast<Long>(y[i]) - (XL(i, 0) * report.solution[0] + XL(i, 1) * report.solution[1]);
      const Long residual_long = frobenius(r), xtr_long = frobenius(product(XL, r, true, false));
      const Long w_norm = std::hypot(static_cast<Long>(report.solution[0]), static_cast<Long>(report.solution[1]));
      const Long rounding = scale * x_norm * (y_norm + x_norm * w_norm);
      EXPECT_RATIO("|residual_norm - long double| / (max eps (||y|| + ||X|| ||w||))",
                   static_cast<double>(std::fabs(report.residual_norm - residual_long) / (rounding / x_norm)));
      if (std::isinf(report.xtr_norm)) {
        EXPECT_GT(xtr_long, static_cast<Long>(std::numeric_limits<T>::max())) << "+Inf only for a figure past the range";
      } else {
        EXPECT_RATIO("|xtr_norm - long double| / (max eps ||X|| (||y|| + ||X|| ||w||))",
                     static_cast<double>(std::fabs(report.xtr_norm - xtr_long) / rounding));
      }
      if (xtr_long <= static_cast<Long>(std::numeric_limits<T>::max()) / 2) {
        EXPECT_TRUE(std::isfinite(report.xtr_norm));
      }
    }
  }
}

}  // namespace
}  // namespace stela::test
