// stela/workspace.hpp — caller-provided scratch memory for the low-level routines.
//
// Every in-place routine `f_inplace(..., Workspace work)` has a companion
// `f_workspace_size(...)` that says how many bytes it needs (LAPACK's LWORK query).
// The caller provides one buffer, from anywhere: a static array on a microcontroller, a
// std::vector on a desktop. The routine checks the size before it touches any data and
// returns Status::workspace_too_small if it is short, so a small buffer is never
// overrun and the caller's matrices are left as they were.
//
// Minimum and optimal (LAPACK's minimal LWORK and the LWORK its query returns): a query
// gives two sizes. bytes() is the optimal one, what to allocate for full speed;
// minimum_bytes() is the least the routine accepts. A routine that works in blocks
// (Householder QR, applying and forming Q, and everything built on them) takes the
// largest block size whose scratch fits in what it is given, up to the block size it
// was asked for, and runs its unblocked algorithm when not even a block of one fits;
// at the minimum it is therefore unblocked. The results agree up to rounding whatever
// the workspace. Routines without blocking report minimum == optimal. The high-level
// layer always allocates the optimal size.
//
// Sizes compose as the steps of an algorithm do (the idea is faer's), the minimum and
// the optimal each on its own:
//   a + b        both pieces are alive at the same time;
//   max(a, b)    one step runs after the other, so they can share the memory.
// A pipeline given its minimum thus gives each step at least that step's minimum.
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

  // Room for `count` values of type T (count <= 0 needs nothing); minimum = optimal.
  template <class T>
  static constexpr WorkspaceSize of(index count) {
    const std::size_t b = count <= 0 ? 0 : round_up(static_cast<std::size_t>(count) * sizeof(T));
    return WorkspaceSize(b, b);
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

  // A blocked routine's size: it runs with `minimum` (its unblocked algorithm's pieces)
  // and at full speed with `optimal` (its pieces at the full block size). Each is taken
  // at its optimal; the optimal is raised to the minimum if it were smaller.
  static constexpr WorkspaceSize range(WorkspaceSize minimum, WorkspaceSize optimal) {
    return WorkspaceSize(minimum.payload_, larger(minimum.payload_, optimal.payload_));
  }

  // Bytes the caller's buffer should hold for full speed: the pieces at the optimal size
  // plus room to align the start of an arbitrary buffer.
  constexpr std::size_t bytes() const { return with_alignment(payload_); }
  // Bytes the pieces occupy at the optimal size once the buffer start is aligned.
  constexpr std::size_t payload() const { return payload_; }
  // The least the routine accepts: as bytes() and payload(), at the minimum size.
  constexpr std::size_t minimum_bytes() const { return with_alignment(minimum_); }
  constexpr std::size_t minimum_payload() const { return minimum_; }
  // The minimum as a size of its own (minimum = optimal = this size's minimum).
  constexpr WorkspaceSize minimum() const { return WorkspaceSize(minimum_, minimum_); }

  friend constexpr WorkspaceSize operator+(WorkspaceSize a, WorkspaceSize b) {
    return WorkspaceSize(a.minimum_ + b.minimum_, a.payload_ + b.payload_);
  }
  constexpr WorkspaceSize& operator+=(WorkspaceSize b) {
    minimum_ += b.minimum_;
    payload_ += b.payload_;
    return *this;
  }
  friend constexpr WorkspaceSize max(WorkspaceSize a, WorkspaceSize b) {
    return WorkspaceSize(larger(a.minimum_, b.minimum_), larger(a.payload_, b.payload_));
  }
  friend constexpr bool operator==(WorkspaceSize a, WorkspaceSize b) {
    return a.minimum_ == b.minimum_ && a.payload_ == b.payload_;
  }

 private:
  constexpr WorkspaceSize(std::size_t minimum, std::size_t payload) : minimum_(minimum), payload_(payload) {}
  static constexpr std::size_t round_up(std::size_t b) { return (b + alignment - 1) / alignment * alignment; }
  static constexpr std::size_t larger(std::size_t a, std::size_t b) { return a > b ? a : b; }
  static constexpr std::size_t with_alignment(std::size_t p) { return p == 0 ? 0 : p + alignment; }
  std::size_t minimum_ = 0;  // minimum_ <= payload_ always
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

  // Whether what is left is enough to run with: at least size's minimum. This is the
  // check every routine makes on its caller's workspace.
  bool holds(WorkspaceSize size) const { return size.minimum_payload() <= remaining_; }

  // The block size of a blocked routine: the largest b in 1..max_block whose scratch
  // `scratch_of(b)` (a WorkspaceSize) fits in what is left, or 0 when none does, and the
  // routine runs unblocked. O(max_block) integer steps.
  template <class ScratchOf>
  index largest_block(index max_block, ScratchOf scratch_of) const {
    for (index b = max_block; b >= 1; --b)
      if (holds(scratch_of(b))) return b;
    return 0;
  }

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

// An owning buffer for the high-level layer: allocates `size.bytes()` (the optimal size)
// and hands out a Workspace over it. Never used on the low-level path.
class WorkspaceBuffer {
 public:
  explicit WorkspaceBuffer(WorkspaceSize size) : bytes_(size.bytes()) {}
  Workspace workspace() { return Workspace(bytes_.data(), bytes_.size()); }

 private:
  std::vector<unsigned char> bytes_;
};

}  // namespace stela
