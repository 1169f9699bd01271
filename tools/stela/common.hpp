// tools/stela/common.hpp — what every command of the program shares: exit statuses and
// failures, option values, method names, reading matrices, and output (aligned text
// tables, JSON, result files).
//
// Exit statuses (DESIGN.md, "The command-line program"):
//   0  success
//   1  a documented resource limit reached (--max-bytes, --max-elements), out of
//      memory, or an internal error (a bug, which should never happen)
//   2  usage error, or input that cannot be read or is invalid; the message names the
//      file, and the line and column when the problem is on one
//   3  numerical failure; the message names the library's Status ("not_finite",
//      "rank_deficient", ...)
//
// Inside the program a failure is thrown as `Failure` and turned into the message and
// the status by main(); no exception leaves main(). With --json, main() also prints
// {"status": ..., "message": ...} on standard output, the status being one of
//   usage_error         exit 2: an option value or combination the command cannot take
//   invalid_input       exit 2: a file that cannot be read or parsed
//   dimension_mismatch  exit 2: files whose shapes do not fit together
//   output_error        exit 2: a result file or directory that cannot be written, or
//                       that exists (without --force) or is one of the input files
//   resource_limit      exit 1: input or work beyond --max-bytes or --max-elements
//   out_of_memory       exit 1: an allocation failed below the limits
//   internal_error      exit 1: a bug
//   the library's Status name ("not_finite", "rank_deficient", ...), exit 3
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_writer.hpp"
#include "io/matrix_io.hpp"
#include "stela/lstsq.hpp"
#include "stela/matrix.hpp"
#include "stela/ridge.hpp"
#include "stela/status.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"
#include "args.hpp"

namespace stela::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNumerical = 3;

struct Failure {
  int exit_code = kExitUsage;
  std::string message;  // one line, without the "stela <command>: " prefix
  std::string status;   // the JSON "status": one of the names listed above
};

[[noreturn]] void fail_usage(std::string message);
[[noreturn]] void fail_input(std::string message);
// The message is prefixed with "dimension_mismatch: ".
[[noreturn]] void fail_dimension_mismatch(std::string message);
[[noreturn]] void fail_output(std::string message);
// The message is prefixed with the status's name.
[[noreturn]] void fail_numerical(Status status, std::string message);
// A computation of the library that failed with `status` (exit 3): the message is
// "STATUS: WHERE: WHY", WHERE naming the operation and its input ("lstsq by qr on X
// 3 x 2"), WHY the advice given, or when empty what the status means, so that no
// message ends in an empty explanation.
[[noreturn]] void fail_computation(Status status, const std::string& where, const std::string& why = "");
// What a status means, in one clause, for messages that have no better advice.
std::string status_meaning(Status status);
// A documented limit reached: exit 1, resource_limit. The message names the limit's
// option.
[[noreturn]] void fail_limit(std::string message);

// ---------------------------------------------------------------------------------------
// Option values

// --name's value as a number; `fallback` when the option is absent. A value that is
// not a number (or not finite) is a usage error naming the option.
double number_option(const Invocation& inv, const std::string& name, double fallback);
// --name's value as an integer in [lo, hi]; `fallback` when absent.
std::int64_t integer_option(const Invocation& inv, const std::string& name, std::int64_t fallback, std::int64_t lo,
                            std::int64_t hi);
// The comma-separated parts of `text`, empty ones included: "a,,b" gives "a", "", "b"
// and "" gives one empty part.
std::vector<std::string> split_list(const std::string& text);
// A comma-separated list of numbers ("0.1,1,10"); at least one.
std::vector<double> number_list(const std::string& option, const std::string& text);

// --rcond R as RankTolerance{0, R} (R >= 0); the library's default when absent.
RankTolerance<> rank_tolerance(const Invocation& inv);
// The same in the matrix's type T, the type the library takes its options in.
template <class T>
RankTolerance<T> rank_tolerance_in(const Invocation& inv) {
  const RankTolerance<> tol = rank_tolerance(inv);
  return RankTolerance<T>{static_cast<T>(tol.atol), static_cast<T>(tol.rtol)};
}

// --equilibrate (true), --no-equilibrate (false), or neither (unset: lstsq then
// equilibrates exactly when it refines); both is a usage error.
std::optional<bool> equilibrate_option(const Invocation& inv);

// --format F for the input files, when given.
std::optional<io::Format> input_format(const Invocation& inv);

// ---------------------------------------------------------------------------------------
// Method names on the command line: the library's enumerator names with hyphens
// ("normal-cholesky"); underscores are accepted too. An unknown name is a usage error
// listing the valid ones.

template <class E>
struct Choice {
  const char* name;
  E value;
};

inline constexpr Choice<LstsqMethod> kLstsqMethods[] = {
    {"svd", LstsqMethod::svd},
    {"jacobi", LstsqMethod::jacobi},
    {"qr", LstsqMethod::qr},
    {"qrcp", LstsqMethod::qrcp},
    {"normal-cholesky", LstsqMethod::normal_cholesky},
    {"normal-lu", LstsqMethod::normal_lu},
};
inline constexpr Choice<SvdMethod> kSvdMethods[] = {
    {"golub-kahan", SvdMethod::golub_kahan},
    {"jacobi", SvdMethod::jacobi},
};
inline constexpr Choice<RidgeMethod> kRidgeMethods[] = {
    {"svd", RidgeMethod::svd},
    {"cholesky", RidgeMethod::cholesky},
    {"augmented-qr", RidgeMethod::augmented_qr},
};
inline constexpr Choice<CvCriterion> kCvCriteria[] = {
    {"gcv", CvCriterion::gcv},
    {"loo", CvCriterion::loo},
};
inline constexpr Choice<SubspaceMethod> kSubspaceMethods[] = {
    {"svd", SubspaceMethod::svd},
    {"cod", SubspaceMethod::cod},
};

// "a, b, c" of the choices' names.
template <class E, std::size_t N>
std::string choice_list(const Choice<E> (&choices)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) out += (i ? ", " : "") + std::string(choices[i].name);
  return out;
}

// The choice named `text` (hyphens or underscores, any case); a usage error naming
// `option` and the valid choices otherwise.
bool same_name(std::string_view a, std::string_view b);
template <class E, std::size_t N>
E parse_choice(const std::string& option, const std::string& text, const Choice<E> (&choices)[N]) {
  for (const auto& c : choices)
    if (same_name(text, c.name)) return c.value;
  fail_usage("unknown value '" + text + "' for --" + option + "; valid choices: " + choice_list(choices));
}
// --option's choice, `fallback` when absent.
template <class E, std::size_t N>
E choice_option(const Invocation& inv, const std::string& option, const Choice<E> (&choices)[N], E fallback) {
  return inv.has(option) ? parse_choice(option, inv.value(option), choices) : fallback;
}
// The command-line name of a value ("normal-cholesky").
template <class E, std::size_t N>
const char* choice_name(E value, const Choice<E> (&choices)[N]) {
  for (const auto& c : choices)
    if (c.value == value) return c.name;
  return "unknown";
}

// ---------------------------------------------------------------------------------------
// Reading matrices

// Limits on what one run may read and form (see "Limits" in io/matrix_io.hpp):
//   --max-bytes N     bytes of one input file or stream (default 1 GiB)
//   --max-elements N  entries of any one matrix read or formed, and any one dimension
//                     (default 2^27 = 134217728, 1 GiB of doubles)
// An invalid value is a usage error.
io::ReadLimits read_limits(const Invocation& inv);

// Refuses (resource_limit, exit 1) a matrix of rows x cols entries that a command is
// about to form, above --max-elements; `what` names it in the message, e.g.
// "lstsq on X 0 x 200000000 would form the solution W", then ": 200000000 x 1 = ...".
void check_elements(const Invocation& inv, const std::string& what, index rows, index cols);

// Reads the matrix files of one command. Standard input ("-") can be read once only.
class MatrixReader {
 public:
  explicit MatrixReader(const Invocation& inv) : format_(input_format(inv)), limits_(read_limits(inv)) {}

  // The matrix in `path`: invalid_input (exit 2) when it cannot be read or parsed;
  // not_finite (exit 3) for a number that overflows double precision;
  // resource_limit (exit 1) beyond --max-bytes or --max-elements.
  Matrix<double> read(const std::string& path);

 private:
  std::optional<io::Format> format_;
  io::ReadLimits limits_;
  bool stdin_used_ = false;
};

// The name of `path` in messages ("<stdin>" for "-").
std::string display_name(const std::string& path);

// Entries read as doubles, narrowed one at a time to T under the rules of checked_matrix
// below; the entries that become subnormal are counted for one warning at the end.
template <class T>
struct Narrowing {
  index subnormals = 0;
  std::string first_subnormal;
  // `a`, read from `name` at row `row` and column `col` (1-based), in precision T; exits
  // with the program's failure naming the entry when it cannot be.
  T entry(double a, const std::string& name, index row, index col);
  // The one warning line on standard error, when an entry became subnormal.
  void warn() const;
};

// A in precision T. Any NaN or Inf (after the conversion: a double beyond the float
// range becomes Inf) is a numerical failure, not_finite, naming the file and the entry.
// In float, a nonzero entry below float's range (|a| < 2^-149 rounds to 0) is refused
// the same way but as invalid_input (exit 2: the data cannot be represented, nothing
// was computed), naming the file, row and column: flushing it to zero would change the
// matrix silently (its rank, its null space). A nonzero entry that becomes subnormal
// in float (below 2^-126 = 1.2e-38) keeps fewer than 24 significant bits but is still
// the nearest float: it is accepted, with one warning line on standard error per file
// naming the first such entry and their count.
template <class T>
Matrix<T> checked_matrix(const Matrix<double>& A, const std::string& path);

// The right-hand side matrix Y of a problem with X.rows() = n: an n x k Y is taken as
// it is, and a 1 x n row as a column. Anything else is dimension_mismatch (exit 2).
Matrix<double> right_hand_side(Matrix<double> Y, index n, const std::string& x_path, const std::string& y_path);

// ---------------------------------------------------------------------------------------
// Results in double, whatever the precision of the computation ("--float" results are
// widened exactly).

template <class T>
Matrix<double> widen(MatrixView<const T> A) {
  Matrix<double> B(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) B(i, j) = static_cast<double>(A(i, j));
  return B;
}
template <class T>
Vector<double> widen(VectorView<const T> x) {
  Vector<double> y(x.size());
  for (index i = 0; i < x.size(); ++i) y[i] = static_cast<double>(x[i]);
  return y;
}

// A matrix's dimensions, as a command's result records its inputs.
struct Dims {
  index rows = 0, cols = 0;
};
template <class T>
Dims dims(MatrixView<const T> A) {
  return Dims{A.rows(), A.cols()};
}

// "12 x 3"
std::string shape(index rows, index cols);
std::string shape(MatrixView<const double> A);
std::string shape(Dims d);

// ---------------------------------------------------------------------------------------
// Human-readable output: aligned tables, 6 significant digits (--json has all 17).

// x as %.6g ("1.41421", "1e-16", "-0", "inf", "nan").
std::string format_number(double x);
// x in a fixed scientific form, %.3e ("1.000e-16"): the demo and the sweep table.
std::string format_sci(double x);

// "name" padded to the width of a field column, then the value.
void print_field(std::ostream& out, std::string_view name, std::string_view value);
// "title (m x n):" and the entries in right-aligned columns, two spaces in front.
// Large matrices are shown in part (the first and last rows and columns) with a note
// that --json gives all of them (--output writes one result matrix only, and not the
// same one for every command: svd writes s, qr writes R).
// `indent` goes in front of every line.
void print_matrix(std::ostream& out, std::string_view title, MatrixView<const double> A, std::string_view indent = "");
// "title (n):" and the entries on one or more lines, aligned.
void print_vector(std::ostream& out, std::string_view title, VectorView<const double> x);
// The same for indices, printed in full ("1000000", not %.6g's "1e+06").
void print_vector(std::ostream& out, std::string_view title, VectorView<const index> x);

// Left- and right-aligned columns of strings.
class Table {
 public:
  explicit Table(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void add(std::vector<std::string> row);
  void print(std::ostream& out, std::string_view indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// ---------------------------------------------------------------------------------------
// Files

// --output FILE: A written to FILE in the format of its extension (.npy, .mtx, text
// otherwise). A write error is an output_error (exit 2) naming the file. Returns the
// path written, empty without --output. check_output_target runs first.
std::string write_output(const Invocation& inv, MatrixView<const double> A);
// Refuses (output_error, exit 2) an --output FILE that exists as a regular file (not
// /dev/null, a FIFO or a terminal) unless --force,
// and one that is an input file of the command (the same file by any name), even with
// --force: overwriting the data with the result is always a slip. "-" (standard
// output) is never refused. Nothing without --output. by_precision calls it before the
// command reads anything, so a refused run does no work.
void check_output_target(const Invocation& inv);
// "<what> written to FILE", the last line of a command's text result when write_output
// wrote `path`; nothing when `path` is empty. (The JSON result, one object, has no such
// line.)
void print_output_note(std::ostream& out, const std::string& path, std::string_view what);

// Ends a command's JSON object with "status": "ok" (every command's last member; on a
// failure main() writes the status instead).
void end_json(io::JsonWriter& json);

// Options every matrix command has: --json, --float, --format, --max-bytes,
// --max-elements, and --output and --force when the command has a result matrix.
std::vector<OptionSpec> common_options(bool with_output);
// --rcond R, as every rank-deciding command describes it.
OptionSpec rcond_option();
// first followed by rest.
std::vector<OptionSpec> concat(std::vector<OptionSpec> first, const std::vector<OptionSpec>& rest);
// "single precision" or "double precision".
const char* precision_name(bool single);

// A command's run function: F (single precision) with --float, D (double) otherwise;
// returns kExitOk. Failures leave by Failure. Use as CommandSpec::run:
//   c.run = by_precision<run_svd<float>, run_svd<double>>;
template <void (*F)(const Invocation&), void (*D)(const Invocation&)>
int by_precision(const Invocation& inv) {
  check_output_target(inv);
  inv.flag("float") ? F(inv) : D(inv);
  return kExitOk;
}

}  // namespace stela::cli
