// io/text_format.cpp — matrices as plain text, the way numpy.savetxt writes them.
//
// Reading. One matrix row per line; the numbers on a line are separated by white
// space, by commas, or both ("1 2 3", "1,2,3", "1, 2, 3" are the same row), which
// covers numpy.savetxt's default ('%.18e' with spaces) and delimiter=','. A '#' starts
// a comment that runs to the end of the line, so a whole-line comment (savetxt's
// header) and a trailing one are both skipped, and a line with no numbers is skipped.
// A leading UTF-8 byte order mark is ignored.
// Every row must have as many numbers as the first. A comma must sit between two
// numbers: "1,,2", ",1" and "1," are errors, since a silently dropped empty field
// would shift the columns. Numbers are read as strtod does, including nan, inf and
// -inf in any case (numbers.hpp), except that a number beyond the range of double
// ("1e400") is an error quoting it (Error::overflow), not a silent inf. Errors give the
// line and the 1-based column of the offending byte: for a row of the wrong length,
// the first value too many, or the end of a row that is short. Lines end at "\n",
// "\r\n" or a lone "\r" (classic Mac OS files), mixed as they come (LineCursor). More
// entries than ReadLimits::max_elements is an error with Error::limit set, found
// while reading, so the values held never exceed the limit.
//
// Writing. %.17g, single spaces, one row per line: the shortest fixed rule that gives
// every double back exactly.
#include <cstdint>
#include <vector>

#include "io/matrix_io.hpp"
#include "io/numbers.hpp"
#include "io/parse_support.hpp"

namespace stela::io {

using detail::error_at;
using detail::error_in;

// The numbers of one line (its comment already cut off), appended to `values`.
// `expected` is the first row's count, 0 while there is no first row yet.
Expected<detail::RowScan> detail::scan_row(std::string_view line, index expected, index line_number, std::string_view name,
                           std::int64_t max_elements, std::vector<double>& values) {
  detail::RowScan row;
  // Column of a comma still waiting for the number after it, 0 when none is.
  index pending_comma = 0;
  std::size_t pos = detail::skip_blanks(line, 0);
  while (pos < line.size()) {
    const index column = static_cast<index>(pos) + 1;
    if (line[pos] == ',') {
      if (row.count == 0 || pending_comma != 0) return error_at(name, line_number, column, "missing value before ','");
      pending_comma = column;
      pos = detail::skip_blanks(line, pos + 1);
      continue;
    }
    std::size_t end = pos;
    while (end < line.size() && !detail::is_blank(line[end]) && line[end] != ',') ++end;
    const std::string_view token = line.substr(pos, end - pos);
    double x = 0;
    if (!parse_double(token, x))
      return error_at(name, line_number, column, "cannot read '" + printable(token) + "' as a number");
    if (detail::overflowed(token, x)) return detail::overflow_at(name, line_number, column, printable(token));
    if (static_cast<std::int64_t>(values.size()) == max_elements)
      return detail::limit_error(name, "line " + std::to_string(line_number) + ": more than " +
                                           std::to_string(max_elements) + " entries, the limit (--max-elements)");
    values.push_back(x);
    if (expected > 0 && row.count == expected) row.extra_column = column;
    ++row.count;
    row.end_column = static_cast<index>(end) + 1;
    pending_comma = 0;
    pos = detail::skip_blanks(line, end);
  }
  if (pending_comma != 0) return error_at(name, line_number, pending_comma, "missing value after ','");
  return row;
}

Expected<Matrix<double>> parse_text(std::string_view bytes, std::string_view name, const ReadLimits& limits) {
  // 1. A binary or Matrix Market file given the text format would fail on its first
  // byte with a puzzling "cannot read"; say what it looks like instead.
  if (detail::starts_with(bytes, detail::kNpyMagic))
    return error_in(name, "this is a NumPy .npy file, not text; name it *.npy or choose the npy format");
  if (detail::starts_with(bytes, detail::kMatrixMarketBanner))
    return error_in(name, "this is a Matrix Market file, not text; name it *.mtx or choose the matrix-market format");

  // A UTF-8 byte order mark, which some spreadsheet programs put before CSV, is not
  // data; editors do not show it, so columns count from after it.
  if (detail::starts_with(bytes, "\xEF\xBB\xBF")) bytes.remove_prefix(3);

  // 2. The rows, each as long as the first.
  std::vector<double> values;  // row by row, as the file lists them
  index cols = 0;
  index rows = 0;
  index first_row_line = 0;
  detail::LineCursor lines(bytes);
  std::string_view line;
  while (lines.next(line)) {
    const index line_number = lines.number();
    Expected<detail::RowScan> row = detail::scan_row(line.substr(0, line.find('#')), cols, line_number, name, limits.max_elements, values);
    if (!row) return row.error();
    const index count = row->count;
    if (count == 0) continue;  // blank or comment-only line
    if (rows == 0) {
      cols = count;
      first_row_line = line_number;
    } else if (count != cols) {
      return error_at(name, line_number, count > cols ? row->extra_column : row->end_column,
                      std::string(count > cols ? "extra value" : "missing value") + " (the row has " +
                          std::to_string(count) + (count == 1 ? " value" : " values") + ", expected " +
                          std::to_string(cols) + " as on line " + std::to_string(first_row_line) + ")");
    }
    ++rows;
  }
  if (rows == 0) {
    return error_in(name, bytes.empty() ? "the file is empty" : "no numbers in the file (only comments or blank lines)");
  }

  // 3. The matrix, row by row.
  Matrix<double> A(rows, cols);
  for (index i = 0; i < rows; ++i)
    for (index j = 0; j < cols; ++j) A(i, j) = values[static_cast<std::size_t>(i * cols + j)];
  return A;
}

std::string encode_text(MatrixView<const double> A) {
  std::string out;
  if (A.empty()) return out;
  for (index i = 0; i < A.rows(); ++i) {
    for (index j = 0; j < A.cols(); ++j) {
      if (j > 0) out += ' ';
      append_double(out, A(i, j));
    }
    out += '\n';
  }
  return out;
}

}  // namespace stela::io
