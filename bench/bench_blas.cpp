// BLAS-level kernels: gemm (op(A) = A and A^T), nrm2, trsm, in float and double.
//
// Names read kernel/variant/type/size: gemm/NN/double/256 is C := A B with square
// 256 x 256 operands, trsm/LLN/double/256 solves L X = B for a lower triangular L and
// 256 right-hand sides. gemm/... is the form without workspace (unpacked);
// gemm_packed/... is gemm with its workspace (packed, the micro-kernel this CPU runs),
// gemm_packed_generic/... the same with the portable micro-kernel forced; 2000x200 is
// C (2000 x 200) := A (2000 x 200) B (200 x 200), the shape of a tall least-squares
// problem. Inputs are built before the timed loop and reused by every
// iteration. The flops counter is the card's formula per iteration (2mnk for gemm,
// m^2 n for trsm), reported as a rate; nrm2 reports bytes read per second.
//
//   bench_blas --benchmark_filter='gemm/NN/double/.*'
#include <benchmark/benchmark.h>

#include <string>

#include "bench_support.hpp"
#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/workspace.hpp"

namespace stela::bench {
namespace {

constexpr index kSquareSizes[] = {64, 128, 256, 512, 1024};
constexpr index kVectorSizes[] = {1 << 10, 1 << 14, 1 << 20};

// C := op(A) B with C m x n, op(A) m x k, through the gemm without workspace.
template <class T>
void gemm_unpacked(benchmark::State& state, Op transa, index m, index n, index k) {
  const Matrix<T> A = transa == Op::none ? gaussian<T>(m, k, 1) : gaussian<T>(k, m, 1);
  const Matrix<T> B = gaussian<T>(k, n, 2);
  Matrix<T> C(m, n);
  for (auto _ : state) {
    Status status = gemm(transa, Op::none, T(1), A, B, T(0), C.view());
    benchmark::DoNotOptimize(status);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(2.0 * double(m) * double(n) * double(k));
}

// C := op(A) B with C m x n, op(A) m x k, through the packed gemm and `kernel`; the
// workspace is allocated before the loop.
template <class T>
void gemm_packed(benchmark::State& state, detail::GemmKernel kernel, Op transa, index m, index n, index k) {
  if (!detail::gemm_kernel_available(kernel)) {
    state.SkipWithError("micro-kernel not available on this CPU");
    return;
  }
  const Matrix<T> A = transa == Op::none ? gaussian<T>(m, k, 1) : gaussian<T>(k, m, 1);
  const Matrix<T> B = gaussian<T>(k, n, 2);
  Matrix<T> C(m, n);
  WorkspaceBuffer buffer(gemm_workspace_size<T>(m, n, k));
  for (auto _ : state) {
    Status status = detail::gemm_with_kernel(kernel, transa, Op::none, T(1), MatrixView<const T>(A),
                                             MatrixView<const T>(B), T(0), C.view(), buffer.workspace());
    benchmark::DoNotOptimize(status);
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(2.0 * double(m) * double(n) * double(k));
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
    benchmark::RegisterBenchmark(("gemm/NN/" + type + "/" + size).c_str(), gemm_unpacked<T>, Op::none, n, n, n)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("gemm/TN/" + type + "/" + size).c_str(), gemm_unpacked<T>, Op::transpose, n, n, n)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("trsm/LLN/" + type + "/" + size).c_str(), trsm_left_lower<T>, n)
        ->Unit(benchmark::kMicrosecond);
  }
  for (index n : kSquareSizes) {
    const std::string size = std::to_string(n);
    for (Op transa : {Op::none, Op::transpose}) {
      const std::string ops = transa == Op::none ? "NN/" : "TN/";
      benchmark::RegisterBenchmark(("gemm_packed/" + ops + type + "/" + size).c_str(), gemm_packed<T>,
                                   detail::GemmKernel::automatic, transa, n, n, n)
          ->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark(("gemm_packed_generic/NN/" + type + "/" + size).c_str(), gemm_packed<T>,
                                 detail::GemmKernel::generic, Op::none, n, n, n)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark(("gemm/NN/" + type + "/2000x200").c_str(), gemm_unpacked<T>, Op::none, 2000, 200,
                               200)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(("gemm_packed/NN/" + type + "/2000x200").c_str(), gemm_packed<T>,
                               detail::GemmKernel::automatic, Op::none, 2000, 200, 200)
      ->Unit(benchmark::kMicrosecond);
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
