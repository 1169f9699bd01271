// Helpers shared by the property tests of the solver API (test_lstsq, test_subspace,
// test_ridge): reference computations in long double and right-hand sides with a known
// solution. (The ratio recorder is test_support.hpp's RatioSuite.)
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace stela::test {

// A view's entries as a long double matrix (column-major, ld = rows).
struct LongMatrix {
  index rows = 0, cols = 0;
  std::vector<Long> a;
  LongMatrix() = default;
  LongMatrix(index m, index n) : rows(m), cols(n), a(static_cast<std::size_t>(m * n), 0.0L) {}
  template <class T>
  explicit LongMatrix(MatrixView<const T> A) : LongMatrix(A.rows(), A.cols()) {
    for (index j = 0; j < cols; ++j)
      for (index i = 0; i < rows; ++i) (*this)(i, j) = A(i, j);
  }
  Long& operator()(index i, index j) { return a[static_cast<std::size_t>(i + j * rows)]; }
  Long operator()(index i, index j) const { return a[static_cast<std::size_t>(i + j * rows)]; }
  template <class T>
  Matrix<T> rounded() const {
    Matrix<T> out(rows, cols);
    for (index j = 0; j < cols; ++j)
      for (index i = 0; i < rows; ++i) out(i, j) = static_cast<T>((*this)(i, j));
    return out;
  }
};

// op(A) op(B) in long double.
inline LongMatrix product(const LongMatrix& A, const LongMatrix& B, bool ta = false, bool tb = false) {
  const index m = ta ? A.cols : A.rows, n = tb ? B.rows : B.cols, k = ta ? A.rows : A.cols;
  LongMatrix C(m, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < m; ++i) {
      Long s = 0;
      for (index p = 0; p < k; ++p) s += (ta ? A(p, i) : A(i, p)) * (tb ? B(j, p) : B(p, j));
      C(i, j) = s;
    }
  return C;
}

inline LongMatrix minus(const LongMatrix& A, const LongMatrix& B) {
  LongMatrix C = A;
  for (std::size_t i = 0; i < C.a.size(); ++i) C.a[i] -= B.a[i];
  return C;
}

// A^T
inline LongMatrix transposed(const LongMatrix& A) {
  LongMatrix B(A.cols, A.rows);
  for (index j = 0; j < A.cols; ++j)
    for (index i = 0; i < A.rows; ++i) B(j, i) = A(i, j);
  return B;
}

inline Long frobenius(const LongMatrix& A) {
  Long s = 0;
  for (Long x : A.a) s += x * x;
  return std::sqrt(s);
}

inline Long one_norm(const LongMatrix& A) {
  Long worst = 0;
  for (index j = 0; j < A.cols; ++j) {
    Long col = 0;
    for (index i = 0; i < A.rows; ++i) col += std::fabs(A(i, j));
    worst = std::max(worst, col);
  }
  return worst;
}

inline Long column_norm(const LongMatrix& A, index j) {
  Long s = 0;
  for (index i = 0; i < A.rows; ++i) s += A(i, j) * A(i, j);
  return std::sqrt(s);
}

// Y - X W in long double.
template <class T>
LongMatrix residual(MatrixView<const T> X, MatrixView<const T> W, MatrixView<const T> Y) {
  return minus(LongMatrix(Y), product(LongMatrix(X), LongMatrix(W)));
}

// ||A - B||_F / ||B||_F in long double (||A - B||_F when B = 0).
template <class T>
double relative_difference(MatrixView<const T> A, MatrixView<const T> B) {
  const Long d = frobenius(minus(LongMatrix(A), LongMatrix(B)));
  const Long b = frobenius(LongMatrix(B));
  return static_cast<double>(b == 0 ? d : d / b);
}
template <class T>
double relative_difference(VectorView<const T> a, VectorView<const T> b) {
  Long d = 0, n = 0;
  for (index i = 0; i < a.size(); ++i) {
    const Long e = static_cast<Long>(a[i]) - static_cast<Long>(b[i]);
    d += e * e;
    n += static_cast<Long>(b[i]) * b[i];
  }
  return static_cast<double>(n == 0 ? std::sqrt(d) : std::sqrt(d / n));
}

// (I - U U^T) G for U with orthonormal columns, in long double.
template <class T>
LongMatrix project_out(MatrixView<const T> U, const LongMatrix& G) {
  const LongMatrix L(U);
  return minus(G, product(L, product(L, G, true, false)));
}

// A * s entry by entry (s need not be a power of two: the rounding is the point).
template <class T>
Matrix<T> scaled(MatrixView<const T> A, T s) {
  Matrix<T> B(A);
  for (index j = 0; j < B.cols(); ++j)
    for (index i = 0; i < B.rows(); ++i) B(i, j) *= s;
  return B;
}

// A least-squares problem on a catalogue matrix with a known answer.
//   consistent:   Y = X W_true, so every least-squares solution has zero residual (also
//                 when an inconsistent problem was asked for but X has full row rank);
//   inconsistent: Y = X W_true + R with R orthogonal to col(X) when the catalogue
//                 knows X's left singular vectors (then W_true is still a
//                 least-squares solution), and a Gaussian R otherwise; ||R||_F is
//                 ||X W_true||_F (or 1 when that is zero).
template <class T>
struct Problem {
  Matrix<T> Y;
  Matrix<T> W_true;
  bool consistent = true;
  bool residual_orthogonal = true;  // R is orthogonal to col(X) (trivially when consistent)
};

template <class T>
Problem<T> make_problem(const TestMatrix<T>& tm, index k, bool consistent, std::uint64_t seed) {
  const index m = tm.A.rows(), n = tm.A.cols();
  Problem<T> p;
  p.W_true = random_matrix<T>(n, k, seed);
  LongMatrix Y = product(LongMatrix(MatrixView<const T>(tm.A)), LongMatrix(MatrixView<const T>(p.W_true)));
  const index rank = tm.rank >= 0 ? tm.rank : std::min(m, n);
  // A matrix of full row rank leaves no room for a residual: the problem stays consistent.
  p.consistent = consistent || rank >= m;
  if (!p.consistent) {
    const Matrix<T> G = random_matrix<T>(m, k, seed + 1);
    LongMatrix R{MatrixView<const T>(G)};
    if (tm.U.cols() > 0 && tm.U.rows() == m) {
      R = project_out<T>(MatrixView<const T>(tm.U).col_block(0, std::min(rank, tm.U.cols())), R);
    } else {
      p.residual_orthogonal = false;
    }
    const Long fit = frobenius(Y), r = frobenius(R);
    const Long s = r > 0 ? (fit > 0 ? fit / r : 1.0L / r) : 0.0L;
    for (std::size_t i = 0; i < Y.a.size(); ++i) Y.a[i] += s * R.a[i];
  }
  p.Y = Y.rounded<T>();
  return p;
}

// The square 50 x 50 member of a shape sweep is the costly one (the SVDs are O(n^3));
// it runs only for the types that stress different things: graded singular values,
// exact rank deficiency, grading, underflow and the classic hard cases.
inline bool in_big_square_subset(MatrixType type) {
  switch (type) {
    case MatrixType::geometric:
    case MatrixType::rank_deficient:
    case MatrixType::graded_columns:
    case MatrixType::near_underflow:
    case MatrixType::kahan:
    case MatrixType::hilbert:
      return true;
    default:
      return false;
  }
}
inline bool sweep_skips(MatrixType type, index m, index n) { return m >= 50 && n >= 50 && !in_big_square_subset(type); }

// kappa = sigma_1 / sigma_r from known singular values (the first r of them).
template <class T>
double kappa_of(VectorView<const T> sigma, index r) {
  if (r <= 0 || sigma.size() < r) return 1;
  return static_cast<double>(sigma[0]) / static_cast<double>(sigma[r - 1]);
}

}  // namespace stela::test
