// Givens rotations: generation without overflow or underflow, and application.
//
// Counterparts: LAPACK 3.10 xLARTG (generation), BLAS xROT (application).
// Computes:     c, s, r with [c s; -s c] [f; g] = [r; 0], c >= 0, c^2 + s^2 = 1,
//               and r carrying the sign of f (so the rotation is the identity for g = 0
//               and never flips a vector that needs no rotation).
// Reference:    E. Anderson, "Algorithm 978: Safe scaling in the Level 1 BLAS",
//               ACM TOMS 44(1), 2017, section 4; Golub & Van Loan, Matrix
//               Computations, 4th ed., section 5.1.8.
// Cost:         one square root and a few divisions; rot is 6n flops.
// Stability:    c, s and r have relative errors of a few eps for all finite f, g: when
//               both lie in [sqrt(safe_min), sqrt(safe_max / 2)], f^2 + g^2 is formed
//               directly; otherwise f and g are first divided by the larger of |f|, |g|
//               (clamped into the safe range), so the squares can neither overflow nor
//               underflow to zero.
// Workspace:    none.
#include <cmath>

#include "isa_dispatch.hpp"
#include "stela/blas.hpp"
#include "stela/scalar.hpp"

namespace stela {

template <class T>
Givens<T> givens(T f, T g) {
  // Squares of numbers in [root_min, root_max] are safe, and so is their sum.
  const T root_min = std::sqrt(safe_min<T>());
  const T root_max = std::sqrt(safe_max<T>() / 2);

  Givens<T> G;
  if (g == T(0)) {
    G.c = 1;
    G.s = 0;
    G.r = f;
    return G;
  }
  if (f == T(0)) {
    G.c = 0;
    G.s = std::copysign(T(1), g);
    G.r = std::abs(g);
    return G;
  }
  const T af = std::abs(f);
  const T ag = std::abs(g);
  if (af > root_min && af < root_max && ag > root_min && ag < root_max) {
    const T d = std::sqrt(f * f + g * g);
    G.c = af / d;
    G.r = std::copysign(d, f);
    G.s = g / G.r;
    return G;
  }
  // Scale by u = max(|f|, |g|), kept inside [safe_min, safe_max] so 1/u is finite.
  const T u = std::min(safe_max<T>(), std::max(safe_min<T>(), std::max(af, ag)));
  const T fs = f / u;
  const T gs = g / u;
  const T d = std::sqrt(fs * fs + gs * gs);
  G.c = std::abs(fs) / d;
  G.r = std::copysign(d, f);
  G.s = gs / G.r;
  G.r *= u;
  return G;
}

namespace {

// [x_i; y_i] := [c s; -s c] [x_i; y_i] on contiguous x, y: plain pointers, so the
// compiler vectorises the loop.
template <class T>
void rot_unit_stride(T* x, T* y, index n, T c, T s) {
  for (index i = 0; i < n; ++i) {
    const T xi = x[i];
    const T yi = y[i];
    x[i] = c * xi + s * yi;
    y[i] = c * yi - s * xi;
  }
}

// The same compiled for AVX2 + FMA (isa_dispatch.hpp).
#if defined(STELA_HAVE_AVX2_FMA_CODE)
template <class T>
STELA_AVX2_FMA void rot_unit_stride_avx2(T* x, T* y, index n, T c, T s) {
  rot_unit_stride(x, y, n, c, s);
}
#endif

}  // namespace

template <class T>
void rot(VectorView<T> x, VectorView<T> y, T c, T s) {
  STELA_ASSERT(x.size() == y.size());
  const index n = x.size();
  if (x.stride() == 1 && y.stride() == 1) {
    // Unit stride (columns): the SVD's rotations of columns of U, V and of Jacobi's G
    // run here, in the AVX2 + FMA copy where the CPU runs it.
#if defined(STELA_HAVE_AVX2_FMA_CODE)
    if (n >= detail::kAvx2MinLength && detail::use_avx2_fma()) return rot_unit_stride_avx2(x.data(), y.data(), n, c, s);
#endif
    rot_unit_stride(x.data(), y.data(), n, c, s);
    return;
  }
  for (index i = 0; i < n; ++i) {
    const T xi = x[i];
    const T yi = y[i];
    // [x_i; y_i] := [c s; -s c] [x_i; y_i]
    x[i] = c * xi + s * yi;
    y[i] = c * yi - s * xi;
  }
}

template Givens<float> givens<float>(float, float);
template Givens<double> givens<double>(double, double);
template void rot<float>(VectorView<float>, VectorView<float>, float, float);
template void rot<double>(VectorView<double>, VectorView<double>, double, double);

}  // namespace stela
