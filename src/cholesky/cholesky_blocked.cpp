// Cholesky factorization, blocked: A = L L^T by blocks of kBlock columns.
//
// Counterpart:  LAPACK xPOTRF (lower).
// Computes:     L lower triangular with positive diagonal such that A = L L^T.
// Storage:      as xPOTF2 (src/cholesky/cholesky_unblocked.cpp): the lower triangle of A is
//               overwritten by L, the strict upper triangle is never read or written.
//               On failure at column j, inside the block column J that starts at
//               column j0: columns 0 .. j0-1 hold L; J's diagonal block holds
//               A11 - L10 L10^T as xPOTF2 left it (columns j0 .. j-1 finished, A(j, j)
//               the pivot that was not positive); everything else still holds A.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 4.2 (block
//               Cholesky); LAPACK Users' Guide, 3rd ed., section 3.4 (block algorithms).
// Method:       left-looking by block columns, the order of xPOTRF. With the finished
//               block columns L10 (the rows of block J) and L20 (the rows below it):
//                   A11 := A11 - L10 L10^T        syrk, the diagonal block
//                   A11 =: L11 L11^T               xPOTF2 on the block
//                   A21 := A21 - L20 L10^T         gemm, the block column below
//                   L21 := A21 L11^{-T}            trsm
//               Every entry of block column J thus receives the update from all
//               earlier columns in one syrk and one gemm with inner dimension j.
// Cost:         n^3 / 3 flops, all but O(n^2 kBlock) of them in syrk, gemm and trsm.
// Workspace:    none at any block size (minimum = optimal = 0): blocks of kBlock always.
// Invariant:    before block column J (columns j .. j+jb-1), the columns 0 .. j-1 hold
//               L and A(0:j, 0:j) = L L^T there.
// Stability:    the same bound as the unblocked form, L L^T = A + dA with
//               |dA| <= gamma_{n+1} |L| |L^T| up to the order of summation (Higham,
//               Accuracy and Stability, 2nd ed., thm 10.3 and section 13.3).
// Failure:      dimension_mismatch, not_finite (A untouched), not_positive_definite
//               (info.failed_column; the global column of the failed pivot).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"

namespace stela {
namespace {

constexpr index kBlock = 64;  // block width: ILAENV's default NB for xPOTRF

}  // namespace

namespace detail {

template <class T>
index cholesky_blocked_kernel(MatrixView<T> A) {
  const index n = A.rows();
  for (index j = 0; j < n; j += kBlock) {
    const index jb = std::min(kBlock, n - j);
    const index below = n - j - jb;
    MatrixView<T> A11 = A.block(j, j, jb, jb);
    MatrixView<const T> L10 = A.block(j, 0, jb, j);
    // 1. A11 := A11 - L10 L10^T (lower triangle only)
    detail::syrk_kernel(Uplo::lower, Op::none, T(-1), L10, T(1), A11);
    // 2. A11 =: L11 L11^T
    const index failed = cholesky_unblocked_kernel(A11);
    if (failed >= 0) return j + failed;
    if (below == 0) break;
    MatrixView<T> A21 = A.block(j + jb, j, below, jb);
    // 3. A21 := A21 - L20 L10^T
    detail::gemm_kernel(Op::none, Op::transpose, T(-1), MatrixView<const T>(A.block(j + jb, 0, below, j)), L10, T(1),
                        A21);
    // 4. L21 := A21 L11^{-T}
    detail::trsm_kernel(Side::right, Uplo::lower, Op::transpose, Diag::non_unit, T(1), MatrixView<const T>(A11), A21);
  }
  return -1;
}

}  // namespace detail

template <class T>
Status cholesky_blocked_inplace(MatrixView<T> A, CholeskyInfo<T>& info) {
  // Checks: shape, finiteness, empty.
  const index n = A.rows();
  if (A.cols() != n) return Status::dimension_mismatch;
  if (!detail::lower_triangle_finite(MatrixView<const T>(A))) return Status::not_finite;
  info = CholeskyInfo<T>{};
  info.tries = 1;
  if (n == 0) return Status::ok;

  info.failed_column = detail::cholesky_blocked_kernel(A);
  return info.failed_column < 0 ? Status::ok : Status::not_positive_definite;
}

#define STELA_INSTANTIATE(T)                                                   \
  template index detail::cholesky_blocked_kernel<T>(MatrixView<T>);            \
  template Status cholesky_blocked_inplace<T>(MatrixView<T>, CholeskyInfo<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
