// Internal to stela's sources (not installed): the unchecked kernels that the blocked
// factorizations call on their diagonal blocks and panels, and small helpers shared by
// the Cholesky, LU and QR files. The public entry points check their input (shapes,
// finiteness) once and then call these, so a block is not re-checked. An intermediate
// overflow is not bad input: Cholesky reports it as a failed pivot (a NaN or infinite
// pivot is not positive), LU as not_finite once the elimination is done.
#pragma once

#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// xPOTF2 on a square block whose lower triangle is finite (src/cholesky_unblocked.cpp).
// Returns the column of the first pivot that is not positive, or -1.
template <class T>
index cholesky_unblocked_kernel(MatrixView<T> A);

// xPOTRF on a square matrix whose lower triangle is finite (src/cholesky_blocked.cpp).
// Returns the column of the first pivot that is not positive, or -1.
template <class T>
index cholesky_blocked_kernel(MatrixView<T> A);

// xGETF2 on an m x n panel, m >= n (src/lu_unblocked.cpp): P A = L U with pivots[j] the
// row (relative to the panel) swapped with row j. Returns the first column with an
// exactly zero pivot, or -1.
template <class T>
index lu_panel_kernel(MatrixView<T> A, VectorView<index> pivots);

// True when no entry on or below the diagonal of A is NaN or ±Inf.
template <class T>
bool lower_triangle_finite(MatrixView<const T> A) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i)
      if (!(A(i, j) - A(i, j) == T(0))) return false;
  return true;
}

// Whether U (the upper factor of an LU) has an exact zero on its diagonal.
template <class T>
bool zero_on_diagonal(MatrixView<const T> U) {
  for (index i = 0; i < U.rows(); ++i)
    if (U(i, i) == T(0)) return true;
  return false;
}

// Whether every diagonal entry of a Cholesky factor L is positive (NaN is not).
template <class T>
bool positive_diagonal(MatrixView<const T> L) {
  for (index i = 0; i < L.rows(); ++i)
    if (!(L(i, i) > T(0))) return false;
  return true;
}

// Row interchanges (LAPACK xLASWP): for i = first, ..., last - 1 (forward) or in the
// reverse order (backward), swap rows i and pivots[i] of A. Walked column by column so
// each column is touched contiguously. Forward applies P; backward applies P^T.
template <class T>
void apply_row_interchanges(MatrixView<T> A, VectorView<const index> pivots, index first, index last, bool forward) {
  for (index j = 0; j < A.cols(); ++j) {
    T* a = A.data() + j * A.ld();
    if (forward) {
      for (index i = first; i < last; ++i) std::swap(a[i], a[pivots[i]]);
    } else {
      for (index i = last - 1; i >= first; --i) std::swap(a[i], a[pivots[i]]);
    }
  }
}

// Unchecked vector solves with the factors (the callers checked shapes, pivots,
// finiteness and the diagonal): b := A^{-1} b (trans = none) or A^{-T} b from P A = L U.
template <class T>
void lu_solve_vector(Op trans, MatrixView<const T> factors, VectorView<const index> pivots, VectorView<T> b) {
  const index n = factors.rows();
  if (trans == Op::none) {
    for (index i = 0; i < n; ++i) std::swap(b[i], b[pivots[i]]);  // b := P b
    trsv(Uplo::lower, Op::none, Diag::unit, factors, b);         // b := L^{-1} b
    trsv(Uplo::upper, Op::none, Diag::non_unit, factors, b);     // b := U^{-1} b
  } else {
    trsv(Uplo::upper, Op::transpose, Diag::non_unit, factors, b);      // b := U^{-T} b
    trsv(Uplo::lower, Op::transpose, Diag::unit, factors, b);          // b := L^{-T} b
    for (index i = n - 1; i >= 0; --i) std::swap(b[i], b[pivots[i]]);  // b := P^T b
  }
}

// b := A^{-1} b = L^{-T} L^{-1} b from A = L L^T (unchecked, as lu_solve_vector).
template <class T>
void cholesky_solve_vector(MatrixView<const T> L, VectorView<T> b) {
  trsv(Uplo::lower, Op::none, Diag::non_unit, L, b);       // b := L^{-1} b
  trsv(Uplo::lower, Op::transpose, Diag::non_unit, L, b);  // b := L^{-T} b
}

// Whether the pivots describe interchanges within 0 .. n-1 with pivots[i] >= i.
inline bool pivots_valid(VectorView<const index> pivots) {
  const index n = pivots.size();
  for (index i = 0; i < n; ++i)
    if (pivots[i] < i || pivots[i] >= n) return false;
  return true;
}

// The Gram matrix of X with a diagonal shift, whole: G := X^T X + shift I (trans =
// Op::transpose, G d x d for X n x d) or X X^T + shift I (trans = Op::none, G n x n).
// syrk forms the lower triangle, which is mirrored to the upper one so that G is whole
// for the 1-norm and for LU. Returns ||G||_1, the anorm of the condition estimators.
template <class T>
T form_gram(Op trans, MatrixView<const T> X, T shift, MatrixView<T> G) {
  const index g = G.rows();
  // G := X^T X (trans = transpose) or X X^T (none), lower triangle; then G += shift I
  syrk(Uplo::lower, trans, T(1), X, T(0), G);
  for (index i = 0; i < g; ++i) G(i, i) += shift;
  // G(i, j) := G(j, i), i < j
  for (index j = 1; j < g; ++j)
    for (index i = 0; i < j; ++i) G(i, j) = G(j, i);
  return norm(MatrixView<const T>(G), Norm::one);
}

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
