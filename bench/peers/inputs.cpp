// The inputs of bench_peers, built once per process and shape (a geometric 1024 x 1024
// matrix costs about a second to generate; Google Benchmark calls a case several times).
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <tuple>
#include <utility>

#include "peers.hpp"
#include "stela/blas.hpp"
#include "stela/random.hpp"

namespace stela::peers {
namespace {

// The value of `key` in `cache`, made by `make()` the first time it is asked for.
template <class Key, class Value, class Make>
const Value& cached(std::map<Key, std::unique_ptr<Value>>& cache, const Key& key, Make make) {
  auto found = cache.find(key);
  if (found == cache.end()) found = cache.emplace(key, std::make_unique<Value>(make())).first;
  return *found->second;
}

}  // namespace

template <class T>
const Matrix<T>& gaussian_input(index m, index n, int which) {
  static std::map<std::tuple<index, index, int>, std::unique_ptr<Matrix<T>>> cache;
  return cached(cache, std::make_tuple(m, n, which), [&] {
    const std::uint64_t seed = 17 + static_cast<std::uint64_t>(which);
    return make_test_matrix<T>(MatrixType::gaussian, m, n, seed).A;
  });
}

template <class T>
const Matrix<T>& spd_input(index n) {
  static std::map<index, std::unique_ptr<Matrix<T>>> cache;
  return cached(cache, n, [&] {
    Rng rng(1);
    Matrix<T> A(n, n);
    fill_uniform(rng, A.view());
    for (index j = 0; j < n; ++j) {
      for (index i = j + 1; i < n; ++i) A(j, i) = A(i, j);
      A(j, j) = T(2 * n);
    }
    return A;
  });
}

template <class T>
const LstsqProblem<T>& lstsq_problem(index m, index n) {
  static std::map<std::pair<index, index>, std::unique_ptr<LstsqProblem<T>>> cache;
  return cached(cache, std::make_pair(m, n), [&] {
    CatalogueOptions opts;
    opts.kappa = sizeof(T) == sizeof(float) ? 1e2 : 1e4;
    TestMatrix<T> tm = make_test_matrix<T>(MatrixType::geometric, m, n, 11, opts);
    LstsqProblem<T> p;
    p.X = std::move(tm.A);
    // w_true = V c lies in the row space of X.
    Rng rng(12);
    Vector<T> c(tm.V.cols());
    fill_gaussian(rng, c.view());
    p.w_true = Vector<T>(n);
    // w_true := V c;  y := X w_true
    const Status s1 = gemv(Op::none, T(1), MatrixView<const T>(tm.V), VectorView<const T>(c), T(0), p.w_true.view());
    p.y = Matrix<T>(m, 1);
    const Status s2 = gemv(Op::none, T(1), MatrixView<const T>(p.X), VectorView<const T>(p.w_true), T(0), p.y.col(0));
    if (s1 != Status::ok || s2 != Status::ok)
      p.y(0, 0) = std::numeric_limits<T>::quiet_NaN();  // every solver then fails
    return p;
  });
}

template const Matrix<float>& gaussian_input<float>(index, index, int);
template const Matrix<double>& gaussian_input<double>(index, index, int);
template const Matrix<float>& spd_input<float>(index);
template const Matrix<double>& spd_input<double>(index);
template const LstsqProblem<float>& lstsq_problem<float>(index, index);
template const LstsqProblem<double>& lstsq_problem<double>(index, index);

}  // namespace stela::peers
