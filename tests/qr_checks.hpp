// Helpers shared by the QR, pivoted-QR and COD tests: the shape sweep and the scaled
// ratios of LAPACK's QR tests (xQRT01, xQRT02, xQRT17), computed in long double with
// plain loops so that the big shapes stay cheap.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "stela/qr.hpp"
#include "test_support.hpp"

namespace stela::test {

// ---------------------------------------------------------------------------------------
// Shapes and permutations

struct Shape {
  index m;
  index n;
  const char* kind;  // "square", "tall", "wide"
};

// Square s x s, tall t x s and wide s x t with t = s + min(s/2, 10) + 3 (a few rows or
// columns more, so that the big shapes keep the long-double checks affordable).
inline std::vector<Shape> shapes_of(index s) {
  const index t = s + std::min<index>(s / 2, 10) + 3;
  return {{s, s, "square"}, {t, s, "tall"}, {s, t, "wide"}};
}

// The sizes of the issue: the small ones (test_support.hpp's small_sizes) and the block
// edges. Every catalogue type runs at all of them; the block edges compare blocked with
// unblocked results instead of forming long-double products of the full Q.
inline std::vector<index> block_edge_sizes() { return {127, 128, 129, 257}; }

// The least-squares sweeps: the nonempty small sizes and the block edges.
inline std::vector<index> solve_sizes() { return {1, 2, 3, 5, 10, 50, 127, 128, 129, 257}; }

// Calls body(tm, shape, seed) for every catalogue type at every size s of `sizes`, in
// the three shapes of shapes_of(s), tm made with seed = seed_base + s and `opts`. Under
// the sanitizers the sizes past 100 take every tenth (type, size, shape) case only.
template <class T, class Body>
void for_each_catalogue_case(const std::vector<index>& sizes, std::uint64_t seed_base, const CatalogueOptions& opts,
                             Body body) {
  index big_case = 0;
  for (MatrixType type : all_matrix_types())
    for (index s : sizes)
      for (const Shape& shape : shapes_of(s)) {
        if (kSanitizedBuild && s > 100 && big_case++ % 10 != 0) continue;
        const std::uint64_t seed = seed_base + static_cast<std::uint64_t>(s);
        const TestMatrix<T> tm = make_test_matrix<T>(type, shape.m, shape.n, seed, opts);
        body(tm, shape, seed);
      }
}

// Whether the catalogue type is full rank and well enough conditioned (with kappa = 10
// for the singular-value modes) for an inconsistent least-squares problem: the
// optimality ratio of a backward-stable solver grows like kappa ||b|| / ||r||, so the
// ill-conditioned types get consistent right-hand sides only.
inline bool well_conditioned(MatrixType type) {
  switch (type) {
    case MatrixType::identity:
    case MatrixType::upper_triangular:
    case MatrixType::lower_triangular:
    case MatrixType::one_large:
    case MatrixType::one_small:
    case MatrixType::geometric:
    case MatrixType::arithmetic:
    case MatrixType::log_uniform:
    case MatrixType::near_overflow:
    case MatrixType::near_underflow:
      return true;
    default:
      return false;
  }
}

// Column j of the result is column perm[j] of A (A P).
template <class T>
Matrix<T> permute_columns(MatrixView<const T> A, VectorView<const index> perm) {
  Matrix<T> AP(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) AP(i, j) = A(i, perm[j]);
  return AP;
}

// The upper trapezoid of a factored matrix: rows 0..k-1, zeros below the diagonal.
template <class T>
Matrix<T> upper_part(MatrixView<const T> F, index k) {
  Matrix<T> R(k, F.cols());
  for (index j = 0; j < F.cols(); ++j)
    for (index i = 0; i < std::min(k, j + 1); ++i) R(i, j) = F(i, j);
  return R;
}

// Whether perm holds each of 0..n-1 once.
inline bool is_permutation(VectorView<const index> perm) {
  std::vector<int> seen(static_cast<std::size_t>(perm.size()), 0);
  for (index j = 0; j < perm.size(); ++j) {
    if (perm[j] < 0 || perm[j] >= perm.size() || seen[static_cast<std::size_t>(perm[j])]) return false;
    seen[static_cast<std::size_t>(perm[j])] = 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Long-double arithmetic on views

template <class T>
std::vector<Long> to_long_dense(MatrixView<const T> A) {
  std::vector<Long> out(static_cast<std::size_t>(A.rows() * A.cols()));
  const T* a = A.data();
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) out[static_cast<std::size_t>(i + j * A.rows())] = a[i + j * A.ld()];
  return out;
}

// C = A B in long double (A m x p, B p x n, dense column-major as from to_long_dense).
inline std::vector<Long> long_product(const std::vector<Long>& A, const std::vector<Long>& B, index m, index p,
                                      index n) {
  std::vector<Long> C(static_cast<std::size_t>(m * n), 0.0L);
  for (index j = 0; j < n; ++j)
    for (index q = 0; q < p; ++q) {
      const Long b = B[static_cast<std::size_t>(q + j * p)];
      if (b == 0) continue;
      const Long* a = &A[static_cast<std::size_t>(q * m)];
      Long* c = &C[static_cast<std::size_t>(j * m)];
      for (index i = 0; i < m; ++i) c[i] += a[i] * b;
    }
  return C;
}

// ||A - B||_1 for dense long-double m x n matrices.
inline Long long_diff_norm1(const std::vector<Long>& A, const std::vector<Long>& B, index m, index n) {
  Long worst = 0;
  for (index j = 0; j < n; ++j) {
    Long col = 0;
    for (index i = 0; i < m; ++i)
      col += std::fabs(A[static_cast<std::size_t>(i + j * m)] - B[static_cast<std::size_t>(i + j * m)]);
    worst = std::max(worst, col);
  }
  return worst;
}

inline Long long_norm1(const std::vector<Long>& A, index m, index n) {
  Long worst = 0;
  for (index j = 0; j < n; ++j) {
    Long col = 0;
    for (index i = 0; i < m; ++i) col += std::fabs(A[static_cast<std::size_t>(i + j * m)]);
    worst = std::max(worst, col);
  }
  return worst;
}

// ---------------------------------------------------------------------------------------
// LAPACK's scaled ratios

// ||A - L R||_1 / (max(m, n) ||A||_1 eps) (xQRT01's first ratio); L is m x p, R p x n.
// For A = 0 the denominator drops ||A||.
template <class T>
double product_ratio(MatrixView<const T> A, MatrixView<const T> L, MatrixView<const T> R) {
  const index m = A.rows(), n = A.cols(), p = L.cols();
  if (m == 0 || n == 0) return 0;
  const std::vector<Long> a = to_long_dense(A);
  const std::vector<Long> lr = long_product(to_long_dense(L), to_long_dense(R), m, p, n);
  const Long scale = static_cast<Long>(std::max(m, n)) * static_cast<Long>(eps<T>());
  const Long anorm = long_norm1(a, m, n);
  const Long d = long_diff_norm1(a, lr, m, n);
  return static_cast<double>(anorm == 0 ? d / scale : d / (anorm * scale));
}

// ||X - Y||_1 / (||Y||_1 m eps): a computed product X against a reference Y, m the length
// of the inner products.
template <class T>
double agreement_ratio(MatrixView<const T> X, const std::vector<Long>& Y, index inner) {
  const index m = X.rows(), n = X.cols();
  if (m == 0 || n == 0) return 0;
  const Long y = long_norm1(Y, m, n);
  const Long d = long_diff_norm1(to_long_dense(X), Y, m, n);
  const Long scale = static_cast<Long>(std::max<index>(inner, 1)) * static_cast<Long>(eps<T>());
  return static_cast<double>(y == 0 ? d / scale : d / (y * scale));
}

// The backward-error ratio of a solution: ||B - A X||_1 / ((||A||_1 ||X||_1 + ||B||_1) max(m, n) eps).
template <class T>
double residual_ratio(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B) {
  const index m = A.rows(), n = A.cols(), k = B.cols();
  if (m == 0 || k == 0) return 0;
  const std::vector<Long> ax = long_product(to_long_dense(A), to_long_dense(X), m, n, k);
  const std::vector<Long> b = to_long_dense(B);
  const Long d = long_diff_norm1(ax, b, m, k);
  const Long denom = long_norm1(to_long_dense(A), m, n) * long_norm1(to_long_dense(X), n, k) + long_norm1(b, m, k);
  if (denom == 0) return static_cast<double>(d);
  return static_cast<double>(d / (denom * std::max(m, n) * static_cast<Long>(eps<T>())));
}

// A QR solve leaves Q^T B in B's storage, and rows first..m-1 of it (first = n, or the
// rank) carry the residual norms. One ratio per column j:
//   | ||b_j - A x_j|| - ||(Q^T B)(first:m, j)|| | / ((||A||_F ||x_j|| + ||b_j||) max(m, n) eps),
// the residual in long double; NaN where the scale is zero (b_j = 0 and A x_j = 0).
template <class T>
std::vector<double> residual_norm_ratios(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B,
                                         MatrixView<const T> QtB, index first) {
  const index m = A.rows(), n = A.cols(), nrhs = B.cols();
  const std::vector<Long> ax = long_product(to_long_dense(A), to_long_dense(X), m, n, nrhs);
  std::vector<double> ratios;
  for (index j = 0; j < nrhs; ++j) {
    Long r2 = 0, q2 = 0;
    for (index i = 0; i < m; ++i) {
      const Long r = static_cast<Long>(B(i, j)) - ax[static_cast<std::size_t>(i + j * m)];
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
  std::vector<Long> q = to_long_dense(A);
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
std::vector<Long> known_min_norm_solution(const TestMatrix<T>& tm, MatrixView<const T> B) {
  const index n = tm.A.cols(), k = B.cols();
  index r = 0;
  while (r < tm.sigma.size() && tm.sigma[r] > T(0)) ++r;
  std::vector<Long> X(static_cast<std::size_t>(n * k), 0.0L);
  for (index q = 0; q < r; ++q)
    for (index j = 0; j < k; ++j) {
      Long c = 0;  // u_q^T b_j / sigma_q
      for (index i = 0; i < B.rows(); ++i) c += static_cast<Long>(tm.U(i, q)) * B(i, j);
      c /= static_cast<Long>(tm.sigma[q]);
      for (index i = 0; i < n; ++i) X[static_cast<std::size_t>(i + j * n)] += c * static_cast<Long>(tm.V(i, q));
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
