// The allocating QR layer: qr(), qr_pivoted(), cod() and the members of the QR,
// PivotedQR and COD results.
//
// Each function copies its input, sizes and allocates the workspace, calls the in-place
// routines and packages the result; the numerics live in the in-place files:
//   src/qr/qr_householder.cpp    householder_qr_inplace (xGEQRF)
//   src/qr/qr_form_q.cpp         qr_form_q_inplace (xORGQR)
//   src/qr/qr_apply_q.cpp        qr_apply_q_inplace (xORMQR)
//   src/qr/qr_solve.cpp          qr_solve_inplace (xGELS's solve)
//   src/qr/qr_pivoted.cpp        qr_pivoted_inplace (xGEQP3)
//   src/qr/qr_cod.cpp            cod_inplace, cod_solve_inplace (xGELSY's steps)
// Keeping them apart means a program that calls only the in-place routines links no
// operator new and no std::__throw_* (issue 13), with or without --gc-sections.
// The caller's matrices are never modified, whatever the status.
#include <algorithm>
#include <cmath>
#include <utility>

#include "qr_kernels.hpp"
#include "stela/qr.hpp"

namespace stela {

// ---------------------------------------------------------------------------------------
// Householder QR

template <class T>
Result<QR<T>> qr(MatrixView<const T> A) {
  QR<T> f;
  f.factors_ = Matrix<T>(A);
  f.tau_ = Vector<T>(std::min(A.rows(), A.cols()));
  WorkspaceBuffer buffer(householder_qr_workspace_size<T>(A.rows(), A.cols()));
  const Status status = householder_qr_inplace(f.factors_.view(), f.tau_.view(), buffer.workspace());
  if (status != Status::ok) return status;
  return Result<QR<T>>(std::move(f));
}

template <class T>
Matrix<T> QR<T>::R() const {
  const index k = std::min(rows(), cols());
  Matrix<T> R(k, cols());
  for (index j = 0; j < cols(); ++j)
    for (index i = 0; i <= std::min(j, k - 1); ++i) R(i, j) = factors_(i, j);
  return R;
}

template <class T>
Matrix<T> QR<T>::q(QSize size) const {
  const index m = rows();
  const index k = tau_.size();
  Matrix<T> Q(m, size == QSize::thin ? k : m);
  copy(factors_.col_block(0, k), Q.col_block(0, k));
  WorkspaceBuffer buffer(qr_form_q_workspace_size<T>(m, k));
  // Q := the first columns of H_0 ... H_{k-1}: the reflectors are this object's own,
  // finite by construction, and Q has the shape they need.
  detail::qr_form_q_kernel(Q.view(), VectorView<const T>(tau_), buffer.workspace());
  return Q;
}

template <class T>
Result<Matrix<T>> QR<T>::apply_q(MatrixView<const T> C, Op trans, Side side) const {
  Matrix<T> out(C);
  WorkspaceBuffer buffer(qr_apply_q_workspace_size<T>(side, C.rows(), C.cols(), tau_.size()));
  const Status status = qr_apply_q_inplace(side, trans, MatrixView<const T>(factors_), VectorView<const T>(tau_),
                                           out.view(), buffer.workspace());
  if (status != Status::ok) return status;
  return Result<Matrix<T>>(std::move(out));
}

template <class T>
Result<Vector<T>> QR<T>::apply_q(VectorView<const T> c, Op trans) const {
  Vector<T> out(c);
  MatrixView<T> C(out.data(), out.size(), 1);
  WorkspaceBuffer buffer(qr_apply_q_workspace_size<T>(Side::left, out.size(), 1, tau_.size()));
  const Status status = qr_apply_q_inplace(Side::left, trans, MatrixView<const T>(factors_),
                                           VectorView<const T>(tau_), C, buffer.workspace());
  if (status != Status::ok) return status;
  return Result<Vector<T>>(std::move(out));
}

template <class T>
Result<Matrix<T>> QR<T>::solve(MatrixView<const T> B, const RankTolerance<T>& tol) const {
  Matrix<T> QtB(B);
  Matrix<T> X(cols(), B.cols());
  WorkspaceBuffer buffer(qr_solve_workspace_size<T>(rows(), cols(), B.cols()));
  const Status status = qr_solve_inplace(MatrixView<const T>(factors_), VectorView<const T>(tau_), QtB.view(),
                                         X.view(), tol, buffer.workspace());
  if (status != Status::ok) return status;
  return Result<Matrix<T>>(std::move(X));
}

template <class T>
Result<Vector<T>> QR<T>::solve(VectorView<const T> b, const RankTolerance<T>& tol) const {
  Vector<T> Qtb(b);
  Vector<T> x(cols());
  WorkspaceBuffer buffer(qr_solve_workspace_size<T>(rows(), cols(), 1));
  const Status status =
      qr_solve_inplace(MatrixView<const T>(factors_), VectorView<const T>(tau_), MatrixView<T>(Qtb.data(), b.size(), 1),
                       MatrixView<T>(x.data(), cols(), 1), tol, buffer.workspace());
  if (status != Status::ok) return status;
  return Result<Vector<T>>(std::move(x));
}

// ---------------------------------------------------------------------------------------
// Column-pivoted QR

template <class T>
Result<PivotedQR<T>> qr_pivoted(MatrixView<const T> A, const RankTolerance<T>& tol) {
  if (!valid(tol)) return Status::invalid_argument;
  const index m = A.rows();
  const index n = A.cols();
  PivotedQR<T> f;
  if (!all_finite(A)) return Status::not_finite;
  f.qr_.factors_ = Matrix<T>(A);
  f.qr_.tau_ = Vector<T>(std::min(m, n));
  f.perm_ = Vector<index>(n);
  // The rank is decided on the scaled R_s of 2^-e A (with the rule scaled alike), as the
  // COD decides it: R itself may be subnormal, where its few bits cannot tell the rank,
  // or beyond the range. So the kernel runs on the scaled copy (it scales by 2^0 then).
  MatrixView<T> F = f.qr_.factors_.view();
  const int e = scale_by_max_exponent(F);
  WorkspaceBuffer buffer(qr_pivoted_workspace_size<T>(m, n));
  detail::qr_pivoted_scaled_kernel(F, f.qr_.tau_.view(), f.perm_.view(), buffer.workspace());
  const RankTolerance<T> scaled_tol = detail::scaled_tolerance(tol, e);
  f.rank_ = detail::qr_pivoted_rank_kernel(MatrixView<const T>(F), scaled_tol);
  f.threshold_ = std::min(m, n) > 0 ? std::ldexp(rank_threshold<T>(scaled_tol, std::abs(F(0, 0)), m, n), e) : T(0);
  // R := 2^e R_s; beyond the range of T is no factorization to return.
  detail::scale_upper_by_power_of_two(e, F);
  if (!detail::upper_finite(MatrixView<const T>(F))) return Status::not_finite;
  return Result<PivotedQR<T>>(std::move(f));
}

// ---------------------------------------------------------------------------------------
// Complete orthogonal decomposition

template <class T>
Result<COD<T>> cod(MatrixView<const T> A, const RankTolerance<T>& tol) {
  if (!valid(tol)) return Status::invalid_argument;
  const index m = A.rows();
  const index n = A.cols();
  const index k = std::min(m, n);
  COD<T> f;
  f.qr_.factors_ = Matrix<T>(A);
  f.qr_.tau_ = Vector<T>(k);
  f.tau_z_ = Vector<T>(k);
  f.perm_ = Vector<index>(n);
  WorkspaceBuffer buffer(cod_workspace_size<T>(m, n));
  const Status status = cod_inplace(f.qr_.factors_.view(), f.qr_.tau_.view(), f.tau_z_.view(), f.perm_.view(),
                                    f.rank_, tol, buffer.workspace());
  if (status != Status::ok) return status;
  return Result<COD<T>>(std::move(f));
}

template <class T>
Matrix<T> COD<T>::triangle() const {
  Matrix<T> Tr(rank_, rank_);
  for (index j = 0; j < rank_; ++j)
    for (index i = 0; i <= j; ++i) Tr(i, j) = qr_.factors()(i, j);
  return Tr;
}

template <class T>
Matrix<T> COD<T>::z() const {
  const index n = cols();
  Matrix<T> Z = Matrix<T>::identity(n);
  // Z := Z I: the reflectors are this object's own, finite by construction.
  detail::rz_apply_z_kernel(Op::none, qr_.factors().block(0, 0, rank_, n), tau_z_.segment(0, rank_), Z.view());
  return Z;
}

template <class T>
Result<Matrix<T>> COD<T>::solve(MatrixView<const T> B) const {
  Matrix<T> QtB(B);
  Matrix<T> X(cols(), B.cols());
  WorkspaceBuffer buffer(cod_solve_workspace_size<T>(rows(), cols(), B.cols()));
  const Status status = cod_solve_inplace(MatrixView<const T>(qr_.factors()), VectorView<const T>(qr_.tau()),
                                          VectorView<const T>(tau_z_), VectorView<const index>(perm_), rank_,
                                          QtB.view(), X.view(), buffer.workspace());
  if (status != Status::ok) return status;
  return Result<Matrix<T>>(std::move(X));
}

template <class T>
Result<Vector<T>> COD<T>::solve(VectorView<const T> b) const {
  Vector<T> Qtb(b);
  Vector<T> x(cols());
  WorkspaceBuffer buffer(cod_solve_workspace_size<T>(rows(), cols(), 1));
  const Status status = cod_solve_inplace(
      MatrixView<const T>(qr_.factors()), VectorView<const T>(qr_.tau()), VectorView<const T>(tau_z_),
      VectorView<const index>(perm_), rank_, MatrixView<T>(Qtb.data(), b.size(), 1), MatrixView<T>(x.data(), cols(), 1),
      buffer.workspace());
  if (status != Status::ok) return status;
  return Result<Vector<T>>(std::move(x));
}

#define STELA_INSTANTIATE(T)                                                          \
  template Result<QR<T>> qr<T>(MatrixView<const T>);                                  \
  template class QR<T>;                                                               \
  template Result<PivotedQR<T>> qr_pivoted<T>(MatrixView<const T>, const RankTolerance<T>&); \
  template class PivotedQR<T>;                                                        \
  template Result<COD<T>> cod<T>(MatrixView<const T>, const RankTolerance<T>&);          \
  template class COD<T>;
STELA_INSTANTIATE(float)
STELA_INSTANTIATE(double)
#undef STELA_INSTANTIATE

}  // namespace stela
