// Internal to stela's sources (not installed): the micro-kernels of the packed gemm and
// the blocking each one is paired with.
//
// In the Goto/BLIS design (K. Goto and R. van de Geijn, "Anatomy of high-performance
// matrix multiplication", ACM TOMS 34(3), 2008; F. Van Zee and R. van de Geijn, "BLIS: a
// framework for rapidly instantiating BLAS functionality", ACM TOMS 41(3), 2015) the
// micro-kernel is the only code that depends on the instruction set: it multiplies one
// packed kc x mr sliver of op(A) by one packed kc x nr sliver of op(B) with the mr x nr
// result held in registers. Everything around it (src/blas/gemm_packed.cpp) is portable;
// it only needs to know the register tile (mr, nr) and the cache blocks (mc, kc, nc) that
// suit the kernel.
//
// Packed storage the kernels read (p = 0 .. kc-1):
//   a[p * mr + i] = op(A)(i, p)   i = 0 .. mr-1   (a column of the sliver, contiguous)
//   b[p * nr + j] = op(B)(p, j)   j = 0 .. nr-1   (a row of the sliver, contiguous)
// Both start on a 64-byte boundary (the workspace's alignment).
#pragma once

#include "stela/matrix.hpp"

namespace stela::detail {

// C := alpha a b + beta C for one mr x nr tile of C with leading dimension ldc; beta = 0
// overwrites C without reading it. kc >= 1.
template <class T>
using MicroKernelFunction = void (*)(index kc, T alpha, const T* a, const T* b, T beta, T* C, index ldc);

// A micro-kernel and the blocks sized for it.
template <class T>
struct MicroKernel {
  MicroKernelFunction<T> run = nullptr;
  index mr = 0;  // rows of the register tile
  index nr = 0;  // columns of the register tile
  index mc = 0;  // rows of the packed op(A) block (kept in L2), a multiple of mr
  index kc = 0;  // depth of both packed blocks
  index nc = 0;  // columns of the packed op(B) block (kept in L3), a multiple of nr
  const char* name = "";
};

// The largest mr * nr of any kernel: the edge tiles are computed into a local buffer of
// this size.
constexpr index kMaxMicroTile = 16 * 6;

// Portable C++ (src/blas/gemm_microkernel_generic.cpp): every target, every compiler.
template <class T>
MicroKernel<T> generic_micro_kernel();

// AVX2 + FMA, compiled for that ISA whatever the build flags
// (src/blas/gemm_microkernel_avx2.cpp). run == nullptr when this build has no such code
// (not x86-64, or not GCC/Clang).
template <class T>
MicroKernel<T> avx2_fma_micro_kernel();

// Whether the running CPU (and its operating system) executes AVX2 and FMA; asked once.
// False when the build has no AVX2 code.
bool cpu_runs_avx2_fma();

}  // namespace stela::detail
