// QR with column pivoting (Businger–Golub), with safe norm downdating, in panels that
// delay the trailing update (xLAQPS) and one column at a time (xLAQP2).
//
// Counterpart:  LAPACK xGEQP3 (its kernels xLAQPS, blocked, and xLAQP2, unblocked).
// Computes:     A P = Q R with P a permutation chosen greedily: at step j the
//               remaining column of largest norm (over rows j..m-1) is moved to
//               position j. Then |r_jj| >= ||R(j:i+1, i)|| for every i > j (the
//               pivot column was the longest), so |r_00| >= |r_11| >= ... .
// Storage:      on exit A holds R and the reflector tails as householder_qr_inplace
//               leaves them (apply or form Q with the same routines); perm[j] is the
//               index in the original A of column j of A P.
// Norms:        the pivot search needs the norms of the trailing parts of all
//               remaining columns. They are downdated, not recomputed: after H_j, the
//               partial norm of column l loses the entry r_jl,
//                   nu_l := nu_l sqrt(1 - (r_jl / nu_l)^2).
//               Cancellation in 1 - (r_jl / nu_l)^2 makes the downdated value
//               inaccurate once it is much smaller than the norm nu_l^0 it was last
//               computed from: its absolute error stays near eps (nu_l^0)^2 in the
//               square. Following Drmač and Bujanović, the norm is recomputed from the
//               column when (nu_l / nu_l^0)^2 <= sqrt(eps) (kDowndateTolerance): the
//               relative error of every norm used for a pivot decision then stays
//               below about sqrt(eps). The older test (LINPACK, LAPACK before 3.1)
//               missed cases where the error grew unnoticed and pivoting picked the
//               wrong column, hiding rank deficiency.
// Reference:    P. Businger and G. H. Golub, "Linear least squares solutions by
//               Householder transformations", Numer. Math. 7, 1965; Golub & Van Loan,
//               Matrix Computations, 4th ed., section 5.4.1; Z. Drmač and
//               Z. Bujanović, "On the failure of rank-revealing QR factorization
//               software — a case study", ACM TOMS 35(2), 2008 (LAPACK Working Note
//               176).
// Flops:        as unblocked Householder QR, 2n^2 (m - n/3) for m >= n
//               (2m^2 (n - m/3) for m < n), plus O(mn) for the norms and O(m) per
//               recomputed norm; panels add about 2 nb (m + n) per step (V and F reread).
// Blocked:      (Quintana-Ortí, Sun and Bischof, "A BLAS-3 version of the QR
//               factorization with column pivoting", SIAM J. Sci. Comput. 19(5), 1998.)
//               Every pivot choice needs the partial norms of all trailing columns, so a
//               panel cannot be factored apart from them as in householder_qr; instead
//               the trailing update is delayed: after i steps of a panel the trailing
//               block is A - V F^T, with V the panel's reflectors and F^T = T V^T A
//               accumulated one column per step (F(:, i) = tau_i (A - V F^T)^T v_i).
//               Each step brings only its own column and its row of the trailing block
//               up to date (the row is what the norm downdate reads), and one gemm per
//               panel does the rest. A norm that must be recomputed (below) cannot be,
//               its column being out of date, so it ends the panel early. Panels run
//               while more than kPivotedCrossoverColumns columns and the crossover's
//               bytes remain and the workspace holds their scratch; the rest, or all of
//               it at the minimum workspace, is level 2. The result equals the level-2
//               one up to rounding (and so, where the norms tie to rounding, may pivot
//               otherwise). Measured in bench_qr (README): about 1.2 to 1.3 times
//               faster at 1024 and 2000 x 200, the same at 256; most of what is left is
//               the per-step product A^T v (level 2, like xLAQPS's).
// Workspace:    minimum two vectors of n: the partial norms nu and the norms nu^0 they
//               were last computed from; optimal adds F (n x 32), two vectors and the
//               packing buffers of the panels' gemm.
// Invariant:    before step j, columns 0..j-1 are final, A(j:m, j:n) is the trailing
//               block of H_{j-1} ... H_0 A_initial P_j (inside a panel: A - V F^T is),
//               nu_l approximates
//               ||A(j:m, l)|| for l >= j within a relative sqrt(eps), and perm records
//               the columns' original positions.
// Rank:         qr_pivoted_rank counts the leading |r_jj| above
//               rank_threshold(tol, |r_00|, m, n). |r_00| is the largest column norm of A:
//               sigma_max / sqrt(n) <= |r_00| <= sigma_max. Greedy pivoting reveals the
//               rank of almost every matrix met in practice but not all: the Kahan
//               matrix keeps a large |r_nn| while sigma_min is tiny (GVL 5.4.1).
// Stability:    backward stable as Householder QR: A P + E = Q R with
//               ||E||_F = O(m n eps ||A||_F) (Higham, Accuracy and Stability, 2nd ed.,
//               theorem 19.4, which allows any column order).
// Scaling:      the kernel factors 2^-e A, e = binary_exponent(max |a_ij|) (exact, the
//               scaling shared by every factorization and solver, qr_kernels.hpp), and
//               multiplies R by 2^e at the end. In the scaled matrix every column norm
//               is at most sqrt(m), so the norms nu and nu^0, their downdates and the
//               reflectors are formed without overflow, and subnormal input is lifted to
//               full precision; the pivot order is that of A, since scaling all norms by
//               one power of two keeps their order exactly. Finite entries can still
//               have a column norm beyond the range of T; that norm is |r_00|, so R
//               itself is then not representable: R := 2^e R gives Inf there, and the
//               kernel reports not_finite (the COD and the solvers, which need no R,
//               stay in the scaled problem and do not overflow).
// Statuses:     dimension_mismatch (tau.size() != min(m, n), perm.size() != n),
//               workspace_too_small, not_finite (NaN or Inf in A); A, tau and perm are
//               untouched on each. not_finite also when R overflows (see Scaling), A,
//               tau and perm then holding the result with Inf in R.
#include <algorithm>
#include <cmath>
#include <utility>

#include "../blas/blas_kernels.hpp"
#include "../householder/householder_kernels.hpp"
#include "qr_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/qr.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// Drmač–Bujanović: recompute a partial norm once its square has fallen to sqrt(eps)
// times the square of the norm it was downdated from (LAWN 176, xLAQP2's TOL3Z).
template <class T>
T downdate_tolerance() {
  return std::sqrt(eps<T>());
}

// Columns per panel of the blocked form (xGEQP3's NB from ILAENV is 32 as well).
constexpr index kPivotedBlock = 32;
// Panels run while more than this many trailing columns remain: each step of a panel
// also reads its earlier reflectors twice (2 i (m - j) flops), which on few columns
// costs more than the delayed update saves.
constexpr index kPivotedCrossoverColumns = 64;

// The blocked form's scratch for panels of nb columns on n columns: F (n x nb), aux (nb)
// and a row of n.
template <class T>
WorkspaceSize panel_scratch(index n, index nb) {
  return WorkspaceSize::matrix<T>(n, nb) + WorkspaceSize::vector<T>(nb) + WorkspaceSize::vector<T>(n);
}

// The partial norms after row j of the trailing columns l = j+1..n-1 became final
// (the card's downdate). A norm that fell too far is recomputed from rows j+1..m-1 when
// those are final too (rows_final), and otherwise marked (nu0_l := -1) for the caller
// to recompute once they are; returns whether any was marked.
template <class T>
bool downdate_norms(MatrixView<const T> A, index j, VectorView<T> nu, VectorView<T> nu0, bool rows_final) {
  const index m = A.rows(), n = A.cols();
  const T tolerance = downdate_tolerance<T>();
  bool marked = false;
  for (index l = j + 1; l < n; ++l) {
    if (nu[l] == T(0)) continue;
    //  fraction of nu_l^2 that remains: 1 - (r_jl / nu_l)^2, clamped at zero
    const T ratio = std::abs(A(j, l)) / nu[l];
    const T remaining = std::max(T(0), (T(1) - ratio) * (T(1) + ratio));
    //  (new nu_l / nu0_l)^2: how far below its last computed value nu_l has fallen
    const T fallen = nu[l] / nu0[l];
    if (remaining * fallen * fallen > tolerance) {
      nu[l] *= std::sqrt(remaining);
    } else if (rows_final) {
      // Too much cancellation: nu_l = ||A(j+1:m, l)|| afresh (zero if no rows remain).
      nu[l] = j + 1 < m ? nrm2(VectorView<const T>(A.col(l).segment(j + 1, m - j - 1))) : T(0);
      nu0[l] = nu[l];
    } else {
      nu0[l] = T(-1);
      marked = true;
    }
  }
  return marked;
}

// Step j's pivot: the remaining column of largest partial norm moves to position j
// (with its row of F, when F has columns).
template <class T>
void pivot(MatrixView<T> A, index j, VectorView<index> perm, VectorView<T> nu, VectorView<T> nu0, MatrixView<T> F,
           index f_row0) {
  const index p = j + iamax(VectorView<const T>(nu.segment(j, A.cols() - j)));
  if (p == j) return;
  swap(A.col(p), A.col(j));
  std::swap(perm[p], perm[j]);
  std::swap(nu[p], nu[j]);
  std::swap(nu0[p], nu0[j]);
  if (F.cols() > 0) swap(F.row(p - f_row0), F.row(j - f_row0));
}

// The level-2 steps j = j_begin .. k-1 (xLAQP2).
template <class T>
void pivoted_steps(MatrixView<T> A, index j_begin, VectorView<T> tau, VectorView<index> perm, VectorView<T> nu,
                   VectorView<T> nu0) {
  const index m = A.rows(), n = A.cols(), k = std::min(m, n);
  for (index j = j_begin; j < k; ++j) {
    // 1. Pivot.
    pivot(A, j, perm, nu, nu0, MatrixView<T>(), 0);
    // 2. H_j [a_jj; A(j+1:m, j)] = [r_jj; 0]
    VectorView<T> v_tail = A.col(j).segment(j + 1, m - j - 1);
    tau[j] = householder_generate(A(j, j), v_tail);
    // 3. A(j:m, j+1:n) := H_j A(j:m, j+1:n)
    detail::householder_apply_left_kernel(VectorView<const T>(v_tail), tau[j], A.block(j, j + 1, m - j, n - j - 1));
    // 4. Downdate the partial norms of columns j+1..n-1 by their new row-j entry r_jl.
    downdate_norms(MatrixView<const T>(A), j, nu, nu0, true);
  }
}

// One panel of the blocked form (xLAQPS): up to nb steps from column j0, each pivoting
// over all trailing columns, with the trailing update delayed. After step i of the
// panel (column j = j0 + i) the trailing block is A_true = A - V F^T, V = the panel's
// reflectors so far (unit lower, rows j0..m-1) and F(l - j0, 0:i+1) the coefficients
// of column l; only row j of the trailing columns is brought up to date at once (the
// pivot search needs its entries for the downdate), the rest by one gemm at the end.
// A norm that must be recomputed ends the panel early (its rows are not up to date).
// Returns the number of steps taken, kb >= 1.
template <class T>
index pivoted_panel(MatrixView<T> A, index j0, index nb, VectorView<T> tau, VectorView<index> perm, VectorView<T> nu,
                    VectorView<T> nu0, MatrixView<T> F, VectorView<T> aux, VectorView<T> row, Workspace work) {
  const index m = A.rows(), n = A.cols(), nt = n - j0;
  index kb = 0;
  bool marked = false;
  while (kb < nb && !marked) {
    const index i = kb, j = j0 + kb;
    // 1. Pivot (F's rows with the columns).
    pivot(A, j, perm, nu, nu0, F, j0);
    // 2. Column j brought up to date: A(j:m, j) -= V(j:m, 0:i) F(j - j0, 0:i)^T.
    VectorView<T> col = A.col(j).segment(j, m - j);
    if (i > 0)
      detail::gemv_kernel(Op::none, T(-1), MatrixView<const T>(A.block(j, j0, m - j, i)),
                  VectorView<const T>(F.row(j - j0).segment(0, i)), T(1), col);
    // 3. H_j; v_j = A(j:m, j) with its unit entry in place while F is formed.
    tau[j] = householder_generate(A(j, j), A.col(j).segment(j + 1, m - j - 1));
    const T r_jj = A(j, j);
    A(j, j) = T(1);
    // 4. F(l - j0, i) := tau_j A_true(j:m, l)^T v_j for the columns l > j, as
    //    tau_j A(j:m, l)^T v_j - tau_j F(l - j0, 0:i) V(j:m, 0:i)^T v_j; zero for the
    //    columns j0..j, whose rows of F no later step reads.
    VectorView<T> f = F.col(i).segment(0, nt);
    fill(f.segment(0, j + 1 - j0), T(0));
    if (j + 1 < n) {
      VectorView<T> f_rest = f.segment(j + 1 - j0, n - j - 1);
      detail::gemv_kernel(Op::transpose, tau[j], MatrixView<const T>(A.block(j, j + 1, m - j, n - j - 1)),
                  VectorView<const T>(col), T(0), f_rest);
      if (i > 0) {
        VectorView<T> a = aux.segment(0, i);
        detail::gemv_kernel(Op::transpose, -tau[j], MatrixView<const T>(A.block(j, j0, m - j, i)), VectorView<const T>(col),
                    T(0), a);
        detail::gemv_kernel(Op::none, T(1), MatrixView<const T>(F.block(j + 1 - j0, 0, n - j - 1, i)), VectorView<const T>(a),
                    T(1), f_rest);
      }
    }
    // 5. Row j of the trailing columns brought up to date:
    //    A(j, j+1:n) -= V(j, 0:i+1) F(j+1-j0:nt, 0:i+1)^T (v_j's unit entry included),
    //    the product formed in a contiguous row first: A's row has stride ld, and
    //    adding each of the i+1 terms to it in place touched n - j cache lines per term.
    if (j + 1 < n) {
      VectorView<T> r = row.segment(0, n - j - 1);
      detail::gemv_kernel(Op::none, T(1), MatrixView<const T>(F.block(j + 1 - j0, 0, n - j - 1, i + 1)),
                          VectorView<const T>(A.row(j).segment(j0, i + 1)), T(0), r);
      axpy(T(-1), VectorView<const T>(r), A.row(j).segment(j + 1, n - j - 1));
    }
    A(j, j) = r_jj;
    ++kb;
    // 6. The partial norms by the now final row j; one that must be recomputed ends the
    //    panel after this step.
    marked = downdate_norms(MatrixView<const T>(A), j, nu, nu0, false);
    if (j + 1 >= std::min(m, n)) break;
  }
  // 7. The delayed update of the rest: A(j0+kb:m, j0+kb:n) -= V(j0+kb:m, :) F(kb:nt, :)^T.
  const index r0 = j0 + kb;
  if (r0 < m && r0 < n)
    detail::gemm_kernel(Op::none, Op::transpose, T(-1), MatrixView<const T>(A.block(r0, j0, m - r0, kb)),
                MatrixView<const T>(F.block(kb, 0, nt - kb, kb)), T(1), A.block(r0, r0, m - r0, n - r0), work);
  // 8. The marked norms, from their now final rows.
  for (index l = r0; l < n; ++l)
    if (nu0[l] < T(0)) {
      nu[l] = r0 < m ? nrm2(VectorView<const T>(A.col(l).segment(r0, m - r0))) : T(0);
      nu0[l] = nu[l];
    }
  return kb;
}

}  // namespace

template <class T>
WorkspaceSize qr_pivoted_workspace_size(index m, index n) {
  const WorkspaceSize norms = WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n);
  const index k = std::min(m, n);
  if (k <= 0 || n <= kPivotedCrossoverColumns || matrix_bytes<T>(m, n) <= QrBlocking::kBlockedCrossover) return norms;
  // Minimum: the norms (the level-2 form); optimal: panels of min(kPivotedBlock, k) and
  // the packing buffers of their trailing gemm.
  const index nb = std::min(kPivotedBlock, k);
  return WorkspaceSize::range(norms, norms + panel_scratch<T>(n, nb) + gemm_workspace_size<T>(m, n, nb));
}

template <class T>
void detail::qr_pivoted_scaled_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  STELA_ASSERT(tau.size() == k && perm.size() == n && work.holds(qr_pivoted_workspace_size<T>(m, n)));
  for (index j = 0; j < n; ++j) perm[j] = j;
  if (k == 0) return;

  VectorView<T> nu = work.vector<T>(n);   // partial norms ||A(j:m, l)||, downdated
  VectorView<T> nu0 = work.vector<T>(n);  // the norm each nu_l was last computed from
  // 1. nu_l := nu0_l := ||A(:, l)||
  for (index l = 0; l < n; ++l) {
    nu[l] = nrm2(VectorView<const T>(A.col(l)));
    nu0[l] = nu[l];
  }
  // 2. Panels (xLAQPS) while the trailing block is above the crossover and the
  //    workspace holds a panel's scratch; nb = 0 (level 2 throughout) otherwise.
  index j = 0;
  const index nb = matrix_bytes<T>(m, n) > QrBlocking::kBlockedCrossover
                       ? work.largest_block(std::min(kPivotedBlock, k), [n](index b) { return panel_scratch<T>(n, b); })
                       : 0;
  if (nb > 0) {
    MatrixView<T> F = work.matrix<T>(n, nb);
    VectorView<T> aux = work.vector<T>(nb);
    VectorView<T> row = work.vector<T>(n);
    while (j < k && n - j > kPivotedCrossoverColumns && matrix_bytes<T>(m - j, n - j) > QrBlocking::kBlockedCrossover)
      j += pivoted_panel(A, j, std::min(nb, k - j), tau, perm, nu, nu0, F, aux, row, work);
  }
  // 3. The rest, one column at a time (xLAQP2).
  pivoted_steps(A, j, tau, perm, nu, nu0);
}

template <class T>
Status detail::qr_pivoted_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work) {
  // A := 2^-e A; A P = Q R_s; R := 2^e R_s, Inf where beyond the range (see Scaling).
  const int e = scale_by_max_exponent(A);
  qr_pivoted_scaled_kernel(A, tau, perm, work);
  scale_upper_by_power_of_two(e, A);
  return upper_finite(MatrixView<const T>(A)) ? Status::ok : Status::not_finite;
}


// The checked entry: shapes, workspace, finiteness, then the kernel.
template <class T>
Status qr_pivoted_inplace(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  if (tau.size() != std::min(m, n) || perm.size() != n) return Status::dimension_mismatch;
  if (!work.holds(qr_pivoted_workspace_size<T>(m, n))) return Status::workspace_too_small;
  if (!all_finite(MatrixView<const T>(A))) return Status::not_finite;
  return detail::qr_pivoted_kernel(A, tau, perm, work);
}

template <class T>
index detail::qr_pivoted_rank_kernel(MatrixView<const T> R, const RankTolerance<T>& tol) {
  const index k = std::min(R.rows(), R.cols());
  if (k == 0) return 0;
  const T threshold = rank_threshold<T>(tol, std::abs(R(0, 0)), R.rows(), R.cols());
  index rank = 0;
  while (rank < k && std::abs(R(rank, rank)) > threshold) ++rank;
  return rank;
}

template <class T>
Result<index> qr_pivoted_rank(MatrixView<const T> R, const RankTolerance<T>& tol) {
  if (!valid(tol)) return Status::invalid_argument;
  return detail::qr_pivoted_rank_kernel(R, tol);
}

#define STELA_INSTANTIATE(T)                                                                          \
  template void detail::qr_pivoted_scaled_kernel<T>(MatrixView<T>, VectorView<T>, VectorView<index>, Workspace); \
  template Status detail::qr_pivoted_kernel<T>(MatrixView<T>, VectorView<T>, VectorView<index>, Workspace); \
  template index detail::qr_pivoted_rank_kernel<T>(MatrixView<const T>, const RankTolerance<T>&);        \
  template WorkspaceSize qr_pivoted_workspace_size<T>(index, index);                                  \
  template Status qr_pivoted_inplace<T>(MatrixView<T>, VectorView<T>, VectorView<index>, Workspace);  \
  template Result<index> qr_pivoted_rank<T>(MatrixView<const T>, const RankTolerance<T>&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
