// The per-method least-squares entries (lstsq_svd_inplace, ..., issue 13): each is the
// code lstsq_inplace runs for its method, so on every shape (tall, wide, square, rank
// deficient, empty, one and several right-hand sides) and in float and double it gives
// the same bits: solution, residual norms, singular values, every info field and the
// status. Their workspace queries equal lstsq_workspace_size for the method, and bad
// input gets the same status from both, in the same order of checks.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "solver_checks.hpp"
#include "stela/lstsq.hpp"

namespace stela::test {
namespace {

template <class T>
class LstsqEntries : public ::testing::Test {};
TYPED_TEST_SUITE(LstsqEntries, Scalars, ScalarName);

// The method's own entry, called by name (what a program that links one method writes).
template <class T>
Status run_entry(LstsqMethod method, MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts,
                 MatrixView<T> W, VectorView<T> residual_norm, VectorView<T> s, LstsqInfo<T>& info, Workspace work) {
  switch (method) {
    case LstsqMethod::svd: return lstsq_svd_inplace(X, Y, opts, W, residual_norm, s, info, work);
    case LstsqMethod::jacobi: return lstsq_jacobi_inplace(X, Y, opts, W, residual_norm, s, info, work);
    case LstsqMethod::qr: return lstsq_qr_inplace(X, Y, opts, W, residual_norm, info, work);
    case LstsqMethod::qrcp: return lstsq_qrcp_inplace(X, Y, opts, W, residual_norm, info, work);
    case LstsqMethod::normal_cholesky: return lstsq_normal_cholesky_inplace(X, Y, opts, W, residual_norm, info, work);
    case LstsqMethod::normal_lu: return lstsq_normal_lu_inplace(X, Y, opts, W, residual_norm, info, work);
  }
  return Status::invalid_argument;
}

template <class T>
WorkspaceSize entry_workspace_size(LstsqMethod method, index n, index d, index k, const LstsqOptions<T>& opts) {
  switch (method) {
    case LstsqMethod::svd: return lstsq_svd_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::jacobi: return lstsq_jacobi_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::qr: return lstsq_qr_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::qrcp: return lstsq_qrcp_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::normal_cholesky: return lstsq_normal_cholesky_workspace_size<T>(n, d, k, opts);
    case LstsqMethod::normal_lu: return lstsq_normal_lu_workspace_size<T>(n, d, k, opts);
  }
  return WorkspaceSize();
}

// Bit-for-bit equality of two scalars (NaN equal to NaN).
template <class T>
bool same_scalar_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// Everything one call produces, from NaN-filled outputs and workspace.
template <class T>
struct Outcome {
  Status status = Status::ok;
  Padded<T> W;
  Padded<T> residual_norm;  // k x 1
  Padded<T> s;              // min(n, d) x 1; passed only to the spectral methods
  LstsqInfo<T> info;
  Outcome(index d, index k, index r) : W(d, k), residual_norm(k, 1), s(r, 1) {}
};

template <class T>
Outcome<T> run(bool dispatcher, LstsqMethod method, MatrixView<const T> X, MatrixView<const T> Y,
               const LstsqOptions<T>& opts) {
  const index n = X.rows(), d = X.cols(), k = Y.cols(), r = std::min(n, d);
  Outcome<T> out(d, k, r);
  LstsqOptions<T> o = opts;
  o.method = method;
  NanWorkspace work(lstsq_workspace_size<T>(n, d, k, o));
  const VectorView<T> res = out.residual_norm.view().col(0);
  const VectorView<T> s = is_spectral(method) ? out.s.view().col(0) : VectorView<T>();
  out.status = dispatcher ? lstsq_inplace(X, Y, o, out.W.view(), res, s, out.info, work.workspace())
                          : run_entry(method, X, Y, o, out.W.view(), res, s, out.info, work.workspace());
  return out;
}

template <class T>
void expect_same(Outcome<T>& a, Outcome<T>& b) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_TRUE(same_bits(MatrixView<const T>(a.W.view()), MatrixView<const T>(b.W.view()))) << "solution";
  EXPECT_TRUE(same_bits(MatrixView<const T>(a.residual_norm.view()), MatrixView<const T>(b.residual_norm.view())))
      << "residual norms";
  EXPECT_TRUE(same_bits(MatrixView<const T>(a.s.view()), MatrixView<const T>(b.s.view()))) << "singular values";
  EXPECT_EQ(a.info.rank, b.info.rank);
  EXPECT_TRUE(same_scalar_bits(a.info.tolerance, b.info.tolerance)) << a.info.tolerance << " vs " << b.info.tolerance;
  EXPECT_TRUE(same_scalar_bits(a.info.gap, b.info.gap)) << a.info.gap << " vs " << b.info.gap;
  EXPECT_TRUE(same_scalar_bits(a.info.condition, b.info.condition)) << a.info.condition << " vs " << b.info.condition;
  EXPECT_TRUE(a.W.padding_untouched() && b.W.padding_untouched());
}

// n x d of rank r (r <= min(n, d)): a product of two seeded random factors.
template <class T>
Matrix<T> matrix_of_rank(index n, index d, index r, std::uint64_t seed) {
  if (r >= std::min(n, d)) return random_matrix<T>(n, d, seed);
  const Matrix<T> B = random_matrix<T>(n, r, seed), C = random_matrix<T>(r, d, seed + 1);
  return multiply<T>(B, C);
}

struct EntryShape {
  index n, d, rank;  // rank < min(n, d): rank deficient
  const char* what;
};

const EntryShape kShapes[] = {
    {12, 5, 5, "tall"},        {5, 12, 5, "wide"},        {7, 7, 7, "square"},       {1, 1, 1, "one by one"},
    {40, 9, 9, "tall, 40x9"},  {9, 4, 2, "tall, rank 2"}, {4, 9, 2, "wide, rank 2"}, {6, 6, 3, "square, rank 3"},
    {0, 3, 0, "no equations"}, {3, 0, 0, "no unknowns"},
};

TYPED_TEST(LstsqEntries, SameBitsAsTheDispatcher) {
  using T = TypeParam;
  std::uint64_t seed = 1300;
  for (const EntryShape& shape : kShapes)
    for (index k : {1, 3}) {
      ++seed;
      const Matrix<T> X = matrix_of_rank<T>(shape.n, shape.d, shape.rank, seed);
      const Matrix<T> Y = random_matrix<T>(shape.n, k, seed + 500);
      for (LstsqMethod method : kAllLstsqMethods) {
        SCOPED_TRACE(case_name<T>(shape.what, shape.n, shape.d, seed) + " k=" + std::to_string(k) + " " +
                     to_string(method));
        Outcome<T> by_dispatcher = run<T>(true, method, X, Y, {});
        Outcome<T> by_entry = run<T>(false, method, X, Y, {});
        expect_same(by_dispatcher, by_entry);
        // The full-rank problems are solved by every method but the unpivoted QR of a
        // rank-deficient X (rank_deficient) and, there too, the normal equations.
        const bool full_rank = shape.rank == std::min(shape.n, shape.d);
        if (full_rank && !(method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu)) {
          EXPECT_EQ(by_entry.status, Status::ok);
        }
      }
    }
}

// The options other than the method reach the entry: an absolute tolerance that drops
// singular values, and the iteration caps (a cap of 0 is no_convergence at once).
TYPED_TEST(LstsqEntries, SameBitsWithOptions) {
  using T = TypeParam;
  const Matrix<T> X = matrix_of_rank<T>(10, 6, 6, 1401);
  const Matrix<T> Y = random_matrix<T>(10, 2, 1402);
  LstsqOptions<T> loose;
  loose.tolerance.atol = T(0.5);
  LstsqOptions<T> capped;
  capped.max_iterations = 0;
  capped.max_sweeps = 0;
  for (const LstsqOptions<T>& opts : {loose, capped})
    for (LstsqMethod method : kAllLstsqMethods) {
      SCOPED_TRACE(std::string(to_string(method)) + (opts.max_sweeps == 0 ? " capped" : " atol 0.5"));
      Outcome<T> by_dispatcher = run<T>(true, method, X, Y, opts);
      Outcome<T> by_entry = run<T>(false, method, X, Y, opts);
      expect_same(by_dispatcher, by_entry);
      if (opts.max_sweeps == 0 && is_spectral(method)) {
        EXPECT_EQ(by_entry.status, Status::no_convergence);
      }
    }
}

TYPED_TEST(LstsqEntries, WorkspaceQueriesAgree) {
  using T = TypeParam;
  for (index n : {0, 1, 3, 10, 50})
    for (index d : {0, 1, 4, 10, 50})
      for (index k : {1, 2})
        for (LstsqMethod method : kAllLstsqMethods) {
          LstsqOptions<T> opts;
          opts.method = method;
          const WorkspaceSize dispatcher = lstsq_workspace_size<T>(n, d, k, opts);
          // The entry's query ignores opts.method: ask it with another method set.
          LstsqOptions<T> other = opts;
          other.method = method == LstsqMethod::svd ? LstsqMethod::qr : LstsqMethod::svd;
          const WorkspaceSize entry = entry_workspace_size<T>(method, n, d, k, other);
          EXPECT_TRUE(entry == dispatcher) << to_string(method) << " " << n << "x" << d << " k=" << k << ": "
                                           << entry.bytes() << " vs " << dispatcher.bytes();
        }
}

// Bad input, one fault at a time, in the fixed order of the checks: the same status from
// the entry as from lstsq_inplace, and outputs untouched.
TYPED_TEST(LstsqEntries, BadInputGetsTheSameStatus) {
  using T = TypeParam;
  const index n = 8, d = 5, k = 2, r = 5;
  const Matrix<T> X = random_matrix<T>(n, d, 1501), Y = random_matrix<T>(n, k, 1502);
  Matrix<T> X_nan = X, Y_inf = Y;
  X_nan(3, 2) = nan<T>();
  Y_inf(1, 1) = std::numeric_limits<T>::infinity();
  const Matrix<T> Y_short = random_matrix<T>(n - 1, k, 1503);
  for (LstsqMethod method : kAllLstsqMethods) {
    LstsqOptions<T> opts;
    opts.method = method;
    LstsqOptions<T> bad_tol = opts;
    bad_tol.tolerance.atol = -1;
    const WorkspaceSize size = lstsq_workspace_size<T>(n, d, k, opts);
    struct Case {
      const char* what;
      const Matrix<T>* X;
      const Matrix<T>* Y;
      index w_rows, res_size, s_size;
      const LstsqOptions<T>* opts;
      bool short_work;
      Status expected;
    };
    const Case cases[] = {
        {"Y rows", &X, &Y_short, d, k, r, &opts, false, Status::dimension_mismatch},
        {"W rows", &X, &Y, d + 1, k, r, &opts, false, Status::dimension_mismatch},
        {"residual size", &X, &Y, d, k + 1, r, &opts, false, Status::dimension_mismatch},
        {"singular_values size", &X, &Y, d, k, r + 1, &opts, false, Status::dimension_mismatch},
        {"negative atol", &X, &Y, d, k, r, &bad_tol, false, Status::invalid_argument},
        {"NaN in X", &X_nan, &Y, d, k, r, &opts, false, Status::not_finite},
        {"Inf in Y", &X, &Y_inf, d, k, r, &opts, false, Status::not_finite},
        {"NaN in X and a negative atol", &X_nan, &Y, d, k, r, &bad_tol, false, Status::invalid_argument},
        {"workspace one byte short", &X, &Y, d, k, r, &opts, true, Status::workspace_too_small},
        {"NaN in X and a short workspace", &X_nan, &Y, d, k, r, &opts, true, Status::not_finite},
    };
    for (const Case& c : cases) {
      // The entries without singular values cannot see a wrong singular_values view.
      if (c.s_size != r && !is_spectral(method)) continue;
      SCOPED_TRACE(std::string(to_string(method)) + ": " + c.what);
      Status status[2];
      for (int via_entry = 0; via_entry < 2; ++via_entry) {
        Padded<T> W(c.w_rows, k), res(c.res_size, 1), s(c.s_size, 1);
        NanWorkspace work = c.short_work ? NanWorkspace::short_of(size) : NanWorkspace(size);
        LstsqInfo<T> info;
        const VectorView<T> sv = is_spectral(method) ? s.view().col(0) : VectorView<T>();
        status[via_entry] =
            via_entry
                ? run_entry<T>(method, *c.X, *c.Y, *c.opts, W.view(), res.view().col(0), sv, info, work.workspace())
                : lstsq_inplace<T>(*c.X, *c.Y, *c.opts, W.view(), res.view().col(0), sv, info, work.workspace());
        // Nothing is written before the checks pass: W and the norms stay NaN.
        EXPECT_TRUE(std::isnan(W.view()(0, 0)) && std::isnan(res.view()(0, 0)));
      }
      EXPECT_EQ(status[0], c.expected);
      EXPECT_EQ(status[1], c.expected);
    }
  }
}

// The dispatcher alone sees a singular_values view of the wrong size when the method
// computes none: still dimension_mismatch, first of all checks, as before the split.
TYPED_TEST(LstsqEntries, DispatcherChecksSingularValuesForEveryMethod) {
  using T = TypeParam;
  const Matrix<T> X = random_matrix<T>(6, 4, 1601), Y = random_matrix<T>(6, 1, 1602);
  for (LstsqMethod method : kAllLstsqMethods) {
    LstsqOptions<T> opts;
    opts.method = method;
    Matrix<T> W(4, 1);
    Vector<T> res(1), s(3);
    LstsqInfo<T> info;
    NanWorkspace work(lstsq_workspace_size<T>(6, 4, 1, opts));
    EXPECT_EQ(lstsq_inplace<T>(X, Y, opts, W.view(), res.view(), s.view(), info, work.workspace()),
              Status::dimension_mismatch)
        << to_string(method);
  }
}

}  // namespace
}  // namespace stela::test
