// Internal to stela's sources (not installed): the wider arithmetic of the refinement's
// residuals (src/solvers/lstsq_refine.hpp).
//
// Routine:      Wider<T>::type, accumulate / accumulate_product / rounded, in the wider
//               type; the double-double fallback by error-free transformations.
// Computes:     sums s + a and s + a b carried in more precision than T: float in
//               double (a product of two floats is exact in double), or in float-float
//               where double is not in hardware (Cortex-M4F); double in long
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
// Roundoff:     wide_roundoff<T, W>(): 2^-53, 2^-64, 2^-104 for double-double, 2^-46
//               for float-float (the
//               accumulation keeps it to a few units).
#pragma once

#include <cfloat>
#include <cmath>
#include <limits>
#include <type_traits>

namespace stela::detail {

// hi + lo, |lo| <= ulp(hi) / 2, in a base type B: double-double (B = double) or
// float-float (B = float, about 48 bits).
template <class B>
struct TwoFold {
  B hi = 0;
  B lo = 0;
};
using DoubleDouble = TwoFold<double>;
using FloatFloat = TwoFold<float>;

template <class W>
struct IsTwoFold : std::false_type {};
template <class B>
struct IsTwoFold<TwoFold<B>> : std::true_type {};

// a + b = s + e exactly (Knuth's TwoSum).
template <class B>
void two_sum(B a, B b, B& s, B& e) {
  s = a + b;
  const B b_virtual = s - a;
  e = (a - (s - b_virtual)) + (b - b_virtual);
}

// x + b, renormalised (Ogita–Rump–Oishi's Sum2 step).
template <class B>
TwoFold<B> dd_add(TwoFold<B> x, B b) {
  B s = 0, e = 0;
  two_sum(x.hi, b, s, e);
  e += x.lo;
  TwoFold<B> out;
  out.hi = s + e;
  out.lo = e - (out.hi - s);
  return out;
}

// Whether double is done by the FPU. Not on an FPU that has single precision only
// (__ARM_FP without bit 3: Cortex-M4F, M33): there double is a software library, which
// the embedded contract keeps out of float programs (issue 13), so float refines in
// float-float instead.
#if defined(__ARM_FP) && !(__ARM_FP & 8)
inline constexpr bool kHardwareDouble = false;
#else
inline constexpr bool kHardwareDouble = true;
#endif

// The wide type of T's refinement residuals.
template <class T>
struct Wider {
  using type = std::conditional_t<kHardwareDouble, double, FloatFloat>;  // float
};
// long double where it is the x87 format, in hardware; elsewhere double-double, also
// where long double is a wider format emulated in software (binary128 on aarch64 Linux:
// about a hundred times slower than double-double with a hardware fma).
template <>
struct Wider<double> {
  using type = std::conditional_t<(LDBL_MANT_DIG == 64), long double, DoubleDouble>;
};

// Unit roundoff of W, in T (a two-fold B: about eps(B)^2).
template <class T, class W>
constexpr T wide_roundoff() {
  if constexpr (IsTwoFold<W>::value) {
    using B = decltype(W::hi);
    return static_cast<T>(std::numeric_limits<B>::epsilon() * std::numeric_limits<B>::epsilon());
  } else {
    return static_cast<T>(std::numeric_limits<W>::epsilon() / 2);
  }
}

// s := s + a
template <class W, class T>
void accumulate(W& s, T a) {
  if constexpr (IsTwoFold<W>::value)
    s = dd_add(s, static_cast<decltype(W::hi)>(a));
  else
    s += static_cast<W>(a);
}

// s := s + a b (b already wide for the plain types; a in B for a two-fold).
template <class W, class T>
void accumulate_product(W& s, T a, W b) {
  if constexpr (IsTwoFold<W>::value) {
    using B = decltype(W::hi);
    // a (b.hi + b.lo): b.hi a exactly by TwoProduct, b.lo a to working accuracy.
    const B p = static_cast<B>(a) * b.hi;
    const B e = std::fma(static_cast<B>(a), b.hi, -p);
    s = dd_add(s, p);
    s = dd_add(s, e + static_cast<B>(a) * b.lo);
  } else {
    s += static_cast<W>(a) * b;
  }
}

// The wide value of a T.
template <class W, class T>
W widen(T a) {
  if constexpr (IsTwoFold<W>::value)
    return W{static_cast<decltype(W::hi)>(a), 0};
  else
    return static_cast<W>(a);
}

// s 2^e, exactly (barring over/underflow).
template <class W>
W scaled_by_power_of_two(W s, int e) {
  if constexpr (IsTwoFold<W>::value)
    return W{std::ldexp(s.hi, e), std::ldexp(s.lo, e)};
  else
    return std::ldexp(s, e);
}

// -s
template <class W>
W negated(W s) {
  if constexpr (IsTwoFold<W>::value)
    return W{-s.hi, -s.lo};
  else
    return -s;
}

// s rounded to T once (double-double: hi + lo rounded, then to T).
template <class T, class W>
T rounded(W s) {
  if constexpr (IsTwoFold<W>::value)
    return static_cast<T>(s.hi + s.lo);
  else
    return static_cast<T>(s);
}

}  // namespace stela::detail
