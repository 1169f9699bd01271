// BLAS-level kernels: gemm (op(A) = A and A^T), nrm2, trsm, in float and double.
//
// Names read kernel/variant/type/size: gemm/NN/double/256 is C := A B with square
// 256 x 256 operands, trsm/LLN/double/256 solves L X = B for a lower triangular L and
// 256 right-hand sides. Inputs are built before the timed loop and reused by every
// iteration. The flops counter is the card's formula per iteration (2mnk for gemm,
// m^2 n for trsm), reported as a rate; nrm2 reports bytes read per second.
//
//   bench_blas --benchmark_filter='gemm/NN/double/.*'
#include <benchmark/benchmark.h>

#include <string>

#include "bench_support.hpp"
#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::bench {
namespace {

constexpr index kSquareSizes[] = {64, 128, 256, 512, 1024};
constexpr index kVectorSizes[] = {1 << 10, 1 << 14, 1 << 20};

// C := op(A) B, all three n x n.
template <class T>
void gemm_square(benchmark::State& state, Op transa, index n) {
  const Matrix<T> A = gaussian<T>(n, n, 1), B = gaussian<T>(n, n, 2);
  Matrix<T> C(n, n);
  for (auto _ : state) {
    Status status = gemm(transa, Op::none, T(1), A, B, T(0), C.view());
    benchmark::DoNotOptimize(status);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(2.0 * double(n) * double(n) * double(n));
}

template <class T>
void nrm2_vector(benchmark::State& state, index n) {
  const Matrix<T> x = gaussian<T>(n, 1, 3);
  for (auto _ : state) {
    T result = nrm2(x.col(0));
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * n * static_cast<std::int64_t>(sizeof(T)));
}

// X := L^{-1} B, L n x n lower triangular (Gaussian plus n I, well conditioned), B n x n.
// Every iteration solves the same system: B is restored outside the timed region.
template <class T>
void trsm_left_lower(benchmark::State& state, index n) {
  Matrix<T> L = gaussian<T>(n, n, 4);
  for (index i = 0; i < n; ++i) L(i, i) += T(n);
  const Matrix<T> B = gaussian<T>(n, n, 5);
  Matrix<T> X = B;
  for (auto _ : state) {
    Status status = trsm(Side::left, Uplo::lower, Op::none, Diag::non_unit, T(1), L, X.view());
    benchmark::DoNotOptimize(status);
    benchmark::ClobberMemory();
    state.PauseTiming();
    copy(B, X.view());
    state.ResumeTiming();
  }
  state.counters["flops"] = flop_rate(double(n) * double(n) * double(n));
}

template <class T>
void register_for_type() {
  const std::string type = type_name<T>();
  for (index n : kSquareSizes) {
    const std::string size = std::to_string(n);
    benchmark::RegisterBenchmark(("gemm/NN/" + type + "/" + size).c_str(), gemm_square<T>, Op::none, n)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("gemm/TN/" + type + "/" + size).c_str(), gemm_square<T>, Op::transpose, n)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("trsm/LLN/" + type + "/" + size).c_str(), trsm_left_lower<T>, n)
        ->Unit(benchmark::kMicrosecond);
  }
  for (index n : kVectorSizes)
    benchmark::RegisterBenchmark(("nrm2/" + type + "/" + std::to_string(n)).c_str(), nrm2_vector<T>, n);
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_for_type<float>();
  stela::bench::register_for_type<double>();
  return stela::bench::run_benchmarks(argc, argv);
}
