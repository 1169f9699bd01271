// stela/matrix.hpp — dense column-major matrices and vectors, owning and as views.
//
// Storage is column-major as in LAPACK: entry (i, j) of a view lives at
// data[i + j * ld], where the leading dimension ld >= max(1, rows) is the distance
// between the starts of two neighbouring columns. A block of a view is a view with the
// same leading dimension, so a view of a view still addresses the parent's storage.
//
// Read-only and writable views are two types that convert one way:
//
//   MatrixView<const T>   read-only view (pointer, rows, cols, ld)
//   MatrixView<T>         writable view; derives from MatrixView<const T>
//   Matrix<T>             owns its storage; derives from MatrixView<const T>, and
//                         `view()` (or a block of it) gives a writable view
//
// The derivation is what lets a function template declared as
// `f(MatrixView<const T> A)` accept a Matrix<double>, a MatrixView<double> or a
// MatrixView<const double> alike: template argument deduction looks through public
// base classes, where it would not look through conversion operators. The same holds
// for VectorView<const T>, VectorView<T> (with a stride) and Vector<T>.
//
// Views never allocate and are passed by value. Matrix and Vector allocate (through
// std::vector) and belong to the high-level layer; the low-level routines take views.
// Index checks are debug assertions: indexing is the caller's contract, as with
// std::span. Everything a user can get wrong at run time (shapes, values) is reported
// by the routines as a Status instead.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <vector>

#include "stela/status.hpp"

// STELA_ASSERT(cond), the one assertion macro of the core.
//
// The core checks user input and returns a Status; STELA_ASSERT only guards internal
// invariants and the callers' contract on kernels and views (indices in range, shapes
// that fit), as a debug build's assert does.
//
// By default STELA_ASSERT(cond) is the standard assert(cond): checked unless NDEBUG is
// defined. To route it elsewhere, define STELA_ASSERT before any stela header is
// included, identically for stela's own sources and the program (the views' inline
// members use it, so the two must agree), most simply in a header force-included into
// every file (-include my_stela_config.h) that declares the hook and defines
//     #define STELA_ASSERT(cond) ((cond) ? (void)0 : my_assert_failed(__FILE__, __LINE__))
// Embedded builds do this to send a broken invariant to their own handler (a breakpoint,
// a reset, a log line) instead of the C library's assert, whose __assert_func pulls in
// fiprintf, stdio and malloc. Defining it as ((void)0) removes the checks, as NDEBUG does.
#ifndef STELA_ASSERT
#include <cassert>
#define STELA_ASSERT(cond) assert(cond)
#endif

namespace stela {

template <class T>
class VectorView;
template <class T>
class MatrixView;

namespace detail {
// p + k for the sub-views below, except that a null p stays null: an empty Matrix (0 x n
// or m x 0) has no storage, yet its columns, rows and blocks are valid empty views, and
// offsetting a null pointer by anything but 0 is undefined behaviour (found by
// tools/fuzz/fuzz_solvers under UBSan: a ridge of a 0 x 3 X).
template <class P>
constexpr P* offset(P* p, index k) {
  return p == nullptr ? p : p + k;
}
}  // namespace detail

// ---------------------------------------------------------------------------------------
// Vectors

// Read-only strided vector: element i lives at data[i * stride]. The stride may be any
// non-zero value; a row of a column-major matrix is a vector with stride ld.
template <class T>
class VectorView<const T> {
 public:
  VectorView() = default;
  VectorView(const T* data, index size, index stride = 1) : data_(data), size_(size), stride_(stride) {
    STELA_ASSERT(size >= 0);
    STELA_ASSERT(stride != 0);
  }

  index size() const { return size_; }
  index stride() const { return stride_; }
  bool empty() const { return size_ == 0; }
  const T* data() const { return data_; }

  const T& operator[](index i) const {
    STELA_ASSERT(i >= 0 && i < size_);
    return data_[i * stride_];
  }

  // Entries start, start + 1, ..., start + count - 1.
  VectorView<const T> segment(index start, index count) const {
    STELA_ASSERT(start >= 0 && count >= 0 && start + count <= size_);
    return VectorView<const T>(detail::offset(data_, start * stride_), count, stride_);
  }

 protected:
  const T* data_ = nullptr;
  index size_ = 0;
  index stride_ = 1;
};

// Writable strided vector. The accessors are const (a view is a handle, like std::span)
// and give writable access to the entries.
template <class T>
class VectorView : public VectorView<const T> {
  using Base = VectorView<const T>;

 public:
  VectorView() = default;
  VectorView(T* data, index size, index stride = 1) : Base(data, size, stride) {}

  // The base stores a pointer to const; this view was built from a writable pointer,
  // so handing it back writable is sound.
  T* data() const { return const_cast<T*>(this->data_); }

  T& operator[](index i) const {
    STELA_ASSERT(i >= 0 && i < this->size_);
    return data()[i * this->stride_];
  }

  VectorView<T> segment(index start, index count) const {
    STELA_ASSERT(start >= 0 && count >= 0 && start + count <= this->size_);
    return VectorView<T>(detail::offset(data(), start * this->stride_), count, this->stride_);
  }
};

// Owning vector, contiguous (stride 1). Copies are deep.
template <class T>
class Vector : public VectorView<const T> {
  using Base = VectorView<const T>;

 public:
  Vector() = default;
  explicit Vector(index size, T value = T(0)) : storage_(static_cast<std::size_t>(size), value) { rebind(); }
  Vector(std::initializer_list<T> values) : storage_(values) { rebind(); }
  // Deep copy of any view.
  explicit Vector(VectorView<const T> x) : storage_(static_cast<std::size_t>(x.size())) {
    for (index i = 0; i < x.size(); ++i) storage_[static_cast<std::size_t>(i)] = x[i];
    rebind();
  }

  Vector(const Vector& other) : Base(), storage_(other.storage_) { rebind(); }
  Vector(Vector&& other) noexcept : Base(), storage_(std::move(other.storage_)) {
    rebind();
    other.rebind();
  }
  Vector& operator=(const Vector& other) {
    storage_ = other.storage_;
    rebind();
    return *this;
  }
  Vector& operator=(Vector&& other) noexcept {
    storage_ = std::move(other.storage_);
    rebind();
    other.rebind();
    return *this;
  }

  using Base::data;
  using Base::operator[];
  using Base::segment;
  T* data() { return storage_.data(); }
  T& operator[](index i) {
    STELA_ASSERT(i >= 0 && i < this->size_);
    return storage_[static_cast<std::size_t>(i)];
  }
  VectorView<T> view() { return VectorView<T>(storage_.data(), this->size_, 1); }
  VectorView<T> segment(index start, index count) { return view().segment(start, count); }

 private:
  void rebind() {
    this->data_ = storage_.data();
    this->size_ = static_cast<index>(storage_.size());
    this->stride_ = 1;
  }
  std::vector<T> storage_;
};

// ---------------------------------------------------------------------------------------
// Matrices

// Read-only column-major view.
template <class T>
class MatrixView<const T> {
 public:
  MatrixView() = default;
  // A view of rows x cols entries whose columns start ld apart.
  MatrixView(const T* data, index rows, index cols, index ld) : data_(data), rows_(rows), cols_(cols), ld_(ld) {
    STELA_ASSERT(rows >= 0 && cols >= 0);
    STELA_ASSERT(ld >= std::max<index>(1, rows));
  }
  // A view of contiguous storage (ld = rows).
  MatrixView(const T* data, index rows, index cols) : MatrixView(data, rows, cols, std::max<index>(1, rows)) {}

  index rows() const { return rows_; }
  index cols() const { return cols_; }
  index ld() const { return ld_; }
  bool empty() const { return rows_ == 0 || cols_ == 0; }
  const T* data() const { return data_; }

  const T& operator()(index i, index j) const {
    STELA_ASSERT(i >= 0 && i < rows_ && j >= 0 && j < cols_);
    return data_[i + j * ld_];
  }

  // The r x c block whose top-left entry is (i, j).
  MatrixView<const T> block(index i, index j, index r, index c) const {
    STELA_ASSERT(i >= 0 && j >= 0 && r >= 0 && c >= 0 && i + r <= rows_ && j + c <= cols_);
    return MatrixView<const T>(detail::offset(data_, i + j * ld_), r, c, ld_);
  }
  // Columns j, ..., j + c - 1, and rows i, ..., i + r - 1.
  MatrixView<const T> col_block(index j, index c) const { return block(0, j, rows_, c); }
  MatrixView<const T> row_block(index i, index r) const { return block(i, 0, r, cols_); }

  VectorView<const T> col(index j) const {
    STELA_ASSERT(j >= 0 && j < cols_);
    return VectorView<const T>(detail::offset(data_, j * ld_), rows_, 1);
  }
  VectorView<const T> row(index i) const {
    STELA_ASSERT(i >= 0 && i < rows_);
    return VectorView<const T>(detail::offset(data_, i), cols_, ld_);
  }
  // Entries (0,0), (1,1), ..., min(rows, cols) of them.
  VectorView<const T> diagonal() const { return VectorView<const T>(data_, std::min(rows_, cols_), ld_ + 1); }

 protected:
  const T* data_ = nullptr;
  index rows_ = 0;
  index cols_ = 0;
  index ld_ = 1;
};

// Writable column-major view.
template <class T>
class MatrixView : public MatrixView<const T> {
  using Base = MatrixView<const T>;

 public:
  MatrixView() = default;
  MatrixView(T* data, index rows, index cols, index ld) : Base(data, rows, cols, ld) {}
  MatrixView(T* data, index rows, index cols) : Base(data, rows, cols) {}

  // Built from a writable pointer, so handing it back writable is sound.
  T* data() const { return const_cast<T*>(this->data_); }

  T& operator()(index i, index j) const {
    STELA_ASSERT(i >= 0 && i < this->rows_ && j >= 0 && j < this->cols_);
    return data()[i + j * this->ld_];
  }

  MatrixView<T> block(index i, index j, index r, index c) const {
    STELA_ASSERT(i >= 0 && j >= 0 && r >= 0 && c >= 0 && i + r <= this->rows_ && j + c <= this->cols_);
    return MatrixView<T>(detail::offset(data(), i + j * this->ld_), r, c, this->ld_);
  }
  MatrixView<T> col_block(index j, index c) const { return block(0, j, this->rows_, c); }
  MatrixView<T> row_block(index i, index r) const { return block(i, 0, r, this->cols_); }

  VectorView<T> col(index j) const {
    STELA_ASSERT(j >= 0 && j < this->cols_);
    return VectorView<T>(detail::offset(data(), j * this->ld_), this->rows_, 1);
  }
  VectorView<T> row(index i) const {
    STELA_ASSERT(i >= 0 && i < this->rows_);
    return VectorView<T>(detail::offset(data(), i), this->cols_, this->ld_);
  }
  VectorView<T> diagonal() const {
    return VectorView<T>(data(), std::min(this->rows_, this->cols_), this->ld_ + 1);
  }
};

// Owning column-major matrix with ld = rows. Copies are deep.
template <class T>
class Matrix : public MatrixView<const T> {
  using Base = MatrixView<const T>;

 public:
  Matrix() { rebind(0, 0); }
  // rows x cols, every entry `value` (zero by default).
  Matrix(index rows, index cols, T value = T(0))
      : storage_(static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols), value) {
    rebind(rows, cols);
  }
  // Row-wise literal, as written on paper: Matrix<double> A{{3, 1, 0}, {6, 2, 1}}.
  // The width is that of the longest row; entries missing from a shorter row are NaN,
  // so a ragged literal is never silently padded with numbers: every routine rejects
  // the result with Status::not_finite.
  Matrix(std::initializer_list<std::initializer_list<T>> rows) {
    index m = static_cast<index>(rows.size());
    index n = 0;
    for (const auto& r : rows) n = std::max(n, static_cast<index>(r.size()));
    storage_.assign(static_cast<std::size_t>(m * n), std::numeric_limits<T>::quiet_NaN());
    rebind(m, n);
    index i = 0;
    for (const auto& r : rows) {
      index j = 0;
      for (const T& x : r) (*this)(i, j++) = x;
      ++i;
    }
  }
  // Deep copy of any view.
  explicit Matrix(MatrixView<const T> A)
      : storage_(static_cast<std::size_t>(A.rows()) * static_cast<std::size_t>(A.cols())) {
    rebind(A.rows(), A.cols());
    for (index j = 0; j < A.cols(); ++j)
      for (index i = 0; i < A.rows(); ++i) (*this)(i, j) = A(i, j);
  }

  static Matrix zeros(index rows, index cols) { return Matrix(rows, cols); }
  // The m x n matrix with ones on the diagonal (square when n is omitted).
  static Matrix identity(index m, index n = -1) {
    if (n < 0) n = m;
    Matrix I(m, n);
    for (index i = 0; i < std::min(m, n); ++i) I(i, i) = T(1);
    return I;
  }

  Matrix(const Matrix& other) : Base(), storage_(other.storage_) { rebind(other.rows_, other.cols_); }
  Matrix(Matrix&& other) noexcept : Base(), storage_(std::move(other.storage_)) {
    rebind(other.rows_, other.cols_);
    other.storage_.clear();
    other.rebind(0, 0);
  }
  Matrix& operator=(const Matrix& other) {
    storage_ = other.storage_;
    rebind(other.rows_, other.cols_);
    return *this;
  }
  Matrix& operator=(Matrix&& other) noexcept {
    storage_ = std::move(other.storage_);
    rebind(other.rows_, other.cols_);
    other.storage_.clear();
    other.rebind(0, 0);
    return *this;
  }

  // The read-only accessors of the base stay visible for const matrices; these give
  // writable access for non-const ones.
  using Base::block;
  using Base::col;
  using Base::col_block;
  using Base::data;
  using Base::diagonal;
  using Base::row;
  using Base::row_block;
  using Base::operator();

  T* data() { return storage_.data(); }
  T& operator()(index i, index j) {
    STELA_ASSERT(i >= 0 && i < this->rows_ && j >= 0 && j < this->cols_);
    return storage_[static_cast<std::size_t>(i + j * this->ld_)];
  }
  MatrixView<T> view() { return MatrixView<T>(storage_.data(), this->rows_, this->cols_, this->ld_); }
  MatrixView<T> block(index i, index j, index r, index c) { return view().block(i, j, r, c); }
  MatrixView<T> col_block(index j, index c) { return view().col_block(j, c); }
  MatrixView<T> row_block(index i, index r) { return view().row_block(i, r); }
  VectorView<T> col(index j) { return view().col(j); }
  VectorView<T> row(index i) { return view().row(i); }
  VectorView<T> diagonal() { return view().diagonal(); }

 private:
  void rebind(index rows, index cols) {
    this->data_ = storage_.data();
    this->rows_ = rows;
    this->cols_ = cols;
    this->ld_ = std::max<index>(1, rows);
  }
  std::vector<T> storage_;
};

// ---------------------------------------------------------------------------------------
// Whole-view helpers (xLASET, xLACPY). No allocation.

// Every entry of A := value.
template <class T>
void fill(MatrixView<T> A, T value) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) A(i, j) = value;
}
template <class T>
void fill(VectorView<T> x, T value) {
  for (index i = 0; i < x.size(); ++i) x[i] = value;
}

// A := the identity (ones on the diagonal, zeros elsewhere; A may be rectangular).
template <class T>
void set_identity(MatrixView<T> A) {
  fill(A, T(0));
  for (index i = 0; i < std::min(A.rows(), A.cols()); ++i) A(i, i) = T(1);
}

// B := A. The shapes must agree (a debug assertion: this is a kernel, not an entry point).
template <class T>
void copy(MatrixView<const T> A, MatrixView<T> B) {
  STELA_ASSERT(A.rows() == B.rows() && A.cols() == B.cols());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) B(i, j) = A(i, j);
}

// The transpose, as a new matrix.
template <class T>
Matrix<T> transpose(MatrixView<const T> A) {
  Matrix<T> At(A.cols(), A.rows());
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) At(j, i) = A(i, j);
  return At;
}

// True when no entry is NaN or ±Inf. Every entry point checks its input with these.
template <class T>
bool all_finite(MatrixView<const T> A) {
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i)
      if (!(A(i, j) - A(i, j) == T(0))) return false;  // x - x is NaN exactly for NaN and ±Inf
  return true;
}
template <class T>
bool all_finite(VectorView<const T> x) {
  for (index i = 0; i < x.size(); ++i)
    if (!(x[i] - x[i] == T(0))) return false;
  return true;
}

}  // namespace stela
