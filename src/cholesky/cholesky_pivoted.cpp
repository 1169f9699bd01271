// Pivoted Cholesky factorization for positive semidefinite matrices: P^T A P = L L^T
// with the numerical rank.
//
// Counterpart:  LAPACK xPSTRF / xPSTF2 (lower); this is the unblocked xPSTF2 order.
// Computes:     a permutation P and L (n x r, lower trapezoidal, positive diagonal)
//               with P^T A P = L L^T + S, where the Schur complement S left over after
//               r steps has every diagonal entry at or below the threshold
//                   tau = max(atol, rtol * max_i a_ii),  default rtol = n eps,
//               (tolerance.hpp's rule; xPSTRF's default TOL is n eps max_i a_ii). r is
//               the numerical rank. L_kk^2 are the pivots, non-increasing in exact
//               arithmetic.
// Storage:      entry: the lower triangle of A (the strict upper triangle is never read
//               or written). exit: L in the lower triangle with columns r .. n-1 zero;
//               perm[k] = the index of A's row and column moved to position k, so
//               (P^T A P)(i, j) = A(perm[i], perm[j]).
// Reference:    N. J. Higham, "Analysis of the Cholesky decomposition of a
//               semi-definite matrix", in Reliable Numerical Computation, Oxford, 1990;
//               Higham, Accuracy and Stability, 2nd ed., section 10.3; S. Hammarling,
//               N. J. Higham, C. Lucas, "LAPACK-style codes for pivoted Cholesky and QR
//               updating", PARA 2006, LNCS 4699, 2007 (xPSTRF).
// Method:       d_i = a_ii - sum_{k<j} l_ik^2 are the diagonal entries of the current
//               Schur complement, kept up to date in a vector. Step j takes the largest
//               d_p as pivot (complete pivoting restricted to the diagonal, which for a
//               semidefinite matrix bounds every entry: |s_ij| <= sqrt(s_ii s_jj)),
//               swaps row and column p with j symmetrically in the lower triangle, and
//               computes column j as in xPOTF2:
//                   l_jj = sqrt(d_j),  L(j+1:n, j) = (A(j+1:n, j) - L(j+1:n, 0:j) L(j, 0:j)^T) / l_jj.
// Cost:         n r^2 - 2 r^3 / 3 flops (n^3 / 3 at full rank), plus (n - r)^2 r for
//               the closing check.
// Workspace:    the vector d of n.
// Invariant:    before step j, columns 0 .. j-1 hold L for the rows and columns in
//               perm[0 .. n-1] order, and d_i (i >= j) is the diagonal of the Schur
//               complement of the leading j x j block.
// Stability:    for a semidefinite A, ||P^T A P - L L^T - S||_2 is at most about
//               2 r gamma_{r+1} (||W||_2 + 1)^2 ||A||_2 with W = L11^{-1} L21^T (L11 the
//               leading r x r block); diagonal pivoting keeps ||W|| modest in practice
//               (Higham 1990; Accuracy and Stability, section 10.3).
// Closing check: a semidefinite S has |s_ij| <= sqrt(s_ii s_jj) <= tau; S is formed
//               (one syrk) and an entry beyond tau + 4 (r + 1) eps max_i a_ii — the
//               threshold plus twice the rounding bound of thm 10.3 for the partial
//               factorization and for forming S — proves A indefinite.
// Failure:      dimension_mismatch, invalid_argument (tol), workspace_too_small,
//               not_finite — A and perm untouched — and not_positive_definite
//               (info.failed_column = r; A holds L in columns 0 .. r-1 and S in the
//               trailing block's lower triangle).
#include <algorithm>
#include <cmath>

#include "../blas/blas_kernels.hpp"
#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// The closing check allows twice the rounding bound gamma_{r+1} (|A| + |L||L^T|)
// <= 2 (r + 1) eps max_i a_ii: once for the factorization, once for forming S.
constexpr int kRoundingBoundMultiple = 4;

// Swaps row/column j with row/column p > j of the symmetric matrix whose lower
// triangle A holds, where columns 0 .. j-1 already hold L (whose rows j and p swap).
template <class T>
void symmetric_interchange(MatrixView<T> A, index j, index p) {
  const index n = A.rows();
  swap(A.row(j).segment(0, j), A.row(p).segment(0, j));  // rows of the finished L
  std::swap(A(j, j), A(p, p));
  for (index i = j + 1; i < p; ++i) std::swap(A(i, j), A(p, i));  // column j <-> row p
  for (index i = p + 1; i < n; ++i) std::swap(A(i, j), A(i, p));  // below both
}

}  // namespace

template <class T>
WorkspaceSize pivoted_cholesky_workspace_size(index n) {
  return WorkspaceSize::vector<T>(n);
}

template <class T>
Status pivoted_cholesky_inplace(MatrixView<T> A, VectorView<index> perm, PivotedCholeskyInfo<T>& info, Workspace work,
                                const RankTolerance<T>& tol) {
  // Checks: shapes, tolerance, workspace, finiteness, empty.
  const index n = A.rows();
  if (A.cols() != n || perm.size() != n) return Status::dimension_mismatch;
  if (!valid(tol)) return Status::invalid_argument;
  if (!work.holds(pivoted_cholesky_workspace_size<T>(n))) return Status::workspace_too_small;
  if (!detail::lower_triangle_finite(MatrixView<const T>(A))) return Status::not_finite;
  info = PivotedCholeskyInfo<T>{};
  for (index i = 0; i < n; ++i) perm[i] = i;
  if (n == 0) return Status::ok;

  // 1. d := diag(A);  threshold tau = max(atol, rtol * max_i a_ii).
  VectorView<T> d = work.vector<T>(n);
  T d_max = T(0);
  for (index i = 0; i < n; ++i) {
    d[i] = A(i, i);
    d_max = std::max(d_max, d[i]);
  }
  const T threshold = rank_threshold<T>(tol, d_max, n, n);
  info.threshold = threshold;

  index r = n;
  for (index j = 0; j < n; ++j) {
    // 2. Pivot: p = argmax_{i >= j} d_i. Stop when d_p <= tau (NaN stops as well).
    index p = j;
    for (index i = j + 1; i < n; ++i)
      if (d[i] > d[p]) p = i;
    if (!(d[p] > threshold)) {
      r = j;
      break;
    }
    // 3. Symmetric interchange of j and p in A, d and perm.
    if (p != j) {
      symmetric_interchange(A, j, p);
      std::swap(d[j], d[p]);
      std::swap(perm[j], perm[p]);
    }
    // 4. l_jj = sqrt(d_j)
    const T ljj = std::sqrt(d[j]);
    A(j, j) = ljj;
    if (j + 1 == n) break;
    // 5. A(j+1:n, j) := (A(j+1:n, j) - L(j+1:n, 0:j) L(j, 0:j)^T) / l_jj
    VectorView<T> below = A.col(j).segment(j + 1, n - j - 1);
    detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(A.block(j + 1, 0, n - j - 1, j)),
                        VectorView<const T>(A.row(j).segment(0, j)), T(1), below);
    scal(T(1) / ljj, below);
    // 6. d_i := d_i - l_ij^2 for i > j
    for (index i = j + 1; i < n; ++i) d[i] -= A(i, j) * A(i, j);
  }
  info.rank = r;
  if (r == n) return Status::ok;

  // 7. The Schur complement S := A22 - L21 L21^T (lower triangle), and the closing
  //    check |s_ij| <= tau + 4 (r + 1) eps max_i a_ii.
  const index rest = n - r;
  MatrixView<T> S = A.block(r, r, rest, rest);
  detail::syrk_kernel(Uplo::lower, Op::none, T(-1), MatrixView<const T>(A.block(r, 0, rest, r)), T(1), S);
  const T margin = threshold + static_cast<T>(kRoundingBoundMultiple * (r + 1)) * eps<T>() * d_max;
  for (index jj = 0; jj < rest; ++jj)
    for (index i = jj; i < rest; ++i)
      if (!(std::abs(S(i, jj)) <= margin)) {
        info.failed_column = r;
        return Status::not_positive_definite;
      }
  // 8. Columns r .. n-1 of L are zero.
  for (index jj = 0; jj < rest; ++jj) fill(S.col(jj).segment(jj, rest - jj), T(0));
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                   \
  template WorkspaceSize pivoted_cholesky_workspace_size<T>(index);                                            \
  template Status pivoted_cholesky_inplace<T>(MatrixView<T>, VectorView<index>, PivotedCholeskyInfo<T>&, Workspace, \
                                              const RankTolerance<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
