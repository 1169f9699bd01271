// tools/stela/stability_report.cpp — the stability table as text, CSV, SVG and JSON
// (see stability_report.hpp).
#include "stability_report.hpp"

#include <ostream>

#include "io/json_writer.hpp"
#include "io/numbers.hpp"
#include "io/svg_plot.hpp"

namespace stela::cli {
namespace {

constexpr double kPlotErrorMax = 1e2;  // top of the plots' error axis

std::string csv_number(double x) {
  std::string s;
  io::append_double(s, x);
  return s;
}

// "geometric", "one-large", ...
const char* type_name(const StabilitySettings& settings) { return choice_name(settings.type, kSweepTypes); }
const char* method_name(LstsqMethod method) { return choice_name(method, kLstsqMethods); }
// "qr", "qr+refine"
std::string series_name(const MethodResult& r) {
  return std::string(method_name(r.method)) + (r.refine ? "+refine" : "");
}

// The three measurements of every point, as the text shows them (the CSV and JSON
// also have the library's error estimate).
struct Measurement {
  const char* title;
  double MethodResult::*field;
};
constexpr Measurement kTableMeasurements[] = {
    {"relative forward error ||w - w_true|| / ||w_true||", &MethodResult::forward_error},
    {"relative residual error ||r - r_true|| / ||y||", &MethodResult::residual_error},
    {"optimality ratio ||X^T r|| / (||X||_F (||X||_F ||w|| + ||y||) max(m, n) eps)", &MethodResult::optimality},
};

// Whether any point of the sweep has a method that failed on every seed (`missing`)
// or on some of them (`partial`).
struct Failures {
  bool missing = false, partial = false;
};
Failures failures(const ProblemSweep& sweep) {
  Failures f;
  for (const StabilityPoint& point : sweep.points)
    for (const MethodResult& result : point.methods) {
      if (result.seeds_ok == 0)
        f.missing = true;
      else if (result.seeds_failed)
        f.partial = true;
    }
  return f;
}

// One measurement's table: a row per kappa, a column per method; "failed" where no
// seed succeeded, "*" after a median of the seeds that did when some failed.
void print_measurement(std::ostream& out, const ProblemSweep& sweep,
                       const Measurement& measurement) {
  out << "\n  " << measurement.title << "\n";
  std::vector<std::string> header{"kappa"};
  for (const MethodResult& r : sweep.points.front().methods) header.push_back(series_name(r));
  Table text(header, std::vector<bool>(header.size(), true));
  for (const StabilityPoint& point : sweep.points) {
    std::vector<std::string> row{format_sci(point.kappa)};
    for (const MethodResult& result : point.methods)
      row.push_back(result.seeds_ok == 0 ? std::string("failed")
                                         : format_sci(result.*measurement.field) + (result.seeds_failed ? "*" : " "));
    text.add(row);
  }
  text.print(out, "  ");
}

// Which methods failed, how, and over which kappas.
void print_failures(std::ostream& out, const ProblemSweep& sweep, bool partial) {
  out << '\n';
  for (std::size_t q = 0; q < sweep.points.front().methods.size(); ++q) {
    double lo = 0, hi = 0;
    Status status = Status::ok;
    index count = 0;
    for (const StabilityPoint& point : sweep.points) {
      const MethodResult& result = point.methods[q];
      if (result.seeds_failed == 0) continue;
      if (count++ == 0) lo = point.kappa, status = result.status;
      hi = point.kappa;
    }
    if (count)
      out << "  " << series_name(sweep.points.front().methods[q]) << " failed (" << to_string(status) << ") at " << count
          << " point" << (count == 1 ? "" : "s") << " between kappa " << format_sci(lo) << " and " << format_sci(hi)
          << "\n";
  }
  if (partial) out << "  *: median of the seeds that succeeded; some failed\n";
}

// One problem's heading, its three tables and its failures.
void print_problem(std::ostream& out, const StabilityTable& table, const ProblemSweep& sweep) {
  out << "\n"
      << (sweep.problem == SweepProblem::consistent
              ? "consistent problem (zero residual)"
              : "inconsistent problem, ||r|| / ||y|| = " + format_number(table.settings.residual))
      << "\n";
  for (const Measurement& measurement : kTableMeasurements) print_measurement(out, sweep, measurement);
  const Failures f = failures(sweep);
  if (f.missing || f.partial) print_failures(out, sweep, f.partial);
}

// The measurements of method q across the kappas, as JSON arrays.
void json_method(io::JsonWriter& json, const ProblemSweep& sweep, std::size_t q) {
  std::vector<double> fe, re, opt, est;
  for (const StabilityPoint& point : sweep.points) {
    fe.push_back(point.methods[q].forward_error);
    re.push_back(point.methods[q].residual_error);
    opt.push_back(point.methods[q].optimality);
    est.push_back(point.methods[q].error_estimate);
  }
  json.begin_object();
  json.key("method").value(series_name(sweep.points.front().methods[q]));
  json.key("forward_error").vector<double>(fe);
  json.key("residual_error").vector<double>(re);
  json.key("optimality").vector<double>(opt);
  json.key("error_estimate").vector<double>(est);
  json.key("seeds_failed").begin_array();
  for (const StabilityPoint& point : sweep.points) json.value(point.methods[q].seeds_failed);
  json.end_array();
  json.key("status").begin_array();
  for (const StabilityPoint& point : sweep.points) json.value(to_string(point.methods[q].status));
  json.end_array();
  json.end_object();
}

}  // namespace

const char* precision_label(bool single) { return single ? "float" : "double"; }

std::string stability_csv(const StabilityTable& table) {
  const StabilitySettings& s = table.settings;
  std::string out =
      "precision,type,rows,cols,problem,residual_ratio,kappa,method,forward_error,residual_error,optimality,"
      "error_estimate,seeds_ok,seeds_failed,status\n";
  for (const ProblemSweep& sweep : table.problems)
    for (const StabilityPoint& point : sweep.points)
      for (const MethodResult& r : point.methods) {
        out += std::string(precision_label(s.single)) + "," + type_name(s) + "," + std::to_string(s.rows) + "," +
               std::to_string(s.cols) + "," + problem_name(sweep.problem) + "," + csv_number(sweep.residual_ratio) +
               "," + csv_number(point.kappa) + "," + series_name(r) + "," + csv_number(r.forward_error) + "," +
               csv_number(r.residual_error) + "," + csv_number(r.optimality) + "," + csv_number(r.error_estimate) +
               "," + std::to_string(r.seeds_ok) + "," + std::to_string(r.seeds_failed) + "," + to_string(r.status) +
               "\n";
      }
  return out;
}

const char* stability_svg_name(SweepProblem problem) {
  return problem == SweepProblem::consistent ? "stability.svg" : "stability_inconsistent.svg";
}

std::string stability_svg(const StabilityTable& table, std::size_t p) {
  const StabilitySettings& s = table.settings;
  const ProblemSweep& sweep = table.problems[p];
  io::LogLogPlot plot;
  plot.title = std::string(type_name(s)) + " " + std::to_string(s.rows) + " x " + std::to_string(s.cols) + ", " +
               (sweep.problem == SweepProblem::consistent ? std::string("zero residual")
                                                          : "||r||/||y|| = " + format_number(s.residual)) +
               " (" + precision_label(s.single) + ", median of " + std::to_string(s.seeds) + ")";
  plot.x_label = "condition number kappa";
  plot.y_label = "relative forward error ||w - w_true|| / ||w_true||";
  // Errors beyond kPlotErrorMax mean no correct digit; they run off the top rather
  // than stretch the axis over decades of noise.
  plot.y_max = kPlotErrorMax;
  for (std::size_t q = 0; q < sweep.points.front().methods.size(); ++q) {
    io::PlotSeries series;
    series.name = series_name(sweep.points.front().methods[q]);
    for (const StabilityPoint& point : sweep.points) {
      series.x.push_back(point.kappa);
      series.y.push_back(point.methods[q].forward_error);
    }
    plot.series.push_back(std::move(series));
  }
  plot.guides.push_back({"eps * kappa", table.eps, 1});
  plot.guides.push_back({"eps * kappa^2", table.eps, 2});
  return io::render_svg(plot);
}

void print_stability_text(std::ostream& out, const StabilityTable& table, const std::vector<std::string>& files) {
  const StabilitySettings& s = table.settings;
  out << "stela stability: " << type_name(s) << " " << shape(s.rows, s.cols) << ", " << precision_label(s.single)
      << " (eps = " << format_sci(table.eps) << "), median of " << s.seeds << " seed" << (s.seeds == 1 ? "" : "s")
      << " (from " << s.first_seed << ")\n";
  out << "equilibrated: " << (s.equilibrate.value_or(false) ? "yes (--equilibrate)" : "no") << "; refined series: ";
  if (!s.refine)
    out << "no\n";
  else
    out << "yes (+refine), "
        << (!s.equilibrate ? "equilibrated (as --refine does unless --no-equilibrate)"
                           : *s.equilibrate ? "equilibrated" : "not equilibrated (--no-equilibrate)")
        << "\n";
  for (const ProblemSweep& sweep : table.problems) print_problem(out, table, sweep);
  out << "\nbackward-stable methods stay near eps * kappa (consistent) or eps * kappa^2 * tan(theta)\n"
         "(inconsistent) in forward error; the normal equations follow eps * kappa^2. An\n"
         "optimality ratio below 30 says w solves a problem within eps of (X, y), which the\n"
         "normal equations meet too. The CSV also holds the library's error estimate.\n";
  for (const std::string& f : files) out << "wrote " << f << "\n";
}

void print_stability_json(std::ostream& out, const StabilityTable& table, const std::vector<std::string>& files) {
  const StabilitySettings& s = table.settings;
  io::JsonWriter json(out);
  json.begin_object();
  json.key("type").value(type_name(s));
  json.key("rows").value(s.rows).key("cols").value(s.cols);
  json.key("precision").value(precision_label(s.single));
  json.key("seeds").value(s.seeds);
  json.key("equilibrated").value(s.equilibrate.value_or(false));
  json.key("refined_series").value(s.refine);
  json.key("refined_series_equilibrated").value(s.refine && s.equilibrate.value_or(true));
  json.key("kappas").vector<double>(s.kappas);
  json.key("problems").begin_array();
  for (const ProblemSweep& sweep : table.problems) {
    json.begin_object();
    json.key("problem").value(problem_name(sweep.problem));
    json.key("residual_ratio").value(sweep.residual_ratio);
    json.key("methods").begin_array();
    const std::size_t series = sweep.points.empty() ? 0 : sweep.points.front().methods.size();
    for (std::size_t q = 0; q < series; ++q) json_method(json, sweep, q);
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.key("files").begin_array();
  for (const std::string& f : files) json.value(f);
  json.end_array();
  end_json(json);
}

}  // namespace stela::cli
