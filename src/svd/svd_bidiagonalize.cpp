// Householder bidiagonalization, in panels that delay the trailing update (xLABRD) and
// one column at a time (xGEBD2); and forming or applying its orthogonal factors.
//
// Counterparts: LAPACK xGEBRD (its kernels xLABRD, blocked, and xGEBD2, unblocked) for
//               m >= n; xORGBR (VECT = 'Q' and VECT = 'P') for forming Q and P;
//               xORMBR (SIDE = 'L') for applying Q, Q^T, P or P^T to a matrix from the
//               left.
// Computes:     A = Q B P^T, B upper bidiagonal (diagonal d, superdiagonal e),
//               Q = H_0 H_1 ... H_{n-1} (m x m), P = G_0 G_1 ... G_{n-2} (n x n),
//               H_i = I - tauq_i u_i u_i^T acting on rows i.., zeroing A(i+1:m, i);
//               G_i = I - taup_i w_i w_i^T acting on columns i+1.., zeroing A(i, i+2:n).
// Storage:      on entry A is m x n, m >= n. On exit d_i = A(i, i), e_i = A(i, i+1);
//               u_i = [1; A(i+1:m, i)] (below the diagonal, as QR stores it) and
//               w_i = [1; A(i, i+2:n)^T] (right of the superdiagonal, along row i).
//               Q's reflectors are therefore a QR factorization's (tail of column i
//               below the diagonal, scalar tauq_i): forming and applying Q forward to
//               qr_form_q_inplace and qr_apply_q_inplace, as xORGBR and xORMBR call
//               xORGQR and xORMQR. P's lie along rows, one column right of the
//               diagonal; copied into the columns of P's own storage, shifted one row
//               and column, they are a QR factorization's too, so forming P is
//               qr_form_q_kernel on that copy (xORGBR does the same through xORGLQ).
// Reference:    G. H. Golub and W. Kahan, "Calculating the singular values and
//               pseudo-inverse of a matrix", SIAM J. Numer. Anal. Ser. B 2(2), 1965;
//               Golub & Van Loan, Matrix Computations, 4th ed., section 5.4.8
//               (algorithm 5.4.2); LAPACK Users' Guide, 3rd ed., section 3.4.3; the
//               panels: J. J. Dongarra, D. C. Sorensen and S. J. Hammarling, "Block
//               reduction of matrices to condensed forms for eigenvalue computations",
//               J. Comput. Appl. Math. 27, 1989.
// Blocked:      each step's two reflectors need the trailing block brought up to date
//               by all earlier ones, so a panel cannot be reduced apart from it as in
//               QR. The update is delayed instead: after i steps of a panel starting at
//               column p, the trailing block is A - U Y^T - X W^T, with U the panel's
//               column reflectors u_j (stored in A's columns), W's rows its row
//               reflectors w_j (stored in A's rows), and Y, X their coefficients, one
//               column per step:
//                 y_i = tauq_i (A - U Y^T - X W^T)^T u_i        (the left reflector),
//                 x_i = taup_i (A - U Y^T - X W^T) w_i           (the right one, with
//                                                                 u_i, y_i included).
//               Each step brings only its own column and row up to date; at the end of
//               the panel two gemms update the rest, A -= U Y^T + X W^T. Half the flops
//               become gemm; the other half are the two products of the trailing
//               block with u_i and w_i (level 2, as xLABRD's), which only read it,
//               where the unblocked step reads and writes it twice. Panels of
//               kBidiagonalBlock run while more than kBidiagonalCrossoverColumns columns
//               remain and the workspace holds their scratch; the rest is one column at
//               a time. The result equals the unblocked one up to rounding.
// Cost:         bidiagonalize 4mn^2 - 4n^3/3 flops (half of it gemm when blocked);
//               form Q (m x c) about 4mnc - 2(m + c)n^2 + 4n^3/3; form P 4n^3/3;
//               apply Q to m x c about 4mnc - 2n^2 c, apply P to n x c about 2n^2 c.
// Invariant:    after step i, the leading (i+1) x (i+1) block of B is final and
//               A(i+1:m, i+1:n) is the part still to be reduced (inside a panel:
//               A - U Y^T - X W^T is); Q^T A_0 P equals the current A with the
//               reflector storage read as zeros.
// Stability:    backward stable: the computed B is the exact bidiagonal of A + E with
//               ||E||_2 = O(mn eps ||A||_2) (GVL 5.4.8; Higham, Accuracy and Stability,
//               2nd ed., section 19.3), and the formed Q, P are orthogonal to O(eps).
//               The panels apply the same reflectors in another grouping: the same
//               bound holds.
// Workspace:    bidiagonalize: minimum one vector of m (for applying G_i from the
//               right); optimal adds X (m x nb), Y (n x nb), two vectors of n and one
//               of nb, and the packing buffers of the panels' gemms. Form and apply Q:
//               qr_form_q_inplace's and qr_apply_q_inplace's (none below their
//               blocking crossover); form P: qr_form_q's on n - 1 columns; apply P: one
//               vector of n (a contiguous copy of w_i).
// Failures:     dimension_mismatch (m < n, or d, e, tau, Q, C of the wrong size);
//               workspace_too_small; not_finite (NaN or Inf in A; for forming and
//               applying Q, in tauq, Q's reflectors or C).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "../householder/householder_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "svd_kernels.hpp"

namespace stela {

namespace {

// Columns per panel of the blocked form (xGEBRD's NB from ILAENV is 32 as well).
constexpr index kBidiagonalBlock = 32;
// Panels run while more than this many columns remain (xGEBRD's NX is 128): each step of
// a panel also reads the panel's earlier reflectors and coefficients (about
// 8 i (m + n) flops at step i), which on a small trailing block costs more than the
// delayed update saves.
constexpr index kBidiagonalCrossoverColumns = 128;

// The blocked form's scratch for panels of nb columns on an m x n A: X (m x nb),
// Y (n x nb), a contiguous row of n, a contiguous copy of w_i (n), aux (nb).
template <class T>
WorkspaceSize panel_scratch(index m, index n, index nb) {
  return WorkspaceSize::matrix<T>(m, nb) + WorkspaceSize::matrix<T>(n, nb) + WorkspaceSize::vector<T>(n) +
         WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(nb);
}

// The shapes bidiagonalize_inplace checks: m >= n, d, tauq, taup of n, e of n - 1 or n.
template <class T>
bool bidiagonal_shapes_fit(index m, index n, index d, index e, index tauq, index taup) {
  return m >= n && d == n && tauq == n && taup == n && (e == n || e == std::max<index>(n - 1, 0));
}

// The level-2 steps i = i_begin .. n-1 (xGEBD2); w has m entries.
template <class T>
void bidiagonal_steps(MatrixView<T> A, index i_begin, VectorView<T> d, VectorView<T> e, VectorView<T> tauq,
                      VectorView<T> taup, VectorView<T> w) {
  const index m = A.rows();
  const index n = A.cols();
  for (index i = i_begin; i < n; ++i) {
    // 1. H_i [A(i,i); A(i+1:m,i)] = [d_i; 0]: the column reflector.
    T alpha = A(i, i);
    tauq[i] = householder_generate(alpha, A.col(i).segment(i + 1, m - i - 1));
    A(i, i) = alpha;
    d[i] = alpha;
    // 2. A(i:m, i+1:n) := H_i A(i:m, i+1:n)
    detail::householder_apply_left_kernel(VectorView<const T>(A.col(i).segment(i + 1, m - i - 1)), tauq[i],
                                          A.block(i, i + 1, m - i, n - i - 1));
    if (i + 1 < n) {
      // 3. [A(i,i+1), A(i,i+2:n)] G_i = [e_i, 0]: the row reflector, on row i.
      T beta = A(i, i + 1);
      VectorView<T> w_tail = A.row(i).segment(i + 2, n - i - 2);
      taup[i] = householder_generate(beta, w_tail);
      A(i, i + 1) = beta;
      e[i] = beta;
      // 4. A(i+1:m, i+1:n) := A(i+1:m, i+1:n) G_i
      detail::householder_apply_right_kernel(VectorView<const T>(w_tail), taup[i],
                                             A.block(i + 1, i + 1, m - i - 1, n - i - 1), w.segment(0, m - i - 1));
    } else {
      taup[i] = T(0);
      if (e.size() == n) e[i] = T(0);
    }
  }
}

// Scratch of one panel (X, Y: rows indexed as A's; row, wv: contiguous vectors of n;
// aux: nb).
template <class T>
struct PanelScratch {
  MatrixView<T> X, Y;
  VectorView<T> row, wv, aux;
};

// The end of a panel of nb steps from column p, q = p + nb: the delayed update
// A(q:m, q:n) -= U(q:m, :) Y(q:n, :)^T + X(q:m, :) W(:, q:n) (W's last row has its unit
// entry at column q, in place), then d and e back on A's diagonal and superdiagonal.
template <class T>
void finish_panel(MatrixView<T> A, index p, index nb, VectorView<const T> d, VectorView<const T> e,
                  const PanelScratch<T>& s, Workspace work) {
  const index m = A.rows(), n = A.cols(), q = p + nb;
  MatrixView<T> trailing = A.block(q, q, m - q, n - q);
  detail::gemm_kernel(Op::none, Op::transpose, T(-1), MatrixView<const T>(A.block(q, p, m - q, nb)),
                      MatrixView<const T>(s.Y.block(q, 0, n - q, nb)), T(1), trailing, work);
  detail::gemm_kernel(Op::none, Op::none, T(-1), MatrixView<const T>(s.X.block(q, 0, m - q, nb)),
                      MatrixView<const T>(A.block(p, q, nb, n - q)), T(1), trailing, work);
  for (index g = p; g < q; ++g) {
    A(g, g) = d[g];
    A(g, g + 1) = e[g];
  }
}

// One panel of the blocked form (xLABRD): nb steps from column p, nb <= n - p - 1 (every
// step has a row reflector), with the trailing update delayed as the card says (steps
// 1-6 here, 7-8 in finish_panel). While
// the panel runs, u_i's and w_i's unit entries stand in A (A(g, g) and A(g, g+1) for
// g = p + i), so that U and W are plain blocks of A; d and e are put back at the end.
template <class T>
void bidiagonal_panel(MatrixView<T> A, index p, index nb, VectorView<T> d, VectorView<T> e, VectorView<T> tauq,
                      VectorView<T> taup, const PanelScratch<T>& s, Workspace work) {
  const index m = A.rows(), n = A.cols();
  for (index i = 0; i < nb; ++i) {
    const index g = p + i;      // the step's row and column
    const index nr = n - g - 1;  // columns right of g
    // 1. Column g brought up to date: A(g:m, g) -= U(g:m, 0:i) Y(g, 0:i)^T + X(g:m, 0:i) W(0:i, g).
    VectorView<T> u = A.col(g).segment(g, m - g);
    if (i > 0) {
      detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(A.block(g, p, m - g, i)),
                          VectorView<const T>(s.Y.row(g).segment(0, i)), T(1), u);
      detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(s.X.block(g, 0, m - g, i)),
                          VectorView<const T>(A.col(g).segment(p, i)), T(1), u);
    }
    // 2. H_i: d_g, and u_i = A(g:m, g) with its unit entry in place.
    T alpha = A(g, g);
    tauq[g] = householder_generate(alpha, A.col(g).segment(g + 1, m - g - 1));
    d[g] = alpha;
    A(g, g) = T(1);
    // 3. y_i := tauq_g (A^T u - Y (U^T u) - W^T (X^T u)) on the columns right of g.
    VectorView<T> y = s.Y.col(i).segment(g + 1, nr);
    VectorView<T> a = s.aux.segment(0, i);
    detail::gemv_kernel(Op::transpose, T(1), MatrixView<const T>(A.block(g, g + 1, m - g, nr)), VectorView<const T>(u),
                        T(0), y);
    if (i > 0) {
      detail::gemv_kernel(Op::transpose, T(1), MatrixView<const T>(A.block(g, p, m - g, i)), VectorView<const T>(u),
                          T(0), a);
      detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(s.Y.block(g + 1, 0, nr, i)), VectorView<const T>(a),
                          T(1), y);
      detail::gemv_kernel(Op::transpose, T(1), MatrixView<const T>(s.X.block(g, 0, m - g, i)), VectorView<const T>(u),
                          T(0), a);
      detail::gemv_kernel(Op::transpose, T(-1), MatrixView<const T>(A.block(p, g + 1, i, nr)), VectorView<const T>(a),
                          T(1), y);
    }
    scal(tauq[g], y);
    // 4. Row g brought up to date: A(g, g+1:n) -= U(g, 0:i+1) Y(g+1:n, 0:i+1)^T +
    //    X(g, 0:i) W(0:i, g+1:n), the product formed in a contiguous row first (A's row
    //    has stride ld).
    VectorView<T> r = s.row.segment(0, nr);
    detail::gemv_kernel(Op::none, T(1), MatrixView<const T>(s.Y.block(g + 1, 0, nr, i + 1)),
                        VectorView<const T>(A.row(g).segment(p, i + 1)), T(0), r);
    if (i > 0)
      detail::gemv_kernel(Op::transpose, T(1), MatrixView<const T>(A.block(p, g + 1, i, nr)),
                          VectorView<const T>(s.X.row(g).segment(0, i)), T(1), r);
    axpy(T(-1), VectorView<const T>(r), A.row(g).segment(g + 1, nr));
    // 5. G_i: e_g, and w_i = A(g, g+1:n) with its unit entry in place, copied to
    //    contiguous wv for the products below.
    T beta = A(g, g + 1);
    taup[g] = householder_generate(beta, A.row(g).segment(g + 2, nr - 1));
    e[g] = beta;
    A(g, g + 1) = T(1);
    VectorView<T> w = s.wv.segment(0, nr);
    copy(VectorView<const T>(A.row(g).segment(g + 1, nr)), w);
    // 6. x_i := taup_g (A w - U (Y^T w) - X (W w)) on the rows below g.
    VectorView<T> x = s.X.col(i).segment(g + 1, m - g - 1);
    VectorView<T> b = s.aux.segment(0, i + 1);
    detail::gemv_kernel(Op::none, T(1), MatrixView<const T>(A.block(g + 1, g + 1, m - g - 1, nr)),
                        VectorView<const T>(w), T(0), x);
    detail::gemv_kernel(Op::transpose, T(1), MatrixView<const T>(s.Y.block(g + 1, 0, nr, i + 1)), VectorView<const T>(w),
                        T(0), b);
    detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(A.block(g + 1, p, m - g - 1, i + 1)),
                        VectorView<const T>(b), T(1), x);
    if (i > 0) {
      detail::gemv_kernel(Op::none, T(1), MatrixView<const T>(A.block(p, g + 1, i, nr)), VectorView<const T>(w), T(0),
                          a);
      detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(s.X.block(g + 1, 0, m - g - 1, i)),
                          VectorView<const T>(a), T(1), x);
    }
    scal(taup[g], x);
  }
  // 7-8. The delayed update of the rest; d and e back in place.
  finish_panel(A, p, nb, d, e, s, work);
}

}  // namespace

template <class T>
WorkspaceSize bidiagonalize_workspace_size(index m, index n) {
  if (n <= 0) return WorkspaceSize();
  const WorkspaceSize minimum = WorkspaceSize::vector<T>(m);
  if (n <= kBidiagonalCrossoverColumns) return minimum;
  // Minimum: the level-2 form's vector; optimal: panels of kBidiagonalBlock and the
  // packing buffers of their trailing gemms.
  const index nb = kBidiagonalBlock;
  return WorkspaceSize::range(minimum, minimum + panel_scratch<T>(m, n, nb) + gemm_workspace_size<T>(m, n, nb));
}

template <class T>
void detail::bidiagonalize_kernel(MatrixView<T> A, VectorView<T> d, VectorView<T> e, VectorView<T> tauq,
                                  VectorView<T> taup, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  STELA_ASSERT(bidiagonal_shapes_fit<T>(m, n, d.size(), e.size(), tauq.size(), taup.size()) &&
               work.holds(bidiagonalize_workspace_size<T>(m, n)));
  if (n == 0) return;
  VectorView<T> w = work.vector<T>(m);
  // 1. Panels (xLABRD) while more than the crossover's columns remain and the workspace
  //    holds a panel's scratch; nb = 0 (level 2 throughout) otherwise.
  index p = 0;
  const index nb = n > kBidiagonalCrossoverColumns
                       ? work.largest_block(kBidiagonalBlock, [m, n](index b) { return panel_scratch<T>(m, n, b); })
                       : 0;
  if (nb > 0) {
    const PanelScratch<T> s{work.matrix<T>(m, nb), work.matrix<T>(n, nb), work.vector<T>(n), work.vector<T>(n),
                            work.vector<T>(nb)};
    while (n - p > kBidiagonalCrossoverColumns) {
      const index b = std::min(nb, n - p - kBidiagonalCrossoverColumns);
      bidiagonal_panel(A, p, b, d, e, tauq, taup, s, work);
      p += b;
    }
  }
  // 2. The rest, one column at a time (xGEBD2).
  bidiagonal_steps(A, p, d, e, tauq, taup, w);
}

// The checked entry: shapes, workspace, finiteness, then the kernel.
template <class T>
Status bidiagonalize_inplace(MatrixView<T> A, VectorView<T> d, VectorView<T> e, VectorView<T> tauq,
                             VectorView<T> taup, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (!bidiagonal_shapes_fit<T>(m, n, d.size(), e.size(), tauq.size(), taup.size()))
    return Status::dimension_mismatch;
  if (!work.holds(bidiagonalize_workspace_size<T>(m, n))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  detail::bidiagonalize_kernel(A, d, e, tauq, taup, work);
  return Status::ok;
}

template <class T>
WorkspaceSize bidiagonal_form_q_workspace_size(index m, index n, index) {
  return qr_form_q_workspace_size<T>(m, n);
}

template <class T>
void detail::bidiagonal_form_q_kernel(MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> Q,
                                      Workspace work) {
  const index m = A_bd.rows();
  const index n = A_bd.cols();
  STELA_ASSERT(m >= n && tauq.size() == n && Q.rows() == m && Q.cols() >= n && Q.cols() <= m &&
               work.holds(bidiagonal_form_q_workspace_size<T>(m, n, Q.cols())));
  // 1. Q(:, 0:n) := the tails of u_0 .. u_{n-1} below the diagonal: H_i is stored as QR
  //    stores its reflectors, so Q is the Q of a QR factorization (xORGBR does the same
  //    through xORGQR). Nothing else of Q is read.
  for (index i = 0; i + 1 < m && i < n; ++i)
    copy(A_bd.col(i).segment(i + 1, m - i - 1), Q.col(i).segment(i + 1, m - i - 1));
  // 2. Q := H_0 ... H_{n-1} [I; 0] (m x c), backward accumulation.
  qr_form_q_kernel(Q, tauq, work);
}

// The checked entry: shapes, workspace, finiteness, then the kernel.
template <class T>
Status bidiagonal_form_q_inplace(MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> Q, Workspace work) {
  const index m = A_bd.rows();
  const index n = A_bd.cols();
  const index c = Q.cols();
  if (m < n || tauq.size() != n || Q.rows() != m || c < n || c > m) return Status::dimension_mismatch;
  if (!work.holds(bidiagonal_form_q_workspace_size<T>(m, n, c))) return Status::workspace_too_small;
  // Checked here, before the reflectors are copied into Q, so that Q is untouched on
  // not_finite.
  if (!all_finite(tauq)) return Status::not_finite;
  for (index i = 0; i + 1 < m && i < n; ++i)
    if (!all_finite(A_bd.col(i).segment(i + 1, m - i - 1))) return Status::not_finite;
  detail::bidiagonal_form_q_kernel(A_bd, tauq, Q, work);
  return Status::ok;
}

template <class T>
WorkspaceSize bidiagonal_form_p_workspace_size(index n) {
  return n > 1 ? qr_form_q_workspace_size<T>(n - 1, n - 1) : WorkspaceSize();
}

template <class T>
void detail::bidiagonal_form_p_kernel(MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> P,
                                      Workspace work) {
  const index n = A_bd.cols();
  STELA_ASSERT(A_bd.rows() >= n && taup.size() == n && P.rows() == n && P.cols() == n &&
               work.holds(bidiagonal_form_p_workspace_size<T>(n)));
  if (n == 0) return;
  // 1. P := diag(1, P'), P' (n-1 x n-1) to be formed; G_i acts on coordinates i+1.., so
  //    coordinate 0 is left alone.
  fill(P.row(0), T(0));
  fill(P.col(0), T(0));
  P(0, 0) = T(1);
  if (n == 1) return;
  // 2. In P', G_i acts on coordinates i.. with vector [1; A(i, i+2:n)^T]: the i-th
  //    reflector of a QR factorization, stored in column i below the diagonal. Copy the
  //    tails there (from A's rows to P's columns), then P' := G'_0 ... G'_{n-2}, as
  //    qr_form_q forms Q (blocked for large n).
  MatrixView<T> Pp = P.block(1, 1, n - 1, n - 1);
  for (index i = 0; i + 2 < n; ++i) copy(A_bd.row(i).segment(i + 2, n - i - 2), Pp.col(i).segment(i + 1, n - i - 2));
  qr_form_q_kernel(Pp, taup.segment(0, n - 1), work);
}

// The checked entry: shapes, workspace, then the kernel (taup and the reflectors are
// not scanned: P is formed from whatever they hold).
template <class T>
Status bidiagonal_form_p_inplace(MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> P, Workspace work) {
  const index m = A_bd.rows();
  const index n = A_bd.cols();
  if (m < n || taup.size() != n || P.rows() != n || P.cols() != n) return Status::dimension_mismatch;
  if (!work.holds(bidiagonal_form_p_workspace_size<T>(n))) return Status::workspace_too_small;
  detail::bidiagonal_form_p_kernel(A_bd, taup, P, work);
  return Status::ok;
}

template <class T>
WorkspaceSize bidiagonal_apply_q_workspace_size(index m, index n, index cols) {
  return qr_apply_q_workspace_size<T>(Side::left, m, cols, n);
}

template <class T>
Status bidiagonal_apply_q_inplace(Op trans, MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> C,
                                  Workspace work) {
  const index m = A_bd.rows();
  const index n = A_bd.cols();
  if (m < n || tauq.size() != n || C.rows() != m) return Status::dimension_mismatch;
  // C := op(H_0 ... H_{n-1}) C: the H_i are stored as QR stores its reflectors.
  return qr_apply_q_inplace(Side::left, trans, A_bd, tauq, C, work);
}

template <class T>
WorkspaceSize bidiagonal_apply_p_workspace_size(index n, index) {
  return WorkspaceSize::vector<T>(n);
}

template <class T>
void detail::bidiagonal_apply_p_kernel(Op trans, MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> C,
                                       Workspace work) {
  const index n = A_bd.cols();
  STELA_ASSERT(A_bd.rows() >= n && taup.size() == n && C.rows() == n &&
               work.holds(bidiagonal_apply_p_workspace_size<T>(n, C.cols())));
  if (n < 2) return;  // P = I
  VectorView<T> w = work.vector<T>(n);
  // P C = G_0 (G_1 (... G_{n-2} C)); P^T C applies G_0 first.
  for (index step = 0; step < n - 1; ++step) {
    const index i = trans == Op::none ? n - 2 - step : step;
    VectorView<T> w_tail = w.segment(0, n - i - 2);
    copy(A_bd.row(i).segment(i + 2, n - i - 2), w_tail);
    // C(i+1:n, :) := (I - taup_i w_i w_i^T) C(i+1:n, :)
    detail::householder_apply_left_kernel(VectorView<const T>(w_tail), taup[i], C.row_block(i + 1, n - i - 1));
  }
}

// The checked entry: shapes, workspace, then the kernel.
template <class T>
Status bidiagonal_apply_p_inplace(Op trans, MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> C,
                                  Workspace work) {
  const index m = A_bd.rows();
  const index n = A_bd.cols();
  if (m < n || taup.size() != n || C.rows() != n) return Status::dimension_mismatch;
  if (!work.holds(bidiagonal_apply_p_workspace_size<T>(n, C.cols()))) return Status::workspace_too_small;
  detail::bidiagonal_apply_p_kernel(trans, A_bd, taup, C, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template void detail::bidiagonalize_kernel<T>(MatrixView<T>, VectorView<T>, VectorView<T>, VectorView<T>,  \
                                                VectorView<T>, Workspace);                                   \
  template void detail::bidiagonal_form_q_kernel<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
                                                    Workspace);                                              \
  template void detail::bidiagonal_form_p_kernel<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
                                                    Workspace);                                              \
  template void detail::bidiagonal_apply_p_kernel<T>(Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
                                                     Workspace);                                              \
  template WorkspaceSize bidiagonalize_workspace_size<T>(index, index);                                      \
  template Status bidiagonalize_inplace<T>(MatrixView<T>, VectorView<T>, VectorView<T>, VectorView<T>,       \
                                           VectorView<T>, Workspace);                                         \
  template WorkspaceSize bidiagonal_form_q_workspace_size<T>(index, index, index);                            \
  template Status bidiagonal_form_q_inplace<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>,       \
                                               Workspace);                                                    \
  template WorkspaceSize bidiagonal_form_p_workspace_size<T>(index);                                          \
  template Status bidiagonal_form_p_inplace<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>, Workspace); \
  template WorkspaceSize bidiagonal_apply_q_workspace_size<T>(index, index, index);                          \
  template Status bidiagonal_apply_q_inplace<T>(Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>,  \
                                                Workspace);                                                   \
  template WorkspaceSize bidiagonal_apply_p_workspace_size<T>(index, index);                                  \
  template Status bidiagonal_apply_p_inplace<T>(Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>,  \
                                                Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
