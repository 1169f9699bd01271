// Internal to stela's sources (not installed): the QR of an upper triangle stacked on a
// block, shared by the accumulator's add_rows and merge (src/streaming/stacked_qr.cpp).
#pragma once

#include "stela/matrix.hpp"
#include "stela/status.hpp"

namespace stela::detail {

// Which part of B is not known to be zero.
enum class StackedShape {
  rectangular,       // B is b x p, every entry may be non-zero (a block of new rows)
  upper_triangular,  // B is p x p upper triangular (another R); its strict lower
                     // triangle is not read
};

// R := the R factor of [R; B] (LAPACK xTPQRT2's factorization, one reflector at a
// time): R p x p upper triangular, B as `shape` says, destroyed (it ends holding the
// reflectors' tails). w is scratch of p entries. Statuses: dimension_mismatch (shapes).
template <class T>
Status stacked_qr(MatrixView<T> R, MatrixView<T> B, StackedShape shape, VectorView<T> w);

}  // namespace stela::detail
