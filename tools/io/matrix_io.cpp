// io/matrix_io.cpp — choosing a format, moving whole files in and out, and the vector
// helper. The formats themselves live in text_format.cpp, matrix_market.cpp and
// npy_format.cpp.
#include "io/matrix_io.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <istream>

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

// Everything left on `in`, or an error naming `name`.
Expected<std::string> slurp(std::istream& in, std::string_view name) {
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return error_in(name, "read error");
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

Expected<std::string> read_file(const std::string& path) {
  if (path == "-") {
    // Binary is the only mode on POSIX; elsewhere std::cin stays in its text mode.
    return slurp(std::cin, kStdinName);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return error_in(path, "is a directory, not a file");
  errno = 0;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int err = errno;
    return error_in(path, std::string("cannot open: ") + (err != 0 ? std::strerror(err) : "unknown error"));
  }
  return slurp(file, path);
}

Expected<Matrix<double>> parse_matrix(std::string_view bytes, Format format, std::string_view name) {
  switch (format) {
    case Format::text: return parse_text(bytes, name);
    case Format::matrix_market: return parse_matrix_market(bytes, name);
    case Format::npy: return parse_npy(bytes, name);
  }
  return error_in(name, "unknown format");
}

Expected<Matrix<double>> read_matrix(std::istream& in, std::string_view name, std::optional<Format> format) {
  Expected<std::string> bytes = slurp(in, name);
  if (!bytes) return bytes.error();
  return parse_matrix(*bytes, format ? *format : sniff(*bytes), name);
}

Expected<Matrix<double>> read_matrix(const std::string& path, std::optional<Format> format) {
  if (path == "-") return read_matrix(std::cin, kStdinName, format);
  Expected<std::string> bytes = read_file(path);
  if (!bytes) return bytes.error();
  return parse_matrix(*bytes, format ? *format : format_from_path(path), path);
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
