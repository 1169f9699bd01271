// stela/workspace.hpp — caller-provided scratch memory for the low-level routines.
//
// Every in-place routine `f_inplace(..., Workspace work)` has a companion
// `f_workspace_size(...)` that says how many bytes it needs (LAPACK's LWORK query).
// The caller provides one buffer of at least that size, from anywhere: a static array
// on a microcontroller, a std::vector on a desktop. The routine checks the size before
// it touches any data and returns Status::workspace_too_small if it is short, so a
// small buffer is never overrun and the caller's matrices are left as they were.
//
// Sizes compose as the steps of an algorithm do (the idea is faer's):
//   a + b        both pieces are alive at the same time;
//   max(a, b)    one step runs after the other, so they can share the memory.
//
// A Workspace is a bump allocator over the buffer and is passed *by value*: a routine
// carves its pieces from its own copy, and when it returns, the caller's copy still
// points where it did, so the callee's scratch is free again. Sequential calls thus
// reuse the same bytes, exactly as max() in the size arithmetic assumes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "stela/matrix.hpp"
#include "stela/status.hpp"

namespace stela {

class WorkspaceSize {
 public:
  // Every piece starts on a 64-byte boundary (a cache line; enough for any SIMD load).
  static constexpr std::size_t alignment = 64;

  constexpr WorkspaceSize() = default;

  // Room for `count` values of type T (count <= 0 needs nothing).
  template <class T>
  static constexpr WorkspaceSize of(index count) {
    return WorkspaceSize(count <= 0 ? 0 : round_up(static_cast<std::size_t>(count) * sizeof(T)));
  }
  template <class T>
  static constexpr WorkspaceSize vector(index n) {
    return of<T>(n);
  }
  // An m x n matrix with leading dimension max(1, m).
  template <class T>
  static constexpr WorkspaceSize matrix(index m, index n) {
    return (m <= 0 || n <= 0) ? WorkspaceSize() : of<T>(m * n);
  }

  // Bytes the caller's buffer must hold: the pieces plus room to align the start of an
  // arbitrary buffer.
  constexpr std::size_t bytes() const { return payload_ == 0 ? 0 : payload_ + alignment; }
  // Bytes the pieces occupy once the buffer start is aligned.
  constexpr std::size_t payload() const { return payload_; }

  friend constexpr WorkspaceSize operator+(WorkspaceSize a, WorkspaceSize b) {
    return WorkspaceSize(a.payload_ + b.payload_);
  }
  constexpr WorkspaceSize& operator+=(WorkspaceSize b) {
    payload_ += b.payload_;
    return *this;
  }
  friend constexpr WorkspaceSize max(WorkspaceSize a, WorkspaceSize b) {
    return WorkspaceSize(a.payload_ > b.payload_ ? a.payload_ : b.payload_);
  }
  friend constexpr bool operator==(WorkspaceSize a, WorkspaceSize b) { return a.payload_ == b.payload_; }

 private:
  constexpr explicit WorkspaceSize(std::size_t payload) : payload_(payload) {}
  static constexpr std::size_t round_up(std::size_t b) { return (b + alignment - 1) / alignment * alignment; }
  std::size_t payload_ = 0;
};

class Workspace {
 public:
  // No memory: enough for routines whose size query returns zero.
  Workspace() = default;

  // The buffer's start is aligned up to WorkspaceSize::alignment; the bytes skipped are
  // at most alignment - 1, which WorkspaceSize::bytes() already counts.
  Workspace(void* buffer, std::size_t bytes) {
    if (buffer == nullptr) return;
    auto address = reinterpret_cast<std::uintptr_t>(buffer);
    std::size_t skip = (WorkspaceSize::alignment - address % WorkspaceSize::alignment) % WorkspaceSize::alignment;
    if (skip > bytes) return;
    next_ = static_cast<unsigned char*>(buffer) + skip;
    remaining_ = bytes - skip;
  }

  std::size_t remaining() const { return remaining_; }

  // Whether the pieces described by `size` fit in what is left.
  bool holds(WorkspaceSize size) const { return size.payload() <= remaining_; }

  // Carve `count` values of type T. If they do not fit, nothing is carved and the
  // result is null: routines call holds() first, so this is a second line of defence.
  template <class T>
  T* take(index count) {
    WorkspaceSize piece = WorkspaceSize::of<T>(count);
    if (piece.payload() == 0 || !holds(piece)) return nullptr;
    T* p = reinterpret_cast<T*>(next_);
    next_ += piece.payload();
    remaining_ -= piece.payload();
    return p;
  }
  template <class T>
  VectorView<T> vector(index n) {
    T* p = take<T>(n);
    return p == nullptr ? VectorView<T>() : VectorView<T>(p, n, 1);
  }
  // An m x n matrix with leading dimension max(1, m).
  template <class T>
  MatrixView<T> matrix(index m, index n) {
    T* p = take<T>(m * n);
    return p == nullptr ? MatrixView<T>() : MatrixView<T>(p, m, n);
  }

 private:
  unsigned char* next_ = nullptr;
  std::size_t remaining_ = 0;
};

// An owning buffer for the high-level layer: allocates `size.bytes()` and hands out a
// Workspace over it. Never used on the low-level path.
class WorkspaceBuffer {
 public:
  explicit WorkspaceBuffer(WorkspaceSize size) : bytes_(size.bytes()) {}
  Workspace workspace() { return Workspace(bytes_.data(), bytes_.size()); }

 private:
  std::vector<unsigned char> bytes_;
};

}  // namespace stela
