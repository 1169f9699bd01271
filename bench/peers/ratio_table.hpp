// The ratio table of bench_peers: a reporter that keeps every case's result while the
// usual display reporter prints it, and the table printed from those results at the end.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace stela::peers {

// What one case measured: CPU seconds per iteration (the median over repetitions when
// there were several), its "check" counter (NaN when it has none), or the message of
// the error that ended it.
struct Measurement {
  double seconds = 0;
  double check = 0;
  bool has_check = false;
  std::string error;  // empty when the case ran
};

// Passes every call on to `display` and keeps the results by case name.
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  explicit CollectingReporter(std::unique_ptr<benchmark::BenchmarkReporter> display);

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // One measurement per case that reported.
  std::map<std::string, Measurement> measurements() const;

 private:
  struct Collected {
    std::vector<double> seconds, checks;           // per repetition
    double median_seconds = -1, median_check = 0;  // from the "median" aggregate, when reported
    bool has_median = false, has_check = false;
    std::string error;
  };
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  std::map<std::string, Collected> collected_;
};

// One row: stela's case against its peers' on one operation and shape.
struct Row {
  std::string operation;                                   // "qr", "svd thin (golub_kahan)", ...
  std::string shape;                                       // "1024", "2000x200"
  std::string stela;                                       // stela's case name
  std::vector<std::pair<std::string, std::string>> peers;  // (case name, label in the table)
  double check_tolerance = 0;  // largest |check - stela's check| / max(1, |stela's check|) taken as agreement
};

// What the table found besides the times.
struct TableSummary {
  int rows_printed = 0;
  int disagreements = 0;  // rows whose checks differ beyond the tolerance
  int errors = 0;         // cases of the printed rows that ended with an error
};

// A Markdown table, one line per row whose stela case or a peer's reported:
//   operation | shape | stela | best peer (which) | stela / best | other peers | check
// Times are CPU time; "best peer" is the fastest peer that ran without error. The
// check column is the largest relative difference of the peers' check counters from
// stela's.
TableSummary print_ratio_table(std::ostream& out, const std::vector<Row>& rows,
                               const std::map<std::string, Measurement>& measurements);

// "1.23 ms", "456 µs": three significant digits in the unit that fits.
std::string format_seconds(double seconds);

}  // namespace stela::peers
