// LU with partial pivoting: unblocked and blocked factorization over the catalogue,
// zero pivots, solves with A and A^T, the Hager–Higham condition estimate against the
// exact condition number, bad input.
//
// Ratios (threshold 30):
//   factorization  ||P A - L U||_1 / (n ||A||_1 eps)              (xGET01)
//   solve          ||B - op(A) X||_1 / (||A||_1 ||X||_1 n eps)    (xGET02)
#include <cmath>
#include <functional>
#include <vector>

#include "factorization_support.hpp"
#include "stela/lu.hpp"

namespace stela::test {
namespace {

template <class T>
class Lu : public ::testing::Test {};
TYPED_TEST_SUITE(Lu, Scalars, ScalarName);

// The strided and the contiguous vector solve run the same trsv, but the compiler
// specialises its loops for unit stride and may contract the two versions differently
// (GCC on x86-64 with FMA adds some SIMD products unfused in the unit-stride version and
// fuses them in the other): with FMA (kMayContract) only the residual of each answer is
// asserted; without it they are also the same bits.

template <class T>
using LuFactorize = std::function<Status(MatrixView<T>, VectorView<index>, LuInfo&)>;

template <class T>
std::vector<std::pair<std::string, LuFactorize<T>>> lu_variants() {
  return {
      {"unblocked", [](MatrixView<T> A, VectorView<index> p, LuInfo& info) { return lu_unblocked_inplace(A, p, info); }},
      {"blocked",
       [](MatrixView<T> A, VectorView<index> p, LuInfo& info) { return lu_inplace(A, p, info, Workspace()); }},
      // The optimal workspace, prefilled with NaN: trsm and gemm run packed.
      {"blocked_packed",
       [](MatrixView<T> A, VectorView<index> p, LuInfo& info) {
         std::vector<T> buffer(lu_workspace_size<T>(A.rows()).bytes() / sizeof(T) + 1, nan<T>());
         return lu_inplace(A, p, info, Workspace(buffer.data(), buffer.size() * sizeof(T)));
       }},
  };
}

// P A with the pivots replayed on a copy of A's rows.
template <class T>
Matrix<T> apply_pivots(MatrixView<const T> A, VectorView<const index> pivots) {
  Matrix<T> PA(A);
  for (index i = 0; i < pivots.size(); ++i) swap(PA.row(i), PA.row(pivots[i]));
  return PA;
}

// Checks one factorization: status, pivots, |l_ij| <= 1, the factorization ratio.
// Returns the ratio.
template <class T>
double check_lu(MatrixView<const T> A, const LuFactorize<T>& factor, const std::string& name) {
  const index n = A.rows();
  Padded<T> F = Padded<T>::from(A);
  Vector<index> pivots(n, -1);
  LuInfo info;
  info.failed_column = 999;
  const Status status = factor(F.view(), pivots.view(), info);
  EXPECT_TRUE(status == Status::ok || status == Status::singular) << name << ": " << to_string(status);
  EXPECT_EQ(status == Status::singular, info.failed_column >= 0) << name;
  EXPECT_TRUE(F.padding_untouched()) << name;
  for (index i = 0; i < n; ++i) {
    EXPECT_GE(pivots[i], i) << name;
    EXPECT_LT(pivots[i], n) << name;
  }
  const MatrixView<const T> Fv = F.view();
  for (index j = 0; j < n; ++j)
    for (index i = j + 1; i < n; ++i) {
      EXPECT_LE(std::abs(Fv(i, j)), T(1)) << name << " l(" << i << "," << j << ")";
    }
  if (info.failed_column >= 0) {
    EXPECT_EQ(Fv(info.failed_column, info.failed_column), T(0)) << name;
  }
  const double ratio = factorization_ratio<T>(apply_pivots<T>(A, pivots), unit_lower_part<T>(Fv), upper_part<T>(Fv, n));
  EXPECT_LT(ratio, kThreshold) << name;
  return ratio;
}

// Checks every variant on the n x n member of each type for each n (seed seed_base + n)
// and records the worst factorization ratio as the test's property.
template <class T>
void check_lu_sweep(const std::vector<index>& sizes, const std::vector<MatrixType>& types, std::uint64_t seed_base) {
  double worst = 0;
  for (index n : sizes) {
    for (MatrixType type : types) {
      const std::uint64_t seed = seed_base + static_cast<std::uint64_t>(n);
      const TestMatrix<T> tm = make_test_matrix<T>(type, n, n, seed);
      for (const auto& [variant, factor] : lu_variants<T>()) {
        const std::string name = case_name<T>(tm.name + " " + variant, n, n, seed);
        SCOPED_TRACE(name);
        worst = std::max(worst, check_lu<T>(tm.A, factor, name));
      }
    }
  }
  ::testing::Test::RecordProperty("worst_factorization_ratio", std::to_string(worst));
}

TYPED_TEST(Lu, FactorsEveryCatalogueType) {
  check_lu_sweep<TypeParam>(small_sizes(), all_matrix_types(), 40);
}

TYPED_TEST(Lu, FactorsAcrossBlockEdges) {
  // The recursive panel's base (16), one and two panels (64 columns), and 257.
  check_lu_sweep<TypeParam>({7, 8, 9, 15, 16, 17, 33, 63, 64, 65, 127, 128, 129, 257},
                            {MatrixType::gaussian, MatrixType::geometric, MatrixType::graded_rows}, 70);
}

TYPED_TEST(Lu, ZeroPivotIsNamedAndSolvesAreRefused) {
  using T = TypeParam;
  // A zero column j stays zero through the elimination (the updates subtract multiples
  // of U(i, j) = 0), so the pivot at step j is exactly zero.
  const index n = 130;
  for (index j : {0, 15, 16, 63, 64, 127, 128, 129}) {
    Matrix<T> A = random_matrix<T>(n, n, 5 + static_cast<std::uint64_t>(j));
    fill(A.col(j), T(0));
    for (const auto& [variant, factor] : lu_variants<T>()) {
      SCOPED_TRACE(case_name<T>("zero_column_" + std::to_string(j) + " " + variant, n, n, 5));
      Matrix<T> F = A;
      Vector<index> pivots(n);
      LuInfo info;
      ASSERT_EQ(factor(F.view(), pivots.view(), info), Status::singular);
      EXPECT_EQ(info.failed_column, j);
      // The factorization completed all the same (checked once per variant, for time).
      if (j == 64) {
        EXPECT_LT(factorization_ratio<T>(apply_pivots<T>(A, pivots), unit_lower_part<T>(F), upper_part<T>(F, n)),
                  kThreshold);
      }
      Matrix<T> B = random_matrix<T>(n, 2, 3);
      const Matrix<T> saved = B;
      EXPECT_EQ(lu_solve_inplace(Op::none, MatrixView<const T>(F), VectorView<const index>(pivots), B.view()),
                Status::singular);
      EXPECT_EQ(lu_solve_inplace(Op::transpose, MatrixView<const T>(F), VectorView<const index>(pivots), B.col(1)),
                Status::singular);
      EXPECT_TRUE(same_bits<T>(B, saved));
    }
  }
  // High level: the Result carries the factors, rcond is 0, solve refuses.
  Matrix<T> A = random_matrix<T>(6, 6, 2);
  fill(A.col(2), T(0));
  auto f = lu<T>(A);
  EXPECT_EQ(f.status(), Status::singular);
  EXPECT_EQ(f->info.failed_column, 2);
  EXPECT_EQ(f->rcond(), T(0));
  EXPECT_EQ(f->factors.rows(), 6);
  EXPECT_EQ(f->solve(Matrix<T>(6, 1, T(1))).status(), Status::singular);
  auto z = lu<T>(Matrix<T>(4, 4));
  EXPECT_EQ(z.status(), Status::singular);
  EXPECT_EQ(z->info.failed_column, 0);
}

TYPED_TEST(Lu, SolvesWithAAndItsTranspose) {
  using T = TypeParam;
  double worst = 0;
  for (index n : {1, 2, 9, 66}) {
    for (MatrixType type : {MatrixType::gaussian, MatrixType::geometric, MatrixType::one_small, MatrixType::graded_rows,
                            MatrixType::graded_columns, MatrixType::hilbert, MatrixType::vandermonde,
                            MatrixType::kahan, MatrixType::near_overflow, MatrixType::near_underflow}) {
      const std::uint64_t seed = 90 + static_cast<std::uint64_t>(n);
      const TestMatrix<T> tm = make_test_matrix<T>(type, n, n, seed);
      auto f = lu<T>(tm.A);
      if (f.status() == Status::singular) continue;  // an exactly singular U: nothing to solve
      ASSERT_EQ(f.status(), Status::ok);
      for (Op trans : {Op::none, Op::transpose}) {
        for (index k : {1, 4}) {
          SCOPED_TRACE(case_name<T>(tm.name + (trans == Op::none ? " A" : " A^T") + " k" + std::to_string(k), n, n, seed));
          const Matrix<T> B = random_matrix<T>(n, k, seed + 1);
          auto X = f->solve(B, trans);
          ASSERT_EQ(X.status(), Status::ok);
          const double ratio = solve_residual_ratio<T>(tm.A, *X, B, trans);
          EXPECT_LT(ratio, kThreshold);
          worst = std::max(worst, ratio);
          // Low level on a padded B gives the same bits.
          Padded<T> PB = Padded<T>::from(B);
          ASSERT_EQ(lu_solve_inplace(trans, MatrixView<const T>(f->factors), VectorView<const index>(f->pivots), PB.view()),
                    Status::ok);
          EXPECT_TRUE(same_bits<T>(PB.view(), *X));
          EXPECT_TRUE(PB.padding_untouched());
        }
        // A vector right-hand side (trsv instead of trsm), also strided: the same bits
        // without FMA, the same residual bound with it (kMayContract).
        const Matrix<T> b = random_matrix<T>(n, 1, seed + 1);
        auto x = f->solve(b.col(0), trans);
        ASSERT_EQ(x.status(), Status::ok);
        EXPECT_LT(solve_residual_ratio<T>(tm.A, MatrixView<const T>(x->data(), n, 1), b, trans), kThreshold);
        Matrix<T> strided(3, n, nan<T>());
        copy(b.col(0), strided.row(1));
        ASSERT_EQ(lu_solve_inplace(trans, MatrixView<const T>(f->factors), VectorView<const index>(f->pivots), strided.row(1)),
                  Status::ok);
        const Vector<T> x_strided(strided.row(1));
        EXPECT_LT(solve_residual_ratio<T>(tm.A, MatrixView<const T>(x_strided.data(), n, 1), b, trans), kThreshold);
        if (!kMayContract) { EXPECT_TRUE(same_bits<T>(strided.row(1), VectorView<const T>(*x))); }
      }
    }
  }
  ::testing::Test::RecordProperty("worst_solve_ratio", std::to_string(worst));
}

TYPED_TEST(Lu, ConditionEstimateIsALowerBoundWithinAFactorOfTen) {
  using T = TypeParam;
  double worst_underestimate = 1;
  for (index n : {1, 2, 3, 5, 10, 30, 70}) {
    for (MatrixType type : all_matrix_types()) {
      const std::uint64_t seed = 120 + static_cast<std::uint64_t>(n);
      const TestMatrix<T> tm = make_test_matrix<T>(type, n, n, seed);
      SCOPED_TRACE(case_name<T>(tm.name, n, n, seed));
      auto f = lu<T>(tm.A);
      if (f.status() == Status::singular) {
        EXPECT_EQ(f->rcond(), T(0));
        continue;
      }
      ASSERT_EQ(f.status(), Status::ok);
      const long double kappa = static_cast<long double>(f->anorm) * one_norm(inverse_long_double<T>(tm.A));
      // Numerically singular in T: the estimate only has to say so.
      if (kappa * static_cast<long double>(eps<T>()) > 1e-2L) {
        EXPECT_LT(f->rcond(), T(1e3) * n * eps<T>());
        continue;
      }
      // rcond = 1 / (anorm est) with est <= ||A^{-1}||_1 up to the rounding of solves
      // with condition kappa, and est >= ||A^{-1}||_1 / 10.
      const long double rcond = f->rcond();
      const long double slack = 1 + kThreshold * n * kappa * static_cast<long double>(eps<T>());
      EXPECT_GE(rcond * kappa * slack, 1.0L) << "rcond " << static_cast<double>(rcond) << " kappa " << static_cast<double>(kappa);
      EXPECT_LE(rcond * kappa, 10.0L) << "rcond " << static_cast<double>(rcond) << " kappa " << static_cast<double>(kappa);
      worst_underestimate = std::max(worst_underestimate, static_cast<double>(rcond * kappa));
      // The low-level call on the same factors with a NaN-filled workspace agrees.
      NanWorkspace work(lu_condition_estimate_workspace_size<T>(n));
      T low = nan<T>();
      ASSERT_EQ(lu_condition_estimate(MatrixView<const T>(f->factors), VectorView<const index>(f->pivots), f->anorm,
                                      low, work.workspace()),
                Status::ok);
      EXPECT_EQ(low, f->rcond());
    }
  }
  ::testing::Test::RecordProperty("worst_condition_underestimate", std::to_string(worst_underestimate));
}

TYPED_TEST(Lu, HighLevelAccessorsReassembleTheMatrix) {
  using T = TypeParam;
  const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::gaussian, 70, 70, 3);
  auto f = lu<T>(tm.A);
  ASSERT_EQ(f.status(), Status::ok);
  // (P A)(i, :) = A(p[i], :) = (L U)(i, :).
  const Vector<index> p = f->permutation();
  Matrix<T> PA(70, 70);
  for (index i = 0; i < 70; ++i) copy(tm.A.row(p[i]), PA.row(i));
  EXPECT_LT(factorization_ratio<T>(PA, f->L(), f->U()), kThreshold);
  EXPECT_EQ(f->anorm, norm(MatrixView<const T>(tm.A), Norm::one));
  EXPECT_GT(f->rcond(), T(0));
  // A finite matrix whose 1-norm overflows: factored, rcond 0.
  const T half_max = std::numeric_limits<T>::max() / 2;
  const Matrix<T> huge{{half_max, 0, 0}, {half_max, 1, 0}, {half_max, 0, 1}};
  auto h = lu<T>(huge);
  EXPECT_EQ(h.status(), Status::ok);
  EXPECT_EQ(h->rcond(), T(0));
  // Empty input.
  auto e = lu<T>(Matrix<T>(0, 0));
  EXPECT_EQ(e.status(), Status::ok);
  EXPECT_EQ(e->rcond(), T(1));
}

// Finite input whose elimination overflows: [[h, h], [-h, h]] with h = 0.9 max gives
// u_22 = h + h = inf. Every entry point says not_finite instead of returning inf factors.
TYPED_TEST(Lu, OverflowInTheEliminationIsReported) {
  using T = TypeParam;
  const T h = T(0.9) * std::numeric_limits<T>::max();
  Matrix<T> A(2, 2);
  A(0, 0) = h, A(0, 1) = h, A(1, 0) = -h, A(1, 1) = h;
  for (const auto& [variant, factor] : lu_variants<T>()) {
    Matrix<T> F = A;
    Vector<index> pivots(2);
    LuInfo info;
    EXPECT_EQ(factor(F.view(), pivots.view(), info), Status::not_finite) << variant;
  }
  EXPECT_EQ(lu<T>(A).status(), Status::not_finite);
  // Half the size: no overflow, and u_22 = h to rounding (l_21 = -1 is formed with a
  // reciprocal, as xGETF2 does).
  Matrix<T> half(2, 2);
  half(0, 0) = h / 2, half(0, 1) = h / 2, half(1, 0) = -h / 2, half(1, 1) = h / 2;
  auto f = lu<T>(half);
  ASSERT_EQ(f.status(), Status::ok);
  EXPECT_LE(std::abs(f->factors(1, 1) - h), 4 * eps<T>() * h);
}

TYPED_TEST(Lu, RejectsBadInputAndLeavesItUntouched) {
  using T = TypeParam;
  const index n = 5;
  const Matrix<T> good = random_matrix<T>(n, n, 1);
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity()}) {
    Matrix<T> A = good;
    A(0, 4) = bad;
    for (const auto& [variant, factor] : lu_variants<T>()) {
      Matrix<T> F = A;
      Vector<index> pivots(n, -1);
      LuInfo info;
      EXPECT_EQ(factor(F.view(), pivots.view(), info), Status::not_finite) << variant;
      EXPECT_TRUE(same_bits<T>(F, A)) << variant;
      EXPECT_EQ(pivots[0], -1) << variant;
    }
    EXPECT_EQ(lu<T>(A).status(), Status::not_finite);
  }
  // Shapes: non-square, pivots of the wrong size.
  const Matrix<T> tall = random_matrix<T>(n + 1, n, 2);
  for (const auto& [variant, factor] : lu_variants<T>()) {
    Matrix<T> F = tall;
    Vector<index> pivots(n);
    LuInfo info;
    EXPECT_EQ(factor(F.view(), pivots.view(), info), Status::dimension_mismatch) << variant;
    EXPECT_TRUE(same_bits<T>(F, tall)) << variant;
    Matrix<T> G = good;
    Vector<index> short_pivots(n - 1);
    EXPECT_EQ(factor(G.view(), short_pivots.view(), info), Status::dimension_mismatch) << variant;
    EXPECT_TRUE(same_bits<T>(G, good)) << variant;
  }
  EXPECT_EQ(lu<T>(tall).status(), Status::dimension_mismatch);
  // Solves: wrong rows, NaN in B, out-of-range pivots, NaN in the factors.
  auto f = lu<T>(good);
  ASSERT_EQ(f.status(), Status::ok);
  const MatrixView<const T> F = f->factors;
  const VectorView<const index> piv = f->pivots;
  Matrix<T> B = random_matrix<T>(n + 1, 2, 3);
  const Matrix<T> savedB = B;
  EXPECT_EQ(lu_solve_inplace(Op::none, F, piv, B.view()), Status::dimension_mismatch);
  EXPECT_EQ(lu_solve_inplace(Op::none, F, piv, B.col(0)), Status::dimension_mismatch);
  EXPECT_EQ(f->solve(B).status(), Status::dimension_mismatch);
  EXPECT_TRUE(same_bits<T>(B, savedB));
  Matrix<T> Bn = random_matrix<T>(n, 2, 4);
  Bn(2, 1) = nan<T>();
  const Matrix<T> savedBn = Bn;
  EXPECT_EQ(lu_solve_inplace(Op::transpose, F, piv, Bn.view()), Status::not_finite);
  EXPECT_EQ(lu_solve_inplace(Op::none, F, piv, Bn.col(1)), Status::not_finite);
  EXPECT_TRUE(same_bits<T>(Bn, savedBn));
  Vector<index> bad_pivots(f->pivots);
  bad_pivots[3] = 1;  // a pivot below its own index
  Matrix<T> B2 = random_matrix<T>(n, 2, 5);
  const Matrix<T> savedB2 = B2;
  EXPECT_EQ(lu_solve_inplace(Op::none, F, VectorView<const index>(bad_pivots), B2.view()), Status::invalid_argument);
  bad_pivots[3] = n;  // out of range
  EXPECT_EQ(lu_solve_inplace(Op::none, F, VectorView<const index>(bad_pivots), B2.view()), Status::invalid_argument);
  Matrix<T> Fbad = f->factors;
  Fbad(4, 0) = nan<T>();
  EXPECT_EQ(lu_solve_inplace(Op::none, MatrixView<const T>(Fbad), piv, B2.view()), Status::not_finite);
  EXPECT_TRUE(same_bits<T>(B2, savedB2));
  // Condition estimate: anorm negative or NaN, short workspace, bad pivots, shapes.
  T rcond = T(5);
  NanWorkspace work(lu_condition_estimate_workspace_size<T>(n));
  EXPECT_EQ(lu_condition_estimate(F, piv, T(-1), rcond, work.workspace()), Status::invalid_argument);
  EXPECT_EQ(lu_condition_estimate(F, piv, nan<T>(), rcond, work.workspace()), Status::not_finite);
  T rcond_inf = T(7);  // a norm that overflowed: rcond 0, not an error
  EXPECT_EQ(lu_condition_estimate(F, piv, std::numeric_limits<T>::infinity(), rcond_inf, work.workspace()), Status::ok);
  EXPECT_EQ(rcond_inf, T(0));
  EXPECT_EQ(lu_condition_estimate(F, VectorView<const index>(bad_pivots), T(1), rcond, work.workspace()),
            Status::invalid_argument);
  EXPECT_EQ(lu_condition_estimate(MatrixView<const T>(tall), piv, T(1), rcond, work.workspace()),
            Status::dimension_mismatch);
  NanWorkspace shortw = NanWorkspace::short_of(lu_condition_estimate_workspace_size<T>(n));
  EXPECT_EQ(lu_condition_estimate(F, piv, T(1), rcond, shortw.workspace()), Status::workspace_too_small);
  EXPECT_EQ(rcond, T(5));
}

}  // namespace
}  // namespace stela::test
