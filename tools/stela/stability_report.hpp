// tools/stela/stability_report.hpp — the renderers of the stability experiment's table
// (stability_experiment.hpp): text tables, CSV, SVG plots and JSON. Each reads the
// typed table only; none computes anything about the solvers.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "stability_experiment.hpp"

namespace stela::cli {

// "float" or "double", as the tables, files and JSON name the precision.
const char* precision_label(bool single);

// Every point of every problem and method, one CSV line each under the header
// precision,type,rows,cols,problem,residual_ratio,kappa,method,forward_error,
// residual_error,optimality,error_estimate,seeds_ok,seeds_failed,status
// with numbers as %.17g (nan for a missing point).
std::string stability_csv(const StabilityTable& table);

// The file name of a problem's plot: "stability.svg" (consistent) or
// "stability_inconsistent.svg".
const char* stability_svg_name(SweepProblem problem);

// The log-log plot of forward error against kappa for table.problems[p], a line per
// method, with the eps*kappa and eps*kappa^2 guides, as a standalone SVG document.
std::string stability_svg(const StabilityTable& table, std::size_t p);

// For each problem, a table per measurement (forward error, residual error,
// optimality ratio: a row per kappa, a column per method), which methods failed and
// where, a closing note, then "wrote FILE" for each of `files`.
void print_stability_text(std::ostream& out, const StabilityTable& table, const std::vector<std::string>& files);

// The table as one JSON object: the settings, then per problem and method the
// measurements as arrays over kappa, and `files`.
void print_stability_json(std::ostream& out, const StabilityTable& table, const std::vector<std::string>& files);

}  // namespace stela::cli
