// stela/lstsq.hpp — least squares by every method, side by side, and the pseudoinverse.
//
//   lstsq(X, Y, opts)   minimise ||Y - X W||_F over W (d x k); among all minimisers the
//                       one of least norm where the method can tell (svd, jacobi, qrcp).
//   pinv(A, tol)        the Moore–Penrose pseudoinverse from the SVD.
//
// Methods, by name (the CLI spells them with hyphens):
//   svd              Golub–Kahan SVD, w = V diag(1/s_i, s_i > tol) U^T y. Minimum norm,
//                    any shape and rank (numpy.linalg.lstsq, LAPACK xGELSD/xGELSS).
//   jacobi           the same with the one-sided Jacobi SVD (high relative accuracy).
//   qr               Householder QR, full rank only: tall solves R w = Q^T y; wide uses
//                    the QR of X^T and gives the minimum-norm solution. A (numerically)
//                    zero diagonal of R returns Status::rank_deficient, never a wrong
//                    answer.
//   qrcp             complete orthogonal decomposition from column-pivoted QR:
//                    minimum norm, any shape and rank (LAPACK xGELSY).
//   normal_cholesky  the naive baseline: solve (X^T X) w = X^T y by Cholesky.
//   normal_lu        the naive baseline by LU (np.linalg.solve(X.T @ X, X.T @ y)).
//
// Every result carries, whatever the method: the residual norm of every column (numpy
// reports it only for full-rank tall problems), the rank, the tolerance actually applied,
// a condition estimate and the forward-error estimate of the LAPACK Users' Guide
// (section 4.5.2): for each column
//     ||w_hat - w|| / ||w||  <~  eps (2 kappa / cos(theta) + tan(theta) kappa^2),
//     sin(theta) = ||r|| / ||y||,
// valid for a full-rank problem solved by a backward-stable method; for the normal
// equations the bound is eps kappa^2 whatever theta, and that is what is reported.
// With opts.refine the refinement's own normwise bound replaces it when it gives one
// (LstsqRefinement below).
//
// Scaling: X and Y are scaled by exact powers of two into a safe range before solving
// and the results unscaled after (as xGELSD does), so problems of size 1e300 or 1e-300
// give the right solution and the right residual norms.
#pragma once

#include <limits>
#include <optional>

#include "stela/matrix.hpp"
#include "stela/normal_equations.hpp"
#include "stela/status.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela {

enum class LstsqMethod { svd, jacobi, qr, qrcp, normal_cholesky, normal_lu };

// "svd", "jacobi", "qr", "qrcp", "normal_cholesky", "normal_lu".
const char* to_string(LstsqMethod method);
// Every method, in the order above.
inline constexpr LstsqMethod kAllLstsqMethods[] = {LstsqMethod::svd,  LstsqMethod::jacobi,
                                                   LstsqMethod::qr,   LstsqMethod::qrcp,
                                                   LstsqMethod::normal_cholesky, LstsqMethod::normal_lu};

// The tolerance is in the matrix's type T (tolerance.hpp): a float program passes an
// LstsqOptions<float>; LstsqOptions alone is LstsqOptions<double>.
template <class T = double>
struct LstsqOptions {
  LstsqMethod method = LstsqMethod::svd;
  RankTolerance<T> tolerance{};  // the rank rule for svd, jacobi, qrcp (and the qr check)
  // Caps of the iterative methods, passed to the SVD as SvdOptions' fields of the same
  // name (svd.hpp): for svd, the Golub–Kahan bidiagonal QR's inner steps (negative: the
  // default 6 k^2, k = min(n, d)); for jacobi, the sweeps (negative: the default 30).
  // Reaching a cap is Status::no_convergence. The other methods do not iterate.
  index max_iterations = -1;
  index max_sweeps = -1;
  // Column equilibration: solve with X D, D = diag(2^-e_j) so that every column of X D
  // has norm in [1/2, 1) (D exact: powers of two), and return W = D W~. The rank rule
  // then sees the singular values of X D, so a change of units of one column never
  // changes the rank. Full column rank: the same solution. Rank deficient: the
  // minimum-||D^-1 w|| solution, not the minimum-||w|| one. Unset (the default): on
  // exactly when refine is set (equilibrates(opts)), since the refinement reaches the
  // limit of the data only with a unit-free rank rule; false or true overrides.
  // src/solvers/lstsq_equilibrate.cpp.
  std::optional<bool> equilibrate = std::nullopt;
  // Extra-precise iterative refinement (default off) of the solution of every method,
  // residuals in wider precision, reusing the method's factorization (Björck 1967;
  // Demmel, Hida, Li, Riedy 2009). Full-rank problems only; src/solvers/lstsq_refine.hpp.
  bool refine = false;
  // The cap of refinement steps per column (negative: the default 10, ITHRESH of Demmel
  // et al.; 0 is invalid_argument when refine is set). Reaching it is not a failure: the
  // report's stop says step_limit. The normal equations take one step whatever the cap.
  index max_refine_steps = -1;
};

// Whether lstsq equilibrates under opts: opts.equilibrate when set, else opts.refine.
template <class T>
bool equilibrates(const LstsqOptions<T>& opts) {
  return opts.equilibrate.value_or(opts.refine);
}

// Why the refinement stopped (the worst over the columns, in this order).
enum class LstsqRefineStop {
  not_requested,  // opts.refine was off
  converged,      // the last correction was below eps relative to the solution
  stagnated,      // a correction did not shrink by kRefineRhoThreshold over the one before
  step_limit,     // the cap of steps was reached (1 for the normal equations: CSNE)
  ill_conditioned,  // the second correction was larger (normwise and componentwise) than a
                    // first one above eps normwise: the method's solution is returned
                    // as it was (svd, jacobi on badly scaled columns when
                    // equilibrate is false)
  not_full_rank,  // a truncated (rank-deficient) solve is left as the method returned it
};
// "not_requested", "converged", "stagnated", "step_limit", "ill_conditioned",
// "not_full_rank".
const char* to_string(LstsqRefineStop stop);

// What the refinement did (LstsqInfo::refinement, LstsqResult::refinement).
template <class T>
struct LstsqRefinement {
  index steps = 0;  // corrections applied (the largest over the columns)
  LstsqRefineStop stop = LstsqRefineStop::not_requested;
  // Bounds on ||w_hat - w||_inf / ||w||_inf and max_i |w_hat_i - w_i| / |w_i| for the
  // exact least-squares solution w of the data as given, the largest over the columns
  // (Demmel et al. 2009, section 4); +Inf when the refinement cannot vouch for one
  // (c kappa eps >= 1, or it did not run). The componentwise one is an estimate: it
  // assumes the componentwise condition is at most the normwise kappa.
  T bound_normwise = std::numeric_limits<T>::infinity();
  T bound_componentwise = std::numeric_limits<T>::infinity();
};
// LstsqOptions{method} and LstsqOptions{method, tolerance} deduce T as the code written
// before the options were templated expects (C++17 deduces no aggregate by itself).
LstsqOptions(LstsqMethod) -> LstsqOptions<double>;
template <class T>
LstsqOptions(LstsqMethod, RankTolerance<T>) -> LstsqOptions<T>;

template <class T>
struct LstsqResult {
  Matrix<T> solution;         // d x k
  Vector<T> residual_norm;    // ||y_j - X w_j||_2 for every column j (k entries)
  index rank = 0;             // numerical rank the method used (min(n, d) for qr, d for
                              // the normal equations, when they succeed)
  Vector<T> singular_values;  // all min(n, d) of them for svd and jacobi; empty otherwise
  LstsqMethod method = LstsqMethod::svd;
  T tolerance = 0;            // threshold applied to singular values or |r_kk|
  T gap = 0;                  // sigma_r / sigma_(r+1) for svd and jacobi; for qrcp the
                              // last kept over the first dropped diagonal entry of the
                              // triangular factors (|t_rr| / |r_(r+1)(r+1)|), an estimate;
                              // +inf when r = min(n, d); NaN when the method cannot tell
  T condition = 0;            // estimate of kappa_2(X) restricted to its rank
  Vector<T> forward_error;    // the Users' Guide estimate for every column (see above);
                              // after a refinement that gives a finite bound, that bound
  bool equilibrated = false;  // equilibrates(opts): singular values, tolerance, gap and
                              // condition are then those of X D
  LstsqRefinement<T> refinement;
};

// X is n x d (n observations, d unknowns), Y is n x k; or y a vector of n entries.
// Statuses: dimension_mismatch, not_finite, invalid_argument (tolerance), and the
// method's own: rank_deficient (qr), not_positive_definite (normal_cholesky),
// singular (normal_lu), no_convergence (svd, jacobi). not_finite also when the
// solution or a residual norm overflows (no representable answer: a solution beyond
// the range of T, or a near-singular triangle kept by a tolerance of 0). The method runs
// on X scaled by a power of two, so a solution and residual in range are computed even
// when X's singular values are not: singular_values and tolerance, reported in the
// caller's units, are then +Inf (the diagnostics overflow, the answer does not, and the
// status stays ok; svd() of such an X says not_finite).
template <class T>
Result<LstsqResult<T>> lstsq(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts = {});
template <class T>
Result<LstsqResult<T>> lstsq(MatrixView<const T> X, VectorView<const T> y, const LstsqOptions<T>& opts = {});

// ---------------------------------------------------------------------------------------
// Low level: the whole pipeline from one caller buffer, no allocation. lstsq_inplace
// switches on opts.method at run time and so links every method; a program that uses one
// calls that method's entry below instead (lstsq_qr_inplace, ...).

template <class T>
struct LstsqInfo {
  index rank = 0;
  T tolerance = 0;  // in the caller's units
  T gap = 0;        // as LstsqResult::gap
  T condition = 0;  // as LstsqResult::condition
  bool equilibrated = false;
  LstsqRefinement<T> refinement;
};

// Bytes of workspace lstsq_inplace needs for an n x d X and k right-hand sides.
template <class T>
WorkspaceSize lstsq_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});

// X (n x d) and Y (n x k) are read only. On success W (d x k) holds the solution,
// residual_norm (k) the residual norms, and singular_values — pass an empty view to skip
// it, or one of min(n, d) entries — the singular values (svd and jacobi only; left as
// passed otherwise). On any failure W, residual_norm and singular_values may hold
// partial results, and the status says why (the statuses of lstsq): a status other than
// ok is never returned with a finished result.
template <class T>
Status lstsq_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                     VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info, Workspace work);

// ---------------------------------------------------------------------------------------
// Low level, one method each: what lstsq_inplace runs for opts.method, callable on its
// own so that a program links only the method it calls (lstsq_inplace's run-time switch
// links all six). Arguments, checks, statuses and results are lstsq_inplace's, bit for
// bit; opts.method is not read (the name is the method), the other fields are. Each has
// its own workspace query, equal to lstsq_workspace_size for that method. The methods
// that compute no singular values take no singular_values argument.

template <class T>
WorkspaceSize lstsq_svd_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});
template <class T>
Status lstsq_svd_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                         VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info,
                         Workspace work);

template <class T>
WorkspaceSize lstsq_jacobi_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});
template <class T>
Status lstsq_jacobi_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                            VectorView<T> residual_norm, VectorView<T> singular_values, LstsqInfo<T>& info,
                            Workspace work);

template <class T>
WorkspaceSize lstsq_qr_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});
template <class T>
Status lstsq_qr_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                        VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work);

template <class T>
WorkspaceSize lstsq_qrcp_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});
template <class T>
Status lstsq_qrcp_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts, MatrixView<T> W,
                          VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work);

template <class T>
WorkspaceSize lstsq_normal_cholesky_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});
template <class T>
Status lstsq_normal_cholesky_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                                     MatrixView<T> W, VectorView<T> residual_norm, LstsqInfo<T>& info,
                                     Workspace work);

template <class T>
WorkspaceSize lstsq_normal_lu_workspace_size(index n, index d, index k, const LstsqOptions<T>& opts = {});
template <class T>
Status lstsq_normal_lu_inplace(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                               MatrixView<T> W, VectorView<T> residual_norm, LstsqInfo<T>& info, Workspace work);

// The pseudoinverse A^+ (d x n for an n x d A): V diag(1/s_i, s_i > tol) U^T. Satisfies the
// four Penrose conditions to working accuracy. svd_opts chooses the SVD's method and its
// caps (max_iterations, max_sweeps; svd.hpp); its `vectors` is ignored (thin vectors
// are computed). A is scaled by a power of two first (as lstsq does), so A^+ of 2^k A is
// 2^-k A^+ exactly while it stays in range. Statuses: invalid_argument (tol, or
// svd_opts' method), not_finite (NaN or Inf in A, or an entry of A^+ beyond the range of
// T: a subnormal A can have such a pseudoinverse), no_convergence (the SVD reached its
// cap: no pseudoinverse is returned).
template <class T>
Result<Matrix<T>> pinv(MatrixView<const T> A, const RankTolerance<T>& tol = {}, const SvdOptions& svd_opts = {});

// Low level (src/solvers/pinv_inplace.cpp; pinv above is its allocating form): A (n x d)
// is only read; on success P (d x n) holds A^+ and rank the numerical rank r. The same
// scaling, rank rule and arithmetic as pinv, bit for bit. Statuses in this order, each
// with P untouched: dimension_mismatch (P not d x n), invalid_argument (tol, or
// svd_opts' method), workspace_too_small, not_finite (NaN or Inf in A); then ok,
// no_convergence (the SVD's cap; P not written), or not_finite (an entry of A^+ beyond
// the range of T). Workspace: A's scaled copy, the thin SVD (s, U, V) and its scratch.
template <class T>
WorkspaceSize pinv_workspace_size(index n, index d, const SvdOptions& svd_opts = {});
template <class T>
Status pinv_inplace(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts, MatrixView<T> P,
                    index& rank, Workspace work);

}  // namespace stela
