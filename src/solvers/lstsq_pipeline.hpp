// Internal to stela's sources (not installed): the steps every least-squares method
// shares, around the method itself (src/solvers/lstsq_pipeline.cpp).
//
// Each per-method entry (lstsq_qr_inplace, ... in lstsq_<method>.cpp) reads
//     1-2. lstsq_begin:  checks in the fixed order, the quick return for empty input,
//                        the scaled copies A = 2^-a X, Y_s = 2^-b Y;
//     3.   its method on (A, Y_s), writing W_s into W and filling LstsqMethodInfo;
//     4-6. lstsq_finish: residuals from X, unscaling, the finiteness of the answer;
// so the checks, the scaling and the report are written once, and a method's file holds
// only its method. The steps are those of the card in lstsq_pipeline.cpp.
#pragma once

#include <cmath>
#include <limits>

#include "stela/lstsq.hpp"
#include "stela/matrix.hpp"
#include "stela/normal_equations.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela::detail {

template <class T>
T lstsq_not_available() {
  return std::numeric_limits<T>::quiet_NaN();
}

// What the refinement reads of the problem (lstsq_refine.hpp): the caller's X and the
// exact power of two of each column of A, A(:, j) = 2^shift_j X(:, j) (the scaling of
// step 2 and, with equilibrates(opts), the column equilibration).
inline constexpr index kRefineMaxSteps = 10;  // ITHRESH of Demmel et al. 2009

template <class T>
struct RefineProblem {
  bool active = false;  // opts.refine
  index max_steps = 0;  // opts.max_refine_steps, or the default kRefineMaxSteps when negative
  MatrixView<const T> X;
  VectorView<const index> shift;
};

// What a method reports besides W_s, in the scaled problem's units. refine is the
// method's input: when active, it refines W_s on its own factors (lstsq_refine.hpp) and
// reports in refinement.
template <class T>
struct LstsqMethodInfo {
  index rank = 0;
  T tolerance = 0;
  T gap = lstsq_not_available<T>();
  T condition = lstsq_not_available<T>();
  RefineProblem<T> refine;
  LstsqRefinement<T> refinement;
};

// The problem as the method sees it: A = 2^-a X (n x d) and Y_s = 2^-b Y (n x k), carved
// from the caller's workspace, with the rank rule for A (its absolute part scaled by 2^-a).
template <class T>
struct ScaledLstsq {
  MatrixView<T> A;
  MatrixView<T> Ys;
  VectorView<T> residual;
  VectorView<index> shift;  // A(:, j) = 2^shift_j X(:, j): -a, plus e_j when equilibrated
  int a = 0;
  int b = 0;
  bool equilibrated = false;
  RankTolerance<T> tol;
  bool done = false;  // the quick return was taken: the result is complete
};

// Column equilibration (src/solvers/lstsq_equilibrate.cpp): A := A D with D =
// diag(2^e_j) exact, every nonzero column norm of A D in [1/2, 1); e_j added to shift[j].
template <class T>
void equilibrate_columns(MatrixView<T> A, VectorView<index> shift);

// Workspace of the pipeline's own steps: the scaled copies, one residual vector and the
// column shifts; a method's workspace is added to it.
template <class T>
WorkspaceSize lstsq_pipeline_workspace_size(index n, index d, index k);

// Steps 1-2. needed is the whole workspace the entry needs (its own query). On ok,
// either p.done (empty input: W = 0, residual_norm = ||y_j||, singular_values = 0, info
// filled) or p holds the scaled problem carved from work, and work the rest.
template <class T>
Status lstsq_begin(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                   VectorView<T> residual_norm, VectorView<T> singular_values, const WorkspaceSize& needed,
                   LstsqInfo<T>& info, Workspace& work, ScaledLstsq<T>& p);

// Steps 4-6, after the method wrote W_s into W and m (and the scaled singular values,
// when it computes them, into singular_values; pass an empty view otherwise).
template <class T>
Status lstsq_finish(MatrixView<const T> X, const ScaledLstsq<T>& p, const LstsqMethodInfo<T>& m, MatrixView<T> W,
                    VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info);

// The whole pipeline of one method: steps 1-2, then
//     method(A, Y_s, W_s, rank rule for A, LstsqMethodInfo&, rest of the workspace)
// (step 3: writes W_s into W; a status other than ok ends the pipeline), then 4-6.
// singular_values is the caller's view for the svd methods, empty for the others.
template <class T, class Method>
Status lstsq_run(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                 VectorView<T> residual_norm, VectorView<T> singular_values, const WorkspaceSize& needed,
                 LstsqInfo<T>& info, Workspace work, Method method) {
  // 1-2. Checks, quick return, scaled copies.
  ScaledLstsq<T> p;
  const Status checked = lstsq_begin(X, Y, opts, W, residual_norm, singular_values, needed, info, work, p);
  if (checked != Status::ok || p.done) return checked;
  // 3. The method; its failure ends the pipeline with W unfinished.
  LstsqMethodInfo<T> m;
  m.refine.active = opts.refine;
  m.refine.max_steps = opts.max_refine_steps < 0 ? kRefineMaxSteps : opts.max_refine_steps;
  m.refine.X = X;
  m.refine.shift = VectorView<const index>(p.shift);
  const Status status = method(p.A, MatrixView<const T>(p.Ys), W, p.tol, m, work);
  if (status != Status::ok) return status;
  // 4-6. Residuals, unscaling, finiteness.
  return lstsq_finish(X, p, m, W, residual_norm, singular_values, info);
}

// normal_cholesky and normal_lu: lstsq_normal_equations_run (lstsq_normal_equations_run.hpp).

// kappa_2 of the r x r upper triangle R, estimated by power iteration in O(r^2), the
// figure svd reports (src/solvers/lstsq_triangular_condition.cpp; qr and qrcp).
// The size stays two vectors of r, one more than the estimator takes, so that the
// workspace query does not change under callers.
template <class T>
WorkspaceSize triangular_condition_workspace_size(index r) {
  return WorkspaceSize::vector<T>(r) + WorkspaceSize::vector<T>(r);
}
template <class T>
T triangular_condition(MatrixView<const T> R, Workspace work);

// svd and jacobi: W_s = V diag(1 / s_i, s_i > threshold) U^T Y_s by the given SVD method,
// with opts' caps (src/solvers/lstsq_spectral.cpp). The method is a template argument so
// that each instance links its own SVD only.
template <class T>
WorkspaceSize lstsq_spectral_workspace_size(index n, index d, index k, SvdMethod method, const LstsqOptions<T>& opts);
template <class T, SvdMethod method>
Status lstsq_spectral_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                              MatrixView<T> W, VectorView<T> residual_norm, VectorView<T> singular_values,
                              LstsqInfo<T>& info, Workspace work);

}  // namespace stela::detail
