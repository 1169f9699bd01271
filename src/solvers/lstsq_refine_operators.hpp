// Internal to stela's sources (not installed): each method's factors as the two
// operators the refinement applies (lstsq_refine.hpp),
//     solve(f, dx):  dx := A^+ f            (the method's own least-squares solve)
//     gram(g):       g  := (A^T A)^{-1} g   (tall, full column rank only)
// on one vector, from scratch carved once. Reference: Björck, Numerical Methods for
// Least Squares Problems, SIAM 1996, section 2.9.2 (the QR form of the augmented
// correction); the SVD and COD forms follow from A = U S V^T and A P = Q [T 0] Z.
// Cost per application: O(n d) (Q^T and Q by reflectors, U^T and V by gemv), O(d^2) for
// each triangular solve.
#pragma once

#include "../blas/blas_kernels.hpp"
#include "../cholesky/cholesky_kernels.hpp"
#include "../lu/lu_kernels.hpp"
#include "../qr/qr_kernels.hpp"
#include "lstsq_refine.hpp"
#include "stela/qr.hpp"

namespace stela::detail {

// A column vector as an m x 1 matrix.
template <class T>
MatrixView<T> as_column(VectorView<T> v) {
  return MatrixView<T>(v.data(), v.size(), 1, std::max<index>(1, v.size()));
}

// (Q^T f)(0:d) for a tall Householder QR F (n x d) and its tau: f copied into buffer
// (n), Q^T applied there by its reflectors; the view is buffer's first d entries.
template <class T>
VectorView<const T> q_transpose_top(MatrixView<const T> F, VectorView<const T> tau, VectorView<const T> f,
                                    VectorView<T> buffer, Workspace work) {
  copy(f, buffer);
  qr_apply_q_kernel(Side::left, Op::transpose, F, tau, as_column(buffer), work);
  return VectorView<const T>(buffer.segment(0, F.cols()));
}

// Householder QR. Tall: A = Q [R; 0], A^+ f = R^{-1} (Q^T f)(0:d), (A^T A)^{-1} g =
// R^{-1} R^{-T} g. Wide: A^T = Q [R; 0], A^+ f = Q [R^{-T} f; 0].
template <class T>
struct QrRefineOperators {
  MatrixView<const T> F;  // the factored matrix, max(n, d) x min(n, d)
  VectorView<const T> tau;
  VectorView<T> buffer;  // n (tall)
  Workspace work;        // for Q's application

  static WorkspaceSize workspace_size(index n, index d) {
    return n >= d ? WorkspaceSize::vector<T>(n) + qr_apply_q_workspace_size<T>(Side::left, n, 1, d)
                  : qr_apply_q_workspace_size<T>(Side::left, d, 1, n);
  }
  QrRefineOperators(MatrixView<const T> F_, VectorView<const T> tau_, Workspace& w) : F(F_), tau(tau_) {
    if (F.rows() >= F.cols() && F.rows() > 0 && tau.size() == F.cols()) buffer = w.vector<T>(F.rows());
    work = w;
  }
  MatrixView<const T> R() const { return F.block(0, 0, F.cols(), F.cols()); }
  void solve(VectorView<const T> f, VectorView<T> dx) {
    const index r = F.cols();
    if (!buffer.empty()) {  // tall
      // dx := R^{-1} (Q^T f)(0:d)
      copy(q_transpose_top(F, tau, f, buffer, work), dx);
      trsv_kernel(Uplo::upper, Op::none, Diag::non_unit, R(), dx);
      return;
    }
    // dx := Q [R^{-T} f; 0]
    fill(dx, T(0));
    copy(f, dx.segment(0, r));
    trsv_kernel(Uplo::upper, Op::transpose, Diag::non_unit, R(), dx.segment(0, r));
    qr_apply_q_kernel(Side::left, Op::none, F, tau, as_column(dx), work);
  }
  void gram(VectorView<T> g) {
    // g := R^{-1} R^{-T} g
    trsv_kernel(Uplo::upper, Op::transpose, Diag::non_unit, R(), g);
    trsv_kernel(Uplo::upper, Op::none, Diag::non_unit, R(), g);
  }
};

// The complete orthogonal decomposition of full rank r = min(n, d): A P = Q [T 0] Z.
// A^+ f by cod_solve_kernel; (A^T A)^{-1} g = P Z^T T^{-1} T^{-T} Z P^T g (tall, Z = I
// up to the trivial RZ step of a square T, applied anyway).
template <class T>
struct CodRefineOperators {
  MatrixView<const T> QTZ;
  VectorView<const T> tau, tau_z;
  VectorView<const index> perm;
  index rank = 0;
  VectorView<T> buffer, permuted;  // n, d
  Workspace work;

  static WorkspaceSize workspace_size(index n, index d) {
    return WorkspaceSize::vector<T>(n) + WorkspaceSize::vector<T>(d) + cod_solve_workspace_size<T>(n, d, 1);
  }
  CodRefineOperators(MatrixView<const T> QTZ_, VectorView<const T> tau_, VectorView<const T> tau_z_,
                     VectorView<const index> perm_, index rank_, Workspace& w)
      : QTZ(QTZ_), tau(tau_), tau_z(tau_z_), perm(perm_), rank(rank_) {
    buffer = w.vector<T>(QTZ.rows());
    permuted = w.vector<T>(QTZ.cols());
    work = w;
  }
  void solve(VectorView<const T> f, VectorView<T> dx) {
    copy(f, buffer);
    cod_solve_kernel(QTZ, tau, tau_z, perm, rank, as_column(buffer), as_column(dx), work);
  }
  void gram(VectorView<T> g) {
    const index d = QTZ.cols();
    const MatrixView<const T> Tr = QTZ.block(0, 0, rank, rank);
    // h := Z P^T g ((P^T g)_j = g_perm[j])
    for (index j = 0; j < d; ++j) permuted[j] = g[perm[j]];
    rz_apply_z_kernel(Op::none, QTZ.block(0, 0, rank, d), tau_z.segment(0, rank), as_column(permuted));
    // h := T^{-1} T^{-T} h
    trsv_kernel(Uplo::upper, Op::transpose, Diag::non_unit, Tr, permuted.segment(0, rank));
    trsv_kernel(Uplo::upper, Op::none, Diag::non_unit, Tr, permuted.segment(0, rank));
    // g := P Z^T h
    rz_apply_z_kernel(Op::transpose, QTZ.block(0, 0, rank, d), tau_z.segment(0, rank), as_column(permuted));
    for (index j = 0; j < d; ++j) g[perm[j]] = permuted[j];
  }
};

// The thin SVD A = U S V^T of full rank r = min(n, d): A^+ f = V S^{-1} U^T f,
// (A^T A)^{-1} g = V S^{-2} V^T g.
template <class T>
struct SvdRefineOperators {
  MatrixView<const T> U, V;
  VectorView<const T> s;
  VectorView<T> c;  // r

  static WorkspaceSize workspace_size(index n, index d) { return WorkspaceSize::vector<T>(std::min(n, d)); }
  SvdRefineOperators(MatrixView<const T> U_, VectorView<const T> s_, MatrixView<const T> V_, Workspace& w)
      : U(U_), V(V_), s(s_) {
    c = w.vector<T>(s.size());
  }
  void solve(VectorView<const T> f, VectorView<T> dx) {
    // c := S^{-1} U^T f; dx := V c
    gemv_kernel(Op::transpose, T(1), U, f, T(0), c);
    for (index i = 0; i < c.size(); ++i) c[i] /= s[i];
    gemv_kernel(Op::none, T(1), V, VectorView<const T>(c), T(0), dx);
  }
  void gram(VectorView<T> g) {
    // c := S^{-2} V^T g; g := V c
    gemv_kernel(Op::transpose, T(1), V, VectorView<const T>(g), T(0), c);
    for (index i = 0; i < c.size(); ++i) c[i] = (c[i] / s[i]) / s[i];
    gemv_kernel(Op::none, T(1), V, VectorView<const T>(c), T(0), g);
  }
};

// The R-SVD of a tall A (Chan 1982): A = Q_r R, R = U_R S V^T, so U = Q_r [U_R; 0] is
// never formed: A^+ f = V S^{-1} U_R^T (Q_r^T f)(0:d), Q_r^T by its reflectors (4 n d
// flops instead of U^T's 2 n d, but no n x d U to form), and (A^T A)^{-1} g as the SVD's.
template <class T>
struct RSvdRefineOperators {
  MatrixView<const T> F;  // Q_r's reflectors below the diagonal, n x d
  VectorView<const T> tau;
  SvdRefineOperators<T> svd;  // of R: U_R, s, V
  VectorView<T> buffer;       // n
  Workspace work;             // for Q_r's application

  static WorkspaceSize workspace_size(index n, index d) {
    return SvdRefineOperators<T>::workspace_size(d, d) + WorkspaceSize::vector<T>(n) +
           qr_apply_q_workspace_size<T>(Side::left, n, 1, d);
  }
  RSvdRefineOperators(MatrixView<const T> F_, VectorView<const T> tau_, MatrixView<const T> Ur,
                      VectorView<const T> s, MatrixView<const T> V, Workspace& w)
      : F(F_), tau(tau_), svd(Ur, s, V, w) {
    buffer = w.vector<T>(F.rows());
    work = w;
  }
  void solve(VectorView<const T> f, VectorView<T> dx) { svd.solve(q_transpose_top(F, tau, f, buffer, work), dx); }
  void gram(VectorView<T> g) { svd.gram(g); }
};

// The normal equations' factor of G = A^T A (Cholesky L L^T, or P G = L U): the
// semi-normal solve A^+ f ~ G^{-1} A^T f (A the scaled copy, still intact).
template <class T>
struct NormalRefineOperators {
  MatrixView<const T> A, G;
  VectorView<const index> pivots;  // empty: Cholesky

  static WorkspaceSize workspace_size(index /*n*/, index /*d*/) { return WorkspaceSize(); }
  NormalRefineOperators(MatrixView<const T> A_, MatrixView<const T> G_, VectorView<const index> pivots_)
      : A(A_), G(G_), pivots(pivots_) {}
  void solve(VectorView<const T> f, VectorView<T> dx) {
    // dx := G^{-1} (A^T f)
    gemv_kernel(Op::transpose, T(1), A, f, T(0), dx);
    if (pivots.empty())
      cholesky_solve_kernel(G, as_column(dx));
    else
      lu_solve_kernel(Op::none, G, pivots, as_column(dx));
  }
  void gram(VectorView<T> /*g*/) {}  // the semi-normal form has no g
};

// The refinement's workspace for a method with operators Ops: none unless opts.refine.
template <class T, class Ops>
WorkspaceSize refine_with_workspace_size(const LstsqOptions<T>& opts, index n, index d) {
  return opts.refine ? refine_workspace_size<T>(n, d) + Ops::workspace_size(n, d) : WorkspaceSize();
}

}  // namespace stela::detail
