// rank, null_space (svd and cod), range, projector, leverage and general_solution:
// known ranks of catalogue matrices, orthonormal bases that annihilate or span what they
// should (LAPACK-style ratios, threshold 30), projector identities, the general
// solution's members, empty shapes and bad input.
//
// Subspaces are as well determined as the gap below them: the angle between a computed
// and an exact subspace is at most about eps ||A|| / sigma_r (Wedin; GVL 8.6.1), so ratios
// comparing with the catalogue's exact subspaces are divided by kappa_r = sigma_1 / sigma_r.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "solver_checks.hpp"
#include "stela/lstsq.hpp"
#include "stela/subspace.hpp"

namespace stela::test {
namespace {

template <class T>
class Subspace : public RatioSuite<Subspace<T>, T> {};
TYPED_TEST_SUITE(Subspace, Scalars, ScalarName);

// The catalogue members whose numerical rank is known: every type with a known exact
// rank whose smallest nonzero singular value stands far above the default threshold
// (the xLATMS modes at kappa 1/sqrt(eps), rank_deficient at 1e-2, Läuchli at
// delta = sqrt(eps)), plus rank_deficient at ranks 0, 1 and r - 1, and Läuchli with
// delta = eps (numerically rank 1). At 50 x 50 only the types of in_big_square_subset.
template <class T>
std::vector<TestMatrix<T>> known_rank_matrices(index m, index n, std::uint64_t seed) {
  std::vector<TestMatrix<T>> out;
  for (MatrixType type : all_matrix_types()) {
    if (sweep_skips(type, m, n)) continue;
    TestMatrix<T> tm = make_test_matrix<T>(type, m, n, seed++);
    if (tm.rank >= 0) out.push_back(std::move(tm));
  }
  const index r = std::min(m, n);
  for (index rank : {index(0), index(1), r - 1}) {
    if (rank < 0 || rank > r) continue;
    CatalogueOptions copts;
    copts.rank = rank;
    out.push_back(make_test_matrix<T>(MatrixType::rank_deficient, m, n, seed++, copts));
  }
  CatalogueOptions tiny;
  tiny.delta = static_cast<double>(eps<T>());
  TestMatrix<T> lauchli = make_test_matrix<T>(MatrixType::lauchli, m, n, seed++, tiny);
  if (lauchli.rank >= 0) {
    lauchli.rank = std::min<index>(lauchli.rank, 1);  // delta is below the threshold
    out.push_back(std::move(lauchli));
  }
  return out;
}

// dot runs one loop for unit strides and another for any other, and the compiler may
// contract the two differently (GCC on x86-64 with FMA adds the SIMD products of the
// unit-stride loop unfused and fuses the strided one), so under FMA (kMayContract) a
// result formed from a strided vector may differ in the last bits from the contiguous
// one; without FMA they are the same bits.

// kappa_r of a known-rank catalogue matrix (1 for rank 0).
template <class T>
double kappa_r(const TestMatrix<T>& tm, index rank) {
  if (rank <= 0 || tm.sigma.size() < rank) return 1;
  return kappa_of<T>(tm.sigma, rank);
}

TYPED_TEST(Subspace, RankOfCatalogueMatricesWithKnownRank) {
  using T = TypeParam;
  for (index m : small_sizes())
    for (index n : small_sizes()) {
      const std::uint64_t seed = 20000 + 100 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
      for (const TestMatrix<T>& tm : known_rank_matrices<T>(m, n, seed)) {
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        Result<index> r = rank<T>(tm.A);
        ASSERT_TRUE(r.ok()) << to_string(r.status());
        EXPECT_EQ(*r, tm.rank);
      }
    }
  // The tolerance moves the count: sigma = 1, 1e-1, 1e-2, 1e-3 (and zeros), 8 x 6.
  Rng rng(20999);
  const Vector<T> sigma{T(1), T(1e-1), T(1e-2), T(1e-3), T(0), T(0)};
  const FactoredMatrix<T> F = with_singular_values<T>(rng, 8, 6, sigma);
  EXPECT_EQ(*rank<T>(F.A), 4);
  EXPECT_EQ(*rank<T>(F.A, RankTolerance<T>::absolute(0.05)), 2);
  EXPECT_EQ(*rank<T>(F.A, RankTolerance<T>::relative(0.005)), 3);
  EXPECT_EQ(*rank<T>(F.A, RankTolerance<T>{0.5, 0.05}), 1);  // the larger of the two wins
  EXPECT_EQ(*rank<T>(F.A, RankTolerance<T>::absolute(2)), 0);
}

// null_space by svd and by cod: orthonormal (LAPACK's ratio), annihilated by A
// (||A N|| / (||A|| max(m, n) eps)), of dimension d - rank, and orthogonal to the exact
// row space V(:, 0:rank) (||V_r^T N|| / (max(m, n) eps kappa_r)).
TYPED_TEST(Subspace, NullSpaceIsOrthonormalAndAnnihilated) {
  using T = TypeParam;
  for (SubspaceMethod method : {SubspaceMethod::svd, SubspaceMethod::cod})
    for (index m : small_sizes())
      for (index n : small_sizes()) {
        const std::uint64_t seed = 21000 + 100 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
        for (const TestMatrix<T>& tm : known_rank_matrices<T>(m, n, seed)) {
          SCOPED_TRACE(case_name<T>(tm.name, m, n, seed) + " " + method_name(method));
          Result<Matrix<T>> N = null_space<T>(tm.A, RankTolerance<T>{}, method);
          ASSERT_TRUE(N.ok()) << to_string(N.status());
          ASSERT_EQ(N->rows(), n);
          ASSERT_EQ(N->cols(), n - tm.rank);
          const std::string tag = std::string(method_name(method)) + " ";
          EXPECT_RATIO(tag + "orthogonality of N", orthogonality_ratio<T>(*N));
          if (m == 0 || N->cols() == 0) continue;
          const LongMatrix A{MatrixView<const T>(tm.A)}, L{MatrixView<const T>(*N)};
          const Long a = one_norm(A);
          const double scale = static_cast<double>(std::max(m, n)) * static_cast<double>(eps<T>());
          if (a > 0) EXPECT_RATIO(tag + "||A N|| / (||A|| max eps)", static_cast<double>(one_norm(product(A, L)) / a) / scale);
          if (tm.rank > 0 && tm.V.cols() >= tm.rank) {
            const LongMatrix Vr{MatrixView<const T>(tm.V).col_block(0, tm.rank)};
            EXPECT_RATIO(tag + "||V_r^T N|| / (max eps kappa_r)",
                         static_cast<double>(one_norm(product(Vr, L, true, false))) / (scale * kappa_r(tm, tm.rank)));
          }
        }
      }
}

// range: orthonormal columns, rank of them, containing every column of A
// (||A - Q Q^T A|| / (||A|| max eps)), and the same projector as the exact U_r
// (||Q Q^T - U_r U_r^T|| / (max eps kappa_r)).
TYPED_TEST(Subspace, RangeSpansTheColumnSpace) {
  using T = TypeParam;
  for (index m : small_sizes())
    for (index n : small_sizes()) {
      const std::uint64_t seed = 22000 + 100 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
      for (const TestMatrix<T>& tm : known_rank_matrices<T>(m, n, seed)) {
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        Result<Matrix<T>> Q = range<T>(tm.A);
        ASSERT_TRUE(Q.ok()) << to_string(Q.status());
        ASSERT_EQ(Q->rows(), m);
        ASSERT_EQ(Q->cols(), tm.rank);
        EXPECT_RATIO("orthogonality of range", orthogonality_ratio<T>(*Q));
        if (m == 0 || n == 0) continue;
        const LongMatrix A{MatrixView<const T>(tm.A)}, L{MatrixView<const T>(*Q)};
        const LongMatrix P = product(L, L, false, true);
        const Long a = one_norm(A);
        const double scale = static_cast<double>(std::max(m, n)) * static_cast<double>(eps<T>());
        if (a > 0) EXPECT_RATIO("||A - Q Q^T A|| / (||A|| max eps)", static_cast<double>(one_norm(minus(A, product(P, A))) / a) / scale);
        if (tm.U.cols() >= tm.rank && tm.U.rows() == m) {
          const LongMatrix Ur{MatrixView<const T>(tm.U).col_block(0, tm.rank)};
          EXPECT_RATIO("||Q Q^T - U_r U_r^T|| / (max eps kappa_r)",
                       static_cast<double>(one_norm(minus(P, product(Ur, Ur, false, true)))) / (scale * kappa_r(tm, tm.rank)));
        }
      }
    }
}

// projector: symmetric, idempotent, P A = A (ratios over m eps, m eps, ||A|| max eps),
// and trace rank; leverage: the diagonal of the projector, each in [0, 1], summing to
// the rank (all within 30 m eps).
TYPED_TEST(Subspace, ProjectorAndLeverageAreTheHatMatrix) {
  using T = TypeParam;
  for (index m : small_sizes())
    for (index n : small_sizes()) {
      const std::uint64_t seed = 23000 + 100 * static_cast<std::uint64_t>(m) + static_cast<std::uint64_t>(n);
      for (const TestMatrix<T>& tm : known_rank_matrices<T>(m, n, seed)) {
        SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
        Result<Matrix<T>> P = projector<T>(tm.A);
        Result<Vector<T>> h = leverage<T>(tm.A);
        ASSERT_TRUE(P.ok()) << to_string(P.status());
        ASSERT_TRUE(h.ok()) << to_string(h.status());
        ASSERT_EQ(P->rows(), m);
        ASSERT_EQ(P->cols(), m);
        ASSERT_EQ(h->size(), m);
        if (m == 0) continue;
        const double me = static_cast<double>(m) * static_cast<double>(eps<T>());
        const LongMatrix L{MatrixView<const T>(*P)}, A{MatrixView<const T>(tm.A)};
        EXPECT_RATIO("||P - P^T|| / (m eps)", static_cast<double>(one_norm(minus(L, transposed(L)))) / me);
        EXPECT_RATIO("||P P - P|| / (m eps)", static_cast<double>(one_norm(minus(product(L, L), L))) / me);
        const Long a = one_norm(A);
        if (a > 0) {
          EXPECT_RATIO("||P A - A|| / (||A|| max eps)",
                       static_cast<double>(one_norm(minus(product(L, A), A)) / a) /
                           (static_cast<double>(std::max(m, n)) * static_cast<double>(eps<T>())));
        }
        Long trace = 0, sum = 0;
        double diag = 0;
        for (index i = 0; i < m; ++i) {
          trace += L(i, i);
          sum += (*h)[i];
          diag = std::max(diag, static_cast<double>(std::fabs(static_cast<Long>((*h)[i]) - L(i, i))));
          EXPECT_GE((*h)[i], T(0));
          EXPECT_LE((*h)[i], T(1) + 30 * static_cast<T>(me));
        }
        EXPECT_RATIO("|leverage - diag(P)| / (m eps)", diag / me);
        EXPECT_RATIO("|sum leverage - rank| / (m eps rank)",
                     static_cast<double>(std::fabs(sum - tm.rank)) / (me * std::max<index>(tm.rank, 1)));
        EXPECT_RATIO("|trace P - rank| / (m eps rank)",
                     static_cast<double>(std::fabs(trace - tm.rank)) / (me * std::max<index>(tm.rank, 1)));
      }
    }
}

// general_solution: the particular solution is lstsq's svd solution (within
// 30 max eps kappa_r), orthogonal to the null basis (||N^T w0|| / (||w0|| max eps
// kappa_r)); the null basis is orthonormal with d - rank columns; every member at(t)
// has the particular solution's residual (|  ||y - X w(t)|| - ||y - X w0||  | over
// max eps (||X|| ||w(t)|| + ||y||)).
TYPED_TEST(Subspace, GeneralSolutionMembersAllMinimiseTheResidual) {
  using T = TypeParam;
  struct Case {
    MatrixType type;
    index m, n, rank;
  };
  const Case cases[] = {{MatrixType::rank_deficient, 12, 6, 3}, {MatrixType::rank_deficient, 6, 6, 4},
                        {MatrixType::rank_deficient, 5, 9, 2}, {MatrixType::gaussian, 4, 10, -1},
                        {MatrixType::identity, 5, 8, -1},      {MatrixType::zero, 4, 3, -1},
                        {MatrixType::geometric, 10, 4, -1},    {MatrixType::rank_deficient, 50, 10, 7},
                        {MatrixType::rank_deficient, 1, 5, 1}, {MatrixType::gaussian, 5, 1, -1}};
  std::uint64_t seed = 24000;
  for (const Case& c : cases) {
    CatalogueOptions copts;
    copts.rank = c.rank;
    copts.kappa = 1e3;
    const TestMatrix<T> tm = make_test_matrix<T>(c.type, c.m, c.n, ++seed, copts);
    const index m = c.m, n = c.n;
    const index rank = tm.rank >= 0 ? tm.rank : std::min(m, n);
    SCOPED_TRACE(case_name<T>(tm.name, m, n, seed));
    const Problem<T> p = make_problem(tm, 1, false, seed);
    const Vector<T> y(p.Y.col(0));
    Result<SolutionSet<T>> S = general_solution<T>(tm.A, y);
    ASSERT_TRUE(S.ok()) << to_string(S.status());
    EXPECT_EQ(S->rank, rank);
    ASSERT_EQ(S->particular.size(), n);
    ASSERT_EQ(S->null_basis.rows(), n);
    ASSERT_EQ(S->null_basis.cols(), n - rank);
    EXPECT_RATIO("orthogonality of null_basis", orthogonality_ratio<T>(S->null_basis));
    const double scale = static_cast<double>(std::max(m, n)) * static_cast<double>(eps<T>());
    const double kappa = tm.sigma.size() >= rank && rank > 0 ? kappa_r(tm, rank) : 1.0;
    Result<LstsqResult<T>> fit = lstsq<T>(tm.A, y);
    ASSERT_TRUE(fit.ok());
    EXPECT_RATIO("particular vs lstsq / (max eps kappa_r)",
                 relative_difference<T>(S->particular, fit->solution.col(0)) / (scale * kappa));
    const Long w0 = nrm2(VectorView<const T>(S->particular));
    if (w0 > 0 && n > rank) {
      const LongMatrix N{MatrixView<const T>(S->null_basis)};
      LongMatrix W(n, 1);
      for (index i = 0; i < n; ++i) W(i, 0) = S->particular[i];
      EXPECT_RATIO("||N^T w0|| / (||w0|| max eps kappa_r)",
                   static_cast<double>(frobenius(product(N, W, true, false)) / w0) / (scale * kappa));
    }
    // Members: residuals equal to the particular one's.
    const Long x_norm = frobenius(LongMatrix(MatrixView<const T>(tm.A)));
    auto residual_of = [&](VectorView<const T> w) {
      const Matrix<T> Wm(MatrixView<const T>(w.data(), w.size(), 1, std::max<index>(1, w.size())));
      return column_norm(residual<T>(tm.A, Wm, p.Y), 0);
    };
    const Long r0 = m > 0 && n > 0 ? residual_of(S->particular) : frobenius(LongMatrix(MatrixView<const T>(p.Y)));
    for (int trial = 0; trial < 3; ++trial) {
      const Matrix<T> t = random_matrix<T>(n - rank, 1, seed * 10 + static_cast<std::uint64_t>(trial));
      const Vector<T> t_scaled = [&] {
        Vector<T> v(t.col(0));
        scal(T(1 + 10 * trial), v.view());  // members far from the particular one
        return v;
      }();
      Result<Vector<T>> member = S->at(t_scaled);
      ASSERT_EQ(member.status(), Status::ok);
      const Vector<T>& w = *member;
      ASSERT_EQ(w.size(), n);
      if (m == 0 || n == 0) continue;
      const Long rt = residual_of(w);
      const Long bound = (x_norm * nrm2(VectorView<const T>(w)) + nrm2(VectorView<const T>(y))) * static_cast<Long>(scale);
      EXPECT_RATIO("| ||r(t)|| - ||r(0)|| | / (max eps (||X|| ||w(t)|| + ||y||))",
                   static_cast<double>(std::fabs(rt - r0) / bound));
    }
  }
}

// 0 x n and n x 0, n in {0, 3}: rank 0; the null space of a 0 x n matrix is all of
// R^n (an orthonormal n x n basis), that of n x 0 empty; range n x 0, projector and
// leverage zero; the general solution's particular part is zero.
TYPED_TEST(Subspace, EmptyShapes) {
  using T = TypeParam;
  for (auto [m, n] : {std::pair<index, index>{0, 0}, {0, 3}, {3, 0}}) {
    SCOPED_TRACE(case_name<T>("empty", m, n, 0));
    const Matrix<T> A(m, n);
    EXPECT_EQ(*rank<T>(A), 0);
    for (SubspaceMethod method : {SubspaceMethod::svd, SubspaceMethod::cod}) {
      Result<Matrix<T>> N = null_space<T>(A, RankTolerance<T>{}, method);
      ASSERT_TRUE(N.ok()) << method_name(method) << " " << to_string(N.status());
      EXPECT_EQ(N->rows(), n) << method_name(method);
      EXPECT_EQ(N->cols(), n) << method_name(method);
      EXPECT_LT(orthogonality_ratio<T>(*N), kThreshold) << method_name(method);
    }
    Result<Matrix<T>> Q = range<T>(A);
    ASSERT_TRUE(Q.ok());
    EXPECT_EQ(Q->rows(), m);
    EXPECT_EQ(Q->cols(), 0);
    Result<Matrix<T>> P = projector<T>(A);
    ASSERT_TRUE(P.ok());
    EXPECT_TRUE(same_bits<T>(*P, Matrix<T>(m, m)));
    Result<Vector<T>> h = leverage<T>(A);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(same_bits<T>(*h, Vector<T>(m)));
    const Vector<T> y(m, T(1));
    Result<SolutionSet<T>> S = general_solution<T>(A, y);
    ASSERT_TRUE(S.ok());
    EXPECT_EQ(S->rank, 0);
    EXPECT_TRUE(same_bits<T>(S->particular, Vector<T>(n)));
    EXPECT_EQ(S->null_basis.rows(), n);
    EXPECT_EQ(S->null_basis.cols(), n);
    EXPECT_LT(orthogonality_ratio<T>(S->null_basis), kThreshold);
  }
}

// NaN or Inf gives not_finite, a bad tolerance invalid_argument, a y of the wrong size
// dimension_mismatch, at every entry point; the input is left as it was.
TYPED_TEST(Subspace, BadInputIsRejected) {
  using T = TypeParam;
  const Matrix<T> A0 = random_matrix<T>(6, 4, 25000);
  const Vector<T> y0(Matrix<T>(random_matrix<T>(6, 1, 25001)).col(0));
  const RankTolerance<T> bad_tolerances[] = {{-1, -1}, {std::numeric_limits<T>::quiet_NaN(), -1}, {std::numeric_limits<T>::infinity(), -1}, {0, std::numeric_limits<T>::quiet_NaN()}, {0, std::numeric_limits<T>::infinity()}};
  auto statuses = [](MatrixView<const T> A, VectorView<const T> y, const RankTolerance<T>& tol) {
    return std::vector<Status>{rank<T>(A, tol).status(),
                               null_space<T>(A, tol, SubspaceMethod::svd).status(),
                               null_space<T>(A, tol, SubspaceMethod::cod).status(),
                               range<T>(A, tol).status(),
                               projector<T>(A, tol).status(),
                               leverage<T>(A, tol).status(),
                               general_solution<T>(A, y, tol).status()};
  };
  const char* names[] = {"rank", "null_space svd", "null_space cod", "range", "projector", "leverage",
                         "general_solution"};
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()}) {
    Matrix<T> A = A0;
    A(5, 3) = bad;
    const Matrix<T> before = A;
    const std::vector<Status> st = statuses(A, y0, RankTolerance<T>{});
    for (std::size_t i = 0; i < st.size(); ++i) EXPECT_EQ(st[i], Status::not_finite) << names[i];
    EXPECT_TRUE(same_bits<T>(A, before));
    Vector<T> y = y0;
    y[2] = bad;
    EXPECT_EQ(general_solution<T>(A0, y).status(), Status::not_finite);
  }
  for (const RankTolerance<T>& tol : bad_tolerances) {
    const std::vector<Status> st = statuses(A0, y0, tol);
    for (std::size_t i = 0; i < st.size(); ++i)
      EXPECT_EQ(st[i], Status::invalid_argument) << names[i] << " atol " << tol.atol << " rtol " << tol.rtol;
  }
  const Vector<T> y_short(5, T(1));
  EXPECT_EQ(general_solution<T>(A0, y_short).status(), Status::dimension_mismatch);
  Vector<T> y_short_nan = y_short;
  y_short_nan[0] = nan<T>();
  EXPECT_EQ(general_solution<T>(A0, y_short_nan).status(), Status::dimension_mismatch);  // shapes first
}

// Regression (issue 6): SolutionSet::at(t) checked the length of t only with a debug
// assert; a release build ran the gemv, ignored its dimension_mismatch and returned w0
// as if t had been applied. Now a t of the wrong length (shorter, longer, empty) is
// dimension_mismatch, checked before a NaN or Inf in t (not_finite); the right length
// gives w0 + N t. Rank-2 X (3 x 3 and 5 x 8) so that N has 1 and 6 columns.
TYPED_TEST(Subspace, RegressionIssue6AtRejectsAParameterOfTheWrongLength) {
  using T = TypeParam;
  CatalogueOptions copts;
  copts.rank = 2;
  for (auto [m, n] : {std::pair<index, index>{3, 3}, {5, 8}}) {
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, m, n, 25500, copts);
    SCOPED_TRACE(case_name<T>(tm.name, m, n, 25500));
    const Vector<T> y(Matrix<T>(random_matrix<T>(m, 1, 25501)).col(0));
    Result<SolutionSet<T>> S = general_solution<T>(tm.A, y);
    ASSERT_TRUE(S.ok());
    const index free = n - 2;
    ASSERT_EQ(S->null_basis.cols(), free);
    for (index length : {index(0), free - 1, free + 1, 2 * free + 3}) {
      if (length == free) continue;
      const Vector<T> t(length, T(1));
      EXPECT_EQ(S->at(t).status(), Status::dimension_mismatch) << "t of length " << length;
      Vector<T> t_nan(length, T(1));
      if (length > 0) t_nan[0] = nan<T>();
      EXPECT_EQ(S->at(t_nan).status(), Status::dimension_mismatch) << "shapes first, length " << length;
    }
    for (T bad : {nan<T>(), std::numeric_limits<T>::infinity()}) {
      Vector<T> t(free, T(1));
      t[free - 1] = bad;
      EXPECT_EQ(S->at(t).status(), Status::not_finite);
    }
    // The right length: w0 + N t, and t = 0 gives w0 exactly.
    const Vector<T> t(free, T(2));
    Result<Vector<T>> w = S->at(t);
    ASSERT_EQ(w.status(), Status::ok);
    ASSERT_EQ(w->size(), n);
    for (index i = 0; i < n; ++i) {
      Long expected = S->particular[i], magnitude = std::fabs(S->particular[i]);
      for (index j = 0; j < free; ++j) {
        expected += 2.0L * S->null_basis(i, j);
        magnitude += 2.0L * std::fabs(S->null_basis(i, j));
      }
      // One gemv row: |error| <= (free + 1) eps (|w0_i| + sum_j |N_ij t_j|) (Higham 3.5).
      EXPECT_LT(static_cast<double>(std::fabs((*w)[i] - expected) / (magnitude * (free + 1))), kThreshold * eps<T>())
          << "entry " << i;
    }
    Result<Vector<T>> w0 = S->at(Vector<T>(free));
    ASSERT_TRUE(w0.ok());
    EXPECT_TRUE(same_bits<T>(*w0, S->particular));
  }
}

// A and y as views inside NaN-padded storage (leading dimension m + 3, y with stride 2):
// every function gives bit for bit what it gives on contiguous input, so the padding is
// never read.
TYPED_TEST(Subspace, PaddedInputsGiveTheSameAnswer) {
  using T = TypeParam;
  for (auto [m, n] : {std::pair<index, index>{7, 4}, {4, 7}, {5, 5}}) {
    SCOPED_TRACE(case_name<T>("rank_deficient", m, n, 26000));
    CatalogueOptions copts;
    copts.rank = 3;
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, m, n, 26000, copts);
    const Matrix<T> A = tm.A;
    Padded<T> Ap = Padded<T>::from(A);
    const MatrixView<const T> P = Ap.view();
    const Vector<T> y(Matrix<T>(random_matrix<T>(m, 1, 26001)).col(0));
    std::vector<T> y_store(static_cast<std::size_t>(2 * m), nan<T>());
    for (index i = 0; i < m; ++i) y_store[static_cast<std::size_t>(2 * i)] = y[i];
    const VectorView<const T> yp(y_store.data(), m, 2);
    EXPECT_EQ(*rank<T>(P), *rank<T>(A));
    for (SubspaceMethod method : {SubspaceMethod::svd, SubspaceMethod::cod})
      EXPECT_TRUE(same_bits<T>(*null_space<T>(P, RankTolerance<T>{}, method), *null_space<T>(A, RankTolerance<T>{}, method)));
    EXPECT_TRUE(same_bits<T>(*range<T>(P), *range<T>(A)));
    EXPECT_TRUE(same_bits<T>(*projector<T>(P), *projector<T>(A)));
    EXPECT_TRUE(same_bits<T>(*leverage<T>(P), *leverage<T>(A)));
    Result<SolutionSet<T>> Sp = general_solution<T>(P, yp), S = general_solution<T>(A, y);
    ASSERT_TRUE(Sp.ok() && S.ok());
    // The particular solution is formed from dot(u_j, y), here with a strided y: the same
    // bits without FMA, within max eps kappa_r of each other with it (kMayContract).
    // Everything else runs the same unit-stride loops on the padded and the plain
    // matrix (only the leading dimension differs), and is the same bits with FMA too.
    if (kMayContract) {
      const double scale = static_cast<double>(std::max(m, n)) * static_cast<double>(eps<T>());
      EXPECT_RATIO("strided vs contiguous particular / (max eps kappa_r)",
                   relative_difference<T>(Sp->particular, S->particular) / (scale * kappa_r(tm, 3)));
    } else {
      EXPECT_TRUE(same_bits<T>(Sp->particular, S->particular));
    }
    EXPECT_TRUE(same_bits<T>(Sp->null_basis, S->null_basis));
    EXPECT_TRUE(Ap.padding_untouched());
  }
}

// Every basis has the entry of largest magnitude of each column positive (subspace.hpp,
// "Signs"), whichever function and method computed it; the null spaces by SVD and by COD
// of a matrix with a one-dimensional null space are then the same vector, not opposite.
TYPED_TEST(Subspace, EveryBasisHasItsLargestEntryPositive) {
  using T = TypeParam;
  const auto largest_positive = [](const Matrix<T>& B) {
    for (index j = 0; j < B.cols(); ++j) {
      const index i = iamax(VectorView<const T>(B.col(j)));
      if (i >= 0 && !(B(i, j) > T(0))) return false;
    }
    return true;
  };
  index seed = 26500;
  for (auto [m, n, r] : {std::tuple<index, index, index>{7, 4, 3}, {4, 7, 3}, {6, 6, 5}, {9, 5, 2}, {3, 3, 2}}) {
    SCOPED_TRACE(case_name<T>("rank_deficient", m, n, seed));
    CatalogueOptions copts;
    copts.rank = r;
    const Matrix<T> A = make_test_matrix<T>(MatrixType::rank_deficient, m, n, seed++, copts).A;
    const Vector<T> y(Matrix<T>(random_matrix<T>(m, 1, seed++)).col(0));
    Result<Matrix<T>> Nsvd = null_space<T>(A, RankTolerance<T>{}, SubspaceMethod::svd);
    Result<Matrix<T>> Ncod = null_space<T>(A, RankTolerance<T>{}, SubspaceMethod::cod);
    Result<Matrix<T>> R = range<T>(A);
    Result<SolutionSet<T>> S = general_solution<T>(A, y);
    ASSERT_TRUE(Nsvd.ok() && Ncod.ok() && R.ok() && S.ok());
    EXPECT_TRUE(largest_positive(*Nsvd));
    EXPECT_TRUE(largest_positive(*Ncod));
    EXPECT_TRUE(largest_positive(*R));
    EXPECT_TRUE(largest_positive(S->null_basis));
    if (Nsvd->cols() == 1 && Ncod->cols() == 1) {
      // One null vector: both routes give it with the same sign, to rounding.
      T diff = 0;
      for (index i = 0; i < n; ++i) diff = std::max(diff, std::abs((*Nsvd)(i, 0) - (*Ncod)(i, 0)));
      EXPECT_LT(diff, T(1000) * static_cast<T>(n) * eps<T>());
    }
  }
}

}  // namespace
}  // namespace stela::test
