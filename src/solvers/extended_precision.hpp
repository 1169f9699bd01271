// Internal to stela's sources (not installed): the wider arithmetic of the refinement's
// residuals (src/solvers/lstsq_refine.hpp).
//
// Routine:      Wider<T>::type, accumulate / accumulate_product / rounded, in the wider
//               type; the double-double fallback by error-free transformations.
// Computes:     sums s + a and s + a b carried in more precision than T: float in
//               double (a product of two floats is exact in double); double in long
//               double where that is the x87 extended format (64-bit significand,
//               x86-64); otherwise in double-double, s = hi + lo with |lo| <= ulp(hi) / 2.
// Reference:    T. J. Dekker, "A floating-point technique for extending the available
//               precision", Numer. Math. 18 (1971) (TwoProduct); D. E. Knuth, TAOCP
//               vol. 2, section 4.2.2 (TwoSum); Ogita, Rump, Oishi, "Accurate sum and
//               dot product", SIAM J. Sci. Comput. 26 (2005), algorithms 3.1-3.3.
// Cost:         TwoSum 6 flops, TwoProduct 1 product + 1 fma; a double-double
//               accumulation of a b costs about 20 flops.
// Invariant:    two_sum: a + b = s + e exactly (any rounding to nearest, no FMA needed);
//               two_product: a b = p + e exactly with std::fma (an explicit fused
//               operation: contraction of other expressions cannot change it), barring
//               underflow of e.
// Roundoff:     wide_roundoff<W>(): 2^-53, 2^-64, or 2^-104 for double-double (the
//               accumulation keeps it to a few units).
#pragma once

#include <cfloat>
#include <cmath>
#include <limits>
#include <type_traits>

namespace stela::detail {

// hi + lo, |lo| <= ulp(hi) / 2.
struct DoubleDouble {
  double hi = 0;
  double lo = 0;
};

// a + b = s + e exactly (Knuth's TwoSum).
inline void two_sum(double a, double b, double& s, double& e) {
  s = a + b;
  const double b_virtual = s - a;
  e = (a - (s - b_virtual)) + (b - b_virtual);
}

// x + b, renormalised (Ogita–Rump–Oishi's Sum2 step).
inline DoubleDouble dd_add(DoubleDouble x, double b) {
  double s = 0, e = 0;
  two_sum(x.hi, b, s, e);
  e += x.lo;
  DoubleDouble out;
  out.hi = s + e;
  out.lo = e - (out.hi - s);
  return out;
}

// The wide type of T's refinement residuals.
template <class T>
struct Wider {
  using type = double;  // float
};
// long double where it is the x87 format, in hardware; elsewhere double-double, also
// where long double is a wider format emulated in software (binary128 on aarch64 Linux:
// about a hundred times slower than double-double with a hardware fma).
template <>
struct Wider<double> {
  using type = std::conditional_t<(LDBL_MANT_DIG == 64), long double, DoubleDouble>;
};

// Unit roundoff of W.
template <class W>
constexpr double wide_roundoff() {
  if constexpr (std::is_same_v<W, DoubleDouble>)
    return 0x1p-104;
  else
    return static_cast<double>(std::numeric_limits<W>::epsilon()) / 2;
}

// s := s + a
template <class W, class T>
void accumulate(W& s, T a) {
  if constexpr (std::is_same_v<W, DoubleDouble>)
    s = dd_add(s, static_cast<double>(a));
  else
    s += static_cast<W>(a);
}

// s := s + a b (b already wide for the plain types; a double for double-double).
template <class W, class T>
void accumulate_product(W& s, T a, W b) {
  if constexpr (std::is_same_v<W, DoubleDouble>) {
    // a (b.hi + b.lo): b.hi a exactly by TwoProduct, b.lo a to working accuracy.
    const double p = static_cast<double>(a) * b.hi;
    const double e = std::fma(static_cast<double>(a), b.hi, -p);
    s = dd_add(s, p);
    s = dd_add(s, e + static_cast<double>(a) * b.lo);
  } else {
    s += static_cast<W>(a) * b;
  }
}

// The wide value of a T.
template <class W, class T>
W widen(T a) {
  if constexpr (std::is_same_v<W, DoubleDouble>)
    return DoubleDouble{static_cast<double>(a), 0.0};
  else
    return static_cast<W>(a);
}

// s 2^e, exactly (barring over/underflow).
template <class W>
W scaled_by_power_of_two(W s, int e) {
  if constexpr (std::is_same_v<W, DoubleDouble>)
    return DoubleDouble{std::ldexp(s.hi, e), std::ldexp(s.lo, e)};
  else
    return std::ldexp(s, e);
}

// -s
template <class W>
W negated(W s) {
  if constexpr (std::is_same_v<W, DoubleDouble>)
    return DoubleDouble{-s.hi, -s.lo};
  else
    return -s;
}

// s rounded to T once (double-double: hi + lo rounded, then to T).
template <class T, class W>
T rounded(W s) {
  if constexpr (std::is_same_v<W, DoubleDouble>)
    return static_cast<T>(s.hi + s.lo);
  else
    return static_cast<T>(s);
}

}  // namespace stela::detail
