// One-sided (Hestenes) Jacobi SVD, preconditioned by a column-pivoted QR.
//
// Counterparts: LAPACK xGSVJ0 / xGESVJ (the one-sided Jacobi core) and xGEJSV (the
//               preconditioned driver).
// Computes:     the core: G J = U diag(s) with J (n x n) a product of plane rotations.
//               Every rotation makes one pair of columns orthogonal: with a_p, a_q the
//               columns and
//                 zeta = (||a_q||^2 - ||a_p||^2) / (2 a_p^T a_q),
//                 t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)),  c = 1/sqrt(1 + t^2),
//                 [a_p, a_q] := [a_p, a_q] [c  t c; -t c  c],
//               a_p^T a_q becomes 0 and the norms change to
//                 ||a_p||^2 - t a_p^T a_q and ||a_q||^2 + t a_p^T a_q.
//               A small rotation, h = 1 - c = t^2 / (rho (1 + rho)) < eps with
//               rho = sqrt(1 + t^2), is applied as
//                 [a_p, a_q] := [a_p, a_q] - [a_p, a_q] [h -sn; sn h]   (sn = t c),
//               the others with c as usual. Why: c = 1/rho rounds to exactly 1 when
//               h < eps/4, so the applied matrix [1 sn; -sn 1] has c^2 + sn^2 = 1 + t^2
//               and lengthens both columns by h, always in the same direction; a column
//               of J meets about n rotations per sweep, most of them small in the last
//               sweeps, and the drift of J's column norms grew like n sweeps eps/4
//               (measured at n = 512, Gaussian: ||J^T J - I||_F = 22 n eps, all of it on
//               the diagonal). U of the driver is built from J, so ||U^T U - I|| and the
//               residuals ||A v_j - s_j u_j|| followed it. With h held apart its
//               rounding errors are relative to h and of either sign. Above eps the
//               form with c is kept (4 multiplications and 2 additions a row, against 4
//               and 4): what bias it leaves is small, ||J^T J - I||_F = 1.8 n eps
//               (0.9 n eps with the h form on every rotation, which cost 10 to 15% more
//               time; xGESVJ's accumulated V: 1.3 n eps).
//               zeta is formed from the norm ratios and the cosine, never from squares;
//               t is the smaller root, |angle| <= pi/4, and has no cancellation
//               (Rutishauser's formula). When one norm is below eps times the other,
//               the rotation is a projection to working accuracy (|t| < eps, c = 1),
//               and is computed as one, never forming the ratios: with them, norms
//               about the range apart made |zeta| + sqrt(1 + zeta^2) or ||a_p||/||a_q||
//               overflow, t came out 0 (no rotation: no_convergence) and a norm update
//               0 * inf (NaN). The projection, with a_q the smaller,
//                 a_q := a_q - (cos ||a_q||) a_p/||a_p||,  ||a_q|| := ||a_q|| sqrt(1 - cos^2),
//               a_p unchanged (its part |t| ||a_q|| < eps^2 ||a_p|| is below its rounding
//               level), and [v_p, v_q] := [v_p, v_q] [1 -w; w 1], w = cos ||a_q||/||a_p||
//               (xGSVJ0's "modified Gram-Schmidt like transformation", which it uses
//               below a ratio of safe_min/eps; here from eps on, where the two agree).
//               The ratios of a rotated pair are then in [eps, 1/eps] and |cos| > tol,
//               so |zeta| <= 1/(2 eps^2) and nothing overflows or underflows.
//               The driver (Drmač–Veselić): Pi A Pc = Q R with the rows of A sorted by
//               decreasing max-norm (Pi) and column pivoting (Pc); the core on X = R^T gives
//               R^T Z = W diag(s), so R = Z diag(s) W^T and
//                 A = (Pi^T Q [Z; 0]) diag(s) (Pc W)^T.
// Storage:      jacobi_svd_one_sided: on entry G is m x n, m >= n; on exit s holds the
//               column norms sorted non-increasing; with vectors, G := U (orthonormal
//               columns) and V := J; without, G holds U diag(s).
//               jacobi_svd: A (m x n, m >= n) destroyed (Q's reflectors and R);
//               s; U (m x n or m x m); V (n x n). jacobi_svd_applying_kernel (lstsq):
//               the same with U^T C = [Z^T 0] Q^T Pi C in C's first n rows instead
//               of U.
// Reference:    M. R. Hestenes, "Inversion of matrices by biorthogonalization and
//               related results", J. SIAM 6, 1958; H. Rutishauser, "The Jacobi method
//               for real symmetric matrices", Numer. Math. 9, 1966 (the rotation);
//               J. Demmel and K. Veselić, "Jacobi's method is more accurate than QR",
//               SIAM J. Matrix Anal. Appl. 13(4), 1992 (relative accuracy);
//               Z. Drmač and K. Veselić, "New fast and accurate Jacobi SVD algorithm I
//               and II", SIAM J. Matrix Anal. Appl. 29(4), 2008 (LAPACK Working Notes
//               169 and 170; the norms, the tolerance, the preconditioning);
//               A. J. Cox and N. J. Higham, "Stability of Householder QR factorization
//               for weighted least squares problems", 1998 (row sorting);
//               Golub & Van Loan, Matrix Computations, 4th ed., section 8.6.4.
// Convergence:  a sweep visits every pair (p, q), p < q, row by row, with de Rijk's
//               pivoting (before row p, the remaining column of largest norm moves to
//               position p: P. P. M. de Rijk, "A one-sided Jacobi algorithm for computing
//               the singular value decomposition on a vector computer", SIAM J. Sci.
//               Stat. Comput. 10(2), 1989), which speeds convergence. A pair is rotated
//               when |a_p^T a_q| > tol ||a_p|| ||a_q||, tol = sqrt(m) eps (xGESVJ's
//               CTOL = sqrt(m), times eps where xGESVJ has u = eps/2: see
//               cosine_tolerance for the measured reason); the iteration stops after a sweep with no rotation, so on
//               success every pair meets the test (info.max_off_cosine <= tol).
//               The cap is 30 sweeps (xGESVJ's NSWEEP); when it is reached, one more
//               pass measures the cosines without rotating, so a cap of 0 on orthogonal
//               columns is success and a capped run reports what is left. On R^T of a pivoted QR, whose
//               columns are already nearly orthogonal in the graded sense, a handful of
//               sweeps is typical (Drmač & Veselić I, section 3).
// Norms:        ||a_j|| are recomputed with the overflow-safe nrm2 at the start of every
//               sweep and at the end; within a sweep they are updated by the formulas
//               above, and recomputed when the update factor falls below 1/4 (a
//               cancellation losing more than two bits; Drmač & Veselić I, section 4).
//               The cosine a_p^T a_q / (||a_p|| ||a_q||) is a plain dot product when
//               ||a_p|| ||a_q|| is in the safe range, otherwise a dot product of the
//               normalised columns: tiny columns of graded matrices keep their digits.
// Rank:         a column that a rotation cancels down to its rounding level,
//               4 eps (c ||a_q|| + |s| ||a_p||), is set to zero: a change within the
//               rotation's backward error, so column-wise stability (and with it the
//               relative accuracy on graded matrices) is kept, and the exactly or
//               numerically rank-deficient case converges instead of chasing noise.
// Underflow:    at the start of every sweep that may rotate, a column with
//               ||a_j|| < safe_min/eps and ||a_j|| < eps max_k ||a_k|| is set to zero.
//               Why it is allowed: the change is at most eps max_k ||a_k|| <= eps ||G||
//               per column, the normwise backward error every SVD commits (each
//               singular value moves by at most sqrt(n) eps ||G||, Weyl). Why it is
//               needed: such a column lives at the bottom of the exponent range, where
//               the terms of a rotation or projection that should orthogonalise it
//               (of size eps ||a_j|| and below) are subnormal, so their rounding errors
//               are absolute (up to eps safe_min / 2) rather than relative to the
//               column: its column-wise backward error, on which relative accuracy
//               rests, is lost anyway, and near safe_min its cosines cannot be brought
//               below tol at all (a column of a few subnormals cannot even point in a
//               direction to eps), so sweeps run to the cap. It arises from
//               rank deficiency: Householder QR of identical columns leaves, under
//               fused multiply-add, rounding noise that shrinks by eps per row of R
//               down to subnormals (all-ones 6 x 6 in float: row norms 6, 2e-7, 1e-15,
//               2e-23, 3e-31, 3e-38). Relative accuracy is kept above safe_min/eps, as
//               xGEJSV does when it cuts "the underflowed part" of R at SFMIN/EPSLN.
//               Columns are judged against the largest, so a matrix that is small
//               throughout keeps them (unless one is negligible next to another);
//               svd_inplace scales such a matrix into range before the driver anyway.
// Cost:         driver: 2mn^2 - 2n^3/3 (row sort is O(mn + m log m), QRCP) plus per
//               sweep of the core on n x n about n^2/2 pairs of 2n flops (the cosine)
//               plus, for a rotated pair, 6n on G and 6n on J (8n each for a small
//               rotation in the h form),
//               plus 4mn^2 - 2n^3 to apply Q to [Z; 0] when vectors are wanted.
// Invariant:    G_0 J = G and J orthogonal (to rounding) at every step; in the driver
//               Pi A Pc = Q R throughout.
// Stability:    the core is columnwise backward stable and invariant under column
//               scaling; with the row-sorted pivoted QR in front, for A = B D or A = D B
//               (D diagonal, any spread, any order) every singular value has relative
//               error of order (m n eps + tol) cond(B'), B' = B with unit columns or rows
//               (Demmel & Veselić; Drmač & Veselić I, section 2).
// Workspace:    the core: an m x r copy, r reflector scalars and qr_apply_q's scratch
//               for completing U when columns vanish; the driver: row norms and order
//               (m), tau and column order (n), X (n x n), and the QR routines' scratch.
// Failures:     dimension_mismatch, workspace_too_small, not_finite; no_convergence when
//               a pair still fails the test after the sweep cap (the output is still
//               sorted and normalised; info.max_off_cosine is the largest cosine of the
//               measuring pass after the last sweep).
#include <algorithm>
#include <cmath>

#include "../blas/isa_dispatch.hpp"
#include "../qr/qr_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/qr.hpp"
#include "stela/scalar.hpp"
#include "stela/svd.hpp"
#include "svd_common.hpp"
#include "svd_kernels.hpp"

namespace stela {
namespace {

constexpr index kMaxSweeps = 30;  // xGESVJ's NSWEEP

// Within a sweep, a column norm is recomputed instead of updated when the update factor
// 1 -+ t cos (ratio) drops below this: the update then cancels more than two bits.
template <class T>
constexpr T kRecomputeBelow = T(0.25);

// A rotated column whose norm is at most kRoundingLevel eps (c ||a_q|| + |s| ||a_p||) —
// a bound on the rounding error of forming c a_q + s a_p — carries no information: it
// is set to zero. Without this, a column of a rank-deficient matrix shrinks by a factor
// eps per rotation until it is subnormal and then stagnates, never converging.
template <class T>
constexpr T kRoundingLevel = T(4);

// A column below both this and eps times the largest column norm is set to zero at the
// start of a sweep (the card's "Underflow"): xGEJSV's SMALL.
template <class T>
constexpr T kUnderflowNorm = safe_min<T>() / eps<T>();

// The convergence tolerance on |cos(a_p, a_q)|: sqrt(m) eps. xGESVJ takes sqrt(m) u,
// u = eps/2. Measured (issue 12): with sqrt(m) u the normalised columns of G (V of the
// driver) are twice as orthogonal (||V^T V - I||_F = 2.4 n eps against 4.6 n eps, double,
// n = 512), but float needs one sweep more at n = 256 and 512 (8 -> 9, 9 -> 10), and for
// short columns sqrt(m) u is below the rounding level of a computed cosine (up to about
// (m + 2) u): a float 9 x 2 graded matrix, whose R^T has columns of 2 entries, then
// rotated until the sweep cap. sqrt(m) eps has twice the margin and converged on the
// whole catalogue.
template <class T>
T cosine_tolerance(index m) {
  return std::sqrt(static_cast<T>(std::max<index>(m, 1))) * eps<T>();
}

// a_p^T a_q / (np nq) for columns x, y with norms nx, ny > 0, without overflow or
// harmful underflow: the plain dot product when nx ny lies in [safe_min/eps,
// safe_max/2] (every product that matters to eps relative to nx ny is then normal and
// no partial sum can overflow), otherwise the dot product of x/nx and y/ny.
// The result is clamped to [-1, 1]: rounding (and a contraction into fused multiply-adds,
// which rounds differently) can carry a cosine of nearly parallel columns past 1, and
// 1 - cos^2 is assumed non-negative downstream.
template <class T>
T cosine(VectorView<const T> x, VectorView<const T> y, T nx, T ny) {
  const T scale = nx * ny;
  T cos = 0;
  if (scale >= safe_min<T>() / eps<T>() && scale <= safe_max<T>() / T(2)) {
    cos = dot(x, y) / nx / ny;
  } else {
    for (index i = 0; i < x.size(); ++i) cos += (x[i] / nx) * (y[i] / ny);
  }
  return std::clamp(cos, T(-1), T(1));
}

// Columns r.. of the m x c matrix U become an orthonormal basis of the complement of
// span(U(:, 0:r)), whose columns are orthonormal: with U(:, 0:r) = Q R (Householder
// QR, Q = H_0 ... H_{r-1}), columns r.. of Q are orthogonal to them. Workspace, for
// any r < c: an m x r copy, r scalars and qr_apply_q's scratch for c - r columns
// (bounded here by c columns and c reflectors).
template <class T>
WorkspaceSize completion_workspace_size(index m, index c) {
  return WorkspaceSize::matrix<T>(m, c) + WorkspaceSize::vector<T>(c) +
         qr_apply_q_workspace_size<T>(Side::left, m, c, c);
}

template <class T>
void complete_orthonormal_columns(MatrixView<T> U, index r, Workspace work) {
  const index m = U.rows();
  const index c = U.cols();
  if (r >= c) return;
  MatrixView<T> X = U.col_block(r, c - r);
  // 1. X := columns r.. of the identity.
  fill(X, T(0));
  for (index j = 0; j < c - r; ++j) X(r + j, j) = T(1);
  if (r == 0) return;
  // 2. W := U(:, 0:r), factored in place: W = H_0 ... H_{r-1} R (unblocked: no scratch).
  MatrixView<T> W = work.matrix<T>(m, r);
  VectorView<T> tau = work.vector<T>(r);
  copy(MatrixView<const T>(U.col_block(0, r)), W);
  detail::householder_qr_unblocked_kernel(W, tau);
  // 3. X := Q X = H_0 (H_1 (... H_{r-1} X)).
  detail::qr_apply_q_kernel(Side::left, Op::none, MatrixView<const T>(W), VectorView<const T>(tau), X, work);
}

// The rotation of a pair whose norms differ by more than 1/eps, as a projection (the
// card's formula): column `small` loses its component along column `big`,
//   a_small := a_small - (cos ||a_small||) a_big / ||a_big||,
// which never forms the ratio of the norms (it may overflow or underflow), and
// V's columns turn by the angle w = cos ||a_small|| / ||a_big|| (< eps; when w
// underflows, V's change is below its rounding level anyway).
template <class T>
void project_pair(MatrixView<T> G, MatrixView<T> V, VectorView<T> s, index small, index big, T cos_pq) {
  // 1. a_small -= (cos s_small) (a_big / s_big): a_big / s_big is a unit vector, so no
  //    term underflows before it is below a_small's own rounding level. Division, not a
  //    reciprocal: s_big may be subnormal in a matrix that is tiny throughout.
  const T along = cos_pq * s[small];
  const T big_norm = s[big];
  VectorView<T> a_small = G.col(small);
  VectorView<const T> a_big = G.col(big);
  for (index i = 0; i < a_small.size(); ++i) a_small[i] -= along * (a_big[i] / big_norm);
  // 2. [v_big, v_small] := [v_big, v_small] [1 -w; w 1], orthogonal to w^2 < eps^2.
  if (V.cols() > 0) rot(V.col(big), V.col(small), T(1), along / big_norm);
  // 3. ||a_small||^2 (1 - cos^2), the factor formed as (1 - cos)(1 + cos) (no
  //    cancellation in the product, and cos is in [-1, 1]) and clamped at zero so that
  //    no contraction can make it negative; recomputed when it lost two bits.
  const T factor = std::max(T(0), (T(1) - cos_pq) * (T(1) + cos_pq));
  const T old_norm = s[small];
  s[small] = factor >= kRecomputeBelow<T> ? old_norm * std::sqrt(factor) : nrm2(VectorView<const T>(a_small));
  // 4. Cancelled to its rounding level, eps (||a_small|| + |cos| ||a_small||): zero.
  if (s[small] <= kRoundingLevel<T> * eps<T>() * (old_norm + std::abs(along))) {
    fill(a_small, T(0));
    s[small] = T(0);
  }
}

// [x, y] := [x, y] [c sn; -sn c] with c = 1 - h, applied as
//   x := x - (h x + sn y),  y := y + (sn x - h y),
// so that no rounding of c to 1 lengthens the columns (the card's small rotations).
template <class T>
void rotate_columns(VectorView<T> x, VectorView<T> y, T h, T sn) {
  STELA_ASSERT(x.size() == y.size() && x.stride() == 1 && y.stride() == 1);
  T* px = x.data();
  T* py = y.data();
  for (index i = 0; i < x.size(); ++i) {
    const T xi = px[i];
    const T yi = py[i];
    px[i] = xi - (h * xi + sn * yi);
    py[i] = yi + (sn * xi - h * yi);
  }
}

// Makes columns p and q of G orthogonal by one plane rotation from the right (the same
// rotation on V's columns when V has any), given cos_pq = cos(a_p, a_q) and the norms
// s_p, s_q > 0; updates s_p and s_q, and zeroes a column that cancels to its rounding level.
template <class T>
void rotate_pair(MatrixView<T> G, MatrixView<T> V, VectorView<T> s, index p, index q, T cos_pq) {
  // 0. Norms more than 1/eps apart: the rotation is a projection to working accuracy.
  if (s[q] < eps<T>() * s[p]) return project_pair(G, V, s, q, p, cos_pq);
  if (s[p] < eps<T>() * s[q]) return project_pair(G, V, s, p, q, cos_pq);
  // 1. zeta = (||a_q||^2 - ||a_p||^2) / (2 a_p^T a_q) from ratios; t the smaller root of
  //    t^2 + 2 zeta t - 1 = 0; rho = sqrt(1 + t^2), c = 1/rho, sn = t c, and
  //    h = 1 - c = t^2 / (rho (1 + rho)) without cancellation. rho to within about half
  //    an ulp as 1 + t^2 / (1 + sqrt(1 + t^2)) (|t| <= 1): the error of the inner sqrt
  //    is damped by t^2 / 4, so only the final addition rounds. c = 1/rho and sn = t/rho
  //    share rho's error, and c^2 + sn^2 - 1 is twice it: with rho = hypot(1, t)
  //    (correctly rounded by x86-64's glibc, within 0.75 ulp on aarch64's) or
  //    sqrt(1 + t^2) the error was biased enough not to average out, and
  //    ||J^T J - I||_F at n = 64 and 128 was 5.9 and 8.2 n eps, against 1.7 and 1.8.
  const T q_over_p = s[q] / s[p];
  const T p_over_q = s[p] / s[q];
  const T zeta = (q_over_p - p_over_q) / (T(2) * cos_pq);
  const T t = std::copysign(T(1), zeta) / (std::abs(zeta) + std::hypot(T(1), zeta));
  const T t2 = t * t;
  const T rho = T(1) + t2 / (T(1) + std::sqrt(T(1) + t2));
  const T c = T(1) / rho;
  const T sn = t * c;
  const T h = t2 / (rho * (T(1) + rho));
  // 2. [a_p, a_q] := [a_p, a_q] [c sn; -sn c], and the same on J's columns; a small
  //    rotation (h < eps) as [a_p, a_q] - [a_p, a_q] [h -sn; sn h], where c would round
  //    to 1 and lengthen both columns by h.
  if (h < eps<T>()) {
    rotate_columns(G.col(p), G.col(q), h, sn);
    if (V.cols() > 0) rotate_columns(V.col(p), V.col(q), h, sn);
  } else {
    rot(G.col(p), G.col(q), c, -sn);
    if (V.cols() > 0) rot(V.col(p), V.col(q), c, -sn);
  }
  // 3. ||a_p||^2 := ||a_p||^2 (1 - t cos ||a_q||/||a_p||),
  //    ||a_q||^2 := ||a_q||^2 (1 + t cos ||a_p||/||a_q||), or recomputed. A factor that
  //    rounding (or a fused multiply-add) leaves below 1/4, zero or negative included,
  //    is never square-rooted: the norm is recomputed.
  const T factor_p = T(1) - t * cos_pq * q_over_p;
  const T factor_q = T(1) + t * cos_pq * p_over_q;
  const T noise_p = kRoundingLevel<T> * eps<T>() * (c * s[p] + std::abs(sn) * s[q]);
  const T noise_q = kRoundingLevel<T> * eps<T>() * (c * s[q] + std::abs(sn) * s[p]);
  s[p] = factor_p >= kRecomputeBelow<T> ? s[p] * std::sqrt(factor_p) : nrm2(VectorView<const T>(G.col(p)));
  s[q] = factor_q >= kRecomputeBelow<T> ? s[q] * std::sqrt(factor_q) : nrm2(VectorView<const T>(G.col(q)));
  // 4. A column that cancelled down to the rounding level of the rotation is noise: it
  //    becomes exactly zero (a change within the rotation's own backward error).
  if (s[p] <= noise_p) {
    fill(G.col(p), T(0));
    s[p] = T(0);
  }
  if (s[q] <= noise_q) {
    fill(G.col(q), T(0));
    s[q] = T(0);
  }
}

// What one sweep saw: the largest |cosine| of the pairs it visited, how many it rotated,
// and whether every pair already met the test when it was visited.
template <class T>
struct SweepOutcome {
  T max_cosine = 0;
  index rotations = 0;
  bool all_orthogonal = true;
};

// One sweep over the pairs (p, q), p < q, row by row with de Rijk's pivoting: s := the
// column norms afresh (underflowed columns zeroed), then every pair whose |cosine|
// exceeds tol is rotated (only measured, and nothing changed, when may_rotate is false).
template <class T>
SweepOutcome<T> sweep_portable(MatrixView<T> G, MatrixView<T> V, VectorView<T> s, T tol, bool may_rotate) {
  const index n = G.cols();
  SweepOutcome<T> out;
  // 1. s_j := ||a_j||, afresh, so updates never drift for more than a sweep.
  T largest = 0;
  for (index j = 0; j < n; ++j) {
    s[j] = nrm2(VectorView<const T>(G.col(j)));
    largest = std::max(largest, s[j]);
  }
  // 2. A column below safe_min/eps and below eps times the largest is zero (the card's
  //    "Underflow": within the normwise backward error, and it could not converge).
  if (may_rotate) {
    for (index j = 0; j < n; ++j) {
      if (s[j] > T(0) && s[j] < kUnderflowNorm<T> && s[j] < eps<T>() * largest) {
        fill(G.col(j), T(0));
        s[j] = T(0);
      }
    }
  }
  for (index p = 0; p + 1 < n; ++p) {
    // 3. de Rijk's pivoting: the column of largest norm among p.. moves to p, so the
    //    columns end up sorted and each row of pairs pulls weight into its first column.
    svd_detail::move_largest_to(p, s, G, V);
    for (index q = p + 1; q < n; ++q) {
      if (s[p] == T(0) || s[q] == T(0)) continue;  // a zero column is orthogonal to all
      // 4. cos = a_p^T a_q / (||a_p|| ||a_q||)
      const T cos_pq = cosine(VectorView<const T>(G.col(p)), VectorView<const T>(G.col(q)), s[p], s[q]);
      out.max_cosine = std::max(out.max_cosine, std::abs(cos_pq));
      if (!(std::abs(cos_pq) > tol)) continue;
      out.all_orthogonal = false;
      if (!may_rotate) continue;
      // 5. The rotation that makes a_p and a_q orthogonal.
      rotate_pair(G, V, s, p, q, cos_pq);
      ++out.rotations;
    }
  }
  return out;
}

// The sweep compiled a second time for AVX2 + FMA (src/blas/isa_dispatch.hpp), the small
// rotations' loop, the projections and the cosines' scaled loop included; the portable
// copy elsewhere.
#if defined(STELA_HAVE_AVX2_FMA_CODE)
template <class T>
STELA_AVX2_FMA SweepOutcome<T> sweep_avx2(MatrixView<T> G, MatrixView<T> V, VectorView<T> s, T tol, bool may_rotate) {
  return sweep_portable(G, V, s, tol, may_rotate);
}
#endif

template <class T>
SweepOutcome<T> sweep(MatrixView<T> G, MatrixView<T> V, VectorView<T> s, T tol, bool may_rotate) {
#if defined(STELA_HAVE_AVX2_FMA_CODE)
  if (detail::use_avx2_fma()) return sweep_avx2(G, V, s, tol, may_rotate);
#endif
  return sweep_portable(G, V, s, tol, may_rotate);
}

// The columns of G sorted by their norms s (recomputed), non-increasing, V's columns
// following; with vectors, the non-zero columns of G normalised and the zero ones
// replaced by an orthonormal completion.
template <class T>
void sort_and_normalize(MatrixView<T> G, MatrixView<T> V, VectorView<T> s, bool want_vectors, Workspace work) {
  const index m = G.rows();
  const index n = G.cols();
  // 1. Final norms, and the columns sorted by them, non-increasing.
  for (index j = 0; j < n; ++j) s[j] = nrm2(VectorView<const T>(G.col(j)));
  svd_detail::sort_non_increasing(s, G, V);
  if (!want_vectors) return;
  // 2. U: the non-zero columns divided by their norms (division, not a reciprocal, so a
  //    subnormal norm cannot overflow), the zero ones replaced by a completion.
  index r = 0;
  while (r < n && s[r] > T(0)) ++r;
  for (index j = 0; j < r; ++j)
    for (index i = 0; i < m; ++i) G(i, j) /= s[j];
  complete_orthonormal_columns(G, r, work);
}

// The shapes jacobi_svd_one_sided_inplace checks.
template <class T>
bool one_sided_shapes_fit(MatrixView<const T> G, index s_size, MatrixView<const T> V, SvdVectors vectors) {
  const index n = G.cols();
  return G.rows() >= n && s_size == n && (vectors == SvdVectors::none || (V.rows() == n && V.cols() == n));
}

// The core's sweeps and its ending on G, the rotations applied to J's columns from the
// right from the start the caller gave J: the identity makes J the product of the
// rotations; a k x n C^T makes it C^T J = (J^T C)^T, which is what lstsq needs, at
// O(k) per rotation instead of O(n) (jacobi_svd_applying_kernel). J with no columns
// takes nothing. With normalize, G ends as U (sort_and_normalize).
template <class T>
Status one_sided_core(MatrixView<T> G, VectorView<T> s, MatrixView<T> J, bool normalize, index max_sweeps,
                      SvdInfo<T>& info, Workspace work) {
  const index n = G.cols();
  const T tol = cosine_tolerance<T>(G.rows());
  const index cap = max_sweeps >= 0 ? max_sweeps : kMaxSweeps;
  // 1. Sweeps until one sweep rotates nothing. Once `cap` sweeps have run, one more pass
  //    only measures the cosines: the cap is spent only on sweeps that rotate, so columns
  //    that are already orthogonal converge with a cap of 0, and a run stopped by the
  //    cap reports the cosines it leaves behind.
  bool converged = n < 2;  // a single column is already orthogonal to the others
  for (index k = 0; !converged; ++k) {
    const bool may_rotate = k < cap;
    const SweepOutcome<T> outcome = sweep(G, J, s, tol, may_rotate);
    info.max_off_cosine = outcome.max_cosine;
    converged = outcome.all_orthogonal;
    if (!may_rotate) break;  // the measuring pass after the cap
    info.sweeps += 1;
    info.iterations += outcome.rotations;
  }
  // 2. Sorted norms, and U normalised and completed (normalize).
  sort_and_normalize(G, J, s, normalize, work);
  return converged ? Status::ok : Status::no_convergence;
}

}  // namespace

template <class T>
WorkspaceSize jacobi_svd_one_sided_workspace_size(index m, index n, SvdVectors vectors) {
  if (vectors == SvdVectors::none || m <= 0 || n <= 0) return WorkspaceSize();
  return completion_workspace_size<T>(m, n);
}

template <class T>
Status detail::jacobi_svd_one_sided_kernel(MatrixView<T> G, VectorView<T> s, MatrixView<T> V, SvdVectors vectors,
                                           index max_sweeps, SvdInfo<T>& info, Workspace work) {
  const index n = G.cols();
  STELA_ASSERT(one_sided_shapes_fit(MatrixView<const T>(G), s.size(), MatrixView<const T>(V), vectors) &&
               svd_detail::valid(vectors) && work.holds(jacobi_svd_one_sided_workspace_size<T>(G.rows(), n, vectors)));
  if (n == 0) return Status::ok;
  const bool want_vectors = vectors != SvdVectors::none;
  const MatrixView<T> J = want_vectors ? V : MatrixView<T>();  // the rotations, or nothing
  if (want_vectors) set_identity(J);                             // J := I
  return one_sided_core(G, s, J, want_vectors, max_sweeps, info, work);
}

// The checked entry: shapes, options, workspace, finiteness, then the kernel.
template <class T>
Status jacobi_svd_one_sided_inplace(MatrixView<T> G, VectorView<T> s, MatrixView<T> V, SvdVectors vectors,
                                    index max_sweeps, SvdInfo<T>& info, Workspace work) {
  if (!one_sided_shapes_fit(MatrixView<const T>(G), s.size(), MatrixView<const T>(V), vectors))
    return Status::dimension_mismatch;
  if (!svd_detail::valid(vectors)) return Status::invalid_argument;
  if (!work.holds(jacobi_svd_one_sided_workspace_size<T>(G.rows(), G.cols(), vectors)))
    return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(G))) return Status::not_finite;
  return detail::jacobi_svd_one_sided_kernel(G, s, V, vectors, max_sweeps, info, work);
}

namespace {

// Rows of X rearranged: row i := old row perm[i] (gather), or row perm[i] := old row i
// (scatter, the inverse). Column by column through a spare vector of X.rows() entries,
// so every pass runs over one contiguous column.
template <class T>
void permute_rows(MatrixView<T> X, VectorView<const index> perm, bool gather, VectorView<T> spare) {
  const index m = X.rows();
  for (index j = 0; j < X.cols(); ++j) {
    VectorView<T> x = X.col(j);
    if (gather)
      for (index i = 0; i < m; ++i) spare[i] = x[perm[i]];
    else
      for (index i = 0; i < m; ++i) spare[perm[i]] = x[i];
    copy(VectorView<const T>(spare), x);
  }
}

}  // namespace

namespace {

// Steps 1-3 of the driver, shared by jacobi_svd_kernel (which forms U) and
// jacobi_svd_applying_kernel (which applies U^T): A := Pi A (row_order := Pi), then
// A Pc = Q R (A := Q's reflectors and R, tau, col_order := Pc) and X := R^T. The QR's
// status: not_finite only when a column norm overflowed, which A in the safe range
// cannot do.
template <class T>
Status precondition(MatrixView<T> A, VectorView<index> row_order, VectorView<T> tau, VectorView<index> col_order,
                    MatrixView<T> X, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  VectorView<T> row_norm = work.vector<T>(m);
  // 1. Rows sorted by decreasing max-norm (ties by index, so the order is reproducible):
  //    A := Pi A. Householder QR is then row-wise backward stable (Cox & Higham), so row
  //    grading survives the factorization. The max-norms are exact and are gathered
  //    column by column.
  fill(row_norm, T(0));
  for (index j = 0; j < n; ++j)
    for (index i = 0; i < m; ++i) row_norm[i] = std::max(row_norm[i], std::abs(A(i, j)));
  for (index i = 0; i < m; ++i) row_order[i] = i;
  std::sort(row_order.data(), row_order.data() + m, [&](index a, index b) {
    return row_norm[a] > row_norm[b] || (row_norm[a] == row_norm[b] && a < b);
  });
  {
    Workspace scratch = work;
    permute_rows(A, VectorView<const index>(row_order), /*gather=*/true, scratch.vector<T>(m));
  }
  // 2. A Pc = Q R with column pivoting (xGEQP3).
  if (const Status status = detail::qr_pivoted_kernel(A, tau, col_order, work); status != Status::ok)
    return status;
  // 3. X := R^T (n x n lower triangular).
  fill(X, T(0));
  for (index j = 0; j < n; ++j) copy(VectorView<const T>(A.col(j).segment(0, j + 1)), X.row(j).segment(0, j + 1));
  return Status::ok;
}

// Steps 4-5: the core on the columns of X = R^T, X J = W diag(s) (X := W), the
// rotations applied to J from the start the caller gave it (one_sided_core), then
// V := Pc W (row col_order[i] of V is row i of W). ok or no_convergence (s, J and V
// then hold the partial result).
template <class T>
Status rotate_and_form_v(MatrixView<T> X, VectorView<T> s, MatrixView<T> J, MatrixView<T> V,
                         VectorView<const index> col_order, index max_sweeps, SvdInfo<T>& info, Workspace work) {
  const Status status = one_sided_core(X, s, J, /*normalize=*/true, max_sweeps, info, work);
  for (index i = 0; i < X.rows(); ++i) copy(VectorView<const T>(X.row(i)), V.row(col_order[i]));
  return status;
}

// Pi, tau, Pc and X = R^T, alive from step 1 to the end.
template <class T>
WorkspaceSize kept_workspace_size(index m, index n) {
  return WorkspaceSize::vector<index>(m) + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<index>(n) +
         WorkspaceSize::matrix<T>(n, n);
}

// precondition's own: the row norms and a spare column, or the QR's scratch.
template <class T>
WorkspaceSize precondition_workspace_size(index m, index n) {
  return WorkspaceSize::vector<T>(m) + max(WorkspaceSize::vector<T>(m), qr_pivoted_workspace_size<T>(m, n));
}

}  // namespace

template <class T>
WorkspaceSize jacobi_svd_workspace_size(index m, index n, const SvdOptions& opts) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  const index u_cols = opts.vectors == SvdVectors::full ? m : n;
  // What is kept, then the largest step: the preconditioning, the core, U := Pi^T Q [Z 0; 0 I].
  WorkspaceSize steps =
      max(precondition_workspace_size<T>(m, n), jacobi_svd_one_sided_workspace_size<T>(n, n, opts.vectors));
  if (opts.vectors != SvdVectors::none)
    steps = max(steps, max(WorkspaceSize::vector<T>(m), qr_apply_q_workspace_size<T>(Side::left, m, u_cols, n)));
  return kept_workspace_size<T>(m, n) + steps;
}

template <class T>
Status detail::jacobi_svd_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                                 const SvdOptions& opts, SvdInfo<T>& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  STELA_ASSERT(m >= n && svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors) && svd_detail::valid(opts.vectors) &&
               work.holds(jacobi_svd_workspace_size<T>(m, n, opts)));
  if (n == 0) {
    if (opts.vectors == SvdVectors::full) set_identity(U);
    return Status::ok;
  }
  info.qr_first = true;
  VectorView<index> row_order = work.vector<index>(m);
  VectorView<T> tau = work.vector<T>(n);
  VectorView<index> col_order = work.vector<index>(n);
  MatrixView<T> X = work.matrix<T>(n, n);
  // 1-3. Pi A Pc = Q R, X := R^T.
  if (const Status status = precondition(A, row_order, tau, col_order, X, work); status != Status::ok) return status;
  // 4. Values only: Jacobi on the columns of R^T.
  if (opts.vectors == SvdVectors::none)
    return jacobi_svd_one_sided_kernel(X, s, MatrixView<T>(), SvdVectors::none, opts.max_sweeps, info, work);
  // 4-5. R^T Z = W diag(s), V := Pc W, the rotations Z accumulated from the identity in
  //      U's top n x n block. On no_convergence Z and V hold the partial result, from
  //      which U is still formed below (the documented partial output), and the status
  //      is returned last.
  MatrixView<T> Z = U.block(0, 0, n, n);
  set_identity(Z);
  const Status status = rotate_and_form_v(X, s, Z, V, VectorView<const index>(col_order), opts.max_sweeps, info, work);
  // 6. U := Pi^T Q [Z 0; 0 I] (R = Z diag(s) W^T, so A = Pi^T Q Z diag(s) (Pc W)^T).
  fill(U.block(n, 0, m - n, n), T(0));
  if (opts.vectors == SvdVectors::full) {
    fill(U.block(0, n, m, m - n), T(0));
    for (index i = n; i < m; ++i) U(i, i) = T(1);
  }
  qr_apply_q_kernel(Side::left, Op::none, MatrixView<const T>(A), VectorView<const T>(tau), U, work);
  {
    Workspace scratch = work;
    permute_rows(U, VectorView<const index>(row_order), /*gather=*/false, scratch.vector<T>(m));
  }
  return status;
}

template <class T>
WorkspaceSize detail::jacobi_svd_applying_workspace_size(index m, index n, index k) {
  if (m <= 0 || n <= 0) return WorkspaceSize();
  // (Z^T C)^T (k x n) and what is kept, then the largest step: the preconditioning,
  // C := Pi C (a spare column), C := Q^T C, the core.
  const WorkspaceSize steps =
      max(max(precondition_workspace_size<T>(m, n), jacobi_svd_one_sided_workspace_size<T>(n, n, SvdVectors::thin)),
          max(WorkspaceSize::vector<T>(m), qr_apply_q_workspace_size<T>(Side::left, m, k, n)));
  return WorkspaceSize::matrix<T>(k, n) + kept_workspace_size<T>(m, n) + steps;
}

template <class T>
Status detail::jacobi_svd_applying_kernel(MatrixView<T> A, VectorView<T> s, MatrixView<T> C, MatrixView<T> V,
                                          const SvdOptions& opts, SvdInfo<T>& info, Workspace work) {
  const index m = A.rows(), n = A.cols(), k = C.cols();
  STELA_ASSERT(m >= n && s.size() == n && C.rows() == m && V.rows() == n && V.cols() == n &&
               work.holds(jacobi_svd_applying_workspace_size<T>(m, n, k)));
  info = SvdInfo<T>{};
  if (n == 0) return Status::ok;
  info.qr_first = true;
  MatrixView<T> Ct = work.matrix<T>(k, n);
  VectorView<index> row_order = work.vector<index>(m);
  VectorView<T> tau = work.vector<T>(n);
  VectorView<index> col_order = work.vector<index>(n);
  MatrixView<T> X = work.matrix<T>(n, n);
  // 1-3. Pi A Pc = Q R, X := R^T.
  if (const Status status = precondition(A, row_order, tau, col_order, X, work); status != Status::ok) return status;
  // U^T C = [Z^T 0] Q^T Pi C (U = Pi^T Q [Z; 0], jacobi_svd_kernel's step 6):
  // 4. C := Q^T Pi C, and Ct := C(0:n, :)^T, the start of the rotations.
  {
    Workspace scratch = work;
    permute_rows(C, VectorView<const index>(row_order), /*gather=*/true, scratch.vector<T>(m));
  }
  qr_apply_q_kernel(Side::left, Op::transpose, MatrixView<const T>(A), VectorView<const T>(tau), C, work);
  for (index i = 0; i < n; ++i) copy(VectorView<const T>(C.row(i)), Ct.col(i));
  // 5. R^T Z = W diag(s), V := Pc W, with Ct := Ct Z = (Z^T C(0:n, :))^T as the rotations
  //    come (on no_convergence, the partial result).
  const Status status = rotate_and_form_v(X, s, Ct, V, VectorView<const index>(col_order), opts.max_sweeps, info, work);
  // 6. C(0:n, :) := Ct^T.
  for (index i = 0; i < n; ++i) copy(VectorView<const T>(Ct.col(i)), C.row(i));
  return status;
}

// The checked entry: shapes, options, workspace, finiteness, then the kernel.
template <class T>
Status jacobi_svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                          SvdInfo<T>& info, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (m < n || !svd_detail::shapes_fit<T>(m, n, s, U, V, opts.vectors)) return Status::dimension_mismatch;
  if (!svd_detail::valid(opts.vectors)) return Status::invalid_argument;
  if (!work.holds(jacobi_svd_workspace_size<T>(m, n, opts))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return detail::jacobi_svd_kernel(A, s, U, V, opts, info, work);
}

#define STELA_INSTANTIATE(T)                                                                                     \
  template Status detail::jacobi_svd_one_sided_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, SvdVectors, \
                                                         index, SvdInfo<T>&, Workspace);                          \
  template Status detail::jacobi_svd_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>,     \
                                               const SvdOptions&, SvdInfo<T>&, Workspace);                        \
  template WorkspaceSize jacobi_svd_one_sided_workspace_size<T>(index, index, SvdVectors);                     \
  template Status jacobi_svd_one_sided_inplace<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, SvdVectors, index, \
                                                  SvdInfo<T>&, Workspace);                                         \
  template WorkspaceSize jacobi_svd_workspace_size<T>(index, index, const SvdOptions&);                                \
  template WorkspaceSize detail::jacobi_svd_applying_workspace_size<T>(index, index, index);                          \
  template Status detail::jacobi_svd_applying_kernel<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, \
                                                        const SvdOptions&, SvdInfo<T>&, Workspace);                  \
  template Status jacobi_svd_inplace<T>(MatrixView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>,              \
                                        const SvdOptions&, SvdInfo<T>&, Workspace);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
