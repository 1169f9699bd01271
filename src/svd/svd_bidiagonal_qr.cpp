// The SVD of an upper bidiagonal matrix by implicit-shift QR with zero-shift sweeps.
//
// Counterpart:  LAPACK xBDSQR (upper bidiagonal, relative-accuracy mode: TOL > 0).
// Computes:     B = W_l diag(sigma) W_r^T for B upper bidiagonal (diagonal d, n entries;
//               superdiagonal e, n - 1 entries), and U := U W_l, V := V W_r.
// Storage:      on exit d = sigma, non-negative and non-increasing; e destroyed. U and
//               V have n columns and any number of rows; views with no columns are not
//               referenced (values only).
// Reference:    J. Demmel and W. Kahan, "Accurate singular values of bidiagonal
//               matrices", SIAM J. Sci. Stat. Comput. 11(5):873-912, 1990 (LAPACK
//               Working Note 3): the zero-shift sweep, the relative convergence
//               criteria, the direction of the chase; Golub & Van Loan, Matrix
//               Computations, 4th ed., section 8.6.2 (the shifted Golub–Kahan step);
//               LAPACK Users' Guide, 3rd ed., section 4.9 (error bounds).
// Method:       absolute_threshold sets the floor thresh below which an e_i is
//               negligible outright; then qr_iteration repeats, until every e_i is zero:
//                1. find_active_block: the active block B(lo:hi, lo:hi) is the
//                   bottom-most block with no negligible superdiagonal entry. A 1 x 1
//                   block has converged; a 2 x 2 block is finished by its exact SVD
//                   (finish_2x2_block, svd_2x2_upper).
//                2. A new block chooses the direction of the chase: top to bottom when
//                   |d_lo| >= |d_hi|, bottom to top otherwise, so that the large end is
//                   where the bulge starts and the small end converges first (graded
//                   matrices converge fast).
//                3. convergence_test_down / _up: an e_i negligible by the relative
//                   criteria of Demmel & Kahan (section 5), |e_i| <= tol mu_i with mu
//                   the recurrence mu_{i+1} = |d_{i+1}| mu_i / (mu_i + |e_i|) (a lower
//                   bound estimate of the smallest singular value of the leading
//                   block), is set to zero, and the pass starts again.
//                4. sweep_shift: sigma, the smaller singular value of the 2 x 2 block
//                   at the far end of the chase (trailing when chasing down), or 0
//                   when that shift would be below the accuracy of the smallest
//                   singular value.
//                5. One sweep chases a bulge through the block by alternating right
//                   and left rotations:
//                   - shifted_sweep_down / _up: the implicit QR step of GVL algorithm
//                     8.6.1 on B^T B with shift sigma^2;
//                   - zero_shift_sweep_down / _up (Demmel–Kahan), when sigma = 0: the
//                     same step reorganised so that every entry is computed with only
//                     multiplications and rotations of two numbers — it keeps high
//                     relative accuracy in every singular value.
//               Last, bidiagonal_svd_inplace makes the singular values non-negative and
//               sorts them.
// Cost:         about 2n sweeps of at most n steps: O(n^2) flops for the values;
//               with vectors each step adds 6 (rows of U + rows of V) flops, about
//               6 n^2 (m_U + m_V) in all.
// Invariant:    W_l^T B_0 W_r = B, U = U_0 W_l, V = V_0 W_r at every step, with W_l,
//               W_r products of plane rotations; e(hi+1:n) = 0 and d(hi+1:n) are final.
// Stability:    high relative accuracy: each computed sigma_i differs from the exact
//               singular value of B by at most p(n) eps sigma_i, p a modest polynomial
//               (Demmel & Kahan, sections 2, 4 and 7: bidiagonal entries determine the
//               singular values to high relative accuracy, zero-shift sweeps and the
//               convergence tests preserve it); in practice a small multiple of n eps.
//               Vectors: backward stable, W_l and W_r orthogonal to O(n eps).
// Logged:       for lstsq by svd, which needs V z for one block z only, the right
//               rotations can be recorded instead of applied to V
//               (bidiagonal_svd_logging_kernel, svd_kernels.hpp): each sweep as its
//               (c, s) pairs between a header and a trailer, so that the log is read
//               forward (replayed onto V when it fills up) or backward (W_r z =
//               G_1 (G_2 (... G_N z))). A call stopped by a full log keeps where it
//               stood (BidiagonalQrState: the active block, the chase direction, the
//               threshold) and the next call goes on from there: the singular values
//               are the same bits however often the log fills.
// Workspace:    none (the logging kernel writes its caller's log).
// Failures:     dimension_mismatch; not_finite (NaN or Inf in d or e); no_convergence
//               when a QR sweep is due after max_iterations inner steps (6 n^2 by
//               default, as xBDSQR's MAXITR = 6), with info.unconverged the count of
//               non-negligible e_i. Splits and 2 x 2 blocks need no sweep and are not
//               capped: a diagonal or 2 x 2 B converges with max_iterations = 0.
#include <algorithm>
#include <cmath>

#include "stela/blas.hpp"
#include "stela/scalar.hpp"
#include "stela/svd.hpp"
#include "svd_common.hpp"
#include "svd_kernels.hpp"

namespace stela {
namespace {

// xBDSQR's MAXITR: the cap is kMaxIterationsPerSquare * n^2 inner steps.
constexpr index kMaxIterationsPerSquare = 6;

// xBDSQR's HNDRTH: the zero shift is chosen when n tol sigma_min / sigma_max <=
// max(eps, kZeroShiftFraction tol), i.e. when the shift would swamp sigma_min.
template <class T>
constexpr T kZeroShiftFraction = T(0.01);

// Unit roundoff u = eps / 2, the quantity LAPACK's dlamch('E') returns.
template <class T>
T unit_roundoff() {
  return eps<T>() / T(2);
}

// The relative tolerance of the convergence tests, tol = u^(-1/8) u clamped to
// [10 u, 100 u]: xBDSQR's TOLMUL. Demmel & Kahan (section 5) show any tol of the form
// c u with moderate c keeps the relative accuracy; u^(-1/8) trades speed for accuracy.
template <class T>
T relative_tolerance() {
  const T u = unit_roundoff<T>();
  const T multiplier = std::max(T(10), std::min(T(100), std::pow(u, T(-0.125))));
  return multiplier * u;
}

// The SVD of the 2 x 2 upper triangular matrix [f g; 0 h]:
//   [cl sl; -sl cl] [f g; 0 h] [cr -sr; sr cr] = [sigma_max 0; 0 sigma_min],
// with |sigma_max| >= |sigma_min| and every output accurate to a few ulps
// (Demmel & Kahan, section 3 and appendix; LAPACK xLASV2). The signs of sigma_max and
// sigma_min are those that make the identity hold exactly.
template <class T>
struct Svd2x2 {
  T sigma_min, sigma_max, sr, cr, sl, cl;
};

// Which of f, g, h has the largest magnitude: the entry that fixes sign(sigma_max).
enum class Largest2x2 { f, g, h };

// [f g; 0 h] with |f| >= |h| and |g| so large that |f| vanishes next to it in working
// precision: sigma_max = |g|, sigma_min = |f h / g| (magnitudes), rotations from ratios.
template <class T>
Svd2x2<T> svd_2x2_g_dominant(T f, T g, T h) {
  const T fa = std::abs(f), ga = std::abs(g), ha = std::abs(h);
  Svd2x2<T> out;
  out.sigma_max = ga;
  out.sigma_min = ha > T(1) ? fa / (ga / ha) : (fa / ga) * ha;
  out.cl = 1;
  out.sl = h / g;
  out.sr = 1;
  out.cr = f / g;
  return out;
}

// [f g; 0 h] with |f| >= |h| and g != 0, the general case: sigma_max and sigma_min as
// magnitudes, computed without cancellation, and the two rotations.
template <class T>
Svd2x2<T> svd_2x2_general(T f, T g, T h) {
  const T fa = std::abs(f), ha = std::abs(h);
  // 1. With l = (|f| - |h|)/|f| in [0, 1], m = g/f and t = 2 - l,
  //    sigma_max = |f| a and sigma_min = |h| / a, where a = (s + r)/2,
  //    s = sqrt(t^2 + m^2), r = sqrt(l^2 + m^2): every quantity is a sum of positive
  //    terms or a difference computed exactly, so no cancellation occurs.
  const T dd = fa - ha;
  const T l = dd == fa ? T(1) : dd / fa;  // (copes with |h| negligible or infinite f)
  const T m = g / f;
  T t = T(2) - l;
  const T mm = m * m;
  const T tt = t * t;
  const T s = std::sqrt(tt + mm);
  const T r = l == T(0) ? std::abs(m) : std::sqrt(l * l + mm);
  const T a = T(0.5) * (s + r);
  Svd2x2<T> out;
  out.sigma_min = ha / a;
  out.sigma_max = fa * a;
  // 2. The right rotation's tangent t, then both rotations.
  if (mm == T(0)) {
    // m underflowed: the limit of the general formula.
    if (l == T(0))
      t = std::copysign(T(2), f) * std::copysign(T(1), g);
    else
      t = g / std::copysign(dd, f) + m / t;
  } else {
    t = (m / (s + t) + m / (r + l)) * (T(1) + a);
  }
  const T hyp = std::sqrt(t * t + T(4));
  out.cr = T(2) / hyp;
  out.sr = t / hyp;
  out.cl = (out.cr + out.sr * m) / a;
  out.sl = (h / f) * out.sr / a;
  return out;
}

// The sign of sigma_max that makes the (1,1) entry of the identity exact, read off from
// the largest of f, g, h and the rotations.
template <class T>
T sign_of_sigma_max(Largest2x2 largest, const Svd2x2<T>& r, T f, T g, T h) {
  switch (largest) {
    case Largest2x2::f: return std::copysign(T(1), r.cr) * std::copysign(T(1), r.cl) * std::copysign(T(1), f);
    case Largest2x2::g: return std::copysign(T(1), r.sr) * std::copysign(T(1), r.cl) * std::copysign(T(1), g);
    case Largest2x2::h: return std::copysign(T(1), r.sr) * std::copysign(T(1), r.sl) * std::copysign(T(1), h);
  }
  return T(1);
}

template <class T>
Svd2x2<T> svd_2x2_upper(T f, T g, T h) {
  // 1. Work with |ft| >= |ht|: when |h| > |f|, the transpose-and-reverse of the matrix,
  //    [h g; 0 f], has the same singular values with the roles of the two rotations
  //    swapped (step 3 undoes that).
  const bool swapped = std::abs(h) > std::abs(f);
  const T ft = swapped ? h : f;
  const T ht = swapped ? f : h;
  const T fa = std::abs(ft);
  const T ga = std::abs(g);
  // 2. Magnitudes and rotations of [ft g; 0 ht]: diagonal (nothing to rotate), g
  //    dominant, or the general case.
  Svd2x2<T> t;
  if (ga == T(0))
    t = Svd2x2<T>{std::abs(ht), fa, T(0), T(1), T(0), T(1)};
  else if (ga > fa && fa / ga < unit_roundoff<T>())
    t = svd_2x2_g_dominant(ft, g, ht);
  else
    t = svd_2x2_general(ft, g, ht);
  // 3. Undo the swap: the left and right rotations trade places.
  Svd2x2<T> out = t;
  if (swapped) {
    out.cl = t.sr;
    out.sl = t.cr;
    out.cr = t.sl;
    out.sr = t.cl;
  }
  // 4. Signs: sigma_max takes the sign that makes the identity exact; sigma_min follows
  //    from sigma_max sigma_min = det = f h.
  const Largest2x2 largest = ga > fa ? Largest2x2::g : swapped ? Largest2x2::h : Largest2x2::f;
  const T sign_max = sign_of_sigma_max(largest, out, f, g, h);
  out.sigma_max = std::copysign(t.sigma_max, sign_max);
  out.sigma_min = std::copysign(t.sigma_min, sign_max * std::copysign(T(1), f) * std::copysign(T(1), h));
  return out;
}

// The smaller singular value of [f g; 0 h] (for the shift), from the same formulas.
template <class T>
T smaller_singular_value_2x2(T f, T g, T h) {
  return std::abs(svd_2x2_upper(f, g, h).sigma_min);
}

// Columns i and j of X rotated: [x_i, x_j] := [x_i, x_j] [c -s; s c], i.e.
// x_i := c x_i + s x_j, x_j := c x_j - s x_i. A view with no columns (values only) is
// not referenced.
template <class T>
void rotate_columns(MatrixView<T> X, index i, index j, T c, T s) {
  if (X.cols() > 0) rot(X.col(i), X.col(j), c, s);
}

// Entries e(0:count) that are not zero.
template <class T>
index count_nonzero(VectorView<const T> e, index count) {
  index k = 0;
  for (index i = 0; i < count; ++i) k += e[i] != T(0) ? 1 : 0;
  return k;
}

// The bidiagonal B (diagonal d, superdiagonal e) and the matrices that follow its
// rotations, U := U W_l and V := V W_r (a view with no columns is not referenced); with
// a log, W_r's rotations are recorded there instead of applied to V.
template <class T>
struct Bidiagonal {
  VectorView<T> d, e;
  MatrixView<T> U, V;
  detail::RotationLog<T>* log = nullptr;
};

// A sweep of right rotations begins: with a log, its record starts with its first pair
// (first, first + 1), its direction and its length (the caller checked the room).
template <class T>
void begin_right_sweep(Bidiagonal<T> B, index first, bool down, index length) {
  detail::RotationLog<T>* log = B.log;
  if (log == nullptr) return;
  log->data[log->size++] = static_cast<T>(first);
  log->data[log->size++] = down ? T(1) : T(-1);
  log->data[log->size++] = static_cast<T>(length);
}

// The sweep's right rotation on columns (j, j+1): V := V [c -s; s c] there, or
// (c, s) recorded.
template <class T>
void rotate_right(Bidiagonal<T> B, index j, T c, T s) {
  detail::RotationLog<T>* log = B.log;
  if (log == nullptr) return rotate_columns(B.V, j, j + 1, c, s);
  log->data[log->size++] = c;
  log->data[log->size++] = s;
}

// The sweep's record ends with its length again, so that the log reads from either end.
template <class T>
void end_right_sweep(Bidiagonal<T> B, index length) {
  detail::RotationLog<T>* log = B.log;
  if (log != nullptr) log->data[log->size++] = static_cast<T>(length);
}

// The absolute floor below which a superdiagonal entry is negligible:
// thresh = max(tol sigma_min_estimate, kMaxIterationsPerSquare n^2 safe_min), the
// estimate being the Demmel–Kahan recurrence over all of B divided by sqrt(n) (xBDSQR).
template <class T>
T absolute_threshold(VectorView<const T> d, VectorView<const T> e, T tol) {
  const index n = d.size();
  T mu = std::abs(d[0]);
  T sigma_min_estimate = mu;
  for (index i = 1; i < n && sigma_min_estimate > T(0); ++i) {
    mu = std::abs(d[i]) * (mu / (mu + std::abs(e[i - 1])));
    sigma_min_estimate = std::min(sigma_min_estimate, mu);
  }
  sigma_min_estimate /= std::sqrt(static_cast<T>(n));
  return std::max(tol * sigma_min_estimate, static_cast<T>(kMaxIterationsPerSquare) * static_cast<T>(n) *
                                                static_cast<T>(n) * safe_min<T>());
}

// The unreduced block B(lo:hi, lo:hi) ending at hi, and sigma_max = max |entries| of it.
template <class T>
struct ActiveBlock {
  index lo;
  T sigma_max;
};

// The active block ending at hi: the nearest e_l above hi with |e_l| <= thresh is set to
// zero and splits it off (lo = l + 1; lo = 0 when there is none). The comparison is
// written so that a NaN makes no entry negligible and the iteration cap ends the loop.
template <class T>
ActiveBlock<T> find_active_block(VectorView<const T> d, VectorView<T> e, index hi, T thresh) {
  T sigma_max = std::abs(d[hi]);
  for (index l = hi - 1; l >= 0; --l) {
    if (std::abs(e[l]) <= thresh) {
      e[l] = T(0);
      return {l + 1, sigma_max};
    }
    sigma_max = std::max({sigma_max, std::abs(d[l]), std::abs(e[l])});
  }
  return {0, sigma_max};
}

// The 2 x 2 block B(lo:lo+1, lo:lo+1) diagonalized by its exact SVD, the rotations
// applied to U and V.
template <class T>
void finish_2x2_block(Bidiagonal<T> B, index lo) {
  const Svd2x2<T> r = svd_2x2_upper(B.d[lo], B.e[lo], B.d[lo + 1]);
  B.d[lo] = r.sigma_max;
  B.e[lo] = T(0);
  B.d[lo + 1] = r.sigma_min;
  begin_right_sweep(B, lo, true, 1);
  rotate_right(B, lo, r.cr, r.sr);              // V := V [cr -sr; sr cr]
  end_right_sweep(B, 1);
  rotate_columns(B.U, lo, lo + 1, r.cl, r.sl);  // U := U [cl -sl; sl cl]
}

// The outcome of a relative convergence test: an entry was set to zero (split), or
// none was and sigma_min estimates the smallest singular value of the block.
template <class T>
struct ConvergenceTest {
  bool split;
  T sigma_min;
};

// The relative convergence test for a downward chase (Demmel & Kahan, section 5): zero
// e_(hi-1) when |e_(hi-1)| <= tol |d_hi|, else the first e_l, l = lo, ..., hi - 1, with
// |e_l| <= tol mu_l, mu_lo = |d_lo|, mu_(l+1) = |d_(l+1)| mu_l / (mu_l + |e_l|).
template <class T>
ConvergenceTest<T> convergence_test_down(VectorView<const T> d, VectorView<T> e, index lo, index hi, T tol) {
  if (std::abs(e[hi - 1]) <= tol * std::abs(d[hi])) {
    e[hi - 1] = T(0);
    return {true, T(0)};
  }
  T mu = std::abs(d[lo]);
  T sigma_min = mu;
  for (index l = lo; l < hi; ++l) {
    if (std::abs(e[l]) <= tol * mu) {
      e[l] = T(0);
      return {true, T(0)};
    }
    mu = std::abs(d[l + 1]) * (mu / (mu + std::abs(e[l])));
    sigma_min = std::min(sigma_min, mu);
  }
  return {false, sigma_min};
}

// The same test for an upward chase, mirrored: zero e_lo when |e_lo| <= tol |d_lo|,
// else the first e_l, l = hi - 1, ..., lo, with |e_l| <= tol mu_(l+1), mu_hi = |d_hi|,
// mu_l = |d_l| mu_(l+1) / (mu_(l+1) + |e_l|).
template <class T>
ConvergenceTest<T> convergence_test_up(VectorView<const T> d, VectorView<T> e, index lo, index hi, T tol) {
  if (std::abs(e[lo]) <= tol * std::abs(d[lo])) {
    e[lo] = T(0);
    return {true, T(0)};
  }
  T mu = std::abs(d[hi]);
  T sigma_min = mu;
  for (index l = hi - 1; l >= lo; --l) {
    if (std::abs(e[l]) <= tol * mu) {
      e[l] = T(0);
      return {true, T(0)};
    }
    mu = std::abs(d[l]) * (mu / (mu + std::abs(e[l])));
    sigma_min = std::min(sigma_min, mu);
  }
  return {false, sigma_min};
}

// The shift of the next sweep over B(lo:hi, lo:hi): zero when it would not be
// resolvable next to sigma_min (n tol sigma_min / sigma_max <= max(u, kZeroShiftFraction
// tol)), otherwise the smaller singular value of the 2 x 2 block at the far end of the
// chase, dropped when its square is negligible next to that of the starting d.
template <class T>
T sweep_shift(VectorView<const T> d, VectorView<const T> e, index lo, index hi, bool down, T sigma_min,
              T sigma_max, T tol) {
  const T u = unit_roundoff<T>();
  const index n = d.size();
  if (!(static_cast<T>(n) * tol * (sigma_min / sigma_max) > std::max(u, kZeroShiftFraction<T> * tol)))
    return T(0);
  const T start = down ? std::abs(d[lo]) : std::abs(d[hi]);
  const T shift = down ? smaller_singular_value_2x2(d[hi - 1], e[hi - 1], d[hi])
                       : smaller_singular_value_2x2(d[lo], e[lo], d[lo + 1]);
  if (start > T(0) && (shift / start) * (shift / start) < u) return T(0);
  return shift;
}

// Zero-shift QR sweep down B(lo:hi, lo:hi) (Demmel & Kahan, section 4): the QR step
// with shift 0, computed with rotations only, so every new entry is a product of old
// entries and cosines/sines: no subtraction, hence high relative accuracy.
template <class T>
void zero_shift_sweep_down(Bidiagonal<T> B, index lo, index hi) {
  VectorView<T> d = B.d, e = B.e;
  T c = 1, old_c = 1, old_s = 0;
  begin_right_sweep(B, lo, true, hi - lo);
  for (index i = lo; i < hi; ++i) {
    // right rotation: [d_i c, e_i] -> [r, 0]
    const Givens<T> gr = givens(d[i] * c, e[i]);
    c = gr.c;
    const T s = gr.s;
    if (i > lo) e[i - 1] = old_s * gr.r;
    // left rotation: [old_c r, d_{i+1} s] -> [d_i, 0]
    const Givens<T> gl = givens(old_c * gr.r, d[i + 1] * s);
    old_c = gl.c;
    old_s = gl.s;
    d[i] = gl.r;
    rotate_right(B, i, c, s);                     // V := V R_i^T
    rotate_columns(B.U, i, i + 1, old_c, old_s);  // U := U L_i^T
  }
  end_right_sweep(B, hi - lo);
  const T h = d[hi] * c;
  d[hi] = h * old_c;
  e[hi - 1] = h * old_s;
}

// Zero-shift QR sweep up B(lo:hi, lo:hi): the downward sweep applied to the reversed
// B^T, so the roles of U and V trade places.
template <class T>
void zero_shift_sweep_up(Bidiagonal<T> B, index lo, index hi) {
  VectorView<T> d = B.d, e = B.e;
  T c = 1, old_c = 1, old_s = 0;
  begin_right_sweep(B, hi - 1, false, hi - lo);
  for (index i = hi; i > lo; --i) {
    // rotation of rows i-1, i: [d_i c, e_(i-1)] -> [r, 0]
    const Givens<T> gr = givens(d[i] * c, e[i - 1]);
    c = gr.c;
    const T s = gr.s;
    if (i < hi) e[i] = old_s * gr.r;
    // rotation of columns i-1, i: [old_c r, d_(i-1) s] -> [d_i, 0]
    const Givens<T> gl = givens(old_c * gr.r, d[i - 1] * s);
    old_c = gl.c;
    old_s = gl.s;
    d[i] = gl.r;
    rotate_columns(B.U, i - 1, i, c, -s);  // U follows the row rotation
    rotate_right(B, i - 1, old_c, -old_s);  // V follows the column rotation
  }
  end_right_sweep(B, hi - lo);
  const T h = d[lo] * c;
  d[lo] = h * old_c;
  e[lo] = h * old_s;
}

// Shifted QR sweep down B(lo:hi, lo:hi) (GVL algorithm 8.6.1): the first right rotation
// is that of the first column of B^T B - shift^2 I, written as
// (|d_lo| - shift)(sign(d_lo) + shift/d_lo) to avoid forming squares; the bulge g is
// then chased to the bottom.
template <class T>
void shifted_sweep_down(Bidiagonal<T> B, index lo, index hi, T shift) {
  VectorView<T> d = B.d, e = B.e;
  T f = (std::abs(d[lo]) - shift) * (std::copysign(T(1), d[lo]) + shift / d[lo]);
  T g = e[lo];
  begin_right_sweep(B, lo, true, hi - lo);
  for (index i = lo; i < hi; ++i) {
    // right rotation on columns i, i+1 zeroes the bulge g above the superdiagonal
    const Givens<T> gr = givens(f, g);
    if (i > lo) e[i - 1] = gr.r;
    f = gr.c * d[i] + gr.s * e[i];
    e[i] = gr.c * e[i] - gr.s * d[i];
    g = gr.s * d[i + 1];
    d[i + 1] = gr.c * d[i + 1];
    // left rotation on rows i, i+1 zeroes the bulge g below the diagonal
    const Givens<T> gl = givens(f, g);
    d[i] = gl.r;
    f = gl.c * e[i] + gl.s * d[i + 1];
    d[i + 1] = gl.c * d[i + 1] - gl.s * e[i];
    if (i + 1 < hi) {
      g = gl.s * e[i + 1];
      e[i + 1] = gl.c * e[i + 1];
    }
    rotate_right(B, i, gr.c, gr.s);             // V := V R_i^T
    rotate_columns(B.U, i, i + 1, gl.c, gl.s);  // U := U L_i^T
  }
  end_right_sweep(B, hi - lo);
  e[hi - 1] = f;
}

// Shifted QR sweep up B(lo:hi, lo:hi): the downward sweep applied to the reversed B^T,
// starting from d_hi; the roles of U and V trade places.
template <class T>
void shifted_sweep_up(Bidiagonal<T> B, index lo, index hi, T shift) {
  VectorView<T> d = B.d, e = B.e;
  T f = (std::abs(d[hi]) - shift) * (std::copysign(T(1), d[hi]) + shift / d[hi]);
  T g = e[hi - 1];
  begin_right_sweep(B, hi - 1, false, hi - lo);
  for (index i = hi; i > lo; --i) {
    // rotation of rows i-1, i zeroes the bulge g above the superdiagonal
    const Givens<T> gr = givens(f, g);
    if (i < hi) e[i] = gr.r;
    f = gr.c * d[i] + gr.s * e[i - 1];
    e[i - 1] = gr.c * e[i - 1] - gr.s * d[i];
    g = gr.s * d[i - 1];
    d[i - 1] = gr.c * d[i - 1];
    // rotation of columns i-1, i zeroes the bulge g below the diagonal
    const Givens<T> gl = givens(f, g);
    d[i] = gl.r;
    f = gl.c * e[i - 1] + gl.s * d[i - 1];
    d[i - 1] = gl.c * d[i - 1] - gl.s * e[i - 1];
    if (i - 1 > lo) {
      g = gl.s * e[i - 2];
      e[i - 2] = gl.c * e[i - 2];
    }
    rotate_columns(B.U, i - 1, i, gr.c, -gr.s);  // U follows the row rotation
    rotate_right(B, i - 1, gl.c, -gl.s);         // V follows the column rotation
  }
  end_right_sweep(B, hi - lo);
  e[lo] = f;
}

// Whether the log has room for the record of a sweep of `length` rotations.
template <class T>
bool log_has_room(const detail::RotationLog<T>* log, index length) {
  return log == nullptr || log->size + 2 * length + 4 <= log->capacity;
}

// The implicit QR iteration on B (n >= 2) until every e_i is zero: the Method of the
// card, steps 1 to 5. Returns ok, or no_convergence when a sweep is due after cap inner
// steps (info.unconverged then counts the e_i still not zero), or, with a log that has
// no room for the next sweep, workspace_too_small with its state kept in `state`, from
// which a later call goes on as if it had not stopped.
template <class T>
Status qr_iteration(Bidiagonal<T> B, index cap, detail::BidiagonalQrState<T>& state, SvdInfo<T>& info) {
  VectorView<T> d = B.d, e = B.e;
  const index n = d.size();
  const T tol = relative_tolerance<T>();
  // hi is the bottom of the active block; d(hi+1:n) has converged. old_lo, old_hi keep
  // the last swept block, whose chase direction is kept while the iteration stays on it.
  if (!state.started) {
    state = detail::BidiagonalQrState<T>{true, n - 1, -1, -1, true,
                                         absolute_threshold(VectorView<const T>(d), VectorView<const T>(e), tol)};
  }
  index& hi = state.hi;
  index& old_lo = state.old_lo;
  index& old_hi = state.old_hi;
  bool& down = state.down;
  const T thresh = state.thresh;
  while (hi > 0) {
    // 1. The active block B(lo:hi, lo:hi); a 1 x 1 block has converged, a 2 x 2 block
    //    is finished by its exact SVD.
    const ActiveBlock<T> block = find_active_block(VectorView<const T>(d), e, hi, thresh);
    const index lo = block.lo;
    if (lo == hi) {
      --hi;
      continue;
    }
    if (hi - lo == 1) {
      if (!log_has_room(B.log, 1)) return Status::workspace_too_small;
      finish_2x2_block(B, lo);
      hi -= 2;
      continue;
    }
    // 2. A new block chooses its chase direction: start at the larger end.
    if (lo > old_hi || hi < old_lo) down = std::abs(d[lo]) >= std::abs(d[hi]);
    // 3. The relative convergence test in the direction of the chase.
    const ConvergenceTest<T> test = down ? convergence_test_down(VectorView<const T>(d), e, lo, hi, tol)
                                         : convergence_test_up(VectorView<const T>(d), e, lo, hi, tol);
    if (test.split) continue;
    // 4. A sweep is due, and its shift. The cap is tested here, not before the splits
    //    and the 2 x 2 blocks, so input that needs no sweep converges even with a cap
    //    of 0. (Each pass that does not sweep lowers hi or zeroes an e, so the passes
    //    between two sweeps are at most 2n.)
    if (info.iterations >= cap) {
      info.unconverged = count_nonzero(VectorView<const T>(e), n - 1);
      return Status::no_convergence;
    }
    if (!log_has_room(B.log, hi - lo)) return Status::workspace_too_small;
    old_lo = lo;
    old_hi = hi;
    const T shift = sweep_shift(VectorView<const T>(d), VectorView<const T>(e), lo, hi, down, test.sigma_min,
                                block.sigma_max, tol);
    info.iterations += hi - lo;
    info.sweeps += 1;
    info.zero_shift_sweeps += shift == T(0) ? 1 : 0;
    // 5. The sweep (zero-shift when the shift is 0), then the superdiagonal entry it
    //    leaves at the far end set to zero when below thresh.
    if (shift == T(0))
      down ? zero_shift_sweep_down(B, lo, hi) : zero_shift_sweep_up(B, lo, hi);
    else
      down ? shifted_sweep_down(B, lo, hi, shift) : shifted_sweep_up(B, lo, hi, shift);
    T& end = down ? e[hi - 1] : e[lo];
    if (std::abs(end) <= thresh) end = T(0);
  }
  return Status::ok;
}

}  // namespace

template <class T>
Status bidiagonal_svd_inplace(VectorView<T> d, VectorView<T> e, MatrixView<T> U, MatrixView<T> V,
                              index max_iterations, SvdInfo<T>& info) {
  const index n = d.size();
  const bool want_u = U.cols() > 0;
  const bool want_v = V.cols() > 0;
  if ((e.size() != n && e.size() != std::max<index>(n - 1, 0)) || (want_u && U.cols() != n) ||
      (want_v && V.cols() != n))
    return Status::dimension_mismatch;
  if (!all_finite(VectorView<const T>(d)) || !all_finite(VectorView<const T>(e.segment(0, std::max<index>(n - 1, 0)))))
    return Status::not_finite;
  if (n == 0) return Status::ok;

  // 1. The implicit QR iteration drives every superdiagonal entry to zero.
  const index cap = max_iterations >= 0 ? max_iterations : kMaxIterationsPerSquare * n * n;
  detail::BidiagonalQrState<T> state;
  const Status status = n > 1 ? qr_iteration(Bidiagonal<T>{d, e, U, V}, cap, state, info) : Status::ok;
  // 2. Make the singular values non-negative: sigma_i < 0 flips column i of V.
  for (index i = 0; i < n; ++i)
    if (d[i] < T(0)) {
      d[i] = -d[i];
      if (want_v) scal(T(-1), V.col(i));
    }
  // 3. Sort non-increasing by selection (at most n - 1 swaps of vector columns).
  svd_detail::sort_non_increasing(d, U, V);
  return status;
}

template <class T>
Status detail::bidiagonal_svd_logging_kernel(VectorView<T> d, VectorView<T> e, MatrixView<T> U, RotationLog<T>& log,
                                             BidiagonalQrState<T>& state, index max_iterations, SvdInfo<T>& info) {
  const index n = d.size();
  if (n < 2) return Status::ok;
  const index cap = max_iterations >= 0 ? max_iterations : kMaxIterationsPerSquare * n * n;
  return qr_iteration(Bidiagonal<T>{d, e, U, MatrixView<T>(), &log}, cap, state, info);
}

template <class T>
void detail::replay_rotation_log(RotationLog<T>& log, MatrixView<T> V) {
  // V := V G_1 G_2 ... G_N, the log read from its start.
  index begin = 0;
  while (begin < log.size) {
    const index first = static_cast<index>(log.data[begin]);
    const bool down = log.data[begin + 1] > T(0);
    const index length = static_cast<index>(log.data[begin + 2]);
    const T* cs = log.data + begin + 3;
    for (index r = 0; r < length; ++r) {
      const index j = down ? first + r : first - r;
      rotate_columns(V, j, j + 1, cs[2 * r], cs[2 * r + 1]);
    }
    begin += 2 * length + 4;
  }
  log.size = 0;
}

template <class T>
void detail::apply_rotation_log(const RotationLog<T>& log, MatrixView<T> Z) {
  // V_final = V_0 G_1 G_2 ... G_N, so W_r Z = G_1 (G_2 (... (G_N Z))): the log read
  // from its end, one column of Z at a time (Z has few; a call of rot per rotation on
  // rows of one or two entries cost more than the arithmetic). Each G = [c -s; s c] on
  // rows (j, j+1).
  for (index col = 0; col < Z.cols(); ++col) {
    T* z = Z.col(col).data();
    index end = log.size;
    while (end > 0) {
      const index length = static_cast<index>(log.data[end - 1]);
      const index begin = end - 2 * length - 4;
      const index first = static_cast<index>(log.data[begin]);
      const bool down = log.data[begin + 1] > T(0);
      const T* cs = log.data + begin + 3;
      for (index r = length - 1; r >= 0; --r) {
        const index j = down ? first + r : first - r;
        const T c = cs[2 * r];
        const T s = cs[2 * r + 1];
        const T x = z[j];
        const T y = z[j + 1];
        z[j] = c * x - s * y;
        z[j + 1] = s * x + c * y;
      }
      end = begin;
    }
  }
}

#define STELA_INSTANTIATE(T)                                                                                        \
  template Status detail::bidiagonal_svd_logging_kernel<T>(VectorView<T>, VectorView<T>, MatrixView<T>,            \
                                                           detail::RotationLog<T>&, detail::BidiagonalQrState<T>&, \
                                                           index, SvdInfo<T>&);                                     \
  template void detail::replay_rotation_log<T>(detail::RotationLog<T>&, MatrixView<T>);                            \
  template void detail::apply_rotation_log<T>(const detail::RotationLog<T>&, MatrixView<T>);                       \
  template Status bidiagonal_svd_inplace<T>(VectorView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, index, SvdInfo<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
