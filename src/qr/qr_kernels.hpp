// Internal to stela's sources (not installed): the unchecked QR kernels behind the
// checked entries of stela/qr.hpp, and helpers of the QR solves shared by qr_solve.cpp
// and the lstsq driver.
//
// Each entry (householder_qr_inplace, qr_apply_q_inplace, ...) checks shapes, options,
// workspace and finiteness in the documented order and then makes one call of its
// kernel. The kernels assume all of that: the SVD, the solves and the factorization
// objects call them on data that is valid by construction, so nothing is checked twice
// and no status is thrown away. A kernel that cannot fail on valid input returns
// nothing; the others return the status their entry documents for that failure.
#pragma once

#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/qr.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela::detail {

// ---------------------------------------------------------------------------------------
// Kernels (the storage and workspace of each are those of the entry of the same name)

// A = Q R one reflector at a time, k = min(m, n) reflectors (src/qr/qr_householder.cpp).
template <class T>
void householder_qr_unblocked_kernel(MatrixView<T> A, VectorView<T> tau);

// A = Q R, blocked while the trailing matrix exceeds the crossover; work holds
// householder_qr_workspace_size(m, n, blocking) (src/qr/qr_householder.cpp). Factors
// 2^-e A and scales R back by 2^e (the scaling note below): R may hold Inf on exit when
// the true R is beyond the range of T (the entry reports not_finite).
template <class T>
void householder_qr_kernel(MatrixView<T> A, VectorView<T> tau, Workspace work, QrBlocking blocking = {});

// C := op(Q) C or C op(Q); work holds qr_apply_q_workspace_size (src/qr/qr_apply_q.cpp).
template <class T>
void qr_apply_q_kernel(Side side, Op trans, MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> C,
                       Workspace work, QrBlocking blocking = {});

// The first Q.cols() columns of Q; work holds qr_form_q_workspace_size (src/qr/qr_form_q.cpp).
template <class T>
void qr_form_q_kernel(MatrixView<T> Q, VectorView<const T> tau, Workspace work, QrBlocking blocking = {});

// A P = Q R with column pivoting (src/qr/qr_pivoted.cpp), on 2^-e A with R scaled back
// by 2^e (see the scaling note below). Finite input can still have a column norm, and
// so |r_00|, beyond the range of T: R then holds Inf and the kernel returns not_finite
// (A, tau and perm holding that result).
template <class T>
Status qr_pivoted_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work);

// The same on A already scaled (max |a_ij| <= 1, as scale_by_max_exponent leaves it):
// no scaling of its own, nothing can overflow (src/qr/qr_pivoted.cpp).
template <class T>
void qr_pivoted_scaled_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work);

// The numerical rank read off a pivoted R: the leading |r_jj| above
// rank_threshold(tol, |r_00|, m, n) (src/qr/qr_pivoted.cpp). tol.atol >= 0 may be +Inf
// (a scaled tolerance that overflowed), which gives rank 0.
template <class T>
index qr_pivoted_rank_kernel(MatrixView<const T> R, const RankTolerance<T>& tol);

// [R1 R2] = [T 0] Z (src/qr/rz_factorization.cpp).
template <class T>
void rz_kernel(MatrixView<T> R, VectorView<T> tau_z, Workspace work);

// C := op(Z) C (src/qr/rz_factorization.cpp).
template <class T>
void rz_apply_z_kernel(Op trans, MatrixView<const T> RZ, VectorView<const T> tau_z, MatrixView<T> C);

// A P = Q [T 0; 0 0] Z with rank r (src/qr/qr_cod.cpp), on 2^-e A with the rank rule
// scaled alike and T, R22 scaled back: the rank never overflows; not_finite when T does.
template <class T>
Status cod_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<T> tau_z, VectorView<index> perm, index& rank,
                  const RankTolerance<T>& tol, Workspace work);

// X := the minimum-norm solution from cod_kernel's output (src/qr/qr_cod.cpp).
template <class T>
void cod_solve_kernel(MatrixView<const T> QTZ, VectorView<const T> tau, VectorView<const T> tau_z,
                      VectorView<const index> perm, index rank, MatrixView<T> B, MatrixView<T> X, Workspace work);

// X := the least-squares or minimum-norm solution from a Householder QR
// (src/qr/qr_solve.cpp). rank_deficient, with B and X untouched, when the triangle to
// be inverted fails the rank check. As for qr_pivoted_rank_kernel, tol.atol may be +Inf.
template <class T>
Status qr_solve_kernel(MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> B, MatrixView<T> X,
                       const RankTolerance<T>& tol, Workspace work);

// ---------------------------------------------------------------------------------------
// Exact scaling of the factorizations (householder_qr_kernel, qr_pivoted_kernel,
// cod_kernel) and of the solvers above them (lstsq, pinv, rank, cond, null_space, ...):
// they all work on 2^-e A with e = binary_exponent(max |a_ij|) (scale_by_max_exponent,
// largest |entry| in [1/2, 1)), the power-of-two scaling lstsq has always done. Column
// norms are then at most sqrt(m) and nothing in between can overflow; subnormal input is
// lifted exactly to full precision. The factorizations multiply R back by 2^e at the
// end; a result beyond the range of T becomes Inf there and is reported as not_finite.
// Because every caller scales the same way, 2^k A gives bit for bit the same scaled
// problem as A, and results that scale with A scale exactly.

// The rank rule for 2^-e A that is the caller's rule for A: the absolute part atol is
// scaled with the singular values (2^-e atol, which may round to 0 or overflow to +Inf,
// both right: rank_threshold compares it with the scaled values), the relative part is
// scale-free.
template <class T>
RankTolerance<T> scaled_tolerance(const RankTolerance<T>& tol, int e) {
  RankTolerance<T> scaled = tol;
  scaled.atol = std::ldexp(tol.atol, -e);
  return scaled;
}

// Whether the upper trapezoid of R (on and above the diagonal) is finite.
template <class T>
bool upper_finite(MatrixView<const T> R) {
  for (index j = 0; j < R.cols(); ++j)
    if (!all_finite(R.col(j).segment(0, std::min(j + 1, R.rows())))) return false;
  return true;
}

// The upper trapezoid of R (on and above the diagonal) := 2^e times itself; the
// reflector tails below the diagonal are scale-free and stay.
template <class T>
void scale_upper_by_power_of_two(int e, MatrixView<T> R) {
  if (e == 0) return;
  for (index j = 0; j < R.cols(); ++j) scale_by_power_of_two(e, R.col(j).segment(0, std::min(j + 1, R.rows())));
}

// ---------------------------------------------------------------------------------------
// Helpers of the solves

// The largest column norm of A = Q R read off the factored m x n matrix (R on and above
// the diagonal, householder_qr_inplace's layout): max_j ||R(0:min(j+1, m), j)||, equal to
// max_j ||A(:, j)|| because Q is orthogonal. It brackets sigma_1(A):
// sigma_1 / sqrt(n) <= it <= sigma_1, which max |r_jj| does not (without pivoting a small
// first column leaves every later r_jj as small as rounding) — hence the reference for
// the unpivoted QR's rank check.
template <class T>
T qr_column_norm_max(MatrixView<const T> QR) {
  const index m = QR.rows();
  T column_max = 0;
  for (index j = 0; j < QR.cols(); ++j)
    column_max = std::max(column_max, nrm2(QR.col(j).segment(0, std::min(j + 1, m))));
  return column_max;
}

// True when every |d_j| exceeds threshold (NaN counts as not exceeding).
template <class T>
bool diagonal_above_threshold(VectorView<const T> d, T threshold) {
  for (index j = 0; j < d.size(); ++j)
    if (!(std::abs(d[j]) > threshold)) return false;
  return true;
}

}  // namespace stela::detail
