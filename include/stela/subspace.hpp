// stela/subspace.hpp — the four fundamental subspaces, numerically.
//
// All of these come from one SVD A = U diag(s) V^T and the shared rank rule
// (tolerance.hpp): r = #{ s_i > max(atol, rtol s_1) }. Then
//   range(A)      = span U(:, 0:r)               (orthonormal n x r)
//   null_space(A) = span V(:, r:d)               (orthonormal d x (d - r))
//   projector(A)  = U_r U_r^T                    (the hat matrix, n x n)
//   leverage(A)   = diag(U_r U_r^T) = row norms^2 of U_r, without forming the projector
// and general_solution(X, y) is the set { w0 + N t }, w0 = X^+ y the minimum-norm
// least-squares solution and N an orthonormal basis of the null space: every member
// minimises ||y - X w|| equally, and w0 is the one orthogonal to N.
//
// null_space can also come from the complete orthogonal decomposition X P = Q [T 0; 0 0] Z,
// null space = P Z^T [0; I]: cheaper, and as reliable as the pivoted QR's rank decision —
// which can miss a small singular value (the Kahan matrix: GVL 5.4.2).
//
// Signs: a basis vector is determined up to its sign only. Every basis returned here
// (range, null_space by either method, general_solution's N) has the entry of largest
// magnitude of each column positive (the first such entry on a tie), the convention the
// SVD uses for V; so the same subspace prints the same way whichever route computed it.
#pragma once

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela {

enum class SubspaceMethod { svd, cod };

// Every function here takes, last, the options of the SVD it runs: svd_opts chooses the
// method and its caps (max_iterations, max_sweeps; svd.hpp), and its `vectors` is
// ignored (each function computes the vectors it needs). Statuses: invalid_argument
// (tol, or svd_opts' method), not_finite (NaN or Inf in the input), no_convergence
// (the SVD reached its cap: no subspace is returned); null_space by the cod method
// does not iterate and ignores svd_opts. Every function works on A scaled by the power of
// two that brings max |a_ij| into [1/2, 1), as lstsq does: the rank and the subspaces of
// 2^k A are those of A bit for bit, for entries near the overflow threshold (whose
// singular values may overflow) and subnormal ones alike. general_solution returns
// not_finite when its particular solution is beyond the range of T.

template <class T>
Result<index> rank(MatrixView<const T> A, const RankTolerance<T>& tol = {}, const SvdOptions& svd_opts = {});

template <class T>
Result<Matrix<T>> null_space(MatrixView<const T> A, const RankTolerance<T>& tol = {},
                             SubspaceMethod method = SubspaceMethod::svd, const SvdOptions& svd_opts = {});

// Low level (src/solvers/subspace_inplace.cpp; rank and null_space by the svd method are
// their allocating forms, bit for bit): A (n x d) is only read; the SVD of A's scaled
// copy runs in the caller's workspace. rank_inplace sets rank (values only).
// null_space_inplace takes N of d x d, the most a basis can need, because the rank is
// not known before the SVD: on success its first d - rank columns hold the orthonormal
// basis of N(A) (signs as above) and the other columns are zero. The COD route is
// allocating only. Statuses in this order, each with N untouched:
// dimension_mismatch (N not d x d), invalid_argument (tol, or svd_opts' method),
// workspace_too_small, not_finite (NaN or Inf in A); then ok or no_convergence (the
// SVD's cap: rank is 0 and N not a basis).
template <class T>
WorkspaceSize rank_workspace_size(index n, index d, const SvdOptions& svd_opts = {});
template <class T>
Status rank_inplace(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts, index& rank,
                    Workspace work);
template <class T>
WorkspaceSize null_space_workspace_size(index n, index d, const SvdOptions& svd_opts = {});
template <class T>
Status null_space_inplace(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts,
                          MatrixView<T> N, index& rank, Workspace work);

template <class T>
Result<Matrix<T>> range(MatrixView<const T> A, const RankTolerance<T>& tol = {}, const SvdOptions& svd_opts = {});

template <class T>
Result<Matrix<T>> projector(MatrixView<const T> A, const RankTolerance<T>& tol = {}, const SvdOptions& svd_opts = {});

template <class T>
Result<Vector<T>> leverage(MatrixView<const T> A, const RankTolerance<T>& tol = {}, const SvdOptions& svd_opts = {});

template <class T>
struct SolutionSet {
  Vector<T> particular;  // w0 = X^+ y, the minimum-norm least-squares solution
  Matrix<T> null_basis;  // N: d x (d - rank), orthonormal columns
  index rank = 0;
  // w0 + N t, t with d - rank entries. Statuses: dimension_mismatch when t has another
  // length, not_finite when t holds NaN or Inf.
  Result<Vector<T>> at(VectorView<const T> t) const;
};

template <class T>
Result<SolutionSet<T>> general_solution(MatrixView<const T> X, VectorView<const T> y, const RankTolerance<T>& tol = {},
                                        const SvdOptions& svd_opts = {});

}  // namespace stela
