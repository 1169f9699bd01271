// stela/qr.hpp — Householder QR, column-pivoted QR and the complete orthogonal
// decomposition: factor, apply or form Q, solve least-squares problems.
//
// Storage (LAPACK's): a QR factorization of an m x n matrix A overwrites A with
//   - R on and above the diagonal (min(m, n) x n, upper trapezoidal);
//   - below the diagonal of column j, the tail of the Householder vector v_j, whose
//     leading 1 is implicit;
// and tau (min(m, n) entries) holds the scalars of H_j = I - tau_j v_j v_j^T, so that
//   Q = H_0 H_1 ... H_{k-1},  k = min(m, n),  A = Q R  (A P = Q R when pivoted).
// Q stays implicit: qr_apply_q_inplace multiplies by Q or Q^T without forming it, and
// qr_form_q_inplace forms its leading columns only when they are wanted.
//
// The complete orthogonal decomposition A P = Q [T 0; 0 0] Z (rank r) keeps the
// pivoted QR's reflectors below the diagonal, T (r x r upper triangular) in the top
// left corner, and the tails of the reflectors of Z in rows 0..r-1, columns r..n-1.
//
// Two levels, as everywhere in stela:
//   low level   `*_inplace(views..., Workspace work) -> Status`, never allocates, with a
//               `*_workspace_size(...)` query; checks shapes, then finiteness, then
//               returns early for empty input; on every error status the caller's
//               data is as it was, except where an entry below says otherwise (an R
//               or T beyond the range of T from finite entries near the overflow
//               threshold).
// Scaling:      every factorization works on 2^-e A, e the binary exponent of
//               max |a_ij| (exact; the scaling lstsq and the SVD-based solvers share),
//               and scales R (or T) back by 2^e: nothing overflows inside, subnormal
//               input keeps full precision in the reflectors, and 2^k A gives the same
//               Q (and permutation, rank, Z) bit for bit. Only a result beyond the range
//               of T is not_finite.
//   high level  `qr(A)`, `qr_pivoted(A, tol)`, `cod(A, tol)` copy A, allocate, call the
//               low level, and return a Result holding a factorization object.
//
// Sources: src/qr/qr_householder.cpp (xGEQR2, xGEQRF), src/qr/qr_apply_q.cpp (xORMQR),
//          src/qr/qr_form_q.cpp (xORGQR), src/qr/qr_solve.cpp (xGELS-like solve),
//          src/qr/qr_pivoted.cpp (xGEQP3), src/qr/rz_factorization.cpp (xTZRZF, xORMRZ),
//          src/qr/qr_cod.cpp (xGELSY's decomposition and min-norm solve).
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/tolerance.hpp"
#include "stela/workspace.hpp"

namespace stela {

// ---------------------------------------------------------------------------------------
// Blocking of the Householder QR routines (xGEQRF, xORMQR, xORGQR).
//
// Blocked, `block_size` reflectors are accumulated into one compact-WY block
// I - V T V^T and applied to the rest of the matrix through gemm. That pays off only
// when gemm beats applying the reflectors one at a time, and with stela's gemm it does
// so only once the matrix being updated no longer fits in the last-level cache; so the
// crossover is a size in bytes (the idea of LAPACK's NX, measured in memory instead of
// columns):
//   factorization  panels run while the trailing matrix (m - j) x (n - j) still to be
//                  reduced holds more than `crossover_bytes`; the rest is unblocked;
//   forming Q      panels while the block of Q still to be updated is that large;
//   applying Q     in blocks when C holds more than `crossover_bytes` and has more than
//                  `apply_crossover` columns (side left) or rows (side right): a block's
//                  T costs about as much as applying it to block_size / 4 vectors.
// QrBlocking{nb, 0, 0} takes the blocked path at every size (the tests and the
// benchmark use it); a crossover larger than any matrix gives the unblocked algorithms.
// block_size is the largest block used: given less than the optimal workspace, a
// routine takes the largest block size its workspace holds, and none (unblocked) at
// the minimum (workspace.hpp).
//
// The defaults are measured by bench_qr's paired runs of blocked against unblocked on
// the same input (qr/speedup_nb*, apply_qt/speedup/*; the figures are in the README,
// "Where QR blocks"). With the trailing updates on the packed gemm and the panels
// factored by halves, blocked double QR (nb = 32) breaks even at 96 x 96 (72 KiB, 1.00x)
// and wins above (1.22x at 128, 2.1x at 512, 4.2x at 1024, 2.3x at 2000 x 200); it
// loses at 64 x 64 (32 KiB, 0.80x): kBlockedCrossover = 64 KiB. nb = 32 beat 64, 96
// and 128 on every shape measured: kBlockSize = 32. Applying
// Q^T in blocks pays only beyond 32 vectors: kApplyCrossover = 32. float shares the rule.
struct QrBlocking {
  static constexpr index kBlockSize = 32;
  static constexpr index kBlockedCrossover = index(64) << 10;  // bytes
  static constexpr index kApplyCrossover = 32;                 // vectors

  index block_size = kBlockSize;              // reflectors per block, >= 1
  index crossover_bytes = kBlockedCrossover;  // blocked above this many bytes to update, >= 0
  index apply_crossover = kApplyCrossover;    // Q applied unblocked to this many vectors or fewer, >= 0
};

// Whether the blocking is usable; entry points return Status::invalid_argument otherwise.
inline bool valid(const QrBlocking& blocking) {
  return blocking.block_size >= 1 && blocking.crossover_bytes >= 0 && blocking.apply_crossover >= 0;
}

// Bytes of an m x n matrix of T, the quantity the crossover compares.
template <class T>
constexpr index matrix_bytes(index m, index n) {
  return m * n * static_cast<index>(sizeof(T));
}

// ---------------------------------------------------------------------------------------
// Householder QR (src/qr/qr_householder.cpp)

// A = Q R, blocked while the trailing matrix exceeds the crossover (LAPACK xGEQRF).
//   A     m x n; on exit R on and above the diagonal, reflector tails below.
//   tau   min(m, n) entries; on exit the reflector scalars.
// Workspace: minimum none (unblocked), optimal T and W of panels of min(block_size, k).
// Statuses: dimension_mismatch (tau's size), invalid_argument (blocking),
// workspace_too_small, not_finite (NaN or Inf in A; or, after the factorization, an
// entry of R beyond the range of T, A and tau then holding the result with Inf in R).
template <class T>
WorkspaceSize householder_qr_workspace_size(index m, index n, QrBlocking blocking = {});
template <class T>
Status householder_qr_inplace(MatrixView<T> A, VectorView<T> tau, Workspace work, QrBlocking blocking = {});

// A = Q R one reflector at a time (LAPACK xGEQR2). Same storage and statuses; needs no
// workspace (`work` may be empty).
template <class T>
Status householder_qr_unblocked_inplace(MatrixView<T> A, VectorView<T> tau, Workspace work);

// ---------------------------------------------------------------------------------------
// Applying and forming Q (src/qr/qr_apply_q.cpp, src/qr/qr_form_q.cpp)

// C := op(Q) C (side left) or C op(Q) (side right), Q = H_0 ... H_{k-1} of order
// C.rows() (left) or C.cols() (right) (LAPACK xORMQR).
//   QR    the factored matrix: nq x (>= k) with nq the order of Q; only the reflector
//         tails (strictly below the diagonal of the first k columns) are read.
//   tau   k = tau.size() reflector scalars, k <= nq.
//   C     m x n, overwritten.
// Workspace: minimum the unblocked form's (none, or a vector of m for side right),
// optimal T and W of blocks of min(block_size, k) when blocking pays.
// Statuses: dimension_mismatch, invalid_argument (blocking), workspace_too_small,
// not_finite (C, tau or the reflectors).
template <class T>
WorkspaceSize qr_apply_q_workspace_size(Side side, index m, index n, index k, QrBlocking blocking = {});
template <class T>
Status qr_apply_q_inplace(Side side, Op trans, MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> C,
                          Workspace work, QrBlocking blocking = {});

// The first ncols columns of Q = H_0 ... H_{k-1} (LAPACK xORGQR).
//   Q     m x ncols, k <= ncols <= m; on entry the reflectors in its first k columns
//         (strictly below the diagonal; the rest is not read), on exit the columns of Q.
//         ncols = k gives the thin Q, ncols = m the full one.
//   tau   k entries.
// The workspace depends on m and k only, whatever ncols: minimum none (unblocked),
// optimal T and W of panels of min(block_size, k).
// Statuses: dimension_mismatch, invalid_argument (blocking), workspace_too_small,
// not_finite.
template <class T>
WorkspaceSize qr_form_q_workspace_size(index m, index k, QrBlocking blocking = {});
template <class T>
Status qr_form_q_inplace(MatrixView<T> Q, VectorView<const T> tau, Workspace work, QrBlocking blocking = {});

// ---------------------------------------------------------------------------------------
// Solving with a QR factorization (src/qr/qr_solve.cpp)

// X := the least-squares solution of A X = B (m >= n, full column rank), or the
// minimum-norm solution of A X = B (m < n, full row rank), from A = Q R as
// householder_qr_inplace left it (LAPACK xGELS's two cases).
//   QR, tau  the factorization of the m x n matrix A.
//   B        m x nrhs; on exit Q^T B. For m >= n, rows n..m-1 of it are the residual's
//            coordinates in the basis Q: their column norms are the residual norms.
//   X        n x nrhs; on exit the solution.
//   tol      the rank rule: the triangle (R for m >= n, the T of [R1 R2] = [T 0] Z for
//            m < n) is taken as singular when some |diagonal entry| <= max(atol,
//            rtol * max_j ||A(:, j)||), the largest column norm of A read off R.
// Without pivoting a non-small diagonal does not prove full rank (the Kahan matrix has
// none and is nearly singular): use the pivoted QR or the COD to detect rank.
// Statuses: dimension_mismatch, invalid_argument (tol), workspace_too_small,
// not_finite, rank_deficient (B and X untouched).
template <class T>
WorkspaceSize qr_solve_workspace_size(index m, index n, index nrhs);
template <class T>
Status qr_solve_inplace(MatrixView<const T> QR, VectorView<const T> tau, MatrixView<T> B, MatrixView<T> X,
                        const RankTolerance<T>& tol, Workspace work);

// ---------------------------------------------------------------------------------------
// Column-pivoted QR (src/qr/qr_pivoted.cpp)

// A P = Q R with greedy max-norm column pivoting (LAPACK xGEQP3): |r_00| >= |r_11| >= ...
// up to the accuracy of the downdated column norms (a relative sqrt(eps)).
//   A     m x n; on exit as for householder_qr_inplace.
//   tau   min(m, n) entries.
//   perm  n entries; on exit perm[j] is the index in the original A of column j of A P.
// Statuses: dimension_mismatch, workspace_too_small, not_finite (NaN or Inf in A). Also
// not_finite when finite entries have a column norm beyond the range of T: that norm is
// |r_00|, so R holds Inf, and A, tau and perm hold that result (Q and perm are right).
template <class T>
WorkspaceSize qr_pivoted_workspace_size(index m, index n);
template <class T>
Status qr_pivoted_inplace(MatrixView<T> A, VectorView<T> tau, VectorView<index> perm, Workspace work);

// The numerical rank read off a pivoted R (the factored m x n matrix): the number of
// leading diagonal entries with |r_jj| > rank_threshold(tol, |r_00|, m, n). |r_00| is
// the largest column norm of A, which estimates sigma_max within a factor sqrt(n):
// sigma_max / sqrt(n) <= |r_00| <= sigma_max. invalid_argument for an invalid tol.
template <class T>
Result<index> qr_pivoted_rank(MatrixView<const T> R, const RankTolerance<T>& tol);

// ---------------------------------------------------------------------------------------
// RZ factorization of an upper trapezoid (src/qr/rz_factorization.cpp)

// [R1 R2] = [T 0] Z for R = [R1 R2] r x n upper trapezoidal, r <= n (LAPACK xTZRZF):
// Z = Z_0 Z_1 ... Z_{r-1} orthogonal, Z_i a reflector acting on coordinates i and
// r..n-1.
//   R      r x n; its strict lower triangle is not read. On exit T in the r x r upper
//          triangle and the tail of Z_i's vector in R(i, r:n).
//   tau_z  r entries.
// Statuses: dimension_mismatch, workspace_too_small, not_finite.
template <class T>
WorkspaceSize rz_workspace_size(index r, index n);
template <class T>
Status rz_inplace(MatrixView<T> R, VectorView<T> tau_z, Workspace work);

// C := op(Z) C for the Z of rz_inplace (LAPACK xORMRZ, side left); C has n rows.
// RZ is the r x n result of rz_inplace (only R(i, r:n) is read). No workspace.
// Statuses: dimension_mismatch, not_finite.
template <class T>
Status rz_apply_z_inplace(Op trans, MatrixView<const T> RZ, VectorView<const T> tau_z, MatrixView<T> C);

// ---------------------------------------------------------------------------------------
// Complete orthogonal decomposition (src/qr/qr_cod.cpp)

// A P = Q [T 0; 0 0] Z (the decomposition of LAPACK xGELSY): pivoted QR, the numerical
// rank r by qr_pivoted_rank, then the RZ factorization of R's first r rows. R's
// trailing (m - r) x (n - r) block, which is below the threshold, is set aside as zero.
//   A      m x n; on exit as described at the top of this header (R's trailing block
//          stays in rows r.., columns r.., and is never read again).
//   tau    min(m, n) entries: Q's reflectors.
//   tau_z  min(m, n) entries: Z's reflectors in the first `rank`, zeros after.
//   perm   n entries, as for qr_pivoted_inplace.
//   rank   on exit r.
// Statuses: dimension_mismatch, invalid_argument (tol), workspace_too_small,
// not_finite (NaN or Inf in A; or T beyond the range of T, with rank untouched; the rank
// itself is decided on the scaled matrix and never overflows).
template <class T>
WorkspaceSize cod_workspace_size(index m, index n);
template <class T>
Status cod_inplace(MatrixView<T> A, VectorView<T> tau, VectorView<T> tau_z, VectorView<index> perm, index& rank,
                   const RankTolerance<T>& tol, Workspace work);

// X := the minimum-norm least-squares solution of A X = B from cod_inplace's output:
// X = P Z^T [T^{-1} (Q^T B)(0:r, :); 0].
//   B   m x nrhs; on exit Q^T B: rows rank..m-1 hold the part of B outside the range
//       of the rank-r approximation, so their column norms are the residual norms
//       (up to R's discarded trailing block, which is below the rank threshold).
//   X   n x nrhs; on exit the solution.
// Statuses: dimension_mismatch, invalid_argument (rank out of [0, min(m, n)], or perm
// not a permutation of 0..n-1), workspace_too_small, not_finite.
template <class T>
WorkspaceSize cod_solve_workspace_size(index m, index n, index nrhs);
template <class T>
Status cod_solve_inplace(MatrixView<const T> QTZ, VectorView<const T> tau, VectorView<const T> tau_z,
                         VectorView<const index> perm, index rank, MatrixView<T> B, MatrixView<T> X,
                         Workspace work);

// ---------------------------------------------------------------------------------------
// High level: factorization objects. Each holds its factors privately (so they are
// always consistent), exposes them read-only, and forms or applies the factors on
// request. Methods that can meet a caller's mismatched shapes return a Result.

enum class QSize {
  thin,  // m x min(m, n): an orthonormal basis of the range of A when it has full rank
  full,  // m x m
};

template <class T>
class QR;
template <class T>
class PivotedQR;
template <class T>
class COD;

// A = Q R. Statuses: not_finite (also R beyond the range of T).
template <class T>
Result<QR<T>> qr(MatrixView<const T> A);

// A P = Q R with column pivoting, and the numerical rank under `tol`.
// Statuses: not_finite (also a column norm, hence R, beyond the range of T),
// invalid_argument (tol).
template <class T>
Result<PivotedQR<T>> qr_pivoted(MatrixView<const T> A, const RankTolerance<T>& tol = {});

// A P = Q [T 0; 0 0] Z with r = rank under `tol`. Statuses: not_finite (also T beyond
// the range of T), invalid_argument (tol).
template <class T>
Result<COD<T>> cod(MatrixView<const T> A, const RankTolerance<T>& tol = {});

template <class T>
class QR {
 public:
  QR() = default;  // the factorization of a 0 x 0 matrix

  index rows() const { return factors_.rows(); }
  index cols() const { return factors_.cols(); }
  // R on and above the diagonal, reflector tails below (householder_qr_inplace's output).
  const Matrix<T>& factors() const { return factors_; }
  const Vector<T>& tau() const { return tau_; }

  // R, min(m, n) x n upper trapezoidal.
  Matrix<T> R() const;
  // Q, thin (m x min(m, n)) or full (m x m).
  Matrix<T> q(QSize size = QSize::thin) const;
  Matrix<T> thin_q() const { return q(QSize::thin); }
  Matrix<T> full_q() const { return q(QSize::full); }

  // op(Q) C (side left, C with m rows) or C op(Q) (side right, C with m columns).
  Result<Matrix<T>> apply_q(MatrixView<const T> C, Op trans = Op::none, Side side = Side::left) const;
  Result<Vector<T>> apply_q(VectorView<const T> c, Op trans = Op::none) const;
  // Q^T C and Q^T c.
  Result<Matrix<T>> apply_qt(MatrixView<const T> C) const { return apply_q(C, Op::transpose); }
  Result<Vector<T>> apply_qt(VectorView<const T> c) const { return apply_q(c, Op::transpose); }

  // Least squares (m >= n) or minimum norm (m < n); see qr_solve_inplace.
  // Statuses: dimension_mismatch, not_finite, invalid_argument, rank_deficient.
  Result<Matrix<T>> solve(MatrixView<const T> B, const RankTolerance<T>& tol = {}) const;
  Result<Vector<T>> solve(VectorView<const T> b, const RankTolerance<T>& tol = {}) const;

 private:
  template <class U>
  friend Result<QR<U>> qr(MatrixView<const U> A);
  template <class U>
  friend Result<PivotedQR<U>> qr_pivoted(MatrixView<const U> A, const RankTolerance<U>& tol);
  template <class U>
  friend Result<COD<U>> cod(MatrixView<const U> A, const RankTolerance<U>& tol);

  Matrix<T> factors_;
  Vector<T> tau_;
};

template <class T>
class PivotedQR {
 public:
  PivotedQR() = default;

  index rows() const { return qr_.rows(); }
  index cols() const { return qr_.cols(); }
  // Numerical rank: leading |r_jj| above threshold() (see qr_pivoted_rank).
  index rank() const { return rank_; }
  // rank_threshold(tol, |r_00|, m, n), the value the diagonal was compared with.
  T threshold() const { return threshold_; }
  // perm[j] = the original index of column j of A P.
  const Vector<index>& permutation() const { return perm_; }
  const Matrix<T>& factors() const { return qr_.factors(); }
  const Vector<T>& tau() const { return qr_.tau(); }

  Matrix<T> R() const { return qr_.R(); }
  Matrix<T> q(QSize size = QSize::thin) const { return qr_.q(size); }
  Matrix<T> thin_q() const { return qr_.thin_q(); }
  Matrix<T> full_q() const { return qr_.full_q(); }
  Result<Matrix<T>> apply_q(MatrixView<const T> C, Op trans = Op::none, Side side = Side::left) const {
    return qr_.apply_q(C, trans, side);
  }
  Result<Vector<T>> apply_q(VectorView<const T> c, Op trans = Op::none) const { return qr_.apply_q(c, trans); }
  Result<Matrix<T>> apply_qt(MatrixView<const T> C) const { return qr_.apply_qt(C); }
  Result<Vector<T>> apply_qt(VectorView<const T> c) const { return qr_.apply_qt(c); }

 private:
  template <class U>
  friend Result<PivotedQR<U>> qr_pivoted(MatrixView<const U> A, const RankTolerance<U>& tol);

  QR<T> qr_;
  Vector<index> perm_;
  index rank_ = 0;
  T threshold_ = 0;
};

template <class T>
class COD {
 public:
  COD() = default;

  index rows() const { return qr_.rows(); }
  index cols() const { return qr_.cols(); }
  index rank() const { return rank_; }
  const Vector<index>& permutation() const { return perm_; }
  // The packed decomposition (cod_inplace's output) and the reflector scalars of Z.
  const Matrix<T>& factors() const { return qr_.factors(); }
  const Vector<T>& tau_z() const { return tau_z_; }

  // T, rank x rank upper triangular.
  Matrix<T> triangle() const;
  // Q (thin: m x min(m, n), or full), and Z (n x n).
  Matrix<T> q(QSize size = QSize::thin) const { return qr_.q(size); }
  Matrix<T> z() const;
  Result<Matrix<T>> apply_q(MatrixView<const T> C, Op trans = Op::none, Side side = Side::left) const {
    return qr_.apply_q(C, trans, side);
  }
  Result<Matrix<T>> apply_qt(MatrixView<const T> C) const { return qr_.apply_qt(C); }

  // The minimum-norm least-squares solution (cod_solve_inplace).
  // Statuses: dimension_mismatch, not_finite.
  Result<Matrix<T>> solve(MatrixView<const T> B) const;
  Result<Vector<T>> solve(VectorView<const T> b) const;

 private:
  template <class U>
  friend Result<COD<U>> cod(MatrixView<const U> A, const RankTolerance<U>& tol);

  QR<T> qr_;
  Vector<T> tau_z_;
  Vector<index> perm_;
  index rank_ = 0;
};

}  // namespace stela
