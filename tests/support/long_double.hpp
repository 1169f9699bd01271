// Reference arithmetic in long double: one matrix type, its product, difference,
// transpose and norms. Every scaled ratio of ratios.hpp measures a computed result
// against quantities formed here, so that the reference carries 11 bits more than
// double (x87 extended precision) and the rounding of the check stays far below the
// error it measures.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/scalar.hpp"

namespace stela::test {

// The type of the reference computations.
using Long = long double;

// A dense m x n matrix of long doubles, column-major with leading dimension m.
struct LongMatrix {
  index rows = 0, cols = 0;
  std::vector<Long> a;

  LongMatrix() = default;
  LongMatrix(index m, index n) : rows(m), cols(n), a(static_cast<std::size_t>(m * n), 0.0L) {}
  // A view's entries, exactly (every float and double is a long double). Raw column
  // loops: the sanitizer build at -O0 pays for every operator() call.
  template <class T>
  explicit LongMatrix(MatrixView<const T> A) : LongMatrix(A.rows(), A.cols()) {
    for (index j = 0; j < cols; ++j) {
      const T* src = A.data() + j * A.ld();
      Long* dst = col(j);
      for (index i = 0; i < rows; ++i) dst[i] = src[i];
    }
  }
  template <class T>
  explicit LongMatrix(MatrixView<T> A) : LongMatrix(MatrixView<const T>(A)) {}
  template <class T>
  explicit LongMatrix(const Matrix<T>& A) : LongMatrix(MatrixView<const T>(A)) {}

  Long& operator()(index i, index j) { return a[static_cast<std::size_t>(i + j * rows)]; }
  Long operator()(index i, index j) const { return a[static_cast<std::size_t>(i + j * rows)]; }
  Long* col(index j) { return a.data() + j * rows; }
  const Long* col(index j) const { return a.data() + j * rows; }

  // Each entry rounded to T once.
  template <class T>
  Matrix<T> rounded() const {
    Matrix<T> out(rows, cols);
    for (index j = 0; j < cols; ++j)
      for (index i = 0; i < rows; ++i) out(i, j) = static_cast<T>((*this)(i, j));
    return out;
  }
};

// op(A) op(B), op the transpose when ta (tb) is set.
LongMatrix product(const LongMatrix& A, const LongMatrix& B, bool ta = false, bool tb = false);

// A - B (shapes must agree).
LongMatrix minus(const LongMatrix& A, const LongMatrix& B);

// A^T
LongMatrix transposed(const LongMatrix& A);

// A^{-1} B by Gaussian elimination with partial pivoting (A square and nonsingular; a
// zero pivot gives Inf or NaN).
LongMatrix solve_long(LongMatrix A, LongMatrix B);

// ||A||_1, the largest column sum.
Long one_norm(const LongMatrix& A);

// ||A||_F
Long frobenius(const LongMatrix& A);

// ||a_j||_2
Long column_norm(const LongMatrix& A, index j);

// ---------------------------------------------------------------------------------------
// Reference products on views, rounded to T once

// C := alpha op(A) op(B) + beta C by the definition, in long double (BLAS's xGEMM; beta =
// 0 does not read C).
template <class T>
Matrix<T> reference_gemm(Op ta, Op tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                         MatrixView<const T> C) {
  const LongMatrix AB = product(LongMatrix(A), LongMatrix(B), ta != Op::none, tb != Op::none);
  Matrix<T> out(C.rows(), C.cols());
  for (index j = 0; j < C.cols(); ++j)
    for (index i = 0; i < C.rows(); ++i) {
      const Long c = beta == T(0) ? 0.0L : static_cast<Long>(beta) * C(i, j);
      out(i, j) = static_cast<T>(static_cast<Long>(alpha) * AB(i, j) + c);
    }
  return out;
}

// op(A) op(B) in long double, rounded to T once.
template <class T>
Matrix<T> multiply(MatrixView<const T> A, MatrixView<const T> B, Op ta = Op::none, Op tb = Op::none) {
  return product(LongMatrix(A), LongMatrix(B), ta != Op::none, tb != Op::none).template rounded<T>();
}

}  // namespace stela::test
