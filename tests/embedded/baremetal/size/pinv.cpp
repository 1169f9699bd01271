// Code size of the pseudoinverse, float, static buffers. There is no low-level pinv yet,
// so this is the pinv an embedded user writes from the low level: A = U diag(s) V^T by
// svd_inplace (thin vectors), then A+ = V_r diag(1 / s_i) U_r^T over the singular values
// above the default rank threshold (scal and gemm).
#include "stela/blas.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"

constexpr stela::index kRows = 8, kCols = 4;
float g_a[kRows * kCols];
float g_pinv[kCols * kRows];
float g_s[kCols];
float g_u[kRows * kCols];
float g_v[kCols * kCols];
alignas(stela::WorkspaceSize::alignment) unsigned char g_work[4096];

int main() {
  using namespace stela;
  const SvdOptions opts;
  SvdInfo<float> info;
  const MatrixView<float> U(g_u, kRows, kCols, kRows), V(g_v, kCols, kCols, kCols);
  if (svd_inplace(MatrixView<float>(g_a, kRows, kCols, kRows), VectorView<float>(g_s, kCols), U, V, opts, info,
                  Workspace(g_work, sizeof g_work)) != Status::ok)
    return 1;
  // V_r := V_r diag(1 / s_i), r the numerical rank
  const float threshold = rank_threshold(RankTolerance<float>{}, g_s[0], kRows, kCols);
  index r = 0;
  while (r < kCols && g_s[r] > threshold) {
    scal(1.0f / g_s[r], V.col(r));
    ++r;
  }
  // A+ := V_r U_r^T
  return gemm(Op::none, Op::transpose, 1.0f, MatrixView<const float>(V.block(0, 0, kCols, r)),
              MatrixView<const float>(U.block(0, 0, kRows, r)), 0.0f, MatrixView<float>(g_pinv, kCols, kRows, kCols)) ==
                 Status::ok
             ? 0
             : 1;
}
