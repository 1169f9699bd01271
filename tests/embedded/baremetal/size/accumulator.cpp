// Code size of the streaming least-squares accumulator (QrAccumulator): create, add a
// block of rows, solve; float, static buffers. The data are globals with external
// linkage so that the compiler cannot fold the calls away.
#include "stela/streaming.hpp"

constexpr stela::index kUnknowns = 4, kRhs = 1, kBlockRows = 8, kOrder = kUnknowns + kRhs;
float g_storage[kOrder * kOrder];
float g_x[kBlockRows * kUnknowns];
float g_y[kBlockRows];
float g_w[kUnknowns];
alignas(stela::WorkspaceSize::alignment) unsigned char g_work[4096];

int main() {
  using namespace stela;
  auto made = QrAccumulator<float>::create(MatrixView<float>(g_storage, kOrder, kOrder, kOrder), kUnknowns, kRhs);
  if (!made) return 1;
  QrAccumulator<float>& acc = *made;
  const Workspace work(g_work, sizeof g_work);
  if (acc.add_rows(MatrixView<const float>(g_x, kBlockRows, kUnknowns, kBlockRows),
                   MatrixView<const float>(g_y, kBlockRows, kRhs, kBlockRows), work) != Status::ok)
    return 1;
  AccumulatorInfo<float> info;
  return acc.solve(MatrixView<float>(g_w, kUnknowns, kRhs, kUnknowns), VectorView<float>(), info, work) == Status::ok ? 0
                                                                                                                        : 1;
}
