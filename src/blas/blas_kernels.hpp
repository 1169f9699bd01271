// Internal to stela's sources (not installed): the unchecked level-2 and level-3 kernels
// behind the checked entries of stela/blas.hpp.
//
// Each entry (gemm, trsm, ...) checks that the shapes fit, returns
// Status::dimension_mismatch if they do not, and otherwise makes one call of its kernel.
// Code inside stela whose shapes fit by construction calls the kernel: it computes
// exactly what the entry documents, cannot fail, and returns nothing, so no status is
// thrown away. A kernel asserts the shape predicate below in debug builds.
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// ---------------------------------------------------------------------------------------
// The shape predicates the entries check (and the kernels assert).

// gemv: x has the columns and y the rows of op(A).
template <class T>
bool gemv_shapes_fit(Op trans, MatrixView<const T> A, index x_size, index y_size) {
  const index m = trans == Op::none ? A.rows() : A.cols();
  const index n = trans == Op::none ? A.cols() : A.rows();
  return x_size == n && y_size == m;
}

// trmv, trsv: A square of the order of x.
template <class T>
bool triangular_vector_shapes_fit(MatrixView<const T> A, index x_size) {
  return A.cols() == A.rows() && x_size == A.rows();
}

// gemm: op(A) is m x k and op(B) k x n for C m x n.
template <class T>
bool gemm_shapes_fit(Op transa, Op transb, MatrixView<const T> A, MatrixView<const T> B, index m, index n) {
  const index k = transa == Op::none ? A.cols() : A.rows();
  const index a_rows = transa == Op::none ? A.rows() : A.cols();
  const index b_rows = transb == Op::none ? B.rows() : B.cols();
  const index b_cols = transb == Op::none ? B.cols() : B.rows();
  return a_rows == m && b_rows == k && b_cols == n;
}

// syrk: C square with the rows of op(A).
template <class T>
bool syrk_shapes_fit(Op trans, MatrixView<const T> A, index c_rows, index c_cols) {
  return c_cols == c_rows && (trans == Op::none ? A.rows() : A.cols()) == c_rows;
}

// trmm, trsm: A square, of the order of B's side.
template <class T>
bool triangular_matrix_shapes_fit(Side side, MatrixView<const T> A, index b_rows, index b_cols) {
  return A.rows() == A.cols() && A.rows() == (side == Side::left ? b_rows : b_cols);
}

// ---------------------------------------------------------------------------------------
// Inline level-1 loops for contiguous vectors, for kernels that call them once per
// column of a small matrix, where the call would cost more than the arithmetic (the
// unblocked Householder steps). dot (blas_level1.cpp) is dot_contiguous when both
// strides are 1, so the results are the same bits.

// x^T y over n contiguous entries: eight partial sums, so that the compiler can keep
// them in SIMD registers without reassociating anything it was not told to.
template <class T>
inline T dot_contiguous(const T* x, const T* y, index n) {
  T partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  index i = 0;
  for (; i + 8 <= n; i += 8)
    for (index l = 0; l < 8; ++l) partial[l] += x[i + l] * y[i + l];
  T sum = 0;
  for (; i < n; ++i) sum += x[i] * y[i];
  return sum + (((partial[0] + partial[4]) + (partial[1] + partial[5])) +
                ((partial[2] + partial[6]) + (partial[3] + partial[7])));
}

// y := y + alpha x over n contiguous entries.
template <class T>
inline void axpy_contiguous(T alpha, const T* x, T* y, index n) {
  for (index i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// ---------------------------------------------------------------------------------------
// The kernels: the semantics of the entry of the same name in stela/blas.hpp.

// y := alpha op(A) x + beta y (src/blas/blas_level2.cpp).
template <class T>
void gemv_kernel(Op trans, T alpha, MatrixView<const T> A, VectorView<const T> x, T beta, VectorView<T> y);

// A := alpha x y^T + A (src/blas/blas_level2.cpp).
template <class T>
void ger_kernel(T alpha, VectorView<const T> x, VectorView<const T> y, MatrixView<T> A);

// x := op(A) x, A triangular (src/blas/blas_level2.cpp).
template <class T>
void trmv_kernel(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x);

// x := op(A)^{-1} x, A triangular (src/blas/blas_level2.cpp).
template <class T>
void trsv_kernel(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x);

// C := alpha op(A) op(B) + beta C (src/blas/gemm.cpp).
template <class T>
void gemm_kernel(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                 MatrixView<T> C);

// The same product by the packed algorithm when `work` holds gemm_workspace_size(m, n, k),
// by the form above otherwise (src/blas/gemm_packed.cpp). The level-3 kernels below and
// the blocked factorizations pass their workspace down to it.
template <class T>
void gemm_kernel(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                 MatrixView<T> C, Workspace work);

// C := alpha op(A) op(A)^T + beta C on the `uplo` triangle by the packed algorithm, the
// tiles outside the triangle skipped (src/blas/gemm_packed.cpp). Runs and returns true
// when work holds gemm_workspace_size(n, n, k), alpha != 0 and n, k >= 1; otherwise
// returns false with C untouched.
template <class T>
bool syrk_packed_kernel(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C,
                        Workspace work);

// The level-3 kernels below pass `work` to every gemm they make, so that given
// syrk_workspace_size / trsm_workspace_size bytes those run packed (src/blas/blas_level3.cpp).

// C := alpha op(A) op(A)^T + beta C, the `uplo` triangle (src/blas/blas_level3.cpp).
template <class T>
void syrk_kernel(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C,
                 Workspace work = Workspace());

// B := alpha op(A) B or alpha B op(A), A triangular (src/blas/blas_level3.cpp).
template <class T>
void trmm_kernel(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B,
                 Workspace work = Workspace());

// B := alpha op(A)^{-1} B or alpha B op(A)^{-1}, A triangular (src/blas/blas_level3.cpp).
template <class T>
void trsm_kernel(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B,
                 Workspace work = Workspace());

}  // namespace stela::detail
