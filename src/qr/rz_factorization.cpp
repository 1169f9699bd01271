// RZ factorization: an upper trapezoid made triangular by reflectors from the right.
//
// Counterparts: LAPACK xTZRZF / xLATRZ (factor, unblocked) and xORMRZ (apply Z, side
//               left).
// Computes:     [R1 R2] = [T 0] Z for R = [R1 R2], r x n with r <= n, R1 r x r upper
//               triangular; T r x r upper triangular, Z = Z_0 Z_1 ... Z_{r-1}
//               orthogonal. Z_i = I - tau_i z_i z_i^T with z_i = e_i + sum_c
//               z_i(c) e_c over c = r..n-1: it mixes coordinate i with the last n - r.
// Storage:      on entry R (its strict lower triangle is not read); on exit T in the
//               upper triangle of R(:, 0:r) and z_i(r:n) in R(i, r:n); tau_z[i] = tau_i.
// Method:       rows from the last to the first. Z_i is the reflector with
//               [r_ii, R(i, r:n)] Z_i = [t_ii, 0] (householder_generate on that row),
//               then rows 0..i-1 are multiplied by Z_i. Rows below i are unchanged by
//               Z_i: their entry in column i is zero (R1 is triangular) and their
//               entries in columns r..n-1 were zeroed by their own reflectors, so T stays
//               upper triangular and the zeros stay zero.
//               Applying: Z C = Z_0 (... (Z_{r-1} C)) takes the last reflector first,
//               Z^T C = Z_{r-1} (... (Z_0 C)) the first.
// Reference:    LAPACK Users' Guide, 3rd ed., section 2.4.2.3 (the RZ factorization of
//               a trapezoid, used by xGELSY); Golub & Van Loan, Matrix Computations,
//               4th ed., section 5.4.2 (complete orthogonal decomposition).
// Flops:        factor 2 r^2 (n - r); apply 4 r (n - r) w for C with w columns.
// Workspace:    factor: a vector of r; apply: none.
// Invariant:    after the reflectors of rows i..r-1, rows i..r-1 of R(:, r:n) hold
//               reflector tails, R(i:r, 0:r) holds the final rows of T, and rows 0..i-1
//               are the original rows times Z_i ... Z_{r-1}.
// Stability:    a product of Householder reflectors: backward stable, Z orthogonal to
//               working precision (Higham, Accuracy and Stability, 2nd ed., 19.3).
// Statuses:     dimension_mismatch (r > n, tau_z or C of the wrong size),
//               workspace_too_small, not_finite; the arguments are untouched on each.
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"

namespace stela {

template <class T>
WorkspaceSize rz_workspace_size(index r, index n) {
  return r < n ? WorkspaceSize::vector<T>(r) : WorkspaceSize();
}

template <class T>
void detail::rz_kernel(MatrixView<T> R, VectorView<T> tau_z, Workspace work) {
  const index r = R.rows();
  const index n = R.cols();
  STELA_ASSERT(r <= n && tau_z.size() == r && work.holds(rz_workspace_size<T>(r, n)));
  if (r == 0) return;
  if (r == n) {  // already triangular: Z = I
    fill(tau_z, T(0));
    return;
  }

  const index l = n - r;  // columns to annihilate
  VectorView<T> w = work.vector<T>(r);
  for (index i = r - 1; i >= 0; --i) {
    // 1. Z_i with [r_ii, R(i, r:n)] Z_i = [t_ii, 0]: r_ii := t_ii, R(i, r:n) := z_i(r:n).
    VectorView<T> z_tail = R.row(i).segment(r, l);
    tau_z[i] = householder_generate(R(i, i), z_tail);
    if (i == 0 || tau_z[i] == T(0)) continue;
    // 2. Rows 0..i-1 := themselves times Z_i, on the columns Z_i touches:
    //    w := R(0:i, i) + R(0:i, r:n) z_tail
    VectorView<T> wi = w.segment(0, i);
    copy(VectorView<const T>(R.col(i).segment(0, i)), wi);
    gemv_kernel(Op::none, T(1), MatrixView<const T>(R.block(0, r, i, l)), VectorView<const T>(z_tail), T(1), wi);
    //    R(0:i, i) := R(0:i, i) - tau_i w;  R(0:i, r:n) := R(0:i, r:n) - tau_i w z_tail^T
    axpy(-tau_z[i], VectorView<const T>(wi), R.col(i).segment(0, i));
    ger_kernel(-tau_z[i], VectorView<const T>(wi), VectorView<const T>(z_tail), R.block(0, r, i, l));
  }
}

template <class T>
void detail::rz_apply_z_kernel(Op trans, MatrixView<const T> RZ, VectorView<const T> tau_z, MatrixView<T> C) {
  const index r = RZ.rows();
  const index n = RZ.cols();
  STELA_ASSERT(r <= n && tau_z.size() == r && C.rows() == n);
  if (r == 0 || r == n || C.cols() == 0) return;

  const index l = n - r;
  MatrixView<T> C_tail = C.row_block(r, l);  // the coordinates r..n-1 every Z_i mixes in
  for (index s = 0; s < r; ++s) {
    const index i = trans == Op::transpose ? s : r - 1 - s;  // Z^T: Z_0 first; Z: Z_{r-1} first
    const T tau = tau_z[i];
    if (tau == T(0)) continue;
    VectorView<const T> z_tail = RZ.row(i).segment(r, l);
    for (index j = 0; j < C.cols(); ++j) {
      // C(:, j) := Z_i C(:, j):  s = c_i + z_tail^T c(r:n);  c_i -= tau s;  c(r:n) -= tau s z_tail
      const T s_j = C(i, j) + dot(z_tail, VectorView<const T>(C_tail.col(j)));
      C(i, j) -= tau * s_j;
      axpy(-tau * s_j, z_tail, C_tail.col(j));
    }
  }
}

// The checked entries: shapes, workspace, finiteness, then the kernel.

template <class T>
Status rz_inplace(MatrixView<T> R, VectorView<T> tau_z, Workspace work) {
  const index r = R.rows();
  const index n = R.cols();
  if (r > n || tau_z.size() != r) return Status::dimension_mismatch;
  if (!work.holds(rz_workspace_size<T>(r, n))) return Status::workspace_too_small;
  if (!detail::upper_finite(MatrixView<const T>(R))) return Status::not_finite;
  detail::rz_kernel(R, tau_z, work);
  return Status::ok;
}

template <class T>
Status rz_apply_z_inplace(Op trans, MatrixView<const T> RZ, VectorView<const T> tau_z, MatrixView<T> C) {
  const index r = RZ.rows();
  const index n = RZ.cols();
  if (r > n || tau_z.size() != r || C.rows() != n) return Status::dimension_mismatch;
  if (!all_finite(MatrixView<const T>(C)) || !all_finite(tau_z) || !all_finite(RZ.block(0, r, r, n - r)))
    return Status::not_finite;
  detail::rz_apply_z_kernel(trans, RZ, tau_z, C);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                         \
  template void detail::rz_kernel<T>(MatrixView<T>, VectorView<T>, Workspace);                        \
  template void detail::rz_apply_z_kernel<T>(Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>); \
  template WorkspaceSize rz_workspace_size<T>(index, index);                                          \
  template Status rz_inplace<T>(MatrixView<T>, VectorView<T>, Workspace);                             \
  template Status rz_apply_z_inplace<T>(Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
