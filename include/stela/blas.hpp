// stela/blas.hpp — BLAS-level kernels on views: the building blocks of every algorithm.
//
// Names follow the BLAS (dot, nrm2, axpy, gemv, gemm, trsm, ...) because generations of
// numerical code have made them the vocabulary of the field; the semantics are the
// reference BLAS's, restated in each comment. All kernels work in place on views,
// allocate nothing, and accept any leading dimension and any non-zero vector stride.
//
// Contract:
//  - Level 1 kernels take vectors of equal length; that is a debug assertion, as for
//    indexing (they sit in every inner loop).
//  - Level 2 and 3 kernels check that the shapes fit and return
//    Status::dimension_mismatch without touching the output if they do not.
//  - As in the reference BLAS, beta = 0 means "overwrite": the output is not read, so
//    NaN in an uninitialised output does not leak into the result.
//  - The triangular kernels (trsv, trsm) divide by the diagonal as given; callers that
//    can meet a zero pivot check for it first, as LAPACK's drivers do.
//
// Sources: src/blas/blas_level1.cpp, src/blas/givens.cpp, src/blas/blas_level2.cpp, src/blas/gemm.cpp,
// src/blas/gemm_packed.cpp (with its micro-kernels src/blas/gemm_microkernel_*.cpp),
// src/blas/blas_level3.cpp, src/blas/matrix_norms.cpp.
#pragma once

#include "stela/matrix.hpp"
#include "stela/status.hpp"
#include "stela/workspace.hpp"

namespace stela {

enum class Op { none, transpose };  // op(A) = A or A^T
enum class Side { left, right };    // multiply or solve from the left or the right
enum class Uplo { lower, upper };   // which triangle holds the matrix
enum class Diag { non_unit, unit };  // unit: the diagonal is taken as ones and never read
enum class Norm { one, inf, frobenius, max_abs };

// ---------------------------------------------------------------------------------------
// Level 1

// x^T y.
template <class T>
T dot(VectorView<const T> x, VectorView<const T> y);

// ||x||_2 without overflow or underflow in the intermediate squares (Blue's algorithm,
// the scheme of LAPACK 3.10's dnrm2): a vector of 1e300s or of 1e-300s gets its true
// norm. NaN in x gives NaN.
template <class T>
T nrm2(VectorView<const T> x);

// sum |x_i|.
template <class T>
T asum(VectorView<const T> x);

// Index of the first entry of largest absolute value; -1 for an empty vector. A NaN
// entry counts as larger than every number, so a NaN is never hidden by the choice.
template <class T>
index iamax(VectorView<const T> x);

// y := alpha x + y.
template <class T>
void axpy(T alpha, VectorView<const T> x, VectorView<T> y);

// x := alpha x. (alpha = 0 sets x to zero, also where x held NaN.)
template <class T>
void scal(T alpha, VectorView<T> x);

// y := x.
template <class T>
void copy(VectorView<const T> x, VectorView<T> y);

// x <-> y.
template <class T>
void swap(VectorView<T> x, VectorView<T> y);

// Scaled sum of squares (LAPACK xLASSQ, with Blue's three accumulators): accumulates
// sum x_i^2 over any number of vectors without overflow or underflow. nrm2 and the
// Frobenius norm are built on it.
template <class T>
class SumOfSquares {
 public:
  void add(VectorView<const T> x);
  void add(T x);
  // sqrt of everything added so far.
  T norm() const;

 private:
  T small_ = 0;   // sum of (x * ssml)^2 for tiny x
  T medium_ = 0;  // sum of x^2 for x in the safe range
  T big_ = 0;     // sum of (x * sbig)^2 for huge x
  bool nan_ = false;
};

// ---------------------------------------------------------------------------------------
// Givens rotations (src/blas/givens.cpp)

// The plane rotation G = [c s; -s c] with G [f; g] = [r; 0], c >= 0, c^2 + s^2 = 1,
// computed without overflow or underflow whatever the sizes of f and g
// (LAPACK 3.10 xLARTG; E. Anderson, "Algorithm 978", ACM TOMS 2017).
template <class T>
struct Givens {
  T c = 1;
  T s = 0;
  T r = 0;
};
template <class T>
Givens<T> givens(T f, T g);

// [x_i; y_i] := [c s; -s c] [x_i; y_i] for every i (BLAS xROT).
template <class T>
void rot(VectorView<T> x, VectorView<T> y, T c, T s);

// ---------------------------------------------------------------------------------------
// Level 2

// y := alpha op(A) x + beta y.
template <class T>
Status gemv(Op trans, T alpha, MatrixView<const T> A, VectorView<const T> x, T beta, VectorView<T> y);

// A := alpha x y^T + A.
template <class T>
Status ger(T alpha, VectorView<const T> x, VectorView<const T> y, MatrixView<T> A);

// x := op(A) x with A triangular (the `uplo` triangle is read, the other never).
template <class T>
Status trmv(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x);

// x := op(A)^{-1} x with A triangular: the solution of op(A) z = x.
template <class T>
Status trsv(Uplo uplo, Op trans, Diag diag, MatrixView<const T> A, VectorView<T> x);

// ---------------------------------------------------------------------------------------
// Level 3

// C := alpha op(A) op(B) + beta C, cache-blocked, no workspace (src/blas/gemm.cpp).
template <class T>
Status gemm(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta, MatrixView<T> C);

// Workspace for the packed gemm below with C m x n and inner dimension k: the packed
// blocks of op(A) and op(B) (Goto/BLIS; src/blas/gemm_packed.cpp). This is the optimal
// size; the minimum is zero, see below.
template <class T>
WorkspaceSize gemm_workspace_size(index m, index n, index k);

// C := alpha op(A) op(B) + beta C, the packed (Goto/BLIS) algorithm with a micro-kernel
// chosen once for the running CPU (AVX2 + FMA on x86-64 when the CPU has it, portable C++
// otherwise), several times faster than the form above on large operands. The packing
// buffers come from `work`; given less than gemm_workspace_size(m, n, k) (an empty
// Workspace included) it computes the same product with the unpacked form above, so it
// never fails for lack of workspace. Allocates nothing.
template <class T>
Status gemm(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta, MatrixView<T> C,
            Workspace work);

// C := alpha op(A) op(A)^T + beta C, op(A) = A (n x k) or A^T (A k x n); only the
// `uplo` triangle of C is read and written. Recursive halving onto gemm; with a
// workspace of syrk_workspace_size(n, k) (optimal; minimum 0) those gemms run packed.
template <class T>
Status syrk(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C);
template <class T>
WorkspaceSize syrk_workspace_size(index n, index k);
template <class T>
Status syrk(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C, Workspace work);

// B := alpha op(A) B (side left) or alpha B op(A) (side right), A triangular.
template <class T>
Status trmm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B);

// B := alpha op(A)^{-1} B (side left) or alpha B op(A)^{-1} (side right), A triangular:
// the solution X of op(A) X = alpha B or X op(A) = alpha B. With a workspace of
// trsm_workspace_size(side, m, n) (B m x n; optimal, minimum 0) its gemms run packed.
template <class T>
Status trsm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B);
template <class T>
WorkspaceSize trsm_workspace_size(Side side, index m, index n);
template <class T>
Status trsm(Side side, Uplo uplo, Op trans, Diag diag, T alpha, MatrixView<const T> A, MatrixView<T> B,
            Workspace work);

// ---------------------------------------------------------------------------------------
// Exact scaling by powers of two (src/blas/matrix_norms.cpp; the job of LAPACK's xLASCL, for
// the factors that keep every bit)

// The exponent e with |x| = f 2^e, f in [1/2, 1) (std::frexp); 0 for 0, Inf and NaN.
template <class T>
int binary_exponent(T x);

// A := 2^e A (x := 2^e x). Exact unless an entry leaves the normal range: one
// multiplication per entry when 2^e is representable, ldexp otherwise.
template <class T>
void scale_by_power_of_two(int e, MatrixView<T> A);
template <class T>
void scale_by_power_of_two(int e, VectorView<T> x);

// A := 2^-e A (x := 2^-e x) with e = binary_exponent(max |a_ij|), so that the largest
// |entry| lies in [1/2, 1) (A unchanged when zero). Returns e; scaling back by 2^e
// restores A exactly unless an entry left the normal range.
template <class T>
int scale_by_max_exponent(MatrixView<T> A);
template <class T>
int scale_by_max_exponent(VectorView<T> x);

// ---------------------------------------------------------------------------------------
// Matrix norms (src/blas/matrix_norms.cpp, LAPACK xLANGE)

// ||A||_1 (largest column sum of |a_ij|), ||A||_inf (largest row sum), ||A||_F (with
// the scaled sum of squares, so it neither overflows nor underflows needlessly), or
// max |a_ij|. Zero for an empty matrix; NaN when A holds a NaN.
template <class T>
T norm(MatrixView<const T> A, Norm kind);

// ---------------------------------------------------------------------------------------
// For tests and benchmarks: the packed gemm with a chosen micro-kernel.

namespace detail {

enum class GemmKernel {
  automatic,  // what gemm(..., work) uses: the fastest this CPU runs
  generic,    // portable C++, every CPU (the fallback)
  avx2_fma,   // x86-64 with AVX2 and FMA
};

// Whether this build contains `kernel` and the running CPU can execute it.
bool gemm_kernel_available(GemmKernel kernel);

// The kernel gemm(..., work) uses on this CPU (never `automatic`).
GemmKernel gemm_kernel_selected();

// gemm(..., work) with `kernel` in place of the automatic choice; an unavailable kernel
// gives Status::invalid_argument, a workspace smaller than gemm_workspace_size the
// unpacked form.
template <class T>
Status gemm_with_kernel(GemmKernel kernel, Op transa, Op transb, T alpha, MatrixView<const T> A,
                        MatrixView<const T> B, T beta, MatrixView<T> C, Workspace work);

}  // namespace detail

}  // namespace stela
