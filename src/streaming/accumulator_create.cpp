// The QR accumulator's life cycle: attaching it to caller storage, emptying it, and the
// workspace that covers every operation.
//
// Storage:      the leading (d + k) x (d + k) block of the caller's view holds R, upper
//               triangular, with its strict lower triangle zero at all times (create
//               and reset write the zeros; no operation writes below the diagonal).
// Workspace:    workspace_size is the largest of the operations' sizes, the one figure
//               an embedded caller needs to size one static buffer for all of them.
// Statuses:     create: invalid_argument (d or k negative), workspace_too_small (storage
//               smaller than (d + k) x (d + k)).
#include <algorithm>

#include "stela/streaming.hpp"

namespace stela {

template <class T>
Result<QrAccumulator<T>> QrAccumulator<T>::create(MatrixView<T> storage, index d, index k) {
  if (d < 0 || k < 0) return Status::invalid_argument;
  const index p = d + k;
  if (storage.rows() < p || storage.cols() < p) return Status::workspace_too_small;
  QrAccumulator acc;
  acc.R_ = storage.block(0, 0, p, p);
  acc.d_ = d;
  acc.k_ = k;
  acc.reset();
  return Result<QrAccumulator<T>>(acc);
}

template <class T>
WorkspaceSize QrAccumulator<T>::storage_size(index d, index k) {
  return WorkspaceSize::matrix<T>(d + k, d + k);
}

template <class T>
void QrAccumulator<T>::reset() {
  fill(R_, T(0));
  n_ = 0;
  error_ = T(0);
}

template <class T>
WorkspaceSize QrAccumulator<T>::workspace_size(index d, index k, index block_rows) {
  WorkspaceSize size = max(add_row_workspace_size(d, k), add_rows_workspace_size(d, k, std::max<index>(block_rows, 1)));
  size = max(size, remove_row_workspace_size(d, k));
  size = max(size, merge_workspace_size(d, k));
  size = max(size, solve_workspace_size(d, k));
  size = max(size, solve_minimum_norm_workspace_size(d, k));
  size = max(size, spectrum_workspace_size(d));
  return max(size, condition_estimate_workspace_size(d));
}

#define STELA_INSTANTIATE(T)                                                                          \
  template Result<QrAccumulator<T>> QrAccumulator<T>::create(MatrixView<T>, index, index);            \
  template WorkspaceSize QrAccumulator<T>::storage_size(index, index);                                  \
  template void QrAccumulator<T>::reset();                                                              \
  template WorkspaceSize QrAccumulator<T>::workspace_size(index, index, index);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
