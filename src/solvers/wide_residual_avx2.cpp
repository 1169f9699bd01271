// The refinement's residuals in double-double, four rows per instruction with AVX2 + FMA
// (the x86-64 fast path of lstsq_refine.hpp's wide_residual in double).
//
// Routine:      wide_residual_avx2 (no LAPACK counterpart: xGERFSX leaves the extra-
//               precise residual to its BLAS, xBLAS's BLAS_dgemv2_x).
// Computes:     f := b - r - A x (r optional) and g := -A^T r (optional), rounded once to
//               double, A(:, j) = 2^shift_j X(:, j). Each f_i is the compensated dot
//               product of row i of X with the scaled x (Ogita, Rump and Oishi's Dot2);
//               each g_j that of column j with r, in four lanes of rows combined at the
//               end. Dot2's error: |f_i - exact| <= eps |exact| + gamma_{d+2}^2 sum |terms|
//               (gamma_k = k eps / (1 - k eps)): as if summed in twice the precision and
//               rounded once, which is at least what the x87 path (64-bit significand)
//               gives, so lstsq_refine.hpp's bounds, written for x87, hold.
// Reference:    T. Ogita, S. M. Rump, S. Oishi, "Accurate sum and dot product", SIAM J.
//               Sci. Comput. 26(6) (2005), algorithms 3.1 (TwoSum), 3.3 (TwoProduct with
//               FMA) and 5.3 (Dot2); X. S. Li et al., "Design, implementation and testing
//               of extended and mixed precision BLAS", ACM TOMS 28(2) (2002).
// Cost:         per entry of X, 10 flops for f and 10 more for g, four entries per
//               instruction; X is read once for both, two columns at a time, and the
//               running (hi, lo) of f is loaded and stored once per two columns.
// Workspace:    hi, lo (n each): the running f.
// Exactness:    TwoProduct needs p = a b and e = fma(a, b, -p) with p rounded on its own.
//               p is also an operand of the fused subtract, which is a call and not an
//               addition, so a compiler that contracts a * b + c (GCC's default in GNU
//               mode, -ffp-contract=fast) cannot fuse p into the sum that follows: it
//               fuses a product only when every use of it is an addition. TwoSum has no
//               product to fuse. The test (test_lstsq_refine, WideResidual.*) holds
//               the result to Dot2's bound in the build with -ffp-contract=fast too.
// Range:        returns false, having written nothing, when some 2^shift_j x_j is not a
//               double exactly (over- or underflow): the caller then takes the portable
//               path, which scales in the wide type. A product below about 2^-969 loses
//               TwoProduct's error term to underflow; f is then accurate to the smallest
//               normal number rather than relatively.
#include "../blas/isa_dispatch.hpp"
#include "lstsq_refine.hpp"
#include "wide_residual_avx2.hpp"

#if defined(STELA_HAVE_AVX2_FMA_CODE)
#include <immintrin.h>

#include <cmath>

namespace stela::detail {
namespace {

// The same steps on one double (the rows past the last multiple of four) and on four.
inline double fused_product_error(double a, double b, double p) { return std::fma(a, b, -p); }
STELA_AVX2_FMA inline __m256d fused_product_error(__m256d a, __m256d b, __m256d p) { return _mm256_fmsub_pd(a, b, p); }

// (hi, lo) += a b: TwoProduct, then TwoSum of hi and the product; both errors into lo.
template <class V>
STELA_AVX2_FMA inline void add_product(V& hi, V& lo, V a, V b) {
  const V p = a * b;
  const V e = fused_product_error(a, b, p);
  const V s = hi + p;
  const V b_virtual = s - hi;
  const V sum_error = (hi - (s - b_virtual)) + (p - b_virtual);
  hi = s;
  lo = lo + (e + sum_error);
}

// (hi, lo) += a: TwoSum
template <class V>
STELA_AVX2_FMA inline void add_value(V& hi, V& lo, V a) {
  const V s = hi + a;
  const V b_virtual = s - hi;
  lo = lo + ((hi - (s - b_virtual)) + (a - b_virtual));
  hi = s;
}

STELA_AVX2_FMA inline __m256d load4(const double* p) { return _mm256_loadu_pd(p); }
STELA_AVX2_FMA inline void store4(double* p, __m256d v) { _mm256_storeu_pd(p, v); }

// One block of kCols columns (kCols = 1 or 2): f's running (hi, lo) gains -X(:, c) xs_c
// and, when r is given, (gh_c, gl_c) gains X(:, c)^T r.
template <int kCols>
STELA_AVX2_FMA void residual_block(index n, const double* const* Xc, const double* xs, const double* r, double* hi,
                                   double* lo, double* gh, double* gl) {
  __m256d ghv[kCols], glv[kCols], xv[kCols];
  for (int c = 0; c < kCols; ++c) {
    ghv[c] = _mm256_setzero_pd();
    glv[c] = _mm256_setzero_pd();
    xv[c] = _mm256_set1_pd(-xs[c]);
  }
  index i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d h = load4(hi + i), l = load4(lo + i);
    const __m256d ri = r != nullptr ? load4(r + i) : _mm256_setzero_pd();
    for (int c = 0; c < kCols; ++c) {
      const __m256d a = load4(Xc[c] + i);
      add_product(h, l, a, xv[c]);
      if (r != nullptr) add_product(ghv[c], glv[c], a, ri);
    }
    store4(hi + i, h);
    store4(lo + i, l);
  }
  // The four lanes of g, then the last rows, one at a time.
  for (int c = 0; c < kCols; ++c) {
    double lanes_hi[4], lanes_lo[4];
    store4(lanes_hi, ghv[c]);
    store4(lanes_lo, glv[c]);
    double h = lanes_hi[0], l = lanes_lo[0];
    for (int k = 1; k < 4; ++k) {
      add_value(h, l, lanes_hi[k]);
      l += lanes_lo[k];
    }
    gh[c] = h;
    gl[c] = l;
  }
  for (; i < n; ++i) {
    for (int c = 0; c < kCols; ++c) {
      add_product(hi[i], lo[i], Xc[c][i], -xs[c]);
      if (r != nullptr) add_product(gh[c], gl[c], Xc[c][i], r[i]);
    }
  }
}

}  // namespace

STELA_AVX2_FMA bool wide_residual_avx2(MatrixView<const double> X, VectorView<const index> shift,
                                       VectorView<const double> b, VectorView<const double> r,
                                       VectorView<const double> x, VectorView<double> f, VectorView<double> g,
                                       double* hi, double* lo) {
  const index n = X.rows(), d = X.cols();
  for (index j = 0; j < d; ++j) {
    const double xs = std::ldexp(x[j], static_cast<int>(shift[j]));
    if (std::ldexp(xs, -static_cast<int>(shift[j])) != x[j]) return false;
  }
  // (hi, lo) := b - r
  for (index i = 0; i < n; ++i) {
    hi[i] = b[i];
    lo[i] = 0;
    if (!r.empty()) add_value(hi[i], lo[i], -r[i]);
  }
  const double* rp = r.empty() ? nullptr : r.data();
  for (index j0 = 0; j0 < d; j0 += 2) {
    const index nb = std::min<index>(2, d - j0);
    const double* Xc[2] = {X.data() + j0 * X.ld(), X.data() + (j0 + nb - 1) * X.ld()};
    const double xs[2] = {std::ldexp(x[j0], static_cast<int>(shift[j0])),
                          std::ldexp(x[j0 + nb - 1], static_cast<int>(shift[j0 + nb - 1]))};
    double gh[2] = {0, 0}, gl[2] = {0, 0};
    if (nb == 2)
      residual_block<2>(n, Xc, xs, rp, hi, lo, gh, gl);
    else
      residual_block<1>(n, Xc, xs, rp, hi, lo, gh, gl);
    if (g.empty()) continue;
    for (index c = 0; c < nb; ++c) g[j0 + c] = -std::ldexp(gh[c] + gl[c], static_cast<int>(shift[j0 + c]));
  }
  for (index i = 0; i < n; ++i) f[i] = hi[i] + lo[i];
  return true;
}

// The float refinement's residuals in double: the portable loops of lstsq_refine.hpp,
// this copy compiled for AVX2 + FMA (four doubles per instruction).
STELA_AVX2_FMA void wide_residual_float_avx2(const RefineProblem<float>& p, VectorView<const float> b,
                                             VectorView<const float> r, VectorView<const float> x,
                                             VectorView<float> f, VectorView<float> g, double* fw) {
  wide_residual_portable(p, b, r, x, f, g, fw);
}

}  // namespace stela::detail

#endif
