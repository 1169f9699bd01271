// The 2-norm condition estimate of a triangular factor (src/blas/triangular_condition.cpp)
// and what lstsq reports with it (issue 12): the figure means kappa_2 = s_1 / s_r for
// every method.
//
// Ratios: est / kappa_2, kappa_2 = s_1 / s_n of the very triangle R the estimator reads
// (the singular values of R computed in double by Golub–Kahan: for float R exact to
// double's rounding; for double R, cases where kappa n eps_double > 1e-4 are left out,
// as the reference itself is then uncertain). The estimate is a lower bound, so the
// upper side allows only rounding; the lower side is the estimator's factor kFactor.
// Measured (release, this catalogue, 515 triangles in float and 388 in double): the
// worst est / kappa is 0.71 (float) and 0.73 (double), and lstsq's qr and qrcp come
// within 0.70 of svd's figure; kFactor = 2 leaves room for other seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "../src/blas/triangular_condition.hpp"
#include "../src/lu/lu_kernels.hpp"
#include "catalogue_sweeps.hpp"
#include "stela/lstsq.hpp"
#include "stela/lu.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

// est in [kappa / kFactor, kappa (1 + kRounding)]: the card's factor of 2.
constexpr double kFactor = 2;
constexpr double kRounding = 1e-3;

const char* lstsq_method_name(LstsqMethod method) { return to_string(method); }

template <class T>
class TriangularCondition : public ::testing::Test {};
TYPED_TEST_SUITE(TriangularCondition, Scalars, ScalarName);

// kappa_2 of the upper triangle R (r x r) from its singular values in double; 0 when the
// reference cannot be trusted (singular, or kappa beyond 1e-4 / (r eps_double)).
template <class T>
double reference_kappa(MatrixView<const T> R) {
  const index r = R.rows();
  Matrix<double> Rd(r, r);
  for (index j = 0; j < r; ++j)
    for (index i = 0; i <= j; ++i) Rd(i, j) = static_cast<double>(R(i, j));
  SvdOptions opts;
  opts.vectors = SvdVectors::none;
  Result<SVD<double>> s = svd<double>(Rd, opts);
  if (!s || s->s[r - 1] <= 0) return 0;
  const double kappa = s->s[0] / s->s[r - 1];
  return kappa * r * eps<double>() > 1e-4 ? 0 : kappa;
}

template <class T>
T estimate(MatrixView<const T> R) {
  NanWorkspace work(detail::triangular_condition_2norm_workspace_size<T>(R.rows()));
  return detail::triangular_condition_2norm<T>(R, work.workspace());
}

// The ratios est / kappa_2 of one test: each must be a lower bound (up to `rounding`)
// within the card's factor; the range seen is printed at the end.
struct EstimateRatios {
  double low = 1, high = 1;
  index cases = 0;
  void check(double est, double exact, double rounding) {
    const double ratio = est / exact;
    low = std::min(low, ratio);
    high = std::max(high, ratio);
    ++cases;
    EXPECT_GE(ratio, 1 / kFactor) << "est " << est << " kappa " << exact;
    EXPECT_LE(ratio, 1 + rounding) << "est " << est << " kappa " << exact;
  }
  void print(const char* type, const char* what) const {
    std::printf("[ %s ] %ld %s: est / kappa_2 in [%.3f, %.6f]\n", type, static_cast<long>(cases), what, low, high);
  }
};

// Every catalogue type, square and tall, at the sizes that break code and past the block
// size, with the default condition numbers (1/sqrt(eps)) and near-singular ones
// (1e-2/(n eps) in T): the R of Householder QR, whose kappa_2 is that of A.
TYPED_TEST(TriangularCondition, EstimatesKappa2OfQrFactorsAcrossTheCatalogue) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  EstimateRatios ratios;
  std::uint64_t seed = 12000;
  for (MatrixType type : all_matrix_types())
    for (index n : {1, 2, 3, 5, 10, 50, 129})
      for (index m : {n, n + n / 2 + 3})
        for (double kappa : {0.0, 1e-2 / (static_cast<double>(n) * e)}) {
          CatalogueOptions copts;
          copts.kappa = kappa;
          const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, ++seed, copts);
          SCOPED_TRACE(testing::Message() << type_name<T>() << " " << tm.name << " " << m << "x" << n << " seed " << seed);
          Result<QR<T>> f = qr<T>(tm.A);
          ASSERT_EQ(f.status(), Status::ok);
          const Matrix<T> R = f->R();
          const MatrixView<const T> Rn = MatrixView<const T>(R).block(0, 0, n, n);
          const double exact = reference_kappa<T>(Rn);
          if (exact == 0) continue;  // singular, or beyond the reference
          ratios.check(static_cast<double>(estimate<T>(Rn)), exact, kRounding);
        }
  ratios.print(type_name<T>(), "triangles");
  EXPECT_GT(ratios.cases, 200);
}

// Singular or unusable triangles: +Inf; the empty one: 1; a 1 x 1: 1.
TYPED_TEST(TriangularCondition, SingularTrianglesAreInfinite) {
  using T = TypeParam;
  Matrix<T> R{{T(2), T(1)}, {T(0), T(0)}};
  EXPECT_TRUE(std::isinf(static_cast<double>(estimate<T>(R))));
  R(1, 1) = nan<T>();
  EXPECT_TRUE(std::isinf(static_cast<double>(estimate<T>(R))));
  EXPECT_EQ(estimate<T>(MatrixView<const T>(Matrix<T>(0, 0))), T(1));
  EXPECT_EQ(estimate<T>(Matrix<T>{{T(-3)}}), T(1));
  // Kahan's triangle at n = 100 has kappa far beyond 1/eps: huge or +Inf, never small.
  const TestMatrix<T> kahan = make_test_matrix<T>(MatrixType::kahan, 100, 100, 1);
  EXPECT_GT(static_cast<double>(estimate<T>(kahan.A)), 1 / static_cast<double>(eps<T>()));
}

// The LU-based estimate of kappa_2 of a symmetric G (src/lu/lu_symmetric_condition.cpp):
// G = U diag(+-s) U^T from the SVD of each catalogue matrix, so G has the singular values
// of A, definite (all +) or indefinite (alternating signs: power iteration with G itself
// must still find max |lambda|). The reference is s_1 / s_n of G as rounded to T,
// computed in double; the estimate must be a lower bound within kFactor.
TYPED_TEST(TriangularCondition, EstimatesKappa2OfSymmetricMatricesFromLuFactors) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  EstimateRatios ratios;
  std::uint64_t seed = 14000;
  for (MatrixType type : all_matrix_types())
    for (index n : {1, 2, 7, 30, 65})
      for (bool definite : {true, false})
        for (double kappa : {0.0, 1e-2 / (static_cast<double>(n) * e)}) {
          CatalogueOptions copts;
          copts.kappa = kappa;
          const TestMatrix<T> tm = make_test_matrix<T>(type, n, n, ++seed, copts);
          SCOPED_TRACE(testing::Message() << type_name<T>() << " " << tm.name << " n " << n << " seed " << seed
                                          << (definite ? " definite" : " indefinite"));
          Matrix<double> A(n, n);
          for (index j = 0; j < n; ++j)
            for (index i = 0; i < n; ++i) A(i, j) = static_cast<double>(tm.A(i, j));
          Result<SVD<double>> f = svd<double>(A);
          ASSERT_EQ(f.status(), Status::ok);
          Matrix<T> G(n, n);
          for (index j = 0; j < n; ++j)
            for (index i = 0; i < n; ++i) {
              double g = 0;
              for (index k = 0; k < n; ++k) g += f->U(i, k) * ((definite || k % 2 == 0) ? 1 : -1) * f->s[k] * f->U(j, k);
              G(i, j) = static_cast<T>(g);
            }
          Matrix<double> Gd(n, n);
          for (index j = 0; j < n; ++j)
            for (index i = 0; i < n; ++i) Gd(i, j) = static_cast<double>(G(i, j));
          SvdOptions sopts;
          sopts.vectors = SvdVectors::none;
          Result<SVD<double>> sg = svd<double>(Gd, sopts);
          ASSERT_EQ(sg.status(), Status::ok);
          if (!(sg->s[n - 1] > 0)) continue;
          const double exact = sg->s[0] / sg->s[n - 1];
          if (exact * n * e > 1e-2) continue;  // G as rounded to T is too close to singular
          Result<LU<T>> lu_g = lu<T>(G);
          ASSERT_EQ(lu_g.status(), Status::ok);
          NanWorkspace work(WorkspaceSize::vector<T>(n));
          const double est = static_cast<double>(detail::lu_symmetric_condition_2norm_kernel<T>(
              lu_g->factors, lu_g->pivots, work.workspace()));
          // (rounding: G's LU is that of G + dG, whose kappa differs by about n eps kappa)
          ratios.check(est, exact, kFactor * n * e * exact + kRounding);
        }
  ratios.print(type_name<T>(), "symmetric matrices");
  EXPECT_GT(ratios.cases, 150);
  // A zero pivot (G singular): +Inf.
  Matrix<T> singular{{T(1), T(1)}, {T(1), T(1)}};
  Result<LU<T>> lu_s = lu<T>(singular);
  NanWorkspace work(WorkspaceSize::vector<T>(2));
  EXPECT_EQ(detail::lu_symmetric_condition_2norm_kernel<T>(lu_s->factors, lu_s->pivots, work.workspace()),
            std::numeric_limits<T>::infinity());
}

// Issue 12: the condition number in lstsq's report means kappa_2 for every method. qr,
// qrcp (from their triangles R), normal_cholesky (from its L) and normal_lu (sqrt of
// kappa_2(X^T X) from its LU factors, src/lu/lu_symmetric_condition.cpp), the normal
// equations where kappa(X)^2 eps < 1e-2 so that their factors are X^T X's to a few
// digits, against svd's exact s_1 / s_r, on full-rank problems square and tall, up to
// kappa = 1e-2 / (n eps): within kFactor. Before, qr read 5.67e6 where svd read 6.3e3
// (3000 x 3000 Gaussian), a 1-norm estimate against the 2-norm, and the normal
// equations sqrt(1 / rcond) of X^T X's 1-norm rcond (up to 4.5 times kappa_2 on this
// catalogue).
TYPED_TEST(TriangularCondition, LstsqMethodsReportTheSameKappa2) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  std::uint64_t seed = 13000;
  double worst = 1;
  for (MatrixType type : {MatrixType::gaussian, MatrixType::geometric, MatrixType::one_small, MatrixType::one_large,
                          MatrixType::log_uniform, MatrixType::graded_columns, MatrixType::graded_rows,
                          MatrixType::upper_triangular, MatrixType::vandermonde})
    for (index n : {3, 10, 60, 150})
      for (index m : {n, 2 * n + 7})
        for (double kappa : {10.0, 1e-3 / (static_cast<double>(n) * e)}) {
          CatalogueOptions copts;
          copts.kappa = kappa;
          copts.grading = 0.25 * -std::log10(e);  // graded types stay of full numerical rank
          const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, ++seed, copts);
          SCOPED_TRACE(testing::Message() << type_name<T>() << " " << tm.name << " " << m << "x" << n << " seed " << seed);
          const Matrix<T> Y = random_matrix<T>(m, 1, seed);
          LstsqOptions<T> opts;
          Result<LstsqResult<T>> reference = lstsq<T>(tm.A, Y, opts);
          ASSERT_EQ(reference.status(), Status::ok);
          if (reference->rank < n) continue;  // numerically rank deficient: not this test
          const double kappa_svd = static_cast<double>(reference->condition);
          if (kappa_svd * n * e > 1e-2) continue;  // too close to singular in T to compare
          for (LstsqMethod method :
               {LstsqMethod::qr, LstsqMethod::qrcp, LstsqMethod::normal_cholesky, LstsqMethod::normal_lu}) {
            const bool normal = method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu;
            if (normal && kappa_svd * kappa_svd * e > 1e-2) continue;
            opts.method = method;
            Result<LstsqResult<T>> out = lstsq<T>(tm.A, Y, opts);
            ASSERT_EQ(out.status(), Status::ok) << lstsq_method_name(method);
            ASSERT_EQ(out->rank, n) << lstsq_method_name(method);
            const double ratio = static_cast<double>(out->condition) / kappa_svd;
            worst = std::min(worst, std::min(ratio, 1 / ratio));
            EXPECT_GE(ratio, 1 / kFactor) << lstsq_method_name(method) << " " << out->condition << " svd " << kappa_svd;
            EXPECT_LE(ratio, kFactor) << lstsq_method_name(method) << " " << out->condition << " svd " << kappa_svd;
          }
        }
  std::printf("[ %s ] qr, qrcp, normal_cholesky, normal_lu against svd: worst ratio %.3f\n", type_name<T>(), worst);
}

}  // namespace
}  // namespace stela::test
