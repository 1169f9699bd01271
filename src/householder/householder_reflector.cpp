// Householder reflectors: generate one, apply one.
//
// Counterparts: LAPACK xLARFG (generate), xLARF (apply).
// Computes:     H = I - tau v v^T, v = [1; v_tail], with H [alpha; x] = [beta; 0],
//               beta = -sign(alpha) ||[alpha; x]||_2.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., section 5.1.2–5.1.4;
//               LAPACK Users' Guide, 3rd ed., section 5.4 (the tau/beta convention).
// Choice:       beta takes the sign opposite to alpha, so alpha - beta adds two numbers
//               of the same sign and v = x / (alpha - beta) suffers no cancellation
//               (GVL 5.1.3). Then tau = (beta - alpha) / beta lies in [1, 2].
// Scaling:      if |beta| < safe_min / eps, x and alpha are multiplied by eps / safe_min
//               (at most kMaxRescales times) before v and tau are formed, and beta is
//               scaled back afterwards: the relative accuracy of v and tau does not
//               depend on how tiny the input is.
// Cost:         generate 3n flops; apply 4mn flops (C is m x n).
// Stability:    the computed H is within O(eps) of an exactly orthogonal matrix, and
//               applying it is backward stable (GVL 5.1.4; Higham, Accuracy and
//               Stability, 2nd ed., lemma 19.2 and 19.3).
// Workspace:    none for generate and apply_left; a vector of C.rows() for apply_right.
#include <cmath>

#include "../blas/blas_kernels.hpp"
#include "householder_kernels.hpp"
#include "stela/householder.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// xLARFG stops rescaling after 20 rounds: by then |beta| >= (eps/safe_min)^20 times
// its start unless the vector is zero, which was handled before.
constexpr int kMaxRescales = 20;

}  // namespace

template <class T>
T householder_generate(T& alpha, VectorView<T> x) {
  if (x.empty()) return T(0);
  T xnorm = nrm2(VectorView<const T>(x));
  if (xnorm == T(0)) return T(0);  // already [alpha; 0]: H = I

  // beta = -sign(alpha) ||[alpha; x]||, with hypot so the sum of squares is safe.
  T beta = -std::copysign(std::hypot(alpha, xnorm), alpha);
  const T small = safe_min<T>() / eps<T>();
  int rescales = 0;
  if (std::abs(beta) < small) {
    // Tiny vector: scale up until beta is representable with full relative accuracy.
    const T up = T(1) / small;
    do {
      ++rescales;
      scal(up, x);
      beta *= up;
      alpha *= up;
    } while (std::abs(beta) < small && rescales < kMaxRescales);
    xnorm = nrm2(VectorView<const T>(x));
    beta = -std::copysign(std::hypot(alpha, xnorm), alpha);
  }
  // tau = (beta - alpha) / beta;  v_tail = x / (alpha - beta)
  const T tau = (beta - alpha) / beta;
  scal(T(1) / (alpha - beta), x);
  for (int r = 0; r < rescales; ++r) beta *= small;
  alpha = beta;
  return tau;
}

template <class T>
void detail::householder_apply_left_kernel(VectorView<const T> v_tail, T tau, MatrixView<T> C) {
  assert(C.rows() == v_tail.size() + 1);
  if (tau == T(0)) return;
  const index m = C.rows();
  for (index j = 0; j < C.cols(); ++j) {
    // s = v^T C(:, j);  C(:, j) := C(:, j) - tau s v
    VectorView<T> c_tail = C.col(j).segment(1, m - 1);
    const T s = C(0, j) + dot(v_tail, VectorView<const T>(c_tail));
    C(0, j) -= tau * s;
    axpy(-tau * s, v_tail, c_tail);
  }
}

template <class T>
void detail::householder_apply_right_kernel(VectorView<const T> v_tail, T tau, MatrixView<T> C, VectorView<T> work) {
  assert(C.cols() == v_tail.size() + 1 && work.size() == C.rows());
  if (tau == T(0)) return;
  const index n = C.cols();
  MatrixView<T> C_tail = C.col_block(1, n - 1);
  // w := C v = C(:, 0) + C(:, 1:) v_tail
  copy(VectorView<const T>(C.col(0)), work);
  gemv_kernel(Op::none, T(1), MatrixView<const T>(C_tail), v_tail, T(1), work);
  // C := C - tau w v^T
  axpy(-tau, VectorView<const T>(work), C.col(0));
  ger_kernel(-tau, VectorView<const T>(work), v_tail, C_tail);
}

// The checked entries: shapes, then the kernel.

template <class T>
Status householder_apply_left(VectorView<const T> v_tail, T tau, MatrixView<T> C) {
  if (C.rows() != v_tail.size() + 1) return Status::dimension_mismatch;
  detail::householder_apply_left_kernel(v_tail, tau, C);
  return Status::ok;
}

template <class T>
Status householder_apply_right(VectorView<const T> v_tail, T tau, MatrixView<T> C, VectorView<T> work) {
  if (C.cols() != v_tail.size() + 1 || work.size() != C.rows()) return Status::dimension_mismatch;
  detail::householder_apply_right_kernel(v_tail, tau, C, work);
  return Status::ok;
}

#define STELA_INSTANTIATE(T)                                                                             \
  template T householder_generate<T>(T&, VectorView<T>);                                                 \
  template void detail::householder_apply_left_kernel<T>(VectorView<const T>, T, MatrixView<T>);         \
  template void detail::householder_apply_right_kernel<T>(VectorView<const T>, T, MatrixView<T>, VectorView<T>); \
  template Status householder_apply_left<T>(VectorView<const T>, T, MatrixView<T>);           \
  template Status householder_apply_right<T>(VectorView<const T>, T, MatrixView<T>, VectorView<T>);
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
