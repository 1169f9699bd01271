// Column equilibration for least squares: equilibrate_columns, step 2b of the lstsq
// pipeline (lstsq_pipeline.cpp), run when equilibrates(opts): LstsqOptions::equilibrate
// when set, else LstsqOptions::refine.
//
// Counterpart:  LAPACK xGEEQU's column half with xLAQGE's power-of-two rule (xGEEQUB),
//               applied as xGELSD's users do by hand; numpy has none.
// Computes:     A := A D, D = diag(2^e_j) with e_j = -exponent(||a_j||_2), so that every
//               nonzero column of A D has norm in [1/2, 1) and D is exact. The solver
//               then solves min ||y - (A D) w~|| and returns w = D w~.
// Reference:    A. van der Sluis, "Condition numbers and equilibration of matrices",
//               Numer. Math. 14 (1969) 14-23: unit column norms make kappa_2(A D) within
//               a factor sqrt(d) of the smallest over all diagonal D; Higham, Accuracy
//               and Stability, 2nd ed., section 7.3; Golub & Van Loan, 4th ed., 5.3.6
//               (column scaling changes only the rank decision and the minimum-norm
//               choice, not the full-rank solution).
// Cost:         2 n d for the norms, n d for the scaling.
// Invariant:    A D is exact (powers of two; an entry that would become subnormal when
//               a column of norm > 1 is scaled down by at most 2^-ceil(log2 sqrt(n))
//               keeps its subnormal rounding, far below any rank threshold); shift_j +=
//               e_j records D for the unscaling and the refinement.
// Semantics:    full column rank: the same solution as without equilibration. Rank
//               deficient: the rank rule sees the singular values of A D, so a change of
//               units of a column does not change the rank, and the minimum-norm
//               methods return the solution of least ||D^-1 w||, not of least ||w||.
// Default:      off for a plain solve, on under refine. Measured (README, "To the limit
//               of the data"; tools/stela/refine_digits.py): qr, column-scale invariant,
//               gets the same digits with and without it (8.4, 7.0, 9.6 on three
//               ill-scaled fits); svd, jacobi and qrcp go from 0 to qr's digits where
//               the unscaled rank rule truncates. The gain is the rank rule's, and the
//               price is semantic: the minimum-norm solution of a rank-deficient problem
//               and the reported singular values change, against numpy's and LAPACK's
//               conventions, so a plain solve keeps them. A refined solve asks for the
//               limit of the data: refinement runs on full-rank problems only (where
//               equilibration changes nothing but the rank decision and the rounding),
//               and without equilibration svd, jacobi and qrcp stay at 0 digits on three
//               of the four problems (--no-equilibrate --refine rows). So refine turns it
//               on unless equilibrate is set to false.
// Workspace:    none.
#include <cmath>

#include "lstsq_pipeline.hpp"
#include "stela/blas.hpp"

namespace stela::detail {

template <class T>
void equilibrate_columns(MatrixView<T> A, VectorView<index> shift) {
  for (index j = 0; j < A.cols(); ++j) {
    const T norm = nrm2(VectorView<const T>(A.col(j)));
    if (!(norm > T(0))) continue;  // a zero column stays (D_jj = 1)
    // ||a_j|| = f 2^e, f in [1/2, 1): a_j := 2^-e a_j
    int e = 0;
    static_cast<void>(std::frexp(norm, &e));
    scale_by_power_of_two(-e, A.col(j));
    shift[j] -= e;
  }
}

template void equilibrate_columns<float>(MatrixView<float>, VectorView<index>);
template void equilibrate_columns<double>(MatrixView<double>, VectorView<index>);

}  // namespace stela::detail
