// Multiplying by the implicit Q of a Householder QR, without forming Q.
//
// Counterpart:  LAPACK xORMQR.
// Computes:     C := Q C, Q^T C (side left) or C Q, C Q^T (side right), where
//               Q = H_0 H_1 ... H_{k-1} has order nq = C.rows() (left) or C.cols()
//               (right) and H_i = I - tau_i v_i v_i^T acts on coordinates i..nq-1.
// Storage:      QR (nq x >= k) holds v_i's tail below the diagonal of column i, as
//               householder_qr_inplace leaves it; nothing else of QR is read. C is
//               overwritten.
// Order:        each H_i is symmetric, so only the order of the product differs:
//                 Q C   = H_0 (H_1 (... (H_{k-1} C)))   last reflector first,
//                 Q^T C = H_{k-1} (... (H_0 C))          first reflector first,
//                 C Q   = ((C H_0) H_1) ...              first reflector first,
//                 C Q^T = ((C H_{k-1}) ...) H_0          last reflector first.
//               The blocked form groups nb consecutive reflectors into
//               I - V T V^T = H_i ... H_{i+nb-1} and walks the blocks in the same order.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 5.1.6 (applying
//               a factored Q) and 5.1.7 (the WY representation).
// Flops:        4 nq w k - 2 w k^2 for the w = C.cols() (left) or C.rows() (right)
//               vectors transformed; the blocked form adds about nb k nq for its T
//               factors.
// Blocking:     used when C holds more than crossover_bytes and w > apply_crossover
//               (qr.hpp gives the measurements).
// Workspace:    blocked: T (nb x nb) and W (w x nb), optimal nb = min(block_size, k),
//               with the packing buffers of the blocks' gemms beside them;
//               unblocked: a vector of C.rows() for side right, nothing for side left.
//               Minimum: the unblocked one; nb is the largest the workspace holds.
// Invariant:    after the reflectors (or blocks) applied so far, C equals the product
//               of those reflectors, in the order above, with the original C.
// Stability:    backward stable: the result is op(Q + E) C with ||E|| = O(k eps)
//               (Higham, Accuracy and Stability, 2nd ed., lemma 19.3).
// Statuses:     dimension_mismatch (QR.rows() != nq, k > QR.cols() or k > nq),
//               invalid_argument (blocking), workspace_too_small, not_finite (C, tau or
//               a reflector); C is untouched on each.
#include <algorithm>

#include "../householder/householder_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"

namespace stela {
namespace {

// Whether the blocked form runs: C too big for the cache, and enough vectors in it that
// the T factors pay for themselves.
template <class T>
bool use_blocks(index m, index n, index w, const QrBlocking& blocking) {
  return matrix_bytes<T>(m, n) > blocking.crossover_bytes && w > blocking.apply_crossover;
}

// True when the reflector tails (strictly below the diagonal of columns 0..k-1) and
// tau are finite.
template <class T>
bool reflectors_finite(MatrixView<const T> QR, VectorView<const T> tau) {
  const index m = QR.rows();
  for (index j = 0; j < tau.size(); ++j)
    if (j + 1 < m && !all_finite(QR.col(j).segment(j + 1, m - j - 1))) return false;
  return all_finite(tau);
}

// The scratch of blocks of nb reflectors applied to w vectors: T (nb x nb) and W (w x nb).
template <class T>
WorkspaceSize block_scratch(index w, index nb) {
  return WorkspaceSize::matrix<T>(nb, nb) + WorkspaceSize::matrix<T>(w, nb);
}

}  // namespace

template <class T>
WorkspaceSize qr_apply_q_workspace_size(Side side, index m, index n, index k, QrBlocking blocking) {
  const index w = side == Side::left ? n : m;  // vectors transformed
  if (!valid(blocking) || k <= 0) return {};
  // Minimum: the unblocked algorithm's row vector (side right); optimal: blocks of
  // min(block_size, k) when blocking pays.
  const WorkspaceSize unblocked = side == Side::right ? WorkspaceSize::vector<T>(m) : WorkspaceSize();
  if (!use_blocks<T>(m, n, w, blocking)) return unblocked;
  // The packing buffers of the blocks' gemms come beside T and W (optimal only).
  const index nb = std::min(blocking.block_size, k);
  return WorkspaceSize::range(unblocked,
                              block_scratch<T>(w, nb) + detail::householder_block_apply_packing_size<T>(m, n, nb));
}

template <class T>
void detail::qr_apply_q_kernel(Side side, Op trans, MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> C,
                               Workspace work, QrBlocking blocking) {
  const bool left = side == Side::left;
  const index nq = left ? C.rows() : C.cols();  // order of Q
  const index w = left ? C.cols() : C.rows();   // vectors transformed
  const index k = tau.size();
  STELA_ASSERT(QR.rows() == nq && k <= QR.cols() && k <= nq && valid(blocking) &&
               work.holds(qr_apply_q_workspace_size<T>(side, C.rows(), C.cols(), k, blocking)));
  if (k == 0 || C.empty()) return;

  // Q^T C and C Q take the reflectors first to last; Q C and C Q^T last to first.
  const bool forward = left == (trans == Op::transpose);

  // The block size: the largest up to min(block_size, k) whose scratch the workspace
  // holds; 0 (unblocked) at the minimum workspace.
  const index nb = use_blocks<T>(C.rows(), C.cols(), w, blocking)
                       ? work.largest_block(std::min(blocking.block_size, k),
                                            [w](index b) { return block_scratch<T>(w, b); })
                       : 0;
  if (nb > 0) {
    MatrixView<T> Tfull = work.matrix<T>(nb, nb);
    MatrixView<T> Wfull = work.matrix<T>(w, nb);
    const index blocks = (k + nb - 1) / nb;
    for (index s = 0; s < blocks; ++s) {
      const index i = (forward ? s : blocks - 1 - s) * nb;  // first reflector of the block
      const index ib = std::min(nb, k - i);
      // 1. T := the triangle with H_i ... H_{i+ib-1} = I - V T V^T, V = QR(i:nq, i:i+ib).
      MatrixView<const T> V = QR.block(i, i, nq - i, ib);
      MatrixView<T> Tb = Tfull.block(0, 0, ib, ib);
      householder_block_factor_kernel(V, tau.segment(i, ib), Tb);
      // 2. C(i:nq, :) := op(I - V T V^T) C(i:nq, :)   (left), or
      //    C(:, i:nq) := C(:, i:nq) op(I - V T V^T)   (right).
      MatrixView<T> Ci = left ? C.row_block(i, nq - i) : C.col_block(i, nq - i);
      householder_block_apply_kernel(side, trans, V, MatrixView<const T>(Tb), Ci, Wfull.block(0, 0, w, ib), work);
    }
    return;
  }

  VectorView<T> row_work = left ? VectorView<T>() : work.vector<T>(C.rows());
  for (index s = 0; s < k; ++s) {
    const index i = forward ? s : k - 1 - s;
    VectorView<const T> v_tail = QR.col(i).segment(i + 1, nq - i - 1);
    if (left)
      // C(i:nq, :) := H_i C(i:nq, :)
      householder_apply_left_kernel(v_tail, tau[i], C.row_block(i, nq - i));
    else
      // C(:, i:nq) := C(:, i:nq) H_i
      householder_apply_right_kernel(v_tail, tau[i], C.col_block(i, nq - i), row_work);
  }
}

// The checked entry: shapes, options, workspace, finiteness, then the kernel.
template <class T>
Status qr_apply_q_inplace(Side side, Op trans, MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> C,
                          Workspace work, QrBlocking blocking) {
  const index nq = side == Side::left ? C.rows() : C.cols();  // order of Q
  const index k = tau.size();
  if (QR.rows() != nq || k > QR.cols() || k > nq) return Status::dimension_mismatch;
  if (!valid(blocking)) return Status::invalid_argument;
  if (!work.holds(qr_apply_q_workspace_size<T>(side, C.rows(), C.cols(), k, blocking)))
    return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(C)) || !reflectors_finite(QR, tau)) return Status::not_finite;
  detail::qr_apply_q_kernel(side, trans, QR, tau, C, work, blocking);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                               \
  template void detail::qr_apply_q_kernel<T>(Side, Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
                                             Workspace, QrBlocking);                                       \
  template WorkspaceSize qr_apply_q_workspace_size<T>(Side, index, index, index, QrBlocking);              \
  template Status qr_apply_q_inplace<T>(Side, Op, MatrixView<const T>, VectorView<const T>, MatrixView<T>, \
                                        Workspace, QrBlocking);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
