// Eigen's side of bench_peers, without the SVDs (eigen_svd_cases.cpp): gemm, the QR
// family, Cholesky, LU, the normal equations and QR least squares. Eigen's own kernels
// (no EIGEN_USE_BLAS), single-threaded (EIGEN_DONT_PARALLELIZE, set by the build).
//
// The decompositions are Eigen's in-place form, Decomposition<Ref<MatrixXd>>: built
// once on the work matrix before the timed loop, after which compute(A0) copies the
// input into that matrix and factors it there, as stela and LAPACK do with their copy.
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/LU>
#include <Eigen/QR>
#include <string>

#include "peers.hpp"

namespace stela::peers {
namespace {

template <class T>
using EigenMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
using Eigen::MatrixXd;
using Eigen::Ref;
using Eigen::VectorXd;

// The same entries as a stela matrix, in an Eigen matrix (built before the timed loop).
template <class T>
EigenMatrix<T> to_eigen(const Matrix<T>& A) {
  return Eigen::Map<const EigenMatrix<T>>(A.data(), A.rows(), A.cols());
}

double sum_log_abs_diagonal(const Ref<MatrixXd>& A) {
  return sum_log_abs(A.data(), std::min(A.rows(), A.cols()), A.outerStride() + 1);
}

}  // namespace

template <class T>
void eigen_gemm(benchmark::State& state, index m, index n) {
  const EigenMatrix<T> A = to_eigen(gaussian_input<T>(m, n, 0));
  const EigenMatrix<T> B = to_eigen(gaussian_input<T>(n, n, 1));
  EigenMatrix<T> C(m, n);
  for (auto _ : state) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  set_gemm_rate(state, m, n);
  set_check(state, norm2(C.data(), m * n));
}

void eigen_householder_qr(benchmark::State& state, index m, index n) {
  const MatrixXd A0 = to_eigen(gaussian_input<double>(m, n));
  MatrixXd A = A0;
  Eigen::HouseholderQR<Ref<MatrixXd>> qr(A);
  for (auto _ : state) {
    qr.compute(A0);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs_diagonal(A));
}

void eigen_col_piv_qr(benchmark::State& state, index m, index n) {
  const MatrixXd A0 = to_eigen(gaussian_input<double>(m, n));
  MatrixXd A = A0;
  Eigen::ColPivHouseholderQR<Ref<MatrixXd>> qr(A);
  for (auto _ : state) {
    qr.compute(A0);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs_diagonal(A));
}

void eigen_llt(benchmark::State& state, index, index n) {
  const MatrixXd A0 = to_eigen(spd_input<double>(n));
  MatrixXd A = A0;
  Eigen::LLT<Ref<MatrixXd>, Eigen::Lower> llt(A);
  for (auto _ : state) {
    llt.compute(A0);
    if (llt.info() != Eigen::Success) return fail(state, "Eigen::LLT: not positive definite");
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, 2 * sum_log_abs_diagonal(A));
}

// PartialPivLU reports no failure: a zero pivot shows as a zero on U's diagonal, which
// makes the check -inf.
void eigen_partial_piv_lu(benchmark::State& state, index, index n) {
  const MatrixXd A0 = to_eigen(gaussian_input<double>(n, n));
  MatrixXd A = A0;
  Eigen::PartialPivLU<Ref<MatrixXd>> lu(A);
  for (auto _ : state) {
    lu.compute(A0);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs_diagonal(A));
}

void eigen_normal_equations(benchmark::State& state, index m, index n) {
  const LstsqProblem<double>& p = lstsq_problem<double>(m, n);
  const MatrixXd X = to_eigen(p.X);
  const VectorXd y = to_eigen(p.y);
  MatrixXd G(n, n);
  VectorXd b(n), w(n);
  Eigen::LLT<MatrixXd, Eigen::Lower> llt(n);
  for (auto _ : state) {
    // G := X^T X (lower triangle);  b := X^T y;  G = L L^T, w := G^{-1} b
    G.setZero();
    G.selfadjointView<Eigen::Lower>().rankUpdate(X.transpose());
    b.noalias() = X.transpose() * y;
    llt.compute(G);
    if (llt.info() != Eigen::Success) return fail(state, "Eigen::LLT: not positive definite");
    w = llt.solve(b);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(w.data(), n));
  set_forward_error(state, w.data(), p);
}

void eigen_lstsq_qr(benchmark::State& state, index m, index n) {
  const LstsqProblem<double>& p = lstsq_problem<double>(m, n);
  const MatrixXd X = to_eigen(p.X);
  const VectorXd y = to_eigen(p.y);
  MatrixXd A = X;
  VectorXd w(n);
  Eigen::HouseholderQR<Ref<MatrixXd>> qr(A);
  for (auto _ : state) {
    qr.compute(X);
    w = qr.solve(y);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(w.data(), n));
  set_forward_error(state, w.data(), p);
}

std::string eigen_description() {
  return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION) + ", " + Eigen::SimdInstructionSetsInUse() + ", " +
         std::to_string(Eigen::nbThreads()) + " thread(s)";
}

template void eigen_gemm<float>(benchmark::State&, index, index);
template void eigen_gemm<double>(benchmark::State&, index, index);

}  // namespace stela::peers
