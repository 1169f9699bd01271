// Internal to stela's sources (not installed): the level-1 and level-2 loops compiled a
// second time for AVX2 + FMA in a default build (no -march), and the run-time choice
// between the two (src/blas/isa_dispatch.cpp).
//
// A hot loop is written once, as a portable function template. Where this build can
// hold x86 AVX2 code (x86-64 with GCC or Clang), a wrapper marked STELA_AVX2_FMA calls
// it: `flatten` inlines the body and everything it calls into the wrapper, and
// `target("avx2,fma")` compiles that copy for AVX2 + FMA (four doubles or eight floats
// per instruction, a * b + c fused). The caller takes the wrapper when use_avx2_fma()
// says so, the portable copy otherwise: the same source, one branch on a value read
// once. The gemm micro-kernel chooses by the same rule (src/blas/gemm_packed.cpp).
//
// Rounding: the AVX2 copy fuses multiply-adds, the portable one (built without -march)
// does not, so results can differ in the last bits between CPUs with and without AVX2.
// Every error bound stela relies on holds either way (Higham, Accuracy and Stability,
// 2nd ed., 3.5), and the test suite runs both ways (STELA_KERNELS=generic, below).
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define STELA_HAVE_AVX2_FMA_CODE 1
#define STELA_AVX2_FMA __attribute__((target("avx2,fma"), flatten))
#endif

namespace stela::detail {

// Whether the AVX2 + FMA copies run: this build has them, the CPU (and OS) runs AVX2 and
// FMA (cpu_runs_avx2_fma), and the environment variable STELA_KERNELS is not "generic"
// (a switch for testing and timing the portable code on a machine with AVX2). Decided
// once per process.
bool use_avx2_fma();

// Below this many entries a loop runs its portable copy inline: the call to the wider
// copy would cost more than it saves.
constexpr long kAvx2MinLength = 16;

}  // namespace stela::detail
