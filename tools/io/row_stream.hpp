// io/row_stream.hpp — a matrix file read a block of rows at a time, for inputs larger
// than memory (`stela lstsq --stream`).
//
// The readers of matrix_io.hpp take the whole file into memory first. A RowStream
// holds only what one block of rows needs, whatever the number of rows n:
//
//   npy            C order: the header is parsed once (npy_rows.hpp, strict) and each
//                  block is one seek and one read of b d entries. Fortran order is
//                  refused with a message: a row is then scattered over the whole file.
//                  dtypes '<f8' and '<f4'.
//   text           one line at a time through a buffer of 64 KiB, the rules of the
//                  whole-file reader (text_format.cpp: whitespace and/or commas, '#'
//                  comments, a leading UTF-8 byte order mark, "\n", "\r\n" or a lone
//                  "\r"); errors name the line and column as there. The number of rows
//                  is known only at the end. Standard input ("-") works: no seeking.
//   matrix_market  "array" files of symmetry general only (symmetric ones store a
//                  triangle of a square matrix, which is no tall problem). The entries
//                  are listed column by column, so a block of rows is d short runs, one
//                  per column: one pass over the file at open() counts the entries
//                  (against the size line) and notes where each column starts, O(d)
//                  memory; each block then seeks to every column's cursor and reads b
//                  entries there, and moves the cursor on. Entry errors (a bad number
//                  in row 100000) are found when that block is read, with the line.
//
// Memory. One block's entries are the caller's buffer; besides it a stream holds a
// line buffer (text and Matrix Market; a line longer than ReadLimits::max_bytes is a
// limit error, so /dev/zero or a file without line ends cannot grow it) or b d raw
// entries (npy), and d cursors (Matrix Market). ReadLimits::max_elements bounds the
// columns of the file (and the values of one text line); max_bytes bounds a line. Nothing
// bounds the number of rows: that is the point.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "io/error.hpp"
#include "io/matrix_io.hpp"
#include "stela/matrix.hpp"

namespace stela::io {

class RowStream {
 public:
  // The file at `path` ("-": standard input, text only) in `format`, by default its
  // extension's (format_from_path). Reads the header, or for text the first row, so
  // that cols() is known; errors name the file.
  static Expected<RowStream> open(const std::string& path, std::optional<Format> format, const ReadLimits& limits);

  RowStream(RowStream&&) noexcept;
  RowStream& operator=(RowStream&&) noexcept;
  ~RowStream();

  // The name used in messages ("<stdin>" for "-").
  const std::string& name() const;
  Format format() const;
  // The columns of every row.
  index cols() const;
  // The rows of the file, when its header says (npy, Matrix Market); -1 for text.
  index known_rows() const;
  // The rows returned so far by read().
  index rows_read() const;

  // The next min(block.rows(), rows left) rows into the leading rows of `block`
  // (block.cols() == cols()); how many. 0 only at the end of the file. An error names
  // the file and the line (text, Matrix Market) or the rows (npy).
  Expected<index> read(MatrixView<double> block);

 private:
  struct State;
  explicit RowStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace stela::io
