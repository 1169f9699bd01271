// stela/tolerance.hpp — the one rule for every rank decision.
//
// A singular value (or |r_kk| of a pivoted QR) counts as zero when
//     sigma <= max(atol, rtol * sigma_max),
// with the defaults of numpy.linalg.matrix_rank / scipy.linalg.pinv: atol = 0 and
// rtol = eps * max(m, n). rank, null_space, range, pinv, lstsq and the pivoted QR all take
// this struct, so one setting means the same thing everywhere.
//
// The thresholds are held in the matrix's scalar type T (as every option and info
// struct that carries a number in the matrix's units), so a float program computes
// them in float and links no double arithmetic. T defaults to double:
// `RankTolerance tol{0, 1e-10};` and `RankTolerance<>::relative(1e-10)` are double;
// a float program writes `RankTolerance<float>::relative(1e-4f)`.
#pragma once

#include <algorithm>
#include <limits>
#include <type_traits>

#include "stela/matrix.hpp"
#include "stela/scalar.hpp"
#include "stela/status.hpp"

namespace stela {

template <class T = double>
struct RankTolerance {
  T atol = 0;   // absolute threshold (>= 0)
  T rtol = -1;  // relative to sigma_max; negative selects the default eps * max(m, n)

  static RankTolerance absolute(T a) { return RankTolerance{a, 0}; }
  static RankTolerance relative(T r) { return RankTolerance{0, r}; }
};
// RankTolerance{a, r} takes the floating type of a and r (their common type; double
// when both are integers, as in RankTolerance{0, 0}). C++17 deduces no aggregate by
// itself.
template <class A, class R>
RankTolerance(A, R) -> RankTolerance<std::conditional_t<std::is_floating_point_v<std::common_type_t<A, R>>,
                                                        std::common_type_t<A, R>, double>>;

// The threshold max(atol, rtol * sigma_max) for an m x n matrix of type T.
template <class T>
T rank_threshold(const RankTolerance<T>& tol, T sigma_max, index m, index n) {
  const T rtol = tol.rtol < 0 ? eps<T>() * static_cast<T>(std::max<index>({m, n, 1})) : tol.rtol;
  return std::max(tol.atol, rtol * sigma_max);
}

// The numerical rank: how many leading entries of s (singular values, non-increasing)
// exceed threshold, normally rank_threshold(tol, s[0], m, n).
template <class T>
index numerical_rank(VectorView<const T> s, T threshold) {
  index r = 0;
  while (r < s.size() && s[r] > threshold) ++r;
  return r;
}

// Whether the tolerance itself is valid: finite and non-negative (rtol may be the
// negative default marker). Entry points return Status::invalid_argument otherwise.
template <class T>
bool valid(const RankTolerance<T>& tol) {
  return tol.atol >= 0 && tol.atol < std::numeric_limits<T>::infinity() &&
         tol.rtol < std::numeric_limits<T>::infinity() && tol.rtol == tol.rtol;
}

}  // namespace stela
