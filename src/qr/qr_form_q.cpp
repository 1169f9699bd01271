// Forming the leading columns of the Q of a Householder QR.
//
// Counterpart:  LAPACK xORGQR (blocked) and xORG2R (unblocked).
// Computes:     Q(:, 0:ncols) of Q = H_0 H_1 ... H_{k-1}, m x m, k <= ncols <= m;
//               that is, Q [I_ncols; 0].
// Storage:      on entry the first k columns of the m x ncols view hold the reflector
//               tails below their diagonal (householder_qr_inplace's output); nothing
//               else is read. On exit the view holds the ncols columns of Q.
// Method:       backward accumulation: start from [I; 0] and apply H_{k-1} first, H_0
//               last. Then H_i meets a matrix whose rows 0..i-1 are still those of
//               [I; 0], so it only needs to touch Q(i:m, i:ncols), and column i is
//               H_i e_i = e_i - tau_i v_i, written in place of v_i (GVL 5.1.6).
//               Blocked: the reflectors are grouped into the panels the factorization
//               used; each panel's I - V T V^T is applied to the columns right of it
//               through gemm, then the panel's own columns are formed unblocked. The
//               columns right of a panel are transformed in slices of at most k
//               columns, so the workspace does not depend on ncols.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.1.6
//               (backward accumulation) and 5.1.7 (block representation).
// Flops:        4 m ncols k - 2 (m + ncols) k^2 + 4 k^3 / 3; thin Q (ncols = k)
//               2k^2 (m - k/3), full Q of a square matrix 4n^3/3.
// Blocking:     panels while the block of Q they update holds more than the crossover's
//               bytes; the last reflectors, past the panels, unblocked.
// Workspace:    T (nb x nb) and W (k x nb), optimal nb = min(block_size, k), when an
//               m x m Q would exceed the crossover (so that one query serves every
//               ncols <= m), and beside them the packing buffers of the panels'
//               gemms; nothing otherwise. Minimum none: nb is the largest whose T and
//               W the workspace holds, 0 = unblocked; the gemms run packed when the
//               rest holds their buffers.
// Invariant:    after reflectors i..k-1 have been accumulated, Q(i:m, i:ncols) holds
//               the trailing block of H_i ... H_{k-1} [I; 0], Q(0:i, i:ncols) = 0, and
//               columns 0..i-1 still hold their reflectors.
// Stability:    the computed Q is orthogonal to working precision,
//               ||I - Q^T Q|| = O(m eps) (Higham, Accuracy and Stability, 2nd ed.,
//               section 19.3).
// Statuses:     dimension_mismatch (k > ncols or ncols > m), invalid_argument
//               (blocking), workspace_too_small, not_finite (tau or a reflector); Q is
//               untouched on each.
#include <algorithm>

#include "../householder/householder_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"

namespace stela {
namespace {

// xORG2R on a view without checks: Q is m x ncols with k = tau.size() reflectors.
template <class T>
void form_unblocked(MatrixView<T> Q, VectorView<const T> tau) {
  const index m = Q.rows();
  const index ncols = Q.cols();
  const index k = tau.size();
  // 1. Columns k..ncols-1 := e_j, the columns of [I; 0] no reflector has touched yet.
  for (index j = k; j < ncols; ++j) {
    fill(Q.col(j), T(0));
    Q(j, j) = T(1);
  }
  for (index i = k - 1; i >= 0; --i) {
    VectorView<T> v_tail = Q.col(i).segment(i + 1, m - i - 1);
    // 2. Q(i:m, i+1:ncols) := H_i Q(i:m, i+1:ncols)
    detail::householder_apply_left_kernel(VectorView<const T>(v_tail), tau[i],
                                          Q.block(i, i + 1, m - i, ncols - i - 1));
    // 3. Column i := H_i e_i = e_i - tau_i v_i: Q(0:i, i) = 0, q_ii = 1 - tau_i, tail -tau_i v_tail.
    scal(-tau[i], v_tail);
    Q(i, i) = T(1) - tau[i];
    fill(Q.col(i).segment(0, i), T(0));
  }
}

// The reflectors 0..kk-1 handled in panels of nb, starting at 0, nb, 2nb, ...: as long
// as the block Q(j:m, j:ncols) a panel updates is larger than the crossover.
template <class T>
index reflectors_in_panels(index m, index ncols, index k, index nb, index crossover_bytes) {
  index j = 0;
  while (j < k && matrix_bytes<T>(m - j, ncols - j) > crossover_bytes) j += std::min(nb, k - j);
  return j;
}

template <class T>
bool reflectors_finite(MatrixView<const T> Q, VectorView<const T> tau) {
  const index m = Q.rows();
  for (index j = 0; j < tau.size(); ++j)
    if (j + 1 < m && !all_finite(Q.col(j).segment(j + 1, m - j - 1))) return false;
  return all_finite(tau);
}

// The scratch of panels of nb reflectors applied in slices of at most k columns:
// T (nb x nb) and W (k x nb).
template <class T>
WorkspaceSize panel_scratch(index k, index nb) {
  return WorkspaceSize::matrix<T>(nb, nb) + WorkspaceSize::matrix<T>(k, nb);
}

}  // namespace

template <class T>
WorkspaceSize qr_form_q_workspace_size(index m, index k, QrBlocking blocking) {
  // Blocked when Q(0:m, 0:ncols) exceeds the crossover for some ncols <= m. Minimum:
  // none (unblocked); optimal: panels of min(block_size, k) and the packing buffers of
  // their gemms (slices of at most m x k).
  if (!valid(blocking) || k <= 0 || matrix_bytes<T>(m, m) <= blocking.crossover_bytes) return {};
  const index nb = std::min(blocking.block_size, k);
  return WorkspaceSize::range(WorkspaceSize(),
                              panel_scratch<T>(k, nb) + detail::householder_block_apply_packing_size<T>(m, k, nb));
}

template <class T>
void detail::qr_form_q_kernel(MatrixView<T> Q, VectorView<const T> tau, Workspace work, QrBlocking blocking) {
  const index m = Q.rows();
  const index ncols = Q.cols();
  const index k = tau.size();
  STELA_ASSERT(k <= ncols && ncols <= m && valid(blocking) && work.holds(qr_form_q_workspace_size<T>(m, k, blocking)));
  if (ncols == 0) return;

  // The block size: the largest up to min(block_size, k) whose panel scratch the
  // workspace holds; 0 (no panels, all unblocked) at the minimum workspace.
  const index nb = work.largest_block(std::min(blocking.block_size, k), [k](index b) { return panel_scratch<T>(k, b); });
  const index kk = nb > 0 ? reflectors_in_panels<T>(m, ncols, k, nb, blocking.crossover_bytes) : 0;

  // 1. The reflectors past the panels, H_kk ... H_{k-1}, unblocked:
  //    Q(kk:m, kk:ncols) := their product times [I; 0], and Q(0:kk, kk:ncols) := 0.
  form_unblocked(Q.block(kk, kk, m - kk, ncols - kk), tau.segment(kk, k - kk));
  fill(Q.block(0, kk, kk, ncols - kk), T(0));
  if (kk == 0) return;

  MatrixView<T> Tfull = work.matrix<T>(nb, nb);
  MatrixView<T> Wfull = work.matrix<T>(k, nb);
  // 2. Panels from last to first; panel i covers reflectors i..i+ib-1.
  for (index i = (kk - 1) / nb * nb; i >= 0; i -= nb) {
    const index ib = std::min(nb, kk - i);
    const index rest = ncols - i - ib;  // columns right of the panel
    if (rest > 0) {
      // 2a. T := the triangle with H_i ... H_{i+ib-1} = I - V T V^T, V = Q(i:m, i:i+ib).
      MatrixView<const T> V = Q.block(i, i, m - i, ib);
      MatrixView<T> Tb = Tfull.block(0, 0, ib, ib);
      householder_block_factor_kernel(V, tau.segment(i, ib), Tb);
      // 2b. Q(i:m, i+ib:ncols) := (I - V T V^T) Q(i:m, i+ib:ncols), in slices of <= k columns.
      for (index c = 0; c < rest; c += k) {
        const index width = std::min(k, rest - c);
        householder_block_apply_kernel(Side::left, Op::none, V, MatrixView<const T>(Tb),
                                       Q.block(i, i + ib + c, m - i, width), Wfull.block(0, 0, width, ib), work);
      }
    }
    // 2c. The panel's own columns: Q(i:m, i:i+ib) := H_i ... H_{i+ib-1} [I; 0], Q(0:i, i:i+ib) := 0.
    form_unblocked(Q.block(i, i, m - i, ib), tau.segment(i, ib));
    fill(Q.block(0, i, i, ib), T(0));
  }
}

// The checked entry: shapes, options, workspace, finiteness, then the kernel.
template <class T>
Status qr_form_q_inplace(MatrixView<T> Q, VectorView<const T> tau, Workspace work, QrBlocking blocking) {
  const index m = Q.rows();
  const index k = tau.size();
  if (k > Q.cols() || Q.cols() > m) return Status::dimension_mismatch;
  if (!valid(blocking)) return Status::invalid_argument;
  if (!work.holds(qr_form_q_workspace_size<T>(m, k, blocking))) return Status::workspace_too_small;
  if (!reflectors_finite(MatrixView<const T>(Q), tau)) return Status::not_finite;
  detail::qr_form_q_kernel(Q, tau, work, blocking);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                          \
  template void detail::qr_form_q_kernel<T>(MatrixView<T>, VectorView<const T>, Workspace, QrBlocking); \
  template WorkspaceSize qr_form_q_workspace_size<T>(index, index, QrBlocking);        \
  template Status qr_form_q_inplace<T>(MatrixView<T>, VectorView<const T>, Workspace, QrBlocking);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
