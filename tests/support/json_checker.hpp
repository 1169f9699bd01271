// A strict RFC 8259 checker for the tests of JSON output (the JSON writer of stela_io
// and the program's --json): it accepts exactly one JSON value, refuses everything the
// RFC forbids (trailing commas, leading zeros, NaN, unescaped control characters), and
// returns the parsed tree so a test can look at members and numbers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stela::test {

struct JsonValue {
  enum Kind { null, boolean, number, string, array, object } kind = null;
  bool flag = false;
  std::string text;  // a number's literal text, or a string's decoded UTF-8
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;
};

class JsonChecker {
 public:
  // True when `text` is exactly one JSON value with optional white space around it.
  bool parse(std::string_view text, JsonValue& out);

 private:
  void skip_ws();
  bool literal(std::string_view word);
  static bool digit(char c);
  bool value(JsonValue& out, int depth);
  bool number(std::string& out);
  bool string(std::string& out);
  bool array(JsonValue& out, int depth);
  bool object(JsonValue& out, int depth);

  std::string_view text_;
  std::size_t pos_ = 0;
};

// text parsed by JsonChecker; fails the test (and returns what was read) when it is not
// exactly one JSON value.
JsonValue parse_json(const std::string& text);

// The member `name` of an object, or null.
const JsonValue* member(const JsonValue& object, const std::string& name);

// The number held by a JSON number value (its literal text parsed as a double); NaN for
// null, which the writer prints for NaN and Inf. Anything else fails the test.
double number(const JsonValue& v);

}  // namespace stela::test
