// The Moore–Penrose pseudoinverse from the SVD, in the caller's storage.
//
// Counterpart:  numpy.linalg.pinv, scipy.linalg.pinv (LAPACK has no driver; xGELSS with
//               B = I computes the same).
// Computes:     A^+ = V_r diag(1 / s_r) U_r^T (d x n for an n x d A), r the numerical rank
//               by the shared tolerance (tolerance.hpp).
// Storage:      A (n x d) is only read; on exit P (d x n) holds A^+ and `rank` is r.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.5.2; Penrose,
//               "A generalized inverse for matrices", Proc. Cambridge Philos. Soc. 51, 1955.
// Cost:         one thin SVD plus 2 n d r flops.
// Workspace:    A_s (n x d), s (k), U (n x k), V (d x k), k = min(n, d), and the SVD's
//               scratch; minimum = optimal apart from the SVD's own blocking.
// Invariant:    after step 3's loop the first r columns of V hold v_j / s_j, exactly the
//               kept directions (s_j > threshold).
// Stability:    the Penrose conditions A A^+ A = A, A^+ A A^+ = A^+, (A A^+)^T = A A^+,
//               (A^+ A)^T = A^+ A hold to working accuracy relative to ||A|| and ||A^+||;
//               entries of A^+ are as accurate as 1 / s_r is well determined, which is why
//               singular values below the tolerance are dropped instead of inverted.
// Scaling:      the SVD is that of A_s = 2^-e A (scaled_svd.hpp, as every solver), so
//               A^+ = 2^-e A_s^+: rank and A_s^+ never overflow, and only the final
//               2^-e can take an entry beyond the range of T — then the pseudoinverse
//               is not representable and the status is not_finite (entries below the
//               range round to subnormals or zero, as any result does).
// Statuses:     in this order, each with P untouched: dimension_mismatch (P not d x n),
//               invalid_argument (tol, or svd_opts' method), workspace_too_small,
//               not_finite (NaN or Inf in A); then ok, no_convergence (the SVD's cap: P
//               is not written), or not_finite (an entry of A^+ beyond the range; P holds
//               the overflowed result).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "../svd/svd_common.hpp"
#include "scaled_svd.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"

namespace stela {

template <class T>
WorkspaceSize pinv_workspace_size(index n, index d, const SvdOptions& svd_opts) {
  const index k = std::min(n, d);
  return WorkspaceSize::vector<T>(k) + WorkspaceSize::matrix<T>(n, k) + WorkspaceSize::matrix<T>(d, k) +
         detail::scaled_svd_workspace_size<T>(n, d, detail::with_vectors(svd_opts, SvdVectors::thin));
}

template <class T>
Status pinv_inplace(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts, MatrixView<T> P,
                    index& rank, Workspace work) {
  const index n = A.rows(), d = A.cols(), k = std::min(n, d);
  const SvdOptions opts = detail::with_vectors(svd_opts, SvdVectors::thin);
  rank = 0;
  // 1. Checks, then the quick return for an empty matrix (P is then empty or zero).
  if (P.rows() != d || P.cols() != n) return Status::dimension_mismatch;
  if (!valid(tol) || !svd_detail::valid(opts.method)) return Status::invalid_argument;
  if (!work.holds(pinv_workspace_size<T>(n, d, svd_opts))) return Status::workspace_too_small;
  if (!all_finite(A)) return Status::not_finite;
  if (A.empty()) {
    fill(P, T(0));
    return Status::ok;
  }
  // 2. A_s = 2^-e A = U diag(s) V^T (thin). Its failure (no_convergence at the cap) is
  //    the pseudoinverse's: a partial SVD gives no A^+.
  VectorView<T> s = work.vector<T>(k);
  MatrixView<T> U = work.matrix<T>(n, k);
  MatrixView<T> V = work.matrix<T>(d, k);
  int e = 0;
  const Status status = detail::scaled_svd_kernel(A, s, U, V, opts, e, work);
  if (status != Status::ok) return status;
  // 3. A_s^+ = sum_{s_j > threshold} v_j (1 / s_j) u_j^T: scale V's columns, one gemm.
  const index r = detail::scaled_rank(VectorView<const T>(s), tol, e, n, d);
  rank = r;
  fill(P, T(0));
  if (r == 0) return Status::ok;
  // V_r := V_r diag(1 / s_r)
  for (index j = 0; j < r; ++j) scal(T(1) / s[j], V.col(j));
  // P := V_r U_r^T
  detail::gemm_kernel(Op::none, Op::transpose, T(1), MatrixView<const T>(V.col_block(0, r)),
                      MatrixView<const T>(U.col_block(0, r)), T(0), P);
  // 4. A^+ = 2^-e A_s^+; an entry beyond the range of T leaves no answer.
  scale_by_power_of_two(-e, P);
  if (!all_finite(MatrixView<const T>(P))) return Status::not_finite;
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template WorkspaceSize pinv_workspace_size<T>(index, index, const SvdOptions&);                             \
  template Status pinv_inplace<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&, MatrixView<T>, \
                                  index&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
