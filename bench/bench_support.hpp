// Helpers shared by the benchmark programs: the names in a case's name (type, shape),
// Gaussian inputs, the flop-rate counter, and main()'s run step.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "stela/matrix.hpp"
#include "stela/random.hpp"

namespace stela::bench {

template <class T>
const char* type_name() {
  return sizeof(T) == sizeof(float) ? "float" : "double";
}

// A square shape as one number ("256"), any other as rows x columns ("2000x200").
inline std::string shape_name(index m, index n) {
  return m == n ? std::to_string(n) : std::to_string(m) + "x" + std::to_string(n);
}

// The shapes of the solver families (bench_lstsq, bench_ridge): square 8 ... 1024, tall
// 2000 x 200 and 20000 x 50, wide 200 x 2000.
inline std::vector<std::pair<index, index>> solver_shapes() {
  std::vector<std::pair<index, index>> shapes;
  for (index n : {8, 16, 32, 64, 128, 256, 512, 1024}) shapes.emplace_back(n, n);
  shapes.emplace_back(2000, 200);
  shapes.emplace_back(20000, 50);
  shapes.emplace_back(200, 2000);
  return shapes;
}

// An m x n matrix of independent standard normal entries from the generator seeded
// with `seed`.
template <class T>
Matrix<T> gaussian(index m, index n, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<T> A(m, n);
  fill_gaussian(rng, A.view());
  return A;
}

// flop/s from a per-iteration count: multiplied by the iterations, divided by the time.
inline benchmark::Counter flop_rate(double flops_per_iteration) {
  return benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

// main() after registering its cases: parse the command line, run what it selects. A
// filter that matches nothing is an error, so a renamed case cannot pass unnoticed.
inline int run_benchmarks(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return ran == 0 ? 1 : 0;
}

}  // namespace stela::bench
