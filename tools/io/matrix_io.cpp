// io/matrix_io.cpp — choosing a format, moving whole files in and out, and the vector
// helper. The formats themselves live in text_format.cpp, matrix_market.cpp and
// npy_format.cpp.
#include "io/matrix_io.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <istream>
#include <vector>

#include "io/parse_support.hpp"

namespace stela::io {
namespace {

using detail::error_in;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// What the first bytes say, for input that has no file name to go by.
Format sniff(std::string_view bytes) {
  if (detail::starts_with(bytes, detail::kNpyMagic)) return Format::npy;
  if (lower(bytes.substr(0, detail::kMatrixMarketBanner.size())) == lower(detail::kMatrixMarketBanner))
    return Format::matrix_market;
  return Format::text;
}

// The message for input beyond `max_bytes`.
Error too_many_bytes(std::string_view name, std::int64_t max_bytes, std::string_view size) {
  return detail::limit_error(name, std::string(size) + " is more than the limit of " + std::to_string(max_bytes) +
                                       " bytes (--max-bytes)");
}

// Everything left on `in`, at most `max_bytes` of it, or an error naming `name`. A
// stream is read one byte past the limit, so that exactly `max_bytes` is accepted and
// a stream with no end (/dev/zero) stops after max_bytes + 1 bytes. The bytes arrive
// in chunks of 1 MiB and are joined once the size is known: a growing string would
// hold its old and new buffers at once when it reallocates, up to twice the limit
// (measured: 2.1 GB for /dev/zero at 1 GiB), where the chunks never exceed it.
Expected<std::string> slurp(std::istream& in, std::string_view name, std::int64_t max_bytes) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const auto limit = static_cast<std::uint64_t>(max_bytes < 0 ? 0 : max_bytes);
  std::vector<std::string> chunks;
  std::uint64_t total = 0;
  for (;;) {
    const std::uint64_t room = limit + 1 - total;
    std::string chunk(static_cast<std::size_t>(room < kChunk ? room : kChunk), '\0');
    in.read(&chunk[0], static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    chunk.resize(got);
    total += got;
    chunks.push_back(std::move(chunk));
    if (total > limit) return too_many_bytes(name, max_bytes, "the input");
    if (!in) break;
  }
  if (in.bad()) return error_in(name, "read error");
  if (chunks.size() == 1) return std::move(chunks.front());
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(total));
  for (std::string& chunk : chunks) {
    bytes += chunk;
    std::string().swap(chunk);  // each chunk freed once copied
  }
  return bytes;
}

}  // namespace

const char* to_string(Format format) {
  switch (format) {
    case Format::text: return "text";
    case Format::matrix_market: return "matrix-market";
    case Format::npy: return "npy";
  }
  return "unknown";
}

std::optional<Format> parse_format(std::string_view name) {
  const std::string n = lower(name);
  if (n == "text" || n == "txt" || n == "csv" || n == "dat") return Format::text;
  if (n == "matrix-market" || n == "matrix_market" || n == "mtx" || n == "mm") return Format::matrix_market;
  if (n == "npy") return Format::npy;
  return std::nullopt;
}

Format format_from_path(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = file.find_last_of('.');
  if (dot == std::string_view::npos) return Format::text;
  const std::string extension = lower(file.substr(dot + 1));
  if (extension == "mtx") return Format::matrix_market;
  if (extension == "npy") return Format::npy;
  return Format::text;
}

Expected<std::string> read_file(const std::string& path, std::int64_t max_bytes) {
  if (path == "-") {
    // Binary is the only mode on POSIX; elsewhere std::cin stays in its text mode.
    return slurp(std::cin, kStdinName, max_bytes);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return error_in(path, "is a directory, not a file");
  // A regular file announces its size: refuse a large one before reading a byte. Other
  // files (devices, pipes) are cut by slurp.
  if (std::filesystem::is_regular_file(path, ec)) {
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && max_bytes >= 0 && size > static_cast<std::uintmax_t>(max_bytes))
      return too_many_bytes(path, max_bytes, "the file's " + std::to_string(size) + " bytes");
  }
  errno = 0;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int err = errno;
    return error_in(path, std::string("cannot open: ") + (err != 0 ? std::strerror(err) : "unknown error"));
  }
  return slurp(file, path, max_bytes);
}

Expected<Matrix<double>> parse_matrix(std::string_view bytes, Format format, std::string_view name,
                                      const ReadLimits& limits) {
  switch (format) {
    case Format::text: return parse_text(bytes, name, limits);
    case Format::matrix_market: return parse_matrix_market(bytes, name, limits);
    case Format::npy: return parse_npy(bytes, name, limits);
  }
  return error_in(name, "unknown format");
}

Expected<Matrix<double>> read_matrix(std::istream& in, std::string_view name, std::optional<Format> format,
                                     const ReadLimits& limits) {
  Expected<std::string> bytes = slurp(in, name, limits.max_bytes);
  if (!bytes) return bytes.error();
  return parse_matrix(*bytes, format ? *format : sniff(*bytes), name, limits);
}

Expected<Matrix<double>> read_matrix(const std::string& path, std::optional<Format> format, const ReadLimits& limits) {
  if (path == "-") return read_matrix(std::cin, kStdinName, format, limits);
  Expected<std::string> bytes = read_file(path, limits.max_bytes);
  if (!bytes) return bytes.error();
  return parse_matrix(*bytes, format ? *format : format_from_path(path), path, limits);
}

Expected<Matrix<double>> as_column(Matrix<double> A, std::string_view name) {
  if (A.cols() == 1) return A;
  if (A.rows() == 1) return transpose(MatrixView<const double>(A));
  return error_in(name, "expected a vector (one row or one column), found a " + std::to_string(A.rows()) + " x " +
                            std::to_string(A.cols()) + " matrix");
}

std::string encode_matrix(MatrixView<const double> A, Format format) {
  switch (format) {
    case Format::text: return encode_text(A);
    case Format::matrix_market: return encode_matrix_market(A);
    case Format::npy: return encode_npy(A);
  }
  return {};
}

Expected<void> write_file(const std::string& path, std::string_view bytes) {
  if (path == "-") {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    if (!std::cout) return error_in("<stdout>", "write error");
    return {};
  }
  errno = 0;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    const int err = errno;
    return error_in(path, std::string("cannot open for writing: ") + (err != 0 ? std::strerror(err) : "unknown error"));
  }
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) return error_in(path, "write error");
  return {};
}

Expected<void> write_matrix(const std::string& path, MatrixView<const double> A, std::optional<Format> format) {
  return write_file(path, encode_matrix(A, format ? *format : format_from_path(path)));
}

}  // namespace stela::io
