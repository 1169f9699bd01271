// Householder QR family: unblocked against blocked QR, pivoted QR, the complete
// orthogonal decomposition, and applying Q^T to many or few vectors.
//
// Names read routine/variant/type/shape, a square shape as one number:
//   qr/unblocked/double/256        householder_qr_unblocked_inplace (xGEQR2)
//   qr/blocked/double/256          householder_qr_inplace with the default blocking (xGEQRF);
//                                  below the 64 KiB crossover this is the unblocked algorithm
//   qr/panels_nb32/double/256      householder_qr_inplace with QrBlocking{32, 0, 0}: panels
//                                  at every size
//   qr_pivoted/double/256          qr_pivoted_inplace (xGEQP3, level 2)
//   cod/double/2000x200            cod_inplace (pivoted QR, rank, RZ)
//   apply_qt/unblocked|panels/double/2000x200/w4
//                                  qr_apply_q_inplace(left, Q^T) on w columns, k = n
// and two paired families for choosing the constants of qr.hpp's QrBlocking:
//   qr/speedup_nb32/double/2048    each iteration factors the same matrix unblocked and then
//                                  with QrBlocking{32, 0, 0}, back to back, on thread CPU
//                                  time; counter speedup = median of t_unblocked / t_blocked
//   apply_qt/speedup/double/20000x200/w64   the same for Q^T on 64 columns
// A loaded machine slows both halves of a pair alike, so the median ratio is much
// steadier than two separate timings.
//
// The flops counter is the routine card's leading term per iteration, as a rate:
//   QR, pivoted QR, COD of a full-rank matrix: 2n^2 (m - n/3) (m >= n), 2m^2 (n - m/3) (m < n);
//   apply Q^T: 4 m w k - 2 w k^2.
// The input is built before the timed loop; the workspace is allocated once. The routines
// work in place, so every iteration first copies the input into the working matrix: an
// O(mn) copy inside the timed region, against O(mn^2) for the factorization.
//
//   bench_qr --benchmark_filter='^(qr/(unblocked|blocked|panels_nb32)|qr_pivoted|cod)/double/'
//            --benchmark_repetitions=3 --benchmark_report_aggregates_only=true   (one line)
//   bench_qr --benchmark_filter='^qr/speedup_nb32/double/' --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "stela/qr.hpp"
#include "stela/workspace.hpp"

namespace stela::bench {
namespace {

struct Shape {
  index m;
  index n;
};

std::vector<Shape> square_and_tall() {
  std::vector<Shape> shapes;
  for (index n : {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024}) shapes.push_back({n, n});
  shapes.push_back({2000, 200});
  shapes.push_back({20000, 50});
  return shapes;
}

std::string shape_name(Shape s) { return bench::shape_name(s.m, s.n); }

double qr_flops(Shape s) {
  const double m = double(s.m), n = double(s.n);
  return s.m >= s.n ? 2 * n * n * (m - n / 3) : 2 * m * m * (n - m / 3);
}

enum class QrVariant { unblocked, blocked, panels };

template <class T>
void qr_factor(benchmark::State& state, Shape s, QrVariant variant, QrBlocking blocking) {
  const Matrix<T> A0 = gaussian<T>(s.m, s.n, 1);
  Matrix<T> A(s.m, s.n);
  Vector<T> tau(std::min(s.m, s.n));
  WorkspaceBuffer buffer(householder_qr_workspace_size<T>(s.m, s.n, blocking));
  for (auto _ : state) {
    copy(MatrixView<const T>(A0), A.view());
    const Status status = variant == QrVariant::unblocked
                              ? householder_qr_unblocked_inplace(A.view(), tau.view(), buffer.workspace())
                              : householder_qr_inplace(A.view(), tau.view(), buffer.workspace(), blocking);
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(qr_flops(s));
}

// Thread CPU time in seconds: other processes on a shared machine do not inflate it.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// The input of C := Q^T C: the QR factors of an m x n Gaussian matrix (seed 4), F holding
// R and the k = min(m, n) reflectors and tau their scalars, and an m x w Gaussian C0
// (seed 5) with the working copy C.
template <class T>
struct ApplyQtProblem {
  Matrix<T> F;
  Vector<T> tau;
  Matrix<T> C0, C;
  ApplyQtProblem(Shape s, index w)
      : F(gaussian<T>(s.m, s.n, 4)), tau(std::min(s.m, s.n)), C0(gaussian<T>(s.m, w, 5)), C(s.m, w) {
    WorkspaceBuffer buffer(householder_qr_workspace_size<T>(s.m, s.n));
    status = householder_qr_inplace(F.view(), tau.view(), buffer.workspace());
  }
  Status status = Status::ok;  // of the factorization; the benchmarks skip with it unless ok
};

// The median of the values (0 when there are none); reorders them.
double median(std::vector<double>& values) {
  if (values.empty()) return 0.0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// Paired comparison for choosing the constants: every iteration factors the same
// matrix unblocked and then with `blocking`, back to back, and the counter `speedup` is
// the median over iterations of t_unblocked / t_blocked. Noise from a loaded machine
// hits both halves of a pair alike, so the median ratio is far steadier than two
// separate timings.
template <class T>
void qr_speedup(benchmark::State& state, Shape s, QrBlocking blocking) {
  const Matrix<T> A0 = gaussian<T>(s.m, s.n, 1);
  Matrix<T> A(s.m, s.n);
  Vector<T> tau(std::min(s.m, s.n));
  WorkspaceBuffer buffer(householder_qr_workspace_size<T>(s.m, s.n, blocking));
  std::vector<double> ratios;
  for (auto _ : state) {
    copy(MatrixView<const T>(A0), A.view());
    const double t0 = thread_seconds();
    Status status = householder_qr_unblocked_inplace(A.view(), tau.view(), buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::ClobberMemory();
    const double t1 = thread_seconds();
    copy(MatrixView<const T>(A0), A.view());
    const double t2 = thread_seconds();
    status = householder_qr_inplace(A.view(), tau.view(), buffer.workspace(), blocking);
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::ClobberMemory();
    const double t3 = thread_seconds();
    ratios.push_back((t1 - t0) / std::max(t3 - t2, 1e-9));
    state.SetIterationTime((t1 - t0) + (t3 - t2));
  }
  state.counters["speedup"] = median(ratios);
}

// The same paired comparison for C := Q^T C with C m x w (k = n reflectors): unblocked
// against `blocking`.
template <class T>
void apply_speedup(benchmark::State& state, Shape s, index w, QrBlocking blocking) {
  ApplyQtProblem<T> p(s, w);
  if (p.status != Status::ok) state.SkipWithError(to_string(p.status));
  const index k = p.tau.size();
  const QrBlocking none{blocking.block_size, std::numeric_limits<index>::max(), 0};
  WorkspaceBuffer buffer(max(qr_apply_q_workspace_size<T>(Side::left, s.m, w, k, blocking),
                             qr_apply_q_workspace_size<T>(Side::left, s.m, w, k, none)));
  std::vector<double> ratios;
  for (auto _ : state) {
    double t[2];
    for (int variant = 0; variant < 2; ++variant) {
      copy(MatrixView<const T>(p.C0), p.C.view());
      const double t0 = thread_seconds();
      const Status status = qr_apply_q_inplace(Side::left, Op::transpose, MatrixView<const T>(p.F),
                                               VectorView<const T>(p.tau), p.C.view(), buffer.workspace(),
                                               variant == 0 ? none : blocking);
      if (status != Status::ok) state.SkipWithError(to_string(status));
      benchmark::ClobberMemory();
      t[variant] = thread_seconds() - t0;
    }
    ratios.push_back(t[0] / std::max(t[1], 1e-9));
    state.SetIterationTime(t[0] + t[1]);
  }
  state.counters["speedup"] = median(ratios);
}

template <class T>
void qr_pivoted_factor(benchmark::State& state, Shape s) {
  const Matrix<T> A0 = gaussian<T>(s.m, s.n, 2);
  Matrix<T> A(s.m, s.n);
  Vector<T> tau(std::min(s.m, s.n));
  Vector<index> perm(s.n);
  WorkspaceBuffer buffer(qr_pivoted_workspace_size<T>(s.m, s.n));
  for (auto _ : state) {
    copy(MatrixView<const T>(A0), A.view());
    const Status status = qr_pivoted_inplace(A.view(), tau.view(), perm.view(), buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(qr_flops(s));
}

template <class T>
void cod_factor(benchmark::State& state, Shape s) {
  const Matrix<T> A0 = gaussian<T>(s.m, s.n, 3);  // full rank: the RZ step has nothing to do for m >= n
  Matrix<T> A(s.m, s.n);
  const index k = std::min(s.m, s.n);
  Vector<T> tau(k), tau_z(k);
  Vector<index> perm(s.n);
  WorkspaceBuffer buffer(cod_workspace_size<T>(s.m, s.n));
  index rank = 0;
  for (auto _ : state) {
    copy(MatrixView<const T>(A0), A.view());
    const Status status = cod_inplace(A.view(), tau.view(), tau_z.view(), perm.view(), rank, RankTolerance<T>{},
                                      buffer.workspace());
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::ClobberMemory();
  }
  state.counters["flops"] = flop_rate(qr_flops(s));
  state.counters["rank"] = static_cast<double>(rank);
}

// C := Q^T C for C m x w, Q from the QR of an m x n Gaussian matrix (k = n reflectors).
template <class T>
void apply_qt(benchmark::State& state, Shape s, index w, QrBlocking blocking) {
  ApplyQtProblem<T> p(s, w);
  if (p.status != Status::ok) state.SkipWithError(to_string(p.status));
  const index k = p.tau.size();
  WorkspaceBuffer buffer(qr_apply_q_workspace_size<T>(Side::left, s.m, w, k, blocking));
  for (auto _ : state) {
    copy(MatrixView<const T>(p.C0), p.C.view());
    const Status status = qr_apply_q_inplace(Side::left, Op::transpose, MatrixView<const T>(p.F),
                                             VectorView<const T>(p.tau), p.C.view(), buffer.workspace(), blocking);
    if (status != Status::ok) state.SkipWithError(to_string(status));
    benchmark::ClobberMemory();
  }
  const double m = double(s.m), kk = double(k), ww = double(w);
  state.counters["flops"] = flop_rate(4 * m * ww * kk - 2 * ww * kk * kk);
}

template <class T>
void register_type() {
  const std::string t = type_name<T>();
  constexpr index kNoPanels = std::numeric_limits<index>::max();
  for (Shape s : square_and_tall()) {
    const std::string shape = shape_name(s);
    benchmark::RegisterBenchmark(("qr/unblocked/" + t + "/" + shape).c_str(), qr_factor<T>, s, QrVariant::unblocked,
                                 QrBlocking{QrBlocking::kBlockSize, kNoPanels, 0});
    benchmark::RegisterBenchmark(("qr/blocked/" + t + "/" + shape).c_str(), qr_factor<T>, s, QrVariant::blocked,
                                 QrBlocking{});
    for (index nb : {16, 32, 64})
      benchmark::RegisterBenchmark(("qr/panels_nb" + std::to_string(nb) + "/" + t + "/" + shape).c_str(), qr_factor<T>,
                                   s, QrVariant::panels, QrBlocking{nb, 0, 0});
    benchmark::RegisterBenchmark(("qr_pivoted/" + t + "/" + shape).c_str(), qr_pivoted_factor<T>, s);
    benchmark::RegisterBenchmark(("cod/" + t + "/" + shape).c_str(), cod_factor<T>, s);
  }
  // The paired study behind kBlockSize and kBlockedCrossover: from cache-resident sizes
  // to matrices of 32 MiB and more, which do not fit in the reference machine's L3.
  const Shape study[] = {{32, 32},       {64, 64},       {96, 96},       {128, 128},    {192, 192},
                         {500, 50},      {1000, 100},    {256, 256},     {512, 512},     {1024, 1024},   {1280, 1280},  {1536, 1536},
                         {1792, 1792},   {2048, 2048},   {2896, 2896},   {2000, 200},   {20000, 50},
                         {20000, 100},   {40000, 50},    {20000, 200},   {20000, 400}};
  for (Shape s : study)
    for (index nb : {16, 32, 64, 96, 128})
      benchmark::RegisterBenchmark(("qr/speedup_nb" + std::to_string(nb) + "/" + t + "/" + shape_name(s)).c_str(),
                                   qr_speedup<T>, s, QrBlocking{nb, 0, 0})
          ->UseManualTime();
  for (Shape s : {Shape{2000, 200}, Shape{20000, 200}})
    for (index w : {4, 16, 32, 64, 128, 256})
      benchmark::RegisterBenchmark(("apply_qt/speedup/" + t + "/" + shape_name(s) + "/w" + std::to_string(w)).c_str(),
                                   apply_speedup<T>, s, w, QrBlocking{QrBlocking::kBlockSize, 0, 0})
          ->UseManualTime();
  // Q^T on few and on many vectors, with and without blocks: where the T factors pay off.
  for (Shape s : {Shape{2000, 200}, Shape{512, 512}})
    for (index w : {1, 4, 8, 16, 32, 64, 256}) {
      const std::string name = shape_name(s) + "/w" + std::to_string(w);
      benchmark::RegisterBenchmark(("apply_qt/unblocked/" + t + "/" + name).c_str(), apply_qt<T>, s, w,
                                   QrBlocking{QrBlocking::kBlockSize, kNoPanels, 0});
      benchmark::RegisterBenchmark(("apply_qt/panels/" + t + "/" + name).c_str(), apply_qt<T>, s, w,
                                   QrBlocking{QrBlocking::kBlockSize, 0, 0});
    }
}

}  // namespace
}  // namespace stela::bench

int main(int argc, char** argv) {
  stela::bench::register_type<float>();
  stela::bench::register_type<double>();
  return stela::bench::run_benchmarks(argc, argv);
}
