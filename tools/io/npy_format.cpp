// io/npy_format.cpp — NumPy's .npy binary format.
//
// References: NEP 1, "A Simple File Format for NumPy Arrays", and the format notes in
// numpy/lib/format.py (numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
//
// Layout:
//
//   6 bytes   magic "\x93NUMPY"
//   2 bytes   version major, minor: 1.0, 2.0 or 3.0
//   2 bytes   header length HLEN, little-endian (version 1.0)
//     or 4    (versions 2.0 and 3.0)
//   HLEN      a Python dict literal, e.g. {'descr': '<f8', 'fortran_order': False,
//             'shape': (3, 4), } padded with spaces and ended by '\n' (ASCII in 1.0 and
//             2.0, UTF-8 in 3.0; the keys and values read here are ASCII either way)
//   the rest  the entries, shape[0] * shape[1] * itemsize bytes, row-major
//             (fortran_order False) or column-major (True)
//
// Reading accepts exactly the three keys descr, fortran_order and shape; dtypes '<f8',
// '<f4', '<i8' and '<i4' (little-endian; float32 and int32 convert to double exactly,
// and so does every int64 of magnitude up to 2^53: an int64 entry that has no exact
// double is an error naming the entry, not a silent rounding); shapes (n,) (read as
// an n x 1 column) and (m, n), zero sizes included. The header is parsed by a small
// strict parser for that dict, not by anything that evaluates it. The byte count the shape implies is computed with overflow checks and
// must equal the bytes that follow the header: a lying shape is an error before any
// allocation, and so are truncated data and trailing bytes. No dimension may exceed
// 2^31 - 1, even of an empty array (parse_support.hpp, kMaxDimension), and then the
// caller's ReadLimits apply: entries, and each dimension, at most max_elements. Bytes are assembled
// little-endian explicitly, so the reader and writer work on any host.
//
// Writing: version 1.0, '<f8', C order, shape (m, n), header padded so that the data
// starts at a multiple of 64 bytes, as numpy does since 1.24 (and NEP 1's "divisible by
// 16" still holds).
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "io/matrix_io.hpp"
#include "io/numbers.hpp"
#include "io/parse_support.hpp"

namespace stela::io {
namespace {

using detail::error_in;

constexpr std::size_t kHeaderAlignment = 64;

std::uint64_t load_le(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int k = bytes - 1; k >= 0; --k) v = (v << 8) | p[k];
  return v;
}

// What the header dict says, once parsed.
struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

// A recursive-descent parser for the one dict literal a .npy header holds:
//   dict   := '{' [ item (',' item)* [','] ] '}'
//   item   := string ':' value
//   value  := string | 'True' | 'False' | tuple
//   tuple  := '(' [ int (',' int)* [','] ] ')'    ints: decimal digits, optional 'L'
//   string := '...' or "..." without escapes
// Anything else is an error with a short description in `problem`.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  bool parse(NpyHeader& header) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    if (!eat('{')) return fail("the header is not a dict '{...}'");
    skip_space();
    while (!eat('}')) {
      std::string key;
      if (!parse_string(key)) return fail("expected a quoted key in the header dict");
      skip_space();
      if (!eat(':')) return fail("expected ':' after '" + printable(key) + "'");
      skip_space();
      if (key == "descr") {
        if (have_descr) return fail("duplicate key 'descr'");
        have_descr = true;
        if (!parse_string(header.descr)) return fail("'descr' must be a dtype string such as '<f8' (structured dtypes are not supported)");
      } else if (key == "fortran_order") {
        if (have_order) return fail("duplicate key 'fortran_order'");
        have_order = true;
        if (!parse_bool(header.fortran_order)) return fail("'fortran_order' must be True or False");
      } else if (key == "shape") {
        if (have_shape) return fail("duplicate key 'shape'");
        have_shape = true;
        if (!parse_shape(header.shape)) return false;
      } else {
        return fail("unexpected key '" + printable(key) + "' in the header dict");
      }
      skip_space();
      if (eat(',')) {
        skip_space();
      } else if (peek() != '}') {
        return fail("expected ',' or '}' in the header dict");
      }
    }
    // After the dict: padding spaces and the final newline only.
    skip_space();
    if (pos_ != text_.size()) return fail("unexpected bytes after the header dict");
    if (!have_descr || !have_order || !have_shape)
      return fail("the header dict must have the keys 'descr', 'fortran_order' and 'shape'");
    return true;
  }

  const std::string& problem() const { return problem_; }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool eat(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool fail(std::string problem) {
    problem_ = std::move(problem);
    return false;
  }

  bool parse_string(std::string& out) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') return false;
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return false;
    const std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
    if (body.find('\\') != std::string_view::npos || body.find('\n') != std::string_view::npos) return false;
    out.assign(body);
    pos_ = end + 1;
    return true;
  }

  bool parse_bool(bool& out) {
    if (eat(std::string_view("True"))) {
      out = true;
      return true;
    }
    if (eat(std::string_view("False"))) {
      out = false;
      return true;
    }
    return false;
  }

  bool parse_shape(std::vector<std::uint64_t>& shape) {
    constexpr std::size_t kMaxDims = 32;  // numpy's own limit (NPY_MAXDIMS)
    if (!eat('(')) return fail("'shape' must be a tuple of integers such as (3, 4)");
    skip_space();
    bool comma_after_last = false;
    while (!eat(')')) {
      if (shape.size() == kMaxDims) return fail("'shape' has more than 32 dimensions");
      std::uint64_t d = 0;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
        if (d > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return fail("a 'shape' entry is too large");
        d = d * 10 + digit;
        ++pos_;
      }
      if (pos_ == start) return fail("'shape' must be a tuple of non-negative integers such as (3, 4)");
      eat('L');  // Python 2 long literals, as old numpy wrote them
      shape.push_back(d);
      skip_space();
      comma_after_last = eat(',');
      if (comma_after_last) {
        skip_space();
      } else if (peek() != ')') {
        return fail("expected ',' or ')' in 'shape'");
      }
    }
    // "(3)" is the integer 3 in Python, not a tuple: a 1-tuple needs its comma.
    if (shape.size() == 1 && !comma_after_last) return fail("'shape' (n) is not a tuple; a 1-D shape is written (n,)");
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string problem_;
};

// The dtypes understood, by their descr string.
struct Dtype {
  const char* descr;
  int itemsize;
  bool is_float;
};
constexpr Dtype kDtypes[] = {{"<f8", 8, true}, {"<f4", 4, true}, {"<i8", 8, false}, {"<i4", 4, false}};

// The entry at p as a double. An '<i8' entry beyond 2^53 rounds here, so the reader
// checks it with exact_in_double first.
double decode(const unsigned char* p, const Dtype& dtype) {
  const std::uint64_t bits = load_le(p, dtype.itemsize);
  if (dtype.is_float && dtype.itemsize == 8) {
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
  }
  if (dtype.is_float) {
    const auto bits32 = static_cast<std::uint32_t>(bits);
    float x;
    std::memcpy(&x, &bits32, sizeof x);
    return static_cast<double>(x);
  }
  if (dtype.itemsize == 8) {
    std::int64_t k;
    std::memcpy(&k, &bits, sizeof k);
    return static_cast<double>(k);
  }
  const auto bits32 = static_cast<std::uint32_t>(bits);
  std::int32_t k;
  std::memcpy(&k, &bits32, sizeof k);
  return static_cast<double>(k);
}

// What the header says about the data: its dtype, the matrix's shape and where the
// entries start.
struct NpyLayout {
  const Dtype* dtype = nullptr;
  bool fortran_order = false;
  bool one_dimensional = false;  // shape (m,), read as an m x 1 column
  std::uint64_t m = 0, n = 0;
  std::string shape_text;        // "3 x 2", or "(3,)" for a 1-D array
  std::size_t data_start = 0;    // offset of the first entry in the file
};

// Steps 1 and 2 of the reader: magic, version, header dict, dtype and number of
// dimensions.
Expected<NpyLayout> read_header(std::string_view bytes, std::string_view name) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  // 1. Magic and version.
  if (size < 8 || !detail::starts_with(bytes, detail::kNpyMagic))
    return error_in(name, "not a .npy file: it does not start with the NumPy signature \\x93NUMPY");
  const int major = data[6], minor = data[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    return error_in(name, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                              " (1.0, 2.0 and 3.0 are supported)");
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (size < 8 + length_bytes) return error_in(name, "truncated .npy header");
  const std::size_t header_length = static_cast<std::size_t>(load_le(data + 8, static_cast<int>(length_bytes)));
  const std::size_t header_start = 8 + length_bytes;
  if (header_length > size - header_start)
    return error_in(name, "truncated .npy header: it claims " + std::to_string(header_length) + " bytes, but only " +
                              std::to_string(size - header_start) + " follow");

  // 2. The header dict: a dtype of kDtypes, one or two dimensions.
  NpyHeader header;
  HeaderParser parser(bytes.substr(header_start, header_length));
  if (!parser.parse(header)) return error_in(name, "malformed .npy header: " + parser.problem());
  NpyLayout layout;
  for (const Dtype& d : kDtypes)
    if (header.descr == d.descr) layout.dtype = &d;
  if (layout.dtype == nullptr) {
    std::string message = "unsupported dtype '" + printable(header.descr) + "'";
    if (!header.descr.empty() && header.descr[0] == '>')
      message += ": big-endian data is not supported; convert it with a.astype('<f8')";
    else
      message += "; supported are '<f8' (float64), '<f4' (float32), '<i8' and '<i4'";
    return error_in(name, message);
  }
  if (header.shape.size() > 2 || header.shape.empty())
    return error_in(name, "unsupported shape: a " + std::to_string(header.shape.size()) +
                              "-dimensional array; only 1-D (read as a column) and 2-D arrays are matrices");
  layout.fortran_order = header.fortran_order;
  layout.one_dimensional = header.shape.size() == 1;
  layout.m = header.shape[0];
  layout.n = layout.one_dimensional ? 1 : header.shape[1];
  layout.shape_text = layout.one_dimensional ? "(" + std::to_string(layout.m) + ",)"
                                             : std::to_string(layout.m) + " x " + std::to_string(layout.n);
  layout.data_start = header_start + header_length;
  return layout;
}

// Step 3: the byte count the shape implies, with overflow checks, against the bytes
// actually present, before anything is allocated.
Expected<void> check_data_size(const NpyLayout& layout, std::size_t size, std::string_view name) {
  constexpr auto kMaxIndex = static_cast<std::uint64_t>(std::numeric_limits<index>::max());
  constexpr auto kMaxDimension = static_cast<std::uint64_t>(detail::kMaxDimension);
  const std::uint64_t m = layout.m, n = layout.n;
  const auto itemsize = static_cast<std::uint64_t>(layout.dtype->itemsize);
  if (m > kMaxDimension || n > kMaxDimension)
    return error_in(name, "the header's shape " + layout.shape_text + " is too large: a dimension exceeds " +
                              std::to_string(kMaxDimension));
  // Both below 2^31, so m * n fits; m * n * itemsize might not.
  if (m * n > kMaxIndex / itemsize)
    return error_in(name, "the header's shape " + layout.shape_text + " is too large for any file");
  const std::uint64_t needed = m * n * itemsize;
  const std::uint64_t present = size - layout.data_start;
  if (present < needed)
    return error_in(name, "truncated .npy data: shape " + layout.shape_text + " of " + layout.dtype->descr + " needs " +
                              std::to_string(needed) + " bytes, but only " + std::to_string(present) + " follow the header");
  if (present > needed)
    return error_in(name, std::to_string(present - needed) + " unexpected bytes after the data of shape " +
                              layout.shape_text);
  return {};
}

// The error for an '<i8' entry (i, j) that has no exact double.
Error inexact_entry(const NpyLayout& layout, index i, index j, std::int64_t k, std::string_view name) {
  const std::string where = layout.one_dimensional
                                ? "entry " + std::to_string(i + 1)
                                : "row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1);
  return error_in(name, where + ": " + detail::inexact_integer_message(k) +
                            "; to accept the rounding, convert the array first with a.astype('<f8')");
}

// Step 4: the entries, in the file's order (row-major, or column-major with
// fortran_order), each '<i8' entry checked for an exact double.
Expected<Matrix<double>> decode_entries(const unsigned char* p, const NpyLayout& layout, std::string_view name) {
  const auto rows = static_cast<index>(layout.m), cols = static_cast<index>(layout.n);
  const Dtype& dtype = *layout.dtype;
  const bool wide_integer = !dtype.is_float && dtype.itemsize == 8;
  const index outer = layout.fortran_order ? cols : rows, inner = layout.fortran_order ? rows : cols;
  Matrix<double> A(rows, cols);
  for (index a = 0; a < outer; ++a)
    for (index b = 0; b < inner; ++b, p += dtype.itemsize) {
      const index i = layout.fortran_order ? b : a, j = layout.fortran_order ? a : b;
      if (wide_integer) {
        const std::uint64_t bits = load_le(p, 8);
        std::int64_t k;
        std::memcpy(&k, &bits, sizeof k);
        if (!detail::exact_in_double(k)) return inexact_entry(layout, i, j, k, name);
      }
      A(i, j) = decode(p, dtype);
    }
  return A;
}

}  // namespace

Expected<Matrix<double>> parse_npy(std::string_view bytes, std::string_view name, const ReadLimits& limits) {
  // 1-2. Magic, version and header.
  Expected<NpyLayout> layout = read_header(bytes, name);
  if (!layout) return layout.error();
  // 3. Sizes against the bytes present (a lying header is invalid data), then against
  // the caller's limits (an empty array can still have a huge dimension).
  Expected<void> sized = check_data_size(*layout, bytes.size(), name);
  if (!sized) return sized.error();
  Expected<void> limited = detail::check_size_limit(name, static_cast<std::int64_t>(layout->m),
                                                    static_cast<std::int64_t>(layout->n), layout->shape_text,
                                                    limits.max_elements);
  if (!limited) return limited.error();
  // 4. The entries.
  return decode_entries(reinterpret_cast<const unsigned char*>(bytes.data()) + layout->data_start, *layout, name);
}

std::string encode_npy(MatrixView<const double> A) {
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(A.rows()) + ", " +
                     std::to_string(A.cols()) + "), }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n' = a multiple of 64.
  const std::size_t unpadded = 10 + dict.size() + 1;
  dict.append((kHeaderAlignment - unpadded % kHeaderAlignment) % kHeaderAlignment, ' ');
  dict += '\n';

  std::string out(detail::kNpyMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>((dict.size() >> 8) & 0xff);
  out += dict;
  out.reserve(out.size() + static_cast<std::size_t>(A.rows() * A.cols()) * 8);
  for (index i = 0; i < A.rows(); ++i)
    for (index j = 0; j < A.cols(); ++j) {
      std::uint64_t bits;
      const double x = A(i, j);
      std::memcpy(&bits, &x, sizeof bits);
      for (int b = 0; b < 8; ++b) out += static_cast<char>((bits >> (8 * b)) & 0xff);
    }
  return out;
}

}  // namespace stela::io
