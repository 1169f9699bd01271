// stela/diagnostics.hpp — how trustworthy is a least-squares answer?
//
//   cond(A)                  kappa_2(A) = s_max / s_min from the singular values
//                            (+inf for a rank-deficient A, or one whose ratio is beyond
//                            the range of T; 0 x n and n x 0 give 1), computed on A
//                            scaled by a power of two, so 1e308-sized or subnormal
//                            entries are fine
//   compare_solvers(X, y)    every lstsq method on the same problem: solution, residual
//                            norm, ||X^T r|| (zero at a least-squares solution),
//                            disagreement with the SVD solution, status; and a warning
//                            when cond(X) exceeds a threshold (1e8 by default: beyond it
//                            the normal equations square the condition number past
//                            1 / eps in double, so their answer is noise).
#pragma once

#include <optional>
#include <vector>

#include "stela/lstsq.hpp"
#include "stela/matrix.hpp"
#include "stela/status.hpp"

namespace stela {

template <class T>
Result<T> cond(MatrixView<const T> A);

template <class T = double>
struct CompareOptions {
  T condition_warning = T(1e8);  // warn when cond(X) is larger
  RankTolerance<T> tolerance{};
  std::optional<bool> equilibrate = std::nullopt;  // LstsqOptions::equilibrate for every method (cond stays X's)
  bool refine = false;       // LstsqOptions::refine for every method
};

template <class T>
struct SolverReport {
  LstsqMethod method = LstsqMethod::svd;
  Status status = Status::ok;
  Vector<T> solution;  // empty when the method failed
  T residual_norm = 0;
  T xtr_norm = 0;      // ||X^T r||_2, formed from scaled X, y, w; +Inf only past T's range
  T disagreement = 0;  // ||w - w_svd||_2
};

template <class T>
struct SolverComparison {
  T cond = 0;
  bool condition_warning = false;
  std::vector<SolverReport<T>> methods;  // in the order of kAllLstsqMethods
};

template <class T>
Result<SolverComparison<T>> compare_solvers(MatrixView<const T> X, VectorView<const T> y,
                                            const CompareOptions<T>& opts = {});

}  // namespace stela
