// io/json_writer.hpp — a small streaming JSON writer for the program's --json output.
//
// Reference: RFC 8259, "The JavaScript Object Notation (JSON) Data Interchange Format".
//
// The writer emits one JSON value (in practice one object) piece by piece onto a
// std::ostream, inserting commas, and in the pretty style newlines and indentation, by
// itself. Its output is valid JSON whatever the data:
//
//   - strings are escaped: quote, backslash and every control character; bytes that
//     are not valid UTF-8 (a file name, say) become U+FFFD, since JSON text is Unicode;
//   - doubles are written with 17 significant digits (as %.17g, so parsing the text
//     gives back the same double), and NaN and ±Inf, which JSON cannot express, as null;
//   - after the top-level value is complete, a newline.
//
// Matrices are arrays of rows, vectors flat arrays. The calls must nest properly
// (key before every member value, ends matching begins); a debug assertion catches a
// misplaced call.
//
//   JsonWriter json(std::cout);
//   json.begin_object();
//   json.key("rank").value(2);
//   json.key("solution").matrix_or_vector(W);
//   json.end_object();
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "stela/matrix.hpp"

namespace stela::io {

enum class JsonStyle {
  compact,  // no white space at all
  pretty,   // each object member on its own line, indented by two spaces; arrays of
            // numbers on one line, arrays of arrays one element per line
};

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out, JsonStyle style = JsonStyle::pretty);

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The name of the next member; inside an object, before each value.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(bool b);
  // 17 significant digits; NaN and ±Inf become null.
  JsonWriter& value(double x);
  JsonWriter& value(float x) { return value(static_cast<double>(x)); }
  template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
  JsonWriter& value(Int k) {
    if constexpr (std::is_signed_v<Int>)
      return raw_scalar(std::to_string(static_cast<long long>(k)));
    else
      return raw_scalar(std::to_string(static_cast<unsigned long long>(k)));
  }
  JsonWriter& null();

  // x as a flat array of numbers.
  template <class T>
  JsonWriter& vector(VectorView<const T> x) {
    begin_array();
    for (index i = 0; i < x.size(); ++i) value(x[i]);
    return end_array();
  }
  template <class T>
  JsonWriter& vector(const std::vector<T>& x) {
    return vector(VectorView<const T>(x.data(), static_cast<index>(x.size())));
  }
  // A as an array of its rows: [[a11, a12], [a21, a22]]. An m x 0 matrix gives m empty
  // rows, a 0 x n matrix an empty array.
  template <class T>
  JsonWriter& matrix(MatrixView<const T> A) {
    begin_array();
    for (index i = 0; i < A.rows(); ++i) vector(A.row(i));
    return end_array();
  }
  // A one-column A as a flat array (a single solution vector), any other A as an array
  // of rows (several right-hand sides).
  template <class T>
  JsonWriter& matrix_or_vector(MatrixView<const T> A) {
    return A.cols() == 1 ? vector(A.col(0)) : matrix(A);
  }

  // True once a complete top-level value has been written.
  bool done() const { return done_; }

 private:
  struct Level {
    bool is_object;
    bool empty = true;      // no member or element written yet
    bool multiline = false; // some element started on a new line
    bool after_key = false; // a key was written and its value is due
  };

  // Separators and layout before a value; `container` says whether it opens one.
  void before_value(bool container);
  void after_value();
  void newline_and_indent(std::size_t depth);
  JsonWriter& raw_scalar(std::string_view text);
  JsonWriter& end_container(bool is_object);

  std::ostream& out_;
  JsonStyle style_;
  std::vector<Level> stack_;
  bool done_ = false;
};

// `text` as a JSON string literal, quotes included (RFC 8259 section 7).
std::string json_quote(std::string_view text);

}  // namespace stela::io
