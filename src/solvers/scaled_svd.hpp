// Internal to stela's sources (not installed): the SVD of a matrix scaled by the power of
// two every solver uses, for the SVD-based solvers (rank, null_space, range, projector,
// leverage, general_solution, pinv, cond).
//
// Why: the singular values of a matrix of finite entries can be beyond the range of T
// (sigma_1 reaches sqrt(mn) max |a_ij|) while its rank, condition number, subspaces and
// pseudoinverse are representable; and those of a subnormal matrix carry few bits. So
// the solvers, like lstsq, work on A_s = 2^-e A with e = binary_exponent(max |a_ij|)
// (scale_by_max_exponent: exact, largest |entry| in [1/2, 1)) and read
//     s(A) = 2^e s(A_s),  U and V unchanged,  A^+ = 2^-e A_s^+,
// with the rank rule's absolute tolerance scaled alike (detail::scaled_tolerance in
// qr_kernels.hpp, shared with lstsq and the COD). Every 2^k A then gives bit for bit the
// same A_s, hence the same rank, subspaces and condition number, and a pseudoinverse
// that scales exactly until it leaves the range of T.
#pragma once

#include <algorithm>
#include <utility>

#include "../qr/qr_kernels.hpp"
#include "../svd/svd_common.hpp"
#include "../svd/svd_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"

namespace stela::detail {

// The SVD options these solvers run: the caller's method and caps, the vectors they need.
inline SvdOptions with_vectors(const SvdOptions& svd_opts, SvdVectors vectors) {
  SvdOptions opts = svd_opts;
  opts.vectors = vectors;
  return opts;
}

// Workspace of scaled_svd_kernel for an n x d A: the copy A_s, then the SVD's scratch
// (both alive while the SVD runs).
template <class T>
WorkspaceSize scaled_svd_workspace_size(index n, index d, const SvdOptions& opts) {
  return WorkspaceSize::matrix<T>(n, d) + svd_workspace_size<T>(n, d, opts);
}

// A_s := 2^-e A (a copy carved from work; A is only read), then A_s = U diag(s) V^T with
// opts' vectors into the caller's s, U, V (the shapes of svd_inplace). The caller has
// checked the shapes, opts' method, the workspace and that A is finite. Returns the
// SVD's status: ok, or no_convergence at opts' cap (nothing else for A_s in range).
template <class T>
Status scaled_svd_kernel(MatrixView<const T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                         const SvdOptions& opts, int& e, Workspace work) {
  // (An empty A keeps its shape: the workspace hands out 0 x 0 for no elements.)
  MatrixView<T> As = A.empty() ? MatrixView<T>(static_cast<T*>(nullptr), A.rows(), A.cols())
                               : work.matrix<T>(A.rows(), A.cols());
  copy(A, As);
  e = scale_by_max_exponent(As);  // A_s := 2^-e A, max |a_ij| in [1/2, 1)
  SvdInfo<T> info;
  return svd_kernel(As, s, U, V, opts, info, work);
}

// The caller's rank rule on A read on the singular values s of A_s = 2^-e A:
// r = #{ s_i > max(2^-e atol, rtol s_1) }. An empty s has rank 0.
template <class T>
index scaled_rank(VectorView<const T> s, const RankTolerance<T>& tol, int e, index n, index d) {
  if (s.empty()) return 0;
  return numerical_rank<T>(s, rank_threshold(scaled_tolerance(tol, e), s[0], n, d));
}

// Each column of the basis B turned so that its entry of largest magnitude (the first on
// a tie, as iamax) is positive: a basis vector is only determined up to its sign, and one
// convention for every basis makes the same subspace print the same way by any route.
template <class T>
void orient_columns(MatrixView<T> B) {
  for (index j = 0; j < B.cols(); ++j) {
    const index i = iamax(VectorView<const T>(B.col(j)));
    if (i >= 0 && B(i, j) < T(0)) scal(T(-1), B.col(j));
  }
}

template <class T>
struct ScaledSvd {
  SVD<T> svd;        // of A_s = 2^-exponent A
  int exponent = 0;  // A = 2^exponent U diag(s) V^T
};

// The allocating form of scaled_svd_kernel, for the allocating solvers: the SVD of
// 2^-e A with the given vectors and svd_opts' method and caps; its failure (no_convergence
// at the cap, invalid_argument for the method) is returned as is. A is finite (the
// callers check); an empty or zero A gives e = 0.
template <class T>
Result<ScaledSvd<T>> scaled_svd(MatrixView<const T> A, SvdVectors vectors, const SvdOptions& svd_opts) {
  const SvdOptions opts = with_vectors(svd_opts, vectors);
  if (!svd_detail::valid(opts.method)) return Status::invalid_argument;
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  ScaledSvd<T> out;
  out.svd.method = opts.method;
  out.svd.s = Vector<T>(k);
  if (vectors != SvdVectors::none) {
    const bool full = vectors == SvdVectors::full;
    out.svd.U = Matrix<T>(m, full ? m : k);
    out.svd.V = Matrix<T>(n, full ? n : k);
  }
  WorkspaceBuffer buffer(scaled_svd_workspace_size<T>(m, n, opts));
  const Status status = scaled_svd_kernel(A, out.svd.s.view(), out.svd.U.view(), out.svd.V.view(), opts,
                                          out.exponent, buffer.workspace());
  if (status != Status::ok) return status;
  return out;
}

}  // namespace stela::detail
