// The QR factorization of an upper triangle stacked on a block: [R; B] = Q [R_new; 0].
//
// Counterpart:  LAPACK xTPQRT2 (the "triangular-pentagonal" QR, one reflector at a
//               time), for its two extreme shapes: B rectangular (L = 0: new rows under
//               an accumulator's R) and B upper triangular (L = n: another R, the TSQR
//               reduction).
// Computes:     R_new, p x p upper triangular, with R_new^T R_new = R^T R + B^T B:
//               H_{p-1} ... H_0 [R; B] = [R_new; 0], H_j = I - tau_j v_j v_j^T.
// Storage:      on entry R (p x p, upper triangle read and written, strict lower
//               triangle neither) and B (b x p; for upper_triangular b = p and only its
//               upper triangle is read). On exit R holds R_new and B the reflectors'
//               tails v_j (B's column j, rows 0..m_j - 1); the caller discards them.
// Structure:    v_j is non-zero only in row j of R and in the rows of B that can be
//               non-zero in column j: all b of them (rectangular) or the first j + 1
//               (triangular). Rows j + 1 .. p - 1 of R are zero in column j and stay
//               out of H_j entirely: the zeros of R are never factored again, which is
//               what makes a block of b rows cost O(b p^2) instead of the O((p + b) p^2)
//               of a QR of the stacked (p + b) x p matrix.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., 5.2.1 (Householder QR)
//               and 6.5 (updating a QR factorization by appended rows); J. Demmel,
//               L. Grigori, M. Hoemmen and J. Langou, "Communication-optimal parallel
//               and sequential QR and LU factorizations", SIAM J. Sci. Comput. 34(1),
//               2012 (TSQR: the structured QR of two stacked triangles is its
//               reduction step).
// Flops:        4 b (p - j) for column j: 2 b p^2 in all (rectangular); 4 (j + 1)(p - j),
//               2 p^3 / 3 in all (triangular).
// Workspace:    w, p entries (w = v_j^T [R(j, j+1:p); B(:, j+1:p)]).
// Invariant:    before column j, rows 0..j-1 of R hold their final values, columns
//               0..j-1 of B are reduced to reflector tails, and [R(j:p, j:p); B(:, j:p)]
//               is the part of H_{j-1} ... H_0 [R; B] still to reduce.
// Stability:    backward stable, as any Householder QR: R_new is the exact R of
//               [R; B] + E with ||E||_F <= c p (b + 1) eps ||[R; B]||_F (GVL 5.2.2;
//               Higham, Accuracy and Stability, 2nd ed., thm 19.4). The reflectors are
//               generated with householder_generate's safe scaling, so entries near the
//               overflow or underflow thresholds keep full relative accuracy.
// Statuses:     dimension_mismatch (R not square, B of the wrong width, or not square
//               for upper_triangular, w not of p entries); R and B untouched.
#include <algorithm>

#include "stacked_qr.hpp"
#include "stela/blas.hpp"
#include "stela/householder.hpp"

namespace stela::detail {

template <class T>
Status stacked_qr(MatrixView<T> R, MatrixView<T> B, StackedShape shape, VectorView<T> w) {
  const index p = R.rows();
  const index b = B.rows();
  if (R.cols() != p || B.cols() != p || w.size() != p) return Status::dimension_mismatch;
  if (shape == StackedShape::upper_triangular && b != p) return Status::dimension_mismatch;
  if (b == 0) return Status::ok;

  for (index j = 0; j < p; ++j) {
    // The rows of B that can be non-zero in column j.
    const index m = shape == StackedShape::rectangular ? b : std::min(j + 1, b);
    VectorView<T> v_tail = B.col(j).segment(0, m);
    // 1. H_j [r_jj; B(0:m, j)] = [beta_j; 0]:  r_jj := beta_j,  B(0:m, j) := v_j's tail.
    const T tau = householder_generate(R(j, j), v_tail);
    const index rest = p - j - 1;
    if (tau == T(0) || rest == 0) continue;
    VectorView<T> r_row = R.row(j).segment(j + 1, rest);
    MatrixView<T> B_rest = B.block(0, j + 1, m, rest);
    VectorView<T> w_rest = w.segment(0, rest);
    // 2. w := R(j, j+1:p)^T + B(0:m, j+1:p)^T v_tail   (= [R(j, j+1:p); B(0:m, j+1:p)]^T v_j)
    copy(VectorView<const T>(r_row), w_rest);
    Status status = gemv(Op::transpose, T(1), MatrixView<const T>(B_rest), VectorView<const T>(v_tail), T(1), w_rest);
    if (status != Status::ok) return status;
    // 3. R(j, j+1:p) := R(j, j+1:p) - tau w^T
    axpy(-tau, VectorView<const T>(w_rest), r_row);
    // 4. B(0:m, j+1:p) := B(0:m, j+1:p) - tau v_tail w^T
    status = ger(-tau, VectorView<const T>(v_tail), VectorView<const T>(w_rest), B_rest);
    if (status != Status::ok) return status;
  }
  return Status::ok;
}

template Status stacked_qr<float>(MatrixView<float>, MatrixView<float>, StackedShape, VectorView<float>);
template Status stacked_qr<double>(MatrixView<double>, MatrixView<double>, StackedShape, VectorView<double>);

}  // namespace stela::detail
