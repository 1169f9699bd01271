// Haar-random orthonormal columns and matrices with prescribed singular values.
//
// Counterparts: LAPACK xLAROR (random orthogonal factors), xLAGGE / xLATMS (a matrix
//               with given singular values between random orthogonal factors).
// Computes:     Q = H_0 S_0 H_1 S_1 ... H_{k-1} S_{k-1} [I_k; 0] (m x k), and
//               A = U diag(sigma) V^T with U, V such factors.
// Reference:    G. W. Stewart, "The efficient generation of random orthogonal matrices
//               with an application to condition estimators", SIAM J. Numer. Anal.
//               17(3):403-409, 1980; F. Mezzadri, "How to generate random matrices from
//               the classical compact groups", Notices AMS 54(5), 2007.
// Why Haar:     H_j maps a Gaussian vector x to beta e_1, so its first column x / beta
//               is uniform on the sphere up to the sign -sign(x_1); S_j undoes that sign.
//               Equivalently Q is the Q factor of a Gaussian matrix normalised to a
//               positive diagonal of R, which is Haar distributed (Mezzadri, section 5).
//               Since each H_j uses its own fresh Gaussian vector, the reflectors can be
//               drawn in the order they are applied: j = k-1 first.
// Cost:         about 2 m k^2 flops for Q; 4 m r^2 + 4 n r^2 + 2 m n r for A.
// Invariant:    after step j, columns j..k-1 of Q hold the last k - j columns of the
//               product; columns 0..j-1 are still those of [I_k; 0].
#include <cmath>

#include "../blas/blas_kernels.hpp"
#include "../householder/householder_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/householder.hpp"
#include "stela/random.hpp"

namespace stela {

template <class T>
Matrix<T> random_orthonormal_columns(Rng& rng, index m, index k) {
  Matrix<T> Q = Matrix<T>::identity(m, k);
  Vector<T> x(m);
  for (index j = k - 1; j >= 0; --j) {
    const index len = m - j;
    // 1. A fresh Gaussian vector of length m - j and its reflector: H_j x = beta e_1.
    VectorView<T> xj = x.segment(0, len);
    fill_gaussian(rng, xj);
    T beta = xj[0];
    const T tau = householder_generate(beta, xj.segment(1, len - 1));
    // 2. Q(j.., j..) := H_j S_j Q(j.., j..); columns before j are zero in these rows.
    MatrixView<T> Qj = Q.block(j, j, len, k - j);
    if (beta < T(0)) scal(T(-1), Qj.row(0));
    detail::householder_apply_left_kernel(VectorView<const T>(xj.segment(1, len - 1)), tau, Qj);
  }
  return Q;
}

template <class T>
FactoredMatrix<T> with_singular_values(Rng& rng, index m, index n, VectorView<const T> sigma) {
  const index r = std::min(m, n);
  STELA_ASSERT(sigma.size() == r);
  FactoredMatrix<T> F;
  F.U = random_orthonormal_columns<T>(rng, m, r);
  F.V = random_orthonormal_columns<T>(rng, n, r);
  // A = (U diag(sigma)) V^T
  Matrix<T> US = F.U;
  for (index j = 0; j < r; ++j) scal(sigma[j], US.col(j));
  F.A = Matrix<T>(m, n);
  detail::gemm_kernel(Op::none, Op::transpose, T(1), MatrixView<const T>(US), MatrixView<const T>(F.V), T(0),
                      F.A.view());
  return F;
}

#define STELA_INSTANTIATE(T)                                                   \
  template Matrix<T> random_orthonormal_columns<T>(Rng&, index, index);       \
  template FactoredMatrix<T> with_singular_values<T>(Rng&, index, index, VectorView<const T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
