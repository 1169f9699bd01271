// Block reflectors in compact WY form: the T factor, and applying the block.
//
// Counterparts: LAPACK xLARFT (forward, column-wise) and xLARFB (forward,
//               column-wise, both sides, H or H^T).
// Computes:     T upper triangular with H_0 H_1 ... H_{k-1} = I - V T V^T, and
//               C := H C, H^T C, C H or C H^T.
// Reference:    R. Schreiber and C. Van Loan, "A storage-efficient WY representation
//               for products of Householder transformations", SIAM J. Sci. Stat.
//               Comput. 10(1), 1989; Golub & Van Loan, Matrix Computations, 4th ed.,
//               section 5.1.7.
// Storage:      V is m x k, m >= k, unit lower trapezoidal: column i is
//               [0 (i entries); 1; v_tail_i]. Only the strict lower triangle is read,
//               so V can be the lower part of a QR factorization whose upper triangle
//               holds R. V = [V1; V2] with V1 the k x k unit lower triangle.
// Recurrence:   with T_i the factor of the first i reflectors,
//                 T_{i+1} = [T_i  -tau_i T_i V(:, 0:i)^T v_i;  0  tau_i].
// Cost:         factor k^2 m flops; apply 4mnk flops (C m x n, side left), nearly all
//               of it in gemm.
// Stability:    as the reflectors applied one at a time (GVL 5.1.7): backward stable.
// Workspace:    apply: the caller's work, C.cols() x k (left) or C.rows() x k (right);
//               and, optionally, the packing buffers of its two gemms
//               (householder_block_apply_packing_size), with which they run packed.
#include "../blas/blas_kernels.hpp"
#include "householder_kernels.hpp"
#include "stela/householder.hpp"

namespace stela {

template <class T>
void detail::householder_block_factor_kernel(MatrixView<const T> V, VectorView<const T> tau, MatrixView<T> Ttri) {
  STELA_ASSERT(block_factor_shapes_fit(V, tau.size(), MatrixView<const T>(Ttri)));
  const index m = V.rows();
  const index k = V.cols();
  for (index i = 0; i < k; ++i) {
    VectorView<T> t = Ttri.col(i).segment(0, i);  // T(0:i, i)
    if (tau[i] == T(0)) {
      // H_i = I: the new column of T is zero.
      fill(t, T(0));
      Ttri(i, i) = 0;
      continue;
    }
    // t := -tau_i V(:, 0:i)^T v_i, where v_i = [0; 1; V(i+1:m, i)]:
    //      the row V(i, 0:i) times the implicit 1, plus V(i+1:m, 0:i)^T V(i+1:m, i).
    for (index j = 0; j < i; ++j) t[j] = -tau[i] * V(i, j);
    gemv_kernel(Op::transpose, -tau[i], V.block(i + 1, 0, m - i - 1, i), V.col(i).segment(i + 1, m - i - 1), T(1), t);
    // t := T(0:i, 0:i) t
    trmv_kernel(Uplo::upper, Op::none, Diag::non_unit, MatrixView<const T>(Ttri.block(0, 0, i, i)), t);
    Ttri(i, i) = tau[i];
  }
}

template <class T>
void detail::householder_block_apply_kernel(Side side, Op trans, MatrixView<const T> V, MatrixView<const T> Ttri,
                                            MatrixView<T> C, MatrixView<T> work, Workspace packing) {
  STELA_ASSERT(block_apply_shapes_fit(side, V, Ttri, C.rows(), C.cols(), MatrixView<const T>(work)));
  const index k = V.cols();
  const index n_v = side == Side::left ? C.rows() : C.cols();  // the order of H
  if (k == 0 || C.empty()) return;

  MatrixView<const T> V1 = V.block(0, 0, k, k);
  MatrixView<const T> V2 = V.block(k, 0, n_v - k, k);
  MatrixView<T> W = work;
  if (side == Side::left) {
    // H C = C - V T (V^T C), H^T C = C - V T^T (V^T C). With W = C^T V:
    MatrixView<T> C1 = C.row_block(0, k);
    MatrixView<T> C2 = C.row_block(k, n_v - k);
    // 1. W := C^T V = C1^T V1 + C2^T V2
    for (index j = 0; j < k; ++j) copy(VectorView<const T>(C1.row(j)), W.col(j));
    trmm_kernel(Side::right, Uplo::lower, Op::none, Diag::unit, T(1), V1, W);
    gemm_kernel(Op::transpose, Op::none, T(1), MatrixView<const T>(C2), V2, T(1), W, packing);
    // 2. W := W T^T (for H) or W T (for H^T)
    trmm_kernel(Side::right, Uplo::upper, trans == Op::none ? Op::transpose : Op::none, Diag::non_unit, T(1), Ttri, W);
    // 3. C := C - V W^T:  C2 -= V2 W^T;  C1 -= (W V1^T)^T
    gemm_kernel(Op::none, Op::transpose, T(-1), V2, MatrixView<const T>(W), T(1), C2, packing);
    trmm_kernel(Side::right, Uplo::lower, Op::transpose, Diag::unit, T(1), V1, W);
    for (index j = 0; j < k; ++j) axpy(T(-1), VectorView<const T>(W.col(j)), C1.row(j));
  } else {
    // C H = C - (C V) T V^T, C H^T = C - (C V) T^T V^T. With W = C V:
    MatrixView<T> C1 = C.col_block(0, k);
    MatrixView<T> C2 = C.col_block(k, n_v - k);
    // 1. W := C V = C1 V1 + C2 V2
    copy(MatrixView<const T>(C1), W);
    trmm_kernel(Side::right, Uplo::lower, Op::none, Diag::unit, T(1), V1, W);
    gemm_kernel(Op::none, Op::none, T(1), MatrixView<const T>(C2), V2, T(1), W, packing);
    // 2. W := W T (for H) or W T^T (for H^T)
    trmm_kernel(Side::right, Uplo::upper, trans, Diag::non_unit, T(1), Ttri, W);
    // 3. C := C - W V^T:  C2 -= W V2^T;  C1 -= W V1^T
    gemm_kernel(Op::none, Op::transpose, T(-1), MatrixView<const T>(W), V2, T(1), C2, packing);
    trmm_kernel(Side::right, Uplo::lower, Op::transpose, Diag::unit, T(1), V1, W);
    for (index j = 0; j < k; ++j) axpy(T(-1), VectorView<const T>(W.col(j)), C1.col(j));
  }
}

// The checked entries: shapes, then the kernel.

template <class T>
Status householder_block_factor(MatrixView<const T> V, VectorView<const T> tau, MatrixView<T> Ttri) {
  if (!detail::block_factor_shapes_fit(V, tau.size(), MatrixView<const T>(Ttri))) return Status::dimension_mismatch;
  detail::householder_block_factor_kernel(V, tau, Ttri);
  return Status::ok;
}

template <class T>
Status householder_block_apply(Side side, Op trans, MatrixView<const T> V, MatrixView<const T> Ttri,
                               MatrixView<T> C, MatrixView<T> work) {
  if (!detail::block_apply_shapes_fit(side, V, Ttri, C.rows(), C.cols(), MatrixView<const T>(work)))
    return Status::dimension_mismatch;
  detail::householder_block_apply_kernel(side, trans, V, Ttri, C, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                               \
  template void detail::householder_block_factor_kernel<T>(MatrixView<const T>, VectorView<const T>,        \
                                                           MatrixView<T>);                                  \
  template void detail::householder_block_apply_kernel<T>(Side, Op, MatrixView<const T>, MatrixView<const T>, \
                                                          MatrixView<T>, MatrixView<T>, Workspace);         \
  template Status householder_block_factor<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>);   \
  template Status householder_block_apply<T>(Side, Op, MatrixView<const T>, MatrixView<const T>,           \
                                             MatrixView<T>, MatrixView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
