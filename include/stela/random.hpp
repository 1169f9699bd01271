// stela/random.hpp — a portable seeded generator and the catalogue of test matrices.
//
// The generator's output is a function of the seed alone: the same bits on every
// compiler, standard library and platform with IEEE arithmetic. It therefore uses no
// std::*_distribution (their algorithms differ between standard libraries) and no
// libm transcendental (their last bits differ between libms): uniforms come from the
// integer state, and the Gaussian transform uses only +, -, *, / and sqrt, which IEEE
// rounds exactly, plus a logarithm built from those operations (src/generators/random.cpp).
// Contracting a * b + c into a fused multiply-add would change the last bit; the
// build compiles src/generators/random.cpp with -ffp-contract=off, and a vendoring build should
// do the same to reproduce stela's test matrices bit for bit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stela/matrix.hpp"

namespace stela {

// xoshiro256** (D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4), 2021), seeded through splitmix64 so that any 64-bit
// seed, 0 included, gives a well-mixed state.
class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // 64 uniformly distributed bits.
  std::uint64_t next_u64();
  // Uniform on [0, 1), a multiple of 2^-53.
  double uniform();
  // Uniform on [lo, hi).
  double uniform(double lo, double hi);
  // Standard normal N(0, 1), by Marsaglia's polar method.
  double gaussian();

 private:
  std::uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0;
};

// The natural logarithm from +, -, *, / only: identical on every IEEE platform.
// Relative error below 2 eps for positive finite x. Used by Rng::gaussian.
double portable_log(double x);

// Fill with independent draws.
template <class T>
void fill_uniform(Rng& rng, MatrixView<T> A, T lo = T(-1), T hi = T(1));
template <class T>
void fill_gaussian(Rng& rng, MatrixView<T> A);
template <class T>
void fill_gaussian(Rng& rng, VectorView<T> x);

// ---------------------------------------------------------------------------------------
// Random orthogonal factors and matrices with prescribed singular values
// (src/generators/random_orthogonal.cpp)

// The first k columns of a Haar-distributed (uniformly random) m x m orthogonal matrix,
// k <= m: Q = H_0 S_0 H_1 S_1 ... H_{k-1} S_{k-1} [I_k; 0], where H_j is the Householder
// reflector of a fresh Gaussian vector of length m - j and S_j flips the sign of
// coordinate j when that reflector's beta is negative (G. W. Stewart, "The efficient
// generation of random orthogonal matrices with an application to condition
// estimators", SIAM J. Numer. Anal. 17(3), 1980; LAPACK's xLAROR). No decomposition is
// computed. Cost about 2 m k^2 flops.
template <class T>
Matrix<T> random_orthonormal_columns(Rng& rng, index m, index k);

// A = U diag(sigma) V^T with U (m x r) and V (n x r) Haar-random orthonormal columns,
// r = min(m, n) = sigma.size(). Returns A and keeps U and V.
template <class T>
struct FactoredMatrix {
  Matrix<T> A;
  Matrix<T> U;  // m x r
  Matrix<T> V;  // n x r
};
template <class T>
FactoredMatrix<T> with_singular_values(Rng& rng, index m, index n, VectorView<const T> sigma);

// ---------------------------------------------------------------------------------------
// The named test-matrix catalogue (src/generators/matrix_catalogue.cpp), shared by the tests, the
// benchmarks and the stability sweep. Modelled on LAPACK's test generators (xLATMS
// modes, xLATB4 scalings) and the classic hard cases of Higham's "Test Matrix Toolbox".

enum class MatrixType {
  zero,              // all zeros: rank 0
  identity,          // ones on the diagonal (rectangular allowed)
  diagonal,          // Gaussian diagonal, zeros elsewhere
  upper_triangular,  // upper trapezoid, diagonal in ±[1, 2], rest N(0, 1/n)
  lower_triangular,  // lower trapezoid, likewise
  gaussian,          // i.i.d. N(0, 1)
  // U diag(sigma) V^T with Haar U, V and sigma_1 = 1, sigma_r = 1/kappa (xLATMS modes):
  one_large,    // mode 1: sigma = 1, 1/kappa, ..., 1/kappa
  one_small,    // mode 2: sigma = 1, ..., 1, 1/kappa
  geometric,    // mode 3: sigma_i = kappa^(-i/(r-1))
  arithmetic,   // mode 4: sigma_i = 1 - (i/(r-1)) (1 - 1/kappa)
  log_uniform,  // mode 5: log sigma uniform in [log(1/kappa), 0], then sorted
  rank_deficient,   // exact rank `rank`: sigma geometric from 1 to 1e-2, then zeros
  near_overflow,    // geometric, kappa 10, scaled so ||A||_2 = 4 eps / safe_min (xLATB4)
  near_underflow,   // geometric, kappa 10, scaled so ||A||_2 = safe_min / (4 eps)
  graded_rows,      // D B, B Gaussian, D = diag(10^(-g i / (m-1))), g = `grading` decades
  graded_columns,   // B D likewise on the columns
  hilbert,          // a_ij = 1 / (i + j + 1)
  vandermonde,      // a_ij = x_i^j, x_i equispaced in [-1, 1]
  kahan,            // Kahan's upper triangle, theta = 1.2, diagonal perturbed by 25 eps
  lauchli,          // first row ones, delta on the next diagonal: [1 ... 1; delta I]
};

// Every type, in the order above.
std::vector<MatrixType> all_matrix_types();
// The type's name ("geometric", "near_overflow").
const char* to_string(MatrixType type);

struct CatalogueOptions {
  double kappa = 0;     // condition number for the xLATMS modes; 0: 1 / sqrt(eps)
  index rank = -1;      // rank for rank_deficient; -1: min(m, n) / 2
  double grading = 0;   // decades spanned by graded_*; 0: 0.75 of the type's decades of precision
  double delta = 0;     // Läuchli's delta; 0: sqrt(eps)
};

template <class T>
struct TestMatrix {
  Matrix<T> A;
  std::string name;  // type plus parameters: "geometric_kappa1e8", "rank_deficient_r5"
  MatrixType type = MatrixType::zero;
  Vector<T> sigma;   // exact singular values, non-increasing, when known; empty otherwise
  index rank = -1;   // exact rank when known; -1 otherwise
  Matrix<T> U;       // m x r left singular vectors, when the construction knows them
  Matrix<T> V;       // n x r right singular vectors, likewise
};

// One member of the catalogue. Every type accepts every shape, 0 x 0 included; types
// defined for one shape (Kahan, Läuchli) are embedded in the top-left corner of an
// m x n zero matrix where the shape differs. Deterministic in (type, m, n, seed, opts):
// the random draws are bit-identical everywhere; the matrices built from them pass
// through pow/exp and the kernels, so another libm may change their last bits.
template <class T>
TestMatrix<T> make_test_matrix(MatrixType type, index m, index n, std::uint64_t seed,
                               const CatalogueOptions& opts = {});

}  // namespace stela
