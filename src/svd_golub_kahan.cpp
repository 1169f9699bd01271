// The Golub–Kahan SVD: bidiagonalize, then implicit-shift QR on the bidiagonal.
//
// Counterpart:  LAPACK xGESVD (m >= n; the caller, svd_inplace, transposes wide input).
// Computes:     A = U diag(s) V^T: A = Q B P^T (bidiagonalize), B = W_l diag(s) W_r^T
//               (bidiagonal_svd), U = Q [W_l; 0] (thin) or Q diag(W_l, I) (full),
//               V = P W_r.
// Storage:      on entry A is m x n, m >= n, in the safe range; on exit A is destroyed,
//               s (n) holds the singular values non-increasing, U (m x n or m x m) and
//               V (n x n) the vectors unless vectors = none.
// Reference:    G. H. Golub and C. Reinsch, "Singular value decomposition and least
//               squares solutions", Numer. Math. 14, 1970; Golub & Van Loan, Matrix
//               Computations, 4th ed., section 8.6.3 (algorithm 8.6.2 and the cost
//               table); LAPACK Users' Guide, 3rd ed., section 2.4.6.
// Cost:         (GVL 8.6.3) values only 4mn^2 - 4n^3/3 flops; thin U and V about
//               14mn^2 + 8n^3 (12mn^2 + 4n^3/3 + the rotations of the QR iteration).
// Invariant:    A_0 = (current U) B (current V)^T throughout the QR iteration.
// Stability:    backward stable: the computed factors are the exact SVD of A + E with
//               ||E||_2 = O(p(m, n) eps ||A||_2), so |s_i - sigma_i| = O(eps ||A||_2);
//               U and V orthogonal to O(eps) (GVL 8.6.3; LAPACK Users' Guide 4.9).
// Workspace:    e, tauq, taup (3n) plus what bidiagonalize needs (m); d lives in s.
// Failures:     dimension_mismatch, workspace_too_small, not_finite; no_convergence
//               when the bidiagonal QR iteration reaches its cap (info says how far).
#include <algorithm>

#include "stela/blas.hpp"
#include "stela/svd.hpp"
#include "svd_common.hpp"

namespace stela {

template <class T>
WorkspaceSize golub_kahan_svd_workspace_size(index m, index n, SvdVectors) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  // e, tauq, taup alive together with bidiagonalize's scratch.
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) +
         max(bidiagonalize_workspace_size<T>(m, n),
             max(bidiagonal_form_q_workspace_size<T>(m, n, m), bidiagonal_form_p_workspace_size<T>(n)));
}

template <class T>
Status golub_kahan_svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                               const SvdOptions& opts, SvdInfo& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (m < n || !svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors)) return Status::dimension_mismatch;
  if (!svd_detail::valid(opts.vectors)) return Status::invalid_argument;
  if (!work.holds(golub_kahan_svd_workspace_size<T>(m, n, opts.vectors))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  const bool want_vectors = opts.vectors != SvdVectors::none;
  if (n == 0) {
    if (opts.vectors == SvdVectors::full) set_identity(U);
    return Status::ok;
  }

  VectorView<T> e = work.vector<T>(n);
  VectorView<T> tauq = work.vector<T>(n);
  VectorView<T> taup = work.vector<T>(n);

  // 1. A = Q B P^T; d (in s) and e hold B.
  bidiagonalize_inplace(A, s, e, tauq, taup, work);

  // 2. U := Q [I; 0] (m x n or m x m), V := P.
  if (want_vectors) {
    bidiagonal_form_q_inplace(MatrixView<const T>(A), VectorView<const T>(tauq), U, work);
    bidiagonal_form_p_inplace(MatrixView<const T>(A), VectorView<const T>(taup), V, work);
  }

  // 3. B = W_l diag(s) W_r^T; U(:, 0:n) := U(:, 0:n) W_l, V := V W_r.
  MatrixView<T> U_active = want_vectors ? U.col_block(0, n) : MatrixView<T>();
  MatrixView<T> V_active = want_vectors ? V : MatrixView<T>();
  return bidiagonal_svd_inplace(s, e, U_active, V_active, opts.max_iterations, info);
}

#define STELA_INSTANTIATE(T)                                                                       \
  template WorkspaceSize golub_kahan_svd_workspace_size<T>(index, index, SvdVectors);             \
  template Status golub_kahan_svd_inplace<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, \
                                             const SvdOptions&, SvdInfo&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
