// Internal to stela's sources (not installed): the double-double residuals of the
// refinement with AVX2 + FMA (wide_residual_avx2.cpp; its card says what and how).
#pragma once

#include "../blas/isa_dispatch.hpp"
#include "stela/matrix.hpp"

namespace stela::detail {

#if defined(STELA_HAVE_AVX2_FMA_CODE)
// f := b - r - A x (r may be empty) and, unless g is empty, g := -A^T r, rounded once to
// double; A(:, j) = 2^shift_j X(:, j); f may be b itself. hi, lo: n doubles of scratch.
// Call only when use_avx2_fma(). False, nothing written, when some 2^shift_j x_j is not
// exactly a double.
bool wide_residual_avx2(MatrixView<const double> X, VectorView<const index> shift, VectorView<const double> b,
                        VectorView<const double> r, VectorView<const double> x, VectorView<double> f,
                        VectorView<double> g, double* hi, double* lo);

// The same for float, in double: lstsq_refine.hpp's portable loops compiled for AVX2 +
// FMA; fw: n doubles of scratch.
template <class T>
struct RefineProblem;
void wide_residual_float_avx2(const RefineProblem<float>& p, VectorView<const float> b, VectorView<const float> r,
                              VectorView<const float> x, VectorView<float> f, VectorView<float> g, double* fw);
#endif

}  // namespace stela::detail
