// Helpers shared by the Cholesky, LU and normal-equations tests: symmetric test
// matrices with known spectra, reference inverses in long double, NaN-filled and short
// workspaces, the solve-residual ratio, and a bitwise "untouched" check.
#pragma once

#include <cmath>
#include <cstring>
#include <ostream>
#include <vector>

#include "stela/workspace.hpp"
#include "test_support.hpp"

namespace stela {
// GoogleTest prints a Status by name.
inline void PrintTo(Status status, std::ostream* os) { *os << to_string(status); }
}  // namespace stela

namespace stela::test {

// Q diag(lambda) Q^T with Q Haar-orthogonal, formed in long double and rounded once,
// so the result is exactly symmetric. lambda may hold negative or zero values.
template <class T>
Matrix<T> symmetric_with_eigenvalues(const std::vector<long double>& lambda, std::uint64_t seed) {
  const index n = static_cast<index>(lambda.size());
  Rng rng(seed);
  Matrix<T> Q = random_orthonormal_columns<T>(rng, n, n);
  Matrix<T> A(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = j; i < n; ++i) {
      long double s = 0;
      for (index p = 0; p < n; ++p)
        s += static_cast<long double>(Q(i, p)) * lambda[static_cast<std::size_t>(p)] * Q(j, p);
      A(i, j) = A(j, i) = static_cast<T>(s);
    }
  return A;
}

// Eigenvalues scale * kappa^(-i/(n-1)), i = 0 .. n-1: geometric from scale down to
// scale / kappa.
inline std::vector<long double> geometric_spectrum(index n, long double kappa, long double scale = 1) {
  std::vector<long double> lambda(static_cast<std::size_t>(n));
  for (index i = 0; i < n; ++i)
    lambda[static_cast<std::size_t>(i)] = scale * std::pow(kappa, -static_cast<long double>(i) / std::max<index>(n - 1, 1));
  return lambda;
}

// X^T X in long double, rounded once (exactly symmetric).
template <class T>
Matrix<T> gram(MatrixView<const T> X) {
  return multiply(X, X, Op::transpose, Op::none);
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

// Bit-for-bit equality (NaN equals NaN): "the input is untouched".
template <class T>
bool same_bits(MatrixView<const T> A, MatrixView<const T> B) {
  if (A.rows() != B.rows() || A.cols() != B.cols()) return false;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      if (std::memcmp(&A(i, j), &B(i, j), sizeof(T)) != 0) return false;
  return true;
}
template <class T>
bool same_bits(VectorView<const T> a, VectorView<const T> b) {
  if (a.size() != b.size()) return false;
  for (index i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0) return false;
  return true;
}

// A buffer of `size` bytes whose every double is NaN, so a read of workspace that was
// never written shows up as NaN.
class NanWorkspace {
 public:
  explicit NanWorkspace(WorkspaceSize size)
      : bytes_(size.bytes()), storage_(size.bytes() / sizeof(double) + 1, std::numeric_limits<double>::quiet_NaN()) {}
  Workspace workspace() { return Workspace(storage_.data(), bytes_); }

 private:
  std::size_t bytes_;
  std::vector<double> storage_;
};

// A workspace one byte shorter than `size` asks for (none when the size is zero).
class ShortWorkspace {
 public:
  explicit ShortWorkspace(WorkspaceSize size) : payload_(size.payload()), storage_(size.payload() + 2 * WorkspaceSize::alignment) {}
  Workspace workspace() {
    if (payload_ == 0) return Workspace();
    // Start exactly on an alignment boundary, so the usable bytes are payload - 1.
    auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
    const std::size_t skip = (WorkspaceSize::alignment - address % WorkspaceSize::alignment) % WorkspaceSize::alignment;
    return Workspace(storage_.data() + skip, payload_ - 1);
  }

 private:
  std::size_t payload_;
  std::vector<unsigned char> storage_;
};

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
