// The test-support library's front door: typed-test plumbing, seeded random matrices,
// case names, and the fixture that records the scaled ratios; it brings in the topic
// headers every test uses:
//   long_double.hpp       the long-double matrix type, its product and norms
//   ratios.hpp            LAPACK's scaled ratios (STYLE.md rule 17) and kThreshold
//   nan_storage.hpp       NaN-poisoned padded matrices and workspaces, same_bits
//   catalogue_sweeps.hpp  sizes, shapes, for_each_catalogue_case, kSanitizedBuild,
//                         kLightSweeps, kSmallMemory
//   factors.hpp           triangles and permutations of factored matrices as dense matrices
//   names.hpp             names of types and options for failure messages
// The topic headers a few tests need include this one: qr_checks.hpp (QR, pivoted QR,
// COD), factorization_support.hpp (Cholesky, LU, normal equations), solver_checks.hpp
// (lstsq, subspaces, ridge, streaming) and json_checker.hpp (I/O and the program).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <type_traits>

#include "catalogue_sweeps.hpp"
#include "factors.hpp"
#include "long_double.hpp"
#include "names.hpp"
#include "nan_storage.hpp"
#include "ratios.hpp"
#include "stela/matrix.hpp"
#include "stela/random.hpp"
#include "stela/status.hpp"

namespace stela {
// GoogleTest prints a Status by name (found by argument-dependent lookup).
inline void PrintTo(Status status, std::ostream* os) { *os << to_string(status); }
}  // namespace stela

namespace stela::test {

using Scalars = ::testing::Types<float, double>;

// Typed tests print "float" / "double" instead of an index.
struct ScalarName {
  template <class T>
  static std::string GetName(int) {
    return type_name<T>();
  }
};

// An m x n matrix of independent standard normal entries from a fixed seed.
template <class T>
Matrix<T> random_matrix(index m, index n, std::uint64_t seed) {
  Rng rng(seed);
  Matrix<T> A(m, n);
  fill_gaussian(rng, A.view());
  return A;
}

// max |a_ij - b_ij| in long double; a failed expectation and +inf when the shapes differ.
template <class T>
double max_abs_diff(MatrixView<const T> A, MatrixView<const T> B) {
  EXPECT_EQ(A.rows(), B.rows());
  EXPECT_EQ(A.cols(), B.cols());
  if (A.rows() != B.rows() || A.cols() != B.cols()) return std::numeric_limits<double>::infinity();
  Long d = 0;
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      d = std::max(d, std::fabs(static_cast<Long>(A(i, j)) - static_cast<Long>(B(i, j))));
  return static_cast<double>(d);
}

// Names a case for SCOPED_TRACE and failure messages: "double geometric_kappa1e8 50x10 seed 7".
template <class T>
std::string case_name(const std::string& matrix, index m, index n, std::uint64_t seed) {
  return std::string(type_name<T>()) + " " + matrix + " " + std::to_string(m) + "x" + std::to_string(n) + " seed " +
         std::to_string(seed);
}

// ---------------------------------------------------------------------------------------
// Recording ratios

// Largest and mean value of every named check, printed by print().
class RatioLog {
 public:
  void record(const std::string& check, double value);
  void print(const char* type) const;

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

}  // namespace stela::test
