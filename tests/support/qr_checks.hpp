// Helpers shared by the QR, pivoted-QR, COD and SVD tests: the residual-norm check of a
// QR solve (LAPACK's xQRT16/xQRT17 setting), a reference orthonormal basis, and
// right-hand sides with a known least-squares answer, in long double.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "stela/qr.hpp"
#include "test_support.hpp"

namespace stela::test {

// ---------------------------------------------------------------------------------------
// Least-squares references

// A QR solve leaves Q^T B in B's storage, and rows first..m-1 of it (first = n, or the
// rank) carry the residual norms. One ratio per column j:
//   | ||b_j - A x_j|| - ||(Q^T B)(first:m, j)|| | / ((||A||_F ||x_j|| + ||b_j||) max(m, n) eps),
// the residual in long double; NaN where the scale is zero (b_j = 0 and A x_j = 0).
template <class T>
std::vector<double> residual_norm_ratios(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B,
                                         MatrixView<const T> QtB, index first) {
  const index m = A.rows(), n = A.cols(), nrhs = B.cols();
  const LongMatrix ax = product(LongMatrix(A), LongMatrix(X));
  std::vector<double> ratios;
  for (index j = 0; j < nrhs; ++j) {
    Long r2 = 0, q2 = 0;
    for (index i = 0; i < m; ++i) {
      const Long r = static_cast<Long>(B(i, j)) - ax(i, j);
      r2 += r * r;
    }
    for (index i = first; i < m; ++i) q2 += static_cast<Long>(QtB(i, j)) * QtB(i, j);
    const Long scale = (static_cast<Long>(norm(A, Norm::frobenius)) * nrm2(X.col(j)) + nrm2(B.col(j))) *
                       std::max(m, n) * static_cast<Long>(eps<T>());
    ratios.push_back(scale == 0 ? std::numeric_limits<double>::quiet_NaN()
                                : static_cast<double>(std::fabs(std::sqrt(r2) - std::sqrt(q2)) / scale));
  }
  return ratios;
}

// An orthonormal basis of the columns of A (long double classical Gram–Schmidt, twice),
// rounded to T; for well-conditioned A of full column rank.
template <class T>
Matrix<T> orthonormal_basis(MatrixView<const T> A) {
  const index m = A.rows(), n = A.cols();
  LongMatrix QL(A);
  std::vector<Long>& q = QL.a;
  for (index j = 0; j < n; ++j) {
    Long* qj = &q[static_cast<std::size_t>(j * m)];
    for (int pass = 0; pass < 2; ++pass)
      for (index i = 0; i < j; ++i) {
        const Long* qi = &q[static_cast<std::size_t>(i * m)];
        Long s = 0;
        for (index p = 0; p < m; ++p) s += qi[p] * qj[p];
        for (index p = 0; p < m; ++p) qj[p] -= s * qi[p];
      }
    Long norm = 0;
    for (index p = 0; p < m; ++p) norm += qj[p] * qj[p];
    norm = std::sqrt(norm);
    for (index p = 0; p < m; ++p) qj[p] /= norm;
  }
  Matrix<T> Q(m, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < m; ++i) Q(i, j) = static_cast<T>(q[static_cast<std::size_t>(i + j * m)]);
  return Q;
}

// The exact minimum-norm least-squares solution V_r diag(1/sigma) U_r^T B from known
// factors (the first r columns of U and V, r = number of nonzero sigma), in long double.
template <class T>
LongMatrix known_min_norm_solution(const TestMatrix<T>& tm, MatrixView<const T> B) {
  const index n = tm.A.cols(), k = B.cols();
  index r = 0;
  while (r < tm.sigma.size() && tm.sigma[r] > T(0)) ++r;
  LongMatrix X(n, k);
  for (index q = 0; q < r; ++q)
    for (index j = 0; j < k; ++j) {
      Long c = 0;  // u_q^T b_j / sigma_q
      for (index i = 0; i < B.rows(); ++i) c += static_cast<Long>(tm.U(i, q)) * B(i, j);
      c /= static_cast<Long>(tm.sigma[q]);
      for (index i = 0; i < n; ++i) X(i, j) += c * static_cast<Long>(tm.V(i, q));
    }
  return X;
}

// Random m x k right-hand sides.
template <class T>
Matrix<T> random_rhs(index m, index k, std::uint64_t seed) {
  return random_matrix<T>(m, k, seed);
}

// B = A X0 for a random X0 (a consistent system), rounded to T.
template <class T>
Matrix<T> consistent_rhs(MatrixView<const T> A, index k, std::uint64_t seed) {
  Matrix<T> X0 = random_matrix<T>(A.cols(), k, seed);
  return multiply(A, MatrixView<const T>(X0));
}

}  // namespace stela::test
