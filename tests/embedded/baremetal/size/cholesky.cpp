// Code size of Cholesky: cholesky_inplace (blocked, no jitter) and cholesky_solve_inplace,
// float, static buffers. The data are globals with external linkage so that the
// compiler cannot fold the calls away.
#include "stela/cholesky.hpp"

constexpr stela::index kOrder = 6;
float g_a[kOrder * kOrder];
float g_b[kOrder];
alignas(stela::WorkspaceSize::alignment) unsigned char g_work[4096];

int main() {
  using namespace stela;
  CholeskyInfo<float> info;
  const MatrixView<float> A(g_a, kOrder, kOrder, kOrder);
  if (cholesky_inplace(A, info, Workspace(g_work, sizeof g_work)) != Status::ok) return 1;
  return cholesky_solve_inplace(MatrixView<const float>(A), MatrixView<float>(g_b, kOrder, 1, kOrder)) == Status::ok ? 0
                                                                                                                       : 1;
}
