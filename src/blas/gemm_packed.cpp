// General matrix-matrix multiply with packed panels: the five loops of Goto and BLIS.
//
// Counterpart:  BLAS xGEMM (as OpenBLAS and BLIS implement it).
// Computes:     C := alpha op(A) op(B) + beta C, op(X) = X or X^T; C is m x n, op(A)
//               m x k, op(B) k x n.
// Reference:    K. Goto and R. van de Geijn, "Anatomy of high-performance matrix
//               multiplication", ACM TOMS 34(3), 2008 (the algorithm: pack, then a
//               register-blocked kernel over cache-sized blocks); F. Van Zee and R. van de
//               Geijn, "BLIS: a framework for rapidly instantiating BLAS functionality",
//               ACM TOMS 41(3), 2015 (the five loops around one small micro-kernel, which
//               is the only ISA-specific code).
// Cost:         2mnk flops; packing reads op(A) n/nc times and op(B) once, O(mk n/nc + kn)
//               memory traffic, small next to 2mnk once k and n are a few dozen.
// The loops:    with the micro-kernel's tile mr x nr and blocks mc, kc, nc
//               (src/blas/gemm_microkernel.hpp):
//                 5. jc: C(:, jc..) and op(B)(:, jc..) in column blocks of nc      (L3)
//                 4. pc: op(B)(pc.., jc..) kc x nc packed into Bp, once per block  (L3)
//                 3. ic: op(A)(ic.., pc..) mc x kc packed into Ap                  (L2)
//                 2. jr: one kc x nr sliver of Bp                                  (L1)
//                 1. ir: one mr x kc sliver of Ap times it, in the micro-kernel    (registers)
//               Packing stores each sliver contiguously in the order the kernel reads it
//               (unit stride, aligned, no TLB misses), whatever op() and the leading
//               dimensions were, and pads the last sliver with zeros. The transposes are
//               absorbed there: the loops and the kernels see only packed blocks.
// Edges:        a tile of C with fewer than mr rows or nr columns is computed into a local
//               mr x nr buffer (from zero-padded slivers) and its live part merged into C.
// beta:         applied in the first k block only (pc = 0), by the kernel: beta = 0
//               writes C without reading it, so NaN in C does not leak; later k blocks
//               add to C.
// Workspace:    Ap (min(mc, m rounded up to mr) x min(kc, k)) plus Bp (min(kc, k) x
//               min(nc, n rounded up to nr)), for the largest blocking of the kernels this
//               build contains: gemm_workspace_size. With less (an empty Workspace
//               included) gemm computes the same product with the unpacked form
//               (src/blas/gemm.cpp): the minimum workspace is zero.
// syrk:         the same loops with op(B) = op(A)^T serve syrk on a triangle of C
//               (syrk_packed_kernel): tiles wholly outside the triangle are skipped,
//               tiles across the diagonal go through the edge buffer and keep only their
//               entries in the triangle; n^2 k flops plus O(n (mr + nr) k) on the
//               diagonal tiles.
// Dispatch:     the micro-kernel is chosen once per process: AVX2 + FMA when this build
//               has it and the CPU runs it (and STELA_KERNELS is not "generic":
//               isa_dispatch.hpp), the portable kernel otherwise.
// Stability:    every entry of C is alpha times an inner product of length k computed in
//               some order plus beta C: |error| <= k eps |alpha| |op(A)| |op(B)| +
//               eps |beta C| (Higham, Accuracy and Stability, 2nd ed., section 3.5).
#include <algorithm>

#include "blas_kernels.hpp"
#include "gemm_microkernel.hpp"
#include "isa_dispatch.hpp"
#include "stela/blas.hpp"

namespace stela {
namespace {

index round_up(index x, index multiple) { return (x + multiple - 1) / multiple * multiple; }

// The kernel behind a choice; run == nullptr when unavailable.
template <class T>
detail::MicroKernel<T> micro_kernel(detail::GemmKernel kernel) {
  switch (kernel) {
    case detail::GemmKernel::generic:
      return detail::generic_micro_kernel<T>();
    case detail::GemmKernel::avx2_fma:
      return detail::cpu_runs_avx2_fma() ? detail::avx2_fma_micro_kernel<T>() : detail::MicroKernel<T>();
    case detail::GemmKernel::automatic:
      return micro_kernel<T>(detail::gemm_kernel_selected());
  }
  return detail::MicroKernel<T>();
}

// The packed blocks for `kernel`: elements of Ap and of Bp.
template <class T>
index packed_a_size(const detail::MicroKernel<T>& kernel, index m, index k) {
  return std::min(kernel.mc, round_up(m, kernel.mr)) * std::min(kernel.kc, k);
}
template <class T>
index packed_b_size(const detail::MicroKernel<T>& kernel, index n, index k) {
  return std::min(kernel.kc, k) * std::min(kernel.nc, round_up(n, kernel.nr));
}

// Ap := op(A)(i0 : i0+mb, p0 : p0+kb) as slivers of mr rows, each stored kb x mr with
// a column of the sliver contiguous: Ap[s kb mr + p mr + i] = op(A)(i0 + s mr + i, p0 + p).
// Rows past mb are zero.
template <class T>
void pack_a(Op transa, MatrixView<const T> A, index i0, index p0, index mb, index kb, index mr, T* Ap) {
  const T* a = A.data();
  const index lda = A.ld();
  for (index is = 0; is < mb; is += mr, Ap += kb * mr) {
    const index rows = std::min(mr, mb - is);
    if (transa == Op::none) {
      // op(A)(i, p) = A(i, p): each sliver column is a contiguous piece of a column of A.
      for (index p = 0; p < kb; ++p) {
        const T* column = a + (i0 + is) + (p0 + p) * lda;
        T* dst = Ap + p * mr;
        for (index i = 0; i < rows; ++i) dst[i] = column[i];
        for (index i = rows; i < mr; ++i) dst[i] = T(0);
      }
    } else {
      // op(A)(i, p) = A(p, i): each sliver row is a contiguous piece of a column of A.
      // Walked p by p over the sliver's `rows` columns of A at once, so that the writes
      // are contiguous (mr at a time) and the reads are `rows` unit-stride streams.
      const T* columns[detail::kMaxMicroTile];
      for (index i = 0; i < rows; ++i) columns[i] = a + p0 + (i0 + is + i) * lda;
      for (index p = 0; p < kb; ++p) {
        T* dst = Ap + p * mr;
        for (index i = 0; i < rows; ++i) dst[i] = columns[i][p];
        for (index i = rows; i < mr; ++i) dst[i] = T(0);
      }
    }
  }
}

// Bp := op(B)(p0 : p0+kb, j0 : j0+nb) as slivers of nr columns, each stored kb x nr with
// a row of the sliver contiguous: Bp[s kb nr + p nr + j] = op(B)(p0 + p, j0 + s nr + j).
// Columns past nb are zero.
template <class T>
void pack_b(Op transb, MatrixView<const T> B, index p0, index j0, index kb, index nb, index nr, T* Bp) {
  const T* b = B.data();
  const index ldb = B.ld();
  for (index js = 0; js < nb; js += nr, Bp += kb * nr) {
    const index cols = std::min(nr, nb - js);
    if (transb == Op::none) {
      // op(B)(p, j) = B(p, j): each sliver column is a contiguous piece of a column of B.
      // Walked p by p over the sliver's columns at once: contiguous writes, `cols`
      // unit-stride read streams.
      const T* columns[detail::kMaxMicroTile];
      for (index j = 0; j < cols; ++j) columns[j] = b + p0 + (j0 + js + j) * ldb;
      for (index p = 0; p < kb; ++p) {
        T* dst = Bp + p * nr;
        for (index j = 0; j < cols; ++j) dst[j] = columns[j][p];
        for (index j = cols; j < nr; ++j) dst[j] = T(0);
      }
    } else {
      // op(B)(p, j) = B(j, p): each sliver row is a contiguous piece of a column of B.
      for (index p = 0; p < kb; ++p) {
        const T* column = b + (j0 + js) + (p0 + p) * ldb;
        T* dst = Bp + p * nr;
        for (index j = 0; j < cols; ++j) dst[j] = column[j];
        for (index j = cols; j < nr; ++j) dst[j] = T(0);
      }
    }
  }
}

// The five loops, with Ap and Bp already carved from the workspace. alpha != 0, k >= 1.
template <class T>
void gemm_five_loops(const detail::MicroKernel<T>& kernel, Op transa, Op transb, T alpha, MatrixView<const T> A,
                     MatrixView<const T> B, T beta, MatrixView<T> C, T* Ap, T* Bp) {
  const index m = C.rows();
  const index n = C.cols();
  const index k = transa == Op::none ? A.cols() : A.rows();
  const index mr = kernel.mr, nr = kernel.nr;
  const index ldc = C.ld();
  T edge[detail::kMaxMicroTile];

  // 5. C(:, jc : jc+nb) and op(B)(:, jc : jc+nb), nc columns at a time.
  for (index jc = 0; jc < n; jc += kernel.nc) {
    const index nb = std::min(kernel.nc, n - jc);
    // 4. The k dimension in slices of kc; the first slice applies beta.
    for (index pc = 0; pc < k; pc += kernel.kc) {
      const index kb = std::min(kernel.kc, k - pc);
      const T beta_slice = pc == 0 ? beta : T(1);
      // Bp := op(B)(pc : pc+kb, jc : jc+nb)
      pack_b(transb, B, pc, jc, kb, nb, nr, Bp);
      // 3. Rows of C and op(A) in blocks of mc.
      for (index ic = 0; ic < m; ic += kernel.mc) {
        const index mb = std::min(kernel.mc, m - ic);
        // Ap := op(A)(ic : ic+mb, pc : pc+kb)
        pack_a(transa, A, ic, pc, mb, kb, mr, Ap);
        // 2. One sliver of Bp (nr columns of C) ...
        for (index jr = 0; jr < nb; jr += nr) {
          const index cols = std::min(nr, nb - jr);
          const T* b = Bp + jr * kb;
          // 1. ... times each sliver of Ap (mr rows of C).
          for (index ir = 0; ir < mb; ir += mr) {
            const index rows = std::min(mr, mb - ir);
            const T* a = Ap + ir * kb;
            T* c = C.data() + (ic + ir) + (jc + jr) * ldc;
            if (rows == mr && cols == nr) {
              // C(tile) := alpha Ap(sliver) Bp(sliver) + beta_slice C(tile)
              kernel.run(kb, alpha, a, b, beta_slice, c, ldc);
              continue;
            }
            // Edge tile: edge := alpha Ap(sliver) Bp(sliver), then
            // C(live part) := edge + beta_slice C(live part).
            kernel.run(kb, alpha, a, b, T(0), edge, mr);
            for (index j = 0; j < cols; ++j)
              for (index i = 0; i < rows; ++i)
                c[i + j * ldc] =
                    beta_slice == T(0) ? edge[i + j * mr] : edge[i + j * mr] + beta_slice * c[i + j * ldc];
          }
        }
      }
    }
  }
}

// Whether tile rows i0..i0+rows and columns j0..j0+cols of C lie wholly outside, wholly
// inside, or across the boundary of the `uplo` triangle (the diagonal included).
enum class TilePart { outside, inside, across };

TilePart tile_part(Uplo uplo, index i0, index rows, index j0, index cols) {
  const index i_last = i0 + rows - 1, j_last = j0 + cols - 1;
  if (uplo == Uplo::lower) {
    if (i_last < j0) return TilePart::outside;  // every i < every j
    if (i0 >= j_last) return TilePart::inside;  // every i >= every j
  } else {
    if (i0 > j_last) return TilePart::outside;
    if (i_last <= j0) return TilePart::inside;
  }
  return TilePart::across;
}

// The five loops for syrk: C := alpha op(A) op(A)^T + beta C on the `uplo` triangle only.
// The same loops as gemm_five_loops with B = A (op(B) = op(A)^T); tiles outside the
// triangle are skipped (so are whole mc blocks), tiles across the diagonal go through the
// edge buffer and only their entries in the triangle are merged. alpha != 0, k >= 1.
template <class T>
void syrk_five_loops(const detail::MicroKernel<T>& kernel, Uplo uplo, Op trans, T alpha, MatrixView<const T> A,
                     T beta, MatrixView<T> C, T* Ap, T* Bp) {
  const index n = C.rows();
  const index k = trans == Op::none ? A.cols() : A.rows();
  const Op transb = trans == Op::none ? Op::transpose : Op::none;
  const index mr = kernel.mr, nr = kernel.nr;
  const index ldc = C.ld();
  T edge[detail::kMaxMicroTile];
  // 5. Column blocks of C and op(A)^T.
  for (index jc = 0; jc < n; jc += kernel.nc) {
    const index nb = std::min(kernel.nc, n - jc);
    // 4. k in slices of kc; the first applies beta.
    for (index pc = 0; pc < k; pc += kernel.kc) {
      const index kb = std::min(kernel.kc, k - pc);
      const T beta_slice = pc == 0 ? beta : T(1);
      // Bp := op(A)^T(pc : pc+kb, jc : jc+nb)
      pack_b(transb, A, pc, jc, kb, nb, nr, Bp);
      // 3. Row blocks of mc that meet the triangle.
      for (index ic = 0; ic < n; ic += kernel.mc) {
        const index mb = std::min(kernel.mc, n - ic);
        if (tile_part(uplo, ic, mb, jc, nb) == TilePart::outside) continue;
        // Ap := op(A)(ic : ic+mb, pc : pc+kb)
        pack_a(trans, A, ic, pc, mb, kb, mr, Ap);
        // 2-1. Slivers of Bp times slivers of Ap, the tiles that meet the triangle.
        for (index jr = 0; jr < nb; jr += nr) {
          const index cols = std::min(nr, nb - jr);
          const T* b = Bp + jr * kb;
          for (index ir = 0; ir < mb; ir += mr) {
            const index rows = std::min(mr, mb - ir);
            const index i0 = ic + ir, j0 = jc + jr;
            const TilePart part = tile_part(uplo, i0, rows, j0, cols);
            if (part == TilePart::outside) continue;
            const T* a = Ap + ir * kb;
            T* c = C.data() + i0 + j0 * ldc;
            if (part == TilePart::inside && rows == mr && cols == nr) {
              // C(tile) := alpha Ap(sliver) Bp(sliver) + beta_slice C(tile)
              kernel.run(kb, alpha, a, b, beta_slice, c, ldc);
              continue;
            }
            // edge := alpha Ap(sliver) Bp(sliver); C(entries in the triangle) := edge + beta_slice C.
            kernel.run(kb, alpha, a, b, T(0), edge, mr);
            for (index j = 0; j < cols; ++j)
              for (index i = 0; i < rows; ++i) {
                const bool in_triangle = uplo == Uplo::lower ? i0 + i >= j0 + j : i0 + i <= j0 + j;
                if (!in_triangle) continue;
                c[i + j * ldc] = beta_slice == T(0) ? edge[i + j * mr] : edge[i + j * mr] + beta_slice * c[i + j * ldc];
              }
          }
        }
      }
    }
  }
}

// C := beta C, the whole product when alpha = 0 or k = 0 (beta = 0 overwrites).
template <class T>
void scale_c(T beta, MatrixView<T> C) {
  if (beta == T(0)) {
    fill(C, T(0));
  } else if (beta != T(1)) {
    for (index j = 0; j < C.cols(); ++j) scal(beta, C.col(j));
  }
}

}  // namespace

bool detail::gemm_kernel_available(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::automatic:
    case GemmKernel::generic:
      return true;
    case GemmKernel::avx2_fma:
      return cpu_runs_avx2_fma();
  }
  return false;
}

detail::GemmKernel detail::gemm_kernel_selected() {
  return use_avx2_fma() ? GemmKernel::avx2_fma : GemmKernel::generic;
}

template <class T>
WorkspaceSize gemm_workspace_size(index m, index n, index k) {
  if (m <= 0 || n <= 0 || k <= 0) return WorkspaceSize();
  // The largest over the kernels this build contains, so that one size serves whichever
  // kernel runs (and the tests that force one).
  WorkspaceSize size = WorkspaceSize::of<T>(packed_a_size(detail::generic_micro_kernel<T>(), m, k)) +
                       WorkspaceSize::of<T>(packed_b_size(detail::generic_micro_kernel<T>(), n, k));
  const detail::MicroKernel<T> avx2 = detail::avx2_fma_micro_kernel<T>();
  if (avx2.run != nullptr)
    size = max(size, WorkspaceSize::of<T>(packed_a_size(avx2, m, k)) + WorkspaceSize::of<T>(packed_b_size(avx2, n, k)));
  // The minimum is nothing: with less than the optimal size gemm takes the unpacked form.
  return WorkspaceSize::range(WorkspaceSize(), size);
}

template <class T>
Status detail::gemm_with_kernel(GemmKernel choice, Op transa, Op transb, T alpha, MatrixView<const T> A,
                                MatrixView<const T> B, T beta, MatrixView<T> C, Workspace work) {
  // 1. Shapes, then the kernel choice.
  if (!gemm_shapes_fit(transa, transb, A, B, C.rows(), C.cols())) return Status::dimension_mismatch;
  const MicroKernel<T> kernel = micro_kernel<T>(choice);
  if (kernel.run == nullptr) return Status::invalid_argument;
  const index m = C.rows();
  const index n = C.cols();
  const index k = transa == Op::none ? A.cols() : A.rows();

  // 2. Quick return: C := beta C when there is no product to add.
  if (m == 0 || n == 0) return Status::ok;
  if (alpha == T(0) || k == 0) {
    scale_c(beta, C);
    return Status::ok;
  }

  // 3. Packing buffers from the workspace; short of them, the unpacked form.
  const index a_size = packed_a_size(kernel, m, k);
  const index b_size = packed_b_size(kernel, n, k);
  if (!work.holds(WorkspaceSize::of<T>(a_size) + WorkspaceSize::of<T>(b_size))) {
    gemm_kernel(transa, transb, alpha, A, B, beta, C);
    return Status::ok;
  }
  T* Ap = work.take<T>(a_size);
  T* Bp = work.take<T>(b_size);

  // 4. C := alpha op(A) op(B) + beta C, the five loops.
  gemm_five_loops(kernel, transa, transb, alpha, A, B, beta, C, Ap, Bp);
  return Status::ok;
}

template <class T>
Status gemm(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta, MatrixView<T> C,
            Workspace work) {
  return detail::gemm_with_kernel(detail::GemmKernel::automatic, transa, transb, alpha, A, B, beta, C, work);
}

template <class T>
void detail::gemm_kernel(Op transa, Op transb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                         MatrixView<T> C, Workspace work) {
  // The shapes fit by construction at every internal call, so the status is ok.
  const Status status = gemm_with_kernel(GemmKernel::automatic, transa, transb, alpha, A, B, beta, C, work);
  STELA_ASSERT(status == Status::ok);
  static_cast<void>(status);
}

template <class T>
bool detail::syrk_packed_kernel(Uplo uplo, Op trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C,
                                Workspace work) {
  const index n = C.rows();
  const index k = trans == Op::none ? A.cols() : A.rows();
  if (n == 0 || alpha == T(0) || k == 0) return false;
  const MicroKernel<T> kernel = micro_kernel<T>(GemmKernel::automatic);
  const index a_size = packed_a_size(kernel, n, k);
  const index b_size = packed_b_size(kernel, n, k);
  if (!work.holds(WorkspaceSize::of<T>(a_size) + WorkspaceSize::of<T>(b_size))) return false;
  T* Ap = work.take<T>(a_size);
  T* Bp = work.take<T>(b_size);
  syrk_five_loops(kernel, uplo, trans, alpha, A, beta, C, Ap, Bp);
  return true;
}

template bool detail::syrk_packed_kernel<float>(Uplo, Op, float, MatrixView<const float>, float, MatrixView<float>,
                                                Workspace);
template bool detail::syrk_packed_kernel<double>(Uplo, Op, double, MatrixView<const double>, double,
                                                 MatrixView<double>, Workspace);
template void detail::gemm_kernel<float>(Op, Op, float, MatrixView<const float>, MatrixView<const float>, float,
                                         MatrixView<float>, Workspace);
template void detail::gemm_kernel<double>(Op, Op, double, MatrixView<const double>, MatrixView<const double>,
                                          double, MatrixView<double>, Workspace);
template WorkspaceSize gemm_workspace_size<float>(index, index, index);
template WorkspaceSize gemm_workspace_size<double>(index, index, index);
template Status detail::gemm_with_kernel<float>(detail::GemmKernel, Op, Op, float, MatrixView<const float>,
                                                MatrixView<const float>, float, MatrixView<float>, Workspace);
template Status detail::gemm_with_kernel<double>(detail::GemmKernel, Op, Op, double, MatrixView<const double>,
                                                 MatrixView<const double>, double, MatrixView<double>, Workspace);
template Status gemm<float>(Op, Op, float, MatrixView<const float>, MatrixView<const float>, float, MatrixView<float>,
                            Workspace);
template Status gemm<double>(Op, Op, double, MatrixView<const double>, MatrixView<const double>, double,
                             MatrixView<double>, Workspace);

}  // namespace stela
