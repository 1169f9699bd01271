// Internal to stela's sources (not installed): the unchecked Cholesky kernels that the
// blocked factorization, the jitter driver and the solves call once the public entry has
// checked shapes and finiteness, so a block is not re-checked. An intermediate overflow
// is not bad input: a NaN or infinite pivot is not positive, so it is reported as a
// failed pivot.
#pragma once

#include <cmath>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// xPOTF2 on a square block whose lower triangle is finite (src/cholesky/cholesky_unblocked.cpp).
// Returns the column of the first pivot that is not positive, or -1.
template <class T>
index cholesky_unblocked_kernel(MatrixView<T> A);

// xPOTRF on a square matrix whose lower triangle is finite (src/cholesky/cholesky_blocked.cpp).
// Returns the column of the first pivot that is not positive, or -1.
template <class T>
index cholesky_blocked_kernel(MatrixView<T> A);

// True when no entry on or below the diagonal of A is NaN or ±Inf.
template <class T>
bool lower_triangle_finite(MatrixView<const T> A) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i)
      if (!(A(i, j) - A(i, j) == T(0))) return false;
  return true;
}

// Whether every diagonal entry of a Cholesky factor L is positive (NaN is not).
template <class T>
bool positive_diagonal(MatrixView<const T> L) {
  for (index i = 0; i < L.rows(); ++i)
    if (!(L(i, i) > T(0))) return false;
  return true;
}

// b := A^{-1} b = L^{-T} L^{-1} b from A = L L^T (unchecked, as lu_solve_vector).
template <class T>
void cholesky_solve_vector(MatrixView<const T> L, VectorView<T> b) {
  trsv(Uplo::lower, Op::none, Diag::non_unit, L, b);       // b := L^{-1} b
  trsv(Uplo::lower, Op::transpose, Diag::non_unit, L, b);  // b := L^{-T} b
}

}  // namespace stela::detail
