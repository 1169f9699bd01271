// Internal to stela's sources (not installed): the Gram matrix former shared by the
// normal equations and ridge regression's Cholesky method.
#pragma once

#include "../blas/blas_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

// The Gram matrix of X with a diagonal shift, whole: G := X^T X + shift I (trans =
// Op::transpose, G d x d for X n x d) or X X^T + shift I (trans = Op::none, G n x n).
// syrk forms the lower triangle, which is mirrored to the upper one so that G is whole
// for the 1-norm and for LU. Returns ||G||_1, the anorm of the condition estimators.
// syrk runs on the packed gemm when work holds syrk_workspace_size(g, the other side).
template <class T>
T form_gram(Op trans, MatrixView<const T> X, T shift, MatrixView<T> G, Workspace work = Workspace()) {
  const index g = G.rows();
  // G := X^T X (trans = transpose) or X X^T (none), lower triangle; then G += shift I
  detail::syrk_kernel(Uplo::lower, trans, T(1), X, T(0), G, work);
  for (index i = 0; i < g; ++i) G(i, i) += shift;
  // G(i, j) := G(j, i), i < j
  for (index j = 1; j < g; ++j)
    for (index i = 0; i < j; ++i) G(i, j) = G(j, i);
  return norm(MatrixView<const T>(G), Norm::one);
}

}  // namespace stela::detail
