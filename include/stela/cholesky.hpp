// stela/cholesky.hpp — Cholesky factorization A = L L^T: plain, blocked, with jitter,
// with diagonal pivoting; solves, condition estimate, log-determinant.
//
// Every routine here works on the LOWER triangle of a symmetric A and never reads the
// strict upper triangle, which may hold anything (NaN included) and is never written.
// On exit the lower triangle holds L; the diagonal of L is positive.
//
// Low level (views, caller's workspace, no allocation):
//   cholesky_unblocked_inplace   xPOTF2, column by column           src/cholesky/cholesky_unblocked.cpp
//   cholesky_blocked_inplace     xPOTRF, blocks through syrk/gemm   src/cholesky/cholesky_blocked.cpp
//   cholesky_inplace             the blocked factorization with a   src/cholesky/cholesky_jitter.cpp
//                                jitter policy (A + tau I on failure)
//   pivoted_cholesky_inplace     xPSTRF, P^T A P = L L^T, rank      src/cholesky/cholesky_pivoted.cpp
//   cholesky_solve_inplace       xPOTRS, B := A^{-1} B              src/cholesky/cholesky_solve.cpp
//   cholesky_condition_estimate  xPOCON, 1 / kappa_1(A) estimate    src/cholesky/cholesky_condition.cpp
// High level (allocates, leaves the input untouched): cholesky(), pivoted_cholesky(),
// Cholesky<T>::solve, ::log_determinant (src/cholesky/cholesky.cpp).
//
// Failure: a pivot that is not positive (zero, negative or NaN) stops the
// factorization with Status::not_positive_definite and names its column in
// info.failed_column. The low-level routines then leave A partially factored (as
// LAPACK): columns 0 .. failed_column - 1 hold those columns of L, A(failed_column,
// failed_column) holds the offending pivot, and the rest of the lower triangle holds
// intermediate values. The high-level cholesky() works on a copy, so the caller's A is
// untouched on every status.
#pragma once

#include <limits>

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela {

// ---------------------------------------------------------------------------------------
// Options and diagnostics

enum class JitterPolicy {
  none,      // factor A as given (the default)
  fixed,     // factor A + tau I, tau given by the caller, once
  adaptive,  // factor A; on failure retry A + tau I with tau growing tenfold (see below)
};

// How much to add to the diagonal of a matrix that is positive semidefinite in exact
// arithmetic but not numerically positive definite (Gram matrices X^T X with more
// columns than rows, kernel matrices).
//
// adaptive: the first try factors A itself. Each further try restarts from A and
// factors A + tau I with
//     tau_1 = n eps mean(diag(A)),   tau_{k+1} = 10 tau_k,
// as long as tau <= mean(diag(A)). n eps mean(diag(A)) is the size of the rounding
// errors Cholesky itself commits (its backward error is bounded by (n + 1) eps |L| |L^T|,
// Higham, Accuracy and Stability, 2nd ed., thm 10.3), so the first shift is the smallest
// one that can change the outcome; the tenfold growth and the retry-from-the-original
// scheme are those of GPy's jitchol and GPyTorch's psd_safe_cholesky; the cap keeps the
// shift below the average diagonal entry, beyond which the factor describes tau I more
// than A. At most 2 + floor(log10(1 / (n eps))) tries: 17 in double, 8 in float. A
// matrix whose mean diagonal is not positive (or not finite) gives the shift no scale;
// adaptive then stops after the first try.
//
// With jitter the factor is that of A + tau I, NOT of A: L L^T = A + info.jitter I,
// and solve() and log_determinant() are those of A + info.jitter I.
//
// The shift is in the matrix's units and type T (tolerance.hpp says why), T = double by
// default: `Jitter<>::fixed(1e-8)`, `Jitter<float>::adaptive()`.
template <class T = double>
struct Jitter {
  JitterPolicy policy = JitterPolicy::none;
  T tau = 0;  // the shift of JitterPolicy::fixed (finite, >= 0); unused otherwise

  static Jitter none() { return Jitter{}; }
  static Jitter fixed(T tau) { return Jitter{JitterPolicy::fixed, tau}; }
  static Jitter adaptive() { return Jitter{JitterPolicy::adaptive, 0}; }
};

template <class T = double>
struct CholeskyOptions {
  Jitter<T> jitter = Jitter<T>::none();
};
// CholeskyOptions{Jitter<T>::adaptive()} takes T from the jitter.
template <class T>
CholeskyOptions(Jitter<T>) -> CholeskyOptions<T>;

// Whether the options make sense: a fixed tau must be >= 0 and finite.
// Entry points return Status::invalid_argument otherwise.
template <class T>
bool valid(const CholeskyOptions<T>& opts) {
  if (opts.jitter.policy != JitterPolicy::fixed) return true;
  const T tau = opts.jitter.tau;
  return tau >= 0 && tau <= std::numeric_limits<T>::max();
}

template <class T = double>
struct CholeskyInfo {
  index failed_column = -1;  // column of the first pivot that was not positive; -1 on success
  T jitter = 0;              // tau added to the diagonal in the last try (0: none)
  int tries = 0;             // factorizations attempted (1 without jitter)
};

// ---------------------------------------------------------------------------------------
// Low level

// A = L L^T, column by column with level-2 kernels (LAPACK xPOTF2). A is n x n; the
// lower triangle is overwritten by L. No workspace. Statuses: dimension_mismatch (A not
// square), not_finite (NaN/Inf in the lower triangle; A untouched),
// not_positive_definite (info.failed_column set; A partially factored).
template <class T>
Status cholesky_unblocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info);

// The same factorization by blocks of columns, most of the work in syrk and trsm
// (LAPACK xPOTRF). Same statuses and failure column as the unblocked form. Workspace:
// minimum none (the form without it), optimal cholesky_blocked_workspace_size(n), with
// which syrk and trsm run on the packed gemm.
template <class T>
Status cholesky_blocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info);
template <class T>
WorkspaceSize cholesky_blocked_workspace_size(index n);
template <class T>
Status cholesky_blocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info, Workspace work);

// The blocked factorization under a jitter policy. Workspace: an n x n copy of A's
// lower triangle for the adaptive policy (each retry restarts from it), none otherwise;
// that is the minimum; the optimal adds cholesky_blocked_workspace_size(n).
// Statuses as cholesky_blocked_inplace, plus invalid_argument (a fixed tau negative or
// not finite), workspace_too_small and not_finite (also when A + tau I would overflow),
// all with A untouched. On success L L^T =
// A + info.jitter I; on not_positive_definite A holds the partial factor of the last
// try, that of A + info.jitter I.
template <class T>
WorkspaceSize cholesky_workspace_size(index n, const CholeskyOptions<T>& opts = {});
template <class T>
Status cholesky_inplace(MatrixView<T> A, CholeskyInfo<T>& info, Workspace work, const CholeskyOptions<T>& opts = {});

// B := A^{-1} B = L^{-T} L^{-1} B for the factor L of cholesky_*_inplace (its lower
// triangle; the strict upper triangle is not read). LAPACK xPOTRS. No workspace.
// Statuses: dimension_mismatch (L not square, or B's rows differ from n), not_finite
// (NaN/Inf in L's lower triangle or in B), not_positive_definite (a diagonal entry of L
// is not positive: L is not a finished factor); B is untouched on every error.
template <class T>
Status cholesky_solve_inplace(MatrixView<const T> L, MatrixView<T> B);
template <class T>
Status cholesky_solve_inplace(MatrixView<const T> L, VectorView<T> b);

// An estimate of rcond = 1 / (||A||_1 ||A^{-1}||_1) from the factor L of A, with
// anorm = ||A||_1 computed by the caller before the factorization (LAPACK xPOCON, with
// the Hager–Higham estimator of xLACN2). O(n^2) flops. The estimate of ||A^{-1}||_1 is
// a lower bound, so rcond is an upper bound on the true 1 / kappa_1(A), usually within
// a factor of 3. rcond = 0 when the solves overflow, anorm = 0 or anorm = +Inf (a norm
// that overflowed); 1 for n = 0. Workspace: two vectors of n. Statuses:
// dimension_mismatch, invalid_argument (anorm negative), not_finite (anorm NaN, or
// NaN/Inf in L), not_positive_definite (as the solve), workspace_too_small.
template <class T>
WorkspaceSize cholesky_condition_estimate_workspace_size(index n);
template <class T>
Status cholesky_condition_estimate(MatrixView<const T> L, T anorm, T& rcond, Workspace work);

// Diagonal pivoting for positive SEMIdefinite A (LAPACK xPSTRF): P^T A P = L L^T with
// L n x rank lower trapezoidal. Step k picks the largest remaining diagonal entry d of
// the Schur complement as pivot and stops when
//     d <= max(atol, rtol * max_i a_ii),   default rtol = n eps (xPSTRF's default),
// the one rank rule of tolerance.hpp applied to the pivots d_k = L_kk^2, which live on
// the scale of A (for a Gram matrix X^T X: squared singular values of X).
// On exit: perm[k] = the row/column of A moved to position k, so that
// (P^T A P)(i, j) = A(perm[i], perm[j]); the lower triangle holds L, columns rank..n-1
// set to zero; info.rank, info.threshold (the pivot threshold applied).
// After stopping, the remaining Schur complement S of a positive semidefinite A has
// |s_ij| <= sqrt(s_ii s_jj) <= threshold; an entry of S beyond the threshold plus the
// rounding error of forming S, (rank + 1) eps max_i a_ii, proves A indefinite:
// Status::not_positive_definite with info.failed_column = rank, A holding L in columns
// 0 .. rank-1 and S in the trailing block's lower triangle.
// Workspace: a vector of n. Statuses also: dimension_mismatch, invalid_argument (tol),
// not_finite, workspace_too_small, all with A and perm untouched.
template <class T = double>
struct PivotedCholeskyInfo {
  index rank = 0;
  T threshold = 0;           // pivots at or below it count as zero
  index failed_column = -1;  // where indefiniteness showed; -1 otherwise
};
template <class T>
WorkspaceSize pivoted_cholesky_workspace_size(index n);
template <class T>
Status pivoted_cholesky_inplace(MatrixView<T> A, VectorView<index> perm, PivotedCholeskyInfo<T>& info, Workspace work,
                                const RankTolerance<T>& tol = {});

// ---------------------------------------------------------------------------------------
// High level

template <class T>
struct Cholesky {
  Matrix<T> L;        // n x n lower triangular, zero above the diagonal
  CholeskyInfo<T> info;  // failed_column, jitter, tries

  // X = (A + info.jitter I)^{-1} B, with B n x k (or a vector of n). Statuses as
  // cholesky_solve_inplace; not_positive_definite when the factorization failed.
  Result<Matrix<T>> solve(MatrixView<const T> B) const;
  Result<Vector<T>> solve(VectorView<const T> b) const;

  // log det(A + info.jitter I) = 2 sum_i log L_ii; not_positive_definite when the
  // factorization failed.
  Result<T> log_determinant() const;
};

// Factors a copy of A (n x n, lower triangle read) under opts.jitter. The Result
// carries the Cholesky value on every status the factorization reaches, so
// info.failed_column is visible with not_positive_definite.
template <class T>
Result<Cholesky<T>> cholesky(MatrixView<const T> A, const CholeskyOptions<T>& opts = {});

template <class T>
struct PivotedCholesky {
  Matrix<T> L;             // n x rank, lower trapezoidal: P^T A P = L L^T
  Vector<index> perm;      // (P^T A P)(i, j) = A(perm[i], perm[j])
  PivotedCholeskyInfo<T> info;

  index rank() const { return info.rank; }
};

template <class T>
Result<PivotedCholesky<T>> pivoted_cholesky(MatrixView<const T> A, const RankTolerance<T>& tol = {});

}  // namespace stela
