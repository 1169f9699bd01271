// Householder bidiagonalization, and forming its orthogonal factors.
//
// Counterparts: LAPACK xGEBD2 (the unblocked form of xGEBRD) for m >= n; xORGBR
//               (VECT = 'Q' and VECT = 'P') for forming Q and P; xORMBR (SIDE = 'L')
//               for applying Q, Q^T, P or P^T to a matrix from the left.
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
//               diagonal, which no QR routine reads: P has its own loops.
// Reference:    G. H. Golub and W. Kahan, "Calculating the singular values and
//               pseudo-inverse of a matrix", SIAM J. Numer. Anal. Ser. B 2(2), 1965;
//               Golub & Van Loan, Matrix Computations, 4th ed., section 5.4.8
//               (algorithm 5.4.2); LAPACK Users' Guide, 3rd ed., section 3.4.3.
// Cost:         bidiagonalize 4mn^2 - 4n^3/3 flops; form Q (m x c) about
//               4mnc - 2(m + c)n^2 + 4n^3/3; form P 4n^3/3; apply Q to m x c about
//               4mnc - 2n^2 c, apply P to n x c about 2n^2 c.
// Invariant:    after step i, the leading (i+1) x (i+1) block of B is final and
//               A(i+1:m, i+1:n) is the part still to be reduced; Q^T A_0 P equals the
//               current A with the reflector storage read as zeros.
// Stability:    backward stable: the computed B is the exact bidiagonal of A + E with
//               ||E||_2 = O(mn eps ||A||_2) (GVL 5.4.8; Higham, Accuracy and Stability,
//               2nd ed., section 19.3), and the formed Q, P are orthogonal to O(eps).
// Workspace:    bidiagonalize: one vector of m (for applying G_i from the right);
//               form and apply Q: qr_form_q_inplace's and qr_apply_q_inplace's (none
//               below their blocking crossover); form and apply P: one vector of n (a
//               contiguous copy of w_i).
// Failures:     dimension_mismatch (m < n, or d, e, tau, Q, C of the wrong size);
//               workspace_too_small; not_finite (NaN or Inf in A; for forming and
//               applying Q, in tauq, Q's reflectors or C).
#include <algorithm>

#include "../householder/householder_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "svd_kernels.hpp"

namespace stela {

template <class T>
WorkspaceSize bidiagonalize_workspace_size(index m, index n) {
  return n > 0 ? WorkspaceSize::vector<T>(m) : WorkspaceSize();
}

namespace {

// The shapes bidiagonalize_inplace checks: m >= n, d, tauq, taup of n, e of n - 1 or n.
template <class T>
bool bidiagonal_shapes_fit(index m, index n, index d, index e, index tauq, index taup) {
  return m >= n && d == n && tauq == n && taup == n && (e == n || e == std::max<index>(n - 1, 0));
}

}  // namespace

template <class T>
void detail::bidiagonalize_kernel(MatrixView<T> A, VectorView<T> d, VectorView<T> e, VectorView<T> tauq,
                                  VectorView<T> taup, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  STELA_ASSERT(bidiagonal_shapes_fit<T>(m, n, d.size(), e.size(), tauq.size(), taup.size()) &&
               work.holds(bidiagonalize_workspace_size<T>(m, n)));
  if (n == 0) return;
  VectorView<T> w = work.vector<T>(m);

  for (index i = 0; i < n; ++i) {
    // 1. H_i [A(i,i); A(i+1:m,i)] = [d_i; 0]: the column reflector.
    T alpha = A(i, i);
    tauq[i] = householder_generate(alpha, A.col(i).segment(i + 1, m - i - 1));
    A(i, i) = alpha;
    d[i] = alpha;
    // 2. A(i:m, i+1:n) := H_i A(i:m, i+1:n)
    householder_apply_left_kernel(VectorView<const T>(A.col(i).segment(i + 1, m - i - 1)), tauq[i],
                                  A.block(i, i + 1, m - i, n - i - 1));
    if (i + 1 < n) {
      // 3. [A(i,i+1), A(i,i+2:n)] G_i = [e_i, 0]: the row reflector, on row i.
      T beta = A(i, i + 1);
      VectorView<T> w_tail = A.row(i).segment(i + 2, n - i - 2);
      taup[i] = householder_generate(beta, w_tail);
      A(i, i + 1) = beta;
      e[i] = beta;
      // 4. A(i+1:m, i+1:n) := A(i+1:m, i+1:n) G_i
      householder_apply_right_kernel(VectorView<const T>(w_tail), taup[i],
                                     A.block(i + 1, i + 1, m - i - 1, n - i - 1), w.segment(0, m - i - 1));
    } else {
      taup[i] = T(0);
      if (e.size() == n) e[i] = T(0);
    }
  }
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
  return WorkspaceSize::vector<T>(n);
}

template <class T>
void detail::bidiagonal_form_p_kernel(MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> P,
                                      Workspace work) {
  const index n = A_bd.cols();
  STELA_ASSERT(A_bd.rows() >= n && taup.size() == n && P.rows() == n && P.cols() == n &&
               work.holds(bidiagonal_form_p_workspace_size<T>(n)));
  if (n == 0) return;
  VectorView<T> w = work.vector<T>(n);
  // 1. P := I.
  set_identity(P);
  // 2. Backward accumulation: P := G_i P for i = n-2, ..., 0; G_i acts on coordinates
  //    i+1.., and P(i+1:n, 0:i+1) is still zero when it is applied. w_i's tail lies along
  //    a row of A (stride ld); it is copied to contiguous memory first, so the dot
  //    products of the application run at unit stride.
  for (index i = n - 2; i >= 0; --i) {
    VectorView<T> w_tail = w.segment(0, n - i - 2);
    copy(A_bd.row(i).segment(i + 2, n - i - 2), w_tail);
    // P(i+1:n, i+1:n) := (I - taup_i w_i w_i^T) P(i+1:n, i+1:n)
    householder_apply_left_kernel(VectorView<const T>(w_tail), taup[i], P.block(i + 1, i + 1, n - i - 1, n - i - 1));
  }
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
Status bidiagonal_apply_p_inplace(Op trans, MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> C,
                                  Workspace work) {
  const index m = A_bd.rows();
  const index n = A_bd.cols();
  if (m < n || taup.size() != n || C.rows() != n) return Status::dimension_mismatch;
  if (!work.holds(bidiagonal_apply_p_workspace_size<T>(n, C.cols()))) return Status::workspace_too_small;
  if (n < 2) return Status::ok;  // P = I
  VectorView<T> w = work.vector<T>(n);
  // P C = G_0 (G_1 (... G_{n-2} C)); P^T C applies G_0 first.
  for (index step = 0; step < n - 1; ++step) {
    const index i = trans == Op::none ? n - 2 - step : step;
    VectorView<T> w_tail = w.segment(0, n - i - 2);
    copy(A_bd.row(i).segment(i + 2, n - i - 2), w_tail);
    // C(i+1:n, :) := (I - taup_i w_i w_i^T) C(i+1:n, :)
    detail::householder_apply_left_kernel(VectorView<const T>(w_tail), taup[i], C.row_block(i + 1, n - i - 1));
  }
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template void detail::bidiagonalize_kernel<T>(MatrixView<T>, VectorView<T>, VectorView<T>, VectorView<T>,  \
                                                VectorView<T>, Workspace);                                   \
  template void detail::bidiagonal_form_q_kernel<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
                                                    Workspace);                                              \
  template void detail::bidiagonal_form_p_kernel<T>(MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
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
