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
//               side right solves for whole columns of B with axpy instead, and syrk's
//               diagonal blocks for op(A) = A accumulate columns, so that neither walks
//               a strided row of a tall matrix). Almost all flops end up in gemm; the
//               recursion depth is log2(n / kBase).
// Cost:         syrk n^2 k, trmm and trsm m^2 n (side left) or m n^2 (side right).
// Stability:    trsm is backward stable column by column, as trsv (Higham, Accuracy
//               and Stability, 2nd ed., section 8.1 and lemma 8.4 for the blocked form).
// Workspace:    none.
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
void trsm_recursive(Side side, Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, MatrixView<T> B) {
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
      trsm_recursive(side, uplo, trans, diag, A11, B1);
      detail::gemm_kernel(trans, Op::none, T(-1), op_block(A, trans, n1, 1, 0), B1, T(1), B2);
      trsm_recursive(side, uplo, trans, diag, A22, B2);
    } else {
      // X2 = op(A22)^{-1} B2;  B1 := B1 - op(A)12 X2;  X1 = op(A11)^{-1} B1
      trsm_recursive(side, uplo, trans, diag, A22, B2);
      detail::gemm_kernel(trans, Op::none, T(-1), op_block(A, trans, n1, 0, 1), B2, T(1), B1);
      trsm_recursive(side, uplo, trans, diag, A11, B1);
    }
  } else {
    // X op(A) = B with B = [B1 B2] split by columns.
    MatrixView<T> B1 = B.col_block(0, n1);
    MatrixView<T> B2 = B.col_block(n1, n2);
    if (lower) {
      // X2 = B2 op(A22)^{-1};  B1 := B1 - X2 op(A)21;  X1 = B1 op(A11)^{-1}
      trsm_recursive(side, uplo, trans, diag, A22, B2);
      detail::gemm_kernel(Op::none, trans, T(-1), B2, op_block(A, trans, n1, 1, 0), T(1), B1);
      trsm_recursive(side, uplo, trans, diag, A11, B1);
    } else {
      // X1 = B1 op(A11)^{-1};  B2 := B2 - X1 op(A)12;  X2 = B2 op(A22)^{-1}
      trsm_recursive(side, uplo, trans, diag, A11, B1);
      detail::gemm_kernel(Op::none, trans, T(-1), B1, op_block(A, trans, n1, 0, 1), T(1), B2);
      trsm_recursive(side, uplo, trans, diag, A22, B2);
    }
  }
}

// B := op(A) B (left) or B op(A) (right), alpha already applied.
template <class T>
void trmm_recursive(Side side, Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, MatrixView<T> B) {
  const index n = A.rows();
  if (n <= kBase) {
    if (side == Side::left)
      for (index j = 0; j < B.cols(); ++j) detail::trmv_kernel(uplo, trans, diag, A, B.col(j));
    else  // row b := b op(A), i.e. b^T := op(A)^T b^T
      for (index i = 0; i < B.rows(); ++i) detail::trmv_kernel(uplo, flip(trans), diag, A, B.row(i));
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
      trmm_recursive(side, uplo, trans, diag, A22, B2);
      detail::gemm_kernel(trans, Op::none, T(1), op_block(A, trans, n1, 1, 0), B1, T(1), B2);
      trmm_recursive(side, uplo, trans, diag, A11, B1);
    } else {
      // [U11 U12; 0 U22] [B1; B2] = [U11 B1 + U12 B2; U22 B2]: top half first.
      trmm_recursive(side, uplo, trans, diag, A11, B1);
      detail::gemm_kernel(trans, Op::none, T(1), op_block(A, trans, n1, 0, 1), B2, T(1), B1);
      trmm_recursive(side, uplo, trans, diag, A22, B2);
    }
  } else {
    MatrixView<T> B1 = B.col_block(0, n1);
    MatrixView<T> B2 = B.col_block(n1, n2);
    if (lower) {
      // [B1 B2] [L11 0; L21 L22] = [B1 L11 + B2 L21, B2 L22]: left half first.
      trmm_recursive(side, uplo, trans, diag, A11, B1);
      detail::gemm_kernel(Op::none, trans, T(1), B2, op_block(A, trans, n1, 1, 0), T(1), B1);
      trmm_recursive(side, uplo, trans, diag, A22, B2);
    } else {
      // [B1 B2] [U11 U12; 0 U22] = [B1 U11, B1 U12 + B2 U22]: right half first.
      trmm_recursive(side, uplo, trans, diag, A22, B2);
      detail::gemm_kernel(Op::none, trans, T(1), B1, op_block(A, trans, n1, 0, 1), T(1), B2);
      trmm_recursive(side, uplo, trans, diag, A11, B1);
    }
  }
}

// alpha B, with alpha = 0 overwriting (B is not read).
template <class T>
void scale(T alpha, MatrixView<T> B) {
  if (alpha == T(1)) return;
  for (index j = 0; j < B.cols(); ++j) scal(alpha, B.col(j));
}

}  // namespace

template <class T>
void detail::syrk_kernel(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) {
  STELA_ASSERT(syrk_shapes_fit(trans, A, C.rows(), C.cols()));
  const index n = C.rows();

  // Column blocks of width kBase: the diagonal block's triangle entry by entry, the
  // rectangle beside it by one gemm. Only the `uplo` triangle of C is touched.
  const Op other = flip(trans);
  for (index j0 = 0; j0 < n; j0 += kBase) {
    const index nb = std::min(kBase, n - j0);
    // op(A) rows j0..j0+nb: A(j0.., :) or A(:, j0..) when transposed.
    MatrixView<const T> Aj = trans == Op::none ? A.row_block(j0, nb) : A.col_block(j0, nb);
    // 1. Diagonal block: C(i, j) := beta C(i, j) + alpha op(A)(i, :) op(A)(j, :)^T.
    for (index j = j0; j < j0 + nb; ++j) {
      const index i_first = uplo == Uplo::lower ? j : j0;
      const index i_last = uplo == Uplo::lower ? j0 + nb : j + 1;
      if (trans == Op::transpose) {
        // Dot products of contiguous columns of A.
        for (index i = i_first; i < i_last; ++i) {
          const T s = dot(A.col(i), A.col(j));
          C(i, j) = (beta == T(0) ? T(0) : beta * C(i, j)) + alpha * s;
        }
      } else {
        // Column form (the rows of A are strided): c := beta c, then
        // c := c + (alpha A(j, p)) A(i_first:i_last, p) for every column p of A.
        VectorView<T> c = C.col(j).segment(i_first, i_last - i_first);
        if (beta == T(0))
          fill(c, T(0));
        else if (beta != T(1))
          scal(beta, c);
        for (index p = 0; p < A.cols(); ++p)
          axpy(alpha * A(j, p), A.col(p).segment(i_first, i_last - i_first), c);
      }
    }
    // 2. The rectangle in the same columns below (lower) or above (upper) the block:
    //    C(rows, j0..) := beta C(rows, j0..) + alpha op(A)(rows, :) op(A)(j0.., :)^T.
    if (uplo == Uplo::lower) {
      const index rest = n - j0 - nb;
      if (rest > 0) {
        MatrixView<const T> Ai = trans == Op::none ? A.row_block(j0 + nb, rest) : A.col_block(j0 + nb, rest);
        detail::gemm_kernel(trans, other, alpha, Ai, Aj, beta, C.block(j0 + nb, j0, rest, nb));
      }
    } else if (j0 > 0) {
      MatrixView<const T> Ai = trans == Op::none ? A.row_block(0, j0) : A.col_block(0, j0);
      detail::gemm_kernel(trans, other, alpha, Ai, Aj, beta, C.block(0, j0, j0, nb));
    }
  }
}

template <class T>
void detail::trmm_kernel(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A,
                         MatrixView<T> B) {
  STELA_ASSERT(triangular_matrix_shapes_fit(side, A, B.rows(), B.cols()));
  scale(alpha, B);
  if (alpha != T(0)) trmm_recursive(side, uplo, trans, diag, A, B);
}

template <class T>
void detail::trsm_kernel(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A,
                         MatrixView<T> B) {
  STELA_ASSERT(triangular_matrix_shapes_fit(side, A, B.rows(), B.cols()));
  scale(alpha, B);
  if (alpha != T(0)) trsm_recursive(side, uplo, trans, diag, A, B);
}

// The checked entries: shapes, then the kernel.

template <class T>
Status syrk(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) {
  if (!detail::syrk_shapes_fit(trans, A, C.rows(), C.cols())) return Status::dimension_mismatch;
  detail::syrk_kernel(uplo, trans, alpha, A, beta, C);
  return Status::ok;
}

template <class T>
Status trmm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B) {
  if (!detail::triangular_matrix_shapes_fit(side, A, B.rows(), B.cols())) return Status::dimension_mismatch;
  detail::trmm_kernel(side, uplo, trans, diag, alpha, A, B);
  return Status::ok;
}

template <class T>
Status trsm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B) {
  if (!detail::triangular_matrix_shapes_fit(side, A, B.rows(), B.cols())) return Status::dimension_mismatch;
  detail::trsm_kernel(side, uplo, trans, diag, alpha, A, B);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                         \
  template void detail::syrk_kernel<T>(Uplo, Op, T, MatrixView<const T>, T, MatrixView<T>);          \
  template void detail::trmm_kernel<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>); \
  template void detail::trsm_kernel<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>); \
  template Status syrk<T>(Uplo, Op, T, MatrixView<const T>, T, MatrixView<T>);                   \
  template Status trmm<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>);          \
  template Status trsm<T>(Side, Uplo, Op, Diag, T, MatrixView<const T>, MatrixView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
