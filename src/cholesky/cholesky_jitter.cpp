// Cholesky factorization under a jitter policy: A + tau I = L L^T when A itself is
// positive semidefinite but not numerically positive definite.
//
// Counterpart:  none in LAPACK; the practice of Gaussian-process codes: GPy's jitchol
//               (GPy/util/linalg.py) and GPyTorch's psd_safe_cholesky
//               (gpytorch/utils/cholesky.py) retry with a diagonal shift that grows
//               tenfold. The blocked factorization is LAPACK xPOTRF
//               (src/cholesky/cholesky_blocked.cpp).
// Computes:     L with L L^T = A + tau I, tau = info.jitter:
//                 none      tau = 0, one try;
//                 fixed     tau given by the caller, one try;
//                 adaptive  tau = 0 first; on failure tau_1 = n eps mean(diag(A)),
//                           tau_{k+1} = 10 tau_k, while tau <= mean(diag(A)).
// Storage:      the lower triangle of A is overwritten by L (the strict upper triangle
//               is never read or written). On not_positive_definite it holds the
//               partial factor of the last try, of A + info.jitter I.
// Reference:    Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
//               thm 10.3 (Cholesky's backward error (n + 1) eps |L| |L^T|, the scale
//               of tau_1) and section 10.3 (semidefinite matrices); the retry scheme as
//               in GPy and GPyTorch above.
// Cost:         n^3 / 3 flops per try; adaptive at most 2 + floor(log10(1 / (n eps)))
//               tries (17 in double, 8 in float) and n^2 / 2 copies per retry.
// Workspace:    adaptive: an n x n matrix holding A's lower triangle, from which every
//               retry restarts. none and fixed: nothing. That is the minimum; the
//               optimal adds the blocked factorization's packing buffers
//               (cholesky_blocked_workspace_size).
// Invariant:    each adaptive try starts from the original A plus the current tau on
//               the diagonal, so the recorded info.jitter is exactly what L factors.
// Stability:    that of xPOTRF for the shifted matrix: L L^T = A + tau I + dA.
// Failure:      dimension_mismatch, invalid_argument (fixed tau negative, NaN or not
//               representable in T), workspace_too_small, not_finite (NaN/Inf in A, or
//               a fixed tau that makes A + tau I overflow) — all with A untouched — and
//               not_positive_definite (info.failed_column of the last try; adaptive
//               retries also stop at a tau that would overflow the diagonal).
#include <cmath>
#include <limits>

#include "cholesky_kernels.hpp"
#include "stela/cholesky.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// The jitter grows tenfold between tries, as in GPy's jitchol and GPyTorch.
constexpr int kJitterGrowth = 10;

// A bound on the jittered tries: tau climbs from n eps mean(diag) to mean(diag) in at
// most floor(log10(1 / eps)) + 1 = digits10 + 1 steps (16 in double, 7 in float). The
// cap tau <= mean(diag) ends the loop first; this bound keeps it finite on its own.
template <class T>
constexpr int kMaxJitteredTries = std::numeric_limits<T>::digits10 + 1;

// A's lower triangle := S's lower triangle.
template <class T>
void copy_lower(MatrixView<const T> S, MatrixView<T> A) {
  for (index j = 0; j < A.cols(); ++j) copy(S.col(j).segment(j, A.rows() - j), A.col(j).segment(j, A.rows() - j));
}

// Whether every a_ii + tau is finite, so that A + tau I can be formed without overflow.
template <class T>
bool shift_fits(MatrixView<const T> A, T tau) {
  for (index i = 0; i < A.rows(); ++i)
    if (!(std::abs(A(i, i) + tau) <= safe_max<T>())) return false;
  return true;
}

template <class T>
void add_to_diagonal(MatrixView<T> A, T tau) {
  for (index i = 0; i < A.rows(); ++i) A(i, i) += tau;
}

}  // namespace

template <class T>
WorkspaceSize cholesky_workspace_size(index n, const CholeskyOptions<T>& opts) {
  // The restart copy (adaptive only) and, alive beside it, the blocked factorization's
  // packing buffers (optimal only: minimum 0).
  const WorkspaceSize restart =
      opts.jitter.policy == JitterPolicy::adaptive ? WorkspaceSize::matrix<T>(n, n) : WorkspaceSize();
  return restart + cholesky_blocked_workspace_size<T>(n);
}

template <class T>
Status detail::cholesky_jitter_kernel(MatrixView<T> A, CholeskyInfo<T>& info, Workspace work,
                                      const CholeskyOptions<T>& opts) {
  const index n = A.rows();
  STELA_ASSERT(A.cols() == n && valid<T>(opts) && work.holds(cholesky_workspace_size<T>(n, opts)));
  info = CholeskyInfo<T>{};
  info.tries = 1;
  if (n == 0) return Status::ok;

  const JitterPolicy policy = opts.jitter.policy;

  if (policy == JitterPolicy::none) {
    // 1. A =: L L^T.
    info.failed_column = cholesky_blocked_kernel(A, work);
    return info.failed_column < 0 ? Status::ok : Status::not_positive_definite;
  }
  if (policy == JitterPolicy::fixed) {
    // 1. A := A + tau I;  2. A =: L L^T.
    const T tau = opts.jitter.tau;
    if (!shift_fits(MatrixView<const T>(A), tau)) return Status::not_finite;  // A + tau I overflows
    add_to_diagonal(A, tau);
    info.jitter = tau;
    info.failed_column = cholesky_blocked_kernel(A, work);
    return info.failed_column < 0 ? Status::ok : Status::not_positive_definite;
  }

  // Adaptive.
  // 1. S := lower triangle of A (the restart point), and mean = sum_i a_ii / n
  //    (each term divided first, so the sum cannot overflow).
  MatrixView<T> S = work.matrix<T>(n, n);
  copy_lower(MatrixView<const T>(A), S);
  T mean = 0;
  for (index i = 0; i < n; ++i) mean += A(i, i) / static_cast<T>(n);

  // 2. First try: A =: L L^T with no shift.
  info.failed_column = cholesky_blocked_kernel(A, work);
  if (info.failed_column < 0) return Status::ok;

  // 3. Retries with A + tau I, tau = n eps mean, 10 n eps mean, ..., up to mean. A mean
  //    that is not positive and finite gives no scale: the first failure stands.
  if (!(mean > T(0) && mean <= safe_max<T>())) return Status::not_positive_definite;
  T tau = static_cast<T>(n) * eps<T>() * mean;
  for (int k = 0; k < kMaxJitteredTries<T> && tau > T(0) && tau <= mean; ++k) {
    // A := S + tau I (lower triangle), then A =: L L^T. (tau <= mean <= max a_ii, so
    // only a diagonal within a factor 2 of overflow can fail to shift.)
    if (!shift_fits(MatrixView<const T>(S), tau)) break;
    copy_lower(MatrixView<const T>(S), A);
    add_to_diagonal(A, tau);
    info.jitter = tau;
    ++info.tries;
    info.failed_column = cholesky_blocked_kernel(A, work);
    if (info.failed_column < 0) return Status::ok;
    tau *= static_cast<T>(kJitterGrowth);
  }
  return Status::not_positive_definite;
}

template <class T>
Status cholesky_inplace(MatrixView<T> A, CholeskyInfo<T>& info, Workspace work, const CholeskyOptions<T>& opts) {
  // Checks: shape, options, workspace, finiteness; then the kernel.
  const index n = A.rows();
  if (A.cols() != n) return Status::dimension_mismatch;
  if (!valid<T>(opts)) return Status::invalid_argument;
  if (!work.holds(cholesky_workspace_size<T>(n, opts))) return Status::workspace_too_small;
  if (!detail::lower_triangle_finite(MatrixView<const T>(A))) return Status::not_finite;
  return detail::cholesky_jitter_kernel(A, info, work, opts);
}

#define STELA_INSTANTIATE(T)                                                                 \
  template Status detail::cholesky_jitter_kernel<T>(MatrixView<T>, CholeskyInfo<T>&, Workspace,  \
                                                    const CholeskyOptions<T>&);                 \
  template WorkspaceSize cholesky_workspace_size<T>(index, const CholeskyOptions<T>&);          \
  template Status cholesky_inplace<T>(MatrixView<T>, CholeskyInfo<T>&, Workspace, const CholeskyOptions<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
