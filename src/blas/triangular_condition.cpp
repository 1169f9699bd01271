// The 2-norm condition number of an upper triangle, estimated by power iteration.
//
// Counterpart:  none in LAPACK under one name: xTRCON estimates the 1-norm condition
//               (Hager–Higham, xLACN2), xLAIC1 the extreme singular values of a
//               triangle grown one column at a time (Bischof's incremental condition
//               estimation). This file estimates the 2-norm condition itself, so that
//               a figure read off a triangular factor (qr, qrcp, the streaming
//               accumulator) means what svd and jacobi report: kappa_2 = s_1 / s_r.
// Computes:     est ~ kappa_2(R) = ||R||_2 ||R^{-1}||_2 for R r x r upper triangular
//               (or R = L^T for a lower triangle L, as Cholesky leaves it: the
//               normal equations' kappa_2(X) = kappa_2(L)), from products with R
//               and R^T (x := R x, x := R^T x) and solves with R and R^T
//               (x := R^{-1} x, x := R^{-T} x); R is only read.
// Method:       1. beta ~ ||R||_2: power iteration on R^T R from e_j, j the column of
//                  largest norm (so the first estimate, that norm, is already within
//                  sqrt(r) of ||R||_2). Each half step x := R x / ||x|| or
//                  x := R^T x / ||x|| gives ||x|| <= ||R||_2 for a unit x.
//               2. gamma ~ kappa_2 = ||R||_2 ||R^{-1}||_2: the same on R^{-T} R^{-1}, the
//                  iterate scaled by beta before each solve, so that every candidate
//                  ||R^{-1} (beta x)|| (or with R^{-T}) for a unit x is a lower bound
//                  on beta ||R^{-1}||_2 <= kappa_2 of the size of kappa itself (it
//                  overflows only when kappa does). The start is LINPACK's (xTRCO;
//                  Cline, Moler, Stewart and Wilkinson): R^T y = beta e / sqrt(r) with
//                  e_i = +-1 chosen during the forward substitution so that |y_i|
//                  grows, which puts weight on the direction R^{-T} stretches most.
//               Both loops stop when a half step gains less than the factor
//               1 + kPowerSettled, or after kMaxPowerHalfSteps half steps
//               (power_iteration.hpp).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., 3.5.4 (condition
//               estimation) and 8.2.1 (the power method); A. K. Cline, C. B. Moler,
//               G. W. Stewart and J. H. Wilkinson, "An estimate for the condition
//               number of a matrix", SIAM J. Numer. Anal. 16(2), 1979; J. D. Dixon,
//               "Estimating extremal eigenvalues and condition numbers of matrices",
//               SIAM J. Numer. Anal. 20(4), 1983 (power iteration as a condition
//               estimator); Higham, Accuracy and Stability of Numerical Algorithms,
//               2nd ed., chapter 15.
// Cost:         r^2 flops per half step (one trmv or trsv): at most 2 kMaxPowerHalfSteps r^2
//               plus r^2 for the start; typically 6 to 10 r^2. No O(r^3) work.
// Workspace:    one vector of r (the iterate; every step transforms it in place).
// Invariant:    every candidate is the norm of R (or R^T, R^{-1}, R^{-T}) applied to a
//               unit vector, scaled by beta for the inverse: both estimates are lower
//               bounds (to rounding), so est <= kappa_2(R) and est only grows.
// Accuracy:     a lower bound that power iteration tightens; measured on the test
//               catalogue (tests/test_triangular_condition.cpp, the R of Householder QR
//               of every type with known singular values, square and tall, float and
//               double, kappa up to 1e-2/(n eps)) within a factor of 2 of s_1 / s_r:
//               the worst of 900 was 0.71 s_1 / s_r.
// Failures:     none: a zero or non-finite diagonal entry is +Inf (R singular or
//               unusable), and so is a NaN or Inf from the products or solves (kappa,
//               or ||R||_2 itself, beyond the range of T).
#include "triangular_condition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "blas_kernels.hpp"
#include "power_iteration.hpp"
#include "stela/blas.hpp"
#include "stela/scalar.hpp"

namespace stela::detail {

template <class T>
T triangular_condition_2norm(Uplo uplo, MatrixView<const T> A, Workspace work) {
  const index r = A.rows();
  STELA_ASSERT(A.cols() >= r && work.holds(triangular_condition_2norm_workspace_size<T>(r)));
  if (r == 0) return T(1);
  const MatrixView<const T> Rr = A.block(0, 0, r, r);
  for (index i = 0; i < r; ++i)
    if (!(std::abs(Rr(i, i)) > T(0) && std::abs(Rr(i, i)) <= std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::infinity();
  VectorView<T> x = work.vector<T>(r);
  // R is the upper triangle of A, or the transpose of its lower one (kappa_2(L^T) =
  // kappa_2(L)): column j of R above the diagonal is then row j of L, and R x, R^{-1} x
  // are L^T x, L^{-T} x.
  const bool upper = uplo == Uplo::upper;
  auto r_column = [&](index j, index length) {
    return upper ? VectorView<const T>(Rr.col(j).segment(0, length)) : VectorView<const T>(Rr.row(j).segment(0, length));
  };
  auto r_op = [&](bool transpose) { return transpose == upper ? Op::transpose : Op::none; };

  // 1. beta ~ ||R||_2. Start: x := e_j, j the column of largest norm; ||R e_j|| is the
  //    first candidate.
  index j_max = 0;
  T col_max = 0;
  for (index j = 0; j < r; ++j) {
    const T norm = nrm2(r_column(j, j + 1));
    if (norm > col_max) {
      col_max = norm;
      j_max = j;
    }
  }
  fill(x, T(0));
  x[j_max] = T(1);
  // Half steps: x := R x (even), x := R^T x (odd), each followed by x := x / ||x||.
  const T beta = power_iteration_norm<T>(x, T(0), [&](bool transpose, VectorView<T> v) {
    trmv_kernel(uplo, r_op(transpose), Diag::non_unit, Rr, v);
    return normalize_in_place(v);
  });
  if (!(beta <= std::numeric_limits<T>::max())) return std::numeric_limits<T>::infinity();

  // 2. The start for R^{-T} R^{-1}: forward substitution R^T y = beta e / sqrt(r),
  //    e_i = -sign(sum_{k<i} r_ki y_k), so that |y_i| = (beta / sqrt(r) + |sum|) / |r_ii|
  //    (LINPACK's choice, without its look-ahead). x := y.
  growing_transposed_solve(uplo, Rr, beta / std::sqrt(static_cast<T>(r)), x);
  const T start = normalize_in_place(x);
  if (!(start <= std::numeric_limits<T>::max())) return std::numeric_limits<T>::infinity();
  // Half steps: x := R^{-1} (beta x) (even), x := R^{-T} (beta x) (odd), normalised.
  return power_iteration_norm<T>(x, start, [&](bool transpose, VectorView<T> v) {
    scal(beta, v);
    trsv_kernel(uplo, r_op(transpose), Diag::non_unit, Rr, v);
    return normalize_in_place(v);
  });
}

template <class T>
T triangular_condition_2norm(MatrixView<const T> R, Workspace work) {
  return triangular_condition_2norm<T>(Uplo::upper, R, work);
}

template float triangular_condition_2norm<float>(Uplo, MatrixView<const float>, Workspace);
template double triangular_condition_2norm<double>(Uplo, MatrixView<const double>, Workspace);
template float triangular_condition_2norm<float>(MatrixView<const float>, Workspace);
template double triangular_condition_2norm<double>(MatrixView<const double>, Workspace);

}  // namespace stela::detail
