// The portable generator and the test-matrix catalogue: known answers for the bit
// stream, moments of the distributions, the portable logarithm, Haar factors that are
// orthogonal, and catalogue members with the singular values they promise.
#include <cmath>
#include <set>

#include "stela/random.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

TEST(Rng, MatchesIndependentReferenceImplementation) {
  // The first outputs of xoshiro256** seeded by splitmix64, computed with an
  // independent implementation (Python integers) of the published algorithms.
  Rng zero(0);
  EXPECT_EQ(zero.next_u64(), 0x99ec5f36cb75f2b4ULL);
  EXPECT_EQ(zero.next_u64(), 0xbf6e1f784956452aULL);
  EXPECT_EQ(zero.next_u64(), 0x1a5f849d4933e6e0ULL);
  EXPECT_EQ(zero.next_u64(), 0x6aa594f1262d2d2cULL);
  Rng answer(42);
  EXPECT_EQ(answer.next_u64(), 0x15780b2e0c2ec716ULL);
  EXPECT_EQ(answer.next_u64(), 0x6104d9866d113a7eULL);
}

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.gaussian();
    EXPECT_EQ(x, b.gaussian());
    differs = differs || x != c.gaussian();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, UniformAndGaussianMoments) {
  Rng rng(123);
  const int n = 200000;
  double sum_u = 0, sum_g = 0, sum_g2 = 0, sum_g4 = 0;
  double lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum_u += u;
    const double g = rng.gaussian();
    sum_g += g;
    sum_g2 += g * g;
    sum_g4 += g * g * g * g;
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  // Five standard errors: sd(mean u) = sqrt(1/12 / n), sd(mean g) = 1/sqrt(n),
  // sd(mean g^2) = sqrt(2/n), sd(mean g^4) = sqrt(96/n).
  EXPECT_NEAR(sum_u / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(sum_g / n, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(sum_g2 / n, 1.0, 5 * std::sqrt(2.0 / n));
  EXPECT_NEAR(sum_g4 / n, 3.0, 5 * std::sqrt(96.0 / n));
}

TEST(Rng, PortableLogIsAccurate) {
  Rng rng(5);
  for (int i = 0; i < 20000; ++i) {
    // Arguments over the whole exponent range, including near 1 where log is small.
    const double x = std::ldexp(0.5 + rng.uniform(), static_cast<int>(rng.uniform(-1000, 1000)));
    const double ref = std::log(x);
    EXPECT_LE(std::abs(portable_log(x) - ref), 2 * eps<double>() * std::max(std::abs(ref), 1e-300)) << x;
  }
  for (double x : {1.0, 1.0 + 1e-15, 1.0 - 1e-16, 0.7071067811865476, 1.414213562373095})
    EXPECT_LE(std::abs(portable_log(x) - std::log(x)), 2 * eps<double>() * std::max(std::abs(std::log(x)), 1e-300));
  EXPECT_EQ(portable_log(1.0), 0.0);
  EXPECT_TRUE(std::isnan(portable_log(-1.0)));
  EXPECT_TRUE(std::isinf(portable_log(0.0)));
}

template <class T>
class Catalogue : public ::testing::Test {};
TYPED_TEST_SUITE(Catalogue, Scalars, ScalarName);

TYPED_TEST(Catalogue, HaarFactorsAreOrthonormal) {
  using T = TypeParam;
  for (index m : {1, 2, 3, 10, 57, 130})
    for (index k : {index(0), index(1), m / 2, m}) {
      Rng rng(static_cast<std::uint64_t>(m * 1000 + k));
      Matrix<T> Q = random_orthonormal_columns<T>(rng, m, k);
      ASSERT_EQ(Q.rows(), m);
      ASSERT_EQ(Q.cols(), k);
      EXPECT_LT(orthogonality_ratio<T>(Q), kThreshold) << type_name<T>() << " " << m << "x" << k;
    }
}

TYPED_TEST(Catalogue, HaarFactorsAreNotBiased) {
  using T = TypeParam;
  // For a Haar Q, every entry has mean 0 and variance 1/m; the first column of a
  // Householder matrix without the sign fix would have a negative first entry always.
  const index m = 4;
  const int trials = 4000;
  double sum = 0, sum2 = 0;
  int negative_first = 0;
  Rng rng(99);
  for (int t = 0; t < trials; ++t) {
    Matrix<T> Q = random_orthonormal_columns<T>(rng, m, m);
    sum += Q(0, 0);
    sum2 += double(Q(0, 0)) * Q(0, 0);
    negative_first += Q(0, 0) < 0;
  }
  EXPECT_NEAR(sum / trials, 0.0, 5 * std::sqrt(0.25 / trials));
  EXPECT_NEAR(sum2 / trials, 0.25, 0.03);
  EXPECT_NEAR(double(negative_first) / trials, 0.5, 5 * std::sqrt(0.25 / trials));
}

TYPED_TEST(Catalogue, PrescribedSingularValuesGiveTheirFrobeniusNorm) {
  using T = TypeParam;
  for (index m : {1, 5, 40})
    for (index n : {1, 3, 40}) {
      const index r = std::min(m, n);
      Vector<T> sigma(r);
      for (index i = 0; i < r; ++i) sigma[i] = static_cast<T>(std::pow(10.0, -double(i) / 4));
      Rng rng(static_cast<std::uint64_t>(m + 100 * n));
      FactoredMatrix<T> F = with_singular_values(rng, m, n, VectorView<const T>(sigma));
      // ||A||_F = sqrt(sum sigma_i^2) up to a few eps per entry.
      const double expected = nrm2(VectorView<const T>(sigma));
      const double got = norm(MatrixView<const T>(F.A), Norm::frobenius);
      EXPECT_LE(std::abs(got - expected) / (expected * std::max(m, n) * eps<T>()), kThreshold) << m << "x" << n;
      // A = U diag(sigma) V^T with U, V orthonormal.
      EXPECT_LT(orthogonality_ratio<T>(F.U), kThreshold);
      EXPECT_LT(orthogonality_ratio<T>(F.V), kThreshold);
      Matrix<T> US = F.U;
      for (index j = 0; j < r; ++j) scal(sigma[j], US.col(j));
      EXPECT_LT(factorization_ratio<T>(F.A, multiply<T>(US, F.V, Op::none, Op::transpose)), kThreshold);
    }
}

TYPED_TEST(Catalogue, EveryTypeEveryShapeIsWellFormed) {
  using T = TypeParam;
  std::set<std::string> names;
  for (MatrixType type : all_matrix_types())
    for (index m : {0, 1, 2, 5, 17})
      for (index n : {0, 1, 3, 17}) {
        const std::uint64_t seed = 1000 + static_cast<std::uint64_t>(m * 31 + n);
        TestMatrix<T> tm = make_test_matrix<T>(type, m, n, seed);
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        ASSERT_EQ(tm.A.rows(), m);
        ASSERT_EQ(tm.A.cols(), n);
        EXPECT_TRUE(all_finite(MatrixView<const T>(tm.A)));
        EXPECT_EQ(tm.type, type);
        EXPECT_EQ(tm.name.rfind(to_string(type), 0), 0u);
        if (m == 5 && n == 3) names.insert(tm.name);
        // Same arguments, same matrix.
        TestMatrix<T> again = make_test_matrix<T>(type, m, n, seed);
        EXPECT_EQ(max_abs_diff<T>(tm.A, again.A), 0.0);
        const index r = std::min(m, n);
        if (!tm.sigma.empty()) {
          ASSERT_EQ(tm.sigma.size(), r);
          for (index i = 1; i < r; ++i) EXPECT_GE(tm.sigma[i - 1], tm.sigma[i]);
          // The Frobenius norm agrees with the promised singular values.
          const double expected = nrm2(VectorView<const T>(tm.sigma));
          const double got = norm(MatrixView<const T>(tm.A), Norm::frobenius);
          EXPECT_LE(std::abs(got - expected), kThreshold * std::max<index>({m, n, 1}) * eps<T>() * expected);
        }
        if (tm.U.cols() > 0) {
          EXPECT_LT(orthogonality_ratio<T>(tm.U), kThreshold);
          EXPECT_LT(orthogonality_ratio<T>(tm.V), kThreshold);
        }
      }
  EXPECT_EQ(names.size(), all_matrix_types().size());  // names distinguish the types
}

TYPED_TEST(Catalogue, ScalingsReachTheirTargets) {
  using T = TypeParam;
  TestMatrix<T> big = make_test_matrix<T>(MatrixType::near_overflow, 20, 10, 1);
  TestMatrix<T> small = make_test_matrix<T>(MatrixType::near_underflow, 20, 10, 1);
  const T large_norm = T(4) * (eps<T>() / safe_min<T>());
  EXPECT_NEAR(big.sigma[0] / large_norm, T(1), 4 * eps<T>());
  EXPECT_NEAR(small.sigma[0] / (T(1) / large_norm), T(1), 4 * eps<T>());
  // Entries are huge (tiny) yet finite (normal), and the norm is still computable.
  EXPECT_GT(norm(MatrixView<const T>(big.A), Norm::max_abs), large_norm / T(100));
  EXPECT_TRUE(std::isfinite(norm(MatrixView<const T>(big.A), Norm::frobenius)));
  EXPECT_LT(norm(MatrixView<const T>(small.A), Norm::max_abs), T(1) / large_norm * T(10));
}

TYPED_TEST(Catalogue, OptionsShowInNamesAndValues) {
  using T = TypeParam;
  CatalogueOptions opts;
  opts.kappa = 1e3;
  TestMatrix<T> g = make_test_matrix<T>(MatrixType::geometric, 30, 20, 3, opts);
  EXPECT_EQ(g.name, "geometric_kappa1e3");
  EXPECT_NEAR(g.sigma[0] / g.sigma[19], T(1e3), T(1e3) * 10 * eps<T>());
  opts.rank = 5;
  TestMatrix<T> d = make_test_matrix<T>(MatrixType::rank_deficient, 30, 20, 3, opts);
  EXPECT_EQ(d.name, "rank_deficient_r5");
  EXPECT_EQ(d.rank, 5);
  EXPECT_GT(d.sigma[4], T(0));
  EXPECT_EQ(d.sigma[5], T(0));
  TestMatrix<T> l = make_test_matrix<T>(MatrixType::lauchli, 11, 10, 3);
  EXPECT_EQ(l.rank, 10);
  EXPECT_NEAR(l.sigma[0], std::sqrt(T(10)), 4 * eps<T>() * 4);
  EXPECT_EQ(l.A(0, 9), T(1));
  EXPECT_EQ(l.A(10, 9), static_cast<T>(std::sqrt(static_cast<double>(eps<T>()))));
  // Kahan: upper triangular with a decreasing diagonal.
  TestMatrix<T> k = make_test_matrix<T>(MatrixType::kahan, 8, 8, 1);
  for (index i = 1; i < 8; ++i) {
    EXPECT_LT(k.A(i, i), k.A(i - 1, i - 1));
    EXPECT_EQ(k.A(i, i - 1), T(0));
  }
}

}  // namespace
}  // namespace stela::test
