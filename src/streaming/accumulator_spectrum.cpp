// What the QR accumulator says about X at any time: singular values, numerical rank,
// condition estimate.
//
// Counterparts: LAPACK xGESVD with JOBU = JOBVT = 'N' on R11 (singular_values, rank);
//               none by one name for condition_estimate (the 2-norm condition of a
//               triangle by power iteration, src/blas/triangular_condition.cpp).
// Computes:     X = Q R11 with Q having orthonormal columns, so X and R11 have the same
//               singular values (GVL 2.4): sigma(X) = sigma(R11), a d x d problem
//               whatever n is. rank: #{ sigma_i > rank_threshold(tol, sigma_1, n, d) },
//               the rule of lstsq, rank() and pinv. condition_estimate:
//               est(||R11||_2) est(||R11^{-1}||_2) by power iteration with R11, R11^T
//               and solves with them, the figure every lstsq method reports
//               (kappa_2(R11) = kappa_2(X) = sigma_1 / sigma_d; a lower bound, within a
//               factor of 2 on the test catalogue).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., 2.4 and 8.6 (SVD);
//               the estimator's card, src/blas/triangular_condition.cpp.
// Flops:        singular values of d x d: about 8 d^3 / 3 (bidiagonalization) plus the
//               bidiagonal QR (O(d^2)); the condition estimate a few d^2 (at most 17).
// Workspace:    spectrum_workspace_size: s (d), a copy of R11 (d x d) and the SVD's own;
//               condition_estimate_workspace_size: two vectors of d (the estimator
//               takes one; the query keeps its size).
// Stability:    the SVD is backward stable for R11, and R11 is the exact R of a nearby
//               X, so every sigma_i carries an absolute error O(eps sigma_1), as for
//               the SVD of X itself.
// Statuses:     dimension_mismatch (s not of d entries), invalid_argument (tol),
//               workspace_too_small, no_convergence (the SVD's iteration cap).
#include <algorithm>
#include <cmath>
#include <limits>

#include "../blas/triangular_condition.hpp"
#include "stela/blas.hpp"
#include "stela/streaming.hpp"
#include "stela/svd.hpp"

namespace stela {
namespace {

SvdOptions values_only() {
  SvdOptions opts;
  opts.vectors = SvdVectors::none;
  return opts;
}

// s := the singular values of the d x d upper triangle R11 (d = s.size()).
template <class T>
Status triangle_singular_values(MatrixView<const T> R11, VectorView<T> s, Workspace work) {
  const index d = R11.rows();
  if (d == 0) return Status::ok;
  MatrixView<T> A = work.matrix<T>(d, d);
  copy(R11, A);
  SvdInfo<T> info;
  return svd_inplace(A, s, MatrixView<T>(), MatrixView<T>(), values_only(), info, work);
}

}  // namespace

template <class T>
WorkspaceSize QrAccumulator<T>::spectrum_workspace_size(index d) {
  return WorkspaceSize::vector<T>(d) + WorkspaceSize::matrix<T>(d, d) + svd_workspace_size<T>(d, d, values_only());
}

template <class T>
WorkspaceSize QrAccumulator<T>::condition_estimate_workspace_size(index d) {
  return WorkspaceSize::vector<T>(d) + WorkspaceSize::vector<T>(d);
}

template <class T>
Status QrAccumulator<T>::singular_values(VectorView<T> s, Workspace work) const {
  if (s.size() != d_) return Status::dimension_mismatch;
  if (!work.holds(spectrum_workspace_size(d_))) return Status::workspace_too_small;
  return triangle_singular_values(R().block(0, 0, d_, d_), s, work);
}

template <class T>
Result<index> QrAccumulator<T>::rank(Workspace work, const RankTolerance<T>& tol) const {
  if (!valid(tol)) return Status::invalid_argument;
  if (!work.holds(spectrum_workspace_size(d_))) return Status::workspace_too_small;
  if (d_ == 0) return index(0);
  VectorView<T> s = work.vector<T>(d_);
  const Status status = triangle_singular_values(R().block(0, 0, d_, d_), s, work);
  if (status != Status::ok) return status;
  // sigma_i > max(atol, rtol sigma_1)
  return numerical_rank(VectorView<const T>(s), rank_threshold(tol, s[0], n_, d_));
}

template <class T>
Result<T> QrAccumulator<T>::condition_estimate(Workspace work) const {
  if (!work.holds(condition_estimate_workspace_size(d_))) return Status::workspace_too_small;
  if (d_ == 0) return T(1);
  const MatrixView<const T> R11 = R().block(0, 0, d_, d_);
  for (index i = 0; i < d_; ++i)
    if (R11(i, i) == T(0)) return std::numeric_limits<T>::infinity();
  // kappa_2(R11) ~ est(||R11||_2) est(||R11^{-1}||_2)
  return detail::triangular_condition_2norm<T>(R11, work);
}

#define STELA_INSTANTIATE(T)                                                                   \
  template WorkspaceSize QrAccumulator<T>::spectrum_workspace_size(index);                    \
  template WorkspaceSize QrAccumulator<T>::condition_estimate_workspace_size(index);          \
  template Status QrAccumulator<T>::singular_values(VectorView<T>, Workspace) const;           \
  template Result<index> QrAccumulator<T>::rank(Workspace, const RankTolerance<T>&) const;        \
  template Result<T> QrAccumulator<T>::condition_estimate(Workspace) const;
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
