// The low-level SVD-based solvers (issue 13): pinv_inplace, rank_inplace,
// null_space_inplace and ridge_svd_inplace, in float and double, from NaN-filled
// workspace into padded, NaN-filled outputs:
//  - LAPACK-style scaled ratios (threshold 30): the four Penrose conditions, ||A N|| and
//    N^T N = I for the null space, the normal equations of ridge
//    X^T (Y - X W) = lambda W; the rank against the prescribed singular values of the
//    catalogue;
//  - the allocating forms (pinv, rank, null_space, ridge with the svd method) are thin
//    shells over these, so both give the same bits;
//  - bad input (NaN, empty, mismatched shapes, bad options, too small workspace) gets a
//    status and leaves the outputs untouched.
// The no-allocation check is in test_no_allocation.cpp (PinvRankNullSpaceRidge).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "solver_checks.hpp"
#include "stela/lstsq.hpp"
#include "stela/ridge.hpp"
#include "stela/subspace.hpp"

namespace stela::test {
namespace {

template <class T>
class SolverInplace : public RatioSuite<SolverInplace<T>, T> {};
TYPED_TEST_SUITE(SolverInplace, Scalars, ScalarName);

// The sizes swept as m and as n (0 is the bad-input test's).
const std::vector<index> kSizes = {1, 2, 3, 5, 10};

template <class T>
double max_n_eps(index m, index n) {
  return static_cast<double>(std::max<index>({m, n, 1})) * static_cast<double>(eps<T>());
}

// kappa_r = s_1 / s_r over the singular values the default rule keeps (1 for rank 0).
template <class T>
double kept_condition(MatrixView<const T> A) {
  const Vector<T> s = singular_values_of<T>(A);
  if (s.empty()) return 1.0;
  const T threshold = rank_threshold<T>(RankTolerance<T>{}, s[0], A.rows(), A.cols());
  const index r = numerical_rank<T>(VectorView<const T>(s), threshold);
  return r > 0 ? static_cast<double>(s[0]) / static_cast<double>(s[r - 1]) : 1.0;
}

// ---------------------------------------------------------------------------------------
// pinv_inplace

// The four Penrose conditions on X = pinv_inplace(A), products in long double, each over
// max(m, n) eps kappa_r (as Pinv.PenroseConditionsAcrossCatalogue, test_lstsq.cpp, says
// why kappa_r), every catalogue type; and X bit for bit pinv(A)'s.
TYPED_TEST(SolverInplace, PinvSatisfiesThePenroseConditions) {
  using T = TypeParam;
  const std::vector<MatrixType> types = all_matrix_types();
  for (std::size_t t = 0; t < types.size(); ++t)
    for (index m : kSizes)
      for (index n : kSizes) {
        const std::uint64_t seed = 41000 + 97 * t + 7 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
        const TestMatrix<T> tm = make_test_matrix<T>(types[t], m, n, seed);
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        Padded<T> P(n, m);
        NanWorkspace work(pinv_workspace_size<T>(m, n));
        index rank = -1;
        ASSERT_EQ(pinv_inplace<T>(tm.A, RankTolerance<T>{}, SvdOptions{}, P.view(), rank, work.workspace()),
                  Status::ok);
        EXPECT_TRUE(P.padding_untouched());
        Result<Matrix<T>> reference = pinv<T>(tm.A);
        ASSERT_TRUE(reference.ok());
        EXPECT_TRUE(same_bits<T>(P.view(), *reference));
        Result<index> r = stela::rank<T>(tm.A);
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(rank, *r);
        const double scale = max_n_eps<T>(m, n) * kept_condition<T>(tm.A);
        const LongMatrix A{MatrixView<const T>(tm.A)}, X{MatrixView<const T>(P.view())};
        const LongMatrix AX = product(A, X), XA = product(X, A);
        const Long a_norm = one_norm(A), x_norm = one_norm(X);
        const double p1 = a_norm > 0 ? static_cast<double>(one_norm(minus(product(AX, A), A)) / a_norm) : 0.0;
        const double p2 = x_norm > 0 ? static_cast<double>(one_norm(minus(product(XA, X), X)) / x_norm) : 0.0;
        EXPECT_RATIO("pinv_inplace: A X A = A", p1 / scale);
        EXPECT_RATIO("pinv_inplace: X A X = X", p2 / scale);
        EXPECT_RATIO("pinv_inplace: (A X)^T = A X", static_cast<double>(one_norm(minus(transposed(AX), AX))) / scale);
        EXPECT_RATIO("pinv_inplace: (X A)^T = X A", static_cast<double>(one_norm(minus(transposed(XA), XA))) / scale);
      }
}

// ---------------------------------------------------------------------------------------
// null_space_inplace and rank_inplace

// N = the first d - r columns of null_space_inplace's output: ||A N||_F / (||A||_F
// max(m, n) eps sqrt(d)) (the dropped singular values are at most max(m, n) eps s_1, and
// there are at most d of them) and ||I - N^T N|| / (d eps); the other columns zero; the
// rank that of rank_inplace; N bit for bit null_space(A)'s without FMA. Every catalogue
// type. With FMA (kMayContract) the bits may differ: null_space's V has ld = d, the
// test's N a wider one, and the bits then depend on ld (seen on aarch64: rank-1 3 x 3
// and 5 x 3 in float; with ld = d here they agree). The likely mechanism: the compiler
// versions a loop on the addresses it touches (vector or scalar) and contracts the two
// versions differently. Then both are checked as bases above.
TYPED_TEST(SolverInplace, NullSpaceIsOrthonormalAndAnnihilatedByA) {
  using T = TypeParam;
  const std::vector<MatrixType> types = all_matrix_types();
  for (std::size_t t = 0; t < types.size(); ++t)
    for (index m : kSizes)
      for (index d : kSizes) {
        const std::uint64_t seed = 42000 + 97 * t + 7 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(d);
        const TestMatrix<T> tm = make_test_matrix<T>(types[t], m, d, seed);
        SCOPED_TRACE(case_name<T>(tm.name, m, d, seed));
        Padded<T> N(d, d);
        NanWorkspace work(null_space_workspace_size<T>(m, d));
        index rank = -1;
        ASSERT_EQ(null_space_inplace<T>(tm.A, RankTolerance<T>{}, SvdOptions{}, N.view(), rank, work.workspace()),
                  Status::ok);
        EXPECT_TRUE(N.padding_untouched());
        NanWorkspace rank_work(rank_workspace_size<T>(m, d));
        index rank_alone = -1;
        ASSERT_EQ(rank_inplace<T>(tm.A, RankTolerance<T>{}, SvdOptions{}, rank_alone, rank_work.workspace()),
                  Status::ok);
        EXPECT_EQ(rank, rank_alone);
        const MatrixView<const T> basis = MatrixView<const T>(N.view()).block(0, 0, d, d - rank);
        for (index j = d - rank; j < d; ++j)
          for (index i = 0; i < d; ++i) EXPECT_EQ(N.view()(i, j), T(0));
        Result<Matrix<T>> reference = null_space<T>(tm.A);
        ASSERT_TRUE(reference.ok());
        EXPECT_EQ(reference->cols(), basis.cols());
        if (!kMayContract) { EXPECT_TRUE(same_bits<T>(basis, *reference)); }
        const LongMatrix A{MatrixView<const T>(tm.A)};
        const Long a_norm = frobenius(A);
        const double annihilated =
            a_norm > 0 ? static_cast<double>(frobenius(product(A, LongMatrix(basis))) / a_norm) : 0.0;
        EXPECT_RATIO("null_space_inplace: ||A N|| / (||A|| max(m,d) eps sqrt(d))",
                     annihilated / (max_n_eps<T>(m, d) * std::sqrt(static_cast<double>(d))));
        EXPECT_RATIO("null_space_inplace: ||I - N^T N|| / (d eps)", orthogonality_ratio<T>(basis));
      }
}

// The rank against the catalogue's prescribed singular values sigma, under three rules
// (the default, relative 1e-3, absolute sigma_1 / 50): the expected rank counts the
// sigma_i above the threshold, for the cases where no sigma_i lies within a factor 10
// of it (the computed values carry errors of about max(m, n) eps sigma_1, which that
// margin covers). Also 2^k A (k = +-40) has the same rank, where 2^k A is exact.
TYPED_TEST(SolverInplace, RankMatchesThePrescribedSingularValues) {
  using T = TypeParam;
  index checked = 0;
  for (MatrixType type : all_matrix_types())
    for (index m : kSizes)
      for (index n : kSizes) {
        const std::uint64_t seed = 43000 + 7 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
        const TestMatrix<T> tm = make_test_matrix<T>(type, m, n, seed);
        if (tm.sigma.empty() || tm.sigma[0] == T(0)) continue;
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        const T s1 = tm.sigma[0];
        for (const RankTolerance<T>& tol :
             {RankTolerance<T>{}, RankTolerance<T>::relative(T(1e-3)), RankTolerance<T>::absolute(s1 / T(50))}) {
          const T threshold = rank_threshold<T>(tol, s1, m, n);
          bool ambiguous = false;
          index expected = 0;
          for (index i = 0; i < tm.sigma.size(); ++i) {
            const T s = tm.sigma[i];
            if (s > threshold / T(10) && s < threshold * T(10)) ambiguous = true;
            if (s > threshold) ++expected;
          }
          if (ambiguous) continue;
          NanWorkspace work(rank_workspace_size<T>(m, n));
          index r = -1;
          ASSERT_EQ(rank_inplace<T>(tm.A, tol, SvdOptions{}, r, work.workspace()), Status::ok);
          EXPECT_EQ(r, expected) << "rtol " << tol.rtol << " atol " << tol.atol;
          ++checked;
          for (int k : {-40, 40}) {
            Matrix<T> B(tm.A), back(tm.A);
            scale_by_power_of_two(k, B.view());
            copy(MatrixView<const T>(B), back.view());
            scale_by_power_of_two(-k, back.view());
            if (!same_bits<T>(back, tm.A)) continue;  // 2^k A overflows or loses bits to underflow
            RankTolerance<T> scaled_tol = tol;
            scaled_tol.atol = std::ldexp(tol.atol, k);
            index rk = -1;
            ASSERT_EQ(rank_inplace<T>(B, scaled_tol, SvdOptions{}, rk, work.workspace()), Status::ok);
            EXPECT_EQ(rk, r) << "2^" << k << " A";
          }
        }
      }
  EXPECT_GT(checked, 100);  // the sweep is not vacuous
}

// ---------------------------------------------------------------------------------------
// ridge_svd_inplace

// The normal equations of ridge, X^T (Y - X W) = lambda W, residual in long double over
// ((||X||_F^2 + lambda) ||W||_F + ||X||_F ||Y||_F) max(n, d) eps; W and the intercept bit
// for bit ridge()'s (with and without an intercept); Gaussian X, three lambdas, tall,
// wide, square and thin shapes, several right-hand sides.
TYPED_TEST(SolverInplace, RidgeSolvesTheRegularisedNormalEquations) {
  using T = TypeParam;
  const index k = 2;
  for (index n : kSizes)
    for (index d : kSizes)
      for (T lambda : {T(0.01), T(1), T(100)})
        for (bool intercept : {false, true}) {
          const std::uint64_t seed = 44000 + 7 * static_cast<std::uint64_t>(n) + static_cast<std::uint64_t>(d);
          SCOPED_TRACE(case_name<T>("gaussian", n, d, seed) + " lambda " + std::to_string(static_cast<double>(lambda)) +
                       (intercept ? " intercept" : ""));
          const Matrix<T> X = random_matrix<T>(n, d, seed), Y = random_matrix<T>(n, k, seed + 1);
          RidgeOptions<T> opts;
          opts.fit_intercept = intercept;
          Padded<T> W(d, k), b(k, 1);
          NanWorkspace work(ridge_svd_workspace_size<T>(n, d, k, opts));
          RidgeInfo<T> info;
          ASSERT_EQ(ridge_svd_inplace<T>(X, Y, lambda, opts, W.view(), b.view().col(0), info, work.workspace()),
                    Status::ok);
          EXPECT_TRUE(W.padding_untouched() && b.padding_untouched());
          Result<RidgeResult<T>> reference = ridge<T>(X, Y, lambda, opts);
          ASSERT_TRUE(reference.ok());
          EXPECT_TRUE(same_bits<T>(W.view(), reference->solution));
          EXPECT_TRUE(same_bits<T>(VectorView<const T>(b.view().col(0)), reference->intercept));
          EXPECT_EQ(info.effective_dof, reference->effective_dof);
          if (intercept) continue;  // the ratio below is that of the uncentred problem
          const LongMatrix XL{MatrixView<const T>(X)}, YL{MatrixView<const T>(Y)}, WL{MatrixView<const T>(W.view())};
          const LongMatrix R = product(XL, minus(YL, product(XL, WL)), true);  // X^T (Y - X W)
          LongMatrix lambda_W = WL;
          for (Long& v : lambda_W.a) v *= static_cast<Long>(lambda);
          const Long x_norm = frobenius(XL);
          const Long scale = (x_norm * x_norm + static_cast<Long>(lambda)) * frobenius(WL) + x_norm * frobenius(YL);
          EXPECT_RATIO("ridge_svd_inplace: normal equations",
                       scale > 0 ? static_cast<double>(frobenius(minus(R, lambda_W)) / scale) / max_n_eps<T>(n, d)
                                 : 0.0);
        }
}

// ---------------------------------------------------------------------------------------
// Bad input

// Each bad input gets its status, in the order of the checks, with every output still
// NaN; the empty problems are ok with the shaped, empty or trivial answers.
TYPED_TEST(SolverInplace, BadInputGetsAStatusAndLeavesTheOutputsUntouched) {
  using T = TypeParam;
  const index n = 6, d = 4, k = 2;
  const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
  const Matrix<T> A = random_matrix<T>(n, d, 45000), Y = random_matrix<T>(n, k, 45001);
  Matrix<T> A_nan(A), Y_inf(Y);
  A_nan(2, 1) = nan;
  Y_inf(0, 1) = inf;
  const RankTolerance<T> bad_tol{-1, -1};
  SvdOptions bad_method;
  bad_method.method = static_cast<SvdMethod>(7);
  const SvdOptions none{};
  const RankTolerance<T> tol{};

  // pinv_inplace
  {
    const WorkspaceSize size = pinv_workspace_size<T>(n, d);
    auto status = [&](const Matrix<T>& M, index rows, index cols, const RankTolerance<T>& t, const SvdOptions& o,
                      bool short_work) {
      Padded<T> P(rows, cols);
      NanWorkspace work = short_work ? NanWorkspace::short_of(size) : NanWorkspace(size);
      index rank = -1;
      const Status s = pinv_inplace<T>(M, t, o, P.view(), rank, work.workspace());
      if (s != Status::ok) {
        for (index j = 0; j < cols; ++j)
          for (index i = 0; i < rows; ++i) EXPECT_TRUE(std::isnan(P.view()(i, j))) << "pinv: P written";
      }
      return s;
    };
    EXPECT_EQ(status(A, n, d, tol, none, false), Status::dimension_mismatch);
    EXPECT_EQ(status(A, d, n, bad_tol, none, false), Status::invalid_argument);
    EXPECT_EQ(status(A, d, n, tol, bad_method, false), Status::invalid_argument);
    EXPECT_EQ(status(A, d, n, tol, none, true), Status::workspace_too_small);
    EXPECT_EQ(status(A_nan, d, n, tol, none, false), Status::not_finite);
    EXPECT_EQ(status(A_nan, n, d, tol, none, false), Status::dimension_mismatch);  // shapes first
  }
  // rank_inplace
  {
    const WorkspaceSize size = rank_workspace_size<T>(n, d);
    NanWorkspace work(size), short_work = NanWorkspace::short_of(size);
    index r = 5;
    EXPECT_EQ(rank_inplace<T>(A, bad_tol, none, r, work.workspace()), Status::invalid_argument);
    EXPECT_EQ(rank_inplace<T>(A, tol, bad_method, r, work.workspace()), Status::invalid_argument);
    EXPECT_EQ(rank_inplace<T>(A, tol, none, r, short_work.workspace()), Status::workspace_too_small);
    EXPECT_EQ(rank_inplace<T>(A_nan, tol, none, r, work.workspace()), Status::not_finite);
    EXPECT_EQ(r, 0);  // no rank on a failure
  }
  // null_space_inplace
  {
    const WorkspaceSize size = null_space_workspace_size<T>(n, d);
    auto status = [&](const Matrix<T>& M, index rows, index cols, const RankTolerance<T>& t, const SvdOptions& o,
                      bool short_work) {
      Padded<T> N(rows, cols);
      NanWorkspace work = short_work ? NanWorkspace::short_of(size) : NanWorkspace(size);
      index rank = -1;
      const Status s = null_space_inplace<T>(M, t, o, N.view(), rank, work.workspace());
      if (s != Status::ok) {
        for (index j = 0; j < cols; ++j)
          for (index i = 0; i < rows; ++i) EXPECT_TRUE(std::isnan(N.view()(i, j))) << "null space: N written";
      }
      return s;
    };
    EXPECT_EQ(status(A, d, d - 1, tol, none, false), Status::dimension_mismatch);
    EXPECT_EQ(status(A, n, d, tol, none, false), Status::dimension_mismatch);
    EXPECT_EQ(status(A, d, d, bad_tol, none, false), Status::invalid_argument);
    EXPECT_EQ(status(A, d, d, tol, bad_method, false), Status::invalid_argument);
    EXPECT_EQ(status(A, d, d, tol, none, true), Status::workspace_too_small);
    EXPECT_EQ(status(A_nan, d, d, tol, none, false), Status::not_finite);
  }
  // ridge_svd_inplace
  {
    const RidgeOptions<T> opts;
    RidgeOptions<T> bad_opts;
    bad_opts.tolerance = bad_tol;
    const WorkspaceSize size = ridge_svd_workspace_size<T>(n, d, k, opts);
    auto status = [&](const Matrix<T>& X, const Matrix<T>& Yv, T lambda, const RidgeOptions<T>& o, index w_rows,
                      index b_size, bool short_work) {
      Padded<T> W(w_rows, Yv.cols()), b(b_size, 1);
      NanWorkspace work = short_work ? NanWorkspace::short_of(size) : NanWorkspace(size);
      RidgeInfo<T> info;
      const Status s = ridge_svd_inplace<T>(X, Yv, lambda, o, W.view(), b.view().col(0), info, work.workspace());
      if (s != Status::ok) {
        for (index j = 0; j < Yv.cols(); ++j)
          for (index i = 0; i < w_rows; ++i) EXPECT_TRUE(std::isnan(W.view()(i, j))) << "ridge: W written";
        for (index i = 0; i < b_size; ++i) EXPECT_TRUE(std::isnan(b.view()(i, 0))) << "ridge: intercept written";
      }
      return s;
    };
    const Matrix<T> Y_short = random_matrix<T>(n - 1, k, 45002);
    EXPECT_EQ(status(A, Y_short, T(1), opts, d, k, false), Status::dimension_mismatch);
    EXPECT_EQ(status(A, Y, T(1), opts, d + 1, k, false), Status::dimension_mismatch);
    EXPECT_EQ(status(A, Y, T(1), opts, d, k + 1, false), Status::dimension_mismatch);
    EXPECT_EQ(status(A, Y, T(1), bad_opts, d, k, false), Status::invalid_argument);
    EXPECT_EQ(status(A, Y, T(-1), opts, d, k, false), Status::invalid_argument);
    EXPECT_EQ(status(A, Y, inf, opts, d, k, false), Status::invalid_argument);
    EXPECT_EQ(status(A, Y, nan, opts, d, k, false), Status::invalid_argument);
    EXPECT_EQ(status(A, Y, T(1), opts, d, k, true), Status::workspace_too_small);
    EXPECT_EQ(status(A_nan, Y, T(1), opts, d, k, false), Status::not_finite);
    EXPECT_EQ(status(A, Y_inf, T(1), opts, d, k, false), Status::not_finite);
  }
}

// Empty problems: pinv of 0 x d and n x 0 is the empty d x 0 or 0 x n; rank 0; the null
// space of 0 x d is all of R^d (N = I), of n x 0 nothing; ridge gives W = 0 and, with
// an intercept, b = mean(Y).
TYPED_TEST(SolverInplace, EmptyProblemsGiveTheShapedTrivialAnswers) {
  using T = TypeParam;
  for (auto [n, d] : {std::pair<index, index>{0, 3}, {3, 0}, {0, 0}}) {
    SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(d));
    const Matrix<T> A(n, d);
    index rank = -1;
    Padded<T> P(d, n);
    NanWorkspace pw(pinv_workspace_size<T>(n, d));
    EXPECT_EQ(pinv_inplace<T>(A, RankTolerance<T>{}, SvdOptions{}, P.view(), rank, pw.workspace()), Status::ok);
    EXPECT_EQ(rank, 0);
    NanWorkspace rw(rank_workspace_size<T>(n, d));
    rank = -1;
    EXPECT_EQ(rank_inplace<T>(A, RankTolerance<T>{}, SvdOptions{}, rank, rw.workspace()), Status::ok);
    EXPECT_EQ(rank, 0);
    Padded<T> N(d, d);
    NanWorkspace nw(null_space_workspace_size<T>(n, d));
    rank = -1;
    EXPECT_EQ(null_space_inplace<T>(A, RankTolerance<T>{}, SvdOptions{}, N.view(), rank, nw.workspace()), Status::ok);
    EXPECT_EQ(rank, 0);
    for (index j = 0; j < d; ++j)
      for (index i = 0; i < d; ++i) EXPECT_EQ(N.view()(i, j), i == j ? T(1) : T(0));
  }
  // ridge on X of 3 x 0 with an intercept: W is 0 x 2, b = mean(Y).
  const Matrix<T> X(3, 0);
  const Matrix<T> Y{{1, 4}, {2, 5}, {6, 9}};
  RidgeOptions<T> opts;
  opts.fit_intercept = true;
  Padded<T> W(0, 2), b(2, 1);
  NanWorkspace work(ridge_svd_workspace_size<T>(3, 0, 2, opts));
  RidgeInfo<T> info;
  ASSERT_EQ(ridge_svd_inplace<T>(X, Y, T(1), opts, W.view(), b.view().col(0), info, work.workspace()), Status::ok);
  EXPECT_NEAR(static_cast<double>(b.view()(0, 0)), 3.0, 1e-6);
  EXPECT_NEAR(static_cast<double>(b.view()(1, 0)), 6.0, 1e-6);
  EXPECT_EQ(info.effective_dof, T(1));
}

}  // namespace
}  // namespace stela::test
