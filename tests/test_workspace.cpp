// workspace.hpp: WorkspaceSize arithmetic and the bump allocator over a caller buffer.
#include <cstdint>
#include <vector>

#include "stela/workspace.hpp"
#include "test_support.hpp"

namespace stela::test {
namespace {

TEST(Workspace, SizesComposeAsSumAndMax) {
  const WorkspaceSize a = WorkspaceSize::matrix<double>(10, 3);  // 240 bytes -> 256
  const WorkspaceSize b = WorkspaceSize::vector<float>(5);        // 20 bytes -> 64
  EXPECT_EQ(a.payload(), 256u);
  EXPECT_EQ(b.payload(), 64u);
  EXPECT_EQ((a + b).payload(), 320u);
  EXPECT_EQ(max(a, b).payload(), 256u);
  EXPECT_EQ(WorkspaceSize::matrix<double>(0, 7).bytes(), 0u);
  EXPECT_EQ(a.bytes(), 256u + WorkspaceSize::alignment);
}

TEST(Workspace, CarvesAlignedPiecesAndNeverOverruns) {
  alignas(64) unsigned char buffer[64 * 5 + 1];
  // Misalign the start on purpose: bytes() includes room for aligning it.
  Workspace work(buffer + 1, sizeof(buffer) - 2);  // 319 bytes, 63 skipped
  EXPECT_EQ(work.remaining(), 64u * 4);
  MatrixView<double> M = work.matrix<double>(4, 3);  // 96 bytes -> 128
  ASSERT_NE(M.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(M.data()) % 64, 0u);
  EXPECT_TRUE(work.holds(WorkspaceSize::vector<double>(16)));
  EXPECT_FALSE(work.holds(WorkspaceSize::vector<double>(17)));
  // A piece that does not fit comes back empty and nothing is carved.
  EXPECT_EQ(work.take<double>(17), nullptr);
  EXPECT_EQ(work.remaining(), 128u);
  VectorView<double> v = work.vector<double>(16);
  EXPECT_EQ(v.size(), 16);
  EXPECT_EQ(work.remaining(), 0u);
}

TEST(Workspace, PassedByValueFreesTheCalleesPieces) {
  std::vector<unsigned char> buffer(1024);
  Workspace work(buffer.data(), buffer.size());
  const std::size_t before = work.remaining();
  auto callee = [](Workspace w) { return w.take<double>(8) != nullptr; };
  EXPECT_TRUE(callee(work));
  EXPECT_EQ(work.remaining(), before);
}

}  // namespace
}  // namespace stela::test
