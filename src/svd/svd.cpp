// The SVD entry points: checks, safe scaling, wide input through the transpose, the
// choice of method, the sign convention. (The allocating svd() is svd_result.cpp.)
//
// Counterpart:  the driver part of LAPACK xGESVD / xGESVJ (argument checks, scaling by
//               xLASCL, the transposed path for m < n).
// Computes:     A = U diag(s) V^T for any m x n A, by the method in opts.
// Storage:      see svd.hpp: A destroyed; s (k = min(m, n)); U m x k or m x m; V n x k or
//               n x n; with vectors = none, U and V are not referenced.
// Reference:    LAPACK Users' Guide, 3rd ed., section 2.4.6 and 4.9; Golub & Van Loan,
//               Matrix Computations, 4th ed., section 8.6.
// Steps:        1. check shapes, options, workspace, finiteness (nothing is written
//                  before all pass); 2. quick returns: empty (identity bases for full
//                  vectors) and zero matrix (s = 0, identity bases; no iteration);
//               3. scale A by a power of two 2^e when max|a_ij| lies outside
//                  [sqrt(safe_min)/eps, eps/sqrt(safe_min)] (xGESVD's SMLNUM, BIGNUM):
//                  exact, so s = 2^-e s_scaled loses nothing; 4. m < n: work on A^T
//                  (A^T = V S U^T, so the roles of U and V trade); 5. the method;
//               6. undo the scaling; 7. signs: the largest-magnitude entry of each v_j
//                  is made positive, u_j follows; 8. not_finite if a singular value is
//                  beyond the range of T (step 6 overflowed).
// Cost:         O(mn) besides the method (scaling, transposition, signs).
// Invariant:    the method factors 2^e A (or its transpose, with U and V exchanged),
//               leaving (2^e A) v_j = s_j u_j; step 6 turns it exactly into
//               A v_j = s_j u_j, and step 7 flips u_j and v_j together, which keeps it.
// Stability:    the scaling and the sign flips are exact; the method's claims hold.
// Workspace:    the method's, plus an n x m matrix for A^T when m < n.
// Failures:     dimension_mismatch, invalid_argument, workspace_too_small, not_finite
//               (in this order; nothing written), no_convergence (from the method),
//               not_finite (s_1 beyond the range of T; s holds +Inf there).
#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/scalar.hpp"
#include "stela/svd.hpp"
#include "svd_common.hpp"
#include "svd_kernels.hpp"

namespace stela {
namespace {

template <class T>
WorkspaceSize method_workspace_size(index m, index n, const SvdOptions& opts) {
  return opts.method == SvdMethod::jacobi ? jacobi_svd_workspace_size<T>(m, n, opts)
                                          : golub_kahan_svd_workspace_size<T>(m, n, opts);
}

// The exponent e with max_abs 2^e inside [lo, hi] (0 when it already is): xGESVD's
// SMLNUM = sqrt(safe_min)/eps and BIGNUM = 1/SMLNUM, moved by powers of two. max_abs is
// finite and non-zero; binary_exponent (frexp's) is ilogb + 1 for such x, so only the
// differences of exponents matter: max_abs 2^e lands in the binade above lo's (below
// hi's).
template <class T>
int safe_range_exponent(T max_abs) {
  const T lo = std::sqrt(safe_min<T>()) / eps<T>();
  const T hi = T(1) / lo;
  if (max_abs < lo) return binary_exponent(lo) - binary_exponent(max_abs) + 1;
  if (max_abs > hi) return binary_exponent(hi) - binary_exponent(max_abs) - 1;
  return 0;
}

}  // namespace

template <class T>
WorkspaceSize svd_workspace_size(index m, index n, const SvdOptions& opts) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  if (m >= n) return method_workspace_size<T>(m, n, opts);
  return WorkspaceSize::matrix<T>(n, m) + method_workspace_size<T>(n, m, opts);
}

template <class T>
Status detail::svd_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                          SvdInfo<T>& info, Workspace work) {
  const SvdMethodKernel<T> method = opts.method == SvdMethod::jacobi ? &jacobi_svd_kernel<T> : &golub_kahan_svd_kernel<T>;
  return svd_kernel_by(method, A, s, U, V, opts, info, work);
}

template <class T>
Status detail::svd_kernel_by(SvdMethodKernel<T> method, MatrixView<T> A, VectorView<T> s, MatrixView<T> U,
                             MatrixView<T> V, const SvdOptions& opts, SvdInfo<T>& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  STELA_ASSERT(svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors) && svd_detail::valid(opts.method) &&
               svd_detail::valid(opts.vectors) && work.holds(svd_workspace_size<T>(m, n, opts)));
  info = SvdInfo<T>{};
  const bool want_vectors = opts.vectors != SvdVectors::none;

  // 2. Quick returns: empty, and the zero matrix (s = 0, U and V the identity).
  const T max_abs = norm(MatrixView<const T>(A), Norm::max_abs);
  if (k == 0 || max_abs == T(0)) {
    fill(s, T(0));
    if (want_vectors) {
      set_identity(U);
      set_identity(V);
    }
    return Status::ok;
  }

  // 3. A := 2^e A, exactly, when A is outside the safe range.
  const int e = safe_range_exponent(max_abs);
  if (e != 0) {
    scale_by_power_of_two(e, A);
    info.scaling = std::ldexp(T(1), e);
  }

  // 4-5. The method, on A (m >= n) or on A^T = V S U^T (m < n): ok or no_convergence,
  //      and on no_convergence s, U and V hold the partial result, which steps 6-7 still
  //      unscale and sign as a result; the status is returned last.
  Status status;
  if (m >= n) {
    status = method(A, s, U, V, opts, info, work);
  } else {
    MatrixView<T> At = work.matrix<T>(n, m);
    for (index j = 0; j < n; ++j) copy(VectorView<const T>(A.col(j)), At.row(j));  // At := A^T
    status = method(At, s, V, U, opts, info, work);
  }
  // Any other status (not_finite from an overflow, which A in the safe range does not
  // meet) leaves nothing to finish.
  if (status != Status::ok && status != Status::no_convergence) return status;

  // 6. s := 2^-e s. A singular value beyond the range of T (finite entries near the
  //    overflow threshold: sigma_1 can reach sqrt(mn) max |a_ij|) becomes Inf: that SVD
  //    has no representable answer, and step 8 says not_finite. (rank, cond, pinv and
  //    null_space scale A themselves and never get here with such an A.)
  scale_by_power_of_two(-e, s);

  // 7. Signs: v_j's entry of largest magnitude positive; u_j follows (A v_j = s_j u_j).
  if (want_vectors)
    for (index j = 0; j < k; ++j) {
      const index i = iamax(VectorView<const T>(V.col(j)));
      if (i >= 0 && V(i, j) < T(0)) {
        scal(T(-1), V.col(j));
        scal(T(-1), U.col(j));
      }
    }
  // 8. not_finite when step 6 overflowed (s and the vectors still written).
  if (status == Status::ok && !all_finite(VectorView<const T>(s))) return Status::not_finite;
  return status;
}

// The checked entry: checks in the documented order (nothing is written before they all
// pass), then the kernel.
template <class T>
Status svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                   SvdInfo<T>& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  info = SvdInfo<T>{};
  // 1. Checks.
  if (!svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors)) return Status::dimension_mismatch;
  if (!svd_detail::valid(opts.method) || !svd_detail::valid(opts.vectors)) return Status::invalid_argument;
  if (!work.holds(svd_workspace_size<T>(m, n, opts))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  // 2-7. The work.
  return detail::svd_kernel(A, s, U, V, opts, info, work);
}

#define STELA_INSTANTIATE(T)                                                                                  \
  template Status detail::svd_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>,          \
                                        const SvdOptions&, SvdInfo<T>&, Workspace);                             \
  template Status detail::svd_kernel_by<T>(SvdMethodKernel<T>, MatrixView<T>, VectorView<T>, MatrixView<T>,  \
                                           MatrixView<T>, const SvdOptions&, SvdInfo<T>&, Workspace);           \
  template WorkspaceSize svd_workspace_size<T>(index, index, const SvdOptions&);                             \
  template Status svd_inplace<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, const SvdOptions&, \
                                 SvdInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
