// stela/streaming.hpp — least squares a block of rows at a time: the QR accumulator.
//
// min ||Y - X W||_F needs only R, the triangular factor of the n x (d + k) matrix
// [X | Y]: with
//
//     [X | Y] = Q R,   R = [R11  R12]   d rows        (R11 d x d, R12 d x k, R22 k x k,
//                          [ 0   R22]   k rows         all of R upper triangular)
//
// the solution is W = R11^{-1} R12 and the residual norm of right-hand side j is the
// norm of column j of R22 (for k = 1, |r_{d+1,d+1}|). R is (d + k) x (d + k) whatever n
// is, and it can be built without ever holding X:
//
//   add_row      one row [x^T y^T] at a time, by Givens rotations (LINPACK xCHUD);
//   add_rows     a block of rows, by a Householder QR of [R; block] that leaves R's
//                zeros alone (LAPACK xTPQRT2);
//   remove_row   downdating, by the LINPACK method of Saunders (xCHDD);
//   merge        another accumulator's R: the QR of [R_1; R_2], the reduction step of
//                TSQR (Demmel, Grigori, Hoemmen & Langou, SIAM J. Sci. Comput. 34(1),
//                2012), so that accumulators built on separate parts of the rows, on
//                separate threads, processes or machines, combine into the R of all of
//                them;
//
// and read at any time:
//
//   solve               W = R11^{-1} R12, full rank only (Status::rank_deficient
//                       otherwise), the rank rule of lstsq's qr method; O(d^2 k);
//   solve_minimum_norm  W = R11^+ R12 by the SVD of R11, any rank, the rank rule of
//                       lstsq's svd method; O(d^3);
//   residual_norms      the column norms of R22;
//   singular_values, rank       those of X (R11 has the singular values of X);
//   condition_estimate  kappa_2(R11) = kappa_2(X) by power iteration, O(d^2).
//
// On rows the accumulator has seen, these agree with lstsq(X, Y) (qr, resp. svd) on the
// same rows to working accuracy: adding and merging are backward stable (R is the exact
// R of [X | Y] + E with ||E|| = O(n eps ||[X | Y]||), Householder QR's bound). Removing
// rows is not backward stable in that sense (no downdate is): see remove_row.
//
// Forgetting factor. add_row and add_rows take lambda in (0, 1] (default 1): before each
// row is added, everything accumulated so far is weighted by lambda,
//     R^T R := lambda R^T R + [x; y] [x^T y^T],
// which is recursive least squares with exponential forgetting: after rows u_1 .. u_n,
// R is the R of the rows u_i scaled by sqrt(lambda)^(n - i). add_rows is exactly add_row
// over the block's rows in order.
//
// Storage. The accumulator is a handle: d, k, the row count, downdate_error() and a
// view of caller storage of (d + k) x (d + k) entries (storage_size says how much; the
// leading (d + k) x (d + k) block of a larger view is used). It allocates nothing, and
// copies of the handle share that storage. R lives in the upper triangle; the strict
// lower triangle is kept zero, so R() is the whole factor as a plain matrix (for sending
// to another process and merging there). Every operation takes its scratch from a
// Workspace sized by the matching *_workspace_size query (workspace_size covers them
// all); every size is O((d + k)^2), independent of n.
//
// Errors. Every operation checks, in this order, shapes (dimension_mismatch), argument
// values (invalid_argument), the workspace (workspace_too_small) and finiteness
// (not_finite), then does its work. On any status other than ok the accumulator —
// storage, row count, everything — is exactly as it was.
//
// Sources: src/streaming/accumulator_create.cpp, accumulator_update.cpp (add_row,
//          add_rows), stacked_qr.cpp (the [R; B] kernel), accumulator_downdate.cpp,
//          accumulator_merge.cpp, accumulator_solve.cpp, accumulator_spectrum.cpp.
#pragma once

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela {

// What a solve reports besides W.
template <class T>
struct AccumulatorInfo {
  index rank = 0;     // numerical rank of X used (d after a successful solve)
  T tolerance = 0;    // the threshold the rank rule compared with
  T condition = 0;    // solve: the kappa_2(R11) estimate; solve_minimum_norm:
                      // sigma_1 / sigma_rank (NaN at rank 0)
};

template <class T>
class QrAccumulator {
 public:
  // The accumulator of no unknowns and no right-hand sides, over no storage.
  QrAccumulator() = default;

  // An empty accumulator (R = 0, no rows) for d unknowns and k right-hand sides, over
  // the leading (d + k) x (d + k) block of `storage`, which it zeroes.
  // Statuses: invalid_argument (d or k negative), workspace_too_small (storage smaller
  // than (d + k) x (d + k)); storage untouched on each.
  static Result<QrAccumulator> create(MatrixView<T> storage, index d, index k);

  // Storage for create: a (d + k) x (d + k) matrix (carve it with Workspace::matrix).
  static WorkspaceSize storage_size(index d, index k);

  // Workspace of each operation. add_rows works through its block in chunks of as many
  // rows as the workspace holds: the optimal size for block_rows rows is what one chunk
  // of block_rows needs, and anything down to the minimum, one row, works, more slowly.
  static WorkspaceSize add_row_workspace_size(index d, index k);
  static WorkspaceSize add_rows_workspace_size(index d, index k, index block_rows);
  static WorkspaceSize remove_row_workspace_size(index d, index k);
  static WorkspaceSize merge_workspace_size(index d, index k);
  static WorkspaceSize solve_workspace_size(index d, index k);
  static WorkspaceSize solve_minimum_norm_workspace_size(index d, index k);
  static WorkspaceSize spectrum_workspace_size(index d);  // singular_values and rank
  static WorkspaceSize condition_estimate_workspace_size(index d);
  // The largest of them all, add_rows with chunks of block_rows.
  static WorkspaceSize workspace_size(index d, index k, index block_rows = 1);

  index unknowns() const { return d_; }  // d, the columns of X
  index rhs() const { return k_; }       // k, the columns of Y
  index order() const { return d_ + k_; }
  // Rows added (and merged in) minus rows removed: the n of the rank rule.
  index rows() const { return n_; }
  // R, (d + k) x (d + k), upper triangular (the strict lower triangle is zero).
  MatrixView<const T> R() const { return MatrixView<const T>(R_); }
  // A running bound on the absolute error that removals have left in R (0 until the
  // first remove_row): each removal turns the error dR of R into about dR / rho. Later
  // removals are judged against it (remove_row), and a merge adds the other's.
  T downdate_error() const { return error_; }

  // Back to the empty accumulator: R := 0, no rows, no downdate error.
  void reset();

  // [X | Y] gains the row [x^T y^T] (x: d entries, y: k; any strides), with forgetting
  // factor lambda. Statuses: dimension_mismatch, invalid_argument (lambda not in
  // (0, 1]), workspace_too_small, not_finite (NaN or Inf in x or y).
  Status add_row(VectorView<const T> x, VectorView<const T> y, Workspace work, T lambda = T(1));

  // [X | Y] gains the rows of [Xb | Yb] (b x d and b x k, any leading dimensions), in
  // order, each with forgetting factor lambda. Yb may be an empty view when k = 0.
  // Statuses as add_row.
  Status add_rows(MatrixView<const T> Xb, MatrixView<const T> Yb, Workspace work, T lambda = T(1));

  // [X | Y] loses the row [x^T y^T], which the caller says it holds (with forgetting,
  // scaled by the weight it has now, sqrt(lambda)^age). LINPACK's downdate (xCHDD):
  // solves R11^T a = x, and refuses unless rho^2 = 1 - ||a||^2 (1 minus the row's
  // leverage; <= 0 means the remaining X would lose rank) exceeds the error it can have
  // given how well R11 is known — its rounding level eps max(n, d) ||R11|| plus
  // downdate_error() — that is unless the remaining rows still determine X's R to the
  // accuracy R has. The residual block R22 is positive SEMIdefinite: a residual that
  // would become negative (only rounding can do that for a row that was added) is
  // clamped at zero. Accuracy: the result is as accurate as a QR of the remaining rows
  // up to a factor of about 1/rho (src/streaming/accumulator_downdate.cpp).
  // Statuses: dimension_mismatch, workspace_too_small, not_finite,
  // not_positive_definite (no rows to remove, or the remaining X would not have full
  // column rank to that accuracy).
  Status remove_row(VectorView<const T> x, VectorView<const T> y, Workspace work);

  // This accumulator gains every row of `other` (same d and k): R := the R of
  // [R; R_other], rows() += other.rows(), downdate_error() += other's. other is only read (copied into the workspace
  // first, so it may even be this accumulator). Statuses: dimension_mismatch,
  // workspace_too_small, not_finite.
  Status merge(const QrAccumulator& other, Workspace work);
  // The same from another accumulator's R (for instance received from another process):
  // R_other (d + k) x (d + k), of which only the upper triangle is read, holding the R
  // of rows_other rows, with that accumulator's downdate_error() (0 if it removed no
  // rows). Statuses: dimension_mismatch, invalid_argument (rows_other or
  // downdate_error_other negative or not finite), workspace_too_small, not_finite.
  Status merge(MatrixView<const T> R_other, index rows_other, Workspace work, T downdate_error_other = T(0));

  // W (d x k) := R11^{-1} R12, the least-squares solution, when X has full column rank
  // by the rule of lstsq's qr method: every |r_jj| of R11 above
  // rank_threshold(tol, max_j ||X(:, j)||, rows(), d). residual_norm: an empty view, or
  // k entries for the residual norms (as residual_norms). info: rank d, the threshold,
  // and the kappa_1(R11) estimate.
  // Statuses: dimension_mismatch, invalid_argument (tol), workspace_too_small,
  // rank_deficient (W and residual_norm untouched; fewer rows than unknowns always is).
  Status solve(MatrixView<T> W, VectorView<T> residual_norm, AccumulatorInfo<T>& info, Workspace work,
               const RankTolerance<T>& tol = {}) const;

  // W (d x k) := the minimum-norm least-squares solution V_r diag(1 / s_i) U_r^T R12
  // from the SVD R11 = U diag(s) V^T, r the numerical rank by lstsq's rule for the
  // singular values (rank_threshold(tol, s_1, rows(), d)). Any rank, any number of rows.
  // s: an empty view, or d entries for the singular values of X. residual_norm: an empty
  // view, or k entries for ||y_j - X w_j||, which includes the part of R12 left out with
  // the dropped singular values. info: rank, threshold, sigma_1 / sigma_r.
  // Statuses: dimension_mismatch, invalid_argument (tol), workspace_too_small,
  // no_convergence (the SVD's).
  Status solve_minimum_norm(MatrixView<T> W, VectorView<T> s, VectorView<T> residual_norm, AccumulatorInfo<T>& info,
                            Workspace work, const RankTolerance<T>& tol = {}) const;

  // rho_j = ||R22(:, j)|| = min over w of ||y_j - X w||, j < k (for any rank of X).
  // Statuses: dimension_mismatch (rho not of k entries).
  Status residual_norms(VectorView<T> rho) const;

  // The d singular values of X, non-increasing (the SVD of R11, values only).
  // Statuses: dimension_mismatch, workspace_too_small, no_convergence.
  Status singular_values(VectorView<T> s, Workspace work) const;

  // The numerical rank of X: singular values above rank_threshold(tol, s_1, rows(), d),
  // the rule of lstsq and rank(). Statuses: invalid_argument (tol), workspace_too_small,
  // no_convergence.
  Result<index> rank(Workspace work, const RankTolerance<T>& tol = {}) const;

  // An estimate of kappa_2(R11) = kappa_2(X) = sigma_1 / sigma_d, the figure lstsq's
  // methods report: power iteration with R11 and R11^{-1}, a lower bound within a
  // factor of 2 in practice (src/blas/triangular_condition.cpp), O(d^2); +Inf when
  // R11 has a zero on its diagonal, 1 for d = 0.
  // Statuses: workspace_too_small.
  Result<T> condition_estimate(Workspace work) const;

 private:
  MatrixView<T> R_;
  index d_ = 0;
  index k_ = 0;
  index n_ = 0;
  T error_ = 0;  // downdate_error()
};

}  // namespace stela
