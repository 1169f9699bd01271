// Helpers shared by the Cholesky, LU and normal-equations tests: symmetric test
// matrices with known spectra, Gram matrices, the Cholesky ratio and reference inverses
// in long double.
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

// The Cholesky ratio ||A - L L^T||_1 / (n ||A||_1 eps), L the lower triangle of F (the
// strict upper triangle of F is not read).
template <class T>
double cholesky_ratio(MatrixView<const T> A, MatrixView<const T> F) {
  const LongMatrix L(lower_of<T>(F));
  return factorization_ratio(A, product(L, L, false, true));
}

// X^T X in long double, rounded once (exactly symmetric).
template <class T>
Matrix<T> gram(MatrixView<const T> X) {
  const index d = X.cols();
  const Matrix<T> Xt = transpose(X);
  const LongMatrix Xl(Xt);
  const LongMatrix G = product(Xl, Xl, false, true);  // X^T (X^T)^T
  Matrix<T> S(d, d);
  for (index j = 0; j < d; ++j)
    for (index i = j; i < d; ++i) S(i, j) = S(j, i) = static_cast<T>(G(i, j));
  return S;
}

// The inverse of a square A in long double (solve_long with B = I): a reference
// accurate to about kappa(A) 1e-19.
template <class T>
LongMatrix inverse_long_double(MatrixView<const T> A) {
  const index n = A.rows();
  LongMatrix I(n, n);
  for (index i = 0; i < n; ++i) I(i, i) = 1;
  return solve_long(LongMatrix(A), I);
}

}  // namespace stela::test
