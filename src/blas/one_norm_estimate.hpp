// Internal to stela's sources (not installed). The Hager–Higham 1-norm estimator.
//
// Counterpart:  LAPACK xLACN2 (and its predecessor xLACON), written here as a plain
//               loop over two callables instead of reverse communication.
// Computes:     est <= ||B||_1 for an n x n matrix B seen only through x := B x and
//               x := B^T x. The condition estimators use B = A^{-1}, applied by
//               solves with the factors, so ||A^{-1}||_1 costs a few O(n^2) solves
//               instead of the O(n^3) inverse.
// Reference:    W. W. Hager, "Condition estimates", SIAM J. Sci. Stat. Comput. 5(2),
//               1984; N. J. Higham, "FORTRAN codes for estimating the one-norm of a
//               real or complex matrix, with applications to condition estimation",
//               ACM TOMS 14(4), 1988 (Algorithm 4.1); Higham, Accuracy and Stability
//               of Numerical Algorithms, 2nd ed., chapter 15.
// Method:       ||B||_1 = max over ||x||_1 = 1 of ||B x||_1 is the maximum of a convex
//               function over the unit 1-ball, attained at a vertex e_j. Hager's method
//               is gradient ascent over the vertices: from x, the subgradient
//               z = B^T sign(B x) says which vertex e_j increases ||B x||_1 most
//               (j = argmax |z_j|); stop when no vertex promises more. Higham's
//               refinements: start at x = e / n; stop when the sign vector repeats or
//               the estimate stops growing; at most kMaxIterations steps; finally
//               compare with the alternating vector b_i = (-1)^i (1 + i / (n - 1)),
//               which catches matrices that fool the ascent.
// Cost:         at most kMaxIterations + 1 products with B and kMaxIterations with
//               B^T, typically 4 or 5 in total; O(n) besides.
// Guarantee:    every candidate is ||B x||_1 with ||x||_1 = 1 (the alternating vector
//               enters as 2 ||B b||_1 / (3n) with ||b||_1 = 3n / 2), so est is a lower
//               bound on ||B||_1 in exact arithmetic; in practice within a factor of 3
//               (Higham 1988, section 5). A NaN or Inf from the products ends the loop
//               and comes back in est.
// Workspace:    x and xi, two vectors of n (the iterate and the sign vector).
#pragma once

#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/scalar.hpp"

namespace stela::detail {

// xLACN2's ITMAX: at most five ascent steps.
constexpr int kMaxIterations = 5;

template <class T>
T sign_of(T v) {
  return v >= T(0) ? T(1) : T(-1);
}

// apply(x): x := B x;  apply_transpose(x): x := B^T x;  both on a VectorView<T> of n.
template <class T, class Apply, class ApplyTranspose>
T one_norm_estimate(index n, Apply apply, ApplyTranspose apply_transpose, VectorView<T> x, VectorView<T> xi) {
  if (n == 0) return T(0);
  // 1. x := B (e / n);  est = ||x||_1. For n = 1 that is |B| exactly.
  fill(x, T(1) / static_cast<T>(n));
  apply(x);
  T est = asum(VectorView<const T>(x));
  if (n == 1 || !is_finite(est)) return est;

  // 2. xi := sign(B x);  x := B^T xi (the subgradient);  j := argmax |x_i|.
  for (index i = 0; i < n; ++i) xi[i] = sign_of(x[i]);
  copy(VectorView<const T>(xi), x);
  apply_transpose(x);
  index j = iamax(VectorView<const T>(x));

  for (int iteration = 2;; ++iteration) {
    // 3. x := B e_j;  est := max(est, ||B e_j||_1).
    fill(x, T(0));
    x[j] = T(1);
    apply(x);
    const T est_old = est;
    const T candidate = asum(VectorView<const T>(x));
    if (!is_finite(candidate)) return candidate;
    est = std::max(est, candidate);
    // Converged: the sign vector repeats (the next step would go nowhere new), or the
    // estimate did not grow.
    bool repeated = true;
    for (index i = 0; i < n && repeated; ++i) repeated = sign_of(x[i]) == xi[i];
    if (repeated || candidate <= est_old) break;
    // 4. xi := sign(B e_j);  x := B^T xi;  j := argmax |x_i|.
    for (index i = 0; i < n; ++i) xi[i] = sign_of(x[i]);
    copy(VectorView<const T>(xi), x);
    apply_transpose(x);
    const index j_last = j;
    j = iamax(VectorView<const T>(x));
    // Hager's optimality test ||z||_inf <= z^T e_{j_last}: no vertex promises more.
    if (x[j_last] >= std::abs(x[j]) || iteration >= kMaxIterations) break;
  }

  // 5. The alternating vector b_i = (-1)^i (1 + i / (n - 1)), ||b||_1 = 3n / 2:
  //    est := max(est, 2 ||B b||_1 / (3n)).
  for (index i = 0; i < n; ++i)
    x[i] = (i % 2 == 0 ? T(1) : T(-1)) * (T(1) + static_cast<T>(i) / static_cast<T>(n - 1));
  apply(x);
  const T alternating = T(2) * asum(VectorView<const T>(x)) / (T(3) * static_cast<T>(n));
  if (!is_finite(alternating)) return alternating;
  return std::max(est, alternating);
}

}  // namespace stela::detail
