// Matrix norms: one, infinity, Frobenius, max-abs.
//
// Counterpart:  LAPACK xLANGE.
// Computes:     ||A||_1 = max_j sum_i |a_ij|,  ||A||_inf = max_i sum_j |a_ij|,
//               ||A||_F = sqrt(sum a_ij^2),     max_ij |a_ij|.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 2.3.
// Cost:         mn.
// Stability:    the Frobenius norm goes through the scaled sum of squares
//               (SumOfSquares, as xLASSQ), so it overflows only when the norm itself
//               does. The absolute sums can overflow only when the norm does, since the
//               norm is that sum.
// NaN:          a NaN entry makes every norm NaN (the comparisons are written so that
//               NaN wins, as xLANGE does with DISNAN).
// Workspace:    none. The infinity norm walks the rows with stride ld instead of
//               keeping n partial row sums.
#include <cmath>

#include "stela/blas.hpp"

namespace stela {
namespace {

// max(best, v), where a NaN v (or a NaN best) wins.
template <class T>
T max_nan(T best, T v) {
  return (v > best || v != v) ? v : best;
}

}  // namespace

template <class T>
T norm(MatrixView<const T> A, Norm kind) {
  if (A.empty()) return T(0);
  T result = 0;
  switch (kind) {
    case Norm::one:
      for (index j = 0; j < A.cols(); ++j) result = max_nan(result, asum(A.col(j)));
      return result;
    case Norm::inf:
      for (index i = 0; i < A.rows(); ++i) result = max_nan(result, asum(A.row(i)));
      return result;
    case Norm::frobenius: {
      SumOfSquares<T> ssq;
      for (index j = 0; j < A.cols(); ++j) ssq.add(A.col(j));
      return ssq.norm();
    }
    case Norm::max_abs:
      for (index j = 0; j < A.cols(); ++j)
        for (index i = 0; i < A.rows(); ++i) result = max_nan(result, std::abs(A(i, j)));
      return result;
  }
  return result;
}

template float norm<float>(MatrixView<const float>, Norm);
template double norm<double>(MatrixView<const double>, Norm);

}  // namespace stela
