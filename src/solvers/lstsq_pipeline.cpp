// Linear least squares by six named methods, with the same diagnostics for all of them.
//
// Counterparts: LAPACK xGELSD / xGELSS (svd), xGEJSV-based solve (jacobi), xGELS (qr),
//               xGELSY (qrcp), and the normal equations as numpy users write them
//               (normal_cholesky, normal_lu); numpy.linalg.lstsq.
// Computes:     W (d x k) minimising ||Y - X W||_F for X n x d, Y n x k; the
//               minimum-norm minimiser for svd, jacobi and qrcp (any rank), and for qr
//               when X has full rank (tall: least squares; wide: minimum norm).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 5.3 (full-rank
//               least squares: normal equations, QR), 5.5 (rank-deficient: SVD, complete
//               orthogonal decomposition); Å. Björck, "Numerical Methods for Least
//               Squares Problems", SIAM 1996, ch. 1-2; LAPACK Users' Guide, 3rd ed.,
//               section 4.5 (error bounds).
// Steps:        1. checks (shapes, tolerance, finiteness, workspace);
//               2. exact power-of-two scaling X_s = 2^-a X, Y_s = 2^-b Y, with the
//                  largest entries in [1/2, 1) (LAPACK's xGELSD scales only outside
//                  [smlnum, bignum]; scaling always costs two passes and makes the
//                  residual safe from underflow as well as overflow);
//               2b. with equilibrates(opts), X_s := X_s D, D = diag(2^e_j), every column
//                  norm in [1/2, 1) (lstsq_equilibrate.cpp); shift_j = e_j - a records
//                  X_s(:, j) = 2^shift_j X(:, j) for steps 3b, 4 and 5;
//               3. the method on (X_s, Y_s), giving W_s, the rank, the threshold, the
//                  gap and a condition estimate;
//               3b. with opts.refine, the method refines W_s on its own factors,
//                  residuals from X in wider precision (lstsq_refine.hpp);
//               4. residuals r_j = y_j - X w_j recomputed from X itself (not from the
//                  factors), so they are honest for every method;
//               5. unscaling: W(i, :) = 2^(b + shift_i) W_s(i, :) (2^(b - a) W_s
//                  unequilibrated), ||r_j|| = 2^b ||r_s,j||, s = 2^a s_s (equilibrated:
//                  the singular values of X D as they are);
//               6. W and the residual norms finite, or not_finite: a solution beyond
//                  the range of T is no answer.
// Cost:         svd 2 n d^2 + 11 d^3 (GVL 8.6.3, tall, thin U not formed) plus the
//               vectors; qr 2 d^2 (n - d/3); qrcp about twice qr; normal equations
//               n d^2 + d^3/3 (Cholesky) or + 2 d^3/3 (LU); residuals 2 n d k.
// Invariant:    X and Y are only read; from step 2 on, A and Y_s are X and Y times exact
//               powers of two, so each method solves the caller's problem rescaled.
// Stability:    svd, jacobi, qr and qrcp are backward stable: the forward error is
//               about eps (kappa + kappa^2 tan(theta)). The normal equations are not:
//               forming X^T X squares the condition number, so their error is about
//               eps kappa^2 even for a zero residual (GVL 5.3.8) — which is why they are
//               here: as the baseline every other method is measured against.
// Workspace:    lstsq_workspace_size (lstsq_<method>_workspace_size for one method);
//               one caller buffer serves the whole pipeline.
// Files:        this file holds steps 1-2 and 4-6, shared by every method; step 3 is one
//               file per method (lstsq_svd.cpp and lstsq_jacobi.cpp over
//               lstsq_spectral.cpp, lstsq_qr.cpp, lstsq_qrcp.cpp,
//               lstsq_normal_cholesky.cpp, lstsq_normal_lu.cpp), each with its own entry
//               lstsq_<method>_inplace; lstsq_inplace.cpp switches between them at run
//               time; lstsq.cpp is the allocating layer.
// Failures:     every step's status ends the pipeline and is returned (the method's
//               no_convergence, rank_deficient, not_positive_definite or singular, and
//               step 6's not_finite); W then holds at most a partial result.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../blas/blas_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "lstsq_pipeline.hpp"
#include "stela/blas.hpp"

namespace stela::detail {

template <class T>
WorkspaceSize lstsq_pipeline_workspace_size(index n, index d, index k) {
  // The scaled copies of X and Y, one residual vector, the column shifts.
  return WorkspaceSize::matrix<T>(n, d) + WorkspaceSize::matrix<T>(n, k) + WorkspaceSize::vector<T>(n) +
         WorkspaceSize::vector<index>(d);
}

template <class T>
Status lstsq_begin(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                   VectorView<T> residual_norm, VectorView<T> singular_values, const WorkspaceSize& needed,
                   LstsqInfo<T>& info, Workspace& work, ScaledLstsq<T>& p) {
  const index n = X.rows(), d = X.cols(), k = Y.cols(), r = std::min(n, d);
  info = LstsqInfo<T>{};
  p = ScaledLstsq<T>{};
  // 1. Checks, in the fixed order; nothing is written before they pass.
  if (Y.rows() != n || W.rows() != d || W.cols() != k || residual_norm.size() != k ||
      (!singular_values.empty() && singular_values.size() != r))
    return Status::dimension_mismatch;
  if (!valid(opts.tolerance)) return Status::invalid_argument;
  if (opts.refine && opts.max_refine_steps == 0) return Status::invalid_argument;
  if (!all_finite(X) || !all_finite(Y)) return Status::not_finite;
  if (!work.holds(needed)) return Status::workspace_too_small;

  // Quick return: no unknowns or no equations. W = 0 is the minimum-norm solution.
  if (n == 0 || d == 0 || k == 0) {
    fill(W, T(0));
    for (index j = 0; j < k; ++j) residual_norm[j] = nrm2(Y.col(j));
    fill(singular_values, T(0));
    info.gap = std::numeric_limits<T>::infinity();
    info.condition = T(1);
    p.done = true;
    // As step 6: ||y_j|| itself may overflow (found by tools/fuzz/fuzz_solvers).
    return all_finite(VectorView<const T>(residual_norm)) ? Status::ok : Status::not_finite;
  }

  // 2. Scaled copies: A = 2^-a X, Ys = 2^-b Y, exactly. The rank rule sees the scaled
  //    singular values, so its absolute part is scaled with them (the relative part is
  //    scale-free).
  p.A = work.matrix<T>(n, d);
  p.Ys = work.matrix<T>(n, k);
  p.residual = work.vector<T>(n);
  p.shift = work.vector<index>(d);
  copy(X, p.A);
  p.a = scale_by_max_exponent(p.A);
  copy(Y, p.Ys);
  p.b = scale_by_max_exponent(p.Ys);
  for (index j = 0; j < d; ++j) p.shift[j] = -p.a;
  // 2b. With equilibrates(opts) (opts.equilibrate, unset: opts.refine), A := A D, D = diag(2^e_j), every column norm in [1/2, 1)
  //     (lstsq_equilibrate.cpp); the rank rule then sees the singular values of A D as
  //     they are, its absolute part unscaled.
  p.equilibrated = equilibrates(opts);
  if (p.equilibrated) equilibrate_columns(p.A, p.shift);
  p.tol = scaled_tolerance(opts.tolerance, p.equilibrated ? 0 : p.a);
  return Status::ok;
}

template <class T>
Status lstsq_finish(MatrixView<const T> X, const ScaledLstsq<T>& p, const LstsqMethodInfo<T>& m, MatrixView<T> W,
                    VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info) {
  const index k = W.cols();
  // 4. Residuals from X itself: r_j = Y_s(:, j) - A W_s(:, j), A recopied (svd, jacobi,
  //    qrcp and the tall qr overwrite it) as A(:, i) = 2^shift_i X(:, i), norms by the
  //    overflow-safe nrm2.
  copy(X, p.A);
  for (index i = 0; i < X.cols(); ++i) scale_by_power_of_two(static_cast<int>(p.shift[i]), p.A.col(i));
  for (index j = 0; j < k; ++j) {
    copy(MatrixView<const T>(p.Ys).col(j), p.residual);
    // r_j := Y_s(:, j) - A w_j
    gemv_kernel(Op::none, T(-1), MatrixView<const T>(p.A), VectorView<const T>(W.col(j)), T(1), p.residual);
    residual_norm[j] = std::ldexp(nrm2(VectorView<const T>(p.residual)), p.b);
  }

  // 5. Unscale: W(i, :) = 2^(b + shift_i) W_s(i, :) (2^(b - a) W_s unequilibrated);
  //    singular values and the tolerance 2^a (equilibrated: those of A D as they are).
  for (index i = 0; i < W.rows(); ++i) scale_by_power_of_two(p.b + static_cast<int>(p.shift[i]), W.row(i));
  const int unscale = p.equilibrated ? 0 : p.a;
  scale_by_power_of_two(unscale, singular_values);
  info.rank = m.rank;
  info.tolerance = std::ldexp(m.tolerance, unscale);
  info.gap = m.gap;
  info.condition = m.condition;
  info.equilibrated = p.equilibrated;
  info.refinement = m.refinement;
  // 6. A solution or residual norm beyond the range of T is no answer: the caller's
  //    solution is not representable (step 5 overflowed), or a tolerance of 0 kept a
  //    triangle so near singular that W_s itself overflowed.
  if (!all_finite(MatrixView<const T>(W)) || !all_finite(VectorView<const T>(residual_norm))) return Status::not_finite;
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                    \
  template WorkspaceSize lstsq_pipeline_workspace_size<T>(index, index, index);                                 \
  template Status lstsq_begin<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&, MatrixView<T>,  \
                                 VectorView<T>, VectorView<T>, const WorkspaceSize&, LstsqInfo<T>&, Workspace&, \
                                 ScaledLstsq<T>&);                                                              \
  template Status lstsq_finish<T>(MatrixView<const T>, const ScaledLstsq<T>&, const LstsqMethodInfo<T>&,        \
                                  MatrixView<T>, VectorView<T>, VectorView<T>, LstsqInfo<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela::detail
