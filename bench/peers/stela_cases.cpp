// stela's side of bench_peers: the low-level in-place routines, each on a workspace
// allocated once before the timed loop (WorkspaceBuffer of the routine's
// *_workspace_size), with default options.
#include <algorithm>
#include <vector>

#include "peers.hpp"
#include "stela/blas.hpp"
#include "stela/cholesky.hpp"
#include "stela/lstsq.hpp"
#include "stela/lu.hpp"
#include "stela/normal_equations.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "stela/workspace.hpp"

namespace stela::peers {
namespace {

void fail_with(benchmark::State& state, Status status) { fail(state, std::string("stela: ") + to_string(status)); }

void svd_case(benchmark::State& state, index m, index n, SvdMethod method, SvdVectors vectors) {
  const Matrix<double>& A0 = gaussian_input<double>(m, n);
  const index k = std::min(m, n);
  const bool thin = vectors != SvdVectors::none;
  SvdOptions opts;
  opts.method = method;
  opts.vectors = vectors;
  Matrix<double> A(m, n), U(thin ? m : 0, thin ? k : 0), V(thin ? n : 0, thin ? k : 0);
  Vector<double> s(k);
  SvdInfo<double> info;
  WorkspaceBuffer buffer(svd_workspace_size<double>(m, n, opts));
  for (auto _ : state) {
    copy_input(A0, A.data());
    const Status status = svd_inplace(A.view(), s.view(), U.view(), V.view(), opts, info, buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(s.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(s.data(), k, 1));
}

void lstsq_case(benchmark::State& state, index m, index n, LstsqMethod method) {
  const LstsqProblem<double>& p = lstsq_problem<double>(m, n);
  LstsqOptions<double> opts;
  opts.method = method;
  Matrix<double> W(n, 1);
  Vector<double> residual(1);
  LstsqInfo<double> info;
  WorkspaceBuffer buffer(lstsq_workspace_size<double>(m, n, 1, opts));
  for (auto _ : state) {
    // X and y are read only: lstsq_inplace copies what it overwrites into the workspace.
    const Status status = lstsq_inplace(MatrixView<const double>(p.X), MatrixView<const double>(p.y), opts, W.view(),
                                        residual.view(), VectorView<double>(), info, buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(W.data(), n));
  set_forward_error(state, W.data(), p);
}

}  // namespace

template <class T>
void stela_gemm(benchmark::State& state, index m, index n) {
  const Matrix<T>& A = gaussian_input<T>(m, n, 0);
  const Matrix<T>& B = gaussian_input<T>(n, n, 1);
  Matrix<T> C(m, n);
  WorkspaceBuffer buffer(gemm_workspace_size<T>(m, n, n));
  for (auto _ : state) {
    // C := A B, packed, with its workspace
    const Status status = gemm(Op::none, Op::none, T(1), MatrixView<const T>(A), MatrixView<const T>(B), T(0),
                               C.view(), buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  set_gemm_rate(state, m, n);
  set_check(state, norm2(C.data(), m * n));
}

template <class T>
void stela_gemm_unpacked(benchmark::State& state, index m, index n) {
  const Matrix<T>& A = gaussian_input<T>(m, n, 0);
  const Matrix<T>& B = gaussian_input<T>(n, n, 1);
  Matrix<T> C(m, n);
  for (auto _ : state) {
    // C := A B, the form without workspace
    const Status status =
        gemm(Op::none, Op::none, T(1), MatrixView<const T>(A), MatrixView<const T>(B), T(0), C.view());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  set_gemm_rate(state, m, n);
  set_check(state, norm2(C.data(), m * n));
}

void stela_qr(benchmark::State& state, index m, index n) {
  const Matrix<double>& A0 = gaussian_input<double>(m, n);
  const index k = std::min(m, n);
  Matrix<double> A(m, n);
  Vector<double> tau(k);
  WorkspaceBuffer buffer(householder_qr_workspace_size<double>(m, n));
  for (auto _ : state) {
    copy_input(A0, A.data());
    const Status status = householder_qr_inplace(A.view(), tau.view(), buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(A.data(), k, m + 1));
}

void stela_qr_pivoted(benchmark::State& state, index m, index n) {
  const Matrix<double>& A0 = gaussian_input<double>(m, n);
  const index k = std::min(m, n);
  Matrix<double> A(m, n);
  Vector<double> tau(k);
  Vector<index> perm(n);
  WorkspaceBuffer buffer(qr_pivoted_workspace_size<double>(m, n));
  for (auto _ : state) {
    copy_input(A0, A.data());
    const Status status = qr_pivoted_inplace(A.view(), tau.view(), perm.view(), buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(A.data(), k, m + 1));
}

void stela_cholesky(benchmark::State& state, index, index n) {
  const Matrix<double>& A0 = spd_input<double>(n);
  Matrix<double> A(n, n);
  CholeskyInfo<double> info;
  WorkspaceBuffer buffer(cholesky_workspace_size<double>(n));
  for (auto _ : state) {
    copy_input(A0, A.data());
    const Status status = cholesky_inplace(A.view(), info, buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, 2 * sum_log_abs(A.data(), n, n + 1));
}

void stela_lu(benchmark::State& state, index, index n) {
  const Matrix<double>& A0 = gaussian_input<double>(n, n);
  Matrix<double> A(n, n);
  Vector<index> pivots(n);
  LuInfo info;
  WorkspaceBuffer buffer(lu_workspace_size<double>(n));
  for (auto _ : state) {
    copy_input(A0, A.data());
    const Status status = lu_inplace(A.view(), pivots.view(), info, buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
  set_check(state, sum_log_abs(A.data(), n, n + 1));
}

void stela_normal_equations(benchmark::State& state, index m, index n) {
  const LstsqProblem<double>& p = lstsq_problem<double>(m, n);
  Matrix<double> W(n, 1);
  NormalEquationsInfo<double> info;
  WorkspaceBuffer buffer(normal_equations_cholesky_workspace_size<double>(m, n, 1));
  for (auto _ : state) {
    // G := X^T X, b := X^T y, G = L L^T, w := G^{-1} b (X and y are read only)
    const Status status = normal_equations_cholesky_inplace(
        MatrixView<const double>(p.X), MatrixView<const double>(p.y), W.view(), info, buffer.workspace());
    if (status != Status::ok) return fail_with(state, status);
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  set_check(state, norm2(W.data(), n));
  set_forward_error(state, W.data(), p);
}

void stela_svd_values(benchmark::State& state, index m, index n) {
  svd_case(state, m, n, SvdMethod::golub_kahan, SvdVectors::none);
}
void stela_svd_thin(benchmark::State& state, index m, index n) {
  svd_case(state, m, n, SvdMethod::golub_kahan, SvdVectors::thin);
}
void stela_svd_jacobi_thin(benchmark::State& state, index m, index n) {
  svd_case(state, m, n, SvdMethod::jacobi, SvdVectors::thin);
}

void stela_lstsq_qr(benchmark::State& state, index m, index n) { lstsq_case(state, m, n, LstsqMethod::qr); }
void stela_lstsq_svd(benchmark::State& state, index m, index n) { lstsq_case(state, m, n, LstsqMethod::svd); }
void stela_lstsq_jacobi(benchmark::State& state, index m, index n) { lstsq_case(state, m, n, LstsqMethod::jacobi); }

void input_copy(benchmark::State& state, index m, index n) {
  const Matrix<double>& A0 = gaussian_input<double>(m, n);
  Matrix<double> A(m, n);
  for (auto _ : state) {
    copy_input(A0, A.data());
    benchmark::DoNotOptimize(A.data());
    benchmark::ClobberMemory();
  }
}

template void stela_gemm<float>(benchmark::State&, index, index);
template void stela_gemm<double>(benchmark::State&, index, index);
template void stela_gemm_unpacked<float>(benchmark::State&, index, index);
template void stela_gemm_unpacked<double>(benchmark::State&, index, index);

}  // namespace stela::peers
