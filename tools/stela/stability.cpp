// tools/stela/stability.cpp — `stela stability`: forward error against condition number
// for every least-squares method, as a table, a CSV file and SVG plots.
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
//   every seed leaves its point missing: NaN in the CSV, a gap in the plot.
//
// A backward-stable method (qr, qrcp, svd, jacobi) has forward error about
// eps (kappa + kappa^2 tan(theta)), sin(theta) = ||r|| / ||y||: eps kappa for the
// consistent problem. The normal equations have eps kappa^2 whatever the residual, and
// fail outright (Cholesky) once kappa^2 passes 1/eps. The plots show both guide lines.
//
// The measurements (X w, X^T r, the norms) are accumulated in long double from the
// exact values of the data in T, so they add no error of their own at the level of
// the errors measured (where long double is double, as with MSVC, they are still
// accurate to a few eps of double, far below what a float sweep measures, and of the
// order of the smallest errors of a double sweep).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

#include "commands.hpp"
#include "common.hpp"
#include "io/numbers.hpp"
#include "io/svg_plot.hpp"
#include "stela/lstsq.hpp"
#include "stela/random.hpp"

namespace stela::cli {
namespace {

// The catalogue types whose condition number is a parameter (LAPACK xLATMS modes).
inline constexpr Choice<MatrixType> kSweepTypes[] = {
    {"geometric", MatrixType::geometric},     {"arithmetic", MatrixType::arithmetic},
    {"one-large", MatrixType::one_large},     {"one-small", MatrixType::one_small},
    {"log-uniform", MatrixType::log_uniform},
};

// Defaults: well under a second, 17 decades of kappa.
constexpr index kDefaultRows = 100, kDefaultCols = 20;
// kappa up to about 1 / eps of the precision, where the last digit goes.
constexpr double kDefaultKappaMin = 1, kDefaultKappaMax = 1e16, kDefaultKappaMaxFloat = 1e8;
constexpr index kDefaultSeeds = 3;
constexpr double kDefaultResidual = 1e-4;  // ||r|| / ||y|| of the inconsistent problem
constexpr double kPlotErrorMax = 1e2;      // top of the plots' error axis
// Limits that keep a mistyped option from asking for hours of work.
constexpr index kMaxDimension = 4000, kMaxPoints = 200, kMaxSeeds = 100;
// Stream offsets, so that w_true and g never reuse the matrix's random numbers.
constexpr std::uint64_t kWeightStream = 0x9e3779b97f4a7c15ULL, kResidualStream = 0xc2b2ae3d27d4eb4fULL;

enum class Problem { consistent, inconsistent };
const char* problem_name(Problem p) { return p == Problem::consistent ? "consistent" : "inconsistent"; }

struct Config {
  MatrixType type = MatrixType::geometric;
  index rows = kDefaultRows, cols = kDefaultCols;
  std::vector<double> kappas;
  index seeds = kDefaultSeeds;
  std::uint64_t first_seed = 1;
  double residual = kDefaultResidual;
  std::vector<Problem> problems;
  std::vector<LstsqMethod> methods;
  RankTolerance tolerance{};
  std::string out_dir = ".";
  bool files = true;
  bool single = false;
};

// One (problem, kappa, method) point: the medians and what failed.
struct Point {
  double forward_error = std::numeric_limits<double>::quiet_NaN();
  double residual_error = std::numeric_limits<double>::quiet_NaN();
  double optimality = std::numeric_limits<double>::quiet_NaN();
  double error_estimate = std::numeric_limits<double>::quiet_NaN();
  index seeds_ok = 0, seeds_failed = 0;
  Status first_failure = Status::ok;
};

struct Sweep {
  // points[p][k][m]: problem p, kappa k, method m (in the order of Config).
  std::vector<std::vector<std::vector<Point>>> points;
};

// ---------------------------------------------------------------------------------------
// Measurement in long double

using Wide = long double;

template <class T>
std::vector<Wide> widen_vector(VectorView<const T> x) {
  std::vector<Wide> out(static_cast<std::size_t>(x.size()));
  for (index i = 0; i < x.size(); ++i) out[static_cast<std::size_t>(i)] = x[i];
  return out;
}

Wide norm2(const std::vector<Wide>& x) {
  Wide s = 0;
  for (Wide v : x) s += v * v;
  return std::sqrt(s);
}

// X w, in long double from the data in T.
template <class T>
std::vector<Wide> times(MatrixView<const T> X, const std::vector<Wide>& w) {
  std::vector<Wide> y(static_cast<std::size_t>(X.rows()), 0);
  for (index j = 0; j < X.cols(); ++j)
    for (index i = 0; i < X.rows(); ++i)
      y[static_cast<std::size_t>(i)] += static_cast<Wide>(X(i, j)) * w[static_cast<std::size_t>(j)];
  return y;
}

// y - X w
template <class T>
std::vector<Wide> residual(MatrixView<const T> X, const std::vector<Wide>& y, const std::vector<Wide>& w) {
  std::vector<Wide> r = times(X, w);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = y[i] - r[i];
  return r;
}

// ||X^T r||
template <class T>
Wide xtr_norm(MatrixView<const T> X, const std::vector<Wide>& r) {
  Wide s = 0;
  for (index j = 0; j < X.cols(); ++j) {
    Wide c = 0;
    for (index i = 0; i < X.rows(); ++i) c += static_cast<Wide>(X(i, j)) * r[static_cast<std::size_t>(i)];
    s += c * c;
  }
  return std::sqrt(s);
}

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

// ---------------------------------------------------------------------------------------
// Progress on standard error, only when it is a terminal.

class Progress {
 public:
  explicit Progress(index total) : total_(total) {
#if defined(_WIN32)
    active_ = _isatty(_fileno(stderr)) != 0;
#else
    active_ = isatty(fileno(stderr)) != 0;
#endif
  }
  void step() {
    ++done_;
    if (!active_) return;
    constexpr index kWidth = 30;
    const index filled = total_ > 0 ? done_ * kWidth / total_ : kWidth;
    std::fprintf(stderr, "\rstability [%s%s] %ld/%ld", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), static_cast<long>(done_),
                 static_cast<long>(total_));
    std::fflush(stderr);
  }
  ~Progress() {
    if (active_) std::fprintf(stderr, "\r%s\r", std::string(60, ' ').c_str());
  }

 private:
  index total_, done_ = 0;
  bool active_ = false;
};

// ---------------------------------------------------------------------------------------
// The sweep

template <class T>
Sweep run_sweep(const Config& cfg) {
  const index m = cfg.rows, n = cfg.cols;
  const std::size_t np = cfg.problems.size(), nk = cfg.kappas.size(), nm = cfg.methods.size();
  // samples[p][k][method] per measurement
  struct Samples {
    std::vector<double> forward, residual, optimality, estimate;
    index failed = 0;
    Status first_failure = Status::ok;
  };
  std::vector<std::vector<std::vector<Samples>>> samples(
      np, std::vector<std::vector<Samples>>(nk, std::vector<Samples>(nm)));
  Progress progress(static_cast<index>(nk) * cfg.seeds);

  for (std::size_t k = 0; k < nk; ++k) {
    for (index s = 0; s < cfg.seeds; ++s) {
      const std::uint64_t seed = cfg.first_seed + static_cast<std::uint64_t>(s);
      // 1. X with cond(X) = kappa, and its left singular vectors U.
      CatalogueOptions copts;
      copts.kappa = cfg.kappas[k];
      const TestMatrix<T> tm = make_test_matrix<T>(cfg.type, m, n, seed, copts);
      const MatrixView<const T> X = tm.A;
      const Wide x_norm = static_cast<Wide>(norm<T>(X, Norm::frobenius));
      // 2. w_true Gaussian, y0 = X w_true (rounded to T once, when y is formed).
      Rng rng_w(seed ^ kWeightStream);
      Vector<T> w_true_t(n);
      fill_gaussian(rng_w, w_true_t.view());
      const std::vector<Wide> w_true = widen_vector<T>(w_true_t);
      const std::vector<Wide> y0 = times<T>(X, w_true);

      for (std::size_t p = 0; p < np; ++p) {
        // 3. The right-hand side: y0, or y0 + r_perp with ||r_perp|| / ||y|| = rho.
        Vector<T> y(m);
        std::vector<Wide> target = y0;
        if (cfg.problems[p] == Problem::inconsistent) {
          Rng rng_g(seed ^ kResidualStream);
          Vector<T> g_t(m);
          fill_gaussian(rng_g, g_t.view());
          std::vector<Wide> g = widen_vector<T>(g_t);
          // r_perp = (I - U U^T) g, projected twice (Gram-Schmidt with reorthogonalization,
          // "twice is enough": Giraud, Langou, Rozloznik 2005).
          for (int pass = 0; pass < 2; ++pass)
            for (index j = 0; j < tm.U.cols(); ++j) {
              Wide c = 0;
              for (index i = 0; i < m; ++i) c += static_cast<Wide>(tm.U(i, j)) * g[static_cast<std::size_t>(i)];
              for (index i = 0; i < m; ++i) g[static_cast<std::size_t>(i)] -= c * static_cast<Wide>(tm.U(i, j));
            }
          // ||r|| = rho / sqrt(1 - rho^2) ||y0||, so that ||r|| / ||y0 + r|| = rho.
          const Wide rho = cfg.residual;
          const Wide scale = rho / std::sqrt(1 - rho * rho) * norm2(y0) / norm2(g);
          for (std::size_t i = 0; i < target.size(); ++i) target[i] += scale * g[i];
        }
        for (index i = 0; i < m; ++i) y[i] = static_cast<T>(target[static_cast<std::size_t>(i)]);
        const std::vector<Wide> y_wide = widen_vector<T>(y);
        const Wide y_norm = norm2(y_wide);
        const std::vector<Wide> r_true = residual<T>(X, y_wide, w_true);
        const Wide w_true_norm = norm2(w_true);

        // 4. Every method, and its measurements.
        for (std::size_t q = 0; q < nm; ++q) {
          Samples& out = samples[p][k][q];
          LstsqOptions opts;
          opts.method = cfg.methods[q];
          opts.tolerance = cfg.tolerance;
          Result<LstsqResult<T>> fit = lstsq<T>(X, VectorView<const T>(y), opts);
          if (!fit.ok()) {
            if (out.failed++ == 0) out.first_failure = fit.status();
            continue;
          }
          const std::vector<Wide> w = widen_vector<T>(fit->solution.col(0));
          const std::vector<Wide> r = residual<T>(X, y_wide, w);
          std::vector<Wide> dw = w, dr = r;
          for (std::size_t i = 0; i < dw.size(); ++i) dw[i] -= w_true[i];
          for (std::size_t i = 0; i < dr.size(); ++i) dr[i] -= r_true[i];
          const Wide alpha = x_norm * norm2(w) + y_norm;
          const Wide scale = x_norm * alpha * static_cast<Wide>(std::max(m, n)) * static_cast<Wide>(eps<T>());
          out.forward.push_back(static_cast<double>(norm2(dw) / w_true_norm));
          out.residual.push_back(static_cast<double>(norm2(dr) / y_norm));
          out.optimality.push_back(static_cast<double>(xtr_norm<T>(X, r) / scale));
          out.estimate.push_back(static_cast<double>(fit->forward_error[0]));
        }
      }
      progress.step();
    }
  }

  // 5. Medians over the seeds that succeeded.
  Sweep sweep;
  sweep.points.assign(np, std::vector<std::vector<Point>>(nk, std::vector<Point>(nm)));
  for (std::size_t p = 0; p < np; ++p)
    for (std::size_t k = 0; k < nk; ++k)
      for (std::size_t q = 0; q < nm; ++q) {
        const Samples& s = samples[p][k][q];
        Point& pt = sweep.points[p][k][q];
        pt.forward_error = median(s.forward);
        pt.residual_error = median(s.residual);
        pt.optimality = median(s.optimality);
        pt.error_estimate = median(s.estimate);
        pt.seeds_ok = static_cast<index>(s.forward.size());
        pt.seeds_failed = s.failed;
        pt.first_failure = s.first_failure;
      }
  return sweep;
}

// ---------------------------------------------------------------------------------------
// Output

const char* precision_label(bool single) { return single ? "float" : "double"; }
double machine_eps(bool single) { return single ? static_cast<double>(eps<float>()) : eps<double>(); }

std::string csv_number(double x) {
  std::string s;
  io::append_double(s, x);
  return s;
}

std::string make_csv(const Config& cfg, const Sweep& sweep) {
  std::string out =
      "precision,type,rows,cols,problem,residual_ratio,kappa,method,forward_error,residual_error,optimality,"
      "error_estimate,seeds_ok,seeds_failed,status\n";
  for (std::size_t p = 0; p < cfg.problems.size(); ++p)
    for (std::size_t k = 0; k < cfg.kappas.size(); ++k)
      for (std::size_t q = 0; q < cfg.methods.size(); ++q) {
        const Point& pt = sweep.points[p][k][q];
        out += std::string(precision_label(cfg.single)) + "," + choice_name(cfg.type, kSweepTypes) + "," +
               std::to_string(cfg.rows) + "," + std::to_string(cfg.cols) + "," + problem_name(cfg.problems[p]) + "," +
               csv_number(cfg.problems[p] == Problem::consistent ? 0.0 : cfg.residual) + "," +
               csv_number(cfg.kappas[k]) + "," + choice_name(cfg.methods[q], kLstsqMethods) + "," +
               csv_number(pt.forward_error) + "," + csv_number(pt.residual_error) + "," + csv_number(pt.optimality) +
               "," + csv_number(pt.error_estimate) + "," + std::to_string(pt.seeds_ok) + "," +
               std::to_string(pt.seeds_failed) + "," + to_string(pt.first_failure) + "\n";
      }
  return out;
}

std::string make_svg(const Config& cfg, const Sweep& sweep, std::size_t p) {
  io::LogLogPlot plot;
  const bool consistent = cfg.problems[p] == Problem::consistent;
  plot.title = std::string(choice_name(cfg.type, kSweepTypes)) + " " + std::to_string(cfg.rows) + " x " +
               std::to_string(cfg.cols) + ", " +
               (consistent ? std::string("zero residual") : "||r||/||y|| = " + format_number(cfg.residual)) + " (" +
               precision_label(cfg.single) + ", median of " + std::to_string(cfg.seeds) + ")";
  plot.x_label = "condition number kappa";
  plot.y_label = "relative forward error ||w - w_true|| / ||w_true||";
  // Errors beyond kPlotErrorMax mean no correct digit; they run off the top rather
  // than stretch the axis over decades of noise.
  plot.y_max = kPlotErrorMax;
  for (std::size_t q = 0; q < cfg.methods.size(); ++q) {
    io::PlotSeries s;
    s.name = choice_name(cfg.methods[q], kLstsqMethods);
    for (std::size_t k = 0; k < cfg.kappas.size(); ++k) {
      s.x.push_back(cfg.kappas[k]);
      s.y.push_back(sweep.points[p][k][q].forward_error);
    }
    plot.series.push_back(std::move(s));
  }
  const double e = machine_eps(cfg.single);
  plot.guides.push_back({"eps * kappa", e, 1});
  plot.guides.push_back({"eps * kappa^2", e, 2});
  return io::render_svg(plot);
}

std::string svg_name(Problem p) { return p == Problem::consistent ? "stability.svg" : "stability_inconsistent.svg"; }

std::string join_path(const std::string& dir, const std::string& file) {
  if (dir.empty() || dir == ".") return file;
  return dir.back() == '/' ? dir + file : dir + "/" + file;
}

// The three measurements of every point, as the table shows them (the CSV and JSON
// also have the library's error estimate).
struct Measurement {
  const char* title;
  double Point::*field;
};
constexpr Measurement kTableMeasurements[] = {
    {"relative forward error ||w - w_true|| / ||w_true||", &Point::forward_error},
    {"relative residual error ||r - r_true|| / ||y||", &Point::residual_error},
    {"optimality ratio ||X^T r|| / (||X||_F (||X||_F ||w|| + ||y||) max(m, n) eps)", &Point::optimality},
};

void print_table(const Config& cfg, const Sweep& sweep) {
  std::ostream& out = std::cout;
  out << "stela stability: " << choice_name(cfg.type, kSweepTypes) << " " << shape(cfg.rows, cfg.cols) << ", "
      << precision_label(cfg.single) << " (eps = " << format_sci(machine_eps(cfg.single)) << "), median of "
      << cfg.seeds << " seed" << (cfg.seeds == 1 ? "" : "s") << " (from " << cfg.first_seed << ")\n";
  for (std::size_t p = 0; p < cfg.problems.size(); ++p) {
    const bool consistent = cfg.problems[p] == Problem::consistent;
    out << "\n"
        << (consistent ? "consistent problem (zero residual)"
                       : "inconsistent problem, ||r|| / ||y|| = " + format_number(cfg.residual))
        << "\n";
    bool partial = false, missing = false;
    // 1. One table per measurement: a row per kappa, a column per method.
    for (const Measurement& measurement : kTableMeasurements) {
      out << "\n  " << measurement.title << "\n";
      std::vector<std::string> header{"kappa"};
      for (LstsqMethod method : cfg.methods) header.push_back(choice_name(method, kLstsqMethods));
      Table table(header, std::vector<bool>(header.size(), true));
      for (std::size_t k = 0; k < cfg.kappas.size(); ++k) {
        std::vector<std::string> row{format_sci(cfg.kappas[k])};
        for (std::size_t q = 0; q < cfg.methods.size(); ++q) {
          const Point& pt = sweep.points[p][k][q];
          if (pt.seeds_ok == 0) {
            row.push_back("failed");
            missing = true;
          } else {
            row.push_back(format_sci(pt.*measurement.field) + (pt.seeds_failed ? "*" : " "));
            partial = partial || pt.seeds_failed;
          }
        }
        table.add(row);
      }
      table.print(out, "  ");
    }
    if (missing || partial) {
      // 2. Which methods failed, how, and over which kappas.
      out << '\n';
      for (std::size_t q = 0; q < cfg.methods.size(); ++q) {
        double lo = 0, hi = 0;
        Status status = Status::ok;
        index count = 0;
        for (std::size_t k = 0; k < cfg.kappas.size(); ++k) {
          const Point& pt = sweep.points[p][k][q];
          if (pt.seeds_failed == 0) continue;
          if (count++ == 0) lo = cfg.kappas[k], status = pt.first_failure;
          hi = cfg.kappas[k];
        }
        if (count)
          out << "  " << choice_name(cfg.methods[q], kLstsqMethods) << " failed (" << to_string(status) << ") at "
              << count << " point" << (count == 1 ? "" : "s") << " between kappa " << format_sci(lo) << " and "
              << format_sci(hi) << "\n";
      }
      if (partial) out << "  *: median of the seeds that succeeded; some failed\n";
    }
  }
  out << "\nbackward-stable methods stay near eps * kappa (consistent) or eps * kappa^2 * tan(theta)\n"
         "(inconsistent) in forward error; the normal equations follow eps * kappa^2. An\n"
         "optimality ratio below 30 says w solves a problem within eps of (X, y), which the\n"
         "normal equations meet too. The CSV also holds the library's error estimate.\n";
}

void print_json(const Config& cfg, const Sweep& sweep, const std::vector<std::string>& files) {
  io::JsonWriter json(std::cout);
  json.begin_object();
  json.key("type").value(choice_name(cfg.type, kSweepTypes));
  json.key("rows").value(cfg.rows).key("cols").value(cfg.cols);
  json.key("precision").value(precision_label(cfg.single));
  json.key("seeds").value(cfg.seeds);
  json.key("kappas").vector<double>(cfg.kappas);
  json.key("problems").begin_array();
  for (std::size_t p = 0; p < cfg.problems.size(); ++p) {
    json.begin_object();
    json.key("problem").value(problem_name(cfg.problems[p]));
    json.key("residual_ratio").value(cfg.problems[p] == Problem::consistent ? 0.0 : cfg.residual);
    json.key("methods").begin_array();
    for (std::size_t q = 0; q < cfg.methods.size(); ++q) {
      std::vector<double> fe, re, opt, est;
      json.begin_object();
      json.key("method").value(choice_name(cfg.methods[q], kLstsqMethods));
      for (std::size_t k = 0; k < cfg.kappas.size(); ++k) {
        const Point& pt = sweep.points[p][k][q];
        fe.push_back(pt.forward_error);
        re.push_back(pt.residual_error);
        opt.push_back(pt.optimality);
        est.push_back(pt.error_estimate);
      }
      json.key("forward_error").vector<double>(fe);
      json.key("residual_error").vector<double>(re);
      json.key("optimality").vector<double>(opt);
      json.key("error_estimate").vector<double>(est);
      json.key("seeds_failed").begin_array();
      for (std::size_t k = 0; k < cfg.kappas.size(); ++k) json.value(sweep.points[p][k][q].seeds_failed);
      json.end_array();
      json.key("status").begin_array();
      for (std::size_t k = 0; k < cfg.kappas.size(); ++k) json.value(to_string(sweep.points[p][k][q].first_failure));
      json.end_array();
      json.end_object();
    }
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.key("files").begin_array();
  for (const auto& f : files) json.value(f);
  json.end_array();
  end_json(json);
}

// ---------------------------------------------------------------------------------------
// Options

Config read_config(const Invocation& inv) {
  Config cfg;
  cfg.type = choice_option(inv, "type", kSweepTypes, MatrixType::geometric);
  cfg.rows = static_cast<index>(integer_option(inv, "rows", kDefaultRows, 1, kMaxDimension));
  cfg.cols = static_cast<index>(integer_option(inv, "cols", kDefaultCols, 1, kMaxDimension));
  // One column has one singular value: cond(X) = 1 whatever kappa is asked for.
  if (cfg.cols < 2)
    fail_usage("--cols must be at least 2: a matrix with one column has condition number 1, so there is no "
               "kappa to sweep (got " + std::to_string(cfg.cols) + ")");
  if (cfg.cols > cfg.rows)
    fail_usage("--cols must not exceed --rows: the sweep measures overdetermined problems (got " +
               shape(cfg.rows, cfg.cols) + ")");
  cfg.single = inv.flag("float");
  const double kmin = number_option(inv, "kappa-min", kDefaultKappaMin);
  const double kmax = number_option(inv, "kappa-max", cfg.single ? kDefaultKappaMaxFloat : kDefaultKappaMax);
  if (!(kmin >= 1) || !(kmax >= kmin))
    fail_usage("need 1 <= --kappa-min <= --kappa-max, got " + format_number(kmin) + " and " + format_number(kmax));
  // One point per decade unless told otherwise.
  const index decades = static_cast<index>(std::lround(std::log10(kmax / kmin)));
  const index points =
      static_cast<index>(integer_option(inv, "points", std::min<index>(decades + 1, kMaxPoints), 1, kMaxPoints));
  // log10-spaced; whole decades come out exact (10^k for integer k).
  const double lo = std::log10(kmin), hi = std::log10(kmax);
  for (index i = 0; i < points; ++i) {
    if (points == 1) {
      cfg.kappas.push_back(kmin);
      break;
    }
    const double e = lo + static_cast<double>(i) * (hi - lo) / static_cast<double>(points - 1);
    cfg.kappas.push_back(i == 0 ? kmin : i == points - 1 ? kmax : std::pow(10.0, e));
  }
  cfg.seeds = static_cast<index>(integer_option(inv, "seeds", kDefaultSeeds, 1, kMaxSeeds));
  cfg.first_seed = static_cast<std::uint64_t>(integer_option(inv, "seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  cfg.residual = number_option(inv, "residual", kDefaultResidual);
  if (!(cfg.residual > 0 && cfg.residual < 1)) fail_usage("--residual must lie strictly between 0 and 1");
  if (inv.flag("consistent-only") && inv.flag("inconsistent-only"))
    fail_usage("--consistent-only and --inconsistent-only exclude each other");
  if (!inv.flag("inconsistent-only")) cfg.problems.push_back(Problem::consistent);
  if (!inv.flag("consistent-only")) cfg.problems.push_back(Problem::inconsistent);
  if (inv.has("methods")) {
    for (const std::string& name : split_list(inv.value("methods"))) {
      const LstsqMethod m = parse_choice("methods", name, kLstsqMethods);
      if (std::find(cfg.methods.begin(), cfg.methods.end(), m) == cfg.methods.end()) cfg.methods.push_back(m);
    }
  } else {
    cfg.methods.assign(std::begin(kAllLstsqMethods), std::end(kAllLstsqMethods));
  }
  cfg.tolerance = rank_tolerance(inv);
  if (inv.has("out")) cfg.out_dir = inv.value("out");
  if (inv.has("out") && inv.flag("no-files")) fail_usage("--out and --no-files exclude each other");
  cfg.files = !inv.flag("no-files");
  return cfg;
}

int stability_main(const Invocation& inv) {
  const Config cfg = read_config(inv);
  const Sweep sweep = cfg.single ? run_sweep<float>(cfg) : run_sweep<double>(cfg);
  std::vector<std::string> files;
  if (cfg.files) {
    // The directory is created when it does not exist yet.
    std::error_code ec;
    if (!cfg.out_dir.empty() && !std::filesystem::is_directory(cfg.out_dir, ec)) {
      std::filesystem::create_directories(cfg.out_dir, ec);
      if (ec) fail_output(cfg.out_dir + ": cannot create the directory: " + ec.message());
    }
    const std::string csv_path = join_path(cfg.out_dir, "stability.csv");
    io::Expected<void> w = io::write_file(csv_path, make_csv(cfg, sweep));
    if (!w) fail_output(w.error().message);
    files.push_back(csv_path);
    for (std::size_t p = 0; p < cfg.problems.size(); ++p) {
      const std::string svg_path = join_path(cfg.out_dir, svg_name(cfg.problems[p]));
      io::Expected<void> ws = io::write_file(svg_path, make_svg(cfg, sweep, p));
      if (!ws) fail_output(ws.error().message);
      files.push_back(svg_path);
    }
  }
  if (inv.flag("json")) {
    print_json(cfg, sweep, files);
  } else {
    print_table(cfg, sweep);
    for (const auto& f : files) std::cout << "wrote " << f << "\n";
  }
  return kExitOk;
}

}  // namespace

CommandSpec stability_command() {
  CommandSpec c;
  c.name = "stability";
  c.synopsis = "[--type T] [--rows M] [--cols N] [--kappa-min K] [--kappa-max K] [--points P] [--out DIR] ...";
  c.summary = "error, residual, optimality of each lstsq method vs cond(X); CSV and SVG";
  c.description =
      "For P condition numbers kappa, log-spaced from --kappa-min to --kappa-max, and S seeds:\n"
      "X (M x N) from the test-matrix catalogue with cond(X) = kappa, w_true Gaussian, and\n"
      "  consistent:    y = X w_true\n"
      "  inconsistent:  y = X w_true + r, r orthogonal to range(X), ||r|| / ||y|| = --residual\n"
      "Every method solves every problem; each point is the median over the seeds of\n"
      "  forward_error   ||w - w_true|| / ||w_true||\n"
      "  residual_error  ||r - r_true|| / ||y||  with r = y - X w, r_true = y - X w_true\n"
      "  optimality      ||X^T r|| / (||X||_F (||X||_F ||w|| + ||y||) max(M, N) eps): below\n"
      "                  about 30 for a solution that is exact for data within eps of\n"
      "                  (X, y), whatever kappa; the normal equations meet it too\n"
      "  error_estimate  the library's forward-error bound (LAPACK Users' Guide 4.5.2)\n"
      "The output has a table of each of the first three (a row per kappa, a column per\n"
      "method) for each problem.\n"
      "A method that fails on every seed leaves the point missing (nan in the CSV, a gap in\n"
      "the plot); the output says which status it returned. Errors above 1e2 run off the\n"
      "top of the plot (the CSV has them).\n"
      "\nFiles in DIR (default: the current directory):\n"
      "  stability.csv               every point: precision, type, rows, cols, problem,\n"
      "                              residual_ratio, kappa, method, forward_error,\n"
      "                              residual_error, optimality, error_estimate, seeds_ok,\n"
      "                              seeds_failed, status (first failure, or ok)\n"
      "  stability.svg               log-log plot of forward error against kappa for the\n"
      "                              consistent problem, with eps*kappa and eps*kappa^2 guides\n"
      "  stability_inconsistent.svg  the same for the inconsistent problem\n"
      "A progress bar goes to standard error when it is a terminal.\n";
  c.options = {
      {"type", "T", "geometric (default), arithmetic, one-large, one-small or log-uniform:\n"
                    "how the singular values fill [1/kappa, 1] (LAPACK xLATMS modes 3, 4, 1, 2, 5)"},
      {"rows", "M", "rows of X (default 100)"},
      {"cols", "N", "columns of X, 2 <= N <= M (default 20)"},
      {"kappa-min", "K", "smallest condition number, >= 1 (default 1)"},
      {"kappa-max", "K", "largest condition number (default 1e16; 1e8 with --float)"},
      {"points", "P", "number of condition numbers, log-spaced (default one per decade)"},
      {"seeds", "S", "matrices per point; the median is reported (default 3)"},
      {"seed", "SEED", "first seed; the seeds are SEED, SEED + 1, ... (default 1)"},
      {"residual", "RHO", "||r|| / ||y|| of the inconsistent problem, 0 < RHO < 1 (default 1e-4)"},
      {"consistent-only", "", "sweep the consistent problem only"},
      {"inconsistent-only", "", "sweep the inconsistent problem only"},
      {"methods", "M1,M2,...", "the methods to run (default all: svd, jacobi, qr, qrcp,\n"
                               "normal-cholesky, normal-lu)"},
      {"rcond", "R", "relative rank tolerance of the solvers (default eps * max(M, N): beyond\n"
                     "kappa = 1 / (eps max(M, N)) svd, jacobi and qrcp drop the smallest singular\n"
                     "value and qr reports rank_deficient; --rcond 0 keeps every one)"},
      {"out", "DIR", "directory for stability.csv and the SVG files, created if needed (default .)"},
      {"no-files", "", "print the table only, write no files"},
      {"json", "", "print the results as one JSON object instead of the table"},
      {"float", "", "run in single precision"},
  };
  c.run = stability_main;
  return c;
}

}  // namespace stela::cli
