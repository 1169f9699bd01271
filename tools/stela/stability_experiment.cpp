// tools/stela/stability_experiment.cpp — forward error against condition number for
// every least-squares method (see stability_experiment.hpp).
//
// The experiment (after Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
// ch. 20, and the LAPACK Users' Guide, section 4.5.2):
//
//   for kappa on a log-spaced grid, for a few seeds:
//     X = U diag(sigma) V^T    from the catalogue (make_test_matrix), cond(X) = kappa
//     w_true                   Gaussian
//     consistent problem:      y = X w_true                        (zero residual)
//     inconsistent problem:    y = X w_true + r_perp, r_perp = (I - U U^T) g for a
//                              Gaussian g, scaled so that ||r_perp|| / ||y|| = rho
//                              (--residual; r_perp is orthogonal to range(X), so w_true
//                              is still the least-squares solution)
//     for every method:        w = lstsq(X, y, method), and
//       forward error          ||w - w_true|| / ||w_true||
//       residual error         ||r - r_true|| / ||y||,  r = y - X w,  r_true = y - X w_true
//       optimality ratio       ||X^T r|| / (||X||_F (||X||_F ||w|| + ||y||) max(m, n) eps):
//                              if w solves a problem within eps of (X, y) exactly, then
//                              ||X^T r|| <= eps ||X|| (||X|| ||w|| + ||y|| + ||r||) to first
//                              order, and ||r|| <= ||X|| ||w|| + ||y||, so the ratio is
//                              of order 1 (below 30, LAPACK's threshold) whatever kappa.
//                              The scale is that of LAPACK's xQRT17 with ||X|| ||w||
//                              added, since ||r|| (STYLE.md rule 17's alpha) can be far
//                              smaller than eps-sized perturbations of X w allow. The
//                              normal equations meet it too: a small ||X^T r|| does not
//                              make a solution accurate, the forward error tells.
//       error estimate         the library's own bound (LstsqResult::forward_error)
//   and the median over the seeds that succeeded. A method that fails (status not ok) on
//   every seed leaves its point missing: NaN in the table.
//
// A backward-stable method (qr, qrcp, svd, jacobi) has forward error about
// eps (kappa + kappa^2 tan(theta)), sin(theta) = ||r|| / ||y||: eps kappa for the
// consistent problem. The normal equations have eps kappa^2 whatever the residual, and
// fail outright (Cholesky) once kappa^2 passes 1/eps.
//
// The measurements (X w, X^T r, the norms) are accumulated in long double from the
// exact values of the data in T, so they add no error of their own at the level of
// the errors measured (where long double is double, as with MSVC, they are still
// accurate to a few eps of double, far below what a float sweep measures, and of the
// order of the smallest errors of a double sweep).
#include "stability_experiment.hpp"

#include <algorithm>
#include <cmath>

namespace stela::cli {

const char* problem_name(SweepProblem problem) {
  return problem == SweepProblem::consistent ? "consistent" : "inconsistent";
}

namespace {

// Stream offsets, so that w_true and g never reuse the matrix's random numbers.
constexpr std::uint64_t kWeightStream = 0x9e3779b97f4a7c15ULL, kResidualStream = 0xc2b2ae3d27d4eb4fULL;

// ---------------------------------------------------------------------------------------
// Measurement in long double

using Wide = long double;
using WideVector = std::vector<Wide>;

template <class T>
WideVector widen_vector(VectorView<const T> x) {
  WideVector out(static_cast<std::size_t>(x.size()));
  for (index i = 0; i < x.size(); ++i) out[static_cast<std::size_t>(i)] = x[i];
  return out;
}

Wide norm2(const WideVector& x) {
  Wide s = 0;
  for (Wide v : x) s += v * v;
  return std::sqrt(s);
}

// X w, in long double from the data in T.
template <class T>
WideVector times(MatrixView<const T> X, const WideVector& w) {
  WideVector y(static_cast<std::size_t>(X.rows()), 0);
  for (index j = 0; j < X.cols(); ++j)
    for (index i = 0; i < X.rows(); ++i)
      y[static_cast<std::size_t>(i)] += static_cast<Wide>(X(i, j)) * w[static_cast<std::size_t>(j)];
  return y;
}

// y - X w
template <class T>
WideVector residual(MatrixView<const T> X, const WideVector& y, const WideVector& w) {
  WideVector r = times(X, w);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = y[i] - r[i];
  return r;
}

// ||X^T r||
template <class T>
Wide xtr_norm(MatrixView<const T> X, const WideVector& r) {
  Wide s = 0;
  for (index j = 0; j < X.cols(); ++j) {
    Wide c = 0;
    for (index i = 0; i < X.rows(); ++i) c += static_cast<Wide>(X(i, j)) * r[static_cast<std::size_t>(i)];
    s += c * c;
  }
  return std::sqrt(s);
}

// ||a - b||
Wide distance(const WideVector& a, const WideVector& b) {
  WideVector d = a;
  for (std::size_t i = 0; i < d.size(); ++i) d[i] -= b[i];
  return norm2(d);
}

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

// ---------------------------------------------------------------------------------------
// One seed at one kappa

// The matrix and the true solution of one (kappa, seed) step, shared by both problems.
template <class T>
struct Trial {
  TestMatrix<T> tm;  // X = tm.A, with its left singular vectors tm.U
  Wide x_norm = 0;   // ||X||_F
  WideVector w_true, y0;  // w_true, and y0 = X w_true exactly (in long double)
};

// 1. X with cond(X) = kappa and its left singular vectors U; 2. w_true Gaussian,
// y0 = X w_true (rounded to T once, when y is formed).
template <class T>
Trial<T> make_trial(const StabilitySettings& settings, double kappa, std::uint64_t seed) {
  CatalogueOptions copts;
  copts.kappa = kappa;
  Trial<T> trial{make_test_matrix<T>(settings.type, settings.rows, settings.cols, seed, copts), 0, {}, {}};
  const MatrixView<const T> X = trial.tm.A;
  trial.x_norm = static_cast<Wide>(norm<T>(X, Norm::frobenius));
  Rng rng_w(seed ^ kWeightStream);
  Vector<T> w_true(settings.cols);
  fill_gaussian(rng_w, w_true.view());
  trial.w_true = widen_vector<T>(w_true);
  trial.y0 = times<T>(X, trial.w_true);
  return trial;
}

// 3. The right-hand side in T: y0, or y0 + r_perp with ||r_perp|| / ||y|| = rho.
template <class T>
Vector<T> right_hand_side(const Trial<T>& trial, SweepProblem problem, double rho_value, std::uint64_t seed) {
  const index m = trial.tm.A.rows();
  WideVector target = trial.y0;
  if (problem == SweepProblem::inconsistent) {
    Rng rng_g(seed ^ kResidualStream);
    Vector<T> g_t(m);
    fill_gaussian(rng_g, g_t.view());
    WideVector g = widen_vector<T>(g_t);
    // r_perp = (I - U U^T) g, projected twice (Gram-Schmidt with reorthogonalization,
    // "twice is enough": Giraud, Langou, Rozloznik 2005).
    for (int pass = 0; pass < 2; ++pass)
      for (index j = 0; j < trial.tm.U.cols(); ++j) {
        Wide c = 0;
        for (index i = 0; i < m; ++i) c += static_cast<Wide>(trial.tm.U(i, j)) * g[static_cast<std::size_t>(i)];
        for (index i = 0; i < m; ++i) g[static_cast<std::size_t>(i)] -= c * static_cast<Wide>(trial.tm.U(i, j));
      }
    // ||r|| = rho / sqrt(1 - rho^2) ||y0||, so that ||r|| / ||y0 + r|| = rho.
    const Wide rho = rho_value;
    const Wide scale = rho / std::sqrt(1 - rho * rho) * norm2(trial.y0) / norm2(g);
    for (std::size_t i = 0; i < target.size(); ++i) target[i] += scale * g[i];
  }
  Vector<T> y(m);
  for (index i = 0; i < m; ++i) y[i] = static_cast<T>(target[static_cast<std::size_t>(i)]);
  return y;
}

// Every seed's measurements of one method at one (problem, kappa) point.
struct Samples {
  std::vector<double> forward, residual, optimality, estimate;
  index failed = 0;
  Status first_failure = Status::ok;
};

// 4. One method on one problem, and its measurements appended to `out`.
template <class T>
void measure(const Trial<T>& trial, VectorView<const T> y, const SweepSeries& series,
             const StabilitySettings& settings, Samples& out) {
  const MatrixView<const T> X = trial.tm.A;
  const index m = X.rows(), n = X.cols();
  LstsqOptions<T> opts;
  opts.method = series.method;
  opts.tolerance = RankTolerance<T>{static_cast<T>(settings.tolerance.atol), static_cast<T>(settings.tolerance.rtol)};
  opts.equilibrate = settings.equilibrate;
  opts.refine = series.refine;
  Result<LstsqResult<T>> fit = lstsq<T>(X, y, opts);
  if (!fit.ok()) {
    if (out.failed++ == 0) out.first_failure = fit.status();
    return;
  }
  const WideVector y_wide = widen_vector<T>(y);
  const Wide y_norm = norm2(y_wide);
  const WideVector r_true = residual<T>(X, y_wide, trial.w_true);
  const WideVector w = widen_vector<T>(fit->solution.col(0));
  const WideVector r = residual<T>(X, y_wide, w);
  // alpha = ||X||_F ||w|| + ||y||; scale = ||X||_F alpha max(m, n) eps
  const Wide alpha = trial.x_norm * norm2(w) + y_norm;
  const Wide scale = trial.x_norm * alpha * static_cast<Wide>(std::max(m, n)) * static_cast<Wide>(eps<T>());
  out.forward.push_back(static_cast<double>(distance(w, trial.w_true) / norm2(trial.w_true)));
  out.residual.push_back(static_cast<double>(distance(r, r_true) / y_norm));
  out.optimality.push_back(static_cast<double>(xtr_norm<T>(X, r) / scale));
  out.estimate.push_back(static_cast<double>(fit->forward_error[0]));
}

// 5. The medians over the seeds that succeeded.
MethodResult summarise(const SweepSeries& series, const Samples& s) {
  MethodResult result;
  result.method = series.method;
  result.refine = series.refine;
  result.forward_error = median(s.forward);
  result.residual_error = median(s.residual);
  result.optimality = median(s.optimality);
  result.error_estimate = median(s.estimate);
  result.seeds_ok = static_cast<index>(s.forward.size());
  result.seeds_failed = s.failed;
  result.status = s.first_failure;
  return result;
}

// ---------------------------------------------------------------------------------------
// The sweep

// The series: every method, then every method refined (settings.refine).
std::vector<SweepSeries> sweep_series(const StabilitySettings& settings) {
  std::vector<SweepSeries> out;
  for (bool refine : {false, true}) {
    if (refine && !settings.refine) break;
    for (LstsqMethod method : settings.methods) out.push_back(SweepSeries{method, refine});
  }
  return out;
}

template <class T>
StabilityTable run_sweep(const StabilitySettings& settings, const SweepProgress& progress) {
  const std::vector<SweepSeries> series = sweep_series(settings);
  const std::size_t np = settings.problems.size(), nk = settings.kappas.size(), nm = series.size();
  // samples[p][k][q]: problem p, kappa k, method q.
  std::vector<std::vector<std::vector<Samples>>> samples(
      np, std::vector<std::vector<Samples>>(nk, std::vector<Samples>(nm)));
  const index total = static_cast<index>(nk) * settings.seeds;
  index done = 0;
  for (std::size_t k = 0; k < nk; ++k)
    for (index s = 0; s < settings.seeds; ++s) {
      const std::uint64_t seed = settings.first_seed + static_cast<std::uint64_t>(s);
      const Trial<T> trial = make_trial<T>(settings, settings.kappas[k], seed);
      for (std::size_t p = 0; p < np; ++p) {
        const Vector<T> y = right_hand_side<T>(trial, settings.problems[p], settings.residual, seed);
        for (std::size_t q = 0; q < nm; ++q)
          measure<T>(trial, VectorView<const T>(y), series[q], settings, samples[p][k][q]);
      }
      if (progress) progress(++done, total);
    }

  StabilityTable table;
  table.settings = settings;
  table.eps = static_cast<double>(eps<T>());
  for (std::size_t p = 0; p < np; ++p) {
    ProblemSweep sweep;
    sweep.problem = settings.problems[p];
    sweep.residual_ratio = sweep.problem == SweepProblem::consistent ? 0.0 : settings.residual;
    for (std::size_t k = 0; k < nk; ++k) {
      StabilityPoint point;
      point.kappa = settings.kappas[k];
      for (std::size_t q = 0; q < nm; ++q) point.methods.push_back(summarise(series[q], samples[p][k][q]));
      sweep.points.push_back(std::move(point));
    }
    table.problems.push_back(std::move(sweep));
  }
  return table;
}

}  // namespace

StabilityTable run_stability_experiment(const StabilitySettings& settings, const SweepProgress& progress) {
  return settings.single ? run_sweep<float>(settings, progress) : run_sweep<double>(settings, progress);
}

}  // namespace stela::cli
