// The condition estimate of a triangular factor, for lstsq's qr and qrcp methods.
//
// Counterpart:  none by one name (see src/blas/triangular_condition.cpp); xGELSY's
//               report would use xTRCON, a 1-norm figure.
// Computes:     kappa_2(R) ~ ||R||_2 ||R^{-1}||_2 for an r x r upper triangle R: the
//               2-norm condition number, which is that of X_s (X_s = Q R, Q with
//               orthonormal columns, has R's singular values), so qr and qrcp report
//               the figure svd and jacobi report (s_1 / s_r), up to the estimator's
//               factor. A 1-norm estimate (xTRCON's) differs from it by up to a factor
//               r either way: on a Gaussian 3000 x 3000 it read 5.67e6 against 6.3e3.
// Reference:    the estimator's card, src/blas/triangular_condition.cpp (power
//               iteration on R^T R and R^{-T} R^{-1}).
// Cost:         a few r^2 (products and solves with R).
// Workspace:    one vector of r (triangular_condition_workspace_size).
// Stability:    an estimate and a lower bound; never below 0.7 kappa_2 on the test
//               catalogue (the tests allow a factor of 2).
#include "../blas/triangular_condition.hpp"
#include "lstsq_pipeline.hpp"

namespace stela::detail {

template <class T>
T triangular_condition(MatrixView<const T> R, Workspace work) {
  return triangular_condition_2norm<T>(R, work);
}

template float triangular_condition<float>(MatrixView<const float>, Workspace);
template double triangular_condition<double>(MatrixView<const double>, Workspace);

}  // namespace stela::detail
