// The strict RFC 8259 checker of json_checker.hpp: a recursive-descent parser over the
// grammar of RFC 8259 sections 2 to 7, nesting limited to 64 levels.
#include "json_checker.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

namespace stela::test {

bool JsonChecker::parse(std::string_view text, JsonValue& out) {
  text_ = text;
  pos_ = 0;
  skip_ws();
  if (!value(out, 0)) return false;
  skip_ws();
  return pos_ == text_.size();
}

void JsonChecker::skip_ws() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
    ++pos_;
}
bool JsonChecker::literal(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}
bool JsonChecker::digit(char c) { return c >= '0' && c <= '9'; }

bool JsonChecker::value(JsonValue& out, int depth) {
  if (depth > 64 || pos_ >= text_.size()) return false;
  const char c = text_[pos_];
  if (c == '{') return object(out, depth);
  if (c == '[') return array(out, depth);
  if (c == '"') {
    out.kind = JsonValue::string;
    return string(out.text);
  }
  if (literal("null")) return out.kind = JsonValue::null, true;
  if (literal("true")) return out.kind = JsonValue::boolean, out.flag = true, true;
  if (literal("false")) return out.kind = JsonValue::boolean, out.flag = false, true;
  out.kind = JsonValue::number;
  return number(out.text);
}
// number = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "-" / "+" ] 1*DIGIT ]
bool JsonChecker::number(std::string& out) {
  const std::size_t start = pos_;
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (pos_ >= text_.size() || !digit(text_[pos_])) return false;
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (pos_ >= text_.size() || !digit(text_[pos_])) return false;
    while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (pos_ >= text_.size() || !digit(text_[pos_])) return false;
    while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
  }
  out.assign(text_.substr(start, pos_ - start));
  return true;
}
bool JsonChecker::string(std::string& out) {
  ++pos_;  // opening quote
  out.clear();
  while (pos_ < text_.size()) {
    const auto c = static_cast<unsigned char>(text_[pos_++]);
    if (c == '"') return true;
    if (c < 0x20) return false;  // control characters must be escaped
    if (c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    if (pos_ >= text_.size()) return false;
    const char e = text_[pos_++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (pos_ + 4 > text_.size()) return false;
        unsigned code = 0;
        for (int k = 0; k < 4; ++k) {
          const char h = text_[pos_++];
          code *= 16;
          if (digit(h)) code += static_cast<unsigned>(h - '0');
          else if (h >= 'a' && h <= 'f') code += static_cast<unsigned>(h - 'a' + 10);
          else if (h >= 'A' && h <= 'F') code += static_cast<unsigned>(h - 'A' + 10);
          else return false;
        }
        if (code >= 0xd800 && code <= 0xdfff) return false;  // the writer never needs pairs
        if (code < 0x80) {
          out += static_cast<char>(code);
        } else if (code < 0x800) {
          out += static_cast<char>(0xc0 | (code >> 6));
          out += static_cast<char>(0x80 | (code & 0x3f));
        } else {
          out += static_cast<char>(0xe0 | (code >> 12));
          out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
          out += static_cast<char>(0x80 | (code & 0x3f));
        }
        break;
      }
      default: return false;
    }
  }
  return false;
}
bool JsonChecker::array(JsonValue& out, int depth) {
  out.kind = JsonValue::array;
  ++pos_;
  skip_ws();
  if (pos_ < text_.size() && text_[pos_] == ']') return ++pos_, true;
  for (;;) {
    JsonValue item;
    skip_ws();
    if (!value(item, depth + 1)) return false;
    out.items.push_back(std::move(item));
    skip_ws();
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == ']') return ++pos_, true;
    if (text_[pos_++] != ',') return false;
  }
}
bool JsonChecker::object(JsonValue& out, int depth) {
  out.kind = JsonValue::object;
  ++pos_;
  skip_ws();
  if (pos_ < text_.size() && text_[pos_] == '}') return ++pos_, true;
  for (;;) {
    skip_ws();
    std::string name;
    if (pos_ >= text_.size() || text_[pos_] != '"' || !string(name)) return false;
    skip_ws();
    if (pos_ >= text_.size() || text_[pos_++] != ':') return false;
    skip_ws();
    JsonValue item;
    if (!value(item, depth + 1)) return false;
    out.members.emplace_back(std::move(name), std::move(item));
    skip_ws();
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '}') return ++pos_, true;
    if (text_[pos_++] != ',') return false;
  }
}

JsonValue parse_json(const std::string& text) {
  JsonValue v;
  EXPECT_TRUE(JsonChecker().parse(text, v)) << "not valid JSON:\n" << text;
  return v;
}

const JsonValue* member(const JsonValue& object, const std::string& name) {
  for (const auto& [key, value] : object.members)
    if (key == name) return &value;
  return nullptr;
}

double number(const JsonValue& v) {
  if (v.kind == JsonValue::null) return std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(v.kind, JsonValue::number);
  return v.kind == JsonValue::number ? std::strtod(v.text.c_str(), nullptr) : std::nan("");
}

}  // namespace stela::test
