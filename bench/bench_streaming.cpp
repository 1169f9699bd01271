// The QR accumulator: rows per second, one row at a time and in blocks, against QR of the
// whole matrix in memory and against the streaming shortcut everyone reaches for first.
//
// Names read streaming/<method>/<type>/<n>x<d>: streaming/add_rows_b64/double/4000x50.
// One family per shape (d = 10, 50, 200, n = 4000 rows, one right-hand side):
//   add_row               QrAccumulator::add_row for every row (Givens, 3 (d+1)^2 flops a row)
//   add_rows_b64, _b256   QrAccumulator::add_rows in blocks of 64 and 256 rows (the [R; B]
//                         Householder QR, 2 (d+1)^2 flops a row)
//   lstsq_qr              lstsq_inplace, method qr, on the n x d matrix held in memory
//                         (2 d^2 (n - d/3) flops): what the accumulator replaces
//   normal_equations_row  the usual streaming shortcut, X^T X += x x^T and X^T y += x y
//                         one row at a time (d^2 flops a row, the lower triangle by
//                         axpy), then Cholesky; it squares kappa
//   normal_equations_b64  the same shortcut in blocks of 64 rows (syrk and gemv on the block)
// Every method ends with its solve (the accumulator's solve, or the Cholesky solve), so
// a case times "n rows in, w out". The counters:
//   rows        rows consumed per second;
//   flops       the leading-term count above, as a rate;
//   fwd_error   ||w - w_true|| / ||w_true|| of the last run.
// The problem is bench_lstsq's: X from the catalogue's geometric type (kappa = 1e4 in
// double, 1e2 in float) and a consistent y = X w_true, so the forward errors show eps
// kappa for the QR methods and eps kappa^2 for the normal equations. Inputs, storage
// and workspace are built outside the timed loop.
//
//   bench_streaming --benchmark_filter='streaming/.*/double/4000x50$'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <utility>

#include "bench_support.hpp"
#include "stela/blas.hpp"
#include "stela/cholesky.hpp"
#include "stela/lstsq.hpp"
#include "stela/random.hpp"
#include "stela/streaming.hpp"
#include "stela/workspace.hpp"

namespace stela::bench {
namespace {

enum class Method { add_row, add_rows_b64, add_rows_b256, lstsq_qr, normal_equations_row, normal_equations_b64 };

const char* method_name(Method m) {
  switch (m) {
    case Method::add_row: return "add_row";
    case Method::add_rows_b64: return "add_rows_b64";
    case Method::add_rows_b256: return "add_rows_b256";
    case Method::lstsq_qr: return "lstsq_qr";
    case Method::normal_equations_row: return "normal_equations_row";
    case Method::normal_equations_b64: return "normal_equations_b64";
  }
  return "unknown";
}

constexpr Method kMethods[] = {Method::add_row,  Method::add_rows_b64,         Method::add_rows_b256,
                               Method::lstsq_qr, Method::normal_equations_row, Method::normal_equations_b64};

index block_rows(Method m) {
  switch (m) {
    case Method::add_rows_b256: return 256;
    case Method::add_rows_b64:
    case Method::normal_equations_b64: return 64;
    default: return 1;
  }
}

// Leading-term flops of n rows and the solve, p = d + 1.
double method_flops(Method m, double n, double d) {
  const double p = d + 1;
  switch (m) {
    case Method::add_row: return 3 * p * p * n;
    case Method::add_rows_b64:
    case Method::add_rows_b256: return 2 * p * p * n;
    case Method::lstsq_qr: return 2 * d * d * (n - d / 3);
    case Method::normal_equations_row:
    case Method::normal_equations_b64: return n * d * d + d * d * d / 3;
  }
  return 0;
}

template <class T>
struct Problem {
  Matrix<T> X;
  Vector<T> w_true;
  Matrix<T> Y;  // n x 1
};

template <class T>
Problem<T> make_problem(index n, index d) {
  CatalogueOptions opts;
  opts.kappa = sizeof(T) == sizeof(float) ? 1e2 : 1e4;
  TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, n, d, 21, opts);
  Problem<T> p;
  p.X = std::move(tm.A);
  Rng rng(22);
  Vector<T> c(tm.V.cols());
  fill_gaussian(rng, c.view());
  p.w_true = Vector<T>(d);
  Status status = gemv(Op::none, T(1), MatrixView<const T>(tm.V), VectorView<const T>(c), T(0), p.w_true.view());
  p.Y = Matrix<T>(n, 1);
  if (status == Status::ok)
    status = gemv(Op::none, T(1), MatrixView<const T>(p.X), VectorView<const T>(p.w_true), T(0), p.Y.col(0));
  if (status != Status::ok) p.Y = Matrix<T>();  // the run reports it
  return p;
}

// n rows through the accumulator (one at a time or in blocks), then its solve.
template <class T>
Status run_accumulator(const Problem<T>& p, QrAccumulator<T>& acc, index block, MatrixView<T> W, Workspace work) {
  const index n = p.X.rows();
  acc.reset();
  Status status = Status::ok;
  for (index i = 0; i < n && status == Status::ok; i += block) {
    const index b = std::min(block, n - i);
    status = block == 1 ? acc.add_row(p.X.row(i), p.Y.row(i), work)
                        : acc.add_rows(p.X.row_block(i, b), p.Y.row_block(i, b), work);
  }
  if (status != Status::ok) return status;
  AccumulatorInfo<T> info;
  return acc.solve(W, VectorView<T>(), info, work);
}

// The shortcut: G := X^T X (lower triangle), g := X^T y, one pass, then G = L L^T and
// w := G^{-1} g. One row at a time (block = 1) it is the rank-one update G += x x^T,
// column by column; in blocks it is syrk and gemv on the block.
template <class T>
Status run_normal_equations(const Problem<T>& p, index block, MatrixView<T> G, MatrixView<T> W, Workspace work) {
  const index n = p.X.rows(), d = p.X.cols();
  fill(G, T(0));
  fill(W, T(0));
  Status status = Status::ok;
  for (index i = 0; i < n && status == Status::ok; i += block) {
    if (block == 1) {
      // G(j:d, j) := G(j:d, j) + x_j x(j:d);  g := g + y_i x
      const VectorView<const T> x = p.X.row(i);
      for (index j = 0; j < d; ++j) axpy(x[j], x.segment(j, d - j), G.col(j).segment(j, d - j));
      axpy(p.Y(i, 0), x, W.col(0));
      continue;
    }
    const index b = std::min(block, n - i);
    // G := G + X_b^T X_b;  g := g + X_b^T y_b
    status = syrk(Uplo::lower, Op::transpose, T(1), p.X.row_block(i, b), T(1), G);
    if (status == Status::ok)
      status = gemv(Op::transpose, T(1), p.X.row_block(i, b), p.Y.col(0).segment(i, b), T(1), W.col(0));
  }
  CholeskyInfo<T> info;
  if (status == Status::ok) status = cholesky_inplace(G, info, work);
  if (status == Status::ok) status = cholesky_solve_inplace(MatrixView<const T>(G), W);
  return status;
}

template <class T>
void run_case(benchmark::State& state, Method method, index n, index d) {
  const Problem<T> p = make_problem<T>(n, d);
  if (p.Y.rows() != n) {
    state.SkipWithError("could not build the problem");
    return;
  }
  const index block = block_rows(method);
  Matrix<T> W(d, 1), G(d, d), storage(d + 1, d + 1);
  const LstsqOptions<T> opts{LstsqMethod::qr};
  WorkspaceBuffer buffer(max(max(QrAccumulator<T>::workspace_size(d, 1, block), lstsq_workspace_size<T>(n, d, 1, opts)),
                             cholesky_workspace_size<T>(d)));
  Result<QrAccumulator<T>> acc = QrAccumulator<T>::create(storage.view(), d, 1);
  Vector<T> residual(1);
  LstsqInfo<T> info;
  Status status = acc.status();
  for (auto _ : state) {
    if (status != Status::ok) break;
    switch (method) {
      case Method::add_row:
      case Method::add_rows_b64:
      case Method::add_rows_b256: status = run_accumulator(p, *acc, block, W.view(), buffer.workspace()); break;
      case Method::lstsq_qr:
        status = lstsq_inplace(MatrixView<const T>(p.X), MatrixView<const T>(p.Y), opts, W.view(), residual.view(),
                               VectorView<T>(), info, buffer.workspace());
        break;
      case Method::normal_equations_row:
      case Method::normal_equations_b64:
        status = run_normal_equations(p, block, G.view(), W.view(), buffer.workspace());
        break;
    }
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  if (status != Status::ok) {
    state.SkipWithError(to_string(status));
    return;
  }
  Vector<T> error(W.col(0));
  axpy(T(-1), VectorView<const T>(p.w_true), error.view());
  state.counters["rows"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flops"] = flop_rate(method_flops(method, double(n), double(d)));
  state.counters["fwd_error"] = double(nrm2(VectorView<const T>(error)) / nrm2(VectorView<const T>(p.w_true)));
}

template <class T>
void register_all() {
  const index n = 4000;
  for (index d : {10, 50, 200})
    for (Method method : kMethods) {
      const std::string name = std::string("streaming/") + method_name(method) + "/" + type_name<T>() + "/" +
                               std::to_string(n) + "x" + std::to_string(d);
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) { run_case<T>(s, method, n, d); })
          ->Unit(benchmark::kMillisecond);
    }
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_all<double>();
  stela::bench::register_all<float>();
  return stela::bench::run_benchmarks(argc, argv);
}
