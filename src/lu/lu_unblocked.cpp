// LU factorization with partial pivoting, unblocked: P A = L U one column at a time.
//
// Counterpart:  LAPACK xGETF2 (the panel kernel of xGETRF).
// Computes:     P A = L U with P a permutation, L unit lower triangular (trapezoidal
//               for a panel) with |l_ij| <= 1, U upper triangular.
// Storage:      entry: A (m x n; n x n for the public routine). exit: L's strict
//               lower part below the diagonal, U on and above it; pivots[j] = the row
//               swapped with row j at step j (0-based, pivots[j] >= j).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 3.4 (partial
//               pivoting, Algorithm 3.4.1); Higham, Accuracy and Stability of
//               Numerical Algorithms, 2nd ed., chapter 9.
// Method:       right-looking ("outer product") Gaussian elimination: at step j pick
//               the entry of largest magnitude in A(j:m, j) as pivot, swap its row
//               with row j, divide the column below the pivot by it (the multipliers,
//               column j of L), and subtract the rank-1 update from the trailing
//               submatrix:
//                   A(j+1:m, j+1:n) := A(j+1:m, j+1:n) - L(j+1:m, j) U(j, j+1:n).
// Cost:         2 n^3 / 3 flops (square); m n^2 - n^3 / 3 for an m x n panel.
// Workspace:    none.
// Invariant:    before step j, rows and columns 0 .. j-1 hold L and U for the rows
//               permuted so far, and A(j:m, j:n) holds the Schur complement.
// Stability:    L U = P A + dA with |dA| <= gamma_n |L| |U|; as |l_ij| <= 1, ||dA|| is
//               a small multiple of n^2 rho_n eps ||A||, where the growth factor
//               rho_n = max |u_ij| / max |a_ij| <= 2^{n-1} is small in practice
//               (Higham, chapter 9; GVL 3.4.6).
// Failure:      a zero pivot (the whole column A(j:m, j) is zero) does not stop the
//               elimination, as in xGETF2: the step has nothing to eliminate, U(j, j)
//               = 0, and the first such j is reported (Status::singular,
//               info.failed_column). Also dimension_mismatch, not_finite (NaN/Inf in
//               A, A untouched; or the elimination overflowed, A holding its result).
#include <cmath>
#include <utility>

#include "lu_kernels.hpp"
#include "stela/lu.hpp"
#include "stela/scalar.hpp"

namespace stela {

namespace detail {

template <class T>
index lu_panel_kernel(MatrixView<T> A, VectorView<index> pivots) {
  // Written as plain loops over the columns (contiguous in memory), not as calls of
  // swap, scal and ger: on the panels this kernel serves (at most 16 columns
  // under lu_blocked, and small matrices) the calls cost more than the arithmetic.
  const index m = A.rows();
  const index n = A.cols();
  const index ld = A.ld();
  T* a = A.data();
  index first_zero = -1;
  for (index j = 0; j < std::min(m, n); ++j) {
    T* aj = a + j * ld;  // column j
    // 1. Pivot: p = argmax_{i >= j} |a_ij| (the first of equals; a NaN, should the
    //    elimination have made one, wins).
    const index p = j + iamax(VectorView<const T>(A.col(j).segment(j, m - j)));
    pivots[j] = p;
    const T pivot = aj[p];
    if (pivot != T(0)) {
      // 2. Swap rows j and p across the panel.
      if (p != j)
        for (index k = 0; k < n; ++k) std::swap(a[j + k * ld], a[p + k * ld]);
      // 3. L(j+1:m, j) := A(j+1:m, j) / u_jj; by the reciprocal unless it would
      //    overflow (|u_jj| < safe_min), as xGETF2.
      if (std::abs(pivot) >= safe_min<T>()) {
        const T inv = T(1) / pivot;
        for (index i = j + 1; i < m; ++i) aj[i] *= inv;
      } else {
        for (index i = j + 1; i < m; ++i) aj[i] /= pivot;
      }
    } else if (first_zero < 0) {
      first_zero = j;  // column j is zero from the diagonal down: nothing to eliminate
    }
    // 4. A(j+1:m, j+1:n) := A(j+1:m, j+1:n) - L(j+1:m, j) U(j, j+1:n), column by column.
    for (index k = j + 1; k < n; ++k) {
      T* ak = a + k * ld;
      const T ujk = ak[j];
      for (index i = j + 1; i < m; ++i) ak[i] -= aj[i] * ujk;
    }
  }
  return first_zero;
}

}  // namespace detail

template <class T>
Status lu_unblocked_inplace(MatrixView<T> A, VectorView<index> pivots, LuInfo& info) {
  // Checks: shapes, finiteness, empty.
  const index n = A.rows();
  if (A.cols() != n || pivots.size() != n) return Status::dimension_mismatch;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  info = LuInfo{};
  if (n == 0) return Status::ok;

  info.failed_column = detail::lu_panel_kernel(A, pivots);
  // Growth can overflow finite input (rho_n up to 2^{n-1}): report it, never inf factors.
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return info.failed_column < 0 ? Status::ok : Status::singular;
}

#define STELA_INSTANTIATE(T)                                                        \
  template index detail::lu_panel_kernel<T>(MatrixView<T>, VectorView<index>);      \
  template Status lu_unblocked_inplace<T>(MatrixView<T>, VectorView<index>, LuInfo&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
