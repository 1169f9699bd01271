// End-to-end tests of the `stela` program: each test writes its input files into its own
// temporary directory, runs the built binary (path from CMake: STELA_CLI_PATH) through
// the shell, and checks the exit status, standard output and standard error; --json
// output is parsed with the strict checker of json_checker.hpp.
//
// Covered: every command in text and JSON; every file format in and out (text, csv,
// Matrix Market, .npy in C and Fortran order, float32, standard input, --format);
// every malformed input (ragged rows, junk token, empty and missing files, truncated,
// lying and foreign .npy headers, NaN and Inf, mismatched shapes, negative lambda,
// unknown commands, options and methods) with its exit status and message; the demo's
// key numbers; the stability sweep's CSV, plots, and accuracy at kappa = 1e8.
//
// Tolerances are multiples of eps on small problems with exact answers.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "io/matrix_io.hpp"
#include "json_checker.hpp"
#include "program_runs.hpp"
#include "test_support.hpp"

#ifndef STELA_CLI_PATH
#error "STELA_CLI_PATH must name the stela binary"
#endif
#ifndef STELA_SOURCE_DIR
#error "STELA_SOURCE_DIR must name the top of the source tree (the demo names files in it)"
#endif

namespace stela::test {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kTol = 64 * kEps;  // small problems with exact answers
constexpr double kFloatTol = 64 * static_cast<double>(std::numeric_limits<float>::epsilon());

const char* const kLstsqMethodNames[] = {"svd", "jacobi", "qr", "qrcp", "normal-cholesky", "normal-lu"};

// ---------------------------------------------------------------------------------------
// JSON access

std::vector<double> numbers(const JsonValue& v) {
  EXPECT_EQ(v.kind, JsonValue::array);
  std::vector<double> out;
  for (const auto& item : v.items) out.push_back(number(item));
  return out;
}

Matrix<double> rows_of(const JsonValue& v) {
  EXPECT_EQ(v.kind, JsonValue::array);
  const index m = static_cast<index>(v.items.size());
  const index n = m ? static_cast<index>(v.items[0].items.size()) : 0;
  Matrix<double> A(m, n);
  for (index i = 0; i < m; ++i) {
    const std::vector<double> row = numbers(v.items[static_cast<std::size_t>(i)]);
    EXPECT_EQ(static_cast<index>(row.size()), n);
    for (index j = 0; j < n && j < static_cast<index>(row.size()); ++j) A(i, j) = row[static_cast<std::size_t>(j)];
  }
  return A;
}

// The member `name`; a test failure (and a null value) when it is missing.
const JsonValue& at(const JsonValue& object, const std::string& name) {
  static const JsonValue missing;
  const JsonValue* v = member(object, name);
  EXPECT_NE(v, nullptr) << "no member '" << name << "'";
  return v ? *v : missing;
}

std::string text_of(const JsonValue& v) {
  EXPECT_EQ(v.kind, JsonValue::string);
  return v.text;
}

// ---------------------------------------------------------------------------------------
// The fixture: one directory per test and process (ctest runs tests in parallel, and two
// build trees may run the same test at once), files, and runs.

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = ::testing::TempDir() + "stela_cli_" + info->test_suite_name() + "_" + info->name() + "_" +
           std::to_string(getpid()) + "/";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  std::string path(const std::string& name) const { return dir_ + name; }

  // Writes `bytes` to the file `name` in the test's directory; returns its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream f(path(name), std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(f.good()) << name;
    return path(name);
  }
  std::string write_matrix(const std::string& name, MatrixView<const double> A) const {
    return write(name, io::encode_matrix(A, io::format_from_path(name)));
  }

  // Runs stela with `args`; standard input from `stdin_path` (default: empty).
  Output run(const std::vector<std::string>& args, const std::string& stdin_path = "") {
    return run_program(STELA_CLI_PATH, args, stdin_path, path("run" + std::to_string(runs_++)));
  }

  // Runs with --json appended; expects exit 0 and one valid JSON object with
  // "status": "ok".
  JsonValue run_json(std::vector<std::string> args) {
    args.push_back("--json");
    const Output o = run(args);
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.err, "");
    JsonValue v = parse_json(o.out);
    EXPECT_EQ(v.kind, JsonValue::object) << o.out;
    EXPECT_EQ(text_of(at(v, "status")), "ok");
    return v;
  }

  // Expects the exit status and every part in standard error.
  void expect_failure(const std::vector<std::string>& args, int code, const std::vector<std::string>& parts,
                      const std::string& stdin_path = "") {
    std::string line = "stela";
    for (const auto& a : args) line += " " + a;
    SCOPED_TRACE(line);
    const Output o = run(args, stdin_path);
    EXPECT_EQ(o.code, code) << o.err;
    for (const auto& part : parts) EXPECT_TRUE(contains(o.err, part)) << "missing '" << part << "' in:\n" << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << "one line of message:\n" << o.err;
  }

 private:
  std::string dir_;
  int runs_ = 0;
};

// A small full-rank problem with a known answer: X = [[1,0],[0,1],[1,1]], y = [1,2,4];
// X^T X = [[2,1],[1,2]], X^T y = [5,6], w = [4/3, 7/3], r = [-1,-1,1]/3.
const Matrix<double> kX{{1, 0}, {0, 1}, {1, 1}};
const Matrix<double> ky{{1}, {2}, {4}};
const double kW[2] = {4.0 / 3, 7.0 / 3};
const double kResidual = 1 / std::sqrt(3.0);
// The rank-deficient example of DESIGN.md: rank 2, minimum-norm solution [0.75, 0.25, -4].
const Matrix<double> kXr{{3, 1, 0}, {6, 2, 1}, {3, 1, 0}};
const Matrix<double> kyr{{2}, {1}, {3}};

// ---------------------------------------------------------------------------------------
// Help, and usage errors

TEST_F(Cli, HelpListsEveryCommandAndEveryCommandHasHelp) {
  const char* commands[] = {"demo", "lstsq", "pinv", "svd", "qr", "null", "rank", "cond", "ridge", "compare", "stability"};
  const Output help = run({"--help"});
  EXPECT_EQ(help.code, 0);
  for (const char* c : commands) {
    EXPECT_TRUE(contains(help.out, std::string("\n  ") + c + " ")) << c;
    const Output h = run({c, "--help"});
    EXPECT_EQ(h.code, 0) << c;
    EXPECT_EQ(h.out.rfind(std::string("usage: stela ") + c, 0), 0u) << h.out;
    EXPECT_TRUE(contains(h.out, "--help")) << c;
    EXPECT_EQ(run({"help", c}).out, h.out) << c;
  }
  const Output none = run({});
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(contains(none.err, "usage: stela COMMAND"));
  const Output version = run({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind("stela ", 0), 0u);
}

TEST_F(Cli, UnknownCommandsOptionsAndMethodsListTheValidChoices) {
  const std::string X = write_matrix("X.txt", kX), y = write_matrix("y.txt", ky);
  expect_failure({"solve", X, y}, 2, {"unknown command 'solve'", "lstsq", "stability"});
  expect_failure({"lstsq", X, y, "--methd", "qr"}, 2, {"unknown option '--methd'", "--method", "--rcond", "--json"});
  expect_failure({"lstsq", X, y, "-m", "qr"}, 2, {"unknown option '-m'"});
  expect_failure({"lstsq", X, y, "--method", "cholesky"}, 2,
                 {"unknown value 'cholesky' for --method", "svd, jacobi, qr, qrcp, normal-cholesky, normal-lu"});
  expect_failure({"svd", X, "--method", "qr"}, 2, {"golub-kahan, jacobi"});
  expect_failure({"ridge", X, y, "--lambda", "1", "--method", "lu"}, 2, {"svd, cholesky, augmented-qr"});
  expect_failure({"ridge", X, y, "--lambdas", "1,2", "--cv", "kfold"}, 2, {"gcv, loo"});
  expect_failure({"null", X, "--method", "qr"}, 2, {"svd, cod"});
  expect_failure({"stability", "--type", "gaussian"}, 2,
                 {"unknown value 'gaussian' for --type", "geometric, arithmetic, one-large, one-small, log-uniform"});
  expect_failure({"stability", "--methods", "svd,foo"}, 2, {"unknown value 'foo' for --methods"});
  expect_failure({"lstsq", X, y, "--format", "xls"}, 2, {"--format", "npy"});
  expect_failure({"lstsq", X}, 2, {"needs 2 operands (X Y), got 1"});
  expect_failure({"rank", X, y}, 2, {"needs 1 operand (A), got 2"});
  expect_failure({"lstsq", X, y, "--rcond"}, 2, {"--rcond needs a value"});
  expect_failure({"lstsq", X, y, "--rcond", "abc"}, 2, {"--rcond needs a finite number, got 'abc'"});
  expect_failure({"lstsq", X, y, "--rcond", "-1"}, 2, {"--rcond must be non-negative"});
  expect_failure({"lstsq", X, y, "--json", "--json"}, 2, {"--json given twice"});
  expect_failure({"lstsq", X, y, "--json=yes"}, 2, {"--json takes no value"});
  expect_failure({"demo", "extra"}, 2, {"'demo' takes no operands"});
  // Underscores and capitals name the same method; --name=value works.
  EXPECT_EQ(run({"lstsq", X, y, "--method=Normal_LU"}).code, 0);
}

// ---------------------------------------------------------------------------------------
// lstsq

TEST_F(Cli, LstsqSolvesByEveryMethodInTextAndJson) {
  const std::string X = write_matrix("X.txt", kX), y = write_matrix("y.txt", ky);
  for (const char* method : kLstsqMethodNames) {
    SCOPED_TRACE(method);
    for (bool single : {false, true}) {
      std::vector<std::string> args{"lstsq", X, y, "--method", method};
      if (single) args.push_back("--float");
      const double tol = single ? kFloatTol : kTol;
      const JsonValue v = run_json(args);
      const std::vector<double> w = numbers(at(v, "solution"));
      ASSERT_EQ(w.size(), 2u);
      EXPECT_NEAR(w[0], kW[0], tol * 4);
      EXPECT_NEAR(w[1], kW[1], tol * 4);
      EXPECT_NEAR(number(at(v, "residual_norm")), kResidual, tol);
      EXPECT_EQ(number(at(v, "rank")), 2);
      EXPECT_EQ(text_of(at(v, "method")), method);
      const bool has_values = std::string(method) == "svd" || std::string(method) == "jacobi";
      ASSERT_EQ(member(v, "singular_values") != nullptr, has_values);
      if (has_values) {
        const std::vector<double> s = numbers(at(v, "singular_values"));
        ASSERT_EQ(s.size(), 2u);
        EXPECT_NEAR(s[0], std::sqrt(3.0), tol * 2);
        EXPECT_NEAR(s[1], 1.0, tol * 2);
      }
    }
    const Output text = run({"lstsq", X, y, "--method", method});
    EXPECT_EQ(text.code, 0) << text.err;
    EXPECT_TRUE(contains(text.out, std::string("by ") + method));
    EXPECT_TRUE(contains(text.out, "X                     3 x 2"));
    EXPECT_TRUE(contains(text.out, "solution W (2 x 1):"));
    EXPECT_TRUE(contains(text.out, "1.33333"));
    EXPECT_TRUE(contains(text.out, "2.33333"));
    EXPECT_TRUE(contains(text.out, "residual norm         0.57735"));
  }
}

// Issue 12: --refine and --equilibrate by every method, double and float, with the
// report's fields in the JSON. --refine equilibrates unless --no-equilibrate.
TEST_F(Cli, LstsqRefinesAndEquilibratesByEveryMethod) {
  const std::string X = write_matrix("X.txt", kX), y = write_matrix("y.txt", ky);
  for (const char* method : kLstsqMethodNames)
    for (bool single : {false, true})
      for (std::string flag : {"", "--equilibrate", "--no-equilibrate"}) {
        SCOPED_TRACE(std::string(method) + (single ? " float " : " ") + flag);
        const bool equilibrate = flag != "--no-equilibrate";
        std::vector<std::string> args{"lstsq", X, y, "--method", method, "--refine"};
        if (single) args.push_back("--float");
        if (!flag.empty()) args.push_back(flag);
        const JsonValue v = run_json(args);
        const std::vector<double> w = numbers(at(v, "solution"));
        ASSERT_EQ(w.size(), 2u);
        const double tol = single ? kFloatTol : kTol;
        EXPECT_NEAR(w[0], kW[0], tol * 4);
        EXPECT_NEAR(w[1], kW[1], tol * 4);
        EXPECT_EQ(at(v, "equilibrated").kind, JsonValue::boolean);
        EXPECT_EQ(at(v, "equilibrated").flag, equilibrate);
        const JsonValue& refinement = at(v, "refinement");
        EXPECT_GE(number(at(refinement, "steps")), 1);
        const std::string stop = text_of(at(refinement, "stop"));
        EXPECT_TRUE(stop == "converged" || stop == "stagnated" || stop == "step_limit") << stop;
        EXPECT_EQ(number(at(v, "forward_error")), number(at(refinement, "bound_normwise")));
      }
  const Output text = run({"lstsq", X, y, "--refine", "--equilibrate"});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "equilibrated          yes"));
  EXPECT_TRUE(contains(text.out, "refinement            "));
  EXPECT_FALSE(at(run_json({"lstsq", X, y}), "equilibrated").flag);
  EXPECT_TRUE(at(run_json({"lstsq", X, y, "--equilibrate"}), "equilibrated").flag);
  const Output both = run({"lstsq", X, y, "--equilibrate", "--no-equilibrate"});
  EXPECT_EQ(both.code, 2);  // usage
  EXPECT_TRUE(contains(both.err, "contradict")) << both.err;
}

TEST_F(Cli, LstsqTakesSeveralRightHandSidesAndARowVector) {
  const std::string X = write_matrix("X.txt", kX);
  const std::string Y = write_matrix("Y.txt", Matrix<double>{{1, 1}, {2, 0}, {4, 1}});
  const JsonValue v = run_json({"lstsq", X, Y});
  const Matrix<double> W = rows_of(at(v, "solution"));  // d x k as rows
  ASSERT_EQ(W.rows(), 2);
  ASSERT_EQ(W.cols(), 2);
  EXPECT_NEAR(W(0, 0), kW[0], 4 * kTol);
  EXPECT_NEAR(W(1, 0), kW[1], 4 * kTol);
  // Second column: X^T y = [2, 1], w = (1/3) [[2,-1],[-1,2]] [2, 1] = [1, 0].
  EXPECT_NEAR(W(0, 1), 1.0, 4 * kTol);
  EXPECT_NEAR(W(1, 1), 0.0, 4 * kTol);
  const std::vector<double> res = numbers(at(v, "residual_norm"));
  ASSERT_EQ(res.size(), 2u);
  EXPECT_NEAR(res[0], kResidual, kTol);
  EXPECT_NEAR(res[1], 0.0, kTol);

  const std::string row = write("y_row.txt", "1 2 4\n");
  const std::vector<double> w = numbers(at(run_json({"lstsq", X, row}), "solution"));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NEAR(w[0], kW[0], 4 * kTol);
  EXPECT_NEAR(w[1], kW[1], 4 * kTol);
}

TEST_F(Cli, LstsqGivesTheMinimumNormSolutionAndQrRefusesRankDeficiency) {
  const std::string X = write_matrix("X.txt", kXr), y = write_matrix("y.txt", kyr);
  for (const char* method : {"svd", "jacobi", "qrcp"}) {
    SCOPED_TRACE(method);
    const JsonValue v = run_json({"lstsq", X, y, "--method", method});
    const std::vector<double> w = numbers(at(v, "solution"));
    ASSERT_EQ(w.size(), 3u);
    EXPECT_NEAR(w[0], 0.75, 100 * kTol);
    EXPECT_NEAR(w[1], 0.25, 100 * kTol);
    EXPECT_NEAR(w[2], -4.0, 100 * kTol);
    EXPECT_EQ(number(at(v, "rank")), 2);
  }
  // qr: exit 3 naming the status; with --json also the status on standard output.
  expect_failure({"lstsq", X, y, "--method", "qr"}, 3, {"stela lstsq: rank_deficient:", "qrcp"});
  const Output o = run({"lstsq", X, y, "--method", "qr", "--json"});
  EXPECT_EQ(o.code, 3);
  const JsonValue v = parse_json(o.out);
  EXPECT_EQ(text_of(at(v, "status")), "rank_deficient");
  // A large --rcond lowers the rank: the singular values of kXr are about 8.6 and 0.6.
  EXPECT_EQ(number(at(run_json({"lstsq", X, y, "--rcond", "0.5"}), "rank")), 1);
}

// ---------------------------------------------------------------------------------------
// pinv, svd, qr, null, rank, cond

TEST_F(Cli, PinvSatisfiesThePenroseConditionsAndGivesTheRank) {
  const Matrix<double> A{{1, 2}, {3, 4}, {5, 6}};
  const std::string a = write_matrix("A.txt", A);
  const JsonValue v = run_json({"pinv", a});
  const Matrix<double> P = rows_of(at(v, "pinv"));
  ASSERT_EQ(P.rows(), 2);
  ASSERT_EQ(P.cols(), 3);
  EXPECT_EQ(number(at(v, "rank")), 2);
  EXPECT_LE(max_abs_diff<double>(multiply<double>(multiply<double>(A, P), A), A), 100 * kTol);  // A A+ A = A
  EXPECT_LE(max_abs_diff<double>(multiply<double>(multiply<double>(P, A), P), P), 100 * kTol);  // A+ A A+ = A+
  // --output writes pinv(A); the text output states the shapes.
  const Output text = run({"pinv", a, "--output", path("P.npy")});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "pinv(A) (2 x 3):"));
  io::Expected<Matrix<double>> written = io::read_matrix(path("P.npy"));
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(max_abs_diff<double>(*written, P), 0.0);
  EXPECT_EQ(number(at(run_json({"pinv", write_matrix("Xr.txt", kXr)}), "rank")), 2);
}

TEST_F(Cli, SvdGivesValuesAndVectorsByBothMethods) {
  const Matrix<double> A{{2, 0}, {0, -3}, {0, 0}};
  const std::string a = write_matrix("A.mtx", A);
  for (const char* method : {"golub-kahan", "jacobi"}) {
    SCOPED_TRACE(method);
    const JsonValue v = run_json({"svd", a, "--method", method});
    EXPECT_EQ(text_of(at(v, "method")), method);
    const std::vector<double> s = numbers(at(v, "singular_values"));
    ASSERT_EQ(s.size(), 2u);
    EXPECT_NEAR(s[0], 3, kTol * 3);
    EXPECT_NEAR(s[1], 2, kTol * 3);
    const Matrix<double> U = rows_of(at(v, "U")), V = rows_of(at(v, "V"));
    ASSERT_EQ(U.rows(), 3);
    ASSERT_EQ(U.cols(), 2);
    ASSERT_EQ(V.rows(), 2);
    ASSERT_EQ(V.cols(), 2);
    // U diag(s) V^T = A.
    Matrix<double> US(U);
    for (index j = 0; j < 2; ++j) scal(s[static_cast<std::size_t>(j)], US.col(j));
    Matrix<double> USVt(3, 2);
    ASSERT_EQ(gemm(Op::none, Op::transpose, 1.0, MatrixView<const double>(US), MatrixView<const double>(V), 0.0,
                   USVt.view()),
              Status::ok);
    EXPECT_LE(max_abs_diff<double>(USVt, A), 10 * kTol);
    const JsonValue values = run_json({"svd", a, "--method", method, "--values-only"});
    EXPECT_EQ(member(values, "U"), nullptr);
    EXPECT_EQ(member(values, "V"), nullptr);
    EXPECT_EQ(numbers(at(values, "singular_values")), s);  // the same arithmetic on s
  }
  const Output text = run({"svd", a, "--output", path("s.txt")});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "singular values s (2):"));
  EXPECT_TRUE(contains(text.out, "U (3 x 2):"));
  EXPECT_TRUE(contains(text.out, "V (not transposed) (2 x 2):"));
  EXPECT_EQ(slurp(path("s.txt")), "3\n2\n");
}

TEST_F(Cli, QrFactorsPlainAndPivoted) {
  const Matrix<double> A{{1, 2}, {3, 4}, {5, 6}};
  const std::string a = write_matrix("A.txt", A);
  const JsonValue v = run_json({"qr", a});
  const Matrix<double> Q = rows_of(at(v, "Q")), R = rows_of(at(v, "R"));
  ASSERT_EQ(Q.rows(), 3);
  ASSERT_EQ(Q.cols(), 2);
  ASSERT_EQ(R.rows(), 2);
  ASSERT_EQ(R.cols(), 2);
  EXPECT_EQ(R(1, 0), 0.0);
  EXPECT_LE(max_abs_diff<double>(multiply<double>(Q, R), A), 100 * kTol);
  EXPECT_LT(orthogonality_ratio<double>(Q), kThreshold);
  EXPECT_EQ(member(v, "permutation"), nullptr);

  const JsonValue p = run_json({"qr", a, "--pivoted"});
  const std::vector<double> perm = numbers(at(p, "permutation"));
  EXPECT_EQ(perm, (std::vector<double>{1, 0}));  // column 2 has the larger norm
  EXPECT_EQ(number(at(p, "rank")), 2);
  const Matrix<double> AP{{2, 1}, {4, 3}, {6, 5}};
  EXPECT_LE(max_abs_diff<double>(multiply<double>(rows_of(at(p, "Q")), rows_of(at(p, "R"))), AP), 100 * kTol);
  EXPECT_EQ(number(at(run_json({"qr", write_matrix("Xr.txt", kXr), "--pivoted"}), "rank")), 2);
  expect_failure({"qr", a, "--rcond", "0.1"}, 2, {"--rcond needs --pivoted"});
  const Output text = run({"qr", a, "--pivoted"});
  EXPECT_TRUE(contains(text.out, "Q (3 x 2):"));
  EXPECT_TRUE(contains(text.out, "R (2 x 2):"));
  EXPECT_TRUE(contains(text.out, "rank                  2"));
}

TEST_F(Cli, NullSpaceOfTheRankDeficientExample) {
  const std::string X = write_matrix("X.txt", kXr);
  for (const char* method : {"svd", "cod"}) {
    SCOPED_TRACE(method);
    const JsonValue v = run_json({"null", X, "--method", method});
    const Matrix<double> N = rows_of(at(v, "null_space"));
    ASSERT_EQ(N.rows(), 3);
    ASSERT_EQ(N.cols(), 1);
    EXPECT_EQ(number(at(v, "rank")), 2);
    const double sign = N(0, 0) > 0 ? 1 : -1;
    EXPECT_NEAR(sign * N(0, 0), 1 / std::sqrt(10.0), 100 * kTol);
    EXPECT_NEAR(sign * N(1, 0), -3 / std::sqrt(10.0), 100 * kTol);
    EXPECT_NEAR(N(2, 0), 0.0, 100 * kTol);
  }
  // Full column rank: an empty basis.
  const JsonValue full = run_json({"null", write_matrix("A.txt", kX)});
  // 2 x 0: two empty rows.
  const JsonValue& empty = at(full, "null_space");
  ASSERT_EQ(empty.items.size(), 2u);
  EXPECT_TRUE(empty.items[0].items.empty());
  EXPECT_TRUE(empty.items[1].items.empty());
  EXPECT_EQ(number(at(full, "rank")), 2);
  const Output text = run({"null", X});
  EXPECT_TRUE(contains(text.out, "dimension             1"));
  EXPECT_TRUE(contains(text.out, "(3 x 1):"));
}

TEST_F(Cli, RankAndConditionNumber) {
  const std::string D = write_matrix("D.txt", Matrix<double>{{1, 0}, {0, 1e-3}});
  EXPECT_EQ(number(at(run_json({"rank", D}), "rank")), 2);
  EXPECT_EQ(number(at(run_json({"rank", D, "--rcond", "1e-2"}), "rank")), 1);
  EXPECT_NEAR(number(at(run_json({"cond", D}), "cond")), 1e3, 1e3 * kTol);
  EXPECT_NEAR(number(at(run_json({"cond", D, "--float"}), "cond")), 1e3, 1e3 * kFloatTol);
  // Exactly singular with a zero row, which every reflector and rotation keeps exactly
  // zero: s_min = 0 under any contraction, cond is infinite, null in JSON ("inf" in text).
  const std::string Z = write_matrix("Z.txt", Matrix<double>{{1, 2}, {0, 0}});
  EXPECT_EQ(at(run_json({"cond", Z}), "cond").kind, JsonValue::null);
  EXPECT_TRUE(contains(run({"cond", Z}).out, "inf"));
  // Exactly singular and dense: whether s_min comes out exactly 0 is up to rounding. The
  // reflector taking (1, 1) to (-sqrt(2), 0), applied to the identical second column,
  // leaves r_22 = 0 when every product is rounded, and about 5e-17 when the update
  // 1 - (tau w) v is fused; both are backward stable (s_min <= c eps ||A||), so cond is
  // infinite or at least 1 / (30 eps). The rank is 1 either way.
  const std::string S = write_matrix("S.txt", Matrix<double>{{1, 1}, {1, 1}});
  const JsonValue singular = run_json({"cond", S});
  const JsonValue& cond_s = at(singular, "cond");
  if (cond_s.kind == JsonValue::null) {
    EXPECT_TRUE(contains(run({"cond", S}).out, "inf"));
  } else {
    EXPECT_GE(number(cond_s), 1 / (30 * std::numeric_limits<double>::epsilon()));
  }
  EXPECT_TRUE(contains(run({"rank", S}).out, "rank                  1"));
}

// ---------------------------------------------------------------------------------------
// ridge, compare

TEST_F(Cli, RidgeForOneLambdaByEveryMethodAndByCrossValidation) {
  // X^T X = I, so W = X^T y / (1 + lambda) = [2, 4] / (1 + lambda).
  const std::string X = write_matrix("X.txt", Matrix<double>{{1, 0}, {0, 1}, {0, 0}});
  const std::string y = write_matrix("y.txt", Matrix<double>{{2}, {4}, {1}});
  for (const char* method : {"svd", "cholesky", "augmented-qr"}) {
    SCOPED_TRACE(method);
    const JsonValue v = run_json({"ridge", X, y, "--lambda", "1", "--method", method});
    EXPECT_EQ(number(at(v, "lambda")), 1);
    EXPECT_EQ(text_of(at(v, "method")), method);
    const std::vector<double> w = numbers(at(v, "solution"));
    ASSERT_EQ(w.size(), 2u);
    EXPECT_NEAR(w[0], 1, 8 * kTol);
    EXPECT_NEAR(w[1], 2, 8 * kTol);
  }
  for (const char* cv : {"gcv", "loo"}) {
    SCOPED_TRACE(cv);
    const JsonValue v = run_json({"ridge", X, y, "--lambdas", "0.01,0.1,1,10", "--cv", cv});
    EXPECT_EQ(numbers(at(v, "lambdas")), (std::vector<double>{0.01, 0.1, 1, 10}));
    const std::vector<double> scores = numbers(at(v, "scores"));
    ASSERT_EQ(scores.size(), 4u);
    const double best = number(at(v, "best_lambda"));
    std::size_t k = 0;
    while (k < 4 && std::vector<double>{0.01, 0.1, 1, 10}[k] != best) ++k;
    ASSERT_LT(k, 4u) << best;
    for (double s : scores) EXPECT_GE(s, scores[k]);
    const std::vector<double> w = numbers(at(v, "solution"));
    ASSERT_EQ(w.size(), 2u);
    EXPECT_NEAR(w[0], 2 / (1 + best), 8 * kTol);
    EXPECT_NEAR(w[1], 4 / (1 + best), 8 * kTol);
    EXPECT_EQ(text_of(at(v, "criterion")), cv);
  }
  const JsonValue with_intercept = run_json({"ridge", X, y, "--lambda", "0.5", "--intercept"});
  EXPECT_EQ(at(with_intercept, "intercept").kind, JsonValue::number);
  const Output text = run({"ridge", X, y, "--lambdas", "0.1,1"});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "best lambda"));
  EXPECT_TRUE(contains(text.out, "solution W at the best lambda (2 x 1):"));

  // Only cholesky has a form to choose; svd and augmented-qr say nothing about one.
  EXPECT_EQ(member(run_json({"ridge", X, y, "--lambda", "1"}), "form"), nullptr);
  EXPECT_EQ(member(run_json({"ridge", X, y, "--lambda", "1", "--method", "augmented-qr"}), "form"), nullptr);

  expect_failure({"ridge", X, y, "--lambda", "-1"}, 2, {"--lambda must be non-negative, got -1"});
  expect_failure({"ridge", X, y, "--lambdas", "1,-2"}, 2, {"--lambdas must be non-negative"});
  expect_failure({"ridge", X, y, "--lambdas", "1,,2"}, 2, {"--lambdas needs comma-separated finite numbers"});
  expect_failure({"ridge", X, y}, 2, {"exactly one of --lambda"});
  expect_failure({"ridge", X, y, "--lambda", "1", "--lambdas", "1,2"}, 2, {"exactly one of --lambda"});
  expect_failure({"ridge", X, y, "--lambda", "1", "--cv", "gcv"}, 2, {"--cv needs --lambdas"});
}

// Regression (issue 7, after issue 6: "say which is chosen and why"): ridge by
// cholesky reports the primal or dual form and the reason, and ridge's failures
// recommend ridge methods, not lstsq ones.
TEST_F(Cli, RidgeCholeskySaysWhichFormAndWhyAndHintsNameRidgeMethods) {
  // Tall (n = 3 > d = 2): primal. Wide (n = 2 < d = 4): dual.
  const std::string tall = write_matrix("tall.txt", kX), y3 = write_matrix("y3.txt", ky);
  const std::string wide = write_matrix("wide.txt", Matrix<double>{{1, 2, 3, 4}, {5, 6, 7, 9}});
  const std::string y2 = write_matrix("y2.txt", Matrix<double>{{1}, {2}});
  const JsonValue primal = run_json({"ridge", tall, y3, "--lambda", "0.5", "--method", "cholesky"});
  EXPECT_EQ(text_of(at(primal, "form")), "primal");
  EXPECT_TRUE(contains(text_of(at(primal, "form_reason")), "d = 2 <= n = 3")) << text_of(at(primal, "form_reason"));
  EXPECT_TRUE(contains(text_of(at(primal, "form_reason")), "(X^T X + lambda I) W = X^T Y, 2 x 2"));
  const JsonValue dual = run_json({"ridge", wide, y2, "--lambda", "0.5", "--method", "cholesky"});
  EXPECT_EQ(text_of(at(dual, "form")), "dual");
  EXPECT_TRUE(contains(text_of(at(dual, "form_reason")), "d = 4 > n = 2")) << text_of(at(dual, "form_reason"));
  EXPECT_TRUE(contains(text_of(at(dual, "form_reason")), "(X X^T + lambda I) Z = Y, 2 x 2"));
  // Both forms give the ridge solution: the same W as the svd method.
  const std::vector<double> w_dual = numbers(at(dual, "solution"));
  const std::vector<double> w_svd = numbers(at(run_json({"ridge", wide, y2, "--lambda", "0.5"}), "solution"));
  ASSERT_EQ(w_dual.size(), 4u);
  ASSERT_EQ(w_svd.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(w_dual[i], w_svd[i], 1e3 * kTol) << i;
  const Output text = run({"ridge", wide, y2, "--lambda", "0.5", "--method", "cholesky"});
  EXPECT_EQ(text.code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "\nform                  dual: d = 4 > n = 2")) << text.out;
  EXPECT_TRUE(contains(run({"ridge", tall, y3, "--lambda", "0.5", "--method", "cholesky"}).out,
                       "\nform                  primal: d = 2 <= n = 3"));

  // Failures: X = [1 1] three times has rank 1, so lambda = 0 leaves X^T X singular
  // (cholesky) and the augmented matrix rank-deficient (augmented-qr).
  const std::string rank1 = write_matrix("rank1.txt", Matrix<double>{{1, 1}, {1, 1}, {1, 1}});
  const Output chol = run({"ridge", rank1, y3, "--lambda", "0", "--method", "cholesky"});
  EXPECT_EQ(chol.code, 3);
  EXPECT_TRUE(contains(chol.err, "stela ridge: not_positive_definite: ridge by cholesky")) << chol.err;
  EXPECT_TRUE(contains(chol.err, "use --method svd or augmented-qr")) << chol.err;
  const Output qr = run({"ridge", rank1, y3, "--lambda", "0", "--method", "augmented-qr"});
  EXPECT_EQ(qr.code, 3);
  EXPECT_TRUE(contains(qr.err, "stela ridge: rank_deficient: ridge by augmented-qr")) << qr.err;
  EXPECT_TRUE(contains(qr.err, "use --method svd")) << qr.err;
  for (const Output* o : {&chol, &qr})
    for (const char* lstsq_only : {"qrcp", "jacobi", "normal", ", qr or"})
      EXPECT_FALSE(contains(o->err, lstsq_only)) << o->err;
  // The svd method takes the same problem (minimum norm at lambda = 0).
  EXPECT_EQ(run({"ridge", rank1, y3, "--lambda", "0"}).code, 0);
  // --lambdas scores from one SVD: another --method is refused, not silently ignored.
  expect_failure({"ridge", tall, y3, "--lambdas", "0.1,1", "--method", "cholesky"}, 2,
                 {"--method cholesky applies to --lambda only"});
  EXPECT_EQ(run({"ridge", tall, y3, "--lambdas", "0.1,1", "--method", "svd"}).code, 0);
}

TEST_F(Cli, CompareRunsEveryMethodSideBySide) {
  const std::string X = write_matrix("X.txt", kX), y = write_matrix("y.txt", ky);
  const JsonValue v = run_json({"compare", X, y});
  EXPECT_NEAR(number(at(v, "cond")), std::sqrt(3.0), 4 * kTol);
  EXPECT_EQ(at(v, "condition_warning").kind, JsonValue::boolean);
  const JsonValue& methods = at(v, "methods");
  ASSERT_EQ(methods.items.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    const JsonValue& m = methods.items[i];
    SCOPED_TRACE(kLstsqMethodNames[i]);
    EXPECT_EQ(text_of(at(m, "method")), kLstsqMethodNames[i]);
    EXPECT_EQ(text_of(at(m, "status")), "ok");
    EXPECT_EQ(numbers(at(m, "solution")).size(), 2u);
    EXPECT_NEAR(number(at(m, "residual_norm")), kResidual, kTol);
    EXPECT_LE(number(at(m, "xtr_norm")), 10 * kTol);
    EXPECT_LE(number(at(m, "disagreement")), 10 * kTol);
  }
  const Output text = run({"compare", X, y});
  EXPECT_EQ(text.code, 0);
  for (const char* name : kLstsqMethodNames) EXPECT_TRUE(contains(text.out, name)) << name;
  EXPECT_TRUE(contains(text.out, "||X^T r||"));
  expect_failure({"compare", X, write_matrix("Y.txt", Matrix<double>{{1, 1}, {2, 0}, {4, 1}})}, 2,
                 {"dimension_mismatch: compare takes one right-hand side", "3 x 2"});
  // An ill-conditioned X is warned about.
  const std::string ill = write_matrix("ill.txt", Matrix<double>{{1, 1}, {1, 1 + 1e-10}, {1, 1 - 1e-10}});
  const Output warned = run({"compare", ill, y});
  EXPECT_EQ(warned.code, 0) << warned.err;
  EXPECT_TRUE(contains(warned.out, "warning: cond(X) > 1e+08"));
}

// ---------------------------------------------------------------------------------------
// File formats

// A handmade .npy: version 1.0, `descr`, Fortran or C order, shape text, raw data.
template <class T>
std::string raw(std::initializer_list<T> values) {
  std::string out;
  for (T v : values) out.append(reinterpret_cast<const char*>(&v), sizeof v);  // little-endian hosts
  return out;
}

TEST_F(Cli, EveryFormatReadsAndWritesBackExactly) {
  Rng rng(11);
  Matrix<double> X(7, 3), y(7, 1);
  fill_gaussian(rng, X.view());
  fill_gaussian(rng, y.view());
  const JsonValue reference = run_json({"lstsq", write_matrix("X.txt", X), write_matrix("y.txt", y)});
  const std::vector<double> w = numbers(at(reference, "solution"));
  ASSERT_EQ(w.size(), 3u);
  for (const char* ext : {"txt", "csv", "mtx", "npy"}) {
    SCOPED_TRACE(ext);
    std::string x_path = write_matrix(std::string("X.") + ext, X);
    if (std::string(ext) == "csv") {
      // numpy.savetxt(delimiter=',') with a header comment.
      std::string csv = "# X, 7 x 3\n";
      for (index i = 0; i < 7; ++i) {
        std::string line;
        for (index j = 0; j < 3; ++j) {
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", X(i, j));
          line += (j ? "," : "") + std::string(buf);
        }
        csv += line + "\n";
      }
      x_path = write("X.csv", csv);
    }
    const std::string y_path = write_matrix(std::string("y.") + ext, y);
    const std::string out = path(std::string("W.out.") + ext);
    const JsonValue v = run_json({"lstsq", x_path, y_path, "--output", out});
    EXPECT_EQ(numbers(at(v, "solution")), w);  // the same bits whatever the format
    io::Expected<Matrix<double>> W = io::read_matrix(out);
    ASSERT_TRUE(W.ok()) << W.error().message;
    ASSERT_EQ(W->rows(), 3);
    ASSERT_EQ(W->cols(), 1);
    for (index i = 0; i < 3; ++i) EXPECT_EQ((*W)(i, 0), w[static_cast<std::size_t>(i)]);
  }
  // .npy in Fortran order, and float32, 1-D.
  const Matrix<double> A{{1, 2}, {3, 4}, {5, 7}};
  const std::string fortran = write("A_f.npy", npy("<f8", true, "(3, 2)", raw<double>({1, 3, 5, 2, 4, 7})));
  const std::string c_order = write("A_c.npy", npy("<f8", false, "(3, 2)", raw<double>({1, 2, 3, 4, 5, 7})));
  const std::string y32 = write("y32.npy", npy("<f4", false, "(3,)", raw<float>({1, 2, 4})));
  const std::vector<double> wf = numbers(at(run_json({"lstsq", fortran, y32}), "solution"));
  const std::vector<double> wc = numbers(at(run_json({"lstsq", c_order, y32}), "solution"));
  EXPECT_EQ(wf, wc);
  EXPECT_EQ(
      max_abs_diff<double>(rows_of(at(run_json({"qr", fortran}), "R")), rows_of(at(run_json({"qr", c_order}), "R"))),
      0.0);
  // Standard input: text or .npy, recognised by its signature; '-' only once.
  const Output from_stdin = run({"rank", "-", "--json"}, fortran);
  EXPECT_EQ(from_stdin.code, 0) << from_stdin.err;
  EXPECT_EQ(number(at(parse_json(from_stdin.out), "rank")), 2);
  EXPECT_EQ(run({"lstsq", "-", y32}, write_matrix("A.txt", A)).code, 0);
  expect_failure({"lstsq", "-", "-"}, 2, {"standard input ('-') can be read only once"}, fortran);
  // --format overrides the extension.
  const std::string disguised = write("A.dat", slurp(fortran));
  EXPECT_EQ(run({"rank", disguised, "--format", "npy"}).code, 0);
  expect_failure({"rank", disguised}, 2, {"A.dat: this is a NumPy .npy file, not text"});
  // --output to a directory that does not exist: exit 2, and no result on standard output.
  expect_failure({"lstsq", fortran, y32, "--output", path("no/such/dir/W.txt")}, 2, {"cannot open for writing"});
  EXPECT_EQ(run({"lstsq", fortran, y32, "--output", path("no/such/dir/W.txt")}).out, "");
}

// Regression (issue 7): with --json, failures of exit status 2 printed nothing on
// standard output; now every failure after the arguments are read is one JSON object
// with "status" and "message", and the message also goes to standard error.
TEST_F(Cli, JsonFailuresOfExitTwoAreOneJsonObjectToo) {
  const std::string X = write_matrix("X.txt", kX), y = write_matrix("y.txt", ky);
  struct Case {
    std::vector<std::string> args;
    const char* status;
    const char* message_part;
  };
  const Case cases[] = {
      {{"rank", path("nosuch.txt")}, "invalid_input", "nosuch.txt: cannot open"},
      {{"lstsq", X, write("junk.txt", "1 x\n")}, "invalid_input", "junk.txt: line 1, column 3: cannot read 'x'"},
      {{"lstsq", X, y, "--output", path("no/such/dir/W.npy")}, "output_error", "W.npy: cannot open for writing"},
      {{"lstsq", X, write("y4.txt", "1\n2\n3\n4\n")}, "dimension_mismatch", "X.txt has 3 rows"},
      {{"ridge", X, y, "--lambda", "-1"}, "usage_error", "--lambda must be non-negative"},
      {{"stability", "--out", write("file.txt", "x") + "/dir"}, "output_error", "cannot create the directory"},
      {{"lstsq", write("nan.txt", "1 0\nnan 1\n1 1\n"), y}, "not_finite", "nan.txt: row 2, column 1 is nan"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = c.args;
    args.push_back("--json");
    std::string line = "stela";
    for (const auto& a : args) line += " " + a;
    SCOPED_TRACE(line);
    const Output o = run(args);
    EXPECT_EQ(o.code, std::string(c.status) == "not_finite" ? 3 : 2) << o.err;
    const JsonValue v = parse_json(o.out);
    ASSERT_EQ(v.kind, JsonValue::object) << o.out;
    EXPECT_EQ(v.members.size(), 2u) << o.out;  // status and message, nothing else
    EXPECT_EQ(text_of(at(v, "status")), c.status);
    EXPECT_TRUE(contains(text_of(at(v, "message")), c.message_part)) << o.out;
    EXPECT_TRUE(contains(o.err, c.message_part)) << o.err;
    // Without --json, standard output stays empty.
    EXPECT_EQ(run(c.args).out, "");
  }
}

// ---------------------------------------------------------------------------------------
// Malformed input

TEST_F(Cli, MalformedInputIsExitTwoWithFileLineAndColumn) {
  const std::string y = write_matrix("y.txt", ky);
  expect_failure({"lstsq", write("ragged.txt", "1 2\n3\n4 5\n"), y}, 2,
                 {"ragged.txt: line 2, column 2: missing value (the row has 1 value, expected 2 as on line 1)"});
  expect_failure({"lstsq", write("junk.txt", "1 2\n3 abc\n4 5\n"), y}, 2,
                 {"junk.txt: line 2, column 3: cannot read 'abc' as a number"});
  expect_failure({"rank", write("empty.txt", "")}, 2, {"empty.txt", "empty"});
  expect_failure({"rank", write("comments.txt", "# nothing but a comment\n\n")}, 2, {"comments.txt: no numbers in the file"});
  expect_failure({"rank", path("missing.txt")}, 2, {"missing.txt: cannot open"});
  expect_failure({"rank", write("bad.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n")}, 2,
                 {"bad.mtx", "promises 4"});
  // .npy: truncated data, a lying header (no huge allocation: the run is instant),
  // a truncated header, a bad magic string, an unsupported dtype.
  expect_failure({"rank", write("short.npy", npy("<f8", false, "(3, 2)", raw<double>({1, 2})))}, 2,
                 {"short.npy", "truncated .npy data"});
  expect_failure({"rank", write("liar.npy", npy("<f8", false, "(1000000, 1000000)", raw<double>({1, 2})))}, 2,
                 {"liar.npy", "truncated .npy data: shape 1000000 x 1000000"});
  expect_failure({"rank", write("cut.npy", npy("<f8", false, "(1, 1)", raw<double>({1})).substr(0, 20))}, 2,
                 {"cut.npy", "truncated .npy header"});
  std::string magic = npy("<f8", false, "(1, 1)", raw<double>({1}));
  magic[1] = 'X';
  expect_failure({"rank", write("magic.npy", magic)}, 2, {"magic.npy", "not a .npy file"});
  expect_failure({"rank", write("complex.npy", npy("<c16", false, "(1, 1)", std::string(16, '\0')))}, 2,
                 {"complex.npy", "unsupported dtype '<c16'"});
  // Mismatched shapes: X has 3 rows, y 4 entries.
  expect_failure({"lstsq", write_matrix("X.txt", kX), write("y4.txt", "1\n2\n3\n4\n")}, 2,
                 {"dimension_mismatch", "X.txt has 3 rows", "y4.txt is 4 x 1"});
  expect_failure({"ridge", write_matrix("X2.txt", kX), write("y2.txt", "1 2\n"), "--lambda", "1"}, 2,
                 {"dimension_mismatch"});
}

TEST_F(Cli, NonFiniteDataIsExitThreeNamingNotFinite) {
  const std::string y = write_matrix("y.txt", ky);
  const std::string nan_x = write("nan.txt", "1 0\nnan 1\n1 1\n");
  expect_failure({"lstsq", nan_x, y}, 3, {"stela lstsq: not_finite:", "nan.txt: row 2, column 1 is nan"});
  expect_failure({"rank", write("inf.npy", npy("<f8", false, "(1, 2)", raw<double>({1, HUGE_VAL})))}, 3,
                 {"not_finite", "inf.npy: row 1, column 2 is inf"});
  expect_failure({"lstsq", write_matrix("X.txt", kX), write("yinf.txt", "1\n-inf\n2\n")}, 3, {"not_finite", "yinf.txt"});
  // Beyond the double range: the message quotes the token and says it overflows
  // (regression, issue 7: it said "is inf").
  expect_failure({"rank", write("huge.txt", "1 1e400\n2 3\n")}, 3,
                 {"stela rank: not_finite: ", "huge.txt: line 1, column 3: '1e400' overflows"});
  expect_failure({"rank", write("huge.mtx", "%%MatrixMarket matrix array real general\n1 1\n-2e308\n")}, 3,
                 {"not_finite", "huge.mtx: line 3, column 1: '-2e308' overflows"});
  // Finite in double, Inf in single precision.
  expect_failure({"cond", write("big.txt", "1e300 1\n1 1\n"), "--float"}, 3,
                 {"not_finite", "big.txt: row 1, column 1 is 1e+300, beyond single precision"});
  // With --json the status also comes as JSON on standard output.
  const Output o = run({"svd", nan_x, "--json"});
  EXPECT_EQ(o.code, 3);
  const JsonValue v = parse_json(o.out);
  EXPECT_EQ(text_of(at(v, "status")), "not_finite");
  EXPECT_TRUE(contains(text_of(at(v, "message")), "nan.txt"));
}

// ---------------------------------------------------------------------------------------
// The demo

TEST_F(Cli, DemoShowsTheWorkedExamplesDeterministically) {
  const Output first = run({"demo"});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.err, "");
  EXPECT_EQ(run({"demo"}).out, first.out);
  for (const char* heading : {"1. More unknowns than equations", "2. A rank-deficient system",
                              "3. The projection (hat) matrix", "4. Two ways to solve least squares",
                              "warning: cond(X) = 1.000e+10 > 1e8"})
    EXPECT_TRUE(contains(first.out, heading)) << heading;

  // Regression (issue 7): the demo's "Try:" commands name files that exist in the
  // source tree (it named X.txt and y.txt, which do not), and they run.
  const std::string src = std::string(STELA_SOURCE_DIR) + "/";
  for (const char* file : {"docs/examples/rank_deficient.txt", "docs/examples/X.npy", "docs/examples/y.npy"}) {
    EXPECT_TRUE(contains(first.out, file)) << file;
    EXPECT_TRUE(std::filesystem::exists(src + file)) << file;
  }
  EXPECT_TRUE(contains(first.out, "stela null docs/examples/rank_deficient.txt"));
  EXPECT_TRUE(contains(first.out, "stela compare docs/examples/X.npy docs/examples/y.npy"));
  EXPECT_FALSE(contains(first.out, "X.txt"));
  EXPECT_FALSE(contains(first.out, "y.txt"));
  EXPECT_EQ(run({"null", src + "docs/examples/rank_deficient.txt"}).code, 0);
  EXPECT_EQ(run({"compare", src + "docs/examples/X.npy", src + "docs/examples/y.npy"}).code, 0);

  const JsonValue v = run_json({"demo"});
  // 1. Minimum-norm interpolation; a null-space move changes weights, not predictions.
  const JsonValue& e1 = at(v, "overparameterised");
  EXPECT_EQ(number(at(e1, "rank")), 6);
  EXPECT_EQ(number(at(e1, "null_space_dimension")), 6);
  EXPECT_LE(number(at(e1, "residual_norm")), 1e3 * kEps);
  EXPECT_NEAR(number(at(e1, "weight_change")), 5, 100 * kEps);
  EXPECT_LE(number(at(e1, "prediction_change")), 1e3 * kEps);  // "~1e-14"
  EXPECT_GT(number(at(e1, "sigma_min")), 1e-2);
  EXPECT_LE(number(at(e1, "null_component")), 1e3 * kEps);
  EXPECT_LE(number(at(e1, "min_norm")), number(at(e1, "true_norm")));
  // 2. The line of solutions and its minimum-norm member.
  const JsonValue& e2 = at(v, "complete_solution");
  EXPECT_EQ(number(at(e2, "rank")), 2);
  const std::vector<double> n2 = numbers(at(e2, "null_space"));
  ASSERT_EQ(n2.size(), 3u);
  // [-1, 3, 0] / sqrt(10): the largest-magnitude entry positive, the sign every basis
  // stela prints has (subspace.hpp), so `stela null` on the same X prints the same vector.
  EXPECT_NEAR(n2[0], -1 / std::sqrt(10.0), 16 * kEps);
  EXPECT_NEAR(n2[1], 3 / std::sqrt(10.0), 16 * kEps);
  const std::vector<double> w0 = numbers(at(e2, "min_norm_solution"));
  ASSERT_EQ(w0.size(), 3u);
  EXPECT_NEAR(w0[0], 0.75, 100 * kEps);
  EXPECT_NEAR(w0[1], 0.25, 100 * kEps);
  EXPECT_NEAR(w0[2], -4, 100 * kEps);
  EXPECT_NEAR(number(at(e2, "min_norm_t")), 0.75, 100 * kEps);
  ASSERT_EQ(at(e2, "members").items.size(), 4u);  // t = -1, 0, 0.75, 2
  for (const JsonValue& m : at(e2, "members").items) {
    EXPECT_NEAR(number(at(m, "residual_norm")), std::sqrt(0.5), 100 * kEps);  // the same residual all along
    EXPECT_LE(number(at(m, "xtr_norm")), 100 * kEps);
    EXPECT_GE(number(at(m, "norm")), std::sqrt(0.75 * 0.75 + 0.25 * 0.25 + 16) - 100 * kEps);
  }
  // 3. The projection matrix and its properties.
  const JsonValue& e3 = at(v, "projection");
  const Matrix<double> P{{0.2, 0, 0.4}, {0, 1, 0}, {0.4, 0, 0.8}};
  EXPECT_LE(max_abs_diff<double>(rows_of(at(e3, "P")), P), 16 * kEps);
  const std::vector<double> Py = numbers(at(e3, "Py"));
  ASSERT_EQ(Py.size(), 3u);
  EXPECT_NEAR(Py[0], 1.4, 16 * kEps);
  EXPECT_NEAR(Py[1], 2, 16 * kEps);
  EXPECT_NEAR(Py[2], 2.8, 16 * kEps);
  for (const char* error : {"symmetry_error", "idempotency_error", "in_range_error"})
    EXPECT_LE(number(at(e3, error)), 16 * kEps) << error;
  EXPECT_LE(number(at(e3, "px_minus_x")), 1e3 * kEps);
  // 4. SVD against the normal equations: agreement when well conditioned, the warning
  // and a failure or large disagreement when not.
  const JsonValue& e4 = at(v, "normal_equations");
  ASSERT_EQ(e4.items.size(), 3u);
  EXPECT_FALSE(at(e4.items[0], "condition_warning").flag);
  EXPECT_EQ(text_of(at(at(e4.items[0], "normal-lu"), "status")), "ok");
  EXPECT_LE(number(at(at(e4.items[0], "normal-lu"), "disagreement")), 1e3 * kEps);
  EXPECT_GT(number(at(at(e4.items[1], "normal-lu"), "disagreement")), 1e6 * kEps);
  EXPECT_TRUE(at(e4.items[2], "condition_warning").flag);
  EXPECT_NEAR(number(at(e4.items[2], "cond")), 1e10, 1e10 * 1e-4);
  const JsonValue& ill_lu = at(e4.items[2], "normal-lu");
  if (text_of(at(ill_lu, "status")) == "ok") {
    EXPECT_GT(number(at(ill_lu, "disagreement")), 1e-3);
  }
  for (const JsonValue& c : e4.items) {
    EXPECT_EQ(text_of(at(at(c, "svd"), "status")), "ok");
    EXPECT_EQ(number(at(at(c, "svd"), "disagreement")), 0);
  }
}

// ---------------------------------------------------------------------------------------
// The stability sweep

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream s(line);
  while (std::getline(s, field, sep)) out.push_back(field);
  return out;
}

TEST_F(Cli, StabilitySweepWritesCsvAndPlotsAndSeparatesTheMethodsAtKappa1e8) {
  const std::string out_dir = path("sweep");
  std::filesystem::create_directories(out_dir);
  const Output o = run({"stability", "--out", out_dir});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "consistent problem (zero residual)"));
  EXPECT_TRUE(contains(o.out, "inconsistent problem, ||r|| / ||y|| = 0.0001"));
  EXPECT_TRUE(contains(o.out, "normal-cholesky failed (not_positive_definite)"));
  EXPECT_TRUE(contains(o.out, "wrote " + out_dir + "/stability.csv"));

  // The CSV: its columns, one row per problem, kappa and method.
  std::istringstream csv(slurp(out_dir + "/stability.csv"));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_EQ(line,
            "precision,type,rows,cols,problem,residual_ratio,kappa,method,forward_error,residual_error,optimality,"
            "error_estimate,seeds_ok,seeds_failed,status");
  int rows = 0, checked = 0;
  while (std::getline(csv, line)) {
    ++rows;
    const std::vector<std::string> f = split(line, ',');
    ASSERT_EQ(f.size(), 15u) << line;
    EXPECT_EQ(f[0], "double");
    EXPECT_EQ(f[1], "geometric");
    const double kappa = std::strtod(f[6].c_str(), nullptr);
    const double error = std::strtod(f[8].c_str(), nullptr);  // "nan" reads as NaN
    const std::string& method = f[7];
    if (f[4] != "consistent" || kappa != 1e8) continue;
    SCOPED_TRACE(line);
    ++checked;
    // Backward-stable methods keep about eps * kappa = 2e-8; the normal equations,
    // with eps * kappa^2 = 2, keep nothing or fail (a missing point, NaN).
    if (method == "svd" || method == "qr" || method == "qrcp" || method == "jacobi") {
      EXPECT_LT(error, 1e-6);
      EXPECT_EQ(f[14], "ok");
      EXPECT_LT(std::strtod(f[10].c_str(), nullptr), kThreshold);  // optimality ratio
    } else {
      EXPECT_FALSE(error < 1e-6);
    }
  }
  EXPECT_EQ(rows, 2 * 17 * 6);
  EXPECT_EQ(checked, 6);
  // The plots: standalone SVG with a line per method and the guide lines.
  for (const char* svg : {"/stability.svg", "/stability_inconsistent.svg"}) {
    const std::string s = slurp(out_dir + svg);
    EXPECT_EQ(s.rfind("<svg", 0), 0u) << svg;
    for (const char* text : {"svd", "normal-lu", "eps * kappa", "eps * kappa^2", "condition number kappa"})
      EXPECT_TRUE(contains(s, text)) << svg << ": " << text;
  }
}

TEST_F(Cli, StabilitySweepOptionsJsonAndSinglePrecision) {
  const JsonValue v = run_json({"stability", "--no-files", "--rows", "30", "--cols", "5", "--kappa-min", "1e2",
                                "--kappa-max", "1e6", "--points", "3", "--seeds", "2", "--methods", "qr,normal-lu",
                                "--consistent-only", "--type", "arithmetic"});
  EXPECT_EQ(numbers(at(v, "kappas")), (std::vector<double>{1e2, 1e4, 1e6}));
  EXPECT_EQ(text_of(at(v, "type")), "arithmetic");
  ASSERT_EQ(at(v, "problems").items.size(), 1u);
  const JsonValue& methods = at(at(v, "problems").items[0], "methods");
  ASSERT_EQ(methods.items.size(), 2u);
  EXPECT_EQ(text_of(at(methods.items[0], "method")), "qr");
  EXPECT_EQ(numbers(at(methods.items[0], "forward_error")).size(), 3u);
  EXPECT_TRUE(at(v, "files").items.empty());

  const Output f = run({"stability", "--float", "--no-files", "--inconsistent-only", "--points", "3"});
  EXPECT_EQ(f.code, 0) << f.err;
  EXPECT_TRUE(contains(f.out, "float (eps = 1.192e-07)"));
  EXPECT_TRUE(contains(f.out, "1.000e+08"));  // the single-precision default range

  expect_failure({"stability", "--rows", "10", "--cols", "20"}, 2, {"--cols must not exceed --rows"});
  // Regression (issue 7): one column has condition number 1 whatever kappa is asked
  // for; the sweep labelled its rows with kappas it never made.
  expect_failure({"stability", "--cols", "1"}, 2, {"--cols must be at least 2", "condition number 1"});
  expect_failure({"stability", "--rows", "3", "--cols", "1", "--no-files"}, 2, {"--cols must be at least 2"});
  EXPECT_EQ(run({"stability", "--rows", "2", "--cols", "2", "--no-files", "--points", "2", "--seeds", "1"}).code, 0);
  expect_failure({"stability", "--kappa-min", "0.5"}, 2, {"need 1 <= --kappa-min <= --kappa-max"});
  expect_failure({"stability", "--residual", "1"}, 2, {"--residual must lie strictly between 0 and 1"});
  expect_failure({"stability", "--points", "0"}, 2, {"--points needs an integer from 1 to 200"});
  expect_failure({"stability", "--consistent-only", "--inconsistent-only"}, 2, {"exclude each other"});
  // --out creates its directory; a path through a regular file cannot be one.
  EXPECT_EQ(run({"stability", "--out", path("new/dir"), "--points", "2", "--seeds", "1"}).code, 0);
  EXPECT_TRUE(std::filesystem::exists(path("new/dir/stability.csv")));
  expect_failure({"stability", "--out", write("file.txt", "x") + "/dir"}, 2, {"file.txt/dir: cannot create the directory"});
}

// The rows of the table titled `title` in `text`: the cells of each row after the
// header, split at white space, with the "*" of partial medians removed.
std::vector<std::vector<std::string>> table_after(const std::string& text, const std::string& title) {
  std::vector<std::vector<std::string>> rows;
  const std::size_t at_title = text.find(title + "\n");
  if (at_title == std::string::npos) return rows;
  std::istringstream lines(text.substr(at_title + title.size() + 1));
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line) && !line.empty()) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    std::string cell;
    while (cells >> cell) row.push_back(cell.back() == '*' ? cell.substr(0, cell.size() - 1) : cell);
    rows.push_back(row);
  }
  return rows;
}

// Regression (issue 7: "for each point the relative forward error, the relative
// residual and the optimality ratio ... Prints a table"): the printed output had the
// forward error only. Each of the three is a table, and its entries are the JSON's.
TEST_F(Cli, StabilityTablesShowForwardErrorResidualAndOptimality) {
  const std::vector<std::string> args{"stability", "--no-files", "--rows", "30", "--cols", "5", "--kappa-min", "1",
                                      "--kappa-max", "1e12", "--points", "4", "--seeds", "2", "--methods",
                                      "qr,svd,normal-lu"};
  const Output text = run(args);
  ASSERT_EQ(text.code, 0) << text.err;
  const JsonValue v = run_json(args);
  const std::vector<double> kappas = numbers(at(v, "kappas"));
  ASSERT_EQ(kappas.size(), 4u);
  const JsonValue& problems = at(v, "problems");
  ASSERT_EQ(problems.items.size(), 2u);
  struct Column {
    const char* title;
    const char* field;
  };
  const Column columns[] = {
      {"relative forward error ||w - w_true|| / ||w_true||", "forward_error"},
      {"relative residual error ||r - r_true|| / ||y||", "residual_error"},
      {"optimality ratio ||X^T r|| / (||X||_F (||X||_F ||w|| + ||y||) max(m, n) eps)", "optimality"},
  };
  // The consistent problem's tables come first, then the inconsistent one's.
  const std::size_t split_at = text.out.find("inconsistent problem");
  ASSERT_NE(split_at, std::string::npos);
  const std::string parts[] = {text.out.substr(0, split_at), text.out.substr(split_at)};
  for (std::size_t p = 0; p < 2; ++p) {
    const JsonValue& methods = at(problems.items[p], "methods");
    ASSERT_EQ(methods.items.size(), 3u);
    for (const Column& column : columns) {
      SCOPED_TRACE(std::string(text_of(at(problems.items[p], "problem"))) + ": " + column.field);
      const std::vector<std::vector<std::string>> rows = table_after(parts[p], column.title);
      ASSERT_EQ(rows.size(), kappas.size()) << parts[p];
      for (std::size_t k = 0; k < kappas.size(); ++k) {
        ASSERT_EQ(rows[k].size(), 4u);  // kappa and the three methods
        char expected[32];
        std::snprintf(expected, sizeof expected, "%.3e", kappas[k]);
        EXPECT_EQ(rows[k][0], expected);
        for (std::size_t q = 0; q < 3; ++q) {
          const double x = numbers(at(methods.items[q], column.field))[k];
          if (std::isnan(x)) {
            EXPECT_EQ(rows[k][q + 1], "failed");
          } else {
            std::snprintf(expected, sizeof expected, "%.3e", x);
            EXPECT_EQ(rows[k][q + 1], expected) << "kappa " << kappas[k] << ", method " << q;
          }
        }
      }
    }
  }
  // What the tables are for: qr and svd keep the optimality ratio below 30 and the
  // residual error near eps at every kappa; normal-lu fails at kappa = 1e12.
  const std::vector<std::vector<std::string>> optimality = table_after(parts[0], columns[2].title);
  const std::vector<std::vector<std::string>> residual = table_after(parts[0], columns[1].title);
  ASSERT_EQ(optimality.size(), 4u);
  ASSERT_EQ(residual.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k)
    for (std::size_t q = 1; q <= 2; ++q) {
      EXPECT_LT(std::strtod(optimality[k][q].c_str(), nullptr), kThreshold) << k << " " << q;
      EXPECT_LT(std::strtod(residual[k][q].c_str(), nullptr), 1e3 * kEps) << k << " " << q;
    }
  EXPECT_EQ(optimality[3][3], "failed");
}

}  // namespace
}  // namespace stela::test

// ---------------------------------------------------------------------------------------
// Integer .npy data beyond 2^53

namespace stela::test {
namespace {

// An int64 entry that has no exact double is refused as invalid input (exit 2) naming
// the file and the entry, in double and single precision alike; exact ones are read.
// The program's help lists the accepted dtypes and says so.
TEST_F(Cli, Int64NpyEntriesWithoutAnExactDoubleAreRefusedNamingFileAndEntry) {
  constexpr std::int64_t two53 = std::int64_t{1} << 53;
  const std::string exact = write("exact.npy", npy("<i8", false, "(2, 1)", raw<std::int64_t>({two53, -two53 + 1})));
  EXPECT_EQ(number(at(run_json({"rank", exact}), "rank")), 1);
  const std::string inexact = write("big.npy", npy("<i8", false, "(2, 2)", raw<std::int64_t>({1, 0, 0, two53 + 1})));
  for (bool single : {false, true}) {
    std::vector<std::string> args{"rank", inexact};
    if (single) args.push_back("--float");
    expect_failure(args, 2, {"stela rank: ", "big.npy: row 2, column 2: the integer 9007199254740993 has no exact double",
                             "a.astype('<f8')"});
  }
  const Output o = run({"lstsq", inexact, write_matrix("y.txt", Matrix<double>{{1}, {2}}), "--json"});
  EXPECT_EQ(o.code, 2);
  const JsonValue v = parse_json(o.out);
  EXPECT_EQ(text_of(at(v, "status")), "invalid_input");
  EXPECT_TRUE(contains(text_of(at(v, "message")), "big.npy: row 2, column 2")) << o.out;
  // The same .npy through standard input names <stdin>.
  expect_failure({"rank", "-"}, 2, {"<stdin>: row 2, column 2: the integer 9007199254740993"}, inexact);

  const Output help = run({"--help"});
  EXPECT_EQ(help.code, 0);
  for (const char* dtype : {"<f8 (float64)", "<f4 (float32)", "<i8 (int64)", "<i4 (int32)", "2^53"})
    EXPECT_TRUE(contains(help.out, dtype)) << dtype << " in:\n" << help.out;
}

// The demo's line of solutions for the rank-deficient example is the one general_solution
// computed (its null-space vector scaled to a first entry of 1, through the member with
// first entry 0), not a fixed answer, and the text prints those numbers.
TEST_F(Cli, DemoLineOfSolutionsComesFromGeneralSolution) {
  const JsonValue e2 = at(run_json({"demo"}), "complete_solution");
  const std::vector<double> n = numbers(at(e2, "null_space"));
  const std::vector<double> w0 = numbers(at(e2, "min_norm_solution"));
  const std::vector<double> v = numbers(at(e2, "direction"));
  const std::vector<double> p = numbers(at(e2, "particular"));
  ASSERT_EQ(n.size(), 3u);
  ASSERT_EQ(w0.size(), 3u);
  ASSERT_EQ(v.size(), 3u);
  ASSERT_EQ(p.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(v[i], n[i] / n[0]) << i;  // v = n / n[0], bit for bit
    EXPECT_NEAR(p[i], w0[i] - w0[0] * v[i], 4 * kEps * (std::abs(w0[i]) + std::abs(w0[0] * v[i]))) << i;
  }
  EXPECT_EQ(p[0], 0.0);
  const Output text = run({"demo"});
  ASSERT_EQ(text.code, 0) << text.err;
  auto bracket = [](const std::vector<double>& x) {
    std::string out = "[";
    for (std::size_t i = 0; i < x.size(); ++i) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", x[i]);
      out += (i ? ", " : "") + std::string(buf);
    }
    return out + "]";
  };
  EXPECT_TRUE(contains(text.out, "w(t) = " + bracket(p) + " + t " + bracket(v))) << text.out;
  EXPECT_FALSE(contains(text.out, "sqrt(10)")) << text.out;
}

}  // namespace
}  // namespace stela::test
