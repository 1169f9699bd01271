// stela/scalar.hpp — machine constants and scalar helpers, derived from the type alone.
//
// No tolerance in stela is a bare literal: it is a multiple of eps<T>(), a power of the
// safe range below, or a function of the dimensions (STYLE.md rule 4).
#pragma once

#include <cmath>
#include <limits>

namespace stela {

// Machine epsilon: the distance from 1 to the next larger number, 2^-52 for double and
// 2^-23 for float (numpy's finfo.eps). LAPACK's dlamch('E') is half of this.
template <class T>
constexpr T eps() {
  return std::numeric_limits<T>::epsilon();
}

// The smallest normal number; its reciprocal does not overflow (LAPACK dlamch('S')).
template <class T>
constexpr T safe_min() {
  return std::numeric_limits<T>::min();
}

// The largest finite number.
template <class T>
constexpr T safe_max() {
  return std::numeric_limits<T>::max();
}

template <class T>
bool is_finite(T x) {
  return std::isfinite(x);
}

// Blue's scaling constants for sums of squares that can neither overflow nor underflow
// (J. L. Blue, "A portable Fortran program to find the Euclidean norm of a vector",
// ACM TOMS 4(1), 1978; E. Anderson, "Algorithm 978: Safe scaling in the Level 1 BLAS",
// ACM TOMS 44(1), 2017). Squares of numbers in [tsml, tbig] neither underflow nor
// overflow; numbers below tsml are scaled up by ssml, numbers above tbig scaled down by
// sbig before squaring.
template <class T>
struct BlueConstants {
  static constexpr int digits = std::numeric_limits<T>::digits;
  static constexpr int min_exp = std::numeric_limits<T>::min_exponent;
  static constexpr int max_exp = std::numeric_limits<T>::max_exponent;

  // 2^e for an integer e, exact and constexpr (std::ldexp is not constexpr in C++17).
  static constexpr T pow2(int e) {
    T x = 1;
    for (; e > 0; --e) x *= 2;
    for (; e < 0; ++e) x /= 2;
    return x;
  }
  // Integer division rounding toward -inf and +inf (operands may be negative).
  static constexpr int floor_div(int a, int b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
  static constexpr int ceil_div(int a, int b) { return -floor_div(-a, b); }

  static constexpr T tsml = pow2(ceil_div(min_exp - 1, 2));
  static constexpr T tbig = pow2(floor_div(max_exp - digits + 1, 2));
  static constexpr T ssml = pow2(-floor_div(min_exp - digits, 2));
  static constexpr T sbig = pow2(-ceil_div(max_exp + digits - 1, 2));
};

}  // namespace stela
