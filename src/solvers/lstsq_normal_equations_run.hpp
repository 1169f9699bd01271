// Internal to stela's sources (not installed): the lstsq pipeline around one
// normal-equations kernel (normal_cholesky, normal_lu), with the corrected semi-normal
// equations when opts.refine is set (lstsq_refine.hpp).
#pragma once

#include <cmath>
#include <limits>

#include "../blas/triangular_condition.hpp"
#include "../lu/lu_kernels.hpp"
#include "lstsq_pipeline.hpp"
#include "lstsq_refine_operators.hpp"
#include "stela/normal_equations.hpp"

namespace stela::detail {

// normal_cholesky and normal_lu: the pipeline around one normal-equations kernel,
//     kernel(A, Y_s, W_s, NormalEquationsInfo<T>&, workspace) -> Status
// ((A^T A) W_s = A^T Y_s, normal_equations.cpp). The rank is d whatever happens (the
// normal equations do not decide it); the condition estimate is kappa_2(X) =
// kappa_2(L) estimated on Cholesky's factor, or sqrt(kappa_2(X^T X)) estimated on LU's
// factors (the same 2-norm figure as every other method). The workspace:
// the pipeline's copies, a d x k block the method leaves unused (reserved since the
// first lstsq; kept so that the query does not shrink under callers), the kernel's own
// or, with opts.refine, the factor the kernel leaves at the start of its workspace
// (G, d x d, and for LU its d pivots: normal_equations_kernels.hpp) and the
// refinement's scratch behind it, whichever is larger.
template <class T>
WorkspaceSize lstsq_normal_equations_workspace_size(index n, index d, index k, const WorkspaceSize& kernel_size,
                                                    const LstsqOptions<T>& opts) {
  const WorkspaceSize refine = opts.refine ? WorkspaceSize::matrix<T>(d, d) + WorkspaceSize::vector<index>(d) +
                                                 refine_workspace_size<T>(n, d)
                                           : WorkspaceSize();
  return lstsq_pipeline_workspace_size<T>(n, d, k) + WorkspaceSize::matrix<T>(d, k) + max(kernel_size, refine);
}
template <class T, class Kernel>
Status lstsq_normal_equations_run(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                                  MatrixView<T> W, VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work,
                                  const WorkspaceSize& needed, Kernel kernel, bool pivoted) {
  auto solve = [&](MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance<T>& /*tol*/,
                   LstsqMethodInfo<T>& m, Workspace rest) {
    NormalEquationsInfo<T> ne;
    const Status status = kernel(MatrixView<const T>(A), Ys, Ws, ne, rest);
    m.rank = A.cols();
    const index d = A.cols();
    const MatrixView<const T> G = rest.matrix<T>(d, d);
    const VectorView<const index> pivots = pivoted ? rest.vector<index>(d) : VectorView<index>();
    // kappa_2(X) = sqrt(kappa_2(X^T X)), estimated by power iteration on the factors
    // the kernel leaves: from Cholesky's X^T X (+ tau I) = L L^T it is kappa_2(L), on L
    // as qr estimates it on R (triangular_condition.hpp); from LU's P G = L U,
    // sqrt(kappa_2(G)) with products and solves of G (lu_symmetric_condition.cpp).
    // Factors left incomplete (a failed pivot, or G not finite) give only
    // sqrt(1 / rcond), rcond ~ 1 / kappa_1(X^T X), within sqrt(d) of it either way.
    const bool factored = status == Status::ok || (pivoted && status == Status::singular && ne.failed_column < 0);
    if (factored && !pivoted)
      m.condition = triangular_condition_2norm<T>(Uplo::lower, G, rest);
    else if (factored)
      m.condition = std::sqrt(lu_symmetric_condition_2norm_kernel<T>(G, pivots, rest));
    else
      m.condition = ne.rcond > 0 ? std::sqrt(T(1) / static_cast<T>(ne.rcond)) : std::numeric_limits<T>::infinity();
    if (status != Status::ok || !m.refine.active) return status;
    // With opts.refine: one step of the corrected semi-normal equations on the factor
    // the kernel left at the start of rest (lstsq_refine.hpp).
    const RefineScratch<T> scratch = carve_refine_scratch<T>(A.rows(), d, rest);
    NormalRefineOperators<T> ops(MatrixView<const T>(A), G, pivots);
    m.refinement = refine_solution(m.refine, Ys, Ws, m.condition, false, kSemiNormalSteps, ops, scratch);
    return status;
  };
  return lstsq_run(X, Y, opts, W, residual_norm, VectorView<T>(), needed, info, work, solve);
}

}  // namespace stela::detail
