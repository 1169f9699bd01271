// bench_peers: stela against LAPACK on OpenBLAS and against Eigen, the same operations
// on the same inputs in one run, ending with a table of time ratios (bench/peers/README.md).
//
// Names read operation/implementation/type/shape:
//   qr/stela/double/1024   qr/dgeqrf/double/1024   qr/eigen/double/1024
//   lstsq/stela_svd/double/2000x200   lstsq/dgelsd/double/2000x200
// Times are the CPU time of the benchmark thread (the machine may be shared): OpenBLAS
// is set to one thread at start, in the caller's thread, and Eigen is built without
// threads. After the cases, the table pairs stela's case with its peers' for each
// operation and shape: the median over repetitions when --benchmark_repetitions asks
// for several.
//
//   bench_peers --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//   bench_peers --benchmark_filter='/(8|32)$'        the small sizes only
//
// Exit status 1 when a case failed (its error is in the table), when stela's check
// counter disagrees with a peer's, or when the filter selected nothing.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "peers.hpp"
#include "ratio_table.hpp"

namespace stela::peers {
namespace {

struct Shape {
  index m, n;
};

std::string shape_name(Shape s) {
  return s.m == s.n ? std::to_string(s.n) : std::to_string(s.m) + "x" + std::to_string(s.n);
}

struct Implementation {
  const char* name;   // in the case name: "stela", "dgeqrf", "eigen"
  const char* label;  // in the table: "dgeqrf", "Eigen HouseholderQR"
  CaseFunction run;
  index max_cols = 0;        // when > 0: not registered for inputs of more columns
  const char* why_not = "";  // said under the table for the shapes left out
};

// stela's implementation `stela` in a table row against `peers` (implementation names).
struct Comparison {
  const char* operation;
  const char* stela;
  std::vector<const char*> peers;
};

struct Family {
  const char* name;
  const char* type;
  std::vector<Shape> shapes;
  std::vector<Implementation> implementations;
  std::vector<Comparison> comparisons;
};

std::string case_name(const Family& f, const char* implementation, Shape s) {
  return std::string(f.name) + "/" + implementation + "/" + f.type + "/" + shape_name(s);
}

bool runs_at(const Implementation& i, Shape s) { return i.max_cols == 0 || s.n <= i.max_cols; }

const Implementation* find(const Family& f, const char* name) {
  for (const Implementation& i : f.implementations)
    if (std::strcmp(i.name, name) == 0) return &i;
  return nullptr;
}

// Every operation, shape and implementation of the program.
std::vector<Family> families() {
  const Shape s8{8, 8}, s32{32, 32}, s256{256, 256}, s1024{1024, 1024}, tall{2000, 200};
  const std::vector<Shape> square{s8, s32, s1024}, all{s8, s32, s1024, tall};
  // gemm: C (m x n) := A (m x n) B (n x n); 2000x200 is the shape of a tall problem.
  const std::vector<Shape> gemm_shapes{s8, s32, s256, s1024, tall};
  return {
      {"gemm",
       "double",
       gemm_shapes,
       {{"stela", "stela gemm packed", stela_gemm<double>},
        {"stela_unpacked", "stela gemm unpacked", stela_gemm_unpacked<double>},
        {"dgemm", "dgemm", blas_gemm<double>},
        {"eigen", "Eigen product", eigen_gemm<double>}},
       {{"gemm", "stela", {"dgemm", "eigen"}}, {"gemm, no workspace", "stela_unpacked", {"dgemm", "eigen"}}}},
      {"gemm",
       "float",
       gemm_shapes,
       {{"stela", "stela gemm packed", stela_gemm<float>},
        {"stela_unpacked", "stela gemm unpacked", stela_gemm_unpacked<float>},
        {"sgemm", "sgemm", blas_gemm<float>},
        {"eigen", "Eigen product", eigen_gemm<float>}},
       {{"gemm (float)", "stela", {"sgemm", "eigen"}},
        {"gemm (float), no workspace", "stela_unpacked", {"sgemm", "eigen"}}}},
      {"qr",
       "double",
       all,
       {{"stela", "householder_qr_inplace", stela_qr},
        {"dgeqrf", "dgeqrf", lapack_geqrf},
        {"eigen", "Eigen HouseholderQR", eigen_householder_qr}},
       {{"qr", "stela", {"dgeqrf", "eigen"}}}},
      {"qr_pivoted",
       "double",
       all,
       {{"stela", "qr_pivoted_inplace", stela_qr_pivoted},
        {"dgeqp3", "dgeqp3", lapack_geqp3},
        {"eigen", "Eigen ColPivHouseholderQR", eigen_col_piv_qr}},
       {{"qr_pivoted", "stela", {"dgeqp3", "eigen"}}}},
      {"cholesky",
       "double",
       square,
       {{"stela", "cholesky_inplace", stela_cholesky},
        {"dpotrf", "dpotrf", lapack_potrf},
        {"eigen", "Eigen LLT", eigen_llt}},
       {{"cholesky", "stela", {"dpotrf", "eigen"}}}},
      {"lu",
       "double",
       square,
       {{"stela", "lu_inplace", stela_lu},
        {"dgetrf", "dgetrf", lapack_getrf},
        {"eigen", "Eigen PartialPivLU", eigen_partial_piv_lu}},
       {{"lu", "stela", {"dgetrf", "eigen"}}}},
      {"normal_equations",
       "double",
       {tall},
       {{"stela", "normal_equations_cholesky_inplace", stela_normal_equations},
        {"dsyrk_dgemv_dposv", "dsyrk+dgemv+dposv", lapack_normal_equations},
        {"eigen", "Eigen rankUpdate+LLT", eigen_normal_equations}},
       {{"normal_equations", "stela", {"dsyrk_dgemv_dposv", "eigen"}}}},
      {"svd_values",
       "double",
       all,
       {{"stela", "svd_inplace golub_kahan", stela_svd_values},
        {"dgesdd", "dgesdd", lapack_gesdd_values},
        {"dgesvd", "dgesvd", lapack_gesvd_values},
        {"eigen", "Eigen BDCSVD", eigen_bdcsvd_values}},
       {{"svd values (golub_kahan)", "stela", {"dgesdd", "dgesvd", "eigen"}}}},
      {"svd_thin",
       "double",
       all,
       {{"stela", "svd_inplace golub_kahan", stela_svd_thin},
        {"dgesdd", "dgesdd", lapack_gesdd_thin},
        {"dgesvd", "dgesvd", lapack_gesvd_thin},
        {"eigen", "Eigen BDCSVD", eigen_bdcsvd_thin}},
       {{"svd thin (golub_kahan)", "stela", {"dgesdd", "dgesvd", "eigen"}}}},
      {"svd_jacobi_thin",
       "double",
       all,
       {{"stela", "svd_inplace jacobi", stela_svd_jacobi_thin},
        {"dgesvj", "dgesvj", lapack_gesvj},
        {"dgejsv", "dgejsv", lapack_gejsv},
        {"eigen", "Eigen JacobiSVD", eigen_jacobi_svd_thin, 512,
         "two-sided Jacobi, about 100 s of CPU per call at this size"}},
       {{"svd thin (jacobi)", "stela", {"dgesvj", "dgejsv", "eigen"}}}},
      {"lstsq",
       "double",
       all,
       {{"stela_qr", "lstsq_inplace qr", stela_lstsq_qr},
        {"stela_svd", "lstsq_inplace svd", stela_lstsq_svd},
        {"stela_jacobi", "lstsq_inplace jacobi", stela_lstsq_jacobi},
        {"dgels", "dgels", lapack_gels},
        {"dgelsd", "dgelsd", lapack_gelsd},
        {"dgelss", "dgelss", lapack_gelss},
        {"eigen_qr", "Eigen HouseholderQR solve", eigen_lstsq_qr},
        {"eigen_bdcsvd", "Eigen BDCSVD solve", eigen_lstsq_bdcsvd}},
       {{"lstsq qr", "stela_qr", {"dgels", "eigen_qr"}},
        {"lstsq svd", "stela_svd", {"dgelsd", "dgelss", "eigen_bdcsvd"}},
        {"lstsq jacobi", "stela_jacobi", {"dgelsd"}}}},
      // The copy every iteration of a case that overwrites its input starts with.
      {"copy", "double", all, {{"std_copy", "std::copy_n", input_copy}}, {}},
  };
}

void register_cases(const std::vector<Family>& all) {
  for (const Family& f : all)
    for (const Implementation& i : f.implementations)
      for (Shape s : f.shapes) {
        if (!runs_at(i, s)) continue;
        const CaseFunction run = i.run;
        benchmark::RegisterBenchmark(case_name(f, i.name, s).c_str(), [run, s](benchmark::State& state) {
          run(state, s.m, s.n);
        })->Unit(s.m * s.n <= 32 * 32 ? benchmark::kMicrosecond : benchmark::kMillisecond);
      }
}

std::vector<Row> table_rows(const std::vector<Family>& all) {
  std::vector<Row> rows;
  for (const Family& f : all)
    for (const Comparison& c : f.comparisons)
      for (Shape s : f.shapes) {
        Row row;
        row.operation = c.operation;
        row.shape = shape_name(s);
        row.stela = case_name(f, c.stela, s);
        for (const char* peer : c.peers) {
          const Implementation* i = find(f, peer);
          if (i != nullptr && runs_at(*i, s)) row.peers.emplace_back(case_name(f, peer, s), i->label);
        }
        // Rounding differences: well below 1e-9 in double at these sizes and kappa (the
        // normal equations' solutions differ by up to kappa^2 eps ~ 1e-8 relative);
        // float's gemm norms by 1e-6.
        row.check_tolerance = std::strcmp(f.type, "float") == 0 ? 1e-3 : 1e-6;
        rows.push_back(row);
      }
  return rows;
}

// "copy of the input, included in the times above: 8: 15 ns, 32: 120 ns, ...".
void print_copy_line(std::ostream& out, const std::vector<Family>& all,
                     const std::map<std::string, Measurement>& found) {
  std::string line;
  for (const Family& f : all) {
    if (std::strcmp(f.name, "copy") != 0) continue;
    for (Shape s : f.shapes) {
      const auto m = found.find(case_name(f, "std_copy", s));
      if (m == found.end() || !m->second.error.empty()) continue;
      line += (line.empty() ? "" : ", ") + shape_name(s) + ": " + format_seconds(m->second.seconds);
    }
  }
  if (!line.empty())
    out << "The copy of the input that every iteration of stela, LAPACK and Eigen starts with (in the times above): "
        << line << "\n";
}

// The implementations left out at a shape whose other cases ran.
void print_left_out(std::ostream& out, const std::vector<Family>& all,
                    const std::map<std::string, Measurement>& found) {
  for (const Family& f : all)
    for (const Implementation& i : f.implementations)
      for (Shape s : f.shapes) {
        if (runs_at(i, s)) continue;
        bool shape_ran = false;
        for (const Implementation& other : f.implementations)
          shape_ran = shape_ran || found.count(case_name(f, other.name, s)) > 0;
        if (shape_ran) out << "Not run: " << i.label << " at " << shape_name(s) << " (" << i.why_not << ").\n";
      }
}

// The display reporter --benchmark_format asks for (Google Benchmark builds it itself
// only when it is given none): console or json. Google Benchmark has deprecated csv;
// --benchmark_out_format=csv still writes it to a file.
std::unique_ptr<benchmark::BenchmarkReporter> display_reporter(const std::string& format) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  return std::make_unique<benchmark::ConsoleReporter>(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color
                                                                            : benchmark::ConsoleReporter::OO_None);
}

std::string requested_format(int argc, char** argv) {
  const std::string flag = "--benchmark_format=";
  std::string format = "console";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], flag.c_str(), flag.size()) == 0) format = argv[i] + flag.size();
  return format;
}

}  // namespace
}  // namespace stela::peers

int main(int argc, char** argv) {
  using namespace stela::peers;
  openblas_use_one_thread();
  const std::string format = requested_format(argc, argv);
  if (format != "console" && format != "json") {
    std::cerr << "bench_peers: --benchmark_format=" << format << " is not supported (console or json)\n";
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("openblas", openblas_description());
  benchmark::AddCustomContext("eigen", eigen_description());
  benchmark::AddCustomContext("times", "CPU time of the benchmark thread; the table takes medians over repetitions");

  const std::vector<Family> all = families();
  register_cases(all);
  CollectingReporter reporter(display_reporter(format));
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  // The table goes to standard output after the console report, to standard error
  // after a JSON or CSV one (which then stays machine-readable).
  std::ostream& out = format == "console" ? std::cout : std::cerr;
  const std::map<std::string, Measurement> found = reporter.measurements();
  out << "\n";
  const TableSummary summary = print_ratio_table(out, table_rows(all), found);
  out << "\n";
  print_copy_line(out, all, found);
  print_left_out(out, all, found);
  if (summary.errors > 0) out << summary.errors << " case(s) failed: see the table.\n";
  if (summary.disagreements > 0) out << summary.disagreements << " row(s) where the check counters disagree.\n";
  return ran == 0 || summary.errors > 0 || summary.disagreements > 0 ? 1 : 0;
}
