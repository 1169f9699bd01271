// Ridge regression by the SVD at one fixed lambda, in the caller's storage.
//
// Counterpart:  sklearn.linear_model.Ridge(solver="svd"); LAPACK has no driver.
// Computes:     W = argmin ||Y - X W||_F^2 + lambda ||W||_F^2 (X n x d, Y n x k) as
//               W = V diag(s / (s^2 + lambda)) U^T Y from X = U diag(s) V^T (the filter
//               factors; Hansen, "Rank-Deficient and Discrete Ill-Posed Problems", SIAM
//               1998, ch. 4), with an unpenalised intercept when opts.fit_intercept:
//               X and Y centred, b = mean(Y) - W^T mean(X). lambda = 0 drops the
//               singular values at or below the rank tolerance (the minimum-norm
//               least-squares solution).
// Storage:      X and Y are only read; on exit W (d x k) holds the solution, intercept
//               (k) the intercepts (zeros without fit_intercept), info.effective_dof
//               sum s_j^2 / (s_j^2 + lambda) (+1 with an intercept).
// Scaling:      X 2^-a, Y 2^-b, lambda 2^-2a by exact powers of two (max entries in
//               [1/2, 1)), and X, lambda a further 2^-c, 2^-2c when sqrt(lambda) > 2^a
//               (ridge_kernels.hpp, ScaledLambda); W = W' 2^(b - a - c) after. The
//               allocating ridge (ridge.cpp) is this routine for RidgeMethod::svd.
// Cost:         one thin SVD (about 4 n d^2 + 8 d^3 with vectors, n >= d) plus 2 n r k
//               for U^T Y and 2 d r k for W, r = min(n, d).
// Workspace:    X_s (n x d), Y_s (n x k), the means (d + k), s (r), U (n x r), V (d x r),
//               C = U^T Y_s (r x k), and the SVD's scratch.
// Invariant:    C's row j holds the filtered projection of Y_s on u_j once step 4 has
//               passed it; W is written only in step 5, after the SVD has succeeded.
// Stability:    backward stable for the regularised problem, whose condition number is
//               about sqrt((s_1^2 + lambda) / (s_r^2 + lambda)) (Hansen 1998, 4.2).
// Statuses:     in this order, each with W and intercept untouched: dimension_mismatch
//               (Y's rows, W not d x k, intercept not k), invalid_argument (tolerance, or
//               lambda negative or not finite), workspace_too_small, not_finite (NaN or
//               Inf in X or Y); then ok, no_convergence (opts.max_iterations reached;
//               W not written), or not_finite when the solution or intercept overflows
//               (W and intercept then hold the overflowed values).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "../svd/svd_kernels.hpp"
#include "ridge_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/ridge.hpp"
#include "stela/svd.hpp"

namespace stela {
namespace {

// The Golub–Kahan SVD with thin vectors and the caller's cap.
template <class T>
SvdOptions ridge_svd_options(const RidgeOptions<T>& opts) {
  SvdOptions svd_opts;
  svd_opts.max_iterations = opts.max_iterations;
  return svd_opts;
}

template <class T>
Status check(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeOptions<T>& opts, MatrixView<T> W,
             VectorView<T> intercept, const Workspace& work) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  if (Y.rows() != n || W.rows() != d || W.cols() != k || intercept.size() != k) return Status::dimension_mismatch;
  if (!valid(opts.tolerance) || !ridge_detail::valid_lambda(lambda)) return Status::invalid_argument;
  if (!work.holds(ridge_svd_workspace_size<T>(n, d, k, opts))) return Status::workspace_too_small;
  if (!all_finite(X) || !all_finite(Y)) return Status::not_finite;
  return Status::ok;
}

}  // namespace

template <class T>
WorkspaceSize ridge_svd_workspace_size(index n, index d, index k, const RidgeOptions<T>& opts) {
  const index r = std::min(n, d);
  return WorkspaceSize::matrix<T>(n, d) + WorkspaceSize::matrix<T>(n, k) + WorkspaceSize::vector<T>(d) +
         WorkspaceSize::vector<T>(k) + WorkspaceSize::vector<T>(r) + WorkspaceSize::matrix<T>(n, r) +
         WorkspaceSize::matrix<T>(d, r) + WorkspaceSize::matrix<T>(r, k) +
         svd_workspace_size<T>(n, d, ridge_svd_options(opts));
}

template <class T>
Status ridge_svd_inplace(MatrixView<const T> X, MatrixView<const T> Y, T lambda, const RidgeOptions<T>& opts,
                         MatrixView<T> W, VectorView<T> intercept, RidgeInfo<T>& info, Workspace work) {
  const index n = X.rows(), d = X.cols(), k = Y.cols(), r = std::min(n, d);
  info = RidgeInfo<T>{};
  // 1. Checks, in the fixed order.
  if (const Status s = check(X, Y, lambda, opts, W, intercept, work); s != Status::ok) return s;
  // 2. Nothing to fit: W = 0, and the intercept is mean(Y) (with W = 0, mean(Y) -
  //    W^T mean(X) is mean(Y) exactly).
  const T intercept_dof = opts.fit_intercept && n > 0 ? T(1) : T(0);
  if (X.empty() || k == 0) {
    fill(W, T(0));
    for (index j = 0; j < k; ++j) intercept[j] = opts.fit_intercept ? ridge_detail::column_mean(Y.col(j)) : T(0);
    info.effective_dof = intercept_dof;
    return Status::ok;
  }
  // 3. X_s, Y_s: copies, centred for an intercept, scaled by 2^-a and 2^-b.
  MatrixView<T> Xs = work.matrix<T>(n, d);
  MatrixView<T> Ys = work.matrix<T>(n, k);
  VectorView<T> x_mean = work.vector<T>(d);
  VectorView<T> y_mean = work.vector<T>(k);
  copy(X, Xs);
  copy(Y, Ys);
  fill(x_mean, T(0));
  fill(y_mean, T(0));
  if (opts.fit_intercept) {
    ridge_detail::centre_columns(Xs, x_mean);
    ridge_detail::centre_columns(Ys, y_mean);
  }
  const int a = scale_by_max_exponent(Xs);
  const int b = scale_by_max_exponent(Ys);
  const ridge_detail::ScaledLambda<T> L = ridge_detail::scaled_lambda(a, lambda);
  // 4. X_s = U diag(s) V^T (thin; X_s is destroyed); a partial SVD gives no solution.
  VectorView<T> s = work.vector<T>(r);
  MatrixView<T> U = work.matrix<T>(n, r);
  MatrixView<T> V = work.matrix<T>(d, r);
  MatrixView<T> C = work.matrix<T>(r, k);
  SvdInfo<T> svd_info;
  if (const Status status = detail::svd_kernel(Xs, s, U, V, ridge_svd_options(opts), svd_info, work);
      status != Status::ok)
    return status;
  // 5. C := U^T Y_s; C := diag(s' / (s'^2 + lambda')) C; W' := V C. The rank tolerance
  //    (lambda = 0) is the caller's rule on X read on X_s: atol scales by 2^-a.
  detail::gemm_kernel(Op::transpose, Op::none, T(1), MatrixView<const T>(U), MatrixView<const T>(Ys), T(0), C);
  RankTolerance<T> tol = opts.tolerance;
  tol.atol = std::ldexp(tol.atol, -a);
  const T threshold = rank_threshold(tol, s[0], n, d);
  const T dof = ridge_detail::filter_rows(VectorView<const T>(s), L, threshold, C);
  detail::gemm_kernel(Op::none, Op::none, T(1), MatrixView<const T>(V), MatrixView<const T>(C), T(0), W);
  // 6. W := W' 2^(b - a - c), and the intercept.
  ridge_detail::unscale_with_intercept(b - a - L.c, opts.fit_intercept, VectorView<const T>(x_mean),
                                       VectorView<const T>(y_mean), W, intercept);
  info.effective_dof = dof + intercept_dof;
  // 7. A solution beyond the range of T (a near-singular X at lambda = 0 with Y near
  //    overflow) is not_finite, never ok over Inf.
  if (!all_finite(MatrixView<const T>(W)) || !all_finite(VectorView<const T>(intercept))) return Status::not_finite;
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                   \
  template WorkspaceSize ridge_svd_workspace_size<T>(index, index, index, const RidgeOptions<T>&);             \
  template Status ridge_svd_inplace<T>(MatrixView<const T>, MatrixView<const T>, T, const RidgeOptions<T>&,    \
                                       MatrixView<T>, VectorView<T>, RidgeInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
