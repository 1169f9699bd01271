// A float-only program that calls every low-level entry of stela once (each lstsq
// method, Cholesky with the adaptive jitter, the pivoted Cholesky, both SVD methods,
// pinv, rank, null space, ridge by the SVD), as a Cortex-M4F user writes it: static
// buffers, caller workspace. The cortex-m4 preset links it for the Cortex-M4
// (single-precision FPU) with --gc-sections and fails when the program holds a
// software-double helper (__aeabi_d*, __aeabi_f2d, ...) or double libm (ldexp, sqrt):
// a float build of stela must not compute in double (issue 13). Its exit status says
// whether every call succeeded, so it can also run under QEMU.
#include "stela/cholesky.hpp"
#include "stela/lstsq.hpp"
#include "stela/ridge.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"

namespace {

using stela::index;
constexpr index kRows = 6, kCols = 3;
float x_data[kRows * kCols] = {1, 2, 3, 4, 5, 7, 1, 0, 1, 0, 1, 1, 2, 1, 0, 3, 1, 5};
float y_data[kRows] = {1, 2, 3, 4, 5, 6};
float w_data[kCols], r_data[1], s_data[kCols], b_data[1];
float a_data[kRows * kCols], u_data[kRows * kCols], v_data[kCols * kCols];
float p_data[kCols * kRows], n_data[kCols * kCols];
float g_data[kCols * kCols];
index perm_data[kCols];
alignas(64) unsigned char work_data[16384];

stela::Workspace work() { return stela::Workspace(work_data, sizeof work_data); }

int lstsq_each() {
  using namespace stela;
  const MatrixView<const float> X(x_data, kRows, kCols, kRows), Y(y_data, kRows, 1, kRows);
  const MatrixView<float> W(w_data, kCols, 1, kCols);
  const VectorView<float> r(r_data, 1), s(s_data, kCols);
  LstsqOptions<float> opts;
  LstsqInfo<float> info;
  int failures = 0;
  failures += lstsq_svd_inplace(X, Y, opts, W, r, s, info, work()) != Status::ok;
  failures += lstsq_jacobi_inplace(X, Y, opts, W, r, s, info, work()) != Status::ok;
  failures += lstsq_qr_inplace(X, Y, opts, W, r, info, work()) != Status::ok;
  failures += lstsq_qrcp_inplace(X, Y, opts, W, r, info, work()) != Status::ok;
  failures += lstsq_normal_cholesky_inplace(X, Y, opts, W, r, info, work()) != Status::ok;
  failures += lstsq_normal_lu_inplace(X, Y, opts, W, r, info, work()) != Status::ok;
  return failures;
}

// G = X^T X, lower triangle: positive definite for this X.
void gram() {
  for (index i = 0; i < kCols; ++i)
    for (index j = 0; j < kCols; ++j) {
      float sum = 0;
      for (index k = 0; k < kRows; ++k) sum += x_data[k + i * kRows] * x_data[k + j * kRows];
      g_data[i + j * kCols] = sum;
    }
}

int factorizations() {
  using namespace stela;
  int failures = 0;
  gram();
  CholeskyOptions<float> opts{Jitter<float>::adaptive()};
  CholeskyInfo<float> info;
  failures += cholesky_inplace(MatrixView<float>(g_data, kCols, kCols, kCols), info, work(), opts) != Status::ok;
  gram();
  PivotedCholeskyInfo<float> pinfo;
  failures += pivoted_cholesky_inplace(MatrixView<float>(g_data, kCols, kCols, kCols),
                                       VectorView<index>(perm_data, kCols), pinfo, work(),
                                       RankTolerance<float>{}) != Status::ok;
  for (SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi}) {
    for (index i = 0; i < kRows * kCols; ++i) a_data[i] = x_data[i];
    SvdOptions svd_opts;
    svd_opts.method = method;
    SvdInfo<float> svd_info;
    failures += svd_inplace(MatrixView<float>(a_data, kRows, kCols, kRows), VectorView<float>(s_data, kCols),
                            MatrixView<float>(u_data, kRows, kCols, kRows), MatrixView<float>(v_data, kCols, kCols, kCols),
                            svd_opts, svd_info, work()) != Status::ok;
  }
  return failures;
}

int solvers() {
  using namespace stela;
  const MatrixView<const float> X(x_data, kRows, kCols, kRows), Y(y_data, kRows, 1, kRows);
  const RankTolerance<float> tol = RankTolerance<float>::relative(1e-5f);
  index rank = 0;
  int failures = 0;
  failures += pinv_inplace(X, tol, SvdOptions{}, MatrixView<float>(p_data, kCols, kRows, kCols), rank, work()) !=
              Status::ok;
  failures += rank_inplace(X, tol, SvdOptions{}, rank, work()) != Status::ok || rank != kCols;
  failures += null_space_inplace(X, tol, SvdOptions{}, MatrixView<float>(n_data, kCols, kCols, kCols), rank, work()) !=
              Status::ok;
  RidgeOptions<float> ridge_opts;
  ridge_opts.fit_intercept = true;
  RidgeInfo<float> info;
  failures += ridge_svd_inplace(X, Y, 0.5f, ridge_opts, MatrixView<float>(w_data, kCols, 1, kCols),
                                VectorView<float>(b_data, 1), info, work()) != Status::ok;
  return failures;
}

}  // namespace

int main() { return lstsq_each() + factorizations() + solvers(); }
