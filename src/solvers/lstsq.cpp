// The allocating lstsq layer: lstsq(X, Y, opts) and lstsq(X, y, opts).
//
// Each call sizes the workspace, allocates the solution, the residual norms and the
// singular values, runs lstsq_inplace (the run-time choice of the method,
// lstsq_inplace.cpp; the numerics are in lstsq_pipeline.cpp and lstsq_<method>.cpp) and
// packages the result with one number of its own per column: the forward-error
// estimate below. A program that uses only the low-level entries links none of this
// file, and so no operator new and no std::__throw_* from it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// The forward-error estimate of the LAPACK Users' Guide, section 4.5.2, for one column:
// eps (2 kappa / cos(theta) + tan(theta) kappa^2), sin(theta) = ||r|| / ||y||; for the
// normal equations eps kappa^2 (they lose it whatever the residual).
template <class T>
T forward_error_estimate(LstsqMethod method, T kappa, T residual, T y_norm) {
  if (!(kappa == kappa)) return std::numeric_limits<T>::quiet_NaN();
  const T e = eps<T>();
  if (method == LstsqMethod::normal_cholesky || method == LstsqMethod::normal_lu) return e * kappa * kappa;
  if (y_norm == T(0)) return T(0);  // y = 0: the solution is exactly zero
  const T sin_theta = std::min(T(1), residual / y_norm);
  const T cos_theta = std::sqrt((T(1) - sin_theta) * (T(1) + sin_theta));
  if (cos_theta == T(0)) return std::numeric_limits<T>::infinity();  // y orthogonal to range(X): w = 0
  const T tan_theta = sin_theta / cos_theta;
  return e * (T(2) * kappa / cos_theta + tan_theta * kappa * kappa);
}

}  // namespace

template <class T>
Result<LstsqResult<T>> lstsq(MatrixView<const T> X, MatrixView<const T> Y, const LstsqOptions<T>& opts) {
  const index n = X.rows(), d = X.cols(), k = Y.cols();
  if (Y.rows() != n) return Status::dimension_mismatch;
  LstsqResult<T> out;
  out.method = opts.method;
  out.solution = Matrix<T>(d, k);
  out.residual_norm = Vector<T>(k);
  const bool spectral = opts.method == LstsqMethod::svd || opts.method == LstsqMethod::jacobi;
  Vector<T> s(spectral ? std::min(n, d) : 0);
  LstsqInfo<T> info;
  WorkspaceBuffer buffer(lstsq_workspace_size<T>(n, d, k, opts));
  const Status status =
      lstsq_inplace(X, Y, opts, out.solution.view(), out.residual_norm.view(), s.view(), info, buffer.workspace());
  if (status != Status::ok) return status;
  out.rank = info.rank;
  out.singular_values = std::move(s);
  out.tolerance = info.tolerance;
  out.gap = info.gap;
  out.condition = info.condition;
  out.equilibrated = info.equilibrated;
  out.refinement = info.refinement;
  // The refinement's bound, when it gives a finite one, replaces the Users' Guide
  // estimate (it is a bound for every column: the largest over them).
  const T bound = info.refinement.bound_normwise;
  out.forward_error = Vector<T>(k);
  for (index j = 0; j < k; ++j)
    out.forward_error[j] = bound < std::numeric_limits<T>::infinity()
                               ? bound
                               : forward_error_estimate(opts.method, info.condition, out.residual_norm[j],
                                                        nrm2(Y.col(j)));
  return out;
}

template <class T>
Result<LstsqResult<T>> lstsq(MatrixView<const T> X, VectorView<const T> y, const LstsqOptions<T>& opts) {
  Matrix<T> Y(y.size(), 1);
  copy(y, Y.col(0));
  return lstsq(X, MatrixView<const T>(Y), opts);
}

#define STELA_INSTANTIATE(T)                                                                               \
  template Result<LstsqResult<T>> lstsq<T>(MatrixView<const T>, MatrixView<const T>, const LstsqOptions<T>&); \
  template Result<LstsqResult<T>> lstsq<T>(MatrixView<const T>, VectorView<const T>, const LstsqOptions<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
