// Cholesky: unblocked and blocked factorization, the jitter policies, pivoted Cholesky
// for semidefinite matrices, solves, log-determinant, condition estimate, bad input.
//
// Ratios (threshold 30):
//   factorization  ||A - L L^T||_1 / (n ||A||_1 eps)        (xPOT01)
//   pivoted        ||P^T A P - L L^T||_1 / (n ||A||_1 eps)  (xPST01)
//   solve          ||B - A X||_1 / (||A||_1 ||X||_1 n eps)  (xPOT02)
#include <cmath>
#include <functional>
#include <vector>

#include "factorization_support.hpp"
#include "qr_checks.hpp"
#include "stela/cholesky.hpp"

namespace stela::test {
namespace {

template <class T>
class Cholesky : public ::testing::Test {};
TYPED_TEST_SUITE(Cholesky, Scalars, ScalarName);

template <class T>
class CholeskyJitter : public ::testing::Test {};
TYPED_TEST_SUITE(CholeskyJitter, Scalars, ScalarName);

template <class T>
class PivotedCholesky : public ::testing::Test {};
TYPED_TEST_SUITE(PivotedCholesky, Scalars, ScalarName);

// The strided and the contiguous vector solve run the same trsv, but the compiler
// specialises its loops for unit stride and may contract the two versions differently
// (GCC on x86-64 with FMA adds some SIMD products unfused in the unit-stride version and
// fuses them in the other): with FMA (kMayContract) only the residual of each answer is
// asserted; without it they are also the same bits.

// A condition number the factorization handles in T at every size tested: far below
// 1 / (n^{3/2} eps) (Higham thm 10.7).
template <class T>
long double moderate_kappa() {
  return std::is_same_v<T, float> ? 1e2L : 1e8L;
}

// A named symmetric positive definite test matrix.
template <class T>
struct SpdCase {
  std::string name;
  Matrix<T> A;
};

// SPD matrices of order n: prescribed spectra (well and moderately ill conditioned,
// near overflow and underflow) and Gram matrices of catalogue members. `reduced` keeps
// four of them (moderate kappa, near overflow, two Grams) for the large sizes.
template <class T>
std::vector<SpdCase<T>> spd_cases(index n, std::uint64_t seed, bool reduced = false) {
  std::vector<SpdCase<T>> cases;
  if (!reduced)
    cases.push_back({"spectrum_kappa10", symmetric_with_eigenvalues<T>(geometric_spectrum(n, 10), seed)});
  cases.push_back({"spectrum_kappa_moderate", symmetric_with_eigenvalues<T>(geometric_spectrum(n, moderate_kappa<T>()), seed + 1)});
  const long double big = static_cast<long double>(std::numeric_limits<T>::max()) * eps<T>() / (4 * std::max<index>(n, 1));
  const long double tiny = static_cast<long double>(std::numeric_limits<T>::min()) / eps<T>() * 4;
  cases.push_back({"spectrum_near_overflow", symmetric_with_eigenvalues<T>(geometric_spectrum(n, 10, big), seed + 2)});
  if (!reduced)
    cases.push_back({"spectrum_near_underflow", symmetric_with_eigenvalues<T>(geometric_spectrum(n, 10, tiny), seed + 3)});
  CatalogueOptions opts;
  opts.kappa = std::sqrt(static_cast<double>(moderate_kappa<T>()));
  for (MatrixType type : {MatrixType::gaussian, MatrixType::one_small, MatrixType::geometric, MatrixType::graded_columns}) {
    if (reduced && (type == MatrixType::one_small || type == MatrixType::geometric)) continue;
    TestMatrix<T> X = make_test_matrix<T>(type, n + 3, n, seed + 4, opts);
    cases.push_back({std::string("gram_") + X.name, gram<T>(X.A)});
  }
  return cases;
}

// The three factorization entry points, each as a callable on a view.
template <class T>
std::vector<std::pair<std::string, std::function<Status(MatrixView<T>, CholeskyInfo<T>&)>>> factorizations() {
  return {
      {"unblocked", [](MatrixView<T> A, CholeskyInfo<T>& info) { return cholesky_unblocked_inplace(A, info); }},
      {"blocked", [](MatrixView<T> A, CholeskyInfo<T>& info) { return cholesky_blocked_inplace(A, info); }},
      // The optimal workspace, prefilled with NaN: syrk and trsm run packed.
      {"blocked_packed",
       [](MatrixView<T> A, CholeskyInfo<T>& info) {
         std::vector<T> buffer(cholesky_blocked_workspace_size<T>(A.rows()).bytes() / sizeof(T) + 1, nan<T>());
         return cholesky_blocked_inplace(A, info, Workspace(buffer.data(), buffer.size() * sizeof(T)));
       }},
      {"driver", [](MatrixView<T> A, CholeskyInfo<T>& info) { return cholesky_inplace(A, info, Workspace()); }},
  };
}

// A padded copy of A whose strict upper triangle is NaN: it must never be read.
template <class T>
Padded<T> lower_only_copy(MatrixView<const T> A) {
  Padded<T> P = Padded<T>::from(A);
  MatrixView<T> V = P.view();
  for (index j = 1; j < A.cols(); ++j)
    for (index i = 0; i < j; ++i) V(i, j) = nan<T>();
  return P;
}

template <class T>
bool strict_upper_is_nan(MatrixView<const T> A) {
  for (index j = 1; j < A.cols(); ++j)
    for (index i = 0; i < j; ++i)
      if (!std::isnan(A(i, j))) return false;
  return true;
}

TYPED_TEST(Cholesky, FactorsAcrossSizesAndMatrixTypes) {
  using T = TypeParam;
  double worst = 0;
  // Every case at the small sizes; both sides of the recursion base (64), of the
  // recursive halves and of one and two blocks (the block size is 128) with four of
  // them, to keep the run short under the sanitizers.
  for (index n : {0, 1, 2, 3, 5, 7, 8, 9, 10, 15, 16, 17, 33, 50, 63, 64, 65, 127, 128, 129, 257}) {
    if (kSmallMemory && n > 129) continue;
    for (const SpdCase<T>& c : spd_cases<T>(n, 100 + static_cast<std::uint64_t>(n), n > 50)) {
      for (const auto& [variant, factor] : factorizations<T>()) {
        if (n > 50 && variant == "driver") continue;  // the driver runs the blocked code
        SCOPED_TRACE(case_name<T>(c.name + " " + variant, n, n, 100 + static_cast<std::uint64_t>(n)));
        Padded<T> P = lower_only_copy<T>(c.A);
        CholeskyInfo<T> info;
        info.failed_column = 12345;
        ASSERT_EQ(factor(P.view(), info), Status::ok);
        EXPECT_EQ(info.failed_column, -1);
        EXPECT_EQ(info.tries, 1);
        EXPECT_EQ(info.jitter, 0.0);
        EXPECT_TRUE(strict_upper_is_nan<T>(P.view())) << "the strict upper triangle was written";
        EXPECT_TRUE(P.padding_untouched());
        Matrix<T> L = lower_of<T>(P.view());
        for (index i = 0; i < n; ++i) EXPECT_GT(L(i, i), T(0));
        const double ratio = cholesky_ratio<T>(c.A, L);
        EXPECT_LT(ratio, kThreshold);
        worst = std::max(worst, ratio);
      }
    }
  }
  ::testing::Test::RecordProperty("worst_factorization_ratio", std::to_string(worst));
}

// A = M D M^T with M unit lower triangular and D = diag(1, ..., 1, d_k = negative, 1, ...):
// the leading minors are positive up to order k and negative from order k + 1, so the
// factorization must fail exactly at column k, with columns 0 .. k-1 equal to M sqrt(D).
template <class T>
Matrix<T> indefinite_at(index n, index k, long double d_k, std::uint64_t seed) {
  Matrix<T> M = random_matrix<T>(n, n, seed);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i <= j; ++i) M(i, j) = i == j ? T(1) : T(0);
  for (index j = 0; j < n; ++j)
    for (index i = j + 1; i < n; ++i) M(i, j) /= static_cast<T>(2 * std::sqrt(static_cast<double>(n)));
  Matrix<T> A(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = j; i < n; ++i) {
      long double s = 0;
      for (index p = 0; p <= j; ++p) s += static_cast<long double>(M(i, p)) * (p == k ? d_k : 1.0L) * M(j, p);
      A(i, j) = A(j, i) = static_cast<T>(s);
    }
  return A;
}

TYPED_TEST(Cholesky, FailureNamesTheColumnAndKeepsTheFinishedColumns) {
  using T = TypeParam;
  const index n = 200;
  for (index k : {0, 1, 15, 16, 63, 64, 65, 127, 128, 129, 199}) {
    const Matrix<T> A = indefinite_at<T>(n, k, -1.0L, 7 + static_cast<std::uint64_t>(k));
    for (const auto& [variant, factor] : factorizations<T>()) {
      SCOPED_TRACE(case_name<T>("indefinite_at_" + std::to_string(k) + " " + variant, n, n, 7 + static_cast<std::uint64_t>(k)));
      Matrix<T> F = A;
      CholeskyInfo<T> info;
      ASSERT_EQ(factor(F.view(), info), Status::not_positive_definite);
      EXPECT_EQ(info.failed_column, k);
      EXPECT_FALSE(F(k, k) > T(0)) << "A(k, k) holds the pivot that was not positive";
      // The finished columns reproduce the leading k x k block.
      if (k > 0) {
        Matrix<T> Lk = lower_of<T>(F.block(0, 0, k, k));
        EXPECT_LT(cholesky_ratio<T>(A.block(0, 0, k, k), Lk), kThreshold);
      }
    }
  }
  // A singular matrix fails at the first zero pivot: ones(3) has pivots 1, 0 (exactly).
  Matrix<T> ones(3, 3, T(1));
  for (const auto& [variant, factor] : factorizations<T>()) {
    Matrix<T> F = ones;
    CholeskyInfo<T> info;
    EXPECT_EQ(factor(F.view(), info), Status::not_positive_definite) << variant;
    EXPECT_EQ(info.failed_column, 1) << variant;
  }
}

TYPED_TEST(Cholesky, SolveHasSmallResidual) {
  using T = TypeParam;
  double worst = 0;
  for (index n : {1, 2, 7, 65}) {
    for (const SpdCase<T>& c : spd_cases<T>(n, 300 + static_cast<std::uint64_t>(n))) {
      SCOPED_TRACE(case_name<T>(c.name, n, n, 300 + static_cast<std::uint64_t>(n)));
      auto factored = cholesky<T>(c.A);
      ASSERT_EQ(factored.status(), Status::ok);
      for (index k : {1, 3}) {
        const Matrix<T> B = random_matrix<T>(n, k, 5 + static_cast<std::uint64_t>(k));
        // High level.
        auto X = factored->solve(B);
        ASSERT_EQ(X.status(), Status::ok);
        const double ratio = solve_residual_ratio<T>(c.A, *X, B);
        EXPECT_LT(ratio, kThreshold);
        worst = std::max(worst, ratio);
        // Low level on a padded B.
        Padded<T> PB = Padded<T>::from(B);
        ASSERT_EQ(cholesky_solve_inplace(MatrixView<const T>(factored->L), PB.view()), Status::ok);
        EXPECT_TRUE(same_bits<T>(PB.view(), *X));
        EXPECT_TRUE(PB.padding_untouched());
      }
      // A vector right-hand side, also strided: the same bits without FMA, the same
      // residual bound with it (kMayContract).
      const Matrix<T> b = random_matrix<T>(n, 1, 9);
      auto x = factored->solve(b.col(0));
      ASSERT_EQ(x.status(), Status::ok);
      EXPECT_LT(solve_residual_ratio<T>(c.A, MatrixView<const T>(x->data(), n, 1), b), kThreshold);
      Matrix<T> strided(2, n, nan<T>());
      copy(b.col(0), strided.row(0));
      ASSERT_EQ(cholesky_solve_inplace(MatrixView<const T>(factored->L), strided.row(0)), Status::ok);
      const Vector<T> x_strided(strided.row(0));
      EXPECT_LT(solve_residual_ratio<T>(c.A, MatrixView<const T>(x_strided.data(), n, 1), b), kThreshold);
      if (!kMayContract) { EXPECT_TRUE(same_bits<T>(strided.row(0), VectorView<const T>(*x))); }
    }
  }
  ::testing::Test::RecordProperty("worst_solve_ratio", std::to_string(worst));
}

TYPED_TEST(Cholesky, LogDeterminantMatchesTheSpectrum) {
  using T = TypeParam;
  for (index n : {1, 4, 40, 100}) {
    for (long double kappa : {10.0L, 1e3L}) {
      // Spread the spectrum around 1e3 so that the log-determinant is far from zero.
      const std::vector<long double> lambda = geometric_spectrum(n, kappa, 1e3L);
      const Matrix<T> A = symmetric_with_eigenvalues<T>(lambda, 11);
      SCOPED_TRACE(case_name<T>("spectrum_kappa" + std::to_string(static_cast<int>(kappa)), n, n, 11));
      long double exact = 0;
      for (long double l : lambda) exact += std::log(l);
      auto f = cholesky<T>(A);
      ASSERT_EQ(f.status(), Status::ok);
      auto ld = f->log_determinant();
      ASSERT_EQ(ld.status(), Status::ok);
      // d log det = trace(A^{-1} dA): the error is at most about n kappa eps.
      const long double scale = n * kappa * static_cast<long double>(eps<T>());
      EXPECT_LT(static_cast<double>(std::fabs(static_cast<long double>(*ld) - exact) / scale), kThreshold);
    }
  }
}

TYPED_TEST(Cholesky, ConditionEstimateBracketsTheTrueCondition) {
  using T = TypeParam;
  for (index n : {1, 2, 5, 20, 70}) {
    for (const SpdCase<T>& c : spd_cases<T>(n, 500 + static_cast<std::uint64_t>(n))) {
      SCOPED_TRACE(case_name<T>(c.name, n, n, 500 + static_cast<std::uint64_t>(n)));
      auto f = cholesky<T>(c.A);
      ASSERT_EQ(f.status(), Status::ok);
      const T anorm = norm(MatrixView<const T>(c.A), Norm::one);
      NanWorkspace work(cholesky_condition_estimate_workspace_size<T>(n));
      T rcond = nan<T>();
      ASSERT_EQ(cholesky_condition_estimate(MatrixView<const T>(f->L), anorm, rcond, work.workspace()), Status::ok);
      const long double true_rcond = 1.0L / (static_cast<long double>(anorm) * one_norm(inverse_long_double<T>(c.A)));
      // The estimate of ||A^{-1}|| is a lower bound (up to the rounding of solves with
      // condition number kappa), and within a factor of 10.
      const long double kappa = 1.0L / true_rcond;
      const long double slack = 1 + kThreshold * n * kappa * static_cast<long double>(eps<T>());
      EXPECT_GE(rcond * slack, true_rcond) << "rcond " << rcond << " true " << static_cast<double>(true_rcond);
      EXPECT_LE(rcond, 10 * true_rcond) << "rcond " << rcond << " true " << static_cast<double>(true_rcond);
    }
  }
}

TYPED_TEST(Cholesky, HighLevelKeepsTheValueOnFailure) {
  using T = TypeParam;
  const Matrix<T> A = indefinite_at<T>(20, 6, -1.0L, 3);
  auto f = cholesky<T>(A);
  EXPECT_EQ(f.status(), Status::not_positive_definite);
  EXPECT_EQ(f->info.failed_column, 6);
  EXPECT_EQ(f->L.rows(), 20);
  const Matrix<T> B(20, 2, T(1));
  EXPECT_EQ(f->solve(B).status(), Status::not_positive_definite);
  EXPECT_EQ(f->solve(B.col(0)).status(), Status::not_positive_definite);
  EXPECT_EQ(f->log_determinant().status(), Status::not_positive_definite);
  // The finished factor's upper triangle is zero (it is a proper L).
  auto g = cholesky<T>(symmetric_with_eigenvalues<T>(geometric_spectrum(5, 10), 3));
  ASSERT_EQ(g.status(), Status::ok);
  for (index j = 1; j < 5; ++j)
    for (index i = 0; i < j; ++i) EXPECT_EQ(g->L(i, j), T(0));
  // Empty input: ok, empty factor.
  auto e = cholesky<T>(Matrix<T>(0, 0));
  EXPECT_EQ(e.status(), Status::ok);
  EXPECT_EQ(e->L.rows(), 0);
}

TYPED_TEST(Cholesky, RejectsBadInputAndLeavesItUntouched) {
  using T = TypeParam;
  const index n = 6;
  const Matrix<T> good = symmetric_with_eigenvalues<T>(geometric_spectrum(n, 10), 1);
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()}) {
    Matrix<T> A = good;
    A(4, 2) = bad;  // lower triangle
    for (const auto& [variant, factor] : factorizations<T>()) {
      Matrix<T> F = A;
      CholeskyInfo<T> info;
      EXPECT_EQ(factor(F.view(), info), Status::not_finite) << variant;
      EXPECT_TRUE(same_bits<T>(F, A)) << variant;
    }
    NanWorkspace work(cholesky_workspace_size<T>(n, {Jitter<T>::adaptive()}));
    Matrix<T> F = A;
    CholeskyInfo<T> info;
    EXPECT_EQ(cholesky_inplace(F.view(), info, work.workspace(), {Jitter<T>::adaptive()}), Status::not_finite);
    EXPECT_TRUE(same_bits<T>(F, A));
    EXPECT_EQ(cholesky<T>(A).status(), Status::not_finite);
    EXPECT_EQ(pivoted_cholesky<T>(A).status(), Status::not_finite);
    // The strict upper triangle is never read: a NaN there changes nothing.
    Matrix<T> U = good;
    U(2, 4) = bad;
    EXPECT_EQ(cholesky<T>(U).status(), Status::ok);
    EXPECT_EQ(pivoted_cholesky<T>(U).status(), Status::ok);
  }
  // Non-square.
  const Matrix<T> wide(3, 4, T(1));
  for (const auto& [variant, factor] : factorizations<T>()) {
    Matrix<T> F = wide;
    CholeskyInfo<T> info;
    EXPECT_EQ(factor(F.view(), info), Status::dimension_mismatch) << variant;
    EXPECT_TRUE(same_bits<T>(F, wide)) << variant;
  }
  EXPECT_EQ(cholesky<T>(wide).status(), Status::dimension_mismatch);
  EXPECT_EQ(pivoted_cholesky<T>(wide).status(), Status::dimension_mismatch);
  // Invalid fixed jitter.
  for (double tau : {-1.0, std::nan(""), std::numeric_limits<double>::infinity(), 1e300}) {
    if (std::is_same_v<T, double> && tau == 1e300) continue;  // representable in double
    Matrix<T> F = good;
    CholeskyInfo<T> info;
    EXPECT_EQ(cholesky_inplace(F.view(), info, Workspace(), {Jitter<T>::fixed(tau)}), Status::invalid_argument) << tau;
    EXPECT_TRUE(same_bits<T>(F, good));
  }
  // Short workspace for the adaptive policy.
  {
    Matrix<T> F = good;
    CholeskyInfo<T> info;
    NanWorkspace shortw = NanWorkspace::short_of(cholesky_workspace_size<T>(n, {Jitter<T>::adaptive()}));
    EXPECT_EQ(cholesky_inplace(F.view(), info, shortw.workspace(), {Jitter<T>::adaptive()}), Status::workspace_too_small);
    EXPECT_TRUE(same_bits<T>(F, good));
  }
  // Solve: wrong rows, NaN in B, NaN in L, a factor with a non-positive diagonal.
  auto f = cholesky<T>(good);
  ASSERT_EQ(f.status(), Status::ok);
  const MatrixView<const T> L = f->L;
  Matrix<T> B = random_matrix<T>(n + 1, 2, 4);
  Matrix<T> saved = B;
  EXPECT_EQ(cholesky_solve_inplace(L, B.view()), Status::dimension_mismatch);
  EXPECT_EQ(cholesky_solve_inplace(L, B.col(0)), Status::dimension_mismatch);
  EXPECT_TRUE(same_bits<T>(B, saved));
  EXPECT_EQ(f->solve(B).status(), Status::dimension_mismatch);
  Matrix<T> Bn = random_matrix<T>(n, 2, 4);
  Bn(3, 1) = nan<T>();
  saved = Bn;
  EXPECT_EQ(cholesky_solve_inplace(L, Bn.view()), Status::not_finite);
  EXPECT_EQ(cholesky_solve_inplace(L, Bn.col(1)), Status::not_finite);
  EXPECT_TRUE(same_bits<T>(Bn, saved));
  Matrix<T> Lbad = f->L;
  Lbad(5, 1) = std::numeric_limits<T>::infinity();
  Matrix<T> B2 = random_matrix<T>(n, 2, 5);
  saved = B2;
  EXPECT_EQ(cholesky_solve_inplace(MatrixView<const T>(Lbad), B2.view()), Status::not_finite);
  Lbad = f->L;
  Lbad(2, 2) = T(0);
  EXPECT_EQ(cholesky_solve_inplace(MatrixView<const T>(Lbad), B2.view()), Status::not_positive_definite);
  EXPECT_TRUE(same_bits<T>(B2, saved));
  // Condition estimate: bad anorm, short workspace.
  T rcond = T(7);
  NanWorkspace cw(cholesky_condition_estimate_workspace_size<T>(n));
  EXPECT_EQ(cholesky_condition_estimate(L, T(-1), rcond, cw.workspace()), Status::invalid_argument);
  EXPECT_EQ(cholesky_condition_estimate(L, nan<T>(), rcond, cw.workspace()), Status::not_finite);
  T rcond_inf = T(7);  // a norm that overflowed: rcond 0, not an error
  EXPECT_EQ(cholesky_condition_estimate(L, std::numeric_limits<T>::infinity(), rcond_inf, cw.workspace()), Status::ok);
  EXPECT_EQ(rcond_inf, T(0));
  NanWorkspace cshort = NanWorkspace::short_of(cholesky_condition_estimate_workspace_size<T>(n));
  EXPECT_EQ(cholesky_condition_estimate(L, T(1), rcond, cshort.workspace()), Status::workspace_too_small);
  EXPECT_EQ(cholesky_condition_estimate(MatrixView<const T>(wide), T(1), rcond, cw.workspace()),
            Status::dimension_mismatch);
  EXPECT_EQ(rcond, T(7));
}

// ---------------------------------------------------------------------------------------
// Jitter

// X^T X for a Gaussian X with fewer rows than columns: positive semidefinite with rank
// `rows` exactly, and in floating point a matrix whose trailing Schur complement is
// rounding noise of either sign.
// With `rounded_once` the product is formed in long double and rounded once; otherwise
// by syrk in T, with the rounding errors of an ordinary X^T X.
template <class T>
Matrix<T> singular_gram(index rows, index d, std::uint64_t seed, bool rounded_once = true) {
  const Matrix<T> X = random_matrix<T>(rows, d, seed);
  if (rounded_once) return gram<T>(X);
  Matrix<T> G(d, d);
  EXPECT_EQ(syrk(Uplo::lower, Op::transpose, T(1), MatrixView<const T>(X), T(0), G.view()), Status::ok);
  return symmetric_from_lower<T>(G);
}

// The adaptive schedule, replayed with the same arithmetic: the jitter of try number
// `tries` (tries >= 2).
template <class T>
T scheduled_jitter(MatrixView<const T> A, int tries) {
  const index n = A.rows();
  T mean = 0;
  for (index i = 0; i < n; ++i) mean += A(i, i) / static_cast<T>(n);
  T tau = static_cast<T>(n) * eps<T>() * mean;
  for (int k = 2; k < tries; ++k) tau *= T(10);
  return tau;
}

TYPED_TEST(CholeskyJitter, SingularGramFailsWithoutJitterAndSucceedsAdaptively) {
  using T = TypeParam;
  struct Case {
    index rows, d;
    std::uint64_t seed;
  };
  // Three seeds for the small shapes, one for the largest.
  const Case cases[] = {{5, 20, 1}, {5, 20, 2},   {5, 20, 3}, {30, 100, 1}, {30, 100, 2},
                        {30, 100, 3}, {2, 12, 1}, {2, 12, 2}, {2, 12, 3},   {60, 130, 1}};
  for (const auto& [rows, d, seed] : cases) {
    for (bool rounded_once : {true, false}) {
      SCOPED_TRACE(case_name<T>(std::string(rounded_once ? "singular_gram_rounded_once" : "singular_gram_syrk") + "_rank" + std::to_string(rows), d, d, seed));
      const Matrix<T> G = singular_gram<T>(rows, d, seed, rounded_once);
      // Without jitter: the leading rows x rows block is positive definite, the rest
      // is noise: the factorization fails at or after column `rows`.
      auto plain = cholesky<T>(G);
      ASSERT_EQ(plain.status(), Status::not_positive_definite);
      EXPECT_GE(plain->info.failed_column, rows);
      EXPECT_EQ(plain->info.tries, 1);
      // Adaptive: succeeds after at least one shift.
      auto adaptive = cholesky<T>(G, {Jitter<T>::adaptive()});
      ASSERT_EQ(adaptive.status(), Status::ok);
      const CholeskyInfo<T>& info = adaptive->info;
      EXPECT_EQ(info.failed_column, -1);
      ASSERT_GE(info.tries, 2);
      // The recorded jitter is the documented schedule's value at that try ...
      const T tau = scheduled_jitter<T>(G, info.tries);
      EXPECT_EQ(info.jitter, static_cast<double>(tau));
      // ... and the one that was added: L L^T = G + jitter I to working accuracy,
      Matrix<T> shifted = G;
      for (index i = 0; i < d; ++i) shifted(i, i) += tau;
      const MatrixView<const T> L = adaptive->L;
      EXPECT_LT(cholesky_ratio<T>(shifted, L), kThreshold);
      // and the fixed policy with that jitter reproduces the factor bit for bit.
      auto fixed = cholesky<T>(G, {Jitter<T>::fixed(info.jitter)});
      ASSERT_EQ(fixed.status(), Status::ok);
      EXPECT_TRUE(same_bits<T>(fixed->L, adaptive->L));
      EXPECT_EQ(fixed->info.jitter, info.jitter);
      EXPECT_EQ(fixed->info.tries, 1);
      // The previous, ten times smaller shift failed (that is why it was not kept).
      if (info.tries >= 3) {
        auto smaller = cholesky<T>(G, {Jitter<T>::fixed(static_cast<double>(scheduled_jitter<T>(G, info.tries - 1)))});
        EXPECT_EQ(smaller.status(), Status::not_positive_definite);
      }
      // The jitter is a small multiple of n eps mean(diag): far below the cap.
      T mean = 0;
      for (index i = 0; i < d; ++i) mean += G(i, i) / static_cast<T>(d);
      EXPECT_LE(tau, T(1e4) * static_cast<T>(d) * eps<T>() * mean);
      // The in-place driver, with a NaN-filled workspace, gives the same factor.
      Padded<T> P = lower_only_copy<T>(G);
      NanWorkspace work(cholesky_workspace_size<T>(d, {Jitter<T>::adaptive()}));
      CholeskyInfo<T> low;
      ASSERT_EQ(cholesky_inplace(P.view(), low, work.workspace(), {Jitter<T>::adaptive()}), Status::ok);
      EXPECT_TRUE(same_bits<T>(lower_of<T>(P.view()), adaptive->L));
      EXPECT_EQ(low.tries, info.tries);
      EXPECT_TRUE(strict_upper_is_nan<T>(P.view()));
    }
  }
}

TYPED_TEST(CholeskyJitter, AdaptiveGrowsUntilTheShiftCoversANegativeEigenvalue) {
  using T = TypeParam;
  // Half the spectrum geometric in [0.1, 1], the other half -30 n eps mean(diag): a
  // "nearly semidefinite" matrix as an inexact kernel computation produces. The shifts
  // n eps mean and 10 n eps mean leave a negative eigenvalue of at least -20 n eps mean
  // and must fail; 100 n eps mean leaves every eigenvalue above 70 n eps mean and must
  // succeed: tries = 1 (no shift) + 3.
  for (index n : {10, 64, 100}) {
    SCOPED_TRACE(case_name<T>("nearly_semidefinite", n, n, 6));
    std::vector<long double> lambda = geometric_spectrum(n, 10);
    long double mean = 0;
    for (index i = 0; i < n / 2; ++i) mean += lambda[static_cast<std::size_t>(i)] / n;
    for (index i = n / 2; i < n; ++i) lambda[static_cast<std::size_t>(i)] = -30 * n * static_cast<long double>(eps<T>()) * mean;
    const Matrix<T> A = symmetric_with_eigenvalues<T>(lambda, 6);
    auto f = cholesky<T>(A, {Jitter<T>::adaptive()});
    ASSERT_EQ(f.status(), Status::ok);
    EXPECT_EQ(f->info.tries, 4);
    EXPECT_EQ(f->info.jitter, static_cast<double>(scheduled_jitter<T>(A, 4)));
    Matrix<T> shifted = A;
    for (index i = 0; i < n; ++i) shifted(i, i) += static_cast<T>(f->info.jitter);
    const MatrixView<const T> L = f->L;
    EXPECT_LT(cholesky_ratio<T>(shifted, L), kThreshold);
    // The previous shift of the schedule fails, the recorded one succeeds bit for bit.
    EXPECT_EQ(cholesky<T>(A, {Jitter<T>::fixed(static_cast<double>(scheduled_jitter<T>(A, 3)))}).status(),
              Status::not_positive_definite);
    auto fixed = cholesky<T>(A, {Jitter<T>::fixed(f->info.jitter)});
    ASSERT_EQ(fixed.status(), Status::ok);
    EXPECT_TRUE(same_bits<T>(fixed->L, f->L));
  }
}

TYPED_TEST(CholeskyJitter, PositiveDefiniteNeedsNoJitter) {
  using T = TypeParam;
  const Matrix<T> A = symmetric_with_eigenvalues<T>(geometric_spectrum(40, 100), 2);
  auto f = cholesky<T>(A, {Jitter<T>::adaptive()});
  ASSERT_EQ(f.status(), Status::ok);
  EXPECT_EQ(f->info.tries, 1);
  EXPECT_EQ(f->info.jitter, 0.0);
  auto plain = cholesky<T>(A);
  EXPECT_TRUE(same_bits<T>(f->L, plain->L));
}

TYPED_TEST(CholeskyJitter, FixedFactorsTheShiftedMatrix) {
  using T = TypeParam;
  for (index n : {1, 10, 70}) {
    for (double tau : {0.0, 1e-3, 0.5, 3.0}) {
      SCOPED_TRACE(case_name<T>("fixed_tau_" + std::to_string(tau), n, n, 4));
      const Matrix<T> A = symmetric_with_eigenvalues<T>(geometric_spectrum(n, 10), 4);
      auto f = cholesky<T>(A, {Jitter<T>::fixed(tau)});
      ASSERT_EQ(f.status(), Status::ok);
      EXPECT_EQ(f->info.jitter, static_cast<double>(static_cast<T>(tau)));
      EXPECT_EQ(f->info.tries, 1);
      Matrix<T> shifted = A;
      for (index i = 0; i < n; ++i) shifted(i, i) += static_cast<T>(tau);
      const MatrixView<const T> L = f->L;
      EXPECT_LT(cholesky_ratio<T>(shifted, L), kThreshold);
      // solve and log-determinant are those of A + tau I.
      const Matrix<T> B = random_matrix<T>(n, 2, 8);
      auto X = f->solve(B);
      ASSERT_EQ(X.status(), Status::ok);
      EXPECT_LT(solve_residual_ratio<T>(shifted, *X, B), kThreshold);
    }
  }
}

// A shift that overflows the diagonal: never a factor with inf in it. Fixed: a = 0.9 max
// with tau = 0.5 max is refused (not_finite, A untouched). Adaptive: diag(0.9, 0.8,
// -0.15) max needs tau > 0.15 max, and the first such tau of the tenfold sequence (about
// 0.34 max in double, 0.19 max in float) overflows a_11 + tau, so the retries stop.
TYPED_TEST(CholeskyJitter, AShiftThatOverflowsIsRefused) {
  using T = TypeParam;
  const T big = std::numeric_limits<T>::max();
  Matrix<T> A(1, 1, T(0.9) * big);
  const Matrix<T> saved = A;
  CholeskyInfo<T> info;
  EXPECT_EQ(cholesky_inplace(A.view(), info, Workspace(), {Jitter<T>::fixed(0.5 * double(big))}), Status::not_finite);
  EXPECT_TRUE(same_bits<T>(A, saved));
  ASSERT_EQ(cholesky_inplace(A.view(), info, Workspace(), {Jitter<T>::fixed(0.05 * double(big))}), Status::ok);
  EXPECT_TRUE(std::isfinite(A(0, 0)));

  Matrix<T> D(3, 3, T(0));
  D(0, 0) = T(0.9) * big, D(1, 1) = T(0.8) * big, D(2, 2) = T(-0.15) * big;
  auto f = cholesky<T>(D, {Jitter<T>::adaptive()});
  EXPECT_EQ(f.status(), Status::not_positive_definite);
  for (index i = 0; i < 3; ++i) EXPECT_FALSE(std::isinf(f->L(i, i))) << i;
}

TYPED_TEST(CholeskyJitter, IndefiniteMatrixStillFailsWithTheColumnNamed) {
  using T = TypeParam;
  // d_k = -2 against unit pivots elsewhere: the mean diagonal is about 1, so no shift
  // up to the cap (the mean) can make the pivot at column k positive.
  const index n = 80;
  for (index k : {0, 3, 64, 79}) {
    SCOPED_TRACE(case_name<T>("indefinite_at_" + std::to_string(k), n, n, 21));
    const Matrix<T> A = indefinite_at<T>(n, k, -2.0L, 21);
    auto f = cholesky<T>(A, {Jitter<T>::adaptive()});
    ASSERT_EQ(f.status(), Status::not_positive_definite);
    EXPECT_EQ(f->info.failed_column, k);
    // Every scheduled shift was tried: 1 + #{tau = n eps mean 10^j <= mean}.
    T mean = 0;
    for (index i = 0; i < n; ++i) mean += A(i, i) / static_cast<T>(n);
    int expected_tries = 1;
    for (T tau = static_cast<T>(n) * eps<T>() * mean; tau <= mean; tau *= T(10)) ++expected_tries;
    EXPECT_EQ(f->info.tries, expected_tries);
    EXPECT_LE(f->info.tries, std::numeric_limits<T>::digits10 + 2);
    EXPECT_EQ(f->info.jitter, static_cast<double>(scheduled_jitter<T>(A, expected_tries)));
    EXPECT_LE(f->info.jitter, static_cast<double>(mean));
  }
  // A diagonal with a non-positive mean gives no scale for the shift: one try only.
  for (T value : {T(-1), T(0)}) {
    Matrix<T> A = Matrix<T>::identity(5);
    for (index i = 0; i < 5; ++i) A(i, i) = value;
    auto f = cholesky<T>(A, {Jitter<T>::adaptive()});
    EXPECT_EQ(f.status(), Status::not_positive_definite);
    EXPECT_EQ(f->info.failed_column, 0);
    EXPECT_EQ(f->info.tries, 1);
    EXPECT_EQ(f->info.jitter, 0.0);
  }
}

// ---------------------------------------------------------------------------------------
// Pivoted Cholesky

// A Gram matrix of exact rank r: G = V diag(s^2) V^T with V n x r orthonormal and
// s geometric from 1 to 1/10, so the nonzero eigenvalues lie in [1e-2, 1] and the
// zero ones are rounding noise.
template <class T>
Matrix<T> gram_of_rank(index n, index r, std::uint64_t seed) {
  std::vector<long double> lambda(static_cast<std::size_t>(n), 0.0L);
  for (index i = 0; i < r; ++i)
    lambda[static_cast<std::size_t>(i)] = std::pow(10.0L, -2.0L * i / std::max<index>(r - 1, 1));
  return symmetric_with_eigenvalues<T>(lambda, seed);
}

// P^T A P with (P^T A P)(i, j) = A(perm[i], perm[j]).
template <class T>
Matrix<T> permuted(MatrixView<const T> A, VectorView<const index> perm) {
  const index n = A.rows();
  Matrix<T> B(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < n; ++i) B(i, j) = A(perm[i], perm[j]);
  return B;
}

TYPED_TEST(PivotedCholesky, RevealsTheRankOfGramMatrices) {
  using T = TypeParam;
  double worst = 0;
  for (auto [n, r] : {std::pair<index, index>{1, 1}, {1, 0}, {4, 2}, {10, 3}, {20, 7}, {50, 25}, {70, 69}, {30, 30}, {12, 0}}) {
    for (std::uint64_t seed : {1u, 2u}) {
      SCOPED_TRACE(case_name<T>("gram_rank" + std::to_string(r), n, n, seed));
      const Matrix<T> G = gram_of_rank<T>(n, r, seed);
      Padded<T> P = lower_only_copy<T>(G);
      Vector<index> perm(n, -7);
      NanWorkspace work(pivoted_cholesky_workspace_size<T>(n));
      PivotedCholeskyInfo<T> info;
      ASSERT_EQ(pivoted_cholesky_inplace(P.view(), perm.view(), info, work.workspace()), Status::ok);
      EXPECT_EQ(info.rank, r);
      EXPECT_EQ(info.failed_column, -1);
      EXPECT_TRUE(is_permutation(perm));
      EXPECT_TRUE(strict_upper_is_nan<T>(P.view()));
      EXPECT_TRUE(P.padding_untouched());
      const Matrix<T> L = lower_of<T>(P.view());
      // Columns rank .. n-1 are zero; the pivots L_kk are positive and non-increasing.
      for (index j = info.rank; j < n; ++j)
        for (index i = j; i < n; ++i) EXPECT_EQ(L(i, j), T(0));
      for (index k = 0; k < info.rank; ++k) {
        EXPECT_GT(L(k, k), T(0));
        if (k > 0) {
          EXPECT_LE(L(k, k), L(k - 1, k - 1) * (1 + kThreshold * n * eps<T>()));
        }
      }
      const double ratio =
          cholesky_ratio<T>(permuted<T>(G, perm), L);
      EXPECT_LT(ratio, kThreshold);
      worst = std::max(worst, ratio);
      // The high-level form returns L as n x rank.
      auto hp = pivoted_cholesky<T>(G);
      ASSERT_EQ(hp.status(), Status::ok);
      EXPECT_EQ(hp->rank(), r);
      EXPECT_EQ(hp->L.cols(), r);
      EXPECT_TRUE(same_bits<T>(hp->L, L.col_block(0, r)));
      EXPECT_TRUE(same_bits<index>(hp->perm, perm));
    }
  }
  ::testing::Test::RecordProperty("worst_pivoted_ratio", std::to_string(worst));
}

TYPED_TEST(PivotedCholesky, RankOfASingularGramFromData) {
  using T = TypeParam;
  // The singular Gram matrix of the jitter test: X^T X with X 30 x 100 Gaussian.
  const Matrix<T> G = singular_gram<T>(30, 100, 1);
  auto p = pivoted_cholesky<T>(G);
  ASSERT_EQ(p.status(), Status::ok);
  EXPECT_EQ(p->rank(), 30);
  const MatrixView<const T> L = p->L;
  EXPECT_LT(cholesky_ratio<T>(permuted<T>(G, p->perm), L), kThreshold);
}

TYPED_TEST(PivotedCholesky, ToleranceFollowsTheSharedRule) {
  using T = TypeParam;
  const index n = 20;
  const Matrix<T> A = symmetric_with_eigenvalues<T>(geometric_spectrum(n, 1e2), 5);
  // Full rank with the default tolerance.
  auto full = pivoted_cholesky<T>(A);
  ASSERT_EQ(full.status(), Status::ok);
  EXPECT_EQ(full->rank(), n);
  T d_max = 0;
  for (index i = 0; i < n; ++i) d_max = std::max(d_max, A(i, i));
  EXPECT_EQ(full->info.threshold, static_cast<double>(static_cast<T>(n) * eps<T>() * d_max));
  // An absolute tolerance above every diagonal entry: rank 0, L empty.
  auto none = pivoted_cholesky<T>(A, RankTolerance<T>::absolute(2 * static_cast<double>(d_max)));
  ASSERT_EQ(none.status(), Status::ok);
  EXPECT_EQ(none->rank(), 0);
  EXPECT_EQ(none->L.cols(), 0);
  // A relative tolerance between pivots stops exactly where the pivots cross it.
  auto half = pivoted_cholesky<T>(A, RankTolerance<T>::relative(0.3));
  ASSERT_EQ(half.status(), Status::ok);
  const index r = half->rank();
  EXPECT_GT(r, 0);
  EXPECT_LT(r, n);
  for (index k = 0; k < r; ++k) EXPECT_GT(half->L(k, k) * half->L(k, k), T(0.3) * d_max * (1 - 10 * eps<T>()));
  // Invalid tolerances.
  Matrix<T> F = A;
  Vector<index> perm(n, -1);
  NanWorkspace work(pivoted_cholesky_workspace_size<T>(n));
  PivotedCholeskyInfo<T> info;
  EXPECT_EQ(pivoted_cholesky_inplace(F.view(), perm.view(), info, work.workspace(), RankTolerance<T>{-1, -1}),
            Status::invalid_argument);
  EXPECT_EQ(pivoted_cholesky_inplace(F.view(), perm.view(), info, work.workspace(), RankTolerance<T>{0, std::numeric_limits<T>::quiet_NaN()}),
            Status::invalid_argument);
  EXPECT_TRUE(same_bits<T>(F, A));
  for (index i = 0; i < n; ++i) EXPECT_EQ(perm[i], -1);
}

TYPED_TEST(PivotedCholesky, IndefiniteMatrixIsReported) {
  using T = TypeParam;
  // [0 1; 1 0]: every diagonal entry is zero (rank 0 by the stopping rule), but the
  // off-diagonal proves the matrix indefinite.
  const Matrix<T> swap_matrix{{0, 1}, {1, 0}};
  auto p = pivoted_cholesky<T>(swap_matrix);
  EXPECT_EQ(p.status(), Status::not_positive_definite);
  EXPECT_EQ(p->info.failed_column, 0);
  // A negative eigenvalue hidden behind positive diagonal entries.
  const Matrix<T> A = indefinite_at<T>(30, 10, -2.0L, 4);
  auto q = pivoted_cholesky<T>(A);
  EXPECT_EQ(q.status(), Status::not_positive_definite);
  EXPECT_GE(q->info.failed_column, 0);
  // -I: negative diagonal.
  Matrix<T> minus = Matrix<T>::identity(4);
  for (index i = 0; i < 4; ++i) minus(i, i) = T(-1);
  EXPECT_EQ(pivoted_cholesky<T>(minus).status(), Status::not_positive_definite);
  // The zero matrix is semidefinite: rank 0, ok.
  auto z = pivoted_cholesky<T>(Matrix<T>(6, 6));
  EXPECT_EQ(z.status(), Status::ok);
  EXPECT_EQ(z->rank(), 0);
  // Bad shapes and a short workspace leave A and perm untouched.
  Matrix<T> F = swap_matrix;
  Vector<index> perm(3, -1);
  PivotedCholeskyInfo<T> info;
  NanWorkspace work(pivoted_cholesky_workspace_size<T>(2));
  EXPECT_EQ(pivoted_cholesky_inplace(F.view(), perm.view(), info, work.workspace()), Status::dimension_mismatch);
  Vector<index> perm2(2, -1);
  NanWorkspace shortw = NanWorkspace::short_of(pivoted_cholesky_workspace_size<T>(2));
  EXPECT_EQ(pivoted_cholesky_inplace(F.view(), perm2.view(), info, shortw.workspace()), Status::workspace_too_small);
  EXPECT_TRUE(same_bits<T>(F, swap_matrix));
  EXPECT_EQ(perm2[0], -1);
}

}  // namespace
}  // namespace stela::test
