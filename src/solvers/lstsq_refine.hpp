// Internal to stela's sources (not installed): extra-precise iterative refinement of a
// least-squares solution, step 3b of the lstsq pipeline (lstsq_pipeline.cpp), run by each
// method on the factorization it has just computed.
//
// Routine:      refine_solution (no LAPACK driver: LAPACK's xGERFSX refines square
//               systems this way; Demmel et al. 2009 carry it to least squares).
// Computes:     for each column b of Y_s and its solution x, the solution of the
//               augmented system (Björck 1967)
//                   [ I   A ] [ r ]   [ b ]
//                   [ A^T 0 ] [ x ] = [ 0 ],
//               refining r and x together: with the residuals of both equations
//                   f = b - r - A x,   g = -A^T r        (in the wider type, rounded)
//               the correction solves the same system with (f, g) on the right:
//                   dx = A^+ f - (A^T A)^{-1} g,   dr = f - A dx,
//               (A full column rank: A^T (f - A dx) = A^T f - A^T A A^+ f + g = g),
//               where A^+ f and (A^T A)^{-1} g are the method's factors applied once:
//               R^{-1} Q^T f and R^{-1} R^{-T} g (qr, qrcp), V S^{-1} U^T f and
//               V S^{-2} V^T g (svd, jacobi). Wide problems (n < d, full row rank) have
//               r = 0: x += A^+ (b - A x) keeps x in the row space. The normal equations
//               use the same plain form, dx = G^{-1} A^T (b - A x) with G = X^T X from
//               their factor: Björck's corrected semi-normal equations, one step.
// Reference:    Å. Björck, "Iterative refinement of linear least squares solutions I",
//               BIT 7 (1967) 257-278; J. Demmel, Y. Hida, X. S. Li, E. J. Riedy,
//               "Extra-precise iterative refinement for overdetermined least squares
//               problems", ACM TOMS 35(4) (2009), article 28 (the stopping rules and
//               bounds below); Björck, Numerical Methods for Least Squares Problems,
//               SIAM 1996, sections 2.9 (refinement) and 6.6.5 (CSNE).
// Cost:         per step and column: one pass over X in the wide type (f and g together,
//               4 n d wide flops), one in T (dr = f - A dx, 2 n d), and one application
//               of the factors, O(n d) (qr: Q^T then two triangular solves; svd: U^T, V,
//               V^T); plus one wide pass for the starting residual, less the pass in
//               T after the last step (r is not updated then).
// Workspace:    refine_workspace_size: r, f (n, T), the wide residual (n; in double on
//               x86-64 also 2 n doubles for the AVX2 path), g, dx, x0 (d);
//               the method's operator keeps its own scratch. No allocation.
// Invariant:    X is read in the caller's units and scaled on the fly: A(:, j) =
//               2^shift_j X(:, j) exactly, so no copy of A survives the factorization;
//               x and r stay in T (Demmel et al.'s "single" x), only residuals are wide.
// Stopping:     per column, with dx_n = ||dx||_inf / ||x||_inf (caller's units) and
//               dz = max_i |dx_i| / |x_i| (componentwise; a zero x_i is measured
//               normwise): converged when dz <= eps; stagnated when neither shrank by
//               kRefineRhoThreshold over the step before (a correction larger than the
//               previous one in both measures, or NaN, is not applied); step_limit at
//               the cap; ill_conditioned, with the method's x restored, when the second
//               correction is larger in both than a first one above eps normwise (the
//               factorization is too inaccurate for kappa: the SVDs' normwise error on
//               badly scaled columns).
// Bounds:       c = max(10, sqrt(d)) as xGERFSX; trusted only when the contraction
//               rho_c = c kappa eps (c kappa^2 eps for the semi-normal equations) < 1/2.
//               Then error <= c (eps + gamma kappa u_w (1 + kappa tan(theta))) +
//               dz_last rho / (1 - rho), rho = min(0.9, max(rho_c, observed ratio)):
//               the rounding of x, the wide residual's floor (u_w its unit roundoff,
//               x87's 2^-64 on x86-64 whichever path ran: the double-double kernel's
//               is far smaller, but the tests' long-double references could not check
//               a bound that tight; a
//               normwise error in A's units, which gamma carries into the measure —
//               ||x||_inf over the weighted ||D x||_inf normwise, over min |x_j|
//               componentwise), and the tail of the remaining corrections. Otherwise +Inf.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "extended_precision.hpp"
#include "wide_residual_avx2.hpp"
#include "lstsq_pipeline.hpp"
#include "stela/blas.hpp"
#include "stela/scalar.hpp"

namespace stela::detail {

inline constexpr double kRefineRhoThreshold = 0.5;  // rho_thresh of Demmel et al. 2009
inline constexpr index kSemiNormalSteps = 1;        // CSNE: one correction (Björck 1996, 6.6.5)

// Whether the refinement of T carries the AVX2 + FMA path's scratch.
template <class T>
constexpr bool kRefineHasAvx2Path =
#if defined(STELA_HAVE_AVX2_FMA_CODE)
    std::is_same_v<T, double>;
#else
    false;
#endif

// Workspace of refine_solution (the operator's own scratch comes on top).
template <class T>
WorkspaceSize refine_workspace_size(index n, index d) {
  using W = typename Wider<T>::type;
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<W>(n) +
         WorkspaceSize::vector<T>(d) + WorkspaceSize::vector<T>(d) + WorkspaceSize::vector<T>(d) +
         (kRefineHasAvx2Path<T> ? WorkspaceSize::vector<double>(n) + WorkspaceSize::vector<double>(n) : WorkspaceSize());
}

// The scratch of one column's refinement, carved once. hi, lo: the double-double
// running residual of the AVX2 + FMA path (double only, x86-64 builds only).
template <class T>
struct RefineScratch {
  VectorView<T> r, f, g, dx, x0;
  typename Wider<T>::type* fw = nullptr;
  double* hi = nullptr;
  double* lo = nullptr;
};

template <class T>
RefineScratch<T> carve_refine_scratch(index n, index d, Workspace& work) {
  RefineScratch<T> s;
  s.r = work.vector<T>(n);
  s.f = work.vector<T>(n);
  s.fw = work.take<typename Wider<T>::type>(n);
  s.g = work.vector<T>(d);
  s.dx = work.vector<T>(d);
  s.x0 = work.vector<T>(d);
  if constexpr (kRefineHasAvx2Path<T>) {
    s.hi = work.take<double>(n);
    s.lo = work.take<double>(n);
  }
  return s;
}

// Columns of X per pass of wide_residual: each fw[i] is loaded and stored once per
// block instead of once per column, and the block's g_j are independent sums (the wide
// type is scalar x87 arithmetic on x86-64: memory traffic and latency, not flops, bound it).
inline constexpr index kWideResidualBlock = 4;

// wide_residual (below) in Wider<T>::type, fw (n) holding the running sums.
template <class T, class W>
void wide_residual_portable(const RefineProblem<T>& p, VectorView<const T> b, VectorView<const T> r,
                            VectorView<const T> x, VectorView<T> f, VectorView<T> g, W* fw) {
  const index n = p.X.rows(), d = p.X.cols();
  for (index i = 0; i < n; ++i) {
    fw[i] = widen<W>(b[i]);
    if (!r.empty()) accumulate(fw[i], -r[i]);
  }
  for (index j0 = 0; j0 < d; j0 += kWideResidualBlock) {
    const index nb = std::min(kWideResidualBlock, d - j0);
    const T* Xc[kWideResidualBlock];
    W xs[kWideResidualBlock], gs[kWideResidualBlock];
    // A short last block repeats its first column with x_j = 0 (adding exact zeros),
    // so that every inner loop has the constant trip count the compiler unrolls.
    for (index c = 0; c < kWideResidualBlock; ++c) {
      const bool real = c < nb;
      Xc[c] = p.X.data() + (j0 + (real ? c : 0)) * p.X.ld();
      // X(:, j) (2^e x_j), negated: fw := fw - A(:, j) x_j
      xs[c] = real ? negated(scaled_by_power_of_two(widen<W>(x[j0 + c]), static_cast<int>(p.shift[j0 + c])))
                   : widen<W>(T(0));
      gs[c] = widen<W>(T(0));
    }
    for (index i = 0; i < n; ++i) {
      W t = fw[i];
      for (index c = 0; c < kWideResidualBlock; ++c) accumulate_product(t, Xc[c][i], xs[c]);
      fw[i] = t;
    }
    if (g.empty()) continue;
    // g_j := -2^e X(:, j)^T r
    for (index i = 0; i < n; ++i) {
      const W ri = widen<W>(r[i]);
      for (index c = 0; c < kWideResidualBlock; ++c) accumulate_product(gs[c], Xc[c][i], ri);
    }
    for (index c = 0; c < nb; ++c)
      g[j0 + c] = -rounded<T>(scaled_by_power_of_two(gs[c], static_cast<int>(p.shift[j0 + c])));
  }
  for (index i = 0; i < n; ++i) f[i] = rounded<T>(fw[i]);
}

// f := b - r - A x in the wide type (r empty: b - A x), rounded to T once; g := -A^T r
// likewise when g is not empty. A(:, j) = 2^shift_j X(:, j), applied exactly in the wide
// type. f may be b itself. On a CPU with AVX2 + FMA: in double, double-double four rows
// at a time (wide_residual_avx2.cpp), at least as accurate as x87 and several times
// faster; in float, the portable loops in double compiled for AVX2 + FMA (a product of
// two floats is exact in double, fused or not). Otherwise the portable loops.
template <class T>
void wide_residual(const RefineProblem<T>& p, VectorView<const T> b, VectorView<const T> r, VectorView<const T> x,
                   VectorView<T> f, VectorView<T> g, const RefineScratch<T>& s) {
#if defined(STELA_HAVE_AVX2_FMA_CODE)
  if constexpr (kRefineHasAvx2Path<T>) {
    if (use_avx2_fma() && wide_residual_avx2(p.X, p.shift, b, r, x, f, g, s.hi, s.lo)) return;
  } else if constexpr (std::is_same_v<T, float>) {
    if (use_avx2_fma()) {
      wide_residual_float_avx2(p, b, r, x, f, g, s.fw);
      return;
    }
  }
#endif
  wide_residual_portable(p, b, r, x, f, g, s.fw);
}

// r := r + (f - A dx) in T, A(:, j) = X(:, j) 2^shift_j applied as X(:, j) (2^shift_j
// dx_j); scaled (d, scratch) holds 2^shift_j dx_j. False, r untouched, when a scaled
// dx_j overflows or underflows to zero (the caller then takes the wide path).
template <class T>
bool add_correction_residual(const RefineProblem<T>& p, VectorView<const T> f, VectorView<const T> dx, VectorView<T> r,
                             VectorView<T> scaled) {
  const index d = p.X.cols();
  for (index j = 0; j < d; ++j) {
    scaled[j] = std::ldexp(dx[j], static_cast<int>(p.shift[j]));
    const bool lost = dx[j] != T(0) && (scaled[j] == T(0) || !(std::abs(scaled[j]) < std::numeric_limits<T>::infinity()));
    if (lost) return false;
  }
  // r := r + f, then r := r - X scaled, one column at a time (axpy: its AVX2 copy
  // where the CPU runs it)
  axpy(T(1), f, r);
  for (index j = 0; j < d; ++j) axpy(-scaled[j], p.X.col(j), r);
  return true;
}

// The size of a correction: normwise max_j |dx_j| 2^s_j / max_j |x_j| 2^s_j (in the
// caller's units, s = shift) and componentwise max_j |dx_j| / |x_j|.
template <class T>
void correction_size(const RefineProblem<T>& p, VectorView<const T> x, VectorView<const T> dx, T& normwise,
                     T& componentwise) {
  const index d = x.size();
  index s_max = p.shift[0];
  for (index j = 1; j < d; ++j) s_max = std::max(s_max, p.shift[j]);
  T dx_max = 0, x_max = 0;
  for (index j = 0; j < d; ++j) {
    const int e = static_cast<int>(p.shift[j] - s_max);
    dx_max = std::max(dx_max, std::ldexp(std::abs(dx[j]), e));
    x_max = std::max(x_max, std::ldexp(std::abs(x[j]), e));
  }
  normwise = x_max > 0 ? dx_max / x_max : (dx_max > 0 ? std::numeric_limits<T>::infinity() : T(0));
  componentwise = 0;
  for (index j = 0; j < d; ++j) {
    const T c = x[j] != T(0) ? std::abs(dx[j]) / std::abs(x[j]) : normwise;
    componentwise = (c > componentwise || c != c) ? c : componentwise;  // NaN propagates
  }
  if (normwise != normwise) componentwise = normwise;
}

// One column's refinement, as it ended.
template <class T>
struct RefinedColumn {
  index steps = 0;
  LstsqRefineStop stop = LstsqRefineStop::step_limit;
  T normwise = 0;        // the last correction's size
  T componentwise = 0;
  T ratio_normwise = 0;  // their ratios to the ones before (0 after one step)
  T ratio_componentwise = 0;
  bool applied = true;   // the last correction was applied
  T tan_theta = 0;       // ||r|| / sqrt(||b||^2 - ||r||^2) at the end (augmented)
  // How a normwise error of x's size in A's units grows in the measures of the bounds:
  // (max_j 2^s_j) ||x||_inf / max_j 2^s_j |x_j| (caller's units) and ||x||_inf /
  // min_j |x_j| (componentwise; +Inf when some x_j = 0).
  T growth_normwise = 1;
  T growth_componentwise = 1;
};

// The growth factors of RefinedColumn for the final x.
template <class T>
void floor_growth(const RefineProblem<T>& p, VectorView<const T> x, RefinedColumn<T>& out) {
  const index d = x.size();
  index s_max = p.shift[0];
  for (index j = 1; j < d; ++j) s_max = std::max(s_max, p.shift[j]);
  T x_max = 0, x_min = std::numeric_limits<T>::infinity(), weighted_max = 0;
  for (index j = 0; j < d; ++j) {
    x_max = std::max(x_max, std::abs(x[j]));
    x_min = std::min(x_min, std::abs(x[j]));
    weighted_max = std::max(weighted_max, std::ldexp(std::abs(x[j]), static_cast<int>(p.shift[j] - s_max)));
  }
  out.growth_normwise = weighted_max > 0 ? x_max / weighted_max : T(1);
  out.growth_componentwise = x_min > 0 ? x_max / x_min : std::numeric_limits<T>::infinity();
}

// Refines x (d) for the column b (n); ops.solve(f, dx): dx := A^+ f; ops.gram(g):
// g := (A^T A)^{-1} g (augmented only).
// tan(theta) = ||r|| / sqrt(||b||^2 - ||r||^2)
template <class T>
T tangent_of_residual(VectorView<const T> r, VectorView<const T> b) {
  const T r_norm = nrm2(r), b_norm = nrm2(b);
  const T fit = std::sqrt(std::max(T(0), (b_norm - r_norm) * (b_norm + r_norm)));
  return r_norm == T(0) ? T(0) : r_norm / fit;
}

template <class T, class Ops>
RefinedColumn<T> refine_column(const RefineProblem<T>& p, VectorView<const T> b, VectorView<T> x, bool augmented,
                               index max_steps, Ops& ops, const RefineScratch<T>& s) {
  const index n = b.size();
  const VectorView<const T> none;
  RefinedColumn<T> out;
  // 0. r := b - A x (the method's residual, in the wide type, rounded).
  if (augmented) {
    wide_residual(p, b, none, VectorView<const T>(x), s.r, VectorView<T>(), s);
  }
  copy(VectorView<const T>(x), s.x0);
  T previous_n = std::numeric_limits<T>::infinity(), previous_c = previous_n;
  for (index step = 0; step < max_steps; ++step) {
    // 1. f := b - r - A x, g := -A^T r, in the wide type, rounded to T.
    wide_residual(p, b, augmented ? VectorView<const T>(s.r) : none, VectorView<const T>(x), s.f,
                  augmented ? s.g : VectorView<T>(), s);
    // 2. dx := A^+ f - (A^T A)^{-1} g
    ops.solve(VectorView<const T>(s.f), s.dx);
    if (augmented) {
      ops.gram(s.g);
      axpy(T(-1), VectorView<const T>(s.g), s.dx);
    }
    // 3. Its size; a correction larger than the previous one in both measures (or NaN)
    //    is not applied: the iteration diverges. One measure alone may grow while the
    //    other still shrinks (Demmel et al. track x_state and z_state apart): the
    //    normwise size settles at its rounding level, eps kappa for a badly scaled X,
    //    while the smallest components still gain digits (seen: 2.8e-15 then 5.3e-15
    //    normwise as the componentwise size fell from 1.4e-9 to 4.3e-13).
    correction_size(p, VectorView<const T>(x), VectorView<const T>(s.dx), out.normwise, out.componentwise);
    out.ratio_normwise = step == 0 ? T(0) : out.normwise / previous_n;
    out.ratio_componentwise = step == 0 ? T(0) : out.componentwise / previous_c;
    const bool not_a_number = out.normwise != out.normwise || out.componentwise != out.componentwise;
    if (not_a_number || (out.normwise > previous_n && out.componentwise > previous_c)) {
      out.applied = false;
      out.stop = LstsqRefineStop::stagnated;
      break;
    }
    // 4. x := x + dx.
    axpy(T(1), VectorView<const T>(s.dx), x);
    ++out.steps;
    // 5. Demmel et al.'s tests: converged (componentwise), or no progress in either
    //    measure (a normwise-stable factorization can shrink the normwise correction
    //    while the smallest components still settle, and the other way round).
    if (out.componentwise <= eps<T>()) {
      out.stop = LstsqRefineStop::converged;
      break;
    }
    const T rho = T(kRefineRhoThreshold);
    if (out.normwise > rho * previous_n && out.componentwise > rho * previous_c) {
      out.stop = LstsqRefineStop::stagnated;
      break;
    }
    previous_n = out.normwise;
    previous_c = out.componentwise;
    // 6. r := r + (f - A dx) for the next step, the correction dr in working precision
    //    (Björck's dr = Q [z; d2] is as accurate), in the wide type only when the
    //    scaled dx leaves the range of T. Not after the last step: r's only later use
    //    is tan(theta) in the bound, which a correction of x below the stopping
    //    thresholds moves in its last digits, and the pass over X costs as much as a
    //    residual.
    if (augmented && step + 1 < max_steps &&
        !add_correction_residual(p, VectorView<const T>(s.f), VectorView<const T>(s.dx), s.r, s.g)) {
      wide_residual(p, VectorView<const T>(s.f), none, VectorView<const T>(s.dx), s.f, VectorView<T>(), s);
      for (index i = 0; i < n; ++i) s.r[i] += s.f[i];
    }
  }
  // 7. A second correction larger than the first (rejected) means the first one was
  //    no correction: the factorization is too inaccurate for this kappa (Demmel et
  //    al.'s "unstable" state). The method's own solution is returned. Not so when the
  //    first was already below eps normwise: then the second is rounding noise, and
  //    the first was a correction all the same.
  if (out.steps == 1 && !out.applied && !(previous_n <= eps<T>())) {
    copy(VectorView<const T>(s.x0), x);
    out.steps = 0;
    out.stop = LstsqRefineStop::ill_conditioned;
    out.applied = false;
    return out;
  }
  if (augmented) out.tan_theta = tangent_of_residual(VectorView<const T>(s.r), b);
  floor_growth(p, VectorView<const T>(x), out);
  return out;
}

// The error bound of the card for one column; +Inf when untrusted.
template <class T>
T refinement_bound(const RefinedColumn<T>& c, T size, T ratio, T growth, T kappa, index d, bool semi_normal) {
  using W = typename Wider<T>::type;
  const T inf = std::numeric_limits<T>::infinity();
  const T cd = std::max(T(10), std::sqrt(static_cast<T>(d)));
  const T rho_c = cd * kappa * eps<T>() * (semi_normal ? kappa : T(1));
  if (!(rho_c < T(kRefineRhoThreshold)) || !c.applied) return inf;
  const T uw = wide_roundoff<T, W>();
  const T floor = cd * (eps<T>() + growth * kappa * uw * (T(1) + kappa * c.tan_theta));
  const T rho = std::min(T(0.9), std::max(rho_c, ratio));
  return floor + size * rho / (T(1) - rho);
}

// "Worse" of two stops, in the enum's order.
inline LstsqRefineStop worse_stop(LstsqRefineStop a, LstsqRefineStop b) { return a > b ? a : b; }

// Refines every column of W_s (d x k) against Y_s; kappa is the method's estimate for A.
// s from carve_refine_scratch, carved before the operator's own scratch.
template <class T, class Ops>
LstsqRefinement<T> refine_solution(const RefineProblem<T>& p, MatrixView<const T> Ys, MatrixView<T> Ws, T kappa,
                                   bool augmented, index max_steps, Ops& ops, const RefineScratch<T>& s) {
  LstsqRefinement<T> out;
  out.stop = LstsqRefineStop::converged;
  out.bound_normwise = 0;
  out.bound_componentwise = 0;
  const bool semi_normal = !augmented && Ys.rows() >= Ws.rows();
  for (index j = 0; j < Ys.cols(); ++j) {
    const RefinedColumn<T> c = refine_column(p, Ys.col(j), Ws.col(j), augmented, max_steps, ops, s);
    out.steps = std::max(out.steps, c.steps);
    out.stop = worse_stop(out.stop, c.stop);
    out.bound_normwise =
        std::max(out.bound_normwise, refinement_bound(c, c.normwise, c.ratio_normwise, c.growth_normwise, kappa, Ws.rows(), semi_normal));
    out.bound_componentwise =
        std::max(out.bound_componentwise, refinement_bound(c, c.componentwise, c.ratio_componentwise, c.growth_componentwise, kappa, Ws.rows(), semi_normal));
  }
  return out;
}

// The report of a problem the refinement leaves alone (rank deficient).
template <class T>
LstsqRefinement<T> refinement_skipped() {
  LstsqRefinement<T> out;
  out.stop = LstsqRefineStop::not_full_rank;
  return out;
}

}  // namespace stela::detail
