// Householder QR (blocked and unblocked), applying and forming Q, and the QR solve:
// LAPACK's scaled ratios over the matrix catalogue and the shapes that break code
// (0, 1, odd sizes, both sides of the block size and of the crossover), in padded
// NaN-filled storage, with NaN-filled workspace; bad input at every entry point.
#include <algorithm>
#include <cmath>

#include "qr_checks.hpp"

namespace stela::test {
namespace {

template <class T>
class HouseholderQr : public RatioSuite<HouseholderQr<T>, T> {};
TYPED_TEST_SUITE(HouseholderQr, Scalars, ScalarName);

// No panels at all: every routine takes its reflector-by-reflector path.
constexpr QrBlocking kUnblocked{QrBlocking::kBlockSize, std::numeric_limits<index>::max()};

const char* side_name(Side s) { return s == Side::left ? "left" : "right"; }
const char* applied_q_name(Op o) { return o == Op::none ? "Q" : "Q^T"; }

// Factor A with the low level in padded NaN storage; form the thin and the full Q with
// NaN everywhere they must not read; apply Q and Q^T from both sides; check every ratio.
// `thorough` compares with long-double products of the formed full Q; otherwise (big
// shapes) the blocked results are compared with the unblocked ones.
template <class Fixture, class T>
void check_factorization(MatrixView<const T> A, QrBlocking blocking, index extra_columns, bool unblocked = false,
                         bool thorough = true, int only_combination = -1) {
  using TestFixture = Fixture;
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  Padded<T> F = Padded<T>::from(A);
  Padded<T> tau_store(2, k);  // tau is row 1: a strided vector inside NaN
  VectorView<T> tau = tau_store.view().row(1);
  NanWorkspace ws(householder_qr_workspace_size<T>(m, n, blocking));
  const Status status = unblocked ? householder_qr_unblocked_inplace(F.view(), tau, ws.workspace())
                                  : householder_qr_inplace(F.view(), tau, ws.workspace(), blocking);
  ASSERT_EQ(status, Status::ok);
  EXPECT_TRUE(F.padding_untouched());
  // tau = 0 (H = I) or 1 <= tau <= 2 (LAPACK's convention).
  for (index j = 0; j < k; ++j)
    EXPECT_TRUE(tau[j] == T(0) || (tau[j] >= T(1) - 4 * eps<T>() && tau[j] <= T(2) + 4 * eps<T>())) << tau[j];

  const MatrixView<const T> factors = F.view();
  const Matrix<T> R = upper_part(factors, k);

  // Thin Q, formed in place over a copy of the reflectors.
  Padded<T> Q = Padded<T>::from(factors.col_block(0, k));
  NanWorkspace ws_q(qr_form_q_workspace_size<T>(m, k, blocking));
  ASSERT_EQ(qr_form_q_inplace(Q.view(), VectorView<const T>(tau), ws_q.workspace(), blocking), Status::ok);
  EXPECT_TRUE(Q.padding_untouched());
  EXPECT_RATIO("factorization ||A-QR||", factorization_ratio(A, MatrixView<const T>(Q.view()), MatrixView<const T>(R)));
  EXPECT_RATIO("orthogonality thin Q", orthogonality_ratio<T>(Q.view()));

  if (!thorough) {
    // Big shapes: the thin Q against the one formed reflector by reflector, whose code
    // is the one the small shapes verify against long-double products. (The full Q's
    // blocked branch, slices included, runs in SmallBlocksTakeEveryBlockedBranch.)
    Matrix<T> Qu(m, k, nan<T>());
    copy(factors.col_block(0, k), Qu.view());
    ASSERT_EQ(qr_form_q_inplace(Qu.view(), VectorView<const T>(tau), Workspace(), kUnblocked), Status::ok);
    EXPECT_RATIO("blocked equals unblocked",
                 agreement_ratio(MatrixView<const T>(Q.view()), LongMatrix(MatrixView<const T>(Qu)), m));
  }
  // Full Q: columns k..m-1 start as NaN and must not be read.
  Padded<T> Qf(m, thorough ? m : 0);
  if (thorough) {
    copy(factors.col_block(0, k), Qf.view().col_block(0, k));
    NanWorkspace ws_qf(qr_form_q_workspace_size<T>(m, k, blocking));
    ASSERT_EQ(qr_form_q_inplace(Qf.view(), VectorView<const T>(tau), ws_qf.workspace(), blocking), Status::ok);
    EXPECT_TRUE(Qf.padding_untouched());
    EXPECT_RATIO("full Q extends thin Q", agreement_ratio(MatrixView<const T>(Qf.view().col_block(0, k)),
                                                          LongMatrix(MatrixView<const T>(Q.view())), m));
    EXPECT_RATIO("orthogonality full Q", orthogonality_ratio<T>(Qf.view()));
  }

  // op(Q) C and C op(Q): against the formed full Q in long double (small shapes), or
  // against the reflector-by-reflector application (big shapes), for a few and for many
  // vectors.
  const LongMatrix q_full = thorough ? LongMatrix(MatrixView<const T>(Qf.view())) : LongMatrix();
  for (index w : {index(3), extra_columns}) {
    if (w <= 0 || (!thorough && w <= blocking.apply_crossover)) continue;
    int combination = 0;
    for (Side side : {Side::left, Side::right})
      for (Op trans : {Op::none, Op::transpose}) {
        if (only_combination >= 0 && combination++ != only_combination) continue;
        SCOPED_TRACE(testing::Message() << side_name(side) << " " << applied_q_name(trans) << " width " << w);
        const bool left = side == Side::left;
        const Matrix<T> C0 = left ? random_matrix<T>(m, w, 77) : random_matrix<T>(w, m, 77);
        Padded<T> C = Padded<T>::from(C0);
        NanWorkspace ws_c(qr_apply_q_workspace_size<T>(side, C0.rows(), C0.cols(), k, blocking));
        ASSERT_EQ(qr_apply_q_inplace(side, trans, factors, VectorView<const T>(tau), C.view(), ws_c.workspace(), blocking),
                  Status::ok);
        EXPECT_TRUE(C.padding_untouched());
        if (thorough) {
          const bool qt = trans == Op::transpose;
          const LongMatrix expected =
              left ? product(q_full, LongMatrix(C0), qt, false) : product(LongMatrix(C0), q_full, false, qt);
          EXPECT_RATIO("applied Q equals formed Q", agreement_ratio(MatrixView<const T>(C.view()), expected, m));
        } else {
          Matrix<T> Cu = C0;
          NanWorkspace ws_u(qr_apply_q_workspace_size<T>(side, C0.rows(), C0.cols(), k, kUnblocked));
          ASSERT_EQ(qr_apply_q_inplace(side, trans, factors, VectorView<const T>(tau), Cu.view(), ws_u.workspace(), kUnblocked),
                    Status::ok);
          EXPECT_RATIO("blocked equals unblocked",
                       agreement_ratio(MatrixView<const T>(C.view()), LongMatrix(MatrixView<const T>(Cu)), m));
        }
      }
  }
}

TYPED_TEST(HouseholderQr, FactorsEveryCatalogueTypeAndShape) {
  using T = TypeParam;
  const auto check = [](const TestMatrix<T>& tm, Shape shape, std::uint64_t seed) {
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
    check_factorization<TestFixture, T>(tm.A, QrBlocking{}, 0);
  };
  for_each_catalogue_case<T>(small_sizes(), 1000, {}, check);
}

// Both sides of the block size (32) and of 128, for the whole catalogue: at the default
// block size and with no crossover, these sizes take the blocked path of the
// factorization, of forming Q and (with 33 vectors) of applying Q: partial last panels
// at 127 and 129, a single-column last panel at 257. Q and Q^T from the left and the
// right are checked in turn, one combination per case, against the unblocked code.
TYPED_TEST(HouseholderQr, SlowFactorsEveryCatalogueTypeAcrossTheBlockEdges) {
  using T = TypeParam;
  int count = 0;
  const auto check = [&count](const TestMatrix<T>& tm, Shape shape, std::uint64_t seed) {
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
    check_factorization<TestFixture, T>(tm.A, QrBlocking{QrBlocking::kBlockSize, 0, 32}, 33, false,
                                        /*thorough=*/false, count++ % 4);
  };
  for_each_catalogue_case<T>(block_edge_sizes(), 2000, {}, check);
}

// Tiny blocks and no crossover run every blocked branch (partial last panel, trailing
// update of one column, slices when forming the full Q) on small matrices, and the
// unblocked entry point runs on the same matrices.
TYPED_TEST(HouseholderQr, SmallBlocksTakeEveryBlockedBranch) {
  using T = TypeParam;
  // Block sizes 1, 3, 4, 8; crossovers of 0 (panels to the end) and of 40 or 100 entries
  // (an unblocked tail); Q applied in blocks to more than 0, 2 or 4 vectors.
  const index entry = static_cast<index>(sizeof(T));
  const QrBlocking blockings[] = {{1, 0, 0}, {3, 0, 2}, {4, 40 * entry, 0}, {8, 100 * entry, 4}};
  for (const QrBlocking& blocking : blockings)
    for (MatrixType type : {MatrixType::gaussian, MatrixType::rank_deficient, MatrixType::near_overflow})
      for (index s : {1, 2, 3, 5, 10, 13})
        for (const Shape& shape : shapes_of(s)) {
          const std::uint64_t seed = 3000 + static_cast<std::uint64_t>(s);
          const TestMatrix<T> tm = make_test_matrix<T>(type, shape.m, shape.n, seed);
          SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed) + " block " + std::to_string(blocking.block_size) +
                       " crossover " + std::to_string(blocking.crossover_bytes) + " apply crossover " +
                       std::to_string(blocking.apply_crossover));
          check_factorization<TestFixture, T>(tm.A, blocking, 9);
          check_factorization<TestFixture, T>(tm.A, blocking, 0, /*unblocked=*/true);
        }
}

// R agrees between the blocked and unblocked forms on well-conditioned matrices
// (Householder QR with the same sign convention is unique, so both must find it).
TYPED_TEST(HouseholderQr, BlockedAndUnblockedAgree) {
  using T = TypeParam;
  for (index s : {10, 50, 129})
    for (const Shape& shape : shapes_of(s)) {
      const Matrix<T> A = random_matrix<T>(shape.m, shape.n, 4000 + static_cast<std::uint64_t>(s));
      SCOPED_TRACE(case_name<T>("gaussian", shape.m, shape.n, 4000 + static_cast<std::uint64_t>(s)));
      const index k = std::min(shape.m, shape.n);
      Matrix<T> Fb = A, Fu = A;
      Vector<T> tb(k), tu(k);
      NanWorkspace ws(householder_qr_workspace_size<T>(shape.m, shape.n, QrBlocking{4, 0}));
      ASSERT_EQ(householder_qr_inplace(Fb.view(), tb.view(), ws.workspace(), QrBlocking{4, 0}), Status::ok);
      ASSERT_EQ(householder_qr_unblocked_inplace(Fu.view(), tu.view(), Workspace()), Status::ok);
      const Matrix<T> Rb = upper_part(MatrixView<const T>(Fb), k), Ru = upper_part(MatrixView<const T>(Fu), k);
      // ||R_b - R_u||_1 / (||A||_1 max(m, n) eps)
      const Long d = one_norm(minus(LongMatrix(Rb), LongMatrix(Ru)));
      EXPECT_RATIO("blocked R equals unblocked R",
                   static_cast<double>(d / (static_cast<Long>(norm(MatrixView<const T>(A), Norm::one)) *
                                            std::max(shape.m, shape.n) * static_cast<Long>(eps<T>()))));
    }
}

// ---------------------------------------------------------------------------------------
// Solving

// The types whose smallest singular value can fall below eps max(m, n) sigma_max at the
// tested sizes (graded by 0.75 of the decades of precision, Hilbert, Vandermonde, Kahan,
// Läuchli with delta = sqrt(eps)): the QR solve may rightly call them rank deficient.
bool ill_conditioned(MatrixType type) {
  switch (type) {
    case MatrixType::graded_rows:
    case MatrixType::graded_columns:
    case MatrixType::hilbert:
    case MatrixType::vandermonde:
    case MatrixType::kahan:
    case MatrixType::lauchli:
      return true;
    default:
      return false;
  }
}

// Solve with the low level in padded NaN storage and check the documented outputs.
template <class Fixture, class T>
void check_solve(const TestMatrix<T>& tm, MatrixView<const T> B0, bool consistent, bool may_be_singular) {
  using TestFixture = Fixture;
  const MatrixView<const T> A = tm.A;
  const index m = A.rows(), n = A.cols(), k = std::min(m, n), nrhs = B0.cols();
  Matrix<T> F = tm.A;
  Vector<T> tau(k);
  NanWorkspace ws(householder_qr_workspace_size<T>(m, n));
  ASSERT_EQ(householder_qr_inplace(F.view(), tau.view(), ws.workspace()), Status::ok);

  Padded<T> B = Padded<T>::from(B0);
  Padded<T> X(n, nrhs);
  NanWorkspace ws_s(qr_solve_workspace_size<T>(m, n, nrhs));
  const Status status =
      qr_solve_inplace(MatrixView<const T>(F), VectorView<const T>(tau), B.view(), X.view(), RankTolerance<T>{}, ws_s.workspace());
  if (may_be_singular && status == Status::rank_deficient) {
    // Numerically singular under the default rule (some |r_jj| <= eps max(m, n) max |r_jj|,
    // and sigma_min <= min |r_jj|): nothing may have been written.
    TestFixture::record("numerically singular (skipped)", 0);
    EXPECT_TRUE(same_bits(MatrixView<const T>(B.view()), B0));
    for (index j = 0; j < nrhs; ++j)
      for (index i = 0; i < n; ++i) EXPECT_TRUE(std::isnan(X.view()(i, j)));
    return;
  }
  ASSERT_EQ(status, Status::ok);
  EXPECT_TRUE(B.padding_untouched());
  EXPECT_TRUE(X.padding_untouched());
  const MatrixView<const T> Xv = X.view();
  if (m >= n) {
    if (consistent && may_be_singular) {
      // Possibly singular to working precision without a small |r_jj| (Kahan at 257:
      // unpivoted QR cannot see it). A backward-stable solve then promises a residual
      // of order eps (||A|| ||X|| + ||B||), not eps ||B||: the normwise backward error.
      EXPECT_RATIO("backward error (ill-conditioned, consistent)", residual_ratio(A, Xv, B0));
    } else {
      EXPECT_RATIO(consistent ? "optimality (consistent)" : "optimality (residual)",
                   optimality_ratio(A, Xv, B0, consistent));
    }
    // Rows n..m-1 of Q^T B carry the residual norms.
    for (double ratio : residual_norm_ratios(A, Xv, B0, MatrixView<const T>(B.view()), n))
      EXPECT_RATIO("residual norm from Q^T B", ratio);
  } else {
    // Minimum norm: A X = B, and X in the row space of A. The row space of an
    // ill-conditioned A moves by an angle of order kappa eps under rounding errors, so
    // the second check is made for the well-conditioned types only.
    EXPECT_RATIO("min-norm residual", residual_ratio(A, Xv, B0));
    if (!may_be_singular) {
      const Matrix<T> V = tm.V.cols() == m ? tm.V : orthonormal_basis(MatrixView<const T>(transpose(A)));
      EXPECT_RATIO("min-norm in row space", subspace_ratio(MatrixView<const T>(V), Xv));
    }
  }
  // Against the exact solution when the factors are known: forward error over kappa.
  if (tm.sigma.size() == k && k > 0 && tm.U.cols() == k && tm.sigma[k - 1] > T(0)) {
    const double kappa = static_cast<double>(tm.sigma[0] / tm.sigma[k - 1]);
    const LongMatrix x_exact = known_min_norm_solution(tm, B0);
    // ||X - X*|| / (||X*|| kappa max(m, n) eps), valid for consistent or well-conditioned problems
    const double ratio = agreement_ratio(Xv, x_exact, std::max(m, n)) / kappa;
    EXPECT_RATIO("forward error / kappa", ratio);
  }
}

TYPED_TEST(HouseholderQr, SlowSolvesFullRankLeastSquaresAndMinimumNorm) {
  using T = TypeParam;
  CatalogueOptions opts;
  opts.kappa = 10;
  const auto check = [](const TestMatrix<T>& tm, Shape shape, std::uint64_t seed) {
    if (tm.rank >= 0 && tm.rank < std::min(shape.m, shape.n)) return;  // rank deficient: see below
    if (tm.type == MatrixType::zero) return;  // see SolveReportsRankDeficiency...
    for (index nrhs : {1, 4}) {
      SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed) + " nrhs " + std::to_string(nrhs));
      const Matrix<T> B_consistent = consistent_rhs(MatrixView<const T>(tm.A), nrhs, seed + 1);
      check_solve<TestFixture, T>(tm, MatrixView<const T>(B_consistent), true, ill_conditioned(tm.type));
      if (well_conditioned(tm.type) && shape.m > shape.n) {
        const Matrix<T> B = random_rhs<T>(shape.m, nrhs, seed + 2);
        check_solve<TestFixture, T>(tm, MatrixView<const T>(B), false, false);
      }
    }
  };
  for_each_catalogue_case<T>(solve_sizes(), 5000, opts, check);
}

// A full-row-rank wide matrix whose leading m x m block is singular: R1 has a zero on
// its diagonal but S of [R1 R2] = [S 0] Z does not, so the solve must succeed.
TYPED_TEST(HouseholderQr, WideSolveDoesNotNeedANonsingularLeadingBlock) {
  using T = TypeParam;
  const Matrix<T> A{{0, 1, 0}, {0, 0, 1}};
  const Matrix<T> b{{3}, {-2}};
  const auto f = qr(MatrixView<const T>(A));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->R()(0, 0), T(0));
  const auto x = f->solve(MatrixView<const T>(b));
  ASSERT_EQ(x.status(), Status::ok);
  // The minimum-norm solution is A^T (A A^T)^{-1} b = [0, 3, -2].
  EXPECT_NEAR(x.value()(0, 0), T(0), 4 * eps<T>());
  EXPECT_NEAR(x.value()(1, 0), T(3), 12 * eps<T>());
  EXPECT_NEAR(x.value()(2, 0), T(-2), 8 * eps<T>());
}

TYPED_TEST(HouseholderQr, SolveReportsRankDeficiencyAndLeavesItsArgumentsAlone) {
  using T = TypeParam;
  for (MatrixType type : {MatrixType::zero, MatrixType::rank_deficient})
    for (index s : {2, 5, 50})
      for (const Shape& shape : shapes_of(s)) {
        const std::uint64_t seed = 6000 + static_cast<std::uint64_t>(s);
        const TestMatrix<T> tm = make_test_matrix<T>(type, shape.m, shape.n, seed);
        SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
        const index m = shape.m, n = shape.n, k = std::min(m, n);
        Matrix<T> F = tm.A;
        Vector<T> tau(k);
        ASSERT_EQ(householder_qr_inplace(F.view(), tau.view(), NanWorkspace(householder_qr_workspace_size<T>(m, n)).workspace()),
                  Status::ok);
        Padded<T> B = Padded<T>::from(MatrixView<const T>(random_rhs<T>(m, 2, seed)));
        Padded<T> X(n, 2);
        const Matrix<T> B_before(MatrixView<const T>(B.view()));
        NanWorkspace ws(qr_solve_workspace_size<T>(m, n, 2));
        EXPECT_EQ(qr_solve_inplace(MatrixView<const T>(F), VectorView<const T>(tau), B.view(), X.view(), RankTolerance<T>{},
                                   ws.workspace()),
                  Status::rank_deficient);
        EXPECT_TRUE(same_bits(MatrixView<const T>(B.view()), MatrixView<const T>(B_before)));
        for (index j = 0; j < 2; ++j)
          for (index i = 0; i < n; ++i) EXPECT_TRUE(std::isnan(X.view()(i, j)));
        // The high level says the same.
        EXPECT_EQ(qr(MatrixView<const T>(tm.A))->solve(MatrixView<const T>(B_before)).status(), Status::rank_deficient);
      }
}

// A rank-1 X = u v^T (to rounding) whose first column is small (v_0 = 1e-6, then 1 + j/7):
// every r_jj is small, so measured against max |r_jj| none looks negligible, while
// against the largest column norm of X (qr_solve's reference) all but the first are
// rounding noise. Tall and wide: both the R1 and the S of the wide case are checked.
TYPED_TEST(HouseholderQr, SolveSeesRankOneWithASmallFirstColumn) {
  using T = TypeParam;
  for (auto [m, n] : {std::pair<index, index>{9, 4}, {4, 9}}) {
    SCOPED_TRACE(case_name<T>("rank_one_small_first_column", m, n, 6100));
    const Matrix<T> u = random_matrix<T>(m, 1, 6100);
    Matrix<T> X(m, n);
    for (index j = 0; j < n; ++j)
      for (index i = 0; i < m; ++i) X(i, j) = u(i, 0) * (j == 0 ? T(1e-6) : T(1) + T(j) / T(7));
    const Matrix<T> B = random_rhs<T>(m, 1, 6101);
    Result<QR<T>> F = qr(MatrixView<const T>(X));
    ASSERT_EQ(F.status(), Status::ok);
    EXPECT_EQ(F->solve(MatrixView<const T>(B)).status(), Status::rank_deficient);
  }
}

// ---------------------------------------------------------------------------------------
// High level

TYPED_TEST(HouseholderQr, HighLevelMatchesTheLowLevel) {
  using T = TypeParam;
  for (const Shape& shape : shapes_of(7)) {
    const Matrix<T> A = random_matrix<T>(shape.m, shape.n, 7000);
    SCOPED_TRACE(case_name<T>("gaussian", shape.m, shape.n, 7000));
    const index m = shape.m, n = shape.n, k = std::min(m, n);
    const auto f = qr(MatrixView<const T>(A));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->rows(), m);
    EXPECT_EQ(f->cols(), n);
    Matrix<T> F = A;
    Vector<T> tau(k);
    ASSERT_EQ(householder_qr_inplace(F.view(), tau.view(), NanWorkspace(householder_qr_workspace_size<T>(m, n)).workspace()),
              Status::ok);
    EXPECT_TRUE(same_bits(MatrixView<const T>(f->factors()), MatrixView<const T>(F)));
    EXPECT_TRUE(same_bits(VectorView<const T>(f->tau()), VectorView<const T>(tau)));
    const Matrix<T> R = f->R();
    ASSERT_EQ(R.rows(), k);
    ASSERT_EQ(R.cols(), n);
    const Matrix<T> Q = f->thin_q(), Qf = f->full_q();
    ASSERT_EQ(Q.cols(), k);
    ASSERT_EQ(Qf.cols(), m);
    EXPECT_TRUE(same_bits(MatrixView<const T>(f->q(QSize::thin)), MatrixView<const T>(Q)));
    EXPECT_RATIO("factorization ||A-QR||",
                 factorization_ratio(MatrixView<const T>(A), MatrixView<const T>(Q), MatrixView<const T>(R)));
    EXPECT_RATIO("orthogonality full Q", orthogonality_ratio<T>(Qf));
    // Q^T applied to a vector and to a matrix, and Q applied back.
    const Matrix<T> C = random_matrix<T>(m, 2, 7001);
    const auto QtC = f->apply_qt(MatrixView<const T>(C));
    ASSERT_TRUE(QtC.ok());
    const auto qtc = f->apply_qt(C.col(1));
    ASSERT_TRUE(qtc.ok());
    for (index i = 0; i < m; ++i) EXPECT_EQ(qtc.value()[i], QtC.value()(i, 1));
    const auto back = f->apply_q(MatrixView<const T>(QtC.value()));
    ASSERT_TRUE(back.ok());
    EXPECT_RATIO("applied Q equals formed Q",
                 agreement_ratio(MatrixView<const T>(back.value()), LongMatrix(MatrixView<const T>(C)), m));
    const auto right = f->apply_q(MatrixView<const T>(Matrix<T>(2, m, T(1))), Op::transpose, Side::right);
    ASSERT_TRUE(right.ok());
    EXPECT_EQ(right.value().rows(), 2);
    // solve: matrix and vector forms agree.
    const Matrix<T> B = consistent_rhs(MatrixView<const T>(A), 2, 7002);
    const auto X = f->solve(MatrixView<const T>(B));
    ASSERT_TRUE(X.ok());
    const auto x = f->solve(B.col(0));
    ASSERT_TRUE(x.ok());
    for (index i = 0; i < n; ++i) EXPECT_EQ(x.value()[i], X.value()(i, 0));
    EXPECT_RATIO("min-norm residual", residual_ratio(MatrixView<const T>(A), MatrixView<const T>(X.value()), MatrixView<const T>(B)));
  }
  // Empty matrices factor, form empty factors and solve to zero.
  for (const Shape& shape : shapes_of(0)) {
    const auto f = qr(MatrixView<const T>(Matrix<T>(shape.m, shape.n)));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->R().rows(), 0);
    EXPECT_EQ(f->thin_q().rows(), shape.m);
    const Matrix<T> Qf = f->full_q();
    EXPECT_TRUE(same_bits(MatrixView<const T>(Qf), MatrixView<const T>(Matrix<T>::identity(shape.m))));
    const auto X = f->solve(MatrixView<const T>(Matrix<T>(shape.m, 2, T(1))));
    ASSERT_EQ(X.status(), Status::ok);
    EXPECT_EQ(X.value().rows(), shape.n);
    for (index j = 0; j < 2; ++j)
      for (index i = 0; i < shape.n; ++i) EXPECT_EQ(X.value()(i, j), T(0));
  }
}

// ---------------------------------------------------------------------------------------
// Bad input: every entry point, every status, and the caller's data untouched.

TYPED_TEST(HouseholderQr, RejectsBadInputAndLeavesTheDataAlone) {
  using T = TypeParam;
  const index m = 140, n = 135, k = n;
  const QrBlocking blocked{QrBlocking::kBlockSize, 0, 0};  // every routine then needs workspace
  const Matrix<T> A0 = random_matrix<T>(m, n, 8000);
  Matrix<T> F = A0;
  Vector<T> tau(k);
  ASSERT_EQ(householder_qr_inplace(F.view(), tau.view(), NanWorkspace(householder_qr_workspace_size<T>(m, n)).workspace()),
            Status::ok);
  const Matrix<T> C0 = random_matrix<T>(m, 40, 8001);
  const T bad_values[] = {nan<T>(), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()};

  // householder_qr_inplace and the unblocked form.
  for (bool unblocked : {false, true}) {
    SCOPED_TRACE(unblocked ? "householder_qr_unblocked_inplace" : "householder_qr_inplace");
    auto factor = [&](MatrixView<T> A, VectorView<T> t, Workspace w) {
      return unblocked ? householder_qr_unblocked_inplace(A, t, w) : householder_qr_inplace(A, t, w, blocked);
    };
    for (T bad : bad_values) {
      Matrix<T> A = A0;
      A(m - 1, n - 1) = bad;
      const Matrix<T> before = A;
      Vector<T> t(k, T(7));
      EXPECT_EQ(factor(A.view(), t.view(), NanWorkspace(householder_qr_workspace_size<T>(m, n, blocked)).workspace()),
                Status::not_finite);
      EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(before)));
      for (index j = 0; j < k; ++j) EXPECT_EQ(t[j], T(7));
    }
    Matrix<T> A = A0;
    Vector<T> t_short(k - 1, T(7));
    EXPECT_EQ(factor(A.view(), t_short.view(), NanWorkspace(householder_qr_workspace_size<T>(m, n, blocked)).workspace()),
              Status::dimension_mismatch);
    EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(A0)));
  }
  {
    Matrix<T> A = A0;
    Vector<T> t(k, T(7));
    const WorkspaceSize need = householder_qr_workspace_size<T>(m, n, blocked);
    ASSERT_GT(need.payload(), 0u);
    // (Its minimum workspace is none: a short one gives smaller blocks, test_workspace.cpp.)
    EXPECT_EQ(householder_qr_inplace(A.view(), t.view(), NanWorkspace(need).workspace(), QrBlocking{0, 0}),
              Status::invalid_argument);
    EXPECT_EQ(householder_qr_inplace(A.view(), t.view(), NanWorkspace(need).workspace(), QrBlocking{4, -1}),
              Status::invalid_argument);
    EXPECT_EQ(householder_qr_inplace(A.view(), t.view(), NanWorkspace(need).workspace(), QrBlocking{4, 0, -1}),
              Status::invalid_argument);
    EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(A0)));
    for (index j = 0; j < k; ++j) EXPECT_EQ(t[j], T(7));
  }

  // qr_apply_q_inplace: NaN in C, in tau, in a reflector; wrong shapes; short workspace.
  {
    SCOPED_TRACE("qr_apply_q_inplace");
    auto apply = [&](MatrixView<const T> QR, VectorView<const T> t, MatrixView<T> C, Workspace w) {
      return qr_apply_q_inplace(Side::left, Op::transpose, QR, t, C, w, blocked);
    };
    const WorkspaceSize need = qr_apply_q_workspace_size<T>(Side::left, m, 40, k, blocked);
    ASSERT_GT(need.payload(), 0u);
    for (T bad : bad_values) {
      Matrix<T> C = C0;
      C(3, 5) = bad;
      const Matrix<T> before = C;
      EXPECT_EQ(apply(F, tau, C.view(), NanWorkspace(need).workspace()), Status::not_finite);
      EXPECT_TRUE(same_bits(MatrixView<const T>(C), MatrixView<const T>(before)));
      Matrix<T> C2 = C0;
      Vector<T> t_bad = tau;
      t_bad[k / 2] = bad;
      EXPECT_EQ(apply(F, t_bad, C2.view(), NanWorkspace(need).workspace()), Status::not_finite);
      Matrix<T> F_bad = F;
      F_bad(m - 1, 0) = bad;  // a reflector entry
      EXPECT_EQ(apply(F_bad, tau, C2.view(), NanWorkspace(need).workspace()), Status::not_finite);
      EXPECT_TRUE(same_bits(MatrixView<const T>(C2), MatrixView<const T>(C0)));
    }
    Matrix<T> C = C0;
    Matrix<T> C_wrong(m - 1, 40, T(1));
    EXPECT_EQ(apply(F, tau, C_wrong.view(), NanWorkspace(need).workspace()), Status::dimension_mismatch);
    EXPECT_EQ(apply(F.col_block(0, k - 1), tau, C.view(), NanWorkspace(need).workspace()), Status::dimension_mismatch);
    // (Its minimum workspace is none for side left: a short one gives smaller blocks.)
    EXPECT_EQ(qr_apply_q_inplace(Side::left, Op::none, MatrixView<const T>(F), VectorView<const T>(tau), C.view(),
                                 NanWorkspace(need).workspace(), QrBlocking{0, 0}),
              Status::invalid_argument);
    EXPECT_TRUE(same_bits(MatrixView<const T>(C), MatrixView<const T>(C0)));
  }

  // qr_form_q_inplace.
  {
    SCOPED_TRACE("qr_form_q_inplace");
    const WorkspaceSize need = qr_form_q_workspace_size<T>(m, k, blocked);
    ASSERT_GT(need.payload(), 0u);
    for (T bad : bad_values) {
      Matrix<T> Q = F;
      Q(m - 2, 3) = bad;
      const Matrix<T> before = Q;
      EXPECT_EQ(qr_form_q_inplace(Q.view(), VectorView<const T>(tau), NanWorkspace(need).workspace(), blocked),
                Status::not_finite);
      EXPECT_TRUE(same_bits(MatrixView<const T>(Q), MatrixView<const T>(before)));
    }
    Matrix<T> Q = F;
    EXPECT_EQ(qr_form_q_inplace(Q.col_block(0, k - 1), VectorView<const T>(tau), NanWorkspace(need).workspace(), blocked),
              Status::dimension_mismatch);
    Matrix<T> Q_wide(3, 5);
    EXPECT_EQ(qr_form_q_inplace(Q_wide.view(), VectorView<const T>(Vector<T>(3)), Workspace()), Status::dimension_mismatch);
    // (Its minimum workspace is none: a short one gives smaller blocks, test_workspace.cpp.)
    EXPECT_TRUE(same_bits(MatrixView<const T>(Q), MatrixView<const T>(F)));
  }

  // qr_solve_inplace.
  {
    SCOPED_TRACE("qr_solve_inplace");
    const WorkspaceSize need = qr_solve_workspace_size<T>(m, n, 40);
    for (T bad : bad_values) {
      Matrix<T> B = C0;
      B(0, 39) = bad;
      const Matrix<T> before = B;
      Matrix<T> X(n, 40, T(5));
      EXPECT_EQ(qr_solve_inplace(MatrixView<const T>(F), VectorView<const T>(tau), B.view(), X.view(), RankTolerance<T>{},
                                 NanWorkspace(need).workspace()),
                Status::not_finite);
      EXPECT_TRUE(same_bits(MatrixView<const T>(B), MatrixView<const T>(before)));
      EXPECT_TRUE(same_bits(MatrixView<const T>(X), MatrixView<const T>(Matrix<T>(n, 40, T(5)))));
    }
    Matrix<T> B = C0;
    Matrix<T> X(n, 40, T(5));
    Matrix<T> X_wrong(n + 1, 40, T(5));
    EXPECT_EQ(qr_solve_inplace(MatrixView<const T>(F), VectorView<const T>(tau), B.view(), X_wrong.view(), RankTolerance<T>{},
                               NanWorkspace(need).workspace()),
              Status::dimension_mismatch);
    EXPECT_EQ(qr_solve_inplace(MatrixView<const T>(F), VectorView<const T>(tau), B.view(), X.view(),
                               RankTolerance<T>{-1, -1}, NanWorkspace(need).workspace()),
              Status::invalid_argument);
    EXPECT_TRUE(same_bits(MatrixView<const T>(B), MatrixView<const T>(C0)));
    EXPECT_TRUE(same_bits(MatrixView<const T>(X), MatrixView<const T>(Matrix<T>(n, 40, T(5)))));
    // The wide branch checks before it touches anything, too.
    const Matrix<T> W0 = random_matrix<T>(5, 9, 8002);
    const auto fw = qr(MatrixView<const T>(W0));
    Matrix<T> Bw(4, 1, T(1));
    Matrix<T> Xw(9, 1);
    EXPECT_EQ(qr_solve_inplace(MatrixView<const T>(fw->factors()), VectorView<const T>(fw->tau()), Bw.view(), Xw.view(),
                               RankTolerance<T>{}, NanWorkspace(qr_solve_workspace_size<T>(5, 9, 1)).workspace()),
              Status::dimension_mismatch);
    // The wide solve needs a copy of R: a short workspace is refused before B is touched.
    Matrix<T> Bw2(5, 1, T(1));
    const WorkspaceSize need_w = qr_solve_workspace_size<T>(5, 9, 1);
    ASSERT_GT(need_w.payload(), 0u);
    EXPECT_EQ(qr_solve_inplace(MatrixView<const T>(fw->factors()), VectorView<const T>(fw->tau()), Bw2.view(), Xw.view(),
                               RankTolerance<T>{}, NanWorkspace::short_of(need_w).workspace()),
              Status::workspace_too_small);
    EXPECT_TRUE(same_bits(MatrixView<const T>(Bw2), MatrixView<const T>(Matrix<T>(5, 1, T(1)))));
  }

  // High level: qr, apply_q, solve.
  {
    SCOPED_TRACE("high level");
    Matrix<T> A = A0;
    A(0, 0) = nan<T>();
    EXPECT_EQ(qr(MatrixView<const T>(A)).status(), Status::not_finite);
    const auto f = qr(MatrixView<const T>(A0));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->apply_qt(MatrixView<const T>(Matrix<T>(m + 1, 2))).status(), Status::dimension_mismatch);
    EXPECT_EQ(f->apply_qt(VectorView<const T>(Vector<T>(m - 1))).status(), Status::dimension_mismatch);
    EXPECT_EQ(f->solve(MatrixView<const T>(Matrix<T>(m - 1, 2))).status(), Status::dimension_mismatch);
    Vector<T> b(m, T(1));
    b[2] = std::numeric_limits<T>::infinity();
    EXPECT_EQ(f->solve(VectorView<const T>(b)).status(), Status::not_finite);
    EXPECT_EQ(f->solve(VectorView<const T>(Vector<T>(m, T(1))), RankTolerance<T>{0, std::numeric_limits<T>::quiet_NaN()}).status(),
              Status::invalid_argument);
  }
}

}  // namespace
}  // namespace stela::test
