// The portable gemm micro-kernel: plain C++ loops over a small register tile.
//
// Computes:     C := alpha a b + beta C for one kMr x kNr tile, a and b packed slivers of
//               depth kc (layout in gemm_microkernel.hpp); beta = 0 does not read C.
// Reference:    K. Goto and R. van de Geijn, "Anatomy of high-performance matrix
//               multiplication", ACM TOMS 34(3), 2008, section 4 (the kernel as a
//               sequence of rank-1 updates of a register-resident tile); F. Van Zee and
//               R. van de Geijn, "BLIS", ACM TOMS 41(3), 2015 (the micro-kernel as the
//               only ISA-dependent piece).
// Cost:         2 kMr kNr kc flops per call; kMr + kNr loads per kMr kNr multiply-adds.
// Where used:   every CPU without a dedicated kernel (Arm, RISC-V, Cortex-M, x86-64 without
//               AVX2/FMA), and in the tests as the fallback they force. No intrinsics and
//               no headers beyond the core's: it builds with -fno-exceptions -fno-rtti -Os
//               for a microcontroller.
// Tile:         4 x 4. Its 16 accumulators plus a column of a and a row of b fit the 32
//               single-precision registers of a Cortex-M4F/M7 FPU and the 16 of SSE2 (as
//               8 two-wide vectors in double); a larger tile would spill on the first.
// Stability:    each entry is alpha times an inner product of length kc accumulated in a
//               fixed order, plus beta C: Higham, Accuracy and Stability, 2nd ed., 3.5.
#include "gemm_microkernel.hpp"

namespace stela::detail {
namespace {

constexpr index kMr = 4;
constexpr index kNr = 4;
// Blocks: an op(A) block of kMc x kKc doubles is 256 KiB (the L2 of most cores that
// run this kernel, half of it in float), a kKc x kNr sliver of op(B) 8 KiB (in L1).
constexpr index kMc = 128;
constexpr index kKc = 256;
constexpr index kNc = 2048;

template <class T>
void micro_kernel_4x4(index kc, T alpha, const T* a, const T* b, T beta, T* C, index ldc) {
  // ab := sum_p a(:, p) b(p, :), one rank-1 update per p.
  T ab[kNr][kMr] = {};
  for (index p = 0; p < kc; ++p, a += kMr, b += kNr)
    for (index j = 0; j < kNr; ++j)
      for (index i = 0; i < kMr; ++i) ab[j][i] += a[i] * b[j];
  // C := alpha ab + beta C (beta = 0: C is written, never read).
  for (index j = 0; j < kNr; ++j) {
    T* c = C + j * ldc;
    if (beta == T(0)) {
      for (index i = 0; i < kMr; ++i) c[i] = alpha * ab[j][i];
    } else {
      for (index i = 0; i < kMr; ++i) c[i] = alpha * ab[j][i] + beta * c[i];
    }
  }
}

}  // namespace

template <class T>
MicroKernel<T> generic_micro_kernel() {
  MicroKernel<T> kernel;
  kernel.run = micro_kernel_4x4<T>;
  kernel.mr = kMr;
  kernel.nr = kNr;
  kernel.mc = kMc;
  kernel.kc = kKc;
  kernel.nc = kNc;
  kernel.name = "generic 4x4";
  return kernel;
}

template MicroKernel<float> generic_micro_kernel<float>();
template MicroKernel<double> generic_micro_kernel<double>();

}  // namespace stela::detail
