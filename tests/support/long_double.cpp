// Reference arithmetic in long double (long_double.hpp). The loops run down contiguous
// columns so that the reference products of order 260 stay cheap in the -O0 sanitizer
// build.
#include "long_double.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace stela::test {

LongMatrix product(const LongMatrix& A, const LongMatrix& B, bool ta, bool tb) {
  const index m = ta ? A.cols : A.rows, k = ta ? A.rows : A.cols, n = tb ? B.rows : B.cols;
  LongMatrix C(m, n);
  for (index j = 0; j < n; ++j) {
    Long* c = C.col(j);
    for (index p = 0; p < k; ++p) {
      const Long b = tb ? B(j, p) : B(p, j);
      if (b == 0) continue;
      if (!ta) {
        // c_j += a_p b_pj, down column p of A
        const Long* ap = A.col(p);
        for (index i = 0; i < m; ++i) c[i] += ap[i] * b;
      } else {
        // c_j += (row p of A^T) b_pj = A(p, i) b_pj for each i
        for (index i = 0; i < m; ++i) c[i] += A(p, i) * b;
      }
    }
  }
  return C;
}

LongMatrix minus(const LongMatrix& A, const LongMatrix& B) {
  LongMatrix C = A;
  for (std::size_t i = 0; i < C.a.size(); ++i) C.a[i] -= B.a[i];
  return C;
}

LongMatrix transposed(const LongMatrix& A) {
  LongMatrix B(A.cols, A.rows);
  for (index j = 0; j < A.cols; ++j)
    for (index i = 0; i < A.rows; ++i) B(j, i) = A(i, j);
  return B;
}

LongMatrix solve_long(LongMatrix A, LongMatrix B) {
  const index n = A.rows;
  // Reduce A to upper triangular U = L^{-1} P A, applying the same row operations to B.
  for (index j = 0; j < n; ++j) {
    index p = j;
    for (index i = j + 1; i < n; ++i)
      if (std::fabs(A(i, j)) > std::fabs(A(p, j))) p = i;
    for (index c = 0; c < n; ++c) std::swap(A(j, c), A(p, c));
    for (index c = 0; c < B.cols; ++c) std::swap(B(j, c), B(p, c));
    for (index i = j + 1; i < n; ++i) {
      const Long l = A(i, j) / A(j, j);
      for (index c = j; c < n; ++c) A(i, c) -= l * A(j, c);
      for (index c = 0; c < B.cols; ++c) B(i, c) -= l * B(j, c);
    }
  }
  // B := U^{-1} B, back substitution.
  for (index j = n - 1; j >= 0; --j)
    for (index c = 0; c < B.cols; ++c) {
      Long s = B(j, c);
      for (index i = j + 1; i < n; ++i) s -= A(j, i) * B(i, c);
      B(j, c) = s / A(j, j);
    }
  return B;
}

Long one_norm(const LongMatrix& A) {
  Long worst = 0;
  for (index j = 0; j < A.cols; ++j) {
    Long sum = 0;
    const Long* c = A.col(j);
    for (index i = 0; i < A.rows; ++i) sum += std::fabs(c[i]);
    worst = std::max(worst, sum);
  }
  return worst;
}

Long frobenius(const LongMatrix& A) {
  Long s = 0;
  for (Long x : A.a) s += x * x;
  return std::sqrt(s);
}

Long column_norm(const LongMatrix& A, index j) {
  Long s = 0;
  const Long* c = A.col(j);
  for (index i = 0; i < A.rows; ++i) s += c[i] * c[i];
  return std::sqrt(s);
}

}  // namespace stela::test
