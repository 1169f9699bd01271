// The sizes, shapes and catalogue subsets of catalogue_sweeps.hpp.
#include "catalogue_sweeps.hpp"

namespace stela::test {

std::vector<index> small_sizes() { return {0, 1, 2, 3, 5, 10, 50}; }

std::vector<index> block_edge_sizes() { return {127, 128, 129, 257}; }

std::vector<index> solve_sizes() { return {1, 2, 3, 5, 10, 50, 127, 128, 129, 257}; }

std::vector<Shape> shapes_of(index s) {
  const index t = s + std::min<index>(s / 2, 10) + 3;
  return {{s, s, "square"}, {t, s, "tall"}, {s, t, "wide"}};
}

bool well_conditioned(MatrixType type) {
  switch (type) {
    case MatrixType::identity:
    case MatrixType::upper_triangular:
    case MatrixType::lower_triangular:
    case MatrixType::one_large:
    case MatrixType::one_small:
    case MatrixType::geometric:
    case MatrixType::arithmetic:
    case MatrixType::log_uniform:
    case MatrixType::near_overflow:
    case MatrixType::near_underflow:
      return true;
    default:
      return false;
  }
}

bool in_big_square_subset(MatrixType type) {
  switch (type) {
    case MatrixType::geometric:
    case MatrixType::rank_deficient:
    case MatrixType::graded_columns:
    case MatrixType::near_underflow:
    case MatrixType::kahan:
    case MatrixType::hilbert:
      return true;
    default:
      return false;
  }
}

}  // namespace stela::test
