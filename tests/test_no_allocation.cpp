// The low-level path never allocates (DESIGN.md "two levels", STYLE.md rule 20).
//
// This executable replaces the global operator new and operator delete, every
// replaceable form, with versions that count the calls made while counting is on. Each
// test builds its inputs, outputs and workspace first, then runs the kernels inside
// `count_heap_use([&] { ... })` and expects zero allocations and zero frees there.
// AllocationCounter.SeesHeapUseInsideTheRegion shows that the counter can fail.
//
// Adding an algorithm (QR, Cholesky, LU, SVD, lstsq, ...): one
// TYPED_TEST(NoAllocation, Name) that allocates the matrices and a buffer of
// `*_workspace_size(...)` bytes before the region, and calls the `*_inplace` routines
// on views and a Workspace inside it.
#include <atomic>
#include <cstdlib>
#include <new>

#include "stela/blas.hpp"
#include "stela/cholesky.hpp"
#include "stela/householder.hpp"
#include "stela/lstsq.hpp"
#include "stela/lu.hpp"
#include "stela/normal_equations.hpp"
#include "stela/qr.hpp"
#include "stela/matrix.hpp"
#include "stela/random.hpp"
#include "stela/ridge.hpp"
#include "stela/streaming.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"
#include "stela/workspace.hpp"
#include "test_support.hpp"

// ---------------------------------------------------------------------------------------
// Counting replacements of the global allocation functions.

namespace {

std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
std::atomic<long> g_frees{0};

void* allocate(std::size_t size) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  std::size_t align = static_cast<std::size_t>(alignment);
  if (align < sizeof(void*)) align = sizeof(void*);
  // std::aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (size == 0 ? 1 : size + align - 1) / align * align;
#if defined(__NEWLIB__)
  return ::aligned_alloc(align, rounded);  // newlib's libstdc++ has no std::aligned_alloc (bare-metal runner)
#else
  return std::aligned_alloc(align, rounded);
#endif
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  if (g_counting.load(std::memory_order_relaxed)) g_frees.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}

// Out of memory: bad_alloc, or the end of the program where there are no exceptions
// (the bare-metal runner, tests/embedded/baremetal).
[[noreturn]] void out_of_memory() {
#if defined(__cpp_exceptions)
  throw std::bad_alloc();
#else
  std::abort();
#endif
}

void* allocate_or_throw(std::size_t size) {
  void* p = allocate(size);
  if (p == nullptr) out_of_memory();
  return p;
}

void* allocate_aligned_or_throw(std::size_t size, std::align_val_t alignment) {
  void* p = allocate_aligned(size, alignment);
  if (p == nullptr) out_of_memory();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate_or_throw(size); }
void* operator new[](std::size_t size) { return allocate_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new(std::size_t size, std::align_val_t al) { return allocate_aligned_or_throw(size, al); }
void* operator new[](std::size_t size, std::align_val_t al) { return allocate_aligned_or_throw(size, al); }
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return allocate_aligned(size, al);
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return allocate_aligned(size, al);
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace stela::test {
namespace {

// What happened on the heap while a region ran.
struct HeapUse {
  long allocations;
  long frees;
};

// Runs body() with counting on. Nothing in body() may use GoogleTest macros (they
// allocate); collect results in variables and check them afterwards.
template <class Body>
HeapUse count_heap_use(Body&& body) {
  g_allocations = 0;
  g_frees = 0;
  g_counting = true;
  body();
  g_counting = false;
  return {g_allocations.load(), g_frees.load()};
}

#define EXPECT_NO_HEAP_USE(use)                          \
  do {                                                   \
    const HeapUse heap_use_ = (use);                     \
    EXPECT_EQ(heap_use_.allocations, 0) << "allocations"; \
    EXPECT_EQ(heap_use_.frees, 0) << "frees";            \
  } while (0)

// Remembers the first status that was not ok, without allocating.
struct StatusLog {
  Status first_failure = Status::ok;
  void operator()(Status s) {
    if (first_failure == Status::ok) first_failure = s;
  }
};

// Where results go so that no call can be optimised away.
volatile double g_sink = 0;
volatile const void* g_pointer_sink = nullptr;

TEST(AllocationCounter, SeesHeapUseInsideTheRegion) {
  const HeapUse use = count_heap_use([] {
    Matrix<double> A(4, 4);  // the high level allocates: this is what must be seen
    g_pointer_sink = A.data();
  });
  EXPECT_EQ(use.allocations, 1);
  EXPECT_EQ(use.frees, 1);
  // Outside the region nothing is counted.
  Matrix<double> B(4, 4);
  g_pointer_sink = B.data();
  EXPECT_EQ(g_allocations.load(), 1);
}

template <class T>
class NoAllocation : public ::testing::Test {};
TYPED_TEST_SUITE(NoAllocation, Scalars, ScalarName);

constexpr Op kOps[] = {Op::none, Op::transpose};
constexpr Uplo kUplos[] = {Uplo::lower, Uplo::upper};
constexpr Side kSides[] = {Side::left, Side::right};
constexpr Diag kDiags[] = {Diag::non_unit, Diag::unit};
constexpr Norm kNorms[] = {Norm::one, Norm::inf, Norm::frobenius, Norm::max_abs};

// A well-conditioned n x n matrix for the triangular kernels: Gaussian plus n I.
template <class T>
Matrix<T> diagonally_dominant(index n, std::uint64_t seed) {
  Matrix<T> A = random_matrix<T>(n, n, seed);
  for (index i = 0; i < n; ++i) A(i, i) += T(n);
  return A;
}

TYPED_TEST(NoAllocation, Level1) {
  using T = TypeParam;
  const index n = 1000;
  Matrix<T> X = random_matrix<T>(n, 3, 1);
  Matrix<T> wide = random_matrix<T>(2, n, 2);  // its rows are strided vectors
  T result = 0;
  index where = 0;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    for (VectorView<T> x : {X.col(0), wide.row(0)})
      for (VectorView<T> y : {X.col(1), wide.row(1)}) {
        result += dot<T>(x, y) + nrm2<T>(x) + asum<T>(x);
        where += iamax<T>(x);
        axpy<T>(T(0.5), x, y);
        scal<T>(T(0.75), y);
        swap<T>(x, y);
        copy<T>(y, X.col(2));
      }
    SumOfSquares<T> sum;
    sum.add(X.col(0));
    sum.add(T(3));
    result += sum.norm();
  }));
  g_sink = static_cast<double>(result) + static_cast<double>(where);
}

TYPED_TEST(NoAllocation, GivensAndRot) {
  using T = TypeParam;
  Matrix<T> X = random_matrix<T>(100, 2, 3);
  Matrix<T> wide = random_matrix<T>(2, 100, 4);
  Givens<T> G;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    G = givens(X(0, 0), X(0, 1));
    rot(X.col(0), X.col(1), G.c, G.s);
    rot(wide.row(0), wide.row(1), G.c, G.s);
  }));
  g_sink = static_cast<double>(G.r);
}

TYPED_TEST(NoAllocation, Level2) {
  using T = TypeParam;
  const index n = 70;
  Matrix<T> A = diagonally_dominant<T>(n, 5);
  Matrix<T> xy = random_matrix<T>(n, 2, 6);
  StatusLog log;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    for (Op trans : kOps) log(gemv(trans, T(1.5), A, xy.col(0), T(0.5), xy.col(1)));
    log(ger(T(-0.25), xy.col(0), xy.col(1), A.view()));
    for (Uplo uplo : kUplos)
      for (Op trans : kOps)
        for (Diag diag : kDiags) {
          log(trmv(uplo, trans, diag, A, xy.col(0)));
          log(trsv(uplo, trans, diag, A, xy.col(0)));
        }
  }));
  EXPECT_EQ(log.first_failure, Status::ok);
}

TYPED_TEST(NoAllocation, Level3) {
  using T = TypeParam;
  // Shapes on the far side of gemm's blocks (256 rows, 128-long k slices, 512 columns).
  const index m = 260, n = 515, k = 130;
  Matrix<T> A = random_matrix<T>(m, k, 7), At = random_matrix<T>(k, m, 8);
  Matrix<T> B = random_matrix<T>(k, n, 9), Bt = random_matrix<T>(n, k, 10);
  Matrix<T> C = random_matrix<T>(m, n, 11);
  const index t = 40;  // the triangular and syrk shapes
  Matrix<T> L = diagonally_dominant<T>(t, 12);
  Matrix<T> S = random_matrix<T>(t, t, 13);
  Matrix<T> left = random_matrix<T>(t, 9, 14), right = random_matrix<T>(9, t, 15);
  StatusLog log;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    for (Op ta : kOps)
      for (Op tb : kOps)
        log(gemm(ta, tb, T(1), ta == Op::none ? A : At, tb == Op::none ? B : Bt, T(0.5), C.view()));
    for (Uplo uplo : kUplos)
      for (Op trans : kOps) log(syrk(uplo, trans, T(1), trans == Op::none ? left : right, T(0.5), S.view()));
    for (Side side : kSides)
      for (Uplo uplo : kUplos)
        for (Op trans : kOps)
          for (Diag diag : kDiags) {
            MatrixView<T> Bv = side == Side::left ? left.view() : right.view();
            log(trmm(side, uplo, trans, diag, T(1), L, Bv));
            log(trsm(side, uplo, trans, diag, T(1), L, Bv));
          }
  }));
  EXPECT_EQ(log.first_failure, Status::ok);
}

TYPED_TEST(NoAllocation, NormsAndViewHelpers) {
  using T = TypeParam;
  Matrix<T> A = random_matrix<T>(50, 30, 16);
  Matrix<T> B(50, 30);
  T result = 0;
  bool finite = false;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    for (Norm kind : kNorms) result += norm(A, kind) + norm(A.block(3, 4, 20, 10), kind);
    copy(A, B.view());
    fill(B.block(0, 0, 5, 5), T(2));
    set_identity(B.block(10, 10, 7, 9));
    fill(B.col(3), T(1));
    finite = all_finite(B) && all_finite(B.row(2));
  }));
  EXPECT_TRUE(finite);
  g_sink = static_cast<double>(result);
}

TYPED_TEST(NoAllocation, RandomFills) {
  using T = TypeParam;
  Matrix<T> A(40, 20);
  Vector<T> x(33);
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    Rng rng(17);
    fill_gaussian(rng, A.view());
    fill_uniform(rng, A.block(5, 5, 10, 10), T(-2), T(3));
    fill_gaussian(rng, x.view());
  }));
  g_sink = static_cast<double>(A(3, 3) + x[4]);
}

TYPED_TEST(NoAllocation, HouseholderReflectors) {
  using T = TypeParam;
  const index m = 60, n = 25;
  Matrix<T> A = random_matrix<T>(m, n, 18);
  Matrix<T> C = random_matrix<T>(n, m, 19);
  Vector<T> work(n);
  StatusLog log;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    for (index j = 0; j < n; ++j) {
      VectorView<T> v_tail = A.col(j).segment(j + 1, m - j - 1);
      const T tau = householder_generate(A(j, j), v_tail);
      log(householder_apply_left<T>(v_tail, tau, A.block(j, j + 1, m - j, n - j - 1)));
      log(householder_apply_right<T>(v_tail, tau, C.block(0, j, n, m - j), work.view()));
    }
  }));
  EXPECT_EQ(log.first_failure, Status::ok);
}

TYPED_TEST(NoAllocation, HouseholderBlocks) {
  using T = TypeParam;
  const index m = 60, k = 16, p = 21;
  Matrix<T> V = random_matrix<T>(m, k, 20);
  Vector<T> tau(k);
  for (index j = 0; j < k; ++j) tau[j] = householder_generate(V(j, j), V.col(j).segment(j + 1, m - j - 1));
  Matrix<T> Tf(k, k);
  Matrix<T> C_left = random_matrix<T>(m, p, 21), C_right = random_matrix<T>(p, m, 22);
  Matrix<T> work(p, k);  // C_left.cols() x k and C_right.rows() x k
  StatusLog log;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    log(householder_block_factor<T>(V, tau, Tf.view()));
    for (Op trans : kOps) {
      log(householder_block_apply<T>(Side::left, trans, V, Tf, C_left.view(), work.view()));
      log(householder_block_apply<T>(Side::right, trans, V, Tf, C_right.view(), work.view()));
    }
  }));
  EXPECT_EQ(log.first_failure, Status::ok);
}

// Householder QR (default and forced-blocked), apply and form Q, the solves, pivoted QR
// and the complete orthogonal decomposition, tall and wide.
TYPED_TEST(NoAllocation, QrFamily) {
  using T = TypeParam;
  for (auto [m, n] : {std::pair<index, index>{40, 12}, {12, 40}}) {
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n));
    const index k = std::min(m, n), nrhs = 3;
    const Matrix<T> A0 = random_matrix<T>(m, n, 900);
    const Matrix<T> B0 = random_matrix<T>(m, nrhs, 901);
    Matrix<T> A = A0, Ab = A0, Ap = A0, Ac = A0, B = B0, Bc = B0, C = B0, Q(m, k), X(n, nrhs), Xc(n, nrhs);
    Vector<T> tau(k), tau_b(k), tau_p(k), tau_c(k), tau_z(k);
    Vector<index> perm(n), perm_c(n);
    const QrBlocking forced{4, 0, 0};
    const WorkspaceSize size =
        max(max(householder_qr_workspace_size<T>(m, n), householder_qr_workspace_size<T>(m, n, forced)),
            max(max(qr_apply_q_workspace_size<T>(Side::left, m, nrhs, k), qr_form_q_workspace_size<T>(m, k)),
                max(max(qr_solve_workspace_size<T>(m, n, nrhs), qr_pivoted_workspace_size<T>(m, n)),
                    max(cod_workspace_size<T>(m, n), cod_solve_workspace_size<T>(m, n, nrhs)))));
    WorkspaceBuffer buffer(size);
    index rank = 0;
    StatusLog log;
    EXPECT_NO_HEAP_USE(count_heap_use([&] {
      log(householder_qr_inplace<T>(A.view(), tau.view(), buffer.workspace()));
      log(householder_qr_inplace<T>(Ab.view(), tau_b.view(), buffer.workspace(), forced));
      log(householder_qr_unblocked_inplace<T>(Ab.view(), tau_b.view(), buffer.workspace()));
      log(qr_apply_q_inplace<T>(Side::left, Op::transpose, A, tau, C.view(), buffer.workspace()));
      copy(MatrixView<const T>(A.block(0, 0, m, k)), Q.view());
      log(qr_form_q_inplace<T>(Q.view(), tau, buffer.workspace()));
      log(qr_solve_inplace<T>(A, tau, B.view(), X.view(), RankTolerance<T>{}, buffer.workspace()));
      log(qr_pivoted_inplace<T>(Ap.view(), tau_p.view(), perm.view(), buffer.workspace()));
      log(cod_inplace<T>(Ac.view(), tau_c.view(), tau_z.view(), perm_c.view(), rank, RankTolerance<T>{},
                         buffer.workspace()));
      log(cod_solve_inplace<T>(Ac, tau_c, tau_z, perm_c, rank, Bc.view(), Xc.view(), buffer.workspace()));
    }));
    EXPECT_EQ(log.first_failure, Status::ok);
  }
}

// Cholesky (every policy), pivoted Cholesky, LU, their solves and condition estimates,
// and the naive normal equations.
TYPED_TEST(NoAllocation, CholeskyLuAndNormalEquations) {
  using T = TypeParam;
  const index n = 70, m = 90, nrhs = 2;
  const Matrix<T> X = random_matrix<T>(m, n, 910);
  Matrix<T> G(n, n);
  ASSERT_EQ(syrk(Uplo::lower, Op::transpose, T(1), X, T(0), G.view()), Status::ok);
  const Matrix<T> Y = random_matrix<T>(m, nrhs, 911);
  Matrix<T> L1 = G, L2 = G, L3 = G, Lp = G, F = diagonally_dominant<T>(n, 912), B = random_matrix<T>(n, nrhs, 913);
  Matrix<T> W1(n, nrhs), W2(n, nrhs);
  Vector<index> pivots(n), perm(n);
  const CholeskyOptions<T> adaptive{Jitter<T>::adaptive()};
  const WorkspaceSize size =
      max(max(cholesky_workspace_size<T>(n, adaptive), cholesky_condition_estimate_workspace_size<T>(n)),
          max(max(pivoted_cholesky_workspace_size<T>(n), lu_workspace_size<T>(n)),
              max(lu_condition_estimate_workspace_size<T>(n),
                  max(normal_equations_cholesky_workspace_size<T>(m, n, nrhs),
                      normal_equations_lu_workspace_size<T>(m, n, nrhs)))));
  WorkspaceBuffer buffer(size);
  CholeskyInfo<T> info;
  PivotedCholeskyInfo<T> pinfo;
  LuInfo luinfo;
  NormalEquationsInfo<T> ne1, ne2;
  T rcond = 0;
  StatusLog log;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    log(cholesky_unblocked_inplace<T>(L1.view(), info));
    log(cholesky_blocked_inplace<T>(L2.view(), info));
    log(cholesky_inplace<T>(L3.view(), info, buffer.workspace(), adaptive));
    log(cholesky_solve_inplace<T>(L3, B.view()));
    log(cholesky_condition_estimate<T>(L3, norm(MatrixView<const T>(G), Norm::one), rcond, buffer.workspace()));
    log(pivoted_cholesky_inplace<T>(Lp.view(), perm.view(), pinfo, buffer.workspace()));
    log(lu_inplace<T>(F.view(), pivots.view(), luinfo, buffer.workspace()));
    log(lu_solve_inplace<T>(Op::transpose, F, pivots, B.view()));
    log(lu_condition_estimate<T>(F, pivots, T(1), rcond, buffer.workspace()));
    log(normal_equations_cholesky_inplace<T>(X, Y, W1.view(), ne1, buffer.workspace()));
    log(normal_equations_lu_inplace<T>(X, Y, W2.view(), ne2, buffer.workspace()));
  }));
  EXPECT_EQ(log.first_failure, Status::ok);
}

// Both SVD methods, every vectors option, tall and wide.
TYPED_TEST(NoAllocation, Svd) {
  using T = TypeParam;
  for (auto [m, n] : {std::pair<index, index>{30, 9}, {9, 30}, {70, 12}})
    for (SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi})
      for (SvdVectors vectors : {SvdVectors::none, SvdVectors::thin, SvdVectors::full}) {
        SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + " method " + std::to_string(int(method)) +
                     " vectors " + std::to_string(int(vectors)));
        const index k = std::min(m, n);
        const index ucols = vectors == SvdVectors::full ? m : (vectors == SvdVectors::thin ? k : 0);
        const index vcols = vectors == SvdVectors::full ? n : (vectors == SvdVectors::thin ? k : 0);
        SvdOptions opts;
        opts.method = method;
        opts.vectors = vectors;
        Matrix<T> A = random_matrix<T>(m, n, 920), U(ucols > 0 ? m : 0, ucols), V(vcols > 0 ? n : 0, vcols);
        Vector<T> s(k);
        WorkspaceBuffer buffer(svd_workspace_size<T>(m, n, opts));
        SvdInfo<T> info;
        StatusLog log;
        EXPECT_NO_HEAP_USE(count_heap_use([&] {
          log(svd_inplace<T>(A.view(), s.view(), U.view(), V.view(), opts, info, buffer.workspace()));
        }));
        EXPECT_EQ(log.first_failure, Status::ok);
      }
}

// The whole least-squares pipeline from one buffer, every method, tall and wide (the
// normal equations on the tall problem only: their Gram matrix is singular when wide);
// and again equilibrated and refined (issue 12: the refinement's wide residuals, float's
// in double, come from the same buffer).
TYPED_TEST(NoAllocation, LstsqPipeline) {
  using T = TypeParam;
  for (bool refined : {false, true})
  for (auto [n, d] : {std::pair<index, index>{40, 7}, {7, 40}})
    for (LstsqMethod method : kAllLstsqMethods) {
      const bool normal = method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu;
      if (normal && n < d) continue;
      SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(d) + " " + to_string(method) + (refined ? " refined" : ""));
      const index k = 2;
      const Matrix<T> X = random_matrix<T>(n, d, 930), Y = random_matrix<T>(n, k, 931);
      LstsqOptions<T> opts;
      opts.method = method;
      opts.equilibrate = refined;
      opts.refine = refined;
      Matrix<T> W(d, k);
      Vector<T> residual(k), s(std::min(n, d));
      WorkspaceBuffer buffer(lstsq_workspace_size<T>(n, d, k, opts));
      LstsqInfo<T> info;
      StatusLog log;
      EXPECT_NO_HEAP_USE(count_heap_use([&] {
        log(lstsq_inplace<T>(X, Y, opts, W.view(), residual.view(), s.view(), info, buffer.workspace()));
      }));
      EXPECT_EQ(log.first_failure, Status::ok);
      if (refined) {
        EXPECT_GE(info.refinement.steps, 1);
      }
    }
}

// The SVD-based solvers' low level (issue 13): pinv, rank, null space and ridge by the
// SVD, tall and wide, each from a buffer of its own query's size.
TYPED_TEST(NoAllocation, PinvRankNullSpaceRidge) {
  using T = TypeParam;
  for (auto [n, d] : {std::pair<index, index>{30, 6}, {6, 30}}) {
    SCOPED_TRACE(std::to_string(n) + "x" + std::to_string(d));
    const index k = 2;
    const Matrix<T> X = random_matrix<T>(n, d, 940), Y = random_matrix<T>(n, k, 941);
    Matrix<T> P(d, n), N(d, d), W(d, k);
    Vector<T> intercept(k);
    RidgeOptions<T> ridge_opts;
    ridge_opts.fit_intercept = true;
    WorkspaceBuffer pinv_work(pinv_workspace_size<T>(n, d));
    WorkspaceBuffer rank_work(rank_workspace_size<T>(n, d));
    WorkspaceBuffer null_work(null_space_workspace_size<T>(n, d));
    WorkspaceBuffer ridge_work(ridge_svd_workspace_size<T>(n, d, k, ridge_opts));
    index r1 = 0, r2 = 0, r3 = 0;
    RidgeInfo<T> info;
    StatusLog log;
    EXPECT_NO_HEAP_USE(count_heap_use([&] {
      log(pinv_inplace<T>(X, RankTolerance<T>{}, SvdOptions{}, P.view(), r1, pinv_work.workspace()));
      log(rank_inplace<T>(X, RankTolerance<T>{}, SvdOptions{}, r2, rank_work.workspace()));
      log(null_space_inplace<T>(X, RankTolerance<T>{}, SvdOptions{}, N.view(), r3, null_work.workspace()));
      log(ridge_svd_inplace<T>(X, Y, T(0.25), ridge_opts, W.view(), intercept.view(), info, ridge_work.workspace()));
    }));
    EXPECT_EQ(log.first_failure, Status::ok);
    EXPECT_EQ(r1, std::min(n, d));
    EXPECT_EQ(r2, r1);
    EXPECT_EQ(r3, r1);
  }
}

TYPED_TEST(NoAllocation, WorkspaceCarving) {
  using T = TypeParam;
  // A matrix alive throughout, then two steps in sequence that share what is left.
  const WorkspaceSize step_a = WorkspaceSize::vector<T>(50) + WorkspaceSize::of<index>(9);
  const WorkspaceSize step_b = WorkspaceSize::matrix<T>(10, 10);
  const WorkspaceSize size = WorkspaceSize::matrix<T>(30, 20) + max(step_a, step_b);
  WorkspaceBuffer buffer(size);  // the high level's owning buffer, made before the region
  bool fits = false;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    Workspace work = buffer.workspace();
    fits = work.holds(size);
    MatrixView<T> M = work.matrix<T>(30, 20);
    fill(M, T(1));
    // Each step carves from its own copy of the workspace, so the next reuses the bytes.
    auto a = [](Workspace w) {
      VectorView<T> v = w.vector<T>(50);
      index* pivots = w.take<index>(9);
      return v.size() == 50 && pivots != nullptr;
    };
    auto b = [](Workspace w) { return w.matrix<T>(10, 10).data() != nullptr; };
    fits = fits && a(work) && b(work) && a(work);
    fits = fits && work.take<T>(1 << 20) == nullptr;  // too big: refused, not allocated
  }));
  EXPECT_TRUE(fits);
}

// The QR accumulator: storage and workspace from one buffer made before the region, then
// every operation inside it (rows, blocks with forgetting, a removal, merges, the solves
// and the spectrum).
TYPED_TEST(NoAllocation, QrAccumulator) {
  using T = TypeParam;
  const index d = 9, k = 2, n = 60, block = 16;
  const Matrix<T> X = random_matrix<T>(n, d, 940), Y = random_matrix<T>(n, k, 941);
  WorkspaceBuffer buffer(QrAccumulator<T>::storage_size(d, k) + QrAccumulator<T>::storage_size(d, k) +
                         QrAccumulator<T>::workspace_size(d, k, block));
  Matrix<T> W(d, k);
  Vector<T> rho(k), s(d);
  AccumulatorInfo<T> info;
  index rank = -1;
  T condition = 0;
  StatusLog log;
  EXPECT_NO_HEAP_USE(count_heap_use([&] {
    Workspace arena = buffer.workspace();
    MatrixView<T> storage = arena.matrix<T>(d + k, d + k);
    MatrixView<T> other_storage = arena.matrix<T>(d + k, d + k);
    Result<QrAccumulator<T>> made = QrAccumulator<T>::create(storage, d, k);
    Result<QrAccumulator<T>> other = QrAccumulator<T>::create(other_storage, d, k);
    log(made.status());
    log(other.status());
    if (!made || !other) return;
    QrAccumulator<T>& acc = *made;
    for (index i = 0; i < 20; ++i) log(acc.add_row(X.row(i), Y.row(i), arena));
    log(acc.add_rows(X.row_block(20, 20), Y.row_block(20, 20), arena, T(0.99)));
    log(other->add_rows(X.row_block(40, 20), Y.row_block(40, 20), arena));
    log(acc.remove_row(X.row(3), Y.row(3), arena));
    log(acc.merge(*other, arena));
    log(acc.merge(other->R(), other->rows(), arena));
    log(acc.solve(W.view(), rho.view(), info, arena));
    log(acc.solve_minimum_norm(W.view(), s.view(), rho.view(), info, arena));
    log(acc.residual_norms(rho.view()));
    log(acc.singular_values(s.view(), arena));
    const Result<index> r = acc.rank(arena);
    const Result<T> c = acc.condition_estimate(arena);
    log(r.status());
    log(c.status());
    rank = r.ok() ? *r : -1;
    condition = c.ok() ? *c : T(0);
  }));
  EXPECT_EQ(log.first_failure, Status::ok);
  EXPECT_EQ(rank, d);
  EXPECT_GT(condition, T(0));
}

}  // namespace
}  // namespace stela::test
