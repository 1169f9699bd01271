// Matrix norms: one, infinity, Frobenius, max-abs; and exact power-of-two scaling.
//
// Counterpart:  LAPACK xLANGE (norms); xLASCL-like for the scaling, restricted to powers
//               of two (std::frexp / std::ldexp for the exponents).
// Computes:     ||A||_1 = max_j sum_i |a_ij|,  ||A||_inf = max_i sum_j |a_ij|,
//               ||A||_F = sqrt(sum a_ij^2),     max_ij |a_ij|;
//               binary_exponent(x) = e with |x| = f 2^e, f in [1/2, 1);
//               scale_by_power_of_two(e, A): A := 2^e A;
//               scale_by_max_exponent(A): A := 2^-e A, e that of max |a_ij|.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 2.3.
// Cost:         mn (each norm, each scaling; scale_by_max_exponent 2 mn).
// Invariant:    the scalings are exact: only the exponents move, so 2^-e (2^e A) = A,
//               unless an entry under- or overflows the normal range.
// Stability:    the Frobenius norm goes through the scaled sum of squares
//               (SumOfSquares, as xLASSQ), so it overflows only when the norm itself
//               does. The absolute sums can overflow only when the norm does, since the
//               norm is that sum.
// NaN:          a NaN entry makes every norm NaN (the comparisons are written so that
//               NaN wins, as xLANGE does with DISNAN).
// Workspace:    none. The infinity norm walks the rows with stride ld instead of
//               keeping n partial row sums.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "isa_dispatch.hpp"
#include "stela/blas.hpp"

namespace stela {
namespace {

// max(best, v), where a NaN v (or a NaN best) wins.
template <class T>
T max_nan(T best, T v) {
  return (v > best || v != v) ? v : best;
}

// The unsigned integer as wide as T.
template <class T>
struct SameWidthUnsigned;
template <>
struct SameWidthUnsigned<float> {
  using type = std::uint32_t;
};
template <>
struct SameWidthUnsigned<double> {
  using type = std::uint64_t;
};

// max |x_i| over a contiguous column, NaN when one is NaN, as the largest bit pattern of
// |x_i| read as an unsigned integer: with the sign bit cleared, IEEE 754 patterns are in
// the order of their values, and every NaN's lies above +Inf's, so the one integer max
// gives the value and the NaN at once. Four running maxima, a select each, which the
// compiler turns into SIMD compares in the AVX2 copy below (a floating-point max with
// a NaN flag per lane, or the NaN-wins select of max_nan, stayed scalar at about 12
// instructions an entry). This pass sits in front of every factorization
// (scale_by_max_exponent).
template <class T>
T column_max_abs_portable(const T* x, index n) {
  using U = typename SameWidthUnsigned<T>::type;
  constexpr U kMagnitude = ~U(0) >> 1;  // every bit but the sign
  U partial[4] = {0, 0, 0, 0};
  index i = 0;
  for (; i + 4 <= n; i += 4)
    for (index l = 0; l < 4; ++l) {
      U bits;
      std::memcpy(&bits, x + i + l, sizeof bits);
      bits &= kMagnitude;
      partial[l] = bits > partial[l] ? bits : partial[l];
    }
  U result = std::max(std::max(partial[0], partial[1]), std::max(partial[2], partial[3]));
  for (; i < n; ++i) {
    U bits;
    std::memcpy(&bits, x + i, sizeof bits);
    result = std::max<U>(result, bits & kMagnitude);
  }
  T value;
  std::memcpy(&value, &result, sizeof value);
  return value == value ? value : std::numeric_limits<T>::quiet_NaN();  // not a signalling one
}

#if defined(STELA_HAVE_AVX2_FMA_CODE)
template <class T>
STELA_AVX2_FMA T column_max_abs_avx2(const T* x, index n) {
  return column_max_abs_portable(x, n);
}
#endif

template <class T>
T column_max_abs(const T* x, index n) {
#if defined(STELA_HAVE_AVX2_FMA_CODE)
  if (n >= detail::kAvx2MinLength && detail::use_avx2_fma()) return column_max_abs_avx2(x, n);
#endif
  return column_max_abs_portable(x, n);
}

}  // namespace

template <class T>
T norm(MatrixView<const T> A, Norm kind) {
  if (A.empty()) return T(0);
  T result = 0;
  switch (kind) {
    case Norm::one:
      for (index j = 0; j < A.cols(); ++j) result = max_nan(result, asum(A.col(j)));
      return result;
    case Norm::inf:
      for (index i = 0; i < A.rows(); ++i) result = max_nan(result, asum(A.row(i)));
      return result;
    case Norm::frobenius: {
      SumOfSquares<T> ssq;
      for (index j = 0; j < A.cols(); ++j) ssq.add(A.col(j));
      return ssq.norm();
    }
    case Norm::max_abs:
      for (index j = 0; j < A.cols(); ++j) result = max_nan(result, column_max_abs(A.col(j).data(), A.rows()));
      return result;
  }
  return result;
}

template <class T>
int binary_exponent(T x) {
  int e = 0;
  if (x - x == T(0) && x != T(0)) std::frexp(x, &e);
  return e;
}

// Multiplying by 2^e is exact for normal results and rounds once otherwise; the factor
// itself must be a normal number, which holds for |e| up to the exponent range (about
// 1021 in double, 125 in float). Larger shifts (subnormal or huge data) go entry by
// entry through times_power_of_two.
template <class T>
bool factor_is_normal(int e) {
  return e > std::numeric_limits<T>::min_exponent && e < std::numeric_limits<T>::max_exponent;
}

// x 2^e rounded once to nearest, for any e. The C library's ldexp is not trusted with
// results below the normal range: newlib's ldexpf (Cortex-M) returned -0 for
// -1.06e-7 * 2^-126, whose nearest float is -2^-149. With x = f 2^t, f in [1/2, 1): a
// normal result f 2^(t+e) is exact; below the normal range f 2^(t+e+p) (p = digits) is
// normal and exact, and one multiplication by the normal 2^-p rounds it as IEEE
// multiplication does; below half the smallest subnormal the result is 0.
template <class T>
T times_power_of_two(T x, int e) {
  if (x == T(0) || !(x - x == T(0))) return x;  // zero, Inf, NaN
  int t = 0;
  const T f = std::frexp(x, &t);
  t += e;
  constexpr int kMinExponent = std::numeric_limits<T>::min_exponent;  // 2^(kMinExponent-1): smallest normal
  constexpr int kDigits = std::numeric_limits<T>::digits;
  if (t >= kMinExponent) return std::ldexp(f, t);  // normal (or beyond the range: Inf)
  if (t + kDigits < kMinExponent) return std::copysign(T(0), x);
  return std::ldexp(f, t + kDigits) * std::ldexp(T(1), -kDigits);
}

template <class T>
void scale_by_power_of_two(int e, VectorView<T> x) {
  if (e == 0) return;
  if (factor_is_normal<T>(e)) {
    scal(std::ldexp(T(1), e), x);
    return;
  }
  for (index i = 0; i < x.size(); ++i) x[i] = times_power_of_two(x[i], e);
}

template <class T>
void scale_by_power_of_two(int e, MatrixView<T> A) {
  for (index j = 0; j < A.cols(); ++j) scale_by_power_of_two(e, A.col(j));
}

template <class T>
int scale_by_max_exponent(MatrixView<T> A) {
  // e from max |a_ij| = f 2^e, then A := 2^-e A
  const int e = binary_exponent(norm(MatrixView<const T>(A), Norm::max_abs));
  scale_by_power_of_two(-e, A);
  return e;
}

template <class T>
int scale_by_max_exponent(VectorView<T> x) {
  // e from max |x_i| = f 2^e, then x := 2^-e x
  const int e = x.empty() ? 0 : binary_exponent(std::abs(x[iamax(VectorView<const T>(x))]));
  scale_by_power_of_two(-e, x);
  return e;
}

#define STELA_INSTANTIATE(T)                                        \
  template T norm<T>(MatrixView<const T>, Norm);                    \
  template int binary_exponent<T>(T);                               \
  template void scale_by_power_of_two<T>(int, VectorView<T>);       \
  template void scale_by_power_of_two<T>(int, MatrixView<T>);       \
  template int scale_by_max_exponent<T>(MatrixView<T>);             \
  template int scale_by_max_exponent<T>(VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
