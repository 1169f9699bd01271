// The condition estimate of a triangular factor, for lstsq's qr and qrcp methods.
//
// Counterpart:  LAPACK xTRCON (1-norm), as xGELSY uses it for the triangle it keeps.
// Computes:     kappa_1(R) ~ ||R||_1 est(||R^{-1}||_1) for an r x r upper triangle R.
// Reference:    Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
//               chapter 15; the estimator is src/blas/one_norm_estimate.hpp (xLACN2).
// Cost:         r^2 / 2 for ||R||_1 plus a few triangular solves, O(r^2) each.
// Workspace:    two vectors of r (triangular_condition_workspace_size).
// Stability:    an estimate: a lower bound on ||R^{-1}||_1, in practice within a factor
//               of 3 (Higham 1988, section 5).
#include <algorithm>

#include "../blas/blas_kernels.hpp"
#include "../blas/one_norm_estimate.hpp"
#include "lstsq_pipeline.hpp"
#include "stela/blas.hpp"

namespace stela::detail {

template <class T>
T triangular_condition(MatrixView<const T> R, Workspace work) {
  const index r = R.rows();
  if (r == 0) return T(1);
  VectorView<T> x = work.vector<T>(r);
  VectorView<T> xi = work.vector<T>(r);
  T rnorm = 0;  // ||R||_1 of the upper triangle
  for (index j = 0; j < r; ++j) rnorm = std::max(rnorm, asum(R.col(j).segment(0, j + 1)));
  // est(||R^{-1}||_1) from products with R^{-1} (v := R^{-1} v) and R^{-T} (v := R^{-T} v)
  const T inverse_norm = one_norm_estimate<T>(
      r, [&](VectorView<T> v) { trsv_kernel(Uplo::upper, Op::none, Diag::non_unit, R, v); },
      [&](VectorView<T> v) { trsv_kernel(Uplo::upper, Op::transpose, Diag::non_unit, R, v); }, x, xi);
  return rnorm * inverse_norm;
}

template float triangular_condition<float>(MatrixView<const float>, Workspace);
template double triangular_condition<double>(MatrixView<const double>, Workspace);

}  // namespace stela::detail
