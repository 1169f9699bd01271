// matrix.hpp: Matrix, Vector and their views: shapes, views of views, literal
// construction, deep copies, empty shapes.
#include <cstring>

#include "test_support.hpp"

namespace stela::test {
namespace {

template <class T>
class MatrixTypes : public ::testing::Test {};
TYPED_TEST_SUITE(MatrixTypes, Scalars, ScalarName);

TYPED_TEST(MatrixTypes, LiteralReadsRowByRowAndStoresColumnMajor) {
  using T = TypeParam;
  Matrix<T> A{{T(3), T(1), T(0)}, {T(6), T(2), T(1)}};
  ASSERT_EQ(A.rows(), 2);
  ASSERT_EQ(A.cols(), 3);
  EXPECT_EQ(A(1, 0), T(6));
  EXPECT_EQ(A(0, 1), T(1));
  EXPECT_EQ(A.data()[1], T(6));  // column-major: (1, 0) right after (0, 0)
  EXPECT_EQ(A.ld(), 2);
}

TYPED_TEST(MatrixTypes, RaggedLiteralIsNanPaddedSoItIsRejectedLater) {
  using T = TypeParam;
  Matrix<T> A{{T(1), T(2), T(3)}, {T(4)}};
  EXPECT_EQ(A.cols(), 3);
  EXPECT_TRUE(std::isnan(A(1, 1)));
  EXPECT_FALSE(all_finite(MatrixView<const T>(A)));
}

TYPED_TEST(MatrixTypes, ViewOfViewKeepsParentLeadingDimension) {
  using T = TypeParam;
  Matrix<T> A(7, 6);
  for (index j = 0; j < 6; ++j)
    for (index i = 0; i < 7; ++i) A(i, j) = static_cast<T>(10 * i + j);
  MatrixView<T> B = A.block(1, 2, 5, 4);
  MatrixView<T> C = B.block(2, 1, 2, 2);
  EXPECT_EQ(B.ld(), 7);
  EXPECT_EQ(C.ld(), 7);
  EXPECT_EQ(C(1, 1), T(10 * 4 + 4));
  C(0, 0) = T(-1);
  EXPECT_EQ(A(3, 3), T(-1));
  // Rows, columns and diagonal are strided vectors into the same storage.
  EXPECT_EQ(B.row(1).stride(), 7);
  EXPECT_EQ(B.row(1)[2], A(2, 4));
  EXPECT_EQ(B.col(3)[4], A(5, 5));
  EXPECT_EQ(B.diagonal().size(), 4);
  EXPECT_EQ(B.diagonal()[3], A(4, 5));
  EXPECT_EQ(B.col_block(1, 2)(0, 0), A(1, 3));
  EXPECT_EQ(B.row_block(4, 1)(0, 3), A(5, 5));
}

TYPED_TEST(MatrixTypes, ConstViewsConvertAndCopiesAreDeep) {
  using T = TypeParam;
  Matrix<T> A = Matrix<T>::identity(3, 4);
  EXPECT_EQ(A(2, 2), T(1));
  EXPECT_EQ(A(2, 3), T(0));
  MatrixView<const T> cv = A;  // a Matrix is a read-only view of itself
  EXPECT_EQ(cv(1, 1), T(1));
  Matrix<T> B = A;
  B(0, 0) = T(5);
  EXPECT_EQ(A(0, 0), T(1));
  Matrix<T> C(A.block(0, 1, 3, 2));
  EXPECT_EQ(C.rows(), 3);
  EXPECT_EQ(C(1, 0), T(1));
  Matrix<T> moved = std::move(B);
  EXPECT_EQ(moved(0, 0), T(5));
  EXPECT_EQ(moved.data(), MatrixView<const T>(moved).data());
  Vector<T> v{T(1), T(2), T(3)};
  Vector<T> w = v;
  w[0] = T(9);
  EXPECT_EQ(v[0], T(1));
  EXPECT_EQ(v.segment(1, 2)[1], T(3));
}

TYPED_TEST(MatrixTypes, EmptyShapesAreValid) {
  using T = TypeParam;
  Matrix<T> A(0, 5), B(4, 0), C;
  EXPECT_TRUE(A.empty());
  EXPECT_TRUE(B.empty());
  EXPECT_TRUE(C.empty());
  EXPECT_EQ(A.ld(), 1);
  EXPECT_EQ(A.col(4).size(), 0);
  EXPECT_EQ(B.row(3).size(), 0);
  EXPECT_TRUE(all_finite(MatrixView<const T>(A)));
}

}  // namespace
}  // namespace stela::test
