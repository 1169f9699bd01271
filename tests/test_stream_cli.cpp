// `stela lstsq --stream` end to end (issue 14, the CLI piece): writes its files into a
// temporary directory, runs the built binary (STELA_CLI_PATH) and reads its --json.
//
// - Every format (.npy float64 and float32 in C order, CSV text, Matrix Market) and
//   block sizes 1, 7, more than n and the default give the answer of the in-memory
//   `stela lstsq --method qr` on the same file to a LAPACK-style ratio < 30, in double
//   and with --float (the ratio divides the difference of the solutions by
//   eps n (kappa + kappa^2 tan theta) ||w||, the perturbation bound of least squares,
//   Golub & Van Loan Theorem 5.3.1).
// - Fortran-order .npy is refused with a message that says so and what to do.
// - Row counts that differ, a bad entry deep in a file (row 100000), empty files: each
//   fails like the program's other failures, naming the files, the line or the row.
// - Slow: a 2e6 x 4 .npy runs under --max-bytes far below its size with a peak resident
//   set (getrusage RUSAGE_CHILDREN) below 64 MB, a bound that does not grow with n.
#include <sys/resource.h>
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
#include "stela/lstsq.hpp"
#include "stela/random.hpp"
#include "test_support.hpp"

#ifndef STELA_CLI_PATH
#error "STELA_CLI_PATH must name the stela binary"
#endif

namespace stela::test {
namespace {

// A .npy file (version 1.0) of A, dtype '<f8' or '<f4', C or Fortran order, written
// here rather than by io::encode_npy, which writes '<f8' in C order only.
std::string npy_bytes(MatrixView<const double> A, bool f4, bool fortran) {
  std::string data;
  auto put = [&](double x) {
    if (f4) {
      const auto v = static_cast<float>(x);
      data.append(reinterpret_cast<const char*>(&v), 4);
    } else {
      data.append(reinterpret_cast<const char*>(&x), 8);
    }
  };
  if (fortran) {
    for (index j = 0; j < A.cols(); ++j)
      for (index i = 0; i < A.rows(); ++i) put(A(i, j));
  } else {
    for (index i = 0; i < A.rows(); ++i)
      for (index j = 0; j < A.cols(); ++j) put(A(i, j));
  }
  const std::string shape = "(" + std::to_string(A.rows()) + ", " + std::to_string(A.cols()) + ")";
  return npy(f4 ? "<f4" : "<f8", fortran, shape, data);
}

// Comma-separated text, one row per line.
std::string csv_bytes(MatrixView<const double> A) {
  std::string text = io::encode_text(A);
  std::replace(text.begin(), text.end(), ' ', ',');
  return text;
}

class StreamCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/stela_stream_cli_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream f(path(name), std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(f.good()) << name;
    return path(name);
  }

  Output run(const std::vector<std::string>& args, const std::string& stdin_path = "") {
    return run_program(STELA_CLI_PATH, args, stdin_path, path("run" + std::to_string(runs_++)));
  }

  // Runs with --json; expects exit 0, nothing on standard error, "status": "ok".
  JsonValue run_json(std::vector<std::string> args, const std::string& stdin_path = "") {
    args.push_back("--json");
    const Output o = run(args, stdin_path);
    EXPECT_EQ(o.code, 0) << o.err;
    EXPECT_EQ(o.err, "");
    JsonValue v = parse_json(o.out);
    const JsonValue* status = member(v, "status");
    EXPECT_TRUE(status != nullptr && status->text == "ok") << o.out;
    return v;
  }

  // Expects the exit status, one line on standard error holding every part, and with
  // --json the status name.
  void expect_failure(const std::vector<std::string>& args, int code, const std::string& status,
                      const std::vector<std::string>& parts) {
    std::string line = "stela";
    for (const auto& a : args) line += " " + a;
    SCOPED_TRACE(line);
    const Output o = run(args);
    EXPECT_EQ(o.code, code) << o.err;
    for (const auto& part : parts) EXPECT_TRUE(contains(o.err, part)) << "missing '" << part << "' in:\n" << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << "one line of message:\n" << o.err;
    std::vector<std::string> json_args = args;
    json_args.push_back("--json");
    const Output j = run(json_args);
    EXPECT_EQ(j.code, code);
    const JsonValue v = parse_json(j.out);
    const JsonValue* s = member(v, "status");
    EXPECT_TRUE(s != nullptr && s->text == status) << j.out;
  }

 private:
  std::string dir_;
  int runs_ = 0;
};

std::vector<double> numbers_of(const JsonValue* v) {
  std::vector<double> out;
  if (v == nullptr) return out;
  if (v->kind == JsonValue::number) return {number(*v)};
  for (const JsonValue& item : v->items) {
    if (item.kind == JsonValue::array) {
      for (const JsonValue& x : item.items) out.push_back(number(x));
    } else {
      out.push_back(number(item));
    }
  }
  return out;
}

// A tall problem X (n x d, uniform entries) and Y = X W + noise (k columns), from a
// fixed seed; in single precision the entries are rounded to float first, so that a
// float file holds exactly the same numbers.
struct TallProblem {
  Matrix<double> X, Y;
};
TallProblem make_tall_problem(index n, index d, index k, std::uint64_t seed, bool floats) {
  Rng rng(seed);
  TallProblem p{Matrix<double>(n, d), Matrix<double>(n, k)};
  for (index j = 0; j < d; ++j)
    for (index i = 0; i < n; ++i) p.X(i, j) = rng.uniform(-1, 1);
  for (index c = 0; c < k; ++c)
    for (index i = 0; i < n; ++i) {
      double y = 0.1 * rng.gaussian();
      for (index j = 0; j < d; ++j) y += static_cast<double>(j + 1 + c) * p.X(i, j);
      p.Y(i, c) = y;
    }
  if (floats) {
    for (index j = 0; j < d; ++j)
      for (index i = 0; i < n; ++i) p.X(i, j) = static_cast<float>(p.X(i, j));
    for (index j = 0; j < k; ++j)
      for (index i = 0; i < n; ++i) p.Y(i, j) = static_cast<float>(p.Y(i, j));
  }
  return p;
}

// ||w_stream - w_memory|| / (eps max(n, d) (kappa + kappa^2 tan theta) ||w_memory||),
// maxima over the columns; and the residual norms' difference over eps n ||y||.
struct Ratios {
  double solution = 0, residual = 0;
};
Ratios compare(const TallProblem& p, const JsonValue& streamed, const JsonValue& memory, double e) {
  const index n = p.X.rows(), d = p.X.cols(), k = p.Y.cols();
  Result<LstsqResult<double>> svd = lstsq<double>(p.X, p.Y, LstsqOptions<double>{});
  EXPECT_TRUE(svd.ok());
  if (!svd.ok()) return {1e300, 1e300};
  const double kappa = svd->singular_values[0] / svd->singular_values[d - 1];
  const std::vector<double> ws = numbers_of(member(streamed, "solution")), wm = numbers_of(member(memory, "solution"));
  const std::vector<double> rs = numbers_of(member(streamed, "residual_norm"));
  const std::vector<double> rm = numbers_of(member(memory, "residual_norm"));
  EXPECT_EQ(ws.size(), static_cast<std::size_t>(d * k));
  EXPECT_EQ(wm.size(), ws.size());
  EXPECT_EQ(rs.size(), static_cast<std::size_t>(k));
  EXPECT_EQ(rm.size(), rs.size());
  if (ws.size() != static_cast<std::size_t>(d * k) || wm.size() != ws.size() || rs.size() != rm.size() ||
      rs.size() != static_cast<std::size_t>(k))
    return {1e300, 1e300};
  Ratios r;
  for (index c = 0; c < k; ++c) {
    // JSON W: rows of W (d x k) when k > 1, flat when k = 1: entry (j, c) at j k + c.
    double diff = 0, norm = 0, y2 = 0;
    for (index j = 0; j < d; ++j) {
      const auto at = static_cast<std::size_t>(j * k + c);
      diff = std::max(diff, std::abs(ws[at] - wm[at]));
      norm = std::max(norm, std::abs(wm[at]));
    }
    for (index i = 0; i < n; ++i) y2 += p.Y(i, c) * p.Y(i, c);
    const double y_norm = std::sqrt(y2);
    const double sin_t = std::min(1.0, rm[static_cast<std::size_t>(c)] / y_norm);
    const double tan_t = sin_t / std::sqrt((1 - sin_t) * (1 + sin_t));
    const double scale = static_cast<double>(std::max(n, d));
    r.solution = std::max(r.solution, diff / (e * scale * (kappa + kappa * kappa * tan_t) * norm));
    r.residual = std::max(r.residual,
                          std::abs(rs[static_cast<std::size_t>(c)] - rm[static_cast<std::size_t>(c)]) /
                              (e * scale * y_norm));
  }
  return r;
}

// ---------------------------------------------------------------------------------------

// Every format, every block size, both precisions: the in-memory qr answer.
TEST_F(StreamCli, MatchesInMemoryQr) {
  const index n = 200, d = 5;
  struct Format {
    const char* name;
    const char* ext;
    bool f4;
  };
  const Format formats[] = {{"npy-f8", "npy", false}, {"npy-f4", "npy", true}, {"csv", "csv", false},
                            {"mtx", "mtx", false}};
  for (const Format& f : formats)
    for (index k : {index{1}, index{2}}) {
      const TallProblem p = make_tall_problem(n, d, k, 1400 + static_cast<std::uint64_t>(k), f.f4);
      const std::string stem = std::string(f.name) + "_k" + std::to_string(k);
      std::string x, y;
      if (std::string(f.ext) == "npy") {
        x = write(stem + "_X.npy", npy_bytes(p.X, f.f4, false));
        y = write(stem + "_Y.npy", npy_bytes(p.Y, f.f4, false));
      } else if (std::string(f.ext) == "csv") {
        x = write(stem + "_X.csv", csv_bytes(p.X));
        y = write(stem + "_Y.csv", csv_bytes(p.Y));
      } else {
        x = write(stem + "_X.mtx", io::encode_matrix_market(p.X));
        y = write(stem + "_Y.mtx", io::encode_matrix_market(p.Y));
      }
      for (bool single : {false, true}) {
        std::vector<std::string> base{"lstsq", x, y};
        if (single) base.push_back("--float");
        std::vector<std::string> memory_args = base;
        memory_args.insert(memory_args.end(), {"--method", "qr"});
        const JsonValue memory = run_json(memory_args);
        const double e = single ? static_cast<double>(std::numeric_limits<float>::epsilon())
                                : std::numeric_limits<double>::epsilon();
        for (const char* chunk : {"1", "7", "1000", ""}) {
          std::vector<std::string> args = base;
          args.push_back("--stream");
          if (*chunk) args.insert(args.end(), {"--chunk-rows", chunk});
          SCOPED_TRACE(stem + (single ? " --float" : "") + " --chunk-rows " + chunk);
          const JsonValue streamed = run_json(args);
          const Ratios r = compare(p, streamed, memory, e);
          EXPECT_LT(r.solution, kThreshold);
          EXPECT_LT(r.residual, kThreshold);
          EXPECT_EQ(number(*member(streamed, "rank")), static_cast<double>(d));
          EXPECT_EQ(number(*member(streamed, "rows")), static_cast<double>(n));
          EXPECT_EQ(member(streamed, "method")->text, "tsqr");
          std::printf("%-9s k=%d %-6s chunk %-7s solution ratio %.3f, residual ratio %.3f\n", f.name,
                      static_cast<int>(k), single ? "float" : "double", *chunk ? chunk : "default", r.solution,
                      r.residual);
        }
      }
    }
}

// The text report carries the same fields as in-memory lstsq, and names the method.
TEST_F(StreamCli, TextReportAndStandardInput) {
  const TallProblem p = make_tall_problem(50, 3, 1, 1410, false);
  const std::string x = write("X.txt", io::encode_text(p.X));
  const std::string y = write("y.txt", io::encode_text(p.Y));
  const Output o = run({"lstsq", x, y, "--stream", "--chunk-rows", "8"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "") << "no progress line when standard error is not a terminal";
  for (const char* part : {"by tsqr (double precision)", "rank                  3 of 3", "condition number",
                           "residual norm", "error estimate", "streamed              50 rows in blocks of 8",
                           "solution W (3 x 1)"})
    EXPECT_TRUE(contains(o.out, part)) << part << " in\n" << o.out;
  // X from standard input, text: no seeking needed.
  const JsonValue from_stdin = run_json({"lstsq", "-", y, "--stream", "--chunk-rows", "7"}, x);
  const JsonValue from_file = run_json({"lstsq", x, y, "--stream", "--chunk-rows", "7"});
  EXPECT_EQ(numbers_of(member(from_stdin, "solution")), numbers_of(member(from_file, "solution")));
}

TEST_F(StreamCli, FortranOrderIsRefused) {
  const TallProblem p = make_tall_problem(20, 3, 1, 1420, false);
  const std::string x = write("X_fortran.npy", npy_bytes(p.X, false, true));
  const std::string y = write("y.npy", npy_bytes(p.Y, false, false));
  expect_failure({"lstsq", x, y, "--stream"}, 2, "invalid_input",
                 {"X_fortran.npy", "Fortran order is not supported", "numpy.ascontiguousarray"});
}

TEST_F(StreamCli, MismatchedRowCountsNameBothFiles) {
  const TallProblem p = make_tall_problem(30, 2, 1, 1430, false);
  const TallProblem q = make_tall_problem(31, 2, 1, 1431, false);
  // Known from the headers (npy), and found at the end (text), either file longer.
  const std::string xn = write("X.npy", npy_bytes(p.X, false, false));
  const std::string yn = write("y31.npy", npy_bytes(q.Y, false, false));
  expect_failure({"lstsq", xn, yn, "--stream"}, 2, "dimension_mismatch", {"X.npy", "y31.npy", "30", "31"});
  const std::string xt = write("X.txt", io::encode_text(p.X));
  const std::string yt = write("y31.txt", io::encode_text(q.Y));
  const std::string xt31 = write("X31.txt", io::encode_text(q.X));
  const std::string yt30 = write("y30.txt", io::encode_text(p.Y));
  for (const char* chunk : {"1", "7", "100"}) {
    expect_failure({"lstsq", xt, yt, "--stream", "--chunk-rows", chunk}, 2, "dimension_mismatch",
                   {"X.txt", "y31.txt", "ends after 30 rows"});
    expect_failure({"lstsq", xt31, yt30, "--stream", "--chunk-rows", chunk}, 2, "dimension_mismatch",
                   {"X31.txt", "y30.txt", "ends after 30 rows"});
    expect_failure({"lstsq", xn, yt, "--stream", "--chunk-rows", chunk}, 2, "dimension_mismatch",
                   {"X.npy", "y31.txt"});
  }
}

// A bad entry at row 100000, long after the first blocks went into R.
TEST_F(StreamCli, MalformedBlockMidwayNamesTheRow) {
  const index n = 120000, bad = 100000;  // 1-based row of the bad entry
  TallProblem p = make_tall_problem(n, 2, 1, 1440, false);
  const std::string y = write("y.txt", io::encode_text(p.Y));
  std::string text = io::encode_text(p.X);
  // Replace row `bad`'s line by one with a token that is no number.
  std::size_t start = 0;
  for (index i = 1; i < bad; ++i) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  text.replace(start, end - start, "0.5 0.2x5");
  const std::string x = write("X_bad.txt", text);
  expect_failure({"lstsq", x, y, "--stream", "--chunk-rows", "4096"}, 2, "invalid_input",
                 {"X_bad.txt", "line 100000, column 5", "cannot read '0.2x5' as a number"});
  // A short row there.
  std::string ragged = io::encode_text(p.X);
  ragged.replace(start, ragged.find('\n', start) - start, "0.5");
  expect_failure({"lstsq", write("X_ragged.txt", ragged), y, "--stream"}, 2, "invalid_input",
                 {"X_ragged.txt", "line 100000", "missing value"});
  // A NaN in a .npy at that row: not_finite, naming the row.
  p.X(bad - 1, 1) = std::numeric_limits<double>::quiet_NaN();
  const std::string xn = write("X_nan.npy", npy_bytes(p.X, false, false));
  expect_failure({"lstsq", xn, y, "--stream"}, 3, "not_finite", {"X_nan.npy", "row 100000, column 2"});
  // A bad token in a Matrix Market file, in the second column's run.
  TallProblem s = make_tall_problem(2000, 2, 1, 1441, false);
  std::string mtx = io::encode_matrix_market(s.X);
  std::size_t at = 0;
  for (int i = 0; i < 2 + 2000 + 1500; ++i) at = mtx.find('\n', at) + 1;  // header, size, column 1, 1500 rows
  mtx.replace(at, mtx.find('\n', at) - at, "oops");
  const std::string xm = write("X_bad.mtx", mtx);
  const std::string ym = write("y.mtx", io::encode_matrix_market(s.Y));
  expect_failure({"lstsq", xm, ym, "--stream", "--chunk-rows", "64"}, 2, "invalid_input",
                 {"X_bad.mtx", "line 3503", "cannot read 'oops' as a number"});
}

TEST_F(StreamCli, EmptyFiles) {
  const TallProblem p = make_tall_problem(10, 2, 1, 1450, false);
  const std::string y = write("y.txt", io::encode_text(p.Y));
  expect_failure({"lstsq", write("empty.txt", ""), y, "--stream"}, 2, "invalid_input", {"empty.txt", "the file is empty"});
  expect_failure({"lstsq", write("comments.txt", "# header\n\n"), y, "--stream"}, 2, "invalid_input",
                 {"comments.txt", "no numbers"});
  expect_failure({"lstsq", write("empty.npy", ""), y, "--stream"}, 2, "invalid_input", {"empty.npy", "the file is empty"});
  expect_failure({"lstsq", write("empty.mtx", ""), y, "--stream"}, 2, "invalid_input", {"empty.mtx", "the file is empty"});
  // A well-formed file of no rows: fewer rows than unknowns, as in memory.
  const std::string x0 = write("X0.npy", npy_bytes(Matrix<double>(0, 2), false, false));
  const std::string y0 = write("y0.npy", npy_bytes(Matrix<double>(0, 1), false, false));
  expect_failure({"lstsq", x0, y0, "--stream"}, 3, "rank_deficient", {"rank_deficient", "tsqr"});
}

TEST_F(StreamCli, OptionsAndLimits) {
  const TallProblem p = make_tall_problem(100, 3, 1, 1460, false);
  const std::string x = write("X.npy", npy_bytes(p.X, false, false));
  const std::string y = write("y.npy", npy_bytes(p.Y, false, false));
  expect_failure({"lstsq", x, y, "--chunk-rows", "5"}, 2, "usage_error", {"--chunk-rows applies to --stream only"});
  expect_failure({"lstsq", x, y, "--quiet"}, 2, "usage_error", {"--quiet applies to --stream only"});
  expect_failure({"lstsq", x, y, "--stream", "--method", "svd"}, 2, "usage_error", {"tsqr"});
  expect_failure({"lstsq", x, y, "--stream", "--chunk-rows", "0"}, 2, "usage_error", {"--chunk-rows"});
  // --max-bytes bounds a block, not the file: 100 rows of 4 doubles is 3200 bytes.
  run_json({"lstsq", x, y, "--stream", "--max-bytes", "400"});
  expect_failure({"lstsq", x, y, "--stream", "--chunk-rows", "50", "--max-bytes", "400"}, 1, "resource_limit",
                 {"--max-bytes", "1600 bytes"});
  expect_failure({"lstsq", x, y, "--stream", "--chunk-rows", "50", "--max-elements", "100"}, 1, "resource_limit",
                 {"--max-elements"});
  // A text line beyond --max-bytes.
  const std::string wide = write("wide.txt", [] {
    std::string line;
    for (int i = 0; i < 2500; ++i) line += "1 ";
    return line + "\n";
  }());
  expect_failure({"lstsq", wide, y, "--stream", "--max-bytes", "1000"}, 1, "resource_limit", {"wide.txt", "longer than"});
}

// 2e6 rows: memory stays below a bound that does not depend on n (about 100 MB of
// input), and --max-bytes far below the file's size does not stop the run.
TEST_F(StreamCli, SlowPeakMemoryIsIndependentOfRows) {
  const index n = 2000000, d = 4;
  const index block = 100000;
  const double w_true[d] = {1, -2, 0.5, 3};
  // Written a block at a time: the test itself never holds the file either.
  {
    std::ofstream fx(path("X.npy"), std::ios::binary), fy(path("y.npy"), std::ios::binary);
    auto header = [](index rows, index cols) {
      std::string h = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                      std::to_string(cols) + "), }";
      while ((10 + h.size() + 1) % 64 != 0) h += ' ';
      h += '\n';
      std::string out("\x93NUMPY\x01\x00", 8);
      out += static_cast<char>(h.size() & 0xff);
      out += static_cast<char>(h.size() >> 8);
      return out + h;
    };
    const std::string h1 = header(n, d), h2 = header(n, 1);
    fx.write(h1.data(), static_cast<std::streamsize>(h1.size()));
    fy.write(h2.data(), static_cast<std::streamsize>(h2.size()));
    Rng rng(1470);
    std::vector<double> xb(static_cast<std::size_t>(block * d)), yb(static_cast<std::size_t>(block));
    for (index start = 0; start < n; start += block) {
      for (index i = 0; i < block; ++i) {
        double yi = 1e-3 * rng.gaussian();
        for (index j = 0; j < d; ++j) {
          const double v = rng.uniform(-1, 1);
          xb[static_cast<std::size_t>(i * d + j)] = v;
          yi += w_true[j] * v;
        }
        yb[static_cast<std::size_t>(i)] = yi;
      }
      fx.write(reinterpret_cast<const char*>(xb.data()), static_cast<std::streamsize>(xb.size() * 8));
      fy.write(reinterpret_cast<const char*>(yb.data()), static_cast<std::streamsize>(yb.size() * 8));
    }
    ASSERT_TRUE(fx.good() && fy.good());
  }
  // Nothing this process ran before (no child of this test) counts in RUSAGE_CHILDREN.
  const JsonValue v =
      run_json({"lstsq", path("X.npy"), path("y.npy"), "--stream", "--quiet", "--max-bytes", "4000000"});
  rusage usage{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  const double peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
  std::printf("2e6 x 4 .npy (%.0f MB of input) streamed: peak RSS of the children %.1f MB\n",
              static_cast<double>(n) * (d + 1) * 8 / 1e6, peak_mb);
  // Under AddressSanitizer (the debug preset) freed blocks wait in its quarantine and
  // shadow memory adds its own, so the bound holds for the release build only.
  if (!kSanitizedBuild) {
    EXPECT_LT(peak_mb, 64.0);
  }
  EXPECT_EQ(number(*member(v, "rows")), static_cast<double>(n));
  // The noise is 1e-3, so w is w_true to about 1e-3 / sqrt(n / 3): 1e-5 is a wide margin
  // that a wrong R would still miss.
  const std::vector<double> w = numbers_of(member(v, "solution"));
  ASSERT_EQ(w.size(), static_cast<std::size_t>(d));
  for (index j = 0; j < d; ++j) EXPECT_NEAR(w[static_cast<std::size_t>(j)], w_true[j], 1e-5);
}

}  // namespace
}  // namespace stela::test
