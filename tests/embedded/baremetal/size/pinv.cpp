// Code size of the pseudoinverse, float, static buffers: pinv_inplace (Golub–Kahan SVD,
// the default rank rule) and nothing else.
#include "stela/lstsq.hpp"

constexpr stela::index kRows = 8, kCols = 4;
float g_a[kRows * kCols];
float g_pinv[kCols * kRows];
alignas(stela::WorkspaceSize::alignment) unsigned char g_work[4096];

int main() {
  using namespace stela;
  index rank = 0;
  return pinv_inplace(MatrixView<const float>(g_a, kRows, kCols, kRows), RankTolerance<float>{}, SvdOptions{},
                      MatrixView<float>(g_pinv, kCols, kRows, kCols), rank, Workspace(g_work, sizeof g_work)) ==
                 Status::ok
             ? 0
             : 1;
}
