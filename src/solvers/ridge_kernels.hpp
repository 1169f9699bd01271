// Internal to stela's sources (not installed): the steps of ridge regression shared by
// ridge_svd_inplace (ridge_inplace.cpp) and the allocating ridge, ridge_path and
// ridge_cv (ridge.cpp), on views. The card of ridge.cpp states the method, the
// scaling and the references.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/scalar.hpp"

namespace stela::ridge_detail {

// Column means, with one correction pass: mean + sum(x - mean) / n recovers most of the
// rounding of the first sum (Higham, Accuracy and Stability, 2nd ed., 1.9). The sums run
// on x 2^-e, max |x_i| 2^-e in [1/2, 1) (exact), so that they cannot overflow where the
// mean does not (two entries near -max: found by tools/fuzz/fuzz_solvers in float).
template <class T>
T column_mean(VectorView<const T> x) {
  const index n = x.size();
  T amax = 0;
  for (index i = 0; i < n; ++i) amax = std::max(amax, std::abs(x[i]));
  if (amax == T(0)) return T(0);  // also n = 0
  int e = 0;
  (void)std::frexp(amax, &e);
  T sum = 0;
  for (index i = 0; i < n; ++i) sum += std::ldexp(x[i], -e);
  const T mean = sum / static_cast<T>(n);
  T correction = 0;
  for (index i = 0; i < n; ++i) correction += std::ldexp(x[i], -e) - mean;
  return std::ldexp(mean + correction / static_cast<T>(n), e);
}

// mean_j := the mean of column j of A, and A := A - 1 mean^T (the centring of an
// intercept fit).
template <class T>
void centre_columns(MatrixView<T> A, VectorView<T> mean) {
  for (index j = 0; j < A.cols(); ++j) {
    mean[j] = column_mean(VectorView<const T>(A.col(j)));
    for (index i = 0; i < A.rows(); ++i) A(i, j) -= mean[j];
  }
}

template <class T>
bool valid_lambda(T lambda) {
  return lambda >= T(0) && lambda < std::numeric_limits<T>::infinity();
}

// lambda in the scaled problem. ||X_s W_s - Y_s||^2 + lambda_s ||W_s||^2 is the caller's
// objective times 2^-2b when lambda_s = lambda 2^-2a. When sqrt(lambda) outgrows
// max |x_ij| = O(2^a), the problem's scale is sqrt(lambda), not X's: X is then taken
// down by a further 2^-c, c = e - a with sqrt(lambda) = f 2^e, f in [1/2, 1), so that
// lambda' = lambda 2^-2(a + c) = f^2 lies in [1/4, 1) and max |x'_ij| < 1/2. The
// solution of the rescaled problem is W' = W_s 2^c. Without it lambda_s overflows
// (float: lambda = 1e20 on an X of size 1e-10 gives lambda_s ~ 1e40) and W_s ~ 1 /
// lambda_s underflows, which zeroed the answer.
template <class T>
struct ScaledLambda {
  T lambda = 0;  // lambda 2^-2(a + c)
  int c = 0;     // the extra exponent of X; 0 unless sqrt(lambda) > 2^a
};

template <class T>
ScaledLambda<T> scaled_lambda(int x_exp, T lambda) {
  ScaledLambda<T> L;
  if (lambda > T(0)) L.c = std::max(0, binary_exponent(std::sqrt(lambda)) - x_exp);
  L.lambda = std::ldexp(lambda, -2 * (x_exp + L.c));
  return L;
}

// The part of direction j the fit keeps, f_j = s^2 / (s^2 + lambda), and the part it
// leaves, g_j = lambda / (s^2 + lambda), each formed without subtraction. lambda = 0
// keeps the directions above the rank tolerance and drops the rest.
template <class T>
void filter(T s, T lambda, T threshold, T& f, T& g) {
  if (lambda == T(0)) {
    f = s > threshold ? T(1) : T(0);
    g = T(1) - f;
    return;
  }
  const T denominator = s * s + lambda;
  f = s * s / denominator;
  g = lambda / denominator;
}

// C := diag(s'_j / (s'_j^2 + lambda')) C with s' = s 2^-c (the filtered projections of
// W' = V C; see ScaledLambda); returns the effective degrees of freedom sum f_j.
template <class T>
T filter_rows(VectorView<const T> s, const ScaledLambda<T>& L, T threshold, MatrixView<T> C) {
  T dof = 0;
  for (index j = 0; j < s.size(); ++j) {
    const T sj = std::ldexp(s[j], -L.c);
    T f, g;
    filter(sj, L.lambda, threshold, f, g);
    dof += f;
    // s / (s^2 + lambda), formed as such rather than as f / s: at large lambda f ~
    // s^2 / lambda underflows (float: s' ~ 1e-20) long before the quotient does. At
    // lambda = 0, 1 / s above the rank tolerance and 0 below it.
    const T coefficient = L.lambda == T(0) ? (f == T(0) ? T(0) : T(1) / sj) : sj / (sj * sj + L.lambda);
    scal(coefficient, C.row(j));
  }
  return dof;
}

// W := W' 2^shift (shift = b - a - c: back to the caller's units), and the intercept
// b_j = mean(Y)_j - w_j^T mean(X) with an intercept fit, zeros without.
template <class T>
void unscale_with_intercept(int shift, bool fit_intercept, VectorView<const T> x_mean, VectorView<const T> y_mean,
                            MatrixView<T> W, VectorView<T> intercept) {
  scale_by_power_of_two(shift, W);
  for (index j = 0; j < W.cols(); ++j)
    intercept[j] = fit_intercept ? y_mean[j] - dot(VectorView<const T>(W.col(j)), x_mean) : T(0);
}

}  // namespace stela::ridge_detail
