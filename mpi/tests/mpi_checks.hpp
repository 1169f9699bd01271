// Shared by the MPI tests: the generated problem and the two LAPACK-style ratios that
// compare a TSQR answer with the in-memory lstsq(X, Y, qr) on the same rows.
//
//   forward     ||W - W_ref||_F / (eps d kappa (1 + kappa tan theta) ||W_ref||_F), the
//               Users' Guide bound for least squares (LAPACK Users' Guide 4.5.2) with
//               kappa the generated condition number and tan theta = ||r|| / ||X w||;
//   optimality  ||(Y - X W)^T X||_1 / (||X||_1 ||Y - X W||_1 max(n, d, k) eps), LAPACK's
//               xQRT17, residual and products in long double.
//
// Both are below 30 for a backward-stable method; the tests print them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "stela/lstsq.hpp"
#include "stela/matrix.hpp"
#include "stela/random.hpp"
#include "stela/scalar.hpp"

namespace stela::mpi_test {

constexpr double kThreshold = 30;

template <class T>
double problem_kappa() {
  return sizeof(T) == sizeof(float) ? 1e2 : 1e6;
}

// X (n x d) with singular values geometric from 1 to 1/kappa, Y = X W_true + a residual
// of relative size 1e-3; the same on every process for the same seed.
template <class T>
void make_problem(index n, index d, index k, std::uint64_t seed, Matrix<T>& X, Matrix<T>& Y) {
  CatalogueOptions opts;
  opts.kappa = problem_kappa<T>();
  X = make_test_matrix<T>(MatrixType::geometric, n, d, seed, opts).A;
  Rng rng(seed + 1);
  Matrix<T> W(d, k), E(n, k);
  fill_gaussian<T>(rng, W.view());
  fill_gaussian<T>(rng, E.view());
  Y = Matrix<T>(n, k);
  for (index j = 0; j < k; ++j)
    for (index i = 0; i < n; ++i) {
      long double s = 1e-3L * E(i, j) / std::sqrt(static_cast<long double>(n));
      for (index p = 0; p < d; ++p) s += static_cast<long double>(X(i, p)) * W(p, j);
      Y(i, j) = static_cast<T>(s);
    }
}

template <class T>
long double frobenius_difference(MatrixView<const T> A, MatrixView<const T> B) {
  long double s = 0;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) {
      const long double e = static_cast<long double>(A(i, j)) - B(i, j);
      s += e * e;
    }
  return std::sqrt(s);
}

template <class T>
double forward_ratio(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W, MatrixView<const T> W_ref) {
  const index n = X.rows(), d = X.cols();
  const double kappa = problem_kappa<T>();
  double tan_theta = 0;
  for (index j = 0; j < Y.cols(); ++j) {
    long double fit = 0, res = 0;
    for (index i = 0; i < n; ++i) {
      long double xw = 0;
      for (index p = 0; p < d; ++p) xw += static_cast<long double>(X(i, p)) * W_ref(p, j);
      fit += xw * xw;
      res += (Y(i, j) - xw) * (Y(i, j) - xw);
    }
    if (fit > 0) tan_theta = std::max(tan_theta, static_cast<double>(std::sqrt(res / fit)));
  }
  const Matrix<T> zero(W.rows(), W.cols());
  const long double w = frobenius_difference<T>(W_ref, MatrixView<const T>(zero));
  const double scale = static_cast<double>(eps<T>()) * static_cast<double>(d) * kappa * (1 + kappa * tan_theta);
  return w == 0 ? 0 : static_cast<double>(frobenius_difference<T>(W, W_ref) / w) / scale;
}

template <class T>
double optimality_ratio(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  std::vector<long double> R(static_cast<std::size_t>(n * k));
  long double r_norm = 0, x_norm = 0, rtx = 0;
  for (index j = 0; j < k; ++j) {
    long double col = 0;
    for (index i = 0; i < n; ++i) {
      long double s = Y(i, j);
      for (index p = 0; p < d; ++p) s -= static_cast<long double>(X(i, p)) * W(p, j);
      R[static_cast<std::size_t>(i + j * n)] = s;
      col += std::fabs(s);
    }
    r_norm = std::max(r_norm, col);
  }
  for (index p = 0; p < d; ++p) {
    long double xcol = 0, col = 0;
    for (index i = 0; i < n; ++i) xcol += std::fabs(static_cast<long double>(X(i, p)));
    for (index j = 0; j < k; ++j) {
      long double s = 0;
      for (index i = 0; i < n; ++i) s += R[static_cast<std::size_t>(i + j * n)] * X(i, p);
      col += std::fabs(s);
    }
    x_norm = std::max(x_norm, xcol);
    rtx = std::max(rtx, col);
  }
  if (x_norm == 0 || r_norm == 0) return 0;
  return static_cast<double>(rtx / (x_norm * r_norm * std::max<index>({n, d, k}) * static_cast<long double>(eps<T>())));
}

}  // namespace stela::mpi_test
