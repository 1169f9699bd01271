// stela/status.hpp — the error model: every call that can fail says so in its return value.
//
// The core never throws, prints or aborts on bad input. A low-level routine returns a
// `Status`; a high-level routine returns a `Result<T>`, which always holds a `T` (a
// default-constructed one when the call failed before producing anything) together with
// the status. Some failures still carry a useful value: a Cholesky that meets a
// non-positive pivot reports `info.failed_column`, an SVD that hits its iteration cap
// reports how far it got. So `Result` never hides the value behind the status.
#pragma once

#include <cstddef>
#include <utility>

namespace stela {

// Signed index type for every dimension, stride and loop counter (STYLE.md rule 7).
using index = std::ptrdiff_t;

enum class [[nodiscard]] Status {
  ok,
  dimension_mismatch,     // shapes of the arguments do not fit together
  invalid_argument,       // a value out of its documented range (negative lambda, ...)
  not_finite,             // NaN or Inf in the input (or a result that overflowed)
  not_positive_definite,  // Cholesky met a pivot that is not positive (or NaN)
  singular,               // LU met an exactly zero pivot
  rank_deficient,         // a full-rank method met a (numerically) rank-deficient matrix
  no_convergence,         // an iteration reached its documented cap
  workspace_too_small,    // the caller's workspace is smaller than *_workspace_size said
};

// A stable, lower-case name for a status, identical to its enumerator ("not_finite").
const char* to_string(Status status);

template <class T>
class [[nodiscard]] Result {
 public:
  // Success.
  Result(T value) : status_(Status::ok), value_(std::move(value)) {}  // NOLINT: implicit by design
  // Failure with nothing computed: the value is a default-constructed T.
  Result(Status status) : status_(status), value_() {}  // NOLINT: implicit by design
  // Failure (or success) with a value that carries diagnostics.
  Result(Status status, T value) : status_(status), value_(std::move(value)) {}

  Status status() const { return status_; }
  bool ok() const { return status_ == Status::ok; }
  explicit operator bool() const { return ok(); }

  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }

  T& operator*() & { return value_; }
  const T& operator*() const& { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

 private:
  Status status_;
  T value_;
};

}  // namespace stela
