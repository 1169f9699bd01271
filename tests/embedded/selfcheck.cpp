// stela self-check: the low-level path run the way an embedded project runs it.
//
// Every matrix and every byte of scratch comes from one static arena, carved by a
// stela::Workspace. The program uses no exceptions, no RTTI, no iostream and no heap;
// std::printf reports. Each check calls in-place routines and measures LAPACK's scaled
// ratios, which stay of order 1 for a backward-stable routine whatever the size. A check
// fails when its worst ratio is not below kThreshold = 30 (NaN fails too) or when a
// routine returns a status other than ok.
//
// Exit status: 0 when every check passed, 1 otherwise.
//
// Adding a check (QR, Cholesky, SVD, ...):
//   1. write `template <class T> Outcome check_name(Workspace arena)`: ask
//      arena.holds(...) for everything the check carves (return workspace_too_small
//      if it does not fit), carve the matrices, fill them from an Rng, size the
//      routine's workspace with its *_workspace_size query and carve that too, call the
//      *_inplace routine, and return the worst ratio;
//   2. add its float and double lines to kChecks.
#include <cstddef>
#include <cstdio>
#include <limits>

#include "stela/blas.hpp"
#include "stela/cholesky.hpp"
#include "stela/householder.hpp"
#include "stela/lstsq.hpp"
#include "stela/lu.hpp"
#include "stela/qr.hpp"
#include "stela/svd.hpp"
#include "stela/matrix.hpp"
#include "stela/random.hpp"
#include "stela/scalar.hpp"
#include "stela/status.hpp"
#include "stela/streaming.hpp"
#include "stela/workspace.hpp"

namespace stela::selfcheck {
namespace {

constexpr double kThreshold = 30;  // LAPACK's test-ratio threshold

// The only memory the checks use. The largest checks (Cholesky and LU in double) need
// about 119 KiB; every check starts from the whole arena again.
constexpr std::size_t kArenaBytes = std::size_t(256) * 1024;
alignas(WorkspaceSize::alignment) unsigned char g_arena[kArenaBytes];

// What one check found: its worst scaled ratio, or the first status that was not ok
// (workspace_too_small when the arena cannot hold the check's matrices).
struct Outcome {
  double ratio;
  Status status;
};

Outcome measured(double ratio) { return {ratio, Status::ok}; }
Outcome failed(Status status) { return {0, status}; }

template <class T>
double wide(T x) {
  return static_cast<double>(x);
}

// The larger of two ratios, NaN if either is NaN (so that NaN fails the check).
double worst(double a, double b) {
  if (a != a || b != b) return a != a ? a : b;
  return a > b ? a : b;
}

// D := D - A, column by column.
template <class T>
void subtract(MatrixView<const T> A, MatrixView<T> D) {
  for (index j = 0; j < A.cols(); ++j) axpy(T(-1), A.col(j), D.col(j));
}

// ||I - Q^T Q||_1 / (m eps) for Q (m x k) with orthonormal columns; W is k x k scratch.
template <class T>
double orthogonality_ratio(MatrixView<const T> Q, MatrixView<T> W) {
  // W := I - Q^T Q (a W of the wrong shape fails the check: NaN)
  set_identity(W);
  if (gemm(Op::transpose, Op::none, T(-1), Q, Q, T(1), W) != Status::ok)
    return std::numeric_limits<double>::quiet_NaN();
  return wide(norm(W, Norm::one)) / (wide(Q.rows()) * wide(eps<T>()));
}

// ---------------------------------------------------------------------------------------
// gemm: C := op(A) op(B) for the four transpose pairs, against a triple loop summed in
// double. k = 130 makes the k loop cross gemm's 128-long slices.
//   ratio = ||C - op(A) op(B)||_1 / (k eps ||op(A)||_1 ||op(B)||_1)
template <class T>
Outcome check_gemm(Workspace arena) {
  constexpr index m = 37, n = 29, k = 130;
  if (!arena.holds(WorkspaceSize::of<T>(m * k) + WorkspaceSize::of<T>(k * n) + WorkspaceSize::matrix<T>(m, n) +
                   WorkspaceSize::matrix<T>(m, n)))
    return failed(Status::workspace_too_small);
  T* a = arena.take<T>(m * k);
  T* b = arena.take<T>(k * n);
  MatrixView<T> C = arena.matrix<T>(m, n);
  MatrixView<T> C_ref = arena.matrix<T>(m, n);

  Rng rng(2024);
  double ratio = 0;
  for (Op transa : {Op::none, Op::transpose})
    for (Op transb : {Op::none, Op::transpose}) {
      MatrixView<T> A = transa == Op::none ? MatrixView<T>(a, m, k) : MatrixView<T>(a, k, m);
      MatrixView<T> B = transb == Op::none ? MatrixView<T>(b, k, n) : MatrixView<T>(b, n, k);
      fill_gaussian(rng, A);
      fill_gaussian(rng, B);
      // C := op(A) op(B)
      const Status status = gemm(transa, transb, T(1), A, B, T(0), C);
      if (status != Status::ok) return failed(status);
      // C_ref := op(A) op(B) by the definition, summed in double
      for (index j = 0; j < n; ++j)
        for (index i = 0; i < m; ++i) {
          double s = 0;
          for (index p = 0; p < k; ++p)
            s += wide(transa == Op::none ? A(i, p) : A(p, i)) * wide(transb == Op::none ? B(p, j) : B(j, p));
          C_ref(i, j) = static_cast<T>(s);
        }
      // ||op(X)||_1 = ||X||_1, or ||X||_inf when op(X) = X^T
      const double norm_a = wide(norm(A, transa == Op::none ? Norm::one : Norm::inf));
      const double norm_b = wide(norm(B, transb == Op::none ? Norm::one : Norm::inf));
      subtract(C_ref, C);
      ratio = worst(ratio, wide(norm(C, Norm::one)) /
                               (wide(k) * wide(eps<T>()) * norm_a * norm_b));
    }
  return measured(ratio);
}

// ---------------------------------------------------------------------------------------
// trsm: X := op(A)^{-1} B (side left) or B op(A)^{-1} (side right) for both triangles and
// both ops; trmm then forms op(A) X (or X op(A)) again, to compare with B.
//   ratio = ||op(A) X - B||_1 / (n eps ||op(A)||_1 ||X||_1)
template <class T>
Outcome check_trsm(Workspace arena) {
  constexpr index n = 45, p = 7;  // A is n x n; B is n x p (left) or p x n (right)
  if (!arena.holds(WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::matrix<T>(n, p) + WorkspaceSize::matrix<T>(n, p) +
                   WorkspaceSize::matrix<T>(n, p)))
    return failed(Status::workspace_too_small);
  MatrixView<T> A = arena.matrix<T>(n, n);
  T* b = arena.take<T>(n * p);
  T* x = arena.take<T>(n * p);
  T* r = arena.take<T>(n * p);

  struct Case {
    Side side;
    Uplo uplo;
    Op trans;
  };
  const Case cases[] = {{Side::left, Uplo::lower, Op::none},
                        {Side::left, Uplo::upper, Op::transpose},
                        {Side::right, Uplo::lower, Op::transpose},
                        {Side::right, Uplo::upper, Op::none}};
  Rng rng(7);
  double ratio = 0;
  for (const Case& c : cases) {
    // A: the `uplo` triangle Gaussian with n added to the diagonal (well conditioned),
    // the other triangle zero, so that norm(A) is the norm of the triangular matrix.
    fill_gaussian(rng, A);
    for (index j = 0; j < n; ++j) {
      for (index i = 0; i < n; ++i)
        if (c.uplo == Uplo::lower ? i < j : i > j) A(i, j) = T(0);
      A(j, j) += T(n);
    }
    const index rows = c.side == Side::left ? n : p;
    const index cols = c.side == Side::left ? p : n;
    MatrixView<T> B(b, rows, cols), X(x, rows, cols), R(r, rows, cols);
    fill_gaussian(rng, B);
    // X := op(A)^{-1} B  or  B op(A)^{-1}
    copy(B, X);
    Status status = trsm(c.side, c.uplo, c.trans, Diag::non_unit, T(1), A, X);
    if (status != Status::ok) return failed(status);
    // R := op(A) X  or  X op(A);  R := R - B
    copy(X, R);
    status = trmm(c.side, c.uplo, c.trans, Diag::non_unit, T(1), A, R);
    if (status != Status::ok) return failed(status);
    subtract(B, R);
    const double norm_a = wide(norm(A, c.trans == Op::none ? Norm::one : Norm::inf));
    const double norm_x = wide(norm(X, Norm::one));
    ratio = worst(ratio, wide(norm(R, Norm::one)) / (wide(n) * wide(eps<T>()) * norm_a * norm_x));
  }
  return measured(ratio);
}

// ---------------------------------------------------------------------------------------
// Householder reflectors, one per column, reduce A (m x n, m >= n) to upper triangular R
// (GVL algorithm 5.2.1). On exit A holds R on and above the diagonal and the reflector
// tails below it; tau holds the n scalars.
template <class T>
Status reduce_by_reflectors(MatrixView<T> A, VectorView<T> tau) {
  const index m = A.rows(), n = A.cols();
  for (index j = 0; j < n; ++j) {
    VectorView<T> v_tail = A.col(j).segment(j + 1, m - j - 1);
    // H_j [a_jj; a_(j+1:m, j)] = [beta; 0]
    tau[j] = householder_generate(A(j, j), v_tail);
    // A(j:m, j+1:n) := H_j A(j:m, j+1:n)
    const Status status = householder_apply_left(v_tail, tau[j], A.block(j, j + 1, m - j, n - j - 1));
    if (status != Status::ok) return status;
  }
  return Status::ok;
}

// Q := H_0 H_1 ... H_{n-1} I(:, 0:n), the first n columns of the orthogonal factor,
// applying the reflectors last one first (as LAPACK xORG2R does).
template <class T>
Status form_q(MatrixView<const T> V, VectorView<const T> tau, MatrixView<T> Q) {
  const index m = Q.rows(), n = Q.cols();
  set_identity(Q);
  for (index j = n - 1; j >= 0; --j) {
    // Q(j:m, j:n) := H_j Q(j:m, j:n)
    const Status status = householder_apply_left(V.col(j).segment(j + 1, m - j - 1), tau[j], Q.block(j, j, m - j, n - j));
    if (status != Status::ok) return status;
  }
  return Status::ok;
}

// householder_generate / apply_left / apply_right: reduce A to R, form Q, and check
//   orthogonality   ||I - Q^T Q||_1 / (m eps)
//   factorization   ||A - Q R||_1 / (m eps ||A||_1)
//   apply_right     C H_0 against (H_0 C^T)^T:  ||C H_0 - (H_0 C^T)^T||_1 / (m eps ||C||_1)
template <class T>
Outcome check_householder(Workspace arena) {
  constexpr index m = 40, n = 24, p = 9;
  if (!arena.holds(WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(m, n) +
                   WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::vector<T>(n) +
                   WorkspaceSize::matrix<T>(p, m) + WorkspaceSize::matrix<T>(m, p) + WorkspaceSize::vector<T>(p)))
    return failed(Status::workspace_too_small);
  MatrixView<T> A0 = arena.matrix<T>(m, n);
  MatrixView<T> A = arena.matrix<T>(m, n);
  MatrixView<T> Q = arena.matrix<T>(m, n);
  MatrixView<T> R = arena.matrix<T>(n, n);
  VectorView<T> tau = arena.vector<T>(n);
  MatrixView<T> C = arena.matrix<T>(p, m);
  MatrixView<T> Ct = arena.matrix<T>(m, p);
  VectorView<T> work = arena.vector<T>(p);

  Rng rng(11);
  fill_gaussian(rng, A0);
  copy(A0, A);
  Status status = reduce_by_reflectors(A, tau);
  if (status != Status::ok) return failed(status);
  status = form_q(A, tau, Q);
  if (status != Status::ok) return failed(status);

  // ||I - Q^T Q||, with R's storage as the n x n scratch before R is filled.
  double ratio = orthogonality_ratio(Q, R);
  // R := the upper triangle of the reduced A
  fill(R, T(0));
  for (index j = 0; j < n; ++j)
    for (index i = 0; i <= j; ++i) R(i, j) = A(i, j);
  // Q := Q R;  Q := Q - A0
  status = trmm(Side::right, Uplo::upper, Op::none, Diag::non_unit, T(1), R, Q);
  if (status != Status::ok) return failed(status);
  subtract(A0, Q);
  const double norm_a = wide(norm(A0, Norm::one));
  ratio = worst(ratio, wide(norm(Q, Norm::one)) / (wide(m) * wide(eps<T>()) * norm_a));

  // Ct := C^T; Ct := H_0 Ct; C := C H_0; C := C - Ct^T
  fill_gaussian(rng, C);
  const double norm_c = wide(norm(C, Norm::one));
  for (index i = 0; i < p; ++i) copy(C.row(i), Ct.col(i));
  VectorView<const T> v_tail = A.col(0).segment(1, m - 1);
  status = householder_apply_left(v_tail, tau[0], Ct);
  if (status != Status::ok) return failed(status);
  status = householder_apply_right(v_tail, tau[0], C, work);
  if (status != Status::ok) return failed(status);
  for (index i = 0; i < p; ++i) axpy(T(-1), Ct.col(i), C.row(i));
  ratio = worst(ratio, wide(norm(C, Norm::one)) / (wide(m) * wide(eps<T>()) * norm_c));
  return measured(ratio);
}

// householder_block_factor / block_apply: the block H = H_0 ... H_{n-1} = I - V T V^T of
// the reflectors that reduce A, checked as
//   left, H     H I(:, 0:n) against Q formed one reflector at a time:  ||H I - Q||_1 / (m eps)
//   left, H^T   H^T (H I(:, 0:n)) against I(:, 0:n):                   ||H^T H I - I||_1 / (m eps)
//   right       C H against (H^T C^T)^T:                ||C H - (H^T C^T)^T||_1 / (m eps ||C||_1)
template <class T>
Outcome check_householder_block(Workspace arena) {
  constexpr index m = 40, n = 24, p = 9;
  if (!arena.holds(WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::vector<T>(n) + WorkspaceSize::matrix<T>(n, n) +
                   WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(n, n) +
                   WorkspaceSize::matrix<T>(p, m) + WorkspaceSize::matrix<T>(m, p) + WorkspaceSize::matrix<T>(p, n)))
    return failed(Status::workspace_too_small);
  MatrixView<T> V = arena.matrix<T>(m, n);
  VectorView<T> tau = arena.vector<T>(n);
  MatrixView<T> Tf = arena.matrix<T>(n, n);
  MatrixView<T> Q = arena.matrix<T>(m, n);
  MatrixView<T> HI = arena.matrix<T>(m, n);
  MatrixView<T> work_left = arena.matrix<T>(n, n);  // C.cols() x k for C = HI
  MatrixView<T> C = arena.matrix<T>(p, m);
  MatrixView<T> Ct = arena.matrix<T>(m, p);
  MatrixView<T> work_right = arena.matrix<T>(p, n);  // C.rows() x k, and Ct.cols() x k

  Rng rng(13);
  fill_gaussian(rng, V);
  Status status = reduce_by_reflectors(V, tau);
  if (status != Status::ok) return failed(status);
  status = form_q(V, tau, Q);
  if (status != Status::ok) return failed(status);
  // T such that H_0 ... H_{n-1} = I - V T V^T
  status = householder_block_factor(V, tau, Tf);
  if (status != Status::ok) return failed(status);

  // HI := H I(:, 0:n);  compare with Q
  set_identity(HI);
  status = householder_block_apply(Side::left, Op::none, V, Tf, HI, work_left);
  if (status != Status::ok) return failed(status);
  subtract(Q, HI);
  double ratio = wide(norm(HI, Norm::one)) / (wide(m) * wide(eps<T>()));

  // HI := H^T (H I(:, 0:n));  compare with I(:, 0:n)
  copy(Q, HI);
  status = householder_block_apply(Side::left, Op::transpose, V, Tf, HI, work_left);
  if (status != Status::ok) return failed(status);
  for (index j = 0; j < n; ++j) HI(j, j) -= T(1);
  ratio = worst(ratio, wide(norm(HI, Norm::one)) / (wide(m) * wide(eps<T>())));

  // Ct := H^T C^T;  C := C H;  C := C - Ct^T
  fill_gaussian(rng, C);
  const double norm_c = wide(norm(C, Norm::one));
  for (index i = 0; i < p; ++i) copy(C.row(i), Ct.col(i));
  status = householder_block_apply(Side::left, Op::transpose, V, Tf, Ct, work_right);
  if (status != Status::ok) return failed(status);
  status = householder_block_apply(Side::right, Op::none, V, Tf, C, work_right);
  if (status != Status::ok) return failed(status);
  for (index i = 0; i < p; ++i) axpy(T(-1), Ct.col(i), C.row(i));
  ratio = worst(ratio, wide(norm(C, Norm::one)) / (wide(m) * wide(eps<T>()) * norm_c));
  return measured(ratio);
}

// ---------------------------------------------------------------------------------------
// cholesky_inplace / cholesky_solve_inplace on A = Z^T Z + n I (n = 70 crosses the block
// size 64), checked as
//   factorization   ||A - L L^T||_1 / (n eps ||A||_1)
//   solve           ||A X - B||_1 / (n eps ||A||_1 ||X||_1)
template <class T>
Outcome check_cholesky(Workspace arena) {
  constexpr index n = 70, p = 3;
  const WorkspaceSize factor_work = cholesky_workspace_size<T>(n);
  if (!arena.holds(WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::matrix<T>(n, n) +
                   WorkspaceSize::matrix<T>(n, p) + WorkspaceSize::matrix<T>(n, p) + factor_work))
    return failed(Status::workspace_too_small);
  MatrixView<T> A = arena.matrix<T>(n, n);
  MatrixView<T> L = arena.matrix<T>(n, n);
  MatrixView<T> M = arena.matrix<T>(n, n);
  MatrixView<T> B = arena.matrix<T>(n, p);
  MatrixView<T> X = arena.matrix<T>(n, p);

  // A := Z^T Z + n I, with M as Z; both triangles filled.
  Rng rng(17);
  fill_gaussian(rng, M);
  Status status = syrk(Uplo::lower, Op::transpose, T(1), M, T(0), A);
  if (status != Status::ok) return failed(status);
  for (index j = 0; j < n; ++j) {
    A(j, j) += T(n);
    for (index i = j + 1; i < n; ++i) A(j, i) = A(i, j);
  }
  // L := the factor of A (lower triangle; the strict upper triangle is zeroed after).
  copy(A, L);
  CholeskyInfo<T> info;
  status = cholesky_inplace(L, info, arena);
  if (status != Status::ok) return failed(status);
  for (index j = 1; j < n; ++j) fill(L.col(j).segment(0, j), T(0));
  // M := L L^T - A
  copy(L, M);
  status = trmm(Side::right, Uplo::lower, Op::transpose, Diag::non_unit, T(1), L, M);
  if (status != Status::ok) return failed(status);
  subtract(A, M);
  const double norm_a = wide(norm(A, Norm::one));
  double ratio = wide(norm(M, Norm::one)) / (wide(n) * wide(eps<T>()) * norm_a);

  // X := A^{-1} B;  B := A X - B
  fill_gaussian(rng, B);
  copy(B, X);
  status = cholesky_solve_inplace(L, X);
  if (status != Status::ok) return failed(status);
  status = gemm(Op::none, Op::none, T(1), A, X, T(-1), B);
  if (status != Status::ok) return failed(status);
  ratio = worst(ratio, wide(norm(B, Norm::one)) / (wide(n) * wide(eps<T>()) * norm_a * wide(norm(X, Norm::one))));
  return measured(ratio);
}

// lu_inplace / lu_solve_inplace on a Gaussian A (n = 70 crosses the block size 64):
//   factorization   ||P A - L U||_1 / (n eps ||A||_1)
//   solves          ||op(A) X - B||_1 / (n eps ||A||_1 ||X||_1), op = none, transpose
template <class T>
Outcome check_lu(Workspace arena) {
  constexpr index n = 70, p = 3;
  const WorkspaceSize factor_work = lu_workspace_size<T>(n);
  if (!arena.holds(WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::matrix<T>(n, n) +
                   WorkspaceSize::vector<index>(n) + WorkspaceSize::matrix<T>(n, p) + WorkspaceSize::matrix<T>(n, p) +
                   factor_work))
    return failed(Status::workspace_too_small);
  MatrixView<T> A = arena.matrix<T>(n, n);
  MatrixView<T> F = arena.matrix<T>(n, n);
  MatrixView<T> M = arena.matrix<T>(n, n);
  VectorView<index> pivots = arena.vector<index>(n);
  MatrixView<T> B = arena.matrix<T>(n, p);
  MatrixView<T> X = arena.matrix<T>(n, p);

  Rng rng(19);
  fill_gaussian(rng, A);
  copy(A, F);
  LuInfo info;
  Status status = lu_inplace(F, pivots, info, arena);
  if (status != Status::ok) return failed(status);
  // M := L U (U from F's upper triangle, then multiplied by the unit lower L)
  fill(M, T(0));
  for (index j = 0; j < n; ++j)
    for (index i = 0; i <= j; ++i) M(i, j) = F(i, j);
  status = trmm(Side::left, Uplo::lower, Op::none, Diag::unit, T(1), F, M);
  if (status != Status::ok) return failed(status);
  // M := M - P A, column by column: x := A(:, j) with the interchanges replayed on it.
  VectorView<T> x = X.col(0);
  for (index j = 0; j < n; ++j) {
    copy(A.col(j), x);
    for (index i = 0; i < n; ++i) {
      const T xi = x[i];
      x[i] = x[pivots[i]];
      x[pivots[i]] = xi;
    }
    axpy(T(-1), x, M.col(j));
  }
  const double norm_a = wide(norm(A, Norm::one));
  double ratio = wide(norm(M, Norm::one)) / (wide(n) * wide(eps<T>()) * norm_a);

  for (Op trans : {Op::none, Op::transpose}) {
    // X := op(A)^{-1} B;  B := op(A) X - B
    fill_gaussian(rng, B);
    copy(B, X);
    status = lu_solve_inplace(trans, F, pivots, X);
    if (status != Status::ok) return failed(status);
    status = gemm(trans, Op::none, T(1), A, X, T(-1), B);
    if (status != Status::ok) return failed(status);
    ratio = worst(ratio, wide(norm(B, Norm::one)) / (wide(n) * wide(eps<T>()) * norm_a * wide(norm(X, Norm::one))));
  }
  return measured(ratio);
}


// householder_qr_inplace and qr_form_q_inplace on a Gaussian 50 x 20 A:
//   factorization   ||A - Q R||_1 / (m eps ||A||_1)
//   orthogonality   ||I - Q^T Q||_1 / (m eps)
template <class T>
Outcome check_qr(Workspace arena) {
  constexpr index m = 50, n = 20;
  const WorkspaceSize routine_work = max(householder_qr_workspace_size<T>(m, n), qr_form_q_workspace_size<T>(m, n));
  if (!arena.holds(WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(n, n) +
                   WorkspaceSize::vector<T>(n) + routine_work))
    return failed(Status::workspace_too_small);
  MatrixView<T> A = arena.matrix<T>(m, n);
  MatrixView<T> Q = arena.matrix<T>(m, n);
  MatrixView<T> R = arena.matrix<T>(n, n);
  VectorView<T> tau = arena.vector<T>(n);

  Rng rng(23);
  fill_gaussian(rng, A);
  copy(A, Q);
  // Q := the factors; R := their upper triangle, the R the factorization produced,
  // copied out before the thin Q is formed in place over them.
  Status status = householder_qr_inplace(Q, tau, arena);
  if (status != Status::ok) return failed(status);
  fill(R, T(0));
  for (index j = 0; j < n; ++j)
    for (index i = 0; i <= j; ++i) R(i, j) = Q(i, j);
  status = qr_form_q_inplace(Q, tau, arena);
  if (status != Status::ok) return failed(status);
  // A := Q R - A
  const double norm_a = wide(norm(A, Norm::one));
  status = gemm(Op::none, Op::none, T(1), Q, R, T(-1), A);
  if (status != Status::ok) return failed(status);
  double ratio = wide(norm(A, Norm::one)) / (wide(m) * wide(eps<T>()) * norm_a);
  ratio = worst(ratio, orthogonality_ratio(MatrixView<const T>(Q), R));  // R no longer needed: scratch
  return measured(ratio);
}

// svd_inplace, both methods, thin vectors, on a Gaussian 40 x 12 A:
//   reconstruction  ||A - U diag(s) V^T||_1 / (m eps ||A||_1)
//   orthogonality   of U and V
template <class T>
Outcome check_svd(Workspace arena) {
  constexpr index m = 40, n = 12;
  double ratio = 0;
  for (SvdMethod method : {SvdMethod::golub_kahan, SvdMethod::jacobi}) {
    Workspace work = arena;  // each method starts from the whole arena
    SvdOptions opts;
    opts.method = method;
    if (!work.holds(WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(m, n) + WorkspaceSize::matrix<T>(m, n) +
                    WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::matrix<T>(n, n) + WorkspaceSize::vector<T>(n) +
                    svd_workspace_size<T>(m, n, opts)))
      return failed(Status::workspace_too_small);
    MatrixView<T> A = work.matrix<T>(m, n);
    MatrixView<T> F = work.matrix<T>(m, n);
    MatrixView<T> U = work.matrix<T>(m, n);
    MatrixView<T> V = work.matrix<T>(n, n);
    MatrixView<T> W = work.matrix<T>(n, n);
    VectorView<T> s = work.vector<T>(n);
    Rng rng(29);
    fill_gaussian(rng, A);
    copy(A, F);
    SvdInfo<T> info;
    Status status = svd_inplace(F, s, U, V, opts, info, work);
    if (status != Status::ok) return failed(status);
    ratio = worst(ratio, orthogonality_ratio(MatrixView<const T>(U), W));
    ratio = worst(ratio, orthogonality_ratio(MatrixView<const T>(V), W));
    // A := (U diag(s)) V^T - A
    for (index j = 0; j < n; ++j) scal(s[j], U.col(j));
    const double norm_a = wide(norm(A, Norm::one));
    status = gemm(Op::none, Op::transpose, T(1), U, V, T(-1), A);
    if (status != Status::ok) return failed(status);
    ratio = worst(ratio, wide(norm(A, Norm::one)) / (wide(m) * wide(eps<T>()) * norm_a));
  }
  return measured(ratio);
}

// lstsq_inplace, every method, on a consistent 30 x 8 problem y = X w (X Gaussian, well
// conditioned): the whole pipeline from the arena. Since y is in the range of X, with
// r = y - X w_hat computed here from a copy of y (not taken from lstsq's report),
//   residual        ||r||_2 / (n eps ||X||_1 ||w_hat||_2)
//   reported        rho / (n eps ||X||_1 ||w_hat||_2), rho the residual norm lstsq reports
//   report error    | rho - ||r||_2 | / (n eps ||X||_1 ||w_hat||_2)
template <class T>
Outcome check_lstsq(Workspace arena) {
  constexpr index n = 30, d = 8;
  double ratio = 0;
  for (LstsqMethod method : kAllLstsqMethods) {
    Workspace work = arena;
    LstsqOptions<T> opts;
    opts.method = method;
    if (!work.holds(WorkspaceSize::matrix<T>(n, d) + WorkspaceSize::matrix<T>(n, 1) + WorkspaceSize::matrix<T>(n, 1) +
                    WorkspaceSize::matrix<T>(d, 1) + WorkspaceSize::vector<T>(1) +
                    lstsq_workspace_size<T>(n, d, 1, opts)))
      return failed(Status::workspace_too_small);
    MatrixView<T> X = work.matrix<T>(n, d);
    MatrixView<T> Y = work.matrix<T>(n, 1);
    MatrixView<T> R = work.matrix<T>(n, 1);
    MatrixView<T> W = work.matrix<T>(d, 1);
    VectorView<T> residual = work.vector<T>(1);
    Rng rng(31);
    fill_gaussian(rng, X);
    fill_gaussian(rng, W);
    // y := X w
    Status status = gemm(Op::none, Op::none, T(1), X, W, T(0), Y);
    if (status != Status::ok) return failed(status);
    copy(Y, R);
    LstsqInfo<T> info;
    status = lstsq_inplace(MatrixView<const T>(X), MatrixView<const T>(Y), opts, W, residual, VectorView<T>(), info, work);
    if (status != Status::ok) return failed(status);
    // R := y - X w_hat
    status = gemm(Op::none, Op::none, T(-1), X, W, T(1), R);
    if (status != Status::ok) return failed(status);
    const double scale = wide(n) * wide(eps<T>()) * wide(norm(X, Norm::one)) * wide(nrm2(W.col(0)));
    const double norm_r = wide(nrm2(R.col(0)));
    const double reported = wide(residual[0]);
    ratio = worst(ratio, norm_r / scale);
    ratio = worst(ratio, reported / scale);
    ratio = worst(ratio, (reported > norm_r ? reported - norm_r : norm_r - reported) / scale);
  }
  return measured(ratio);
}

// QrAccumulator on a consistent 40 x 8 problem y = X w (X Gaussian): rows 0..15 added one
// at a time, 16..39 in blocks of 8, rows 0..4 removed, then merged back in from a second
// accumulator; solved after the removals (rows 5..39) and after the merge (all rows).
// Since y is in the range of X, every subset of the rows has the same solution and a
// zero residual:
//   residual   ||y_S - X_S w_hat||_2 / (n eps ||X||_1 ||w_hat||_2) over the rows S held
//   reported   rho / (n eps ||X||_1 ||w_hat||_2), rho the residual norm read off R
template <class T>
Outcome check_streaming(Workspace arena) {
  constexpr index n = 40, d = 8, k = 1, block = 8;
  if (!arena.holds(WorkspaceSize::matrix<T>(n, d) + WorkspaceSize::matrix<T>(n, k) + WorkspaceSize::matrix<T>(n, k) +
                   WorkspaceSize::matrix<T>(d, k) + WorkspaceSize::vector<T>(k) +
                   QrAccumulator<T>::storage_size(d, k) + QrAccumulator<T>::storage_size(d, k) +
                   QrAccumulator<T>::workspace_size(d, k, block)))
    return failed(Status::workspace_too_small);
  MatrixView<T> X = arena.matrix<T>(n, d);
  MatrixView<T> Y = arena.matrix<T>(n, k);
  MatrixView<T> R = arena.matrix<T>(n, k);
  MatrixView<T> W = arena.matrix<T>(d, k);
  VectorView<T> rho = arena.vector<T>(k);
  Result<QrAccumulator<T>> made = QrAccumulator<T>::create(arena.matrix<T>(d + k, d + k), d, k);
  Result<QrAccumulator<T>> made_other = QrAccumulator<T>::create(arena.matrix<T>(d + k, d + k), d, k);
  if (!made) return failed(made.status());
  if (!made_other) return failed(made_other.status());
  QrAccumulator<T>& acc = *made;
  QrAccumulator<T>& other = *made_other;

  Rng rng(37);
  fill_gaussian(rng, X);
  fill_gaussian(rng, W);
  // y := X w
  Status status = gemm(Op::none, Op::none, T(1), MatrixView<const T>(X), MatrixView<const T>(W), T(0), Y);
  if (status != Status::ok) return failed(status);
  for (index i = 0; i < 16 && status == Status::ok; ++i) status = acc.add_row(X.row(i), Y.row(i), arena);
  for (index i = 16; i < n && status == Status::ok; i += block)
    status = acc.add_rows(X.row_block(i, block), Y.row_block(i, block), arena);
  for (index i = 0; i < 5 && status == Status::ok; ++i) status = acc.remove_row(X.row(i), Y.row(i), arena);
  if (status != Status::ok) return failed(status);

  const double scale = wide(n) * wide(eps<T>()) * wide(norm(MatrixView<const T>(X), Norm::one));
  double ratio = 0;
  for (index first : {5, 0}) {  // rows 5..39 after the removals, all rows after the merge
    if (first == 0) {
      status = other.add_rows(X.row_block(0, 5), Y.row_block(0, 5), arena);
      if (status == Status::ok) status = acc.merge(other, arena);
      if (status != Status::ok) return failed(status);
    }
    AccumulatorInfo<T> info;
    status = acc.solve(W, rho, info, arena);
    if (status != Status::ok) return failed(status);
    // R := y_S - X_S w_hat
    MatrixView<T> Rs = R.row_block(first, n - first);
    copy(MatrixView<const T>(Y.row_block(first, n - first)), Rs);
    status = gemm(Op::none, Op::none, T(-1), MatrixView<const T>(X.row_block(first, n - first)),
                  MatrixView<const T>(W), T(1), Rs);
    if (status != Status::ok) return failed(status);
    const double w_norm = wide(nrm2(W.col(0)));
    ratio = worst(ratio, wide(nrm2(Rs.col(0))) / (scale * w_norm));
    ratio = worst(ratio, wide(rho[0]) / (scale * w_norm));
  }
  return measured(ratio);
}

// ---------------------------------------------------------------------------------------

struct Check {
  const char* name;
  const char* type;
  Outcome (*run)(Workspace arena);
};

constexpr Check kChecks[] = {
    {"gemm", "float", check_gemm<float>},
    {"gemm", "double", check_gemm<double>},
    {"trsm", "float", check_trsm<float>},
    {"trsm", "double", check_trsm<double>},
    {"householder", "float", check_householder<float>},
    {"householder", "double", check_householder<double>},
    {"householder_block", "float", check_householder_block<float>},
    {"householder_block", "double", check_householder_block<double>},
    {"cholesky", "float", check_cholesky<float>},
    {"cholesky", "double", check_cholesky<double>},
    {"lu", "float", check_lu<float>},
    {"lu", "double", check_lu<double>},
    {"qr", "float", check_qr<float>},
    {"qr", "double", check_qr<double>},
    {"svd", "float", check_svd<float>},
    {"svd", "double", check_svd<double>},
    {"lstsq", "float", check_lstsq<float>},
    {"lstsq", "double", check_lstsq<double>},
    {"streaming", "float", check_streaming<float>},
    {"streaming", "double", check_streaming<double>},
};

}  // namespace
}  // namespace stela::selfcheck

int main() {
  using namespace stela::selfcheck;
  std::printf("stela self-check: static arena of %zu bytes, threshold %.0f\n", kArenaBytes, kThreshold);
  int passed = 0, failed_count = 0;
  for (const Check& check : kChecks) {
    // Each check gets the whole arena: a Workspace is a value, so nothing is kept.
    const Outcome outcome = check.run(stela::Workspace(g_arena, sizeof g_arena));
    const bool ok = outcome.status == stela::Status::ok && outcome.ratio < kThreshold;
    if (outcome.status != stela::Status::ok)
      std::printf("  %-18s %-6s  status %s  FAILED\n", check.name, check.type, stela::to_string(outcome.status));
    else
      std::printf("  %-18s %-6s  ratio %8.3f  %s\n", check.name, check.type, outcome.ratio, ok ? "ok" : "FAILED");
    if (ok)
      ++passed;
    else
      ++failed_count;
  }
  std::printf("selfcheck: %d passed, %d failed\n", passed, failed_count);
  return failed_count == 0 ? 0 : 1;
}
