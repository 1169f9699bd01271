// Solving from the QR accumulator: the least-squares solution and residual norms read
// off R, at any time.
//
// Counterparts: LAPACK xGELS's triangular solve (solve: xTRTRS on R11) and xGELSS's
//               solve from an SVD (solve_minimum_norm), applied to the accumulated R
//               instead of X.
// Computes:     with [X | Y] = Q [R11 R12; 0 R22],
//                   ||Y - X W||_F^2 = ||R12 - R11 W||_F^2 + ||R22||_F^2,
//               so the least-squares W solves R11 W = R12 and the residual norm of
//               column j is ||R22(:, j)|| (GVL 5.3.3). solve: W = R11^{-1} R12.
//               solve_minimum_norm: with R11 = U diag(s) V^T and r the numerical rank,
//               W = V_r diag(1 / s_r) U_r^T R12, the minimum-norm minimiser of the
//               rank-r problem (GVL 5.5.1), with residual norms
//               ||y_j - X w_j||^2 = ||R22(:, j)||^2 + ||(U^T R12)(r:d, j)||^2.
// Rank rules:   solve uses lstsq's qr rule (qr_solve_inplace's): rank_deficient when
//               some |r_jj| <= rank_threshold(tol, max_j ||X(:, j)||, n, d), the column
//               norms of X read off R11. It is O(d^2) and exact for the zeros that too
//               few rows leave, but like any unpivoted QR it does not prove full rank
//               (Kahan's matrix passes it): rank() or solve_minimum_norm decide by
//               singular values, the rule of lstsq's svd method,
//               s_i > rank_threshold(tol, s_1, n, d). Rank deficiency is a status for
//               solve (W untouched) and an answer for solve_minimum_norm (the
//               minimum-norm W), by design: the first is the cheap solve of a
//               recursive least-squares loop, the second the solve of record.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., 5.3.3 (least squares by
//               QR), 5.5.1 (minimum norm by the SVD); Å. Björck, Numerical Methods for
//               Least Squares Problems, SIAM 1996, ch. 1-2.
// Flops:        solve d^2 k (trsm) plus the condition estimate (a few d^2); the
//               residual norms 2 k^2. solve_minimum_norm: the SVD of R11 with thin
//               vectors (about 21 d^3 for Golub–Kahan on a square matrix, GVL 8.6.3)
//               plus 4 d^2 k.
// Workspace:    solve: two vectors of d (the estimate). solve_minimum_norm: R11's copy,
//               U, V (d x d each), s (d), U^T R12 (d x k) and the SVD's own workspace.
// Stability:    the triangular solve is backward stable for R11 (Higham thm 8.5) and R
//               is the exact R of a nearby [X | Y] (the accumulator's card), so W has
//               Householder QR's forward error, about eps (kappa + kappa^2 tan theta)
//               (LAPACK Users' Guide 4.5.2). The SVD route is backward stable as well.
// Statuses:     dimension_mismatch, invalid_argument (tol), workspace_too_small;
//               solve: rank_deficient (W and residual_norm untouched);
//               solve_minimum_norm: no_convergence (the SVD's cap).
#include <algorithm>
#include <cmath>
#include <limits>

#include "stela/blas.hpp"
#include "stela/scalar.hpp"
#include "stela/streaming.hpp"
#include "stela/svd.hpp"

namespace stela {
namespace {

SvdOptions thin_svd() {
  SvdOptions opts;
  opts.vectors = SvdVectors::thin;
  return opts;
}

// rho_j := ||R22(:, j)||, j < k, for R = [R11 R12; 0 R22] with d rows in R11.
template <class T>
void residual_block_norms(MatrixView<const T> R, index d, VectorView<T> rho) {
  for (index j = 0; j < rho.size(); ++j) rho[j] = nrm2(R.col(d + j).segment(d, j + 1));
}

}  // namespace

template <class T>
WorkspaceSize QrAccumulator<T>::solve_workspace_size(index d, index /*k: W is the caller's*/) {
  return condition_estimate_workspace_size(d);
}

template <class T>
WorkspaceSize QrAccumulator<T>::solve_minimum_norm_workspace_size(index d, index k) {
  return WorkspaceSize::matrix<T>(d, d) + WorkspaceSize::vector<T>(d) + WorkspaceSize::matrix<T>(d, d) +
         WorkspaceSize::matrix<T>(d, d) + WorkspaceSize::matrix<T>(d, k) + svd_workspace_size<T>(d, d, thin_svd());
}

template <class T>
Status QrAccumulator<T>::residual_norms(VectorView<T> rho) const {
  if (rho.size() != k_) return Status::dimension_mismatch;
  residual_block_norms(R(), d_, rho);
  return Status::ok;
}

template <class T>
Status QrAccumulator<T>::solve(MatrixView<T> W, VectorView<T> residual_norm, AccumulatorInfo<T>& info,
                               Workspace work, const RankTolerance<T>& tol) const {
  if (W.rows() != d_ || W.cols() != k_) return Status::dimension_mismatch;
  if (!residual_norm.empty() && residual_norm.size() != k_) return Status::dimension_mismatch;
  if (!valid(tol)) return Status::invalid_argument;
  if (!work.holds(solve_workspace_size(d_, k_))) return Status::workspace_too_small;
  const MatrixView<const T> R11 = R().block(0, 0, d_, d_);

  // 1. lstsq's qr rule: every |r_jj| above max(atol, rtol max_j ||X(:, j)||), the column
  //    norms of X being those of R11.
  T column_max = 0;
  for (index j = 0; j < d_; ++j) column_max = std::max(column_max, nrm2(R11.col(j).segment(0, j + 1)));
  info.tolerance = rank_threshold(tol, column_max, n_, d_);
  for (index j = 0; j < d_; ++j)
    if (!(std::abs(R11(j, j)) > info.tolerance)) return Status::rank_deficient;
  // 2. W := R11^{-1} R12
  copy(R().block(0, d_, d_, k_), W);
  const Status status = trsm(Side::left, Uplo::upper, Op::none, Diag::non_unit, T(1), R11, W);
  if (status != Status::ok) return status;
  // 3. rho_j = ||R22(:, j)||
  if (!residual_norm.empty()) residual_block_norms(R(), d_, residual_norm);
  // 4. The diagnostics.
  const Result<T> condition = condition_estimate(work);
  if (!condition) return condition.status();
  info.rank = d_;
  info.condition = *condition;
  return Status::ok;
}

template <class T>
Status QrAccumulator<T>::solve_minimum_norm(MatrixView<T> W, VectorView<T> s, VectorView<T> residual_norm,
                                            AccumulatorInfo<T>& info, Workspace work, const RankTolerance<T>& tol) const {
  if (W.rows() != d_ || W.cols() != k_) return Status::dimension_mismatch;
  if (!s.empty() && s.size() != d_) return Status::dimension_mismatch;
  if (!residual_norm.empty() && residual_norm.size() != k_) return Status::dimension_mismatch;
  if (!valid(tol)) return Status::invalid_argument;
  if (!work.holds(solve_minimum_norm_workspace_size(d_, k_))) return Status::workspace_too_small;
  if (d_ == 0) {  // nothing to solve for: every residual is all of y
    info = AccumulatorInfo<T>{0, T(0), std::numeric_limits<T>::quiet_NaN()};
    if (!residual_norm.empty()) residual_block_norms(R(), d_, residual_norm);
    return Status::ok;
  }
  MatrixView<T> A = work.matrix<T>(d_, d_);
  VectorView<T> sigma = work.vector<T>(d_);
  MatrixView<T> U = work.matrix<T>(d_, d_);
  MatrixView<T> V = work.matrix<T>(d_, d_);
  MatrixView<T> C = work.matrix<T>(d_, k_);

  // 1. R11 = U diag(sigma) V^T (on a copy of R11)
  copy(R().block(0, 0, d_, d_), A);
  SvdInfo<T> svd_info;
  Status status = svd_inplace(A, sigma, U, V, thin_svd(), svd_info, work);
  if (status != Status::ok) return status;
  // 2. The rank: sigma_i > max(atol, rtol sigma_1).
  info.tolerance = rank_threshold(tol, sigma[0], n_, d_);
  info.rank = numerical_rank(VectorView<const T>(sigma), info.tolerance);
  const index r = info.rank;
  info.condition = r > 0 ? sigma[0] / sigma[r - 1] : std::numeric_limits<T>::quiet_NaN();
  // 3. C := U^T R12
  status = gemm(Op::transpose, Op::none, T(1), MatrixView<const T>(U), R().block(0, d_, d_, k_), T(0), C);
  if (status != Status::ok) return status;
  // 4. rho_j^2 = ||R22(:, j)||^2 + ||C(r:d, j)||^2: the residual of the fit plus what the
  //    dropped singular directions leave of R12.
  for (index j = 0; j < k_ && !residual_norm.empty(); ++j) {
    SumOfSquares<T> sum;
    sum.add(R().col(d_ + j).segment(d_, j + 1));
    sum.add(VectorView<const T>(C.col(j).segment(r, d_ - r)));
    residual_norm[j] = sum.norm();
  }
  // 5. W := V_r diag(1 / sigma_r) C(0:r, :)
  fill(W, T(0));
  if (r > 0) {
    for (index i = 0; i < r; ++i) scal(T(1) / sigma[i], C.row(i));
    status = gemm(Op::none, Op::none, T(1), MatrixView<const T>(V).col_block(0, r),
                  MatrixView<const T>(C).row_block(0, r), T(0), W);
    if (status != Status::ok) return status;
  }
  if (!s.empty()) copy(VectorView<const T>(sigma), s);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template WorkspaceSize QrAccumulator<T>::solve_workspace_size(index, index);                                \
  template WorkspaceSize QrAccumulator<T>::solve_minimum_norm_workspace_size(index, index);                   \
  template Status QrAccumulator<T>::residual_norms(VectorView<T>) const;                                      \
  template Status QrAccumulator<T>::solve(MatrixView<T>, VectorView<T>, AccumulatorInfo<T>&, Workspace,       \
                                          const RankTolerance<T>&) const;                                         \
  template Status QrAccumulator<T>::solve_minimum_norm(MatrixView<T>, VectorView<T>, VectorView<T>,           \
                                                       AccumulatorInfo<T>&, Workspace, const RankTolerance<T>&) const;
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
