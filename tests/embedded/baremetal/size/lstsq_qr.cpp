// Code size of least squares by Householder QR: one call of lstsq_qr_inplace, float,
// static buffers (tests/embedded/baremetal/CMakeLists.txt prints the sizes). The data
// are globals with external linkage so that the compiler cannot fold the call away.
#include "stela/lstsq.hpp"

constexpr stela::index kRows = 8, kCols = 4;
float g_x[kRows * kCols];
float g_y[kRows];
float g_w[kCols];
float g_residual[1];
alignas(stela::WorkspaceSize::alignment) unsigned char g_work[4096];

int main() {
  using namespace stela;
  const LstsqOptions<float> opts;
  LstsqInfo<float> info;
  const Status status =
      lstsq_qr_inplace(MatrixView<const float>(g_x, kRows, kCols, kRows), MatrixView<const float>(g_y, kRows, 1, kRows),
                       opts, MatrixView<float>(g_w, kCols, 1, kCols), VectorView<float>(g_residual, 1), info,
                       Workspace(g_work, sizeof g_work));
  return status == Status::ok ? 0 : 1;
}
