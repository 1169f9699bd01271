// General matrix-matrix multiply, cache-blocked, without workspace.
//
// Counterpart:  BLAS xGEMM.
// Computes:     C := alpha op(A) op(B) + beta C, op(X) = X or X^T; C is m x n, op(A)
//               m x k, op(B) k x n.
// Reference:    Golub & Van Loan, Matrix Computations, 4th ed., sections 1.1 and 1.5
//               (blocking for the memory hierarchy); K. Goto and R. van de Geijn,
//               "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3),
//               2008 (the loop order around a register-tiled inner kernel).
// Cost:         2mnk flops.
// Blocking:     C is processed in kNc-column, kMc-row blocks and the k dimension in
//               kKc slices, so the kMc x kKc block of op(A) that the inner kernel
//               sweeps stays in the L2 cache while it is reused for every column of
//               the C block. Unlike Goto's gemm nothing is packed: packing needs a
//               buffer, and this form takes no workspace. The packed form, several times
//               faster, is gemm(..., work) in src/blas/gemm_packed.cpp; it falls back to
//               this one when its workspace is short.
// Inner kernel: a kMr x kNr tile of C is accumulated in local variables (registers)
//               over a whole k slice and added to C once.
//                - op(A) = A: the tile is a sum of outer products of a contiguous
//                  column piece of A with kNr entries of op(B): the compiler
//                  vectorises over the kMr rows.
//                - op(A) = A^T: every entry of the tile is a dot product of two
//                  contiguous columns; each dot keeps kLanes partial sums, which the
//                  compiler maps to SIMD lanes.
//               Edges that do not fill a tile take a plain loop.
// Dispatch:     the blocks run in an AVX2 + FMA copy of the same loops where the CPU
//               has it (isa_dispatch.hpp), which vectorises the tiles four doubles wide:
//               bench_peers gemm/stela_unpacked/double, two alternations on 2026-12-03,
//               8: 0.29 and 0.30 -> 0.22 and 0.22 us, 32: 10.6 and 11.0 -> 7.7 and
//               7.7 us.
// Stability:    every entry of C is an inner product computed in some order:
//               |error| <= k eps |alpha| |op(A)| |op(B)| + eps |beta C| (Higham,
//               Accuracy and Stability, 2nd ed., section 3.5).
// Workspace:    none.
#include <algorithm>

#include "blas_kernels.hpp"
#include "isa_dispatch.hpp"
#include "stela/blas.hpp"

namespace stela {
namespace {

constexpr index kMc = 256;  // rows of a C block (and of the op(A) block kept in cache)
constexpr index kKc = 128;  // length of a k slice
constexpr index kNc = 512;  // columns of a C block
constexpr index kMr = 8;    // rows of a register tile (op(A) = A)
constexpr index kNr = 4;    // columns of a register tile
constexpr index kLanes = 4; // partial sums per dot product (op(A) = A^T)

// Entry (p, j) of op(B).
template <class T>
inline T op_entry(Op trans, MatrixView<const T> B, index p, index j) {
  return trans == Op::none ? B(p, j) : B(j, p);
}

// C += alpha A op(B) for one block: A is mb x kb (not transposed), op(B) kb x nb.
template <class T>
void block_notrans_a(Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, MatrixView<T> C) {
  const index mb = C.rows();
  const index nb = C.cols();
  const index kb = A.cols();
  const index lda = A.ld();
  index j = 0;
  for (; j + kNr <= nb; j += kNr) {
    index i = 0;
    for (; i + kMr <= mb; i += kMr) {
      // tile := sum_p A(i:i+kMr, p) op(B)(p, j:j+kNr)
      T tile[kNr][kMr] = {};
      const T* a = A.data() + i;
      for (index p = 0; p < kb; ++p, a += lda) {
        T b[kNr];
        for (index c = 0; c < kNr; ++c) b[c] = op_entry(transb, B, p, j + c);
        for (index c = 0; c < kNr; ++c)
          for (index r = 0; r < kMr; ++r) tile[c][r] += a[r] * b[c];
      }
      for (index c = 0; c < kNr; ++c)
        for (index r = 0; r < kMr; ++r) C(i + r, j + c) += alpha * tile[c][r];
    }
    // Rows below the last full tile.
    for (index c = 0; c < kNr; ++c)
      for (index p = 0; p < kb; ++p) {
        const T b = alpha * op_entry(transb, B, p, j + c);
        for (index r = i; r < mb; ++r) C(r, j + c) += A(r, p) * b;
      }
  }
  // Columns right of the last full tile: C(:, j) += A op(B)(:, j), axpy form.
  for (; j < nb; ++j)
    for (index p = 0; p < kb; ++p) {
      const T b = alpha * op_entry(transb, B, p, j);
      for (index r = 0; r < mb; ++r) C(r, j) += A(r, p) * b;
    }
}

// C += alpha A^T op(B) for one block: A is kb x mb (so A^T is mb x kb).
template <class T>
void block_trans_a(Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, MatrixView<T> C) {
  const index mb = C.rows();
  const index nb = C.cols();
  const index kb = A.rows();
  if (transb == Op::transpose) {
    // A^T B^T: neither operand has contiguous inner products; a plain loop (this
    // combination is the rarest and the least used by stela itself).
    for (index j = 0; j < nb; ++j)
      for (index i = 0; i < mb; ++i) {
        T s = 0;
        for (index p = 0; p < kb; ++p) s += A(p, i) * B(j, p);
        C(i, j) += alpha * s;
      }
    return;
  }
  // Tiles of 2 x 2 dot products, each over contiguous columns A(:, i) and B(:, j).
  index j = 0;
  for (; j + 2 <= nb; j += 2) {
    const T* b0 = B.data() + j * B.ld();
    const T* b1 = b0 + B.ld();
    index i = 0;
    for (; i + 2 <= mb; i += 2) {
      const T* a0 = A.data() + i * A.ld();
      const T* a1 = a0 + A.ld();
      T s00[kLanes] = {}, s01[kLanes] = {}, s10[kLanes] = {}, s11[kLanes] = {};
      index p = 0;
      for (; p + kLanes <= kb; p += kLanes)
        for (index l = 0; l < kLanes; ++l) {
          s00[l] += a0[p + l] * b0[p + l];
          s01[l] += a0[p + l] * b1[p + l];
          s10[l] += a1[p + l] * b0[p + l];
          s11[l] += a1[p + l] * b1[p + l];
        }
      T t00 = 0, t01 = 0, t10 = 0, t11 = 0;
      for (; p < kb; ++p) {
        t00 += a0[p] * b0[p];
        t01 += a0[p] * b1[p];
        t10 += a1[p] * b0[p];
        t11 += a1[p] * b1[p];
      }
      for (index l = 0; l < kLanes; ++l) {
        t00 += s00[l];
        t01 += s01[l];
        t10 += s10[l];
        t11 += s11[l];
      }
      C(i, j) += alpha * t00;
      C(i, j + 1) += alpha * t01;
      C(i + 1, j) += alpha * t10;
      C(i + 1, j + 1) += alpha * t11;
    }
    for (; i < mb; ++i) {
      C(i, j) += alpha * dot(A.col(i), B.col(j));
      C(i, j + 1) += alpha * dot(A.col(i), B.col(j + 1));
    }
  }
  for (; j < nb; ++j)
    for (index i = 0; i < mb; ++i) C(i, j) += alpha * dot(A.col(i), B.col(j));
}

// C(ic.., jc..) += alpha op(A)(ic.., pc..) op(B)(pc.., jc..), block by block.
template <class T>
void add_product_by_blocks(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B,
                           MatrixView<T> C, index k) {
  const index m = C.rows();
  const index n = C.cols();
  for (index jc = 0; jc < n; jc += kNc) {
    const index nb = std::min(kNc, n - jc);
    for (index pc = 0; pc < k; pc += kKc) {
      const index kb = std::min(kKc, k - pc);
      MatrixView<const T> Bblock = transb == Op::none ? B.block(pc, jc, kb, nb) : B.block(jc, pc, nb, kb);
      for (index ic = 0; ic < m; ic += kMc) {
        const index mb = std::min(kMc, m - ic);
        MatrixView<T> Cblock = C.block(ic, jc, mb, nb);
        if (transa == Op::none)
          block_notrans_a(transb, alpha, A.block(ic, pc, mb, kb), Bblock, Cblock);
        else
          block_trans_a(transb, alpha, A.block(pc, ic, kb, mb), Bblock, Cblock);
      }
    }
  }
}

// The same compiled for AVX2 + FMA (isa_dispatch.hpp): the tiles' loops then vectorise
// four doubles (eight floats) wide.
#if defined(STELA_HAVE_AVX2_FMA_CODE)
template <class T>
STELA_AVX2_FMA void add_product_by_blocks_avx2(Op transa, Op transb, T alpha, MatrixView<const T> A,
                                               MatrixView<const T> B, MatrixView<T> C, index k) {
  add_product_by_blocks(transa, transb, alpha, A, B, C, k);
}
#endif

}  // namespace

template <class T>
void detail::gemm_kernel(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                         MatrixView<T> C) {
  STELA_ASSERT(gemm_shapes_fit(transa, transb, A, B, C.rows(), C.cols()));
  const index m = C.rows();
  const index n = C.cols();
  const index k = transa == Op::none ? A.cols() : A.rows();

  // 1. C := beta C (beta = 0 overwrites without reading C).
  if (beta == T(0)) {
    fill(C, T(0));
  } else if (beta != T(1)) {
    for (index j = 0; j < n; ++j) scal(beta, C.col(j));
  }
  if (alpha == T(0) || k == 0 || m == 0 || n == 0) return;

  // 2. C += alpha op(A) op(B), block by block, in the AVX2 + FMA copy where it runs.
#if defined(STELA_HAVE_AVX2_FMA_CODE)
  if (use_avx2_fma()) return add_product_by_blocks_avx2(transa, transb, alpha, A, B, C, k);
#endif
  add_product_by_blocks(transa, transb, alpha, A, B, C, k);
}

// The checked entry: shapes, then the kernel.
template <class T>
Status gemm(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta, MatrixView<T> C) {
  if (!detail::gemm_shapes_fit(transa, transb, A, B, C.rows(), C.cols())) return Status::dimension_mismatch;
  detail::gemm_kernel(transa, transb, alpha, A, B, beta, C);
  return Status::ok;
}

template void detail::gemm_kernel<float>(Op, Op, float, MatrixView<const float>, MatrixView<const float>, float,
                                         MatrixView<float>);
template void detail::gemm_kernel<double>(Op, Op, double, MatrixView<const double>, MatrixView<const double>, double,
                                          MatrixView<double>);
template Status gemm<float>(Op, Op, float, MatrixView<const float>, MatrixView<const float>, float, MatrixView<float>);
template Status gemm<double>(Op, Op, double, MatrixView<const double>, MatrixView<const double>, double,
                             MatrixView<double>);

}  // namespace stela
