// io/parse_support.hpp — pieces shared inside the I/O layer (not part of its API):
// lines, tokens, located error messages, UTF-8 checks and the formats' signatures.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "io/error.hpp"

namespace stela::io::detail {

// "name: what", "name: line 3: what" or "name: line 3, column 7: what", with the
// location also stored in the Error's fields.
inline Error error_at(std::string_view name, index line, index column, std::string_view what) {
  std::string message(name);
  message += ": ";
  if (line > 0) {
    message += "line " + std::to_string(line);
    if (column > 0) message += ", column " + std::to_string(column);
    message += ": ";
  }
  message += what;
  return Error{message, line, column, false, false};
}
inline Error error_in(std::string_view name, std::string_view what) { return error_at(name, 0, 0, what); }

// Whether `token`, which parse_double read as `value`, is a decimal number beyond the
// range of double ("1e400", "-2e308") rather than the word inf or infinity: an
// infinite value from a token with a digit in it.
inline bool overflowed(std::string_view token, double value) {
  if (!std::isinf(value)) return false;
  for (char c : token)
    if (c >= '0' && c <= '9') return true;
  return false;
}
// The error for such a token, quoting it (`quoted` is the token made printable).
inline Error overflow_at(std::string_view name, index line, index column, const std::string& quoted) {
  Error error = error_at(name, line, column,
                         "'" + quoted + "' overflows: the largest double is 1.7976931348623157e+308");
  error.overflow = true;
  return error;
}

// Whether the integer k converts to a double exactly: a double carries 53 significant
// bits (IEEE 754 binary64), so every |k| <= 2^53 does, and a larger one only when its
// bits beyond the leading 53 are zero (2^60 does, 2^53 + 1 does not).
inline bool exact_in_double(std::int64_t k) {
  // |k| as unsigned, INT64_MIN (2^63, exact) included.
  std::uint64_t u = k < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(k) : static_cast<std::uint64_t>(k);
  while (u != 0 && (u & 1) == 0) u >>= 1;
  return u <= (std::uint64_t{1} << std::numeric_limits<double>::digits);
}
// What is wrong with such an integer, quoting it; each format adds its remedy.
inline std::string inexact_integer_message(std::int64_t k) {
  return "the integer " + std::to_string(k) + " has no exact double (every integer up to 2^53 = " +
         std::to_string(std::uint64_t{1} << std::numeric_limits<double>::digits) + " in magnitude has one)";
}

// Horizontal white space inside a line. '\r' counts too, although LineCursor already
// ends lines at it: a Matrix Market or .npy header may still carry one.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// The lines of a buffer, numbered from 1, without their line ends. A line ends at
// "\n" (Unix), "\r\n" (Windows) or a lone "\r" (classic Mac OS); the three may be mixed
// in one buffer, and "\r\n" is one line end, not two. Without the lone "\r", a file
// saved by an old Mac program would read as one long row. A last line without a line
// end is still a line; a buffer ending in one has no empty line after it.
class LineCursor {
 public:
  explicit LineCursor(std::string_view bytes) : rest_(bytes) {}

  // The next line into `line`; false at the end of the buffer.
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    const std::size_t end = rest_.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line = rest_;
      rest_ = {};
    } else {
      line = rest_.substr(0, end);
      const bool crlf = rest_[end] == '\r' && end + 1 < rest_.size() && rest_[end + 1] == '\n';
      rest_.remove_prefix(end + (crlf ? 2 : 1));
    }
    ++number_;
    return true;
  }
  // The number of the line last returned by next().
  index number() const { return number_; }

 private:
  std::string_view rest_;
  index number_ = 0;
};

// The first non-blank character's position in `line` at or after `from`, or
// line.size().
inline std::size_t skip_blanks(std::string_view line, std::size_t from) {
  while (from < line.size() && is_blank(line[from])) ++from;
  return from;
}

// The line without its trailing blanks and leading ones.
inline std::string_view trim(std::string_view line) {
  const std::size_t first = skip_blanks(line, 0);
  std::size_t last = line.size();
  while (last > first && is_blank(line[last - 1])) --last;
  return line.substr(first, last - first);
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when there is none
// (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) lo = 0xa0;
    if (lead == 0xed) hi = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) lo = 0x90;
    if (lead == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return length;
}

// The largest dimension a reader accepts (2^31 - 1). An empty matrix costs nothing to
// read however long its other side is, but a caller that then forms an n x n result
// (a null-space basis, a projector) would multiply two such dimensions; below this
// bound every such product fits in 64 bits. A dense matrix this tall needs a file of
// 16 GiB per column.
inline constexpr std::int64_t kMaxDimension = 2147483647;

// The error for input beyond a documented limit (ReadLimits in matrix_io.hpp): the
// input may be well formed, but reading it would cost more than the caller allows.
inline Error limit_error(std::string_view name, std::string_view what) {
  Error error = error_at(name, 0, 0, what);
  error.limit = true;
  return error;
}

// The error when an m x n matrix (shape text "m x n" or "(m,)") is beyond
// `max_elements` entries or has a dimension beyond it; none when it fits. Both m and n
// are at most kMaxDimension (checked before), so m * n fits in 64 bits.
inline Expected<void> check_size_limit(std::string_view name, std::int64_t m, std::int64_t n,
                                       const std::string& shape, std::int64_t max_elements) {
  const std::string limit = std::to_string(max_elements) + " entries (--max-elements)";
  if (m > max_elements || n > max_elements)
    return limit_error(name, "the shape " + shape + " has a dimension above the limit of " + limit +
                                 ": even with no entries, a result formed from it would exceed the limit");
  if (m * n > max_elements)
    return limit_error(name, "the shape " + shape + " has " + std::to_string(m * n) + " entries, above the limit of " +
                                 limit);
  return {};
}

// What one line of a text file held: how many numbers, and where a ragged row goes
// wrong (text_format.cpp; the whole-file and the streaming reader share it).
struct RowScan {
  index count = 0;
  index extra_column = 0;  // column of the first value beyond the expected count, if any
  index end_column = 0;    // column just after the last value
};
// The numbers of one text line (its '#' comment already cut off), appended to `values`.
// `expected` is the first row's count, 0 while there is no first row yet; more than
// max_elements values in `values` is a limit error.
Expected<RowScan> scan_row(std::string_view line, index expected, index line_number, std::string_view name,
                           std::int64_t max_elements, std::vector<double>& values);

// The part of a Matrix Market array file before its entries (matrix_market.cpp).
struct MatrixMarketHeader {
  std::int64_t m = 0, n = 0;  // the size line
  bool general = true;        // symmetry general: all m n entries stored, column by column
  std::string symmetry;       // as written, lower case
  bool integer_field = false;
  index size_line = 0;        // the size line's number
};
// The banner and the size line (comments between them skipped) from `lines`, which is
// left just after the size line.
Expected<MatrixMarketHeader> read_matrix_market_header(LineCursor& lines, std::string_view name);
// One entry's token at (line, column): an integer with an exact double for the
// `integer` field, a number within double's range for `real`.
Expected<double> read_matrix_market_entry(std::string_view token, bool integer_field, std::string_view name,
                                          index line, index column);

// The signature that opens every .npy file (NEP 1).
inline constexpr std::string_view kNpyMagic{"\x93NUMPY", 6};
// The first word of every Matrix Market file.
inline constexpr std::string_view kMatrixMarketBanner{"%%MatrixMarket"};

}  // namespace stela::io::detail
