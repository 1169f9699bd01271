// The Moore–Penrose pseudoinverse from the SVD.
//
// Counterpart:  numpy.linalg.pinv, scipy.linalg.pinv (LAPACK has no driver; xGELSS with
//               B = I computes the same).
// Computes:     A^+ = V_r diag(1 / s_r) U_r^T (d x n for an n x d A), r the numerical rank
//               by the shared tolerance (tolerance.hpp).
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.5.2; Penrose,
//               "A generalized inverse for matrices", Proc. Cambridge Philos. Soc. 51, 1955.
// Cost:         one thin SVD plus 2 n d r flops.
// Invariant:    A is only read; after step 3's loop the first r columns of V hold
//               v_j / s_j, exactly the kept directions (s_j > threshold).
// Stability:    the Penrose conditions A A^+ A = A, A^+ A A^+ = A^+, (A A^+)^T = A A^+,
//               (A^+ A)^T = A^+ A hold to working accuracy relative to ||A|| and ||A^+||;
//               entries of A^+ are as accurate as 1 / s_r is well determined, which is why
//               singular values below the tolerance are dropped instead of inverted.
// Scaling:      the SVD is that of A_s = 2^-e A (scaled_svd.hpp, as every solver), so
//               A^+ = 2^-e A_s^+: rank and A_s^+ never overflow, and only the final
//               2^-e can take an entry beyond the range of T — then the pseudoinverse
//               is not representable and the status is not_finite (entries below the
//               range round to subnormals or zero, as any result does). Before, a
//               subnormal A gave +-Inf in every entry, and a matrix near the overflow
//               threshold rank 0 and A^+ = 0.
// Statuses:     invalid_argument (tol, the SVD's method), not_finite (NaN or Inf in A,
//               or an entry of A^+ beyond the range), no_convergence (the SVD's cap).
#include "../blas/blas_kernels.hpp"
#include "scaled_svd.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/svd.hpp"

namespace stela {

template <class T>
Result<Matrix<T>> pinv(MatrixView<const T> A, const RankTolerance<T>& tol, const SvdOptions& svd_opts) {
  const index n = A.rows(), d = A.cols();
  // 1. Checks, then the quick return for an empty matrix.
  if (!valid(tol)) return Status::invalid_argument;
  if (!all_finite(A)) return Status::not_finite;
  Matrix<T> P(d, n);
  if (A.empty()) return P;
  // 2. A_s = 2^-e A = U diag(s) V^T (thin). Its failure (no_convergence at the cap, or
  //    an invalid method) is the pseudoinverse's: a partial SVD gives no A^+.
  Result<detail::ScaledSvd<T>> F = detail::scaled_svd(A, SvdVectors::thin, svd_opts);
  if (!F.ok()) return F.status();
  const int e = F->exponent;
  const Vector<T>& s = F->svd.s;
  const T threshold = rank_threshold(detail::scaled_tolerance(tol, e), s[0], n, d);
  // 3. A_s^+ = sum_{s_j > threshold} v_j (1 / s_j) u_j^T: scale V's columns, one gemm.
  const index r = numerical_rank<T>(s, threshold);
  if (r == 0) return P;
  // V_r := V_r diag(1 / s_r), in place (F is this function's own)
  MatrixView<T> Vr = F->svd.V.view().block(0, 0, d, r);
  for (index j = 0; j < r; ++j) scal(T(1) / s[j], Vr.col(j));
  // P := V_r U_r^T
  detail::gemm_kernel(Op::none, Op::transpose, T(1), MatrixView<const T>(Vr), F->svd.U.block(0, 0, n, r), T(0),
                      P.view());
  // 4. A^+ = 2^-e A_s^+; an entry beyond the range of T leaves no answer.
  scale_by_power_of_two(-e, P.view());
  if (!all_finite(MatrixView<const T>(P))) return Status::not_finite;
  return P;
}

template Result<Matrix<float>> pinv<float>(MatrixView<const float>, const RankTolerance<float>&, const SvdOptions&);
template Result<Matrix<double>> pinv<double>(MatrixView<const double>, const RankTolerance<double>&, const SvdOptions&);

}  // namespace stela
