// stela/lu.hpp — LU factorization with partial pivoting, P A = L U; solves with A and
// A^T; a 1-norm condition estimate.
//
// Storage (as LAPACK): A is n x n; on exit its strict lower triangle holds L (unit
// lower triangular, the ones not stored) and its upper triangle holds U. The row
// interchanges are a sequence: pivots[i] = p means that at step i rows i and p (p >= i)
// were swapped; P = P_{n-1} ... P_1 P_0 with P_i that swap. Indices are 0-based.
//
// Low level (views, no allocation):
//   lu_unblocked_inplace      xGETF2, rank-1 updates         src/lu/lu_unblocked.cpp
//   lu_inplace                xGETRF, blocks through gemm    src/lu/lu_blocked.cpp
//   lu_solve_inplace          xGETRS, B := op(A)^{-1} B      src/lu/lu_solve.cpp
//   lu_condition_estimate     xGECON, 1 / kappa_1(A)         src/lu/lu_condition.cpp
// High level (allocates, leaves the input untouched): lu(), LU<T>::solve
// (src/lu/lu.cpp).
//
// A zero pivot does not stop the factorization (as xGETRF): it completes, U(j, j) = 0
// for the first such column j is reported as Status::singular with
// info.failed_column = j, and P A = L U still holds. Solving with such a U is refused.
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela {

struct LuInfo {
  index failed_column = -1;  // first column j with U(j, j) = 0; -1 when there is none
};

// ---------------------------------------------------------------------------------------
// Low level

// P A = L U column by column (LAPACK xGETF2). A n x n, pivots of size n. No workspace.
// Statuses: dimension_mismatch (A not square, pivots of the wrong size), not_finite
// (NaN/Inf in A, A untouched; or the elimination overflowed finite input, A then holding
// its partial result), singular (factorization complete, info.failed_column set).
template <class T>
Status lu_unblocked_inplace(MatrixView<T> A, VectorView<index> pivots, LuInfo& info);

// P A = L U by blocks of columns (LAPACK xGETRF, right-looking, xGETF2 on each panel).
// Same storage and statuses as lu_unblocked_inplace, plus workspace_too_small (never:
// the minimum is zero). Workspace: optimal lu_workspace_size(n), the packing buffers
// with which trsm and gemm run on the packed gemm; with less, on the unpacked one.
template <class T>
WorkspaceSize lu_workspace_size(index n);
template <class T>
Status lu_inplace(MatrixView<T> A, VectorView<index> pivots, LuInfo& info, Workspace work);

// B := op(A)^{-1} B from the factors of lu_*_inplace: trans = none solves A X = B,
// trans = transpose solves A^T X = B (LAPACK xGETRS). B n x k, or a vector of n.
// No workspace. Statuses: dimension_mismatch, invalid_argument (a pivot outside
// i .. n-1), not_finite (NaN/Inf in the factors or B), singular (a zero on U's
// diagonal); B untouched on every error.
template <class T>
Status lu_solve_inplace(Op trans, MatrixView<const T> factors, VectorView<const index> pivots, MatrixView<T> B);
template <class T>
Status lu_solve_inplace(Op trans, MatrixView<const T> factors, VectorView<const index> pivots, VectorView<T> b);

// An estimate of rcond = 1 / (||A||_1 ||A^{-1}||_1) from the factors, with
// anorm = ||A||_1 computed by the caller before the factorization (LAPACK xGECON with
// the Hager–Higham estimator, N. J. Higham, ACM TOMS 14(4), 1988). O(n^2) flops: a
// handful of solves with L and U. The estimate of ||A^{-1}||_1 is a lower bound, so
// rcond is an upper bound on 1 / kappa_1(A), in practice within a factor of 3.
// rcond = 0 when U has a zero on its diagonal, when anorm is 0 or +Inf (a norm that
// overflowed) or when the solves overflow; rcond = 1 for n = 0. Workspace: two vectors
// of n.
// Statuses: dimension_mismatch, invalid_argument (anorm < 0, a pivot out of range),
// not_finite (anorm NaN, or NaN/Inf in the factors), workspace_too_small.
template <class T>
WorkspaceSize lu_condition_estimate_workspace_size(index n);
template <class T>
Status lu_condition_estimate(MatrixView<const T> factors, VectorView<const index> pivots, T anorm, T& rcond,
                             Workspace work);

// ---------------------------------------------------------------------------------------
// High level

template <class T>
struct LU {
  Matrix<T> factors;     // L below the diagonal (unit diagonal implied), U on and above
  Vector<index> pivots;  // the row interchanges, as described at the top
  LuInfo info;           // failed_column
  T anorm = 0;           // ||A||_1 of the factored matrix
  T rcond_estimate = 0;  // lu_condition_estimate of the factors

  // X = op(A)^{-1} B (B n x k) or x = op(A)^{-1} b. singular when U has a zero pivot.
  Result<Matrix<T>> solve(MatrixView<const T> B, Op trans = Op::none) const;
  Result<Vector<T>> solve(VectorView<const T> b, Op trans = Op::none) const;

  // The estimate of 1 / kappa_1(A) (0 for a singular U).
  T rcond() const { return rcond_estimate; }
  // The factors as separate matrices: L unit lower triangular, U upper triangular.
  Matrix<T> L() const;
  Matrix<T> U() const;
  // p with (P A)(i, :) = A(p[i], :): the pivots replayed on 0, 1, ..., n-1.
  Vector<index> permutation() const;
};

// Factors a copy of A (n x n), then estimates its condition number. The Result carries
// the factors also with Status::singular.
template <class T>
Result<LU<T>> lu(MatrixView<const T> A);

}  // namespace stela
