// Eigen's SVDs for bench_peers: BDCSVD (bidiagonalization and divide and conquer; it
// hands blocks of 16 columns or fewer to JacobiSVD, so an 8 x 8 or 16 x 16 input runs
// JacobiSVD throughout) and JacobiSVD (two-sided Jacobi after a column-pivoted QR, its
// default preconditioner). Eigen's SVDs have no in-place form: compute(A0) copies the
// input into the object and allocates its own temporaries, which is part of its time.
#include <Eigen/Core>
#include <Eigen/SVD>
#include <algorithm>
#include <limits>

#include "peers.hpp"

namespace stela::peers {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd to_eigen(const Matrix<double>& A) { return Eigen::Map<const MatrixXd>(A.data(), A.rows(), A.cols()); }

template <class Svd>
void svd_case(benchmark::State& state, index m, index n, unsigned int options, const char* name) {
  const MatrixXd A0 = to_eigen(gaussian_input<double>(m, n));
  Svd svd(m, n, options);
  for (auto _ : state) {
    svd.compute(A0, options);
    if (svd.info() != Eigen::Success) return fail(state, std::string(name) + ": no convergence");
    benchmark::DoNotOptimize(svd.singularValues().data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(svd.singularValues().data(), std::min(m, n), 1));
}

}  // namespace

void eigen_bdcsvd_values(benchmark::State& state, index m, index n) {
  svd_case<Eigen::BDCSVD<MatrixXd>>(state, m, n, 0, "Eigen::BDCSVD");
}

void eigen_bdcsvd_thin(benchmark::State& state, index m, index n) {
  svd_case<Eigen::BDCSVD<MatrixXd>>(state, m, n, Eigen::ComputeThinU | Eigen::ComputeThinV, "Eigen::BDCSVD");
}

void eigen_jacobi_svd_thin(benchmark::State& state, index m, index n) {
  svd_case<Eigen::JacobiSVD<MatrixXd>>(state, m, n, Eigen::ComputeThinU | Eigen::ComputeThinV, "Eigen::JacobiSVD");
}

// w = V diag(1 / s_i, s_i > threshold) U^T y, with stela's default rank rule as the
// threshold (s_i <= eps max(m, n) s_max).
void eigen_lstsq_bdcsvd(benchmark::State& state, index m, index n) {
  const LstsqProblem<double>& p = lstsq_problem<double>(m, n);
  const MatrixXd X = to_eigen(p.X);
  const VectorXd y = to_eigen(p.y);
  VectorXd w(n);
  const unsigned int options = Eigen::ComputeThinU | Eigen::ComputeThinV;
  Eigen::BDCSVD<MatrixXd> svd(m, n, options);
  svd.setThreshold(std::numeric_limits<double>::epsilon() * double(std::max(m, n)));
  for (auto _ : state) {
    svd.compute(X, options);
    if (svd.info() != Eigen::Success) return fail(state, "Eigen::BDCSVD: no convergence");
    w = svd.solve(y);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(w.data(), n));
  set_forward_error(state, w.data(), p);
}

}  // namespace stela::peers
