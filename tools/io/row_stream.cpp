// io/row_stream.cpp — matrix files a block of rows at a time (row_stream.hpp).
//
// The three formats share one piece, LineReader: the lines of a stream read through a
// buffer that never holds more than one line plus one refill, with the line ends of
// the whole-file reader (LineCursor: "\n", "\r\n", a lone "\r"), and which can jump to
// a byte offset (Matrix Market reads each column from its own cursor). The parsing of
// lines and tokens is the whole-file readers' own (detail::scan_row,
// detail::read_matrix_market_entry), so a file reads the same streamed or not.
#include "io/row_stream.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string_view>
#include <vector>

#include "io/npy_rows.hpp"
#include "io/numbers.hpp"
#include "io/parse_support.hpp"

namespace stela::io {
namespace {

using detail::error_at;
using detail::error_in;

constexpr std::size_t kTextRefill = std::size_t{1} << 16;    // 64 KiB per read
constexpr std::size_t kColumnRefill = std::size_t{1} << 13;  // 8 KiB: a column's short run

// The lines of an input stream. The view returned by next() lives until the next call.
class LineReader {
 public:
  LineReader() = default;
  LineReader(std::istream* in, std::string name, std::int64_t max_line, std::size_t refill)
      : in_(in), name_(std::move(name)), max_line_(max_line), refill_(refill) {}

  // Continue at byte `offset` of a seekable stream; the next line is number `line`.
  void reset(std::uint64_t offset, index line, std::size_t refill) {
    in_->clear();
    in_->seekg(static_cast<std::streamoff>(offset));
    buf_.clear();
    pos_ = 0;
    base_ = offset;
    eof_ = false;
    number_ = line - 1;
    refill_ = refill;
  }

  // The next line into `line`: true, or false at the end of the input.
  Expected<bool> next(std::string_view& line) {
    for (;;) {
      const std::size_t end = buf_.find_first_of("\r\n", pos_);
      // A '\r' at the end of the buffer may be half of "\r\n": look further first.
      if (end != std::string::npos && !(buf_[end] == '\r' && end + 1 == buf_.size() && !eof_)) {
        if (static_cast<std::int64_t>(end - pos_) > max_line_) return too_long();
        const bool crlf = buf_[end] == '\r' && end + 1 < buf_.size() && buf_[end + 1] == '\n';
        line = std::string_view(buf_).substr(pos_, end - pos_);
        line_offset_ = base_ + pos_;
        pos_ = end + (crlf ? 2 : 1);
        ++number_;
        return true;
      }
      if (eof_) {
        if (pos_ == buf_.size()) return false;
        if (static_cast<std::int64_t>(buf_.size() - pos_) > max_line_) return too_long();
        line = std::string_view(buf_).substr(pos_);  // a last line without a line end
        line_offset_ = base_ + pos_;
        pos_ = buf_.size();
        ++number_;
        return true;
      }
      Expected<void> more = refill();
      if (!more) return more.error();
    }
  }

  // The number of the line last returned, and the byte offset where it starts.
  index number() const { return number_; }
  std::uint64_t line_offset() const { return line_offset_; }
  // Whether the input had no bytes at all (known once next() returned false).
  bool empty_input() const { return base_ == 0 && buf_.empty(); }

 private:
  Error too_long() const {
    return detail::limit_error(name_, "line " + std::to_string(number_ + 1) + " is longer than " +
                                          std::to_string(max_line_) +
                                          " bytes, the limit of one line when reading by blocks (--max-bytes)");
  }

  Expected<void> refill() {
    buf_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
    if (static_cast<std::int64_t>(buf_.size()) > max_line_) return too_long();
    const std::size_t old = buf_.size();
    buf_.resize(old + refill_);
    in_->read(&buf_[old], static_cast<std::streamsize>(refill_));
    const auto got = static_cast<std::size_t>(in_->gcount());
    buf_.resize(old + got);
    if (in_->bad()) return error_in(name_, "read error");
    if (got < refill_) eof_ = true;
    return {};
  }

  std::istream* in_ = nullptr;
  std::string name_;
  std::int64_t max_line_ = 0;
  std::size_t refill_ = kTextRefill;
  std::string buf_;
  std::size_t pos_ = 0;         // the next unread byte of buf_
  std::uint64_t base_ = 0;      // the stream offset of buf_[0]
  bool eof_ = false;
  index number_ = 0;
  std::uint64_t line_offset_ = 0;
};

bool is_comment_or_blank(std::string_view line) {
  const std::string_view t = detail::trim(line);
  return t.empty() || t.front() == '%';
}

// Where the next entry of one Matrix Market column is: byte offset, line number, and
// the 0-based position in that line of the byte at the offset (for column numbers).
struct Cursor {
  std::uint64_t offset = 0;
  index line = 0;
  index column0 = 0;
};

}  // namespace

struct RowStream::State {
  std::string name;
  Format format = Format::text;
  index cols = 0;
  index known_rows = -1;
  index rows_read = 0;
  ReadLimits limits;
  std::ifstream file;
  std::istream* in = nullptr;
  LineReader lines;
  // text: the values of one row, and whether open() left the first row in them.
  std::vector<double> row;
  bool pending = false;
  index first_row_line = 0;
  // npy
  NpyFile npy;
  // Matrix Market
  bool integer_field = false;
  std::vector<Cursor> cursors;

  Expected<bool> next_text_row();
  Expected<void> open_matrix_market();
  Expected<void> read_column(index j, MatrixView<double> block, index count);
};

// The next row of a text file into `row`: true, or false at the end.
Expected<bool> RowStream::State::next_text_row() {
  std::string_view line;
  for (;;) {
    Expected<bool> got = lines.next(line);
    if (!got) return got.error();
    if (!*got) return false;
    const index number = lines.number();
    if (number == 1) {
      // As the whole-file reader: say what a binary or Matrix Market file is, and skip
      // a byte order mark.
      if (detail::starts_with(line, detail::kNpyMagic))
        return error_in(name, "this is a NumPy .npy file, not text; name it *.npy or choose the npy format");
      if (detail::starts_with(line, detail::kMatrixMarketBanner))
        return error_in(name, "this is a Matrix Market file, not text; name it *.mtx or choose the matrix-market format");
      if (detail::starts_with(line, "\xEF\xBB\xBF")) line.remove_prefix(3);
    }
    row.clear();
    Expected<detail::RowScan> scan =
        detail::scan_row(line.substr(0, line.find('#')), cols, number, name, limits.max_elements, row);
    if (!scan) return scan.error();
    const index count = scan->count;
    if (count == 0) continue;  // blank or comment-only line
    if (cols == 0) {
      cols = count;
      first_row_line = number;
    } else if (count != cols) {
      return error_at(name, number, count > cols ? scan->extra_column : scan->end_column,
                      std::string(count > cols ? "extra value" : "missing value") + " (the row has " +
                          std::to_string(count) + (count == 1 ? " value" : " values") + ", expected " +
                          std::to_string(cols) + " as on line " + std::to_string(first_row_line) + ")");
    }
    return true;
  }
}

// The header, then one pass that counts the entries and notes where each column starts.
Expected<void> RowStream::State::open_matrix_market() {
  // 1. The lines up to the size line, parsed by the whole-file reader's code.
  std::string head;
  std::string_view line;
  for (;;) {
    Expected<bool> got = lines.next(line);
    if (!got) return got.error();
    if (!*got) break;
    head.append(line).push_back('\n');
    if (static_cast<std::int64_t>(head.size()) > limits.max_bytes)
      return detail::limit_error(name, "more than " + std::to_string(limits.max_bytes) +
                                           " bytes before the size line (--max-bytes)");
    if (lines.number() > 1 && !is_comment_or_blank(line)) break;
  }
  detail::LineCursor head_lines(head);
  Expected<detail::MatrixMarketHeader> header = detail::read_matrix_market_header(head_lines, name);
  if (!header) return header.error();
  if (!header->general)
    return error_at(name, 1, 0, "a " + header->symmetry +
                                    " file stores a triangle of a square matrix; rows are read a block at a time "
                                    "from 'general' array files only");
  if (header->n > limits.max_elements)
    return detail::limit_error(name, "rows of " + std::to_string(header->n) + " entries, above the limit of " +
                                         std::to_string(limits.max_elements) + " entries (--max-elements)");
  integer_field = header->integer_field;
  known_rows = static_cast<index>(header->m);
  cols = static_cast<index>(header->n);
  // 2. Count the entries (against the size line) and note the first of every column.
  const std::int64_t m = header->m, stored = header->m * header->n;
  cursors.assign(static_cast<std::size_t>(cols), Cursor{});
  std::int64_t count = 0;
  for (;;) {
    Expected<bool> got = lines.next(line);
    if (!got) return got.error();
    if (!*got) break;
    if (is_comment_or_blank(line)) continue;
    std::size_t pos = detail::skip_blanks(line, 0);
    while (pos < line.size()) {
      if (count == stored)
        return error_at(name, lines.number(), static_cast<index>(pos) + 1,
                        "more values than the " + std::to_string(stored) + " the size line (line " +
                            std::to_string(header->size_line) + ") promises");
      if (m > 0 && count % m == 0)
        cursors[static_cast<std::size_t>(count / m)] =
            Cursor{lines.line_offset() + pos, lines.number(), static_cast<index>(pos)};
      ++count;
      while (pos < line.size() && !detail::is_blank(line[pos])) ++pos;
      pos = detail::skip_blanks(line, pos);
    }
  }
  if (count != stored)
    return error_in(name, "found " + std::to_string(count) + " values, but the size line (line " +
                              std::to_string(header->size_line) + ") promises " + std::to_string(stored) + " for a " +
                              std::to_string(header->m) + " x " + std::to_string(header->n) + " matrix");
  return {};
}

// `count` entries of column j from its cursor into block(0 .. count - 1, j).
Expected<void> RowStream::State::read_column(index j, MatrixView<double> block, index count) {
  Cursor& c = cursors[static_cast<std::size_t>(j)];
  lines.reset(c.offset, c.line, kColumnRefill);
  index got_entries = 0;
  bool rest_of_line = true;  // the first "line" is what follows the cursor in its line
  std::string_view line;
  while (got_entries < count) {
    Expected<bool> got = lines.next(line);
    if (!got) return got.error();
    if (!*got) return error_in(name, "the file ended early (was it changed while being read?)");
    const index column0 = rest_of_line ? c.column0 : 0;
    if (!rest_of_line && is_comment_or_blank(line)) continue;
    rest_of_line = false;
    std::size_t pos = detail::skip_blanks(line, 0);
    while (pos < line.size() && got_entries < count) {
      std::size_t end = pos;
      while (end < line.size() && !detail::is_blank(line[end])) ++end;
      Expected<double> x = detail::read_matrix_market_entry(line.substr(pos, end - pos), integer_field, name,
                                                            lines.number(), column0 + static_cast<index>(pos) + 1);
      if (!x) return x.error();
      block(got_entries++, j) = *x;
      pos = detail::skip_blanks(line, end);
    }
    if (got_entries == count) c = Cursor{lines.line_offset() + pos, lines.number(), column0 + static_cast<index>(pos)};
  }
  return {};
}

RowStream::RowStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
RowStream::RowStream(RowStream&&) noexcept = default;
RowStream& RowStream::operator=(RowStream&&) noexcept = default;
RowStream::~RowStream() = default;

const std::string& RowStream::name() const { return state_->name; }
Format RowStream::format() const { return state_->format; }
index RowStream::cols() const { return state_->cols; }
index RowStream::known_rows() const { return state_->known_rows; }
index RowStream::rows_read() const { return state_->rows_read; }

Expected<RowStream> RowStream::open(const std::string& path, std::optional<Format> format, const ReadLimits& limits) {
  auto s = std::make_unique<State>();
  const bool from_stdin = path == "-";
  s->name = from_stdin ? kStdinName : path;
  s->format = format ? *format : format_from_path(path);
  s->limits = limits;
  if (from_stdin && s->format != Format::text)
    return error_in(s->name, std::string("the ") + to_string(s->format) +
                                 " format is read a block of rows at a time by seeking, which standard input cannot "
                                 "do; give a file name");
  if (s->format == Format::npy) {
    if (std::optional<std::string> why = read_npy_header(path, s->npy)) return Error{*why};
    if (s->npy.cols > limits.max_elements)
      return detail::limit_error(s->name, "rows of " + std::to_string(s->npy.cols) + " entries, above the limit of " +
                                              std::to_string(limits.max_elements) + " entries (--max-elements)");
    s->file.open(path, std::ios::binary);
    if (!s->file) return error_in(s->name, "cannot open the file");
    s->cols = s->npy.cols;
    s->known_rows = s->npy.rows;
    return RowStream(std::move(s));
  }
  if (from_stdin) {
    s->in = &std::cin;
  } else {
    s->file.open(path, std::ios::binary);
    if (!s->file) return error_in(s->name, "cannot open the file");
    s->in = &s->file;
  }
  s->lines = LineReader(s->in, s->name, limits.max_bytes, kTextRefill);
  if (s->format == Format::matrix_market) {
    Expected<void> opened = s->open_matrix_market();
    if (!opened) return opened.error();
    return RowStream(std::move(s));
  }
  // Text: the first row, to know the columns; it waits in s->row for the first read.
  Expected<bool> first = s->next_text_row();
  if (!first) return first.error();
  if (!*first)
    return error_in(s->name, s->lines.empty_input() ? "the file is empty"
                                                     : "no numbers in the file (only comments or blank lines)");
  s->pending = true;
  return RowStream(std::move(s));
}

Expected<index> RowStream::read(MatrixView<double> block) {
  State& s = *state_;
  index count = 0;
  switch (s.format) {
    case Format::npy: {
      count = std::min(block.rows(), s.known_rows - s.rows_read);
      if (count == 0) return index{0};
      if (std::optional<std::string> why =
              read_npy_rows<double>(s.npy, s.file, s.rows_read, count, block.row_block(0, count)))
        return Error{*why};
      break;
    }
    case Format::matrix_market: {
      count = std::min(block.rows(), s.known_rows - s.rows_read);
      for (index j = 0; j < s.cols && count > 0; ++j) {
        Expected<void> column = s.read_column(j, block, count);
        if (!column) return column.error();
      }
      break;
    }
    case Format::text: {
      while (count < block.rows()) {
        if (!s.pending) {
          Expected<bool> got = s.next_text_row();
          if (!got) return got.error();
          if (!*got) break;
        }
        s.pending = false;
        for (index j = 0; j < s.cols; ++j) block(count, j) = s.row[static_cast<std::size_t>(j)];
        ++count;
      }
      break;
    }
  }
  s.rows_read += count;
  return count;
}

}  // namespace stela::io
