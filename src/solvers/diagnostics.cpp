// Diagnostics: the 2-norm condition number, and every lstsq method side by side.
//
// Counterparts: numpy.linalg.cond (2-norm); compare_solvers has none — it is the
//               experiment of DESIGN.md's fourth worked example as a function.
// Computes:     cond(A) = s_max / s_min over the min(n, d) singular values (+inf when
//               s_min = 0, 1 for an empty matrix; also +inf when the ratio is beyond
//               the range of T: numerically singular like s_min = 0, since anything
//               above 1/eps already is). The values are those of 2^-e A
//               (scaled_svd.hpp), so matrices near the overflow or underflow threshold
//               get the condition number of their well-scaled copy, exactly. compare_solvers(X, y) runs each
//               method of kAllLstsqMethods on the same problem and reports its solution
//               w, ||y - X w||, ||X^T (y - X w)|| (zero at any least-squares solution: the
//               normal equations' own optimality condition) and ||w - w_svd||.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 2.6.2 and 5.3.8
//               (why kappa^2 appears for the normal equations).
// Scaling:      the residual and X^T r are formed from X 2^-a, y 2^-b and w 2^(a - b),
//               max |x_ij| and max |y_i| in [1/2, 1), and ||X^T r|| = 2^(a + b) times
//               the scaled norm: X^T r of a 1e200-sized X and y would overflow (NaN from
//               Inf - Inf) where the figure itself is representable. A figure beyond
//               the range is +Inf (or 0 below it), never NaN.
// Warning:      cond(X) > 1e8 by default: in double, eps kappa^2 then exceeds 1, so the
//               normal equations' answer can be pure noise while the residual looks fine.
// Invariant:    X and y are only read: every method solves the caller's problem itself,
//               so the reports differ by method alone.
// Cost:         one values-only SVD for cond; every method once for compare_solvers.
#include <cmath>
#include <limits>

#include "../blas/blas_kernels.hpp"
#include "scaled_svd.hpp"
#include "stela/blas.hpp"
#include "stela/diagnostics.hpp"
#include "stela/svd.hpp"

namespace stela {

template <class T>
Result<T> cond(MatrixView<const T> A) {
  if (!all_finite(A)) return Status::not_finite;
  if (A.empty()) return T(1);
  // The ratio is scale-free: take it from A_s = 2^-e A, whose singular values neither
  // overflow (sigma_1 of finite entries near the threshold can) nor lose bits (a
  // subnormal A's).
  Result<detail::ScaledSvd<T>> F = detail::scaled_svd(A, SvdVectors::none, SvdOptions{});
  if (!F.ok()) return F.status();
  const Vector<T>& s = F->svd.s;
  const T smin = s[s.size() - 1];
  if (smin == T(0)) return std::numeric_limits<T>::infinity();
  return s[0] / smin;
}

template <class T>
Result<SolverComparison<T>> compare_solvers(MatrixView<const T> X, VectorView<const T> y, const CompareOptions<T>& opts) {
  const index n = X.rows(), d = X.cols();
  if (y.size() != n) return Status::dimension_mismatch;
  if (!valid(opts.tolerance) || !(opts.condition_warning >= 0)) return Status::invalid_argument;
  if (!all_finite(X) || !all_finite(y)) return Status::not_finite;

  SolverComparison<T> out;
  Result<T> kappa = cond(X);
  if (!kappa.ok()) return kappa.status();
  out.cond = *kappa;
  out.condition_warning = out.cond > opts.condition_warning;

  // X_s = 2^-a X and y_s = 2^-b y, exactly (powers of two move only the exponent).
  Matrix<T> Xs(X);
  const int a = scale_by_max_exponent(Xs.view());
  Vector<T> ys(y);
  const int b = scale_by_max_exponent(ys.view());

  Vector<T> reference;  // the SVD solution, the first method
  Vector<T> r(n), ws(d), xtr(d);
  for (LstsqMethod method : kAllLstsqMethods) {
    SolverReport<T> report;
    report.method = method;
    LstsqOptions<T> lopts;
    lopts.method = method;
    lopts.tolerance = opts.tolerance;
    lopts.equilibrate = opts.equilibrate;
    lopts.refine = opts.refine;
    Result<LstsqResult<T>> fit = lstsq(X, y, lopts);
    report.status = fit.status();
    if (fit.ok()) {
      report.solution = Vector<T>(fit->solution.col(0));
      report.residual_norm = fit->residual_norm[0];
      // w_s = 2^(a - b) w, r_s = y_s - X_s w_s = 2^-b r, ||X^T r|| = 2^(a + b) ||X_s^T r_s||.
      copy(VectorView<const T>(report.solution), ws.view());
      scale_by_power_of_two(a - b, ws.view());
      copy(VectorView<const T>(ys), r.view());
      detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(Xs), VectorView<const T>(ws), T(1), r.view());
      detail::gemv_kernel(Op::transpose, T(1), MatrixView<const T>(Xs), VectorView<const T>(r), T(0), xtr.view());
      report.xtr_norm = std::ldexp(nrm2(VectorView<const T>(xtr)), a + b);
      if (method == LstsqMethod::svd) reference = report.solution;
      if (reference.size() == d) {
        Vector<T> difference = report.solution;
        axpy(T(-1), VectorView<const T>(reference), difference.view());
        report.disagreement = nrm2(VectorView<const T>(difference));
      } else {
        report.disagreement = std::numeric_limits<T>::quiet_NaN();  // no SVD solution to compare with
      }
    } else {
      report.residual_norm = std::numeric_limits<T>::quiet_NaN();
      report.xtr_norm = std::numeric_limits<T>::quiet_NaN();
      report.disagreement = std::numeric_limits<T>::quiet_NaN();
    }
    out.methods.push_back(std::move(report));
  }
  return out;
}

#define STELA_INSTANTIATE(T)                                                                                   \
  template Result<T> cond<T>(MatrixView<const T>);                                                             \
  template Result<SolverComparison<T>> compare_solvers<T>(MatrixView<const T>, VectorView<const T>,           \
                                                          const CompareOptions<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
