// io/matrix_io.hpp — matrices from and to files: text, Matrix Market and NumPy .npy.
//
// Formats (each described in full where it is implemented):
//
//   text           numbers separated by whitespace and/or commas, one matrix row per
//                  line, '#' comments, as numpy.savetxt writes and numpy.loadtxt reads
//                  (text_format.cpp)
//   matrix_market  the NIST Matrix Market exchange format, "array" (dense) objects with
//                  field real or integer, symmetry general, symmetric or skew-symmetric
//                  (matrix_market.cpp; Boisvert, Pozo, Remington, "The Matrix Market
//                  Exchange Formats: Initial Design", NISTIR 5935, 1996)
//   npy            NumPy's binary format, versions 1.0, 2.0 and 3.0, dtypes <f8 and <f4
//                  (and <i4, <i8, converted), C or Fortran order, 1-D or 2-D
//                  (npy_format.cpp; NEP 1 and numpy.lib.format)
//
// Everything reads into Matrix<double>: float32 and integer data convert exactly, and
// an integer that has no exact double (an int64 .npy entry or a Matrix Market
// `integer` entry above 2^53 in magnitude whose significant bits do not fit in 53) is
// an error naming the entry rather than a silent rounding. A caller working in float
// converts afterwards. Readers accept
// NaN and ±Inf; rejecting non-finite data is the caller's decision. A decimal number
// too large for a double ("1e400") in a text or Matrix Market file is an error that
// quotes it, with Error::overflow set, rather than an inf that hides the token. A 1-D
// .npy array of length n reads as an n x 1 column.
//
// Every reader first takes the whole input into memory and then parses the bytes, so
// a reader never waits on a half-read stream, and a length announced by a header is
// checked against the bytes actually present before anything is allocated for it.
//
// Limits (ReadLimits). Input is hostile until read: a stream with no end (/dev/zero, a
// pipe), a header that promises more than any memory, or an empty array whose other
// side is huge (a 128-byte .npy of shape (0, 200000000)) must not cost memory or time
// without bound. So a read takes at most `max_bytes` bytes (a regular file larger than
// that is refused from its size, before reading; a stream is cut one byte past the
// limit) and a matrix at most `max_elements` entries, with no dimension above
// `max_elements` either, even when the other one is zero. Beyond a limit the Error
// has `limit` set. A header that lies about the bytes present is an ordinary error
// (the data is invalid), checked first.
//
// The path "-" means standard input (reading) or standard output (writing).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "io/error.hpp"
#include "stela/matrix.hpp"

namespace stela::io {

enum class Format { text, matrix_market, npy };

// "text", "matrix-market" or "npy".
const char* to_string(Format format);

// A format named by the user: "text", "txt", "csv", "dat", "mtx", "matrix-market",
// "mm", "npy" (any case). Empty when the name is none of these.
std::optional<Format> parse_format(std::string_view name);

// The format a path's extension implies: .mtx -> matrix_market, .npy -> npy (any case),
// anything else (.txt, .csv, .dat, no extension, "-") -> text.
Format format_from_path(std::string_view path);

// The name used for standard input in messages.
inline constexpr const char* kStdinName = "<stdin>";

// How much one read may take (see "Limits" above). The defaults: 1 GiB of input, and
// 2^27 entries (1 GiB of doubles; a dense .npy of 1 GiB holds at most that many).
struct ReadLimits {
  static constexpr std::int64_t kDefaultMaxBytes = std::int64_t{1} << 30;
  static constexpr std::int64_t kDefaultMaxElements = std::int64_t{1} << 27;
  std::int64_t max_bytes = kDefaultMaxBytes;
  std::int64_t max_elements = kDefaultMaxElements;
};

// ---------------------------------------------------------------------------------------
// Reading

// The matrix in the file at `path` ("-": standard input). The format is `format` when
// given, else the extension's (format_from_path). For standard input without a
// format, input that starts with the .npy or Matrix Market signature is read as such,
// anything else as text.
Expected<Matrix<double>> read_matrix(const std::string& path, std::optional<Format> format = std::nullopt,
                                     const ReadLimits& limits = {});

// The matrix in everything that remains on `in`, read in binary. `name` stands for the
// source in messages. Without a format, the contents are sniffed as for standard input.
Expected<Matrix<double>> read_matrix(std::istream& in, std::string_view name,
                                     std::optional<Format> format = std::nullopt, const ReadLimits& limits = {});

// The matrix in `bytes`, in the given format; `name` stands for the source in messages.
// (max_bytes is the reader's business: parsers check max_elements only.)
Expected<Matrix<double>> parse_matrix(std::string_view bytes, Format format, std::string_view name,
                                      const ReadLimits& limits = {});
Expected<Matrix<double>> parse_text(std::string_view bytes, std::string_view name, const ReadLimits& limits = {});
Expected<Matrix<double>> parse_matrix_market(std::string_view bytes, std::string_view name,
                                             const ReadLimits& limits = {});
Expected<Matrix<double>> parse_npy(std::string_view bytes, std::string_view name, const ReadLimits& limits = {});

// Every byte of the file at `path` ("-": standard input); more than `max_bytes` is an
// Error with `limit` set.
Expected<std::string> read_file(const std::string& path, std::int64_t max_bytes = ReadLimits::kDefaultMaxBytes);

// A vector given as one row (1 x n) or one column (n x 1), as the column n x 1. Any
// other shape is an error naming `name` and the shape found. A 1 x 1 matrix is its own
// column; a 1 x 0 row becomes a 0 x 1 column.
Expected<Matrix<double>> as_column(Matrix<double> A, std::string_view name);

// ---------------------------------------------------------------------------------------
// Writing. Each encoder returns the file's bytes; reading them back with the matching
// parser gives the same matrix, bit for bit (NaN payloads aside: text writes "nan").

// One matrix row per line, entries as %.17g separated by single spaces, "\n" after
// every row. An empty matrix (no entries) gives no bytes at all: plain text cannot
// say how many rows or columns an empty matrix has, and reading an empty file is an
// error, so write empty matrices as .npy or .mtx when the shape matters.
std::string encode_text(MatrixView<const double> A);

// "%%MatrixMarket matrix array real general", the size line "m n", then the entries
// column by column, one per line, as %.17g.
std::string encode_matrix_market(MatrixView<const double> A);

// .npy version 1.0, dtype '<f8', C (row-major) order, shape (m, n); the header is
// padded with spaces and ends in "\n" so that the data starts at a multiple of 64 bytes.
std::string encode_npy(MatrixView<const double> A);

std::string encode_matrix(MatrixView<const double> A, Format format);

// A written to `path` ("-": standard output) in `format`, by default the extension's.
Expected<void> write_matrix(const std::string& path, MatrixView<const double> A,
                            std::optional<Format> format = std::nullopt);

// `bytes` written to the file at `path` ("-": standard output), replacing it.
Expected<void> write_file(const std::string& path, std::string_view bytes);

}  // namespace stela::io
