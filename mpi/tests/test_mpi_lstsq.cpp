// stela::mpi::lstsq under mpirun -np 1, 2, 4 (ctest runs each): the distributed TSQR
// against the in-memory lstsq(X, Y, qr) on the same rows, float and double, one and
// several right-hand sides, even and uneven shares, a process without rows; and bad
// input on one process (NaN, a shape mismatch, a different d) giving the same status on
// every process, with the culprit's rank, instead of a hang.
//
// Every process builds the whole problem from the same seed and keeps its own rows; only
// rank 0 prints. A failed check on any process fails every process (an allreduce of the
// failure counts at the end), so mpirun's exit status is non-zero.
#include <mpi.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "mpi_checks.hpp"
#include "stela/mpi.hpp"

namespace {

using stela::index;
using stela::Matrix;
using stela::MatrixView;
using stela::Status;

int g_me = 0, g_p = 1, g_failures = 0;

void check(bool ok, const std::string& what) {
  if (ok) return;
  ++g_failures;
  std::printf("FAILED on rank %d of %d: %s\n", g_me, g_p, what.c_str());
}

template <class T>
const char* type_name() {
  return sizeof(T) == sizeof(float) ? "float" : "double";
}

// Rows [first, first + count) of A.
template <class T>
Matrix<T> rows_of(const Matrix<T>& A, index first, index count) {
  return Matrix<T>(MatrixView<const T>(A).row_block(first, count));
}

// This rank's share of n rows: even, or skewed so that rank r gets about (r + 1) shares.
void share(index n, bool skewed, index& first, index& count) {
  const index weights = skewed ? g_p * (g_p + 1) / 2 : g_p;
  const index before = skewed ? g_me * (g_me + 1) / 2 : g_me;
  const index mine = skewed ? g_me + 1 : 1;
  first = n * before / weights;
  count = n * (before + mine) / weights - first;
}

template <class T>
void agrees_with_in_memory_qr(index n, index d, index k, bool skewed, std::uint64_t seed) {
  Matrix<T> X, Y;
  stela::mpi_test::make_problem<T>(n, d, k, seed, X, Y);
  index first = 0, count = 0;
  share(n, skewed, first, count);
  const Matrix<T> Xi = rows_of(X, first, count), Yi = rows_of(Y, first, count);
  const auto r = stela::mpi::lstsq<T>(MPI_COMM_WORLD, Xi, Yi);
  const std::string name = std::string(type_name<T>()) + " " + std::to_string(n) + "x" + std::to_string(d) + " k=" +
                           std::to_string(k) + (skewed ? " skewed" : " even") + " np=" + std::to_string(g_p);
  check(r.ok(), name + ": status " + stela::to_string(r.status()));
  if (!r.ok()) return;
  check(r->rows == n && r->rank == d, name + ": rows or rank");
  const auto ref = stela::lstsq<T>(X, Y, stela::LstsqOptions<T>{stela::LstsqMethod::qr});
  check(ref.ok(), name + ": in-memory qr failed");
  if (!ref.ok()) return;
  const double forward = stela::mpi_test::forward_ratio<T>(X, Y, r->solution, ref->solution);
  const double optimality = stela::mpi_test::optimality_ratio<T>(X, Y, r->solution);
  double residual = 0;  // |rho - rho_ref| / (eps max(n, d) ||y||) per column
  for (index j = 0; j < k; ++j) {
    long double y = 0;
    for (index i = 0; i < n; ++i) y += static_cast<long double>(Y(i, j)) * Y(i, j);
    const double scale = static_cast<double>(stela::eps<T>()) * static_cast<double>(n) * std::sqrt(static_cast<double>(y));
    residual = std::max(residual, std::fabs(static_cast<double>(r->residual_norm[j]) - static_cast<double>(ref->residual_norm[j])) / scale);
  }
  if (g_me == 0)
    std::printf("%-40s forward %.3g  optimality %.3g  residual %.3g  (threshold %g)\n", name.c_str(), forward, optimality,
                residual, stela::mpi_test::kThreshold);
  check(forward < stela::mpi_test::kThreshold, name + ": forward ratio " + std::to_string(forward));
  check(optimality < stela::mpi_test::kThreshold, name + ": optimality ratio " + std::to_string(optimality));
  check(residual < stela::mpi_test::kThreshold, name + ": residual ratio " + std::to_string(residual));
}

// Fewer rows than unknowns in all (every rank but 0 holds none): rank_deficient everywhere.
template <class T>
void too_few_rows_is_rank_deficient_everywhere() {
  const index d = 5;
  Matrix<T> X, Y;
  stela::mpi_test::make_problem<T>(d - 1, d, 1, 7, X, Y);
  const index count = g_me == 0 ? d - 1 : 0;
  const auto r = stela::mpi::lstsq<T>(MPI_COMM_WORLD, rows_of(X, 0, count), rows_of(Y, 0, count));
  check(r.status() == Status::rank_deficient,
        std::string(type_name<T>()) + " too few rows: status " + stela::to_string(r.status()));
  check(r->rank == d - 1, std::string(type_name<T>()) + " too few rows: rank " + std::to_string(r->rank));
}

enum class Fault { nan, y_rows, other_d };

// The last rank's input is bad; every rank must see the same status and culprit.
template <class T>
void bad_input_on_last_rank_reaches_every_rank(Fault fault) {
  const index n = 40 * g_p, d = 4;
  Matrix<T> X, Y;
  stela::mpi_test::make_problem<T>(n, d, 1, 11, X, Y);
  index first = 0, count = 0;
  share(n, false, first, count);
  Matrix<T> Xi = rows_of(X, first, count), Yi = rows_of(Y, first, count);
  const bool culprit = g_me == g_p - 1;
  Status expected = Status::not_finite;
  if (culprit && fault == Fault::nan) Xi(count / 2, 1) = std::numeric_limits<T>::quiet_NaN();
  if (culprit && fault == Fault::y_rows) Yi = rows_of(Y, first, count - 1);
  if (culprit && fault == Fault::other_d) Xi = Matrix<T>(count, d + 1, T(1));
  if (fault != Fault::nan) expected = Status::dimension_mismatch;
  if (fault == Fault::other_d && g_p == 1) return;  // one rank cannot disagree with itself
  const auto r = stela::mpi::lstsq<T>(MPI_COMM_WORLD, Xi, Yi);
  const std::string name = std::string(type_name<T>()) + " fault " + std::to_string(static_cast<int>(fault));
  check(r.status() == expected, name + ": status " + stela::to_string(r.status()));
  check(r->failed_rank == g_p - 1, name + ": failed_rank " + std::to_string(r->failed_rank));
  if (g_me == 0)
    std::printf("%-40s every rank: %s from rank %d\n", name.c_str(), stela::to_string(r.status()), r->failed_rank);
}

template <class T>
void run_all() {
  agrees_with_in_memory_qr<T>(1001, 8, 1, false, 2014);
  agrees_with_in_memory_qr<T>(1001, 8, 1, true, 2015);
  agrees_with_in_memory_qr<T>(333, 5, 3, true, 2016);
  agrees_with_in_memory_qr<T>(64, 16, 2, false, 2017);
  too_few_rows_is_rank_deficient_everywhere<T>();
  bad_input_on_last_rank_reaches_every_rank<T>(Fault::nan);
  bad_input_on_last_rank_reaches_every_rank<T>(Fault::y_rows);
  bad_input_on_last_rank_reaches_every_rank<T>(Fault::other_d);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  run_all<float>();
  run_all<double>();
  int failures = g_failures;
  MPI_Allreduce(MPI_IN_PLACE, &failures, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (g_me == 0) std::printf("%s: %d failed checks over %d ranks\n", failures ? "FAILED" : "PASSED", failures, g_p);
  MPI_Finalize();
  return failures == 0 ? 0 : 1;
}
