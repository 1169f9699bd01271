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
// Supported: object `matrix`; format `array` (dense); field `real` or `integer` (an
// integer entry that has no exact double, beyond 2^53 in magnitude, is an error);
// symmetry `general` (all m*n entries), `symmetric` (square; the lower triangle with
// the diagonal, column by column, mirrored above) or `skew-symmetric` (square; the
// strict lower triangle, negated above, zero diagonal). The header words are read in
// any case. Rejected with a message: `coordinate` (sparse) files, fields `complex` and
// `pattern`, symmetry `hermitian`, and `vector` objects. The entries may be spread
// over lines in any way; '%' lines among them are skipped as comments.
//
// The reader collects the entries the file actually holds and compares their count
// with the size line before it allocates the matrix, so a size line that promises
// more than the file holds costs nothing; it stops at ReadLimits::max_elements values,
// and checks the shape against the limits once the count is right. Lines may end in
// "\n", "\r\n" or a lone "\r".
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

// What the header line declares.
struct Banner {
  Symmetry symmetry = Symmetry::general;
  std::string symmetry_word;  // as written, in lower case: "general", "symmetric", ...
  bool integer_field = false;
};

// Step 1: the header line "%%MatrixMarket matrix array real general".
Expected<Banner> read_banner(detail::LineCursor& lines, std::string_view name) {
  std::string_view line;
  if (!lines.next(line)) return error_in(name, "the file is empty");
  const std::vector<std::string_view> header = words(line);
  if (header.empty() || lower(header[0]) != lower(detail::kMatrixMarketBanner))
    return error_at(name, 1, 0, "not a Matrix Market file: the first line must read '%%MatrixMarket matrix array real general'");
  if (header.size() != 5)
    return error_at(name, 1, 0, "the header needs four words after %%MatrixMarket (object, format, field, symmetry), as in '%%MatrixMarket matrix array real general'");
  const std::string object = lower(header[1]), format = lower(header[2]), field = lower(header[3]);
  if (object != "matrix") return error_at(name, 1, 0, "unsupported object '" + printable(header[1]) + "'; only 'matrix' is supported");
  if (format == "coordinate")
    return error_at(name, 1, 0, "sparse 'coordinate' Matrix Market files are not supported; write the matrix in the dense 'array' format");
  if (format != "array") return error_at(name, 1, 0, "unknown format '" + printable(header[2]) + "'; only 'array' is supported");
  if (field != "real" && field != "integer")
    return error_at(name, 1, 0, "unsupported field '" + printable(header[3]) + "'; only 'real' and 'integer' are supported");
  Banner banner;
  banner.symmetry_word = lower(header[4]);
  if (banner.symmetry_word == "symmetric") {
    banner.symmetry = Symmetry::symmetric;
  } else if (banner.symmetry_word == "skew-symmetric") {
    banner.symmetry = Symmetry::skew_symmetric;
  } else if (banner.symmetry_word != "general") {
    return error_at(name, 1, 0, "unsupported symmetry '" + printable(header[4]) + "'; only 'general', 'symmetric' and 'skew-symmetric' are supported");
  }
  banner.integer_field = field == "integer";
  return banner;
}

// The size line: the matrix is m x n and the file stores `stored` entries.
struct SizeLine {
  std::int64_t m = 0, n = 0, stored = 0;
  index line = 0;     // its line number
  std::string shape;  // "m x n"
};

// Step 2: the size line, after any comments.
Expected<SizeLine> read_size_line(detail::LineCursor& lines, const Banner& banner, std::string_view name) {
  std::string_view line;
  bool have_size = false;
  while (lines.next(line)) {
    if (!is_comment_or_blank(line)) {
      have_size = true;
      break;
    }
  }
  if (!have_size) return error_in(name, "no size line ('rows columns') after the header");
  SizeLine size;
  size.line = lines.number();
  const std::vector<std::string_view> size_words = words(line);
  std::int64_t m = 0, n = 0;
  if (size_words.size() != 2 || !parse_integer(size_words[0], m) || !parse_integer(size_words[1], n) || m < 0 || n < 0)
    return error_at(name, size.line, 0, "the size line of an array file must be two non-negative integers 'rows columns', not '" +
                                            printable(detail::trim(line)) + "'");
  size.m = m;
  size.n = n;
  size.shape = std::to_string(m) + " x " + std::to_string(n);
  if (banner.symmetry != Symmetry::general && m != n)
    return error_at(name, size.line, 0, "a " + banner.symmetry_word + " matrix must be square, not " + size.shape);
  if (m > detail::kMaxDimension || n > detail::kMaxDimension)
    return error_at(name, size.line, 0, "the size " + size.shape + " is too large: a dimension exceeds " +
                                            std::to_string(detail::kMaxDimension));
  // Entries stored: all of them, the lower triangle with or without the diagonal. Both
  // dimensions are below 2^31, so these products fit in 64 bits.
  size.stored = m * n;
  if (banner.symmetry == Symmetry::symmetric) size.stored = n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
  if (banner.symmetry == Symmetry::skew_symmetric) size.stored = n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
  return size;
}

// One entry's token at (line, column): an integer with an exact double for the
// `integer` field, a finite-range number for `real`.
Expected<double> read_entry(std::string_view token, bool integer_field, std::string_view name, index line, index column) {
  double x = 0;
  if (integer_field) {
    std::int64_t k = 0;
    if (!parse_integer(token, k))
      return error_at(name, line, column, "cannot read '" + printable(token) + "' as an integer (the field is 'integer')");
    if (!detail::exact_in_double(k))
      return error_at(name, line, column,
                      detail::inexact_integer_message(k) + "; to accept the rounding, declare the field 'real'");
    return static_cast<double>(k);
  }
  if (!parse_double(token, x)) return error_at(name, line, column, "cannot read '" + printable(token) + "' as a number");
  if (detail::overflowed(token, x)) return detail::overflow_at(name, line, column, printable(token));
  return x;
}

// Step 3: the entries; never more than the file holds, whatever the size line says.
Expected<std::vector<double>> read_entries(detail::LineCursor& lines, const Banner& banner, const SizeLine& size,
                                           std::string_view name, std::int64_t max_elements) {
  std::vector<double> values;
  std::string_view line;
  while (lines.next(line)) {
    if (is_comment_or_blank(line)) continue;
    std::size_t pos = detail::skip_blanks(line, 0);
    while (pos < line.size()) {
      std::size_t end = pos;
      while (end < line.size() && !detail::is_blank(line[end])) ++end;
      const index column = static_cast<index>(pos) + 1;
      if (static_cast<std::int64_t>(values.size()) == size.stored)
        return error_at(name, lines.number(), column, "more values than the " + std::to_string(size.stored) +
                                                          " the size line (line " + std::to_string(size.line) + ") promises");
      if (static_cast<std::int64_t>(values.size()) == max_elements)
        return detail::limit_error(name, "line " + std::to_string(lines.number()) + ": more than " +
                                             std::to_string(max_elements) + " entries, the limit (--max-elements)");
      Expected<double> x = read_entry(line.substr(pos, end - pos), banner.integer_field, name, lines.number(), column);
      if (!x) return x.error();
      values.push_back(*x);
      pos = detail::skip_blanks(line, end);
    }
  }
  if (static_cast<std::int64_t>(values.size()) != size.stored)
    return error_in(name, "found " + std::to_string(values.size()) + " values, but the size line (line " +
                              std::to_string(size.line) + ") promises " + std::to_string(size.stored) + " for a " +
                              (banner.symmetry == Symmetry::general ? "" : banner.symmetry_word + " ") + size.shape +
                              " matrix");
  return values;
}

// Step 4: the stored entries unpacked, column by column, into the m x n matrix.
Matrix<double> unpack(const std::vector<double>& values, Symmetry symmetry, index m, index n) {
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

}  // namespace

Expected<detail::MatrixMarketHeader> detail::read_matrix_market_header(LineCursor& lines, std::string_view name) {
  Expected<Banner> banner = read_banner(lines, name);
  if (!banner) return banner.error();
  Expected<SizeLine> size = read_size_line(lines, *banner, name);
  if (!size) return size.error();
  MatrixMarketHeader header;
  header.m = size->m;
  header.n = size->n;
  header.general = banner->symmetry == Symmetry::general;
  header.symmetry = banner->symmetry_word;
  header.integer_field = banner->integer_field;
  header.size_line = size->line;
  return header;
}

Expected<double> detail::read_matrix_market_entry(std::string_view token, bool integer_field, std::string_view name,
                                                  index line, index column) {
  return read_entry(token, integer_field, name, line, column);
}

Expected<Matrix<double>> parse_matrix_market(std::string_view bytes, std::string_view name, const ReadLimits& limits) {
  detail::LineCursor lines(bytes);
  // 1. The header line.
  Expected<Banner> banner = read_banner(lines, name);
  if (!banner) return banner.error();
  // 2. The size line.
  Expected<SizeLine> size = read_size_line(lines, *banner, name);
  if (!size) return size.error();
  // 3. The entries, counted against the size line before anything is allocated.
  Expected<std::vector<double>> values = read_entries(lines, *banner, *size, name, limits.max_elements);
  if (!values) return values.error();
  // 4. The caller's limits: the entries are all there, but the matrix, or one of its
  // dimensions (of an empty matrix too), may still be beyond them.
  Expected<void> limited = detail::check_size_limit(name, size->m, size->n, size->shape, limits.max_elements);
  if (!limited) return limited.error();
  // 5. Unpack, column by column.
  return unpack(*values, banner->symmetry, static_cast<index>(size->m), static_cast<index>(size->n));
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
