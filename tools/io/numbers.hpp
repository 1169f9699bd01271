// io/numbers.hpp — number tokens in and out, the same way for every text format.
//
// Reading uses std::from_chars and writing std::to_chars, which, unlike strtod and
// printf, do not depend on the C locale: a program that calls setlocale() still reads
// "1.5" and writes "1.5". Seventeen significant digits are enough to give back every
// double exactly (IEEE 754-2019, clause 5.12.2: 17 for binary64).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stela::io {

// Significant digits written for every double (text, Matrix Market, JSON): as %.17g.
inline constexpr int kDoubleDigits = 17;

// The whole of `token` read as a double, as strtod would in the C locale: an optional
// sign ('+' or '-'), decimal digits with an optional point and exponent, or inf,
// infinity, nan, nan(...) in any case. A value too large for a double becomes ±inf and
// one too small ±0 (the nearest double, as strtod). Hexadecimal floats are not
// accepted. Returns false when the token is not such a number.
bool parse_double(std::string_view token, double& value);

// The whole of `token` read as an integer: an optional sign, then decimal digits only.
// Returns false for anything else and for values outside int64.
bool parse_integer(std::string_view token, std::int64_t& value);

// Appends x as %.17g would print it ("0.10000000000000001", "1e+300", "-0", "inf",
// "-inf", "nan").
void append_double(std::string& out, double x);

// The token as it may appear inside quotes in a message: bytes that are not printable
// ASCII become \xNN, and a token longer than a screen line is cut, with "...".
std::string printable(std::string_view token);

}  // namespace stela::io
