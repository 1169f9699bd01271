// stela/svd.hpp — the singular value decomposition A = U diag(s) V^T.
//
// Two methods, both reachable by name:
//
//   SvdMethod::golub_kahan  (default) Householder bidiagonalization followed by the
//                           implicit-shift QR iteration on the bidiagonal (Golub & Kahan
//                           1965, Golub & Reinsch 1970, Demmel & Kahan 1990): LAPACK's
//                           xGESVD. Backward stable; every singular value has an absolute
//                           error of order eps ||A||.
//   SvdMethod::jacobi       one-sided (Hestenes) Jacobi on R^T after a row-sorted,
//                           column-pivoted QR (Drmač & Veselić 2008; LAPACK's
//                           xGESVJ/xGEJSV). Slower, but on A = B D or D B with B well
//                           conditioned and D diagonal, every singular value — the
//                           tiniest included — has a relative error of order
//                           n eps cond(B) (Demmel & Veselić 1992, Drmač & Veselić 2008).
//
// Conventions, for both methods:
//  - k = min(m, n); s holds k values, non-negative and non-increasing.
//  - U is m x k (thin) or m x m (full), V is n x k (thin) or n x n (full); V is returned
//    as V, not transposed. Columns k.. of a full U or V are an orthonormal basis of the
//    complement.
//  - Sign convention: for j < k, the entry of largest magnitude of v_j (the first such
//    entry when several tie) is positive, and u_j carries the matching sign, so that
//    A v_j = s_j u_j. Results are therefore reproducible; singular vectors of repeated
//    singular values are any orthonormal basis of their subspace.
//  - The input is scaled by a power of two into [sqrt(safe_min)/eps, eps/sqrt(safe_min)]
//    (in max-abs) when it lies outside, and s is scaled back: matrices of 1e300 or
//    1e-300 are fine. A power of two makes the scaling exact.
//  - Values only (SvdVectors::none) runs exactly the same arithmetic on s as the
//    vector paths, with the vector updates left out: the values agree bit for bit.
//
// Layers (STYLE.md rule 8):
//   svd(A, opts)                         high level: allocates, returns Result<SVD<T>>
//   svd_inplace / svd_workspace_size     low level, any shape: checks, scales, transposes
//                                        wide input, dispatches, fixes the signs
//   golub_kahan_svd_inplace,             the two methods for m >= n, on input already in
//   jacobi_svd_inplace                   the safe range (called by svd_inplace)
//   bidiagonalize_inplace, bidiagonal_form_{q,p}_inplace, bidiagonal_apply_{q,p}_inplace,
//   bidiagonal_svd_inplace, jacobi_svd_one_sided_inplace
//                                        the building blocks (xGEBD2, xORGBR, xORMBR,
//                                        xBDSQR, xGSVJ0)
//
// Sources: src/svd/svd_bidiagonalize.cpp, src/svd/svd_bidiagonal_qr.cpp, src/svd/svd_golub_kahan.cpp,
//          src/svd/svd_jacobi.cpp, src/svd/svd.cpp.
#pragma once

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela {

enum class SvdMethod { golub_kahan, jacobi };
enum class SvdVectors { none, thin, full };

struct SvdOptions {
  SvdMethod method = SvdMethod::golub_kahan;
  SvdVectors vectors = SvdVectors::thin;
  // Golub–Kahan: cap on the inner steps of the bidiagonal QR iteration (one step is one
  // pair of rotations chased one position; a sweep over an active block of L + 1
  // diagonal entries counts L). Negative selects the default 6 k^2 (xBDSQR's MAXITR).
  // Only sweeps are capped: a bidiagonal that splits into 1 x 1 and 2 x 2 blocks needs
  // none and converges even with 0.
  index max_iterations = -1;
  // Jacobi: cap on the sweeps (one sweep visits every column pair once). Negative
  // selects the default 30 (xGESVJ's NSWEEP). After the cap one more pass measures the
  // cosines without rotating, so 0 converges when the columns (of R^T) are already
  // orthogonal and otherwise reports their largest cosine.
  index max_sweeps = -1;
  // Golub–Kahan: a QR factorization comes first, and R is bidiagonalized, when the long
  // side is at least qr_first_ratio times the short one. Negative selects the default
  // kQrFirstRatio; 0 means always, a huge value never. The default was measured with
  // bench_svd's svd/gk_crossover family (n = 200, double, medians of 5 runs): the time
  // ratio direct / QR-first is 0.97 (values only) and 0.92 (thin vectors) at m = 1.6 n,
  // 1.03 and 0.99 at 2n, 1.20 and 1.09 at 3n, 1.32 and 1.26 at 5n; so 2 (LAPACK's
  // xGESVD, with a blocked bidiagonalization, switches at 1.6). One ratio serves both,
  // so values only and values with vectors take the same path and agree bit for bit.
  // A ratio of dimensions, not a number in the matrix's units: float serves both types
  // (and keeps double arithmetic out of a float program).
  static constexpr float kQrFirstRatio = 2.0f;
  float qr_first_ratio = -1;
};

// What the iteration did. Filled on success and on Status::no_convergence. The numbers
// are in the matrix's type T (default double): SVD<T>::info is an SvdInfo<T>, and a
// float caller of svd_inplace passes an SvdInfo<float>.
template <class T = double>
struct SvdInfo {
  index iterations = 0;         // GK: inner QR steps (the capped count); Jacobi: rotations applied
  index sweeps = 0;             // GK: QR sweeps over an active block; Jacobi: sweeps
  index zero_shift_sweeps = 0;  // GK: how many of those sweeps were Demmel–Kahan zero-shift sweeps
  index unconverged = 0;        // GK: superdiagonal entries still not negligible at the cap
  T max_off_cosine = 0;         // Jacobi: max |a_p^T a_q| / (||a_p|| ||a_q||) in the last pass
  bool qr_first = false;        // a QR factorization came first (GK: m >= qr_first_ratio n; Jacobi: always)
  T scaling = 1;                // the power of two the input was multiplied by
};

template <class T>
struct SVD {
  Matrix<T> U;  // m x k (thin), m x m (full), 0 x 0 (none)
  Vector<T> s;  // k singular values, non-increasing
  Matrix<T> V;  // n x k (thin), n x n (full), 0 x 0 (none); not transposed
  SvdMethod method = SvdMethod::golub_kahan;
  SvdInfo<T> info;
};

// ---------------------------------------------------------------------------------------
// High level

// The SVD of A (any shape, A untouched). Statuses: ok; invalid_argument (an option out of
// range); not_finite (NaN or Inf in A, or a singular value beyond the range of T: finite
// entries near the overflow threshold; rank, cond, pinv and null_space of such an A are
// still representable and computed); no_convergence (the cap was reached: the result
// holds what was computed and info says how far it got).
template <class T>
Result<SVD<T>> svd(MatrixView<const T> A, const SvdOptions& opts = {});

// ---------------------------------------------------------------------------------------
// Low level, any shape

// On entry A (m x n) is the matrix; on exit it is destroyed. s has k = min(m, n)
// entries. U and V must be m x k and n x k (thin) or m x m and n x n (full); with
// SvdVectors::none they are not referenced (pass empty views). Statuses in this order:
// dimension_mismatch, invalid_argument, workspace_too_small, not_finite (A, s, U, V
// untouched in each case), then ok or no_convergence, or not_finite when a singular
// value is beyond the range of T (s holds +Inf there, U and V are written).
template <class T>
WorkspaceSize svd_workspace_size(index m, index n, const SvdOptions& opts = {});
template <class T>
Status svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                   SvdInfo<T>& info, Workspace work);

// ---------------------------------------------------------------------------------------
// The methods, for m >= n and A in the safe range (svd_inplace scales and transposes).
// Same arguments and statuses as svd_inplace, plus dimension_mismatch for m < n; U and
// V are produced with the methods' own signs (svd_inplace applies the convention).
//   golub_kahan: bidiagonalization and implicit-shift QR, with a QR factorization first
//                when m >= qr_first_ratio n (xGESVD);
//   jacobi:      rows sorted by norm, column-pivoted QR, one-sided Jacobi on R^T
//                (Drmač–Veselić, xGEJSV's idea).

template <class T>
WorkspaceSize golub_kahan_svd_workspace_size(index m, index n, const SvdOptions& opts);
template <class T>
Status golub_kahan_svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V,
                               const SvdOptions& opts, SvdInfo<T>& info, Workspace work);

template <class T>
WorkspaceSize jacobi_svd_workspace_size(index m, index n, const SvdOptions& opts);
template <class T>
Status jacobi_svd_inplace(MatrixView<T> A, VectorView<T> s, MatrixView<T> U, MatrixView<T> V, const SvdOptions& opts,
                          SvdInfo<T>& info, Workspace work);

// ---------------------------------------------------------------------------------------
// Building blocks (src/svd/svd_bidiagonalize.cpp)

// A = Q B P^T with B upper bidiagonal (LAPACK xGEBRD, for m >= n), Q = H_0 ... H_{n-1},
// P = G_0 ... G_{n-2}. On exit d (n) and e (n - 1, or n with the last entry set to 0)
// hold B's diagonal and superdiagonal, also left on A's diagonal and superdiagonal;
// H_i's vector is [1; A(i+1:m, i)] with tauq[i], G_i's is [1; A(i, i+2:n)^T] acting on
// coordinates i+1.., with taup[i] (taup[n-1] = 0). Needs m >= n. The workspace: minimum
// one vector of m (one column at a time, xGEBD2); above 128 columns the optimal adds
// the scratch of panels of 32 columns (xLABRD), whose trailing update is two gemms.
template <class T>
WorkspaceSize bidiagonalize_workspace_size(index m, index n);
template <class T>
Status bidiagonalize_inplace(MatrixView<T> A, VectorView<T> d, VectorView<T> e, VectorView<T> tauq,
                             VectorView<T> taup, Workspace work);

// Q's first Q.cols() columns (n <= Q.cols() <= m) from bidiagonalize's output: Q := Q_bd
// [I; 0] (LAPACK xORGBR with VECT = 'Q'). A_bd is the m x n output of bidiagonalize.
// H_i is stored as a QR factorization stores its reflectors, so this is
// qr_form_q_inplace (blocked for large Q) on a copy of them. Statuses:
// dimension_mismatch, workspace_too_small, not_finite (tauq or the reflectors; Q is
// untouched on each).
template <class T>
WorkspaceSize bidiagonal_form_q_workspace_size(index m, index n, index cols);
template <class T>
Status bidiagonal_form_q_inplace(MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> Q, Workspace work);

// P (n x n) from bidiagonalize's output (LAPACK xORGBR with VECT = 'P', transposed): the
// G_i, shifted one row and column, are stored as a QR factorization's reflectors, so
// this is qr_form_q on n - 1 columns (blocked for large n; its workspace).
template <class T>
WorkspaceSize bidiagonal_form_p_workspace_size(index n);
template <class T>
Status bidiagonal_form_p_inplace(MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> P, Workspace work);

// C := Q C, Q^T C (C m x c) or P C, P^T C (C n x c) from bidiagonalize's output without
// forming Q or P (LAPACK xORMBR, SIDE = 'L'); trans = Op::transpose applies the transpose.
// Applying Q is qr_apply_q_inplace on the reflectors H_i. Statuses: dimension_mismatch,
// workspace_too_small, not_finite (Q: C, tauq or the reflectors).
template <class T>
WorkspaceSize bidiagonal_apply_q_workspace_size(index m, index n, index cols);
template <class T>
Status bidiagonal_apply_q_inplace(Op trans, MatrixView<const T> A_bd, VectorView<const T> tauq, MatrixView<T> C,
                                  Workspace work);
template <class T>
WorkspaceSize bidiagonal_apply_p_workspace_size(index n, index cols);
template <class T>
Status bidiagonal_apply_p_inplace(Op trans, MatrixView<const T> A_bd, VectorView<const T> taup, MatrixView<T> C,
                                  Workspace work);

// ---------------------------------------------------------------------------------------
// The bidiagonal SVD (src/svd/svd_bidiagonal_qr.cpp, LAPACK xBDSQR)

// B = upper bidiagonal with diagonal d (n) and superdiagonal e (n - 1 entries used;
// e may have n). On exit d holds B's singular values, non-negative and non-increasing,
// e is destroyed, and the columns of U (any rows x n) and V (any rows x n) are updated:
// U := U W_left, V := V W_right with B = W_left diag(d) W_right^T. A view with zero
// columns is not referenced (values only). max_iterations < 0 selects 6 n^2; the cap is
// tested only when a QR sweep is due (splits and 2 x 2 blocks are not capped). Statuses:
// dimension_mismatch, not_finite, ok, no_convergence (d then holds unconverged values,
// info.unconverged the number of non-negligible e).
template <class T>
Status bidiagonal_svd_inplace(VectorView<T> d, VectorView<T> e, MatrixView<T> U, MatrixView<T> V,
                              index max_iterations, SvdInfo<T>& info);

// ---------------------------------------------------------------------------------------
// One-sided Jacobi (src/svd/svd_jacobi.cpp, LAPACK xGSVJ0)

// Orthogonalizes the columns of G (m x n, m >= n) by plane rotations from the right:
// G_final = G_initial J. On exit s (n) holds the column norms, sorted non-increasing
// together with the columns; with `vectors` = thin, G := U (normalized columns,
// zero columns replaced by an orthonormal completion) and V (n x n) := J; with none,
// G holds U diag(s) unnormalized and V is not referenced. max_sweeps < 0 selects 30;
// no_convergence when a pair is still not orthogonal to tolerance after max_sweeps
// sweeps (measured by a pass that does not rotate, so max_sweeps = 0 is allowed).
template <class T>
WorkspaceSize jacobi_svd_one_sided_workspace_size(index m, index n, SvdVectors vectors);
template <class T>
Status jacobi_svd_one_sided_inplace(MatrixView<T> G, VectorView<T> s, MatrixView<T> V, SvdVectors vectors,
                                    index max_sweeps, SvdInfo<T>& info, Workspace work);

}  // namespace stela
