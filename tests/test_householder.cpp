// Householder reflectors: generation with LAPACK xLARFG semantics on ordinary and
// extremely scaled vectors; single and blocked application against the explicit
// matrix H = I - tau v v^T.
#include <cmath>

#include "stela/householder.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class Householder : public ::testing::Test {};
TYPED_TEST_SUITE(Householder, Scalars, ScalarName);

// H = I - tau v v^T as a dense matrix, v = [1; v_tail].
template <class T>
Matrix<T> dense_reflector(VectorView<const T> v_tail, T tau) {
  const index n = v_tail.size() + 1;
  Matrix<T> H = Matrix<T>::identity(n);
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < n; ++i) {
      const T vi = i == 0 ? T(1) : v_tail[i - 1], vj = j == 0 ? T(1) : v_tail[j - 1];
      H(i, j) -= tau * vi * vj;
    }
  return H;
}

TYPED_TEST(Householder, GenerateReducesTheVectorAtEveryScale) {
  using T = TypeParam;
  for (T scale : {T(1), T(1e-3), std::numeric_limits<T>::min() * 64, std::numeric_limits<T>::min() * 2,
                  std::numeric_limits<T>::max() / 64})
    for (index n : {2, 3, 10, 57})
      for (T sign : {T(1), T(-1)}) {
        SCOPED_TRACE(testing::Message() << type_name<T>() << " scale " << scale << " n " << n << " sign " << sign);
        Matrix<T> x0 = random_matrix<T>(n, 1, 17 + n);
        x0(0, 0) = sign * std::abs(x0(0, 0));
        for (index i = 0; i < n; ++i) x0(i, 0) *= scale;
        Matrix<T> x = x0;
        T alpha = x(0, 0);
        const T tau = householder_generate(alpha, x.col(0).segment(1, n - 1));
        // (Subnormal inputs are left out: their own entries carry too few bits for a
        // relative-error check.) LAPACK semantics: 1 <= tau <= 2, beta = -sign(alpha0) ||x0||.
        EXPECT_GE(tau, T(1));
        EXPECT_LE(tau, T(2));
        const T norm_x0 = nrm2(x0.col(0));
        EXPECT_NEAR(alpha / norm_x0, -sign, 8 * eps<T>());
        // H x0 = [beta; 0], relative to ||x0||, computed with the dense H in long double.
        Matrix<T> H = dense_reflector<T>(x.col(0).segment(1, n - 1), tau);
        for (index i = 0; i < n; ++i) {
          long double s = 0;
          for (index p = 0; p < n; ++p) s += static_cast<long double>(H(i, p)) * x0(p, 0);
          const long double expected = i == 0 ? static_cast<long double>(alpha) : 0.0L;
          EXPECT_LE(std::fabs(s - expected) / norm_x0, kThreshold * n * eps<T>()) << "entry " << i;
        }
        // H is orthogonal.
        EXPECT_LT(orthogonality_ratio<T>(H), kThreshold);
      }
}

TYPED_TEST(Householder, GenerateOnZeroTailIsIdentity) {
  using T = TypeParam;
  Vector<T> x(4, T(0));
  T alpha = T(-3);
  EXPECT_EQ(householder_generate(alpha, x.view()), T(0));
  EXPECT_EQ(alpha, T(-3));
  T beta = T(2);
  EXPECT_EQ(householder_generate(beta, VectorView<T>()), T(0));
  EXPECT_EQ(beta, T(2));
}

TYPED_TEST(Householder, ApplyLeftAndRightMatchDenseProducts) {
  using T = TypeParam;
  for (index m : {1, 2, 7, 33})
    for (index n : {0, 1, 5}) {
      Matrix<T> v = random_matrix<T>(m, 1, 3);
      T alpha = v(0, 0);
      const T tau = householder_generate(alpha, v.col(0).segment(1, m - 1));
      VectorView<const T> v_tail = v.col(0).segment(1, m - 1);
      Matrix<T> H = dense_reflector(v_tail, tau);
      Matrix<T> C0 = random_matrix<T>(m, n, 4);
      Padded<T> C = Padded<T>::from(C0);
      ASSERT_EQ(householder_apply_left(v_tail, tau, C.view()), Status::ok);
      Matrix<T> expected = reference_gemm(Op::none, Op::none, T(1), H, C0, T(0), C0);
      EXPECT_LE(max_abs_diff(MatrixView<const T>(C.view()), expected), kThreshold * m * eps<T>() * 4);
      EXPECT_TRUE(C.padding_untouched());

      Matrix<T> D0 = random_matrix<T>(n, m, 5);
      Padded<T> D = Padded<T>::from(D0);
      Vector<T> work(n, nan<T>());
      ASSERT_EQ(householder_apply_right(v_tail, tau, D.view(), work.view()), Status::ok);
      Matrix<T> expected_right = reference_gemm(Op::none, Op::none, T(1), D0, H, T(0), D0);
      EXPECT_LE(max_abs_diff(MatrixView<const T>(D.view()), expected_right), kThreshold * m * eps<T>() * 4);
    }
}

// k reflectors from a random m x k matrix, stored as QR stores them: v tails below
// the diagonal, R (here: garbage NaN) on and above it.
template <class T>
struct Reflectors {
  Matrix<T> V;
  Vector<T> tau;
};
template <class T>
Reflectors<T> make_reflectors(index m, index k, std::uint64_t seed) {
  Reflectors<T> r{random_matrix<T>(m, k, seed), Vector<T>(k)};
  for (index j = 0; j < k; ++j) {
    T alpha = r.V(j, j);
    r.tau[j] = householder_generate(alpha, r.V.col(j).segment(j + 1, m - j - 1));
    for (index i = 0; i <= j; ++i) r.V(i, j) = nan<T>();  // must never be read
  }
  return r;
}

TYPED_TEST(Householder, BlockApplyEqualsReflectorsOneByOne) {
  using T = TypeParam;
  for (Side side : {Side::left, Side::right})
    for (Op trans : {Op::none, Op::transpose})
      for (index m : {1, 4, 20, 70})
        for (index k : {1, 3, 16})
          for (index other : {0, 1, 9}) {
            if (k > m) continue;
            SCOPED_TRACE(testing::Message() << type_name<T>() << " side " << int(side) << " trans " << int(trans)
                                            << " m " << m << " k " << k << " other " << other);
            Reflectors<T> r = make_reflectors<T>(m, k, 100 + m + k);
            Matrix<T> Tf(k, k, nan<T>());
            ASSERT_EQ(householder_block_factor(MatrixView<const T>(r.V), VectorView<const T>(r.tau), Tf.view()),
                      Status::ok);
            for (index j = 0; j < k; ++j)
              for (index i = j + 1; i < k; ++i) Tf(i, j) = nan<T>();  // strict lower: unused
            Matrix<T> C0 = side == Side::left ? random_matrix<T>(m, other, 7) : random_matrix<T>(other, m, 7);
            // Reference: H = H_0 H_1 ... H_{k-1}; H C applies H_{k-1} first.
            Matrix<T> expected = C0;
            Vector<T> work_one(side == Side::left ? 0 : other);
            // The order: H C = H_0 (H_1 (... C)); H^T C = H_{k-1} (... (H_0 C)); C H = ((C H_0) H_1)...;
            // C H^T = ((C H_{k-1}) ...) H_0.
            const bool ascending = (side == Side::left) == (trans == Op::transpose);
            for (index s = 0; s < k; ++s) {
              const index j = ascending ? s : k - 1 - s;
              VectorView<const T> v_tail = r.V.col(j).segment(j + 1, m - j - 1);
              if (side == Side::left) {
                ASSERT_EQ(householder_apply_left(v_tail, r.tau[j], expected.row_block(j, m - j)), Status::ok);
              } else {
                ASSERT_EQ(householder_apply_right(v_tail, r.tau[j], expected.col_block(j, m - j), work_one.view()),
                          Status::ok);
              }
            }
            Padded<T> C = Padded<T>::from(C0);
            Matrix<T> work(side == Side::left ? other : other, k, nan<T>());
            ASSERT_EQ(householder_block_apply(side, trans, MatrixView<const T>(r.V), MatrixView<const T>(Tf), C.view(),
                                              work.view()),
                      Status::ok);
            EXPECT_LE(max_abs_diff(MatrixView<const T>(C.view()), expected), kThreshold * m * eps<T>() * 8);
            EXPECT_TRUE(C.padding_untouched());
          }
}

}  // namespace
}  // namespace stela::test
