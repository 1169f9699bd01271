// stela-mpi — least squares over .npy files too tall for one machine, under mpirun.
//
//   mpirun -np P stela-mpi lstsq X.npy Y.npy [--json] [--float] [--chunk-rows N]
//
// Every rank opens the same two files (a shared file system, or identical copies on
// every host), parses their headers, and reads only its own contiguous range of rows —
// rank r of P takes rows [r n / P, (r + 1) n / P), rounded so the shares differ by at
// most one row — by seeking, N rows at a time (default 4096), into a QR accumulator.
// The R factors are then reduced along a binary tree and rank 0 solves
// (stela::mpi::reduce_and_solve, mpi/src/tsqr.cpp) and prints the same report as
// `stela lstsq` (method "tsqr"), as text or with --json as one JSON object.
//
// Errors: a rank that cannot read its input (a missing, empty or malformed file, fewer
// rows than ranks, NaN or Inf in its rows) does not stop alone: after the reading, all
// ranks agree on the lowest failing rank (MPI_Allreduce) and that rank's message is
// broadcast, so every rank prints it on standard error and exits with status 2 (3 for
// a numerical failure such as rank_deficient), and with --json rank 0 prints
// {"status": ..., "message": ...} on standard output. No rank waits for a message that
// will not come; the exit statuses are those of `stela` (DESIGN.md).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "io/json_writer.hpp"
#include "io/npy_rows.hpp"
#include "stela/mpi.hpp"
#include "stela/streaming.hpp"

namespace {

using stela::index;
using stela::io::NpyFile;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;      // usage, unreadable or invalid input
constexpr int kExitNumerical = 3;  // the library's status
constexpr stela::index kDefaultChunkRows = 4096;

struct Options {
  std::string x_path, y_path;
  bool json = false;
  bool single = false;
  index chunk_rows = kDefaultChunkRows;
};

const char* kUsage = "usage: stela-mpi lstsq X.npy Y.npy [--json] [--float] [--chunk-rows N]";

std::optional<std::string> parse_arguments(int argc, char** argv, Options& o) {
  std::vector<std::string> files;
  if (argc < 2 || std::string(argv[1]) != "lstsq") return std::string(kUsage);
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") {
      o.json = true;
    } else if (a == "--float") {
      o.single = true;
    } else if (a == "--chunk-rows" && i + 1 < argc) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || v < 1 || v > (1LL << 30)) return "--chunk-rows takes an integer >= 1";
      o.chunk_rows = static_cast<index>(v);
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return "unknown option '" + a + "'; " + kUsage;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 2) return std::string(kUsage);
  o.x_path = files[0];
  o.y_path = files[1];
  return std::nullopt;
}

// Rank r's rows of n among p ranks: [first, first + count).
void share(index n, int r, int p, index& first, index& count) {
  const index q = n / p, extra = n % p;
  first = r * q + std::min<index>(r, extra);
  count = q + (r < extra ? 1 : 0);
}

// The two files' headers and this rank's rows.
struct Input {
  NpyFile X, Y;
  index first = 0, count = 0;
};

std::optional<std::string> open_input(const Options& o, int me, int p, Input& in) {
  if (auto e = stela::io::read_npy_header(o.x_path, in.X)) return e;
  if (auto e = stela::io::read_npy_header(o.y_path, in.Y)) return e;
  if (in.X.one_dimensional) return o.x_path + ": X must be 2-D (n, d), not 1-D";
  if (in.Y.rows != in.X.rows)
    return "dimension_mismatch: " + o.x_path + " has " + std::to_string(in.X.rows) + " rows but " + o.y_path +
           " has " + std::to_string(in.Y.rows);
  if (in.X.rows < p)
    return o.x_path + " has " + std::to_string(in.X.rows) + " rows, fewer than the " + std::to_string(p) +
           " ranks: every rank needs at least one row";
  share(in.X.rows, me, p, in.first, in.count);
  return std::nullopt;
}

// [X | Y] rows in.first .. in.first + in.count - 1 into acc, chunk_rows at a time: one
// pass, memory for one chunk besides R.
template <class T>
std::optional<std::string> accumulate(const Options& o, const Input& in, stela::QrAccumulator<T>& acc) {
  std::ifstream xs(o.x_path, std::ios::binary), ys(o.y_path, std::ios::binary);
  if (!xs || !ys) return "cannot reopen " + (xs ? o.y_path : o.x_path);
  const index d = in.X.cols, k = in.Y.cols;
  const index chunk = std::min(o.chunk_rows, std::max<index>(in.count, 1));
  stela::Matrix<T> Xb(chunk, d), Yb(chunk, k);
  stela::WorkspaceBuffer buffer(stela::QrAccumulator<T>::add_rows_workspace_size(d, k, chunk));
  for (index start = in.first; start < in.first + in.count; start += chunk) {
    const index c = std::min(chunk, in.first + in.count - start);
    auto Xc = Xb.view().row_block(0, c);
    auto Yc = Yb.view().row_block(0, c);
    if (auto e = stela::io::read_npy_rows<T>(in.X, xs, start, c, Xc)) return e;
    if (auto e = stela::io::read_npy_rows<T>(in.Y, ys, start, c, Yc)) return e;
    // R := the R of [R; Xc Yc]
    const stela::Status s = acc.add_rows(stela::MatrixView<const T>(Xc), stela::MatrixView<const T>(Yc),
                                         buffer.workspace());
    if (s != stela::Status::ok)
      return std::string(stela::to_string(s)) + ": rows " + std::to_string(start) + " to " +
             std::to_string(start + c - 1) + " of " + o.x_path + " / " + o.y_path +
             (s == stela::Status::not_finite ? " hold NaN or Inf" : "");
  }
  return std::nullopt;
}

// Every rank learns the lowest failing rank and its message (nothing when none failed).
std::optional<std::pair<int, std::string>> agree_on_error(MPI_Comm comm, int me, int p,
                                                          const std::optional<std::string>& error) {
  int failed = error ? me : p;
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MIN, comm);
  if (failed == p) return std::nullopt;
  int length = me == failed ? static_cast<int>(error->size()) : 0;
  MPI_Bcast(&length, 1, MPI_INT, failed, comm);
  std::string message = me == failed ? *error : std::string(static_cast<std::size_t>(length), ' ');
  MPI_Bcast(message.data(), length, MPI_CHAR, failed, comm);
  return std::make_pair(failed, message);
}

// The failure on every rank's standard error, and as JSON on rank 0's standard output.
int report_failure(const Options& o, int me, int p, int failed, const std::string& status, const std::string& message,
                   int exit_code) {
  // One write per line, so that the lines of different ranks do not interleave.
  const std::string line = "stela-mpi lstsq (rank " + std::to_string(me) + " of " + std::to_string(p) + "): rank " +
                           std::to_string(failed) + ": " + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  if (o.json && me == 0) {
    stela::io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("status").value(status);
    json.key("message").value("rank " + std::to_string(failed) + ": " + message);
    json.key("failed_rank").value(failed);
    json.end_object();
  }
  return exit_code;
}

template <class T>
void print_report(const Options& o, const Input& in, int p, const stela::mpi::TsqrResult<T>& r) {
  const index d = r.solution.rows(), k = r.solution.cols();
  if (o.json) {
    stela::io::JsonWriter json(std::cout);
    json.begin_object();
    json.key("solution").matrix_or_vector<T>(stela::MatrixView<const T>(r.solution));
    json.key("residual_norm");
    if (k == 1 && in.Y.one_dimensional)
      json.value(r.residual_norm[0]);
    else
      json.vector<T>(stela::VectorView<const T>(r.residual_norm.data(), k));
    json.key("rank").value(r.rank);
    json.key("condition").value(r.condition);
    json.key("rows").value(r.rows);
    json.key("ranks").value(p);
    json.key("method").value("tsqr");
    json.key("status").value("ok");
    json.end_object();
    return;
  }
  std::cout << "least squares: minimise ||Y - X W|| by tsqr over " << p << " ranks ("
            << (o.single ? "single" : "double") << " precision)\n";
  std::cout << "X                 " << r.rows << " x " << d << "\n";
  std::cout << "Y                 " << r.rows << " x " << k << "\n";
  std::cout << "rank              " << r.rank << " of " << std::min(r.rows, d) << " (threshold " << r.tolerance
            << ")\n";
  std::cout << "condition number  " << r.condition << " (kappa_1 of R11, estimate)\n";
  for (index j = 0; j < k; ++j) std::cout << "residual norm     " << r.residual_norm[j] << "\n";
  std::cout << "solution W (" << d << " x " << k << "):\n";
  std::cout.precision(17);
  for (index i = 0; i < d; ++i) {
    for (index j = 0; j < k; ++j) std::cout << "  " << r.solution(i, j);
    std::cout << "\n";
  }
}

template <class T>
int run(const Options& o, MPI_Comm comm, int me, int p) {
  // 1. Headers, then this rank's rows into its accumulator.
  Input in;
  std::optional<std::string> error = open_input(o, me, p, in);
  const index d = error ? 0 : in.X.cols, k = error ? 0 : in.Y.cols;
  stela::Matrix<T> storage(d + k, d + k);
  stela::QrAccumulator<T> acc = *stela::QrAccumulator<T>::create(storage.view(), d, k);
  if (!error) error = accumulate<T>(o, in, acc);
  // 2. One rank's bad input stops every rank, with its message.
  if (auto failure = agree_on_error(comm, me, p, error))
    return report_failure(o, me, p, failure->first, "invalid_input", failure->second, kExitUsage);
  // 3. The tree reduction and the solve.
  const stela::Result<stela::mpi::TsqrResult<T>> r = stela::mpi::reduce_and_solve<T>(comm, acc, stela::Status::ok);
  if (!r.ok()) {
    std::string message = std::string(stela::to_string(r.status())) + " (" + std::to_string(r->rows) + " x " +
                          std::to_string(d) + ")";
    if (r.status() == stela::Status::rank_deficient)
      message += ": numerical rank " + std::to_string(r->rank) + " of " + std::to_string(d) +
                 "; `stela lstsq --method svd` gives the minimum-norm solution";
    return report_failure(o, me, p, std::max(r->failed_rank, 0), stela::to_string(r.status()), message,
                          kExitNumerical);
  }
  if (me == 0) print_report<T>(o, in, p, *r);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int me = 0, p = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  Options o;
  int code = kExitOk;
  // Every rank parses the same arguments, so every rank takes the same branch.
  if (auto usage = parse_arguments(argc, argv, o)) {
    if (me == 0) std::cerr << "stela-mpi: " << *usage << '\n';
    code = kExitUsage;
  } else {
    code = o.single ? run<float>(o, MPI_COMM_WORLD, me, p) : run<double>(o, MPI_COMM_WORLD, me, p);
  }
  MPI_Finalize();
  return code;
}
