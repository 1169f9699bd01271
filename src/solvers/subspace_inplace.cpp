// Numerical rank and null space from the SVD, in the caller's storage.
//
// Counterparts: numpy.linalg.matrix_rank, scipy.linalg.null_space; LAPACK has no driver.
// Computes:     with A_s = 2^-e A = U diag(s) V^T (n x d) and
//               r = #{ s_i > max(2^-e atol, rtol s_1) } (the caller's rule on A):
//                 rank = r,   null space = V(:, r:d).
// Storage:      A is only read; rank_inplace writes rank; null_space_inplace writes N
//               (d x d): the basis in columns 0 .. d-r-1, zeros after. The SVD's V is
//               written straight into N (thin V is d x d when n >= d, and a full V,
//               which a wide A needs for its null space, is d x d too), so the basis
//               costs no copy beyond moving its columns to the front.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 2.4 (SVD and the
//               subspaces), 5.4.1 (numerical rank).
// Cost:         one SVD: values only for the rank; with vectors for the null space.
// Workspace:    A_s (n x d) and the SVD's scratch; s (k = min(n, d)); for the null
//               space also U (n x k: thin U for n >= d, full U n x n otherwise).
// Invariant:    rank, null space (and the allocating range, projector, leverage) take r
//               from one SVD of A_s and one threshold, so they agree.
// Stability:    the SVD is backward stable, so the computed null space is exact for a
//               nearby matrix; its angle to the true one is bounded by eps ||A|| / gap,
//               gap = s_r - s_(r+1) (Wedin's theorem; GVL 8.6.1).
// Scaling:      A_s = 2^-e A (scaled_svd.hpp): rank and null space are scale-free, and
//               2^k A gives them bit for bit, near the overflow threshold and for
//               subnormal entries alike.
// Statuses:     dimension_mismatch, invalid_argument, workspace_too_small, not_finite
//               (each before any output is written), then ok or no_convergence.
#include <algorithm>

#include "../svd/svd_common.hpp"
#include "scaled_svd.hpp"
#include "stela/blas.hpp"
#include "stela/subspace.hpp"

namespace stela {
namespace {

// The vectors the null space needs: thin V holds d x d when n >= d; a wide A needs the
// full V (d x d) to hold the d - r >= d - n basis vectors.
SvdOptions null_space_svd_options(index n, index d, const SvdOptions& svd_opts) {
  return detail::with_vectors(svd_opts, n < d ? SvdVectors::full : SvdVectors::thin);
}

// The checks shared by both routines, in STYLE.md's order after the shapes.
template <class T>
Status check(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts, const Workspace& work,
             WorkspaceSize needed) {
  if (!valid(tol) || !svd_detail::valid(svd_opts.method)) return Status::invalid_argument;
  if (!work.holds(needed)) return Status::workspace_too_small;
  if (!all_finite(A)) return Status::not_finite;
  return Status::ok;
}

}  // namespace

template <class T>
WorkspaceSize rank_workspace_size(index n, index d, const SvdOptions& svd_opts) {
  return WorkspaceSize::vector<T>(std::min(n, d)) +
         detail::scaled_svd_workspace_size<T>(n, d, detail::with_vectors(svd_opts, SvdVectors::none));
}

template <class T>
Status rank_inplace(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts, index& rank,
                    Workspace work) {
  const index n = A.rows(), d = A.cols();
  rank = 0;
  // 1. Checks; an empty A has rank 0.
  if (const Status s = check(A, tol, svd_opts, work, rank_workspace_size<T>(n, d, svd_opts)); s != Status::ok)
    return s;
  if (A.empty()) return Status::ok;
  // 2. The singular values of A_s = 2^-e A; a partial SVD decides no rank.
  VectorView<T> s = work.vector<T>(std::min(n, d));
  int e = 0;
  const Status status = detail::scaled_svd_kernel(A, s, MatrixView<T>(), MatrixView<T>(),
                                                  detail::with_vectors(svd_opts, SvdVectors::none), e, work);
  if (status != Status::ok) return status;
  // 3. r = #{ s_i > max(2^-e atol, rtol s_1) }.
  rank = detail::scaled_rank(VectorView<const T>(s), tol, e, n, d);
  return Status::ok;
}

template <class T>
WorkspaceSize null_space_workspace_size(index n, index d, const SvdOptions& svd_opts) {
  const index k = std::min(n, d);
  return WorkspaceSize::vector<T>(k) + WorkspaceSize::matrix<T>(n, k) +
         detail::scaled_svd_workspace_size<T>(n, d, null_space_svd_options(n, d, svd_opts));
}

template <class T>
Status null_space_inplace(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts,
                          MatrixView<T> N, index& rank, Workspace work) {
  const index n = A.rows(), d = A.cols(), k = std::min(n, d);
  rank = 0;
  // 1. Checks; with no rows, every vector is mapped to zero: N = I (nothing for d = 0).
  if (N.rows() != d || N.cols() != d) return Status::dimension_mismatch;
  if (const Status s = check(A, tol, svd_opts, work, null_space_workspace_size<T>(n, d, svd_opts)); s != Status::ok)
    return s;
  if (A.empty()) {
    set_identity(N);
    return Status::ok;
  }
  // 2. A_s = 2^-e A = U diag(s) V^T with V (d x d) written into N.
  VectorView<T> s = work.vector<T>(k);
  MatrixView<T> U = work.matrix<T>(n, k);
  int e = 0;
  const Status status = detail::scaled_svd_kernel(A, s, U, N, null_space_svd_options(n, d, svd_opts), e, work);
  if (status != Status::ok) return status;
  // 3. The basis V(:, r:d) moved to columns 0 .. d-r-1 (column r + j to j: a source is
  //    always to the right of every column written before it), zeros after.
  const index r = detail::scaled_rank(VectorView<const T>(s), tol, e, n, d);
  rank = r;
  if (r > 0) {
    for (index j = 0; j < d - r; ++j) copy(VectorView<const T>(N.col(r + j)), N.col(j));
    fill(N.col_block(d - r, r), T(0));
  }
  detail::orient_columns(N.col_block(0, d - r));  // V's own convention already; kept explicit for every route
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                   \
  template WorkspaceSize rank_workspace_size<T>(index, index, const SvdOptions&);                              \
  template Status rank_inplace<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&, index&,     \
                                  Workspace);                                                                  \
  template WorkspaceSize null_space_workspace_size<T>(index, index, const SvdOptions&);                        \
  template Status null_space_inplace<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&,       \
                                        MatrixView<T>, index&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
