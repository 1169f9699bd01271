// The 2-norm condition number of a symmetric matrix held as LU factors, estimated by
// power iteration.
//
// Counterpart:  none in LAPACK: xGECON estimates the 1-norm condition from LU factors
//               (lu_condition.cpp), xPOCON from Cholesky's. This file serves the
//               normal equations by LU (normal_lu), whose G = X^T X is symmetric: there
//               kappa_2(X) = sqrt(kappa_2(G)), so that the figure lstsq reports for
//               normal_lu means what svd, qr and normal_cholesky report (s_1 / s_d).
// Computes:     est ~ kappa_2(G) = ||G||_2 ||G^{-1}||_2 for G symmetric n x n given
//               P G = L U; G is never formed again. Products G x = P^T L U x (two trmv
//               and the interchanges backward), solves G^{-1} x = U^{-1} L^{-1} P x.
// Method:       G symmetric, so ||G||_2 = max |lambda_i(G)| and power iteration with G
//               itself (not G^T G) converges to it; likewise G^{-1}.
//               1. beta ~ ||G||_2 from x := G e / ||G e||, e_i = +-1 chosen from the last
//                  row of U up so that |(U e)_i| = |u_ii| + |sum_{k>i} u_ik e_k| grows
//                  (LINPACK's sign choice of xTRCO applied to the product with U); the
//                  first candidate is ||G e|| / sqrt(n), then half steps x := G x.
//               2. gamma ~ kappa_2(G) from x := G^{-1} e / ||G^{-1} e||, e_i = +-1 chosen
//                  during the forward substitution U^T z = e (xTRCO's choice; G^{-1} =
//                  G^{-T} = P^T L^{-T} U^{-T}), then half steps x := G^{-1} (beta x): each
//                  ||G^{-1} (beta x)|| for a unit x is a lower bound on beta ||G^{-1}||_2,
//                  of the size of kappa itself (it overflows only when kappa does).
//               Both loops are power_iteration_norm (src/blas/power_iteration.hpp).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., 8.2.1 (the power
//               method on a symmetric matrix); Cline, Moler, Stewart and Wilkinson, SIAM
//               J. Numer. Anal. 16(2), 1979 (the start); Dixon, SIAM J. Numer. Anal.
//               20(4), 1983; Higham, Accuracy and Stability, 2nd ed., chapter 15.
// Cost:         2 n^2 flops per product or solve, at most 2 (kMaxPowerHalfSteps + 1) of
//               them: O(n^2) against the 2 n^3 / 3 of the factorization.
// Workspace:    one vector of n (the iterate).
// Invariant:    the factors and pivots are only read; every candidate is the norm of G
//               or beta G^{-1} applied to a unit vector (up to rounding), so est <=
//               kappa_2(G) and est only grows.
// Accuracy:     as for the triangular estimate: tested through lstsq's normal_lu
//               against svd's s_1 / s_d on the catalogue (tests/test_triangular_condition.cpp,
//               LstsqMethodsReportTheSameKappa2), where kappa_2(X) = sqrt(est).
// Failures:     none: a zero or non-finite diagonal entry of U, or a product or solve
//               that is not finite, is +Inf (G singular, or kappa beyond the range of T).
#include <cmath>
#include <limits>

#include "../blas/power_iteration.hpp"
#include "lu_kernels.hpp"

namespace stela::detail {
namespace {

// v := P^T v, P the row interchanges of the factorization (as lu_solve_vector's last step).
template <class T>
void apply_interchanges_backward(VectorView<const index> pivots, VectorView<T> v) {
  apply_row_interchanges(MatrixView<T>(v.data(), v.size(), 1), pivots, 0, v.size(), false);
}

}  // namespace

template <class T>
T lu_symmetric_condition_2norm_kernel(MatrixView<const T> factors, VectorView<const index> pivots, Workspace work) {
  const index n = factors.rows();
  STELA_ASSERT(factors.cols() == n && pivots.size() == n && work.holds(WorkspaceSize::vector<T>(n)));
  if (n == 0) return T(1);
  for (index i = 0; i < n; ++i)
    if (!(std::abs(factors(i, i)) > T(0) && std::abs(factors(i, i)) <= std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::infinity();
  VectorView<T> x = work.vector<T>(n);
  // v := G v = P^T L U v
  auto multiply = [&](VectorView<T> v) {
    trmv_kernel(Uplo::upper, Op::none, Diag::non_unit, factors, v);
    trmv_kernel(Uplo::lower, Op::none, Diag::unit, factors, v);
    apply_interchanges_backward(pivots, v);
  };
  const T sqrt_n = std::sqrt(static_cast<T>(n));

  // 1. beta ~ ||G||_2. Start: x := U e, e_i = sign(u_ii) sign(s_i), s_i = sum_{k>i} u_ik
  //    e_k (from the bottom up, so each s_i is known when e_i is chosen); then x := P^T L x.
  for (index i = n - 1; i >= 0; --i) {
    const T s = dot(VectorView<const T>(factors.row(i).segment(i + 1, n - i - 1)),
                    VectorView<const T>(x.segment(i + 1, n - i - 1)));
    x[i] = (s >= T(0)) == (factors(i, i) >= T(0)) ? T(1) : T(-1);  // |u_ii e_i + s| = |u_ii| + |s|
  }
  multiply(x);
  const T first = normalize_in_place(x) / sqrt_n;  // ||G e|| / ||e||
  if (!(first <= std::numeric_limits<T>::max())) return std::numeric_limits<T>::infinity();
  const T beta = power_iteration_norm<T>(x, first, [&](bool /*G symmetric*/, VectorView<T> v) {
    multiply(v);
    return normalize_in_place(v);
  });
  if (!(beta <= std::numeric_limits<T>::max())) return std::numeric_limits<T>::infinity();

  // 2. The start for G^{-1}: U^T z = (beta / sqrt(n)) e with e_i = -sign(sum_{k<i} u_ki
  //    z_k), so that |z_i| grows (xTRCO), then x := P^T L^{-T} z = G^{-1} (beta e / sqrt n).
  growing_transposed_solve(Uplo::upper, factors, beta / sqrt_n, x);
  trsv_kernel(Uplo::lower, Op::transpose, Diag::unit, factors, x);
  apply_interchanges_backward(pivots, x);
  const T start = normalize_in_place(x);
  if (!(start <= std::numeric_limits<T>::max())) return std::numeric_limits<T>::infinity();
  // Half steps: x := G^{-1} (beta x), normalised.
  return power_iteration_norm<T>(x, start, [&](bool /*G symmetric*/, VectorView<T> v) {
    scal(beta, v);
    lu_solve_vector(Op::none, factors, pivots, v);
    return normalize_in_place(v);
  });
}

template float lu_symmetric_condition_2norm_kernel<float>(MatrixView<const float>, VectorView<const index>, Workspace);
template double lu_symmetric_condition_2norm_kernel<double>(MatrixView<const double>, VectorView<const index>,
                                                            Workspace);

}  // namespace stela::detail
