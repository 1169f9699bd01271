// Internal to stela's sources (not installed): helpers of the QR solves shared by
// qr_solve.cpp and the lstsq driver.
#pragma once

#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// The largest column norm of A = Q R read off the factored m x n matrix (R on and above
// the diagonal, householder_qr_inplace's layout): max_j ||R(0:min(j+1, m), j)||, equal to
// max_j ||A(:, j)|| because Q is orthogonal. It brackets sigma_1(A):
// sigma_1 / sqrt(n) <= it <= sigma_1, which max |r_jj| does not (without pivoting a small
// first column leaves every later r_jj as small as rounding) — hence the reference for
// the unpivoted QR's rank check.
template <class T>
T qr_column_norm_max(MatrixView<const T> QR) {
  const index m = QR.rows();
  T column_max = 0;
  for (index j = 0; j < QR.cols(); ++j)
    column_max = std::max(column_max, nrm2(QR.col(j).segment(0, std::min(j + 1, m))));
  return column_max;
}

// True when every |d_j| exceeds threshold (NaN counts as not exceeding).
template <class T>
bool diagonal_above_threshold(VectorView<const T> d, T threshold) {
  for (index j = 0; j < d.size(); ++j)
    if (!(std::abs(d[j]) > threshold)) return false;
  return true;
}

}  // namespace stela::detail
