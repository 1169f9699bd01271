// Helpers shared by the property tests of the solver API (test_lstsq, test_subspace,
// test_ridge, test_streaming, test_diagnostics): residuals and relative differences in
// long double, least-squares problems with a known solution, and condition numbers.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "stela/lstsq.hpp"
#include "stela/svd.hpp"
#include "test_support.hpp"

namespace stela::test {

// The lstsq methods that go through an SVD (and so report singular values).
inline bool is_spectral(LstsqMethod m) { return m == LstsqMethod::svd || m == LstsqMethod::jacobi; }

// Y - X W in long double.
template <class T>
LongMatrix residual(MatrixView<const T> X, MatrixView<const T> W, MatrixView<const T> Y) {
  return minus(LongMatrix(Y), product(LongMatrix(X), LongMatrix(W)));
}

// ||A - B||_F / ||B||_F in long double (||A - B||_F when B = 0), B computed or a
// long-double reference.
template <class T>
double relative_difference(MatrixView<const T> A, const LongMatrix& B) {
  const Long d = frobenius(minus(LongMatrix(A), B));
  const Long b = frobenius(B);
  return static_cast<double>(b == 0 ? d : d / b);
}
template <class T>
double relative_difference(MatrixView<const T> A, MatrixView<const T> B) {
  return relative_difference(A, LongMatrix(B));
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

// The singular values of A (stela's default SVD, values only).
template <class T>
Vector<T> singular_values_of(MatrixView<const T> A) {
  SvdOptions opts;
  opts.vectors = SvdVectors::none;
  Result<SVD<T>> F = svd(A, opts);
  EXPECT_EQ(F.status(), Status::ok);
  return F->s;
}

// kappa = sigma_1 / sigma_r from known singular values (the first r of them).
template <class T>
double kappa_of(VectorView<const T> sigma, index r) {
  if (r <= 0 || sigma.size() < r) return 1;
  return static_cast<double>(sigma[0]) / static_cast<double>(sigma[r - 1]);
}

// sigma_1 / sigma_min(m, n) of A from its computed singular values; +inf when singular.
template <class T>
double kappa_of(MatrixView<const T> A) {
  const Vector<T> s = singular_values_of(A);
  if (s.size() == 0) return 1;
  const double smin = static_cast<double>(s[s.size() - 1]);
  return smin > 0 ? static_cast<double>(s[0]) / smin : std::numeric_limits<double>::infinity();
}

// kappa of a catalogue matrix: from its known singular values when the catalogue gives
// them all and the smallest is nonzero, else computed.
template <class T>
double kappa_of(const TestMatrix<T>& tm) {
  const index r = std::min(tm.A.rows(), tm.A.cols());
  if (r == 0) return 1;
  if (tm.sigma.size() == r && tm.sigma[r - 1] > T(0)) return kappa_of<T>(tm.sigma, r);
  return kappa_of<T>(MatrixView<const T>(tm.A));
}

}  // namespace stela::test
