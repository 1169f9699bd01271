// tools/stela/stability.cpp — the `stela stability` command: reads the options into the
// experiment's settings, runs the experiment (stability_experiment.hpp) with a progress
// bar, writes the CSV and SVG files, and prints the table as text or JSON
// (stability_report.hpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif

#include "commands.hpp"
#include "common.hpp"
#include "stability_experiment.hpp"
#include "stability_report.hpp"

namespace stela::cli {
namespace {

// Defaults: well under a second, 17 decades of kappa.
constexpr index kDefaultRows = 100, kDefaultCols = 20;
// kappa up to about 1 / eps of the precision, where the last digit goes.
constexpr double kDefaultKappaMin = 1, kDefaultKappaMax = 1e16, kDefaultKappaMaxFloat = 1e8;
constexpr index kDefaultSeeds = 3;
constexpr double kDefaultResidual = 1e-4;  // ||r|| / ||y|| of the inconsistent problem
// Limits that keep a mistyped option from asking for hours of work.
constexpr index kMaxDimension = 4000, kMaxPoints = 200, kMaxSeeds = 100;

// The experiment's settings and where its files go.
struct Config {
  StabilitySettings settings;
  std::string out_dir = ".";
  bool files = true;
};

// ---------------------------------------------------------------------------------------
// Progress on standard error, only when it is a terminal.

class Progress {
 public:
  Progress() {
#if defined(_WIN32)
    active_ = _isatty(_fileno(stderr)) != 0;
#else
    active_ = isatty(fileno(stderr)) != 0;
#endif
  }
  void show(index done, index total) const {
    if (!active_) return;
    constexpr index kWidth = 30;
    const index filled = total > 0 ? done * kWidth / total : kWidth;
    std::fprintf(stderr, "\rstability [%s%s] %ld/%ld", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), static_cast<long>(done),
                 static_cast<long>(total));
    std::fflush(stderr);
  }
  ~Progress() {
    if (active_) std::fprintf(stderr, "\r%s\r", std::string(60, ' ').c_str());
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  bool active_ = false;
};

// ---------------------------------------------------------------------------------------
// Options

// X's shape: 2 <= cols <= rows.
void read_shape(const Invocation& inv, StabilitySettings& s) {
  s.rows = static_cast<index>(integer_option(inv, "rows", kDefaultRows, 1, kMaxDimension));
  s.cols = static_cast<index>(integer_option(inv, "cols", kDefaultCols, 1, kMaxDimension));
  // One column has one singular value: cond(X) = 1 whatever kappa is asked for.
  if (s.cols < 2)
    fail_usage("--cols must be at least 2: a matrix with one column has condition number 1, so there is no "
               "kappa to sweep (got " + std::to_string(s.cols) + ")");
  if (s.cols > s.rows)
    fail_usage("--cols must not exceed --rows: the sweep measures overdetermined problems (got " +
               shape(s.rows, s.cols) + ")");
}

// --points condition numbers from --kappa-min to --kappa-max, log10-spaced; whole
// decades come out exact (10^k for integer k).
std::vector<double> read_kappas(const Invocation& inv, bool single) {
  const double kmin = number_option(inv, "kappa-min", kDefaultKappaMin);
  const double kmax = number_option(inv, "kappa-max", single ? kDefaultKappaMaxFloat : kDefaultKappaMax);
  if (!(kmin >= 1) || !(kmax >= kmin))
    fail_usage("need 1 <= --kappa-min <= --kappa-max, got " + format_number(kmin) + " and " + format_number(kmax));
  // One point per decade unless told otherwise.
  const index decades = static_cast<index>(std::lround(std::log10(kmax / kmin)));
  const index points =
      static_cast<index>(integer_option(inv, "points", std::min<index>(decades + 1, kMaxPoints), 1, kMaxPoints));
  if (points == 1) return {kmin};
  std::vector<double> kappas;
  const double lo = std::log10(kmin), hi = std::log10(kmax);
  for (index i = 0; i < points; ++i) {
    const double e = lo + static_cast<double>(i) * (hi - lo) / static_cast<double>(points - 1);
    kappas.push_back(i == 0 ? kmin : i == points - 1 ? kmax : std::pow(10.0, e));
  }
  return kappas;
}

// The problems and the methods to run.
void read_problems_and_methods(const Invocation& inv, StabilitySettings& s) {
  if (inv.flag("consistent-only") && inv.flag("inconsistent-only"))
    fail_usage("--consistent-only and --inconsistent-only exclude each other");
  if (!inv.flag("inconsistent-only")) s.problems.push_back(SweepProblem::consistent);
  if (!inv.flag("consistent-only")) s.problems.push_back(SweepProblem::inconsistent);
  if (inv.has("methods")) {
    for (const std::string& name : split_list(inv.value("methods"))) {
      const LstsqMethod m = parse_choice("methods", name, kLstsqMethods);
      if (std::find(s.methods.begin(), s.methods.end(), m) == s.methods.end()) s.methods.push_back(m);
    }
  } else {
    s.methods.assign(std::begin(kAllLstsqMethods), std::end(kAllLstsqMethods));
  }
}

Config read_config(const Invocation& inv) {
  Config cfg;
  StabilitySettings& s = cfg.settings;
  s.type = choice_option(inv, "type", kSweepTypes, MatrixType::geometric);
  read_shape(inv, s);
  s.single = inv.flag("float");
  s.equilibrate = equilibrate_option(inv);
  s.refine = inv.flag("refine");
  s.kappas = read_kappas(inv, s.single);
  s.seeds = static_cast<index>(integer_option(inv, "seeds", kDefaultSeeds, 1, kMaxSeeds));
  s.first_seed = static_cast<std::uint64_t>(integer_option(inv, "seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  s.residual = number_option(inv, "residual", kDefaultResidual);
  if (!(s.residual > 0 && s.residual < 1)) fail_usage("--residual must lie strictly between 0 and 1");
  read_problems_and_methods(inv, s);
  s.tolerance = rank_tolerance(inv);
  if (inv.has("out")) cfg.out_dir = inv.value("out");
  if (inv.has("out") && inv.flag("no-files")) fail_usage("--out and --no-files exclude each other");
  cfg.files = !inv.flag("no-files");
  return cfg;
}

// ---------------------------------------------------------------------------------------
// Files and the command

std::string join_path(const std::string& dir, const std::string& file) {
  if (dir.empty() || dir == ".") return file;
  return dir.back() == '/' ? dir + file : dir + "/" + file;
}

void write_or_fail(const std::string& path, const std::string& bytes) {
  io::Expected<void> written = io::write_file(path, bytes);
  if (!written) fail_output(written.error().message);
}

// stability.csv and a plot per problem in cfg.out_dir, which is created when it does
// not exist yet; returns the paths written.
std::vector<std::string> write_files(const Config& cfg, const StabilityTable& table) {
  std::error_code ec;
  if (!cfg.out_dir.empty() && !std::filesystem::is_directory(cfg.out_dir, ec)) {
    std::filesystem::create_directories(cfg.out_dir, ec);
    if (ec) fail_output(cfg.out_dir + ": cannot create the directory: " + ec.message());
  }
  std::vector<std::string> files{join_path(cfg.out_dir, "stability.csv")};
  write_or_fail(files.back(), stability_csv(table));
  for (std::size_t p = 0; p < table.problems.size(); ++p) {
    files.push_back(join_path(cfg.out_dir, stability_svg_name(table.problems[p].problem)));
    write_or_fail(files.back(), stability_svg(table, p));
  }
  return files;
}

int stability_main(const Invocation& inv) {
  const Config cfg = read_config(inv);
  StabilityTable table;
  {
    const Progress progress;
    table = run_stability_experiment(cfg.settings, [&](index done, index total) { progress.show(done, total); });
  }
  const std::vector<std::string> files = cfg.files ? write_files(cfg, table) : std::vector<std::string>{};
  if (inv.flag("json"))
    print_stability_json(std::cout, table, files);
  else
    print_stability_text(std::cout, table, files);
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
      "method) for each problem. --refine adds every method refined (lstsq --refine) as a\n"
      "series of its own (qr+refine, ...) to the tables, the CSV and the plots;\n"
      "--equilibrate runs every solve equilibrated; the refined series are equilibrated\n"
      "unless --no-equilibrate (as lstsq --refine); the output says which were.\n"
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
      {"equilibrate", "", "every solve with --equilibrate (columns scaled to unit norm; the output says so)"},
      {"no-equilibrate", "", "no solve equilibrated, the refined series included (--refine equilibrates them\n"
                             "otherwise)"},
      {"refine", "", "also every method with --refine, as the series svd+refine, qr+refine, ..."},
  };
  c.run = stability_main;
  return c;
}

}  // namespace stela::cli
