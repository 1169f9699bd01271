// The portable generator: xoshiro256** with splitmix64 seeding, uniforms from the top
// 53 bits, Gaussians by Marsaglia's polar method with a logarithm of our own.
//
// Reference:    D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
//               generators", ACM TOMS 47(4), 2021 (xoshiro256**, splitmix64);
//               G. Marsaglia and T. A. Bray, "A convenient method for generating
//               normal variables", SIAM Review 6(3), 1964 (polar method).
// Portability:  integer arithmetic is exact everywhere; the floating-point steps use
//               +, -, *, /, sqrt and frexp/ldexp, all exactly specified by IEEE 754, so
//               with FMA contraction off (the build passes -ffp-contract=off for this
//               file) every platform produces the same bits.
// Cost:         a few ns per draw; gaussian about two uniforms per draw on average
//               (acceptance pi/4, two normals per accepted pair).
#include "stela/random.hpp"

#include <cmath>

namespace stela {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (auto& s : s_) s = splitmix64(seed);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double portable_log(double x) {
  if (!(x > 0)) return x == 0 ? -HUGE_VAL : std::nan("");
  if (x == HUGE_VAL) return x;
  // x = f 2^e with f in [1/sqrt(2), sqrt(2)): frexp and the doubling are exact.
  int e = 0;
  double f = std::frexp(x, &e);  // f in [0.5, 1)
  if (f < 0.70710678118654752440) {
    f *= 2;
    --e;
  }
  // ln f = 2 atanh(t), t = (f - 1) / (f + 1), |t| <= 0.1716: the odd series
  // 2 (t + t^3/3 + t^5/5 + ...) converges to double precision in 11 terms.
  const double t = (f - 1) / (f + 1);
  const double t2 = t * t;
  double series = 0;
  for (int k = 21; k >= 1; k -= 2) series = series * t2 + 1.0 / k;
  const double ln2 = 0.693147180559945309417232121458;
  return 2 * t * series + e * ln2;
}

double Rng::gaussian() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // A uniform point in the unit disc (rejection), then two independent normals.
  double u, v, s;
  do {
    u = uniform(-1.0, 1.0);
    v = uniform(-1.0, 1.0);
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  const double factor = std::sqrt(-2.0 * portable_log(s) / s);
  spare_ = v * factor;
  has_spare_ = true;
  return u * factor;
}

template <class T>
void fill_uniform(Rng& rng, MatrixView<T> A, T lo, T hi) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) A(i, j) = static_cast<T>(rng.uniform(lo, hi));
}

template <class T>
void fill_gaussian(Rng& rng, MatrixView<T> A) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) A(i, j) = static_cast<T>(rng.gaussian());
}

template <class T>
void fill_gaussian(Rng& rng, VectorView<T> x) {
  for (index i = 0; i < x.size(); ++i) x[i] = static_cast<T>(rng.gaussian());
}

#define STELA_INSTANTIATE(T)                                          \
  template void fill_uniform<T>(Rng&, MatrixView<T>, T, T);          \
  template void fill_gaussian<T>(Rng&, MatrixView<T>);               \
  template void fill_gaussian<T>(Rng&, VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
