// io/error.hpp — how the I/O layer reports failure: a value, never an exception.
//
// Reading a user's file can fail in many ways (missing file, junk token, lying header),
// and the program turns every one of them into a one-line message and exit status 2.
// So each I/O call returns `Expected<T>`: the value, or an `Error` whose message is
// ready to print and already names the file, and the line and column when they are
// known. `Expected<void>` is the same for calls that produce nothing (writers).
//
// The shape follows std::expected (C++23), which C++17 does not have.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "stela/status.hpp"

namespace stela::io {

struct Error {
  // One line, ready to print: "X.txt: line 2, column 7: cannot read 'abc' as a number".
  std::string message;
  // Where the problem is, 1-based; 0 when the error is not about one line or column.
  index line = 0;
  index column = 0;
  // A number too large for a double ("1e400"): the file is well formed, the data is
  // not finite. The program reports it as not_finite, like an explicit inf.
  bool overflow = false;
  // The input is beyond a limit the caller set (ReadLimits in matrix_io.hpp: bytes, or
  // entries and dimensions): not wrong, but more than this run may read. The program
  // reports it as resource_limit, exit status 1.
  bool limit = false;
};

template <class T>
class [[nodiscard]] Expected {
 public:
  // Two overloads rather than one by value, so that `return local;` moves the local
  // (C++17 moves implicitly only into a constructor taking T&&).
  Expected(const T& value) : state_(std::in_place_index<0>, value) {}     // NOLINT: implicit by design
  Expected(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Expected(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The value; only when ok().
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; only when !ok().
  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : failed_(true), error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return error_;
  }

 private:
  bool failed_ = false;
  Error error_;
};

}  // namespace stela::io
