// Cholesky factorization, unblocked: A = L L^T one column at a time.
//
// Counterpart:  LAPACK xPOTF2 (lower).
// Computes:     L lower triangular with positive diagonal such that A = L L^T, for A
//               symmetric positive definite.
// Storage:      entry: the lower triangle of A; the strict upper triangle is never read
//               or written. exit: L over the lower triangle. On failure at column j:
//               columns 0 .. j-1 hold L, A(j, j) holds the pivot a_jj - sum_k l_jk^2
//               that was not positive, columns j+1 .. n-1 still hold A.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 4.2 (gaxpy
//               Cholesky); Higham, Accuracy and Stability of Numerical Algorithms,
//               2nd ed., chapter 10.
// Method:       left-looking ("gaxpy" / dot) form: column j is A(j:n, j) minus the
//               contributions of the finished columns 0 .. j-1, then divided by its
//               pivot:
//                   l_jj   = sqrt(a_jj - L(j, 0:j) L(j, 0:j)^T)
//                   L(j+1:n, j) = (A(j+1:n, j) - L(j+1:n, 0:j) L(j, 0:j)^T) / l_jj
// Cost:         n^3 / 3 flops.
// Workspace:    none.
// Invariant:    before step j, columns 0 .. j-1 hold L and A(0:j, 0:j) = L11 L11^T.
// Stability:    backward stable whenever it completes: L L^T = A + dA with
//               |dA| <= gamma_{n+1} |L| |L^T| (Higham thm 10.3); it completes when
//               the scaled condition number is below about 1 / (n^{3/2} eps) (thm 10.7).
// Failure:      dimension_mismatch (not square), not_finite (the lower triangle holds
//               NaN or Inf; A untouched), not_positive_definite (a pivot is zero,
//               negative or NaN; info.failed_column = its column).
#include <cmath>

#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"

namespace stela {

namespace detail {

template <class T>
index cholesky_unblocked_kernel(MatrixView<T> A) {
  // Written as plain loops over the columns (contiguous in memory), not as calls of dot,
  // gemv and scal: at the orders this kernel serves (n <= 64, the recursion base of the
  // blocked form) the calls cost more than the arithmetic (0.66 us at n = 8 before,
  // against dpotrf's 0.21 us).
  const index n = A.rows();
  const index ld = A.ld();
  T* a = A.data();
  for (index j = 0; j < n; ++j) {
    T* aj = a + j * ld;  // column j
    // 1. The pivot: d = a_jj - L(j, 0:j) L(j, 0:j)^T. It must be positive; NaN fails
    //    this test as well (A(j, j) := d, column j below the diagonal still A's).
    T d = aj[j];
    for (index k = 0; k < j; ++k) d -= a[j + k * ld] * a[j + k * ld];
    if (!(d > T(0))) {
      aj[j] = d;
      return j;
    }
    const T ljj = std::sqrt(d);
    aj[j] = ljj;
    // 2. A(j+1:n, j) := A(j+1:n, j) - L(j+1:n, 0:j) L(j, 0:j)^T, four columns of L at
    //    a time (gaxpy form): column j is loaded and stored once per four columns, not
    //    once per column, which took n = 32 from 2.3 to 1.7 us and 64 from 13.4 to 8.2 us
    //    in bench_cholesky 'unblocked' (an AVX2 copy of this loop gained nothing more).
    index k = 0;
    for (; k + 4 <= j; k += 4) {
      const T* a0 = a + k * ld;
      const T* a1 = a0 + ld;
      const T* a2 = a1 + ld;
      const T* a3 = a2 + ld;
      const T l0 = a0[j], l1 = a1[j], l2 = a2[j], l3 = a3[j];
      for (index i = j + 1; i < n; ++i) aj[i] -= (l0 * a0[i] + l1 * a1[i]) + (l2 * a2[i] + l3 * a3[i]);
    }
    for (; k < j; ++k) {
      const T* ak = a + k * ld;
      const T ljk = ak[j];
      for (index i = j + 1; i < n; ++i) aj[i] -= ljk * ak[i];
    }
    // 3. L(j+1:n, j) := A(j+1:n, j) / l_jj
    const T inv = T(1) / ljj;
    for (index i = j + 1; i < n; ++i) aj[i] *= inv;
  }
  return -1;
}

}  // namespace detail

template <class T>
Status cholesky_unblocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info) {
  // Checks: shape, finiteness, empty.
  if (A.rows() != A.cols()) return Status::dimension_mismatch;
  if (!detail::lower_triangle_finite(MatrixView<const T>(A))) return Status::not_finite;
  info = CholeskyInfo<T>{};
  info.tries = 1;
  if (A.rows() == 0) return Status::ok;

  info.failed_column = detail::cholesky_unblocked_kernel(A);
  return info.failed_column < 0 ? Status::ok : Status::not_positive_definite;
}

#define STELA_INSTANTIATE(T)                                                     \
  template index detail::cholesky_unblocked_kernel<T>(MatrixView<T>);            \
  template Status cholesky_unblocked_inplace<T>(MatrixView<T>, CholeskyInfo<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
