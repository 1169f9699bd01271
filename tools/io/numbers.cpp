// io/numbers.cpp — locale-independent number tokens (see numbers.hpp).
#include "io/numbers.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace stela::io {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The decimal exponent of the leading non-zero digit of a decimal token that
// std::from_chars has accepted but found out of range ("12.5e400" -> 401,
// "0.001e-400" -> -403). Its sign tells overflow (>= 0) from underflow (< 0): a
// number whose leading digit is in the units place or above is at least 1, which
// cannot underflow. The exponent field saturates, so "1e99999999999999999999" does
// not overflow the arithmetic.
long long leading_digit_exponent(std::string_view token) {
  std::size_t i = 0;
  if (i < token.size() && (token[i] == '-' || token[i] == '+')) ++i;
  long long position = 0;  // exponent of the leading non-zero digit, before the e-part
  bool found = false;
  long long integer_digits = 0;
  for (; i < token.size() && is_digit(token[i]); ++i) {
    if (found) {
      ++integer_digits;
    } else if (token[i] != '0') {
      found = true;
    }
  }
  if (found) position = integer_digits;
  if (i < token.size() && token[i] == '.') {
    ++i;
    long long zeros = 0;
    for (; i < token.size() && is_digit(token[i]); ++i) {
      if (found) continue;
      if (token[i] == '0') {
        ++zeros;
      } else {
        found = true;
        position = -(zeros + 1);
      }
    }
  }
  long long exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < token.size() && (token[i] == '-' || token[i] == '+')) negative = token[i++] == '-';
    constexpr long long kSaturate = 1000000000;  // far beyond any double's range
    for (; i < token.size() && is_digit(token[i]); ++i)
      if (exponent < kSaturate) exponent = exponent * 10 + (token[i] - '0');
    if (negative) exponent = -exponent;
  }
  return position + exponent;
}

}  // namespace

bool parse_double(std::string_view token, double& value) {
  std::string_view body = token;
  // from_chars takes a leading '-' but not '+'; strtod takes both.
  if (!body.empty() && body.front() == '+') {
    body.remove_prefix(1);
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) return false;
  }
  if (body.empty()) return false;
  double x = 0;
  const char* first = body.data();
  const char* last = body.data() + body.size();
  const auto [end, ec] = std::from_chars(first, last, x, std::chars_format::general);
  if (end != last) return false;
  if (ec == std::errc::result_out_of_range) {
    const bool negative = body.front() == '-';
    const double magnitude =
        leading_digit_exponent(body) >= 0 ? std::numeric_limits<double>::infinity() : 0.0;
    value = negative ? -magnitude : magnitude;
    return true;
  }
  if (ec != std::errc()) return false;
  value = x;
  return true;
}

bool parse_integer(std::string_view token, std::int64_t& value) {
  std::string_view body = token;
  if (!body.empty() && body.front() == '+') {
    body.remove_prefix(1);
    if (!body.empty() && body.front() == '-') return false;
  }
  if (body.empty()) return false;
  std::int64_t x = 0;
  const char* last = body.data() + body.size();
  const auto [end, ec] = std::from_chars(body.data(), last, x);
  if (ec != std::errc() || end != last) return false;
  value = x;
  return true;
}

void append_double(std::string& out, double x) {
  // Longest %.17g output: sign, 17 digits, point, "e-308": 24 characters.
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::general, kDoubleDigits);
  out.append(buffer, result.ptr);
}

std::string printable(std::string_view token) {
  constexpr std::size_t kMaxShown = 40;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  const std::size_t shown = token.size() > kMaxShown ? kMaxShown : token.size();
  for (std::size_t i = 0; i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(token[i]);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out += static_cast<char>(byte);
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  if (shown < token.size()) out += "...";
  return out;
}

}  // namespace stela::io
