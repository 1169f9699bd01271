// The parts of a factored matrix as dense matrices (the triangles LAPACK packs into one
// array) and column permutations, for reassembling A from its factors.
#pragma once

#include <algorithm>
#include <vector>

#include "stela/matrix.hpp"

namespace stela::test {

// Column j of the result is column perm[j] of A (A P).
template <class T>
Matrix<T> permute_columns(MatrixView<const T> A, VectorView<const index> perm) {
  Matrix<T> AP(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) AP(i, j) = A(i, perm[j]);
  return AP;
}

// The upper trapezoid of a factored matrix: rows 0..k-1, zeros below the diagonal.
template <class T>
Matrix<T> upper_part(MatrixView<const T> F, index k) {
  Matrix<T> R(k, F.cols());
  for (index j = 0; j < F.cols(); ++j)
    for (index i = 0; i < std::min(k, j + 1); ++i) R(i, j) = F(i, j);
  return R;
}

// Whether perm holds each of 0..n-1 once.
inline bool is_permutation(VectorView<const index> perm) {
  std::vector<int> seen(static_cast<std::size_t>(perm.size()), 0);
  for (index j = 0; j < perm.size(); ++j) {
    if (perm[j] < 0 || perm[j] >= perm.size() || seen[static_cast<std::size_t>(perm[j])]) return false;
    seen[static_cast<std::size_t>(perm[j])] = 1;
  }
  return true;
}

// The unit lower trapezoid of a factored m x n matrix (LU's L): m x min(m, n), ones on
// the diagonal, the entries below it from F.
template <class T>
Matrix<T> unit_lower_part(MatrixView<const T> F) {
  const index m = F.rows(), k = std::min(F.rows(), F.cols());
  Matrix<T> L(m, k);
  for (index j = 0; j < k; ++j) {
    L(j, j) = T(1);
    for (index i = j + 1; i < m; ++i) L(i, j) = F(i, j);
  }
  return L;
}

// The lower triangle of A as a matrix with zeros above the diagonal.
template <class T>
Matrix<T> lower_of(MatrixView<const T> A) {
  Matrix<T> L(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i) L(i, j) = A(i, j);
  return L;
}

// The symmetric matrix whose lower triangle A holds.
template <class T>
Matrix<T> symmetric_from_lower(MatrixView<const T> A) {
  Matrix<T> S(A.rows(), A.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = j; i < A.rows(); ++i) S(i, j) = S(j, i) = A(i, j);
  return S;
}

}  // namespace stela::test
