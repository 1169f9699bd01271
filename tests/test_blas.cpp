// Kernels against plain reference loops in long double, over every transpose / side /
// uplo / diag combination, shapes on both sides of the gemm block sizes, and views with
// padded leading dimension whose padding is NaN.
//
// Accuracy bound for a product entry: |error| <= k eps |op(A)| |op(B)| (Higham 3.5),
// so errors are divided by k eps max|A| max|B| and compared with the threshold 30.
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "../src/blas/isa_dispatch.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class Blas : public ::testing::Test {};
TYPED_TEST_SUITE(Blas, Scalars, ScalarName);

// ---------------------------------------------------------------------------------------
// Level 1

TYPED_TEST(Blas, Nrm2NeitherOverflowsNorUnderflows) {
  using T = TypeParam;
  for (T scale : {T(1), std::numeric_limits<T>::max() / 16, std::numeric_limits<T>::min() * 4,
                  std::numeric_limits<T>::denorm_min() * 8, T(1e-5), T(1e5)}) {
    for (index n : {1, 2, 3, 7, 100}) {
      Vector<T> x(n, scale);
      // ||(s, s, ..., s)|| = s sqrt(n); computed as s * sqrt(n) it is exact to an ulp.
      const T expected = scale * std::sqrt(static_cast<T>(n));
      const T got = nrm2(VectorView<const T>(x));
      EXPECT_LE(std::abs(got - expected), 4 * n * eps<T>() * expected) << "scale " << scale << " n " << n;
    }
  }
  // Mixed magnitudes: a huge and a tiny entry, and entries in all three ranges at once.
  Vector<T> mixed{std::numeric_limits<T>::max() / 8, T(1), std::numeric_limits<T>::min()};
  EXPECT_NEAR(nrm2(VectorView<const T>(mixed)) / (std::numeric_limits<T>::max() / 8), T(1), 4 * eps<T>());
  Vector<T> small_and_medium{std::numeric_limits<T>::min(), T(3), T(4)};
  EXPECT_NEAR(nrm2(VectorView<const T>(small_and_medium)), T(5), 4 * eps<T>() * 5);
  Vector<T> tiny_pair{T(3) * std::numeric_limits<T>::min(), T(4) * std::numeric_limits<T>::min()};
  EXPECT_NEAR(nrm2(VectorView<const T>(tiny_pair)) / std::numeric_limits<T>::min(), T(5), 20 * eps<T>());
}

// nrm2 takes the plain sum of squares for contiguous vectors when that cannot have lost
// anything to overflow or underflow, and Blue's accumulators otherwise. Across the whole
// exponent range (Gaussian entries times 2^k, and one entry 2^k among n - 1 entries whose
// squares underflow), both paths and the boundary between them: against the norm
// computed in a wider type from the same entries, within 2 n eps (and the rounding of a
// subnormal result).
TYPED_TEST(Blas, Nrm2IsAccurateAcrossTheExponentRange) {
  using T = TypeParam;
  using Wide = std::conditional_t<std::is_same_v<T, float>, double, long double>;
  if (std::numeric_limits<Wide>::digits <= std::numeric_limits<T>::digits ||
      std::numeric_limits<Wide>::max_exponent <= std::numeric_limits<T>::max_exponent)
    GTEST_SKIP() << "no wider type for the reference";
  auto reference = [](const Vector<T>& x) {
    Wide sum = 0;
    for (index i = 0; i < x.size(); ++i) sum += static_cast<Wide>(x[i]) * static_cast<Wide>(x[i]);
    return std::sqrt(sum);
  };
  Rng rng(7200);
  int checked = 0;
  const int lowest = std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits;
  for (index n : {1, 2, 9, 100, 1000})
    for (int k = lowest + 4; k < std::numeric_limits<T>::max_exponent - 12; k += 3) {
      Vector<T> x(n), y(n);
      for (index i = 0; i < n; ++i) {
        x[i] = std::ldexp(static_cast<T>(rng.gaussian()), k);
        // y: 2^k at one place, the rest 2^(lowest + 2) (their squares underflow to 0)
        y[i] = i == n / 2 ? std::ldexp(T(1), k) : std::ldexp(T(1), lowest + 2);
      }
      for (const Vector<T>* v : {&x, &y}) {
        const Wide want = reference(*v);
        const Wide got = static_cast<Wide>(nrm2(VectorView<const T>(*v)));
        // (+ half the smallest subnormal: a norm below the normal range rounds absolutely)
        const Wide tol =
            2 * n * static_cast<Wide>(eps<T>()) * want + static_cast<Wide>(std::numeric_limits<T>::denorm_min()) / 2;
        EXPECT_LE(std::abs(got - want), tol) << "n " << n << " 2^" << k;
        ++checked;
      }
    }
  EXPECT_GT(checked, 800);
}

// scale_by_power_of_two rounds each entry once, subnormal results included, for shifts
// beyond the normal factors (entry by entry): against x 2^e formed exactly in a wider
// type and rounded once by the conversion (double for float; for double, long double
// where it is wider). On Cortex-M, newlib's ldexpf rounded -1.06e-7 * 2^-126 to -0
// instead of -2^-149, which stela's own rounding now avoids.
TYPED_TEST(Blas, ScaleByPowerOfTwoRoundsSubnormalResultsOnce) {
  using T = TypeParam;
  using Wide = std::conditional_t<std::is_same_v<T, float>, double, long double>;
  if (sizeof(Wide) == sizeof(T) || std::numeric_limits<Wide>::digits <= std::numeric_limits<T>::digits)
    GTEST_SKIP() << "no wider type for the reference";
  const int lowest = std::numeric_limits<T>::min_exponent - std::numeric_limits<T>::digits;
  Rng rng(7100);
  int checked = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    Vector<T> x(3);
    for (index i = 0; i < 3; ++i) x[i] = static_cast<T>(rng.gaussian()) * static_cast<T>(1 + trial % 7);
    // e beyond the normal factors, landing the results around the subnormal range.
    const int e = lowest - 2 + trial % (std::numeric_limits<T>::digits + 6) - (trial % 3 == 0 ? 0 : 3);
    Vector<T> y = x;
    scale_by_power_of_two(e, y.view());
    for (index i = 0; i < 3; ++i) {
      const T expected = static_cast<T>(std::ldexp(static_cast<Wide>(x[i]), e));
      EXPECT_TRUE(y[i] == expected && std::signbit(y[i]) == std::signbit(expected))
          << x[i] << " 2^" << e << ": " << y[i] << " expected " << expected;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6000);
}

TYPED_TEST(Blas, Nrm2PropagatesNanAndInf) {
  using T = TypeParam;
  Vector<T> with_nan{T(1), nan<T>(), T(2)};
  EXPECT_TRUE(std::isnan(nrm2(VectorView<const T>(with_nan))));
  Vector<T> with_inf{T(1), std::numeric_limits<T>::infinity()};
  EXPECT_TRUE(std::isinf(nrm2(VectorView<const T>(with_inf))));
  EXPECT_EQ(nrm2(VectorView<const T>(Vector<T>())), T(0));
}

TYPED_TEST(Blas, Level1OnStridedViews) {
  using T = TypeParam;
  Matrix<T> A = random_matrix<T>(5, 7, 11);
  // Row 2 has stride 5; compare with the same numbers copied to a contiguous vector.
  Vector<T> r(A.row(2));
  Vector<T> c(A.col(3).segment(0, 5));
  Vector<T> r5(r.segment(0, 5));
  long double ref = 0;
  for (index i = 0; i < 5; ++i) ref += static_cast<long double>(r[i]) * c[i];
  EXPECT_NEAR(dot(A.row(2).segment(0, 5), A.col(3)), static_cast<T>(ref), 10 * eps<T>() * 5 * 5);
  EXPECT_EQ(asum(A.row(2)), asum(VectorView<const T>(r)));
  EXPECT_EQ(iamax(A.row(2)), iamax(VectorView<const T>(r)));
  // axpy into a strided row leaves the rest of the matrix alone.
  Matrix<T> B = A;
  axpy(T(2), VectorView<const T>(c), B.row(1).segment(0, 5));
  for (index j = 0; j < 7; ++j)
    for (index i = 0; i < 5; ++i) {
      const T expected = (i == 1 && j < 5) ? A(i, j) + T(2) * c[j] : A(i, j);
      EXPECT_EQ(B(i, j), expected) << i << "," << j;
    }
  // swap and scal.
  Matrix<T> C = A;
  swap(C.row(0), C.row(4));
  scal(T(0), C.col(6));
  for (index j = 0; j < 7; ++j) {
    EXPECT_EQ(C(0, j), j == 6 ? T(0) : A(4, j));
    EXPECT_EQ(C(4, j), j == 6 ? T(0) : A(0, j));
  }
}

TYPED_TEST(Blas, IamaxPicksFirstLargestAndNan) {
  using T = TypeParam;
  Vector<T> x{T(1), T(-5), T(5), T(2)};
  EXPECT_EQ(iamax(VectorView<const T>(x)), 1);
  Vector<T> y{T(1), nan<T>(), T(9)};
  EXPECT_EQ(iamax(VectorView<const T>(y)), 1);
  EXPECT_EQ(iamax(VectorView<const T>(Vector<T>())), -1);
}

TYPED_TEST(Blas, GivensAnnihilatesAtEveryScale) {
  using T = TypeParam;
  const T big = std::numeric_limits<T>::max() / 2, tiny = std::numeric_limits<T>::min();
  // Normal numbers only: a subnormal r cannot carry a relative accuracy.
  const T values[] = {T(0), T(1), T(-3), T(4), big, -big, tiny, -tiny, T(1e-3), T(-7e3)};
  for (T f : values)
    for (T g : values) {
      const Givens<T> G = givens(f, g);
      // c >= 0, c^2 + s^2 = 1.
      EXPECT_GE(G.c, T(0));
      EXPECT_NEAR(G.c * G.c + G.s * G.s, T(1), 4 * eps<T>()) << f << " " << g;
      // [c s; -s c] [f; g] = [r; 0], compared relative to |r| in long double.
      const long double lf = f, lg = g;
      const long double r = static_cast<long double>(G.c) * lf + static_cast<long double>(G.s) * lg;
      const long double zero = -static_cast<long double>(G.s) * lf + static_cast<long double>(G.c) * lg;
      const long double scale = std::max(std::fabs(lf), std::fabs(lg));
      if (scale == 0) {
        EXPECT_EQ(G.r, T(0));
        continue;
      }
      EXPECT_LE(std::fabs(zero) / scale, 8 * eps<T>()) << f << " " << g;
      EXPECT_LE(std::fabs(r - static_cast<long double>(G.r)) / scale, 8 * eps<T>()) << f << " " << g;
      // r has the sign of f (g alone when f = 0 gives r = |g|).
      if (f != T(0)) {
        EXPECT_EQ(std::signbit(G.r), std::signbit(f));
      }
    }
  // Subnormal inputs still give a finite rotation with c^2 + s^2 = 1.
  const T d = std::numeric_limits<T>::denorm_min();
  const Givens<T> G = givens(d, -d);
  EXPECT_TRUE(std::isfinite(G.c) && std::isfinite(G.s) && std::isfinite(G.r));
  EXPECT_NEAR(G.c * G.c + G.s * G.s, T(1), 4 * eps<T>());
}

TYPED_TEST(Blas, RotAppliesTheRotation) {
  using T = TypeParam;
  Matrix<T> A = random_matrix<T>(2, 9, 3);
  Matrix<T> B = A;
  const Givens<T> G = givens(A(0, 0), A(1, 0));
  rot(B.row(0), B.row(1), G.c, G.s);
  EXPECT_LE(std::abs(B(1, 0)), 4 * eps<T>() * std::abs(G.r));
  for (index j = 0; j < 9; ++j) {
    EXPECT_NEAR(B(0, j), G.c * A(0, j) + G.s * A(1, j), 4 * eps<T>() * 4);
    EXPECT_NEAR(B(1, j), G.c * A(1, j) - G.s * A(0, j), 4 * eps<T>() * 4);
  }
  // Unit stride (two columns; its own code path).
  Matrix<T> C = transpose<T>(A);
  rot(C.col(0), C.col(1), G.c, G.s);
  for (index j = 0; j < 9; ++j) {
    EXPECT_NEAR(C(j, 0), G.c * A(0, j) + G.s * A(1, j), 4 * eps<T>() * 4);
    EXPECT_NEAR(C(j, 1), G.c * A(1, j) - G.s * A(0, j), 4 * eps<T>() * 4);
  }
}

// ---------------------------------------------------------------------------------------
// Level 2

// Contiguous vectors take the four-column passes (n = 4, 8 with no remainder, 5, 7, 9,
// 33 with one), and their AVX2 copies from 16 rows on; strided ones the plain loops.
TYPED_TEST(Blas, GemvMatchesReferenceForBothOps) {
  using T = TypeParam;
  for (Op trans : {Op::none, Op::transpose})
    for (index m : {0, 1, 3, 17, 64})
      for (index n : {0, 1, 4, 5, 7, 8, 9, 33}) {
        SCOPED_TRACE(testing::Message() << type_name<T>() << " gemv " << op_name(trans) << " " << m << "x" << n
                                        << " seed " << 100 + m * 7 + n);
        Matrix<T> A0 = random_matrix<T>(m, n, 100 + m * 7 + n);
        Padded<T> A = Padded<T>::from(A0);
        const index xs = trans == Op::none ? n : m, ys = trans == Op::none ? m : n;
        Matrix<T> x = random_matrix<T>(xs, 1, 5), y = random_matrix<T>(ys, 1, 6);
        Matrix<T> expected = reference_gemm(trans, Op::none, T(1.5), MatrixView<const T>(A.view()), x, T(-0.5), y);
        // The same vectors along rows (stride 2), before y is overwritten.
        Matrix<T> xr(2, xs, nan<T>()), yr(2, ys, nan<T>());
        copy(VectorView<const T>(x.col(0)), xr.row(1));
        copy(VectorView<const T>(y.col(0)), yr.row(1));
        ASSERT_EQ(gemv(trans, T(1.5), A.view(), x.col(0), T(-0.5), y.col(0)), Status::ok);
        EXPECT_LE(max_abs_diff(y, expected), kThreshold * (m + n + 1) * eps<T>() * 4);
        EXPECT_TRUE(A.padding_untouched());
        ASSERT_EQ(gemv(trans, T(1.5), A.view(), VectorView<const T>(xr.row(1)), T(-0.5), yr.row(1)), Status::ok);
        EXPECT_LE(max_abs_diff(MatrixView<const T>(transpose<T>(yr.block(1, 0, 1, ys))), expected),
                  kThreshold * (m + n + 1) * eps<T>() * 4);
        for (index i = 0; i < ys; ++i) EXPECT_TRUE(std::isnan(yr(0, i)));
      }
}

TYPED_TEST(Blas, GemvBetaZeroIgnoresNanInOutput) {
  using T = TypeParam;
  Matrix<T> A = random_matrix<T>(4, 3, 1);
  Vector<T> x{T(1), T(2), T(3)};
  Vector<T> y(4, nan<T>());
  ASSERT_EQ(gemv(Op::none, T(1), A, x, T(0), y.view()), Status::ok);
  EXPECT_TRUE(all_finite(VectorView<const T>(y)));
}

TYPED_TEST(Blas, Level2RejectsMismatchedShapes) {
  using T = TypeParam;
  Matrix<T> A(3, 4);
  Vector<T> x(3), y(3);
  const Vector<T> y_before = y;
  EXPECT_EQ(gemv(Op::none, T(1), A, x, T(0), y.view()), Status::dimension_mismatch);
  EXPECT_EQ(ger(T(1), x, VectorView<const T>(y), A.view()), Status::dimension_mismatch);
  EXPECT_EQ(trsv(Uplo::lower, Op::none, Diag::non_unit, A, x.view()), Status::dimension_mismatch);
  for (index i = 0; i < 3; ++i) EXPECT_EQ(y[i], y_before[i]);
}

TYPED_TEST(Blas, GerMatchesReference) {
  using T = TypeParam;
  Matrix<T> x = random_matrix<T>(7, 1, 1), y = random_matrix<T>(5, 1, 2), A = random_matrix<T>(7, 5, 3);
  Matrix<T> expected = reference_gemm(Op::none, Op::transpose, T(2), x, y, T(1), A);
  Padded<T> P = Padded<T>::from(A);
  ASSERT_EQ(ger(T(2), x.col(0), y.col(0), P.view()), Status::ok);
  EXPECT_LE(max_abs_diff(MatrixView<const T>(P.view()), expected), 8 * eps<T>() * 16);
  EXPECT_TRUE(P.padding_untouched());
}

// A triangular matrix with a strong diagonal (well conditioned), the other triangle NaN
// so that reading it is caught.
template <class T>
Matrix<T> triangular(index n, Uplo uplo, std::uint64_t seed) {
  Matrix<T> A = random_matrix<T>(n, n, seed);
  for (index j = 0; j < n; ++j) {
    for (index i = 0; i < n; ++i) {
      const bool outside = uplo == Uplo::lower ? i < j : i > j;
      if (outside) A(i, j) = nan<T>();
      else A(i, j) /= static_cast<T>(n);
    }
    A(j, j) = T(2) + std::abs(A(j, j));
  }
  return A;
}

// The dense version of op(A) with the unused triangle zero and, for unit diag, ones.
template <class T>
Matrix<T> dense_triangle(MatrixView<const T> A, Uplo uplo, Diag diag) {
  const index n = A.rows();
  Matrix<T> D(n, n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < n; ++i) {
      const bool inside = uplo == Uplo::lower ? i >= j : i <= j;
      if (i == j) D(i, j) = diag == Diag::unit ? T(1) : A(i, j);
      else if (inside) D(i, j) = A(i, j);
    }
  return D;
}

TYPED_TEST(Blas, TrsvAndTrmvInvertEachOther) {
  using T = TypeParam;
  for (Uplo uplo : {Uplo::lower, Uplo::upper})
    for (Op trans : {Op::none, Op::transpose})
      for (Diag diag : {Diag::non_unit, Diag::unit})
        for (index n : {0, 1, 2, 5, 40}) {
          SCOPED_TRACE(testing::Message() << type_name<T>() << " n " << n << " uplo " << int(uplo) << " trans "
                                          << op_name(trans) << " diag " << int(diag) << " seed " << 40 + n);
          Matrix<T> A = triangular<T>(n, uplo, 40 + n);
          Matrix<T> D = dense_triangle<T>(A, uplo, diag);
          Matrix<T> b = random_matrix<T>(n, 1, 9);
          // trmv against the dense reference
          Matrix<T> x = b;
          ASSERT_EQ(trmv(uplo, trans, diag, A, x.col(0)), Status::ok);
          Matrix<T> expected = reference_gemm(trans, Op::none, T(1), D, b, T(0), b);
          EXPECT_LE(max_abs_diff(x, expected), kThreshold * (n + 1) * eps<T>() * 4);
          // trsv undoes it: residual ||op(D) z - x|| / (n eps ||D|| ||z||)
          ASSERT_EQ(trsv(uplo, trans, diag, A, x.col(0)), Status::ok);
          EXPECT_LE(max_abs_diff(x, b), kThreshold * (n + 1) * eps<T>() * 4);
        }
}

// ---------------------------------------------------------------------------------------
// Level 3

TYPED_TEST(Blas, GemmMatchesReferenceForAllTransposes) {
  using T = TypeParam;
  // Sizes on both sides of the blocking constants (kMr 8, kNr 4, kKc 128, kMc 256).
  const index sizes[][3] = {{0, 0, 0}, {1, 1, 1}, {0, 3, 2}, {3, 0, 2}, {3, 2, 0}, {2, 3, 5},
                            {9, 5, 7}, {8, 4, 128}, {17, 13, 129}, {33, 31, 3}, {257, 9, 130},
                            {12, 515, 20}};
  for (Op ta : {Op::none, Op::transpose})
    for (Op tb : {Op::none, Op::transpose})
      for (const auto& s : sizes) {
        const index m = s[0], n = s[1], k = s[2];
        SCOPED_TRACE(testing::Message() << type_name<T>() << " gemm " << op_name(ta) << op_name(tb) << " m " << m
                                        << " n " << n << " k " << k << " seeds " << 1 + m << "," << 2 + n << "," << 3 + k);
        Matrix<T> A0 = ta == Op::none ? random_matrix<T>(m, k, 1 + m) : random_matrix<T>(k, m, 1 + m);
        Matrix<T> B0 = tb == Op::none ? random_matrix<T>(k, n, 2 + n) : random_matrix<T>(n, k, 2 + n);
        Matrix<T> C0 = random_matrix<T>(m, n, 3 + k);
        Padded<T> A = Padded<T>::from(A0), B = Padded<T>::from(B0), C = Padded<T>::from(C0, 5);
        Matrix<T> expected = reference_gemm(ta, tb, T(0.75), A0, B0, T(-2), C0);
        ASSERT_EQ(gemm(ta, tb, T(0.75), A.view(), B.view(), T(-2), C.view()), Status::ok);
        // |error| <= (k + 2) eps (|alpha| |A||B| + |beta C|), entries of A, B, C below ~5.
        const double bound = kThreshold * (k + 2) * eps<T>() * 4;
        EXPECT_LE(max_abs_diff(MatrixView<const T>(C.view()), expected), bound * std::max<double>(1, std::sqrt(double(k))));
        EXPECT_TRUE(C.padding_untouched());
      }
}

TYPED_TEST(Blas, GemmWithBetaZeroOverwritesNan) {
  using T = TypeParam;
  Matrix<T> A = random_matrix<T>(6, 4, 1), B = random_matrix<T>(4, 5, 2);
  Matrix<T> C(6, 5, nan<T>());
  ASSERT_EQ(gemm(Op::none, Op::none, T(1), A, B, T(0), C.view()), Status::ok);
  EXPECT_TRUE(all_finite(MatrixView<const T>(C)));
  // alpha = 0 and beta = 0 gives exactly zero, also from NaN.
  Matrix<T> D(6, 5, nan<T>());
  ASSERT_EQ(gemm(Op::none, Op::none, T(0), A, B, T(0), D.view()), Status::ok);
  EXPECT_EQ(norm(MatrixView<const T>(D), Norm::max_abs), T(0));
}

TYPED_TEST(Blas, GemmRejectsMismatchedShapes) {
  using T = TypeParam;
  Matrix<T> A(3, 4), B(5, 2), C(3, 2, T(7));
  EXPECT_EQ(gemm(Op::none, Op::none, T(1), A, B, T(0), C.view()), Status::dimension_mismatch);
  EXPECT_EQ(C(0, 0), T(7));
  EXPECT_EQ(gemm(Op::transpose, Op::none, T(1), A, B, T(0), C.view()), Status::dimension_mismatch);
}

// ---------------------------------------------------------------------------------------
// The packed gemm (src/blas/gemm_packed.cpp): every micro-kernel this CPU runs and the
// portable fallback, forced through detail::gemm_with_kernel.

// The kernels to test here: the portable one always, AVX2 + FMA when this CPU runs it,
// and the automatic choice that gemm(..., work) makes.
std::vector<detail::GemmKernel> runnable_gemm_kernels() {
  std::vector<detail::GemmKernel> kernels{detail::GemmKernel::generic};
  if (detail::gemm_kernel_available(detail::GemmKernel::avx2_fma)) kernels.push_back(detail::GemmKernel::avx2_fma);
  kernels.push_back(detail::GemmKernel::automatic);
  return kernels;
}

const char* kernel_name(detail::GemmKernel kernel) {
  switch (kernel) {
    case detail::GemmKernel::automatic:
      return "automatic";
    case detail::GemmKernel::generic:
      return "generic";
    case detail::GemmKernel::avx2_fma:
      return "avx2_fma";
  }
  return "?";
}

// ||C - (alpha op(A) op(B) + beta C0)||_F / (eps (max(k, 1) |alpha| ||A||_F ||B||_F +
// |beta| ||C0||_F)), the reference in long double; beta = 0 ignores C0 (it may be NaN).
// Each entry's error is below k eps (|alpha| |op(A)| |op(B)| + |beta C0|) plus the
// roundings of the scaling (Higham 3.5), so a correct gemm gives a ratio of order 1.
// Zero error against a zero denominator gives 0, any other error infinity; NaN in C
// gives NaN, which fails every comparison.
template <class T>
double gemm_ratio(Op ta, Op tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                  MatrixView<const T> C0, MatrixView<const T> C) {
  const index m = C.rows(), n = C.cols();
  const index k = ta == Op::none ? A.cols() : A.rows();
  long double diff2 = 0, a2 = 0, b2 = 0, c2 = 0;
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < m; ++i) {
      long double s = 0;
      for (index p = 0; p < k; ++p) {
        const long double a = ta == Op::none ? A(i, p) : A(p, i);
        const long double b = tb == Op::none ? B(p, j) : B(j, p);
        s += a * b;
      }
      const long double c = beta == T(0) ? 0.0L : static_cast<long double>(beta) * C0(i, j);
      const long double d = static_cast<long double>(C(i, j)) - (static_cast<long double>(alpha) * s + c);
      diff2 += d * d;
      if (beta != T(0)) c2 += static_cast<long double>(C0(i, j)) * C0(i, j);
    }
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) a2 += static_cast<long double>(A(i, j)) * A(i, j);
  for (index j = 0; j < B.cols(); ++j)
    for (index i = 0; i < B.rows(); ++i) b2 += static_cast<long double>(B(i, j)) * B(i, j);
  const long double denominator =
      eps<T>() * (std::max<index>(k, 1) * std::fabs(static_cast<long double>(alpha)) * std::sqrt(a2) * std::sqrt(b2) +
                  std::fabs(static_cast<long double>(beta)) * std::sqrt(c2));
  if (denominator == 0) return diff2 == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return static_cast<double>(std::sqrt(diff2) / denominator);
}

// One packed product on padded (strided) views with NaN padding and a NaN-filled
// workspace of exactly gemm_workspace_size: the ratio against the reference, and that
// the padding of C is untouched. beta = 0 starts from a C that is all NaN.
template <class T>
void check_packed_gemm(detail::GemmKernel kernel, Op ta, Op tb, index m, index n, index k, T alpha, T beta,
                       std::uint64_t seed) {
  SCOPED_TRACE(testing::Message() << type_name<T>() << " packed gemm " << kernel_name(kernel) << " " << op_name(ta)
                                  << op_name(tb) << " m " << m << " n " << n << " k " << k << " alpha " << alpha
                                  << " beta " << beta << " seed " << seed);
  const Matrix<T> A0 = ta == Op::none ? random_matrix<T>(m, k, seed) : random_matrix<T>(k, m, seed);
  const Matrix<T> B0 = tb == Op::none ? random_matrix<T>(k, n, seed + 1) : random_matrix<T>(n, k, seed + 1);
  const Matrix<T> C0 = beta == T(0) ? Matrix<T>(m, n, nan<T>()) : random_matrix<T>(m, n, seed + 2);
  Padded<T> A = Padded<T>::from(A0), B = Padded<T>::from(B0, 2), C = Padded<T>::from(C0, 5);
  NanWorkspace work(gemm_workspace_size<T>(m, n, k));
  ASSERT_EQ(detail::gemm_with_kernel(kernel, ta, tb, alpha, MatrixView<const T>(A.view()),
                                     MatrixView<const T>(B.view()), beta, C.view(), work.workspace()),
            Status::ok);
  EXPECT_LE(gemm_ratio(ta, tb, alpha, MatrixView<const T>(A0), MatrixView<const T>(B0), beta, MatrixView<const T>(C0),
                       MatrixView<const T>(C.view())),
            kThreshold);
  EXPECT_TRUE(C.padding_untouched());
}

TYPED_TEST(Blas, GemmSelectsTheWidestKernelTheCpuRuns) {
  const detail::GemmKernel selected = detail::gemm_kernel_selected();
  EXPECT_NE(selected, detail::GemmKernel::automatic);
  EXPECT_TRUE(detail::gemm_kernel_available(selected));
  EXPECT_TRUE(detail::gemm_kernel_available(detail::GemmKernel::generic));
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  // On x86-64 the AVX2 kernel must be chosen, and so tested, wherever the CPU has it,
  // unless the run asked for the portable code (STELA_KERNELS=generic: the suite's
  // second pass, which tests that code).
  __builtin_cpu_init();
  const char* choice = std::getenv("STELA_KERNELS");
  const bool generic_asked = choice != nullptr && std::string(choice) == "generic";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    EXPECT_EQ(selected, generic_asked ? detail::GemmKernel::generic : detail::GemmKernel::avx2_fma);
    EXPECT_EQ(detail::use_avx2_fma(), !generic_asked);
  }
#endif
}

TYPED_TEST(Blas, GemmPackedMatchesReferenceAtEdgeSizes) {
  using T = TypeParam;
  // Each of m, n, k on its own over sizes around the register tiles (4, 6, 8, 16) and
  // 64, the others odd; then every combination of a few small sizes.
  const index edges[] = {1, 2, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65};
  std::vector<std::array<index, 3>> shapes;
  for (index e : edges) {
    shapes.push_back({e, 13, 11});
    shapes.push_back({13, e, 11});
    shapes.push_back({13, 11, e});
  }
  for (index m : {1, 8, 9, 17})
    for (index n : {1, 6, 7, 13})
      for (index k : {1, 7, 8, 9}) shapes.push_back({m, n, k});
  for (detail::GemmKernel kernel : runnable_gemm_kernels())
    for (Op ta : {Op::none, Op::transpose})
      for (Op tb : {Op::none, Op::transpose})
        for (const auto& s : shapes)
          check_packed_gemm<T>(kernel, ta, tb, s[0], s[1], s[2], T(0.75), T(-2), 100 + s[0] + 7 * s[1] + 31 * s[2]);
}

TYPED_TEST(Blas, GemmPackedCrossesEveryBlockBoundary) {
  using T = TypeParam;
  // The blocks of both kernels (gemm_microkernel_generic.cpp: mc 128, kc 256, nc 2048;
  // gemm_microkernel_avx2.cpp: mc 144, kc 256 double / 512 float, nc 4080), each one
  // less, equal and one more, one dimension at a time; then all three past their first
  // block at once.
  std::vector<std::array<index, 3>> shapes;
  for (index m : {127, 128, 129, 143, 144, 145}) shapes.push_back({m, 7, 9});
  for (index k : {255, 256, 257, 511, 512, 513}) shapes.push_back({9, 7, k});
  for (index n : {2047, 2048, 2049, 4079, 4080, 4081}) shapes.push_back({3, n, 5});
  shapes.push_back({145, 61, 257});
  shapes.push_back({129, 13, 513});
  for (detail::GemmKernel kernel : runnable_gemm_kernels())
    for (Op ta : {Op::none, Op::transpose})
      for (Op tb : {Op::none, Op::transpose})
        for (const auto& s : shapes)
          check_packed_gemm<T>(kernel, ta, tb, s[0], s[1], s[2], T(-1.5), T(0.5), 200 + s[0] + s[1] + s[2]);
}

TYPED_TEST(Blas, GemmPackedAppliesAlphaAndBeta) {
  using T = TypeParam;
  // beta = 0 starts from a C full of NaN, which must not leak; alpha = 0 reads neither
  // A nor B. The shapes cross a k block, so that beta is applied in the first k slice
  // only, and have edge tiles in both directions.
  for (detail::GemmKernel kernel : runnable_gemm_kernels())
    for (Op ta : {Op::none, Op::transpose})
      for (Op tb : {Op::none, Op::transpose})
        for (T alpha : {T(1), T(-0.75), T(0)})
          for (T beta : {T(0), T(1), T(-2)}) {
            check_packed_gemm<T>(kernel, ta, tb, 19, 14, 300, alpha, beta, 300);
            check_packed_gemm<T>(kernel, ta, tb, 1, 1, 1, alpha, beta, 301);
          }
}

TYPED_TEST(Blas, GemmWithShortWorkspaceFallsBackToTheUnpackedForm) {
  using T = TypeParam;
  const index m = 37, n = 29, k = 270;
  const Matrix<T> A0 = random_matrix<T>(m, k, 400), B0 = random_matrix<T>(n, k, 401);
  const WorkspaceSize size = gemm_workspace_size<T>(m, n, k);
  EXPECT_TRUE(size.bytes() > 0);
  EXPECT_EQ(size.minimum_bytes(), 0u);
  for (int which = 0; which < 3; ++which) {
    SCOPED_TRACE(testing::Message() << type_name<T>()
                                    << (which == 0 ? " no workspace" : which == 1 ? " one byte short" : " exact"));
    Matrix<T> C(m, n, nan<T>());
    // One byte short of the optimal size (the minimum is zero, so short_of(size) would be empty).
    NanWorkspace work = which == 1 ? NanWorkspace::short_of(WorkspaceSize::range(size, size))
                                   : NanWorkspace(which == 0 ? WorkspaceSize() : size);
    ASSERT_EQ(gemm(Op::none, Op::transpose, T(2), MatrixView<const T>(A0), MatrixView<const T>(B0), T(0), C.view(),
                   work.workspace()),
              Status::ok);
    EXPECT_LE(gemm_ratio(Op::none, Op::transpose, T(2), MatrixView<const T>(A0), MatrixView<const T>(B0), T(0),
                         MatrixView<const T>(C), MatrixView<const T>(C)),
              kThreshold);
  }
  // Empty shapes need no workspace; k = 0 gives C := beta C.
  EXPECT_EQ(gemm_workspace_size<T>(0, 5, 5).bytes(), 0u);
  EXPECT_EQ(gemm_workspace_size<T>(5, 5, 0).bytes(), 0u);
  Matrix<T> C(3, 2, T(4));
  ASSERT_EQ(gemm(Op::none, Op::none, T(1), MatrixView<const T>(Matrix<T>(3, 0)), MatrixView<const T>(Matrix<T>(0, 2)),
                 T(0.5), C.view(), Workspace()),
            Status::ok);
  EXPECT_EQ(C(2, 1), T(2));
}

TYPED_TEST(Blas, GemmPackedRejectsMismatchedShapesAndUnavailableKernels) {
  using T = TypeParam;
  Matrix<T> A(3, 4), B(5, 2), C(3, 2, T(7));
  WorkspaceBuffer buffer(gemm_workspace_size<T>(3, 2, 5));
  EXPECT_EQ(gemm(Op::none, Op::none, T(1), A, B, T(0), C.view(), buffer.workspace()), Status::dimension_mismatch);
  EXPECT_EQ(C(0, 0), T(7));
  if (!detail::gemm_kernel_available(detail::GemmKernel::avx2_fma)) {
    Matrix<T> B2(4, 2);
    EXPECT_EQ(detail::gemm_with_kernel(detail::GemmKernel::avx2_fma, Op::none, Op::none, T(1), MatrixView<const T>(A),
                                       MatrixView<const T>(B2), T(0), C.view(), buffer.workspace()),
              Status::invalid_argument);
    EXPECT_EQ(C(0, 0), T(7));
  }
}

TYPED_TEST(Blas, SyrkMatchesReferenceOnItsTriangleOnly) {
  using T = TypeParam;
  for (Uplo uplo : {Uplo::lower, Uplo::upper})
    for (Op trans : {Op::none, Op::transpose})
      for (index n : {0, 1, 5, 16, 17, 40})
        for (index k : {0, 3, 37}) {
          SCOPED_TRACE(testing::Message() << type_name<T>() << " syrk n " << n << " k " << k << " seed " << 7 + n);
          Matrix<T> A = trans == Op::none ? random_matrix<T>(n, k, 7 + n) : random_matrix<T>(k, n, 7 + n);
          Matrix<T> C0 = random_matrix<T>(n, n, 8);
          Padded<T> C = Padded<T>::from(C0);
          // Poison the triangle that must not be touched.
          for (index j = 0; j < n; ++j)
            for (index i = 0; i < n; ++i)
              if (uplo == Uplo::lower ? i < j : i > j) C.view()(i, j) = nan<T>();
          Matrix<T> expected = reference_gemm(trans, trans == Op::none ? Op::transpose : Op::none, T(1.25), A, A,
                                              T(0.5), C0);
          ASSERT_EQ(syrk(uplo, trans, T(1.25), A, T(0.5), C.view()), Status::ok);
          for (index j = 0; j < n; ++j)
            for (index i = 0; i < n; ++i) {
              const T got = C.view()(i, j);
              if (uplo == Uplo::lower ? i < j : i > j) {
                EXPECT_TRUE(std::isnan(got)) << i << "," << j;
              } else {
                EXPECT_LE(std::abs(got - expected(i, j)), kThreshold * (k + 2) * eps<T>() * 8) << i << "," << j;
              }
            }
        }
}

// beta = 0 overwrites: C is not read, so NaN in it does not leak (both loop forms of
// the diagonal blocks: dot products for op(A) = A^T, column sums for op(A) = A).
TYPED_TEST(Blas, SyrkWithBetaZeroDoesNotReadC) {
  using T = TypeParam;
  for (Uplo uplo : {Uplo::lower, Uplo::upper})
    for (Op trans : {Op::none, Op::transpose})
      for (index n : {1, 16, 40}) {
        SCOPED_TRACE(testing::Message() << type_name<T>() << " syrk beta 0 n " << n);
        const index k = 9;
        Matrix<T> A = trans == Op::none ? random_matrix<T>(n, k, 3) : random_matrix<T>(k, n, 3);
        Matrix<T> C(n, n, nan<T>());
        ASSERT_EQ(syrk(uplo, trans, T(2), A, T(0), C.view()), Status::ok);
        const Matrix<T> expected =
            reference_gemm(trans, trans == Op::none ? Op::transpose : Op::none, T(2), A, A, T(0), C);
        for (index j = 0; j < n; ++j)
          for (index i = 0; i < n; ++i)
            if (uplo == Uplo::lower ? i >= j : i <= j) {
              EXPECT_LE(std::abs(C(i, j) - expected(i, j)), kThreshold * k * eps<T>() * 8) << i << "," << j;
            }
      }
}

TYPED_TEST(Blas, TrsmAndTrmmForEverySideUploTransDiag) {
  using T = TypeParam;
  for (Side side : {Side::left, Side::right})
    for (Uplo uplo : {Uplo::lower, Uplo::upper})
      for (Op trans : {Op::none, Op::transpose})
        for (Diag diag : {Diag::non_unit, Diag::unit})
          for (index n : {0, 1, 3, 16, 17, 45})
            for (index other : {0, 1, 6}) {
              const index m = side == Side::left ? n : other, cols = side == Side::left ? other : n;
              SCOPED_TRACE(testing::Message() << type_name<T>() << " side " << int(side) << " uplo " << int(uplo)
                                              << " trans " << op_name(trans) << " diag " << int(diag) << " n " << n
                                              << " B " << m << "x" << cols << " seeds " << 70 + n << "," << 80 + other);
              Matrix<T> A = triangular<T>(n, uplo, 70 + n);
              Matrix<T> D = dense_triangle<T>(A, uplo, diag);
              Matrix<T> B0 = random_matrix<T>(m, cols, 80 + other);
              Padded<T> B = Padded<T>::from(B0);
              // trmm: B := alpha op(A) B or alpha B op(A)
              const T alpha = T(-1.5);
              Matrix<T> expected = side == Side::left ? reference_gemm(trans, Op::none, alpha, D, B0, T(0), B0)
                                                      : reference_gemm(Op::none, trans, alpha, B0, D, T(0), B0);
              ASSERT_EQ(trmm(side, uplo, trans, diag, alpha, A, B.view()), Status::ok);
              EXPECT_LE(max_abs_diff(MatrixView<const T>(B.view()), expected), kThreshold * (n + 1) * eps<T>() * 8);
              // trsm with 1/alpha undoes it.
              ASSERT_EQ(trsm(side, uplo, trans, diag, T(1) / alpha, A, B.view()), Status::ok);
              EXPECT_LE(max_abs_diff(MatrixView<const T>(B.view()), B0), kThreshold * (n + 1) * eps<T>() * 8);
              EXPECT_TRUE(B.padding_untouched());
            }
}

TYPED_TEST(Blas, TrsmSolvesWithResidualRatio) {
  using T = TypeParam;
  // The backward-error view: ||op(A) X - B|| / (n eps ||A|| ||X||) below 30.
  for (Uplo uplo : {Uplo::lower, Uplo::upper})
    for (Op trans : {Op::none, Op::transpose}) {
      const index n = 130, k = 7;
      Matrix<T> A = triangular<T>(n, uplo, 5);
      Matrix<T> D = dense_triangle<T>(A, uplo, Diag::non_unit);
      Matrix<T> B = random_matrix<T>(n, k, 6);
      Matrix<T> X = B;
      ASSERT_EQ(trsm(Side::left, uplo, trans, Diag::non_unit, T(1), A, X.view()), Status::ok);
      Matrix<T> R = reference_gemm(trans, Op::none, T(1), D, X, T(-1), B);
      const double ratio = norm(MatrixView<const T>(R), Norm::one) /
                           (n * eps<T>() * norm(MatrixView<const T>(D), Norm::one) * norm(MatrixView<const T>(X), Norm::one));
      EXPECT_LT(ratio, kThreshold) << type_name<T>();
    }
}

// With their workspace, syrk and trsm run every gemm of their recursion packed; the
// result must be the reference's up to rounding, on sizes around the recursion base (16),
// the micro-tile and the packing blocks, with the workspace prefilled with NaN.
TYPED_TEST(Blas, SyrkAndTrsmWithWorkspaceMatchReference) {
  using T = TypeParam;
  for (Uplo uplo : {Uplo::lower, Uplo::upper})
    for (Op trans : {Op::none, Op::transpose})
      for (index n : {1, 7, 8, 9, 33, 63, 64, 65, 150}) {
        const index k = n == 150 ? 300 : (n % 2 == 0 ? 5 : 70);  // 300 crosses kc (256 in double)
        SCOPED_TRACE(testing::Message() << type_name<T>() << " uplo " << int(uplo) << " trans " << op_name(trans)
                                        << " n " << n << " k " << k << " seed " << 90 + n);
        // syrk: C := 1.25 op(A) op(A)^T + 0.5 C
        Matrix<T> A = trans == Op::none ? random_matrix<T>(n, k, 90 + n) : random_matrix<T>(k, n, 90 + n);
        Matrix<T> C0 = random_matrix<T>(n, n, 91);
        Matrix<T> C = C0;
        Matrix<T> expected =
            reference_gemm(trans, trans == Op::none ? Op::transpose : Op::none, T(1.25), A, A, T(0.5), C0);
        std::vector<T> syrk_buffer(syrk_workspace_size<T>(n, k).bytes() / sizeof(T) + 1, nan<T>());
        const Workspace syrk_work(syrk_buffer.data(), syrk_buffer.size() * sizeof(T));
        ASSERT_EQ(syrk(uplo, trans, T(1.25), A, T(0.5), C.view(), syrk_work), Status::ok);
        for (index j = 0; j < n; ++j)
          for (index i = uplo == Uplo::lower ? j : 0; i < (uplo == Uplo::lower ? n : j + 1); ++i)
            EXPECT_LE(std::abs(C(i, j) - expected(i, j)), kThreshold * (k + 2) * eps<T>() * 8) << i << "," << j;
        // trsm from both sides: op(A) X = B and X op(A) = B, checked through the reference product.
        for (Side side : {Side::left, Side::right}) {
          Matrix<T> L = triangular<T>(n, uplo, 92 + n);
          Matrix<T> D = dense_triangle<T>(L, uplo, Diag::non_unit);
          Matrix<T> B0 = side == Side::left ? random_matrix<T>(n, 40, 93) : random_matrix<T>(40, n, 93);
          Matrix<T> X = B0;
          std::vector<T> buffer(trsm_workspace_size<T>(side, X.rows(), X.cols()).bytes() / sizeof(T) + 1, nan<T>());
          ASSERT_EQ(trsm(side, uplo, trans, Diag::non_unit, T(1), L, X.view(),
                         Workspace(buffer.data(), buffer.size() * sizeof(T))),
                    Status::ok);
          Matrix<T> R = side == Side::left ? reference_gemm(trans, Op::none, T(1), D, X, T(-1), B0)
                                           : reference_gemm(Op::none, trans, T(1), X, D, T(-1), B0);
          const double ratio = norm(MatrixView<const T>(R), Norm::one) /
                               (n * eps<T>() * norm(MatrixView<const T>(D), Norm::one) *
                                norm(MatrixView<const T>(X), Norm::one));
          EXPECT_LT(ratio, kThreshold) << "side " << int(side);
        }
      }
}

// ---------------------------------------------------------------------------------------
// Norms

TYPED_TEST(Blas, MatrixNormsMatchDefinitions) {
  using T = TypeParam;
  Matrix<T> A{{T(1), T(-2), T(3)}, {T(-4), T(5), T(-6)}};
  EXPECT_EQ(norm(MatrixView<const T>(A), Norm::one), T(9));
  EXPECT_EQ(norm(MatrixView<const T>(A), Norm::inf), T(15));
  EXPECT_EQ(norm(MatrixView<const T>(A), Norm::max_abs), T(6));
  EXPECT_NEAR(norm(MatrixView<const T>(A), Norm::frobenius), std::sqrt(T(91)), 4 * eps<T>() * 10);
  EXPECT_EQ(norm(MatrixView<const T>(Matrix<T>(0, 3)), Norm::frobenius), T(0));
}

TYPED_TEST(Blas, FrobeniusNormSurvivesExtremeScaling) {
  using T = TypeParam;
  for (T scale : {std::numeric_limits<T>::max() / 16, std::numeric_limits<T>::min() * 2}) {
    Matrix<T> A(3, 4, scale);
    const T got = norm(MatrixView<const T>(A), Norm::frobenius);
    EXPECT_NEAR(got / scale, std::sqrt(T(12)), 8 * eps<T>() * 4) << scale;
  }
}

// The largest |a_ij| against a plain loop, on columns of every length around the
// four-lane loop and the AVX2 copy's threshold, with entries of both signs across the
// exponent range, signed zeros, subnormals, infinities and a NaN placed at each position
// in turn: equal values, or NaN on both sides.
TYPED_TEST(Blas, MaxAbsNormMatchesAPlainLoop) {
  using T = TypeParam;
  Rng rng(7300);
  const T specials[] = {T(0), -T(0), std::numeric_limits<T>::denorm_min(), -std::numeric_limits<T>::min(),
                        std::numeric_limits<T>::max(), -std::numeric_limits<T>::infinity()};
  for (index m : {1, 3, 4, 5, 15, 16, 17, 33, 64, 65}) {
    for (int trial = 0; trial < 12; ++trial) {
      Matrix<T> A(m, 3);
      for (index j = 0; j < 3; ++j)
        for (index i = 0; i < m; ++i)
          A(i, j) = std::ldexp(static_cast<T>(rng.gaussian()), static_cast<int>(rng.next_u64() % 40) - 20);
      if (trial >= 2) A(static_cast<index>(rng.next_u64() % static_cast<std::uint64_t>(m)), 1) = specials[trial % 6];
      if (trial >= 8) A((trial * 7) % m, 2) = nan<T>();
      T expected = 0;
      bool saw_nan = false;
      for (index j = 0; j < 3; ++j)
        for (index i = 0; i < m; ++i) {
          saw_nan = saw_nan || std::isnan(A(i, j));
          if (std::abs(A(i, j)) > expected) expected = std::abs(A(i, j));
        }
      const T got = norm(MatrixView<const T>(A), Norm::max_abs);
      SCOPED_TRACE(::testing::Message() << "m " << m << " trial " << trial);
      if (saw_nan)
        EXPECT_TRUE(std::isnan(got));
      else
        EXPECT_EQ(got, expected);
    }
  }
}

TYPED_TEST(Blas, NormsPropagateNan) {
  using T = TypeParam;
  Matrix<T> A(3, 3, T(1));
  A(1, 2) = nan<T>();
  for (Norm kind : {Norm::one, Norm::inf, Norm::frobenius, Norm::max_abs})
    EXPECT_TRUE(std::isnan(norm(MatrixView<const T>(A), kind))) << int(kind);
}

}  // namespace
}  // namespace stela::test
