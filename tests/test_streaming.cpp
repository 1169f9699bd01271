// The QR accumulator: after any sequence of added rows and blocks, removed rows and
// merges, it answers as Householder QR (lstsq's qr method) does on the rows that remain.
//
// Every accuracy check is a LAPACK-style ratio with threshold 30, recorded and printed
// per suite:
//   forward       ||W - W_qr||_F / ||W_qr||_F / (max(n, d) eps kappa (1 + kappa tan theta)),
//                 the Users' Guide bound for two backward-stable solutions (kappa and
//                 theta of the remaining rows, from their SVD);
//   optimality    ||X^T r_j|| / (||X||_F (||X||_F ||w_j|| + ||y_j||) max(n, d) eps),
//                 residual recomputed in long double from the rows themselves;
//   residual      |rho_j - ||y_j - X w_qr,j||| / ((||X||_F ||w_j|| + ||y_j||) max(n, d) eps),
//                 the accumulator's residual norm against the one lstsq computes;
//   R factor      ||R - D R_qr||_1 / (max(n, p) eps ||[X Y]||_1 kappa([X Y])), D the row
//                 signs, R_qr Householder QR's factor of [X | Y].
// Inputs come from the catalogue (include/stela/random.hpp) with fixed seeds; storage
// sits in NaN-padded buffers and the workspace starts as NaN, so a read of memory the
// accumulator does not own or has not written shows.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "solver_checks.hpp"
#include "stela/lstsq.hpp"
#include "stela/qr.hpp"
#include "stela/streaming.hpp"
#include "stela/svd.hpp"

namespace stela::test {
namespace {

template <class T>
class Streaming : public RatioSuite<Streaming<T>, T> {};
TYPED_TEST_SUITE(Streaming, Scalars, ScalarName);

// ---------------------------------------------------------------------------------------
// Test plumbing

// An accumulator over NaN-padded storage, with a NaN-filled workspace of
// workspace_size(d, k, block_rows). Not copyable: the accumulator points into it.
template <class T>
struct Stream {
  index d, k;
  Padded<T> storage;
  NanWorkspace scratch;
  QrAccumulator<T> acc;

  Stream(index d_, index k_, index block_rows = 16)
      : d(d_), k(k_), storage(d_ + k_, d_ + k_), scratch(QrAccumulator<T>::workspace_size(d_, k_, block_rows)) {
    Result<QrAccumulator<T>> made = QrAccumulator<T>::create(storage.view(), d, k);
    EXPECT_EQ(made.status(), Status::ok);
    acc = *made;
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  Workspace work() { return scratch.workspace(); }
  Status add_row(const Matrix<T>& X, const Matrix<T>& Y, index i, T lambda = T(1)) {
    return acc.add_row(X.row(i), Y.row(i), work(), lambda);
  }
  Status add_rows(const Matrix<T>& X, const Matrix<T>& Y, index i, index b, T lambda = T(1)) {
    return acc.add_rows(X.row_block(i, b), Y.row_block(i, b), work(), lambda);
  }
  Status remove_row(const Matrix<T>& X, const Matrix<T>& Y, index i) {
    return acc.remove_row(X.row(i), Y.row(i), work());
  }
};

// The rows idx of A, in that order.
template <class T>
Matrix<T> select_rows(MatrixView<const T> A, const std::vector<index>& idx) {
  Matrix<T> out(static_cast<index>(idx.size()), A.cols());
  for (std::size_t r = 0; r < idx.size(); ++r)
    for (index j = 0; j < A.cols(); ++j) out(static_cast<index>(r), j) = A(idx[r], j);
  return out;
}

std::vector<index> range_of(index begin, index end) {
  std::vector<index> idx(static_cast<std::size_t>(std::max<index>(end - begin, 0)));
  std::iota(idx.begin(), idx.end(), begin);
  return idx;
}

// [X | Y]
template <class T>
Matrix<T> side_by_side(MatrixView<const T> X, MatrixView<const T> Y) {
  Matrix<T> A(X.rows(), X.cols() + Y.cols());
  copy(X, A.col_block(0, X.cols()));
  copy(Y, A.col_block(X.cols(), Y.cols()));
  return A;
}

template <class T>
double max_nd_eps(index n, index d) {
  return static_cast<double>(std::max<index>({n, d, 1})) * static_cast<double>(eps<T>());
}

// ||X^T r_j|| / (||X||_F (||X||_F ||w_j|| + ||y_j||) max(n, d) eps), worst column.
template <class T>
double optimality(MatrixView<const T> X, MatrixView<const T> W, MatrixView<const T> Y) {
  const LongMatrix R = residual<T>(X, W, Y);
  const LongMatrix XtR = product(LongMatrix(X), R, true, false);
  const Long x = frobenius(LongMatrix(X));
  double worst = 0;
  for (index j = 0; j < Y.cols(); ++j) {
    const Long denominator = x * (x * column_norm(LongMatrix(W), j) + column_norm(LongMatrix(Y), j));
    if (denominator == 0) continue;
    worst = std::max(worst, static_cast<double>(column_norm(XtR, j) / denominator) / max_nd_eps<T>(X.rows(), X.cols()));
  }
  return worst;
}

// Aligns the signs of R's rows with R_ref's (by the diagonal, or the largest entry of the
// row when the diagonal is zero) and returns ||R - D R_ref||_1.
template <class T>
double signed_difference(MatrixView<const T> R, MatrixView<const T> R_ref) {
  const index p = R.rows();
  LongMatrix D(p, p);
  for (index i = 0; i < p; ++i) {
    index j0 = i;
    for (index j = i; j < p; ++j)
      if (std::fabs(static_cast<double>(R_ref(i, j))) > std::fabs(static_cast<double>(R_ref(i, j0)))) j0 = j;
    if (R_ref(i, i) != T(0)) j0 = i;
    const Long sign = (R(i, j0) >= 0) == (R_ref(i, j0) >= 0) ? 1 : -1;
    for (index j = 0; j < p; ++j) D(i, j) = static_cast<Long>(R(i, j)) - sign * static_cast<Long>(R_ref(i, j));
  }
  return static_cast<double>(one_norm(D));
}

// Householder QR's R of A (n x p, n >= p), p x p.
template <class T>
Matrix<T> householder_r(MatrixView<const T> A) {
  Result<QR<T>> F = qr(A);
  EXPECT_EQ(F.status(), Status::ok);
  Matrix<T> R = F->R();
  return Matrix<T>(MatrixView<const T>(R).row_block(0, A.cols()));
}

// What the comparison looked at, for callers that check more.
template <class T>
struct Comparison {
  Status status = Status::ok;
  Matrix<T> W;
};

// The accumulator against lstsq(X, Y, qr) on the rows it holds (X, Y): same status, and
// the forward, optimality and residual ratios. With check_r, R against Householder QR's
// factor of [X | Y] as well (meaningful when [X | Y] has full column rank).
template <class Fixture, class T>
Comparison<T> expect_matches_qr(Stream<T>& s, const Matrix<T>& X, const Matrix<T>& Y, const std::string& what,
                                bool check_r = false) {
  using TestFixture = Fixture;
  const index n = X.rows(), d = s.d, k = s.k;
  Comparison<T> out;
  out.W = Matrix<T>(d, k);
  Vector<T> rho(k);
  AccumulatorInfo<T> info;
  EXPECT_EQ(s.acc.rows(), n) << what;
  out.status = s.acc.solve(out.W.view(), rho.view(), info, s.work());
  const Result<LstsqResult<T>> ref = lstsq<T>(X, Y, LstsqOptions<T>{LstsqMethod::qr});
  EXPECT_EQ(out.status, ref.status()) << what;
  EXPECT_TRUE(s.storage.padding_untouched()) << what;
  if (out.status != Status::ok || !ref.ok()) return out;
  const Matrix<T>& W_ref = ref->solution;

  // forward: kappa and tan theta of the remaining rows
  const double kappa = kappa_of<T>(X);
  double tan_theta = 0;
  for (index j = 0; j < k; ++j) {
    const LongMatrix XW = product(LongMatrix(MatrixView<const T>(X)), LongMatrix(MatrixView<const T>(W_ref)));
    const Long fit = column_norm(XW, j);
    if (fit > 0) tan_theta = std::max(tan_theta, static_cast<double>(ref->residual_norm[j] / fit));
  }
  const double forward_scale = max_nd_eps<T>(n, d) * kappa * (1 + kappa * tan_theta);
  EXPECT_RATIO("forward / (eps kappa (1 + kappa tan theta))",
               relative_difference<T>(out.W, W_ref) / forward_scale);
  EXPECT_RATIO("optimality", optimality<T>(X, out.W, Y));
  const Long x = frobenius(LongMatrix(MatrixView<const T>(X)));
  for (index j = 0; j < k; ++j) {
    const double scale =
        static_cast<double>(x * column_norm(LongMatrix(MatrixView<const T>(W_ref)), j) +
                            column_norm(LongMatrix(MatrixView<const T>(Y)), j)) *
        max_nd_eps<T>(n, d);
    if (scale > 0)
      EXPECT_RATIO("residual norm",
                   std::fabs(static_cast<double>(rho[j]) - static_cast<double>(ref->residual_norm[j])) / scale);
  }
  EXPECT_EQ(info.rank, d);
  if (check_r && n >= d + k) {
    const Matrix<T> A = side_by_side<T>(X, Y);
    const double kappa_a = kappa_of<T>(A);
    const double scale = max_nd_eps<T>(n, d + k) * static_cast<double>(norm(A, Norm::one)) * kappa_a;
    if (std::isfinite(kappa_a) && scale > 0)
      EXPECT_RATIO("R factor / kappa([X Y])", signed_difference<T>(s.acc.R(), householder_r<T>(A)) / scale);
  }
  return out;
}

// Catalogue options every test uses: condition numbers and gradings a QR in T resolves
// comfortably, also after rows double (the rank rule's eps max(n, d) grows with n).
template <class T>
CatalogueOptions catalogue_options() {
  CatalogueOptions opts;
  opts.kappa = sizeof(T) == sizeof(float) ? 1e3 : 1e8;
  opts.grading = sizeof(T) == sizeof(float) ? 3 : 10;
  return opts;
}

// The catalogue types the comparisons sweep: full column rank, clearly so.
const MatrixType kFullRankTypes[] = {MatrixType::gaussian,       MatrixType::geometric,     MatrixType::one_small,
                                     MatrixType::log_uniform,    MatrixType::graded_rows,   MatrixType::graded_columns,
                                     MatrixType::near_overflow,  MatrixType::near_underflow};

template <class T>
TestMatrix<T> catalogue(MatrixType type, index n, index d, std::uint64_t seed) {
  return make_test_matrix<T>(type, n, d, seed, catalogue_options<T>());
}

// ---------------------------------------------------------------------------------------
// 1. Adding rows: one at a time, in blocks, mixed

TYPED_TEST(Streaming, AddedRowsMatchHouseholderQrAcrossCatalogue) {
  using T = TypeParam;
  for (MatrixType type : kFullRankTypes)
    for (auto [n, d] : {std::pair<index, index>{1, 1}, {3, 2}, {5, 5}, {12, 5}, {50, 10}, {60, 3}})
      for (index k : {1, 3})
        for (bool consistent : {true, false}) {
          const std::uint64_t seed = 100 + static_cast<std::uint64_t>(n * 7 + d + k);
          const TestMatrix<T> tm = catalogue<T>(type, n, d, seed);
          const Problem<T> p = make_problem(tm, k, consistent, seed + 1);
          const std::string what = case_name<T>(tm.name, n, d, seed) + " k=" + std::to_string(k) +
                                   (consistent ? " consistent" : " inconsistent");
          SCOPED_TRACE(what);
          Stream<T> s(d, k);
          for (index i = 0; i < n; ++i) ASSERT_EQ(s.add_row(tm.A, p.Y, i), Status::ok);
          expect_matches_qr<TestFixture>(s, tm.A, p.Y, what, !p.consistent);
        }
}

TYPED_TEST(Streaming, BlocksMatchRowsAndQrWhateverTheChunking) {
  using T = TypeParam;
  for (MatrixType type : {MatrixType::gaussian, MatrixType::geometric, MatrixType::graded_rows})
    for (auto [n, d] : {std::pair<index, index>{70, 10}, {200, 7}, {9, 4}})
      for (index block : {1, 3, 64}) {
        const index k = 2;
        const std::uint64_t seed = 300 + static_cast<std::uint64_t>(n + d + block);
        const TestMatrix<T> tm = catalogue<T>(type, n, d, seed);
        const Problem<T> p = make_problem(tm, k, false, seed + 1);
        const std::string what = case_name<T>(tm.name, n, d, seed) + " block " + std::to_string(block);
        SCOPED_TRACE(what);
        // Blocks of `block` rows through a workspace sized for that many, and the same
        // blocks through the smallest workspace add_rows accepts (one row per chunk).
        Stream<T> s(d, k, block);
        Stream<T> rows(d, k);
        NanWorkspace minimum(QrAccumulator<T>::add_rows_workspace_size(d, k, 1));
        Stream<T> narrow(d, k);
        for (index i = 0; i < n; i += block) {
          const index b = std::min(block, n - i);
          ASSERT_EQ(s.add_rows(tm.A, p.Y, i, b), Status::ok);
          ASSERT_EQ(narrow.acc.add_rows(tm.A.row_block(i, b), p.Y.row_block(i, b), minimum.workspace()), Status::ok);
          for (index r = i; r < i + b; ++r) ASSERT_EQ(rows.add_row(tm.A, p.Y, r), Status::ok);
        }
        expect_matches_qr<TestFixture>(s, tm.A, p.Y, what + " blocks", true);
        expect_matches_qr<TestFixture>(narrow, tm.A, p.Y, what + " one-row chunks", true);
        // Blocks and rows reach the same R (up to row signs and rounding).
        const Matrix<T> A = side_by_side<T>(tm.A, p.Y);
        const double scale = max_nd_eps<T>(n, d + k) * static_cast<double>(norm(A, Norm::one)) * kappa_of<T>(A);
        EXPECT_RATIO("R blocks vs rows / kappa([X Y])", signed_difference<T>(s.acc.R(), rows.acc.R()) / scale);
      }
}

// ---------------------------------------------------------------------------------------
// 2. Merging: TSQR over any split of the rows

TYPED_TEST(Streaming, MergedPartsMatchQrOfAllRows) {
  using T = TypeParam;
  const index d = 8, k = 2;
  // Four parts, one of them empty, with sizes below, at and above d.
  const std::vector<index> sizes = {0, 5, 23, 42};
  const index n = std::accumulate(sizes.begin(), sizes.end(), index(0));
  for (MatrixType type : {MatrixType::gaussian, MatrixType::geometric, MatrixType::graded_columns}) {
    const TestMatrix<T> tm = catalogue<T>(type, n, d, 400);
    const Problem<T> p = make_problem(tm, k, false, 401);
    const std::string what = case_name<T>(tm.name, n, d, 400);
    SCOPED_TRACE(what);
    std::vector<std::unique_ptr<Stream<T>>> parts;
    index start = 0;
    for (index size : sizes) {
      parts.push_back(std::make_unique<Stream<T>>(d, k));
      // Alternate single rows and blocks of 4 inside each part.
      for (index i = start; i < start + size;) {
        const index b = ((i - start) / 4) % 2 == 0 ? 1 : std::min<index>(4, start + size - i);
        ASSERT_EQ(b == 1 ? parts.back()->add_row(tm.A, p.Y, i) : parts.back()->add_rows(tm.A, p.Y, i, b), Status::ok);
        i += b;
      }
      start += size;
    }
    // A tree: (0 + 1) + (2 + 3), the last merge from a plain copy of R, as a receiving
    // process would hold it.
    ASSERT_EQ(parts[0]->acc.merge(parts[1]->acc, parts[0]->work()), Status::ok);
    ASSERT_EQ(parts[2]->acc.merge(parts[3]->acc, parts[2]->work()), Status::ok);
    const Matrix<T> received(parts[2]->acc.R());
    ASSERT_EQ(parts[0]->acc.merge(received, parts[2]->acc.rows(), parts[0]->work()), Status::ok);
    expect_matches_qr<TestFixture>(*parts[0], tm.A, p.Y, what + " tree", true);
    // Merging an accumulator with itself counts every row twice: R scales by sqrt(2),
    // the solution stays.
    const Comparison<T> before = expect_matches_qr<TestFixture>(*parts[0], tm.A, p.Y, what + " before self-merge");
    Vector<T> rho_before(k), rho_after(k);
    ASSERT_EQ(parts[0]->acc.residual_norms(rho_before.view()), Status::ok);
    ASSERT_EQ(parts[0]->acc.merge(parts[0]->acc, parts[0]->work()), Status::ok);
    EXPECT_EQ(parts[0]->acc.rows(), 2 * n);
    ASSERT_EQ(parts[0]->acc.residual_norms(rho_after.view()), Status::ok);
    Matrix<T> W(d, k);
    Vector<T> rho(k);
    AccumulatorInfo<T> info;
    ASSERT_EQ(parts[0]->acc.solve(W.view(), rho.view(), info, parts[0]->work()), Status::ok);
    EXPECT_RATIO("self-merge solution / (eps kappa)",
                 relative_difference<T>(W, before.W) / (max_nd_eps<T>(n, d) * kappa_of<T>(tm.A)));
    for (index j = 0; j < k; ++j)
      EXPECT_RATIO("self-merge residual sqrt(2)",
                   std::fabs(static_cast<double>(rho_after[j]) - std::sqrt(2.0) * static_cast<double>(rho_before[j])) /
                       (static_cast<double>(rho_before[j]) * max_nd_eps<T>(n, d)));
  }
}

// ---------------------------------------------------------------------------------------
// 3. Removing rows

TYPED_TEST(Streaming, RemovedRowsMatchQrOfTheRest) {
  using T = TypeParam;
  for (MatrixType type : {MatrixType::gaussian, MatrixType::geometric, MatrixType::graded_columns,
                          MatrixType::near_underflow})
    for (auto [n, d] : {std::pair<index, index>{40, 5}, {90, 12}})
      for (bool consistent : {true, false}) {
        const index k = 3;
        const std::uint64_t seed = 500 + static_cast<std::uint64_t>(n + d);
        const TestMatrix<T> tm = catalogue<T>(type, n, d, seed);
        const Problem<T> p = make_problem(tm, k, consistent, seed + 1);
        const std::string what = case_name<T>(tm.name, n, d, seed) + (consistent ? " consistent" : " inconsistent");
        SCOPED_TRACE(what);
        Stream<T> s(d, k);
        ASSERT_EQ(s.add_rows(tm.A, p.Y, 0, n), Status::ok);
        // Remove every third row, first to last, then compare with the QR of the rest.
        std::vector<index> kept;
        for (index i = 0; i < n; ++i) {
          if (i % 3 == 1) {
            ASSERT_EQ(s.remove_row(tm.A, p.Y, i), Status::ok) << "row " << i;
          } else {
            kept.push_back(i);
          }
        }
        expect_matches_qr<TestFixture>(s, select_rows<T>(tm.A, kept), select_rows<T>(p.Y, kept), what, !p.consistent);
      }
}

// A consistent right-hand side next to an inconsistent one: R22 is singular, its first
// row at rounding level, and removals must keep both residuals right (zero and not).
TYPED_TEST(Streaming, RemovalsKeepZeroAndNonzeroResidualsApart) {
  using T = TypeParam;
  const index n = 60, d = 6, k = 3;
  const TestMatrix<T> tm = catalogue<T>(MatrixType::gaussian, n, d, 600);
  Problem<T> p = make_problem(tm, k, true, 601);
  const Matrix<T> noise = random_matrix<T>(n, 1, 602);
  for (index i = 0; i < n; ++i) p.Y(i, 1) += noise(i, 0);  // column 1 inconsistent, 0 and 2 not
  Stream<T> s(d, k);
  for (index i = 0; i < n; ++i) ASSERT_EQ(s.add_row(tm.A, p.Y, i), Status::ok);
  std::vector<index> kept;
  for (index i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      ASSERT_EQ(s.remove_row(tm.A, p.Y, i), Status::ok) << "row " << i;
    } else {
      kept.push_back(i);
    }
  }
  expect_matches_qr<TestFixture>(s, select_rows<T>(tm.A, kept), select_rows<T>(p.Y, kept), "mixed residuals");
}

// Any sequence of the four operations over two accumulators, with checkpoints against
// the QR of exactly the rows each one holds.
TYPED_TEST(Streaming, AnySequenceOfAddsRemovesAndMergesMatchesQr) {
  using T = TypeParam;
  const index d = 6, k = 2, pool = 400;
  for (MatrixType type : {MatrixType::gaussian, MatrixType::geometric}) {
    const TestMatrix<T> tm = catalogue<T>(type, pool, d, 700);
    const Problem<T> p = make_problem(tm, k, false, 701);
    Stream<T> a(d, k), b(d, k);
    std::vector<index> in_a, in_b;
    index next = 0;  // the next unused row of the pool
    Rng rng(702);
    for (int step = 0; step < 120 && next < pool - 20; ++step) {
      const std::string what = std::string(to_string(type)) + " step " + std::to_string(step);
      SCOPED_TRACE(what);
      const double u = rng.uniform();
      const bool to_a = rng.uniform() < 0.6;
      Stream<T>& s = to_a ? a : b;
      std::vector<index>& in = to_a ? in_a : in_b;
      if (u < 0.35) {  // one row
        ASSERT_EQ(s.add_row(tm.A, p.Y, next), Status::ok);
        in.push_back(next++);
      } else if (u < 0.6) {  // a block of 1..20 rows
        const index size = 1 + static_cast<index>(rng.uniform() * 20);
        ASSERT_EQ(s.add_rows(tm.A, p.Y, next, size), Status::ok);
        for (index i = 0; i < size; ++i) in.push_back(next++);
      } else if (u < 0.85) {  // remove a random row while at least 4 d remain
        if (static_cast<index>(in.size()) <= 4 * d) continue;
        const std::size_t at = static_cast<std::size_t>(rng.uniform() * static_cast<double>(in.size()));
        ASSERT_EQ(s.remove_row(tm.A, p.Y, in[at]), Status::ok);
        in.erase(in.begin() + static_cast<std::ptrdiff_t>(at));
      } else {  // b into a, then b starts again
        ASSERT_EQ(a.acc.merge(b.acc, a.work()), Status::ok);
        in_a.insert(in_a.end(), in_b.begin(), in_b.end());
        b.acc.reset();
        in_b.clear();
      }
      if (step % 10 == 9 && static_cast<index>(in_a.size()) >= d)
        expect_matches_qr<TestFixture>(a, select_rows<T>(tm.A, in_a), select_rows<T>(p.Y, in_a), what);
    }
    expect_matches_qr<TestFixture>(a, select_rows<T>(tm.A, in_a), select_rows<T>(p.Y, in_a), "end a", true);
    if (static_cast<index>(in_b.size()) >= d)
      expect_matches_qr<TestFixture>(b, select_rows<T>(tm.A, in_b), select_rows<T>(p.Y, in_b), "end b", true);
  }
}

// ---------------------------------------------------------------------------------------
// 4. Forgetting factor: the explicitly weighted problem

TYPED_TEST(Streaming, ForgettingFactorSolvesTheWeightedProblem) {
  using T = TypeParam;
  const index n = 80, d = 5, k = 2;
  for (double lambda : {0.999, 0.95, 0.8}) {
    const TestMatrix<T> tm = catalogue<T>(MatrixType::geometric, n, d, 800);
    const Problem<T> p = make_problem(tm, k, false, 801);
    const std::string what = "lambda " + std::to_string(lambda);
    SCOPED_TRACE(what);
    // Rows 0..29 one at a time, 30..69 in blocks of 8, 70..79 one at a time.
    Stream<T> s(d, k);
    for (index i = 0; i < n;) {
      const bool block = i >= 30 && i < 70;
      ASSERT_EQ(block ? s.add_rows(tm.A, p.Y, i, 8, T(lambda)) : s.add_row(tm.A, p.Y, i, T(lambda)), Status::ok);
      i += block ? 8 : 1;
    }
    // The weighted rows: row i scaled by sqrt(lambda)^(n - 1 - i), in long double.
    Matrix<T> Xw(n, d), Yw(n, k);
    for (index i = 0; i < n; ++i) {
      const Long weight = std::pow(std::sqrt(static_cast<Long>(lambda)), static_cast<Long>(n - 1 - i));
      for (index j = 0; j < d; ++j) Xw(i, j) = static_cast<T>(weight * tm.A(i, j));
      for (index j = 0; j < k; ++j) Yw(i, j) = static_cast<T>(weight * p.Y(i, j));
    }
    expect_matches_qr<TestFixture>(s, Xw, Yw, what, true);
  }
}

// ---------------------------------------------------------------------------------------
// 5. Rank deficiency: statuses, the minimum-norm solve, rank and singular values

TYPED_TEST(Streaming, DowndatingToRankDeficiencyIsRefusedAndChangesNothing) {
  using T = TypeParam;
  const index d = 4, k = 1;
  // Rows 0..9 lie in a 3-dimensional subspace; rows 10..12 bring the fourth direction.
  Matrix<T> X(13, d);
  const Matrix<T> B = random_matrix<T>(d, 3, 900), C = random_matrix<T>(13, 3, 901), G = random_matrix<T>(13, d, 902);
  for (index i = 0; i < 13; ++i)
    for (index j = 0; j < d; ++j) {
      Long s = 0;
      for (index q = 0; q < 3; ++q) s += static_cast<Long>(B(j, q)) * C(i, q);
      X(i, j) = i < 10 ? static_cast<T>(s) : G(i, j);
    }
  const Matrix<T> Y = random_matrix<T>(13, k, 903);
  Stream<T> s(d, k);
  ASSERT_EQ(s.add_rows(X, Y, 0, 13), Status::ok);
  ASSERT_EQ(s.remove_row(X, Y, 10), Status::ok);
  ASSERT_EQ(s.remove_row(X, Y, 11), Status::ok);
  std::vector<index> kept = range_of(0, 10);
  kept.push_back(12);
  expect_matches_qr<TestFixture>(s, select_rows<T>(X, kept), select_rows<T>(Y, kept), "one generic row left");
  // Removing the last row that carries the fourth direction would leave rank 3.
  const Matrix<T> before(s.acc.R());
  EXPECT_EQ(s.remove_row(X, Y, 12), Status::not_positive_definite);
  EXPECT_TRUE(same_bits<T>(s.acc.R(), before));
  EXPECT_EQ(s.acc.rows(), 11);
  // So would removing rows from an accumulator of exactly rank-deficient rows...
  Stream<T> low(d, k);
  ASSERT_EQ(low.add_rows(X, Y, 0, 10), Status::ok);
  const Matrix<T> low_before(low.acc.R());
  EXPECT_EQ(low.remove_row(X, Y, 3), Status::not_positive_definite);
  EXPECT_TRUE(same_bits<T>(low.acc.R(), low_before));
  // ... a row that was never added and outweighs everything ...
  Vector<T> big(d, T(1000));
  Vector<T> y0(k, T(0));
  EXPECT_EQ(s.acc.remove_row(big, y0, s.work()), Status::not_positive_definite);
  EXPECT_TRUE(same_bits<T>(s.acc.R(), before));
  // ... and any row from an empty accumulator.
  Stream<T> empty(d, k);
  EXPECT_EQ(empty.remove_row(X, Y, 0), Status::not_positive_definite);
  EXPECT_EQ(empty.acc.rows(), 0);
}

TYPED_TEST(Streaming, RankDeficientRowsGiveTheStatusOrTheMinimumNormSolution) {
  using T = TypeParam;
  for (auto [n, d, r] : {std::tuple<index, index, index>{40, 8, 5}, {30, 10, 1}, {6, 9, 4}}) {
    const index k = 2;
    CatalogueOptions opts = catalogue_options<T>();
    opts.rank = r;
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::rank_deficient, n, d, 1000, opts);
    const Problem<T> p = make_problem(tm, k, false, 1001);
    const std::string what = case_name<T>(tm.name, n, d, 1000);
    SCOPED_TRACE(what);
    Stream<T> s(d, k);
    for (index i = 0; i < n; i += 2) ASSERT_EQ(s.add_rows(tm.A, p.Y, i, std::min<index>(2, n - i)), Status::ok);
    // solve: the status of lstsq's qr method, W untouched.
    Matrix<T> W(d, k, nan<T>());
    Vector<T> rho(k, nan<T>());
    AccumulatorInfo<T> info;
    EXPECT_EQ(s.acc.solve(W.view(), rho.view(), info, s.work()), Status::rank_deficient);
    EXPECT_EQ(lstsq<T>(tm.A, p.Y, LstsqOptions<T>{LstsqMethod::qr}).status(), Status::rank_deficient);
    EXPECT_TRUE(std::isnan(static_cast<double>(W(0, 0))) && std::isnan(static_cast<double>(rho[0])));
    // rank and singular values: those of X.
    const Result<index> rank = s.acc.rank(s.work());
    ASSERT_EQ(rank.status(), Status::ok);
    EXPECT_EQ(*rank, r);
    Vector<T> sv(d);
    ASSERT_EQ(s.acc.singular_values(sv.view(), s.work()), Status::ok);
    Vector<T> sigma(d);  // the catalogue's min(n, d) values, then zeros
    for (index i = 0; i < tm.sigma.size(); ++i) sigma[i] = tm.sigma[i];
    EXPECT_RATIO("singular values", singular_value_ratio<T>(sv, sigma, n, d));
    // solve_minimum_norm: lstsq's svd answer, in the row space of X.
    Vector<T> s_out(d), rho_min(k);
    ASSERT_EQ(s.acc.solve_minimum_norm(W.view(), s_out.view(), rho_min.view(), info, s.work()), Status::ok);
    EXPECT_EQ(info.rank, r);
    const Result<LstsqResult<T>> ref = lstsq<T>(tm.A, p.Y, LstsqOptions<T>{LstsqMethod::svd});
    ASSERT_EQ(ref.status(), Status::ok);
    const double kappa_r = kappa_of<T>(tm.sigma, r);
    EXPECT_RATIO("minimum norm vs lstsq svd / (eps kappa_r (1 + kappa_r tan theta))",
                 relative_difference<T>(W, ref->solution) / (max_nd_eps<T>(n, d) * kappa_r * (1 + kappa_r)));
    EXPECT_RATIO("minimum norm: row space / kappa_r",
                 subspace_ratio<T>(MatrixView<const T>(tm.V).col_block(0, r), W) / kappa_r);
    EXPECT_RATIO("minimum norm optimality", optimality<T>(tm.A, W, p.Y));
    for (index j = 0; j < k; ++j) {
      const double scale = static_cast<double>(frobenius(LongMatrix(MatrixView<const T>(tm.A))) *
                                                   column_norm(LongMatrix(MatrixView<const T>(W)), j) +
                                               column_norm(LongMatrix(MatrixView<const T>(p.Y)), j)) *
                           max_nd_eps<T>(n, d);
      EXPECT_RATIO("minimum norm residual",
                   std::fabs(static_cast<double>(rho_min[j]) - static_cast<double>(ref->residual_norm[j])) / scale);
    }
  }
}

// ---------------------------------------------------------------------------------------
// 6. Diagnostics and edge shapes

TYPED_TEST(Streaming, ConditionEstimateBracketsTheTriangleCondition) {
  using T = TypeParam;
  for (double kappa : {1.0, 1e2, 1e3}) {
    const index n = 30, d = 7, k = 1;
    CatalogueOptions opts;
    opts.kappa = kappa;
    const TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, n, d, 1100, opts);
    const Matrix<T> Y = random_matrix<T>(n, k, 1101);
    Stream<T> s(d, k);
    ASSERT_EQ(s.add_rows(tm.A, Y, 0, n), Status::ok);
    const Result<T> estimate = s.acc.condition_estimate(s.work());
    ASSERT_EQ(estimate.status(), Status::ok);
    // kappa_2(R11) = kappa_2(X) = kappa (prescribed singular values; R11 is the R of a
    // matrix within O(eps) of X). The estimate is a lower bound within a factor of 2
    // (src/blas/triangular_condition.cpp).
    EXPECT_LE(static_cast<double>(*estimate), kappa * 1.001) << "kappa " << kappa;
    EXPECT_GE(static_cast<double>(*estimate), kappa / 2) << "kappa " << kappa;
  }
  // Fewer rows than unknowns: R11's last diagonal entry is zero (+Inf) or rounding
  // (beyond 1 / eps), and solve reports rank_deficient.
  Stream<T> few(3, 1);
  const Matrix<T> X = random_matrix<T>(2, 3, 1102), Y = random_matrix<T>(2, 1, 1103);
  ASSERT_EQ(few.add_rows(X, Y, 0, 2), Status::ok);
  EXPECT_GT(static_cast<double>(*few.acc.condition_estimate(few.work())), 1 / static_cast<double>(eps<T>()));
  Stream<T> empty(3, 1);
  EXPECT_TRUE(std::isinf(static_cast<double>(*empty.acc.condition_estimate(empty.work()))));
}

TYPED_TEST(Streaming, EdgeShapes) {
  using T = TypeParam;
  const Matrix<T> X = random_matrix<T>(5, 3, 1200), Y = random_matrix<T>(5, 2, 1201);
  // d = 0: nothing to solve for, every residual is ||y_j||.
  {
    Stream<T> s(0, 2);
    const Matrix<T> none(5, 0);
    for (index i = 0; i < 5; ++i) ASSERT_EQ(s.acc.add_row(none.row(i), Y.row(i), s.work()), Status::ok);
    ASSERT_EQ(s.acc.remove_row(none.row(4), Y.row(4), s.work()), Status::ok);
    Matrix<T> W(0, 2);
    Vector<T> rho(2);
    AccumulatorInfo<T> info;
    ASSERT_EQ(s.acc.solve(W.view(), rho.view(), info, s.work()), Status::ok);
    for (index j = 0; j < 2; ++j)
      EXPECT_NEAR(static_cast<double>(rho[j]), static_cast<double>(nrm2(Y.col(j).segment(0, 4))),
                  10 * static_cast<double>(eps<T>()) * static_cast<double>(nrm2(Y.col(j))));
  }
  // k = 0: the R of X alone; solves produce d x 0.
  {
    Stream<T> s(3, 0);
    const Matrix<T> none(5, 0);
    ASSERT_EQ(s.acc.add_rows(X, none, s.work()), Status::ok);
    ASSERT_EQ(s.acc.add_rows(X, MatrixView<const T>(), s.work()), Status::ok);  // an empty Yb is fine too
    Matrix<T> W(3, 0);
    AccumulatorInfo<T> info;
    EXPECT_EQ(s.acc.solve(W.view(), VectorView<T>(), info, s.work()), Status::ok);
    EXPECT_EQ(*s.acc.rank(s.work()), 3);
    const Matrix<T> XX = [&] {
      Matrix<T> A(10, 3);
      copy(MatrixView<const T>(X), A.row_block(0, 5));
      copy(MatrixView<const T>(X), A.row_block(5, 5));
      return A;
    }();
    const double scale = max_nd_eps<T>(10, 3) * static_cast<double>(norm(XX, Norm::one)) * kappa_of<T>(X);
    EXPECT_LT(signed_difference<T>(s.acc.R(), householder_r<T>(XX)) / scale, kThreshold);
  }
  // d = k = 0: only rows are counted.
  {
    Stream<T> s(0, 0);
    ASSERT_EQ(s.acc.add_row(VectorView<const T>(), VectorView<const T>(), s.work()), Status::ok);
    EXPECT_EQ(s.acc.rows(), 1);
  }
  // Fewer rows than unknowns: rank_deficient from solve, the minimum-norm answer from
  // solve_minimum_norm (the wide problem's, as lstsq's svd).
  {
    Stream<T> s(3, 2);
    ASSERT_EQ(s.add_rows(X, Y, 0, 2), Status::ok);
    Matrix<T> W(3, 2);
    AccumulatorInfo<T> info;
    EXPECT_EQ(s.acc.solve(W.view(), VectorView<T>(), info, s.work()), Status::rank_deficient);
    ASSERT_EQ(s.acc.solve_minimum_norm(W.view(), VectorView<T>(), VectorView<T>(), info, s.work()), Status::ok);
    EXPECT_EQ(info.rank, 2);
    const Result<LstsqResult<T>> ref = lstsq<T>(X.row_block(0, 2), Y.row_block(0, 2));
    ASSERT_EQ(ref.status(), Status::ok);
    const double kappa = kappa_of<T>(transpose<T>(X.row_block(0, 2)));
    EXPECT_LT(relative_difference<T>(W, ref->solution) / (max_nd_eps<T>(3, 3) * kappa), kThreshold);
  }
}

// The downdate error: zero until a removal, larger after an ill-conditioned removal
// than after a benign one, carried by merges, scaled by forgetting, cleared by reset.
TYPED_TEST(Streaming, DowndateErrorFollowsTheRemovals) {
  using T = TypeParam;
  const index n = 30, d = 4, k = 1;
  const Matrix<T> X = random_matrix<T>(n, d, 1250), Y = random_matrix<T>(n, k, 1251);
  Stream<T> s(d, k);
  ASSERT_EQ(s.add_rows(X, Y, 0, n), Status::ok);
  EXPECT_EQ(s.acc.downdate_error(), T(0));
  ASSERT_EQ(s.remove_row(X, Y, 0), Status::ok);
  const T benign = s.acc.downdate_error();
  EXPECT_GT(benign, T(0));
  // A row of large leverage: x = 20 X(1, :) added, then removed; rho^2 = 1 - h is small.
  Vector<T> x(X.row(1)), y(Y.row(1));
  scal(T(20), x.view());
  Stream<T> t(d, k);
  ASSERT_EQ(t.add_rows(X, Y, 1, n - 1), Status::ok);
  ASSERT_EQ(t.acc.add_row(x, y, t.work()), Status::ok);
  ASSERT_EQ(t.acc.remove_row(x, y, t.work()), Status::ok);
  EXPECT_GT(t.acc.downdate_error(), T(10) * benign);
  // Merges add, forgetting scales, reset clears.
  const T before_merge = s.acc.downdate_error() + t.acc.downdate_error();
  ASSERT_EQ(s.acc.merge(t.acc, s.work()), Status::ok);
  EXPECT_EQ(s.acc.downdate_error(), before_merge);
  ASSERT_EQ(s.acc.add_row(X.row(2), Y.row(2), s.work(), T(0.25)), Status::ok);
  EXPECT_EQ(s.acc.downdate_error(), before_merge * T(0.5));
  s.acc.reset();
  EXPECT_EQ(s.acc.downdate_error(), T(0));
  EXPECT_EQ(s.acc.rows(), 0);
}

// ---------------------------------------------------------------------------------------
// 7. Bad input: a clear status, and the accumulator exactly as it was

TYPED_TEST(Streaming, BadInputIsRejectedAndChangesNothing) {
  using T = TypeParam;
  const index d = 4, k = 2;
  const Matrix<T> X = random_matrix<T>(20, d, 1300), Y = random_matrix<T>(20, k, 1301);
  Stream<T> s(d, k);
  ASSERT_EQ(s.add_rows(X, Y, 0, 20), Status::ok);
  const Matrix<T> before(s.acc.R());
  auto unchanged = [&](const char* what) {
    EXPECT_TRUE(same_bits<T>(s.acc.R(), before)) << what;
    EXPECT_EQ(s.acc.rows(), 20) << what;
    EXPECT_TRUE(s.storage.padding_untouched()) << what;
  };
  Vector<T> x(X.row(3)), y(Y.row(3));
  // NaN and Inf rows.
  for (T bad : {nan<T>(), std::numeric_limits<T>::infinity()}) {
    Vector<T> xb(x), yb(y);
    xb[2] = bad;
    EXPECT_EQ(s.acc.add_row(xb, y, s.work()), Status::not_finite);
    EXPECT_EQ(s.acc.remove_row(xb, y, s.work()), Status::not_finite);
    yb[1] = bad;
    EXPECT_EQ(s.acc.add_row(x, yb, s.work()), Status::not_finite);
    Matrix<T> Xb(X.row_block(0, 6)), Yb(Y.row_block(0, 6));
    Xb(5, 1) = bad;  // in the last row: nothing may be added before the check
    EXPECT_EQ(s.acc.add_rows(Xb, Yb, s.work()), Status::not_finite);
    Matrix<T> Rb(before);
    Rb(1, 3) = bad;
    EXPECT_EQ(s.acc.merge(Rb, 5, s.work()), Status::not_finite);
    unchanged("not finite");
  }
  // NaN below the diagonal of a received R is not read.
  Matrix<T> lower_nan(before);
  lower_nan(3, 1) = nan<T>();
  // Wrong sizes.
  const Vector<T> short_x(d - 1), long_y(k + 1);
  EXPECT_EQ(s.acc.add_row(short_x, y, s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.add_row(x, long_y, s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.remove_row(short_x, y, s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.add_rows(X.block(0, 0, 5, d - 1), Y.row_block(0, 5), s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.add_rows(X.row_block(0, 5), Y.row_block(0, 4), s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.merge(Matrix<T>(d + k, d + k + 1), 3, s.work()), Status::dimension_mismatch);
  Stream<T> other(d + 1, k);
  EXPECT_EQ(s.acc.merge(other.acc, s.work()), Status::dimension_mismatch);
  unchanged("sizes");
  // lambda outside (0, 1].
  for (T lambda : {T(0), T(-0.5), T(1.5), nan<T>(), std::numeric_limits<T>::infinity()}) {
    EXPECT_EQ(s.acc.add_row(x, y, s.work(), lambda), Status::invalid_argument);
    EXPECT_EQ(s.acc.add_rows(X.row_block(0, 3), Y.row_block(0, 3), s.work(), lambda), Status::invalid_argument);
  }
  EXPECT_EQ(s.acc.merge(before, -1, s.work()), Status::invalid_argument);
  EXPECT_EQ(s.acc.merge(before, 3, s.work(), T(-1)), Status::invalid_argument);
  EXPECT_EQ(s.acc.merge(before, 3, s.work(), nan<T>()), Status::invalid_argument);
  unchanged("arguments");
  // Workspace one byte short of each query.
  NanWorkspace short_row = NanWorkspace::short_of(QrAccumulator<T>::add_row_workspace_size(d, k));
  EXPECT_EQ(s.acc.add_row(x, y, short_row.workspace()), Status::workspace_too_small);
  NanWorkspace short_rows = NanWorkspace::short_of(QrAccumulator<T>::add_rows_workspace_size(d, k, 1));
  EXPECT_EQ(s.acc.add_rows(X.row_block(0, 3), Y.row_block(0, 3), short_rows.workspace()), Status::workspace_too_small);
  NanWorkspace short_remove = NanWorkspace::short_of(QrAccumulator<T>::remove_row_workspace_size(d, k));
  EXPECT_EQ(s.acc.remove_row(x, y, short_remove.workspace()), Status::workspace_too_small);
  NanWorkspace short_merge = NanWorkspace::short_of(QrAccumulator<T>::merge_workspace_size(d, k));
  EXPECT_EQ(s.acc.merge(before, 3, short_merge.workspace()), Status::workspace_too_small);
  unchanged("workspace");
  // A received R with NaN below its diagonal merges as the clean one would.
  ASSERT_EQ(s.acc.merge(lower_nan, 20, s.work()), Status::ok);
  EXPECT_TRUE(all_finite(s.acc.R()));
}

// The reads and creation: bad arguments are statuses too, and reads change nothing.
TYPED_TEST(Streaming, BadReadArgumentsAndStorageGiveStatuses) {
  using T = TypeParam;
  const index d = 4, k = 2;
  const Matrix<T> X = random_matrix<T>(20, d, 1310), Y = random_matrix<T>(20, k, 1311);
  Stream<T> s(d, k);
  ASSERT_EQ(s.add_rows(X, Y, 0, 20), Status::ok);
  const Matrix<T> before(s.acc.R());
  auto unchanged = [&](const char* what) {
    EXPECT_TRUE(same_bits<T>(s.acc.R(), before)) << what;
    EXPECT_EQ(s.acc.rows(), 20) << what;
  };
  // The reads: bad arguments are statuses too.
  Matrix<T> W(d, k), W_wrong(d, k + 1);
  Vector<T> rho_wrong(k + 1), s_wrong(d + 1);
  AccumulatorInfo<T> info;
  EXPECT_EQ(s.acc.solve(W_wrong.view(), VectorView<T>(), info, s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.solve(W.view(), rho_wrong.view(), info, s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.solve(W.view(), VectorView<T>(), info, s.work(), RankTolerance<T>{-1, 0}), Status::invalid_argument);
  EXPECT_EQ(s.acc.solve_minimum_norm(W.view(), s_wrong.view(), VectorView<T>(), info, s.work()),
            Status::dimension_mismatch);
  EXPECT_EQ(s.acc.residual_norms(rho_wrong.view()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.singular_values(s_wrong.view(), s.work()), Status::dimension_mismatch);
  EXPECT_EQ(s.acc.rank(s.work(), RankTolerance<T>{0, nan<T>()}).status(), Status::invalid_argument);
  NanWorkspace short_solve = NanWorkspace::short_of(QrAccumulator<T>::solve_workspace_size(d, k));
  EXPECT_EQ(s.acc.solve(W.view(), VectorView<T>(), info, short_solve.workspace()), Status::workspace_too_small);
  NanWorkspace short_min = NanWorkspace::short_of(QrAccumulator<T>::solve_minimum_norm_workspace_size(d, k));
  EXPECT_EQ(s.acc.solve_minimum_norm(W.view(), VectorView<T>(), VectorView<T>(), info, short_min.workspace()),
            Status::workspace_too_small);
  NanWorkspace short_spectrum = NanWorkspace::short_of(QrAccumulator<T>::spectrum_workspace_size(d));
  EXPECT_EQ(s.acc.rank(short_spectrum.workspace()).status(), Status::workspace_too_small);
  unchanged("reads");
  // Creation: storage too small, negative sizes; the storage untouched.
  Padded<T> small(d + k - 1, d + k);
  EXPECT_EQ(QrAccumulator<T>::create(small.view(), d, k).status(), Status::workspace_too_small);
  EXPECT_EQ(QrAccumulator<T>::create(small.view(), -1, k).status(), Status::invalid_argument);
  EXPECT_EQ(QrAccumulator<T>::create(small.view(), d, -2).status(), Status::invalid_argument);
  for (index j = 0; j < d + k; ++j)
    for (index i = 0; i < d + k - 1; ++i) EXPECT_TRUE(std::isnan(static_cast<double>(small.view()(i, j))));
}

// The queries hold: storage from a Workspace, every operation inside workspace_size.
TYPED_TEST(Streaming, OneBufferServesEveryOperation) {
  using T = TypeParam;
  const index d = 5, k = 2, block = 8;
  const Matrix<T> X = random_matrix<T>(40, d, 1400), Y = random_matrix<T>(40, k, 1401);
  NanWorkspace buffer(QrAccumulator<T>::storage_size(d, k) + QrAccumulator<T>::workspace_size(d, k, block));
  Workspace arena = buffer.workspace();
  MatrixView<T> storage = arena.matrix<T>(d + k, d + k);
  Result<QrAccumulator<T>> made = QrAccumulator<T>::create(storage, d, k);
  ASSERT_EQ(made.status(), Status::ok);
  QrAccumulator<T> acc = *made;
  for (index i = 0; i < 40; i += block)
    ASSERT_EQ(acc.add_rows(X.row_block(i, block), Y.row_block(i, block), arena), Status::ok);
  ASSERT_EQ(acc.remove_row(X.row(7), Y.row(7), arena), Status::ok);
  ASSERT_EQ(acc.add_row(X.row(7), Y.row(7), arena), Status::ok);
  ASSERT_EQ(acc.merge(acc, arena), Status::ok);
  Matrix<T> W(d, k);
  Vector<T> rho(k), s(d);
  AccumulatorInfo<T> info;
  EXPECT_EQ(acc.solve(W.view(), rho.view(), info, arena), Status::ok);
  EXPECT_EQ(acc.solve_minimum_norm(W.view(), s.view(), rho.view(), info, arena), Status::ok);
  EXPECT_EQ(acc.singular_values(s.view(), arena), Status::ok);
  EXPECT_EQ(acc.rank(arena).status(), Status::ok);
  EXPECT_EQ(acc.condition_estimate(arena).status(), Status::ok);
  EXPECT_EQ(acc.rows(), 80);
  const Matrix<T> XX = [&] {
    Matrix<T> A(80, d);
    copy(MatrixView<const T>(X), A.row_block(0, 40));
    copy(MatrixView<const T>(X), A.row_block(40, 40));
    return A;
  }();
  const Matrix<T> YY = [&] {
    Matrix<T> A(80, k);
    copy(MatrixView<const T>(Y), A.row_block(0, 40));
    copy(MatrixView<const T>(Y), A.row_block(40, 40));
    return A;
  }();
  const Result<LstsqResult<T>> ref = lstsq<T>(XX, YY, LstsqOptions<T>{LstsqMethod::qr});
  ASSERT_EQ(ref.status(), Status::ok);
  EXPECT_LT(relative_difference<T>(W, ref->solution) / (max_nd_eps<T>(80, d) * kappa_of<T>(X)), kThreshold);
}

}  // namespace
}  // namespace stela::test
