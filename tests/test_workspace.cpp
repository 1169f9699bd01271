// workspace.hpp: WorkspaceSize arithmetic (minimum and optimal) and the bump allocator
// over a caller buffer; every size query's minimum against its optimal; the blocked
// routines run with exactly their minimum, with less than the optimal and with the
// optimal, and refuse one byte less than the minimum.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "factorization_support.hpp"
#include "qr_checks.hpp"
#include "stela/cholesky.hpp"
#include "stela/lstsq.hpp"
#include "stela/lu.hpp"
#include "stela/normal_equations.hpp"
#include "stela/qr.hpp"
#include "stela/streaming.hpp"
#include "stela/svd.hpp"
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

// ---------------------------------------------------------------------------------------
// Minimum and optimal sizes

TEST(Workspace, MinimumAndOptimalComposeEachOnItsOwn) {
  const WorkspaceSize fixed = WorkspaceSize::vector<double>(8);  // 64 bytes, minimum = optimal
  EXPECT_EQ(fixed.minimum_payload(), fixed.payload());
  // A blocked routine: runs with 64 bytes, at full speed with 320.
  const WorkspaceSize blocked = WorkspaceSize::range(fixed, WorkspaceSize::matrix<double>(8, 5));
  EXPECT_EQ(blocked.minimum_payload(), 64u);
  EXPECT_EQ(blocked.payload(), 320u);
  EXPECT_EQ(blocked.minimum_bytes(), 64u + WorkspaceSize::alignment);
  EXPECT_EQ(blocked.bytes(), 320u + WorkspaceSize::alignment);
  EXPECT_EQ(blocked.minimum(), fixed);
  EXPECT_EQ(WorkspaceSize::range(WorkspaceSize(), WorkspaceSize()).minimum_bytes(), 0u);
  // An optimal below the minimum is raised to it.
  EXPECT_EQ(WorkspaceSize::range(WorkspaceSize::matrix<double>(8, 5), fixed).payload(), 320u);
  // a + b and max(a, b) act on the minimums and on the optimals separately.
  const WorkspaceSize big = WorkspaceSize::vector<double>(24);  // 192 bytes
  EXPECT_EQ((blocked + big).minimum_payload(), 256u);
  EXPECT_EQ((blocked + big).payload(), 512u);
  EXPECT_EQ(max(blocked, big).minimum_payload(), 192u);
  EXPECT_EQ(max(blocked, big).payload(), 320u);
  WorkspaceSize sum = big;
  sum += blocked;
  EXPECT_EQ(sum, blocked + big);
  EXPECT_FALSE(blocked == fixed);
}

TEST(Workspace, HoldsMeansTheMinimumAndBlocksShrinkToFit) {
  alignas(64) unsigned char buffer[64 * 6];
  const WorkspaceSize blocked = WorkspaceSize::range(WorkspaceSize::vector<double>(8), WorkspaceSize::matrix<double>(8, 8));
  EXPECT_TRUE(Workspace(buffer, 64).holds(blocked));   // exactly the minimum
  EXPECT_FALSE(Workspace(buffer, 63).holds(blocked));  // one byte less
  // Blocks of b need b * 64 bytes: the largest that fits, 0 when none does.
  auto scratch_of = [](index b) { return WorkspaceSize::matrix<double>(8, b); };
  EXPECT_EQ(Workspace(buffer, sizeof buffer).largest_block(8, scratch_of), 6);
  EXPECT_EQ(Workspace(buffer, sizeof buffer).largest_block(4, scratch_of), 4);
  EXPECT_EQ(Workspace(buffer, 64 * 3 - 1).largest_block(8, scratch_of), 2);
  EXPECT_EQ(Workspace(buffer, 63).largest_block(8, scratch_of), 0);
  EXPECT_EQ(Workspace().largest_block(8, scratch_of), 0);
  EXPECT_EQ(Workspace(buffer, sizeof buffer).largest_block(0, scratch_of), 0);
}

// Every query's minimum is at most its optimal, at small shapes (where nothing blocks)
// and at large ones (where QR blocks by default: the queries cost nothing, nothing is
// allocated); the blocked routines and every pipeline through them report a minimum
// strictly below the optimal there.
template <class T>
class WorkspaceQueries : public ::testing::Test {};
TYPED_TEST_SUITE(WorkspaceQueries, Scalars, ScalarName);

TYPED_TEST(WorkspaceQueries, MinimumIsAtMostOptimal) {
  using T = TypeParam;
  const QrBlocking tiny{4, 0, 0};
  for (const auto& [m, n] : std::vector<std::pair<index, index>>{
           {0, 0}, {1, 1}, {7, 3}, {3, 7}, {65, 65}, {130, 40}, {40, 130}, {3000, 2000}, {2000, 3000}}) {
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n));
    const index k = std::min(m, n), r = std::max<index>(k, 0);
    std::vector<std::pair<const char*, WorkspaceSize>> queries = {
        {"householder_qr", householder_qr_workspace_size<T>(m, n)},
        {"householder_qr tiny", householder_qr_workspace_size<T>(m, n, tiny)},
        {"qr_apply_q left", qr_apply_q_workspace_size<T>(Side::left, m, n, k)},
        {"qr_apply_q right", qr_apply_q_workspace_size<T>(Side::right, m, n, k)},
        {"qr_apply_q right tiny", qr_apply_q_workspace_size<T>(Side::right, m, n, k, tiny)},
        {"qr_form_q", qr_form_q_workspace_size<T>(m, k)},
        {"qr_form_q tiny", qr_form_q_workspace_size<T>(m, k, tiny)},
        {"qr_solve", qr_solve_workspace_size<T>(m, n, 3)},
        {"qr_pivoted", qr_pivoted_workspace_size<T>(m, n)},
        {"rz", rz_workspace_size<T>(r, n)},
        {"cod", cod_workspace_size<T>(m, n)},
        {"cod_solve", cod_solve_workspace_size<T>(m, n, 3)},
        {"cholesky", cholesky_workspace_size<T>(n)},
        {"cholesky adaptive", cholesky_workspace_size<T>(n, {Jitter<T>::adaptive()})},
        {"cholesky_condition", cholesky_condition_estimate_workspace_size<T>(n)},
        {"pivoted_cholesky", pivoted_cholesky_workspace_size<T>(n)},
        {"lu", lu_workspace_size<T>(n)},
        {"lu_condition", lu_condition_estimate_workspace_size<T>(n)},
        {"normal_equations_cholesky", normal_equations_cholesky_workspace_size<T>(m, n, 2)},
        {"normal_equations_lu", normal_equations_lu_workspace_size<T>(m, n, 2)},
        {"QrAccumulator add_rows", QrAccumulator<T>::add_rows_workspace_size(n, 2, 64)},
        {"QrAccumulator", QrAccumulator<T>::workspace_size(n, 2, 64)},
    };
    for (SvdVectors vectors : {SvdVectors::none, SvdVectors::thin, SvdVectors::full})
      for (SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi}) {
        SvdOptions opts;
        opts.method = method;
        opts.vectors = vectors;
        queries.push_back({"svd", svd_workspace_size<T>(m, n, opts)});
      }
    if (m >= n) {
      queries.push_back({"bidiagonalize", bidiagonalize_workspace_size<T>(m, n)});
      queries.push_back({"bidiagonal_form_q", bidiagonal_form_q_workspace_size<T>(m, n, m)});
      queries.push_back({"bidiagonal_apply_q", bidiagonal_apply_q_workspace_size<T>(m, n, 40)});
    }
    for (LstsqMethod method : kAllLstsqMethods) {
      LstsqOptions<T> opts;
      opts.method = method;
      queries.push_back({to_string(method), lstsq_workspace_size<T>(m, n, 2, opts)});
    }
    for (const auto& [name, size] : queries) EXPECT_LE(size.minimum_payload(), size.payload()) << name;

    // Blocked by default once the matrix updated passes the crossover: minimum below
    // optimal, in the routine and in the pipelines through it.
    const index crossover = QrBlocking::kBlockedCrossover;
    if (matrix_bytes<T>(m, n) > crossover) {
      EXPECT_EQ(householder_qr_workspace_size<T>(m, n).minimum_payload(), 0u);
      EXPECT_GT(householder_qr_workspace_size<T>(m, n).payload(), 0u);
    }
    if (matrix_bytes<T>(m, m) > crossover) {
      EXPECT_LT(qr_form_q_workspace_size<T>(m, k).minimum_payload(), qr_form_q_workspace_size<T>(m, k).payload());
    }
    const index nrhs = std::max(m, n);  // B (m x nrhs) past the crossover: Q^T B in blocks
    if (matrix_bytes<T>(m, nrhs) > crossover) {
      const WorkspaceSize solve = qr_solve_workspace_size<T>(m, n, nrhs);
      EXPECT_LT(solve.minimum_payload(), solve.payload());
      LstsqOptions<T> qr_method;
      qr_method.method = LstsqMethod::qr;
      const WorkspaceSize lstsq = lstsq_workspace_size<T>(m, n, nrhs, qr_method);
      EXPECT_LT(lstsq.minimum_payload(), lstsq.payload());
    }
  }
  // The pivoted QR: minimum the two norm vectors (the level-2 form); with more than 64
  // columns (src/qr/qr_pivoted.cpp) above the blocked crossover the optimal adds its
  // panels' scratch.
  for (index n : {0, 1, 7, 64, 65, 130, 3000}) {
    const WorkspaceSize qp3 = qr_pivoted_workspace_size<T>(2 * n, n);
    EXPECT_EQ(qp3.minimum_payload(), (WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n)).payload());
    if (n > 64 && matrix_bytes<T>(2 * n, n) > QrBlocking::kBlockedCrossover) {
      EXPECT_LT(qp3.minimum_payload(), qp3.payload());
    } else {
      EXPECT_EQ(qp3.minimum_payload(), qp3.payload());
    }
  }
  // LU and Cholesky: minimum none (the unpacked gemm), optimal the packing buffers; the
  // adaptive jitter's restart copy is in both.
  for (index n : {0, 1, 7, 64, 130, 3000}) {
    EXPECT_EQ(lu_workspace_size<T>(n).minimum_payload(), 0u);
    EXPECT_EQ(cholesky_workspace_size<T>(n).minimum_payload(), 0u);
    EXPECT_EQ(cholesky_workspace_size<T>(n, {Jitter<T>::adaptive()}).minimum(), WorkspaceSize::matrix<T>(n, n));
    EXPECT_EQ(lu_workspace_size<T>(n).payload() > 0, n > 0);
    EXPECT_EQ(cholesky_workspace_size<T>(n).payload() > 0, n > 0);
  }
}

// ---------------------------------------------------------------------------------------
// The blocked routines from their minimum workspace to their optimal one

// A NaN-filled buffer whose Workspace holds exactly `bytes` from an aligned start.
class ExactWorkspace {
 public:
  explicit ExactWorkspace(std::size_t bytes) : storage_(bytes + WorkspaceSize::alignment, 0xFF), bytes_(bytes) {}
  Workspace workspace() {
    const auto address = reinterpret_cast<std::uintptr_t>(storage_.data());
    const std::size_t skip = (WorkspaceSize::alignment - address % WorkspaceSize::alignment) % WorkspaceSize::alignment;
    return Workspace(storage_.data() + skip, bytes_);
  }

 private:
  std::vector<unsigned char> storage_;
  std::size_t bytes_;
};

// The workspaces a blocked routine is run with: exactly its minimum, halfway to the
// optimal (blocks of about half the size), one byte short of the optimal (one column
// less per block) and exactly the optimal.
enum class Level { minimum, between, almost_optimal, optimal };
constexpr Level kLevels[] = {Level::minimum, Level::between, Level::almost_optimal, Level::optimal};

const char* level_name(Level level) {
  switch (level) {
    case Level::minimum: return "minimum";
    case Level::between: return "between";
    case Level::almost_optimal: return "optimal - 1";
    case Level::optimal: return "optimal";
  }
  return "?";
}

ExactWorkspace at_level(WorkspaceSize size, Level level) {
  const std::size_t lo = size.minimum_payload(), hi = size.payload();
  switch (level) {
    case Level::minimum: return ExactWorkspace(lo);
    case Level::between: return ExactWorkspace(lo + (hi - lo) / 2);
    case Level::almost_optimal: return ExactWorkspace(hi > lo ? hi - 1 : hi);
    case Level::optimal: break;
  }
  return ExactWorkspace(hi);
}

template <class T>
class BlockedWorkspace : public RatioSuite<BlockedWorkspace<T>, T> {};
TYPED_TEST_SUITE(BlockedWorkspace, Scalars, ScalarName);

// QR's block size is QrBlocking::kBlockSize (32) with no crossover, so every size blocks
// when the workspace allows: squares on both sides of one and two blocks, a tall and a
// wide shape.
std::vector<std::pair<index, index>> qr_shapes() {
  // 8 and 9 straddle the panel's recursion base (kPanelBase = 8), 17 a panel of halves.
  return {{1, 1},   {7, 7},   {8, 8},     {9, 9},     {17, 17},   {31, 31},   {32, 32},
          {33, 33}, {63, 63}, {64, 64},   {65, 65},   {130, 130}, {150, 41},  {41, 150}, {300, 70}};
}
constexpr QrBlocking kAlwaysBlocked{QrBlocking::kBlockSize, 0, 0};

// Householder QR, forming Q and applying it from both sides, each at every level:
// ||A - QR|| / (max(m, n) ||A|| eps), ||I - Q^T Q|| / (m eps) and the applied products
// against long-double products of the formed Q, all below 30. The minimum of all three
// is no workspace at all for the factorization and forming Q, a vector of m for
// applying Q from the right; one byte less is refused and leaves C as it was.
TYPED_TEST(BlockedWorkspace, HouseholderQrRunsFromMinimumToOptimal) {
  using T = TypeParam;
  for (const auto& [m, n] : qr_shapes()) {
    const index k = std::min(m, n);
    const std::uint64_t seed = 5100 + static_cast<std::uint64_t>(m * 1000 + n);
    const Matrix<T> A = random_matrix<T>(m, n, seed);
    const Matrix<T> C = random_matrix<T>(m, 37, seed + 1);  // for Q^T C
    const Matrix<T> D = random_matrix<T>(29, m, seed + 2);  // for D Q
    const WorkspaceSize need_f = householder_qr_workspace_size<T>(m, n, kAlwaysBlocked);
    const WorkspaceSize need_q = qr_form_q_workspace_size<T>(m, k, kAlwaysBlocked);
    const WorkspaceSize need_l = qr_apply_q_workspace_size<T>(Side::left, m, C.cols(), k, kAlwaysBlocked);
    const WorkspaceSize need_r = qr_apply_q_workspace_size<T>(Side::right, D.rows(), m, k, kAlwaysBlocked);
    EXPECT_EQ(need_f.minimum_payload(), 0u);
    EXPECT_EQ(need_q.minimum_payload(), 0u);
    EXPECT_EQ(need_l.minimum_payload(), 0u);
    EXPECT_EQ(need_r.minimum(), WorkspaceSize::vector<T>(D.rows()));
    for (const WorkspaceSize& need : {need_f, need_q, need_l, need_r}) EXPECT_LT(need.minimum_payload(), need.payload());

    for (Level level : kLevels) {
      SCOPED_TRACE(case_name<T>(std::string("random, workspace ") + level_name(level), m, n, seed));
      // 1. A = Q R.
      Matrix<T> F = A;
      Vector<T> tau(k, nan<T>());
      ASSERT_EQ(householder_qr_inplace(F.view(), tau.view(), at_level(need_f, level).workspace(), kAlwaysBlocked),
                Status::ok);
      // 2. The thin and the full Q.
      Matrix<T> Q(m, k), Qf(m, m, nan<T>());
      copy(MatrixView<const T>(F.col_block(0, k)), Q.view());
      copy(MatrixView<const T>(F.col_block(0, k)), Qf.col_block(0, k));
      ASSERT_EQ(qr_form_q_inplace(Q.view(), VectorView<const T>(tau), at_level(need_q, level).workspace(), kAlwaysBlocked),
                Status::ok);
      ASSERT_EQ(qr_form_q_inplace(Qf.view(), VectorView<const T>(tau), at_level(need_q, level).workspace(), kAlwaysBlocked),
                Status::ok);
      EXPECT_RATIO("||A - QR||", factorization_ratio<T>(A, Q, upper_part<T>(F, k)));
      EXPECT_RATIO("||I - Q^T Q|| thin", orthogonality_ratio<T>(Q));
      EXPECT_RATIO("||I - Q^T Q|| full", orthogonality_ratio<T>(Qf));
      // 3. Q^T C and D Q against long-double products of the formed Q.
      Matrix<T> QtC = C;
      ASSERT_EQ(qr_apply_q_inplace(Side::left, Op::transpose, MatrixView<const T>(F), VectorView<const T>(tau),
                                   QtC.view(), at_level(need_l, level).workspace(), kAlwaysBlocked),
                Status::ok);
      EXPECT_RATIO("Q^T C", agreement_ratio<T>(QtC, product(LongMatrix(Qf), LongMatrix(C), true), m));
      Matrix<T> DQ = D;
      ASSERT_EQ(qr_apply_q_inplace(Side::right, Op::none, MatrixView<const T>(F), VectorView<const T>(tau), DQ.view(),
                                   at_level(need_r, level).workspace(), kAlwaysBlocked),
                Status::ok);
      EXPECT_RATIO("D Q", agreement_ratio<T>(DQ, product(LongMatrix(D), LongMatrix(Qf)), m));

      if (level != Level::minimum) continue;
      // 4. One byte short of applying Q's minimum: refused, D untouched.
      Matrix<T> D_short = D;
      EXPECT_EQ(qr_apply_q_inplace(Side::right, Op::none, MatrixView<const T>(F), VectorView<const T>(tau),
                                   D_short.view(), ExactWorkspace(need_r.minimum_payload() - 1).workspace(),
                                   kAlwaysBlocked),
                Status::workspace_too_small);
      EXPECT_TRUE(same_bits<T>(D_short, D));
    }
  }
}

// The pivoted QR blocks (xLAQPS panels of 32) above QrBlocking's crossover and 64
// columns when the workspace holds a panel's scratch: shapes above both in both types, a random matrix,
// one of rank 10, and one whose columns 30.. are columns 0.. plus a tiny multiple of
// others, so that their partial norms collapse and must be recomputed (the panel then
// ends early). At every level: ||A P - Q R|| / (max(m, n) ||A|| eps) and
// ||I - Q^T Q|| / (m eps) below 30, the pivoting property |r_jj| >= ||R(j:i+1, i)||
// (to rounding), and the rank by the default rule the same as at the minimum (the
// level-2 form); at the optimal the random matrix's R is not the level-2 one bit for bit
// (the blocked form ran).
TYPED_TEST(BlockedWorkspace, PivotedQrRunsFromMinimumToOptimal) {
  using T = TypeParam;
  const T tiny = std::sqrt(eps<T>()) / T(16);
  for (const auto& [m, n] : std::vector<std::pair<index, index>>{{150, 150}, {300, 100}, {70, 300}, {400, 80}}) {
    const std::uint64_t seed = 5300 + static_cast<std::uint64_t>(m * 1000 + n);
    ASSERT_GT(matrix_bytes<T>(m, n), QrBlocking::kBlockedCrossover);
    const Matrix<T> G = random_matrix<T>(m, n, seed);
    Matrix<T> low_rank = product(LongMatrix(random_matrix<T>(m, 10, seed + 1)),
                                 LongMatrix(random_matrix<T>(10, n, seed + 2))).template rounded<T>();
    Matrix<T> near = G;
    for (index j = 30; j < n; ++j)
      for (index i = 0; i < m; ++i) near(i, j) = G(i, j - 30) + tiny * G(i, (j * 7) % n);
    const WorkspaceSize need = qr_pivoted_workspace_size<T>(m, n);
    EXPECT_LT(need.minimum_payload(), need.payload());
    const std::pair<const char*, const Matrix<T>*> inputs[] = {{"random", &G}, {"rank 10", &low_rank}, {"near", &near}};
    for (const auto& [name, A] : inputs) {
      const index k = std::min(m, n);
      Matrix<T> R_minimum;
      index rank_minimum = -1;
      for (Level level : kLevels) {
        SCOPED_TRACE(case_name<T>(std::string(name) + ", workspace " + level_name(level), m, n, seed));
        Matrix<T> F = *A;
        Vector<T> tau(k, nan<T>());
        Vector<index> perm(n);
        ASSERT_EQ(qr_pivoted_inplace(F.view(), tau.view(), perm.view(), at_level(need, level).workspace()), Status::ok);
        const Matrix<T> R = upper_part<T>(F, k);
        Matrix<T> Q(m, k);
        copy(MatrixView<const T>(F.col_block(0, k)), Q.view());
        NanWorkspace q_work(qr_form_q_workspace_size<T>(m, k));
        ASSERT_EQ(qr_form_q_inplace(Q.view(), VectorView<const T>(tau), q_work.workspace()), Status::ok);
        const Matrix<T> AP = permute_columns<T>(*A, VectorView<const index>(perm));
        EXPECT_RATIO("||A P - Q R||", factorization_ratio<T>(AP, Q, R));
        EXPECT_RATIO("||I - Q^T Q||", orthogonality_ratio<T>(Q));
        for (index j = 0; j < k; ++j)
          for (index i = j + 1; i < n; ++i) {
            const double below = static_cast<double>(nrm2(VectorView<const T>(R.col(i).segment(j, std::min(i, k - 1) - j + 1))));
            EXPECT_GE(std::abs(static_cast<double>(R(j, j))) * (1 + 1e-3), below - 30 * static_cast<double>(eps<T>()) *
                      std::abs(static_cast<double>(R(0, 0)))) << "column " << i << " row " << j;
          }
        const Result<index> rank = qr_pivoted_rank<T>(R, RankTolerance<T>{});
        ASSERT_TRUE(rank.ok());
        if (level == Level::minimum) {
          R_minimum = R;
          rank_minimum = *rank;
          if (std::string(name) == "rank 10") { EXPECT_EQ(*rank, 10); }
        } else {
          EXPECT_EQ(*rank, rank_minimum);
        }
        if (level == Level::optimal && std::string(name) == "random") { EXPECT_FALSE(same_bits<T>(R, R_minimum)); }
      }
    }
  }
}

// Blocked Cholesky and LU take their blocks (128 and 64 columns) at every workspace:
// minimum none (the unpacked gemm), optimal the packing buffers of their gemms. At every
// level they factor every size on both sides of the recursion base (16) and of one and
// two blocks: ||A - L L^T|| / (n ||A|| eps) and ||P A - L U|| / (n ||A|| eps) below 30.
// Adaptive jitter needs its copy of A: one byte less than that minimum is refused with A
// untouched.
TYPED_TEST(BlockedWorkspace, CholeskyAndLuRunFromMinimumToOptimal) {
  using T = TypeParam;
  for (index n : {1, 7, 16, 17, 63, 64, 65, 127, 128, 129, 191, 192, 193, 257}) {
    if (kSmallMemory && n > 129) continue;
    const std::uint64_t seed = 5200 + static_cast<std::uint64_t>(n);
    const Matrix<T> S = symmetric_with_eigenvalues<T>(geometric_spectrum(n, 1e3L), seed);
    const Matrix<T> A = random_matrix<T>(n, n, seed);
    const WorkspaceSize need_c = cholesky_workspace_size<T>(n);
    const WorkspaceSize need_lu = lu_workspace_size<T>(n);
    EXPECT_EQ(need_c.minimum_payload(), 0u);
    EXPECT_EQ(need_lu.minimum_payload(), 0u);
    for (Level level : kLevels) {
      SCOPED_TRACE(case_name<T>(std::string("spd kappa 1e3 / random, workspace ") + level_name(level), n, n, seed));
      // Cholesky.
      Matrix<T> L = S;
      CholeskyInfo<T> info;
      ASSERT_EQ(cholesky_inplace(L.view(), info, at_level(need_c, level).workspace()), Status::ok);
      EXPECT_RATIO("||A - L L^T||", cholesky_ratio<T>(S, L));
      // LU, through the high level's L(), U() and permutation() of the factors.
      LU<T> f;
      f.factors = A;
      f.pivots = Vector<index>(n, -1);
      LuInfo lu_info;
      ASSERT_EQ(lu_inplace(f.factors.view(), f.pivots.view(), lu_info, at_level(need_lu, level).workspace()),
                Status::ok);
      const Vector<index> p = f.permutation();
      Matrix<T> PA(n, n);
      for (index i = 0; i < n; ++i) copy(A.row(p[i]), PA.row(i));
      EXPECT_RATIO("||P A - L U||", factorization_ratio<T>(PA, f.L(), f.U()));
    }
    // Adaptive jitter: its restart copy is the minimum.
    const WorkspaceSize need = cholesky_workspace_size<T>(n, {Jitter<T>::adaptive()});
    EXPECT_EQ(need.minimum(), WorkspaceSize::matrix<T>(n, n));
    CholeskyInfo<T> info;
    Matrix<T> La = S;
    ASSERT_EQ(cholesky_inplace(La.view(), info, ExactWorkspace(need.minimum_payload()).workspace(), {Jitter<T>::adaptive()}),
              Status::ok);
    EXPECT_RATIO("||A - L L^T|| adaptive", cholesky_ratio<T>(S, La));
    Matrix<T> Ls = S;
    EXPECT_EQ(cholesky_inplace(Ls.view(), info, ExactWorkspace(need.minimum_payload() - 1).workspace(),
                               {Jitter<T>::adaptive()}),
              Status::workspace_too_small);
    EXPECT_TRUE(same_bits<T>(Ls, S));
  }
}

// Adding rows to a QR accumulator is blocked by rows: its minimum is one row at a time.
TYPED_TEST(BlockedWorkspace, AccumulatorAddRowsMinimumIsOneRow) {
  using T = TypeParam;
  const index d = 5, k = 2;
  const WorkspaceSize need = QrAccumulator<T>::add_rows_workspace_size(d, k, 64);
  EXPECT_EQ(need.minimum(), QrAccumulator<T>::add_rows_workspace_size(d, k, 1));
  EXPECT_LT(need.minimum_payload(), need.payload());
}

}  // namespace
}  // namespace stela::test
