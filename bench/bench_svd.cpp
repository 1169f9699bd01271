// The SVD: Golub–Kahan and one-sided Jacobi, values only and with thin vectors, in
// float and double, square 8 ... 1024 and tall 2000 x 200, 20000 x 50.
//
// Names read svd/method/vectors/type/shape: svd/golub_kahan/thin/double/256,
// svd/jacobi/values/double/2000x200. The input is a Gaussian matrix built before the
// timed loop; the low-level svd_inplace runs on a preallocated workspace and outputs.
// The routine overwrites A, so every iteration first copies A into the work matrix
// (mn copies, negligible next to the O(mn^2) SVD) inside the timed region.
// The flops counter is the nominal Golub–Kahan count of the routine card (Golub & Van
// Loan 8.6.3), with m >= n the long side: 4mn^2 - 4n^3/3 for values only, 14mn^2 + 8n^3
// with thin U and V. Jacobi is given the same nominal count, so the rates compare the
// two methods' times directly.
//
//   bench_svd --benchmark_filter='svd/golub_kahan/.*/double/.*'
// The family svd/gk_crossover/{direct,qr_first}/... times Golub–Kahan with the QR-first
// step forced off and on at m / n from 1 to 5, to place the crossover (kQrFirstRatio).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "bench_support.hpp"
#include "stela/matrix.hpp"
#include "stela/svd.hpp"
#include "stela/workspace.hpp"

namespace stela::bench {
namespace {

double nominal_flops(index m, index n, SvdVectors vectors) {
  const double a = static_cast<double>(std::max(m, n)), b = static_cast<double>(std::min(m, n));
  return vectors == SvdVectors::none ? 4 * a * b * b - 4 * b * b * b / 3 : 14 * a * b * b + 8 * b * b * b;
}

template <class T>
void svd_case(benchmark::State& state, SvdMethod method, SvdVectors vectors, index m, index n,
              double qr_first_ratio = -1) {
  const Matrix<T> A0 = gaussian<T>(m, n, 17);
  const index k = std::min(m, n);
  SvdOptions opts;
  opts.method = method;
  opts.vectors = vectors;
  opts.qr_first_ratio = qr_first_ratio;
  Matrix<T> A(m, n), U(vectors == SvdVectors::none ? 0 : m, vectors == SvdVectors::none ? 0 : k),
      V(vectors == SvdVectors::none ? 0 : n, vectors == SvdVectors::none ? 0 : k);
  Vector<T> s(k);
  WorkspaceBuffer buffer(svd_workspace_size<T>(m, n, opts));
  SvdInfo<T> info;
  for (auto _ : state) {
    copy(MatrixView<const T>(A0), A.view());
    Status status = svd_inplace(A.view(), s.view(), U.view(), V.view(), opts, info, buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(nominal_flops(m, n, vectors));
  state.counters["sweeps"] = static_cast<double>(info.sweeps);
  state.counters["qr_first"] = info.qr_first ? 1 : 0;
}

template <class T>
void register_type() {
  const std::pair<index, index> shapes[] = {{8, 8},     {16, 16},   {32, 32},    {64, 64},  {128, 128},
                                            {256, 256}, {512, 512}, {1024, 1024}, {2000, 200}, {20000, 50}};
  for (SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi})
    for (SvdVectors vectors : {SvdVectors::none, SvdVectors::thin})
      for (auto [m, n] : shapes) {
        const std::string name = std::string("svd/") + (method == SvdMethod::jacobi ? "jacobi" : "golub_kahan") +
                                 "/" + (vectors == SvdVectors::none ? "values" : "thin") + "/" + type_name<T>() +
                                 "/" + shape_name(m, n);
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
          svd_case<T>(state, method, vectors, m, n);
        })->Unit(benchmark::kMillisecond);
      }
}

// The Golub–Kahan crossover: the same tall matrices with and without QR first, m / n
// from 1 to 5 (n = 200): svd/gk_crossover/{direct,qr_first}/{values,thin}/double/mxn.
void register_crossover() {
  const index n = 200;
  for (SvdVectors vectors : {SvdVectors::none, SvdVectors::thin})
    for (double ratio : {1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0})
      for (bool qr_first : {false, true}) {
        const index m = static_cast<index>(ratio * static_cast<double>(n));
        const std::string name = std::string("svd/gk_crossover/") + (qr_first ? "qr_first" : "direct") + "/" +
                                 (vectors == SvdVectors::none ? "values" : "thin") + "/double/" + std::to_string(m) +
                                 "x" + std::to_string(n);
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
          svd_case<double>(state, SvdMethod::golub_kahan, vectors, m, n, qr_first ? 0.0 : 1e300);
        })->Unit(benchmark::kMillisecond);
      }
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_type<double>();
  stela::bench::register_type<float>();
  stela::bench::register_crossover();
  return stela::bench::run_benchmarks(argc, argv);
}
