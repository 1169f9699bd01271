// The .npy header parser and row-range reader of stela-mpi and `stela lstsq --stream`
// (npy_rows.hpp).
//
// Reference: NumPy Enhancement Proposal 1, "A Simple File Format for NumPy Arrays", and
// numpy/lib/format.py (versions 2.0 and 3.0 differ from 1.0 only in a 4-byte header
// length and, for 3.0, a UTF-8 header; the dict this reader accepts is ASCII).
#include "io/npy_rows.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <vector>

namespace stela::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;
// Larger headers are refused before reading them: numpy writes a few hundred bytes.
constexpr std::uint32_t kMaxHeaderBytes = 1u << 16;

bool little_endian_host() {
  const std::uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// A cursor over the header's dict literal; every method returns false on a mismatch.
class DictParser {
 public:
  explicit DictParser(const std::string& text) : s_(text) {}
  void skip_spaces() {
    while (at_ < s_.size() && s_[at_] == ' ') ++at_;
  }
  bool literal(const char* word) {
    skip_spaces();
    const std::size_t n = std::strlen(word);
    if (s_.compare(at_, n, word) != 0) return false;
    at_ += n;
    return true;
  }
  bool quoted(std::string& out) {
    skip_spaces();
    if (at_ >= s_.size() || s_[at_] != '\'') return false;
    const std::size_t end = s_.find('\'', at_ + 1);
    if (end == std::string::npos) return false;
    out = s_.substr(at_ + 1, end - at_ - 1);
    at_ = end + 1;
    return true;
  }
  bool integer(std::int64_t& out) {
    skip_spaces();
    std::size_t start = at_;
    std::int64_t v = 0;
    while (at_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[at_]))) {
      const int digit = s_[at_++] - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return false;
      v = 10 * v + digit;
    }
    out = v;
    return at_ > start;
  }
  // (n,) or (n, d) with an optional trailing comma.
  bool shape(std::vector<std::int64_t>& dims) {
    if (!literal("(")) return false;
    std::int64_t v = 0;
    while (!literal(")")) {
      if (!integer(v)) return false;
      dims.push_back(v);
      if (!literal(",")) {
        if (!literal(")")) return false;
        break;
      }
    }
    return true;
  }
  bool done() {
    skip_spaces();
    return at_ == s_.size();
  }

 private:
  const std::string& s_;
  std::size_t at_ = 0;
};

// The dict {'descr': ..., 'fortran_order': ..., 'shape': ...}, each key once, any order.
std::optional<std::string> parse_dict(const std::string& dict, NpyFile& out) {
  DictParser p(dict);
  if (!p.literal("{")) return "the header is not a dict";
  bool have_descr = false, have_order = false, have_shape = false;
  std::vector<std::int64_t> dims;
  while (!p.literal("}")) {
    std::string key, descr;
    if (!p.quoted(key) || !p.literal(":")) return "the header dict is malformed";
    if (key == "descr" && !have_descr) {
      if (!p.quoted(descr)) return "'descr' is not a string";
      if (descr != "<f8" && descr != "<f4")
        return "dtype '" + descr + "' is not supported: rows are read as little-endian float64 ('<f8') or float32 ('<f4')";
      out.item_bytes = descr == "<f8" ? 8 : 4;
      have_descr = true;
    } else if (key == "fortran_order" && !have_order) {
      if (p.literal("True"))
        return "Fortran order is not supported: rows are read as contiguous ranges of the file, which needs C "
               "order (rewrite it with numpy.ascontiguousarray)";
      if (!p.literal("False")) return "'fortran_order' is neither True nor False";
      have_order = true;
    } else if (key == "shape" && !have_shape) {
      if (!p.shape(dims)) return "'shape' is not a tuple of integers";
      have_shape = true;
    } else {
      return "unexpected or repeated key '" + key + "' in the header";
    }
    if (!p.literal(",")) {
      if (!p.literal("}")) return "the header dict is malformed";
      break;
    }
  }
  if (!p.done()) return "text after the header dict";
  if (!have_descr || !have_order || !have_shape) return "the header lacks 'descr', 'fortran_order' or 'shape'";
  if (dims.size() != 1 && dims.size() != 2)
    return "shape of " + std::to_string(dims.size()) + " dimensions; only 1-D or 2-D arrays are read";
  out.rows = static_cast<index>(dims[0]);
  out.cols = dims.size() == 2 ? static_cast<index>(dims[1]) : 1;
  out.one_dimensional = dims.size() == 1;
  return std::nullopt;
}

std::uint32_t little_endian_u32(const unsigned char* b, int bytes) {
  std::uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

}  // namespace

std::optional<std::string> read_npy_header(const std::string& path, NpyFile& out) {
  auto fail = [&](const std::string& why) { return std::optional<std::string>(path + ": " + why); };
  if (!little_endian_host()) return fail("row ranges of .npy files are read on little-endian hosts only");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open the file");
  out = NpyFile{};
  out.path = path;
  // 1. magic, version, header length
  unsigned char lead[12] = {};
  in.read(reinterpret_cast<char*>(lead), 10);
  if (in.gcount() == 0) return fail("the file is empty");
  if (in.gcount() < 10 || std::memcmp(lead, kMagic, kMagicBytes) != 0) return fail("not a .npy file (no \\x93NUMPY magic)");
  const int major = lead[6], minor = lead[7];
  if ((major < 1 || major > 3) || minor != 0)
    return fail(".npy version " + std::to_string(major) + "." + std::to_string(minor) + " is not supported");
  int length_bytes = major == 1 ? 2 : 4;
  if (length_bytes == 4) in.read(reinterpret_cast<char*>(lead + 10), 2);
  if (!in) return fail("the header is cut short");
  const std::uint32_t header_bytes = little_endian_u32(lead + 8, length_bytes);
  if (header_bytes > kMaxHeaderBytes) return fail("header length " + std::to_string(header_bytes) + " is implausible");
  // 2. the dict, padded with spaces and ended by '\n'
  std::string dict(header_bytes, '\0');
  in.read(dict.data(), header_bytes);
  if (!in || header_bytes == 0 || dict.back() != '\n') return fail("the header is cut short or not ended by a newline");
  dict.pop_back();
  if (std::optional<std::string> why = parse_dict(dict, out)) return fail(*why);
  out.data_offset = 8 + static_cast<std::uint64_t>(length_bytes) + header_bytes;
  // 3. the size: exactly the header and rows x cols entries
  const std::uint64_t entries = static_cast<std::uint64_t>(out.rows) * static_cast<std::uint64_t>(out.cols);
  if (out.cols != 0 && entries / static_cast<std::uint64_t>(out.cols) != static_cast<std::uint64_t>(out.rows))
    return fail("the shape is too large");
  in.seekg(0, std::ios::end);
  const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
  const std::uint64_t expected = out.data_offset + entries * static_cast<std::uint64_t>(out.item_bytes);
  if (size != expected)
    return fail("the header announces " + std::to_string(out.rows) + " x " + std::to_string(out.cols) + " entries (" +
                std::to_string(expected) + " bytes in all) but the file has " + std::to_string(size) + " bytes");
  return std::nullopt;
}

template <class T>
std::optional<std::string> read_npy_rows(const NpyFile& file, std::ifstream& in, index first, index count,
                                         MatrixView<T> out) {
  const index d = file.cols;
  const auto item = static_cast<std::uint64_t>(file.item_bytes);
  const std::uint64_t row_bytes = static_cast<std::uint64_t>(d) * item;
  // Seek to row `first`; the count d entries that follow, row by row, go through a
  // fixed buffer on the stack, so a read allocates nothing however many rows it takes
  // (a streamed file is read in thousands of such calls).
  in.seekg(static_cast<std::streamoff>(file.data_offset + row_bytes * static_cast<std::uint64_t>(first)));
  constexpr std::uint64_t kPieceBytes = std::uint64_t{1} << 16;
  unsigned char piece[kPieceBytes];
  std::uint64_t left = static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(d);  // entries to read
  index i = 0, j = 0;  // the entry the next byte of the file belongs to
  while (left > 0) {
    const std::uint64_t entries = std::min(left, kPieceBytes / item);
    in.read(reinterpret_cast<char*>(piece), static_cast<std::streamsize>(entries * item));
    if (!in)
      return file.path + ": cannot read rows " + std::to_string(first) + " to " + std::to_string(first + count - 1);
    // Row-major bytes -> column-major view: entry (i, j) follows (i, j - 1), and
    // (i + 1, 0) follows (i, d - 1).
    for (std::uint64_t e = 0; e < entries; ++e) {
      const unsigned char* at = piece + e * item;
      if (file.item_bytes == 8) {
        double v;
        std::memcpy(&v, at, 8);
        out(i, j) = static_cast<T>(v);
      } else {
        float v;
        std::memcpy(&v, at, 4);
        out(i, j) = static_cast<T>(v);
      }
      if (++j == d) {
        j = 0;
        ++i;
      }
    }
    left -= entries;
  }
  return std::nullopt;
}

template std::optional<std::string> read_npy_rows<float>(const NpyFile&, std::ifstream&, index, index,
                                                         MatrixView<float>);
template std::optional<std::string> read_npy_rows<double>(const NpyFile&, std::ifstream&, index, index,
                                                          MatrixView<double>);

}  // namespace stela::io
