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
//               3. the method on (X_s, Y_s), giving W_s, the rank, the threshold, the
//                  gap and a condition estimate;
//               4. residuals r_j = y_j - X w_j recomputed from X itself (not from the
//                  factors), so they are honest for every method;
//               5. unscaling: W = 2^(b - a) W_s, ||r_j|| = 2^b ||r_s,j||, s = 2^a s_s;
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
// Workspace:    lstsq_workspace_size; one caller buffer serves the whole pipeline.
// Failures:     every step's status ends the pipeline and is returned (the method's
//               no_convergence, rank_deficient, not_positive_definite or singular, and
//               step 6's not_finite); W then holds at most a partial result.
#include <algorithm>
#include <cmath>
#include <limits>

#include "../blas/blas_kernels.hpp"
#include "../blas/one_norm_estimate.hpp"
#include "../qr/qr_kernels.hpp"
#include "../svd/svd_kernels.hpp"
#include "normal_equations_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/normal_equations.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"

namespace stela {

const char* to_string(LstsqMethod method) {
  switch (method) {
    case LstsqMethod::svd: return "svd";
    case LstsqMethod::jacobi: return "jacobi";
    case LstsqMethod::qr: return "qr";
    case LstsqMethod::qrcp: return "qrcp";
    case LstsqMethod::normal_cholesky: return "normal_cholesky";
    case LstsqMethod::normal_lu: return "normal_lu";
  }
  return "unknown";
}

namespace {

template <class T>
T not_available() {
  return std::numeric_limits<T>::quiet_NaN();
}

SvdMethod svd_method(LstsqMethod method) {
  return method == LstsqMethod::jacobi ? SvdMethod::jacobi : SvdMethod::golub_kahan;
}

// The SVD of the svd and jacobi methods: thin vectors, the caller's caps.
SvdOptions svd_options(const LstsqOptions& lstsq_opts) {
  SvdOptions opts;
  opts.method = svd_method(lstsq_opts.method);
  opts.vectors = SvdVectors::thin;
  opts.max_iterations = lstsq_opts.max_iterations;
  opts.max_sweeps = lstsq_opts.max_sweeps;
  return opts;
}

// kappa_1 of the leading r x r upper triangle of R: ||R||_1 times the Hager–Higham
// estimate of ||R^{-1}||_1, both O(r^2).
template <class T>
WorkspaceSize triangular_condition_workspace_size(index r) {
  return WorkspaceSize::vector<T>(r) + WorkspaceSize::vector<T>(r);
}

template <class T>
T triangular_condition(MatrixView<const T> R, Workspace work) {
  const index r = R.rows();
  if (r == 0) return T(1);
  VectorView<T> x = work.vector<T>(r);
  VectorView<T> xi = work.vector<T>(r);
  T rnorm = 0;  // ||R||_1 of the upper triangle
  for (index j = 0; j < r; ++j) rnorm = std::max(rnorm, asum(R.col(j).segment(0, j + 1)));
  const T inverse_norm = detail::one_norm_estimate<T>(
      r, [&](VectorView<T> v) { detail::trsv_kernel(Uplo::upper, Op::none, Diag::non_unit, R, v); },
      [&](VectorView<T> v) { detail::trsv_kernel(Uplo::upper, Op::transpose, Diag::non_unit, R, v); }, x, xi);
  return rnorm * inverse_norm;
}

// Workspace of each method, on the scaled copies A (n x d) and B (max(n, d) x k).
template <class T>
WorkspaceSize method_workspace_size(index n, index d, index k, const LstsqOptions& opts) {
  const index r = std::min(n, d);
  switch (opts.method) {
    case LstsqMethod::svd:
    case LstsqMethod::jacobi:
      // s, U, V, C = U^T Y, and the SVD's own scratch.
      return WorkspaceSize::vector<T>(r) + WorkspaceSize::matrix<T>(n, r) + WorkspaceSize::matrix<T>(d, r) +
             WorkspaceSize::matrix<T>(r, k) + svd_workspace_size<T>(n, d, svd_options(opts));
    case LstsqMethod::qr: {
      // X_s^T (wide only: tall X_s is factored in place), tau, a copy of Y_s; then, in
      // sequence, the factorization, the solve (tall) or the application of Q (wide),
      // the estimate.
      const index rows = std::max(n, d);
      return (n >= d ? WorkspaceSize() : WorkspaceSize::matrix<T>(d, n)) + WorkspaceSize::vector<T>(r) +
             WorkspaceSize::matrix<T>(n, k) +
             max(max(householder_qr_workspace_size<T>(rows, r), triangular_condition_workspace_size<T>(r)),
                 n >= d ? qr_solve_workspace_size<T>(n, d, k) : qr_apply_q_workspace_size<T>(Side::left, d, k, n));
    }
    case LstsqMethod::qrcp:
      return WorkspaceSize::vector<T>(r) + WorkspaceSize::vector<T>(r) + WorkspaceSize::vector<index>(d) +
             WorkspaceSize::matrix<T>(n, k) +
             max(max(cod_workspace_size<T>(n, d), cod_solve_workspace_size<T>(n, d, k)),
                 triangular_condition_workspace_size<T>(r));
    case LstsqMethod::normal_cholesky:
      return WorkspaceSize::matrix<T>(d, k) + normal_equations_cholesky_workspace_size<T>(n, d, k);
    case LstsqMethod::normal_lu:
      return WorkspaceSize::matrix<T>(d, k) + normal_equations_lu_workspace_size<T>(n, d, k);
  }
  return WorkspaceSize();
}

// What a method reports besides W_s, in the scaled problem.
template <class T>
struct MethodInfo {
  index rank = 0;
  T tolerance = 0;
  T gap = not_available<T>();
  T condition = not_available<T>();
};

// svd, jacobi: W_s = V diag(1 / s_i, s_i > threshold) U^T Y_s.
template <class T>
Status solve_svd(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const LstsqOptions& opts,
                 const RankTolerance& tol, VectorView<T> s_out, MethodInfo<T>& info, Workspace work) {
  const index n = A.rows(), d = A.cols(), k = Ys.cols(), r = std::min(n, d);
  VectorView<T> s = work.vector<T>(r);
  MatrixView<T> U = work.matrix<T>(n, r);
  MatrixView<T> V = work.matrix<T>(d, r);
  MatrixView<T> C = work.matrix<T>(r, k);
  SvdInfo svd_info;
  // 1. X_s = U diag(s) V^T; no_convergence (a cap reached) ends the method here, with
  //    W_s not yet written.
  const Status status = detail::svd_kernel(A, s, U, V, svd_options(opts), svd_info, work);
  if (status != Status::ok) return status;
  // 2. The numerical rank, its threshold, the gap and the condition of the kept part.
  info.tolerance = rank_threshold(tol, s[0], n, d);
  info.rank = numerical_rank<T>(s, info.tolerance);
  const index rank = info.rank;
  info.gap = rank == r ? std::numeric_limits<T>::infinity()
                       : (rank == 0 ? not_available<T>() : s[rank - 1] / s[rank]);
  info.condition = rank == 0 ? not_available<T>() : s[0] / s[rank - 1];
  // 3. C = diag(1 / s_r) U_r^T Y_s, W_s = V_r C.
  fill(Ws, T(0));
  if (rank > 0) {
    MatrixView<T> Cr = C.row_block(0, rank);
    detail::gemm_kernel(Op::transpose, Op::none, T(1), U.col_block(0, rank), Ys, T(0), Cr);
    for (index i = 0; i < rank; ++i) scal(T(1) / s[i], Cr.row(i));
    detail::gemm_kernel(Op::none, Op::none, T(1), V.col_block(0, rank), Cr, T(0), Ws);
  }
  if (!s_out.empty()) copy(VectorView<const T>(s), s_out);
  return Status::ok;
}

// qr: tall X_s = Q R, W_s = R^{-1} (Q^T Y_s)(0:d); wide X_s^T = Q R, W_s = Q R^{-T} Y_s.
template <class T>
Status solve_qr(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance& tol,
                MethodInfo<T>& info, Workspace work) {
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
    info.condition = triangular_condition(R, work);
    return Status::ok;
  }
  if (!detail::diagonal_above_threshold(R.diagonal(), info.tolerance)) return Status::rank_deficient;
  info.condition = triangular_condition(R, work);
  // Wide: X_s = R^T Q^T, so the minimum-norm solution is W_s = Q (R^{-T} Y_s).
  fill(Ws, T(0));
  copy(MatrixView<const T>(B), Ws.row_block(0, n));
  detail::trsm_kernel(Side::left, Uplo::upper, Op::transpose, Diag::non_unit, T(1), R, Ws.row_block(0, n));
  detail::qr_apply_q_kernel(Side::left, Op::none, MatrixView<const T>(F), VectorView<const T>(tau), Ws, work);
  return Status::ok;
}

// qrcp: X_s P = Q [T 0; 0 0] Z, W_s the minimum-norm solution.
template <class T>
Status solve_qrcp(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const RankTolerance& tol,
                  MethodInfo<T>& info, Workspace work) {
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
  //    ends the method; A, scaled into [1/2, 1) by step 2 of lstsq_inplace, has column
  //    norms of at most sqrt(n).
  const Status status = detail::cod_kernel(A, tau, tau_z, perm, rank, tol, work);
  if (status != Status::ok) return status;
  info.rank = rank;
  // The gap, as far as the triangular factors tell: last kept over first dropped diagonal.
  if (rank == r) info.gap = std::numeric_limits<T>::infinity();
  else if (rank > 0) info.gap = std::abs(A(rank - 1, rank - 1)) / std::abs(A(rank, rank));
  info.condition =
      rank == 0 ? not_available<T>() : triangular_condition(MatrixView<const T>(A).block(0, 0, rank, rank), work);
  // 3. The minimum-norm solve.
  copy(Ys, B);
  detail::cod_solve_kernel(MatrixView<const T>(A), VectorView<const T>(tau), VectorView<const T>(tau_z),
                           VectorView<const index>(perm), rank, B, Ws, work);
  return Status::ok;
}

// normal_cholesky, normal_lu: (X_s^T X_s) W_s = X_s^T Y_s, and the condition estimate
// from the factorization's rcond.
template <class T>
Status solve_normal(MatrixView<const T> A, MatrixView<const T> Ys, MatrixView<T> Ws, LstsqMethod method,
                    MethodInfo<T>& info, Workspace work) {
  NormalEquationsInfo ne;
  const Status status = method == LstsqMethod::normal_cholesky
                            ? detail::normal_equations_cholesky_kernel(A, Ys, Ws, ne, work)
                            : detail::normal_equations_lu_kernel(A, Ys, Ws, ne, work);
  info.rank = A.cols();
  // kappa_1(X^T X) estimated by the factorization; kappa_2(X) ~ sqrt of it.
  info.condition = ne.rcond > 0 ? std::sqrt(T(1) / static_cast<T>(ne.rcond)) : std::numeric_limits<T>::infinity();
  return status;
}

// The method of opts on A = 2^-a X and Y_s, W_s into Ws (step 3 of lstsq_inplace). The
// rank rule sees the scaled singular values, so its absolute part is scaled with them
// (the relative part is scale-free).
template <class T>
Status solve_scaled(MatrixView<T> A, MatrixView<const T> Ys, MatrixView<T> Ws, const LstsqOptions& opts, int a,
                    VectorView<T> singular_values, MethodInfo<T>& info, Workspace work) {
  const RankTolerance tol = detail::scaled_tolerance(opts.tolerance, a);
  switch (opts.method) {
    case LstsqMethod::svd:
    case LstsqMethod::jacobi: return solve_svd(A, Ys, Ws, opts, tol, singular_values, info, work);
    case LstsqMethod::qr: return solve_qr(A, Ys, Ws, tol, info, work);
    case LstsqMethod::qrcp: return solve_qrcp(A, Ys, Ws, tol, info, work);
    case LstsqMethod::normal_cholesky:
    case LstsqMethod::normal_lu: return solve_normal(MatrixView<const T>(A), Ys, Ws, opts.method, info, work);
  }
  return Status::invalid_argument;  // not a method
}

}  // namespace

template <class T>
WorkspaceSize lstsq_workspace_size(index n, index d, index k, const LstsqOptions& opts) {
  // The scaled copies of X and Y, one residual vector, then the method.
  return WorkspaceSize::matrix<T>(n, d) + WorkspaceSize::matrix<T>(n, k) + WorkspaceSize::vector<T>(n) +
         method_workspace_size<T>(n, d, k, opts);
}

template <class T>
Status lstsq_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions& opts, MatrixView<T> W,
                     VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info, Workspace work) {
  const index n = X.rows(), d = X.cols(), k = Y.cols(), r = std::min(n, d);
  info = LstsqInfo<T>{};
  // 1. Checks, in the fixed order; nothing is written before they pass.
  if (Y.rows() != n || W.rows() != d || W.cols() != k || residual_norm.size() != k ||
      (!singular_values.empty() && singular_values.size() != r))
    return Status::dimension_mismatch;
  if (!valid(opts.tolerance)) return Status::invalid_argument;
  if (!all_finite(X) || !all_finite(Y)) return Status::not_finite;
  if (!work.holds(lstsq_workspace_size<T>(n, d, k, opts))) return Status::workspace_too_small;

  // Quick return: no unknowns or no equations. W = 0 is the minimum-norm solution.
  if (n == 0 || d == 0 || k == 0) {
    fill(W, T(0));
    for (index j = 0; j < k; ++j) residual_norm[j] = nrm2(Y.col(j));
    fill(singular_values, T(0));
    info.gap = std::numeric_limits<T>::infinity();
    info.condition = T(1);
    return Status::ok;
  }

  // 2. Scaled copies: A = 2^-a X, Ys = 2^-b Y, exactly.
  MatrixView<T> A = work.matrix<T>(n, d);
  MatrixView<T> Ys = work.matrix<T>(n, k);
  VectorView<T> residual = work.vector<T>(n);
  copy(X, A);
  const int a = scale_by_max_exponent(A);
  copy(Y, Ys);
  const int b = scale_by_max_exponent(Ys);

  // 3. The method, writing W_s into W. Its failure (no_convergence, rank_deficient,
  //    not_positive_definite, singular) ends the pipeline: W holds at most a partial
  //    result.
  MethodInfo<T> m;
  const Status status = solve_scaled(A, MatrixView<const T>(Ys), W, opts, a, singular_values, m, work);
  if (status != Status::ok) return status;

  // 4. Residuals from X itself: r_j = Y_s(:, j) - A W_s(:, j), A recopied (svd, jacobi,
  //    qrcp and the tall qr overwrite it), norms by the overflow-safe nrm2.
  copy(X, A);
  scale_by_power_of_two(-a, A);
  for (index j = 0; j < k; ++j) {
    copy(Ys.col(j), residual);
    detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(A), VectorView<const T>(W.col(j)), T(1), residual);
    residual_norm[j] = std::ldexp(nrm2(VectorView<const T>(residual)), b);
  }

  // 5. Unscale: W = 2^(b - a) W_s; singular values and the tolerance 2^a.
  scale_by_power_of_two(b - a, W);
  if (opts.method == LstsqMethod::svd || opts.method == LstsqMethod::jacobi) scale_by_power_of_two(a, singular_values);
  info.rank = m.rank;
  info.tolerance = std::ldexp(m.tolerance, a);
  info.gap = m.gap;
  info.condition = m.condition;
  // 6. A solution or residual norm beyond the range of T is no answer: the caller's
  //    solution is not representable (step 5 overflowed), or a tolerance of 0 kept a
  //    triangle so near singular that W_s itself overflowed.
  if (!all_finite(MatrixView<const T>(W)) || !all_finite(VectorView<const T>(residual_norm)))
    return Status::not_finite;
  return Status::ok;
}

// The forward-error estimate of the LAPACK Users' Guide, section 4.5.2, for one column:
// eps (2 kappa / cos(theta) + tan(theta) kappa^2), sin(theta) = ||r|| / ||y||; for the
// normal equations eps kappa^2 (they lose it whatever the residual).
template <class T>
T forward_error_estimate(LstsqMethod method, T kappa, T residual, T y_norm) {
  if (!(kappa == kappa)) return not_available<T>();
  const T e = eps<T>();
  if (method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu) return e * kappa * kappa;
  if (y_norm == T(0)) return T(0);  // y = 0: the solution is exactly zero
  const T sin_theta = std::min(T(1), residual / y_norm);
  const T cos_theta = std::sqrt((T(1) - sin_theta) * (T(1) + sin_theta));
  if (cos_theta == T(0)) return std::numeric_limits<T>::infinity();  // y orthogonal to range(X): w = 0
  const T tan_theta = sin_theta / cos_theta;
  return e * (T(2) * kappa / cos_theta + tan_theta * kappa * kappa);
}

template <class T>
Result<LstsqResult<T>> lstsq(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions& opts) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  if (Y.rows() != n) return Status::dimension_mismatch;
  LstsqResult<T> out;
  out.method = opts.method;
  out.solution = Matrix<T>(d, k);
  out.residual_norm = Vector<T>(k);
  const bool spectral = opts.method == LstsqMethod::svd || opts.method == LstsqMethod::jacobi;
  Vector<T> s(spectral ? std::min(n, d) : 0);
  LstsqInfo<T> info;
  WorkspaceBuffer buffer(lstsq_workspace_size<T>(n, d, k, opts));
  const Status status =
      lstsq_inplace(X, Y, opts, out.solution.view(), out.residual_norm.view(), s.view(), info, buffer.workspace());
  if (status != Status::ok) return status;
  out.rank = info.rank;
  out.singular_values = std::move(s);
  out.tolerance = info.tolerance;
  out.gap = info.gap;
  out.condition = info.condition;
  out.forward_error = Vector<T>(k);
  for (index j = 0; j < k; ++j)
    out.forward_error[j] = forward_error_estimate(opts.method, info.condition, out.residual_norm[j], nrm2(Y.col(j)));
  return out;
}

template <class T>
Result<LstsqResult<T>> lstsq(MatrixView<const T> X, VectorView<const T> y, const LstsqOptions& opts) {
  Matrix<T> Y(y.size(), 1);
  copy(y, Y.col(0));
  return lstsq(X, MatrixView<const T>(Y), opts);
}

#define STELA_INSTANTIATE(T)                                                                                    \
  template WorkspaceSize lstsq_workspace_size<T>(index, index, index, const LstsqOptions&);                    \
  template Status lstsq_inplace<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions&, MatrixView<T>, \
                                   VectorView<T>, VectorView<T>, LstsqInfo<T>&, Workspace);                     \
  template Result<LstsqResult<T>> lstsq<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions&);      \
  template Result<LstsqResult<T>> lstsq<T>(MatrixView<const T>, VectorView<const T>, const LstsqOptions&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
