// tools/stela/stability_experiment.hpp — the experiment behind `stela stability`: every
// least-squares method on catalogue matrices over a range of condition numbers, with
// consistent and inconsistent right-hand sides, measured in long double and summarised
// as a typed table of medians.
//
// The experiment prints nothing and writes no file; stability_report.hpp renders its
// table as text, CSV, SVG and JSON, and stability.cpp is the command around both.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "common.hpp"
#include "stela/lstsq.hpp"
#include "stela/random.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"

namespace stela::cli {

// The catalogue types whose condition number is a parameter (LAPACK xLATMS modes).
inline constexpr Choice<MatrixType> kSweepTypes[] = {
    {"geometric", MatrixType::geometric},     {"arithmetic", MatrixType::arithmetic},
    {"one-large", MatrixType::one_large},     {"one-small", MatrixType::one_small},
    {"log-uniform", MatrixType::log_uniform},
};

// consistent: y = X w_true. inconsistent: y = X w_true + r_perp, r_perp orthogonal to
// range(X) with ||r_perp|| / ||y|| = rho.
enum class SweepProblem { consistent, inconsistent };

// "consistent" or "inconsistent".
const char* problem_name(SweepProblem problem);

// One series of the sweep: a method, refined or not.
struct SweepSeries {
  LstsqMethod method = LstsqMethod::svd;
  bool refine = false;
};

// What to sweep.
struct StabilitySettings {
  MatrixType type = MatrixType::geometric;  // one of kSweepTypes
  index rows = 0, cols = 0;                 // X is rows x cols, 2 <= cols <= rows
  std::vector<double> kappas;               // cond(X) at each point, each >= 1
  index seeds = 1;                          // matrices per point: seeds first_seed, first_seed + 1, ...
  std::uint64_t first_seed = 1;
  double residual = 0;                      // rho of the inconsistent problem, 0 < rho < 1
  std::vector<SweepProblem> problems;
  std::vector<LstsqMethod> methods;
  RankTolerance<> tolerance{};              // the solvers' rank tolerance
  std::optional<bool> equilibrate = {};     // LstsqOptions::equilibrate for every run
  bool refine = false;                      // also every method with LstsqOptions::refine,
                                            // as the series "qr+refine", ... after them
  bool single = false;                      // float instead of double
};

// One method at one (problem, kappa) point: each measurement is the median over the
// seeds that succeeded, NaN when none did.
struct MethodResult {
  LstsqMethod method = LstsqMethod::svd;
  bool refine = false;  // the "+refine" series
  double forward_error = std::numeric_limits<double>::quiet_NaN();   // ||w - w_true|| / ||w_true||
  double residual_error = std::numeric_limits<double>::quiet_NaN();  // ||r - r_true|| / ||y||
  // ||X^T r|| / (||X||_F (||X||_F ||w|| + ||y||) max(m, n) eps)
  double optimality = std::numeric_limits<double>::quiet_NaN();
  double error_estimate = std::numeric_limits<double>::quiet_NaN();  // LstsqResult::forward_error
  index seeds_ok = 0, seeds_failed = 0;
  Status status = Status::ok;  // what the first failed seed returned; ok when none failed
};

// One condition number: the result of every method, in StabilitySettings::methods order,
// then (StabilitySettings::refine) every method refined, in the same order.
struct StabilityPoint {
  double kappa = 1;
  std::vector<MethodResult> methods;
};

// One problem across the condition numbers, in StabilitySettings::kappas order.
struct ProblemSweep {
  SweepProblem problem = SweepProblem::consistent;
  double residual_ratio = 0;  // ||r|| / ||y||: 0, or StabilitySettings::residual
  std::vector<StabilityPoint> points;
};

// The experiment's result: its settings, the working precision's eps, and one sweep
// per problem, in StabilitySettings::problems order.
struct StabilityTable {
  StabilitySettings settings;
  double eps = 0;
  std::vector<ProblemSweep> problems;
};

// Told after each (kappa, seed) step how many of the kappas.size() * seeds steps are done.
using SweepProgress = std::function<void(index done, index total)>;

// Runs the sweep in the precision `settings.single` chooses. Deterministic: the same
// settings give the same table.
StabilityTable run_stability_experiment(const StabilitySettings& settings, const SweepProgress& progress = {});

}  // namespace stela::cli
