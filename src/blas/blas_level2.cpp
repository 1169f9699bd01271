// Level-2 BLAS: gemv, ger, trmv, trsv.
//
// Counterparts: BLAS xGEMV, xGER, xTRMV, xTRSV.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 1.1 (gaxpy,
//               column and row orientation) and 3.1 (triangular systems).
// Cost:         2mn flops (gemv, ger); n^2 (trmv, trsv).
// Loop order:   column-major storage is walked down its columns: op(A) = A uses the
//               column (axpy) form, op(A) = A^T the dot form. Both touch each entry of
//               A once, contiguously. With contiguous y the column form takes four
//               columns per pass, so y is read and written once per four columns
//               instead of once per column. The contiguous loops have an AVX2 + FMA
//               copy chosen at run time (isa_dispatch.hpp).
// Stability:    gemv is backward stable: each entry of the result is a dot product or
//               a sum of products computed with |error| <= n eps |A| |x| (Higham,
//               Accuracy and Stability, 2nd ed., 3.1; any order of summation).
//               trsv is backward stable: the computed x solves (A + E) x = b with
//               |E| <= n eps |A| (Higham, Accuracy and Stability, 2nd ed., thm 8.5).
// Workspace:    none.
#include "blas_kernels.hpp"
#include "isa_dispatch.hpp"
#include "stela/blas.hpp"

namespace stela {
namespace {

// The column form on contiguous y: y := y + alpha A x, four columns per pass.
template <class T>
void gemv_columns(T alpha, const T* a, index ld, index m, index n, VectorView<const T> x, T* y) {
  index j = 0;
  for (; j + 4 <= n; j += 4) {
    const T* a0 = a + j * ld;
    const T* a1 = a0 + ld;
    const T* a2 = a1 + ld;
    const T* a3 = a2 + ld;
    const T c0 = alpha * x[j], c1 = alpha * x[j + 1], c2 = alpha * x[j + 2], c3 = alpha * x[j + 3];
    for (index i = 0; i < m; ++i) y[i] += (c0 * a0[i] + c1 * a1[i]) + (c2 * a2[i] + c3 * a3[i]);
  }
  for (; j < n; ++j) detail::axpy_contiguous(alpha * x[j], a + j * ld, y, m);
}

// The dot form on contiguous x: y_j := y_j + alpha A(:, j)^T x, one column at a time
// (four dot products at once, sharing x's loads, compiled to shuffles and ran at a third
// of the speed).
template <class T>
void gemv_dots(T alpha, const T* a, index ld, index m, index n, const T* x, VectorView<T> y) {
  for (index j = 0; j < n; ++j) y[j] += alpha * detail::dot_contiguous(a + j * ld, x, m);
}

#if defined(STELA_HAVE_AVX2_FMA_CODE)
template <class T>
STELA_AVX2_FMA void gemv_columns_avx2(T alpha, const T* a, index ld, index m, index n, VectorView<const T> x, T* y) {
  gemv_columns(alpha, a, ld, m, n, x, y);
}
template <class T>
STELA_AVX2_FMA void gemv_dots_avx2(T alpha, const T* a, index ld, index m, index n, const T* x, VectorView<T> y) {
  gemv_dots(alpha, a, ld, m, n, x, y);
}
#endif

}  // namespace

namespace detail {

template <class T>
void gemv_kernel(Op trans, T alpha, MatrixView<const T> A, VectorView<const T> x, T beta, VectorView<T> y) {
  STELA_ASSERT(gemv_shapes_fit(trans, A, x.size(), y.size()));
  const index m = trans == Op::none ? A.rows() : A.cols();  // rows of op(A)
  const index n = trans == Op::none ? A.cols() : A.rows();  // columns of op(A)

  // y := beta y (beta = 0 overwrites, as in the reference BLAS).
  if (beta != T(1)) scal(beta, y);
  if (alpha == T(0) || m == 0 || n == 0) return;
#if defined(STELA_HAVE_AVX2_FMA_CODE)
  const bool wide = A.rows() >= kAvx2MinLength && use_avx2_fma();
#endif

  if (trans == Op::none) {
    // y := y + sum_j (alpha x_j) A(:, j)
    if (y.stride() == 1) {
#if defined(STELA_HAVE_AVX2_FMA_CODE)
      if (wide) return gemv_columns_avx2(alpha, A.data(), A.ld(), m, n, x, y.data());
#endif
      return gemv_columns(alpha, A.data(), A.ld(), m, n, x, y.data());
    }
    for (index j = 0; j < n; ++j) axpy(alpha * x[j], A.col(j), y);
  } else {
    // y_j := y_j + alpha A(:, j)^T x
    if (x.stride() == 1) {
#if defined(STELA_HAVE_AVX2_FMA_CODE)
      if (wide) return gemv_dots_avx2(alpha, A.data(), A.ld(), n, m, x.data(), y);
#endif
      return gemv_dots(alpha, A.data(), A.ld(), n, m, x.data(), y);
    }
    for (index j = 0; j < m; ++j) y[j] += alpha * dot(A.col(j), x);
  }
}

template <class T>
void ger_kernel(T alpha, VectorView<const T> x, VectorView<const T> y, MatrixView<T> A) {
  STELA_ASSERT(x.size() == A.rows() && y.size() == A.cols());
  if (alpha == T(0)) return;
  // A(:, j) := A(:, j) + (alpha y_j) x
  for (index j = 0; j < A.cols(); ++j) axpy(alpha * y[j], x, A.col(j));
}

template <class T>
void trmv_kernel(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x) {
  STELA_ASSERT(triangular_vector_shapes_fit(A, x.size()));
  const index n = A.rows();
  const bool unit = diag == Diag::unit;

  // op(A) is lower triangular when A is lower and not transposed, or upper and
  // transposed. Each entry x_i of the result depends on x_i and on entries on one side
  // of it, so walking away from that side lets x be overwritten in place.
  if (trans == Op::none) {
    if (uplo == Uplo::upper) {
      // x_i := sum_{j >= i} a_ij x_j, for i = 0, 1, ...: column form, j ascending.
      for (index j = 0; j < n; ++j) {
        const T xj = x[j];
        for (index i = 0; i < j; ++i) x[i] += A(i, j) * xj;
        if (!unit) x[j] = A(j, j) * xj;
      }
    } else {
      // x_i := sum_{j <= i} a_ij x_j: column form, j descending.
      for (index j = n - 1; j >= 0; --j) {
        const T xj = x[j];
        for (index i = n - 1; i > j; --i) x[i] += A(i, j) * xj;
        if (!unit) x[j] = A(j, j) * xj;
      }
    }
  } else {
    if (uplo == Uplo::upper) {
      // x_j := sum_{i <= j} a_ij x_i (A^T is lower): dot form, j descending.
      for (index j = n - 1; j >= 0; --j) {
        T s = unit ? x[j] : A(j, j) * x[j];
        for (index i = 0; i < j; ++i) s += A(i, j) * x[i];
        x[j] = s;
      }
    } else {
      // x_j := sum_{i >= j} a_ij x_i (A^T is upper): dot form, j ascending.
      for (index j = 0; j < n; ++j) {
        T s = unit ? x[j] : A(j, j) * x[j];
        for (index i = j + 1; i < n; ++i) s += A(i, j) * x[i];
        x[j] = s;
      }
    }
  }
}

template <class T>
void trsv_kernel(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x) {
  STELA_ASSERT(triangular_vector_shapes_fit(A, x.size()));
  const index n = A.rows();
  const bool unit = diag == Diag::unit;

  if (trans == Op::none) {
    if (uplo == Uplo::upper) {
      // Back substitution, column form: x_j := x_j / a_jj, then x(0:j) -= x_j A(0:j, j).
      for (index j = n - 1; j >= 0; --j) {
        if (!unit) x[j] /= A(j, j);
        const T xj = x[j];
        for (index i = 0; i < j; ++i) x[i] -= A(i, j) * xj;
      }
    } else {
      // Forward substitution, column form.
      for (index j = 0; j < n; ++j) {
        if (!unit) x[j] /= A(j, j);
        const T xj = x[j];
        for (index i = j + 1; i < n; ++i) x[i] -= A(i, j) * xj;
      }
    }
  } else {
    if (uplo == Uplo::upper) {
      // A^T is lower: forward substitution, dot form x_j := (x_j - A(0:j, j)^T x(0:j)) / a_jj.
      for (index j = 0; j < n; ++j) {
        T s = x[j];
        for (index i = 0; i < j; ++i) s -= A(i, j) * x[i];
        x[j] = unit ? s : s / A(j, j);
      }
    } else {
      // A^T is upper: back substitution, dot form.
      for (index j = n - 1; j >= 0; --j) {
        T s = x[j];
        for (index i = j + 1; i < n; ++i) s -= A(i, j) * x[i];
        x[j] = unit ? s : s / A(j, j);
      }
    }
  }
}

}  // namespace detail

// The checked entries: shapes, then the kernel.

template <class T>
Status gemv(Op trans, T alpha, MatrixView<const T> A, VectorView<const T> x, T beta, VectorView<T> y) {
  if (!detail::gemv_shapes_fit(trans, A, x.size(), y.size())) return Status::dimension_mismatch;
  detail::gemv_kernel(trans, alpha, A, x, beta, y);
  return Status::ok;
}

template <class T>
Status ger(T alpha, VectorView<const T> x, VectorView<const T> y, MatrixView<T> A) {
  if (x.size() != A.rows() || y.size() != A.cols()) return Status::dimension_mismatch;
  detail::ger_kernel(alpha, x, y, A);
  return Status::ok;
}

template <class T>
Status trmv(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x) {
  if (!detail::triangular_vector_shapes_fit(A, x.size())) return Status::dimension_mismatch;
  detail::trmv_kernel(uplo, trans, diag, A, x);
  return Status::ok;
}

template <class T>
Status trsv(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x) {
  if (!detail::triangular_vector_shapes_fit(A, x.size())) return Status::dimension_mismatch;
  detail::trsv_kernel(uplo, trans, diag, A, x);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                              \
  template void detail::gemv_kernel<T>(Op, T, MatrixView<const T>, VectorView<const T>, T, VectorView<T>); \
  template void detail::ger_kernel<T>(T, VectorView<const T>, VectorView<const T>, MatrixView<T>);         \
  template void detail::trmv_kernel<T>(Uplo, Op, Diag, MatrixView<const T>, VectorView<T>);                \
  template void detail::trsv_kernel<T>(Uplo, Op, Diag, MatrixView<const T>, VectorView<T>);                \
  template Status gemv<T>(Op, T, MatrixView<const T>, VectorView<const T>, T, VectorView<T>);             \
  template Status ger<T>(T, VectorView<const T>, VectorView<const T>, MatrixView<T>);                     \
  template Status trmv<T>(Uplo, Op, Diag, MatrixView<const T>, VectorView<T>);                            \
  template Status trsv<T>(Uplo, Op, Diag, MatrixView<const T>, VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
