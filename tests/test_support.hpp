// Shared test helpers: typed-test plumbing, NaN-filled padded storage, reference
// products in long double, and LAPACK's scaled ratios (STYLE.md rule 17).
//
// Every ratio divides an error by what backward-stable arithmetic allows for it, so a
// correct routine gives ratios of order 1 whatever the size or scaling, and the
// threshold is LAPACK's 30.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/random.hpp"
#include "stela/scalar.hpp"

namespace stela::test {

constexpr double kThreshold = 30;  // LAPACK's test-ratio threshold

using Scalars = ::testing::Types<float, double>;

// Typed tests print "float" / "double" instead of an index.
struct ScalarName {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, float> ? "float" : "double";
  }
};

template <class T>
const char* type_name() {
  return std::is_same_v<T, float> ? "float" : "double";
}

template <class T>
T nan() {
  return std::numeric_limits<T>::quiet_NaN();
}

// An m x n matrix stored with leading dimension ld >= m inside a larger buffer, every
// entry (inside and in the padding) NaN, so a read of unwritten memory shows up as
// NaN in the result. `view()` is the m x n view; the padding must stay NaN.
template <class T>
class Padded {
 public:
  Padded(index m, index n, index pad = 3)
      : m_(m), n_(n), ld_(std::max<index>(1, m + pad)), storage_(static_cast<std::size_t>(ld_ * std::max<index>(n, 1)), nan<T>()) {}
  MatrixView<T> view() { return MatrixView<T>(storage_.data(), m_, n_, ld_); }
  // Copy of A into the view (shapes must agree).
  static Padded from(MatrixView<const T> A, index pad = 3) {
    Padded P(A.rows(), A.cols(), pad);
    copy(A, P.view());
    return P;
  }
  // True when every entry outside the m x n view is still NaN.
  bool padding_untouched() const {
    for (index j = 0; j < n_; ++j)
      for (index i = m_; i < ld_; ++i)
        if (!std::isnan(storage_[static_cast<std::size_t>(i + j * ld_)])) return false;
    return true;
  }

 private:
  index m_, n_, ld_;
  std::vector<T> storage_;
};

template <class T>
Matrix<T> random_matrix(index m, index n, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<T> A(m, n);
  fill_gaussian(rng, A.view());
  return A;
}

// op(A) as a long double matrix, for reference products.
template <class T>
std::vector<long double> to_long(MatrixView<const T> A) {
  std::vector<long double> out(static_cast<std::size_t>(A.rows() * A.cols()));
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) out[static_cast<std::size_t>(i + j * A.rows())] = A(i, j);
  return out;
}

// Reference C := alpha op(A) op(B) + beta C in long double, by the definition.
template <class T>
Matrix<T> reference_gemm(Op ta, Op tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                         MatrixView<const T> C) {
  const index m = C.rows(), n = C.cols();
  const index k = ta == Op::none ? A.cols() : A.rows();
  Matrix<T> out(m, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < m; ++i) {
      long double s = 0;
      for (index p = 0; p < k; ++p) {
        const long double a = ta == Op::none ? A(i, p) : A(p, i);
        const long double b = tb == Op::none ? B(p, j) : B(j, p);
        s += a * b;
      }
      const long double c = beta == T(0) ? 0.0L : static_cast<long double>(beta) * C(i, j);
      out(i, j) = static_cast<T>(static_cast<long double>(alpha) * s + c);
    }
  return out;
}

// max |A - B| / scale, in long double.
template <class T>
double max_abs_diff(MatrixView<const T> A, MatrixView<const T> B) {
  long double d = 0;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      d = std::max(d, std::fabs(static_cast<long double>(A(i, j)) - static_cast<long double>(B(i, j))));
  return static_cast<double>(d);
}

// ||I - Q^T Q||_1 / (m eps) for Q with orthonormal columns (LAPACK's orthogonality
// ratio; columns of an m x k Q).
template <class T>
double orthogonality_ratio(MatrixView<const T> Q) {
  const index m = Q.rows(), k = Q.cols();
  if (k == 0) return 0;
  long double worst_col = 0;
  for (index j = 0; j < k; ++j) {
    long double col = 0;
    for (index i = 0; i < k; ++i) {
      long double s = 0;
      for (index p = 0; p < m; ++p) s += static_cast<long double>(Q(p, i)) * Q(p, j);
      col += std::fabs((i == j ? 1.0L : 0.0L) - s);
    }
    worst_col = std::max(worst_col, col);
  }
  return static_cast<double>(worst_col / (std::max<index>(m, 1) * static_cast<long double>(eps<T>())));
}

}  // namespace stela::test
