// lstsq by Householder QR: lstsq_qr_inplace, for X of full rank.
//
// Counterpart:  LAPACK xGELS.
// Computes:     tall X_s = Q R: W_s = R^{-1} (Q^T Y_s)(0:d), the least-squares solution;
//               wide X_s^T = Q R: W_s = Q R^{-T} Y_s, the minimum-norm solution. A
//               (numerically) zero diagonal entry of R is Status::rank_deficient, never
//               a wrong answer.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 5.3.3 (tall)
//               and 5.6.2 (wide, minimum norm); Björck 1996, section 1.3.
// Cost:         2 d^2 (n - d/3) for the factorization (tall; n and d swapped when wide)
//               + 4 n d k to apply Q + d^2 k for the triangle, plus the pipeline's
//               residuals (lstsq_pipeline.cpp); with opts.refine, O(n d) per step
//               (lstsq_refine.hpp).
// Workspace:    X_s^T (wide only: a tall X_s is factored in place), tau, a copy of Y_s;
//               then, in sequence, the factorization, the solve (tall) or the
//               application of Q (wide), and the condition estimate.
// Stability:    backward stable for full-rank X (GVL 5.3.5).
// Failures:     rank_deficient when |r_jj| <= the rank rule's threshold, relative to the
//               largest column norm (qr_solve.cpp), W then unfinished; the pipeline's.
#include <algorithm>
#include <limits>

#include "../blas/blas_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "lstsq_pipeline.hpp"
#include "lstsq_refine_operators.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/qr.hpp"

namespace stela {
namespace {

// 4. With opts.refine, W_s refined on the factors F, tau (lstsq_refine.hpp): the
//    augmented form when tall, the plain one when wide.
template <class T>
void refine_qr(MatrixView<T> F, VectorView<T> tau, MatrixView<const T> Ys, MatrixView<T> Ws,
               detail::LstsqMethodInfo<T>& info, Workspace work) {
  if (!info.refine.active) return;
  const index n = Ys.rows(), d = Ws.rows();
  const detail::RefineScratch<T> scratch = detail::carve_refine_scratch<T>(n, d, work);
  detail::QrRefineOperators<T> ops(MatrixView<const T>(F), VectorView<const T>(tau), work);
  info.refinement =
      detail::refine_solution(info.refine, Ys, Ws, info.condition, n >= d, info.refine.max_steps, ops, scratch);
}

// tall X_s = Q R, W_s = R^{-1} (Q^T Y_s)(0:d); wide X_s^T = Q R, W_s = Q R^{-T} Y_s.
template <class T>
Status solve_qr(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance<T>& tol,
                detail::LstsqMethodInfo<T>& info, Workspace work) {
  const index n = A.rows(), d = A.cols(), k = Ys.cols(), r = std::min(n, d);
  const bool tall = n >= d;
  // 1. Factor X_s (tall; A is the scratch copy, factored in place) or X_s^T (wide, into
  //    F): the factored matrix is max(n, d) x r.
  MatrixView<T> F = tall ? A : work.matrix<T>(d, n);
  VectorView<T> tau = work.vector<T>(r);
  MatrixView<T> B = work.matrix<T>(n, k);
  if (!tall)
    for (index j = 0; j < d; ++j)
      for (index i = 0; i < n; ++i) F(j, i) = A(i, j);
  detail::householder_qr_kernel(F, tau, work);
  const MatrixView<const T> R = MatrixView<const T>(F).block(0, 0, r, r);
  // 2. The threshold qr_solve_inplace's rank check applies (reported), relative to the
  //    largest column norm of the factored matrix.
  info.tolerance = rank_threshold(tol, detail::qr_column_norm_max(MatrixView<const T>(F)), n, d);
  info.rank = r;
  info.gap = std::numeric_limits<T>::infinity();  // full rank, or no answer at all
  // 3. The solve: least squares (tall), where qr_solve_inplace makes the rank decision,
  //    or minimum norm (wide), with the same check on the R of X_s^T.
  copy(Ys, B);
  if (tall) {
    // rank_deficient (R1 fails the rank check; Ws untouched) ends the method here.
    const Status status = detail::qr_solve_kernel(MatrixView<const T>(F), VectorView<const T>(tau), B, Ws, tol, work);
    if (status != Status::ok) return status;
    info.condition = detail::triangular_condition(R, work);
    refine_qr(F, tau, Ys, Ws, info, work);
    return Status::ok;
  }
  if (!detail::diagonal_above_threshold(R.diagonal(), info.tolerance)) return Status::rank_deficient;
  info.condition = detail::triangular_condition(R, work);
  // Wide: X_s = R^T Q^T, so the minimum-norm solution is W_s = Q (R^{-T} Y_s).
  fill(Ws, T(0));
  copy(MatrixView<const T>(B), Ws.row_block(0, n));
  // W_s(0:n, :) := R^{-T} Y_s
  detail::trsm_kernel(Side::left, Uplo::upper, Op::transpose, Diag::non_unit, T(1), R, Ws.row_block(0, n));
  // W_s := Q W_s
  detail::qr_apply_q_kernel(Side::left, Op::none, MatrixView<const T>(F), VectorView<const T>(tau), Ws, work);
  refine_qr(F, tau, Ys, Ws, info, work);
  return Status::ok;
}

}  // namespace

template <class T>
WorkspaceSize lstsq_qr_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts) {
  const index r = std::min(n, d);
  const index rows = std::max(n, d);
  return detail::lstsq_pipeline_workspace_size<T>(n, d, k) +
         (n >= d ? WorkspaceSize() : WorkspaceSize::matrix<T>(d, n)) + WorkspaceSize::vector<T>(r) +
         WorkspaceSize::matrix<T>(n, k) +
         max(max(householder_qr_workspace_size<T>(rows, r), detail::triangular_condition_workspace_size<T>(r)),
             max(n >= d ? qr_solve_workspace_size<T>(n, d, k) : qr_apply_q_workspace_size<T>(Side::left, d, k, n),
                 detail::refine_with_workspace_size<T, detail::QrRefineOperators<T>>(opts, n, d)));
}

template <class T>
Status lstsq_qr_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                        VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work) {
  const WorkspaceSize needed = lstsq_qr_workspace_size<T>(X.rows(), X.cols(), Y.cols(), opts);
  return detail::lstsq_run(X, Y, opts, W, residual_norm, VectorView<T>(), needed, info, work, solve_qr<T>);
}

#define STELA_INSTANTIATE(T)                                                                                        \
  template WorkspaceSize lstsq_qr_workspace_size<T>(index, index, index, const LstsqOptions<T>&);                      \
  template Status lstsq_qr_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, MatrixView<T>, \
                                      VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
