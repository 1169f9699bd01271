// Internal to stela's sources (not installed): the unchecked SVD kernels behind the
// checked entries of stela/svd.hpp.
//
// Each entry (svd_inplace, golub_kahan_svd_inplace, ...) checks shapes, options,
// workspace and finiteness in the documented order and then makes one call of its
// kernel; the driver, the methods and the least-squares solvers call the kernels on
// data that is valid by construction, so nothing is checked twice. The iterative
// kernels return ok or no_convergence (the output then holds the partial result the
// entry documents); the direct ones cannot fail and return nothing.
#pragma once

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/svd.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela::detail {

// A method's kernel: the SVD of an m >= n A in the safe range (golub_kahan_svd_kernel,
// jacobi_svd_kernel below).
template <class T>
using SvdMethodKernel = Status (*)(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                                   const SvdOptions& opts, SvdInfo<T>& info, Workspace work);

// The SVD of any m x n A, scaled into the safe range, wide input through its transpose,
// signs fixed (src/svd/svd.cpp), by the method kernel given. A caller that names one
// method (lstsq_svd_inplace, lstsq_jacobi_inplace) links that method only; opts.method
// must name the same method (it sizes the workspace). Resets info first.
template <class T>
Status svd_kernel_by(SvdMethodKernel<T> method, MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                     const SvdOptions& opts, SvdInfo<T>& info, Workspace work);

// svd_kernel_by with the method opts.method names, chosen at run time.
template <class T>
Status svd_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                  SvdInfo<T>& info, Workspace work);

// The methods, m >= n, A in the safe range (src/svd/svd_golub_kahan.cpp, src/svd/svd_jacobi.cpp).
template <class T>
Status golub_kahan_svd_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                              const SvdOptions& opts, SvdInfo<T>& info, Workspace work);
template <class T>
Status jacobi_svd_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                         SvdInfo<T>& info, Workspace work);

// The minimum-norm least-squares solution by the Golub–Kahan SVD of A (m >= n, in the
// safe range) with neither U nor V formed (lstsq by svd): W (n x k) := V_r diag(1/s_r)
// U_r^T C, r = #{s_i > rank_threshold(tol, s_0, m, n)}; s non-negative and
// non-increasing, C destroyed. U^T C is applied as xGELSS does (the reflectors of QR
// first and of the bidiagonalization, then the QR iteration's left rotations on C's top
// rows in U's place); V's rotations W_r are logged (bidiagonal_svd_logging_kernel) and
// applied to the n x k block at the end, then P. Workspace: a log of 2n^2 + 8n values at
// the optimal size, 2n + 4 at the minimum (a full log is replayed onto V, formed then).
// ok or no_convergence (W not written).
template <class T>
WorkspaceSize golub_kahan_svd_solving_workspace_size(index m, index n, index k, const SvdOptions& opts);
template <class T>
Status golub_kahan_svd_solving_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> C, const RankTolerance<T>& tol,
                                      MatrixView<T> W, const SvdOptions& opts, SvdInfo<T>& info, Workspace work);

// The Jacobi SVD of A (m >= n, in the safe range) with U^T applied to C (m x k) instead
// of U formed (lstsq by jacobi): on exit C(0:n, :) = U^T C for the thin U, s and V as
// jacobi_svd_kernel leaves them (the preconditioner's Pi, Q and the core's rotations Z,
// as U^T C = [Z^T 0] Q^T Pi C); ok or no_convergence (C and V then from the partial
// result), not_finite as jacobi_svd_kernel.
template <class T>
WorkspaceSize jacobi_svd_applying_workspace_size(index m, index n, index k);
template <class T>
Status jacobi_svd_applying_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> C, MatrixView<T> V,
                                  const SvdOptions& opts, SvdInfo<T>& info, Workspace work);

// One-sided Jacobi on the columns of G (src/svd/svd_jacobi.cpp).
template <class T>
Status jacobi_svd_one_sided_kernel(MatrixView<T> G, VectorView<T> s, MatrixView<T> V, SvdVectors vectors,
                                   index max_sweeps, SvdInfo<T>& info, Workspace work);

// The bidiagonal QR with W_r's rotations recorded instead of accumulated into V (lstsq by
// svd, which needs W_r z for one block z only; src/svd/svd_bidiagonal_qr.cpp). Each
// sweep is logged as its first pair of columns, its direction (+1 down, -1 up) and its
// length L, its L (c, s) pairs, and L again, so that the log reads from either end
// (2L + 4 values). The singular values are left in d as the iteration leaves them:
// signed and unsorted (U's columns follow them).
template <class T>
struct RotationLog {
  T* data = nullptr;
  index capacity = 0;  // values data holds
  index size = 0;      // values written
};
// Where the iteration stands, so that a call stopped by a full log goes on where it
// stopped: the bottom of the active block, the last swept block and its direction, the
// absolute threshold (computed once, from the starting B).
template <class T>
struct BidiagonalQrState {
  bool started = false;
  index hi = 0, old_lo = -1, old_hi = -1;
  bool down = true;
  T thresh = 0;
};
// ok, no_convergence, or workspace_too_small when the log has no room for the next sweep:
// d, e, U and the log then hold the iteration so far, and after replay_rotation_log
// (which empties the log) a call with the same state goes on.
template <class T>
Status bidiagonal_svd_logging_kernel(VectorView<T> d, VectorView<T> e, MatrixView<T> U, RotationLog<T>& log,
                                     BidiagonalQrState<T>& state, index max_iterations, SvdInfo<T>& info);
// V := V W_r for the logged rotations W_r; the log is then empty.
template <class T>
void replay_rotation_log(RotationLog<T>& log, MatrixView<T> V);
// Z := W_r Z, W_r the product of the logged rotations (Z with n rows).
template <class T>
void apply_rotation_log(const RotationLog<T>& log, MatrixView<T> Z);

// Bidiagonalization and its factors (src/svd/svd_bidiagonalize.cpp).
template <class T>
void bidiagonalize_kernel(MatrixView<T> A, VectorView<T> d, VectorView<T> e, VectorView<T> tauq, VectorView<T> taup,
                          Workspace work);
template <class T>
void bidiagonal_form_q_kernel(MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> Q, Workspace work);
template <class T>
void bidiagonal_form_p_kernel(MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> P, Workspace work);
template <class T>
void bidiagonal_apply_p_kernel(Op trans, MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> C,
                               Workspace work);

}  // namespace stela::detail
