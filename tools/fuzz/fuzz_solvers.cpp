// tools/fuzz/fuzz_solvers.cpp — a libFuzzer harness for the solvers (issue 13, "Hostile
// input"). Not part of the default build: see tools/CMakeLists.txt (STELA_FUZZ).
//
// Input: a small problem decoded from the bytes (fuzz_problem.hpp): X (m x n, m, n <= 8),
// Y (m x k, k <= 2), float or double, entries either raw IEEE bit patterns (NaN, Inf,
// subnormal, huge) or a byte code over the same classes that lets the fuzzer build
// structure (zeros, equal columns, graded scales) one byte per entry.
//
// What runs (bits 5-7 of the first byte pick one family, or all of them): lstsq by
// every method (high level, lstsq_inplace and the method's own entry), svd by both
// methods (thin vectors and values only), pinv by both SVDs, cholesky of the leading
// square block (three jitter policies) and of X^T X, pivoted Cholesky, ridge by its
// three methods and ridge_cv.
//
// What must hold (each a property the headers document, or a bound that follows from
// backward stability; every ratio is in units of eps and threshold kRatio = 30, the
// LAPACK test suite's, with an absolute term for what underflow may lose):
//   - never a crash, a sanitizer report or a hang (the iterations are capped);
//   - NaN or Inf in the input is never ok; a status other than ok is fine otherwise;
//   - ok means every output is finite, and:
//       lstsq   ||X^T r|| <= kRatio max(n,d,k) eps ||X|| (||Y|| + ||X|| ||W||) with
//               r = Y - X W (backward stability: a solution of a nearby problem, or the
//               exactly rank-truncated one); the reported residual norms those of W;
//               lstsq_inplace and the per-method entry agree bit for bit (lstsq.hpp);
//       svd     s non-negative, non-increasing; ||A - U S V^T||, ||I - V^T V||,
//               ||I - U^T U|| (over the columns of non-negligible s) small; values only
//               equal to the values of the vector path bit for bit (svd.hpp); both
//               methods' values agree to kRatio max(m,n) eps s_1;
//       pinv    the first Penrose condition when kappa(A) <= 100;
//       chol.   L L^T = A + jitter I to kRatio (p+1) eps trace(A + jitter I) (Higham,
//               Accuracy and Stability, thm 10.3), a positive diagonal;
//       ridge   ||X^T (Y - X W) - lambda W|| small relative to
//               eps ((||X||^2 + lambda) ||W|| + ||X|| ||Y||), without intercept and for
//               the methods that solve the regularised normal equations backward stably.
// A broken invariant prints what broke and aborts; libFuzzer keeps the input.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "fuzz_problem.hpp"
#include "stela/cholesky.hpp"
#include "stela/lstsq.hpp"
#include "stela/ridge.hpp"
#include "stela/svd.hpp"

namespace stela::fuzz {
namespace {

constexpr long double kRatio = 30;

// A bound: `value` <= kRatio * `unit` + `absolute`, printed when broken.
void require_small(long double value, long double unit, long double absolute, const char* what) {
  if (value <= kRatio * unit + absolute) return;
  std::fprintf(stderr, "fuzz_solvers: %s: %Lg > %Lg * %Lg + %Lg (ratio %Lg)\n", what, value, kRatio, unit, absolute,
               unit > 0 ? value / unit : value);
  std::abort();
}

// The per-method entries, in the order of kAllLstsqMethods.
template <class T>
Status lstsq_by_entry(LstsqMethod method, MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                      MatrixView<T> W, VectorView<T> res, VectorView<T> s, LstsqInfo<T>& info, Workspace work) {
  switch (method) {
    case LstsqMethod::svd: return lstsq_svd_inplace(X, Y, opts, W, res, s, info, work);
    case LstsqMethod::jacobi: return lstsq_jacobi_inplace(X, Y, opts, W, res, s, info, work);
    case LstsqMethod::qr: return lstsq_qr_inplace(X, Y, opts, W, res, info, work);
    case LstsqMethod::qrcp: return lstsq_qrcp_inplace(X, Y, opts, W, res, info, work);
    case LstsqMethod::normal_cholesky: return lstsq_normal_cholesky_inplace(X, Y, opts, W, res, info, work);
    case LstsqMethod::normal_lu: return lstsq_normal_lu_inplace(X, Y, opts, W, res, info, work);
  }
  return Status::invalid_argument;
}

// One low-level run: outputs and workspace poisoned with NaN first.
template <class T>
struct LowRun {
  Status status = Status::ok;
  Matrix<T> W;
  Vector<T> res, s;
};

template <class T>
LowRun<T> run_low(bool by_entry, MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  const bool spectral = opts.method == LstsqMethod::svd || opts.method == LstsqMethod::jacobi;
  LowRun<T> run{Status::ok, Matrix<T>(d, k, poison<T>()), Vector<T>(k, poison<T>()),
                Vector<T>(spectral ? std::min(n, d) : 0, poison<T>())};
  PoisonedWorkspace work(lstsq_workspace_size<T>(n, d, k, opts).bytes());
  LstsqInfo<T> info;
  run.status = by_entry ? lstsq_by_entry(opts.method, X, Y, opts, run.W.view(), run.res.view(), run.s.view(), info,
                                         work.workspace())
                        : lstsq_inplace(X, Y, opts, run.W.view(), run.res.view(), run.s.view(), info, work.workspace());
  return run;
}

// ||X^T (Y - X W) - lambda W||_F, the normal equations' residual, in long double.
template <class T>
long double normal_equations_residual(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W,
                                      long double lambda) {
  const LongMatrix R = minus(Y, product(X, W));
  LongMatrix G = product_transposed(X, R);
  for (index j = 0; j < G.cols(); ++j)
    for (index i = 0; i < G.rows(); ++i) G(i, j) -= lambda * static_cast<long double>(W(i, j));
  return G.norm();
}

// What underflow may lose when W's entries are rounded into the subnormal range:
// (||X||^2 + lambda) times a few units of the smallest subnormal per entry.
template <class T>
long double underflow_allowance(long double x_norm, long double lambda, index entries) {
  const long double tiny = std::numeric_limits<T>::denorm_min();
  return 4 * tiny * static_cast<long double>(entries + 1) * (x_norm * x_norm + x_norm + lambda + 1);
}

template <class T>
void check_lstsq_solution(MatrixView<const T> X, MatrixView<const T> Y, const LstsqResult<T>& out) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  require(finite(cview(out.solution)) && finite(cview(out.residual_norm)), "lstsq: ok with a non-finite output");
  // The normal equations report rank d when they succeed (lstsq.hpp), also for a wide X
  // whose Gram matrix passed the rcond test.
  const bool normal = out.method == LstsqMethod::normal_cholesky || out.method == LstsqMethod::normal_lu;
  require(out.rank >= 0 && out.rank <= (normal ? d : std::min(n, d)), "lstsq: rank out of range");
  const long double x = frobenius(X), y = frobenius(Y), w = frobenius(cview(out.solution));
  const long double eps = std::numeric_limits<T>::epsilon();
  const long double scale = static_cast<long double>(std::max({n, d, k, index{1}})) * eps;
  const long double allowance = underflow_allowance<T>(x, 0, d * k + n);
  require_small(normal_equations_residual(X, Y, cview(out.solution), 0), scale * x * (y + x * w),
                allowance, "lstsq: ||X^T r||");
  const LongMatrix R = minus(Y, product(X, cview(out.solution)));
  for (index j = 0; j < k; ++j) {
    const long double reported = out.residual_norm[j];
    require_small(std::fabs(reported - R.column_norm(j)), scale * (y + x * w), allowance,
                  "lstsq: reported residual norm against ||Y - X W||");
  }
}

template <class T>
void fuzz_lstsq(const Problem<T>& P) {
  const MatrixView<const T> X = P.X, Y = P.Y;
  for (const LstsqMethod method : kAllLstsqMethods) {
    LstsqOptions<T> opts;
    opts.method = method;
    if (P.zero_rtol) opts.tolerance = RankTolerance<T>::relative(0);
    const Result<LstsqResult<T>> high = lstsq(X, Y, opts);
    const LowRun<T> low = run_low(false, X, Y, opts);
    const LowRun<T> entry = run_low(true, X, Y, opts);
    require(high.status() == low.status, "lstsq and lstsq_inplace disagree on the status");
    require(low.status == entry.status, "lstsq_inplace and the method's entry disagree on the status");
    if (!P.finite) require(high.status() != Status::ok, "lstsq: ok on a non-finite input");
    if (low.status == Status::ok) {
      require(same_bits(cview(low.W), cview(entry.W)) && same_bits(cview(low.res), cview(entry.res)) &&
                  same_bits(cview(low.s), cview(entry.s)),
              "lstsq_inplace and the method's entry differ");
      check_lstsq_solution(X, Y, *high);
    }
  }
}

// ---------------------------------------------------------------------------------------
// svd and pinv

template <class T>
void check_svd(MatrixView<const T> A, const SVD<T>& F) {
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  require(F.s.size() == k && F.U.rows() == m && F.U.cols() == k && F.V.rows() == n && F.V.cols() == k,
          "svd: shapes");
  require(finite(cview(F.s)) && finite(cview(F.U)) && finite(cview(F.V)), "svd: ok with a non-finite output");
  for (index i = 0; i < k; ++i) require(F.s[i] >= 0 && (i == 0 || F.s[i] <= F.s[i - 1]), "svd: s not sorted");
  const long double eps = std::numeric_limits<T>::epsilon(), tiny = std::numeric_limits<T>::denorm_min();
  const long double scale = static_cast<long double>(std::max({m, n, index{1}})) * eps;
  const long double a = frobenius(A);
  require_small(reconstruction_error(A, cview(F.U), cview(F.s), cview(F.V)), scale * a, 4 * tiny * (m + n + 1) * (k + 1),
                "svd: ||A - U S V^T||");
  require_small(orthogonality_error(cview(F.V), k), scale, 0, "svd: ||I - V^T V||");
  // U's columns of negligible s are a completion whose accuracy the headers do not claim
  // beyond orthonormality to the kept ones; measured over the columns that carry A.
  index kept = 0;
  while (kept < k && F.s[kept] > static_cast<T>(scale) * F.s[0]) ++kept;
  require_small(orthogonality_error(cview(F.U), kept), scale, 0, "svd: ||I - U^T U||");
}

template <class T>
void fuzz_svd(const Problem<T>& P) {
  const MatrixView<const T> A = P.X;
  const index k = std::min(A.rows(), A.cols());
  Vector<T> values[2];
  bool both_ok = true;
  for (const SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi}) {
    SvdOptions opts;
    opts.method = method;
    const Result<SVD<T>> F = svd(A, opts);
    opts.vectors = SvdVectors::none;
    const Result<SVD<T>> values_only = svd(A, opts);
    require(F.status() == values_only.status(), "svd: values only and thin vectors disagree on the status");
    if (!P.x_finite) require(F.status() != Status::ok, "svd: ok on a non-finite input");
    both_ok = both_ok && F.ok();
    if (!F.ok()) continue;
    check_svd(A, *F);
    require(same_bits(cview(F->s), cview(values_only->s)), "svd: values only differ from the vector path's");
    values[method == SvdMethod::jacobi] = F->s;
  }
  if (!both_ok || k == 0) return;
  const long double eps = std::numeric_limits<T>::epsilon();
  const long double scale = static_cast<long double>(std::max(A.rows(), A.cols())) * eps;
  for (index i = 0; i < k; ++i)
    require_small(std::fabs(static_cast<long double>(values[0][i]) - values[1][i]), scale * values[0][0],
                  4 * static_cast<long double>(std::numeric_limits<T>::denorm_min()),
                  "svd: Golub-Kahan and Jacobi singular values differ");
}

template <class T>
void fuzz_pinv(const Problem<T>& P) {
  const MatrixView<const T> A = P.X;
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  const Result<SVD<T>> F = svd(A, SvdOptions{SvdMethod::golub_kahan, SvdVectors::none});
  for (const SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi}) {
    SvdOptions opts;
    opts.method = method;
    const Result<Matrix<T>> Ap = pinv(A, RankTolerance<T>{}, opts);
    if (!P.x_finite) require(Ap.status() != Status::ok, "pinv: ok on a non-finite input");
    if (!Ap.ok()) continue;
    require(Ap->rows() == n && Ap->cols() == m && finite(cview(*Ap)), "pinv: ok with a wrong or non-finite output");
    // A A^+ A = A for a well-conditioned A; the SVD gives its values scaled back, so a
    // matrix whose singular values overflow has no kappa here and is skipped.
    if (!F.ok() || k == 0 || !(F->s[k - 1] >= F->s[0] / 100) || !(F->s[0] > 0)) continue;
    const LongMatrix AApA = product(A, cview(*Ap), A);
    const long double eps = std::numeric_limits<T>::epsilon(), tiny = std::numeric_limits<T>::denorm_min();
    require_small(AApA.distance(A), static_cast<long double>(std::max(m, n)) * eps * frobenius(A),
                  tiny * 16 * (m + 1) * (n + 1) * (1 + frobenius(A) * frobenius(cview(*Ap))),
                  "pinv: ||A A^+ A - A||");
  }
}

// ---------------------------------------------------------------------------------------
// Cholesky and ridge

template <class T>
void check_cholesky(MatrixView<const T> A, const Cholesky<T>& C) {
  const index p = A.rows();
  require(C.info.failed_column == -1 && C.info.tries >= 1 && C.info.jitter >= 0, "cholesky: info on ok");
  require(finite(cview(C.L)), "cholesky: ok with a non-finite factor");
  long double trace = 0;
  for (index i = 0; i < p; ++i) {
    require(C.L(i, i) > 0, "cholesky: a diagonal entry of L is not positive");
    trace += static_cast<long double>(A(i, i)) + C.info.jitter;
  }
  const long double eps = std::numeric_limits<T>::epsilon(), tiny = std::numeric_limits<T>::denorm_min();
  require_small(cholesky_error(A, cview(C.L), C.info.jitter), static_cast<long double>(p + 1) * eps * trace,
                16 * tiny * (p + 1) * (p + 1), "cholesky: ||L L^T - (A + jitter I)||");
  const Result<T> logdet = C.log_determinant();
  require(logdet.ok() && std::isfinite(*logdet), "cholesky: log_determinant of a finished factor");
}

template <class T>
void fuzz_cholesky_of(MatrixView<const T> A, bool finite_lower, T tau) {
  const index p = A.rows();
  for (const Jitter<T> jitter : {Jitter<T>::none(), Jitter<T>::adaptive(), Jitter<T>::fixed(tau)}) {
    const Result<Cholesky<T>> C = cholesky(A, CholeskyOptions<T>{jitter});
    if (!finite_lower) require(C.status() != Status::ok, "cholesky: ok on a non-finite lower triangle");
    if (C.status() == Status::not_positive_definite)
      require(C->info.failed_column >= 0 && C->info.failed_column < p, "cholesky: failed_column out of range");
    if (C.ok()) check_cholesky(A, *C);
  }
  const Result<PivotedCholesky<T>> PC = pivoted_cholesky(A);
  if (!finite_lower) require(PC.status() != Status::ok, "pivoted_cholesky: ok on a non-finite lower triangle");
  if (PC.ok()) require(PC->rank() >= 0 && PC->rank() <= p && finite(cview(PC->L)), "pivoted_cholesky: ok output");
}

template <class T>
void fuzz_cholesky(const Problem<T>& P) {
  const index p = std::min(P.X.rows(), P.X.cols());
  const Matrix<T> A = leading_block(P.X, p);
  fuzz_cholesky_of(cview(A), lower_finite(cview(A)), P.tau);
  const Matrix<T> G = gram(P.X);  // X^T X, n x n, in T (Inf when it overflows)
  fuzz_cholesky_of(cview(G), lower_finite(cview(G)), P.tau);
}

template <class T>
void check_ridge(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeResult<T>& R) {
  require(finite(cview(R.solution)) && finite(cview(R.intercept)), "ridge: ok with a non-finite output");
  // The dual Cholesky form solves (X X^T + lambda I) Z = Y, W = X^T Z: its rounding in Z
  // is not in the range of X, so the normal equations' residual has no bound in W.
  if (R.dual) return;
  // When sqrt(lambda) dwarfs X, ridge scales X toward lambda' ~ 1 and X's entries fall
  // into the subnormal range, losing digits (documented in src/solvers/ridge.cpp): the
  // bound holds while the largest scaled entry keeps all of its digits, i.e. max |x_ij|
  // / sqrt(lambda) >= smallest normal / eps. (A 4 x 1 X of entries near 1e-43 at lambda
  // = 3, in float, gave a W 2% off.)
  long double x_max = 0;
  for (index j = 0; j < X.cols(); ++j)
    for (index i = 0; i < X.rows(); ++i) x_max = std::max(x_max, std::fabs(static_cast<long double>(X(i, j))));
  const long double min_normal = std::numeric_limits<T>::min(), eps_t = std::numeric_limits<T>::epsilon();
  if (lambda > 0 && x_max / std::sqrt(static_cast<long double>(lambda)) < min_normal / eps_t) return;
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  const long double x = frobenius(X), y = frobenius(Y), w = frobenius(cview(R.solution));
  const long double eps = std::numeric_limits<T>::epsilon(), l = lambda;
  const long double scale = static_cast<long double>(std::max({n, d, k, index{1}})) * eps;
  require_small(normal_equations_residual(X, Y, cview(R.solution), l), scale * ((x * x + l * d) * w + x * y),
                underflow_allowance<T>(x, l, d * k + n), "ridge: ||X^T (Y - X W) - lambda W||");
}

template <class T>
void fuzz_ridge(const Problem<T>& P) {
  const MatrixView<const T> X = P.X, Y = P.Y;
  for (const RidgeMethod method : {RidgeMethod::svd, RidgeMethod::cholesky, RidgeMethod::augmented_qr}) {
    RidgeOptions<T> opts;
    opts.method = method;
    opts.fit_intercept = P.intercept;
    const Result<RidgeResult<T>> R = ridge(X, Y, P.lambda, opts);
    if (!P.finite || !(P.lambda >= 0) || std::isinf(P.lambda)) require(R.status() != Status::ok, "ridge: ok on bad input");
    if (R.ok() && !P.intercept) check_ridge(X, Y, P.lambda, *R);
    if (R.ok() && P.intercept) require(finite(cview(R->solution)) && finite(cview(R->intercept)), "ridge: non-finite");
  }
  const T lambdas_data[] = {T(0), P.lambda, T(1), T(1024)};
  const VectorView<const T> lambdas(lambdas_data, 4);
  for (const CvCriterion criterion : {CvCriterion::gcv, CvCriterion::loo}) {
    RidgeOptions<T> opts;
    opts.fit_intercept = P.intercept;
    const Result<RidgeCvResult<T>> cv = ridge_cv(X, Y, lambdas, criterion, opts);
    if (!P.finite) require(cv.status() != Status::ok, "ridge_cv: ok on a non-finite input");
    if (!cv.ok()) continue;
    require(cv->best_index >= 0 && cv->best_index < 4 && cv->best_lambda == lambdas[cv->best_index],
            "ridge_cv: best lambda");
    require(finite(cview(cv->best.solution)) && finite(cview(cv->best.intercept)), "ridge_cv: non-finite best fit");
  }
}

template <class T>
void fuzz_all(const Problem<T>& P) {
  const auto runs = [&](Family f) { return P.family == f || P.family == Family::all; };
  if (runs(Family::lstsq)) fuzz_lstsq(P);
  if (runs(Family::svd)) fuzz_svd(P);
  if (runs(Family::pinv)) fuzz_pinv(P);
  if (runs(Family::cholesky)) fuzz_cholesky(P);
  if (runs(Family::ridge)) fuzz_ridge(P);
}

}  // namespace
}  // namespace stela::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stela::fuzz;
  Bytes bytes{data, size};
  const Header header = read_header(bytes);
  if (header.single)
    fuzz_all(decode_problem<float>(header, bytes));
  else
    fuzz_all(decode_problem<double>(header, bytes));
  return 0;
}
