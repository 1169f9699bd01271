// Column-pivoted QR: A P = Q R over the catalogue and the shape sweep, the greedy
// pivoting invariant |r_jj| >= ||R(j:, l)|| (so |r_jj| is non-increasing), rank
// revelation on rank-deficient matrices, the norm-downdating failure of LAPACK Working
// Note 176, the Kahan matrix as the documented case pivoting does not reveal, and bad
// input at every entry point.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "qr_checks.hpp"

namespace stela::test {
namespace {

template <class T>
class PivotedQr : public RatioSuite<PivotedQr<T>, T> {};
TYPED_TEST_SUITE(PivotedQr, Scalars, ScalarName);

// The greedy invariant of Businger–Golub pivoting, as a scaled ratio:
//   max over j < l of (||R(j:min(l, k-1)+1, l)|| - |r_jj|) / (|r_jj| sqrt(eps)),
// zero when every pivot was the longest remaining column. The partial norms the pivot
// search compares are accurate to a relative sqrt(eps) (LAWN 176), hence the scale.
template <class T>
double pivoting_ratio(MatrixView<const T> R) {
  const index k = std::min(R.rows(), R.cols());
  double worst = 0;
  for (index j = 0; j < k; ++j) {
    const Long r_jj = std::fabs(static_cast<Long>(R(j, j)));
    for (index l = j + 1; l < R.cols(); ++l) {
      Long s = 0;
      for (index i = j; i <= std::min(l, k - 1); ++i) s += static_cast<Long>(R(i, l)) * R(i, l);
      const Long excess = std::sqrt(s) - r_jj;
      if (excess <= 0) continue;
      if (r_jj == 0) return std::numeric_limits<double>::infinity();
      worst = std::max(worst, static_cast<double>(excess / (r_jj * std::sqrt(static_cast<Long>(eps<T>())))));
    }
  }
  return worst;
}

// Factor A with qr_pivoted_inplace in padded NaN storage and check A P = Q R, Q's
// orthogonality and the pivoting invariant. Returns the factored matrix and the perm.
template <class Fixture, class T>
void check_pivoted(MatrixView<const T> A, Matrix<T>* factors_out = nullptr, Vector<index>* perm_out = nullptr) {
  using TestFixture = Fixture;
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  Padded<T> F = Padded<T>::from(A);
  Padded<T> tau_store(2, k);
  VectorView<T> tau = tau_store.view().row(1);
  Vector<index> perm(n, index(-7));
  NanWorkspace ws(qr_pivoted_workspace_size<T>(m, n));
  ASSERT_EQ(qr_pivoted_inplace(F.view(), tau, perm.view(), ws.workspace()), Status::ok);
  EXPECT_TRUE(F.padding_untouched());
  ASSERT_TRUE(is_permutation(perm));

  const MatrixView<const T> factors = F.view();
  const Matrix<T> R = upper_part(factors, k);
  Padded<T> Q = Padded<T>::from(factors.col_block(0, k));
  NanWorkspace ws_q(qr_form_q_workspace_size<T>(m, k));
  ASSERT_EQ(qr_form_q_inplace(Q.view(), VectorView<const T>(tau), ws_q.workspace()), Status::ok);
  const Matrix<T> AP = permute_columns(A, VectorView<const index>(perm));
  EXPECT_RATIO("factorization ||AP-QR||",
               factorization_ratio(MatrixView<const T>(AP), MatrixView<const T>(Q.view()), MatrixView<const T>(R)));
  EXPECT_RATIO("orthogonality Q", orthogonality_ratio<T>(Q.view()));
  EXPECT_RATIO("pivoting |r_jj| >= ||R(j:,l)||", pivoting_ratio(MatrixView<const T>(R)));
  if (factors_out != nullptr) *factors_out = Matrix<T>(factors);
  if (perm_out != nullptr) *perm_out = perm;
}

TYPED_TEST(PivotedQr, SlowFactorsEveryCatalogueTypeAndShape) {
  using T = TypeParam;
  const auto check = [](const TestMatrix<T>& tm, Shape shape, std::uint64_t seed) {
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
    check_pivoted<TestFixture, T>(tm.A);
  };
  for_each_catalogue_case<T>(small_sizes(), 1100, {}, check);
  // The block edges (pivoted QR has no blocked path; the sizes still catch off-by-one
  // errors at these lengths).
  for_each_catalogue_case<T>(block_edge_sizes(), 1200, {}, check);
}

// rank_deficient_r: singular values geometric from 1 to 1e-2, then exact zeros. The
// computed rank equals r, |r_{r,r}| is at rounding level, and |r_{r-1,r-1}| stays
// within a modest factor of sigma_r (a clear gap of about 1e-2 / (max(m, n) eps)).
TYPED_TEST(PivotedQr, RevealsTheRankOfRankDeficientMatrices) {
  using T = TypeParam;
  for (index s : {3, 5, 10, 50, 129})
    for (const Shape& shape : shapes_of(s)) {
      if (s == 129 && shape.m != shape.n) continue;  // the big size once, to keep the run short
      const index k = std::min(shape.m, shape.n);
      for (index r : {index(0), index(1), k / 2, k - 1}) {
        CatalogueOptions opts;
        opts.rank = r;
        const std::uint64_t seed = 1300 + static_cast<std::uint64_t>(s + r);
        const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, shape.m, shape.n, seed, opts);
        SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
        Matrix<T> F;
        Vector<index> perm;
        check_pivoted<TestFixture, T>(tm.A, &F, &perm);
        const auto rank = qr_pivoted_rank(MatrixView<const T>(F), RankTolerance<T>{});
        ASSERT_TRUE(rank.ok());
        EXPECT_EQ(rank.value(), r);
        if (r > 0) {
          // |r_{r-1,r-1}| / sigma_r: how much of sigma_r the last kept pivot shows.
          const double shown = static_cast<double>(std::abs(F(r - 1, r - 1)) / tm.sigma[r - 1]);
          TestFixture::record("sigma_r / |r_{r-1,r-1}|", 1 / shown);
          EXPECT_LT(1 / shown, kThreshold);
        }
        // |r_rr| / (max(m, n) eps |r_00|): the first dropped pivot is at rounding level.
        const double dropped =
            r < k ? static_cast<double>(std::abs(F(r, r)) /
                                        (std::max(shape.m, shape.n) * eps<T>() * std::abs(F(0, 0))))
                  : 0.0;
        EXPECT_RATIO("|r_rr| / (max(m,n) eps |r_00|)", r == 0 ? 0.0 : dropped);
      }
    }
}

// The rank follows the tolerance: one_small has sigma = 1, ..., 1, 1/kappa.
TYPED_TEST(PivotedQr, RankFollowsTheTolerance) {
  using T = TypeParam;
  CatalogueOptions opts;
  opts.kappa = std::is_same_v<T, float> ? 1e5 : 1e10;
  const double rtol = std::is_same_v<T, float> ? 1e-3 : 1e-7;
  for (const Shape& shape : shapes_of(20)) {
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::one_small, shape.m, shape.n, 1400, opts);
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, 1400));
    const index k = std::min(shape.m, shape.n);
    EXPECT_EQ(qr_pivoted(MatrixView<const T>(tm.A), RankTolerance<T>::relative(rtol))->rank(), k - 1);
    EXPECT_EQ(qr_pivoted(MatrixView<const T>(tm.A), RankTolerance<T>::absolute(rtol))->rank(), k - 1);
    EXPECT_EQ(qr_pivoted(MatrixView<const T>(tm.A), RankTolerance<T>::absolute(2.0))->rank(), 0);
    EXPECT_EQ(qr_pivoted(MatrixView<const T>(tm.A))->rank(), k);  // 1/kappa is above eps max(m, n)
  }
}

// LAWN 176: a matrix whose columns have norm ~1 from their first entry and a tiny rest
// (delta^2 < eps). After the first step, downdating the partial norms cancels
// catastrophically; without the recomputation rule the pivot order among the
// remaining columns would be decided by rounding noise.
TYPED_TEST(PivotedQr, PivotsCorrectlyWhenDowndatingTheNormsCancels) {
  using T = TypeParam;
  const T delta = std::is_same_v<T, float> ? T(1e-5) : T(1e-9);
  for (const Shape& shape : {Shape{40, 12, "tall"}, Shape{12, 12, "square"}, Shape{9, 30, "wide"}}) {
    Matrix<T> A = random_matrix<T>(shape.m, shape.n, 1500);
    for (index j = 0; j < shape.n; ++j) {
      scal(delta, A.col(j));
      A(0, j) = T(1);
    }
    SCOPED_TRACE(case_name<T>("ones_over_delta_gaussian", shape.m, shape.n, 1500));
    Matrix<T> F;
    Vector<index> perm;
    check_pivoted<TestFixture, T>(A, &F, &perm);
    // The trailing pivots are of order delta, not rounding noise of order sqrt(eps).
    const index k = std::min(shape.m, shape.n);
    if (k > 1) {
      EXPECT_GT(std::abs(F(1, 1)), delta / 4);
      EXPECT_LT(std::abs(F(1, 1)), delta * 4 * std::sqrt(static_cast<T>(shape.m)));
    }
  }
}

// The Kahan matrix is the documented case where greedy pivoting does not reveal rank:
// every column has the same norm (the catalogue's 25 eps diagonal perturbation breaks
// the ties in favour of the natural order), so QRCP leaves the columns in place and
// R = K, whose last diagonal entry s^(n-1) is far larger than sigma_min. sigma_min is
// bounded from above in long double by ||K x|| / ||x|| with x = K^{-1} e_{n-1}.
TYPED_TEST(PivotedQr, KahanMatrixIsNotRevealed) {
  using T = TypeParam;
  const index n = std::is_same_v<T, float> ? 40 : 90;
  const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::kahan, n, n, 1600);
  SCOPED_TRACE(case_name<T>(tm.name, n, n, 1600));
  Matrix<T> F;
  Vector<index> perm;
  check_pivoted<TestFixture, T>(tm.A, &F, &perm);
  for (index j = 0; j < n; ++j) EXPECT_EQ(perm[j], j) << "QRCP pivoted the Kahan matrix at " << j;
  // x := K^{-1} e_{n-1} by back substitution in long double.
  std::vector<Long> x(static_cast<std::size_t>(n), 0.0L);
  for (index i = n - 1; i >= 0; --i) {
    Long s = i == n - 1 ? 1.0L : 0.0L;
    for (index j = i + 1; j < n; ++j) s -= static_cast<Long>(tm.A(i, j)) * x[static_cast<std::size_t>(j)];
    x[static_cast<std::size_t>(i)] = s / static_cast<Long>(tm.A(i, i));
  }
  Long kx2 = 0, x2 = 0;
  for (index i = 0; i < n; ++i) {
    Long s = 0;
    for (index j = i; j < n; ++j) s += static_cast<Long>(tm.A(i, j)) * x[static_cast<std::size_t>(j)];
    kx2 += s * s;
    x2 += x[static_cast<std::size_t>(i)] * x[static_cast<std::size_t>(i)];
  }
  const Long sigma_min_bound = std::sqrt(kx2 / x2);
  const Long r_nn = std::fabs(static_cast<Long>(F(n - 1, n - 1)));
  std::printf("[ kahan  ] %s n %ld: |r_nn| = %.3Le, sigma_min <= %.3Le, ratio %.3Le\n", type_name<T>(),
              static_cast<long>(n), r_nn, sigma_min_bound, r_nn / sigma_min_bound);
  // |r_nn| overestimates sigma_min by orders of magnitude, and the default tolerance
  // keeps full rank although sigma_min is below the rank threshold.
  EXPECT_GT(r_nn / sigma_min_bound, Long(1e3));
  EXPECT_EQ(qr_pivoted_rank(MatrixView<const T>(F), RankTolerance<T>{}).value(), n);
  EXPECT_LT(sigma_min_bound, static_cast<Long>(rank_threshold<T>(RankTolerance<T>{}, std::abs(F(0, 0)), n, n)));
}

// ---------------------------------------------------------------------------------------

TYPED_TEST(PivotedQr, HighLevelMatchesTheLowLevel) {
  using T = TypeParam;
  for (const Shape& shape : shapes_of(9)) {
    CatalogueOptions opts;
    opts.rank = 4;
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, shape.m, shape.n, 1700, opts);
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, 1700));
    const auto f = qr_pivoted(MatrixView<const T>(tm.A));
    ASSERT_TRUE(f.ok());
    Matrix<T> F;
    Vector<index> perm;
    check_pivoted<TestFixture, T>(tm.A, &F, &perm);
    EXPECT_TRUE(same_bits(MatrixView<const T>(f->factors()), MatrixView<const T>(F)));
    for (index j = 0; j < shape.n; ++j) EXPECT_EQ(f->permutation()[j], perm[j]);
    EXPECT_EQ(f->rank(), 4);
    EXPECT_EQ(f->threshold(), rank_threshold<T>(RankTolerance<T>{}, std::abs(F(0, 0)), shape.m, shape.n));
    const Matrix<T> AP = permute_columns(MatrixView<const T>(tm.A), VectorView<const index>(f->permutation()));
    EXPECT_RATIO(
        "factorization ||AP-QR||",
        factorization_ratio(MatrixView<const T>(AP), MatrixView<const T>(f->thin_q()), MatrixView<const T>(f->R())));
    EXPECT_RATIO("orthogonality Q", orthogonality_ratio<T>(f->full_q()));
    const auto QtA = f->apply_qt(MatrixView<const T>(AP));
    ASSERT_TRUE(QtA.ok());
    EXPECT_RATIO("factorization ||AP-QR||",
                 factorization_ratio(MatrixView<const T>(QtA.value().row_block(0, std::min(shape.m, shape.n))),
                                     MatrixView<const T>(Matrix<T>::identity(std::min(shape.m, shape.n))),
                                     MatrixView<const T>(f->R())));
  }
  const auto empty = qr_pivoted(MatrixView<const T>(Matrix<T>(0, 4)));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->rank(), 0);
  for (index j = 0; j < 4; ++j) EXPECT_EQ(empty->permutation()[j], j);
}

TYPED_TEST(PivotedQr, RejectsBadInputAndLeavesTheDataAlone) {
  using T = TypeParam;
  const index m = 12, n = 9, k = 9;
  const Matrix<T> A0 = random_matrix<T>(m, n, 1800);
  const WorkspaceSize need = qr_pivoted_workspace_size<T>(m, n);
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()}) {
    Matrix<T> A = A0;
    A(5, 8) = bad;
    const Matrix<T> before = A;
    Vector<T> tau(k, T(7));
    Vector<index> perm(n, index(-7));
    EXPECT_EQ(qr_pivoted_inplace(A.view(), tau.view(), perm.view(), NanWorkspace(need).workspace()), Status::not_finite);
    EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(before)));
    for (index j = 0; j < k; ++j) EXPECT_EQ(tau[j], T(7));
    for (index j = 0; j < n; ++j) EXPECT_EQ(perm[j], -7);
    EXPECT_EQ(qr_pivoted(MatrixView<const T>(A)).status(), Status::not_finite);
  }
  Matrix<T> A = A0;
  Vector<T> tau(k, T(7)), tau_short(k - 1, T(7));
  Vector<index> perm(n, index(-7)), perm_short(n - 1, index(-7));
  EXPECT_EQ(qr_pivoted_inplace(A.view(), tau_short.view(), perm.view(), NanWorkspace(need).workspace()),
            Status::dimension_mismatch);
  EXPECT_EQ(qr_pivoted_inplace(A.view(), tau.view(), perm_short.view(), NanWorkspace(need).workspace()),
            Status::dimension_mismatch);
  EXPECT_EQ(qr_pivoted_inplace(A.view(), tau.view(), perm.view(), NanWorkspace::short_of(need).workspace()),
            Status::workspace_too_small);
  EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(A0)));
  for (index j = 0; j < k; ++j) EXPECT_EQ(tau[j], T(7));
  for (index j = 0; j < n; ++j) EXPECT_EQ(perm[j], -7);
  EXPECT_EQ(qr_pivoted_rank(MatrixView<const T>(A0), RankTolerance<T>{-1, 0}).status(), Status::invalid_argument);
  EXPECT_EQ(qr_pivoted(MatrixView<const T>(A0), RankTolerance<T>{0, std::numeric_limits<T>::quiet_NaN()}).status(), Status::invalid_argument);
  EXPECT_EQ(qr_pivoted(MatrixView<const T>(A0), RankTolerance<T>{std::numeric_limits<T>::infinity(), 0}).status(),
            Status::invalid_argument);
}

}  // namespace
}  // namespace stela::test
