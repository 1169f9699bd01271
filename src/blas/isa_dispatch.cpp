// The run-time choice of instruction set for the level-1/2 loops and gemm's micro-kernel
// (isa_dispatch.hpp): AVX2 + FMA where the build has the code and the CPU runs it,
// unless STELA_KERNELS=generic.
#include "isa_dispatch.hpp"

#include <cstdlib>
#include <cstring>

#include "gemm_microkernel.hpp"

namespace stela::detail {

bool use_avx2_fma() {
#if defined(STELA_HAVE_AVX2_FMA_CODE)
  static const bool use = [] {
    const char* choice = std::getenv("STELA_KERNELS");
    return cpu_runs_avx2_fma() && !(choice != nullptr && std::strcmp(choice, "generic") == 0);
  }();
  return use;
#else
  return false;
#endif
}

}  // namespace stela::detail
