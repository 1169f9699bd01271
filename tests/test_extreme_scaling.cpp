// The same problems at every scale: each reference matrix A and its copies 2^k A, with k
// from the top of the range of T (largest |entry| just below the overflow threshold)
// down into the subnormal range, through every routine whose answer scales with A:
// the Householder reflector, qr, qr_pivoted, cod, svd (both methods), rank, cond, pinv,
// null_space (both methods), range, general_solution, lstsq (every method).
//
// What must hold (issue 13, "Wrong answers with exit 0 ... near overflow"): every
// factorization and solver works on 2^-e A with e the binary exponent of max |a_ij|,
// so 2^k A (an exact copy) gives bit for bit the same scaled problem as A. Hence
//   - rank, permutation, Q, Z, null space, range and cond equal those of A exactly;
//   - R, T = 2^k times A's, pinv and the lstsq solution 2^-k times A's, rounded once
//     (ldexp of the reference), which is also right for subnormal results;
//   - when such a scaled result is beyond the range of T, the status is not_finite,
//     never ok with Inf inside.
// The SVD scales by its own safe range, not to [1/2, 1), so its values are checked by
// LAPACK's scaled ratio (plus half the smallest subnormal, the rounding of a subnormal
// result), its vectors by the reconstruction of A. The pseudoinverse is also checked
// against the true one, computed in long double (whose exponent range holds 2^k A^+
// for every k here), including the overflow decision.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "stela/diagnostics.hpp"
#include "stela/householder.hpp"
#include "stela/lstsq.hpp"
#include "stela/qr.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class ExtremeScaling : public RatioSuite<ExtremeScaling<T>, T> {};
TYPED_TEST_SUITE(ExtremeScaling, Scalars, ScalarName);

// ---------------------------------------------------------------------------------------
// Helpers

// x 2^k rounded once; Inf where beyond the range. Exactly in a wider type (double for
// float, long double for double where it is wider), then one rounding by the
// conversion: the C library's ldexp is not trusted with subnormal results (newlib's
// ldexpf rounded -1.06e-7 * 2^-126 to -0 instead of -2^-149). Where long double is
// double (Arm), double goes through std::ldexp.
template <class T>
T pow2_times(T x, int k) {
  using Wide = std::conditional_t<std::is_same_v<T, float>, double, long double>;
  return static_cast<T>(std::ldexp(static_cast<Wide>(x), k));
}

// X := 2^k X entry by entry, rounded once; Inf where beyond the range.
template <class T>
Matrix<T> times_pow2(MatrixView<const T> X, int k) {
  Matrix<T> out(X.rows(), X.cols());
  for (index j = 0; j < X.cols(); ++j)
    for (index i = 0; i < X.rows(); ++i) out(i, j) = pow2_times(X(i, j), k);
  return out;
}

template <class T>
Vector<T> times_pow2(VectorView<const T> x, int k) {
  Vector<T> out(x.size());
  for (index i = 0; i < x.size(); ++i) out[i] = pow2_times(x[i], k);
  return out;
}

template <class T>
bool has_inf(MatrixView<const T> X) {
  return !all_finite(X);
}

template <class T>
T max_abs(MatrixView<const T> X) {
  return norm(X, Norm::max_abs);
}

// Smallest nonzero |x_ij|.
template <class T>
T min_abs_nonzero(MatrixView<const T> X) {
  T m = std::numeric_limits<T>::infinity();
  for (index j = 0; j < X.cols(); ++j)
    for (index i = 0; i < X.rows(); ++i)
      if (X(i, j) != T(0)) m = std::min(m, std::abs(X(i, j)));
  return m;
}

// The exponents k swept for A: from `bottom` (the smallest k at which 2^k A is still an
// exact copy: every entry normal, or, for matrices of small integers, at least the
// smallest subnormal) to `top` (largest |entry| below the overflow threshold), with the
// edges, the edges of the normal range, and a few ordinary scales.
template <class T>
std::vector<int> exponents(MatrixView<const T> A, bool into_subnormals) {
  using L = std::numeric_limits<T>;
  const int top = L::max_exponent - binary_exponent(max_abs(A));
  const int low_bit = binary_exponent(min_abs_nonzero(A)) - 1;  // 2^low_bit <= min |a| (integers: >= 1)
  const int bottom = into_subnormals ? (L::min_exponent - L::digits) - low_bit : L::min_exponent - low_bit;
  std::vector<int> ks = {bottom,          bottom + 1,        bottom + 3,      L::min_exponent - 1, L::min_exponent + 5,
                         -L::digits,      -1,                0,               1,                   L::digits,
                         top - L::digits, top - 3,           top - 1,         top};
  std::vector<int> out;
  for (int k : ks)
    if (k >= bottom && k <= top) out.push_back(k);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The reference problems: small integers (exact at every scale down to the smallest
// subnormal), full rank tall and wide, and rank deficient; and a Gaussian matrix
// (exact while its entries stay normal).
template <class T>
struct ScaledCase {
  std::string name;
  Matrix<T> A;
  bool integers = true;
  bool full_rank = true;
};

template <class T>
std::vector<ScaledCase<T>> problems() {
  std::vector<ScaledCase<T>> out;
  out.push_back({"integers 5x3", Matrix<T>{{3, 1, -2}, {1, 4, 1}, {-2, 0, 5}, {1, -1, 2}, {0, 2, -1}}, true, true});
  out.push_back({"integers 3x5", Matrix<T>{{2, -1, 0, 3, 1}, {1, 3, -2, 0, 1}, {0, 1, 4, -1, 2}}, true, true});
  // Row 2 = row 0 + row 1 and row 3 = row 0 - row 1: rank 2.
  out.push_back({"integers 4x4 rank 2", Matrix<T>{{1, 2, 0, -1}, {2, -1, 3, 1}, {3, 1, 3, 0}, {-1, 3, -3, -2}}, true,
                 false});
  // The pattern of issue 13 (9e307 times it broke qr): its column norm sqrt(3) 2^k
  // passes the threshold while every entry 2^k is still finite.
  out.push_back({"integers 3x2", Matrix<T>{{1, 1}, {1, -1}, {1, 0}}, true, true});
  out.push_back({"gaussian 7x4", random_matrix<T>(7, 4, 1301), false, true});
  return out;
}

std::string at_scale(const std::string& name, int k) { return name + " times 2^" + std::to_string(k); }

// The pseudoinverse of a full-rank A in long double: (A^T A)^{-1} A^T (tall) or
// A^T (A A^T)^{-1} (wide), by Gauss-Jordan on the small Gram matrix, times 2^-k.
template <class T>
std::vector<Long> true_pinv(MatrixView<const T> A, int k) {
  const index m = A.rows(), n = A.cols();
  const bool tall = m >= n;
  const index p = tall ? n : m;
  std::vector<Long> G(static_cast<std::size_t>(p * p)), Ginv(static_cast<std::size_t>(p * p), 0);
  auto g = [&](std::vector<Long>& M, index i, index j) -> Long& { return M[static_cast<std::size_t>(i + j * p)]; };
  for (index i = 0; i < p; ++i)
    for (index j = 0; j < p; ++j) {
      Long s = 0;
      if (tall)
        for (index r = 0; r < m; ++r) s += static_cast<Long>(A(r, i)) * A(r, j);
      else
        for (index c = 0; c < n; ++c) s += static_cast<Long>(A(i, c)) * A(j, c);
      g(G, i, j) = s;
    }
  for (index i = 0; i < p; ++i) g(Ginv, i, i) = 1;
  for (index c = 0; c < p; ++c) {  // Gauss-Jordan with partial pivoting
    index piv = c;
    for (index r = c + 1; r < p; ++r)
      if (std::fabs(g(G, r, c)) > std::fabs(g(G, piv, c))) piv = r;
    for (index j = 0; j < p; ++j) {
      std::swap(g(G, c, j), g(G, piv, j));
      std::swap(g(Ginv, c, j), g(Ginv, piv, j));
    }
    const Long d = g(G, c, c);
    for (index j = 0; j < p; ++j) {
      g(G, c, j) /= d;
      g(Ginv, c, j) /= d;
    }
    for (index r = 0; r < p; ++r) {
      if (r == c) continue;
      const Long f = g(G, r, c);
      for (index j = 0; j < p; ++j) {
        g(G, r, j) -= f * g(G, c, j);
        g(Ginv, r, j) -= f * g(Ginv, c, j);
      }
    }
  }
  std::vector<Long> P(static_cast<std::size_t>(n * m));  // n x m, column-major
  for (index i = 0; i < n; ++i)
    for (index j = 0; j < m; ++j) {
      Long s = 0;
      if (tall)
        for (index q = 0; q < n; ++q) s += g(Ginv, i, q) * A(j, q);  // (G^{-1} A^T)(i, j)
      else
        for (index q = 0; q < m; ++q) s += static_cast<Long>(A(q, i)) * g(Ginv, q, j);  // (A^T G^{-1})(i, j)
      P[static_cast<std::size_t>(i + j * n)] = std::ldexp(s, -k);
    }
  return P;
}

// The smallest positive subnormal of T, in long double: the rounding a subnormal result
// may carry (half of it) is allowed on top of the scaled ratio.
template <class T>
Long denorm_min() {
  return static_cast<Long>(std::numeric_limits<T>::denorm_min());
}

// ---------------------------------------------------------------------------------------
// The reflector

TYPED_TEST(ExtremeScaling, HouseholderReflectorScalesExactly) {
  using T = TypeParam;
  using L = std::numeric_limits<T>;
  // [alpha; x] with at most three significant bits per entry and max |entry| in [1/2, 1):
  // 2^k times it is exact from k = min_exponent - digits + 3 to max_exponent.
  const Matrix<T> ref{{T(0.75)}, {T(0.5)}, {T(-0.625)}, {T(0.25)}};
  Matrix<T> v_ref(ref);
  T beta_ref = v_ref(0, 0);
  const T tau_ref = householder_generate(beta_ref, v_ref.col(0).segment(1, 3));
  ASSERT_TRUE(tau_ref >= T(1) && tau_ref <= T(2));
  for (int k : {L::min_exponent - L::digits + 3, L::min_exponent - L::digits + 4, L::min_exponent - 1,
                L::min_exponent + 5, -1, 0, 7, L::max_exponent - 8, L::max_exponent - 1, L::max_exponent}) {
    SCOPED_TRACE(at_scale("[0.75 0.5 -0.625 0.25]", k));
    Matrix<T> v = times_pow2<T>(ref, k);
    ASSERT_TRUE(same_bits<T>(times_pow2<T>(v, -k), ref)) << "2^k x is not an exact copy";
    T alpha = v(0, 0);
    const T tau = householder_generate(alpha, v.col(0).segment(1, 3));
    // v and tau are scale-free, bit for bit; beta = 2^k beta_ref rounded once (its norm
    // 1.125 2^k is beyond the range at k = max_exponent: -Inf there, v and tau intact).
    EXPECT_EQ(tau, tau_ref);
    EXPECT_TRUE(same_bits<T>(v.block(1, 0, 3, 1), v_ref.block(1, 0, 3, 1)));
    EXPECT_EQ(alpha, std::ldexp(beta_ref, k));
    EXPECT_EQ(std::isinf(alpha), k == L::max_exponent);
  }
}

// ---------------------------------------------------------------------------------------
// The QR factorizations

TYPED_TEST(ExtremeScaling, QrScalesExactlyAndReportsAnROutOfRange) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  for (const ScaledCase<T>& p : problems<T>()) {
    const Result<QR<T>> F0 = qr<T>(p.A);
    ASSERT_TRUE(F0.ok());
    const Matrix<T> Q0 = F0->thin_q(), R0 = F0->R();
    EXPECT_RATIO("qr A - Q R at 2^0", factorization_ratio<T>(p.A, multiply<T>(Q0, R0)));
    for (int k : exponents<T>(p.A, p.integers)) {
      SCOPED_TRACE(at_scale(p.name, k));
      const Matrix<T> Ak = times_pow2<T>(p.A, k);
      const Matrix<T> R_expected = times_pow2<T>(R0, k);
      const Result<QR<T>> F = qr<T>(Ak);
      if (has_inf<T>(R_expected)) {  // the true R is beyond the range of T
        EXPECT_EQ(F.status(), Status::not_finite);
        ++beyond;
        continue;
      }
      ASSERT_EQ(F.status(), Status::ok);
      EXPECT_TRUE(same_bits<T>(F->thin_q(), Q0)) << "Q is scale-free";
      EXPECT_TRUE(same_bits<T>(F->R(), R_expected)) << "R = 2^k R_ref, rounded once";
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

TYPED_TEST(ExtremeScaling, PivotedQrScalesExactly) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  for (const ScaledCase<T>& p : problems<T>()) {
    const Result<PivotedQR<T>> F0 = qr_pivoted<T>(p.A);
    ASSERT_TRUE(F0.ok());
    const Matrix<T> Q0 = F0->thin_q(), R0 = F0->R();
    EXPECT_EQ(F0->rank(), p.full_rank ? std::min(p.A.rows(), p.A.cols()) : index(2));
    for (int k : exponents<T>(p.A, p.integers)) {
      SCOPED_TRACE(at_scale(p.name, k));
      const Matrix<T> R_expected = times_pow2<T>(R0, k);
      const Result<PivotedQR<T>> F = qr_pivoted<T>(times_pow2<T>(p.A, k));
      if (has_inf<T>(R_expected)) {
        EXPECT_EQ(F.status(), Status::not_finite);
        ++beyond;
        continue;
      }
      ASSERT_EQ(F.status(), Status::ok);
      EXPECT_EQ(F->rank(), F0->rank());
      EXPECT_TRUE(same_bits<index>(VectorView<const index>(F->permutation()), VectorView<const index>(F0->permutation())));
      EXPECT_TRUE(same_bits<T>(F->thin_q(), Q0));
      EXPECT_TRUE(same_bits<T>(F->R(), R_expected));
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

TYPED_TEST(ExtremeScaling, CodScalesExactly) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  for (const ScaledCase<T>& p : problems<T>()) {
    const Result<COD<T>> F0 = cod<T>(p.A);
    ASSERT_TRUE(F0.ok());
    const Matrix<T> T0 = F0->triangle(), Z0 = F0->z();
    for (int k : exponents<T>(p.A, p.integers)) {
      SCOPED_TRACE(at_scale(p.name, k));
      const Matrix<T> T_expected = times_pow2<T>(T0, k);
      const Result<COD<T>> F = cod<T>(times_pow2<T>(p.A, k));
      if (has_inf<T>(T_expected)) {
        EXPECT_EQ(F.status(), Status::not_finite);
        ++beyond;
        continue;
      }
      ASSERT_EQ(F.status(), Status::ok);
      EXPECT_EQ(F->rank(), F0->rank());
      EXPECT_TRUE(same_bits<index>(VectorView<const index>(F->permutation()), VectorView<const index>(F0->permutation())));
      EXPECT_TRUE(same_bits<T>(F->z(), Z0));
      EXPECT_TRUE(same_bits<T>(F->triangle(), T_expected));
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

// ---------------------------------------------------------------------------------------
// The SVD, both methods

TYPED_TEST(ExtremeScaling, SvdScalesAndReportsSingularValuesOutOfRange) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  for (SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi}) {
    SvdOptions opts;
    opts.method = method;
    for (const ScaledCase<T>& p : problems<T>()) {
      const index m = p.A.rows(), n = p.A.cols();
      const Result<SVD<T>> F0 = svd<T>(p.A, opts);
      ASSERT_TRUE(F0.ok());
      const Vector<T>& s0 = F0->s;
      for (int k : exponents<T>(p.A, p.integers)) {
        SCOPED_TRACE(at_scale(p.name, k) + (method == SvdMethod::jacobi ? " jacobi" : " golub-kahan"));
        const Result<SVD<T>> F = svd<T>(times_pow2<T>(p.A, k), opts);
        const Vector<T> s_expected = times_pow2<T>(VectorView<const T>(s0), k);
        if (!all_finite(VectorView<const T>(s_expected))) {  // sigma_1 beyond the range
          EXPECT_EQ(F.status(), Status::not_finite);
          ++beyond;
          continue;
        }
        ASSERT_EQ(F.status(), Status::ok);
        // Values: |s_i - 2^k s_ref,i| / (2^k s_ref,1 max(m, n) eps + denorm_min / 2).
        Long worst = 0;
        for (index i = 0; i < s0.size(); ++i)
          worst = std::max(worst, std::fabs(static_cast<Long>(F->s[i]) - std::ldexp(static_cast<Long>(s0[i]), k)));
        const Long allowed = std::ldexp(static_cast<Long>(s0[0]), k) * std::max(m, n) * static_cast<Long>(eps<T>()) +
                             denorm_min<T>() / 2;
        EXPECT_RATIO("svd values of 2^k A vs 2^k s(A)", static_cast<double>(worst / allowed));
        // Vectors: they must factor A itself with A's values, A V = U diag(s_ref).
        Matrix<T> US(F->U);
        for (index j = 0; j < US.cols(); ++j) scal(s0[j], US.col(j));
        EXPECT_RATIO("svd A V - U S with the vectors of 2^k A",
                     factorization_ratio<T>(multiply<T>(p.A, F->V), US));
        EXPECT_RATIO("svd orthogonality of U", orthogonality_ratio<T>(F->U));
        EXPECT_RATIO("svd orthogonality of V", orthogonality_ratio<T>(F->V));
      }
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

// ---------------------------------------------------------------------------------------
// rank, cond, null_space, range, pinv, general_solution

TYPED_TEST(ExtremeScaling, RankCondNullSpaceAndRangeAreScaleFree) {
  using T = TypeParam;
  for (const ScaledCase<T>& p : problems<T>()) {
    const index r0 = *rank<T>(p.A);
    const T cond0 = *cond<T>(p.A);
    const Matrix<T> N0 = *null_space<T>(p.A), Ncod0 = *null_space<T>(p.A, {}, SubspaceMethod::cod);
    const Matrix<T> B0 = *range<T>(p.A);
    EXPECT_EQ(r0, p.full_rank ? std::min(p.A.rows(), p.A.cols()) : index(2));
    EXPECT_EQ(N0.cols(), p.A.cols() - r0);
    EXPECT_EQ(Ncod0.cols(), p.A.cols() - r0);
    for (int k : exponents<T>(p.A, p.integers)) {
      SCOPED_TRACE(at_scale(p.name, k));
      const Matrix<T> Ak = times_pow2<T>(p.A, k);
      const Result<index> r = rank<T>(Ak);
      ASSERT_EQ(r.status(), Status::ok);
      EXPECT_EQ(*r, r0);
      const Result<T> c = cond<T>(Ak);
      ASSERT_EQ(c.status(), Status::ok);
      EXPECT_EQ(*c, cond0) << "cond is scale-free";
      const Result<Matrix<T>> N = null_space<T>(Ak);
      ASSERT_EQ(N.status(), Status::ok);
      EXPECT_TRUE(same_bits<T>(*N, N0));
      const Result<Matrix<T>> Ncod = null_space<T>(Ak, {}, SubspaceMethod::cod);
      ASSERT_EQ(Ncod.status(), Status::ok);
      EXPECT_TRUE(same_bits<T>(*Ncod, Ncod0));
      const Result<Matrix<T>> B = range<T>(Ak);
      ASSERT_EQ(B.status(), Status::ok);
      EXPECT_TRUE(same_bits<T>(*B, B0));
    }
  }
}

TYPED_TEST(ExtremeScaling, PinvScalesByTheInversePowerAndReportsOverflow) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  if (std::numeric_limits<Long>::max_exponent < 2 * std::numeric_limits<T>::max_exponent)
    GTEST_SKIP() << "long double cannot hold the true pseudoinverse at every scale";
  for (const ScaledCase<T>& p : problems<T>()) {
    const index m = p.A.rows(), n = p.A.cols();
    const Matrix<T> P0 = *pinv<T>(p.A);
    const T kappa = *cond<T>(p.A);
    for (int k : exponents<T>(p.A, p.integers)) {
      SCOPED_TRACE(at_scale(p.name, k));
      const Matrix<T> expected = times_pow2<T>(P0, -k);
      const Result<Matrix<T>> P = pinv<T>(times_pow2<T>(p.A, k));
      // The truth decides overflow too: (2^k A)^+ = 2^-k A^+ beyond the range of T.
      if (p.full_rank) {
        const std::vector<Long> truth = true_pinv<T>(p.A, k);
        Long top = 0;
        for (Long x : truth) top = std::max(top, std::fabs(x));
        const bool overflows = top > static_cast<Long>(std::numeric_limits<T>::max());
        EXPECT_EQ(has_inf<T>(expected), overflows);
        if (overflows) {
          EXPECT_EQ(P.status(), Status::not_finite);
          ++beyond;
          continue;
        }
        ASSERT_EQ(P.status(), Status::ok);
        Long worst = 0;
        for (index j = 0; j < m; ++j)
          for (index i = 0; i < n; ++i)
            worst = std::max(worst, std::fabs(static_cast<Long>((*P)(i, j)) - truth[static_cast<std::size_t>(i + j * n)]));
        EXPECT_RATIO("pinv of 2^k A vs the true 2^-k A^+",
                     static_cast<double>(worst / (top * kappa * std::max(m, n) * static_cast<Long>(eps<T>()) +
                                                  denorm_min<T>() / 2)));
      }
      if (has_inf<T>(expected)) {
        EXPECT_EQ(P.status(), Status::not_finite);
        ++beyond;
        continue;
      }
      ASSERT_EQ(P.status(), Status::ok);
      EXPECT_TRUE(same_bits<T>(*P, expected)) << "pinv(2^k A) = 2^-k pinv(A), rounded once";
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

TYPED_TEST(ExtremeScaling, GeneralSolutionScalesExactly) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  for (const ScaledCase<T>& p : problems<T>()) {
    Vector<T> y(p.A.rows());
    for (index i = 0; i < y.size(); ++i) y[i] = T(i % 3) - T(1);
    const Result<SolutionSet<T>> S0 = general_solution<T>(p.A, VectorView<const T>(y));
    ASSERT_TRUE(S0.ok());
    for (int k : exponents<T>(p.A, p.integers)) {
      SCOPED_TRACE(at_scale(p.name, k));
      const Vector<T> w_expected = times_pow2<T>(VectorView<const T>(S0->particular), -k);
      const Result<SolutionSet<T>> S = general_solution<T>(times_pow2<T>(p.A, k), VectorView<const T>(y));
      if (!all_finite(VectorView<const T>(w_expected))) {
        EXPECT_EQ(S.status(), Status::not_finite);
        ++beyond;
        continue;
      }
      ASSERT_EQ(S.status(), Status::ok);
      EXPECT_EQ(S->rank, S0->rank);
      EXPECT_TRUE(same_bits<T>(VectorView<const T>(S->particular), VectorView<const T>(w_expected)));
      EXPECT_TRUE(same_bits<T>(S->null_basis, S0->null_basis));
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

// ---------------------------------------------------------------------------------------
// lstsq, every method

TYPED_TEST(ExtremeScaling, LstsqEveryMethodScalesExactly) {
  using T = TypeParam;
  int beyond = 0;  // cases whose true result is beyond the range of T
  for (const ScaledCase<T>& p : problems<T>()) {
    if (!p.full_rank) continue;  // qr and the normal equations need full rank
    Matrix<T> Y(p.A.rows(), 2);
    for (index i = 0; i < Y.rows(); ++i) {
      Y(i, 0) = T(i % 4) - T(1.5);
      Y(i, 1) = T(1) / T(i + 2);
    }
    for (LstsqMethod method : kAllLstsqMethods) {
      const bool normal = method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu;
      if (normal && p.A.rows() < p.A.cols()) continue;  // X^T X of a wide X is singular
      LstsqOptions<T> opts;
      opts.method = method;
      const Result<LstsqResult<T>> W0 = lstsq<T>(p.A, Y, opts);
      ASSERT_TRUE(W0.ok()) << to_string(method);
      for (int k : exponents<T>(p.A, p.integers)) {
        SCOPED_TRACE(at_scale(p.name, k) + " " + to_string(method));
        const Matrix<T> expected = times_pow2<T>(W0->solution, -k);
        const Result<LstsqResult<T>> W = lstsq<T>(times_pow2<T>(p.A, k), Y, opts);
        if (has_inf<T>(expected)) {  // the solution 2^-k W_ref is beyond the range
          EXPECT_EQ(W.status(), Status::not_finite);
          ++beyond;
          continue;
        }
        ASSERT_EQ(W.status(), Status::ok);
        EXPECT_EQ(W->rank, W0->rank);
        EXPECT_TRUE(same_bits<T>(W->solution, expected)) << "W(2^k X) = 2^-k W(X), rounded once";
        EXPECT_TRUE(same_bits<T>(VectorView<const T>(W->residual_norm), VectorView<const T>(W0->residual_norm)));
      }
    }
  }
  EXPECT_GT(beyond, 0) << "the sweep must reach a result beyond the range";
}

// ---------------------------------------------------------------------------------------
// The examples of issue 13, as a user met them (double)

TEST(ExtremeScalingExamples, QrOfAFullRankMatrixNearOverflow) {
  // 9e307 [[1, 1], [1, -1], [1, 0]]: gave a Q with -Inf and NaN, rank 1 from the
  // pivoted QR, and [0, 1] as a null vector by the COD.
  const double c = 9e307;
  const Matrix<double> A{{c, c}, {c, -c}, {c, 0}};
  const Result<QR<double>> F = qr<double>(A);
  ASSERT_EQ(F.status(), Status::ok);
  const Matrix<double> Q = F->thin_q(), R = F->R();
  EXPECT_TRUE(all_finite(MatrixView<const double>(Q)) && all_finite(MatrixView<const double>(R)));
  EXPECT_LT(orthogonality_ratio<double>(Q), kThreshold);
  EXPECT_NEAR(std::abs(R(0, 0)) / (c * std::sqrt(3.0)), 1.0, 4 * eps<double>());
  EXPECT_NEAR(std::abs(R(1, 1)) / (c * std::sqrt(2.0)), 1.0, 4 * eps<double>());
  const Result<PivotedQR<double>> P = qr_pivoted<double>(A);
  ASSERT_EQ(P.status(), Status::ok);
  EXPECT_EQ(P->rank(), 2);
  const Result<Matrix<double>> N = null_space<double>(A, {}, SubspaceMethod::cod);
  ASSERT_EQ(N.status(), Status::ok);
  EXPECT_EQ(N->cols(), 0);
  // Subnormal: 1e-310 times the same pattern (which lost Q's bits, q_32 = -3e-15) gives
  // the Q of the unit pattern to rounding.
  const double t = 1e-310;
  const Result<QR<double>> G = qr<double>(Matrix<double>{{t, t}, {t, -t}, {t, 0}});
  const Result<QR<double>> G1 = qr<double>(Matrix<double>{{1, 1}, {1, -1}, {1, 0}});
  ASSERT_EQ(G.status(), Status::ok);
  EXPECT_LT(orthogonality_ratio<double>(G->thin_q()), kThreshold);
  EXPECT_LE(max_abs_diff<double>(G->thin_q(), G1->thin_q()), 4 * eps<double>());
}

TEST(ExtremeScalingExamples, SvdBasedCommandsWhoseSingularValuesOverflow) {
  // sigma = 1.5e308 sqrt(2) > max: rank said 0, cond NaN, pinv 0, null the whole space.
  const double c = 1.5e308;
  const Matrix<double> A{{c, c}, {c, -c}};
  EXPECT_EQ(*rank<double>(A), 2);
  EXPECT_NEAR(*cond<double>(A), 1.0, 4 * eps<double>());
  EXPECT_EQ(null_space<double>(A)->cols(), 0);
  EXPECT_EQ(range<double>(A)->cols(), 2);
  const Result<Matrix<double>> P = pinv<double>(A);
  ASSERT_EQ(P.status(), Status::ok);
  // A^+ = A^T / (2 c^2) = [[1, 1], [1, -1]] / (2 c): 3.33e-309, subnormal, to a few bits.
  for (index i = 0; i < 2; ++i)
    for (index j = 0; j < 2; ++j) EXPECT_NEAR((*P)(i, j), (i == 1 && j == 1 ? -0.5 : 0.5) / c, 1e-320);
  // The singular values themselves are beyond the range: no SVD to return.
  EXPECT_EQ(svd<double>(A).status(), Status::not_finite);
  for (LstsqMethod method : kAllLstsqMethods) {
    LstsqOptions<double> opts;
    opts.method = method;
    const Result<LstsqResult<double>> W = lstsq<double>(A, Vector<double>{1.0, 1.0}, opts);
    ASSERT_EQ(W.status(), Status::ok) << to_string(method);
    EXPECT_NEAR(W->solution(0, 0), 1.0 / c, 1e-320) << to_string(method);
  }
}

TEST(ExtremeScalingExamples, PinvOfSubnormalEntriesWhoseTrueResultOverflows) {
  // Gave +-Inf in all six entries. The true A^+ has one entry beyond the range, (1, 0)
  // = about -1.0e310 (2^1029.8); the other five lie between 6e294 and 1e308. So:
  // not_finite. Scaled by 2^8, every entry of A^+ fits, and it is right to the last bits
  // its conditioning allows.
  const Matrix<double> A{{5e-324, 1e-310}, {2e-320, 4e-315}, {1e-308, 3e-312}};
  EXPECT_EQ(pinv<double>(A).status(), Status::not_finite);
  if (std::numeric_limits<Long>::max_exponent <= std::numeric_limits<double>::max_exponent)
    GTEST_SKIP() << "long double is double here (Arm): it cannot hold the true pseudoinverse";
  const std::vector<Long> truth = true_pinv<double>(A, 0);
  EXPECT_GT(std::fabs(truth[1]), static_cast<Long>(std::numeric_limits<double>::max()));
  const Matrix<double> A8 = times_pow2<double>(A, 8);
  const Result<Matrix<double>> P = pinv<double>(A8);
  ASSERT_EQ(P.status(), Status::ok);
  const std::vector<Long> truth8 = true_pinv<double>(A, 8);
  Long top = 0, worst = 0;
  for (Long x : truth8) top = std::max(top, std::fabs(x));
  for (index j = 0; j < 3; ++j)
    for (index i = 0; i < 2; ++i)
      worst = std::max(worst, std::fabs(static_cast<Long>((*P)(i, j)) - truth8[static_cast<std::size_t>(i + j * 2)]));
  EXPECT_LT(static_cast<double>(worst / (top * *cond<double>(A) * 3 * static_cast<Long>(eps<double>()))), kThreshold);
}

}  // namespace
}  // namespace stela::test
