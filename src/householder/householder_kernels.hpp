// Internal to stela's sources (not installed): the unchecked Householder kernels behind
// the checked entries of stela/householder.hpp.
//
// Each entry checks the shapes, returns Status::dimension_mismatch if they do not fit,
// and otherwise makes one call of its kernel. The factorizations and the solves, whose
// shapes fit by construction, call the kernels: they compute what the entries document,
// cannot fail, and return nothing.
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// C := H C, H = I - tau [1; v_tail] [1; v_tail]^T, C with 1 + v_tail.size() rows
// (src/householder/householder_reflector.cpp).
template <class T>
void householder_apply_left_kernel(VectorView<const T> v_tail, T tau, MatrixView<T> C);

// C := C H, C with 1 + v_tail.size() columns; work has C.rows() entries.
template <class T>
void householder_apply_right_kernel(VectorView<const T> v_tail, T tau, MatrixView<T> C, VectorView<T> work);

// The k x k triangle T with H_0 ... H_{k-1} = I - V T V^T (src/householder/householder_block.cpp).
template <class T>
void householder_block_factor_kernel(MatrixView<const T> V, VectorView<const T> tau, MatrixView<T> Ttri);

// C := op(I - V T V^T) C (side left) or C op(I - V T V^T) (side right); work is
// C.cols() x k (left) or C.rows() x k (right). Its two gemms run packed when `packing`
// holds householder_block_apply_packing_size(C.rows(), C.cols(), k).
template <class T>
void householder_block_apply_kernel(Side side, Op trans, MatrixView<const T> V, MatrixView<const T> Ttri,
                                    MatrixView<T> C, MatrixView<T> work, Workspace packing = Workspace());

// The packing buffers of the two gemms of a block of k reflectors applied to C m x n
// from either side: W := C^T V (n x k, inner m) and C := C - V W^T (m x n, inner k), or
// their mirrors. Optimal only (minimum 0).
template <class T>
WorkspaceSize householder_block_apply_packing_size(index m, index n, index k) {
  return max(max(gemm_workspace_size<T>(n, k, m), gemm_workspace_size<T>(m, k, n)), gemm_workspace_size<T>(m, n, k));
}

// The shapes householder_block_factor and householder_block_apply check.
template <class T>
bool block_factor_shapes_fit(MatrixView<const T> V, index tau_size, MatrixView<const T> Ttri) {
  const index k = V.cols();
  return k <= V.rows() && tau_size == k && Ttri.rows() == k && Ttri.cols() == k;
}

template <class T>
bool block_apply_shapes_fit(Side side, MatrixView<const T> V, MatrixView<const T> Ttri, index c_rows, index c_cols,
                            MatrixView<const T> work) {
  const index k = V.cols();
  const index n_v = side == Side::left ? c_rows : c_cols;  // the order of H
  const index n_w = side == Side::left ? c_cols : c_rows;  // rows of work
  return V.rows() == n_v && k <= n_v && Ttri.rows() == k && Ttri.cols() == k && work.rows() == n_w &&
         work.cols() == k;
}

}  // namespace stela::detail
