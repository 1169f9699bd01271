// stela/tolerance.hpp — the one rule for every rank decision.
//
// A singular value (or |r_kk| of a pivoted QR) counts as zero when
//     sigma <= max(atol, rtol * sigma_max),
// with the defaults of numpy.linalg.matrix_rank / scipy.linalg.pinv: atol = 0 and
// rtol = eps * max(m, n). rank, null_space, range, pinv, lstsq and the pivoted QR all take
// this struct, so one setting means the same thing everywhere.
#pragma once

#include <algorithm>

#include "stela/matrix.hpp"
#include "stela/scalar.hpp"
#include "stela/status.hpp"

namespace stela {

struct RankTolerance {
  double atol = 0;   // absolute threshold (>= 0)
  double rtol = -1;  // relative to sigma_max; negative selects the default eps * max(m, n)

  static RankTolerance absolute(double a) { return RankTolerance{a, 0}; }
  static RankTolerance relative(double r) { return RankTolerance{0, r}; }
};

// The threshold max(atol, rtol * sigma_max) for an m x n matrix of type T.
template <class T>
T rank_threshold(const RankTolerance& tol, T sigma_max, index m, index n) {
  const T rtol = tol.rtol < 0 ? eps<T>() * static_cast<T>(std::max<index>({m, n, 1})) : static_cast<T>(tol.rtol);
  return std::max(static_cast<T>(tol.atol), rtol * sigma_max);
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
inline bool valid(const RankTolerance& tol) {
  return tol.atol >= 0 && tol.atol < std::numeric_limits<double>::infinity() &&
         tol.rtol < std::numeric_limits<double>::infinity() && tol.rtol == tol.rtol;
}

}  // namespace stela
