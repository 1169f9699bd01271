// stela/random.hpp — a portable seeded generator and the catalogue of test matrices.
//
// The generator's output is a function of the seed alone: the same bits on every
// compiler, standard library and platform with IEEE arithmetic. It therefore uses no
// std::*_distribution (their algorithms differ between standard libraries) and no
// libm transcendental (their last bits differ between libms): uniforms come from the
// integer state, and the Gaussian transform uses only +, -, *, / and sqrt, which IEEE
// rounds exactly, plus a logarithm built from those operations (src/random.cpp).
// Contracting a * b + c into a fused multiply-add would change the last bit; the
// build compiles src/random.cpp with -ffp-contract=off, and a vendoring build should
// do the same to reproduce stela's test matrices bit for bit.
#pragma once

#include <cstdint>

#include "stela/matrix.hpp"

namespace stela {

// xoshiro256** (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4), 2021), seeded through splitmix64 so that any 64-bit
// seed, 0 included, gives a well-mixed state.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // 64 uniformly distributed bits.
  std::uint64_t next_u64();
  // Uniform on [0, 1), a multiple of 2^-53.
  double uniform();
  // Uniform on [lo, hi).
  double uniform(double lo, double hi);
  // Standard normal N(0, 1), by Marsaglia's polar method.
  double gaussian();

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

// The natural logarithm from +, -, *, / only: identical on every IEEE platform.
// Relative error below 2 eps for positive finite x. Used by Rng::gaussian.
double portable_log(double x);

// Fill with independent draws.
template <class T>
void fill_uniform(Rng& rng, MatrixView<T> A, T lo = T(-1), T hi = T(1));
template <class T>
void fill_gaussian(Rng& rng, MatrixView<T> A);
template <class T>
void fill_gaussian(Rng& rng, VectorView<T> x);

}  // namespace stela
