// io/matrix_market.cpp — dense matrices in the Matrix Market exchange format.
//
// Reference: R. F. Boisvert, R. Pozo, K. A. Remington, "The Matrix Market Exchange
// Formats: Initial Design", NISTIR 5935, 1996 (math.nist.gov/MatrixMarket).
//
// A file reads
//
//   %%MatrixMarket matrix array real general      header: object format field symmetry
//   % any number of comment lines                 (and blank lines)
//   3 2                                           size line: rows columns
//   1.5                                           the entries, column by column
//   ...
//
// Supported: object `matrix`; format `array` (dense); field `real` or `integer`;
// symmetry `general` (all m*n entries), `symmetric` (square; the lower triangle with
// the diagonal, column by column, mirrored above) or `skew-symmetric` (square; the
// strict lower triangle, negated above, zero diagonal). The header words are read in
// any case. Rejected with a message: `coordinate` (sparse) files, fields `complex` and
// `pattern`, symmetry `hermitian`, and `vector` objects. The entries may be spread
// over lines in any way; '%' lines among them are skipped as comments.
//
// The reader collects the entries the file actually holds and compares their count
// with the size line before it allocates the matrix, so a size line that promises
// more than the file holds costs nothing.
//
// The writer uses `array real general` with %.17g entries, one per line.
#include <cstdint>
#include <vector>

#include "io/matrix_io.hpp"
#include "io/numbers.hpp"
#include "io/parse_support.hpp"

namespace stela::io {
namespace {

using detail::error_at;
using detail::error_in;

enum class Symmetry { general, symmetric, skew_symmetric };

std::string lower(std::string_view word) {
  std::string out(word);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The blank-separated words of a line.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t pos = detail::skip_blanks(line, 0);
  while (pos < line.size()) {
    std::size_t end = pos;
    while (end < line.size() && !detail::is_blank(line[end])) ++end;
    out.push_back(line.substr(pos, end - pos));
    pos = detail::skip_blanks(line, end);
  }
  return out;
}

// Comment lines start with '%' (after optional blanks); blank lines carry nothing.
bool is_comment_or_blank(std::string_view line) {
  const std::string_view t = detail::trim(line);
  return t.empty() || t.front() == '%';
}

}  // namespace

Expected<Matrix<double>> parse_matrix_market(std::string_view bytes, std::string_view name) {
  detail::LineCursor lines(bytes);
  std::string_view line;

  // 1. The header line.
  if (!lines.next(line)) return error_in(name, "the file is empty");
  const std::vector<std::string_view> header = words(line);
  if (header.empty() || lower(header[0]) != lower(detail::kMatrixMarketBanner))
    return error_at(name, 1, 0, "not a Matrix Market file: the first line must read '%%MatrixMarket matrix array real general'");
  if (header.size() != 5)
    return error_at(name, 1, 0, "the header needs four words after %%MatrixMarket (object, format, field, symmetry), as in '%%MatrixMarket matrix array real general'");
  const std::string object = lower(header[1]), format = lower(header[2]), field = lower(header[3]),
                    symmetry_word = lower(header[4]);
  if (object != "matrix") return error_at(name, 1, 0, "unsupported object '" + printable(header[1]) + "'; only 'matrix' is supported");
  if (format == "coordinate")
    return error_at(name, 1, 0, "sparse 'coordinate' Matrix Market files are not supported; write the matrix in the dense 'array' format");
  if (format != "array") return error_at(name, 1, 0, "unknown format '" + printable(header[2]) + "'; only 'array' is supported");
  if (field != "real" && field != "integer")
    return error_at(name, 1, 0, "unsupported field '" + printable(header[3]) + "'; only 'real' and 'integer' are supported");
  Symmetry symmetry = Symmetry::general;
  if (symmetry_word == "symmetric") {
    symmetry = Symmetry::symmetric;
  } else if (symmetry_word == "skew-symmetric") {
    symmetry = Symmetry::skew_symmetric;
  } else if (symmetry_word != "general") {
    return error_at(name, 1, 0, "unsupported symmetry '" + printable(header[4]) + "'; only 'general', 'symmetric' and 'skew-symmetric' are supported");
  }
  const bool integer_field = field == "integer";

  // 2. The size line, after any comments.
  bool have_size = false;
  while (lines.next(line)) {
    if (!is_comment_or_blank(line)) {
      have_size = true;
      break;
    }
  }
  if (!have_size) return error_in(name, "no size line ('rows columns') after the header");
  const index size_line = lines.number();
  const std::vector<std::string_view> size_words = words(line);
  std::int64_t m = 0, n = 0;
  if (size_words.size() != 2 || !parse_integer(size_words[0], m) || !parse_integer(size_words[1], n) || m < 0 || n < 0)
    return error_at(name, size_line, 0, "the size line of an array file must be two non-negative integers 'rows columns', not '" +
                                            printable(detail::trim(line)) + "'");
  const std::string shape = std::to_string(m) + " x " + std::to_string(n);
  if (symmetry != Symmetry::general && m != n)
    return error_at(name, size_line, 0, "a " + symmetry_word + " matrix must be square, not " + shape);
  if (m > detail::kMaxDimension || n > detail::kMaxDimension)
    return error_at(name, size_line, 0, "the size " + shape + " is too large: a dimension exceeds " +
                                            std::to_string(detail::kMaxDimension));
  // Entries stored: all of them, the lower triangle with or without the diagonal. Both
  // dimensions are below 2^31, so these products fit in 64 bits.
  std::int64_t expected = m * n;
  if (symmetry == Symmetry::symmetric) expected = n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
  if (symmetry == Symmetry::skew_symmetric) expected = n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2);

  // 3. The entries; never more than the file holds, whatever the size line says.
  std::vector<double> values;
  while (lines.next(line)) {
    if (is_comment_or_blank(line)) continue;
    std::size_t pos = detail::skip_blanks(line, 0);
    while (pos < line.size()) {
      std::size_t end = pos;
      while (end < line.size() && !detail::is_blank(line[end])) ++end;
      const std::string_view token = line.substr(pos, end - pos);
      const index column = static_cast<index>(pos) + 1;
      if (static_cast<std::int64_t>(values.size()) == expected)
        return error_at(name, lines.number(), column, "more values than the " + std::to_string(expected) +
                                                          " the size line (line " + std::to_string(size_line) + ") promises");
      double x = 0;
      if (integer_field) {
        std::int64_t k = 0;
        if (!parse_integer(token, k))
          return error_at(name, lines.number(), column, "cannot read '" + printable(token) + "' as an integer (the field is 'integer')");
        x = static_cast<double>(k);
      } else if (!parse_double(token, x)) {
        return error_at(name, lines.number(), column, "cannot read '" + printable(token) + "' as a number");
      } else if (detail::overflowed(token, x)) {
        return detail::overflow_at(name, lines.number(), column, printable(token));
      }
      values.push_back(x);
      pos = detail::skip_blanks(line, end);
    }
  }
  if (static_cast<std::int64_t>(values.size()) != expected)
    return error_in(name, "found " + std::to_string(values.size()) + " values, but the size line (line " +
                              std::to_string(size_line) + ") promises " + std::to_string(expected) + " for a " +
                              (symmetry == Symmetry::general ? "" : symmetry_word + " ") + shape + " matrix");

  // 4. Unpack, column by column.
  Matrix<double> A(m, n);
  std::size_t next = 0;
  switch (symmetry) {
    case Symmetry::general:
      for (index j = 0; j < n; ++j)
        for (index i = 0; i < m; ++i) A(i, j) = values[next++];
      break;
    case Symmetry::symmetric:
      for (index j = 0; j < n; ++j)
        for (index i = j; i < n; ++i) A(i, j) = A(j, i) = values[next++];
      break;
    case Symmetry::skew_symmetric:
      for (index j = 0; j < n; ++j)
        for (index i = j + 1; i < n; ++i) {
          A(i, j) = values[next];
          A(j, i) = -values[next++];
        }
      break;
  }
  return A;
}

std::string encode_matrix_market(MatrixView<const double> A) {
  std::string out = "%%MatrixMarket matrix array real general\n";
  out += std::to_string(A.rows()) + " " + std::to_string(A.cols()) + "\n";
  for (index j = 0; j < A.cols(); ++j)
    for (index i = 0; i < A.rows(); ++i) {
      append_double(out, A(i, j));
      out += '\n';
    }
  return out;
}

}  // namespace stela::io
