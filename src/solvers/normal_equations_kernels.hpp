// Internal to stela's sources (not installed): the unchecked normal-equations solvers
// behind the checked entries of stela/normal_equations.hpp, which lstsq calls on its
// scaled copies of X and Y (src/solvers/normal_equations.cpp: Cholesky;
// src/solvers/normal_equations_lu.cpp: LU).
#pragma once

#include "../blas/blas_kernels.hpp"
#include "form_gram.hpp"
#include "stela/cholesky.hpp"
#include "stela/matrix.hpp"
#include "stela/normal_equations.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela::detail {

// Shapes X m x d, Y m x k, W d x k.
template <class T>
bool normal_equations_shapes_fit(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W) {
  return Y.rows() == X.rows() && W.rows() == X.cols() && W.cols() == Y.cols();
}

// The packing buffers with which form_normal_equations runs its syrk packed, for X
// m x d: optimal only (minimum 0, the unpacked gemm).
template <class T>
WorkspaceSize form_normal_equations_workspace_size(index m, index d, index /*k*/) {
  return syrk_workspace_size<T>(d, m);
}

// 1. G := X^T X (whole, see form_gram), and 2. W := X^T Y. Returns ||G||_1.
template <class T>
T form_normal_equations(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> G, MatrixView<T> W,
                        Workspace work) {
  const T anorm = form_gram(Op::transpose, X, T(0), G, work);
  // W := X^T Y (unpacked: k is a few right-hand sides, and W is documented to hold
  // exactly what gemm without workspace gives when the factorization fails)
  gemm_kernel(Op::transpose, Op::none, T(1), X, Y, T(0), W);
  return anorm;
}

// normal_equations_cholesky_inplace's work on finite X (m x d) and Y (m x k), W d x k,
// valid options and work holding normal_equations_cholesky_workspace_size. Resets info.
// Returns the entry's numerical statuses: not_finite (X^T X or X^T Y overflowed),
// not_positive_definite. On ok, the first piece carved from work (d x d) holds the
// Cholesky factor of X^T X (+ jitter): lstsq's refinement reuses it
// (lstsq_normal_equations_run.hpp); the LU kernel leaves its factors there likewise,
// followed by its d pivots.
template <class T>
Status normal_equations_cholesky_kernel(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                        NormalEquationsInfo<T>& info, Workspace work, const CholeskyOptions<T>& opts = {});

// normal_equations_lu_inplace's work, likewise: not_finite, singular.
template <class T>
Status normal_equations_lu_kernel(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                  NormalEquationsInfo<T>& info, Workspace work);

}  // namespace stela::detail
