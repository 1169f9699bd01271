// RZ factorization and the complete orthogonal decomposition A P = Q [T 0; 0 0] Z with
// its minimum-norm least-squares solve: decomposition ratios over the catalogue and the
// shape sweep, the min-norm solution against the one known from the singular factors
// (and in the row space), DESIGN.md's worked example 2, and bad input everywhere.
#include <algorithm>
#include <cmath>

#include "qr_checks.hpp"

namespace stela::test {
namespace {

template <class T>
class Cod : public RatioSuite<Cod<T>, T> {};
TYPED_TEST_SUITE(Cod, Scalars, ScalarName);

// Z (n x n) from the first r rows of an RZ-factored matrix: Z = Z I.
template <class T>
Matrix<T> form_z(MatrixView<const T> RZ, VectorView<const T> tau_z, index n) {
  Matrix<T> Z = Matrix<T>::identity(n);
  EXPECT_EQ(rz_apply_z_inplace(Op::none, RZ, tau_z, Z.view()), Status::ok);
  return Z;
}

// T Z(0:r, :) = [T 0] Z, r x n.
template <class T>
Matrix<T> triangle_times_z(MatrixView<const T> F, MatrixView<const T> Z, index r) {
  const Matrix<T> Tr = upper_part(F.block(0, 0, r, r), r);
  return multiply(MatrixView<const T>(Tr), Z.row_block(0, r));
}

// ---------------------------------------------------------------------------------------
// RZ

TYPED_TEST(Cod, RzMakesTheTrapezoidTriangular) {
  using T = TypeParam;
  const std::pair<index, index> shapes[] = {{0, 0}, {0, 3}, {1, 1}, {1, 4}, {3, 3}, {3, 7}, {10, 25}, {40, 45}, {33, 100}};
  for (const auto& [r, n] : shapes) {
    SCOPED_TRACE(case_name<T>("upper_trapezoid", r, n, 1900));
    const Matrix<T> G = random_matrix<T>(r, n, 1900);
    Padded<T> R(r, n);  // strict lower triangle stays NaN: it must not be read
    for (index j = 0; j < n; ++j)
      for (index i = 0; i <= std::min(j, r - 1); ++i) R.view()(i, j) = G(i, j);
    const Matrix<T> R0 = upper_part(MatrixView<const T>(R.view()), r);
    Vector<T> tau_z(r, nan<T>());
    NanWorkspace ws(rz_workspace_size<T>(r, n));
    ASSERT_EQ(rz_inplace(R.view(), tau_z.view(), ws.workspace()), Status::ok);
    EXPECT_TRUE(R.padding_untouched());
    for (index j = 0; j < r; ++j)
      for (index i = j + 1; i < r; ++i) EXPECT_TRUE(std::isnan(R.view()(i, j)));
    const Matrix<T> Z = form_z(MatrixView<const T>(R.view()), VectorView<const T>(tau_z), n);
    EXPECT_RATIO("orthogonality Z", orthogonality_ratio<T>(Z));
    // [R1 R2] = [T 0] Z
    const Matrix<T> Tr = upper_part(MatrixView<const T>(R.view()).block(0, 0, r, r), r);
    Matrix<T> T0(r, n);
    copy(MatrixView<const T>(Tr), T0.col_block(0, r));
    EXPECT_RATIO("factorization ||R-[T 0]Z||",
                 factorization_ratio(MatrixView<const T>(R0), MatrixView<const T>(T0), MatrixView<const T>(Z)));
    // Z^T undoes Z.
    const Matrix<T> C0 = random_matrix<T>(n, 3, 1901);
    Matrix<T> C = C0;
    ASSERT_EQ(rz_apply_z_inplace(Op::none, MatrixView<const T>(R.view()), VectorView<const T>(tau_z), C.view()), Status::ok);
    ASSERT_EQ(rz_apply_z_inplace(Op::transpose, MatrixView<const T>(R.view()), VectorView<const T>(tau_z), C.view()),
              Status::ok);
    EXPECT_RATIO("Z^T Z C = C", agreement_ratio(MatrixView<const T>(C), LongMatrix(MatrixView<const T>(C0)), n));
  }
}

// ---------------------------------------------------------------------------------------
// The decomposition

// cod_inplace in padded NaN storage; checks A P = Q [T 0; 0 0] Z, Q and Z orthogonal,
// and that the rank is the pivoted QR's.
template <class Fixture, class T>
void check_cod(MatrixView<const T> A, Matrix<T>* factors = nullptr, Vector<T>* tau_out = nullptr,
               Vector<T>* tau_z_out = nullptr, Vector<index>* perm_out = nullptr, index* rank_out = nullptr) {
  using TestFixture = Fixture;
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  Padded<T> F = Padded<T>::from(A);
  Vector<T> tau(k, nan<T>()), tau_z(k, nan<T>());
  Vector<index> perm(n, index(-7));
  index rank = -7;
  NanWorkspace ws(cod_workspace_size<T>(m, n));
  ASSERT_EQ(cod_inplace(F.view(), tau.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{}, ws.workspace()),
            Status::ok);
  EXPECT_TRUE(F.padding_untouched());
  ASSERT_TRUE(is_permutation(perm));
  ASSERT_GE(rank, 0);
  ASSERT_LE(rank, k);
  for (index j = rank; j < k; ++j) EXPECT_EQ(tau_z[j], T(0));
  // The rank is the one the pivoted QR alone reports.
  Matrix<T> P = Matrix<T>(A);
  Vector<T> tau_p(k);
  Vector<index> perm_p(n);
  ASSERT_EQ(qr_pivoted_inplace(P.view(), tau_p.view(), perm_p.view(), NanWorkspace(qr_pivoted_workspace_size<T>(m, n)).workspace()),
            Status::ok);
  EXPECT_EQ(rank, qr_pivoted_rank(MatrixView<const T>(P), RankTolerance<T>{}).value());

  const MatrixView<const T> Fv = F.view();
  Matrix<T> Q(m, k);
  copy(Fv.col_block(0, k), Q.view());
  ASSERT_EQ(qr_form_q_inplace(Q.view(), VectorView<const T>(tau), NanWorkspace(qr_form_q_workspace_size<T>(m, k)).workspace()),
            Status::ok);
  const Matrix<T> Z = form_z(Fv.block(0, 0, rank, n), VectorView<const T>(tau_z).segment(0, rank), n);
  const Matrix<T> AP = permute_columns(A, VectorView<const index>(perm));
  const Matrix<T> TZ = triangle_times_z(Fv, MatrixView<const T>(Z), rank);
  EXPECT_RATIO(
      "decomposition ||AP-Q[T 0;0 0]Z||",
      factorization_ratio(MatrixView<const T>(AP), MatrixView<const T>(Q).col_block(0, rank), MatrixView<const T>(TZ)));
  EXPECT_RATIO("orthogonality Q", orthogonality_ratio<T>(Q));
  EXPECT_RATIO("orthogonality Z", orthogonality_ratio<T>(Z));
  if (factors != nullptr) *factors = Matrix<T>(Fv);
  if (tau_out != nullptr) *tau_out = tau;
  if (tau_z_out != nullptr) *tau_z_out = tau_z;
  if (perm_out != nullptr) *perm_out = perm;
  if (rank_out != nullptr) *rank_out = rank;
}

TYPED_TEST(Cod, SlowDecomposesEveryCatalogueTypeAndShape) {
  using T = TypeParam;
  const auto check = [](const TestMatrix<T>& tm, Shape shape, std::uint64_t seed) {
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
    index rank = -1;
    check_cod<TestFixture, T>(tm.A, nullptr, nullptr, nullptr, nullptr, &rank);
    if (tm.rank >= 0) {
      EXPECT_EQ(rank, tm.rank);
    }
  };
  for_each_catalogue_case<T>(small_sizes(), 2100, {}, check);
  for_each_catalogue_case<T>(block_edge_sizes(), 2200, {}, check);
}

// ---------------------------------------------------------------------------------------
// The minimum-norm solve

// The types whose numerical rank is well defined (a clear gap, or full rank with a
// moderate condition number at kappa = 10): the min-norm solution is then a
// well-conditioned function of the data and can be compared with the exact one.
bool clear_gap(MatrixType type) {
  return well_conditioned(type) || type == MatrixType::zero || type == MatrixType::rank_deficient;
}

// The decomposition of a test matrix, as cod_inplace leaves it.
template <class T>
struct Decomposition {
  Matrix<T> F;
  Vector<T> tau, tau_z;
  Vector<index> perm;
  index rank = -1;
};

template <class Fixture, class T>
void check_min_norm_solve(const TestMatrix<T>& tm, const Decomposition<T>& d, MatrixView<const T> B0, bool consistent) {
  using TestFixture = Fixture;
  const MatrixView<const T> A = tm.A;
  const index m = A.rows(), n = A.cols(), nrhs = B0.cols();
  const Matrix<T>& F = d.F;
  const Vector<T>&tau = d.tau, &tau_z = d.tau_z;
  const Vector<index>& perm = d.perm;
  const index rank = d.rank;
  Padded<T> B = Padded<T>::from(B0);
  Padded<T> X(n, nrhs);
  NanWorkspace ws(cod_solve_workspace_size<T>(m, n, nrhs));
  ASSERT_EQ(cod_solve_inplace(MatrixView<const T>(F), VectorView<const T>(tau), VectorView<const T>(tau_z),
                              VectorView<const index>(perm), rank, B.view(), X.view(), ws.workspace()),
            Status::ok);
  EXPECT_TRUE(B.padding_untouched());
  EXPECT_TRUE(X.padding_untouched());
  const MatrixView<const T> Xv = X.view();
  if (consistent || rank == m)  // full row rank: every right-hand side is consistent
    EXPECT_RATIO("residual (consistent)", residual_ratio(A, Xv, B0));
  else
    EXPECT_RATIO("optimality (residual)", optimality_ratio(A, Xv, B0, false));
  // Against the exact min-norm solution V_r diag(1/sigma) U_r^T B, scaled by kappa_r.
  if (tm.sigma.size() == std::min(m, n) && tm.U.cols() == tm.sigma.size() && tm.rank > 0) {
    const double kappa = static_cast<double>(tm.sigma[0] / tm.sigma[tm.rank - 1]);
    const double ratio = agreement_ratio(Xv, known_min_norm_solution(tm, B0), std::max(m, n)) / kappa;
    EXPECT_RATIO("forward error / kappa_r", consistent ? ratio : ratio / kappa);
    // X lies in the span of the first r right singular vectors.
    EXPECT_RATIO("min-norm in row space", subspace_ratio(MatrixView<const T>(tm.V.col_block(0, tm.rank)), Xv));
  }
  // Rows rank..m-1 of Q^T B carry the residual norms (no ratio where the scale is zero).
  for (double ratio : residual_norm_ratios(A, Xv, B0, MatrixView<const T>(B.view()), rank))
    if (!std::isnan(ratio)) EXPECT_RATIO("residual norm from Q^T B", ratio);
}

TYPED_TEST(Cod, SlowSolvesRankDeficientLeastSquaresWithMinimumNorm) {
  using T = TypeParam;
  CatalogueOptions opts;
  opts.kappa = 10;
  const auto check = [](const TestMatrix<T>& tm, Shape shape, std::uint64_t seed) {
    SCOPED_TRACE(case_name<T>(tm.name, shape.m, shape.n, seed));
    Decomposition<T> d;
    check_cod<TestFixture, T>(tm.A, &d.F, &d.tau, &d.tau_z, &d.perm, &d.rank);
    for (index nrhs : {1, 3}) {
      SCOPED_TRACE("nrhs " + std::to_string(nrhs));
      const Matrix<T> Bc = consistent_rhs(MatrixView<const T>(tm.A), nrhs, seed + 1);
      check_min_norm_solve<TestFixture, T>(tm, d, MatrixView<const T>(Bc), true);
      if (clear_gap(tm.type)) {
        const Matrix<T> B = random_rhs<T>(shape.m, nrhs, seed + 2);
        check_min_norm_solve<TestFixture, T>(tm, d, MatrixView<const T>(B), false);
      }
    }
  };
  for_each_catalogue_case<T>(solve_sizes(), 2300, opts, check);
}

// DESIGN.md, worked example 2: X = [3 1 0; 6 2 1; 3 1 0], y = [2, 1, 3]. Rank 2; every
// solution of the normal equations is [0, 5/2, -4] + t [1, -3, 0]; the minimum-norm one
// is orthogonal to [1, -3, 0]: t = 3/4, w = [3/4, 1/4, -4]. The null space is the last
// column of P Z^T.
TYPED_TEST(Cod, WorkedExampleTwo) {
  using T = TypeParam;
  const Matrix<T> X{{3, 1, 0}, {6, 2, 1}, {3, 1, 0}};
  const Vector<T> y{2, 1, 3};
  const auto f = cod(MatrixView<const T>(X));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->rank(), 2);
  const auto w = f->solve(VectorView<const T>(y));
  ASSERT_TRUE(w.ok());
  const T expected[] = {T(0.75), T(0.25), T(-4)};
  for (index i = 0; i < 3; ++i) EXPECT_NEAR(w.value()[i], expected[i], 30 * 3 * eps<T>() * 20) << i;
  // Null space: P Z^T e_2, up to sign [1, -3, 0] / sqrt(10).
  const Matrix<T> Z = f->z();
  Vector<T> z(3);
  for (index j = 0; j < 3; ++j) z[f->permutation()[j]] = Z(2, j);  // (Z^T e_2)_j = Z(2, j)
  const T sign = z[0] > 0 ? T(1) : T(-1);
  const T s10 = std::sqrt(T(10));
  EXPECT_NEAR(sign * z[0], T(1) / s10, 30 * eps<T>());
  EXPECT_NEAR(sign * z[1], T(-3) / s10, 30 * eps<T>());
  EXPECT_NEAR(z[2], T(0), 30 * eps<T>());
  // The triangle is 2 x 2 and nonsingular; Q is orthogonal.
  const Matrix<T> Tr = f->triangle();
  ASSERT_EQ(Tr.rows(), 2);
  EXPECT_GT(std::abs(Tr(1, 1)), T(0.1));
  EXPECT_LT(orthogonality_ratio<T>(f->q(QSize::full)), kThreshold);
}

// On full-rank tall problems the COD and the plain QR solve agree.
TYPED_TEST(Cod, AgreesWithQrOnFullRankProblems) {
  using T = TypeParam;
  for (const Shape& shape : {Shape{30, 12, "tall"}, Shape{12, 12, "square"}, Shape{8, 20, "wide"}}) {
    const Matrix<T> A = random_matrix<T>(shape.m, shape.n, 2400);
    const Matrix<T> B = random_rhs<T>(shape.m, 2, 2401);
    SCOPED_TRACE(case_name<T>("gaussian", shape.m, shape.n, 2400));
    const auto x_cod = cod(MatrixView<const T>(A))->solve(MatrixView<const T>(B));
    const auto x_qr = qr(MatrixView<const T>(A))->solve(MatrixView<const T>(B));
    ASSERT_TRUE(x_cod.ok());
    ASSERT_TRUE(x_qr.ok());
    // Both are backward stable; Gaussian matrices of these shapes have kappa < 1e3.
    EXPECT_LT(agreement_ratio(MatrixView<const T>(x_cod.value()), LongMatrix(MatrixView<const T>(x_qr.value())),
                              std::max(shape.m, shape.n)),
              kThreshold * 1e3);
  }
}

// ---------------------------------------------------------------------------------------
// Bad input

TYPED_TEST(Cod, RejectsBadInputAndLeavesTheDataAlone) {
  using T = TypeParam;
  const index m = 11, n = 8, k = 8;
  CatalogueOptions opts;
  opts.rank = 5;
  const Matrix<T> A0 = make_test_matrix<T>(MatrixType::rank_deficient, m, n, 2500, opts).A;
  const T bad_values[] = {nan<T>(), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity()};
  const WorkspaceSize need = cod_workspace_size<T>(m, n);
  ASSERT_GT(need.payload(), 0u);

  // cod_inplace
  for (T bad : bad_values) {
    Matrix<T> A = A0;
    A(10, 0) = bad;
    const Matrix<T> before = A;
    Vector<T> tau(k, T(7)), tau_z(k, T(7));
    Vector<index> perm(n, index(-7));
    index rank = -7;
    EXPECT_EQ(cod_inplace(A.view(), tau.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{}, NanWorkspace(need).workspace()),
              Status::not_finite);
    EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(before)));
    EXPECT_EQ(rank, -7);
    for (index j = 0; j < n; ++j) EXPECT_EQ(perm[j], -7);
    EXPECT_EQ(cod(MatrixView<const T>(A)).status(), Status::not_finite);
  }
  {
    Matrix<T> A = A0;
    Vector<T> tau(k, T(7)), tau_z(k, T(7)), short_v(k - 1, T(7));
    Vector<index> perm(n, index(-7));
    index rank = -7;
    EXPECT_EQ(cod_inplace(A.view(), short_v.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{}, NanWorkspace(need).workspace()),
              Status::dimension_mismatch);
    EXPECT_EQ(cod_inplace(A.view(), tau.view(), short_v.view(), perm.view(), rank, RankTolerance<T>{}, NanWorkspace(need).workspace()),
              Status::dimension_mismatch);
    EXPECT_EQ(cod_inplace(A.view(), tau.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{-1, 0}, NanWorkspace(need).workspace()),
              Status::invalid_argument);
    EXPECT_EQ(cod_inplace(A.view(), tau.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{},
                          NanWorkspace::short_of(need).workspace()),
              Status::workspace_too_small);
    EXPECT_TRUE(same_bits(MatrixView<const T>(A), MatrixView<const T>(A0)));
    EXPECT_EQ(rank, -7);
    for (index j = 0; j < k; ++j) EXPECT_EQ(tau[j], T(7));
    EXPECT_EQ(cod(MatrixView<const T>(A0), RankTolerance<T>{0, std::numeric_limits<T>::quiet_NaN()}).status(), Status::invalid_argument);
  }

  // cod_solve_inplace
  Matrix<T> F = A0;
  Vector<T> tau(k), tau_z(k);
  Vector<index> perm(n);
  index rank = -1;
  ASSERT_EQ(cod_inplace(F.view(), tau.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{}, NanWorkspace(need).workspace()),
            Status::ok);
  const WorkspaceSize need_s = cod_solve_workspace_size<T>(m, n, 2);
  const Matrix<T> B0 = random_rhs<T>(m, 2, 2501);
  const Matrix<T> X0(n, 2, T(5));
  auto solve = [&](MatrixView<const T> Fs, VectorView<const index> p, index r, MatrixView<T> B, MatrixView<T> X, Workspace w) {
    return cod_solve_inplace(Fs, VectorView<const T>(tau), VectorView<const T>(tau_z), p, r, B, X, w);
  };
  for (T bad : bad_values) {
    Matrix<T> B = B0, X = X0;
    B(3, 1) = bad;
    const Matrix<T> before = B;
    EXPECT_EQ(solve(F, perm, rank, B.view(), X.view(), NanWorkspace(need_s).workspace()), Status::not_finite);
    EXPECT_TRUE(same_bits(MatrixView<const T>(B), MatrixView<const T>(before)));
    EXPECT_TRUE(same_bits(MatrixView<const T>(X), MatrixView<const T>(X0)));
    Matrix<T> F_bad = F;
    F_bad(0, n - 1) = bad;
    Matrix<T> B2 = B0;
    EXPECT_EQ(solve(F_bad, perm, rank, B2.view(), X.view(), NanWorkspace(need_s).workspace()), Status::not_finite);
    EXPECT_TRUE(same_bits(MatrixView<const T>(B2), MatrixView<const T>(B0)));
  }
  {
    Matrix<T> B = B0, X = X0, X_wrong(n, 3, T(5)), B_wrong(m + 1, 2, T(1));
    Vector<index> perm_bad = perm;
    perm_bad[2] = n;
    EXPECT_EQ(solve(F, perm, rank, B.view(), X_wrong.view(), NanWorkspace(need_s).workspace()), Status::dimension_mismatch);
    EXPECT_EQ(solve(F, perm, rank, B_wrong.view(), X.view(), NanWorkspace(need_s).workspace()), Status::dimension_mismatch);
    EXPECT_EQ(solve(F, VectorView<const index>(perm).segment(0, n - 1), rank, B.view(), X.view(),
                    NanWorkspace(need_s).workspace()),
              Status::dimension_mismatch);
    EXPECT_EQ(solve(F, perm, k + 1, B.view(), X.view(), NanWorkspace(need_s).workspace()), Status::invalid_argument);
    EXPECT_EQ(solve(F, perm, -1, B.view(), X.view(), NanWorkspace(need_s).workspace()), Status::invalid_argument);
    EXPECT_EQ(solve(F, perm_bad, rank, B.view(), X.view(), NanWorkspace(need_s).workspace()), Status::invalid_argument);
    Vector<index> perm_repeated = perm;  // in range, but one index twice
    perm_repeated[1] = perm[0];
    EXPECT_EQ(solve(F, perm_repeated, rank, B.view(), X.view(), NanWorkspace(need_s).workspace()),
              Status::invalid_argument);
    EXPECT_EQ(solve(F, perm, rank, B.view(), X.view(), NanWorkspace::short_of(need_s).workspace()),
              Status::workspace_too_small);
    EXPECT_TRUE(same_bits(MatrixView<const T>(B), MatrixView<const T>(B0)));
    EXPECT_TRUE(same_bits(MatrixView<const T>(X), MatrixView<const T>(X0)));
  }

  // rz_inplace and rz_apply_z_inplace
  {
    Matrix<T> R = random_matrix<T>(4, 9, 2502);
    R(3, 0) = nan<T>();  // strict lower triangle: not read, so not an error
    Matrix<T> R_bad = R;
    R_bad(1, 6) = std::numeric_limits<T>::infinity();
    const Matrix<T> before = R_bad;
    Vector<T> tz(4, T(7)), tz_short(3, T(7));
    const WorkspaceSize need_rz = rz_workspace_size<T>(4, 9);
    EXPECT_EQ(rz_inplace(R_bad.view(), tz.view(), NanWorkspace(need_rz).workspace()), Status::not_finite);
    EXPECT_TRUE(same_bits(MatrixView<const T>(R_bad), MatrixView<const T>(before)));
    EXPECT_EQ(rz_inplace(R.view(), tz_short.view(), NanWorkspace(need_rz).workspace()), Status::dimension_mismatch);
    EXPECT_EQ(rz_inplace(R.view(), tz.view(), NanWorkspace::short_of(need_rz).workspace()), Status::workspace_too_small);
    Matrix<T> tall(5, 3);
    Vector<T> t5(5);
    EXPECT_EQ(rz_inplace(tall.view(), t5.view(), Workspace()), Status::dimension_mismatch);
    for (index j = 0; j < 4; ++j) EXPECT_EQ(tz[j], T(7));
    ASSERT_EQ(rz_inplace(R.view(), tz.view(), NanWorkspace(need_rz).workspace()), Status::ok);
    Matrix<T> C(9, 2, T(1));
    C(4, 1) = nan<T>();
    const Matrix<T> C_before = C;
    EXPECT_EQ(rz_apply_z_inplace(Op::none, MatrixView<const T>(R), VectorView<const T>(tz), C.view()), Status::not_finite);
    EXPECT_TRUE(same_bits(MatrixView<const T>(C), MatrixView<const T>(C_before)));
    Matrix<T> C_wrong(8, 2, T(1));
    EXPECT_EQ(rz_apply_z_inplace(Op::none, MatrixView<const T>(R), VectorView<const T>(tz), C_wrong.view()),
              Status::dimension_mismatch);
  }

  // High level
  {
    const auto f = cod(MatrixView<const T>(A0));
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->rank(), 5);
    EXPECT_EQ(f->solve(MatrixView<const T>(Matrix<T>(m - 1, 1))).status(), Status::dimension_mismatch);
    Vector<T> b(m, T(1));
    b[0] = nan<T>();
    EXPECT_EQ(f->solve(VectorView<const T>(b)).status(), Status::not_finite);
    const auto empty = cod(MatrixView<const T>(Matrix<T>(3, 0)));
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->rank(), 0);
    const auto x = empty->solve(VectorView<const T>(Vector<T>(3, T(1))));
    ASSERT_TRUE(x.ok());
    EXPECT_EQ(x.value().size(), 0);
  }
}

}  // namespace
}  // namespace stela::test
