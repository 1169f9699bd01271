// Cholesky (unblocked xPOTF2 vs blocked xPOTRF), LU (unblocked xGETF2 vs blocked
// xGETRF) and the naive normal equations (Cholesky and LU variants), in float and double.
//
// Names read routine/variant/type/shape:
//   cholesky/blocked/double/512            A = L L^T, A 512 x 512
//   lu/unblocked/float/256                 P A = L U, A 256 x 256
//   normal_equations/cholesky/double/2000x200   min ||y - X w||, X 2000 x 200, one y
// Square normal-equation shapes are written as one number (X n x n).
//
// Inputs are built before the timed loop; workspace is preallocated. A factorization
// overwrites its input, so each iteration first copies the saved input into the
// working matrix (n^2 copies, against n^3 / 3 flops or more; at n = 8 the copy is a
// visible part of the time, from n = 64 on it is noise). The normal equations leave
// their input alone and need no copy.
//
// flop counts (the cards' leading terms), reported as flop/s:
//   Cholesky n^3 / 3;  LU 2 n^3 / 3;
//   normal equations (k = 1 right-hand side):
//     m d^2 (syrk) + 2 m d (X^T y) + d^3 / 3 or 2 d^3 / 3 (factor) + 2 d^2 (solve).
//
//   bench_cholesky --benchmark_filter='cholesky/.*/double/.*'
#include <benchmark/benchmark.h>

#include <string>

#include "bench_support.hpp"
#include "stela/cholesky.hpp"
#include "stela/lu.hpp"
#include "stela/matrix.hpp"
#include "stela/normal_equations.hpp"
#include "stela/random.hpp"

namespace stela::bench {
namespace {

constexpr index kSquareSizes[] = {8, 16, 32, 64, 128, 256, 512, 1024};
// Tall least-squares shapes (m x d) for the normal equations.
constexpr index kTallShapes[][2] = {{2000, 200}, {20000, 50}};

// A symmetric positive definite n x n matrix: uniform entries in [-1, 1] and 2n on the
// diagonal (strictly diagonally dominant). Cholesky does not pivot, so the entries do
// not change the work.
template <class T>
Matrix<T> spd(index n) {
  Rng rng(1);
  Matrix<T> A(n, n);
  fill_uniform(rng, A.view());
  for (index j = 0; j < n; ++j) {
    for (index i = j + 1; i < n; ++i) A(j, i) = A(i, j);
    A(j, j) = T(2 * n);
  }
  return A;
}

// X for the normal equations: Gaussian, plus 2 sqrt(n) I when square so that its
// condition number stays a small constant (a square Gaussian matrix has kappa ~ n).
template <class T>
Matrix<T> design(index m, index d) {
  Matrix<T> X = gaussian<T>(m, d, 2);
  if (m == d)
    for (index i = 0; i < d; ++i) X(i, i) += T(2) * std::sqrt(static_cast<T>(d));
  return X;
}

enum class Variant { unblocked, blocked };

template <class T>
void cholesky_square(benchmark::State& state, Variant variant, index n) {
  const Matrix<T> A = spd<T>(n);
  Matrix<T> F(n, n);
  CholeskyInfo<T> info;
  // The blocked form with its packing buffers, as cholesky_inplace runs it.
  WorkspaceBuffer buffer(cholesky_blocked_workspace_size<T>(n));
  for (auto _ : state) {
    copy(MatrixView<const T>(A), F.view());
    const Status status = variant == Variant::unblocked ? cholesky_unblocked_inplace(F.view(), info)
                                                        : cholesky_blocked_inplace(F.view(), info, buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::DoNotOptimize(F.data());
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(double(n) * double(n) * double(n) / 3);
}

template <class T>
void lu_square(benchmark::State& state, Variant variant, index n) {
  const Matrix<T> A = gaussian<T>(n, n, 3);
  Matrix<T> F(n, n);
  Vector<index> pivots(n);
  LuInfo info;
  WorkspaceBuffer buffer(lu_workspace_size<T>(n));
  for (auto _ : state) {
    copy(MatrixView<const T>(A), F.view());
    const Status status = variant == Variant::unblocked ? lu_unblocked_inplace(F.view(), pivots.view(), info)
                                                        : lu_inplace(F.view(), pivots.view(), info, buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::DoNotOptimize(F.data());
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(2.0 * double(n) * double(n) * double(n) / 3);
}

enum class Solver { cholesky, lu };

template <class T>
void normal_equations(benchmark::State& state, Solver solver, index m, index d) {
  const Matrix<T> X = design<T>(m, d);
  const Matrix<T> y = gaussian<T>(m, 1, 4);
  Matrix<T> w(d, 1);
  NormalEquationsInfo<T> info;
  WorkspaceBuffer buffer(solver == Solver::cholesky ? normal_equations_cholesky_workspace_size<T>(m, d, 1)
                                                    : normal_equations_lu_workspace_size<T>(m, d, 1));
  for (auto _ : state) {
    const Status status = solver == Solver::cholesky
                              ? normal_equations_cholesky_inplace<T>(X, y, w.view(), info, buffer.workspace())
                              : normal_equations_lu_inplace<T>(X, y, w.view(), info, buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  const double md = double(m), dd = double(d);
  const double factor = solver == Solver::cholesky ? dd * dd * dd / 3 : 2 * dd * dd * dd / 3;
  state.counters["flops"] = flop_rate(md * dd * dd + 2 * md * dd + factor + 2 * dd * dd);
}

template <class T>
void register_for_type() {
  const std::string type = type_name<T>();
  for (index n : kSquareSizes) {
    const std::string size = std::to_string(n);
    for (Variant v : {Variant::unblocked, Variant::blocked}) {
      const std::string variant = v == Variant::unblocked ? "unblocked" : "blocked";
      benchmark::RegisterBenchmark(("cholesky/" + variant + "/" + type + "/" + size).c_str(), cholesky_square<T>, v, n)
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark(("lu/" + variant + "/" + type + "/" + size).c_str(), lu_square<T>, v, n)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  auto register_normal_equations = [&type](index m, index d, const std::string& shape) {
    benchmark::RegisterBenchmark(("normal_equations/cholesky/" + type + "/" + shape).c_str(), normal_equations<T>,
                                 Solver::cholesky, m, d)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("normal_equations/lu/" + type + "/" + shape).c_str(), normal_equations<T>, Solver::lu,
                                 m, d)
        ->Unit(benchmark::kMicrosecond);
  };
  for (index n : kSquareSizes) register_normal_equations(n, n, std::to_string(n));
  for (const auto& shape : kTallShapes)
    register_normal_equations(shape[0], shape[1], std::to_string(shape[0]) + "x" + std::to_string(shape[1]));
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_for_type<float>();
  stela::bench::register_for_type<double>();
  return stela::bench::run_benchmarks(argc, argv);
}
