// The AVX2 + FMA gemm micro-kernel, in portable C++ with GCC/Clang vector extensions.
//
// Computes:     C := alpha a b + beta C for one kMr x 6 tile (kMr = 8 in double, 16 in
//               float), a and b packed slivers of depth kc (layout in
//               gemm_microkernel.hpp); beta = 0 does not read C.
// Reference:    K. Goto and R. van de Geijn, "Anatomy of high-performance matrix
//               multiplication", ACM TOMS 34(3), 2008; F. Van Zee and R. van de Geijn,
//               "BLIS: a framework for rapidly instantiating BLAS functionality", ACM TOMS
//               41(3), 2015 (its Haswell kernels use the same 8 x 6 / 16 x 6 tiles).
// Cost:         2 kMr 6 kc flops per call: per p, two vector loads of a, six broadcasts
//               of b and twelve fused multiply-adds.
// Registers:    the tile is 12 vectors of 256 bits (2 per column x 6 columns); with the
//               two vectors of a's column and one broadcast of b that is 15 of the 16
//               ymm registers, so nothing spills. Twelve independent FMA chains cover the
//               FMA latency (4 cycles) times the two FMA ports with room to spare.
// Dispatch:     the functions carry __attribute__((target("avx2,fma"))), so a default
//               build (no -march) contains them; gemm_packed.cpp calls them only when
//               cpu_runs_avx2_fma() said yes, asked once (libgcc's cpu model, which also
//               checks that the OS saves the ymm registers). Other builds compile nothing
//               here but stubs: no x86 header is included anywhere.
// Rounding:     the compiler contracts acc + a * b to an FMA (one rounding instead of
//               two); the error bound of an inner product holds either way (Higham,
//               Accuracy and Stability, 2nd ed., 3.5).
// Blocks:       kc = 256 in double, 512 in float (2 KiB per row of a sliver): a kc x 6
//               sliver of op(B) is 12 KiB and stays in L1 (32 KiB or more) while the
//               kernel streams a's sliver past it; mc = 144: the 144 x kc op(A) block is
//               288 KiB, well inside a 1 MiB L2 with room for B's sliver and C's tiles;
//               nc = 4080 (a multiple of 6) bounds the packed op(B) block at about 8 MiB
//               (an L3 share). kc (in double) and nc are BLIS's Haswell values; mc and the
//               float kc were chosen with bench_blas (gemm_packed/NN/*/256 and 1024) on a
//               Zen 4 core, where mc 72 to 192 and kc 256 to 512 were within the noise of
//               a shared machine of each other.
#include "gemm_microkernel.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STELA_GEMM_AVX2 1
#include <cstring>
#endif

namespace stela::detail {

#if defined(STELA_GEMM_AVX2)
namespace {

constexpr index kNr = 6;
constexpr index kMc = 144;
// The same bytes in both types: 256 doubles, 512 floats.
template <class T>
constexpr index kKc = 2048 / static_cast<index>(sizeof(T));
constexpr index kNc = 4080;

// Four doubles or eight floats: one ymm register.
template <class T>
struct Ymm;
template <>
struct Ymm<double> {
  typedef double type __attribute__((vector_size(32)));
};
template <>
struct Ymm<float> {
  typedef float type __attribute__((vector_size(32)));
};

// kMr = two vectors of T.
template <class T>
constexpr index kLanes = 32 / static_cast<index>(sizeof(T));
template <class T>
constexpr index kMr = 2 * kLanes<T>;

template <class T>
__attribute__((target("avx2,fma"))) void micro_kernel_avx2(index kc, T alpha, const T* a, const T* b, T beta, T* C,
                                                            index ldc) {
  using V = typename Ymm<T>::type;
  constexpr index L = kLanes<T>;
  // ab(:, j) = [lo[j]; hi[j]] := sum_p a(:, p) b(p, j), one rank-1 update per p.
  V lo[kNr] = {}, hi[kNr] = {};
#pragma GCC unroll 4
  for (index p = 0; p < kc; ++p, a += 2 * L, b += kNr) {
    V a_lo, a_hi;
    std::memcpy(&a_lo, a, sizeof(V));
    std::memcpy(&a_hi, a + L, sizeof(V));
#pragma GCC unroll 6
    for (index j = 0; j < kNr; ++j) {
      const V b_j = b[j] - V{};  // broadcast b(p, j) (x - 0 is x exactly, so no add is emitted)
      lo[j] += a_lo * b_j;
      hi[j] += a_hi * b_j;
    }
  }
  // C := alpha ab + beta C (beta = 0: C is written, never read).
  const V alpha_v = alpha - V{};
  const V beta_v = beta - V{};
#pragma GCC unroll 6
  for (index j = 0; j < kNr; ++j) {
    T* c = C + j * ldc;
    V c_lo = alpha_v * lo[j], c_hi = alpha_v * hi[j];
    if (beta != T(0)) {
      V old_lo, old_hi;
      std::memcpy(&old_lo, c, sizeof(V));
      std::memcpy(&old_hi, c + L, sizeof(V));
      c_lo += beta_v * old_lo;
      c_hi += beta_v * old_hi;
    }
    std::memcpy(c, &c_lo, sizeof(V));
    std::memcpy(c + L, &c_hi, sizeof(V));
  }
}

}  // namespace

template <class T>
MicroKernel<T> avx2_fma_micro_kernel() {
  MicroKernel<T> kernel;
  kernel.run = micro_kernel_avx2<T>;
  kernel.mr = kMr<T>;
  kernel.nr = kNr;
  kernel.mc = kMc;
  kernel.kc = kKc<T>;
  kernel.nc = kNc;
  kernel.name = sizeof(T) == sizeof(double) ? "avx2_fma 8x6" : "avx2_fma 16x6";
  return kernel;
}

bool cpu_runs_avx2_fma() {
  static const bool runs = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return runs;
}

#else  // no AVX2 code in this build

template <class T>
MicroKernel<T> avx2_fma_micro_kernel() {
  return MicroKernel<T>();
}

bool cpu_runs_avx2_fma() { return false; }

#endif

template MicroKernel<float> avx2_fma_micro_kernel<float>();
template MicroKernel<double> avx2_fma_micro_kernel<double>();

}  // namespace stela::detail
