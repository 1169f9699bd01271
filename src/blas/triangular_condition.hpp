// Internal to stela's sources (not installed): the 2-norm condition estimate of a
// triangular factor (src/blas/triangular_condition.cpp).
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/workspace.hpp"

namespace stela::detail {

// One vector of r: the iterate, transformed in place.
template <class T>
WorkspaceSize triangular_condition_2norm_workspace_size(index r) {
  return WorkspaceSize::vector<T>(r);
}

// est ~ kappa_2(R) = ||R||_2 ||R^{-1}||_2 of the r x r upper triangle of R (the part
// below the diagonal is not read): a lower bound, in practice within the factor the
// card states. 1 for r = 0; +Inf when a diagonal entry is zero or not finite, or the
// solves overflow (kappa beyond the range of T).
template <class T>
T triangular_condition_2norm(MatrixView<const T> R, Workspace work);

// The same of the upper triangle of A (uplo = upper) or of its lower triangle (the part
// above the diagonal then not read).
template <class T>
T triangular_condition_2norm(Uplo uplo, MatrixView<const T> A, Workspace work);

}  // namespace stela::detail
