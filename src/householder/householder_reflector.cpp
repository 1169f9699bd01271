// Householder reflectors: generate one, apply one.
//
// Counterparts: LAPACK xLARFG (generate), xLARF (apply).
// Computes:     H = I - tau v v^T, v = [1; v_tail], with H [alpha; x] = [beta; 0],
//               beta = -sign(alpha) ||[alpha; x]||_2.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.1.2–5.1.4;
//               LAPACK Users' Guide, 3rd ed., section 5.4 (the tau/beta convention).
// Choice:       beta takes the sign opposite to alpha, so alpha - beta adds two numbers
//               of the same sign and v = x / (alpha - beta) suffers no cancellation
//               (GVL 5.1.3). Then tau = (beta - alpha) / beta lies in [1, 2].
// Scaling:      alpha - beta must not overflow, and 1 / (alpha - beta) must not be
//               subnormal, or v loses its tail (near overflow 9e307 [1; 1; 1] gave
//               alpha - beta = Inf, v = 0 and tau = Inf). So when |beta| lies outside
//               [safe_min / eps, eps / safe_min] (or ||[alpha; x]|| itself overflows),
//               [alpha; x] is first multiplied by the power of two 2^-e that brings its
//               largest entry into [1/2, 1): exact (an entry can only lose bits below
//               2^-e safe_min, far under eps ||[alpha; x]||), so v and tau are those of
//               the scaled vector, which are the same, and beta := 2^e beta_scaled.
//               This replaces xLARFG's loop of multiplications by 1/safe_min for tiny
//               vectors by one exact step, and covers huge vectors too, which xLARFG
//               does not. beta itself can be beyond the range of T (every entry finite,
//               the norm not): then alpha := +-Inf on exit, the honest result, while v
//               and tau stay correct; callers report not_finite.
// Cost:         generate 3n flops; apply 4mn flops (C is m x n).
// Stability:    the computed H is within O(eps) of an exactly orthogonal matrix, and
//               applying it is backward stable (GVL 5.1.4; Higham, Accuracy and
//               Stability, 2nd ed., lemma 19.2 and 19.3).
// Workspace:    none for generate and apply_left; a vector of C.rows() for apply_right.
#include <algorithm>
#include <cmath>

#include "../blas/blas_kernels.hpp"
#include "../blas/isa_dispatch.hpp"
#include "householder_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// The lower end of the range where alpha - beta and 1 / (alpha - beta) are safe:
// safe_min / eps (xLARFG's threshold for rescaling); the upper end is its reciprocal.
// A power of two, so the comparison is exact.
template <class T>
constexpr T safe_low() {
  return safe_min<T>() / eps<T>();
}

}  // namespace

template <class T>
T householder_generate(T& alpha, VectorView<T> x) {
  if (x.empty()) return T(0);
  T xnorm = nrm2(VectorView<const T>(x));
  if (xnorm == T(0)) return T(0);  // already [alpha; 0]: H = I

  // 1. beta = -sign(alpha) ||[alpha; x]||, with hypot so the sum of squares is safe.
  T beta = -std::copysign(std::hypot(alpha, xnorm), alpha);
  // 2. Outside the safe range (see Scaling): [alpha; x] := 2^-e [alpha; x], max entry in
  //    [1/2, 1), and beta again from the scaled vector.
  int e = 0;
  if (!(std::abs(beta) >= safe_low<T>() && std::abs(beta) <= T(1) / safe_low<T>())) {
    const index i = iamax(VectorView<const T>(x));
    e = binary_exponent(std::max(std::abs(alpha), std::abs(x[i])));
    scale_by_power_of_two(-e, x);
    alpha = std::ldexp(alpha, -e);
    xnorm = nrm2(VectorView<const T>(x));
    beta = -std::copysign(std::hypot(alpha, xnorm), alpha);
  }
  // 3. tau = (beta - alpha) / beta;  v_tail = x / (alpha - beta)
  const T tau = (beta - alpha) / beta;
  scal(T(1) / (alpha - beta), x);
  // 4. alpha := beta = 2^e beta_scaled (Inf when the norm is beyond the range of T).
  alpha = std::ldexp(beta, e);
  return tau;
}

namespace detail {
namespace {

// householder_apply_left_kernel for a contiguous v_tail (C.rows() - 1 entries at v),
// with the level-1 loops inline: at the small orders where this runs most, calls to dot
// and axpy would cost more than the arithmetic.
template <class T>
void apply_left_unit_stride(const T* v, T tau, MatrixView<T> C) {
  const index m = C.rows();
  for (index j = 0; j < C.cols(); ++j) {
    // s = v^T C(:, j);  C(:, j) := C(:, j) - tau s v
    T* c = C.data() + j * C.ld();
    const T s = c[0] + dot_contiguous(v, c + 1, m - 1);
    c[0] -= tau * s;
    axpy_contiguous(-tau * s, v, c + 1, m - 1);
  }
}

#if defined(STELA_HAVE_AVX2_FMA_CODE)
template <class T>
STELA_AVX2_FMA void apply_left_unit_stride_avx2(const T* v, T tau, MatrixView<T> C) {
  apply_left_unit_stride(v, tau, C);
}
#endif

}  // namespace
}  // namespace detail

template <class T>
void detail::householder_apply_left_kernel(VectorView<const T> v_tail, T tau, MatrixView<T> C) {
  STELA_ASSERT(C.rows() == v_tail.size() + 1);
  if (tau == T(0)) return;
  const index m = C.rows();
  if (v_tail.stride() == 1) {
    // QR's case (v_tail is a column): the loops inline, in the AVX2 + FMA copy where
    // the CPU runs it (isa_dispatch.hpp).
#if defined(STELA_HAVE_AVX2_FMA_CODE)
    if (m > kAvx2MinLength && use_avx2_fma()) return apply_left_unit_stride_avx2(v_tail.data(), tau, C);
#endif
    apply_left_unit_stride(v_tail.data(), tau, C);
    return;
  }
  for (index j = 0; j < C.cols(); ++j) {
    // s = v^T C(:, j);  C(:, j) := C(:, j) - tau s v
    VectorView<T> c_tail = C.col(j).segment(1, m - 1);
    const T s = C(0, j) + dot(v_tail, VectorView<const T>(c_tail));
    C(0, j) -= tau * s;
    axpy(-tau * s, v_tail, c_tail);
  }
}

template <class T>
void detail::householder_apply_right_kernel(VectorView<const T> v_tail, T tau, MatrixView<T> C, VectorView<T> work) {
  STELA_ASSERT(C.cols() == v_tail.size() + 1 && work.size() == C.rows());
  if (tau == T(0)) return;
  const index n = C.cols();
  MatrixView<T> C_tail = C.col_block(1, n - 1);
  // w := C v = C(:, 0) + C(:, 1:) v_tail
  copy(VectorView<const T>(C.col(0)), work);
  gemv_kernel(Op::none, T(1), MatrixView<const T>(C_tail), v_tail, T(1), work);
  // C := C - tau w v^T
  axpy(-tau, VectorView<const T>(work), C.col(0));
  ger_kernel(-tau, VectorView<const T>(work), v_tail, C_tail);
}

// The checked entries: shapes, then the kernel.

template <class T>
Status householder_apply_left(VectorView<const T> v_tail, T tau, MatrixView<T> C) {
  if (C.rows() != v_tail.size() + 1) return Status::dimension_mismatch;
  detail::householder_apply_left_kernel(v_tail, tau, C);
  return Status::ok;
}

template <class T>
Status householder_apply_right(VectorView<const T> v_tail, T tau, MatrixView<T> C, VectorView<T> work) {
  if (C.cols() != v_tail.size() + 1 || work.size() != C.rows()) return Status::dimension_mismatch;
  detail::householder_apply_right_kernel(v_tail, tau, C, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                             \
  template T householder_generate<T>(T&, VectorView<T>);                                                 \
  template void detail::householder_apply_left_kernel<T>(VectorView<const T>, T, MatrixView<T>);         \
  template void detail::householder_apply_right_kernel<T>(VectorView<const T>, T, MatrixView<T>, VectorView<T>); \
  template Status householder_apply_left<T>(VectorView<const T>, T, MatrixView<T>);           \
  template Status householder_apply_right<T>(VectorView<const T>, T, MatrixView<T>, VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
