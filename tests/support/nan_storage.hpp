// NaN-poisoned storage (STYLE.md rule 20): padded matrices and workspaces whose every
// unwritten entry is NaN, so that a routine reading memory it did not write gets NaN
// into its result, and the bitwise "untouched" check.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/workspace.hpp"

namespace stela::test {

// Whether this build may fuse a*b+c into one rounding (FMA): x86-64 with -march that has
// FMA, aarch64 and Cortex-M4F/M7 by default. Two code paths that compute the same
// formula, say a unit-stride loop and a strided one, may then be contracted differently
// by the compiler, so a test that asserts the same bits from both asserts it only
// without FMA, and a residual bound either way.
constexpr bool kMayContract =
#if defined(__FP_FAST_FMA) || defined(__FP_FAST_FMAF) || defined(__FMA__) || defined(__ARM_FEATURE_FMA)
    true;
#else
    false;
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

}  // namespace stela::test
