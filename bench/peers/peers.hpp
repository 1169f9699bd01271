// bench_peers: stela, LAPACK on OpenBLAS and Eigen timed on the same operations, shapes
// and inputs. This header is what the translation units share: the inputs, the copy
// every iteration starts with, the checks, and one function per timed case.
//
// A case is a function (benchmark::State&, m, n). It builds or fetches its input before
// the timed loop, allocates its outputs and workspace (stela's *_workspace_size, LAPACK's
// LWORK = -1 query) before the loop too, and then, per iteration:
//   - copies the input into the matrix the routine overwrites (copy_input, or Eigen's
//     own copy inside compute() for the in-place Ref<> decompositions and the SVDs);
//     routines that leave their input alone (gemm, the normal equations, stela's lstsq,
//     which copies internally) are not given a copy;
//   - calls the routine and checks its status (stela), INFO (LAPACK) or info() (Eigen);
//     a failure ends the case with SkipWithError, so it is reported, never timed.
// After the loop the case sets the counter "check", a number every correct
// implementation reproduces up to rounding on the same input (see set_check below); the
// ratio table compares it across libraries.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "stela/matrix.hpp"
#include "stela/status.hpp"

namespace stela::peers {

using CaseFunction = void (*)(benchmark::State& state, index m, index n);

// ---------------------------------------------------------------------------------------
// Inputs (inputs.cpp). Each is built once per process on first use, outside every timed
// loop, from a fixed seed: every library reads the very same matrix.

// The catalogue's Gaussian m x n matrix; `which` selects the seed (gemm's A and B).
template <class T>
const Matrix<T>& gaussian_input(index m, index n, int which = 0);

// A symmetric positive definite n x n matrix (uniform off-diagonal entries in [-1, 1],
// 2n on the diagonal; Cholesky does not pivot, so the values do not change the work).
template <class T>
const Matrix<T>& spd_input(index n);

// A least-squares problem: X (m x n) the catalogue's `geometric` type with kappa = 1e4,
// y = X w_true (m x 1) with w_true in the row space of X, so that w_true is the
// minimum-norm solution for every shape (the problem of bench/bench_lstsq.cpp).
template <class T>
struct LstsqProblem {
  Matrix<T> X;
  Matrix<T> y;
  Vector<T> w_true;
};
template <class T>
const LstsqProblem<T>& lstsq_problem(index m, index n);

// ---------------------------------------------------------------------------------------
// What every case does the same way.

// The copy an iteration starts with, for stela and LAPACK alike: the whole input,
// contiguous, into a buffer of the same shape.
template <class T>
void copy_input(const Matrix<T>& from, T* to) {
  std::copy_n(from.data(), from.rows() * from.cols(), to);
}

// A failed call: the case is reported with this message and no time.
inline void fail(benchmark::State& state, const std::string& message) { state.SkipWithError(message.c_str()); }
inline void fail(benchmark::State& state, const char* routine, int info) {
  fail(state, std::string(routine) + ": INFO = " + std::to_string(info));
}

// sum_i log|x_i| over `count` values `stride` apart: for a factorization's diagonal it is
// log|det A| (QR, pivoted QR and LU of a square A; twice it for a Cholesky factor) or
// log sqrt(det(A^T A)) (QR of a tall A), and it equals the sum of the logs of A's
// singular values. So every QR, LU, Cholesky and SVD of one input agrees on it.
template <class T>
double sum_log_abs(const T* x, index count, index stride) {
  double sum = 0;
  for (index i = 0; i < count; ++i) sum += std::log(std::abs(static_cast<double>(x[i * stride])));
  return sum;
}

// The Euclidean norm of `count` contiguous values, in double.
template <class T>
double norm2(const T* x, index count) {
  double sum = 0;
  for (index i = 0; i < count; ++i) sum += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return std::sqrt(sum);
}

// The counter "check": sum_log_abs of the diagonal or of the singular values for the
// factorizations and SVDs, ||C||_F for gemm, ||w|| for the least-squares solvers.
inline void set_check(benchmark::State& state, double value) { state.counters["check"] = value; }

// gemm's rate, 2 m n^2 flops per iteration (C m x n := A (m x n) B (n x n)), as GFLOP/s
// of CPU time.
inline void set_gemm_rate(benchmark::State& state, index m, index n) {
  const double flops = 2.0 * double(m) * double(n) * double(n);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// ||w - w_true|| / ||w_true|| for a solution of `problem`, as the counter "fwd_error".
template <class T>
void set_forward_error(benchmark::State& state, const T* w, const LstsqProblem<T>& problem) {
  const index n = problem.w_true.size();
  double error = 0, size = 0;
  for (index i = 0; i < n; ++i) {
    const double truth = static_cast<double>(problem.w_true[i]);
    error += (static_cast<double>(w[i]) - truth) * (static_cast<double>(w[i]) - truth);
    size += truth * truth;
  }
  state.counters["fwd_error"] = std::sqrt(error / size);
}

// ---------------------------------------------------------------------------------------
// The cases. Square shapes are passed as m = n. All in double unless templated.

// stela (stela_cases.cpp): the low-level in-place routines on a preallocated workspace.
template <class T>
void stela_gemm(benchmark::State& state, index m, index n);  // packed, with workspace
template <class T>
void stela_gemm_unpacked(benchmark::State& state, index m, index n);  // gemm without workspace
void stela_qr(benchmark::State& state, index m, index n);
void stela_qr_pivoted(benchmark::State& state, index m, index n);
void stela_cholesky(benchmark::State& state, index m, index n);
void stela_lu(benchmark::State& state, index m, index n);
void stela_normal_equations(benchmark::State& state, index m, index n);
void stela_svd_values(benchmark::State& state, index m, index n);
void stela_svd_thin(benchmark::State& state, index m, index n);
void stela_svd_jacobi_thin(benchmark::State& state, index m, index n);
void stela_lstsq_qr(benchmark::State& state, index m, index n);
void stela_lstsq_svd(benchmark::State& state, index m, index n);
void stela_lstsq_jacobi(benchmark::State& state, index m, index n);
// The copy alone, as every iteration above that copies does it.
void input_copy(benchmark::State& state, index m, index n);

// LAPACK and BLAS on OpenBLAS (lapack_cases.cpp), through the Fortran interface.
template <class T>
void blas_gemm(benchmark::State& state, index m, index n);  // dgemm / sgemm
void lapack_geqrf(benchmark::State& state, index m, index n);
void lapack_geqp3(benchmark::State& state, index m, index n);
void lapack_potrf(benchmark::State& state, index m, index n);
void lapack_getrf(benchmark::State& state, index m, index n);
void lapack_normal_equations(benchmark::State& state, index m, index n);  // dsyrk + dgemv + dposv
void lapack_gesdd_values(benchmark::State& state, index m, index n);
void lapack_gesvd_values(benchmark::State& state, index m, index n);
void lapack_gesdd_thin(benchmark::State& state, index m, index n);
void lapack_gesvd_thin(benchmark::State& state, index m, index n);
void lapack_gesvj(benchmark::State& state, index m, index n);
void lapack_gejsv(benchmark::State& state, index m, index n);
void lapack_gels(benchmark::State& state, index m, index n);
void lapack_gelsd(benchmark::State& state, index m, index n);
void lapack_gelss(benchmark::State& state, index m, index n);
// openblas_set_num_threads(1); call before anything else reaches OpenBLAS.
void openblas_use_one_thread();
// Core, thread count and build configuration, for the benchmark context.
std::string openblas_description();

// Eigen (eigen_cases.cpp, eigen_svd_cases.cpp): decompositions on Ref<> work in place
// (constructed once before the loop; compute() copies the input into the work matrix).
template <class T>
void eigen_gemm(benchmark::State& state, index m, index n);
void eigen_householder_qr(benchmark::State& state, index m, index n);
void eigen_col_piv_qr(benchmark::State& state, index m, index n);
void eigen_llt(benchmark::State& state, index m, index n);
void eigen_partial_piv_lu(benchmark::State& state, index m, index n);
void eigen_normal_equations(benchmark::State& state, index m, index n);
void eigen_lstsq_qr(benchmark::State& state, index m, index n);
void eigen_bdcsvd_values(benchmark::State& state, index m, index n);
void eigen_bdcsvd_thin(benchmark::State& state, index m, index n);
void eigen_jacobi_svd_thin(benchmark::State& state, index m, index n);
void eigen_lstsq_bdcsvd(benchmark::State& state, index m, index n);
// Version and the SIMD instruction sets in use, for the benchmark context.
std::string eigen_description();

}  // namespace stela::peers
