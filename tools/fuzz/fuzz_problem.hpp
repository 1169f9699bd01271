// tools/fuzz/fuzz_problem.hpp — what fuzz_solvers needs besides the library: a small
// problem decoded from the fuzzer's bytes, and reference arithmetic in long double for
// the invariants it checks.
//
// Layout of the input (missing bytes read as zero, extra bytes are ignored):
//   byte 0   flags: bit 0 float (else double), bit 1 entries byte-coded (else raw),
//            bit 2 two right-hand sides (else one), bit 3 rank tolerance rtol = 0 (else
//            the default), bit 4 ridge with an intercept, bits 5-7 what runs: 0 lstsq,
//            1 svd, 2 pinv, 3 cholesky, 4 ridge, 5-7 all of them (one family per input
//            runs about five times as many inputs a second)
//   byte 1   m = byte % (kMaxDim + 1)          byte 2   n, likewise
//   byte 3   lambda of ridge, byte-coded       byte 4   tau of the fixed jitter, byte-coded
//   then     X (m x n) and Y (m x k), column by column: sizeof(T) bytes each (raw IEEE
//            bit patterns), or one byte each (coded_entry)
// kMaxDim = 8 keeps one run to a few milliseconds under the sanitizers, so the
// iteration caps, not the size, bound the time.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "stela/matrix.hpp"
#include "stela/workspace.hpp"

namespace stela::fuzz {

constexpr index kMaxDim = 8;

// A broken invariant: the message on standard error, then abort (libFuzzer keeps the
// input that caused it).
inline void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz: %s\n", what);
  std::abort();
}

template <class T>
T poison() {
  return std::numeric_limits<T>::quiet_NaN();
}

// The fuzzer's bytes, read front to back; zero once they run out.
struct Bytes {
  const std::uint8_t* data;
  std::size_t size;
  std::uint8_t next() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  template <class T>
  T raw() {
    unsigned char b[sizeof(T)];
    for (auto& c : b) c = next();
    T x;
    std::memcpy(&x, b, sizeof x);
    return x;
  }
};

// One byte to a value of one of the classes that break numerical code: bit 7 the sign,
// bits 4-6 the class, bits 0-3 a small integer v.
template <class T>
T coded_entry(std::uint8_t b) {
  using L = std::numeric_limits<T>;
  const T sign = (b & 0x80) ? T(-1) : T(1);
  const int v = b & 15;
  const T tv = static_cast<T>(v);
  switch ((b >> 4) & 7) {
    case 0: return sign * tv;                                      // small integers, zero
    case 1: return sign * tv / T(16);                              // fractions
    case 2: return sign * std::ldexp(tv + 1, L::max_exponent - 5);  // near overflow
    case 3: return sign * (tv + 1) * L::denorm_min();              // subnormal
    case 4: return sign * (tv + 1) * L::min();                     // smallest normal
    case 5: return sign * (T(1) + tv * L::epsilon());              // one, and its neighbours
    case 6: return sign * static_cast<T>(std::pow(10.0, v - 8));   // graded, 1e-8 .. 1e7
    default: break;
  }
  const T specials[16] = {L::quiet_NaN(), L::infinity(), L::max(), L::min(), L::epsilon(), std::sqrt(L::max()),
                          std::sqrt(L::min()), T(1) / T(3), T(3.14159265358979), T(1e-4), T(1e4), T(2), T(0.5),
                          T(1000), T(-1), T(0)};
  return sign * specials[v];
}

enum class Family { lstsq, svd, pinv, cholesky, ridge, all };

struct Header {
  bool single = false, coded = false, zero_rtol = false, intercept = false;
  Family family = Family::all;
  index m = 0, n = 0, k = 1;
  std::uint8_t lambda_code = 0, tau_code = 0;
};

inline Header read_header(Bytes& bytes) {
  Header h;
  const std::uint8_t flags = bytes.next();
  h.single = flags & 1;
  h.coded = flags & 2;
  h.k = (flags & 4) ? 2 : 1;
  h.zero_rtol = flags & 8;
  h.intercept = flags & 16;
  h.family = static_cast<Family>(std::min(flags >> 5, static_cast<int>(Family::all)));
  h.m = bytes.next() % (kMaxDim + 1);
  h.n = bytes.next() % (kMaxDim + 1);
  h.lambda_code = bytes.next();
  h.tau_code = bytes.next();
  return h;
}

template <class T>
struct Problem {
  Matrix<T> X, Y;
  bool x_finite = true, finite = true;  // no NaN or Inf in X; in X and Y
  bool zero_rtol = false, intercept = false;
  T lambda = 0, tau = 0;
  Family family = Family::all;
};

template <class T>
Problem<T> decode_problem(const Header& h, Bytes& bytes) {
  Problem<T> P{Matrix<T>(h.m, h.n), Matrix<T>(h.m, h.k), true, true, h.zero_rtol, h.intercept,
               coded_entry<T>(h.lambda_code), coded_entry<T>(h.tau_code), h.family};
  for (Matrix<T>* M : {&P.X, &P.Y})
    for (index j = 0; j < M->cols(); ++j)
      for (index i = 0; i < M->rows(); ++i) {
        const T x = h.coded ? coded_entry<T>(bytes.next()) : bytes.template raw<T>();
        (*M)(i, j) = x;
        P.finite = P.finite && std::isfinite(x);
        if (M == &P.X) P.x_finite = P.finite;
      }
  return P;
}

// A workspace of `bytes` filled with all-ones bytes, a NaN in float and in double, so a
// read of scratch that was never written spreads NaN instead of passing unseen.
class PoisonedWorkspace {
 public:
  explicit PoisonedWorkspace(std::size_t bytes) : buffer_(bytes + 1, 0xFF) {}
  Workspace workspace() { return Workspace(buffer_.data(), buffer_.size()); }

 private:
  std::vector<unsigned char> buffer_;
};

// Read-only views of owning matrices and vectors (a const Matrix has no view()).
template <class T>
MatrixView<const T> cview(const Matrix<T>& A) {
  return A;
}
template <class T>
VectorView<const T> cview(const Vector<T>& x) {
  return x;
}

// ---------------------------------------------------------------------------------------
// Checks on views (M is any matrix or view with rows(), cols() and (i, j)).

template <class M>
bool finite(const M& A) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      if (!std::isfinite(A(i, j))) return false;
  return true;
}
template <class T>
bool finite(VectorView<T> x) {
  for (index i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) return false;
  return true;
}

template <class M>
bool lower_finite(const M& A) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i)
      if (!std::isfinite(A(i, j))) return false;
  return true;
}

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}
template <class T>
bool same_bits(MatrixView<T> A, MatrixView<T> B) {
  if (A.rows() != B.rows() || A.cols() != B.cols()) return false;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      if (!same_bits(A(i, j), B(i, j))) return false;
  return true;
}
template <class T>
bool same_bits(VectorView<T> x, VectorView<T> y) {
  if (x.size() != y.size()) return false;
  for (index i = 0; i < x.size(); ++i)
    if (!same_bits(x[i], y[i])) return false;
  return true;
}

// The leading p x p block of A, and X^T X formed in T (its entries overflow to Inf as
// a caller's would).
template <class T>
Matrix<T> leading_block(MatrixView<const T> A, index p) {
  Matrix<T> B(p, p);
  for (index j = 0; j < p; ++j)
    for (index i = 0; i < p; ++i) B(i, j) = A(i, j);
  return B;
}
template <class T>
Matrix<T> gram(MatrixView<const T> X) {
  const index n = X.cols();
  Matrix<T> G(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < n; ++i) {
      T sum = 0;
      for (index r = 0; r < X.rows(); ++r) sum += X(r, i) * X(r, j);
      G(i, j) = sum;
    }
  return G;
}

// ---------------------------------------------------------------------------------------
// Reference arithmetic in long double (64-bit significand, exponent range beyond
// double's squares): the checks' own rounding is far below the bounds they test.

class LongMatrix {
 public:
  LongMatrix(index m, index n) : m_(m), n_(n), a_(static_cast<std::size_t>(m * n), 0.0L) {}
  index rows() const { return m_; }
  index cols() const { return n_; }
  long double& operator()(index i, index j) { return a_[static_cast<std::size_t>(i + j * m_)]; }
  long double operator()(index i, index j) const { return a_[static_cast<std::size_t>(i + j * m_)]; }
  long double column_norm(index j) const {
    long double s = 0;
    for (index i = 0; i < m_; ++i) s += (*this)(i, j) * (*this)(i, j);
    return std::sqrt(s);
  }
  long double norm() const {
    long double s = 0;
    for (const long double x : a_) s += x * x;
    return std::sqrt(s);
  }
  // ||this - B||_F
  template <class M>
  long double distance(const M& B) const {
    long double s = 0;
    for (index j = 0; j < n_; ++j)
      for (index i = 0; i < m_; ++i) {
        const long double d = (*this)(i, j) - static_cast<long double>(B(i, j));
        s += d * d;
      }
    return std::sqrt(s);
  }

 private:
  index m_ = 0, n_ = 0;
  std::vector<long double> a_;
};

template <class M>
long double frobenius(const M& A) {
  long double s = 0;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) s += static_cast<long double>(A(i, j)) * static_cast<long double>(A(i, j));
  return std::sqrt(s);
}

// A B
template <class MA, class MB>
LongMatrix product(const MA& A, const MB& B) {
  LongMatrix C(A.rows(), B.cols());
  for (index j = 0; j < B.cols(); ++j)
    for (index l = 0; l < A.cols(); ++l)
      for (index i = 0; i < A.rows(); ++i)
        C(i, j) += static_cast<long double>(A(i, l)) * static_cast<long double>(B(l, j));
  return C;
}
// A B C
template <class MA, class MB, class MC>
LongMatrix product(const MA& A, const MB& B, const MC& C) {
  return product(product(A, B), C);
}
// A^T B
template <class MA, class MB>
LongMatrix product_transposed(const MA& A, const MB& B) {
  LongMatrix C(A.cols(), B.cols());
  for (index j = 0; j < B.cols(); ++j)
    for (index i = 0; i < A.cols(); ++i)
      for (index l = 0; l < A.rows(); ++l)
        C(i, j) += static_cast<long double>(A(l, i)) * static_cast<long double>(B(l, j));
  return C;
}
// A - B
template <class MA>
LongMatrix minus(const MA& A, const LongMatrix& B) {
  LongMatrix C(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) C(i, j) = static_cast<long double>(A(i, j)) - B(i, j);
  return C;
}

// ||A - U diag(s) V^T||_F
template <class MA, class MU, class VS, class MV>
long double reconstruction_error(const MA& A, const MU& U, const VS& s, const MV& V) {
  LongMatrix R(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) {
      long double x = A(i, j);
      for (index l = 0; l < s.size(); ++l)
        x -= static_cast<long double>(U(i, l)) * static_cast<long double>(s[l]) * static_cast<long double>(V(j, l));
      R(i, j) = x;
    }
  return R.norm();
}

// ||I - Q_c^T Q_c||_F over Q's first c columns.
template <class MQ>
long double orthogonality_error(const MQ& Q, index c) {
  long double s = 0;
  for (index j = 0; j < c; ++j)
    for (index i = 0; i < c; ++i) {
      long double x = (i == j) ? -1.0L : 0.0L;
      for (index l = 0; l < Q.rows(); ++l) x += static_cast<long double>(Q(l, i)) * static_cast<long double>(Q(l, j));
      s += x * x;
    }
  return std::sqrt(s);
}

// ||L L^T - (A + jitter I)||_F over the lower triangle, A's lower triangle only read.
template <class T, class ML>
long double cholesky_error(MatrixView<const T> A, const ML& L, double jitter) {
  long double s = 0;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i) {
      long double x = -static_cast<long double>(A(i, j)) - (i == j ? static_cast<long double>(jitter) : 0.0L);
      for (index l = 0; l <= j; ++l) x += static_cast<long double>(L(i, l)) * static_cast<long double>(L(j, l));
      s += x * x;
    }
  return std::sqrt(s);
}

}  // namespace stela::fuzz
