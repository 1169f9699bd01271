// Ridge regression: the three methods, the path and cross-validation, by shape.
//
// Names read ridge/<method>/<type>/<shape>, ridge_path/svd/..., ridge_cv/gcv/...: one
// family per shape (square 8 ... 1024, tall 2000x200 and 20000x50, wide 200x2000). The
// cholesky method is the normal-equations baseline of this family (primal d x d Gram
// matrix, or the n x n dual one when d > n).
//
// The problem: X from the catalogue (geometric, kappa = 1e6 in double, 1e3 in float),
// y = X w_true + noise, lambda = 1e-4 s_1^2. Counters next to the time:
//   disagreement  ||w - w_svd|| / ||w_svd||, w_svd the svd method's solution computed
//                 before the timed loop (the svd method itself reports its run-to-run 0);
//   residual      ||y - X w|| / ||y||.
// ridge_path and ridge_cv evaluate 20 log-spaced lambdas from one SVD.
//
//   bench_ridge --benchmark_filter='ridge/.*/double/2000x200'
#include <benchmark/benchmark.h>

#include <cmath>
#include <limits>
#include <string>

#include "bench_support.hpp"
#include "stela/blas.hpp"
#include "stela/random.hpp"
#include "stela/ridge.hpp"

namespace stela::bench {
namespace {

template <class T>
struct Problem {
  Matrix<T> X;
  Vector<T> y;
  T lambda = 0;
  Vector<T> lambdas;
  Status status = Status::ok;  // of building the problem
};

template <class T>
Problem<T> make_problem(index n, index d) {
  CatalogueOptions opts;
  opts.kappa = sizeof(T) == sizeof(float) ? 1e3 : 1e6;
  TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, n, d, 21, opts);
  Problem<T> p;
  p.X = std::move(tm.A);
  Rng rng(22);
  Vector<T> w_true(d), noise(n);
  fill_gaussian(rng, w_true.view());
  fill_gaussian(rng, noise.view());
  p.y = noise;
  scal(T(1e-2), p.y.view());
  p.status = gemv(Op::none, T(1), MatrixView<const T>(p.X), VectorView<const T>(w_true), T(1), p.y.view());
  p.lambda = T(1e-4);  // s_1 = 1 for the catalogue's geometric type
  p.lambdas = Vector<T>(20);
  for (index i = 0; i < 20; ++i) p.lambdas[i] = static_cast<T>(std::pow(10.0, -8.0 + 8.0 * double(i) / 19.0));
  return p;
}

template <class T>
T relative_residual(const Problem<T>& p, VectorView<const T> w) {
  Vector<T> r = p.y;
  if (gemv(Op::none, T(-1), MatrixView<const T>(p.X), w, T(1), r.view()) != Status::ok)
    return std::numeric_limits<T>::quiet_NaN();
  return nrm2(VectorView<const T>(r)) / nrm2(VectorView<const T>(p.y));
}

template <class T>
void run_ridge(benchmark::State& state, RidgeMethod method, index n, index d) {
  const Problem<T> p = make_problem<T>(n, d);
  if (p.status != Status::ok) {
    state.SkipWithError(to_string(p.status));
    return;
  }
  Result<RidgeResult<T>> reference = ridge(MatrixView<const T>(p.X), VectorView<const T>(p.y), p.lambda);
  RidgeOptions<T> opts;
  opts.method = method;
  Result<RidgeResult<T>> fit = Status::ok;
  for (auto _ : state) {
    fit = ridge(MatrixView<const T>(p.X), VectorView<const T>(p.y), p.lambda, opts);
    benchmark::DoNotOptimize(fit.value().solution.data());
    if (!fit.ok()) break;
  }
  if (!fit.ok() || !reference.ok()) {
    state.SkipWithError(to_string(fit.ok() ? reference.status() : fit.status()));
    return;
  }
  Vector<T> w(fit->solution.col(0)), difference(fit->solution.col(0));
  axpy(T(-1), reference->solution.col(0), difference.view());
  state.counters["disagreement"] =
      double(nrm2(VectorView<const T>(difference)) / nrm2(reference->solution.col(0)));
  state.counters["residual"] = double(relative_residual(p, VectorView<const T>(w)));
}

template <class T>
void run_path(benchmark::State& state, bool cv, index n, index d) {
  const Problem<T> p = make_problem<T>(n, d);
  if (p.status != Status::ok) {
    state.SkipWithError(to_string(p.status));
    return;
  }
  Matrix<T> Y(n, 1);
  copy(VectorView<const T>(p.y), Y.col(0));
  Status status = Status::ok;
  for (auto _ : state) {
    if (cv) {
      Result<RidgeCvResult<T>> r = ridge_cv(MatrixView<const T>(p.X), MatrixView<const T>(Y),
                                            VectorView<const T>(p.lambdas), CvCriterion::gcv);
      status = r.status();
      benchmark::DoNotOptimize(r.value().scores.data());
    } else {
      Result<std::vector<RidgeResult<T>>> r =
          ridge_path(MatrixView<const T>(p.X), MatrixView<const T>(Y), VectorView<const T>(p.lambdas));
      status = r.status();
      benchmark::DoNotOptimize(r.value().data());
    }
    if (status != Status::ok) break;
  }
  if (status != Status::ok) state.SkipWithError(to_string(status));
  state.counters["lambdas"] = double(p.lambdas.size());
}

template <class T>
void register_shape(index n, index d) {
  const std::string shape = std::string(type_name<T>()) + "/" + std::to_string(n) + "x" + std::to_string(d);
  for (RidgeMethod method : {RidgeMethod::svd, RidgeMethod::cholesky, RidgeMethod::augmented_qr}) {
    const std::string name = std::string("ridge/") + to_string(method) + "/" + shape;
    benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) { run_ridge<T>(s, method, n, d); })
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark(("ridge_path/svd/" + shape).c_str(),
                               [=](benchmark::State& s) { run_path<T>(s, false, n, d); })
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("ridge_cv/gcv/" + shape).c_str(),
                               [=](benchmark::State& s) { run_path<T>(s, true, n, d); })
      ->Unit(benchmark::kMicrosecond);
}

template <class T>
void register_all() {
  for (auto [n, d] : solver_shapes()) register_shape<T>(n, d);
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_all<double>();
  stela::bench::register_all<float>();
  return stela::bench::run_benchmarks(argc, argv);
}
