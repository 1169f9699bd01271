// io/npy_rows.hpp — a range of rows of a C-order .npy file, read by seeking.
//
// Two readers need rows of a .npy file without the rest of it: each rank of stela-mpi
// reads its own contiguous rows of the same file, and `stela lstsq --stream` reads a
// file larger than memory a block of rows at a time (row_stream.hpp). The reader of
// matrix_io.hpp takes the whole file into memory and then parses it, which fits
// neither. This one, the only streaming .npy reader, parses the header only — strictly, the subset of NumPy's format
// (NEP 1, numpy.lib.format) that C-order float data uses — and then reads any
// contiguous range of rows at the offset the header implies:
//
//   magic "\x93NUMPY", version 1.0 (2-byte header length) or 2.0 / 3.0 (4-byte), then a
//   Python dict literal with exactly the keys 'descr' ('<f8' or '<f4'), 'fortran_order'
//   (False: True is refused, since a row of a Fortran-order file is scattered over the
//   whole file: a block of b rows would cost d seeks and d short reads, and a rank or a
//   stream that reads rows is better served by numpy.ascontiguousarray once) and 'shape' ((n,) or (n, d)), padded with spaces and ended by '\n'.
//   The file's size must be exactly the header plus n d entries.
//
// A (n,) array is an n x 1 column. Errors come back as one-line messages naming the
// file; nothing throws out of these functions.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

#include "stela/matrix.hpp"

namespace stela::io {

struct NpyFile {
  std::string path;
  index rows = 0;
  index cols = 0;
  bool one_dimensional = false;
  int item_bytes = 8;              // 8 for '<f8', 4 for '<f4'
  std::uint64_t data_offset = 0;   // bytes before the first entry
};

// The header of the file at `path` in `out`; an error message, or nothing on success.
std::optional<std::string> read_npy_header(const std::string& path, NpyFile& out);

// Rows first .. first + count - 1 of `file` into `out` (count x cols, column-major),
// converted to T, from the already open stream `in`, through a 64 KiB buffer on the
// stack (no allocation). An error message, or nothing.
template <class T>
std::optional<std::string> read_npy_rows(const NpyFile& file, std::ifstream& in, index first, index count,
                                         MatrixView<T> out);

}  // namespace stela::io
