// A program that uses one least-squares method, as an embedded user writes it: static
// buffers, lstsq_qr_inplace and nothing else of stela. The test beside it
// (check_qr_only_links.cmake) reads the linked program's symbols: linked without
// --gc-sections it must hold no operator new, no std::__throw_* and none of the other
// methods (SVD, Jacobi, Cholesky, LU), which is what "pay only for what you call" means
// (issue 13). The exit status also says whether the answer is right.
#include <cmath>

#include "stela/lstsq.hpp"

namespace {

// y = X w for w = (1, -2, 3): a consistent tall problem, so the residual is rounding.
constexpr stela::index kRows = 6, kCols = 3;
float x_data[kRows * kCols] = {1, 2, 3, 4, 5, 7,   // column 0
                               1, 0, 1, 0, 1, 1,   // column 1
                               2, 1, 0, 3, 1, 5};  // column 2
float y_data[kRows];
float w_data[kCols];
float residual_data[1];
alignas(64) unsigned char work_data[8192];

}  // namespace

int main() {
  using namespace stela;
  const float w_true[kCols] = {1, -2, 3};
  for (index i = 0; i < kRows; ++i) {
    y_data[i] = 0;
    for (index j = 0; j < kCols; ++j) y_data[i] += x_data[i + j * kRows] * w_true[j];
  }
  const MatrixView<const float> X(x_data, kRows, kCols, kRows);
  const MatrixView<const float> Y(y_data, kRows, 1, kRows);
  LstsqInfo<float> info;
  const LstsqOptions<float> opts;
  if (!Workspace(work_data, sizeof work_data).holds(lstsq_qr_workspace_size<float>(kRows, kCols, 1, opts))) return 2;
  const Status status =
      lstsq_qr_inplace(X, Y, opts, MatrixView<float>(w_data, kCols, 1, kCols), VectorView<float>(residual_data, 1),
                       info, Workspace(work_data, sizeof work_data));
  if (status != Status::ok || info.rank != kCols) return 1;
  for (index j = 0; j < kCols; ++j)
    if (!(std::abs(w_data[j] - w_true[j]) <= 1e-4f)) return 1;
  return 0;
}
