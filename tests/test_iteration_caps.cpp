// Iteration caps (issue 13, "Hostile input: bounded time"): every iterative loop of the
// library stops at a documented cap, and the status of reaching it comes out of every
// public entry that runs the loop.
//
// The iterative loops in src/, and where each is driven to its cap:
//   bidiagonal QR (svd_bidiagonal_qr.cpp, cap max_iterations, default 6 k^2 inner steps)
//       GolubKahanCap*, and *ReachTheCap below through lstsq (both levels and the
//       method's entry), pinv, rank, null_space, range, projector, leverage,
//       general_solution, ridge, ridge_path and ridge_cv;
//   one-sided Jacobi (svd_jacobi.cpp, cap max_sweeps, default 30 sweeps)
//       JacobiCap*, and the same pipelines (those that take SvdOptions or LstsqOptions;
//       ridge runs Golub–Kahan only);
//   Cholesky jitter retries (cholesky_jitter.cpp, at most 2 + floor(log10(1 / (n eps)))
//       tries, also capped by digits10 + 1 jittered tries)
//       JitterRetries*: an indefinite matrix that no shift up to mean(diag(A)) makes
//       positive definite, through cholesky() and cholesky_inplace;
//   Hager–Higham one-norm estimator (one_norm_estimate.hpp, 5 steps as xLACN2's ITMAX):
//       not tested here. Its cap is not an error (the estimate stands, a lower bound of
//       ||A^-1||_1 at any step), so there is no status to see, and no entry reports
//       the number of steps;
//   iterative refinement (lstsq_refine.hpp, cap LstsqOptions::max_refine_steps, default
//       10 steps per column; one step for the normal equations)
//       RefinementStopsAtItsCap, through lstsq by every method.
// Loops that are not iterations (pivoted Cholesky and pivoted QR stop at n, ridge_cv
// loops over the caller's lambdas) need no cap.
//
// A capped run does the same arithmetic as the uncapped one until the cap stops it. So
// as the cap grows from 0 the status is no_convergence up to some cap C and ok from C
// on, and from C on the result is the uncapped one bit for bit. The tests find C for
// each matrix and check both sides of it; the pipelines, which scale by powers of two
// (exact) before the SVD, must switch at the same C.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "stela/cholesky.hpp"
#include "stela/lstsq.hpp"
#include "stela/ridge.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class IterationCaps : public ::testing::Test {};
TYPED_TEST_SUITE(IterationCaps, Scalars, ScalarName);

struct CapShape {
  index m, n;
};
// Tall (Golub–Kahan bidiagonalizes A itself), tall enough for the QR first, and wide.
const CapShape kCapShapes[] = {{12, 6}, {40, 6}, {6, 12}};

std::string shape_name(SvdMethod method, CapShape s) {
  return std::string(method == SvdMethod::jacobi ? "jacobi " : "golub_kahan ") + std::to_string(s.m) + "x" +
         std::to_string(s.n);
}

// SVD options with `cap` as the method's cap (the other cap left at its default).
SvdOptions svd_capped_at(SvdMethod method, index cap, SvdVectors vectors = SvdVectors::thin) {
  SvdOptions opts;
  opts.method = method;
  opts.vectors = vectors;
  (method == SvdMethod::jacobi ? opts.max_sweeps : opts.max_iterations) = cap;
  return opts;
}

// The cap's largest useful value for A: the uncapped run's count (inner steps or sweeps);
// any cap at or above it converges.
template <class T>
index uncapped_count(MatrixView<const T> A, SvdMethod method) {
  const Result<SVD<T>> F = svd(A, svd_capped_at(method, -1));
  EXPECT_EQ(F.status(), Status::ok);
  return method == SvdMethod::jacobi ? F->info.sweeps : F->info.iterations;
}

// The smallest cap at which svd(A) converges, checking on the way that every smaller
// cap is no_convergence within its bound and every larger one gives the uncapped result.
template <class T>
index smallest_converging_cap(MatrixView<const T> A, SvdMethod method) {
  const Result<SVD<T>> reference = svd(A, svd_capped_at(method, -1));
  const index k = std::min(A.rows(), A.cols());
  const index top = uncapped_count(A, method);
  index first_ok = -1;
  for (index cap = 0; cap <= top; ++cap) {
    SCOPED_TRACE("cap " + std::to_string(cap));
    const Result<SVD<T>> F = svd(A, svd_capped_at(method, cap));
    if (F.ok()) {
      if (first_ok < 0) first_ok = cap;
      EXPECT_TRUE(same_bits<T>(F->s, reference->s) && same_bits<T>(F->U, reference->U) &&
                  same_bits<T>(F->V, reference->V))
          << "a cap that is not reached changed the result";
      continue;
    }
    EXPECT_EQ(F.status(), Status::no_convergence);
    EXPECT_LT(first_ok, 0) << "no_convergence at a cap above one that converged";
    for (index i = 0; i < F->s.size(); ++i) EXPECT_TRUE(std::isfinite(F->s[i])) << "partial s[" << i << "] not written";
    if (method == SvdMethod::golub_kahan) {
      // The cap is tested when a sweep is due, so at most one sweep (< k steps) beyond it.
      EXPECT_LE(F->info.iterations, cap + k);
      EXPECT_GE(F->info.unconverged, 1);
    } else {
      EXPECT_EQ(F->info.sweeps, cap);
      EXPECT_GT(F->info.max_off_cosine, 0.0);
    }
  }
  EXPECT_GE(first_ok, 1) << "converged without the iteration the test needs to cap";
  return first_ok;
}

TYPED_TEST(IterationCaps, GolubKahanCapIsAThresholdAndBelowItNoConvergence) {
  using T = TypeParam;
  for (const CapShape s : kCapShapes) {
    SCOPED_TRACE(shape_name(SvdMethod::golub_kahan, s));
    const Matrix<T> A = random_matrix<T>(s.m, s.n, 301);
    (void)smallest_converging_cap<T>(A, SvdMethod::golub_kahan);
  }
}

TYPED_TEST(IterationCaps, JacobiCapIsAThresholdAndBelowItNoConvergence) {
  using T = TypeParam;
  for (const CapShape s : kCapShapes) {
    SCOPED_TRACE(shape_name(SvdMethod::jacobi, s));
    const Matrix<T> A = random_matrix<T>(s.m, s.n, 302);
    (void)smallest_converging_cap<T>(A, SvdMethod::jacobi);
  }
}

// The bidiagonal QR on its own: a graded bidiagonal at every cap below the one that
// converges stops with d finite and info.unconverged > 0.
TYPED_TEST(IterationCaps, BidiagonalQrStopsAtItsCapWithThePartialValues) {
  using T = TypeParam;
  const index n = 20;
  for (index cap : {index{0}, index{1}, index{7}, index{30}}) {
    SCOPED_TRACE("cap " + std::to_string(cap));
    Vector<T> d(n), e(n);
    for (index i = 0; i < n; ++i) {
      d[i] = T(1) + static_cast<T>(i % 3);
      e[i] = i + 1 < n ? T(1) / static_cast<T>(i + 2) : T(0);
    }
    SvdInfo<T> info;
    const Status status = bidiagonal_svd_inplace(d.view(), e.view(), MatrixView<T>(), MatrixView<T>(), cap, info);
    EXPECT_EQ(status, Status::no_convergence);
    EXPECT_LE(info.iterations, cap + n);
    EXPECT_GE(info.unconverged, 1);
    for (index i = 0; i < n; ++i) EXPECT_TRUE(std::isfinite(d[i])) << "d[" << i << "]";
  }
}

// ---------------------------------------------------------------------------------------
// The pipelines: every entry that runs the SVD switches from no_convergence to ok at the
// cap where svd(X) does.

// lstsq at both levels and through the method's own entry, outputs NaN-poisoned.
template <class T>
std::vector<Status> lstsq_statuses(MatrixView<const T> X, MatrixView<const T> Y, SvdMethod method, index cap) {
  LstsqOptions<T> opts;
  opts.method = method == SvdMethod::jacobi ? LstsqMethod::jacobi : LstsqMethod::svd;
  (method == SvdMethod::jacobi ? opts.max_sweeps : opts.max_iterations) = cap;
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  std::vector<Status> out{lstsq(X, Y, opts).status()};
  for (const bool own_entry : {false, true}) {
    Matrix<T> W(d, k, nan<T>());
    Vector<T> res(k, nan<T>()), s(std::min(n, d), nan<T>());
    NanWorkspace work(lstsq_workspace_size<T>(n, d, k, opts));
    LstsqInfo<T> info;
    Status st = Status::ok;
    if (!own_entry)
      st = lstsq_inplace(X, Y, opts, W.view(), res.view(), s.view(), info, work.workspace());
    else if (method == SvdMethod::jacobi)
      st = lstsq_jacobi_inplace(X, Y, opts, W.view(), res.view(), s.view(), info, work.workspace());
    else
      st = lstsq_svd_inplace(X, Y, opts, W.view(), res.view(), s.view(), info, work.workspace());
    out.push_back(st);
  }
  return out;
}

// pinv and the subspaces; a pinv that did not converge returns no matrix.
template <class T>
std::vector<Status> subspace_statuses(MatrixView<const T> X, VectorView<const T> y, SvdMethod method, index cap) {
  const SvdOptions opts = svd_capped_at(method, cap);
  const Result<Matrix<T>> P = pinv(X, RankTolerance<T>{}, opts);
  if (!P.ok()) {
    EXPECT_EQ(P->rows() * P->cols(), 0) << "pinv returned a matrix with " << to_string(P.status());
  }
  return {P.status(),
          rank(X, RankTolerance<T>{}, opts).status(),
          null_space(X, RankTolerance<T>{}, SubspaceMethod::svd, opts).status(),
          range(X, RankTolerance<T>{}, opts).status(),
          projector(X, RankTolerance<T>{}, opts).status(),
          leverage(X, RankTolerance<T>{}, opts).status(),
          general_solution(X, y, RankTolerance<T>{}, opts).status()};
}

// ridge, ridge_path and ridge_cv (Golub–Kahan only); no solution on no_convergence.
template <class T>
std::vector<Status> ridge_statuses(MatrixView<const T> X, MatrixView<const T> Y, index cap) {
  RidgeOptions<T> opts;
  opts.max_iterations = cap;
  const T lambdas_data[] = {T(0), T(0.5), T(2)};
  const VectorView<const T> lambdas(lambdas_data, 3);
  const Result<RidgeResult<T>> R = ridge(X, Y, T(0.5), opts);
  if (!R.ok()) {
    EXPECT_EQ(R->solution.rows() * R->solution.cols(), 0) << "ridge returned a solution";
  }
  return {R.status(), ridge_path(X, Y, lambdas, opts).status(),
          ridge_cv(X, Y, lambdas, CvCriterion::gcv, opts).status(),
          ridge_cv(X, Y, lambdas, CvCriterion::loo, opts).status()};
}

template <class T>
std::vector<Status> pipeline_statuses(MatrixView<const T> X, MatrixView<const T> Y, SvdMethod method, index cap) {
  std::vector<Status> all = lstsq_statuses(X, Y, method, cap);
  for (const Status s : subspace_statuses(X, Y.col(0), method, cap)) all.push_back(s);
  if (method == SvdMethod::golub_kahan)
    for (const Status s : ridge_statuses(X, Y, cap)) all.push_back(s);
  return all;
}

// Entry names in the order of pipeline_statuses, for the failure message.
const char* const kPipelineEntries[] = {"lstsq", "lstsq_inplace", "lstsq_<method>_inplace", "pinv", "rank",
                                        "null_space", "range", "projector", "leverage", "general_solution",
                                        "ridge", "ridge_path", "ridge_cv gcv", "ridge_cv loo"};

TYPED_TEST(IterationCaps, EveryPipelineReachesTheSvdsCapWhereSvdDoes) {
  using T = TypeParam;
  for (const SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi})
    for (const CapShape s : kCapShapes) {
      SCOPED_TRACE(shape_name(method, s));
      const Matrix<T> X = random_matrix<T>(s.m, s.n, 303);
      const Matrix<T> Y = random_matrix<T>(s.m, 2, 304);
      const index C = smallest_converging_cap<T>(X, method);
      if (C < 1) continue;  // reported by smallest_converging_cap
      const std::vector<Status> below = pipeline_statuses<T>(X, Y, method, C - 1);
      const std::vector<Status> at = pipeline_statuses<T>(X, Y, method, C);
      for (std::size_t i = 0; i < below.size(); ++i) {
        EXPECT_EQ(below[i], Status::no_convergence) << kPipelineEntries[i] << " at cap " << C - 1;
        EXPECT_EQ(at[i], Status::ok) << kPipelineEntries[i] << " at cap " << C;
      }
    }
}

// ---------------------------------------------------------------------------------------
// Cholesky jitter retries

// n x n diagonal, indefinite, with mean(diag) > 0 and a pivot that stays non-positive
// under every shift up to the mean: diag(1, ..., 1, -1) for n >= 3 (mean (n - 2) / n),
// diag(3, -1) for n = 2 (mean 1: the last try factors diag(4, 0)). `negative_first`
// puts the negative entry first instead. The strict upper triangle is NaN (never read).
template <class T>
Matrix<T> beyond_jitter(index n, bool negative_first) {
  Matrix<T> A(n, n, T(0));
  for (index j = 0; j < n; ++j) {
    for (index i = 0; i < j; ++i) A(i, j) = nan<T>();
    A(j, j) = T(1);
  }
  if (n == 2) A(0, 0) = A(1, 1) = T(3);
  A(negative_first ? 0 : n - 1, negative_first ? 0 : n - 1) = T(-1);
  return A;
}

// The documented count: the first try, then tau = n eps mean, 10 tau, ... up to mean.
template <class T>
int documented_tries(index n) {
  const long double eps = std::numeric_limits<T>::epsilon();
  return 2 + static_cast<int>(std::floor(std::log10(1.0L / (static_cast<long double>(n) * eps))));
}

TYPED_TEST(IterationCaps, JitterRetriesStopAtTheDocumentedCountWithTheLastTry) {
  using T = TypeParam;
  for (const index n : {index{2}, index{3}, index{5}, index{10}, index{40}})
    for (const bool negative_first : {false, true}) {
      SCOPED_TRACE("n " + std::to_string(n) + (negative_first ? ", negative first" : ", negative last"));
      const Matrix<T> A = beyond_jitter<T>(n, negative_first);
      double mean = 0;
      for (index i = 0; i < n; ++i) mean += static_cast<double>(A(i, i)) / static_cast<double>(n);

      // High level: the info of the last try; the caller's A is untouched.
      const Matrix<T> before = A;
      const Result<Cholesky<T>> C = cholesky<T>(A, CholeskyOptions<T>{Jitter<T>::adaptive()});
      EXPECT_EQ(C.status(), Status::not_positive_definite);
      EXPECT_EQ(C->info.tries, documented_tries<T>(n));
      EXPECT_GT(C->info.jitter, mean / 10);
      EXPECT_LE(C->info.jitter, mean);
      EXPECT_EQ(C->info.failed_column, negative_first ? 0 : n - 1);
      EXPECT_TRUE(same_bits<T>(A, before));

      // Low level, workspace NaN-poisoned: the same info, A holding the partial factor of
      // A + jitter I (its first column), the strict upper triangle never written.
      Matrix<T> L = A;
      CholeskyInfo<T> info;
      NanWorkspace work(cholesky_workspace_size<T>(n, CholeskyOptions<T>{Jitter<T>::adaptive()}));
      EXPECT_EQ(cholesky_inplace(L.view(), info, work.workspace(), CholeskyOptions<T>{Jitter<T>::adaptive()}),
                Status::not_positive_definite);
      EXPECT_EQ(info.tries, C->info.tries);
      EXPECT_EQ(info.jitter, C->info.jitter);
      EXPECT_EQ(info.failed_column, C->info.failed_column);
      if (!negative_first) {
        EXPECT_NEAR(static_cast<double>(L(0, 0)), std::sqrt(static_cast<double>(A(0, 0)) + info.jitter),
                    4 * std::numeric_limits<T>::epsilon() * 2);
      }
      for (index j = 0; j < n; ++j)
        for (index i = 0; i < j; ++i) EXPECT_TRUE(std::isnan(L(i, j))) << "upper (" << i << ", " << j << ") written";
    }
}

// A mean diagonal that is not positive gives the shift no scale: one try only.
TYPED_TEST(IterationCaps, JitterStopsAfterOneTryWithoutAPositiveMean) {
  using T = TypeParam;
  for (const index n : {index{1}, index{4}}) {
    Matrix<T> A(n, n, T(0));
    for (index i = 0; i < n; ++i) A(i, i) = i == 0 ? T(-1) : T(0);
    const Result<Cholesky<T>> C = cholesky<T>(A, CholeskyOptions<T>{Jitter<T>::adaptive()});
    EXPECT_EQ(C.status(), Status::not_positive_definite) << "n " << n;
    EXPECT_EQ(C->info.tries, 1) << "n " << n;
  }
}

// Iterative refinement: with the cap c below the steps s the uncapped refinement takes,
// every method stops after c steps, says step_limit, and still answers (ok, finite W);
// a cap of 0 with refine set is invalid_argument; the normal equations take their one
// step whatever the cap.
TYPED_TEST(IterationCaps, RefinementStopsAtItsCap) {
  using T = TypeParam;
  CatalogueOptions cat;
  cat.kappa = 1e3;
  const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, 30, 6, 1306, cat);
  const Matrix<T> y = random_matrix<T>(30, 1, 1307);
  for (LstsqMethod method : kAllLstsqMethods) {
    SCOPED_TRACE(to_string(method));
    LstsqOptions<T> opts;
    opts.method = method;
    opts.refine = true;
    const auto uncapped = lstsq<T>(tm.A, MatrixView<const T>(y), opts);
    ASSERT_TRUE(uncapped);
    const bool normal = method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu;
    if (normal) {
      EXPECT_EQ(uncapped->refinement.steps, 1);
      EXPECT_EQ(uncapped->refinement.stop, LstsqRefineStop::step_limit);
    } else {
      ASSERT_GE(uncapped->refinement.steps, 2);  // the second step tells convergence
    }
    for (index cap = 1; cap < std::max<index>(uncapped->refinement.steps, 2); ++cap) {
      opts.max_refine_steps = cap;
      const auto capped = lstsq<T>(tm.A, MatrixView<const T>(y), opts);
      ASSERT_TRUE(capped) << "cap " << cap;
      EXPECT_EQ(capped->refinement.steps, normal ? 1 : cap);
      EXPECT_EQ(capped->refinement.stop, LstsqRefineStop::step_limit);
      EXPECT_TRUE(all_finite(MatrixView<const T>(capped->solution)));
    }
    opts.max_refine_steps = 0;
    EXPECT_EQ(lstsq<T>(tm.A, MatrixView<const T>(y), opts).status(), Status::invalid_argument);
  }
}

}  // namespace
}  // namespace stela::test
