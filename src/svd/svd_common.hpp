// Helpers shared by the SVD sources (not part of the public interface).
#pragma once

#include <algorithm>

#include "stela/svd.hpp"

namespace stela::svd_detail {

// Whether s, U and V have the shapes the options ask for, for an m x n matrix:
// s has min(m, n) entries; U is m x k or m x m, V is n x k or n x n (thin or full);
// with SvdVectors::none, U and V are not referenced.
template <class T>
bool shapes_fit(index m, index n, VectorView<const T> s, MatrixView<const T> U, MatrixView<const T> V,
                SvdVectors vectors) {
  const index k = std::min(m, n);
  if (s.size() != k) return false;
  switch (vectors) {
    case SvdVectors::none: return true;
    case SvdVectors::thin: return U.rows() == m && U.cols() == k && V.rows() == n && V.cols() == k;
    case SvdVectors::full: return U.rows() == m && U.cols() == m && V.rows() == n && V.cols() == n;
  }
  return false;
}

// The largest of s(i:k) (the first of equal ones) moved to position i, swapped with
// s_i, and the columns of U and V with it (a view with no columns is not referenced).
template <class T>
void move_largest_to(index i, VectorView<T> s, MatrixView<T> U, MatrixView<T> V) {
  index best = i;
  for (index j = i + 1; j < s.size(); ++j)
    if (s[j] > s[best]) best = j;
  if (best == i) return;
  std::swap(s[i], s[best]);
  if (U.cols() > 0) swap(U.col(i), U.col(best));
  if (V.cols() > 0) swap(V.col(i), V.col(best));
}

// s sorted non-increasing by selection, the columns of U and V following their values
// (a view with no columns is not referenced). Selection makes at most k - 1 swaps of
// vector columns, the cost that matters; its k^2/2 comparisons are cheap.
template <class T>
void sort_non_increasing(VectorView<T> s, MatrixView<T> U, MatrixView<T> V) {
  for (index i = 0; i + 1 < s.size(); ++i) move_largest_to(i, s, U, V);
}

inline bool valid(SvdVectors vectors) {
  return vectors == SvdVectors::none || vectors == SvdVectors::thin || vectors == SvdVectors::full;
}
inline bool valid(SvdMethod method) { return method == SvdMethod::golub_kahan || method == SvdMethod::jacobi; }

}  // namespace stela::svd_detail
