// Level-3 BLAS besides gemm: syrk, trmm, trsm, by recursive blocking onto gemm.
//
// Counterparts: BLAS xSYRK, xTRMM, xTRSM.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 3.1.4 (block
//               triangular solves); E. Elmroth, F. Gustavson, I. Jonsson, B. Kågström,
//               "Recursive blocked algorithms and hybrid data structures for dense
//               matrix library software", SIAM Review 46(1), 2004.
// Method:       a triangular operand is split in halves,
//                   op(A) = [A11  0 ; A21 A22]  (or its upper mirror),
//               and the work becomes two half-size triangular problems and one gemm
//               with the off-diagonal block. Recursion stops at kBase columns, where
//               the level-2 kernel runs column by column (or row by row; trsm with
//               side right solves, and trmm side right multiplies, whole columns of B
//               with axpy instead, so that neither walks a strided row of a tall
//               matrix). syrk halves C the same way: two half-size syrks on the
//               diagonal blocks and one gemm off the diagonal; its kBase blocks are a
//               gemm into a local square whose triangle is kept.
//               Almost all flops end up in gemm; the recursion depth is log2(n / kBase).
// Cost:         syrk n^2 k, trmm and trsm m^2 n (side left) or m n^2 (side right).
// Stability:    trsm is backward stable column by column, as trsv (Higham, Accuracy
//               and Stability, 2nd ed., section 8.1 and lemma 8.4 for the blocked form).
// Workspace:    none needed (minimum 0). Every gemm of the recursion gets the caller's
//               workspace and runs packed (src/blas/gemm_packed.cpp) when it holds
//               gemm_workspace_size of the top-level operands: syrk_workspace_size(n, k),
//               trsm_workspace_size(side, m, n) (optimal). With less, the unpacked gemm.
#include <algorithm>

#include "blas_kernels.hpp"
#include "stela/blas.hpp"

namespace stela {
namespace {

constexpr index kBase = 16;  // triangles this small run the level-2 kernel

// Whether op(A) is lower triangular: A lower and not transposed, or upper and transposed.
inline bool op_is_lower(Uplo uplo, Op trans) { return (uplo == Uplo::lower) == (trans == Op::none); }

inline Op flip(Op trans) { return trans == Op::none ? Op::transpose : Op::none; }

// Block (r, c) of op(A), where A is split after n1 rows and columns: op(A)(r, c) is
// op applied to block (c, r) of A when transposed. Off-diagonal blocks only.
template <class T>
MatrixView<const T> op_block(MatrixView<const T> A, Op trans, index n1, int r, int c) {
  const index n = A.rows();
  if (trans == Op::transpose) std::swap(r, c);
  const index i0 = r == 0 ? 0 : n1;
  const index j0 = c == 0 ? 0 : n1;
  const index rows = r == 0 ? n1 : n - n1;
  const index cols = c == 0 ? n1 : n - n1;
  return A.block(i0, j0, rows, cols);
}

// B := op(A)^{-1} B (left) or B op(A)^{-1} (right), alpha already applied.
template <class T>
void trsm_recursive(Side side, Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, MatrixView<T> B,
                    Workspace work) {
  const index n = A.rows();
  if (n <= kBase) {
    // Left: each column of B is a right-hand side of op(A) x = b.
    if (side == Side::left) {
      for (index j = 0; j < B.cols(); ++j) detail::trsv_kernel(uplo, trans, diag, A, B.col(j));
      return;
    }
    // Right: X M = B with M = op(A), solved for whole columns of X (contiguous, where a
    // trsv along each row of B would walk it with stride ld):
    //   X(:, j) = (B(:, j) - sum_k M(k, j) X(:, k)) / M(j, j),
    // k < j ascending when M is upper triangular, k > j descending when it is lower.
    const bool lower = op_is_lower(uplo, trans);
    for (index s = 0; s < n; ++s) {
      const index j = lower ? n - 1 - s : s;
      VectorView<T> xj = B.col(j);
      const index k_first = lower ? j + 1 : 0;
      const index k_last = lower ? n : j;
      for (index k = k_first; k < k_last; ++k) {
        // X(:, j) := X(:, j) - M(k, j) X(:, k)
        const T mkj = trans == Op::none ? A(k, j) : A(j, k);
        if (mkj != T(0)) axpy(-mkj, VectorView<const T>(B.col(k)), xj);
      }
      if (diag == Diag::non_unit) {
        const T mjj = A(j, j);
        for (index i = 0; i < xj.size(); ++i) xj[i] /= mjj;
      }
    }
    return;
  }
  const index n1 = n / 2;
  const index n2 = n - n1;
  MatrixView<const T> A11 = A.block(0, 0, n1, n1);
  MatrixView<const T> A22 = A.block(n1, n1, n2, n2);
  const bool lower = op_is_lower(uplo, trans);
  if (side == Side::left) {
    // op(A) X = B with B = [B1; B2] split by rows.
    MatrixView<T> B1 = B.row_block(0, n1);
    MatrixView<T> B2 = B.row_block(n1, n2);
    if (lower) {
      // X1 = op(A11)^{-1} B1;  B2 := B2 - op(A)21 X1;  X2 = op(A22)^{-1} B2
      trsm_recursive(side, uplo, trans, diag, A11, B1, work);
      detail::gemm_kernel(trans, Op::none, T(-1), op_block(A, trans, n1, 1, 0), B1, T(1), B2, work);
      trsm_recursive(side, uplo, trans, diag, A22, B2, work);
    } else {
      // X2 = op(A22)^{-1} B2;  B1 := B1 - op(A)12 X2;  X1 = op(A11)^{-1} B1
      trsm_recursive(side, uplo, trans, diag, A22, B2, work);
      detail::gemm_kernel(trans, Op::none, T(-1), op_block(A, trans, n1, 0, 1), B2, T(1), B1, work);
      trsm_recursive(side, uplo, trans, diag, A11, B1, work);
    }
  } else {
    // X op(A) = B with B = [B1 B2] split by columns.
    MatrixView<T> B1 = B.col_block(0, n1);
    MatrixView<T> B2 = B.col_block(n1, n2);
    if (lower) {
      // X2 = B2 op(A22)^{-1};  B1 := B1 - X2 op(A)21;  X1 = B1 op(A11)^{-1}
      trsm_recursive(side, uplo, trans, diag, A22, B2, work);
      detail::gemm_kernel(Op::none, trans, T(-1), B2, op_block(A, trans, n1, 1, 0), T(1), B1, work);
      trsm_recursive(side, uplo, trans, diag, A11, B1, work);
    } else {
      // X1 = B1 op(A11)^{-1};  B2 := B2 - X1 op(A)12;  X2 = B2 op(A22)^{-1}
      trsm_recursive(side, uplo, trans, diag, A11, B1, work);
      detail::gemm_kernel(Op::none, trans, T(-1), B1, op_block(A, trans, n1, 0, 1), T(1), B2, work);
      trsm_recursive(side, uplo, trans, diag, A22, B2, work);
    }
  }
}

// B := B M with M = op(A) triangular (n <= kBase), by whole columns of B (contiguous,
// where a trmv along each row of B would walk it with stride ld):
//   B(:, j) := M(j, j) B(:, j) + sum_k M(k, j) B(:, k),
// k < j with j descending when M is upper triangular (the columns k < j are still
// B's own), k > j with j ascending when it is lower.
template <class T>
void trmm_right_by_columns(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, MatrixView<T> B) {
  const index n = A.rows();
  const bool lower = op_is_lower(uplo, trans);
  for (index s = 0; s < n; ++s) {
    const index j = lower ? s : n - 1 - s;
    VectorView<T> bj = B.col(j);
    // B(:, j) := M(j, j) B(:, j)
    if (diag == Diag::non_unit) scal(A(j, j), bj);
    const index k_first = lower ? j + 1 : 0;
    const index k_last = lower ? n : j;
    for (index k = k_first; k < k_last; ++k) {
      // B(:, j) := B(:, j) + M(k, j) B(:, k)
      const T mkj = trans == Op::none ? A(k, j) : A(j, k);
      if (mkj != T(0)) axpy(mkj, VectorView<const T>(B.col(k)), bj);
    }
  }
}

// B := op(A) B (left) or B op(A) (right), alpha already applied.
template <class T>
void trmm_recursive(Side side, Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, MatrixView<T> B,
                    Workspace work) {
  const index n = A.rows();
  if (n <= kBase) {
    if (side == Side::left)
      for (index j = 0; j < B.cols(); ++j) detail::trmv_kernel(uplo, trans, diag, A, B.col(j));
    else
      trmm_right_by_columns(uplo, trans, diag, A, B);
    return;
  }
  const index n1 = n / 2;
  const index n2 = n - n1;
  MatrixView<const T> A11 = A.block(0, 0, n1, n1);
  MatrixView<const T> A22 = A.block(n1, n1, n2, n2);
  const bool lower = op_is_lower(uplo, trans);
  if (side == Side::left) {
    MatrixView<T> B1 = B.row_block(0, n1);
    MatrixView<T> B2 = B.row_block(n1, n2);
    if (lower) {
      // [L11 0; L21 L22] [B1; B2] = [L11 B1; L21 B1 + L22 B2]: bottom half first.
      trmm_recursive(side, uplo, trans, diag, A22, B2, work);
      detail::gemm_kernel(trans, Op::none, T(1), op_block(A, trans, n1, 1, 0), B1, T(1), B2, work);
      trmm_recursive(side, uplo, trans, diag, A11, B1, work);
    } else {
      // [U11 U12; 0 U22] [B1; B2] = [U11 B1 + U12 B2; U22 B2]: top half first.
      trmm_recursive(side, uplo, trans, diag, A11, B1, work);
      detail::gemm_kernel(trans, Op::none, T(1), op_block(A, trans, n1, 0, 1), B2, T(1), B1, work);
      trmm_recursive(side, uplo, trans, diag, A22, B2, work);
    }
  } else {
    MatrixView<T> B1 = B.col_block(0, n1);
    MatrixView<T> B2 = B.col_block(n1, n2);
    if (lower) {
      // [B1 B2] [L11 0; L21 L22] = [B1 L11 + B2 L21, B2 L22]: left half first.
      trmm_recursive(side, uplo, trans, diag, A11, B1, work);
      detail::gemm_kernel(Op::none, trans, T(1), B2, op_block(A, trans, n1, 1, 0), T(1), B1, work);
      trmm_recursive(side, uplo, trans, diag, A22, B2, work);
    } else {
      // [B1 B2] [U11 U12; 0 U22] = [B1 U11, B1 U12 + B2 U22]: right half first.
      trmm_recursive(side, uplo, trans, diag, A22, B2, work);
      detail::gemm_kernel(Op::none, trans, T(1), B1, op_block(A, trans, n1, 0, 1), T(1), B2, work);
      trmm_recursive(side, uplo, trans, diag, A11, B1, work);
    }
  }
}

// alpha B, with alpha = 0 overwriting (B is not read).
template <class T>
void scale(T alpha, MatrixView<T> B) {
  if (alpha == T(1)) return;
  for (index j = 0; j < B.cols(); ++j) scal(alpha, B.col(j));
}

// The `uplo` triangle of a small diagonal block (n <= kBase):
// C := alpha op(A) op(A)^T + beta C there. The whole square is formed by gemms into a
// local panel P, four columns at a time (twice the triangle's flops, but at the packed
// kernel's speed, where a loop over the k columns of A would make k short axpys), then
// merged into the triangle; beta = 0 overwrites C without reading it.
template <class T>
void syrk_small(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C, Workspace work) {
  const index n = C.rows();
  // P, kPanel columns of the product at a time: a kBase x kBase buffer would be a 2 KiB
  // stack frame in double, above the embedded stack aim of 1 KiB (issue 13).
  constexpr index kPanel = 4;
  T local[kBase * kPanel];
  for (index j0 = 0; j0 < n; j0 += kPanel) {
    const index w = std::min(kPanel, n - j0);
    MatrixView<T> P(local, n, w, std::max<index>(n, 1));
    // P := alpha op(A) op(A)(j0 : j0 + w, :)^T, columns j0 .. j0 + w of alpha op(A) op(A)^T
    MatrixView<const T> Aj = trans == Op::none ? A.row_block(j0, w) : A.col_block(j0, w);
    detail::gemm_kernel(trans, flip(trans), alpha, A, Aj, T(0), P, work);
    // C(i, j) := P(i, j - j0) + beta C(i, j) on the triangle
    for (index j = j0; j < j0 + w; ++j) {
      const index i_first = uplo == Uplo::lower ? j : 0;
      const index i_last = uplo == Uplo::lower ? n : j + 1;
      for (index i = i_first; i < i_last; ++i)
        C(i, j) = beta == T(0) ? P(i, j - j0) : P(i, j - j0) + beta * C(i, j);
    }
  }
}

// C := alpha op(A) op(A)^T + beta C on the `uplo` triangle, by halves: with op(A) =
// [A1; A2] split by rows and C = [C11 C12; C21 C22] alike,
//   C11 := syrk(A1),   C21 := alpha A2 A1^T + beta C21 (one gemm; C12 from A1 A2^T
//   when upper),       C22 := syrk(A2),
// so that all but O(n kBase k) of the n^2 k flops run in gemm.
template <class T>
void syrk_recursive(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C, Workspace work) {
  const index n = C.rows();
  if (n <= kBase) {
    syrk_small(uplo, trans, alpha, A, beta, C, work);
    return;
  }
  const index n1 = n / 2;
  const index n2 = n - n1;
  // op(A)'s rows 0..n1 and n1..n: A's rows, or A's columns when transposed.
  MatrixView<const T> A1 = trans == Op::none ? A.row_block(0, n1) : A.col_block(0, n1);
  MatrixView<const T> A2 = trans == Op::none ? A.row_block(n1, n2) : A.col_block(n1, n2);
  // C11 := alpha op(A1) op(A1)^T + beta C11
  syrk_recursive(uplo, trans, alpha, A1, beta, C.block(0, 0, n1, n1), work);
  if (uplo == Uplo::lower) {
    // C21 := alpha op(A2) op(A1)^T + beta C21
    detail::gemm_kernel(trans, flip(trans), alpha, A2, A1, beta, C.block(n1, 0, n2, n1), work);
  } else {
    // C12 := alpha op(A1) op(A2)^T + beta C12
    detail::gemm_kernel(trans, flip(trans), alpha, A1, A2, beta, C.block(0, n1, n1, n2), work);
  }
  // C22 := alpha op(A2) op(A2)^T + beta C22
  syrk_recursive(uplo, trans, alpha, A2, beta, C.block(n1, n1, n2, n2), work);
}

}  // namespace

template <class T>
void detail::syrk_kernel(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C,
                         Workspace work) {
  STELA_ASSERT(syrk_shapes_fit(trans, A, C.rows(), C.cols()));
  // The packed loops over the triangle's tiles when the workspace holds their buffers
  // (op(A) packed once per block, not once per level of the recursion); otherwise by
  // halves onto the unpacked gemm.
  if (syrk_packed_kernel(uplo, trans, alpha, A, beta, C, work)) return;
  syrk_recursive(uplo, trans, alpha, A, beta, C, work);
}

template <class T>
void detail::trmm_kernel(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A,
                         MatrixView<T> B, Workspace work) {
  STELA_ASSERT(triangular_matrix_shapes_fit(side, A, B.rows(), B.cols()));
  scale(alpha, B);
  if (alpha != T(0)) trmm_recursive(side, uplo, trans, diag, A, B, work);
}

template <class T>
void detail::trsm_kernel(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A,
                         MatrixView<T> B, Workspace work) {
  STELA_ASSERT(triangular_matrix_shapes_fit(side, A, B.rows(), B.cols()));
  scale(alpha, B);
  if (alpha != T(0)) trsm_recursive(side, uplo, trans, diag, A, B, work);
}

// The workspace queries: the largest packed gemm of the recursion. Every gemm it makes
// has C within the top-level output and an inner dimension within the top-level one,
// and the packed blocks grow with each of m, n and k, so the top-level sizes bound them.

template <class T>
WorkspaceSize syrk_workspace_size(index n, index k) {
  return gemm_workspace_size<T>(n, n, k);
}

template <class T>
WorkspaceSize trsm_workspace_size(Side side, index m, index n) {
  return gemm_workspace_size<T>(m, n, side == Side::left ? m : n);
}

// The checked entries: shapes, then the kernel.

template <class T>
Status syrk(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C, Workspace work) {
  if (!detail::syrk_shapes_fit(trans, A, C.rows(), C.cols())) return Status::dimension_mismatch;
  detail::syrk_kernel(uplo, trans, alpha, A, beta, C, work);
  return Status::ok;
}

template <class T>
Status syrk(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) {
  return syrk(uplo, trans, alpha, A, beta, C, Workspace());
}

template <class T>
Status trmm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B) {
  if (!detail::triangular_matrix_shapes_fit(side, A, B.rows(), B.cols())) return Status::dimension_mismatch;
  detail::trmm_kernel(side, uplo, trans, diag, alpha, A, B);
  return Status::ok;
}

template <class T>
Status trsm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B,
            Workspace work) {
  if (!detail::triangular_matrix_shapes_fit(side, A, B.rows(), B.cols())) return Status::dimension_mismatch;
  detail::trsm_kernel(side, uplo, trans, diag, alpha, A, B, work);
  return Status::ok;
}

template <class T>
Status trsm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B) {
  return trsm(side, uplo, trans, diag, alpha, A, B, Workspace());
}

#define STELA_INSTANTIATE(T)                                                                                     \
  template void detail::syrk_kernel<T>(Uplo, Op, T, MatrixView<const T>, T, MatrixView<T>, Workspace);           \
  template void detail::trmm_kernel<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>, Workspace);  \
  template void detail::trsm_kernel<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>, Workspace);  \
  template WorkspaceSize syrk_workspace_size<T>(index, index);                                                  \
  template WorkspaceSize trsm_workspace_size<T>(Side, index, index);                                            \
  template Status syrk<T>(Uplo, Op, T, MatrixView<const T>, T, MatrixView<T>);                                   \
  template Status syrk<T>(Uplo, Op, T, MatrixView<const T>, T, MatrixView<T>, Workspace);                        \
  template Status trmm<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>);                          \
  template Status trsm<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>);                          \
  template Status trsm<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
