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
// Workspace:    e, tauq, taup (3n) plus the largest of bidiagonalize's (m; its panels
//               above 128 columns) and forming Q's and P's (qr_form_q's blocks, n); d
//               lives in s. QR first adds tau (n), R (n x n), W_l (n x n, with vectors)
//               and the QR routines'. The solving kernel (lstsq by svd) below: M (k x n),
//               V (n x n) and the rotation log (2n^2 + 8n values at the optimal size,
//               2n + 4 at the minimum) in place of U and W_l.
// Failures:     dimension_mismatch, workspace_too_small, not_finite; no_convergence
//               when the bidiagonal QR iteration reaches its cap (info says how far).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"
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

// lstsq by svd: U^T applied, U never formed (xGELSS's way). Steps 1 and 2 of the solving
// kernel below: QR first when it pays (A = Q_r R, C := Q_r^T C, B = R), then
// B = Q_b B_d P^T (d in s) and C_b := Q_b^T C_b, C_b being C or its first n rows. e, tauq,
// taup and, with QR first, tau and R come from work.
template <class T>
struct Reduced {
  MatrixView<T> B, Cb;
  VectorView<T> e, tauq, taup;
};

template <class T>
Reduced<T> reduce_applying(MatrixView<T> A, VectorView<T> s, MatrixView<T> C, const SvdOptions& opts,
                           SvdInfo<T>& info, Workspace& work) {
  const index m = A.rows(), n = A.cols();
  Reduced<T> r{A, C, VectorView<T>(), VectorView<T>(), VectorView<T>()};
  if (use_qr_first(m, n, opts)) {
    info.qr_first = true;
    VectorView<T> tau = work.vector<T>(n);
    MatrixView<T> R = work.matrix<T>(n, n);
    reduce_by_qr(A, tau, R, work);
    detail::qr_apply_q_kernel(Side::left, Op::transpose, MatrixView<const T>(A), VectorView<const T>(tau), C, work);
    r.B = R;
    r.Cb = C.row_block(0, n);
  }
  r.e = work.vector<T>(n);
  r.tauq = work.vector<T>(n);
  r.taup = work.vector<T>(n);
  detail::bidiagonalize_kernel(r.B, s, r.e, r.tauq, r.taup, work);
  detail::qr_apply_q_kernel(Side::left, Op::transpose, MatrixView<const T>(r.B), VectorView<const T>(r.tauq), r.Cb, work);
  return r;
}

// reduce_applying's pieces (held) and the largest scratch of its steps and of forming
// and applying P (steps).
template <class T>
WorkspaceSize reduced_pieces_size(index m, index n, const SvdOptions& opts) {
  const WorkspaceSize first =
      use_qr_first(m, n, opts) ? WorkspaceSize::vector<T>(n) + WorkspaceSize::matrix<T>(n, n) : WorkspaceSize();
  return first + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n);
}
template <class T>
WorkspaceSize reduced_steps_size(index m, index n, index k, const SvdOptions& opts) {
  const bool qr_first = use_qr_first(m, n, opts);
  const index rows = qr_first ? n : m;  // of the matrix bidiagonalized
  WorkspaceSize steps = max(max(bidiagonalize_workspace_size<T>(rows, n),
                                qr_apply_q_workspace_size<T>(Side::left, rows, k, n)),
                            max(bidiagonal_form_p_workspace_size<T>(n), bidiagonal_apply_p_workspace_size<T>(n, k)));
  if (qr_first)
    steps = max(steps, max(householder_qr_workspace_size<T>(m, n), qr_apply_q_workspace_size<T>(Side::left, m, k, n)));
  return steps;
}

// The least-squares solution without U or V (lstsq by svd): U^T C as above (the QR
// iteration given C_b's first n rows, transposed, in U's place, so its left rotations
// update them as they would update U's columns: U^T C = W_l^T Q_b^T Q_r^T C), and W_r's
// rotations logged instead of accumulated into V = P W_r, since lstsq needs
// V z for one block z = diag(1/s_r) (U^T C)_r only: W = P (W_r z), with W_r z from the
// log (apply_rotation_log) and P z from the reflectors (bidiagonal_apply_p). That saves
// forming P (4n^3/3 flops) and rotating V (6n flops a rotation, 6n^3 or so in all): the
// two largest steps after the bidiagonalization. A log that fills up is replayed onto V
// (formed as P at the first time) and emptied, and the iteration goes on where it
// stopped; W is then V (W_r' z) for the rotations W_r' logged since. The result is the
// same up to rounding whatever the log holds.
//
// The log: 2n^2 + 8n values at the optimal workspace, 1.0 n^2 rotations (the QR
// iteration takes 0.8 to 1.0 n^2 on random matrices, up to 1.4 n^2 on graded ones:
// README); one sweep's record, 2n + 4, at the minimum.
template <class T>
index log_values_optimal(index n) {
  return 2 * n * n + 8 * n;
}
template <class T>
index log_values_minimum(index n) {
  return 2 * n + 4;
}

template <class T>
WorkspaceSize detail::golub_kahan_svd_solving_workspace_size(index m, index n, index k, const SvdOptions& opts) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  return reduced_pieces_size<T>(m, n, opts) + WorkspaceSize::matrix<T>(k, n) + WorkspaceSize::matrix<T>(n, n) +
         WorkspaceSize::range(WorkspaceSize::vector<T>(log_values_minimum<T>(n)),
                              WorkspaceSize::vector<T>(log_values_optimal<T>(n))) +
         reduced_steps_size<T>(m, n, k, opts);
}

template <class T>
Status detail::golub_kahan_svd_solving_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> C,
                                              const RankTolerance<T>& tol, MatrixView<T> W, const SvdOptions& opts,
                                              SvdInfo<T>& info, Workspace work) {
  const index m = A.rows(), n = A.cols(), k = C.cols();
  STELA_ASSERT(m >= n && s.size() == n && C.rows() == m && W.rows() == n && W.cols() == k &&
               work.holds(detail::golub_kahan_svd_solving_workspace_size<T>(m, n, k, opts)));
  info = SvdInfo<T>{};
  if (n == 0) return Status::ok;
  // 1-2. QR first when it pays; B = Q_b B_d P^T, C_b := Q_b^T C_b.
  const Reduced<T> r = reduce_applying(A, s, C, opts, info, work);
  MatrixView<T> M = work.matrix<T>(k, n);
  MatrixView<T> V = work.matrix<T>(n, n);
  // The log: what the workspace holds beyond the steps' scratch (optimal when there is
  // room for both), at most its optimal size.
  const WorkspaceSize later = reduced_steps_size<T>(m, n, k, opts);
  const std::size_t room = work.remaining();
  const std::size_t optimal_bytes = WorkspaceSize::vector<T>(log_values_optimal<T>(n)).payload();
  const std::size_t keep = room >= optimal_bytes + later.payload() ? later.payload() : later.minimum_payload();
  const index capacity = std::min<index>(log_values_optimal<T>(n),
                                         static_cast<index>((room - keep) / WorkspaceSize::alignment *
                                                            WorkspaceSize::alignment / sizeof(T)));
  RotationLog<T> log{work.take<T>(capacity), capacity};
  // 3. M := C_b(0:n, :)^T in U's place (M := M W_l), W_r logged; a full log goes onto V.
  for (index i = 0; i < n; ++i) copy(VectorView<const T>(r.Cb.row(i)), M.col(i));
  BidiagonalQrState<T> state;
  bool spilled = false;
  Status status;
  while ((status = bidiagonal_svd_logging_kernel(s, r.e, M, log, state, opts.max_iterations, info)) ==
         Status::workspace_too_small) {
    if (!spilled) detail::bidiagonal_form_p_kernel(MatrixView<const T>(r.B), VectorView<const T>(r.taup), V, work);
    spilled = true;
    replay_rotation_log(log, V);
  }
  if (status != Status::ok) return status;
  // 4. W := diag(1/d_i) M^T for |d_i| above the threshold, zero rows for the rest. The
  //    singular values are the |d_i|, unsorted and signed: W_r diag(1/d) W_l^T is B_d's
  //    pseudo-inverse whatever the signs and the order.
  T largest = 0;
  for (index i = 0; i < n; ++i) largest = std::max(largest, std::abs(s[i]));
  const T threshold = rank_threshold(tol, largest, m, n);
  for (index i = 0; i < n; ++i) {
    copy(VectorView<const T>(M.col(i)), W.row(i));
    scal(std::abs(s[i]) > threshold ? T(1) / s[i] : T(0), W.row(i));
  }
  // 5. W := W_r' W for the rotations still in the log, then W := P W (nothing spilled)
  //    or W := V W (V = P times the rotations replayed), through C_b's top as scratch.
  apply_rotation_log(log, W);
  if (!spilled) {
    bidiagonal_apply_p_kernel(Op::none, MatrixView<const T>(r.B), VectorView<const T>(r.taup), W, work);
  } else {
    MatrixView<T> Z = r.Cb.row_block(0, n);
    copy(MatrixView<const T>(W), Z);
    gemm_kernel(Op::none, Op::none, T(1), MatrixView<const T>(V), MatrixView<const T>(Z), T(0), W);
  }
  // 6. s := the singular values, non-negative and non-increasing.
  for (index i = 0; i < n; ++i) s[i] = std::abs(s[i]);
  std::sort(s.data(), s.data() + n, [](T a, T b) { return a > b; });
  return Status::ok;
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
  template WorkspaceSize detail::golub_kahan_svd_solving_workspace_size<T>(index, index, index, const SvdOptions&); \
  template Status detail::golub_kahan_svd_solving_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>,         \
                                                            const RankTolerance<T>&, MatrixView<T>,               \
                                                            const SvdOptions&, SvdInfo<T>&, Workspace);           \
  template Status detail::golub_kahan_svd_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>,  \
                                                    MatrixView<T>, const SvdOptions&, SvdInfo<T>&, Workspace); \
  template WorkspaceSize golub_kahan_svd_workspace_size<T>(index, index, const SvdOptions&);      \
  template Status golub_kahan_svd_inplace<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, \
                                             const SvdOptions&, SvdInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
