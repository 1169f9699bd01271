// lstsq and pinv: LAPACK's least-squares ratios for every method over the matrix
// catalogue and the shapes that break code, agreement between methods, the forward
// error against the condition number (kappa for QR and SVD, kappa^2 for the normal
// equations), the diagnostics every result carries, extreme scaling, bad input at every
// entry point, the one-buffer low level, and the four Penrose conditions.
//
// Every bound is a ratio against what backward-stable arithmetic allows, threshold 30
// (LAPACK's); where theory says the error grows with the condition number, the bound
// carries kappa (or kappa^2 for the normal equations) and says so.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "solver_checks.hpp"
#include "stela/lstsq.hpp"
#include "stela/svd.hpp"

namespace stela::test {
namespace {

template <class T>
class Lstsq : public RatioSuite<Lstsq<T>, T> {};
TYPED_TEST_SUITE(Lstsq, Scalars, ScalarName);

template <class T>
class Pinv : public RatioSuite<Pinv<T>, T> {};
TYPED_TEST_SUITE(Pinv, Scalars, ScalarName);

bool is_normal(LstsqMethod m) { return m == LstsqMethod::normal_cholesky || m == LstsqMethod::normal_lu; }
// Methods that return the minimum-norm solution whatever the rank.
bool is_min_norm(LstsqMethod m) { return is_spectral(m) || m == LstsqMethod::qrcp; }

std::string method_case(LstsqMethod method, const std::string& what) { return std::string(to_string(method)) + " " + what; }

template <class T>
Result<LstsqResult<T>> solve(MatrixView<const T> X, MatrixView<const T> Y, LstsqMethod method,
                             const RankTolerance<T>& tol = {}) {
  LstsqOptions<T> opts;
  opts.method = method;
  opts.tolerance = tol;
  return lstsq(X, Y, opts);
}

// The singular values of A by the Golub–Kahan SVD (test_svd checks them).
// ---------------------------------------------------------------------------------------
// 1. LAPACK's ratios over the catalogue

// Whether the catalogue matrix is far enough from rank deficiency for unpivoted QR to
// accept it (known singular values with sigma_r / sigma_1 well above the rank rule).
template <class T>
bool clearly_full_rank(const TestMatrix<T>& tm) {
  const index r = std::min(tm.A.rows(), tm.A.cols());
  if (r == 0) return true;
  if (tm.sigma.size() != r || tm.rank != r) return false;
  return static_cast<double>(tm.sigma[r - 1]) > 1e3 * static_cast<double>(eps<T>()) * std::max(tm.A.rows(), tm.A.cols()) *
                                                       static_cast<double>(tm.sigma[0]);
}

// Solve one catalogue problem with one method, check status and ratios.
template <class Fixture, class T>
void check_catalogue_case(const TestMatrix<T>& tm, LstsqMethod method, index k, bool consistent, std::uint64_t seed) {
  using TestFixture = Fixture;
  const index m = tm.A.rows(), n = tm.A.cols(), r = std::min(m, n);
  const std::string name = case_name<T>(tm.name, m, n, seed) + " " + to_string(method) + " k=" + std::to_string(k) +
                           (consistent ? " consistent" : " inconsistent");
  SCOPED_TRACE(name);
  const Problem<T> p = make_problem(tm, k, consistent, seed);
  LstsqOptions<T> opts;
  opts.method = method;
  Result<LstsqResult<T>> fit = Status::ok;
  if (k == 1) {
    fit = lstsq(tm.A, VectorView<const T>(p.Y.col(0)), opts);  // the vector overload
  } else {
    fit = lstsq(tm.A, p.Y, opts);
  }
  const bool known_deficient = tm.rank >= 0 && tm.rank < r;
  if (method == LstsqMethod::qr) {
    if (known_deficient) {
      // Unpivoted QR must refuse an exactly rank-deficient matrix, never answer wrongly.
      EXPECT_EQ(fit.status(), Status::rank_deficient);
      return;
    }
    if (!clearly_full_rank(tm) && fit.status() == Status::rank_deficient) return;  // allowed: numerically singular
  }
  ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
  const LstsqResult<T>& out = *fit;
  ASSERT_EQ(out.solution.rows(), n);
  ASSERT_EQ(out.solution.cols(), k);
  ASSERT_EQ(out.residual_norm.size(), k);
  EXPECT_TRUE(all_finite(MatrixView<const T>(out.solution)));

  // Optimality: ||(Y - X W)^T X|| / (||X|| alpha max(m, n, k) eps).
  // With a residual orthogonal to col(X) (or none) this is LAPACK's ratio as it is. With a
  // generic residual on an ill-conditioned X it is not bounded by a constant even for a
  // backward-stable method: X^T r = -X^T dX w + dX^T r for the backward error dX, so
  // ||X^T r|| <~ eps ||X|| (||X|| ||w|| + ||r||), and the ratio is divided by
  // 1 + ||X|| ||w|| / ||r|| (1-norms), which is about kappa there and about 1 otherwise.
  const double optimality = optimality_ratio<T>(tm.A, out.solution, p.Y, p.consistent);
  if (p.consistent || p.residual_orthogonal) {
    EXPECT_RATIO(method_case(method, std::string("optimality ") + (p.consistent ? "consistent" : "inconsistent")),
                 optimality);
  } else {
    const LongMatrix R = residual<T>(tm.A, out.solution, p.Y);
    const Long growth = 1 + one_norm(LongMatrix(tm.A)) * one_norm(LongMatrix(out.solution)) / one_norm(R);
    EXPECT_RATIO(method_case(method, "optimality generic residual / (1 + |X||W|/|r|)"),
                 optimality / static_cast<double>(growth));
  }

  // Minimum norm: W lies in the row space V(:, 0:rank) of X. The angle between the
  // computed and the exact row space is eps ||X|| / sigma_rank (Wedin), so the ratio is
  // divided by kappa_rank = sigma_1 / sigma_rank.
  const bool min_norm = is_min_norm(method) || (method == LstsqMethod::qr && m < n);
  const index rank = tm.rank >= 0 ? tm.rank : r;
  if (min_norm && rank < n && tm.V.cols() >= rank && tm.V.rows() == n) {
    const double kappa = rank > 0 ? kappa_of<T>(tm.sigma, rank) : 1.0;
    EXPECT_RATIO(method_case(method, "row space / kappa_r"),
                 subspace_ratio<T>(MatrixView<const T>(tm.V).col_block(0, rank), out.solution) / kappa);
  }
}

// Every catalogue type at every shape in {0, 1, 2, 3, 5, 10, 50}^2 (50 x 50 for six
// types: sweep_skips in catalogue_sweeps.hpp): a consistent problem
// with one right-hand side (through the vector overload) and an inconsistent one with
// three. One test per method, so that a failure names it.
template <class Fixture, class T>
void sweep_catalogue(LstsqMethod method) {
  const std::vector<MatrixType> types = all_matrix_types();
  for (std::size_t t = 0; t < types.size(); ++t)
    for (index m : small_sizes())
      for (index n : small_sizes()) {
        if (sweep_skips(types[t], m, n)) continue;
        const std::uint64_t seed = 1000 + 97 * t + 7 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
        const TestMatrix<T> tm = make_test_matrix<T>(types[t], m, n, seed);
        check_catalogue_case<Fixture>(tm, method, 1, true, seed + 1);
        check_catalogue_case<Fixture>(tm, method, 3, false, seed + 2);
      }
}

TYPED_TEST(Lstsq, SvdMeetsLapackRatiosOnCatalogue) { sweep_catalogue<TestFixture, TypeParam>(LstsqMethod::svd); }
TYPED_TEST(Lstsq, JacobiMeetsLapackRatiosOnCatalogue) { sweep_catalogue<TestFixture, TypeParam>(LstsqMethod::jacobi); }
TYPED_TEST(Lstsq, QrMeetsLapackRatiosOrReportsRankDeficiency) {
  sweep_catalogue<TestFixture, TypeParam>(LstsqMethod::qr);
}
TYPED_TEST(Lstsq, QrcpMeetsLapackRatiosOnCatalogue) { sweep_catalogue<TestFixture, TypeParam>(LstsqMethod::qrcp); }

// ---------------------------------------------------------------------------------------
// 2. Forward errors: the normal equations, agreement with the SVD, the kappa sweep

// max_j ||w_j - w_true,j|| / ||w_true,j||, in long double.
template <class T>
double forward_error(MatrixView<const T> W, MatrixView<const T> W_true) {
  double worst = 0;
  for (index j = 0; j < W.cols(); ++j) worst = std::max(worst, relative_difference<T>(W.col(j), W_true.col(j)));
  return worst;
}

// max_j tan(theta_j) = ||r_j|| / ||X w_j||: how far y_j is from col(X) (0 when consistent).
template <class T>
double max_tan_theta(MatrixView<const T> X, MatrixView<const T> W, MatrixView<const T> Y) {
  const LongMatrix R = residual<T>(X, W, Y), F = product(LongMatrix(X), LongMatrix(W));
  double worst = 0;
  for (index j = 0; j < Y.cols(); ++j) {
    const Long fit = column_norm(F, j);
    worst = std::max(worst, fit > 0 ? static_cast<double>(column_norm(R, j) / fit) : 0.0);
  }
  return worst;
}

// The well-conditioned types of the catalogue (kappa = 10 for the xLATMS modes).
constexpr MatrixType kWellConditioned[] = {MatrixType::identity,   MatrixType::gaussian,     MatrixType::one_large,
                                           MatrixType::one_small,  MatrixType::geometric,    MatrixType::arithmetic,
                                           MatrixType::log_uniform, MatrixType::near_overflow, MatrixType::near_underflow};

// The normal equations on well-conditioned tall problems. Their error is of order
// eps kappa^2 whatever the residual (GVL 5.3.8), so the forward error is checked
// against n eps kappa^2 (1 + tan theta) instead of the backward-stable ratio; the
// optimality ratio, which measures exactly the residual of the normal equations, is
// checked as well. Shapes m >= n >= 1 from {1, 2, 3, 5, 10, 50}; near_overflow and
// near_underflow pass only because lstsq scales before forming X^T X.
TYPED_TEST(Lstsq, NormalEquationsOnWellConditionedTallProblems) {
  using T = TypeParam;
  CatalogueOptions copts;
  copts.kappa = 10;
  std::uint64_t seed = 5000;
  for (LstsqMethod method : {LstsqMethod::normal_cholesky, LstsqMethod::normal_lu})
    for (MatrixType type : kWellConditioned)
      for (index m : small_sizes())
        for (index n : small_sizes()) {
          if (n < 1 || n > m || (type == MatrixType::gaussian && m < 2 * n)) continue;  // square Gaussians are not well conditioned
          const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, ++seed, copts);
          const double kappa = kappa_of(tm);
          for (bool consistent : {true, false}) {
            const index k = consistent ? 1 : 3;
            SCOPED_TRACE(case_name<T>(tm.name, m, n, seed) + " " + to_string(method) + " k=" + std::to_string(k));
            const Problem<T> p = make_problem(tm, k, consistent, seed);
            Result<LstsqResult<T>> fit = solve<T>(tm.A, p.Y, method);
            ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
            // The exact solution: W_true, unless the residual is a generic one (Gaussian X,
            // whose left singular vectors the catalogue does not know); then the svd
            // solution, whose own error (eps kappa (1 + kappa tan)) is far below the bound.
            Matrix<T> W_exact = p.W_true;
            if (!p.residual_orthogonal) {
              Result<LstsqResult<T>> reference = solve<T>(tm.A, p.Y, LstsqMethod::svd);
              ASSERT_TRUE(reference.ok());
              W_exact = reference->solution;
            }
            const double tan_theta = max_tan_theta<T>(tm.A, W_exact, p.Y);
            const double bound = static_cast<double>(n) * static_cast<double>(eps<T>()) * kappa * kappa * (1 + tan_theta);
            EXPECT_RATIO(method_case(method, "forward error / (n eps kappa^2 (1 + tan))"),
                         forward_error<T>(fit->solution, W_exact) / bound);
            EXPECT_RATIO(method_case(method, p.consistent ? "optimality consistent" : "optimality inconsistent"),
                         optimality_ratio<T>(tm.A, fit->solution, p.Y, p.consistent));
          }
        }
}

// Every method agrees with svd on full-rank, well-conditioned problems (kappa = 100):
//   ||w - w_svd|| / ||w_svd|| <= 30 max(m, n) eps (kappa + kappa^2 tan theta)
// for the backward-stable methods (the LAPACK Users' Guide bound, 4.5.2, with C =
// 30 max(m, n) covering both solutions' errors), and <= 30 n eps kappa^2 (1 + tan theta)
// for the normal equations, on tall problems only (wide ones have a singular X^T X).
TYPED_TEST(Lstsq, EveryMethodAgreesWithSvdOnWellConditionedProblems) {
  using T = TypeParam;
  CatalogueOptions copts;
  copts.kappa = 100;
  std::uint64_t seed = 6000;
  const std::pair<index, index> shapes[] = {{1, 1}, {5, 1}, {1, 5}, {5, 3}, {3, 5}, {10, 10}, {50, 10}, {10, 50}, {50, 50}};
  for (MatrixType type : {MatrixType::one_large, MatrixType::geometric, MatrixType::arithmetic, MatrixType::log_uniform})
    for (auto [m, n] : shapes)
      for (bool consistent : {true, false}) {
        const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, ++seed, copts);
        const double kappa = kappa_of(tm);
        const Problem<T> p = make_problem(tm, 2, consistent, seed);
        Result<LstsqResult<T>> reference = solve<T>(tm.A, p.Y, LstsqMethod::svd);
        ASSERT_TRUE(reference.ok());
        const double tan_theta = max_tan_theta<T>(tm.A, p.W_true, p.Y);
        for (LstsqMethod method : kAllLstsqMethods) {
          if (method == LstsqMethod::svd || (is_normal(method) && m < n)) continue;
          SCOPED_TRACE(case_name<T>(tm.name, m, n, seed) + " " + to_string(method) +
                       (p.consistent ? " consistent" : " inconsistent"));
          Result<LstsqResult<T>> fit = solve<T>(tm.A, p.Y, method);
          ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
          const double e = static_cast<double>(eps<T>());
          const double bound = is_normal(method)
                                   ? static_cast<double>(n) * e * kappa * kappa * (1 + tan_theta)
                                   : static_cast<double>(std::max(m, n)) * e * (kappa + kappa * kappa * tan_theta);
          EXPECT_RATIO(method_case(method, "disagreement with svd / bound"),
                       relative_difference<T>(fit->solution, reference->solution) / bound);
        }
      }
}

// The forward error against the condition number, on a consistent problem with a known
// solution (geometric singular values, 40 x 10, four right-hand sides):
//   svd, jacobi, qr, qrcp   error <= 30 n eps kappa                 (backward stable)
//   normal equations        error <= 30 n eps kappa^2, and >= eps kappa^2 / 100 once
//                           eps kappa^2 is far above eps kappa — or a failure status
//                           when X^T X is singular to working precision.
// The forward_error estimate of the result bounds the observed error of the
// backward-stable methods (observed <= 30 estimate) without overstating it by more than
// the factor the bound's worst case allows (estimate <= 1e4 max(observed, eps)).
TYPED_TEST(Lstsq, NormalEquationsLoseKappaSquaredWhereQrAndSvdLoseKappa) {
  using T = TypeParam;
  const bool is_double = std::is_same_v<T, double>;
  const std::vector<double> kappas = is_double ? std::vector<double>{1e2, 1e4, 1e6, 1e8}
                                               : std::vector<double>{1e1, 1e2, 1e3, 1e4};
  const index m = 40, n = 10, k = 4;
  const double e = static_cast<double>(eps<T>());
  std::uint64_t seed = 7000;
  for (double kappa : kappas) {
    CatalogueOptions copts;
    copts.kappa = kappa;
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, m, n, ++seed, copts);
    const Problem<T> p = make_problem(tm, k, true, seed);
    for (LstsqMethod method : kAllLstsqMethods) {
      SCOPED_TRACE(case_name<T>(tm.name, m, n, seed) + " " + to_string(method));
      Result<LstsqResult<T>> fit = solve<T>(tm.A, p.Y, method);
      if (is_normal(method)) {
        if (e * kappa * kappa >= 1e-2) {
          // X^T X is singular to working precision: a status, or an answer whose error shows it.
          if (!fit.ok()) {
            EXPECT_TRUE(fit.status() == Status::not_positive_definite || fit.status() == Status::singular)
                << to_string(fit.status());
            continue;
          }
        } else {
          ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
        }
        const double err = forward_error<T>(fit->solution, p.W_true);
        std::printf("[ sweep  ] %-6s kappa %8.1e %-16s error %9.2e  error/(eps kappa^2) %9.3g\n", type_name<T>(), kappa,
                    to_string(method), err, err / (e * kappa * kappa));
        EXPECT_RATIO(method_case(method, "error / (n eps kappa^2)"), err / (static_cast<double>(n) * e * kappa * kappa));
        if (e * kappa * kappa > 1e3 * e * kappa) {  // the kappa^2 term dominates: it must show
          EXPECT_GE(err, 1e-2 * std::min(1.0, e * kappa * kappa)) << "normal equations more accurate than eps kappa^2";
        }
        continue;
      }
      ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
      const double err = forward_error<T>(fit->solution, p.W_true);
      std::printf("[ sweep  ] %-6s kappa %8.1e %-16s error %9.2e  error/(eps kappa)   %9.3g\n", type_name<T>(), kappa,
                  to_string(method), err, err / (e * kappa));
      EXPECT_RATIO(method_case(method, "error / (n eps kappa)"), err / (static_cast<double>(n) * e * kappa));
      // The Users' Guide estimate, per column.
      double estimate = 0;
      for (index j = 0; j < k; ++j) estimate = std::max(estimate, static_cast<double>(fit->forward_error[j]));
      EXPECT_RATIO(method_case(method, "observed error / forward_error estimate"), err / estimate);
      EXPECT_LE(estimate, 1e4 * std::max(err, e)) << "the estimate overstates the error";
    }
  }
}

// ---------------------------------------------------------------------------------------
// 3. The result's fields

// residual_norm, rank, singular_values, method, tolerance, gap, condition and
// forward_error, for every method, on a tall Gaussian, a tall ill-conditioned matrix
// (geometric, kappa 1e3), a rank-deficient one (rank 3) and a wide one.
TYPED_TEST(Lstsq, ResultFieldsDescribeTheSolution) {
  using T = TypeParam;
  const double e = static_cast<double>(eps<T>());
  struct Case {
    MatrixType type;
    index m, n;
  };
  const Case cases[] = {{MatrixType::gaussian, 20, 5},
                        {MatrixType::geometric, 20, 6},
                        {MatrixType::rank_deficient, 20, 8},
                        {MatrixType::rank_deficient, 6, 9},
                        {MatrixType::one_small, 5, 12},
                        {MatrixType::identity, 4, 4}};
  std::uint64_t seed = 8000;
  for (const Case& c : cases) {
    CatalogueOptions copts;
    copts.kappa = 1e3;
    copts.rank = 3;
    const TestMatrix<T> tm = make_test_matrix<T>(c.type, c.m, c.n, ++seed, copts);
    const index m = c.m, n = c.n, r = std::min(m, n);
    const bool deficient = tm.rank >= 0 && tm.rank < r;
    const Problem<T> p = make_problem(tm, 3, false, seed);
    const Vector<T> s_true = tm.sigma.size() == r ? tm.sigma : singular_values_of<T>(tm.A);
    const double kappa = static_cast<double>(s_true[0]) / static_cast<double>(s_true[(deficient ? tm.rank : r) - 1]);
    for (LstsqMethod method : kAllLstsqMethods) {
      SCOPED_TRACE(case_name<T>(tm.name, m, n, seed) + " " + to_string(method));
      Result<LstsqResult<T>> fit = solve<T>(tm.A, p.Y, method);
      if (deficient && !is_min_norm(method)) {
        EXPECT_FALSE(fit.ok());
        continue;
      }
      if (is_normal(method) && m < n) {
        EXPECT_FALSE(fit.ok());
        continue;
      }
      ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
      const LstsqResult<T>& out = *fit;
      EXPECT_EQ(out.method, method);
      // residual_norm: the norm of Y - X W for the W returned, against long double.
      const LongMatrix R = residual<T>(tm.A, out.solution, p.Y);
      const Long x_norm = frobenius(LongMatrix(MatrixView<const T>(tm.A)));
      ASSERT_EQ(out.residual_norm.size(), 3);
      for (index j = 0; j < 3; ++j) {
        const Long scale = (x_norm * nrm2(out.solution.col(j)) + nrm2(p.Y.col(j))) * std::max(m, n) * e;
        EXPECT_RATIO(method_case(method, "residual_norm vs long double"),
                     static_cast<double>(std::fabs(out.residual_norm[j] - column_norm(R, j)) / scale));
      }
      // rank: the catalogue's, for every method that decides it; min(m, n) otherwise.
      EXPECT_EQ(out.rank, deficient ? tm.rank : r);
      // singular_values: all min(m, n) of them for svd and jacobi, empty otherwise.
      if (is_spectral(method)) {
        ASSERT_EQ(out.singular_values.size(), r);
        EXPECT_RATIO(method_case(method, "singular values vs known"),
                     singular_value_ratio<T>(out.singular_values, s_true, m, n));
      } else {
        EXPECT_EQ(out.singular_values.size(), 0);
      }
      // tolerance: the default rule applied to the caller's X.
      if (is_spectral(method)) {
        const T expected = rank_threshold<T>(RankTolerance<T>{}, out.singular_values[0], m, n);
        EXPECT_NEAR(out.tolerance, expected, 4 * eps<T>() * expected);
      } else if (method == LstsqMethod::qr || method == LstsqMethod::qrcp) {
        // eps max(m, n) times max |r_ii| (qr) or |r_00| (qrcp), both at most sigma_1;
        // pivoting makes |r_00| the largest column norm, at least sigma_1 / sqrt(n).
        const double expected = e * std::max(m, n) * static_cast<double>(s_true[0]);
        EXPECT_LE(out.tolerance, 1.01 * expected);
        EXPECT_GT(out.tolerance, T(0));
        if (method == LstsqMethod::qrcp) {
          EXPECT_GE(out.tolerance, expected / std::sqrt(static_cast<double>(n)) / 1.01);
        }
      }
      // gap (svd, jacobi, qrcp; qr in RegressionIssue6QrReportsAnInfiniteGapAtFullRank): +inf at full
      // rank; a clear gap at a deficient rank: sigma_r / sigma_(r+1), where sigma_(r+1)
      // is at most the threshold eps max(m, n) sigma_1 and sigma_r = 1e-2 sigma_1; for
      // qrcp |t_rr| / |r_(r+1)(r+1)|, the first at least sigma_r / sqrt(n) and the second
      // at most the threshold.
      if (is_spectral(method) || method == LstsqMethod::qrcp) {
        if (!deficient) {
          EXPECT_EQ(out.gap, std::numeric_limits<T>::infinity()) << "gap at full rank";
        } else {
          const double floor = 1e-2 / (e * std::max(m, n)) / (method == LstsqMethod::qrcp ? std::sqrt(double(n)) : 1.0);
          EXPECT_TRUE(std::isfinite(out.gap)) << "gap " << out.gap;
          EXPECT_GE(out.gap, 0.5 * floor) << "gap " << out.gap;
        }
      }
      // condition: kappa of the kept part, exact from the singular values for svd and
      // jacobi; a 1-norm estimate from R (within [kappa / 3n, n kappa]) for qr, qrcp;
      // sqrt of the estimate of kappa_1(X^T X) for the normal equations.
      if (is_spectral(method)) {
        EXPECT_NEAR(out.condition, out.singular_values[0] / out.singular_values[out.rank - 1],
                    4 * eps<T>() * out.condition);
        EXPECT_LE(std::fabs(out.condition / kappa - 1), 30 * std::max(m, n) * e * kappa) << out.condition << " vs " << kappa;
      } else if (is_normal(method)) {
        EXPECT_GE(out.condition, kappa / std::sqrt(3.0 * n) / 1.01) << out.condition << " vs " << kappa;
        EXPECT_LE(out.condition, kappa * std::sqrt(static_cast<double>(n)) * 1.01) << out.condition << " vs " << kappa;
      } else {
        EXPECT_GE(out.condition, kappa / (3.0 * n)) << out.condition << " vs " << kappa;
        EXPECT_LE(out.condition, kappa * n * 1.01) << out.condition << " vs " << kappa;
      }
      // forward_error: the Users' Guide formula from the fields themselves.
      ASSERT_EQ(out.forward_error.size(), 3);
      for (index j = 0; j < 3; ++j) {
        const double kc = static_cast<double>(out.condition);
        double expected = e * kc * kc;
        if (!is_normal(method)) {
          const double sin_theta = std::min(1.0, static_cast<double>(out.residual_norm[j]) / static_cast<double>(nrm2(p.Y.col(j))));
          const double cos_theta = std::sqrt((1 - sin_theta) * (1 + sin_theta));
          expected = e * (2 * kc / cos_theta + sin_theta / cos_theta * kc * kc);
        }
        EXPECT_NEAR(out.forward_error[j], expected, 1e-3 * expected);
      }
    }
  }
}

// A tolerance is in the caller's units, whatever lstsq scales internally: with atol
// between two singular values, the rank is the number above it — for X of any size.
// Regression (issue 6, fixed on the api branch in 63861c8): X is scaled by 2^-a before
// the method runs, and the RankTolerance was applied to the scaled singular values (or
// |r_ii|) as given, so atol acted as atol 2^a in the caller's units: with X of size 1e3
// and atol 100, sigma = 500 counted as zero.
TYPED_TEST(Lstsq, RegressionIssue6AbsoluteToleranceIsInTheCallersUnits) {
  using T = TypeParam;
  const Vector<T> sigma_unit{T(1), T(0.5), T(1e-3)};
  for (double scale : {1.0, 1e3, 1e-3})
    for (LstsqMethod method : {LstsqMethod::svd, LstsqMethod::jacobi, LstsqMethod::qrcp}) {
      SCOPED_TRACE(std::string(type_name<T>()) + " scale " + std::to_string(scale) + " " + to_string(method));
      Rng rng(9000);
      Vector<T> sigma(sigma_unit);
      for (index i = 0; i < 3; ++i) sigma[i] = static_cast<T>(scale * static_cast<double>(sigma[i]));
      const FactoredMatrix<T> F = with_singular_values<T>(rng, 8, 3, sigma);
      const Matrix<T> Y = random_matrix<T>(8, 1, 9001);
      // Between sigma_2 and sigma_3: rank 2. Above sigma_1: rank 0.
      EXPECT_EQ(solve<T>(F.A, Y, method, RankTolerance<T>::absolute(0.1 * scale))->rank, 2);
      EXPECT_EQ(solve<T>(F.A, Y, method, RankTolerance<T>::absolute(2 * scale))->rank, 0);
      // Relative: between sigma_1 and sigma_2 relative to sigma_1.
      EXPECT_EQ(solve<T>(F.A, Y, method, RankTolerance<T>::relative(0.7))->rank, 1);
      Result<LstsqResult<T>> fit = solve<T>(F.A, Y, method, RankTolerance<T>{T(0.1 * scale), 0});
      ASSERT_TRUE(fit.ok());
      EXPECT_NEAR(fit->tolerance, static_cast<T>(0.1 * scale), 4 * eps<T>() * static_cast<T>(0.1 * scale));
    }
}

// ---------------------------------------------------------------------------------------
// 4. Statuses of the methods that cannot handle rank deficiency

// qr refuses an exactly rank-deficient X (tall, square, wide; the zero matrix);
// normal_cholesky reports not_positive_definite and normal_lu singular for a singular
// X^T X: exactly singular (the zero matrix, a repeated column, a wide X) or singular to
// working precision (rank_deficient: X^T X has eigenvalues at rounding level).
TYPED_TEST(Lstsq, FullRankMethodsReportRankDeficiency) {
  using T = TypeParam;
  struct Input {
    std::string name;
    Matrix<T> X;
    index rank;            // the exact rank
    bool qr_deficient;     // qr must say rank_deficient (false: a full-rank wide X)
  };
  std::uint64_t seed = 9100;
  std::vector<Input> inputs;
  for (auto [m, n] : {std::pair<index, index>{12, 5}, {6, 6}, {4, 9}}) {
    CatalogueOptions copts;
    copts.rank = std::min(m, n) - 2;
    TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, m, n, ++seed, copts);
    inputs.push_back({case_name<T>(tm.name, m, n, seed), tm.A, tm.rank, true});
    inputs.push_back({case_name<T>("zero", m, n, 0), Matrix<T>(m, n), 0, true});
  }
  {
    Matrix<T> X = random_matrix<T>(10, 4, ++seed);
    copy(MatrixView<const T>(X).col(1), X.col(3));  // column 3 repeats column 1
    inputs.push_back({case_name<T>("repeated_column", 10, 4, seed), X, 3, true});
  }
  ++seed;
  inputs.push_back({case_name<T>("gaussian", 3, 7, seed), random_matrix<T>(3, 7, seed), 3, false});
  for (const Input& in : inputs) {
    SCOPED_TRACE(in.name);
    const Matrix<T> Y = random_matrix<T>(in.X.rows(), 2, ++seed);
    if (in.qr_deficient) {
      EXPECT_EQ(solve<T>(in.X, Y, LstsqMethod::qr).status(), Status::rank_deficient);
    }
    // X^T X is singular: the factorization meets a pivot that is not positive, or the
    // rcond < eps rule sees it (normal_equations.hpp). Rounding can leave the last pivot
    // of an exactly repeated column tiny but positive and rcond just above eps (float on
    // Cortex-M, FMA and the blocked Gram matrix): then the report must still show a
    // condition number of X beyond 1 / sqrt(10 eps).
    const Result<LstsqResult<T>> nc = solve<T>(in.X, Y, LstsqMethod::normal_cholesky);
    if (nc.ok())
      EXPECT_GT(nc->condition, T(1) / std::sqrt(10 * eps<T>()));
    else
      EXPECT_EQ(nc.status(), Status::not_positive_definite);
    EXPECT_EQ(solve<T>(in.X, Y, LstsqMethod::normal_lu).status(), Status::singular);
    // The rank-revealing methods answer, with the exact rank.
    for (LstsqMethod method : {LstsqMethod::svd, LstsqMethod::jacobi, LstsqMethod::qrcp}) {
      Result<LstsqResult<T>> fit = solve<T>(in.X, Y, method);
      ASSERT_TRUE(fit.ok()) << to_string(method);
      EXPECT_EQ(fit->rank, in.rank) << to_string(method);
    }
  }
}

// ---------------------------------------------------------------------------------------
// 5. Extreme scaling

// X scaled by s_x and Y by s_y (1e300 and 1e-300 in double, 1e30 and 1e-30 in float):
// the solution is (s_y / s_x) W and the residual norms s_y ||r||, relative to the
// unscaled problem's results within 30 max(m, n) eps kappa_eff (the rounding of X s_x
// and Y s_y perturbs the problem by eps; kappa_eff = kappa + kappa^2 tan theta, or
// kappa^2 for the normal equations). Every method; singular values scale by s_x.
TYPED_TEST(Lstsq, ScaledProblemsGiveScaledSolutions) {
  using T = TypeParam;
  const double big = std::is_same_v<T, double> ? 1e300 : 1e30;
  const index m = 30, n = 6;
  CatalogueOptions copts;
  copts.kappa = 10;
  const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, m, n, 9200, copts);
  const Problem<T> p = make_problem(tm, 2, false, 9201);
  const double kappa = kappa_of(tm), e = static_cast<double>(eps<T>());
  const double tan_theta = max_tan_theta<T>(tm.A, p.W_true, p.Y);
  const std::pair<double, double> scalings[] = {{big, big}, {1 / big, 1 / big}, {1, big}, {1, 1 / big},
                                                {big, 1},   {1 / big, 1},       {1 / big, 1 / big * 1e4}};
  for (LstsqMethod method : kAllLstsqMethods) {
    Result<LstsqResult<T>> reference = solve<T>(tm.A, p.Y, method);
    ASSERT_TRUE(reference.ok());
    const double kappa_eff = is_normal(method) ? kappa * kappa : kappa + kappa * kappa * tan_theta;
    for (auto [sx, sy] : scalings) {
      SCOPED_TRACE(case_name<T>(tm.name, m, n, 9200) + " " + to_string(method) + " X * " + std::to_string(sx) +
                   ", Y * " + std::to_string(sy));
      const Matrix<T> Xs = scaled<T>(tm.A, static_cast<T>(sx)), Ys = scaled<T>(p.Y, static_cast<T>(sy));
      Result<LstsqResult<T>> fit = solve<T>(Xs, Ys, method);
      ASSERT_EQ(fit.status(), Status::ok) << to_string(fit.status());
      // Bring the answers back to the unscaled problem in long double.
      LongMatrix W(MatrixView<const T>(fit->solution));
      for (Long& w : W.a) w *= static_cast<Long>(sx) / static_cast<Long>(sy);
      const Long diff = frobenius(minus(W, LongMatrix(MatrixView<const T>(reference->solution))));
      const Long ref = frobenius(LongMatrix(MatrixView<const T>(reference->solution)));
      const double bound = static_cast<double>(std::max(m, n)) * e * kappa_eff;
      EXPECT_RATIO(method_case(method, "scaled solution / (max(m,n) eps kappa_eff)"),
                   static_cast<double>(diff / ref) / bound);
      for (index j = 0; j < 2; ++j) {
        const Long r = static_cast<Long>(fit->residual_norm[j]) / static_cast<Long>(sy);
        const Long r0 = reference->residual_norm[j];
        EXPECT_TRUE(std::isfinite(fit->residual_norm[j]));
        EXPECT_RATIO(method_case(method, "scaled residual / (max(m,n) eps kappa)"),
                     static_cast<double>(std::fabs(r - r0) / r0) / (static_cast<double>(std::max(m, n)) * e * kappa));
      }
      if (is_spectral(method)) {
        for (index i = 0; i < n; ++i)
          EXPECT_NEAR(static_cast<double>(fit->singular_values[i]) / sx, reference->singular_values[i],
                      30 * n * e * static_cast<double>(reference->singular_values[0]));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// 6. Bad input at every entry point

// NaN or Inf in X or Y gives not_finite, mismatched shapes dimension_mismatch, a bad
// tolerance invalid_argument, a short workspace workspace_too_small; the caller's data
// is untouched in each case (the low level's outputs too, since the checks come first).
TYPED_TEST(Lstsq, BadInputIsRejectedAndLeavesEverythingUntouched) {
  using T = TypeParam;
  const index m = 7, n = 4, k = 2;
  const Matrix<T> X0 = random_matrix<T>(m, n, 9300), Y0 = random_matrix<T>(m, k, 9301);
  const T inf = std::numeric_limits<T>::infinity();
  const T sentinel = T(4242);
  const RankTolerance<T> bad_tolerances[] = {{-1, -1}, {std::numeric_limits<T>::quiet_NaN(), -1}, {std::numeric_limits<T>::infinity(), -1}, {0, std::numeric_limits<T>::quiet_NaN()}, {0, std::numeric_limits<T>::infinity()}};
  for (LstsqMethod method : kAllLstsqMethods) {
    SCOPED_TRACE(std::string(type_name<T>()) + " " + to_string(method));
    LstsqOptions<T> opts;
    opts.method = method;
    // The low level, with sentinel-filled outputs and exactly the workspace it asks for.
    auto call = [&](MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& o, index w_rows, index w_cols,
                    index r_size, index s_size, std::size_t bytes) {
      Matrix<T> W(w_rows, w_cols, sentinel);
      Vector<T> res(r_size, sentinel), s(s_size, sentinel);
      std::vector<T> buffer(bytes / sizeof(T) + 1, nan<T>());
      LstsqInfo<T> info;
      const Status st = lstsq_inplace(X, Y, o, W.view(), res.view(), s.view(), info,
                                      Workspace(buffer.data(), std::min(bytes, buffer.size() * sizeof(T))));
      bool untouched = true;
      for (index j = 0; j < w_cols; ++j)
        for (index i = 0; i < w_rows; ++i) untouched = untouched && W(i, j) == sentinel;
      for (index i = 0; i < r_size; ++i) untouched = untouched && res[i] == sentinel;
      for (index i = 0; i < s_size; ++i) untouched = untouched && s[i] == sentinel;
      return std::make_pair(st, untouched);
    };
    const std::size_t enough = lstsq_workspace_size<T>(m, n, k, opts).bytes() + WorkspaceSize::alignment;
    const index s_size = is_spectral(method) ? n : 0;
    // NaN and Inf in X or in Y, anywhere.
    for (T bad : {nan<T>(), inf, -inf})
      for (int where = 0; where < 4; ++where) {
        Matrix<T> X = X0, Y = Y0;
        if (where == 0) X(0, 0) = bad;
        if (where == 1) X(m - 1, n - 1) = bad;
        if (where == 2) Y(3, 1) = bad;
        if (where == 3) Y(0, 0) = bad;
        const Matrix<T> Xb = X, Yb = Y;
        EXPECT_EQ(lstsq<T>(X, Y, opts).status(), Status::not_finite);
        EXPECT_EQ(lstsq<T>(X, VectorView<const T>(Y.col(where == 2 ? 1 : 0)), opts).status(),
                  Status::not_finite);
        auto [st, untouched] = call(X, Y, opts, n, k, k, s_size, enough);
        EXPECT_EQ(st, Status::not_finite);
        EXPECT_TRUE(untouched);
        EXPECT_TRUE(same_bits<T>(X, Xb));
        EXPECT_TRUE(same_bits<T>(Y, Yb));
      }
    // Mismatched shapes: Y's rows (high and low level), then W, residual_norm and
    // singular_values (low level).
    {
      const Matrix<T> Y_short = random_matrix<T>(m - 1, k, 9302);
      const Vector<T> y_long(m + 1, T(1));
      EXPECT_EQ(lstsq<T>(X0, Y_short, opts).status(), Status::dimension_mismatch);
      EXPECT_EQ(lstsq<T>(X0, VectorView<const T>(y_long), opts).status(), Status::dimension_mismatch);
      EXPECT_EQ(call(X0, Y_short, opts, n, k, k, s_size, enough).first, Status::dimension_mismatch);
      for (int which = 0; which < 4; ++which) {
        auto [st, untouched] = call(X0, Y0, opts, which == 0 ? n + 1 : n, which == 1 ? k - 1 : k, which == 2 ? k + 1 : k,
                                    which == 3 ? n + 1 : s_size, enough);
        EXPECT_EQ(st, Status::dimension_mismatch) << "case " << which;
        EXPECT_TRUE(untouched);
      }
      // NaN and a mismatch together: the shapes are checked first.
      Matrix<T> Y_bad = Y_short;
      Y_bad(0, 0) = nan<T>();
      EXPECT_EQ(lstsq<T>(X0, Y_bad, opts).status(), Status::dimension_mismatch);
    }
    // A bad tolerance.
    for (const RankTolerance<T>& tol : bad_tolerances) {
      LstsqOptions<T> bad = opts;
      bad.tolerance = tol;
      EXPECT_EQ(lstsq<T>(X0, Y0, bad).status(), Status::invalid_argument) << tol.atol << " " << tol.rtol;
      EXPECT_EQ(lstsq<T>(X0, VectorView<const T>(Y0.col(0)), bad).status(), Status::invalid_argument);
      auto [st, untouched] = call(X0, Y0, bad, n, k, k, s_size, enough);
      EXPECT_EQ(st, Status::invalid_argument);
      EXPECT_TRUE(untouched);
    }
    // Workspace one byte short of the minimum the size query gave, from an aligned buffer.
    {
      const WorkspaceSize need = lstsq_workspace_size<T>(m, n, k, opts);
      ASSERT_GT(need.minimum_payload(), 0u);
      alignas(64) static unsigned char storage[1 << 16];
      ASSERT_LE(need.payload(), sizeof(storage));
      Matrix<T> W(n, k, sentinel);
      Vector<T> res(k, sentinel), s(s_size, sentinel);
      LstsqInfo<T> info;
      EXPECT_EQ(lstsq_inplace<T>(X0, Y0, opts, W.view(), res.view(), s.view(), info, Workspace(storage, need.minimum_payload() - 1)),
                Status::workspace_too_small);
      EXPECT_TRUE(same_bits<T>(W, Matrix<T>(n, k, sentinel)));
      EXPECT_TRUE(same_bits<T>(res, Vector<T>(k, sentinel)));
      // ... and with no workspace at all.
      EXPECT_EQ(lstsq_inplace<T>(X0, Y0, opts, W.view(), res.view(), s.view(), info, Workspace()),
                Status::workspace_too_small);
      EXPECT_TRUE(same_bits<T>(W, Matrix<T>(n, k, sentinel)));
    }
  }
}

// pinv of A inside NaN-padded storage is bit for bit pinv of the contiguous A.
TYPED_TEST(Pinv, PaddedInputGivesTheSameAnswer) {
  using T = TypeParam;
  for (auto [m, n] : {std::pair<index, index>{7, 4}, {4, 7}}) {
    const Matrix<T> A = random_matrix<T>(m, n, 9450);
    Padded<T> Ap = Padded<T>::from(A);
    Result<Matrix<T>> a = pinv<T>(Ap.view()), b = pinv<T>(A);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_TRUE(same_bits<T>(*a, *b)) << m << "x" << n;
    EXPECT_TRUE(Ap.padding_untouched());
  }
}

// pinv: NaN or Inf gives not_finite, a bad tolerance invalid_argument.
TYPED_TEST(Pinv, BadInputIsRejected) {
  using T = TypeParam;
  const Matrix<T> A0 = random_matrix<T>(5, 3, 9400);
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()}) {
    Matrix<T> A = A0;
    A(4, 2) = bad;
    const Matrix<T> before = A;
    EXPECT_EQ(pinv<T>(A).status(), Status::not_finite);
    EXPECT_TRUE(same_bits<T>(A, before));
  }
  for (const RankTolerance<T>& tol : {RankTolerance<T>{-1, -1}, RankTolerance<T>{std::numeric_limits<T>::quiet_NaN(), -1}, RankTolerance<T>{0, std::numeric_limits<T>::quiet_NaN()},
                                   RankTolerance<T>{std::numeric_limits<T>::infinity(), -1}})
    EXPECT_EQ(pinv<T>(A0, tol).status(), Status::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// 7. The low level from one buffer

// lstsq_inplace with exactly lstsq_workspace_size bytes of NaN-filled workspace, X, Y and
// W inside NaN-padded storage and strided residual_norm / singular_values, gives bit for
// bit what lstsq gives on contiguous X and Y (the same status for the methods that
// fail), and writes nothing outside its outputs. Also from a misaligned buffer start.
TYPED_TEST(Lstsq, InplaceFromOneBufferMatchesLstsq) {
  using T = TypeParam;
  const std::pair<index, index> shapes[] = {{7, 4}, {4, 7}, {5, 5}, {1, 1}, {6, 1}, {1, 6}, {0, 3}, {3, 0}, {0, 0}, {50, 10}};
  std::uint64_t seed = 9500;
  for (LstsqMethod method : kAllLstsqMethods)
    for (auto [m, n] : shapes)
      for (index k : {index(0), index(1), index(3)}) {
        for (std::size_t misalign : {std::size_t(0), std::size_t(1)}) {
          if (misalign == 1 && k != 3) continue;
          SCOPED_TRACE(case_name<T>("gaussian", m, n, seed) + " " + to_string(method) + " k=" + std::to_string(k) +
                       " misalign " + std::to_string(misalign));
          const Matrix<T> X = random_matrix<T>(m, n, ++seed), Y = random_matrix<T>(m, k, ++seed);
          LstsqOptions<T> opts;
          opts.method = method;
          const index r = std::min(m, n);
          Padded<T> W(n, k);
          std::vector<T> res_store(static_cast<std::size_t>(2 * k + 1), nan<T>());
          std::vector<T> s_store(static_cast<std::size_t>(2 * r + 1), nan<T>());
          VectorView<T> res(res_store.data(), k, 2), s(s_store.data(), is_spectral(method) ? r : 0, 2);
          const std::size_t bytes = lstsq_workspace_size<T>(m, n, k, opts).bytes();
          std::vector<T> buffer(bytes / sizeof(T) + 2, nan<T>());
          unsigned char* start = reinterpret_cast<unsigned char*>(buffer.data()) + misalign;
          LstsqInfo<T> info;
          // X and Y as views inside larger NaN-padded storage: the padding must not be read.
          Padded<T> Xp = Padded<T>::from(X), Yp = Padded<T>::from(Y);
          const Status st = lstsq_inplace<T>(Xp.view(), Yp.view(), opts, W.view(), res, s, info, Workspace(start, bytes));
          Result<LstsqResult<T>> fit = lstsq<T>(X, Y, opts);
          ASSERT_EQ(st, fit.status()) << to_string(st) << " vs " << to_string(fit.status());
          EXPECT_TRUE(W.padding_untouched());
          for (index i = 0; i < k; ++i) EXPECT_TRUE(std::isnan(res_store[static_cast<std::size_t>(2 * i + 1)]));
          if (st != Status::ok) continue;
          EXPECT_TRUE(same_bits<T>(W.view(), fit->solution));
          EXPECT_TRUE(same_bits<T>(res, fit->residual_norm));
          EXPECT_TRUE(same_bits<T>(s, fit->singular_values));
          EXPECT_EQ(info.rank, fit->rank);
          EXPECT_TRUE(same_bits<T>(VectorView<const T>(&info.tolerance, 1), VectorView<const T>(&fit->tolerance, 1)));
        }
      }
}

// lstsq by svd on a tall or square X logs the QR iteration's right rotations instead of
// forming V, and replays a full log onto V (then formed) and goes on. At the minimum
// workspace the log holds one sweep, so it is replayed at nearly every sweep; at the
// optimal it holds 1.0 n^2 rotations (graded and ill-conditioned types need up to
// 1.4 n^2: replayed once or twice). The iteration goes on exactly where it stopped, so
// the singular values and the rank are the same bits either way; the solutions agree to
// rounding, and both match the solution through the formed SVD (pinv).
TYPED_TEST(Lstsq, SvdSolutionWithoutVAtEveryLogSize) {
  using T = TypeParam;
  const MatrixType types[] = {MatrixType::gaussian,  MatrixType::geometric,      MatrixType::rank_deficient,
                              MatrixType::one_small, MatrixType::graded_columns, MatrixType::kahan};
  const std::pair<index, index> shapes[] = {{2, 2}, {7, 7}, {40, 40}, {33, 20}, {90, 30}};  // 90 x 30: QR first
  std::uint64_t seed = 9700;
  for (MatrixType type : types)
    for (auto [m, n] : shapes)
      for (index k : {index(1), index(3)}) {
        const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, ++seed);
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed) + " k=" + std::to_string(k));
        const Matrix<T> Y = random_matrix<T>(m, k, ++seed);
        LstsqOptions<T> opts;
        opts.method = LstsqMethod::svd;
        const WorkspaceSize size = lstsq_workspace_size<T>(m, n, k, opts);
        ASSERT_LT(size.minimum_payload(), size.payload());
        Matrix<T> W[2] = {Matrix<T>(n, k), Matrix<T>(n, k)};
        Vector<T> sv[2] = {Vector<T>(n), Vector<T>(n)};
        LstsqInfo<T> info[2];
        for (int at_minimum : {0, 1}) {
          NanWorkspace work(at_minimum ? size.minimum() : size);
          Vector<T> res(k);
          ASSERT_EQ(lstsq_inplace<T>(tm.A, Y, opts, W[at_minimum].view(), res.view(), sv[at_minimum].view(),
                                     info[at_minimum], work.workspace()),
                    Status::ok);
        }
        EXPECT_TRUE(same_bits<T>(sv[0], sv[1]));
        ASSERT_EQ(info[0].rank, info[1].rank);
        // Against pinv(X) Y, relative to the condition of the kept part.
        Result<Matrix<T>> P = pinv<T>(tm.A);
        ASSERT_TRUE(P.ok());
        const Matrix<T> ref = multiply<T>(*P, Y);
        const T scale = std::max(norm(ref, Norm::max_abs), T(1e-30));
        const T kappa = info[0].rank > 0 ? sv[0][0] / sv[0][info[0].rank - 1] : T(1);
        const T bound = T(kThreshold) * T(std::max(m, n)) * eps<T>() * kappa * scale;
        EXPECT_LE(max_abs_diff<T>(W[0], ref), bound) << "optimal";
        EXPECT_LE(max_abs_diff<T>(W[1], ref), bound) << "minimum";
      }
}

// ---------------------------------------------------------------------------------------
// 8. The pseudoinverse

// The four Penrose conditions, with X = pinv(A) and products in long double:
//   ||A X A - A|| / ||A||,  ||X A X - X|| / ||X||,  ||(A X)^T - A X||,  ||(X A)^T - X A||
// over max(m, n) eps kappa_r
// (1-norms), all four divided by kappa_r = s_1 / s_r over the singular values pinv
// keeps: rounding X's entries alone perturbs X by eps ||X|| = eps / s_r, which A X A,
// X A X, A X and X A turn into errors of eps kappa_r (the unscaled ratios of the first
// two are logged too, to show the growth). Every catalogue type, shapes
// {0, 1, 2, 3, 5, 10, 50}^2 (50 x 50 for six types: sweep_skips), plus pinv(A) y
// against the lstsq svd solution.
TYPED_TEST(Pinv, PenroseConditionsAcrossCatalogue) {
  using T = TypeParam;
  const std::vector<MatrixType> types = all_matrix_types();
  const double e = static_cast<double>(eps<T>());
  for (std::size_t t = 0; t < types.size(); ++t)
    for (index m : small_sizes())
      for (index n : small_sizes()) {
        if (sweep_skips(types[t], m, n)) continue;
        const std::uint64_t seed = 9600 + 97 * t + 7 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
        const TestMatrix<T> tm = make_test_matrix<T>(types[t], m, n, seed);
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        Result<Matrix<T>> P = pinv<T>(tm.A);
        ASSERT_TRUE(P.ok()) << to_string(P.status());
        ASSERT_EQ(P->rows(), n);
        ASSERT_EQ(P->cols(), m);
        if (m == 0 || n == 0) continue;
        // kappa_r over the kept singular values, by the rule pinv applies.
        const Vector<T> s = singular_values_of<T>(tm.A);
        const T threshold = rank_threshold<T>(RankTolerance<T>{}, s[0], m, n);
        index r = 0;
        while (r < s.size() && s[r] > threshold) ++r;
        const double kappa = r > 0 ? static_cast<double>(s[0]) / static_cast<double>(s[r - 1]) : 1.0;
        const LongMatrix A{MatrixView<const T>(tm.A)}, X{MatrixView<const T>(*P)};
        const LongMatrix AX = product(A, X), XA = product(X, A);
        const double scale = static_cast<double>(std::max(m, n)) * e;
        const Long a_norm = one_norm(A), x_norm = one_norm(X);
        const double p1 = a_norm > 0 ? static_cast<double>(one_norm(minus(product(AX, A), A)) / a_norm) : 0.0;
        const double p2 = x_norm > 0 ? static_cast<double>(one_norm(minus(product(XA, X), X)) / x_norm) : 0.0;
        const LongMatrix AXt = transposed(AX), XAt = transposed(XA);
        EXPECT_RATIO("penrose A X A = A / kappa_r", p1 / (scale * kappa));
        EXPECT_RATIO("penrose X A X = X / kappa_r", p2 / (scale * kappa));
        EXPECT_RATIO("penrose (A X)^T = A X / kappa_r", static_cast<double>(one_norm(minus(AXt, AX))) / (scale * kappa));
        EXPECT_RATIO("penrose (X A)^T = X A / kappa_r", static_cast<double>(one_norm(minus(XAt, XA))) / (scale * kappa));
        TestFixture::record("(unscaled) penrose A X A = A", p1 / scale);
        TestFixture::record("(unscaled) penrose X A X = X", p2 / scale);
        // pinv(A) y is the lstsq svd solution, to the forward error of either: U_r^T y
        // is formed to eps ||y||, so relative to the solution the difference may reach
        // eps kappa_r / cos(theta), cos(theta) = ||U_r U_r^T y|| / ||y|| (the LAPACK
        // Users' Guide's bound, 4.5.2). Seen: rank_deficient_r1 2 x 2 in float, a y
        // almost orthogonal to the kept u_1, once lstsq stopped forming U.
        const Matrix<T> y = random_matrix<T>(m, 1, seed + 1);
        Result<LstsqResult<T>> fit = lstsq<T>(tm.A, y);
        ASSERT_TRUE(fit.ok());
        const LongMatrix Y{MatrixView<const T>(y)};
        const Matrix<T> Py = product(X, Y).template rounded<T>();
        const Long y_norm = frobenius(Y);
        const double cos_theta = y_norm > 0 ? static_cast<double>(frobenius(product(AX, Y)) / y_norm) : 1.0;
        if (cos_theta > 0)
          EXPECT_RATIO("pinv(A) y vs lstsq / (max(m,n) eps kappa_r / cos theta)",
                       relative_difference<T>(Py, fit->solution) / (scale * kappa / cos_theta));
      }
}

// ---------------------------------------------------------------------------------------
// 9. Regression tests for bugs the tests above found in the solver API (issue 6): the
//    minimal cases, each naming what was wrong.

// A buffer whose usable start is 64-byte aligned, so that a Workspace over it holds
// exactly `payload` bytes: no alignment slack hides an undercounted size.
struct ExactBuffer {
  std::vector<unsigned char> bytes;
  unsigned char* start;
  std::size_t payload;
  explicit ExactBuffer(WorkspaceSize size) : bytes(size.payload() + WorkspaceSize::alignment), payload(size.payload()) {
    const auto address = reinterpret_cast<std::uintptr_t>(bytes.data());
    start = bytes.data() + (WorkspaceSize::alignment - address % WorkspaceSize::alignment) % WorkspaceSize::alignment;
  }
  Workspace workspace() { return Workspace(start, payload); }
};

// Regression (issue 6, fixed on the api branch in 918ef33): qr and qrcp carved an n x k
// copy of Y but counted a d x k one, and the condition estimate carved two vectors of r
// but counted one of 2r. With exactly the bytes lstsq_workspace_size asks for, a tall X
// with several right-hand sides got workspace_too_small or wrote through the null view
// the bump allocator returns, and small r overran in the condition estimate. The buffer
// here has no alignment slack to hide an undercount.
TYPED_TEST(Lstsq, RegressionIssue6TallQrAndQrcpFitTheWorkspaceTheyAskFor) {
  using T = TypeParam;
  for (LstsqMethod method : {LstsqMethod::qr, LstsqMethod::qrcp})
    for (auto [n, d, k] : {std::tuple<index, index, index>{20, 2, 1}, {20, 2, 3}, {1, 1, 1}, {4, 3, 1}}) {
      SCOPED_TRACE(std::string(type_name<T>()) + " " + to_string(method) + " " + std::to_string(n) + "x" +
                   std::to_string(d) + " k=" + std::to_string(k));
      const Matrix<T> X = random_matrix<T>(n, d, 9700), Y = random_matrix<T>(n, k, 9701);
      LstsqOptions<T> opts;
      opts.method = method;
      ExactBuffer buffer(lstsq_workspace_size<T>(n, d, k, opts));
      Matrix<T> W(d, k);
      Vector<T> res(k);
      LstsqInfo<T> info;
      EXPECT_EQ(lstsq_inplace<T>(X, Y, opts, W.view(), res.view(), VectorView<T>(), info, buffer.workspace()),
                Status::ok);
    }
}

// Regression (issue 6, fixed on the api branch in 63861c8): the rank check of unpivoted
// QR compared |r_ii| with eps max(n, d) max_i |r_ii|, but without pivoting max_i |r_ii|
// can be far below sigma_1 (|r_00| is the norm of the first column). X = u v^T with
// v = (1e-3, 1) has exactly rank 1, r_11 is rounding noise of size eps ||u||, the
// threshold was 6 eps 1e-3 ||u||: qr returned ok with a solution of norm ~ 1 / eps
// instead of rank_deficient. The catalogue's rank_deficient_r1 2 x 5 showed the same in
// the wide case.
TYPED_TEST(Lstsq, RegressionIssue6UnpivotedQrRefusesRankOneWithSmallFirstColumn) {
  using T = TypeParam;
  const Matrix<T> u = random_matrix<T>(6, 1, 9800);
  Matrix<T> X(6, 2);
  for (index i = 0; i < 6; ++i) {
    X(i, 0) = T(1e-3) * u(i, 0);
    X(i, 1) = u(i, 0);
  }
  const Matrix<T> Y = random_matrix<T>(6, 1, 9801);
  Result<LstsqResult<T>> fit = solve<T>(X, Y, LstsqMethod::qr);
  EXPECT_EQ(fit.status(), Status::rank_deficient);
  if (fit.ok()) ADD_FAILURE() << "qr answered with ||w|| = " << norm(MatrixView<const T>(fit->solution), Norm::frobenius);
  const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, 2, 5, 2087);
  ASSERT_EQ(tm.rank, 1);
  EXPECT_EQ(solve<T>(tm.A, random_matrix<T>(2, 1, 9802), LstsqMethod::qr).status(), Status::rank_deficient);
}

// Regression (issue 6, fixed on the api branch in 63861c8): the header says the gap is
// +inf when r = min(n, d); qr reports rank min(n, d) on every success but left the gap
// NaN.
TYPED_TEST(Lstsq, RegressionIssue6QrReportsAnInfiniteGapAtFullRank) {
  using T = TypeParam;
  for (auto [n, d] : {std::pair<index, index>{12, 4}, {4, 12}}) {
    const Matrix<T> X = random_matrix<T>(n, d, 9900), Y = random_matrix<T>(n, 1, 9901);
    Result<LstsqResult<T>> fit = solve<T>(X, Y, LstsqMethod::qr);
    ASSERT_TRUE(fit.ok());
    EXPECT_EQ(fit->rank, std::min(n, d));
    EXPECT_EQ(fit->gap, std::numeric_limits<T>::infinity()) << n << "x" << d;
  }
}

}  // namespace
}  // namespace stela::test
