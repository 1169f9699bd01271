// Internal to stela's sources (not installed): the unchecked Cholesky kernels that the
// blocked factorization, the jitter driver, the solves and the normal equations call
// once the public entry has checked shapes and finiteness, so a block is not re-checked.
// An intermediate overflow is not bad input: a NaN or infinite pivot is not positive, so
// it is reported as a failed pivot.
#pragma once

#include <cmath>

#include "../blas/blas_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/cholesky.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// xPOTF2 on a square block whose lower triangle is finite (src/cholesky/cholesky_unblocked.cpp).
// Returns the column of the first pivot that is not positive, or -1.
template <class T>
index cholesky_unblocked_kernel(MatrixView<T> A);

// xPOTRF on a square matrix whose lower triangle is finite (src/cholesky/cholesky_blocked.cpp);
// its syrk and trsm run packed when work holds cholesky_blocked_workspace_size(n).
// Returns the column of the first pivot that is not positive, or -1.
template <class T>
index cholesky_blocked_kernel(MatrixView<T> A, Workspace work = Workspace());

// cholesky_inplace's factorization under a jitter policy (src/cholesky/cholesky_jitter.cpp),
// on a square A whose lower triangle is finite, with valid options and work holding
// cholesky_workspace_size(n, opts). Resets info. Statuses: ok, not_positive_definite
// (info.failed_column), not_finite (a fixed shift makes the diagonal overflow; A
// untouched).
template <class T>
Status cholesky_jitter_kernel(MatrixView<T> A, CholeskyInfo<T>& info, Workspace work, const CholeskyOptions<T>& opts);

// cholesky_condition_estimate's rcond (src/cholesky/cholesky_condition.cpp) from a
// finished factor L (finite, positive diagonal) and anorm >= 0; work holds
// cholesky_condition_estimate_workspace_size(n).
template <class T>
T cholesky_rcond_kernel(MatrixView<const T> L, T anorm, Workspace work);

// B := A^{-1} B = L^{-T} L^{-1} B from a finished factor L (cholesky_solve_inplace's work).
template <class T>
void cholesky_solve_kernel(MatrixView<const T> L, MatrixView<T> B) {
  detail::trsm_kernel(Side::left, Uplo::lower, Op::none, Diag::non_unit, T(1), L, B);       // B := L^{-1} B
  detail::trsm_kernel(Side::left, Uplo::lower, Op::transpose, Diag::non_unit, T(1), L, B);  // B := L^{-T} B
}

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
  detail::trsv_kernel(Uplo::lower, Op::none, Diag::non_unit, L, b);       // b := L^{-1} b
  detail::trsv_kernel(Uplo::lower, Op::transpose, Diag::non_unit, L, b);  // b := L^{-T} b
}

}  // namespace stela::detail
