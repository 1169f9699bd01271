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
// Method:       the active block B(lo:hi, lo:hi) is the bottom-most block with no
//               negligible superdiagonal entry. Each sweep chases a bulge through it
//               by alternating right and left rotations:
//                - shifted: the implicit QR step of GVL algorithm 8.6.1 on B^T B with
//                  shift sigma^2, sigma the smaller singular value of the trailing
//                  (or leading, when chasing upward) 2 x 2 block;
//                - zero shift (Demmel–Kahan): when the shift would be below the
//                  accuracy of the smallest singular value, the same step with
//                  sigma = 0, reorganised so that every entry is computed with only
//                  multiplications and rotations of two numbers — it keeps high
//                  relative accuracy in every singular value.
//               The chase runs top to bottom when |d_lo| >= |d_hi| and bottom to top
//               otherwise, so that the large end is where the bulge starts and the
//               small end converges first (graded matrices converge fast).
//               A superdiagonal entry is set to zero when it is negligible by the
//               relative criteria of Demmel & Kahan (section 5): |e_i| <= tol mu_i with
//               mu the recurrence mu_{i+1} = |d_{i+1}| mu_i / (mu_i + |e_i|), a lower
//               bound estimate of the smallest singular value of the leading block.
//               A 2 x 2 block is finished by its exact SVD (svd_2x2_upper below).
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
// Workspace:    none.
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

template <class T>
Svd2x2<T> svd_2x2_upper(T f, T g, T h) {
  // 1. Work with |f| >= |h|: when |h| > |f|, the transpose-and-reverse of the matrix,
  //    [h g; 0 f], has the same singular values with the roles of the two rotations
  //    swapped (`swapped` undoes that at the end).
  T ft = f, ht = h;
  T fa = std::abs(f), ha = std::abs(h);
  enum { f_largest, g_largest, h_largest } largest = f_largest;
  const bool swapped = ha > fa;
  if (swapped) {
    largest = h_largest;
    std::swap(ft, ht);
    std::swap(fa, ha);
  }
  const T gt = g;
  const T ga = std::abs(g);
  T clt, slt, crt, srt, smin, smax;
  if (ga == T(0)) {
    // 2a. Diagonal: nothing to rotate.
    smin = ha;
    smax = fa;
    clt = 1;
    slt = 0;
    crt = 1;
    srt = 0;
  } else {
    bool g_dominates_fully = false;
    if (ga > fa) {
      largest = g_largest;
      if (fa / ga < unit_roundoff<T>()) {
        // 2b. |g| so large that |f|, |h| vanish next to it in working precision:
        //     sigma_max = |g|, sigma_min = |f h / g|, rotations from the ratios.
        g_dominates_fully = true;
        smax = ga;
        smin = ha > T(1) ? fa / (ga / ha) : (fa / ga) * ha;
        clt = 1;
        slt = ht / gt;
        srt = 1;
        crt = ft / gt;
      }
    }
    if (!g_dominates_fully) {
      // 2c. The general case. With l = (|f| - |h|)/|f| in [0, 1], m = g/f and t = 2 - l,
      //     sigma_max = |f| a and sigma_min = |h| / a, where a = (s + r)/2,
      //     s = sqrt(t^2 + m^2), r = sqrt(l^2 + m^2): every quantity is a sum of
      //     positive terms or a difference computed exactly, so no cancellation occurs.
      const T dd = fa - ha;
      T l = dd == fa ? T(1) : dd / fa;  // (copes with |h| negligible or infinite f)
      const T m = gt / ft;
      T t = T(2) - l;
      const T mm = m * m;
      const T tt = t * t;
      const T s = std::sqrt(tt + mm);
      const T r = l == T(0) ? std::abs(m) : std::sqrt(l * l + mm);
      const T a = T(0.5) * (s + r);
      smin = ha / a;
      smax = fa * a;
      // 3. The right rotation's tangent t, then both rotations.
      if (mm == T(0)) {
        // m underflowed: the limit of the general formula.
        if (l == T(0))
          t = std::copysign(T(2), ft) * std::copysign(T(1), gt);
        else
          t = gt / std::copysign(dd, ft) + m / t;
      } else {
        t = (m / (s + t) + m / (r + l)) * (T(1) + a);
      }
      l = std::sqrt(t * t + T(4));
      crt = T(2) / l;
      srt = t / l;
      clt = (crt + srt * m) / a;
      slt = (ht / ft) * srt / a;
    }
  }
  // 4. Undo the swap: the left and right rotations trade places.
  Svd2x2<T> out;
  if (swapped) {
    out.cl = srt;
    out.sl = crt;
    out.cr = slt;
    out.sr = clt;
  } else {
    out.cl = clt;
    out.sl = slt;
    out.cr = crt;
    out.sr = srt;
  }
  // 5. Signs: sigma_max takes the sign that makes the (1,1) entry of the identity exact,
  //    read off from the largest of f, g, h; sigma_min follows from
  //    sigma_max sigma_min = det = f h.
  T sign_max = 1;
  switch (largest) {
    case f_largest: sign_max = std::copysign(T(1), out.cr) * std::copysign(T(1), out.cl) * std::copysign(T(1), f); break;
    case g_largest: sign_max = std::copysign(T(1), out.sr) * std::copysign(T(1), out.cl) * std::copysign(T(1), g); break;
    case h_largest: sign_max = std::copysign(T(1), out.sr) * std::copysign(T(1), out.sl) * std::copysign(T(1), h); break;
  }
  out.sigma_max = std::copysign(smax, sign_max);
  out.sigma_min = std::copysign(smin, sign_max * std::copysign(T(1), f) * std::copysign(T(1), h));
  return out;
}

// The smaller singular value of [f g; 0 h] (for the shift), from the same formulas.
template <class T>
T smaller_singular_value_2x2(T f, T g, T h) {
  return std::abs(svd_2x2_upper(f, g, h).sigma_min);
}

// Columns i and j of X rotated: [x_i, x_j] := [x_i, x_j] [c -s; s c], i.e.
// x_i := c x_i + s x_j, x_j := c x_j - s x_i. Callers skip views with no columns.
template <class T>
void rotate_columns(MatrixView<T> X, index i, index j, T c, T s) {
  rot(X.col(i), X.col(j), c, s);
}

// Entries e(0:count) that are not zero.
template <class T>
index count_nonzero(VectorView<const T> e, index count) {
  index k = 0;
  for (index i = 0; i < count; ++i) k += e[i] != T(0) ? 1 : 0;
  return k;
}

}  // namespace

template <class T>
Status bidiagonal_svd_inplace(VectorView<T> d, VectorView<T> e, MatrixView<T> U, MatrixView<T> V,
                              index max_iterations, SvdInfo& info) {
  const index n = d.size();
  const bool want_u = U.cols() > 0;
  const bool want_v = V.cols() > 0;
  if ((e.size() != n && e.size() != std::max<index>(n - 1, 0)) || (want_u && U.cols() != n) ||
      (want_v && V.cols() != n))
    return Status::dimension_mismatch;
  if (!all_finite(VectorView<const T>(d)) || !all_finite(VectorView<const T>(e.segment(0, std::max<index>(n - 1, 0)))))
    return Status::not_finite;
  if (n == 0) return Status::ok;

  const T u = unit_roundoff<T>();
  const T tol = relative_tolerance<T>();
  const index cap = max_iterations >= 0 ? max_iterations : kMaxIterationsPerSquare * n * n;
  Status status = Status::ok;

  if (n > 1) {
    // 1. Absolute floor for negligible entries: thresh = max(tol * sigma_min_estimate,
    //    kMaxIterationsPerSquare n^2 safe_min), where the estimate is the Demmel–Kahan
    //    recurrence over the whole matrix divided by sqrt(n) (xBDSQR).
    T mu = std::abs(d[0]);
    T sigma_min_estimate = mu;
    for (index i = 1; i < n && sigma_min_estimate > T(0); ++i) {
      mu = std::abs(d[i]) * (mu / (mu + std::abs(e[i - 1])));
      sigma_min_estimate = std::min(sigma_min_estimate, mu);
    }
    sigma_min_estimate /= std::sqrt(static_cast<T>(n));
    const T thresh = std::max(tol * sigma_min_estimate,
                              static_cast<T>(kMaxIterationsPerSquare) * static_cast<T>(n) * static_cast<T>(n) *
                                  safe_min<T>());

    // 2. The main loop. hi is the bottom of the active block; everything below it has
    //    converged. old_lo, old_hi remember the last block, to keep the chase direction
    //    while the iteration stays on the same block.
    index hi = n - 1;
    index old_lo = -1, old_hi = -1;
    bool down = true;  // chase direction: top to bottom
    while (hi > 0) {
      // 2a. Find the active block: the nearest negligible e above hi splits it off.
      //     (The comparisons are written so that a NaN makes no entry negligible and
      //     the iteration cap ends the loop.)
      T sigma_max = std::abs(d[hi]);
      index lo = 0;
      for (index l = hi - 1; l >= 0; --l) {
        if (std::abs(e[l]) <= thresh) {
          e[l] = T(0);
          lo = l + 1;
          break;
        }
        sigma_max = std::max({sigma_max, std::abs(d[l]), std::abs(e[l])});
      }
      if (lo == hi) {
        // d[hi] has split off: it has converged.
        --hi;
        continue;
      }
      // 2b. A 2 x 2 block: its exact SVD finishes it.
      if (hi - lo == 1) {
        const Svd2x2<T> r = svd_2x2_upper(d[lo], e[lo], d[hi]);
        d[lo] = r.sigma_max;
        e[lo] = T(0);
        d[hi] = r.sigma_min;
        // V := V [cr -sr; sr cr],  U := U [cl -sl; sl cl]
        if (want_v) rotate_columns(V, lo, hi, r.cr, r.sr);
        if (want_u) rotate_columns(U, lo, hi, r.cl, r.sl);
        hi -= 2;
        continue;
      }
      // 2c. A new block chooses its chase direction: start at the larger end.
      if (lo > old_hi || hi < old_lo) down = std::abs(d[lo]) >= std::abs(d[hi]);
      // 2d. Relative convergence tests (Demmel & Kahan, section 5), in the direction of
      //     the chase, with the running estimate sigma_min of the smallest singular value.
      bool split = false;
      T sigma_min = 0;
      if (down) {
        if (std::abs(e[hi - 1]) <= tol * std::abs(d[hi])) {
          e[hi - 1] = T(0);
          continue;
        }
        T m_run = std::abs(d[lo]);
        sigma_min = m_run;
        for (index l = lo; l < hi; ++l) {
          if (std::abs(e[l]) <= tol * m_run) {
            e[l] = T(0);
            split = true;
            break;
          }
          m_run = std::abs(d[l + 1]) * (m_run / (m_run + std::abs(e[l])));
          sigma_min = std::min(sigma_min, m_run);
        }
      } else {
        if (std::abs(e[lo]) <= tol * std::abs(d[lo])) {
          e[lo] = T(0);
          continue;
        }
        T m_run = std::abs(d[hi]);
        sigma_min = m_run;
        for (index l = hi - 1; l >= lo; --l) {
          if (std::abs(e[l]) <= tol * m_run) {
            e[l] = T(0);
            split = true;
            break;
          }
          m_run = std::abs(d[l]) * (m_run / (m_run + std::abs(e[l])));
          sigma_min = std::min(sigma_min, m_run);
        }
      }
      if (split) continue;
      // 2e. A QR sweep is due: the cap is tested here, not before the splits and the
      //     2 x 2 blocks above, so input that needs no sweep converges even with a cap
      //     of 0. (Each pass that does not sweep lowers hi or zeroes an e, so the passes
      //     between two sweeps are at most 2n.)
      if (info.iterations >= cap) {
        status = Status::no_convergence;
        break;
      }
      old_lo = lo;
      old_hi = hi;

      // 2f. The shift: zero when it would not be resolvable next to sigma_min
      //     (n tol sigma_min / sigma_max small), otherwise the smaller singular value of
      //     the 2 x 2 block at the far end of the chase, dropped when negligible.
      T shift = 0;
      if (static_cast<T>(n) * tol * (sigma_min / sigma_max) > std::max(u, kZeroShiftFraction<T> * tol)) {
        T end_value;
        if (down) {
          end_value = std::abs(d[lo]);
          shift = smaller_singular_value_2x2(d[hi - 1], e[hi - 1], d[hi]);
        } else {
          end_value = std::abs(d[hi]);
          shift = smaller_singular_value_2x2(d[lo], e[lo], d[lo + 1]);
        }
        if (end_value > T(0) && (shift / end_value) * (shift / end_value) < u) shift = T(0);
      }
      info.iterations += hi - lo;
      info.sweeps += 1;

      if (shift == T(0)) {
        // 2g. Zero-shift QR sweep (Demmel & Kahan, section 4): the QR step with shift 0,
        //     computed with rotations only, so every new entry is a product of old entries
        //     and cosines/sines: no subtraction, hence high relative accuracy.
        info.zero_shift_sweeps += 1;
        T c = 1, old_c = 1, old_s = 0;
        if (down) {
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
            if (want_v) rotate_columns(V, i, i + 1, c, s);          // V := V R_i^T
            if (want_u) rotate_columns(U, i, i + 1, old_c, old_s);  // U := U L_i^T
          }
          const T h = d[hi] * c;
          d[hi] = h * old_c;
          e[hi - 1] = h * old_s;
          if (std::abs(e[hi - 1]) <= thresh) e[hi - 1] = T(0);
        } else {
          for (index i = hi; i > lo; --i) {
            const Givens<T> gr = givens(d[i] * c, e[i - 1]);
            c = gr.c;
            const T s = gr.s;
            if (i < hi) e[i] = old_s * gr.r;
            const Givens<T> gl = givens(old_c * gr.r, d[i - 1] * s);
            old_c = gl.c;
            old_s = gl.s;
            d[i] = gl.r;
            // Chasing upward works on B^T: the roles of U and V trade places.
            if (want_u) rotate_columns(U, i - 1, i, c, -s);
            if (want_v) rotate_columns(V, i - 1, i, old_c, -old_s);
          }
          const T h = d[lo] * c;
          d[lo] = h * old_c;
          e[lo] = h * old_s;
          if (std::abs(e[lo]) <= thresh) e[lo] = T(0);
        }
      } else {
        // 2h. Shifted QR sweep (GVL algorithm 8.6.1): the first right rotation is that of
        //     the first column of B^T B - shift^2 I, written as
        //     (|d_lo| - shift)(sign(d_lo) + shift/d_lo) to avoid forming squares; the
        //     bulge is then chased to the other end.
        if (down) {
          T f = (std::abs(d[lo]) - shift) * (std::copysign(T(1), d[lo]) + shift / d[lo]);
          T g = e[lo];
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
            if (want_v) rotate_columns(V, i, i + 1, gr.c, gr.s);  // V := V R_i^T
            if (want_u) rotate_columns(U, i, i + 1, gl.c, gl.s);  // U := U L_i^T
          }
          e[hi - 1] = f;
          if (std::abs(e[hi - 1]) <= thresh) e[hi - 1] = T(0);
        } else {
          T f = (std::abs(d[hi]) - shift) * (std::copysign(T(1), d[hi]) + shift / d[hi]);
          T g = e[hi - 1];
          for (index i = hi; i > lo; --i) {
            const Givens<T> gr = givens(f, g);
            if (i < hi) e[i] = gr.r;
            f = gr.c * d[i] + gr.s * e[i - 1];
            e[i - 1] = gr.c * e[i - 1] - gr.s * d[i];
            g = gr.s * d[i - 1];
            d[i - 1] = gr.c * d[i - 1];
            const Givens<T> gl = givens(f, g);
            d[i] = gl.r;
            f = gl.c * e[i - 1] + gl.s * d[i - 1];
            d[i - 1] = gl.c * d[i - 1] - gl.s * e[i - 1];
            if (i - 1 > lo) {
              g = gl.s * e[i - 2];
              e[i - 2] = gl.c * e[i - 2];
            }
            // Chasing upward works on B^T: the roles of U and V trade places.
            if (want_u) rotate_columns(U, i - 1, i, gr.c, -gr.s);
            if (want_v) rotate_columns(V, i - 1, i, gl.c, -gl.s);
          }
          e[lo] = f;
          if (std::abs(e[lo]) <= thresh) e[lo] = T(0);
        }
      }
    }
    if (status == Status::no_convergence) info.unconverged = count_nonzero(VectorView<const T>(e), n - 1);
  }

  // 3. Make the singular values non-negative: sigma_i < 0 flips column i of V.
  for (index i = 0; i < n; ++i)
    if (d[i] < T(0)) {
      d[i] = -d[i];
      if (want_v) scal(T(-1), V.col(i));
    }
  // 4. Sort non-increasing by selection (at most n - 1 swaps of vector columns).
  svd_detail::sort_non_increasing(d, U, V);
  return status;
}

#define STELA_INSTANTIATE(T) \
  template Status bidiagonal_svd_inplace<T>(VectorView<T>, VectorView<T>, MatrixView<T>, MatrixView<T>, index, SvdInfo&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
