// The named test-matrix catalogue shared by tests, benchmarks and the stability sweep.
//
// Counterparts: LAPACK's test generators xLATMS (singular-value modes 1-5), xLATB4
//               (the near-overflow and near-underflow norms), xLAGGE; the classics of
//               N. J. Higham, "The Test Matrix Toolbox for Matlab" (Hilbert,
//               Vandermonde, Kahan, Läuchli).
// References:   LAPACK Working Note 41 (Installation guide: test matrix types);
//               W. Kahan, "Numerical linear algebra", Canad. Math. Bull. 9, 1966 (the
//               Kahan matrix); P. Läuchli, "Jordan-Elimination und Ausgleichung nach
//               kleinsten Quadraten", Numer. Math. 3, 1961; Golub & Van Loan, Matrix
//               Computations, 4th ed., sections 5.3.7 (Läuchli) and 5.4.2 (Kahan).
// Contract:     deterministic in (type, m, n, seed, options). The random draws are
//               bit-identical on every platform (random.hpp); the matrices built from
//               them also pass through pow/exp/hypot and the library's kernels, so
//               another libm or FMA contraction may change their last bits, never
//               their type, singular values or rank.
// Layout:       one small generator per type (make_zero, make_mode<geometric_sigma>,
//               ...) and the table kCatalogue at the end, one entry per type: its name,
//               what it builds and its generator. all_matrix_types, to_string and
//               make_test_matrix all read the table, so a new type is its enumerator in
//               random.hpp and one entry here.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "stela/blas.hpp"
#include "stela/random.hpp"
#include "stela/scalar.hpp"

namespace stela {
namespace {

// LAPACK xLATB4's "large" and "small" norms: 4 eps / safe_min and its reciprocal.
// Matrices of this norm leave room for the growth of a few products before overflow
// (or underflow to subnormals).
template <class T>
T near_overflow_norm() {
  return T(4) * (eps<T>() / safe_min<T>());
}
template <class T>
T near_underflow_norm() {
  return (safe_min<T>() / eps<T>()) / T(4);
}

// A number for a name, with three significant digits and no locale: "1e8" for a
// power of ten, "1.49e-8" otherwise (the core does not use printf).
std::string short_number(double x) {
  if (!(x > 0)) return "0";
  int e = static_cast<int>(std::floor(std::log10(x)));
  long digits = std::lround(x / std::pow(10.0, e) * 100);  // mantissa in [100, 1000]
  if (digits >= 1000) {
    digits /= 10;
    ++e;
  }
  std::string mantissa = std::to_string(digits / 100);
  const long fraction = digits % 100;
  if (fraction != 0) mantissa += "." + std::to_string(fraction / 10) + (fraction % 10 ? std::to_string(fraction % 10) : "");
  return mantissa + "e" + std::to_string(e);
}

// The shape and the options of one request, with every default filled in for the
// precision T (CatalogueOptions in random.hpp says what each one means).
struct Parameters {
  index m, n;
  index r;         // min(m, n)
  double kappa;    // the xLATMS modes' condition number
  double grading;  // decades spanned by graded_*
  index rank;      // rank of rank_deficient, at most r
  double delta;    // Läuchli's delta
};

// The parameters of a request for precision T, the defaults filled in.
template <class T>
Parameters resolve(index m, index n, const CatalogueOptions& opts) {
  const index r = std::min(m, n);
  const double kappa = opts.kappa > 0 ? opts.kappa : 1.0 / std::sqrt(static_cast<double>(eps<T>()));
  const double decades = -std::log10(static_cast<double>(eps<T>()));
  const double grading = opts.grading > 0 ? opts.grading : 0.75 * decades;
  const index rank = opts.rank >= 0 ? std::min(opts.rank, r) : r / 2;
  const double delta = opts.delta > 0 ? opts.delta : std::sqrt(static_cast<double>(eps<T>()));
  return {m, n, r, kappa, grading, rank, delta};
}

// ---------------------------------------------------------------------------------------
// Singular values by formula (xLATMS modes) and matrices built from them.

// sigma_(i+1) of an xLATMS mode, i = 0, ..., r - 1, with sigma_1 = 1, sigma_r = 1/kappa.
using ModeSigma = double (*)(index i, index r, double kappa, Rng& rng);

// The position t = i / (r - 1) in [0, 1] of sigma_(i+1) (0 when r = 1).
double mode_position(index i, index r) {
  return r > 1 ? static_cast<double>(i) / static_cast<double>(r - 1) : 0.0;
}

// Mode 1: one large, the rest 1/kappa.
double one_large_sigma(index i, index, double kappa, Rng&) { return i == 0 ? 1.0 : 1.0 / kappa; }
// Mode 2: all 1 but the last, 1/kappa.
double one_small_sigma(index i, index r, double kappa, Rng&) { return i == r - 1 && r > 1 ? 1.0 / kappa : 1.0; }
// Mode 3: geometric, kappa^(-t).
double geometric_sigma(index i, index r, double kappa, Rng&) { return std::pow(kappa, -mode_position(i, r)); }
// Mode 4: arithmetic, 1 - t (1 - 1/kappa).
double arithmetic_sigma(index i, index r, double kappa, Rng&) {
  return 1.0 - mode_position(i, r) * (1.0 - 1.0 / kappa);
}
// Mode 5: log sigma uniform in [log(1/kappa), 0], one draw per value.
double log_uniform_sigma(index, index, double kappa, Rng& rng) { return std::exp(-rng.uniform() * std::log(kappa)); }

// The r singular values of a mode, non-increasing (log_uniform draws in any order).
template <class T>
Vector<T> mode_singular_values(ModeSigma sigma_of, index r, double kappa, Rng& rng) {
  Vector<T> sigma(r);
  for (index i = 0; i < r; ++i) sigma[i] = static_cast<T>(sigma_of(i, r, kappa, rng));
  std::sort(sigma.data(), sigma.data() + r, [](T a, T b) { return a > b; });
  return sigma;
}

// tm := U diag(sigma) V^T with Haar U (m x r) and V (n x r), kept with sigma.
template <class T>
void set_factored(TestMatrix<T>& tm, Rng& rng, index m, index n, Vector<T> sigma) {
  FactoredMatrix<T> F = with_singular_values(rng, m, n, VectorView<const T>(sigma));
  tm.A = std::move(F.A);
  tm.U = std::move(F.U);
  tm.V = std::move(F.V);
  tm.sigma = std::move(sigma);
}

// ---------------------------------------------------------------------------------------
// The generators, one per type. Each receives tm with A the m x n zero matrix and name
// the type's name, and fills in A, the parameters in the name, and sigma, rank, U, V
// where it knows them; rng is seeded and untouched.

template <class T>
using Generator = void (*)(TestMatrix<T>& tm, Rng& rng, const Parameters& q);

template <class T>
void make_zero(TestMatrix<T>& tm, Rng&, const Parameters& q) {
  tm.sigma = Vector<T>(q.r);
  tm.rank = 0;
  tm.U = Matrix<T>::identity(q.m, q.r);
  tm.V = Matrix<T>::identity(q.n, q.r);
}

template <class T>
void make_identity(TestMatrix<T>& tm, Rng&, const Parameters& q) {
  tm.A = Matrix<T>::identity(q.m, q.n);
  tm.sigma = Vector<T>(q.r, T(1));
  tm.rank = q.r;
  tm.U = Matrix<T>::identity(q.m, q.r);
  tm.V = Matrix<T>::identity(q.n, q.r);
}

template <class T>
void make_diagonal(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  tm.sigma = Vector<T>(q.r);
  for (index i = 0; i < q.r; ++i) {
    tm.A(i, i) = static_cast<T>(rng.gaussian());
    tm.sigma[i] = std::abs(tm.A(i, i));
  }
  std::sort(tm.sigma.data(), tm.sigma.data() + q.r, [](T a, T b) { return a > b; });
}

// The upper (or lower) trapezoid: diagonal in ±[1, 2], the rest N(0, 1/n). A diagonal
// bounded away from zero keeps the condition number moderate; a Gaussian triangle alone
// is exponentially ill-conditioned (Viswanath and Trefethen, SIAM J. Matrix Anal. Appl.
// 19(2), 1998).
template <class T>
void fill_triangle(TestMatrix<T>& tm, Rng& rng, const Parameters& q, bool upper) {
  const T scale = T(1) / std::sqrt(static_cast<T>(std::max<index>(q.n, 1)));
  for (index j = 0; j < q.n; ++j)
    for (index i = 0; i < q.m; ++i) {
      if (i == j) {
        const double d = rng.uniform(1.0, 2.0);
        tm.A(i, j) = static_cast<T>(rng.uniform() < 0.5 ? -d : d);
      } else if (upper ? i < j : i > j) {
        tm.A(i, j) = scale * static_cast<T>(rng.gaussian());
      }
    }
}

template <class T>
void make_upper_triangular(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  fill_triangle(tm, rng, q, true);
}

template <class T>
void make_lower_triangular(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  fill_triangle(tm, rng, q, false);
}

template <class T>
void make_gaussian(TestMatrix<T>& tm, Rng& rng, const Parameters&) {
  fill_gaussian(rng, tm.A.view());
}

// U diag(sigma) V^T with the singular values of one xLATMS mode, condition kappa.
template <class T, ModeSigma sigma_of>
void make_mode(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  tm.name += "_kappa" + short_number(q.kappa);
  set_factored(tm, rng, q.m, q.n, mode_singular_values<T>(sigma_of, q.r, q.kappa, rng));
  tm.rank = q.r;
}

// Exact rank q.rank: sigma geometric from 1 to 1e-2 over the first q.rank, then zeros.
template <class T>
void make_rank_deficient(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  tm.name += "_r" + std::to_string(q.rank);
  Vector<T> sigma(q.r);
  for (index i = 0; i < q.rank; ++i)
    sigma[i] = static_cast<T>(std::pow(1e-2, q.rank > 1 ? double(i) / double(q.rank - 1) : 0.0));
  set_factored(tm, rng, q.m, q.n, std::move(sigma));
  tm.rank = q.rank;
}

// Geometric singular values with kappa = 10, scaled so that ||A||_2 = target_norm().
template <class T, T (*target_norm)()>
void make_scaled(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  const T target = target_norm();
  Vector<T> sigma = mode_singular_values<T>(geometric_sigma, q.r, 10.0, rng);
  for (index i = 0; i < q.r; ++i) sigma[i] *= target;
  set_factored(tm, rng, q.m, q.n, std::move(sigma));
  tm.rank = q.r;
}

// D B (rows) or B D (columns), B Gaussian, D = diag(10^(-g t)) with t from 0 to 1
// along the graded dimension and g = q.grading decades.
template <class T>
void fill_graded(TestMatrix<T>& tm, Rng& rng, const Parameters& q, bool rows) {
  tm.name += "_g" + short_number(q.grading);
  fill_gaussian(rng, tm.A.view());
  const index len = rows ? q.m : q.n;
  for (index i = 0; i < len; ++i) {
    const double t = len > 1 ? double(i) / double(len - 1) : 0.0;
    const T d = static_cast<T>(std::pow(10.0, -q.grading * t));
    scal(d, rows ? tm.A.row(i) : tm.A.col(i));
  }
}

template <class T>
void make_graded_rows(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  fill_graded(tm, rng, q, true);
}

template <class T>
void make_graded_columns(TestMatrix<T>& tm, Rng& rng, const Parameters& q) {
  fill_graded(tm, rng, q, false);
}

template <class T>
void make_hilbert(TestMatrix<T>& tm, Rng&, const Parameters& q) {
  for (index j = 0; j < q.n; ++j)
    for (index i = 0; i < q.m; ++i) tm.A(i, j) = T(1) / static_cast<T>(i + j + 1);
}

template <class T>
void make_vandermonde(TestMatrix<T>& tm, Rng&, const Parameters& q) {
  for (index i = 0; i < q.m; ++i) {
    const T x = q.m > 1 ? static_cast<T>(-1.0 + 2.0 * double(i) / double(q.m - 1)) : T(0);
    T power = 1;
    for (index j = 0; j < q.n; ++j) {
      tm.A(i, j) = power;
      power *= x;
    }
  }
}

// K = diag(1, s, ..., s^(r-1)) (I - c N), N strictly upper ones, c = cos(theta),
// s = sin(theta), plus 25 eps (r - i) on the diagonal so that column pivoting does not
// reorder the (otherwise tied) columns (Higham's gallery('kahan') default).
template <class T>
void make_kahan(TestMatrix<T>& tm, Rng&, const Parameters& q) {
  const double theta = 1.2, c = std::cos(theta), s = std::sin(theta);
  double row_scale = 1;
  for (index i = 0; i < q.r; ++i) {
    tm.A(i, i) = static_cast<T>(row_scale) + T(25) * eps<T>() * static_cast<T>(q.r - i);
    for (index j = i + 1; j < q.r; ++j) tm.A(i, j) = static_cast<T>(-c * row_scale);
    row_scale *= s;
  }
}

// [1 1 ... 1; delta I]: sigma = sqrt(k + delta^2) once and delta k - 1 times, for the
// (k+1) x k matrix; X^T X = ones + delta^2 I rounds to singular when delta^2 < eps: the
// textbook failure of the normal equations.
template <class T>
void make_lauchli(TestMatrix<T>& tm, Rng&, const Parameters& q) {
  tm.name += "_delta" + short_number(q.delta);
  const index k = std::max<index>(0, std::min(q.n, q.m - 1));  // columns that get a delta
  if (q.m >= 1)
    for (index j = 0; j < q.n; ++j) tm.A(0, j) = T(1);
  for (index j = 0; j < k; ++j) tm.A(j + 1, j) = static_cast<T>(q.delta);
  if (k == q.n && q.n > 0) {
    tm.sigma = Vector<T>(q.r, static_cast<T>(q.delta));
    tm.sigma[0] = static_cast<T>(std::sqrt(double(q.n) + q.delta * q.delta));
    tm.rank = q.n;
  }
}

// ---------------------------------------------------------------------------------------
// The catalogue: one entry per type, in the order of the enum. Names, order and
// summaries are the same in both precisions; only the generator depends on T.

template <class T>
struct CatalogueEntry {
  MatrixType type;
  const char* name;     // the name string, and the start of TestMatrix::name
  const char* summary;  // what the generator builds
  Generator<T> make;
};

template <class T>
constexpr CatalogueEntry<T> kCatalogue[] = {
    {MatrixType::zero, "zero", "all zeros: rank 0", make_zero<T>},
    {MatrixType::identity, "identity", "ones on the diagonal", make_identity<T>},
    {MatrixType::diagonal, "diagonal", "Gaussian diagonal", make_diagonal<T>},
    {MatrixType::upper_triangular, "upper_triangular", "upper trapezoid, diagonal in ±[1, 2], rest N(0, 1/n)",
     make_upper_triangular<T>},
    {MatrixType::lower_triangular, "lower_triangular", "lower trapezoid, diagonal in ±[1, 2], rest N(0, 1/n)",
     make_lower_triangular<T>},
    {MatrixType::gaussian, "gaussian", "i.i.d. N(0, 1)", make_gaussian<T>},
    {MatrixType::one_large, "one_large", "xLATMS mode 1: sigma = 1, 1/kappa, ..., 1/kappa",
     make_mode<T, one_large_sigma>},
    {MatrixType::one_small, "one_small", "xLATMS mode 2: sigma = 1, ..., 1, 1/kappa", make_mode<T, one_small_sigma>},
    {MatrixType::geometric, "geometric", "xLATMS mode 3: sigma_i = kappa^(-i/(r-1))", make_mode<T, geometric_sigma>},
    {MatrixType::arithmetic, "arithmetic", "xLATMS mode 4: sigma_i = 1 - (i/(r-1)) (1 - 1/kappa)",
     make_mode<T, arithmetic_sigma>},
    {MatrixType::log_uniform, "log_uniform", "xLATMS mode 5: log sigma uniform in [log(1/kappa), 0]",
     make_mode<T, log_uniform_sigma>},
    {MatrixType::rank_deficient, "rank_deficient", "exact rank: sigma geometric from 1 to 1e-2, then zeros",
     make_rank_deficient<T>},
    {MatrixType::near_overflow, "near_overflow", "geometric, kappa 10, ||A||_2 = 4 eps / safe_min (xLATB4)",
     make_scaled<T, near_overflow_norm<T>>},
    {MatrixType::near_underflow, "near_underflow", "geometric, kappa 10, ||A||_2 = safe_min / (4 eps) (xLATB4)",
     make_scaled<T, near_underflow_norm<T>>},
    {MatrixType::graded_rows, "graded_rows", "D B, B Gaussian, D graded over the rows", make_graded_rows<T>},
    {MatrixType::graded_columns, "graded_columns", "B D, B Gaussian, D graded over the columns",
     make_graded_columns<T>},
    {MatrixType::hilbert, "hilbert", "a_ij = 1 / (i + j + 1)", make_hilbert<T>},
    {MatrixType::vandermonde, "vandermonde", "a_ij = x_i^j, x_i equispaced in [-1, 1]", make_vandermonde<T>},
    {MatrixType::kahan, "kahan", "Kahan's upper triangle, theta = 1.2", make_kahan<T>},
    {MatrixType::lauchli, "lauchli", "[1 ... 1; delta I]", make_lauchli<T>},
};

// Entry i describes the type with enum value i, so a type finds its entry by index.
template <class T>
constexpr bool in_enum_order() {
  index i = 0;
  for (const CatalogueEntry<T>& entry : kCatalogue<T>)
    if (entry.type != static_cast<MatrixType>(i++)) return false;
  return true;
}
static_assert(in_enum_order<float>() && in_enum_order<double>(), "kCatalogue lists the types in enum order");

// The entry of a type, or nullptr for a value outside the enum.
template <class T>
const CatalogueEntry<T>* find_entry(MatrixType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < std::size(kCatalogue<T>) ? &kCatalogue<T>[i] : nullptr;
}

}  // namespace

// The questions that do not depend on T read the double table.
std::vector<MatrixType> all_matrix_types() {
  std::vector<MatrixType> types;
  for (const CatalogueEntry<double>& entry : kCatalogue<double>) types.push_back(entry.type);
  return types;
}

const char* to_string(MatrixType type) {
  const CatalogueEntry<double>* entry = find_entry<double>(type);
  return entry != nullptr ? entry->name : "unknown";
}

template <class T>
TestMatrix<T> make_test_matrix(MatrixType type, index m, index n, std::uint64_t seed, const CatalogueOptions& opts) {
  const Parameters q = resolve<T>(m, n, opts);
  Rng rng(seed);
  TestMatrix<T> tm;
  tm.type = type;
  tm.name = to_string(type);
  tm.A = Matrix<T>(m, n);
  if (const CatalogueEntry<T>* entry = find_entry<T>(type)) entry->make(tm, rng, q);
  return tm;
}

template TestMatrix<float> make_test_matrix<float>(MatrixType, index, index, std::uint64_t, const CatalogueOptions&);
template TestMatrix<double> make_test_matrix<double>(MatrixType, index, index, std::uint64_t, const CatalogueOptions&);

}  // namespace stela
