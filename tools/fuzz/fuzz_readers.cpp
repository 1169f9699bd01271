// tools/fuzz/fuzz_readers.cpp — a libFuzzer harness for the three matrix readers
// (issue 13, "Hostile input"). Not part of the default build: see tools/CMakeLists.txt
// (STELA_FUZZ) for the configure line and README for a run.
//
// The first byte picks the format (text, Matrix Market, .npy), the rest is the file.
// The readers run under small limits, and the harness checks what must hold for any
// input: no crash, no sanitizer report, no allocation beyond the limits (libFuzzer's
// -rss_limit_mb and -malloc_limit_mb catch one), and
//   - a failure has a message that names the file ("fuzz: ...");
//   - a success respects the limits (entries and each dimension <= max_elements) and
//     survives a round trip through the .npy writer and reader bit for bit (NaN as NaN).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "io/matrix_io.hpp"

namespace {

using stela::Matrix;
namespace io = stela::io;

// A broken invariant is a crash, which libFuzzer reports with the input that caused it.
void require(bool condition) {
  if (!condition) std::abort();
}

bool same_entry(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto format = static_cast<io::Format>(data[0] % 3);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  io::ReadLimits limits;
  limits.max_bytes = std::int64_t{1} << 20;
  limits.max_elements = std::int64_t{1} << 16;

  io::Expected<Matrix<double>> A = io::parse_matrix(bytes, format, "fuzz", limits);
  if (!A.ok()) {
    require(A.error().message.rfind("fuzz: ", 0) == 0);
    return 0;
  }
  const stela::index m = A->rows(), n = A->cols();
  require(m >= 0 && n >= 0 && m <= limits.max_elements && n <= limits.max_elements);
  require(m * n <= limits.max_elements);

  io::Expected<Matrix<double>> B = io::parse_npy(io::encode_npy(*A), "round trip", limits);
  require(B.ok() && B->rows() == m && B->cols() == n);
  for (stela::index j = 0; j < n; ++j)
    for (stela::index i = 0; i < m; ++i) require(same_entry((*A)(i, j), (*B)(i, j)));
  return 0;
}
