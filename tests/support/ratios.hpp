// LAPACK's scaled test ratios (STYLE.md rule 17), one helper each, computed against
// long-double references (long_double.hpp).
//
// Every ratio divides an error by what backward-stable arithmetic allows for it, so a
// correct routine gives ratios of order 1 whatever the size or scaling, and the
// threshold is LAPACK's 30 (kThreshold).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "long_double.hpp"
#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/scalar.hpp"

namespace stela::test {

constexpr double kThreshold = 30;  // LAPACK's test-ratio threshold

// ---------------------------------------------------------------------------------------
// Factorization and orthogonality

// LAPACK's first ratio for every factorization: ||A - F||_1 / (max(m, n) ||A||_1 eps), F
// the product of the computed factors kept in long double (not rounded to T); for A = 0
// the denominator drops ||A||.
template <class T>
double factorization_ratio(MatrixView<const T> A, const LongMatrix& F) {
  const LongMatrix a(A);
  const Long scale = static_cast<Long>(std::max<index>({A.rows(), A.cols(), 1})) * static_cast<Long>(eps<T>());
  const Long anorm = one_norm(a);
  const Long d = one_norm(minus(a, F));
  return static_cast<double>(anorm == 0 ? d / scale : d / (anorm * scale));
}
// The same ratio for a product B already rounded to T.
template <class T>
double factorization_ratio(MatrixView<const T> A, MatrixView<const T> B) {
  return factorization_ratio(A, LongMatrix(B));
}
// The same ratio for the product L R of two computed factors (L m x p, R p x n), formed
// in long double (xQRT01's first ratio).
template <class T>
double factorization_ratio(MatrixView<const T> A, MatrixView<const T> L, MatrixView<const T> R) {
  return factorization_ratio(A, product(LongMatrix(L), LongMatrix(R)));
}

// ||I - Q^T Q||_1 / (m eps) for Q (m x k) with orthonormal columns: LAPACK's orthogonality
// ratio (xQRT01's second), the inner products summed in Acc (long double by default;
// double where a sweep forms thousands of them, as LAPACK's own xORT01 does in working
// precision). Q is copied once into a contiguous Acc buffer and G = I - Q^T Q filled by
// symmetry, so the inner loops run over raw memory and stay cheap in -O0 sanitizer builds.
template <class T, class Acc = Long>
double orthogonality_ratio(MatrixView<const T> Q) {
  const index m = Q.rows(), k = Q.cols();
  if (k == 0) return 0;
  std::vector<Acc> q(static_cast<std::size_t>(m * k));
  for (index j = 0; j < k; ++j)
    for (index i = 0; i < m; ++i) q[static_cast<std::size_t>(i + j * m)] = static_cast<Acc>(Q(i, j));
  // G := I - Q^T Q
  std::vector<Acc> G(static_cast<std::size_t>(k * k));
  for (index j = 0; j < k; ++j)
    for (index i = 0; i <= j; ++i) {
      Acc s = 0;
      const Acc* qi = &q[static_cast<std::size_t>(i * m)];
      const Acc* qj = &q[static_cast<std::size_t>(j * m)];
      for (index p = 0; p < m; ++p) s += qi[p] * qj[p];
      G[static_cast<std::size_t>(i + j * k)] = G[static_cast<std::size_t>(j + i * k)] = (i == j ? Acc(1) : Acc(0)) - s;
    }
  // ||G||_1, the largest column sum
  Acc worst = 0;
  for (index j = 0; j < k; ++j) {
    const Acc* g = &G[static_cast<std::size_t>(j * k)];
    Acc col = 0;
    for (index i = 0; i < k; ++i) col += std::fabs(g[i]);
    worst = std::max(worst, col);
  }
  return static_cast<double>(worst / (static_cast<Acc>(std::max<index>(m, 1)) * static_cast<Acc>(eps<T>())));
}

// ||X - Y||_1 / (||Y||_1 inner eps): a computed product X against a reference Y, inner
// the length of the inner products.
template <class T>
double agreement_ratio(MatrixView<const T> X, const LongMatrix& Y, index inner) {
  if (X.rows() == 0 || X.cols() == 0) return 0;
  const Long y = one_norm(Y);
  const Long d = one_norm(minus(LongMatrix(X), Y));
  const Long scale = static_cast<Long>(std::max<index>(inner, 1)) * static_cast<Long>(eps<T>());
  return static_cast<double>(y == 0 ? d / scale : d / (y * scale));
}

// ---------------------------------------------------------------------------------------
// Solutions

// The backward-error ratio of a solution: ||B - A X||_1 / ((||A||_1 ||X||_1 + ||B||_1) max(m, n) eps).
template <class T>
double residual_ratio(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B) {
  const index m = A.rows(), n = A.cols(), k = B.cols();
  if (m == 0 || k == 0) return 0;
  const LongMatrix a(A), x(X), b(B);
  const Long d = one_norm(minus(product(a, x), b));
  const Long denom = one_norm(a) * one_norm(x) + one_norm(b);
  if (denom == 0) return static_cast<double>(d);
  return static_cast<double>(d / (denom * std::max(m, n) * static_cast<Long>(eps<T>())));
}

// Solve residual ratio ||B - op(A) X||_1 / (||A||_1 ||X||_1 n eps) for square A, the worst
// column (LAPACK's xGET02 / xPOT02, with the dimension in the scale), in long double.
template <class T>
double solve_residual_ratio(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B, Op trans = Op::none) {
  const index n = A.rows();
  if (n == 0) return 0;
  const Long a = norm(A, Norm::one);
  double worst = 0;
  for (index j = 0; j < B.cols(); ++j) {
    Long r = 0, x = 0;
    for (index i = 0; i < n; ++i) {
      Long s = B(i, j);
      for (index p = 0; p < n; ++p) s -= static_cast<Long>(trans == Op::none ? A(i, p) : A(p, i)) * X(p, j);
      r += std::fabs(s);
      x += std::fabs(static_cast<Long>(X(i, j)));
    }
    if (a == 0 || x == 0) continue;
    worst = std::max(worst, static_cast<double>(r / (a * x * n * static_cast<Long>(eps<T>()))));
  }
  return worst;
}

// Least-squares optimality ratio ||(B - A X)^T A||_1 / (||A||_1 alpha max(m, n, k) eps)
// with alpha = ||B||_1 for a consistent problem and ||B - A X||_1 otherwise (LAPACK's
// xQRT17). Residual and product in long double.
template <class T>
double optimality_ratio(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B, bool consistent) {
  const index m = A.rows(), n = A.cols(), k = B.cols();
  if (m == 0 || n == 0 || k == 0) return 0;
  std::vector<Long> R(static_cast<std::size_t>(m * k));
  Long r_norm = 0;
  for (index j = 0; j < k; ++j) {
    Long col = 0;
    for (index i = 0; i < m; ++i) {
      Long s = B(i, j);
      for (index p = 0; p < n; ++p) s -= static_cast<Long>(A(i, p)) * X(p, j);
      R[static_cast<std::size_t>(i + j * m)] = s;
      col += std::fabs(s);
    }
    r_norm = std::max(r_norm, col);
  }
  Long rta = 0;  // ||R^T A||_1 = max over columns p of A of sum_j |r_j^T a_p|
  for (index p = 0; p < n; ++p) {
    Long col = 0;
    for (index j = 0; j < k; ++j) {
      Long s = 0;
      for (index i = 0; i < m; ++i) s += R[static_cast<std::size_t>(i + j * m)] * A(i, p);
      col += std::fabs(s);
    }
    rta = std::max(rta, col);
  }
  const Long a = norm(A, Norm::one);
  const Long alpha = consistent ? static_cast<Long>(norm(B, Norm::one)) : r_norm;
  if (a == 0 || alpha == 0) return 0;
  return static_cast<double>(rta / (a * alpha * std::max<index>({m, n, k}) * static_cast<Long>(eps<T>())));
}

// How far X lies outside the span of the orthonormal columns of V (the row space of A
// for a minimum-norm solution): ||X - V V^T X||_1 / (||X||_1 max(rows) eps).
template <class T>
double subspace_ratio(MatrixView<const T> V, MatrixView<const T> X) {
  const index n = X.rows(), k = X.cols(), r = V.cols();
  const Long x = norm(X, Norm::one);
  if (x == 0) return 0;
  Long worst = 0;
  for (index j = 0; j < k; ++j) {
    std::vector<Long> c(static_cast<std::size_t>(r));
    for (index q = 0; q < r; ++q) {
      Long s = 0;
      for (index i = 0; i < n; ++i) s += static_cast<Long>(V(i, q)) * X(i, j);
      c[static_cast<std::size_t>(q)] = s;
    }
    Long col = 0;
    for (index i = 0; i < n; ++i) {
      Long s = X(i, j);
      for (index q = 0; q < r; ++q) s -= static_cast<Long>(V(i, q)) * c[static_cast<std::size_t>(q)];
      col += std::fabs(s);
    }
    worst = std::max(worst, col);
  }
  return static_cast<double>(worst / (x * std::max<index>(n, 1) * static_cast<Long>(eps<T>())));
}

// ---------------------------------------------------------------------------------------
// Singular values

// Singular values against known ones: max_i |s_i - sigma_i| / (sigma_1 max(m, n) eps).
// The factor max(m, n) is deliberate (issue 5 writes the ratio without it; the threshold
// is the same 30). A backward-stable SVD is exact for A + dA with ||dA|| <= p(m, n) eps
// ||A||, p a modest polynomial growing with the dimensions, and by Weyl's inequality
// |s_i - sigma_i| <= ||dA||_2: the error of each value grows with the size as the
// reconstruction error does, so the ratio carries the same max(m, n) as the
// reconstruction ratio in order to stay O(1) at every size. LAPACK's tests scale the
// same way: xDRVBD's value test (7) divides |S - S_partial| by min(m, n) ulp |S|, and
// xSVDCH (xCHKBD's test 10) widens each interval by TOL max(n/10, 1) ulp.
template <class T>
double singular_value_ratio(VectorView<const T> s, VectorView<const T> sigma, index m, index n) {
  if (s.size() != sigma.size()) return std::numeric_limits<double>::infinity();
  if (s.empty()) return 0;
  Long worst = 0, top = 0;
  for (index i = 0; i < s.size(); ++i) {
    worst = std::max(worst, std::fabs(static_cast<Long>(s[i]) - static_cast<Long>(sigma[i])));
    top = std::max(top, std::fabs(static_cast<Long>(sigma[i])));
  }
  if (top == 0) return static_cast<double>(worst / static_cast<Long>(eps<T>()));
  return static_cast<double>(worst / (top * std::max<index>({m, n, 1}) * static_cast<Long>(eps<T>())));
}

}  // namespace stela::test
