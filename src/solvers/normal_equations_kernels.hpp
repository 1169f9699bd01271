// Internal to stela's sources (not installed): the unchecked normal-equations solvers
// behind the checked entries of stela/normal_equations.hpp, which lstsq calls on its
// scaled copies of X and Y (src/solvers/normal_equations.cpp).
#pragma once

#include "stela/cholesky.hpp"
#include "stela/matrix.hpp"
#include "stela/normal_equations.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela::detail {

// normal_equations_cholesky_inplace's work on finite X (m x d) and Y (m x k), W d x k,
// valid options and work holding normal_equations_cholesky_workspace_size. Resets info.
// Returns the entry's numerical statuses: not_finite (X^T X or X^T Y overflowed),
// not_positive_definite.
template <class T>
Status normal_equations_cholesky_kernel(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                        NormalEquationsInfo& info, Workspace work, const CholeskyOptions& opts = {});

// normal_equations_lu_inplace's work, likewise: not_finite, singular.
template <class T>
Status normal_equations_lu_kernel(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<T> W,
                                  NormalEquationsInfo& info, Workspace work);

}  // namespace stela::detail
