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
#include <algorithm>
#include <cmath>
#include <string>

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

// The xLATMS modes for r singular values, sigma_1 = 1, sigma_r = 1/kappa.
template <class T>
Vector<T> mode_singular_values(MatrixType type, index r, double kappa, Rng& rng) {
  Vector<T> sigma(r);
  for (index i = 0; i < r; ++i) {
    const double t = r > 1 ? static_cast<double>(i) / static_cast<double>(r - 1) : 0.0;
    double s = 1;
    switch (type) {
      case MatrixType::one_large: s = i == 0 ? 1.0 : 1.0 / kappa; break;
      case MatrixType::one_small: s = i == r - 1 && r > 1 ? 1.0 / kappa : 1.0; break;
      case MatrixType::geometric: s = std::pow(kappa, -t); break;
      case MatrixType::arithmetic: s = 1.0 - t * (1.0 - 1.0 / kappa); break;
      case MatrixType::log_uniform: s = std::exp(-rng.uniform() * std::log(kappa)); break;
      default: break;
    }
    sigma[i] = static_cast<T>(s);
  }
  // log_uniform draws in any order; every mode is reported non-increasing.
  std::sort(sigma.data(), sigma.data() + r, [](T a, T b) { return a > b; });
  return sigma;
}

template <class T>
void set_factored(TestMatrix<T>& tm, Rng& rng, index m, index n, Vector<T> sigma) {
  FactoredMatrix<T> F = with_singular_values(rng, m, n, VectorView<const T>(sigma));
  tm.A = std::move(F.A);
  tm.U = std::move(F.U);
  tm.V = std::move(F.V);
  tm.sigma = std::move(sigma);
}

}  // namespace

std::vector<MatrixType> all_matrix_types() {
  return {MatrixType::zero,           MatrixType::identity,       MatrixType::diagonal,
          MatrixType::upper_triangular, MatrixType::lower_triangular, MatrixType::gaussian,
          MatrixType::one_large,      MatrixType::one_small,      MatrixType::geometric,
          MatrixType::arithmetic,     MatrixType::log_uniform,    MatrixType::rank_deficient,
          MatrixType::near_overflow,  MatrixType::near_underflow, MatrixType::graded_rows,
          MatrixType::graded_columns, MatrixType::hilbert,        MatrixType::vandermonde,
          MatrixType::kahan,          MatrixType::lauchli};
}

const char* to_string(MatrixType type) {
  switch (type) {
    case MatrixType::zero: return "zero";
    case MatrixType::identity: return "identity";
    case MatrixType::diagonal: return "diagonal";
    case MatrixType::upper_triangular: return "upper_triangular";
    case MatrixType::lower_triangular: return "lower_triangular";
    case MatrixType::gaussian: return "gaussian";
    case MatrixType::one_large: return "one_large";
    case MatrixType::one_small: return "one_small";
    case MatrixType::geometric: return "geometric";
    case MatrixType::arithmetic: return "arithmetic";
    case MatrixType::log_uniform: return "log_uniform";
    case MatrixType::rank_deficient: return "rank_deficient";
    case MatrixType::near_overflow: return "near_overflow";
    case MatrixType::near_underflow: return "near_underflow";
    case MatrixType::graded_rows: return "graded_rows";
    case MatrixType::graded_columns: return "graded_columns";
    case MatrixType::hilbert: return "hilbert";
    case MatrixType::vandermonde: return "vandermonde";
    case MatrixType::kahan: return "kahan";
    case MatrixType::lauchli: return "lauchli";
  }
  return "unknown";
}

template <class T>
TestMatrix<T> make_test_matrix(MatrixType type, index m, index n, std::uint64_t seed, const CatalogueOptions& opts) {
  const index r = std::min(m, n);
  const double kappa = opts.kappa > 0 ? opts.kappa : 1.0 / std::sqrt(static_cast<double>(eps<T>()));
  const double decades = -std::log10(static_cast<double>(eps<T>()));
  const double grading = opts.grading > 0 ? opts.grading : 0.75 * decades;
  const index rank = opts.rank >= 0 ? std::min(opts.rank, r) : r / 2;
  const double delta = opts.delta > 0 ? opts.delta : std::sqrt(static_cast<double>(eps<T>()));

  Rng rng(seed);
  TestMatrix<T> tm;
  tm.type = type;
  tm.name = to_string(type);
  tm.A = Matrix<T>(m, n);

  switch (type) {
    case MatrixType::zero:
      tm.sigma = Vector<T>(r);
      tm.rank = 0;
      tm.U = Matrix<T>::identity(m, r);
      tm.V = Matrix<T>::identity(n, r);
      break;
    case MatrixType::identity:
      tm.A = Matrix<T>::identity(m, n);
      tm.sigma = Vector<T>(r, T(1));
      tm.rank = r;
      tm.U = Matrix<T>::identity(m, r);
      tm.V = Matrix<T>::identity(n, r);
      break;
    case MatrixType::diagonal: {
      tm.sigma = Vector<T>(r);
      for (index i = 0; i < r; ++i) {
        tm.A(i, i) = static_cast<T>(rng.gaussian());
        tm.sigma[i] = std::abs(tm.A(i, i));
      }
      std::sort(tm.sigma.data(), tm.sigma.data() + r, [](T a, T b) { return a > b; });
      break;
    }
    case MatrixType::upper_triangular:
    case MatrixType::lower_triangular: {
      // A diagonal bounded away from zero keeps the condition number moderate; a
      // Gaussian triangle alone is exponentially ill-conditioned (Viswanath and
      // Trefethen, SIAM J. Matrix Anal. Appl. 19(2), 1998).
      const bool upper = type == MatrixType::upper_triangular;
      const T scale = T(1) / std::sqrt(static_cast<T>(std::max<index>(n, 1)));
      for (index j = 0; j < n; ++j)
        for (index i = 0; i < m; ++i) {
          if (i == j) {
            const double d = rng.uniform(1.0, 2.0);
            tm.A(i, j) = static_cast<T>(rng.uniform() < 0.5 ? -d : d);
          } else if (upper ? i < j : i > j) {
            tm.A(i, j) = scale * static_cast<T>(rng.gaussian());
          }
        }
      break;
    }
    case MatrixType::gaussian:
      fill_gaussian(rng, tm.A.view());
      break;
    case MatrixType::one_large:
    case MatrixType::one_small:
    case MatrixType::geometric:
    case MatrixType::arithmetic:
    case MatrixType::log_uniform:
      tm.name += "_kappa" + short_number(kappa);
      set_factored(tm, rng, m, n, mode_singular_values<T>(type, r, kappa, rng));
      tm.rank = r;
      break;
    case MatrixType::rank_deficient: {
      tm.name += "_r" + std::to_string(rank);
      Vector<T> sigma(r);
      for (index i = 0; i < rank; ++i)
        sigma[i] = static_cast<T>(std::pow(1e-2, rank > 1 ? double(i) / double(rank - 1) : 0.0));
      set_factored(tm, rng, m, n, std::move(sigma));
      tm.rank = rank;
      break;
    }
    case MatrixType::near_overflow:
    case MatrixType::near_underflow: {
      const T target = type == MatrixType::near_overflow ? near_overflow_norm<T>() : near_underflow_norm<T>();
      Vector<T> sigma = mode_singular_values<T>(MatrixType::geometric, r, 10.0, rng);
      for (index i = 0; i < r; ++i) sigma[i] *= target;
      set_factored(tm, rng, m, n, std::move(sigma));
      tm.rank = r;
      break;
    }
    case MatrixType::graded_rows:
    case MatrixType::graded_columns: {
      // D B or B D with D = diag(10^(-g t)), t from 0 to 1 along the graded dimension.
      tm.name += "_g" + short_number(grading);
      fill_gaussian(rng, tm.A.view());
      const bool rows = type == MatrixType::graded_rows;
      const index len = rows ? m : n;
      for (index i = 0; i < len; ++i) {
        const double t = len > 1 ? double(i) / double(len - 1) : 0.0;
        const T d = static_cast<T>(std::pow(10.0, -grading * t));
        scal(d, rows ? tm.A.row(i) : tm.A.col(i));
      }
      break;
    }
    case MatrixType::hilbert:
      for (index j = 0; j < n; ++j)
        for (index i = 0; i < m; ++i) tm.A(i, j) = T(1) / static_cast<T>(i + j + 1);
      break;
    case MatrixType::vandermonde:
      for (index i = 0; i < m; ++i) {
        const T x = m > 1 ? static_cast<T>(-1.0 + 2.0 * double(i) / double(m - 1)) : T(0);
        T power = 1;
        for (index j = 0; j < n; ++j) {
          tm.A(i, j) = power;
          power *= x;
        }
      }
      break;
    case MatrixType::kahan: {
      // K = diag(1, s, ..., s^(k-1)) (I - c N), N strictly upper ones, c = cos(theta),
      // s = sin(theta), plus 25 eps (k - i) on the diagonal so that column pivoting does
      // not reorder the (otherwise tied) columns (Higham's gallery('kahan') default).
      const double theta = 1.2, c = std::cos(theta), s = std::sin(theta);
      double row_scale = 1;
      for (index i = 0; i < r; ++i) {
        tm.A(i, i) = static_cast<T>(row_scale) + T(25) * eps<T>() * static_cast<T>(r - i);
        for (index j = i + 1; j < r; ++j) tm.A(i, j) = static_cast<T>(-c * row_scale);
        row_scale *= s;
      }
      break;
    }
    case MatrixType::lauchli: {
      // [1 1 ... 1; delta I]: sigma = sqrt(k + delta^2) once and delta k - 1 times, for
      // the (k+1) x k matrix; X^T X = ones + delta^2 I rounds to singular when
      // delta^2 < eps: the textbook failure of the normal equations.
      tm.name += "_delta" + short_number(delta);
      const index k = std::max<index>(0, std::min(n, m - 1));  // columns that get a delta
      if (m >= 1)
        for (index j = 0; j < n; ++j) tm.A(0, j) = T(1);
      for (index j = 0; j < k; ++j) tm.A(j + 1, j) = static_cast<T>(delta);
      if (k == n && n > 0) {
        tm.sigma = Vector<T>(r, static_cast<T>(delta));
        tm.sigma[0] = static_cast<T>(std::sqrt(double(n) + delta * delta));
        tm.rank = n;
      }
      break;
    }
  }
  return tm;
}

template TestMatrix<float> make_test_matrix<float>(MatrixType, index, index, std::uint64_t, const CatalogueOptions&);
template TestMatrix<double> make_test_matrix<double>(MatrixType, index, index, std::uint64_t, const CatalogueOptions&);

}  // namespace stela
