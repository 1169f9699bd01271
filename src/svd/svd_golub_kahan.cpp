// The Golub–Kahan SVD: bidiagonalize, then implicit-shift QR on the bidiagonal.
//
// Counterpart:  LAPACK xGESVD (m >= n; the caller, svd_inplace, transposes wide input).
// Computes:     A = U diag(s) V^T: A = Q B P^T (bidiagonalize), B = W_l diag(s) W_r^T
//               (bidiagonal_svd), U = Q [W_l; 0] (thin) or Q diag(W_l, I) (full),
//               V = P W_r.
//               Tall input (m >= 2n, SvdOptions::kQrFirstRatio) is first reduced by QR
//               (Chan's R-SVD): A = Q_r R, R = Q B P^T, and U = Q_r [Q W_l; 0] (thin)
//               or Q_r diag(Q W_l, I) (full): the bidiagonalization and the rotations
//               of the QR iteration then work on n rows instead of m.
// Storage:      on entry A is m x n, m >= n, in the safe range; on exit A is destroyed,
//               s (n) holds the singular values non-increasing, U (m x n or m x m) and
//               V (n x n) the vectors unless vectors = none.
// Reference:    G. H. Golub and C. Reinsch, "Singular value decomposition and least
//               squares solutions", Numer. Math. 14, 1970; T. F. Chan, "An improved
//               algorithm for computing the singular value decomposition", ACM TOMS
//               8(1), 1982 (QR first); Golub & Van Loan, Matrix Computations, 4th ed.,
//               section 8.6.3 (algorithm 8.6.2 and the cost table); LAPACK Users'
//               Guide, 3rd ed., section 2.4.6.
// Cost:         (GVL 8.6.3) values only 4mn^2 - 4n^3/3 flops (2mn^2 + 2n^3 with QR
//               first); thin U and V about 14mn^2 + 8n^3 (6mn^2 + 20n^3 with QR first).
// Crossover:    QR first from m >= 2n on: measured with bench_svd's svd/gk_crossover
//               family (n = 200), the QR-first path breaks even there and is faster
//               beyond (by 9-20% at 3n, 26-32% at 5n); LAPACK's xGESVD, whose
//               bidiagonalization is blocked, switches at 1.6n.
// Invariant:    A_0 = (current U) B (current V)^T throughout the QR iteration.
// Stability:    backward stable: the computed factors are the exact SVD of A + E with
//               ||E||_2 = O(p(m, n) eps ||A||_2), so |s_i - sigma_i| = O(eps ||A||_2);
//               U and V orthogonal to O(eps) (GVL 8.6.3; LAPACK Users' Guide 4.9).
// Workspace:    e, tauq, taup (3n) plus the largest of bidiagonalize's (m) and forming
//               Q's and P's (qr_form_q's blocks, n); d lives in s. QR first adds
//               tau (n), R (n x n), W_l (n x n, with vectors) and the QR routines'.
// Failures:     dimension_mismatch, workspace_too_small, not_finite; no_convergence
//               when the bidiagonal QR iteration reaches its cap (info says how far).
#include "../qr/qr_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "svd_common.hpp"
#include "svd_kernels.hpp"

namespace stela {
namespace {

// QR first when m >= SvdOptions::kQrFirstRatio n (2, measured; svd.hpp), or the
// caller's ratio.
bool use_qr_first(index m, index n, const SvdOptions& opts) {
  const float ratio = opts.qr_first_ratio >= 0 ? opts.qr_first_ratio : SvdOptions::kQrFirstRatio;
  return n > 0 && static_cast<float>(m) >= ratio * static_cast<float>(n);
}

// Bidiagonalize B (m x n, m >= n) into d (= s), e, tauq, taup; form its Q (into U,
// m x U.cols()) and P (into V) when vectors are wanted; run the bidiagonal QR on U's
// first n columns and V. Returns the bidiagonal QR's status, ok or no_convergence for
// B in the safe range (d and e are then finite and pass its checks; any other status is
// passed on as it is).
template <class T>
Status bidiagonal_svd_of(MatrixView<T> B, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, bool want_vectors,
                         index max_iterations, SvdInfo<T>& info, Workspace work) {
  const index n = B.cols();
  VectorView<T> e = work.vector<T>(n);
  VectorView<T> tauq = work.vector<T>(n);
  VectorView<T> taup = work.vector<T>(n);
  // 1. B = Q B_d P^T; d (in s) and e hold B_d.
  detail::bidiagonalize_kernel(B, s, e, tauq, taup, work);
  // 2. U := Q [I; 0], V := P.
  if (want_vectors) {
    detail::bidiagonal_form_q_kernel(MatrixView<const T>(B), VectorView<const T>(tauq), U, work);
    detail::bidiagonal_form_p_kernel(MatrixView<const T>(B), VectorView<const T>(taup), V, work);
  }
  // 3. B_d = W_l diag(s) W_r^T; U(:, 0:n) := U(:, 0:n) W_l, V := V W_r.
  MatrixView<T> U_active = want_vectors ? U.col_block(0, n) : MatrixView<T>();
  MatrixView<T> V_active = want_vectors ? V : MatrixView<T>();
  return bidiagonal_svd_inplace(s, e, U_active, V_active, max_iterations, info);
}

template <class T>
WorkspaceSize bidiagonal_svd_of_workspace_size(index m, index n) {
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) +
         max(bidiagonalize_workspace_size<T>(m, n),
             max(bidiagonal_form_q_workspace_size<T>(m, n, m), bidiagonal_form_p_workspace_size<T>(n)));
}

// QR first's reduction: A = Q_r R (R on and above A's diagonal, Q_r's reflectors
// below it), and R (n x n) copied out with zeros below its diagonal.
template <class T>
void reduce_by_qr(MatrixView<T> A, VectorView<T> tau, MatrixView<T> R, Workspace work) {
  detail::householder_qr_kernel(A, tau, work);
  fill(R, T(0));
  for (index j = 0; j < R.cols(); ++j) copy(VectorView<const T>(A.col(j).segment(0, j + 1)), R.col(j).segment(0, j + 1));
}

}  // namespace

template <class T>
WorkspaceSize golub_kahan_svd_workspace_size(index m, index n, const SvdOptions& opts) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  if (!use_qr_first(m, n, opts)) return bidiagonal_svd_of_workspace_size<T>(m, n);
  const bool want_vectors = opts.vectors != SvdVectors::none;
  const index u_cols = opts.vectors == SvdVectors::full ? m : n;
  // tau, R and W_l alive together with each step's own scratch.
  WorkspaceSize steps = max(householder_qr_workspace_size<T>(m, n), bidiagonal_svd_of_workspace_size<T>(n, n));
  if (want_vectors) steps = max(steps, qr_apply_q_workspace_size<T>(Side::left, m, u_cols, n));
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::matrix<T>(n, n) +
         (want_vectors ? WorkspaceSize::matrix<T>(n, n) : WorkspaceSize()) + steps;
}

template <class T>
Status detail::golub_kahan_svd_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                                      const SvdOptions& opts, SvdInfo<T>& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  STELA_ASSERT(m >= n && svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors) && svd_detail::valid(opts.vectors) &&
               work.holds(golub_kahan_svd_workspace_size<T>(m, n, opts)));
  const bool want_vectors = opts.vectors != SvdVectors::none;
  if (n == 0) {
    if (opts.vectors == SvdVectors::full) set_identity(U);
    return Status::ok;
  }
  if (!use_qr_first(m, n, opts))
    return bidiagonal_svd_of(A, s, U, V, want_vectors, opts.max_iterations, info, work);

  // QR first.
  info.qr_first = true;
  VectorView<T> tau = work.vector<T>(n);
  MatrixView<T> R = work.matrix<T>(n, n);
  MatrixView<T> W = want_vectors ? work.matrix<T>(n, n) : MatrixView<T>();
  // 1-2. A = Q_r R (Q_r's reflectors stay below A's diagonal), R copied out.
  reduce_by_qr(A, tau, R, work);
  // 3. R = (Q W_l) diag(s) (P W_r)^T, with W := Q W_l and V := P W_r. On
  //    no_convergence W and V hold the rotations applied so far, and U is still formed
  //    from them: the partial result svd.hpp documents.
  const Status status = bidiagonal_svd_of(R, s, W, V, want_vectors, opts.max_iterations, info, work);
  if (want_vectors) {
    // 4. U := Q_r [W 0; 0 I] (the identity block only for full U).
    fill(U, T(0));
    copy(MatrixView<const T>(W), U.block(0, 0, n, n));
    for (index i = n; i < U.cols(); ++i) U(i, i) = T(1);
    qr_apply_q_kernel(Side::left, Op::none, MatrixView<const T>(A), VectorView<const T>(tau), U, work);
  }
  return status;
}

// U^T applied, U never formed (xGELSS's way, for lstsq): QR first as above when it
// pays, then the bidiagonalization's Q_b^T applied to C too, and the bidiagonal QR
// iteration given C's first n rows, transposed, in U's place, so its left rotations
// update them as they would update U's columns: U^T C = W_l^T Q_b^T Q_r^T C. Saves
// forming Q (and Q_r [W; 0]) and the left rotations of n-long columns of U.
template <class T>
WorkspaceSize detail::golub_kahan_svd_applying_workspace_size(index m, index n, index k, const SvdOptions& opts) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  const bool qr_first = use_qr_first(m, n, opts);
  const index rows = qr_first ? n : m;  // of the matrix bidiagonalized
  WorkspaceSize steps = max(max(bidiagonalize_workspace_size<T>(rows, n),
                                qr_apply_q_workspace_size<T>(Side::left, rows, k, n)),
                            bidiagonal_form_p_workspace_size<T>(n));
  if (qr_first)
    steps = max(steps, max(householder_qr_workspace_size<T>(m, n), qr_apply_q_workspace_size<T>(Side::left, m, k, n)));
  const WorkspaceSize first = qr_first ? WorkspaceSize::vector<T>(n) + WorkspaceSize::matrix<T>(n, n) : WorkspaceSize();
  return first + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) +
         WorkspaceSize::matrix<T>(k, n) + steps;
}

template <class T>
Status detail::golub_kahan_svd_applying_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> C, MatrixView<T> V,
                                               const SvdOptions& opts, SvdInfo<T>& info, Workspace work) {
  const index m = A.rows(), n = A.cols(), k = C.cols();
  STELA_ASSERT(m >= n && s.size() == n && C.rows() == m && V.rows() == n && V.cols() == n &&
               work.holds(detail::golub_kahan_svd_applying_workspace_size<T>(m, n, k, opts)));
  info = SvdInfo<T>{};
  if (n == 0) return Status::ok;
  // 1. QR first: A = Q_r R, C := Q_r^T C; the rest works on R and C's first n rows.
  MatrixView<T> B = A;
  MatrixView<T> Cb = C;
  if (use_qr_first(m, n, opts)) {
    info.qr_first = true;
    VectorView<T> tau = work.vector<T>(n);
    MatrixView<T> R = work.matrix<T>(n, n);
    reduce_by_qr(A, tau, R, work);
    qr_apply_q_kernel(Side::left, Op::transpose, MatrixView<const T>(A), VectorView<const T>(tau), C, work);
    B = R;
    Cb = C.row_block(0, n);
  }
  // 2. B = Q_b B_d P^T; C_b := Q_b^T C_b; V := P.
  VectorView<T> e = work.vector<T>(n);
  VectorView<T> tauq = work.vector<T>(n);
  VectorView<T> taup = work.vector<T>(n);
  MatrixView<T> M = work.matrix<T>(k, n);
  detail::bidiagonalize_kernel(B, s, e, tauq, taup, work);
  qr_apply_q_kernel(Side::left, Op::transpose, MatrixView<const T>(B), VectorView<const T>(tauq), Cb, work);
  detail::bidiagonal_form_p_kernel(MatrixView<const T>(B), VectorView<const T>(taup), V, work);
  // 3. M := C_b(0:n, :)^T in U's place: M := M W_l, V := V W_r; then C_b(0:n, :) := M^T.
  for (index i = 0; i < n; ++i) copy(VectorView<const T>(Cb.row(i)), M.col(i));
  const Status status = bidiagonal_svd_inplace(s, e, M, V, opts.max_iterations, info);
  for (index i = 0; i < n; ++i) copy(VectorView<const T>(M.col(i)), Cb.row(i));
  return status;
}

// The checked entry: shapes, options, workspace, finiteness, then the kernel.
template <class T>
Status golub_kahan_svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                               const SvdOptions& opts, SvdInfo<T>& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (m < n || !svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors)) return Status::dimension_mismatch;
  if (!svd_detail::valid(opts.vectors)) return Status::invalid_argument;
  if (!work.holds(golub_kahan_svd_workspace_size<T>(m, n, opts))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return detail::golub_kahan_svd_kernel(A, s, U, V, opts, info, work);
}

#define STELA_INSTANTIATE(T)                                                                       \
  template Status detail::golub_kahan_svd_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>,  \
                                                    MatrixView<T>, const SvdOptions&, SvdInfo<T>&, Workspace); \
  template WorkspaceSize golub_kahan_svd_workspace_size<T>(index, index, const SvdOptions&);      \
  template WorkspaceSize detail::golub_kahan_svd_applying_workspace_size<T>(index, index, index, const SvdOptions&); \
  template Status detail::golub_kahan_svd_applying_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, \
                                                             MatrixView<T>, const SvdOptions&, SvdInfo<T>&, Workspace); \
  template Status golub_kahan_svd_inplace<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, \
                                             const SvdOptions&, SvdInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
