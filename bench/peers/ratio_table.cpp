#include "ratio_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace stela::peers {
namespace {

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const std::size_t half = values.size() / 2;
  return values.size() % 2 == 1 ? values[half] : (values[half - 1] + values[half]) / 2;
}

std::string format_number(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// "dgesdd 1.2 ms, Eigen BDCSVD 3.4 ms": the peers other than the best.
std::string other_peers(const Row& row, const std::string& best, const std::map<std::string, Measurement>& found) {
  std::string text;
  for (const auto& [name, label] : row.peers) {
    const auto m = found.find(name);
    if (m == found.end() || name == best) continue;
    if (!text.empty()) text += ", ";
    text += label + " " +
            (m->second.error.empty() ? format_seconds(m->second.seconds) : "failed (" + m->second.error + ")");
  }
  return text.empty() ? "—" : text;
}

}  // namespace

CollectingReporter::CollectingReporter(std::unique_ptr<benchmark::BenchmarkReporter> display)
    : display_(std::move(display)) {}

bool CollectingReporter::ReportContext(const Context& context) { return display_->ReportContext(context); }

void CollectingReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    Collected& c = collected_[run.run_name.function_name];
    if (run.error_occurred) {
      c.error = run.error_message;
      continue;
    }
    const double seconds = run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
    const auto check = run.counters.find("check");
    if (run.run_type == Run::RT_Iteration) {
      c.seconds.push_back(seconds);
      if (check != run.counters.end()) c.checks.push_back(check->second.value);
    } else if (run.aggregate_name == "median") {
      c.median_seconds = seconds;
      c.has_median = true;
      if (check != run.counters.end()) c.median_check = check->second.value;
    }
    if (check != run.counters.end()) c.has_check = true;
  }
  display_->ReportRuns(runs);
}

void CollectingReporter::Finalize() { display_->Finalize(); }

std::map<std::string, Measurement> CollectingReporter::measurements() const {
  std::map<std::string, Measurement> result;
  for (const auto& [name, c] : collected_) {
    Measurement m;
    m.error = c.error;
    m.seconds = c.has_median ? c.median_seconds : median(c.seconds);
    m.has_check = c.has_check;
    m.check = c.has_median ? c.median_check : median(c.checks);
    if (m.error.empty() && !c.has_median && c.seconds.empty()) continue;  // nothing measured
    result.emplace(name, m);
  }
  return result;
}

std::string format_seconds(double seconds) {
  if (!(seconds > 0)) return format_number("%g s", seconds);
  if (seconds < 1e-6) return format_number("%.3g ns", seconds * 1e9);
  if (seconds < 1e-3) return format_number("%.3g µs", seconds * 1e6);
  if (seconds < 1) return format_number("%.3g ms", seconds * 1e3);
  return format_number("%.3g s", seconds);
}

TableSummary print_ratio_table(std::ostream& out, const std::vector<Row>& rows,
                               const std::map<std::string, Measurement>& found) {
  TableSummary summary;
  bool header = false;
  for (const Row& row : rows) {
    const auto stela = found.find(row.stela);
    std::string best;
    bool any_peer = false;
    for (const auto& [name, label] : row.peers) {
      const auto m = found.find(name);
      if (m == found.end()) continue;
      any_peer = true;
      if (!m->second.error.empty()) {
        ++summary.errors;
        continue;
      }
      if (best.empty() || m->second.seconds < found.at(best).seconds) best = name;
    }
    if (stela == found.end() && !any_peer) continue;
    if (!header) {
      out << "| operation | shape | stela | best peer (which) | stela / best | other peers | check |\n"
          << "| --- | --- | --- | --- | --- | --- | --- |\n";
      header = true;
    }
    ++summary.rows_printed;
    const bool stela_ran = stela != found.end() && stela->second.error.empty();
    if (stela != found.end() && !stela->second.error.empty()) ++summary.errors;
    std::string stela_text = stela == found.end() ? "not run"
                             : stela_ran          ? format_seconds(stela->second.seconds)
                                                  : "failed (" + stela->second.error + ")";
    std::string best_text = "—", ratio_text = "—", check_text = "—";
    if (!best.empty()) {
      const Measurement& b = found.at(best);
      for (const auto& [name, label] : row.peers)
        if (name == best) best_text = format_seconds(b.seconds) + " (" + label + ")";
      if (stela_ran) ratio_text = format_number("%.2f", stela->second.seconds / b.seconds);
    }
    if (stela_ran && stela->second.has_check) {
      double worst = 0;
      bool compared = false;
      for (const auto& [name, label] : row.peers) {
        const auto m = found.find(name);
        if (m == found.end() || !m->second.error.empty() || !m->second.has_check) continue;
        const double a = stela->second.check, b = m->second.check;
        const double difference = std::abs(a - b) / std::max(1.0, std::abs(a));
        worst = std::isnan(difference) ? difference : std::max(worst, difference);
        compared = true;
      }
      if (compared) {
        const bool agree = worst <= row.check_tolerance;
        check_text = format_number("%.0e", worst) + (agree ? "" : " DIFFERS");
        if (!agree) ++summary.disagreements;
      }
    }
    out << "| " << row.operation << " | " << row.shape << " | " << stela_text << " | " << best_text << " | "
        << ratio_text << " | " << other_peers(row, best, found) << " | " << check_text << " |\n";
  }
  return summary;
}

}  // namespace stela::peers
