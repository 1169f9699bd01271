// tools/stela/common.cpp — failures, option values, reading matrices, text output.
#include "common.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <ostream>

#include "io/numbers.hpp"

namespace stela::cli {

void fail_usage(std::string message) { throw Failure{kExitUsage, std::move(message), "usage_error"}; }
void fail_input(std::string message) { throw Failure{kExitUsage, std::move(message), "invalid_input"}; }
void fail_output(std::string message) { throw Failure{kExitUsage, std::move(message), "output_error"}; }

void fail_dimension_mismatch(std::string message) {
  throw Failure{kExitUsage, "dimension_mismatch: " + message, "dimension_mismatch"};
}

void fail_numerical(Status status, std::string message) {
  throw Failure{kExitNumerical, std::string(to_string(status)) + ": " + message, to_string(status)};
}

std::string status_meaning(Status status) {
  switch (status) {
    case Status::ok: return "no failure";
    case Status::dimension_mismatch: return "the library found the shapes inconsistent (a bug in stela, which checks them first)";
    case Status::invalid_argument: return "an argument is outside its documented range";
    case Status::not_finite:
      return "a computed quantity overflowed or became NaN although every entry is finite; scale the data "
             "(e.g. divide it by its largest entry)";
    case Status::not_positive_definite: return "the matrix is not numerically positive definite";
    case Status::singular: return "the matrix is numerically singular";
    case Status::rank_deficient: return "the matrix is rank-deficient to working precision";
    case Status::no_convergence: return "the iteration reached its cap";
    case Status::workspace_too_small: return "a workspace was too small (a bug in stela)";
  }
  return "unknown status";
}

void fail_computation(Status status, const std::string& where, const std::string& why) {
  fail_numerical(status, where + ": " + (why.empty() ? status_meaning(status) : why));
}

void fail_limit(std::string message) { throw Failure{kExitInternal, std::move(message), "resource_limit"}; }

// ---------------------------------------------------------------------------------------
// Option values

double number_option(const Invocation& inv, const std::string& name, double fallback) {
  if (!inv.has(name)) return fallback;
  double x = 0;
  if (!io::parse_double(inv.value(name), x) || !std::isfinite(x))
    fail_usage("--" + name + " needs a finite number, got '" + io::printable(inv.value(name)) + "'");
  return x;
}

std::int64_t integer_option(const Invocation& inv, const std::string& name, std::int64_t fallback, std::int64_t lo,
                            std::int64_t hi) {
  if (!inv.has(name)) return fallback;
  std::int64_t k = 0;
  if (!io::parse_integer(inv.value(name), k) || k < lo || k > hi)
    fail_usage("--" + name + " needs an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
               ", got '" + io::printable(inv.value(name)) + "'");
  return k;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

std::vector<double> number_list(const std::string& option, const std::string& text) {
  std::vector<double> values;
  for (const std::string& token : split_list(text)) {
    double x = 0;
    if (!io::parse_double(token, x) || !std::isfinite(x))
      fail_usage("--" + option + " needs comma-separated finite numbers, got '" + io::printable(token) + "' in '" +
                 io::printable(text) + "'");
    values.push_back(x);
  }
  return values;
}

RankTolerance<> rank_tolerance(const Invocation& inv) {
  if (!inv.has("rcond")) return RankTolerance<>{};
  const double r = number_option(inv, "rcond", 0);
  if (r < 0) fail_usage("--rcond must be non-negative, got " + inv.value("rcond"));
  return RankTolerance<>{0, r};
}

std::optional<bool> equilibrate_option(const Invocation& inv) {
  const bool on = inv.flag("equilibrate"), off = inv.flag("no-equilibrate");
  if (on && off) fail_usage("--equilibrate and --no-equilibrate contradict each other: give one");
  if (on || off) return on;
  return std::nullopt;
}

std::optional<io::Format> input_format(const Invocation& inv) {
  if (!inv.has("format")) return std::nullopt;
  std::optional<io::Format> f = io::parse_format(inv.value("format"));
  if (!f)
    fail_usage("unknown value '" + io::printable(inv.value("format")) +
               "' for --format; valid choices: text, txt, csv, dat, mtx, matrix-market, mm, npy");
  return f;
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto norm = [](char c) {
      if (c == '_') return '-';
      if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
      return c;
    };
    if (norm(a[i]) != norm(b[i])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Reading matrices

std::string display_name(const std::string& path) { return path == "-" ? io::kStdinName : path; }

io::ReadLimits read_limits(const Invocation& inv) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  io::ReadLimits limits;
  limits.max_bytes = integer_option(inv, "max-bytes", limits.max_bytes, 1, kMax);
  limits.max_elements = integer_option(inv, "max-elements", limits.max_elements, 1, kMax);
  return limits;
}

void check_elements(const Invocation& inv, const std::string& what, index rows, index cols) {
  const std::int64_t limit = read_limits(inv).max_elements;
  // Every dimension the readers let through is at most 2^31 - 1, so the product fits.
  const std::int64_t entries = static_cast<std::int64_t>(rows) * static_cast<std::int64_t>(cols);
  if (entries > limit)
    fail_limit(what + ": " + shape(rows, cols) + " = " + std::to_string(entries) + " entries, above the limit of " +
               std::to_string(limit) + " (--max-elements N raises it)");
}

Matrix<double> MatrixReader::read(const std::string& path) {
  if (path == "-") {
    if (stdin_used_) fail_usage("standard input ('-') can be read only once");
    stdin_used_ = true;
  }
  io::Expected<Matrix<double>> A = io::read_matrix(path, format_, limits_);
  if (!A && A.error().overflow) fail_numerical(Status::not_finite, A.error().message);
  if (!A && A.error().limit) fail_limit(A.error().message);
  if (!A) fail_input(A.error().message);
  return std::move(A).value();
}

template <class T>
T Narrowing<T>::entry(double a, const std::string& name, index row, index col) {
  const T b = static_cast<T>(a);
  const auto where = [&] {
    return name + ": row " + std::to_string(row) + ", column " + std::to_string(col) + " is " + format_number(a);
  };
  if (!std::isfinite(b)) {
    if (std::isfinite(a)) fail_numerical(Status::not_finite, where() + ", beyond single precision");
    fail_numerical(Status::not_finite, where() + "; every entry must be finite");
  }
  // Only narrowing can lose an entry: a double is its own nearest double.
  if (b == T(0) && a != 0.0)
    fail_input(where() + ", below single precision (the smallest float is " +
               format_number(static_cast<double>(std::numeric_limits<T>::denorm_min())) +
               "): it would become 0; scale the data, or drop --float");
  if (sizeof(T) < sizeof(double) && b != T(0) && std::abs(b) < std::numeric_limits<T>::min()) {
    if (subnormals++ == 0) first_subnormal = where();
  }
  return b;
}

template <class T>
void Narrowing<T>::warn() const {
  if (subnormals > 0)
    std::cerr << "stela: warning: " << first_subnormal << ", subnormal in single precision (below "
              << format_number(static_cast<double>(std::numeric_limits<T>::min()))
              << "), so it keeps fewer significant bits"
              << (subnormals > 1 ? " (" + std::to_string(subnormals) + " such entries)" : std::string()) << "\n";
}
template struct Narrowing<float>;
template struct Narrowing<double>;

template <class T>
Matrix<T> checked_matrix(const Matrix<double>& A, const std::string& path) {
  Matrix<T> B(A.rows(), A.cols());
  Narrowing<T> narrowing;
  const std::string name = display_name(path);
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) B(i, j) = narrowing.entry(A(i, j), name, i + 1, j + 1);
  narrowing.warn();
  return B;
}
template Matrix<float> checked_matrix<float>(const Matrix<double>&, const std::string&);
template Matrix<double> checked_matrix<double>(const Matrix<double>&, const std::string&);

Matrix<double> right_hand_side(Matrix<double> Y, index n, const std::string& x_path, const std::string& y_path) {
  if (Y.rows() == n) return Y;
  if (Y.rows() == 1 && Y.cols() == n) return transpose<double>(Y);
  fail_dimension_mismatch(display_name(x_path) + " has " + std::to_string(n) + " row" +
             (n == 1 ? "" : "s") + " but " + display_name(y_path) + " is " + shape(Y.rows(), Y.cols()) +
             " (give Y as " + std::to_string(n) + " x k, or as one row of " + std::to_string(n) + ")");
}

// ---------------------------------------------------------------------------------------
// Text output

std::string shape(index rows, index cols) { return std::to_string(rows) + " x " + std::to_string(cols); }
std::string shape(MatrixView<const double> A) { return shape(A.rows(), A.cols()); }
std::string shape(Dims d) { return shape(d.rows, d.cols); }

std::string format_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

std::string format_sci(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", x);
  return buf;
}

namespace {
constexpr std::size_t kFieldWidth = 22;  // names of print_field, then the value
constexpr index kShownRows = 24;         // print_matrix shows at most this many rows,
constexpr index kShownCols = 8;          // and columns, of a larger matrix
constexpr std::size_t kLineWidth = 88;   // print_vector wraps its entries here
}  // namespace

void print_field(std::ostream& out, std::string_view name, std::string_view value) {
  out << name;
  out << std::string(name.size() < kFieldWidth ? kFieldWidth - name.size() : 1, ' ');
  out << value << '\n';
}

void print_matrix(std::ostream& out, std::string_view title, MatrixView<const double> A, std::string_view indent) {
  out << indent << title << " (" << shape(A) << "):\n";
  if (A.empty()) {
    out << indent << "  (no entries)\n";
    return;
  }
  // 1. Which rows and columns to show: all, or the first and last halves around "...".
  auto shown = [](index n, index cap) {
    std::vector<index> idx;
    if (n <= cap) {
      for (index i = 0; i < n; ++i) idx.push_back(i);
    } else {
      for (index i = 0; i < cap / 2; ++i) idx.push_back(i);
      idx.push_back(-1);  // the gap
      for (index i = n - cap / 2; i < n; ++i) idx.push_back(i);
    }
    return idx;
  };
  const std::vector<index> rows = shown(A.rows(), kShownRows), cols = shown(A.cols(), kShownCols);
  // 2. Each column as wide as its widest entry, right-aligned.
  std::vector<std::size_t> width(cols.size(), 3);
  for (std::size_t c = 0; c < cols.size(); ++c)
    for (index i : rows)
      if (i >= 0 && cols[c] >= 0) width[c] = std::max(width[c], format_number(A(i, cols[c])).size());
  for (index i : rows) {
    std::string line(indent);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const std::string s = (i < 0 || cols[c] < 0) ? "..." : format_number(A(i, cols[c]));
      line += "  " + std::string(width[c] - s.size(), ' ') + s;
    }
    out << line << '\n';
  }
  if (A.rows() > kShownRows || A.cols() > kShownCols)
    out << indent << "  (some entries not shown: --json gives all of them)\n";
}

namespace {
// print_vector of entries already formatted.
void print_entries(std::ostream& out, std::string_view title, const std::vector<std::string>& entries) {
  out << title << " (" << entries.size() << "):";
  if (entries.empty()) {
    out << " (none)\n";
    return;
  }
  std::size_t width = 0;
  for (const std::string& s : entries) width = std::max(width, s.size());
  const std::size_t per_line = std::max<std::size_t>(1, (kLineWidth - 2) / (width + 2));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i % per_line == 0) out << "\n  ";
    out << std::string(width - entries[i].size() + (i % per_line == 0 ? 0 : 2), ' ') << entries[i];
  }
  out << '\n';
}
}  // namespace

void print_vector(std::ostream& out, std::string_view title, VectorView<const double> x) {
  std::vector<std::string> entries;
  for (index i = 0; i < x.size(); ++i) entries.push_back(format_number(x[i]));
  print_entries(out, title, entries);
}

void print_vector(std::ostream& out, std::string_view title, VectorView<const index> x) {
  std::vector<std::string> entries;
  for (index i = 0; i < x.size(); ++i) entries.push_back(std::to_string(x[i]));
  print_entries(out, title, entries);
}

Table::Table(std::vector<std::string> header, std::vector<bool> right_aligned) : right_(std::move(right_aligned)) {
  right_.resize(header.size(), false);
  rows_.push_back(std::move(header));
}

void Table::add(std::vector<std::string> row) {
  row.resize(rows_.front().size());
  rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out, std::string_view indent) const {
  std::vector<std::size_t> width(rows_.front().size(), 0);
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows_) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      if (c) line += "  ";
      line += right_[c] ? pad + row[c] : row[c] + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

// ---------------------------------------------------------------------------------------
// Files

void check_output_target(const Invocation& inv) {
  if (inv.flag("force") && !inv.has("output")) fail_usage("--force applies to --output FILE only");
  if (!inv.has("output")) return;
  const std::string& out = inv.value("output");
  if (out.empty()) fail_usage("--output needs a file name, got ''");
  if (out == "-") return;
  // Only an existing regular file holds data to lose: /dev/null, a terminal or a FIFO
  // is written as before, and a directory fails when written, naming itself.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(out, ec)) return;
  for (const std::string& in : inv.operands)
    if (in != "-" && std::filesystem::equivalent(in, out, ec))
      fail_output(out + ": is also an input file of this command ('" + in +
                  "'); write the result to another file (--force does not apply to inputs)");
  if (!inv.flag("force")) fail_output(out + ": already exists; give --force to overwrite it");
}

std::string write_output(const Invocation& inv, MatrixView<const double> A) {
  if (!inv.has("output")) return "";
  // Again: the file may have appeared while the command computed.
  check_output_target(inv);
  io::Expected<void> written = io::write_matrix(inv.value("output"), A);
  if (!written) fail_output(written.error().message);
  return inv.value("output");
}

void print_output_note(std::ostream& out, const std::string& path, std::string_view what) {
  if (!path.empty()) out << what << " written to " << path << "\n";
}

void end_json(io::JsonWriter& json) {
  json.key("status").value("ok");
  json.end_object();
}

std::vector<OptionSpec> common_options(bool with_output) {
  std::vector<OptionSpec> options = {
      {"json", "", "print one JSON object (17 significant digits) instead of text"},
      {"float", "", "compute in single precision (results are printed widened to double)"},
      {"format", "F", "format of the input files: text, mtx or npy (default: from the extension;\n"
                      "text for '-' unless the data starts with a .npy or Matrix Market signature)"},
  };
  options.push_back({"max-bytes", "N", "refuse an input file or stream of more than N bytes (default 1073741824,\n"
                                         "1 GiB); exit status 1, resource_limit"});
  options.push_back({"max-elements", "N",
                     "refuse to read or form a matrix of more than N entries, or with a dimension\n"
                     "above N (default 134217728 = 2^27, 1 GiB of doubles); exit status 1"});
  if (with_output) {
    options.push_back({"output", "FILE", "also write the main result matrix to FILE (.npy, .mtx, or text);\n"
                                         "an existing FILE is refused without --force, an input file always"});
    options.push_back({"force", "", "with --output, overwrite FILE if it exists"});
  }
  return options;
}

OptionSpec rcond_option() {
  return {"rcond", "R",
          "relative rank tolerance: a singular value counts as zero when\n"
          "sigma <= R * sigma_max (default eps * max(rows, cols), as numpy)"};
}

std::vector<OptionSpec> concat(std::vector<OptionSpec> first, const std::vector<OptionSpec>& rest) {
  first.insert(first.end(), rest.begin(), rest.end());
  return first;
}

const char* precision_name(bool single) { return single ? "single precision" : "double precision"; }

}  // namespace stela::cli
