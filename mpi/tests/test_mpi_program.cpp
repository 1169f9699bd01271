// stela-mpi under mpiexec -np N (ctest runs N = 1, 2, 4): the .npy files are written by
// the test into its own directory of the build tree, then
//
//   - the answer (--json) agrees with the in-memory lstsq(X, Y, qr) on the same data to
//     the forward and optimality ratios < 30, for float64 and float32 files, one and two
//     right-hand sides, and any chunk size;
//   - an input that one rank cannot use (empty, truncated, not .npy, Fortran order,
//     fewer rows than ranks, NaN in the last rank's rows, an empty copy of X on the
//     last rank only, launched MPMD) makes EVERY rank print a
//     message naming it and exit with status 2, within the timeout (a hang would be
//     killed by `timeout` and show as exit status 124).
//
//   test_mpi_program --np N --mpiexec PATH --numproc-flag -n "--flags=..." --program PATH --dir DIR
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "json_checker.hpp"
#include "mpi_checks.hpp"

namespace {

using stela::index;
using stela::Matrix;
using stela::MatrixView;

struct Setup {
  int np = 1;
  std::string mpiexec, numproc_flag = "-n", flags, program, dir;
} g;

// Bounds every mpiexec run: a hang fails the test with exit status 124.
constexpr int kRunSeconds = 60;

// A .npy file, version 1.0, C order, dtype <f8 or <f4, shape (n, d) or (n,).
template <class T>
void write_npy(const std::string& path, MatrixView<const T> A, bool one_dimensional = false, bool fortran = false) {
  const std::string shape = one_dimensional ? "(" + std::to_string(A.rows()) + ",)"
                                            : "(" + std::to_string(A.rows()) + ", " + std::to_string(A.cols()) + ")";
  std::string header = std::string("{'descr': '") + (sizeof(T) == 8 ? "<f8" : "<f4") +
                       "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                   static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<const char*>(length), 2);
  out << header;
  for (index i = 0; i < A.rows(); ++i)
    for (index j = 0; j < A.cols(); ++j) {
      const T v = A(i, j);
      out.write(reinterpret_cast<const char*>(&v), sizeof(T));
    }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int exit_status = -1;
  std::string out, err;
};

Outcome run_program(const std::string& name, const std::string& arguments) {
  const std::string out = g.dir + "/" + name + ".out", err = g.dir + "/" + name + ".err";
  const std::string command = "timeout " + std::to_string(kRunSeconds) + " " + g.mpiexec + " " + g.numproc_flag + " " +
                              std::to_string(g.np) + " " + g.flags + " " + g.program + " lstsq " + arguments + " > " +
                              out + " 2> " + err;
  const int raw = std::system(command.c_str());
  Outcome r;
  r.exit_status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

// The same, except that the last rank alone reads `last_arguments` (MPMD launch,
// "mpiexec -n N-1 prog A : -n 1 prog B"): what one host with a broken copy would see.
Outcome run_program_last_rank_differs(const std::string& name, const std::string& arguments,
                                      const std::string& last_arguments) {
  const std::string out = g.dir + "/" + name + ".out", err = g.dir + "/" + name + ".err";
  std::string command = "timeout " + std::to_string(kRunSeconds) + " " + g.mpiexec + " " + g.flags + " ";
  if (g.np > 1)
    command += g.numproc_flag + " " + std::to_string(g.np - 1) + " " + g.program + " lstsq " + arguments + " : ";
  command += g.numproc_flag + " 1 " + g.program + " lstsq " + last_arguments + " > " + out + " 2> " + err;
  const int raw = std::system(command.c_str());
  Outcome r;
  r.exit_status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string path(const std::string& file) { return g.dir + "/" + file; }

// The JSON solution of a run as a d x k matrix.
Matrix<double> solution_of(const stela::test::JsonValue& report, index d, index k) {
  Matrix<double> W(d, k);
  const stela::test::JsonValue* s = stela::test::member(report, "solution");
  EXPECT_NE(s, nullptr);
  if (s == nullptr || static_cast<index>(s->items.size()) != d) return W;
  for (index i = 0; i < d; ++i)
    for (index j = 0; j < k; ++j)
      W(i, j) = stela::test::number(k == 1 ? s->items[static_cast<std::size_t>(i)]
                                           : s->items[static_cast<std::size_t>(i)].items[static_cast<std::size_t>(j)]);
  return W;
}

template <class T>
void solves_like_in_memory_qr(index n, index d, index k, const std::string& extra, std::uint64_t seed) {
  Matrix<T> X, Y;
  stela::mpi_test::make_problem<T>(n, d, k, seed, X, Y);
  const std::string tag = std::string(sizeof(T) == 4 ? "f4" : "f8") + "_k" + std::to_string(k);
  write_npy<T>(path("X_" + tag + ".npy"), X);
  write_npy<T>(path("Y_" + tag + ".npy"), Y, k == 1);
  const Outcome r = run_program("solve_" + tag, path("X_" + tag + ".npy") + " " + path("Y_" + tag + ".npy") + " --json " +
                                                (sizeof(T) == 4 ? "--float " : "") + extra);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const stela::test::JsonValue report = stela::test::parse_json(r.out);
  EXPECT_EQ(stela::test::member(report, "method")->text, "tsqr");
  EXPECT_EQ(stela::test::number(*stela::test::member(report, "rank")), d);
  EXPECT_EQ(stela::test::number(*stela::test::member(report, "rows")), n);
  const Matrix<double> W_double = solution_of(report, d, k);
  Matrix<T> W(d, k);
  for (index j = 0; j < k; ++j)
    for (index i = 0; i < d; ++i) W(i, j) = static_cast<T>(W_double(i, j));  // exact: printed with 17 digits
  const auto ref = stela::lstsq<T>(X, Y, stela::LstsqOptions<T>{stela::LstsqMethod::qr});
  ASSERT_TRUE(ref.ok());
  const double forward = stela::mpi_test::forward_ratio<T>(X, Y, W, ref->solution);
  const double optimality = stela::mpi_test::optimality_ratio<T>(X, Y, W);
  std::printf("stela-mpi np=%d %s %lldx%lld k=%lld %s: forward %.3g optimality %.3g\n", g.np, sizeof(T) == 4 ? "float" : "double",
              static_cast<long long>(n), static_cast<long long>(d), static_cast<long long>(k), extra.c_str(), forward,
              optimality);
  EXPECT_LT(forward, stela::mpi_test::kThreshold);
  EXPECT_LT(optimality, stela::mpi_test::kThreshold);
}

TEST(StelaMpi, DoubleFileSolvesLikeInMemoryQr) { solves_like_in_memory_qr<double>(1001, 6, 1, "", 41); }
TEST(StelaMpi, FloatFileSolvesLikeInMemoryQr) { solves_like_in_memory_qr<float>(1001, 6, 1, "", 42); }
TEST(StelaMpi, TwoRightHandSidesInSmallChunks) { solves_like_in_memory_qr<double>(777, 9, 2, "--chunk-rows 50", 43); }

TEST(StelaMpi, TextReportNamesTheMethod) {
  Matrix<double> X, Y;
  stela::mpi_test::make_problem<double>(100, 3, 1, 44, X, Y);
  write_npy<double>(path("X_text.npy"), X);
  write_npy<double>(path("y_text.npy"), Y, true);
  const Outcome r = run_program("text", path("X_text.npy") + " " + path("y_text.npy"));
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_NE(r.out.find("by tsqr over " + std::to_string(g.np) + " ranks"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("residual norm"), std::string::npos) << r.out;
}

// Every rank printed one line naming `fragment`, the exit status is 2, and rank 0's
// JSON says invalid_input.
void every_rank_refuses(const std::string& name, const std::string& x_file, const std::string& fragment) {
  Matrix<double> X, Y;
  stela::mpi_test::make_problem<double>(50, 3, 1, 45, X, Y);
  write_npy<double>(path("y_good.npy"), Y, true);
  const Outcome r = run_program(name, x_file + " " + path("y_good.npy") + " --json");
  EXPECT_EQ(r.exit_status, 2) << name << "\n" << r.err;
  for (int rank = 0; rank < g.np; ++rank) {
    const std::string prefix = "stela-mpi lstsq (rank " + std::to_string(rank) + " of " + std::to_string(g.np) + "): ";
    const std::size_t at = r.err.find(prefix);
    ASSERT_NE(at, std::string::npos) << name << ": rank " << rank << " said nothing:\n" << r.err;
    const std::string line = r.err.substr(at, r.err.find('\n', at) - at);
    EXPECT_NE(line.find(fragment), std::string::npos) << name << ": " << line;
  }
  const stela::test::JsonValue report = stela::test::parse_json(r.out);
  const stela::test::JsonValue* status = stela::test::member(report, "status");
  ASSERT_NE(status, nullptr) << r.out;
  EXPECT_EQ(status->text, "invalid_input");
  std::printf("np=%d %s: every rank, exit 2: %s", g.np, name.c_str(), r.err.substr(0, r.err.find('\n') + 1).c_str());
}

TEST(StelaMpi, EmptyFileStopsEveryRank) {
  std::ofstream(path("X_empty.npy"), std::ios::binary).close();
  every_rank_refuses("empty", path("X_empty.npy"), "the file is empty");
}

TEST(StelaMpi, TruncatedFileStopsEveryRank) {
  Matrix<double> X, Y;
  stela::mpi_test::make_problem<double>(50, 3, 1, 45, X, Y);
  write_npy<double>(path("X_full.npy"), X);
  const std::string bytes = slurp(path("X_full.npy"));
  std::ofstream(path("X_truncated.npy"), std::ios::binary) << bytes.substr(0, bytes.size() - 8);
  every_rank_refuses("truncated", path("X_truncated.npy"), "but the file has");
}

TEST(StelaMpi, NotNpyStopsEveryRank) {
  std::ofstream(path("X_text.csv"), std::ios::binary) << "1, 2, 3\n4, 5, 6\n";
  every_rank_refuses("not-npy", path("X_text.csv"), "not a .npy file");
}

TEST(StelaMpi, FortranOrderStopsEveryRank) {
  Matrix<double> X, Y;
  stela::mpi_test::make_problem<double>(50, 3, 1, 45, X, Y);
  write_npy<double>(path("X_fortran.npy"), X, false, true);
  every_rank_refuses("fortran", path("X_fortran.npy"), "Fortran order is not supported");
}

TEST(StelaMpi, FewerRowsThanRanksStopsEveryRank) {
  Matrix<double> X(g.np - 1, 3, 1.0), y(g.np - 1, 1, 1.0);
  write_npy<double>(path("X_few.npy"), X);
  write_npy<double>(path("y_few.npy"), y, true);
  const Outcome r = run_program("few", path("X_few.npy") + " " + path("y_few.npy"));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  for (int rank = 0; rank < g.np; ++rank)
    EXPECT_NE(r.err.find("(rank " + std::to_string(rank) + " of " + std::to_string(g.np) + "): rank 0: " +
                         path("X_few.npy") + " has " + std::to_string(g.np - 1) + " rows, fewer than the " +
                         std::to_string(g.np) + " ranks"),
              std::string::npos)
        << r.err;
}

TEST(StelaMpi, NanInTheLastRanksRowsStopsEveryRank) {
  Matrix<double> X, Y;
  stela::mpi_test::make_problem<double>(50, 3, 1, 46, X, Y);
  X(49, 2) = std::numeric_limits<double>::quiet_NaN();
  write_npy<double>(path("X_nan.npy"), X);
  every_rank_refuses("nan", path("X_nan.npy"), "rank " + std::to_string(g.np - 1) + ": not_finite: rows");
}

// Only the last rank's copy of X is empty: every rank names that rank and that file.
TEST(StelaMpi, OneRanksEmptyCopyStopsEveryRank) {
  Matrix<double> X, Y;
  stela::mpi_test::make_problem<double>(50, 3, 1, 47, X, Y);
  write_npy<double>(path("X_mine.npy"), X);
  write_npy<double>(path("y_mine.npy"), Y, true);
  std::ofstream(path("X_lost.npy"), std::ios::binary).close();
  const Outcome r = run_program_last_rank_differs("one-rank", path("X_mine.npy") + " " + path("y_mine.npy"),
                                                  path("X_lost.npy") + " " + path("y_mine.npy"));
  EXPECT_EQ(r.exit_status, 2) << r.err;
  const std::string culprit = "rank " + std::to_string(g.np - 1) + ": " + path("X_lost.npy") + ": the file is empty";
  for (int rank = 0; rank < g.np; ++rank)
    EXPECT_NE(r.err.find("(rank " + std::to_string(rank) + " of " + std::to_string(g.np) + "): " + culprit),
              std::string::npos)
        << r.err;
  std::printf("np=%d one rank's copy empty: every rank, exit %d: %s", g.np, r.exit_status,
              r.err.substr(0, r.err.find('\n') + 1).c_str());
}

bool parse_setup(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--np") g.np = std::atoi(next().c_str());
    else if (a == "--mpiexec") g.mpiexec = next();
    else if (a == "--numproc-flag") g.numproc_flag = next();
    else if (a.rfind("--flags=", 0) == 0) g.flags = a.substr(8);
    else if (a == "--program") g.program = next();
    else if (a == "--dir") g.dir = next();
  }
  return g.np >= 1 && !g.mpiexec.empty() && !g.program.empty() && !g.dir.empty();
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (!parse_setup(argc, argv)) {
    std::fprintf(stderr, "usage: test_mpi_program --np N --mpiexec PATH [--numproc-flag F] [--flags=...] --program PATH --dir DIR\n");
    return 2;
  }
  mkdir(g.dir.c_str(), 0755);
  return RUN_ALL_TESTS();
}
