// Failure injection: the status of a step that fails inside a pipeline comes out of the
// pipeline's outer call.
//
// Each test makes one inner step fail — the SVD inside lstsq, pinv, the subspaces or
// ridge reaching a cap of 0 iterations or sweeps; a rank-deficient X inside a method
// that needs full rank; a column norm beyond the range of T inside the pivoted QR; a
// solution that overflows in lstsq's unscaling or in a triangular solve — and checks
// the outer status, on the high level and, where there is one, the low level.
//
// The low-level outputs and workspace are filled with NaN before every call. On failure
// the contracts leave lstsq's outputs unspecified (partial results), so there the status
// is all a caller has: it must name the failure, never ok over NaN or a half-written
// result. The same call without the injected failure must return ok with every NaN
// overwritten, which is what makes the poison a test of "written". Where a contract says
// more — the SVD's outputs hold the partial result on no_convergence, cod leaves rank
// untouched on not_finite — that is checked too.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "stela/lstsq.hpp"
#include "stela/normal_equations.hpp"
#include "stela/qr.hpp"
#include "stela/ridge.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class FailurePropagation : public ::testing::Test {};
TYPED_TEST_SUITE(FailurePropagation, Scalars, ScalarName);

const SvdMethod kSvdMethods[] = {SvdMethod::golub_kahan, SvdMethod::jacobi};

// SVD options whose cap is reached on any matrix that needs a sweep: 0 inner QR steps
// (Golub–Kahan) and 0 Jacobi sweeps.
SvdOptions capped(SvdMethod method) {
  SvdOptions opts;
  opts.method = method;
  opts.max_iterations = 0;
  opts.max_sweeps = 0;
  return opts;
}

// X with a zero last column: rank d - 1, and a zero that no rounding hides — R's last
// diagonal entry, and the last pivot of X^T X in Cholesky and LU, are exactly zero.
template <class T>
Matrix<T> with_zero_column(index n, index d, std::uint64_t seed) {
  Matrix<T> X = random_matrix<T>(n, d, seed);
  fill(X.col(d - 1), T(0));
  return X;
}

// X with a zero last row: rank n - 1, likewise for X^T and X X^T.
template <class T>
Matrix<T> with_zero_row(index n, index d, std::uint64_t seed) {
  Matrix<T> X = random_matrix<T>(n, d, seed);
  fill(X.row(n - 1), T(0));
  return X;
}

// A scaled by 2^e, exactly.
template <class T>
Matrix<T> times_power_of_two(MatrixView<const T> A, int e) {
  Matrix<T> B(A);
  scale_by_power_of_two(e, B.view());
  return B;
}

// The exponent that puts X 2^-e and Y 2^e in range but their least-squares solution,
// about 2^(2e), beyond it.
template <class T>
int half_range_exponent() {
  return std::numeric_limits<T>::max_exponent / 2 + 4;
}

// ---------------------------------------------------------------------------------------
// lstsq, both levels

// The statuses of lstsq and lstsq_inplace for one problem, with lstsq_inplace's outputs
// and workspace NaN-filled before the call.
template <class T>
struct LstsqRun {
  Status high = Status::ok;
  Status low = Status::ok;
  Matrix<T> W;
  Vector<T> residual_norm;
  Vector<T> singular_values;

  // Every output overwritten with a finite number.
  bool written() const {
    return all_finite(MatrixView<const T>(W)) && all_finite(VectorView<const T>(residual_norm)) &&
           all_finite(VectorView<const T>(singular_values));
  }
};

template <class T>
LstsqRun<T> run_lstsq(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  const bool spectral = opts.method == LstsqMethod::svd || opts.method == LstsqMethod::jacobi;
  LstsqRun<T> run;
  run.high = lstsq(X, Y, opts).status();
  run.W = Matrix<T>(d, k, nan<T>());
  run.residual_norm = Vector<T>(k, nan<T>());
  run.singular_values = Vector<T>(spectral ? std::min(n, d) : 0, nan<T>());
  NanWorkspace work(lstsq_workspace_size<T>(n, d, k, opts));
  LstsqInfo<T> info;
  run.low = lstsq_inplace(X, Y, opts, run.W.view(), run.residual_norm.view(), run.singular_values.view(), info,
                          work.workspace());
  return run;
}

template <class T>
LstsqOptions<T> lstsq_options(LstsqMethod method) {
  LstsqOptions<T> opts;
  opts.method = method;
  return opts;
}

// The control succeeds and overwrites every NaN; the injected failure comes out of both
// levels as `expected`.
template <class T>
void expect_propagated(const LstsqRun<T>& control, const LstsqRun<T>& failed, Status expected) {
  EXPECT_EQ(control.high, Status::ok);
  EXPECT_EQ(control.low, Status::ok);
  EXPECT_TRUE(control.written()) << "the control run left NaN (or Inf) in its outputs";
  EXPECT_EQ(failed.high, expected);
  EXPECT_EQ(failed.low, expected);
}

// svd and jacobi: the SVD inside lstsq reaches its cap (tall, tall with the QR first,
// wide; one and two right-hand sides).
TYPED_TEST(FailurePropagation, LstsqSvdAndJacobiReportTheSvdsNoConvergence) {
  using T = TypeParam;
  struct Shape {
    index n, d, k;
  };
  for (const Shape shape : {Shape{12, 6, 1}, Shape{40, 6, 2}, Shape{6, 12, 2}})
    for (const LstsqMethod method : {LstsqMethod::svd, LstsqMethod::jacobi}) {
      SCOPED_TRACE(std::string(to_string(method)) + " " + std::to_string(shape.n) + "x" + std::to_string(shape.d));
      const Matrix<T> X = random_matrix<T>(shape.n, shape.d, 101);
      const Matrix<T> Y = random_matrix<T>(shape.n, shape.k, 102);
      LstsqOptions<T> opts = lstsq_options<T>(method);
      const LstsqRun<T> control = run_lstsq<T>(X, Y, opts);
      opts.max_iterations = 0;
      opts.max_sweeps = 0;
      expect_propagated(control, run_lstsq<T>(X, Y, opts), Status::no_convergence);
    }
}

// qr: the rank check on R (tall: inside qr_solve; wide: on the R of X^T) fails on a
// rank-deficient X.
TYPED_TEST(FailurePropagation, LstsqQrReportsTheRankCheckOfItsTriangle) {
  using T = TypeParam;
  const LstsqOptions<T> opts = lstsq_options<T>(LstsqMethod::qr);
  const Matrix<T> Y_tall = random_matrix<T>(10, 2, 202), Y_wide = random_matrix<T>(4, 2, 204);
  {
    SCOPED_TRACE("tall");
    const LstsqRun<T> control = run_lstsq<T>(random_matrix<T>(10, 4, 201), Y_tall, opts);
    expect_propagated(control, run_lstsq<T>(with_zero_column<T>(10, 4, 201), Y_tall, opts),
                      Status::rank_deficient);
  }
  {
    SCOPED_TRACE("wide");
    const LstsqRun<T> control = run_lstsq<T>(random_matrix<T>(4, 10, 203), Y_wide, opts);
    expect_propagated(control, run_lstsq<T>(with_zero_row<T>(4, 10, 203), Y_wide, opts), Status::rank_deficient);
  }
}

// normal_cholesky and normal_lu: the factorization of X^T X (or its rcond rule) fails on
// a rank-deficient X.
TYPED_TEST(FailurePropagation, LstsqNormalEquationsReportTheirFactorization) {
  using T = TypeParam;
  const Matrix<T> Y = random_matrix<T>(10, 2, 302);
  const Matrix<T> X_full = random_matrix<T>(10, 4, 301), X_deficient = with_zero_column<T>(10, 4, 301);
  {
    SCOPED_TRACE("normal_cholesky");
    const LstsqOptions<T> opts = lstsq_options<T>(LstsqMethod::normal_cholesky);
    expect_propagated(run_lstsq<T>(X_full, Y, opts), run_lstsq<T>(X_deficient, Y, opts),
                      Status::not_positive_definite);
  }
  {
    SCOPED_TRACE("normal_lu");
    const LstsqOptions<T> opts = lstsq_options<T>(LstsqMethod::normal_lu);
    expect_propagated(run_lstsq<T>(X_full, Y, opts), run_lstsq<T>(X_deficient, Y, opts), Status::singular);
  }
}

// The normal equations' own pipeline (form X^T X and X^T Y, factor, estimate rcond,
// solve): a zero pivot in the factorization ends it with the documented outputs — W
// holds X^T Y (not a solve through the failed factor) and info.failed_column the column.
TYPED_TEST(FailurePropagation, NormalEquationsStopAtTheFailedPivotWithTheDocumentedOutputs) {
  using T = TypeParam;
  const index m = 10, d = 4, k = 2;
  const Matrix<T> X = with_zero_column<T>(m, d, 351), Y = random_matrix<T>(m, k, 352);
  Matrix<T> XtY(d, k);
  ASSERT_EQ(gemm(Op::transpose, Op::none, T(1), MatrixView<const T>(X), MatrixView<const T>(Y), T(0), XtY.view()),
            Status::ok);
  for (const bool use_lu : {false, true}) {
    SCOPED_TRACE(use_lu ? "lu" : "cholesky");
    Matrix<T> W(d, k, nan<T>());
    NormalEquationsInfo<T> info;
    NanWorkspace work(use_lu ? normal_equations_lu_workspace_size<T>(m, d, k)
                             : normal_equations_cholesky_workspace_size<T>(m, d, k));
    const Status status = use_lu ? normal_equations_lu_inplace<T>(X, Y, W.view(), info, work.workspace())
                                 : normal_equations_cholesky_inplace<T>(X, Y, W.view(), info, work.workspace());
    EXPECT_EQ(status, use_lu ? Status::singular : Status::not_positive_definite);
    EXPECT_EQ(info.failed_column, d - 1);
    EXPECT_TRUE(same_bits<T>(W, XtY)) << "W does not hold X^T Y";
  }
}

// qrcp with a tolerance of 0 keeps a subnormal pivot: T^{-1} in the COD's solve
// overflows, and the NaN/Inf that appears mid-pipeline is reported, not returned as a
// solution. The default tolerance drops that pivot and answers.
TYPED_TEST(FailurePropagation, LstsqQrcpReportsATriangularSolveThatOverflows) {
  using T = TypeParam;
  const T tiny = std::ldexp(T(1), -std::numeric_limits<T>::max_exponent - 5);  // subnormal, not zero
  ASSERT_GT(tiny, T(0));
  const Matrix<T> X{{T(1), T(0), T(0)}, {T(0), T(1), T(0)}, {T(0), T(0), tiny}};
  const Matrix<T> Y{{T(1)}, {T(1)}, {T(1)}};
  LstsqOptions<T> opts = lstsq_options<T>(LstsqMethod::qrcp);
  const LstsqRun<T> control = run_lstsq<T>(X, Y, opts);
  opts.tolerance = RankTolerance<T>::relative(0);
  expect_propagated(control, run_lstsq<T>(X, Y, opts), Status::not_finite);
}

// Every method: X 2^-e and Y 2^e are in range and well conditioned, but the solution,
// about 2^(2e), is not representable. The method solves the scaled problem; the
// unscaling overflows and is reported as not_finite.
TYPED_TEST(FailurePropagation, LstsqReportsASolutionBeyondTheRangeForEveryMethod) {
  using T = TypeParam;
  const int e = half_range_exponent<T>();
  const Matrix<T> X = times_power_of_two<T>(random_matrix<T>(10, 4, 401), -e);
  const Matrix<T> Y = random_matrix<T>(10, 2, 402);
  const Matrix<T> Y_huge = times_power_of_two<T>(Y, e);
  for (const LstsqMethod method : kAllLstsqMethods) {
    SCOPED_TRACE(to_string(method));
    const LstsqOptions<T> opts = lstsq_options<T>(method);
    expect_propagated(run_lstsq<T>(X, Y, opts), run_lstsq<T>(X, Y_huge, opts), Status::not_finite);
  }
}

// ---------------------------------------------------------------------------------------
// pinv and the subspaces: the SVD inside reaches its cap

TYPED_TEST(FailurePropagation, PinvReportsTheSvdsNoConvergence) {
  using T = TypeParam;
  for (const Matrix<T>& A : {random_matrix<T>(9, 5, 501), random_matrix<T>(5, 9, 502)})
    for (const SvdMethod method : kSvdMethods) {
      SCOPED_TRACE(std::string(method_name(method)) + " " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()));
      SvdOptions opts;
      opts.method = method;
      const Result<Matrix<T>> control = pinv<T>(A, RankTolerance<T>{}, opts);
      ASSERT_EQ(control.status(), Status::ok);
      EXPECT_TRUE(all_finite(MatrixView<const T>(*control)));
      EXPECT_EQ(pinv<T>(A, RankTolerance<T>{}, capped(method)).status(), Status::no_convergence);
    }
}

TYPED_TEST(FailurePropagation, NullSpaceBySvdReportsTheSvdsNoConvergence) {
  using T = TypeParam;
  const Matrix<T> A = random_matrix<T>(4, 7, 601);  // a null space of dimension 3
  for (const SvdMethod method : kSvdMethods) {
    SCOPED_TRACE(method_name(method));
    SvdOptions opts;
    opts.method = method;
    const Result<Matrix<T>> control = null_space<T>(A, RankTolerance<T>{}, SubspaceMethod::svd, opts);
    ASSERT_EQ(control.status(), Status::ok);
    EXPECT_EQ(control->cols(), 3);
    EXPECT_EQ(null_space<T>(A, RankTolerance<T>{}, SubspaceMethod::svd, capped(method)).status(),
              Status::no_convergence);
    // The other functions built on the same SVD report it as well.
    const Vector<T> y(4, T(1));
    EXPECT_EQ(rank<T>(A, RankTolerance<T>{}, capped(method)).status(), Status::no_convergence);
    EXPECT_EQ(range<T>(A, RankTolerance<T>{}, capped(method)).status(), Status::no_convergence);
    EXPECT_EQ(projector<T>(A, RankTolerance<T>{}, capped(method)).status(), Status::no_convergence);
    EXPECT_EQ(leverage<T>(A, RankTolerance<T>{}, capped(method)).status(), Status::no_convergence);
    EXPECT_EQ(general_solution<T>(A, VectorView<const T>(y), RankTolerance<T>{}, capped(method)).status(),
              Status::no_convergence);
  }
}

// ---------------------------------------------------------------------------------------
// The complete orthogonal decomposition: a column norm that overflows in its pivoted QR

// A 4 x 6 matrix near the top of the range (Gaussian entries times 2^(emax - 10)) whose
// column 2 holds entries of 0.75 max * `shrink`: with shrink = 1 that column's norm,
// 1.5 max, is beyond the range of T although every entry is finite.
template <class T>
Matrix<T> with_large_column(T shrink) {
  Matrix<T> A = times_power_of_two<T>(random_matrix<T>(4, 6, 701), std::numeric_limits<T>::max_exponent - 10);
  const T entry = T(0.75) * std::numeric_limits<T>::max() * shrink;
  for (index i = 0; i < 4; ++i) A(i, 2) = i % 2 == 0 ? entry : -entry;
  return A;
}

TYPED_TEST(FailurePropagation, CodReportsAColumnNormThatOverflowsInItsPivotedQr) {
  using T = TypeParam;
  const Matrix<T> A_fits = with_large_column<T>(T(1) / T(64)), A_overflows = with_large_column<T>(T(1));
  const index m = 4, n = 6, k = 4;
  const WorkspaceSize size = cod_workspace_size<T>(m, n);
  for (const Matrix<T>* A0 : {&A_fits, &A_overflows}) {
    const bool overflows = A0 == &A_overflows;
    SCOPED_TRACE(overflows ? "a column norm beyond the range" : "the same column, 64 times smaller");
    // Low level: outputs and workspace NaN-filled, rank a sentinel.
    Matrix<T> A(*A0);
    Vector<T> tau(k, nan<T>()), tau_z(k, nan<T>());
    Vector<index> perm(n, index(-1));
    index r = -7;
    NanWorkspace work(size);
    const Status status = cod_inplace(A.view(), tau.view(), tau_z.view(), perm.view(), r, RankTolerance<T>{},
                                      work.workspace());
    if (!overflows) {
      ASSERT_EQ(status, Status::ok);
      EXPECT_EQ(r, 4);
      EXPECT_TRUE(all_finite(MatrixView<const T>(A)) && all_finite(VectorView<const T>(tau)) &&
                  all_finite(VectorView<const T>(tau_z)));
    } else {
      EXPECT_EQ(status, Status::not_finite);
      EXPECT_EQ(r, -7) << "rank is written only on success";
    }
    // High level: cod and qr_pivoted return R or T, which overflow; null_space by the cod
    // method needs neither and scales A first, so it has no overflow to meet.
    const Status expected = overflows ? Status::not_finite : Status::ok;
    EXPECT_EQ(cod<T>(*A0).status(), expected);
    EXPECT_EQ(qr_pivoted<T>(*A0).status(), expected);
    const Result<Matrix<T>> N = null_space<T>(*A0, RankTolerance<T>{}, SubspaceMethod::cod);
    ASSERT_EQ(N.status(), Status::ok);
    EXPECT_EQ(N->cols(), 2);
    EXPECT_TRUE(all_finite(MatrixView<const T>(*N)));
    // The SVD scales A into the safe range first: its null space has no overflow to meet.
    EXPECT_EQ(null_space<T>(*A0, RankTolerance<T>{}, SubspaceMethod::svd).status(), Status::ok);
  }
}

// ---------------------------------------------------------------------------------------
// ridge, by each method

TYPED_TEST(FailurePropagation, RidgeSvdReportsTheSvdsNoConvergence) {
  using T = TypeParam;
  const Matrix<T> X = random_matrix<T>(12, 5, 801), Y = random_matrix<T>(12, 2, 802);
  const Vector<T> lambdas{T(0.01), T(0.1), T(1)};
  RidgeOptions<T> opts;
  ASSERT_EQ(ridge<T>(X, Y, T(0.5), opts).status(), Status::ok);
  ASSERT_EQ(ridge_path<T>(X, Y, lambdas, opts).status(), Status::ok);
  ASSERT_EQ(ridge_cv<T>(X, Y, lambdas, CvCriterion::loo, opts).status(), Status::ok);
  opts.max_iterations = 0;
  EXPECT_EQ(ridge<T>(X, Y, T(0.5), opts).status(), Status::no_convergence);
  EXPECT_EQ(ridge_path<T>(X, Y, lambdas, opts).status(), Status::no_convergence);
  EXPECT_EQ(ridge_cv<T>(X, Y, lambdas, CvCriterion::gcv, opts).status(), Status::no_convergence);
  EXPECT_EQ(ridge_cv<T>(X, Y, lambdas, CvCriterion::loo, opts).status(), Status::no_convergence);
}

// cholesky at lambda = 0: the Gram matrix of a rank-deficient X is singular, in the
// primal form (tall X, a zero column) and the dual one (wide X, a zero row).
TYPED_TEST(FailurePropagation, RidgeCholeskyReportsASingularGramMatrix) {
  using T = TypeParam;
  RidgeOptions<T> opts;
  opts.method = RidgeMethod::cholesky;
  const Matrix<T> Y_tall = random_matrix<T>(12, 2, 902), Y_wide = random_matrix<T>(5, 2, 904);
  for (const Matrix<T>& X : {with_zero_column<T>(12, 5, 901), with_zero_row<T>(5, 12, 903)}) {
    SCOPED_TRACE(X.rows() > X.cols() ? "primal" : "dual");
    const Matrix<T>& Y = X.rows() > X.cols() ? Y_tall : Y_wide;
    const Result<RidgeResult<T>> control = ridge<T>(X, Y, T(0.5), opts);
    ASSERT_EQ(control.status(), Status::ok);
    EXPECT_TRUE(all_finite(MatrixView<const T>(control->solution)));
    EXPECT_EQ(ridge<T>(X, Y, T(0), opts).status(), Status::not_positive_definite);
  }
}

// augmented_qr at lambda = 0: the rank check of the QR solve fails on a rank-deficient X.
TYPED_TEST(FailurePropagation, RidgeAugmentedQrReportsTheRankCheckOfItsSolve) {
  using T = TypeParam;
  RidgeOptions<T> opts;
  opts.method = RidgeMethod::augmented_qr;
  const Matrix<T> X = with_zero_column<T>(12, 5, 1001), Y = random_matrix<T>(12, 2, 1002);
  const Result<RidgeResult<T>> control = ridge<T>(X, Y, T(0.5), opts);
  ASSERT_EQ(control.status(), Status::ok);
  EXPECT_TRUE(all_finite(MatrixView<const T>(control->solution)));
  EXPECT_EQ(ridge<T>(X, Y, T(0), opts).status(), Status::rank_deficient);
}

// ---------------------------------------------------------------------------------------
// The SVD itself: the cap reached inside the method comes out of svd_inplace and svd,
// and the outputs still hold the documented partial result (every NaN overwritten: U is
// formed even when the iteration stopped, through the QR's Q on the QR-first path).

TYPED_TEST(FailurePropagation, SvdReportsNoConvergenceWithItsPartialResultWritten) {
  using T = TypeParam;
  struct Shape {
    index m, n;
  };
  // Tall, tall with the QR first (m >= 2n), wide (through the transpose).
  for (const Shape shape : {Shape{12, 5}, Shape{30, 5}, Shape{5, 12}})
    for (const SvdMethod method : kSvdMethods)
      for (const SvdVectors vectors : {SvdVectors::none, SvdVectors::thin, SvdVectors::full}) {
        const index m = shape.m, n = shape.n, k = std::min(m, n);
        SCOPED_TRACE(std::string(method_name(method)) + " " + std::to_string(m) + "x" + std::to_string(n) +
                     " vectors " + std::to_string(static_cast<int>(vectors)));
        const Matrix<T> A0 = random_matrix<T>(m, n, 1101);
        for (const bool cap : {false, true}) {
          SvdOptions opts = cap ? capped(method) : SvdOptions{};
          opts.method = method;
          opts.vectors = vectors;
          const index u_cols = vectors == SvdVectors::full ? m : (vectors == SvdVectors::thin ? k : 0);
          const index v_cols = vectors == SvdVectors::full ? n : (vectors == SvdVectors::thin ? k : 0);
          Matrix<T> A(A0), U(u_cols > 0 ? m : 0, u_cols, nan<T>()), V(v_cols > 0 ? n : 0, v_cols, nan<T>());
          Vector<T> s(k, nan<T>());
          SvdInfo<T> info;
          NanWorkspace work(svd_workspace_size<T>(m, n, opts));
          const Status status = svd_inplace(A.view(), s.view(), U.view(), V.view(), opts, info, work.workspace());
          const Status expected = cap ? Status::no_convergence : Status::ok;
          EXPECT_EQ(status, expected);
          EXPECT_EQ(svd<T>(A0, opts).status(), expected);
          EXPECT_TRUE(all_finite(VectorView<const T>(s)) && all_finite(MatrixView<const T>(U)) &&
                      all_finite(MatrixView<const T>(V)))
              << (cap ? "the partial result was not finished" : "the result was not written");
        }
      }
}

}  // namespace
}  // namespace stela::test
