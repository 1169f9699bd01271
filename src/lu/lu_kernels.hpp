// Internal to stela's sources (not installed): the unchecked LU kernels that the blocked
// factorization, the solves, the condition estimate and the normal equations call once
// the public entry has checked shapes and finiteness. An intermediate overflow is not
// bad input: the factorization reports it as not_finite once the elimination is done.
#pragma once

#include <utility>

#include "../blas/blas_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/lu.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// xGETF2 on an m x n panel, m >= n (src/lu/lu_unblocked.cpp): P A = L U with pivots[j] the
// row (relative to the panel) swapped with row j. Returns the first column with an
// exactly zero pivot, or -1.
template <class T>
index lu_panel_kernel(MatrixView<T> A, VectorView<index> pivots);

// lu_inplace's blocked factorization (src/lu/lu_blocked.cpp) of a finite square A with
// pivots of its order. Resets info. Statuses: ok, singular (info.failed_column),
// not_finite (the elimination overflowed; A holds its partial result). Its trsm and gemm
// run packed when work holds lu_workspace_size(n).
template <class T>
Status lu_blocked_kernel(MatrixView<T> A, VectorView<index> pivots, LuInfo& info, Workspace work = Workspace());

// lu_condition_estimate's rcond (src/lu/lu_condition.cpp) from finite factors with valid
// pivots and anorm >= 0; work holds lu_condition_estimate_workspace_size(n).
template <class T>
T lu_rcond_kernel(MatrixView<const T> factors, VectorView<const index> pivots, T anorm, Workspace work);

// est ~ kappa_2(G) = ||G||_2 ||G^{-1}||_2 for a symmetric G given its P G = L U
// (src/lu/lu_symmetric_condition.cpp): a lower bound by power iteration, +Inf when U has
// a zero or non-finite diagonal entry or kappa is beyond the range of T. work holds one
// vector of n.
template <class T>
T lu_symmetric_condition_2norm_kernel(MatrixView<const T> factors, VectorView<const index> pivots, Workspace work);

// Whether U (the upper factor of an LU) has an exact zero on its diagonal.
template <class T>
bool zero_on_diagonal(MatrixView<const T> U) {
  for (index i = 0; i < U.rows(); ++i)
    if (U(i, i) == T(0)) return true;
  return false;
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
    detail::trsv_kernel(Uplo::lower, Op::none, Diag::unit, factors, b);         // b := L^{-1} b
    detail::trsv_kernel(Uplo::upper, Op::none, Diag::non_unit, factors, b);     // b := U^{-1} b
  } else {
    detail::trsv_kernel(Uplo::upper, Op::transpose, Diag::non_unit, factors, b);      // b := U^{-T} b
    detail::trsv_kernel(Uplo::lower, Op::transpose, Diag::unit, factors, b);          // b := L^{-T} b
    for (index i = n - 1; i >= 0; --i) std::swap(b[i], b[pivots[i]]);  // b := P^T b
  }
}

// B := op(A)^{-1} B from finite factors with valid pivots and no zero on U's diagonal
// (lu_solve_inplace's work for a matrix of right-hand sides).
template <class T>
void lu_solve_kernel(Op trans, MatrixView<const T> factors, VectorView<const index> pivots, MatrixView<T> B) {
  const index n = factors.rows();
  if (trans == Op::none) {
    apply_row_interchanges(B, pivots, 0, n, true);                                            // B := P B
    trsm_kernel(Side::left, Uplo::lower, Op::none, Diag::unit, T(1), factors, B);             // B := L^{-1} B
    trsm_kernel(Side::left, Uplo::upper, Op::none, Diag::non_unit, T(1), factors, B);         // B := U^{-1} B
  } else {
    trsm_kernel(Side::left, Uplo::upper, Op::transpose, Diag::non_unit, T(1), factors, B);    // B := U^{-T} B
    trsm_kernel(Side::left, Uplo::lower, Op::transpose, Diag::unit, T(1), factors, B);        // B := L^{-T} B
    apply_row_interchanges(B, pivots, 0, n, false);                                           // B := P^T B
  }
}

// Whether the pivots describe interchanges within 0 .. n-1 with pivots[i] >= i.
inline bool pivots_valid(VectorView<const index> pivots) {
  const index n = pivots.size();
  for (index i = 0; i < n; ++i)
    if (pivots[i] < i || pivots[i] >= n) return false;
  return true;
}

}  // namespace stela::detail
