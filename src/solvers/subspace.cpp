// Rank, null space, range, projector, leverage and the general solution, from one SVD.
//
// Counterparts: numpy.linalg.matrix_rank, scipy.linalg.null_space / orth, the hat
//               matrix of regression diagnostics; LAPACK has no driver for these.
// Computes:     with A = U diag(s) V^T (n x d) and r = #{ s_i > max(atol, rtol s_1) }:
//                 rank = r,  range = U(:, 0:r),  null space = V(:, r:d),
//                 projector = U_r U_r^T,  leverage_i = ||U_r(i, :)||^2,
//                 general solution { V_r diag(1/s_r) U_r^T y + V(:, r:d) t }.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 2.4 (SVD and the
//               subspaces), 5.4.1 (numerical rank), 5.5 (rank-deficient least squares);
//               Belsley, Kuh & Welsch, "Regression Diagnostics", 1980 (leverage).
// Cost:         one SVD (values only for rank; thin vectors, or a full V when the null
//               space of a wide matrix is asked for) plus n^2 r for the projector.
// Invariant:    every SVD-based function takes r from one SVD and one threshold
//               (decompose), so rank, range, null space and projector agree.
// Stability:    the SVD is backward stable, so the computed subspaces are exact for a
//               nearby matrix; their angle to the true ones is bounded by
//               eps ||A|| / gap, gap = s_r - s_(r+1) (Wedin's theorem; GVL 8.6.1). A small
//               gap means the subspace itself is ill-determined, which no method can fix.
// Scaling:      every function works on A_s = 2^-e A (scaled_svd.hpp; the COD route
//               scales the same way): the singular values of a matrix near the
//               overflow threshold can overflow (they gave rank 0 and the whole space as
//               null space), and those of a subnormal one carry few bits, while rank and
//               subspaces are scale-free. general_solution scales y by 2^-b as well and
//               reports not_finite when its particular solution 2^(b - e) w_s is beyond
//               the range of T.
// Alternative:  null_space(..., SubspaceMethod::cod) uses the complete orthogonal
//               decomposition A P = Q [T 0; 0 0] Z instead: null space = P Z^T [0; I].
//               Cheaper (no iteration), and as reliable as column pivoting's rank
//               decision, which can miss a small singular value (the Kahan matrix,
//               GVL 5.4.2).
#include <utility>

#include "../blas/blas_kernels.hpp"
#include "scaled_svd.hpp"
#include "stela/blas.hpp"
#include "stela/qr.hpp"
#include "stela/subspace.hpp"
#include "stela/svd.hpp"

namespace stela {
namespace {

// The SVD every function here starts from, with the checks in STYLE.md's order: that
// of A_s = 2^-exponent A (U, V and the rank are A's; s is A's times 2^-exponent).
template <class T>
struct Decomposition {
  SVD<T> svd;
  int exponent = 0;
  index rank = 0;
};

// The SVD's failure (no_convergence at the cap, or an invalid method) is the caller's:
// a partial SVD decides no rank.
template <class T>
Result<Decomposition<T>> decompose(MatrixView<const T> A, const RankTolerance<T>& tol, SvdVectors vectors,
                                   const SvdOptions& svd_opts) {
  if (!valid(tol)) return Status::invalid_argument;
  if (!all_finite(A)) return Status::not_finite;
  Result<detail::ScaledSvd<T>> r = detail::scaled_svd(A, vectors, svd_opts);
  if (!r.ok()) return r.status();
  Decomposition<T> D;
  D.svd = std::move(r->svd);
  D.exponent = r->exponent;
  // The caller's rule on A is the scaled rule on A_s: s_i > max(2^-e atol, rtol s_1).
  const Vector<T>& s = D.svd.s;
  const T threshold =
      s.empty() ? T(0) : rank_threshold(detail::scaled_tolerance(tol, D.exponent), s[0], A.rows(), A.cols());
  D.rank = numerical_rank<T>(s, threshold);
  return D;
}

}  // namespace

// rank and null_space by the svd method: the allocating forms of rank_inplace and
// null_space_inplace (subspace_inplace.cpp), which compute them.
template <class T>
Result<index> rank(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts) {
  WorkspaceBuffer buffer(rank_workspace_size<T>(A.rows(), A.cols(), svd_opts));
  index r = 0;
  const Status status = rank_inplace(A, tol, svd_opts, r, buffer.workspace());
  if (status != Status::ok) return status;
  return r;
}

template <class T>
Result<Matrix<T>> null_space(MatrixView<const T> A, const RankTolerance<T>& tol, SubspaceMethod method,
                             const SvdOptions& svd_opts) {
  const index n = A.rows(), d = A.cols();
  if (method == SubspaceMethod::cod) {
    if (!valid(tol)) return Status::invalid_argument;
    if (!all_finite(A)) return Status::not_finite;
    // The COD of A_s = 2^-e A under the scaled rule: its Z, P and rank are A's, and its
    // T, which the null space does not need, cannot overflow.
    Matrix<T> As(A);
    const int e = scale_by_max_exponent(As.view());
    Result<COD<T>> c = cod(MatrixView<const T>(As), detail::scaled_tolerance(tol, e));
    if (!c.ok()) return c.status();
    // A P = Q [T 0; 0 0] Z, so A (P Z^T [0; I]) = 0: the last d - r columns of Z^T, permuted.
    const index r = c->rank();
    Matrix<T> Z = c->z();  // d x d
    const Vector<index>& perm = c->permutation();
    Matrix<T> N(d, d - r);
    for (index j = 0; j < d - r; ++j)
      for (index i = 0; i < d; ++i) N(perm[i], j) = Z(r + j, i);  // (P Z^T)(perm[i], j) = Z^T(i, r + j)
    detail::orient_columns(N.view());
    return N;
  }
  Matrix<T> V(d, d);
  WorkspaceBuffer buffer(null_space_workspace_size<T>(n, d, svd_opts));
  index r = 0;
  const Status status = null_space_inplace(A, tol, svd_opts, V.view(), r, buffer.workspace());
  if (status != Status::ok) return status;
  return Matrix<T>(V.block(0, 0, d, d - r));
}

template <class T>
Result<Matrix<T>> range(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts) {
  Result<Decomposition<T>> D = decompose(A, tol, SvdVectors::thin, svd_opts);
  if (!D.ok()) return D.status();
  if (A.empty()) return Matrix<T>(A.rows(), 0);
  Matrix<T> B(D->svd.U.block(0, 0, A.rows(), D->rank));
  detail::orient_columns(B.view());
  return B;
}

template <class T>
Result<Matrix<T>> projector(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts) {
  Result<Decomposition<T>> D = decompose(A, tol, SvdVectors::thin, svd_opts);
  if (!D.ok()) return D.status();
  const index n = A.rows();
  Matrix<T> P(n, n);
  if (A.empty() || D->rank == 0) return P;
  // P = U_r U_r^T
  MatrixView<const T> Ur = D->svd.U.block(0, 0, n, D->rank);
  detail::gemm_kernel(Op::none, Op::transpose, T(1), Ur, Ur, T(0), P.view());
  return P;
}

template <class T>
Result<Vector<T>> leverage(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts) {
  Result<Decomposition<T>> D = decompose(A, tol, SvdVectors::thin, svd_opts);
  if (!D.ok()) return D.status();
  const index n = A.rows();
  Vector<T> h(n);
  if (A.empty()) return h;
  // h_i = (U_r U_r^T)_ii = ||U_r(i, :)||^2, without forming the n x n projector.
  MatrixView<const T> Ur = D->svd.U.block(0, 0, n, D->rank);
  for (index i = 0; i < n; ++i) h[i] = dot(Ur.row(i), Ur.row(i));
  return h;
}

template <class T>
Result<Vector<T>> SolutionSet<T>::at(VectorView<const T> t) const {
  // t is the caller's input: its length and finiteness get a status (checked in that
  // order), not an assert that a release build compiles away.
  if (t.size() != null_basis.cols()) return Status::dimension_mismatch;
  if (!all_finite(t)) return Status::not_finite;
  Vector<T> w = particular;
  // w = w0 + N t
  detail::gemv_kernel(Op::none, T(1), MatrixView<const T>(null_basis), t, T(1), w.view());
  return w;
}

template <class T>
Result<SolutionSet<T>> general_solution(MatrixView<const T> X, VectorView<const T> y, const RankTolerance<T>& tol,
                                        const SvdOptions& svd_opts) {
  const index n = X.rows(), d = X.cols();
  if (y.size() != n) return Status::dimension_mismatch;
  if (!all_finite(y)) return Status::not_finite;
  Result<Decomposition<T>> D = decompose(X, tol, n < d ? SvdVectors::full : SvdVectors::thin, svd_opts);
  if (!D.ok()) return D.status();
  const index r = D->rank;
  SolutionSet<T> S;
  S.rank = r;
  S.particular = Vector<T>(d);
  if (d == 0) return S;
  if (n == 0) {
    S.null_basis = Matrix<T>::identity(d);
    return S;
  }
  const SVD<T>& F = D->svd;
  // w0 = 2^(b - e) V_r diag(1/s_r) U_r^T y_s, with y_s = 2^-b y and s the scaled values
  Vector<T> ys(y);
  const int b = scale_by_max_exponent(ys.view());
  for (index j = 0; j < r; ++j) {
    const T c = dot(F.U.col(j), VectorView<const T>(ys)) / F.s[j];
    axpy(c, F.V.col(j), S.particular.view());
  }
  scale_by_power_of_two(b - D->exponent, S.particular.view());
  if (!all_finite(VectorView<const T>(S.particular))) return Status::not_finite;  // beyond the range of T
  S.null_basis = Matrix<T>(F.V.block(0, r, d, d - r));
  detail::orient_columns(S.null_basis.view());
  return S;
}

#define STELA_INSTANTIATE(T)                                                                               \
  template Result<index> rank<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&);           \
  template Result<Matrix<T>> null_space<T>(MatrixView<const T>, const RankTolerance<T>&, SubspaceMethod,      \
                                           const SvdOptions&);                                             \
  template Result<Matrix<T>> range<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&);      \
  template Result<Matrix<T>> projector<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&);  \
  template Result<Vector<T>> leverage<T>(MatrixView<const T>, const RankTolerance<T>&, const SvdOptions&);   \
  template struct SolutionSet<T>;                                                                          \
  template Result<SolutionSet<T>> general_solution<T>(MatrixView<const T>, VectorView<const T>,            \
                                                      const RankTolerance<T>&, const SvdOptions&);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
