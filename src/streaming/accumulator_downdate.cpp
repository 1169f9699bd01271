// Removing a row from the QR accumulator: downdating R by the LINPACK (Saunders) method.
//
// Counterpart:  LINPACK xCHDD (downdating an augmented Cholesky or QR factor; G. W.
//               Stewart's code of M. A. Saunders's method), applied twice: to the X
//               part, carrying the right-hand-side columns along, then to the residual
//               block.
// Computes:     R_new with R_new^T R_new = R^T R - u u^T, u = [x; y]: the R of [X | Y]
//               without the row [x^T y^T].
// Method:       with R = [R11 R12; 0 R22] (d and k rows):
//               1. a := R11^{-T} x;  rho^2 := 1 - ||a||^2, which is 1 minus the row's
//                  leverage x^T (X^T X)^{-1} x and equals det(R11_new)^2 / det(R11)^2.
//                  Refuse (not_positive_definite) unless rho^2 exceeds the error it can
//                  have (Refusal, below); alpha := rho.
//               2. z := (y - R12^T a) / alpha = (y - W^T x) / rho: the row's residual
//                  against the current fit, divided by sqrt(1 - leverage), so that
//                  ||r_j||^2 loses z_j^2 = e_j^2 / (1 - h), the classical change of the
//                  residual sum of squares when a row is deleted.
//               3. Residual block: R22_new^T R22_new = R22^T R22 - z z^T by the same
//                  method with b := R22^{-T} z. R22 is only positive SEMIdefinite (a
//                  consistent right-hand side leaves a zero residual): a row of R22
//                  whose pivot is at rounding level, |r_jj| <= eps max(n, p) ||y_j||,
//                  gets the pivot zeroed and is rotated into the rows below it until
//                  it vanishes; zero rows take no part (b_j = 0); and ||b|| > 1, which
//                  only rounding can cause for a row that was added, is scaled back to
//                  1 (the residual is clamped at zero).
//               4. X part: with the vector [a; alpha] (unit norm), rotations G_i in the
//                  plane of row i and an extra row, i = d-1 .. 0, chosen so that
//                  G_0 ... G_{d-1} [a; alpha] = [0; 1], applied to [R11 R12; 0 z^T]:
//                  the result is [R11_new R12_new; x^T y^T] (the last row is dropped).
//                  Why: the extra row ends as [R11 R12; 0 z^T]^T [a; alpha] = [x; y],
//                  and orthogonal rotations keep the Gram matrix, so the rows above it
//                  lose exactly u u^T, plus the z z^T that step 3 took from R22.
// Choice:       Saunders's method rather than hyperbolic rotations (GVL 6.5) because
//               (i) definiteness is decided before any entry of R changes: rho^2 comes
//               from one triangular solve, so a refused downdate leaves the accumulator
//               untouched without a copy of R, while hyperbolic rotations discover the
//               failure at some row i after rows 0..i-1 have changed; (ii) it applies
//               only orthogonal rotations, through stela's safe givens and rot, and is
//               mixed stable (Stewart 1979), whereas hyperbolic rotations are stable
//               only in their mixed form (Bojanczyk, Brent, Van Dooren & de Hoog 1987);
//               (iii) rho^2 is a diagnostic in itself, the row's 1 - leverage.
// Refusal:      rho^2 is computed from an R11 that is off by dR: the triangular solve
//               acts on R11 + dR_solve with |dR_solve| <= d eps |R11| (Higham, Accuracy
//               and Stability, 2nd ed., thm 8.5), R11 carries the backward error of the
//               rows it was built from, O(n eps ||R11||), and earlier removals left
//               their amplified errors in it (downdate_error(), below). A change dR of
//               R11 moves ||a||^2 by at most 2 ||R11^{-1} a|| ||dR|| ||a||. With
//               c = max(n, d) + 2 (the rank rule's rounding level eps max(n, d), plus the
//               norm and the subtraction),
//                   dR = c eps ||R11||_F + downdate_error(),
//                   rho^2 is trusted when rho^2 > ||a|| (2 ||R11^{-1} a|| dR + c eps ||a||).
//               At or below that, the sign of rho^2 is not known: the remaining rows do
//               not determine R11 to the accuracy R11 has (exactly rank-deficient
//               remainders land here), and the downdate is refused.
// Error:        downdate_error() models what removals have done to R. A removal sees R11
//               at its rounding level, c eps ||R11||_F, and passes that on amplified by
//               ||R R_new^{-1}||_2 = 1 / rho (Stability, below): its share is
//               c eps ||R11||_F / rho, and shares combine in root-sum-square, as
//               independent rounding errors do (Higham, 2nd ed., 2.8). Adding rows
//               leaves it (it is absolute; with forgetting it scales by sqrt(lambda) per
//               row), a merge adds the other accumulator's, reset clears it. It is a
//               model, not a bound: the error already in R is not compounded by later
//               removals, because the 1 / rho growth acts in one direction, the removed
//               row's, and compounding it as a bound would overstate the error of a long
//               sliding window by orders of magnitude. What it buys: after an
//               ill-conditioned removal (rho small), later downdates must clear a
//               correspondingly higher bar; a window that slides for long raises the bar
//               like the square root of its removals (rebuilding R from the window's
//               rows, or a reset, clears it).
// Reference:    M. A. Saunders, "Large-scale linear programming using the Cholesky
//               factorization", Stanford report STAN-CS-72-252, 1972; J. J. Dongarra,
//               J. R. Bunch, C. B. Moler and G. W. Stewart, LINPACK Users' Guide, SIAM
//               1979, ch. 10; G. W. Stewart, "The effects of rounding error on an
//               algorithm for downdating a Cholesky factorization", J. Inst. Math.
//               Appl. 23, 1979; A. W. Bojanczyk, R. P. Brent, P. Van Dooren and F. R. de
//               Hoog, "A note on downdating the Cholesky factorization", SIAM J. Sci.
//               Stat. Comput. 8(3), 1987; Golub & Van Loan, Matrix Computations, 4th
//               ed., 6.5.
// Flops:        two triangular solves with R11 (2 d^2), R12^T a (2 d k), the X
//               rotations (about 3 d (d + 2k)), the residual block (k^2 for b, 3 k^2
//               for its rotations; up to k^3 more when its pivots are at rounding level),
//               ||R11||_F (d^2 / 2): about 5.5 d^2 + 8 d k + 4 k^2, i.e. O(p^2).
// Workspace:    a and R11^{-1} a (d each), z and b (k each), the extra row (p).
// Invariant:    during step 4, before rotation i: the rows above and the extra row
//               together have the Gram matrix of [R11 R12; 0 z^T]; rows 0..i-1 are
//               still the old ones.
// Stability:    mixed stable (Stewart 1979): R_new is close to the exact downdate of a
//               slightly perturbed R and u. Since ||R R_new^{-1}||_2 = 1 / rho exactly
//               (R^T R = R_new^T R_new + x x^T and Sherman–Morrison), perturbations of R
//               of size eps ||R|| reach R_new as about eps ||R|| / rho, where a QR of the
//               remaining rows commits eps ||R_new||: removing rows of small leverage
//               (rho near 1) keeps QR's accuracy, removing a row that carried a
//               direction of X nearly alone (rho small) loses about log10(1/rho) more
//               digits, which is why rho^2 at rounding level is refused.
// Statuses:     dimension_mismatch, workspace_too_small, not_finite (NaN or Inf in x or
//               y), not_positive_definite (no rows, a zero on R11's diagonal, or rho^2
//               not above its bound); the accumulator is untouched on each.
#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/scalar.hpp"
#include "stela/streaming.hpp"

namespace stela {
namespace {

// Rotations G_i, i = m-1 .. 0, in the plane of row i of Rtop and an extra row e, with
// G_0 ... G_{m-1} [s; t] = [0; 1] for a unit vector [s; t], t >= 0:
//   [e(i:q); Rtop(i, i:q)] := G_i [e(i:q); Rtop(i, i:q)].
// Rtop is m x q, upper trapezoidal (row i starts at column i); e has q entries.
template <class T>
void rotate_out(MatrixView<T> Rtop, VectorView<const T> s, T t, VectorView<T> e) {
  const index q = Rtop.cols();
  for (index i = s.size() - 1; i >= 0; --i) {
    // G_i [t; s_i] = [t'; 0]
    const Givens<T> G = givens(t, s[i]);
    t = G.r;
    if (G.s == T(0)) continue;  // G_i = I
    // [e(i:q); Rtop(i, i:q)] := G_i [e(i:q); Rtop(i, i:q)]
    rot(e.segment(i, q - i), Rtop.row(i).segment(i, q - i), G.c, G.s);
  }
}

// Step 1: a := R11^{-T} x and v := R11^{-1} a; alpha := rho when rho^2 = 1 - ||a||^2 lies
// above its error bound, with n rows behind R11 and `error` the absolute error earlier
// removals left in R; not_positive_definite otherwise. error_new is the error R will
// carry after this removal.
template <class T>
Status leverage_check(MatrixView<const T> R11, index n, T error, VectorView<const T> x, VectorView<T> a,
                      VectorView<T> v, T& alpha, T& error_new) {
  const index d = R11.rows();
  alpha = T(1);
  error_new = error;
  if (d == 0) return Status::ok;
  for (index i = 0; i < d; ++i)
    if (R11(i, i) == T(0)) return Status::not_positive_definite;  // X has lost rank already
  // a := R11^{-T} x
  copy(x, a);
  Status status = trsv(Uplo::upper, Op::transpose, Diag::non_unit, R11, a);
  if (status != Status::ok) return status;
  const T a_norm = nrm2(VectorView<const T>(a));
  // v := R11^{-1} a
  copy(VectorView<const T>(a), v);
  status = trsv(Uplo::upper, Op::none, Diag::non_unit, R11, v);
  if (status != Status::ok) return status;
  // rho^2 = (1 - ||a||)(1 + ||a||) and its bound ||a|| (2 ||v|| dR + c eps ||a||), with
  // c = max(n, d) + 2 and dR = c eps ||R11||_F + error, what R11 may be off by.
  const T c = static_cast<T>(std::max(n, d) + 2);
  const T r_norm = norm(R11, Norm::frobenius);
  const T dR = c * eps<T>() * r_norm + error;
  const T rho2 = (T(1) - a_norm) * (T(1) + a_norm);
  const T bound = a_norm * (T(2) * nrm2(VectorView<const T>(v)) * dR + c * eps<T>() * a_norm);
  if (!(rho2 > bound)) return Status::not_positive_definite;  // also for NaN or Inf
  alpha = std::sqrt(rho2);
  // This removal's share of the error: the rounding level of R11 through the
  // amplification ||R R_new^{-1}||_2 = 1 / rho; shares add in root-sum-square.
  error_new = std::hypot(error, c * eps<T>() * r_norm / alpha);
  return Status::ok;
}

// Step 3: R22^T R22 := R22^T R22 - z z^T, semidefinite-safe. R is the whole factor (the
// column norms set the rounding level of each pivot); d its X part, n the row count.
template <class T>
void downdate_residual_block(MatrixView<T> R, index d, index n, VectorView<const T> z, VectorView<T> b,
                             VectorView<T> e) {
  const index k = z.size();
  const index p = d + k;
  MatrixView<T> R22 = R.block(d, d, k, k);
  // 3a. A pivot at rounding level, |r_ii| <= eps max(n, p) ||R(0:d+i+1, d+i)||, is zeroed
  //     and its row rotated into the rows below until it vanishes (the rotations keep
  //     R22^T R22; the pivots below only grow).
  const T rtol = eps<T>() * static_cast<T>(std::max<index>({n, p, 1}));
  for (index i = 0; i < k; ++i) {
    const T column_norm = nrm2(VectorView<const T>(R.col(d + i).segment(0, d + i + 1)));
    if (std::abs(R22(i, i)) > rtol * column_norm) continue;
    R22(i, i) = T(0);
    for (index j = i + 1; j < k; ++j) {
      // G [r_jj; r_ij] = [r; 0];  [R22(j, j+1:k); R22(i, j+1:k)] := G [R22(j, j+1:k); R22(i, j+1:k)]
      const Givens<T> G = givens(R22(j, j), R22(i, j));
      R22(j, j) = G.r;
      R22(i, j) = T(0);
      rot(R22.row(j).segment(j + 1, k - j - 1), R22.row(i).segment(j + 1, k - j - 1), G.c, G.s);
    }
  }
  // 3b. b := R22^{-T} z by forward substitution; zero rows (zero pivot) get b_i = 0.
  for (index i = 0; i < k; ++i) {
    if (R22(i, i) == T(0)) {
      b[i] = T(0);
      continue;
    }
    // b_i = (z_i - R22(0:i, i)^T b(0:i)) / r_ii
    b[i] = (z[i] - dot(VectorView<const T>(R22.col(i).segment(0, i)), VectorView<const T>(b.segment(0, i)))) /
           R22(i, i);
  }
  // 3c. beta := sqrt(1 - ||b||^2), with ||b|| clamped to 1.
  const T b_norm = nrm2(VectorView<const T>(b));
  T beta = T(0);
  if (b_norm > T(1)) {
    scal(T(1) / b_norm, b);
  } else {
    beta = std::sqrt((T(1) - b_norm) * (T(1) + b_norm));
  }
  // 3d. [R22; 0] := G_0 ... G_{k-1} [R22; 0] with G_0 ... G_{k-1} [b; beta] = [0; 1].
  fill(e, T(0));
  rotate_out(R22, VectorView<const T>(b), beta, e);
}

}  // namespace

template <class T>
WorkspaceSize QrAccumulator<T>::remove_row_workspace_size(index d, index k) {
  return WorkspaceSize::vector<T>(d) + WorkspaceSize::vector<T>(d) + WorkspaceSize::vector<T>(k) +
         WorkspaceSize::vector<T>(k) + WorkspaceSize::vector<T>(d + k);
}

template <class T>
Status QrAccumulator<T>::remove_row(VectorView<const T> x, VectorView<const T> y, Workspace work) {
  if (x.size() != d_ || y.size() != k_) return Status::dimension_mismatch;
  if (!work.holds(remove_row_workspace_size(d_, k_))) return Status::workspace_too_small;
  if (!all_finite(x) || !all_finite(y)) return Status::not_finite;
  if (n_ == 0) return Status::not_positive_definite;  // nothing to remove
  const index p = order();
  if (p == 0) {
    --n_;
    return Status::ok;
  }
  VectorView<T> a = work.vector<T>(d_);
  VectorView<T> v = work.vector<T>(d_);
  VectorView<T> z = work.vector<T>(k_);
  VectorView<T> b = work.vector<T>(k_);
  VectorView<T> e = work.vector<T>(p);
  const MatrixView<const T> R = this->R();

  // 1. a := R11^{-T} x and alpha = sqrt(1 - ||a||^2), or refuse: R is still untouched.
  T alpha = T(1);
  T error_new = error_;
  Status status = leverage_check(R.block(0, 0, d_, d_), n_, error_, x, a, v, alpha, error_new);
  if (status != Status::ok) return status;
  // 2. z := (y - R12^T a) / alpha
  if (k_ > 0) {
    copy(y, z);
    if (d_ > 0) {
      status = gemv(Op::transpose, T(-1), R.block(0, d_, d_, k_), VectorView<const T>(a), T(1), z);
      if (status != Status::ok) return status;
    }
    scal(T(1) / alpha, z);
    // 3. R22^T R22 := R22^T R22 - z z^T
    downdate_residual_block(R_, d_, n_, VectorView<const T>(z), b, e.segment(0, k_));
  }
  // 4. [R11 R12; 0 z^T] := G_0 ... G_{d-1} [R11 R12; 0 z^T] with G_0 ... G_{d-1} [a; alpha] = [0; 1];
  //    the extra row ends as [x^T y^T] and is dropped.
  if (d_ > 0) {
    fill(e, T(0));
    copy(VectorView<const T>(z), e.segment(d_, k_));
    rotate_out(R_.row_block(0, d_), VectorView<const T>(a), alpha, e);
  }
  error_ = error_new;
  --n_;
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                          \
  template WorkspaceSize QrAccumulator<T>::remove_row_workspace_size(index, index);  \
  template Status QrAccumulator<T>::remove_row(VectorView<const T>, VectorView<const T>, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
