// Merging two QR accumulators: the reduction step of TSQR.
//
// Counterpart:  LAPACK xTPQRT2 with a triangular lower block (L = N); the reduction
//               step of TSQR.
// Computes:     R := R_new with R_new^T R_new = R^T R + R_2^T R_2: since R^T R is the
//               Gram matrix of the rows behind R (and R_2^T R_2 of those behind R_2),
//               R_new is the R of all of those rows together, and rows() adds up.
//               Rows are split anyhow among accumulators (threads, processes, files),
//               each accumulates its own, and their R's merge pairwise, in any order
//               or tree, into the R of the whole matrix.
// Storage:      R (this accumulator) updated in place; R_2 only read (its upper
//               triangle), copied into the workspace where it is reduced. R_2 may be
//               this accumulator's own R (every row then counts twice).
// Method:       the QR of the stacked 2p x p matrix [R; R_2] by stacked_qr, whose
//               reflector j touches row j of R and rows 0..j of R_2 only: the zeros of
//               both triangles are never factored.
// Reference:    J. Demmel, L. Grigori, M. Hoemmen and J. Langou, "Communication-optimal
//               parallel and sequential QR and LU factorizations", SIAM J. Sci. Comput.
//               34(1), 2012 (TSQR); Golub & Van Loan, Matrix Computations, 4th ed., 5.2
//               and 6.5.
// Flops:        2 p^3 / 3, p = d + k (stacked_qr on a triangle), against 2 p^2 (2p - p/3)
//               for a dense QR of the 2p x p stack.
// Workspace:    a p x p copy of R_2 and a vector of p.
// Invariant:    the stacked_qr invariant: before column j, rows 0..j-1 of R are final.
// Stability:    backward stable, as Householder QR (stacked_qr's card): each merge adds
//               O(eps) times the norm of the two stacked factors to the backward error,
//               so a reduction tree of depth L adds O(L eps) times the norm of the data
//               to what the accumulators at its leaves committed (Demmel et al. 2012).
// Statuses:     dimension_mismatch (different d or k, or R_2 not (d + k) square),
//               invalid_argument (rows_other or the other's downdate error negative or
//               not finite), workspace_too_small, not_finite
//               (NaN or Inf in R_2's upper triangle); the accumulator is untouched on each.
#include "stacked_qr.hpp"
#include "stela/scalar.hpp"
#include "stela/blas.hpp"
#include "stela/streaming.hpp"

namespace stela {

template <class T>
WorkspaceSize QrAccumulator<T>::merge_workspace_size(index d, index k) {
  return WorkspaceSize::matrix<T>(d + k, d + k) + WorkspaceSize::vector<T>(d + k);
}

template <class T>
Status QrAccumulator<T>::merge(const QrAccumulator& other, Workspace work) {
  if (other.d_ != d_ || other.k_ != k_) return Status::dimension_mismatch;
  return merge(other.R(), other.rows(), work, other.downdate_error());
}

template <class T>
Status QrAccumulator<T>::merge(MatrixView<const T> R_other, index rows_other, Workspace work,
                               T downdate_error_other) {
  const index p = order();
  if (R_other.rows() != p || R_other.cols() != p) return Status::dimension_mismatch;
  if (rows_other < 0 || !(downdate_error_other >= T(0) && is_finite(downdate_error_other)))
    return Status::invalid_argument;
  if (!work.holds(merge_workspace_size(d_, k_))) return Status::workspace_too_small;
  for (index j = 0; j < p; ++j)
    if (!all_finite(R_other.col(j).segment(0, j + 1))) return Status::not_finite;
  if (p == 0) {
    n_ += rows_other;
    return Status::ok;
  }
  // The error of [R; R_2] is at most the sum of theirs; the rotations keep it.
  const T error = error_ + downdate_error_other;

  // 1. B := the upper triangle of R_2 (the strict lower triangle of B is never read).
  MatrixView<T> B = work.matrix<T>(p, p);
  VectorView<T> w = work.vector<T>(p);
  for (index j = 0; j < p; ++j) copy(R_other.col(j).segment(0, j + 1), B.col(j).segment(0, j + 1));
  // 2. R := the R of [R; B]
  const Status status = detail::stacked_qr(R_, B, detail::StackedShape::upper_triangular, w);
  if (status != Status::ok) return status;
  n_ += rows_other;
  error_ = error;
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                 \
  template WorkspaceSize QrAccumulator<T>::merge_workspace_size(index, index);              \
  template Status QrAccumulator<T>::merge(const QrAccumulator<T>&, Workspace);               \
  template Status QrAccumulator<T>::merge(MatrixView<const T>, index, Workspace, T);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
