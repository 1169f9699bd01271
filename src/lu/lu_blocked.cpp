// LU factorization with partial pivoting, blocked: P A = L U by panels of kBlock
// columns.
//
// Counterpart:  LAPACK xGETRF (right-looking, with the recursive xGETRF2 on each panel
//               and xLASWP for the interchanges).
// Computes:     P A = L U, the same factors and pivots as xGETF2 (src/lu/lu_unblocked.cpp)
//               up to rounding: partial pivoting picks its pivots from the same
//               columns, only the order of the updates differs.
// Storage:      entry: A (n x n). exit: L's strict lower triangle (unit diagonal not
//               stored) and U on and above the diagonal; pivots[j] = the row swapped
//               with row j at step j (0-based).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 3.4 (partial
//               pivoting and its block form); LAPACK Users' Guide, 3rd ed., section
//               3.4; Higham, Accuracy and Stability, 2nd ed., section 13.1 (partitioned
//               LU is Gaussian elimination reordered, with the same error bound);
//               S. Toledo, "Locality of reference in LU decomposition with partial
//               pivoting", SIAM J. Matrix Anal. Appl. 18(4), 1997 (the recursive panel).
// Method:       for each panel J of columns j .. j+jb-1, with A split as
//                   [A11 A12; A21 A22]   (A11 jb x jb at (j, j)),
//               1. factor the tall panel [A11; A21] = P_J^T [L11; L21] U11, by halves
//                  of its columns (xGETRF2): the left half recursively, its
//                  interchanges, trsm and gemm on the right half, the right half
//                  recursively, its interchanges on the left half; xGETF2 below
//                  kRecursionBase columns;
//               2. apply P_J to the columns left and right of the panel (xLASWP);
//               3. U12 := L11^{-1} A12                    trsm, unit lower
//               4. A22 := A22 - L21 U12                   gemm
// Block size:   kBlock = 64, measured: bench_peers lu/stela/double/1024, median of 5 CPU
//               times per value on a shared 2-core Zen 4 (2026-12-02): 64 33.1 ms, 128
//               34.1, 192 34.9, 256 34.8. Flat within the noise, as the panel is
//               recursive; 64 was the fastest of the run (and is ILAENV's default).
// Cost:         2 n^3 / 3 flops; all but O(n kRecursionBase^2) of them in trsm and gemm.
// Workspace:    minimum none; optimal lu_workspace_size(n), the packing buffers of the
//               largest gemm (the first trailing update), with which trsm and gemm run
//               packed; with less they run unpacked (the same algorithm, slower).
// Invariant:    before panel J, columns 0 .. j-1 hold L and U, rows 0 .. j-1 of the
//               columns to the right hold U, and A22 is the Schur complement, all for
//               the rows in their current (interchanged) order.
// Stability:    as xGETF2: L U = P A + dA with |dA| <= gamma_n |L| |U| up to the order
//               of summation.
// Failure:      dimension_mismatch, workspace_too_small, not_finite (NaN/Inf in A, A
//               untouched; or the elimination overflowed, A holding its result);
//               singular: a zero pivot, reported for the first such column after the
//               factorization completed (info.failed_column).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "lu_kernels.hpp"
#include "stela/lu.hpp"

namespace stela {
namespace {

constexpr index kBlock = 64;          // panel width, measured (see Block size)
constexpr index kRecursionBase = 16;  // xGETF2 below this many columns: the trsm base of blas_level3

// P A = L U of an m x n panel, m >= n, by halves of its columns (xGETRF2). pivots[j] is
// the row (relative to the panel) swapped with row j. Returns the first column with an
// exactly zero pivot, or -1.
template <class T>
index lu_recursive(MatrixView<T> A, VectorView<index> pivots, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (n <= kRecursionBase) return detail::lu_panel_kernel(A, pivots);
  const index n1 = n / 2;
  const index n2 = n - n1;
  // 1. [A11; A21] = P1^T [L11; L21] U11
  const index zero1 = lu_recursive(A.col_block(0, n1), pivots.segment(0, n1), work);
  // 2. [A12; A22] := P1 [A12; A22]
  detail::apply_row_interchanges(A.col_block(n1, n2), VectorView<const index>(pivots), 0, n1, true);
  MatrixView<T> A12 = A.block(0, n1, n1, n2);
  MatrixView<T> A22 = A.block(n1, n1, m - n1, n2);
  // 3. U12 := L11^{-1} A12
  detail::trsm_kernel(Side::left, Uplo::lower, Op::none, Diag::unit, T(1), MatrixView<const T>(A.block(0, 0, n1, n1)),
                      A12, work);
  // 4. A22 := A22 - L21 U12
  detail::gemm_kernel(Op::none, Op::none, T(-1), MatrixView<const T>(A.block(n1, 0, m - n1, n1)),
                      MatrixView<const T>(A12), T(1), A22, work);
  // 5. A22 = P2^T L22 U22, pivots relative to row n1
  VectorView<index> pivots2 = pivots.segment(n1, n2);
  const index zero2 = lu_recursive(A22, pivots2, work);
  // 6. L21 := P2 L21, then the pivots made relative to the panel's first row.
  detail::apply_row_interchanges(A.block(n1, 0, m - n1, n1), VectorView<const index>(pivots2), 0, n2, true);
  for (index i = 0; i < n2; ++i) pivots2[i] += n1;
  if (zero1 >= 0) return zero1;
  return zero2 >= 0 ? n1 + zero2 : -1;
}

}  // namespace

template <class T>
WorkspaceSize lu_workspace_size(index n) {
  // The first trailing update, (n - jb) x (n - jb) with inner dimension jb, bounds every
  // gemm and trsm of the factorization (the panel's are at most n x jb x jb).
  return WorkspaceSize::range(WorkspaceSize(), gemm_workspace_size<T>(n, n, std::min(kBlock, n)));
}

template <class T>
Status detail::lu_blocked_kernel(MatrixView<T> A, VectorView<index> pivots, LuInfo& info, Workspace work) {
  const index n = A.rows();
  STELA_ASSERT(A.cols() == n && pivots.size() == n);
  info = LuInfo{};
  if (n == 0) return Status::ok;

  for (index j = 0; j < n; j += kBlock) {
    const index jb = std::min(kBlock, n - j);
    const index right = n - j - jb;  // columns to the right of the panel
    // 1. [A11; A21] = P_J^T [L11; L21] U11, pivots relative to row j, then made absolute.
    VectorView<index> panel_pivots = pivots.segment(j, jb);
    const index zero = lu_recursive(A.block(j, j, n - j, jb), panel_pivots, work);
    if (zero >= 0 && info.failed_column < 0) info.failed_column = j + zero;
    for (index i = 0; i < jb; ++i) panel_pivots[i] += j;
    // 2. Apply P_J to the columns left of the panel and right of it.
    const VectorView<const index> all_pivots = pivots;
    apply_row_interchanges(A.col_block(0, j), all_pivots, j, j + jb, true);
    if (right == 0) break;
    MatrixView<T> A12 = A.block(j, j + jb, jb, right);
    apply_row_interchanges(A.col_block(j + jb, right), all_pivots, j, j + jb, true);
    // 3. U12 := L11^{-1} A12
    trsm_kernel(Side::left, Uplo::lower, Op::none, Diag::unit, T(1), MatrixView<const T>(A.block(j, j, jb, jb)), A12,
                work);
    // 4. A22 := A22 - L21 U12
    gemm_kernel(Op::none, Op::none, T(-1), MatrixView<const T>(A.block(j + jb, j, n - j - jb, jb)),
                MatrixView<const T>(A12), T(1), A.block(j + jb, j + jb, n - j - jb, right), work);
  }
  // Growth can overflow finite input (rho_n up to 2^{n-1}): report it, never inf factors.
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return info.failed_column < 0 ? Status::ok : Status::singular;
}

template <class T>
Status lu_inplace(MatrixView<T> A, VectorView<index> pivots, LuInfo& info, Workspace work) {
  // Checks: shapes, workspace, finiteness; then the kernel.
  const index n = A.rows();
  if (A.cols() != n || pivots.size() != n) return Status::dimension_mismatch;
  if (!work.holds(lu_workspace_size<T>(n))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return detail::lu_blocked_kernel(A, pivots, info, work);
}

#define STELA_INSTANTIATE(T)                                                                           \
  template Status detail::lu_blocked_kernel<T>(MatrixView<T>, VectorView<index>, LuInfo&, Workspace);   \
  template WorkspaceSize lu_workspace_size<T>(index);                                                  \
  template Status lu_inplace<T>(MatrixView<T>, VectorView<index>, LuInfo&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
