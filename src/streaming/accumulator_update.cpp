// Adding rows to the QR accumulator: one row by Givens rotations, a block by the
// structured Householder QR of [R; block], both with an optional forgetting factor.
//
// Counterparts: LINPACK xCHUD (add_row: updating a triangular factor by a row, with
//               Givens rotations); LAPACK xTPQRT2 (add_rows, through stacked_qr).
// Computes:     R_new with R_new^T R_new = lambda R^T R + u u^T, u = [x; y] (add_row);
//               add_rows applies that to each row of [Xb | Yb] in order, which is
//               R_new^T R_new = lambda^b R^T R + sum_i lambda^(b-1-i) u_i u_i^T.
// Storage:      R ((d + k) x (d + k), upper triangle) is updated in place; x, y, Xb and
//               Yb are only read (copied into the workspace, where they are reduced).
// Method:       add_row. With p = d + k, G_i the rotation in the plane of row i of R and
//               the new row u:
//                   for i = 0 .. p-1:  G_i [r_ii; u_i] = [r_ii'; 0],
//                                      [R(i, i+1:p); u(i+1:p)] := G_i [R(i, i+1:p); u(i+1:p)]
//               so u is annihilated from the left and R stays upper triangular (GVL
//               6.5, appending a row). The first d rotations reduce x against R11 and
//               leave in u(d:p) the part of y that the fit to the rows so far does not
//               explain; the last k rotate that part into R22.
//               add_rows. The block is copied into the workspace in chunks of c rows
//               (all of them when the workspace allows), each chunk row i scaled by
//               sqrt(lambda)^(c-1-i) and R by sqrt(lambda)^c, and [R; chunk] is reduced
//               by stacked_qr, which never touches R's zeros.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., 5.1.8 (Givens
//               rotations), 6.5 (updating); J. J. Dongarra, J. R. Bunch, C. B. Moler and
//               G. W. Stewart, LINPACK Users' Guide, SIAM 1979, ch. 10 (xCHUD); for the
//               forgetting factor, S. Haykin, Adaptive Filter Theory, 4th ed., 2002
//               (QR-decomposition-based recursive least squares).
// Flops:        add_row 3 p^2 (6 (p - i) per rotation) plus p^2 / 2 when lambda < 1;
//               add_rows 2 b p^2 (stacked_qr), about 2/3 of b calls of add_row, and
//               level-2 kernels (gemv, ger) instead of rotations of strided rows.
// Workspace:    add_row: u, p entries. add_rows: a chunk of c x p and w (p entries);
//               c = as many rows as fit, at least one (minimum c = 1, optimal c = b).
// Invariant:    add_row, before rotation i: u(0:i) = 0 and R^T R + u u^T =
//               lambda R_0^T R_0 + u_0 u_0^T (the rotations preserve it), so once u = 0,
//               R is the new factor.
//               add_rows, between chunks: R is the R of everything added so far.
// Stability:    backward stable: every step is an orthogonal transformation (Givens or
//               Householder), so R_new is the exact R of the weighted rows plus E with
//               ||E||_F <= c n eps ||rows||_F for n rows, the order of the bound for
//               Householder QR of all the rows at once (Higham, Accuracy and Stability,
//               2nd ed., ch. 19). The rotations are xLARTG's safe ones (stela::givens),
//               so rows near the overflow or underflow thresholds are reduced without
//               spurious overflow.
// Statuses:     dimension_mismatch, invalid_argument (lambda not in (0, 1]),
//               workspace_too_small, not_finite (NaN or Inf in the rows); the
//               accumulator is untouched on each.
#include <algorithm>
#include <cmath>

#include "stacked_qr.hpp"
#include "stela/blas.hpp"
#include "stela/streaming.hpp"

namespace stela {
namespace {

template <class T>
bool valid_forgetting_factor(T lambda) {
  return lambda > T(0) && lambda <= T(1);  // false for NaN
}

// R := s R on the upper triangle (the strict lower triangle stays zero).
template <class T>
void scale_upper(MatrixView<T> R, T s) {
  for (index j = 0; j < R.cols(); ++j) scal(s, R.col(j).segment(0, j + 1));
}

// The rows of a chunk: the most (up to b) for which a c x p matrix and a p-vector fit.
template <class T>
index chunk_rows(Workspace work, index p, index b) {
  const std::size_t row_bytes = static_cast<std::size_t>(p) * sizeof(T);
  index c = std::min<index>(b, static_cast<index>(work.remaining() / row_bytes));
  c = std::max<index>(c, 1);
  while (c > 1 && !work.holds(WorkspaceSize::matrix<T>(c, p) + WorkspaceSize::vector<T>(p))) --c;
  return c;
}

}  // namespace

template <class T>
WorkspaceSize QrAccumulator<T>::add_row_workspace_size(index d, index k) {
  return WorkspaceSize::vector<T>(d + k);
}

template <class T>
WorkspaceSize QrAccumulator<T>::add_rows_workspace_size(index d, index k, index block_rows) {
  // Minimum: chunks of one row; optimal: chunks of block_rows.
  const index p = d + k;
  auto chunk = [p](index c) { return WorkspaceSize::matrix<T>(c, p) + WorkspaceSize::vector<T>(p); };
  return WorkspaceSize::range(chunk(1), chunk(std::max<index>(block_rows, 1)));
}

template <class T>
Status QrAccumulator<T>::add_row(VectorView<const T> x, VectorView<const T> y, Workspace work, T lambda) {
  if (x.size() != d_ || y.size() != k_) return Status::dimension_mismatch;
  if (!valid_forgetting_factor(lambda)) return Status::invalid_argument;
  if (!work.holds(add_row_workspace_size(d_, k_))) return Status::workspace_too_small;
  if (!all_finite(x) || !all_finite(y)) return Status::not_finite;
  const index p = order();
  if (p == 0) {
    ++n_;
    return Status::ok;
  }

  // 1. u := [x; y]
  VectorView<T> u = work.vector<T>(p);
  copy(x, u.segment(0, d_));
  copy(y, u.segment(d_, k_));
  // 2. R := sqrt(lambda) R (and so its error)
  if (lambda < T(1)) {
    scale_upper(R_, std::sqrt(lambda));
    error_ *= std::sqrt(lambda);
  }
  // 3. Annihilate u against R, one rotation per diagonal entry.
  for (index i = 0; i < p; ++i) {
    if (u[i] == T(0)) continue;  // G_i = I
    // G_i [r_ii; u_i] = [r; 0]
    const Givens<T> G = givens(R_(i, i), u[i]);
    R_(i, i) = G.r;
    // [R(i, i+1:p); u(i+1:p)] := G_i [R(i, i+1:p); u(i+1:p)]
    rot(R_.row(i).segment(i + 1, p - i - 1), u.segment(i + 1, p - i - 1), G.c, G.s);
  }
  ++n_;
  return Status::ok;
}

template <class T>
Status QrAccumulator<T>::add_rows(MatrixView<const T> Xb, MatrixView<const T> Yb, Workspace work, T lambda) {
  const index b = Xb.rows();
  if (Xb.cols() != d_ || Yb.cols() != k_ || (k_ > 0 && Yb.rows() != b)) return Status::dimension_mismatch;
  if (!valid_forgetting_factor(lambda)) return Status::invalid_argument;
  if (!work.holds(add_rows_workspace_size(d_, k_, 1))) return Status::workspace_too_small;
  if (!all_finite(Xb) || !all_finite(Yb)) return Status::not_finite;
  const index p = order();
  if (b == 0) return Status::ok;
  if (p == 0) {
    n_ += b;
    return Status::ok;
  }

  const index c_max = chunk_rows<T>(work, p, b);
  VectorView<T> w = work.vector<T>(p);
  MatrixView<T> chunk = work.matrix<T>(c_max, p);
  const T root_lambda = std::sqrt(lambda);
  for (index start = 0; start < b; start += c_max) {
    const index c = std::min(c_max, b - start);
    MatrixView<T> B = chunk.block(0, 0, c, p);
    // 1. B := [Xb | Yb](start:start+c, :)
    copy(Xb.block(start, 0, c, d_), B.col_block(0, d_));
    if (k_ > 0) copy(Yb.block(start, 0, c, k_), B.col_block(d_, k_));
    // 2. Forgetting: row i of the chunk gets weight sqrt(lambda)^(c-1-i), R gets
    //    sqrt(lambda)^c, as c calls of add_row would give them.
    if (lambda < T(1)) {
      T weight = T(1);
      for (index i = c - 1; i >= 0; --i) {
        scal(weight, B.row(i));
        weight *= root_lambda;
      }
      scale_upper(R_, weight);
      error_ *= weight;
    }
    // 3. R := the R of [R; B]
    const Status status = detail::stacked_qr(R_, B, detail::StackedShape::rectangular, w);
    if (status != Status::ok) return status;
    n_ += c;
  }
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                \
  template WorkspaceSize QrAccumulator<T>::add_row_workspace_size(index, index);                             \
  template WorkspaceSize QrAccumulator<T>::add_rows_workspace_size(index, index, index);                     \
  template Status QrAccumulator<T>::add_row(VectorView<const T>, VectorView<const T>, Workspace, T);         \
  template Status QrAccumulator<T>::add_rows(MatrixView<const T>, MatrixView<const T>, Workspace, T);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
