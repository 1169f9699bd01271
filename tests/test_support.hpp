// Shared test helpers: typed-test plumbing, NaN-filled padded storage and workspace,
// the bitwise "untouched" check, reference products in long double, LAPACK's scaled
// ratios (STYLE.md rule 17), and the fixture that records them.
//
// Every ratio divides an error by what backward-stable arithmetic allows for it, so a
// correct routine gives ratios of order 1 whatever the size or scaling, and the
// threshold is LAPACK's 30.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/random.hpp"
#include "stela/scalar.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela {
// GoogleTest prints a Status by name (found by argument-dependent lookup).
inline void PrintTo(Status status, std::ostream* os) { *os << to_string(status); }
}  // namespace stela

namespace stela::test {

constexpr double kThreshold = 30;  // LAPACK's test-ratio threshold

// The type of the reference computations.
using Long = long double;

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

// The sizes that break code, swept as m and as n: empty, one, two, odd, and sizes past
// the smallest special cases.
inline std::vector<index> small_sizes() { return {0, 1, 2, 3, 5, 10, 50}; }

// Whether this build runs under AddressSanitizer (the debug preset, about ten times
// slower than release). The widest sweeps at the big sizes then take a rotating subset of
// the catalogue: the sanitizers look for memory errors, which every path still meets,
// and the release run of the README test command covers the whole catalogue.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
#else
inline constexpr bool kSanitizedBuild = false;
#endif

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

// A workspace whose every byte is 0xFF, which is NaN as float and as double: a routine
// that reads scratch memory before writing it gets NaN into its result.
class NanWorkspace {
 public:
  explicit NanWorkspace(WorkspaceSize size) : bytes_(size.bytes(), 0xFF) {}
  // One byte short of the minimum payload: holds() fails whatever the buffer's alignment.
  static NanWorkspace short_of(WorkspaceSize size) {
    NanWorkspace w(size);
    w.bytes_.assign(size.minimum_payload() == 0 ? 0 : size.minimum_payload() - 1, 0xFF);
    return w;
  }
  Workspace workspace() { return Workspace(bytes_.data(), bytes_.size()); }

 private:
  std::vector<unsigned char> bytes_;
};

// Bit-for-bit equality, NaN equal to NaN: "the input is untouched".
template <class T>
bool same_bits(MatrixView<const T> A, MatrixView<const T> B) {
  if (A.rows() != B.rows() || A.cols() != B.cols()) return false;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      if (std::memcmp(&A(i, j), &B(i, j), sizeof(T)) != 0) return false;
  return true;
}
template <class T>
bool same_bits(VectorView<const T> x, VectorView<const T> y) {
  if (x.size() != y.size()) return false;
  for (index i = 0; i < x.size(); ++i)
    if (std::memcmp(&x[i], &y[i], sizeof(T)) != 0) return false;
  return true;
}

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

// ||I - Q^T Q||_1 / (m eps) for Q (m x k) with orthonormal columns: LAPACK's orthogonality
// ratio (xQRT01's second), the inner products summed in Acc. Q is copied once into a
// contiguous Acc buffer and G = I - Q^T Q filled by symmetry, so the inner loops run over
// raw memory and stay cheap in -O0 sanitizer builds.
template <class T, class Acc = long double>
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

// A B in long double, rounded to T once.
template <class T>
Matrix<T> multiply(MatrixView<const T> A, MatrixView<const T> B, Op ta = Op::none, Op tb = Op::none) {
  const index m = ta == Op::none ? A.rows() : A.cols();
  const index n = tb == Op::none ? B.cols() : B.rows();
  Matrix<T> C(m, n);
  return reference_gemm(ta, tb, T(1), A, B, T(0), MatrixView<const T>(C));
}

// ||A - B||_1 in long double.
template <class T>
long double diff_norm1(MatrixView<const T> A, MatrixView<const T> B) {
  long double worst = 0;
  for (index j = 0; j < A.cols(); ++j) {
    long double col = 0;
    for (index i = 0; i < A.rows(); ++i)
      col += std::fabs(static_cast<long double>(A(i, j)) - static_cast<long double>(B(i, j)));
    worst = std::max(worst, col);
  }
  return worst;
}

// Factorization ratio ||A - B||_1 / (max(m, n) ||A||_1 eps), B the product of the
// computed factors (LAPACK's first test ratio for every factorization).
template <class T>
double factorization_ratio(MatrixView<const T> A, MatrixView<const T> B) {
  const long double a = norm(A, Norm::one);
  const long double scale = std::max<index>({A.rows(), A.cols(), 1}) * static_cast<long double>(eps<T>());
  const long double d = diff_norm1(A, B);
  if (a == 0) return static_cast<double>(d / scale);
  return static_cast<double>(d / a / scale);
}

// Least-squares optimality ratio ||(B - A X)^T A||_1 / (||A||_1 alpha max(m, n, k) eps)
// with alpha = ||B||_1 for a consistent problem and ||B - A X||_1 otherwise (LAPACK's
// xQRT17). Residual and product in long double.
template <class T>
double optimality_ratio(MatrixView<const T> A, MatrixView<const T> X, MatrixView<const T> B, bool consistent) {
  const index m = A.rows(), n = A.cols(), k = B.cols();
  if (m == 0 || n == 0 || k == 0) return 0;
  std::vector<long double> R(static_cast<std::size_t>(m * k));
  long double r_norm = 0;
  for (index j = 0; j < k; ++j) {
    long double col = 0;
    for (index i = 0; i < m; ++i) {
      long double s = B(i, j);
      for (index p = 0; p < n; ++p) s -= static_cast<long double>(A(i, p)) * X(p, j);
      R[static_cast<std::size_t>(i + j * m)] = s;
      col += std::fabs(s);
    }
    r_norm = std::max(r_norm, col);
  }
  long double rta = 0;  // ||R^T A||_1 = max over columns p of A of sum_j |r_j^T a_p|
  for (index p = 0; p < n; ++p) {
    long double col = 0;
    for (index j = 0; j < k; ++j) {
      long double s = 0;
      for (index i = 0; i < m; ++i) s += R[static_cast<std::size_t>(i + j * m)] * A(i, p);
      col += std::fabs(s);
    }
    rta = std::max(rta, col);
  }
  const long double a = norm(A, Norm::one);
  const long double alpha = consistent ? static_cast<long double>(norm(B, Norm::one)) : r_norm;
  if (a == 0 || alpha == 0) return 0;
  return static_cast<double>(rta / (a * alpha * std::max<index>({m, n, k}) * static_cast<long double>(eps<T>())));
}

// How far X lies outside the span of the orthonormal columns of V (the row space of A
// for a minimum-norm solution): ||X - V V^T X||_1 / (||X||_1 max(rows) eps).
template <class T>
double subspace_ratio(MatrixView<const T> V, MatrixView<const T> X) {
  const index n = X.rows(), k = X.cols(), r = V.cols();
  const long double x = norm(X, Norm::one);
  if (x == 0) return 0;
  long double worst = 0;
  for (index j = 0; j < k; ++j) {
    std::vector<long double> c(static_cast<std::size_t>(r));
    for (index q = 0; q < r; ++q) {
      long double s = 0;
      for (index i = 0; i < n; ++i) s += static_cast<long double>(V(i, q)) * X(i, j);
      c[static_cast<std::size_t>(q)] = s;
    }
    long double col = 0;
    for (index i = 0; i < n; ++i) {
      long double s = X(i, j);
      for (index q = 0; q < r; ++q) s -= static_cast<long double>(V(i, q)) * c[static_cast<std::size_t>(q)];
      col += std::fabs(s);
    }
    worst = std::max(worst, col);
  }
  return static_cast<double>(worst / (x * std::max<index>(n, 1) * static_cast<long double>(eps<T>())));
}

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
  long double worst = 0, top = 0;
  for (index i = 0; i < s.size(); ++i) {
    worst = std::max(worst, std::fabs(static_cast<long double>(s[i]) - static_cast<long double>(sigma[i])));
    top = std::max(top, std::fabs(static_cast<long double>(sigma[i])));
  }
  if (top == 0) return static_cast<double>(worst / static_cast<long double>(eps<T>()));
  return static_cast<double>(worst / (top * std::max<index>({m, n, 1}) * static_cast<long double>(eps<T>())));
}

// ---------------------------------------------------------------------------------------
// Recording ratios

// Largest and mean value of every named check, printed by print().
class RatioLog {
 public:
  void record(const std::string& check, double value) {
    Entry& e = entries_[check];
    e.max = std::max(e.max, value);
    e.sum += value;
    e.count += 1;
  }
  void print(const char* type) const {
    for (const auto& [check, e] : entries_)
      std::printf("[ ratios ] %-6s %-46s max %10.3g  mean %10.3g  (%ld cases)\n", type, check.c_str(), e.max,
                  e.sum / static_cast<double>(std::max(e.count, 1L)), e.count);
  }

 private:
  struct Entry {
    double max = 0;
    double sum = 0;
    long count = 0;
  };
  std::map<std::string, Entry> entries_;
};

// Base of a typed fixture whose tests record their ratios, printed as the largest and
// mean value per check after the suite (the numbers a report quotes):
//   template <class T> class Qr : public RatioSuite<Qr<T>, T> {};
// Each fixture (Suite) keeps a log of its own.
template <class Suite, class T>
class RatioSuite : public ::testing::Test {
 public:
  static RatioLog& log() {
    static RatioLog l;
    return l;
  }
  static void record(const std::string& check, double value) { log().record(check, value); }
  static void TearDownTestSuite() { log().print(type_name<T>()); }
};

// In a test of a RatioSuite fixture: record a ratio under `check` and expect it below
// the threshold.
#define EXPECT_RATIO(check, value)                                           \
  do {                                                                       \
    const double ratio_value_ = (value);                                     \
    TestFixture::record((check), ratio_value_);                              \
    EXPECT_LT(ratio_value_, kThreshold) << (check) << " = " << ratio_value_; \
  } while (0)

// Names a case for SCOPED_TRACE and failure messages: "double geometric_kappa1e8 50x10 seed 7".
template <class T>
std::string case_name(const std::string& matrix, index m, index n, std::uint64_t seed) {
  return std::string(type_name<T>()) + " " + matrix + " " + std::to_string(m) + "x" + std::to_string(n) + " seed " +
         std::to_string(seed);
}

}  // namespace stela::test
