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
#include "../blas/blas_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/lstsq.hpp"
#include "stela/svd.hpp"

namespace stela {

template <class T>
Result<Matrix<T>> pinv(MatrixView<const T> A, const RankTolerance& tol, const SvdOptions& svd_opts) {
  const index n = A.rows(), d = A.cols();
  // 1. Checks, then the quick return for an empty matrix.
  if (!valid(tol)) return Status::invalid_argument;
  if (!all_finite(A)) return Status::not_finite;
  Matrix<T> P(d, n);
  if (A.empty()) return P;
  // 2. A = U diag(s) V^T (thin). Its failure (no_convergence at the cap, or an invalid
  //    method) is the pseudoinverse's: a partial SVD gives no A^+.
  SvdOptions opts = svd_opts;
  opts.vectors = SvdVectors::thin;
  Result<SVD<T>> F = svd(A, opts);
  if (!F.ok()) return F.status();
  const Vector<T>& s = F->s;
  const T threshold = rank_threshold(tol, s[0], n, d);
  // 3. A^+ = sum_{s_j > threshold} v_j (1 / s_j) u_j^T: scale V's columns, one gemm.
  const index r = numerical_rank<T>(s, threshold);
  if (r == 0) return P;
  // V_r := V_r diag(1 / s_r), in place (F is this function's own)
  MatrixView<T> Vr = F->V.view().block(0, 0, d, r);
  for (index j = 0; j < r; ++j) scal(T(1) / s[j], Vr.col(j));
  // P := V_r U_r^T
  detail::gemm_kernel(Op::none, Op::transpose, T(1), MatrixView<const T>(Vr), F->U.block(0, 0, n, r), T(0), P.view());
  return P;
}

template Result<Matrix<float>> pinv<float>(MatrixView<const float>, const RankTolerance&, const SvdOptions&);
template Result<Matrix<double>> pinv<double>(MatrixView<const double>, const RankTolerance&, const SvdOptions&);

}  // namespace stela
