// Helpers shared by the Cholesky, LU and normal-equations tests: symmetric test
// matrices with known spectra, reference inverses in long double, and the
// solve-residual ratio. (NaN-filled and short workspaces and the bitwise "untouched"
// check are in test_support.hpp.)
#pragma once

#include <cmath>
#include <vector>

#include "test_support.hpp"

namespace stela::test {

// Q diag(lambda) Q^T with Q Haar-orthogonal, formed in long double and rounded once,
// so the result is exactly symmetric. lambda may hold negative or zero values.
template <class T>
Matrix<T> symmetric_with_eigenvalues(const std::vector<long double>& lambda, std::uint64_t seed) {
  const index n = static_cast<index>(lambda.size());
  Rng rng(seed);
  const Matrix<T> Q = random_orthonormal_columns<T>(rng, n, n);
  // Column j of Q diag(lambda) Q^T is sum_p (lambda_p q_jp) q_p: raw column loops.
  std::vector<long double> A(static_cast<std::size_t>(n * n), 0.0L);
  for (index j = 0; j < n; ++j)
    for (index p = 0; p < n; ++p) {
      const long double c = lambda[static_cast<std::size_t>(p)] * Q.data()[j + p * n];
      const T* q = Q.data() + p * n;
      long double* a = A.data() + j * n;
      for (index i = 0; i < n; ++i) a[i] += c * q[i];
    }
  // Round the lower triangle and mirror it: exactly symmetric.
  Matrix<T> S(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = j; i < n; ++i) S(i, j) = S(j, i) = static_cast<T>(A[static_cast<std::size_t>(i + j * n)]);
  return S;
}

// Eigenvalues scale * kappa^(-i/(n-1)), i = 0 .. n-1: geometric from scale down to
// scale / kappa.
inline std::vector<long double> geometric_spectrum(index n, long double kappa, long double scale = 1) {
  std::vector<long double> lambda(static_cast<std::size_t>(n));
  for (index i = 0; i < n; ++i)
    lambda[static_cast<std::size_t>(i)] = scale * std::pow(kappa, -static_cast<long double>(i) / std::max<index>(n - 1, 1));
  return lambda;
}

// The product A op(B) of the computed factors in long double, by raw column loops (the
// reference products of test_support.hpp index through views and are slow under the
// sanitizers; these tests form products of order 130 by the dozen).
template <class T>
std::vector<long double> product_long(MatrixView<const T> A, MatrixView<const T> B, Op tb) {
  const index m = A.rows(), k = A.cols();
  const index n = tb == Op::none ? B.cols() : B.rows();
  std::vector<long double> C(static_cast<std::size_t>(m * n), 0.0L);
  long double* c = C.data();
  for (index j = 0; j < n; ++j)
    for (index p = 0; p < k; ++p) {
      const long double b = tb == Op::none ? B.data()[p + j * B.ld()] : B.data()[j + p * B.ld()];
      if (b == 0) continue;
      const T* a = A.data() + p * A.ld();
      long double* cj = c + j * m;
      for (index i = 0; i < m; ++i) cj[i] += static_cast<long double>(a[i]) * b;
    }
  return C;
}

// LAPACK's factorization ratio ||A - F||_1 / (max(m, n) ||A||_1 eps) for a product F
// kept in long double (not rounded to T).
template <class T>
double factorization_ratio_long(MatrixView<const T> A, const std::vector<long double>& F) {
  const index m = A.rows(), n = A.cols();
  long double worst = 0;
  for (index j = 0; j < n; ++j) {
    long double col = 0;
    const T* a = A.data() + j * A.ld();
    const long double* f = F.data() + j * m;
    for (index i = 0; i < m; ++i) col += std::fabs(static_cast<long double>(a[i]) - f[i]);
    worst = std::max(worst, col);
  }
  const long double scale = std::max<index>({m, n, 1}) * static_cast<long double>(eps<T>());
  const long double anorm = norm(A, Norm::one);
  return static_cast<double>(anorm == 0 ? worst / scale : worst / anorm / scale);
}

// The Cholesky ratio ||A - L L^T||_1 / (n ||A||_1 eps), L the lower triangle of F (the
// strict upper triangle of F is not read).
template <class T>
double cholesky_ratio(MatrixView<const T> A, MatrixView<const T> F) {
  const index n = F.rows();
  Matrix<T> L(n, F.cols());
  for (index j = 0; j < F.cols(); ++j)
    for (index i = j; i < n; ++i) L(i, j) = F(i, j);
  return factorization_ratio_long(A, product_long<T>(L, L, Op::transpose));
}

// X^T X in long double, rounded once (exactly symmetric).
template <class T>
Matrix<T> gram(MatrixView<const T> X) {
  const index d = X.cols();
  const Matrix<T> Xt = transpose(X);
  const std::vector<long double> G = product_long<T>(Xt, Xt, Op::transpose);  // X^T (X^T)^T
  Matrix<T> S(d, d);
  for (index j = 0; j < d; ++j)
    for (index i = j; i < d; ++i) S(i, j) = S(j, i) = static_cast<T>(G[static_cast<std::size_t>(i + j * d)]);
  return S;
}

// The lower triangle of A as a matrix with zeros above the diagonal.
template <class T>
Matrix<T> lower_of(MatrixView<const T> A) {
  Matrix<T> L(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i) L(i, j) = A(i, j);
  return L;
}

// The symmetric matrix whose lower triangle A holds.
template <class T>
Matrix<T> symmetric_from_lower(MatrixView<const T> A) {
  Matrix<T> S(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i) S(i, j) = S(j, i) = A(i, j);
  return S;
}

// The inverse of a square A by Gauss–Jordan elimination with partial pivoting in long
// double: a reference accurate to about kappa(A) 1e-19.
template <class T>
std::vector<long double> inverse_long_double(MatrixView<const T> A) {
  const index n = A.rows();
  auto at = [n](std::vector<long double>& M, index i, index j) -> long double& {
    return M[static_cast<std::size_t>(i + j * n)];
  };
  std::vector<long double> M = to_long(A);
  std::vector<long double> X(static_cast<std::size_t>(n * n), 0.0L);
  for (index i = 0; i < n; ++i) at(X, i, i) = 1;
  for (index k = 0; k < n; ++k) {
    index p = k;
    for (index i = k + 1; i < n; ++i)
      if (std::fabs(at(M, i, k)) > std::fabs(at(M, p, k))) p = i;
    for (index j = 0; j < n; ++j) {
      std::swap(at(M, k, j), at(M, p, j));
      std::swap(at(X, k, j), at(X, p, j));
    }
    const long double pivot = at(M, k, k);
    for (index j = 0; j < n; ++j) {
      at(M, k, j) /= pivot;
      at(X, k, j) /= pivot;
    }
    for (index i = 0; i < n; ++i) {
      if (i == k) continue;
      const long double f = at(M, i, k);
      if (f == 0) continue;
      for (index j = 0; j < n; ++j) {
        at(M, i, j) -= f * at(M, k, j);
        at(X, i, j) -= f * at(X, k, j);
      }
    }
  }
  return X;
}

// ||M||_1 of an n x n long double matrix stored column-major.
inline long double norm1_long(const std::vector<long double>& M, index n) {
  long double worst = 0;
  for (index j = 0; j < n; ++j) {
    long double col = 0;
    for (index i = 0; i < n; ++i) col += std::fabs(M[static_cast<std::size_t>(i + j * n)]);
    worst = std::max(worst, col);
  }
  return worst;
}

// Solve residual ratio ||B - op(A) X||_1 / (||A||_1 ||X||_1 n eps), the worst column
// (LAPACK's xGET02 / xPOT02, with the dimension in the scale), in long double.
template <class T>
double solve_residual_ratio(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B, Op trans = Op::none) {
  const index n = A.rows();
  if (n == 0) return 0;
  const long double a = norm(A, Norm::one);
  double worst = 0;
  for (index j = 0; j < B.cols(); ++j) {
    long double r = 0, x = 0;
    for (index i = 0; i < n; ++i) {
      long double s = B(i, j);
      for (index p = 0; p < n; ++p) s -= static_cast<long double>(trans == Op::none ? A(i, p) : A(p, i)) * X(p, j);
      r += std::fabs(s);
      x += std::fabs(static_cast<long double>(X(i, j)));
    }
    if (a == 0 || x == 0) continue;
    worst = std::max(worst, static_cast<double>(r / (a * x * n * static_cast<long double>(eps<T>()))));
  }
  return worst;
}

}  // namespace stela::test
