// Internal to stela's sources (not installed): the SVD of a matrix scaled by the power of
// two every solver uses, for the SVD-based solvers (rank, null_space, range, projector,
// leverage, general_solution, pinv, cond).
//
// Why: the singular values of a matrix of finite entries can be beyond the range of T
// (sigma_1 reaches sqrt(mn) max |a_ij|) while its rank, condition number, subspaces and
// pseudoinverse are representable; and those of a subnormal matrix carry few bits. So
// the solvers, like lstsq, work on A_s = 2^-e A with e = binary_exponent(max |a_ij|)
// (scale_by_max_exponent: exact, largest |entry| in [1/2, 1)) and read
//     s(A) = 2^e s(A_s),  U and V unchanged,  A^+ = 2^-e A_s^+,
// with the rank rule's absolute tolerance scaled alike (detail::scaled_tolerance in
// qr_kernels.hpp, shared with lstsq and the COD). Every 2^k A then gives bit for bit the
// same A_s, hence the same rank, subspaces and condition number, and a pseudoinverse
// that scales exactly until it leaves the range of T.
#pragma once

#include <utility>

#include "../qr/qr_kernels.hpp"
#include "stela/blas.hpp"
#include "stela/svd.hpp"

namespace stela::detail {

template <class T>
struct ScaledSvd {
  SVD<T> svd;        // of A_s = 2^-exponent A
  int exponent = 0;  // A = 2^exponent U diag(s) V^T
};

// The SVD of 2^-e A with the given vectors and svd_opts' method and caps; its failure
// (no_convergence at the cap, invalid_argument for the method) is returned as is. A is
// finite (the callers check); an empty or zero A gives e = 0.
template <class T>
Result<ScaledSvd<T>> scaled_svd(MatrixView<const T> A, SvdVectors vectors, const SvdOptions& svd_opts) {
  ScaledSvd<T> out;
  Matrix<T> As(A);
  out.exponent = scale_by_max_exponent(As.view());  // A_s := 2^-e A
  SvdOptions opts = svd_opts;
  opts.vectors = vectors;
  Result<SVD<T>> r = svd(MatrixView<const T>(As), opts);
  if (!r.ok()) return r.status();
  out.svd = std::move(r.value());
  return out;
}

}  // namespace stela::detail
