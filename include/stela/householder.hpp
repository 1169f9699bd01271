// stela/householder.hpp — Householder reflectors: generation, application, blocks.
//
// A reflector is H = I - tau v v^T with v = [1; v_tail]: the leading 1 is implicit, so
// v_tail can live below a diagonal entry that holds something else (in QR, R's
// diagonal). H is symmetric and orthogonal (tau = 0 gives H = I, otherwise
// tau in [1, 2] and tau v^T v = 2).
//
// Several reflectors H_0 H_1 ... H_{k-1} act as one block reflector I - V T V^T
// (the compact WY form of Schreiber and Van Loan), with V (m x k) holding the v's as
// columns — unit lower trapezoidal — and T (k x k) upper triangular. Applying a block
// costs a few gemm/trmm calls instead of k rank-1 updates.
//
// Sources: src/householder/householder_reflector.cpp (generate, apply one),
//          src/householder/householder_block.cpp (T factor, apply a block).
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/status.hpp"

namespace stela {

// Generates H with H [alpha; x] = [beta; 0] (LAPACK xLARFG semantics):
//   on entry  alpha, x   the vector to reduce;
//   on exit   alpha := beta = -sign(alpha) ||[alpha; x]||,  x := v_tail;
//   returns   tau, with tau = 0 (H = I) when x = 0, otherwise 1 <= tau <= 2.
// Vectors whose norm lies outside [safe_min / eps, eps / safe_min] are first scaled by
// an exact power of two, so tiny (subnormal) and huge inputs keep full relative
// accuracy in v and tau. When ||[alpha; x]|| exceeds the range of T (finite entries
// near the overflow threshold), alpha becomes +-Inf on exit while v and tau are still
// right: the caller decides (the factorizations report not_finite).
template <class T>
T householder_generate(T& alpha, VectorView<T> x);

// C := H C, H = I - tau [1; v_tail] [1; v_tail]^T, C with 1 + v_tail.size() rows.
// Column by column, no workspace.
template <class T>
Status householder_apply_left(VectorView<const T> v_tail, T tau, MatrixView<T> C);

// C := C H, C with 1 + v_tail.size() columns; work has C.rows() entries.
template <class T>
Status householder_apply_right(VectorView<const T> v_tail, T tau, MatrixView<T> C, VectorView<T> work);

// The k x k upper triangular T with H_0 H_1 ... H_{k-1} = I - V T V^T (LAPACK xLARFT,
// forward, column-wise). V is m x k with m >= k; its strict upper triangle and its
// diagonal are not read (the diagonal is taken as ones). Ttri's strict lower triangle
// is not written.
template <class T>
Status householder_block_factor(MatrixView<const T> V, VectorView<const T> tau, MatrixView<T> Ttri);

// C := H C, H^T C (side left) or C H, C H^T (side right), H = I - V T V^T (LAPACK
// xLARFB, forward, column-wise); trans = Op::transpose applies H^T. V is as for
// householder_block_factor with as many rows as C has rows (left) or columns (right).
// work is C.cols() x k (left) or C.rows() x k (right).
template <class T>
Status householder_block_apply(Side side, Op trans, MatrixView<const T> V, MatrixView<const T> Ttri,
                               MatrixView<T> C, MatrixView<T> work);

}  // namespace stela
