// Least squares by an SVD: the method behind lstsq's svd and jacobi (step 3 of the
// pipeline, lstsq_pipeline.cpp), one function for both SVD methods.
//
// Counterpart:  LAPACK xGELSS (Golub–Kahan; xGELSD reaches the same W by divide and
//               conquer), numpy.linalg.lstsq; with the one-sided Jacobi SVD (xGESVJ).
// Computes:     A = U diag(s) V^T (thin), r = #{s_i > threshold}, and the minimum-norm
//               W_s = V_r diag(1 / s_r) U_r^T Y_s, any shape and rank. On a tall or
//               square A without refinement, U is never formed: U^T Y_s comes out of
//               the SVD itself (Golub–Kahan: the bidiagonalization's reflectors and the
//               QR iteration's left rotations applied to Y_s, as xGELSS does; Jacobi:
//               the preconditioner's row order and Q^T, then the core's rotations).
//               Golub–Kahan forms no V either: the QR iteration's right rotations are
//               logged and applied to the d x k block diag(1/s_r) (U^T Y_s)_r, then
//               the bidiagonalization's P (golub_kahan_svd_solving_kernel).
//               With refinement, Golub–Kahan on A with n >= 2d takes the R-SVD
//               (Chan 1982): A = Q_r R, R = U_R diag(s) V^T, U_R d x d, so that the
//               refinement's U^T f = U_R^T (Q_r^T f)(0:d) never needs the n x d U.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.5.1 (the SVD
//               and rank-deficient least squares); T. F. Chan, "An improved algorithm
//               for computing the singular value decomposition", ACM TOMS 8(1), 1982.
// Cost:         the SVD with thin vectors (svd.cpp's card) plus 2 n r k + 2 d r k;
//               without U, the SVD with V only plus its reflectors and rotations on
//               Y_s (GVL 8.6.3's table: 4 n d^2 + 8 d^3 against 14 n d^2 + 8 d^3;
//               measured in bench_lstsq); Golub–Kahan without V either, the
//               bidiagonalization plus O(d^2 k) for the logged rotations and P, about
//               4 n d^2 - 4 d^3 / 3 (bench_lstsq, README: 1024 x 1024 in about half
//               the time of V formed); for Jacobi, the 4 n d^2 - 2 d^3 of forming
//               U from Q saved (bench_lstsq jacobi, 2026-12-03, double: 2000x200
//               58 and 46 ms -> 39 and 37 ms, 20000x50 33 and 24 ms -> 17 and 13 ms).
// Workspace:    s, U (n x r), V (d x r), C (r x k) and the SVD's own scratch, then
//               the refinement's (opts.refine, full rank only: lstsq_refine.hpp);
//               without U: s, Z (n x k) and the SVD's scratch with V (d x d; for
//               Golub–Kahan V and the rotation log, 2d^2 + 8d more at the optimal
//               size); the
//               R-SVD: tau, s (d), R, U_R, V (d x d), Q_r^T Y_s (n x k), its top
//               after U_R^T (d x k), then the refinement's.
// Stability:    backward stable; singular values below the threshold are dropped, not
//               inverted, so W_s is the solution of a nearby problem of rank r.
// Failures:     no_convergence when the SVD reaches its cap (W not written).
#include <algorithm>
#include <limits>

#include "../blas/blas_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "../svd/svd_kernels.hpp"
#include "lstsq_pipeline.hpp"
#include "lstsq_refine_operators.hpp"
#include "stela/blas.hpp"
#include "stela/svd.hpp"

namespace stela::detail {
namespace {

// The SVD of the svd and jacobi methods: thin vectors, the caller's caps.
template <class T>
SvdOptions svd_options(SvdMethod method, const LstsqOptions<T>& lstsq_opts) {
  SvdOptions opts;
  opts.method = method;
  opts.vectors = SvdVectors::thin;
  opts.max_iterations = lstsq_opts.max_iterations;
  opts.max_sweeps = lstsq_opts.max_sweeps;
  return opts;
}

// Whether lstsq applies U^T to Y_s during the SVD instead of forming U: Golub–Kahan
// (golub_kahan_svd_solving_kernel, xGELSS's way, and V not formed either) and Jacobi
// (jacobi_svd_applying_kernel, U^T as the preconditioner's Q^T and the core's rotations)
// on a tall or square A, and no refinement (which works on U itself).
template <class T>
bool applies_u_transpose(index n, index d, const LstsqOptions<T>& opts) {
  return n >= d && !opts.refine;
}

// Whether lstsq by svd with refinement goes through the R-SVD (solve_golub_kahan_on_r):
// Golub–Kahan on a tall A, n >= 2d (SvdOptions::kQrFirstRatio, where the SVD itself
// would reduce by QR first). The refinement then applies U^T as U_R^T Q_r^T instead of
// forming the n x d U. Below that ratio, and for jacobi, U is formed.
template <class T>
bool refines_on_r(index n, index d, SvdMethod method, const LstsqOptions<T>& opts) {
  return method == SvdMethod::golub_kahan && opts.refine && d > 0 &&
         static_cast<float>(n) >= SvdOptions::kQrFirstRatio * static_cast<float>(d);
}

// The rank, its threshold, the gap and the condition of the kept part, from s.
template <class T>
void rank_from_singular_values(VectorView<const T> s, const RankTolerance<T>& tol, index n, index d,
                               LstsqMethodInfo<T>& info) {
  const index r = s.size();
  info.tolerance = rank_threshold(tol, s[0], n, d);
  info.rank = numerical_rank<T>(s, info.tolerance);
  const index rank = info.rank;
  info.gap =
      rank == r ? std::numeric_limits<T>::infinity() : (rank == 0 ? lstsq_not_available<T>() : s[rank - 1] / s[rank]);
  info.condition = rank == 0 ? lstsq_not_available<T>() : s[0] / s[rank - 1];
}

// W_s := V_r diag(1 / s_r) C_r, C_r the first r rows of U^T Y_s (overwritten).
template <class T>
void apply_inverse(MatrixView<const T> V, VectorView<const T> s, index rank, MatrixView<T> C, MatrixView<T> Ws) {
  fill(Ws, T(0));
  if (rank == 0) return;
  MatrixView<T> Cr = C.row_block(0, rank);
  for (index i = 0; i < rank; ++i) scal(T(1) / s[i], Cr.row(i));
  gemm_kernel(Op::none, Op::none, T(1), V.col_block(0, rank), MatrixView<const T>(Cr), T(0), Ws);
}

// The same without U (n >= d): Z := Y_s, then the SVD leaves U^T Y_s in Z's first d rows
// (Jacobi, then W_s from V), or, for Golub–Kahan, forms W_s itself without V
// (golub_kahan_svd_solving_kernel: V's rotations logged and applied to W_s's block).
template <class T, SvdMethod method>
Status solve_applying(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const LstsqOptions<T>& opts,
                      const RankTolerance<T>& tol, VectorView<T> s_out, LstsqMethodInfo<T>& info, Workspace work) {
  const index n = A.rows(), d = A.cols();
  VectorView<T> s = work.vector<T>(d);
  MatrixView<T> Z = work.matrix<T>(n, Ys.cols());
  copy(Ys, Z);
  SvdInfo<T> svd_info;
  if constexpr (method == SvdMethod::golub_kahan) {
    const Status status = golub_kahan_svd_solving_kernel(A, s, Z, tol, Ws, svd_options(method, opts), svd_info, work);
    if (status != Status::ok) return status;
    rank_from_singular_values(VectorView<const T>(s), tol, n, d, info);
  } else {
    MatrixView<T> V = work.matrix<T>(d, d);
    const Status status = jacobi_svd_applying_kernel(A, s, Z, V, svd_options(method, opts), svd_info, work);
    if (status != Status::ok) return status;
    rank_from_singular_values(VectorView<const T>(s), tol, n, d, info);
    apply_inverse(MatrixView<const T>(V), VectorView<const T>(s), info.rank, Z.row_block(0, d), Ws);
  }
  if (!s_out.empty()) copy(VectorView<const T>(s), s_out);
  return Status::ok;
}

// The workspace of solve_applying: s, Z, and the kernel's (with V for Jacobi).
template <class T>
WorkspaceSize applying_workspace_size(index n, index d, index k, SvdMethod method, const SvdOptions& opts) {
  const WorkspaceSize kernel = method == SvdMethod::jacobi
                                   ? WorkspaceSize::matrix<T>(d, d) + jacobi_svd_applying_workspace_size<T>(n, d, k)
                                   : golub_kahan_svd_solving_workspace_size<T>(n, d, k, opts);
  return WorkspaceSize::vector<T>(d) + WorkspaceSize::matrix<T>(n, k) + kernel;
}

// Refines W_s on the factors (ops over U, s, V or their R-SVD form) when opts.refine
// asked for it and the rank is full; a truncated solve is left alone.
template <class T, class Ops>
void refine_if_full_rank(MatrixView<const T> Ys, MatrixView<T> Ws, index r, LstsqMethodInfo<T>& info,
                         const RefineScratch<T>& scratch, Ops& ops) {
  if (info.rank < r) {
    info.refinement = refinement_skipped<T>();
    return;
  }
  info.refinement =
      refine_solution(info.refine, Ys, Ws, info.condition, Ys.rows() >= Ws.rows(), info.refine.max_steps, ops, scratch);
}

// The same by the R-SVD (refines_on_r): A = Q_r R (Q_r's reflectors stay in A), R =
// U_R diag(s) V^T with the d x d U_R formed, C := Q_r^T Y_s, W_s = V_r diag(1 / s_r)
// U_R,r^T C(0:d, :), then the refinement on Q_r, U_R, s, V. R's singular values are A's
// to the same backward error (Chan 1982; the SVD of a tall A does this itself).
template <class T>
Status solve_golub_kahan_on_r(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const LstsqOptions<T>& opts,
                              const RankTolerance<T>& tol, VectorView<T> s_out, LstsqMethodInfo<T>& info,
                              Workspace work) {
  const index n = A.rows(), d = A.cols(), k = Ys.cols();
  VectorView<T> tau = work.vector<T>(d);
  VectorView<T> s = work.vector<T>(d);
  MatrixView<T> R = work.matrix<T>(d, d);
  MatrixView<T> Ur = work.matrix<T>(d, d);
  MatrixView<T> V = work.matrix<T>(d, d);
  MatrixView<T> C = work.matrix<T>(n, k);
  MatrixView<T> Ctop = work.matrix<T>(d, k);
  // 1. A = Q_r R; R copied out with zeros below its diagonal.
  householder_qr_kernel(A, tau, work);
  fill(R, T(0));
  for (index j = 0; j < d; ++j) copy(VectorView<const T>(A.col(j).segment(0, j + 1)), R.col(j).segment(0, j + 1));
  // 2. R = U_R diag(s) V^T (square: no second QR).
  SvdInfo<T> svd_info;
  const Status status =
      golub_kahan_svd_kernel(R, s, Ur, V, svd_options(SvdMethod::golub_kahan, opts), svd_info, work);
  if (status != Status::ok) return status;
  rank_from_singular_values(VectorView<const T>(s), tol, n, d, info);
  // 3. C := Q_r^T Y_s; Ctop_r = U_R,r^T C(0:d, :); W_s = V_r diag(1 / s_r) Ctop_r.
  copy(Ys, C);
  qr_apply_q_kernel(Side::left, Op::transpose, MatrixView<const T>(A), VectorView<const T>(tau), C, work);
  if (info.rank > 0)
    gemm_kernel(Op::transpose, Op::none, T(1), MatrixView<const T>(Ur.col_block(0, info.rank)),
                MatrixView<const T>(C.row_block(0, d)), T(0), Ctop.row_block(0, info.rank));
  apply_inverse(MatrixView<const T>(V), VectorView<const T>(s), info.rank, Ctop, Ws);
  if (!s_out.empty()) copy(VectorView<const T>(s), s_out);
  // 4. The refinement on Q_r, U_R, s, V.
  const RefineScratch<T> scratch = carve_refine_scratch<T>(n, d, work);
  RSvdRefineOperators<T> ops(MatrixView<const T>(A), VectorView<const T>(tau), MatrixView<const T>(Ur),
                             VectorView<const T>(s), MatrixView<const T>(V), work);
  refine_if_full_rank(Ys, Ws, d, info, scratch, ops);
  return Status::ok;
}

// W_s = V diag(1 / s_i, s_i > threshold) U^T Y_s.
template <class T, SvdMethod method>
Status solve_svd(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const LstsqOptions<T>& opts,
                 const RankTolerance<T>& tol, VectorView<T> s_out, LstsqMethodInfo<T>& info, Workspace work) {
  const index n = A.rows(), d = A.cols(), k = Ys.cols(), r = std::min(n, d);
  if (applies_u_transpose(n, d, opts)) return solve_applying<T, method>(A, Ys, Ws, opts, tol, s_out, info, work);
  if constexpr (method == SvdMethod::golub_kahan) {
    if (refines_on_r(n, d, method, opts)) return solve_golub_kahan_on_r(A, Ys, Ws, opts, tol, s_out, info, work);
  }
  VectorView<T> s = work.vector<T>(r);
  MatrixView<T> U = work.matrix<T>(n, r);
  MatrixView<T> V = work.matrix<T>(d, r);
  MatrixView<T> C = work.matrix<T>(r, k);
  SvdInfo<T> svd_info;
  // 1. X_s = U diag(s) V^T; no_convergence (a cap reached) ends the method here, with
  //    W_s not yet written.
  constexpr SvdMethodKernel<T> kernel =
      method == SvdMethod::jacobi ? &jacobi_svd_kernel<T> : &golub_kahan_svd_kernel<T>;
  const Status status = svd_kernel_by(kernel, A, s, U, V, svd_options(method, opts), svd_info, work);
  if (status != Status::ok) return status;
  // 2. The numerical rank, its threshold, the gap and the condition of the kept part.
  rank_from_singular_values(VectorView<const T>(s), tol, n, d, info);
  const index rank = info.rank;
  // 3. C_r = U_r^T Y_s, W_s = V_r diag(1 / s_r) C_r.
  if (rank > 0) gemm_kernel(Op::transpose, Op::none, T(1), U.col_block(0, rank), Ys, T(0), C.row_block(0, rank));
  apply_inverse(MatrixView<const T>(V), VectorView<const T>(s), rank, C, Ws);
  if (!s_out.empty()) copy(VectorView<const T>(s), s_out);
  // 4. With opts.refine and full rank, W_s refined on U, s, V (lstsq_refine.hpp); a
  //    truncated solve is left alone.
  if (!info.refine.active) return Status::ok;
  const RefineScratch<T> scratch = carve_refine_scratch<T>(n, d, work);
  SvdRefineOperators<T> ops(MatrixView<const T>(U), VectorView<const T>(s), MatrixView<const T>(V), work);
  refine_if_full_rank(Ys, Ws, r, info, scratch, ops);
  return Status::ok;
}

}  // namespace

template <class T>
WorkspaceSize lstsq_spectral_workspace_size(index n, index d, index k, SvdMethod method, const LstsqOptions<T>& opts) {
  const index r = std::min(n, d);
  // Without U: the pipeline's copies, then solve_applying's.
  if (applies_u_transpose(n, d, opts))
    return lstsq_pipeline_workspace_size<T>(n, d, k) +
           applying_workspace_size<T>(n, d, k, method, svd_options(method, opts));
  // The R-SVD: tau, s, R, U_R, V, C = Q_r^T Y_s, its top d rows after U_R^T, and the
  // largest of the QR's, the SVD's, Q_r^T's and the refinement's scratch.
  if (refines_on_r(n, d, method, opts)) {
    const WorkspaceSize steps =
        max(max(householder_qr_workspace_size<T>(n, d), svd_workspace_size<T>(d, d, svd_options(method, opts))),
            max(qr_apply_q_workspace_size<T>(Side::left, n, k, d),
                refine_with_workspace_size<T, RSvdRefineOperators<T>>(opts, n, d)));
    return lstsq_pipeline_workspace_size<T>(n, d, k) + WorkspaceSize::vector<T>(d) + WorkspaceSize::vector<T>(d) +
           WorkspaceSize::matrix<T>(d, d) + WorkspaceSize::matrix<T>(d, d) + WorkspaceSize::matrix<T>(d, d) +
           WorkspaceSize::matrix<T>(n, k) + WorkspaceSize::matrix<T>(d, k) + steps;
  }
  // The pipeline's copies; then s, U, V, C = U^T Y, and the SVD's own scratch.
  return lstsq_pipeline_workspace_size<T>(n, d, k) + WorkspaceSize::vector<T>(r) + WorkspaceSize::matrix<T>(n, r) +
         WorkspaceSize::matrix<T>(d, r) + WorkspaceSize::matrix<T>(r, k) +
         max(svd_workspace_size<T>(n, d, svd_options(method, opts)),
             refine_with_workspace_size<T, SvdRefineOperators<T>>(opts, n, d));
}

template <class T, SvdMethod method>
Status lstsq_spectral_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                              MatrixView<T> W, VectorView<T> residual_norm, VectorView<T> singular_values,
                              LstsqInfo<T>& info, Workspace work) {
  const WorkspaceSize needed = lstsq_spectral_workspace_size<T>(X.rows(), X.cols(), Y.cols(), method, opts);
  // The SVD's method and caps are this call's; the singular values go to the caller.
  auto solve = [&](MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance<T>& tol,
                   LstsqMethodInfo<T>& m,
                   Workspace rest) { return solve_svd<T, method>(A, Ys, Ws, opts, tol, singular_values, m, rest); };
  return lstsq_run(X, Y, opts, W, residual_norm, singular_values, needed, info, work, solve);
}

#define STELA_INSTANTIATE(T)                                                                                          \
  template WorkspaceSize lstsq_spectral_workspace_size<T>(index, index, index, SvdMethod, const LstsqOptions<T>&);       \
  template Status lstsq_spectral_inplace<T, SvdMethod::golub_kahan>(                                                  \
      MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, MatrixView<T>, VectorView<T>, VectorView<T>,  \
      LstsqInfo<T>&, Workspace);                                                                                      \
  template Status lstsq_spectral_inplace<T, SvdMethod::jacobi>(MatrixView<const T>, MatrixView<const T>,              \
                                                               const LstsqOptions<T>&, MatrixView<T>, VectorView<T>,  \
                                                               VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela::detail
