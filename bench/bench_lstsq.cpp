// lstsq: every method against the naive normal equations, speed and accuracy together.
//
// Names read lstsq/<method>/<type>/<shape>: lstsq/qr/double/2000x200. One family per
// shape — square 8 ... 1024, tall 2000x200 and 20000x50, wide 200x2000 — so the normal
// equations sit in the same family as every other method.
//
// The problem: X from the catalogue (geometric singular values, kappa = 1e4 in double,
// 1e2 in float) and a consistent right-hand side y = X w_true with w_true in the row
// space of X, so w_true is the minimum-norm solution for every shape. The counters next
// to the time:
//   flops       the leading-term flop count of the method (routine card), as a rate;
//   fwd_error   ||w - w_true|| / ||w_true|| of the last run;
//   residual    ||y - X w|| / ||y|| of the last run;
//   refine_steps  (the +refine entries) refinement steps of the last run.
// The +refine_cost entries time three solves per iteration (see register_refined).
// A method that cannot solve the problem (qr on rank deficiency, the normal equations
// on a wide X, whose Gram matrix is singular) is reported with SkipWithError and the
// status it returned.
//
// Everything is allocated outside the timed loop: lstsq_inplace runs on one
// preallocated workspace, as an embedded caller would run it.
//
//   bench_lstsq --benchmark_filter='lstsq/.*/double/2000x200'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/random.hpp"
#include "stela/workspace.hpp"

namespace stela::bench {
namespace {

// Leading-term flops of each method on an n x d problem with one right-hand side
// (Golub & Van Loan, 4th ed., 5.3.9 table and 8.6.3; r = min(n, d)).
double method_flops(LstsqMethod method, double n, double d) {
  const double r = std::min(n, d), big = std::max(n, d);
  switch (method) {
    case LstsqMethod::svd: return 4 * big * r * r + 8 * r * r * r;  // QR-first/bidiag + thin vectors, roughly
    case LstsqMethod::jacobi: return 4 * big * r * r + 10 * r * r * r;  // QRCP + a few sweeps, roughly
    case LstsqMethod::qr: return 2 * r * r * (big - r / 3);
    case LstsqMethod::qrcp: return 4 * r * r * (big - r / 3);
    case LstsqMethod::normal_cholesky: return n * d * d + d * d * d / 3;
    case LstsqMethod::normal_lu: return n * d * d + 2 * d * d * d / 3;
  }
  return 0;
}

template <class T>
struct Problem {
  Matrix<T> X;
  Vector<T> w_true;
  Matrix<T> Y;  // n x 1
  Status status = Status::ok;  // of building the problem
};

template <class T>
Problem<T> make_problem(index n, index d) {
  CatalogueOptions opts;
  opts.kappa = sizeof(T) == sizeof(float) ? 1e2 : 1e4;
  TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, n, d, 11, opts);
  Problem<T> p;
  p.X = std::move(tm.A);
  // w_true = V c: in the row space, so it is the minimum-norm solution.
  Rng rng(12);
  Vector<T> c(tm.V.cols());
  fill_gaussian(rng, c.view());
  p.w_true = Vector<T>(d);
  p.status = gemv(Op::none, T(1), MatrixView<const T>(tm.V), VectorView<const T>(c), T(0), p.w_true.view());
  p.Y = Matrix<T>(n, 1);
  if (p.status == Status::ok)
    p.status = gemv(Op::none, T(1), MatrixView<const T>(p.X), VectorView<const T>(p.w_true), T(0), p.Y.col(0));
  return p;
}

template <class T>
void run_lstsq(benchmark::State& state, LstsqMethod method, index n, index d, bool refine = false) {
  const Problem<T> p = make_problem<T>(n, d);
  if (p.status != Status::ok) {
    state.SkipWithError(to_string(p.status));
    return;
  }
  LstsqOptions<T> opts;
  opts.method = method;
  opts.refine = refine;
  WorkspaceBuffer buffer(lstsq_workspace_size<T>(n, d, 1, opts));
  Matrix<T> W(d, 1);
  Vector<T> residual(1);
  LstsqInfo<T> info;
  Status status = Status::ok;
  for (auto _ : state) {
    status = lstsq_inplace(MatrixView<const T>(p.X), MatrixView<const T>(p.Y), opts, W.view(), residual.view(),
                           VectorView<T>(), info, buffer.workspace());
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
    if (status != Status::ok) break;
  }
  if (status != Status::ok) {
    state.SkipWithError(to_string(status));
    return;
  }
  Vector<T> error(W.col(0));
  axpy(T(-1), VectorView<const T>(p.w_true), error.view());
  state.counters["flops"] = flop_rate(method_flops(method, double(n), double(d)));
  state.counters["fwd_error"] = double(nrm2(VectorView<const T>(error)) / nrm2(VectorView<const T>(p.w_true)));
  state.counters["residual"] = double(residual[0] / nrm2(p.Y.col(0)));
  if (refine) state.counters["refine_steps"] = double(info.refinement.steps);
}

// The refinement's cost (issue 12), two ways, at the two tall shapes:
//   lstsq/<method>+refine/<type>/<shape>   the refined solve (which equilibrates, as
//                                          --refine does), next to lstsq/<method>/...;
//   lstsq/<method>+refine_cost/<type>/<shape>  each iteration runs the plain, the
//                                          equilibrated and the refined solve in turn,
//                                          timed one by one, so that the drift of a
//                                          shared machine falls on all three alike.
//                                          Counters: the medians plain_ms,
//                                          equilibrated_ms, refined_ms; refine_cost =
//                                          refined / equilibrated - 1 (the refinement's
//                                          own cost) and refine_vs_plain = refined /
//                                          plain - 1 (what asking for --refine costs).
template <class T>
void run_refine_cost(benchmark::State& state, LstsqMethod method, index n, index d) {
  const Problem<T> p = make_problem<T>(n, d);
  if (p.status != Status::ok) {
    state.SkipWithError(to_string(p.status));
    return;
  }
  LstsqOptions<T> opts[3];
  for (LstsqOptions<T>& o : opts) o.method = method;
  opts[1].equilibrate = true;
  opts[2].refine = true;
  WorkspaceBuffer buffer(lstsq_workspace_size<T>(n, d, 1, opts[2]));
  Matrix<T> W(d, 1);
  Vector<T> residual(1);
  LstsqInfo<T> info;
  std::vector<double> ms[3];
  Status status = Status::ok;
  for (auto _ : state) {
    double total = 0;
    for (int v = 0; v < 3 && status == Status::ok; ++v) {
      const auto start = std::chrono::steady_clock::now();
      status = lstsq_inplace(MatrixView<const T>(p.X), MatrixView<const T>(p.Y), opts[v], W.view(), residual.view(),
                             VectorView<T>(), info, buffer.workspace());
      benchmark::DoNotOptimize(W.data());
      benchmark::ClobberMemory();
      const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ms[v].push_back(took * 1e3);
      total += took;
    }
    state.SetIterationTime(total);
    if (status != Status::ok) break;
  }
  if (status != Status::ok) {
    state.SkipWithError(to_string(status));
    return;
  }
  double median[3];
  for (int v = 0; v < 3; ++v) {
    std::sort(ms[v].begin(), ms[v].end());
    median[v] = ms[v][ms[v].size() / 2];
  }
  state.counters["plain_ms"] = median[0];
  state.counters["equilibrated_ms"] = median[1];
  state.counters["refined_ms"] = median[2];
  state.counters["refine_cost"] = median[2] / median[1] - 1;
  state.counters["refine_vs_plain"] = median[2] / median[0] - 1;
  state.counters["refine_steps"] = double(info.refinement.steps);
}

template <class T>
void register_refined() {
  const index shapes[][2] = {{2000, 200}, {20000, 50}};
  for (const auto& nd : shapes)
    for (LstsqMethod method : kAllLstsqMethods) {
      const index n = nd[0], d = nd[1];
      const std::string tail = std::string("/") + type_name<T>() + "/" + std::to_string(n) + "x" + std::to_string(d);
      const std::string prefix = std::string("lstsq/") + to_string(method);
      benchmark::RegisterBenchmark((prefix + "+refine" + tail).c_str(),
                                   [=](benchmark::State& s) { run_lstsq<T>(s, method, n, d, true); })
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark((prefix + "+refine_cost" + tail).c_str(),
                                   [=](benchmark::State& s) { run_refine_cost<T>(s, method, n, d); })
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond);
    }
}

template <class T>
void register_shape(index n, index d) {
  for (LstsqMethod method : kAllLstsqMethods) {
    const std::string name = std::string("lstsq/") + to_string(method) + "/" + type_name<T>() + "/" +
                             std::to_string(n) + "x" + std::to_string(d);
    benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) { run_lstsq<T>(s, method, n, d); })
        ->Unit(benchmark::kMicrosecond);
  }
}

template <class T>
void register_all() {
  for (auto [n, d] : solver_shapes()) register_shape<T>(n, d);
  register_refined<T>();
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_all<double>();
  stela::bench::register_all<float>();
  return stela::bench::run_benchmarks(argc, argv);
}
