// Internal to stela's sources (not installed): power iteration as a norm estimator, the
// loop shared by the 2-norm condition estimates (triangular_condition.cpp for a
// triangular factor, src/lu/lu_condition_2norm.cpp for a symmetric matrix held as LU
// factors). Golub & Van Loan, 4th ed., 8.2.1; Dixon, SIAM J. Numer. Anal. 20(4), 1983.
#pragma once

#include <algorithm>
#include <limits>

#include "stela/blas.hpp"

namespace stela::detail {

// At most this many half steps (products or solves) per power iteration: with the
// starts the callers choose, two or three settle on the random, graded and Kahan
// matrices of the catalogue; the cap bounds the cost at kMaxPowerHalfSteps products
// for slow cases (clustered extreme singular values, where the estimate is good anyway).
constexpr int kMaxPowerHalfSteps = 8;

// A half step that raises the estimate by less than this relative amount ends the
// iteration: the estimate is then within a few per cent of its limit in practice.
template <class T>
constexpr T kPowerSettled = T(1) / T(64);

// x := x / ||x||, returning ||x|| (0 or a norm beyond the range of T leaves x unchanged).
template <class T>
T normalize_in_place(VectorView<T> x) {
  const T norm = nrm2(VectorView<const T>(x));
  if (norm > T(0) && norm <= std::numeric_limits<T>::max()) scal(T(1) / norm, x);
  return norm;
}

// Power iteration by half steps step(false, x), step(true, x), step(false, x), ... on
// the unit vector x (for op^T op: op, then op^T; for a symmetric op both are op). Each
// step transforms x in place, normalises it and returns the norm of the image of a unit
// vector: a lower bound on ||op||_2. The estimate is the largest, at least start; +Inf
// when a step is not finite (NaN included).
template <class T, class Step>
T power_iteration_norm(VectorView<T> x, T start, Step step) {
  T est = start;
  for (int k = 0; k < kMaxPowerHalfSteps; ++k) {
    const T norm = step(k % 2 == 1, x);
    if (!(norm <= std::numeric_limits<T>::max())) return std::numeric_limits<T>::infinity();
    const T previous = est;
    est = std::max(est, norm);
    if (est <= previous * (T(1) + kPowerSettled<T>)) break;
  }
  return est;
}

// The start of the inverse iteration (LINPACK's, xTRCO; Cline, Moler, Stewart and
// Wilkinson 1979, without the look-ahead): x := the solution of R^T x = e by forward
// substitution, each e_i = +-e_size chosen as it comes, opposite in sign to
// s = sum_{k<i} r_ki x_k, so that |x_i| = (e_size + |s|) / |r_ii| grows, which puts weight
// on the direction R^{-T} stretches most. R is the upper triangle of the leading
// x.size() square of A (uplo = upper) or the transpose of its lower one (uplo = lower);
// its diagonal must be nonzero.
template <class T>
void growing_transposed_solve(Uplo uplo, MatrixView<const T> A, T e_size, VectorView<T> x) {
  for (index i = 0; i < x.size(); ++i) {
    // column i of R above the diagonal: A's column (upper) or row (lower)
    const VectorView<const T> r_i = uplo == Uplo::upper ? VectorView<const T>(A.col(i).segment(0, i))
                                                        : VectorView<const T>(A.row(i).segment(0, i));
    const T s = dot(r_i, VectorView<const T>(x.segment(0, i)));
    x[i] = ((s > T(0) ? -e_size : e_size) - s) / A(i, i);
  }
}

}  // namespace stela::detail
