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

// The Golub–Kahan SVD of A (m >= n, in the safe range) with U^T applied to C (m x k)
// instead of U formed, as xGELSS does (lstsq by svd): on exit C(0:n, :) = U^T C for the
// thin U, s and V as golub_kahan_svd_kernel leaves them (signs not fixed: lstsq's
// V diag(1/s) U^T C does not depend on them); ok or no_convergence (C and V then hold
// the rotations applied so far).
template <class T>
WorkspaceSize golub_kahan_svd_applying_workspace_size(index m, index n, index k, const SvdOptions& opts);
template <class T>
Status golub_kahan_svd_applying_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> C, MatrixView<T> V,
                                       const SvdOptions& opts, SvdInfo<T>& info, Workspace work);

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

// Bidiagonalization and its factors (src/svd/svd_bidiagonalize.cpp).
template <class T>
void bidiagonalize_kernel(MatrixView<T> A, VectorView<T> d, VectorView<T> e, VectorView<T> tauq, VectorView<T> taup,
                          Workspace work);
template <class T>
void bidiagonal_form_q_kernel(MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> Q, Workspace work);
template <class T>
void bidiagonal_form_p_kernel(MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> P, Workspace work);

}  // namespace stela::detail
