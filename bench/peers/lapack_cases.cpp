// LAPACK and BLAS on OpenBLAS: the peers' side of bench_peers through the Fortran
// interface (no LAPACKE). Integers are 32-bit (OpenBLAS's default LP64 build, Debian's).
// Each CHARACTER argument also passes its length as a trailing hidden argument, as
// gfortran's calling convention has it; the routines OpenBLAS writes in C ignore them.
//
// Every case queries LWORK (and LIWORK where there is one) with LWORK = -1 before the
// timed loop (dgesvj and dgejsv, which reject the query here, take their documented
// sizes), allocates once, and ends with SkipWithError when INFO != 0.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "peers.hpp"

extern "C" {
using lapack_int = int;
using strlen_t = std::size_t;

void dgemm_(const char* transa, const char* transb, const lapack_int* m, const lapack_int* n, const lapack_int* k,
            const double* alpha, const double* a, const lapack_int* lda, const double* b, const lapack_int* ldb,
            const double* beta, double* c, const lapack_int* ldc, strlen_t, strlen_t);
void sgemm_(const char* transa, const char* transb, const lapack_int* m, const lapack_int* n, const lapack_int* k,
            const float* alpha, const float* a, const lapack_int* lda, const float* b, const lapack_int* ldb,
            const float* beta, float* c, const lapack_int* ldc, strlen_t, strlen_t);
void dsyrk_(const char* uplo, const char* trans, const lapack_int* n, const lapack_int* k, const double* alpha,
            const double* a, const lapack_int* lda, const double* beta, double* c, const lapack_int* ldc, strlen_t,
            strlen_t);
void dgemv_(const char* trans, const lapack_int* m, const lapack_int* n, const double* alpha, const double* a,
            const lapack_int* lda, const double* x, const lapack_int* incx, const double* beta, double* y,
            const lapack_int* incy, strlen_t);
void dposv_(const char* uplo, const lapack_int* n, const lapack_int* nrhs, double* a, const lapack_int* lda, double* b,
            const lapack_int* ldb, lapack_int* info, strlen_t);
void dgeqrf_(const lapack_int* m, const lapack_int* n, double* a, const lapack_int* lda, double* tau, double* work,
             const lapack_int* lwork, lapack_int* info);
void dgeqp3_(const lapack_int* m, const lapack_int* n, double* a, const lapack_int* lda, lapack_int* jpvt, double* tau,
             double* work, const lapack_int* lwork, lapack_int* info);
void dpotrf_(const char* uplo, const lapack_int* n, double* a, const lapack_int* lda, lapack_int* info, strlen_t);
void dgetrf_(const lapack_int* m, const lapack_int* n, double* a, const lapack_int* lda, lapack_int* ipiv,
             lapack_int* info);
void dgesdd_(const char* jobz, const lapack_int* m, const lapack_int* n, double* a, const lapack_int* lda, double* s,
             double* u, const lapack_int* ldu, double* vt, const lapack_int* ldvt, double* work,
             const lapack_int* lwork, lapack_int* iwork, lapack_int* info, strlen_t);
void dgesvd_(const char* jobu, const char* jobvt, const lapack_int* m, const lapack_int* n, double* a,
             const lapack_int* lda, double* s, double* u, const lapack_int* ldu, double* vt, const lapack_int* ldvt,
             double* work, const lapack_int* lwork, lapack_int* info, strlen_t, strlen_t);
void dgesvj_(const char* joba, const char* jobu, const char* jobv, const lapack_int* m, const lapack_int* n, double* a,
             const lapack_int* lda, double* sva, const lapack_int* mv, double* v, const lapack_int* ldv, double* work,
             const lapack_int* lwork, lapack_int* info, strlen_t, strlen_t, strlen_t);
void dgejsv_(const char* joba, const char* jobu, const char* jobv, const char* jobr, const char* jobt, const char* jobp,
             const lapack_int* m, const lapack_int* n, double* a, const lapack_int* lda, double* sva, double* u,
             const lapack_int* ldu, double* v, const lapack_int* ldv, double* work, const lapack_int* lwork,
             lapack_int* iwork, lapack_int* info, strlen_t, strlen_t, strlen_t, strlen_t, strlen_t, strlen_t);
void dgels_(const char* trans, const lapack_int* m, const lapack_int* n, const lapack_int* nrhs, double* a,
            const lapack_int* lda, double* b, const lapack_int* ldb, double* work, const lapack_int* lwork,
            lapack_int* info, strlen_t);
void dgelsd_(const lapack_int* m, const lapack_int* n, const lapack_int* nrhs, double* a, const lapack_int* lda,
             double* b, const lapack_int* ldb, double* s, const double* rcond, lapack_int* rank, double* work,
             const lapack_int* lwork, lapack_int* iwork, lapack_int* info);
void dgelss_(const lapack_int* m, const lapack_int* n, const lapack_int* nrhs, double* a, const lapack_int* lda,
             double* b, const lapack_int* ldb, double* s, const double* rcond, lapack_int* rank, double* work,
             const lapack_int* lwork, lapack_int* info);

void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_corename(void);
char* openblas_get_config(void);
}

namespace stela::peers {
namespace {

// The workspace a LWORK = -1 query returned in work[0] (at least 1 entry).
std::vector<double> workspace_from_query(double query) {
  return std::vector<double>(static_cast<std::size_t>(std::max(1.0, query)));
}

// rcond for the SVD-based least-squares drivers: stela's default rank rule,
// sigma <= eps * max(m, n) * sigma_max.
double default_rcond(lapack_int m, lapack_int n) {
  return std::numeric_limits<double>::epsilon() * double(std::max(m, n));
}

// The thin (jobz = 'S' / jobu = jobvt = 'S') or values-only ('N') SVD by dgesdd or dgesvd.
enum class Driver { gesdd, gesvd };

void svd_case(benchmark::State& state, index mi, index ni, Driver driver, bool thin) {
  const Matrix<double>& A0 = gaussian_input<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni), k = std::min(m, n);
  const lapack_int ldu = thin ? m : 1, ldvt = thin ? k : 1;
  const char job = thin ? 'S' : 'N';
  Matrix<double> A(mi, ni);
  std::vector<double> s(static_cast<std::size_t>(k)), U(thin ? std::size_t(m) * std::size_t(k) : 1),
      VT(thin ? std::size_t(k) * std::size_t(n) : 1);
  std::vector<lapack_int> iwork(8 * static_cast<std::size_t>(k));
  const char* name = driver == Driver::gesdd ? "dgesdd" : "dgesvd";
  lapack_int info = 0, lwork = -1;
  double query = 0;
  if (driver == Driver::gesdd)
    dgesdd_(&job, &m, &n, A.data(), &m, s.data(), U.data(), &ldu, VT.data(), &ldvt, &query, &lwork, iwork.data(), &info,
            1);
  else
    dgesvd_(&job, &job, &m, &n, A.data(), &m, s.data(), U.data(), &ldu, VT.data(), &ldvt, &query, &lwork, &info, 1, 1);
  if (info != 0) return fail(state, name, info);
  std::vector<double> work = workspace_from_query(query);
  lwork = static_cast<lapack_int>(work.size());
  for (auto _ : state) {
    copy_input(A0, A.data());
    if (driver == Driver::gesdd)
      dgesdd_(&job, &m, &n, A.data(), &m, s.data(), U.data(), &ldu, VT.data(), &ldvt, work.data(), &lwork, iwork.data(),
              &info, 1);
    else
      dgesvd_(&job, &job, &m, &n, A.data(), &m, s.data(), U.data(), &ldu, VT.data(), &ldvt, work.data(), &lwork, &info,
              1, 1);
    if (info != 0) return fail(state, name, info);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(s.data(), k, 1));
}

// The least-squares drivers: dgels (QR), dgelsd (SVD, divide and conquer), dgelss (SVD,
// bidiagonal QR). A and b are overwritten, so each iteration copies X and y into them.
enum class Solver { gels, gelsd, gelss };

void lstsq_case(benchmark::State& state, index mi, index ni, Solver solver) {
  const LstsqProblem<double>& p = lstsq_problem<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni), nrhs = 1;
  const lapack_int ldb = std::max(m, n);
  const double rcond = default_rcond(m, n);
  const char* name = solver == Solver::gels ? "dgels" : solver == Solver::gelsd ? "dgelsd" : "dgelss";
  Matrix<double> A(mi, ni);
  std::vector<double> b(static_cast<std::size_t>(ldb)), s(static_cast<std::size_t>(std::min(m, n)));
  lapack_int info = 0, rank = 0, lwork = -1, iwork_query = 0;
  double query = 0;
  const char trans = 'N';
  switch (solver) {
    case Solver::gels:
      dgels_(&trans, &m, &n, &nrhs, A.data(), &m, b.data(), &ldb, &query, &lwork, &info, 1);
      break;
    case Solver::gelsd:
      dgelsd_(&m, &n, &nrhs, A.data(), &m, b.data(), &ldb, s.data(), &rcond, &rank, &query, &lwork, &iwork_query,
              &info);
      break;
    case Solver::gelss:
      dgelss_(&m, &n, &nrhs, A.data(), &m, b.data(), &ldb, s.data(), &rcond, &rank, &query, &lwork, &info);
      break;
  }
  if (info != 0) return fail(state, name, info);
  std::vector<double> work = workspace_from_query(query);
  std::vector<lapack_int> iwork(static_cast<std::size_t>(std::max<lapack_int>(1, iwork_query)));
  lwork = static_cast<lapack_int>(work.size());
  for (auto _ : state) {
    copy_input(p.X, A.data());
    copy_input(p.y, b.data());
    switch (solver) {
      case Solver::gels:
        dgels_(&trans, &m, &n, &nrhs, A.data(), &m, b.data(), &ldb, work.data(), &lwork, &info, 1);
        break;
      case Solver::gelsd:
        dgelsd_(&m, &n, &nrhs, A.data(), &m, b.data(), &ldb, s.data(), &rcond, &rank, work.data(), &lwork, iwork.data(),
                &info);
        break;
      case Solver::gelss:
        dgelss_(&m, &n, &nrhs, A.data(), &m, b.data(), &ldb, s.data(), &rcond, &rank, work.data(), &lwork, &info);
        break;
    }
    if (info != 0) return fail(state, name, info);
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(b.data(), n));
  set_forward_error(state, b.data(), p);
}

}  // namespace

template <class T>
void blas_gemm(benchmark::State& state, index mi, index ni) {
  const Matrix<T>& A = gaussian_input<T>(mi, ni, 0);
  const Matrix<T>& B = gaussian_input<T>(ni, ni, 1);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni);
  const T one = 1, zero = 0;
  const char no = 'N';
  Matrix<T> C(mi, ni);
  for (auto _ : state) {
    // C := A B
    if constexpr (sizeof(T) == sizeof(double))
      dgemm_(&no, &no, &m, &n, &n, &one, A.data(), &m, B.data(), &n, &zero, C.data(), &m, 1, 1);
    else
      sgemm_(&no, &no, &m, &n, &n, &one, A.data(), &m, B.data(), &n, &zero, C.data(), &m, 1, 1);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  set_gemm_rate(state, mi, ni);
  set_check(state, norm2(C.data(), mi * ni));
}

void lapack_geqrf(benchmark::State& state, index mi, index ni) {
  const Matrix<double>& A0 = gaussian_input<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni), k = std::min(m, n);
  Matrix<double> A(mi, ni);
  std::vector<double> tau(static_cast<std::size_t>(k));
  lapack_int info = 0, lwork = -1;
  double query = 0;
  dgeqrf_(&m, &n, A.data(), &m, tau.data(), &query, &lwork, &info);
  if (info != 0) return fail(state, "dgeqrf", info);
  std::vector<double> work = workspace_from_query(query);
  lwork = static_cast<lapack_int>(work.size());
  for (auto _ : state) {
    copy_input(A0, A.data());
    dgeqrf_(&m, &n, A.data(), &m, tau.data(), work.data(), &lwork, &info);
    if (info != 0) return fail(state, "dgeqrf", info);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(A.data(), k, mi + 1));
}

void lapack_geqp3(benchmark::State& state, index mi, index ni) {
  const Matrix<double>& A0 = gaussian_input<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni), k = std::min(m, n);
  Matrix<double> A(mi, ni);
  std::vector<double> tau(static_cast<std::size_t>(k));
  std::vector<lapack_int> jpvt(static_cast<std::size_t>(n));
  lapack_int info = 0, lwork = -1;
  double query = 0;
  dgeqp3_(&m, &n, A.data(), &m, jpvt.data(), tau.data(), &query, &lwork, &info);
  if (info != 0) return fail(state, "dgeqp3", info);
  std::vector<double> work = workspace_from_query(query);
  lwork = static_cast<lapack_int>(work.size());
  for (auto _ : state) {
    copy_input(A0, A.data());
    std::fill(jpvt.begin(), jpvt.end(), 0);  // every column free to move (JPVT is input too)
    dgeqp3_(&m, &n, A.data(), &m, jpvt.data(), tau.data(), work.data(), &lwork, &info);
    if (info != 0) return fail(state, "dgeqp3", info);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(A.data(), k, mi + 1));
}

void lapack_potrf(benchmark::State& state, index, index ni) {
  const Matrix<double>& A0 = spd_input<double>(ni);
  const lapack_int n = static_cast<lapack_int>(ni);
  const char lower = 'L';
  Matrix<double> A(ni, ni);
  lapack_int info = 0;
  for (auto _ : state) {
    copy_input(A0, A.data());
    dpotrf_(&lower, &n, A.data(), &n, &info, 1);
    if (info != 0) return fail(state, "dpotrf", info);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, 2 * sum_log_abs(A.data(), ni, ni + 1));
}

void lapack_getrf(benchmark::State& state, index, index ni) {
  const Matrix<double>& A0 = gaussian_input<double>(ni, ni);
  const lapack_int n = static_cast<lapack_int>(ni);
  Matrix<double> A(ni, ni);
  std::vector<lapack_int> ipiv(static_cast<std::size_t>(n));
  lapack_int info = 0;
  for (auto _ : state) {
    copy_input(A0, A.data());
    dgetrf_(&n, &n, A.data(), &n, ipiv.data(), &info);
    if (info != 0) return fail(state, "dgetrf", info);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(A.data(), ni, ni + 1));
}

void lapack_normal_equations(benchmark::State& state, index mi, index ni) {
  const LstsqProblem<double>& p = lstsq_problem<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni), one_int = 1;
  const double one = 1, zero = 0;
  const char lower = 'L', trans = 'T';
  std::vector<double> G(std::size_t(n) * std::size_t(n)), w(static_cast<std::size_t>(n));
  lapack_int info = 0;
  for (auto _ : state) {
    // G := X^T X (lower triangle);  w := X^T y;  G = L L^T, w := G^{-1} w (X and y are read only)
    dsyrk_(&lower, &trans, &n, &m, &one, p.X.data(), &m, &zero, G.data(), &n, 1, 1);
    dgemv_(&trans, &m, &n, &one, p.X.data(), &m, p.y.data(), &one_int, &zero, w.data(), &one_int, 1);
    dposv_(&lower, &n, &one_int, G.data(), &n, w.data(), &n, &info, 1);
    if (info != 0) return fail(state, "dposv", info);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(w.data(), ni));
  set_forward_error(state, w.data(), p);
}

void lapack_gesdd_values(benchmark::State& state, index m, index n) { svd_case(state, m, n, Driver::gesdd, false); }
void lapack_gesvd_values(benchmark::State& state, index m, index n) { svd_case(state, m, n, Driver::gesvd, false); }
void lapack_gesdd_thin(benchmark::State& state, index m, index n) { svd_case(state, m, n, Driver::gesdd, true); }
void lapack_gesvd_thin(benchmark::State& state, index m, index n) { svd_case(state, m, n, Driver::gesvd, true); }

// One-sided Jacobi without preconditioning: JOBA = 'G' (general A), JOBU = 'U' (A is
// overwritten by the thin U), JOBV = 'V' (V, n x n). Needs m >= n. The singular values
// are WORK(1) * SVA.
void lapack_gesvj(benchmark::State& state, index mi, index ni) {
  const Matrix<double>& A0 = gaussian_input<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni), mv = 0;
  const char joba = 'G', jobu = 'U', jobv = 'V';
  Matrix<double> A(mi, ni), V(ni, ni);
  std::vector<double> sva(static_cast<std::size_t>(n));
  // The LAPACK of OpenBLAS 0.3.21 (3.11.0) answers LWORK = -1 here with INFO = -13, so
  // the size is the documented one: max(6, m + n).
  std::vector<double> work(static_cast<std::size_t>(std::max(6, m + n)));
  const lapack_int lwork = static_cast<lapack_int>(work.size());
  lapack_int info = 0;
  for (auto _ : state) {
    copy_input(A0, A.data());
    dgesvj_(&joba, &jobu, &jobv, &m, &n, A.data(), &m, sva.data(), &mv, V.data(), &n, work.data(), &lwork, &info, 1, 1,
            1);
    if (info != 0) return fail(state, "dgesvj", info);  // INFO > 0: no convergence in 30 sweeps
    benchmark::DoNotOptimize(sva.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(sva.data(), ni, 1) + double(n) * std::log(work[0]));
}

// Preconditioned one-sided Jacobi (Drmač–Veselić), the algorithm stela's Jacobi SVD
// follows: JOBA = 'C' (high relative accuracy for A = B D), JOBU = 'U' (thin U),
// JOBV = 'V', JOBR = 'R' (restricted range), JOBT = 'N', JOBP = 'P' (row pivoting, as
// stela sorts the rows). Needs m >= n. The singular values are (WORK(2) / WORK(1)) * SVA.
void lapack_gejsv(benchmark::State& state, index mi, index ni) {
  const Matrix<double>& A0 = gaussian_input<double>(mi, ni);
  const lapack_int m = static_cast<lapack_int>(mi), n = static_cast<lapack_int>(ni);
  const char joba = 'C', jobu = 'U', jobv = 'V', jobr = 'R', jobt = 'N', jobp = 'P';
  Matrix<double> A(mi, ni), U(mi, ni), V(ni, ni);
  std::vector<double> sva(static_cast<std::size_t>(n));
  std::vector<lapack_int> iwork(static_cast<std::size_t>(std::max(3, m + 3 * n)));
  // As dgesvj, no LWORK = -1 query (INFO = -17); the documented size for U and V
  // without a condition estimate is max(2m + n, 6n + 2n^2), "additionally larger than
  // n + m nb" for the blocked QR factorizations (nb = 64 here).
  const double size = std::max(2.0 * m + n, 6.0 * n + 2.0 * n * n) + n + 64.0 * m;
  std::vector<double> work(static_cast<std::size_t>(size));
  const lapack_int lwork = static_cast<lapack_int>(work.size());
  lapack_int info = 0;
  for (auto _ : state) {
    copy_input(A0, A.data());
    dgejsv_(&joba, &jobu, &jobv, &jobr, &jobt, &jobp, &m, &n, A.data(), &m, sva.data(), U.data(), &m, V.data(), &n,
            work.data(), &lwork, iwork.data(), &info, 1, 1, 1, 1, 1, 1);
    if (info != 0) return fail(state, "dgejsv", info);
    benchmark::DoNotOptimize(sva.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(sva.data(), ni, 1) + double(n) * std::log(work[1] / work[0]));
}

void lapack_gels(benchmark::State& state, index m, index n) { lstsq_case(state, m, n, Solver::gels); }
void lapack_gelsd(benchmark::State& state, index m, index n) { lstsq_case(state, m, n, Solver::gelsd); }
void lapack_gelss(benchmark::State& state, index m, index n) { lstsq_case(state, m, n, Solver::gelss); }

void openblas_use_one_thread() { openblas_set_num_threads(1); }

std::string openblas_description() {
  return std::string(openblas_get_config()) + "; core " + openblas_get_corename() + "; " +
         std::to_string(openblas_get_num_threads()) + " thread(s)";
}

template void blas_gemm<float>(benchmark::State&, index, index);
template void blas_gemm<double>(benchmark::State&, index, index);

}  // namespace stela::peers
