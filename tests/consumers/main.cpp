// A program that uses stela, shared by the three ways of bringing stela into a project
// (add_subdirectory/, find_package/, vendored/ beside this file). It computes things
// whose answers are known exactly and returns non-zero when one is wrong.
#include <cmath>
#include <cstdio>

#include "stela/blas.hpp"
#include "stela/matrix.hpp"
#include "stela/scalar.hpp"
#include "stela/status.hpp"

int main() {
  using stela::Matrix;
  int failures = 0;

  // C := A B, every entry an exact small integer.
  const Matrix<double> A{{1, 2}, {3, 4}, {5, 6}};
  const Matrix<double> B{{1, 0, 2}, {0, 1, -1}};
  const Matrix<double> expected{{1, 2, 0}, {3, 4, 2}, {5, 6, 4}};
  Matrix<double> C(3, 3);
  const stela::Status status = stela::gemm(stela::Op::none, stela::Op::none, 1.0, A, B, 0.0, C.view());
  if (status != stela::Status::ok) {
    std::printf("gemm returned %s\n", stela::to_string(status));
    ++failures;
  }
  for (stela::index j = 0; j < 3; ++j)
    for (stela::index i = 0; i < 3; ++i)
      if (C(i, j) != expected(i, j)) {
        std::printf("C(%td, %td) = %g, expected %g\n", i, j, C(i, j), expected(i, j));
        ++failures;
      }

  // ||C||_F = sqrt(111), to a few ulps; ||(3, 4)||_2 = 5 exactly.
  const double frobenius = stela::norm(C, stela::Norm::frobenius);
  if (std::abs(frobenius - std::sqrt(111.0)) > 4 * stela::eps<double>() * std::sqrt(111.0)) {
    std::printf("||C||_F = %.17g, expected sqrt(111)\n", frobenius);
    ++failures;
  }
  const Matrix<float> x{{3}, {4}};
  if (stela::nrm2(x.col(0)) != 5.0f) {
    std::printf("||(3, 4)|| = %.9g, expected 5\n", static_cast<double>(stela::nrm2(x.col(0))));
    ++failures;
  }

  std::printf("consumer: %s\n", failures == 0 ? "gemm and norms correct" : "FAILED");
  return failures == 0 ? 0 : 1;
}
