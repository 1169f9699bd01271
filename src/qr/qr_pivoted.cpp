// QR with column pivoting (Businger–Golub), level-2 form with safe norm downdating.
//
// Counterpart:  LAPACK xGEQP3 (its unblocked kernel xLAQP2; the level-3 xLAQPS
//               variant, which delays the trailing updates, is not implemented).
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
//               recomputed norm.
// Workspace:    two vectors of n: the partial norms nu and the norms nu^0 they were
//               last computed from.
// Invariant:    before step j, columns 0..j-1 are final, A(j:m, j:n) is the trailing
//               block of H_{j-1} ... H_0 A_initial P_j, nu_l approximates
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

}  // namespace

template <class T>
WorkspaceSize qr_pivoted_workspace_size(index /*m: not needed*/, index n) {
  return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(n);
}

template <class T>
void detail::qr_pivoted_scaled_kernel(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work) {
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  STELA_ASSERT(tau.size() == k && perm.size() == n && work.holds(qr_pivoted_workspace_size<T>(m, n)));
  for (index j = 0; j < n; ++j) perm[j] = j;
  if (k == 0) return;

  const T kDowndateTolerance = downdate_tolerance<T>();
  VectorView<T> nu = work.vector<T>(n);   // partial norms ||A(j:m, l)||, downdated
  VectorView<T> nu0 = work.vector<T>(n);  // the norm each nu_l was last computed from
  // 1. nu_l := nu0_l := ||A(:, l)||
  for (index l = 0; l < n; ++l) {
    nu[l] = nrm2(VectorView<const T>(A.col(l)));
    nu0[l] = nu[l];
  }

  for (index j = 0; j < k; ++j) {
    // 2. Pivot: the remaining column of largest partial norm moves to position j.
    const index p = j + iamax(VectorView<const T>(nu.segment(j, n - j)));
    if (p != j) {
      swap(A.col(p), A.col(j));
      std::swap(perm[p], perm[j]);
      std::swap(nu[p], nu[j]);
      std::swap(nu0[p], nu0[j]);
    }
    // 3. H_j [a_jj; A(j+1:m, j)] = [r_jj; 0]
    VectorView<T> v_tail = A.col(j).segment(j + 1, m - j - 1);
    tau[j] = householder_generate(A(j, j), v_tail);
    // 4. A(j:m, j+1:n) := H_j A(j:m, j+1:n)
    householder_apply_left_kernel(VectorView<const T>(v_tail), tau[j], A.block(j, j + 1, m - j, n - j - 1));
    // 5. Downdate the partial norms of columns j+1..n-1 by their new row-j entry r_jl.
    for (index l = j + 1; l < n; ++l) {
      if (nu[l] == T(0)) continue;
      //    fraction of nu_l^2 that remains: 1 - (r_jl / nu_l)^2, clamped at zero
      const T ratio = std::abs(A(j, l)) / nu[l];
      const T remaining = std::max(T(0), (T(1) - ratio) * (T(1) + ratio));
      //    (new nu_l / nu0_l)^2: how far below its last computed value nu_l has fallen
      const T fallen = nu[l] / nu0[l];
      if (remaining * fallen * fallen <= kDowndateTolerance) {
        // Too much cancellation: recompute nu_l = ||A(j+1:m, l)|| (zero if no rows remain).
        nu[l] = j + 1 < m ? nrm2(VectorView<const T>(A.col(l).segment(j + 1, m - j - 1))) : T(0);
        nu0[l] = nu[l];
      } else {
        nu[l] *= std::sqrt(remaining);
      }
    }
  }
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
