// lstsq by the complete orthogonal decomposition: lstsq_qrcp_inplace, minimum norm, any
// shape and rank.
//
// Counterpart:  LAPACK xGELSY.
// Computes:     X_s P = Q [T 0; 0 0] Z from column-pivoted QR, T r x r with r the
//               numerical rank by the rank rule, and the minimum-norm solution
//               W_s = P Z^T [T^{-1} (Q^T Y_s)(0:r); 0].
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 5.4.1-5.4.2
//               (pivoted QR), 5.5.2 (complete orthogonal decomposition); the
//               decomposition and its solve are src/qr/qr_cod.cpp.
// Cost:         about twice the qr method's factorization (pivoting and the RZ step)
//               plus the solve and the pipeline's residuals (lstsq_pipeline.cpp).
// Workspace:    tau, tau_z, the permutation, a copy of Y_s; then, in sequence, the
//               decomposition, its solve, the condition estimate, the refinement
//               (opts.refine, full rank only: lstsq_refine.hpp).
// Stability:    backward stable for the problem of rank r it solves (xGELSY's claim);
//               the rank is that of pivoted QR, which can overestimate it on rare
//               matrices (Kahan's), never underestimate.
// Failures:     not_finite from the decomposition (a column norm overflowed, which the
//               scaled A cannot meet); the pipeline's.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../qr/qr_kernels.hpp"
#include "lstsq_pipeline.hpp"
#include "lstsq_refine_operators.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/qr.hpp"

namespace stela {
namespace {

// X_s P = Q [T 0; 0 0] Z, W_s the minimum-norm solution.
template <class T>
Status solve_qrcp(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance<T>& tol,
                  detail::LstsqMethodInfo<T>& info, Workspace work) {
  const index n = A.rows(), d = A.cols(), k = Ys.cols(), r = std::min(n, d);
  VectorView<T> tau = work.vector<T>(r);
  VectorView<T> tau_z = work.vector<T>(r);
  VectorView<index> perm = work.vector<index>(d);
  MatrixView<T> B = work.matrix<T>(n, k);
  index rank = 0;
  // 1. |r_00| of the pivoted QR is the largest column norm (the first pivot's), which
  //    the decomposition overwrites: take it first, for the tolerance it is compared with.
  T r00 = 0;
  for (index j = 0; j < d; ++j) r00 = std::max(r00, nrm2(A.col(j)));
  info.tolerance = rank_threshold(tol, r00, n, d);
  // 2. The decomposition; on exit T is the leading rank x rank triangle and R22 stays in
  //    rows and columns rank.. (see qr_cod.cpp). not_finite (a column norm overflowed)
  //    ends the method; A, scaled into [1/2, 1) by step 2 of the pipeline, has column
  //    norms of at most sqrt(n).
  const Status status = detail::cod_kernel(A, tau, tau_z, perm, rank, tol, work);
  if (status != Status::ok) return status;
  info.rank = rank;
  // The gap, as far as the triangular factors tell: last kept over first dropped diagonal.
  if (rank == r)
    info.gap = std::numeric_limits<T>::infinity();
  else if (rank > 0)
    info.gap = std::abs(A(rank - 1, rank - 1)) / std::abs(A(rank, rank));
  info.condition = rank == 0 ? detail::lstsq_not_available<T>()
                             : detail::triangular_condition(MatrixView<const T>(A).block(0, 0, rank, rank), work);
  // 3. The minimum-norm solve.
  copy(Ys, B);
  detail::cod_solve_kernel(MatrixView<const T>(A), VectorView<const T>(tau), VectorView<const T>(tau_z),
                           VectorView<const index>(perm), rank, B, Ws, work);
  // 4. With opts.refine and full rank, W_s refined on the decomposition
  //    (lstsq_refine.hpp); a truncated solve is left alone.
  if (!info.refine.active) return Status::ok;
  if (rank < r) {
    info.refinement = detail::refinement_skipped<T>();
    return Status::ok;
  }
  const detail::RefineScratch<T> scratch = detail::carve_refine_scratch<T>(n, d, work);
  detail::CodRefineOperators<T> ops(MatrixView<const T>(A), VectorView<const T>(tau), VectorView<const T>(tau_z),
                                    VectorView<const index>(perm), rank, work);
  info.refinement =
      detail::refine_solution(info.refine, Ys, Ws, info.condition, n >= d, info.refine.max_steps, ops, scratch);
  return Status::ok;
}

}  // namespace

template <class T>
WorkspaceSize lstsq_qrcp_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts) {
  const index r = std::min(n, d);
  return detail::lstsq_pipeline_workspace_size<T>(n, d, k) + WorkspaceSize::vector<T>(r) + WorkspaceSize::vector<T>(r) +
         WorkspaceSize::vector<index>(d) + WorkspaceSize::matrix<T>(n, k) +
         max(max(cod_workspace_size<T>(n, d), cod_solve_workspace_size<T>(n, d, k)),
             max(detail::triangular_condition_workspace_size<T>(r),
                 detail::refine_with_workspace_size<T, detail::CodRefineOperators<T>>(opts, n, d)));
}

template <class T>
Status lstsq_qrcp_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                          VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work) {
  const WorkspaceSize needed = lstsq_qrcp_workspace_size<T>(X.rows(), X.cols(), Y.cols(), opts);
  return detail::lstsq_run(X, Y, opts, W, residual_norm, VectorView<T>(), needed, info, work, solve_qrcp<T>);
}

#define STELA_INSTANTIATE(T)                                                                                          \
  template WorkspaceSize lstsq_qrcp_workspace_size<T>(index, index, index, const LstsqOptions<T>&);                      \
  template Status lstsq_qrcp_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, MatrixView<T>, \
                                        VectorView<T>, LstsqInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
