// io/json_writer.cpp — the streaming JSON writer (see json_writer.hpp; RFC 8259).
#include "io/json_writer.hpp"

#include <cassert>
#include <cmath>

#include "io/numbers.hpp"
#include "io/parse_support.hpp"

namespace stela::io {

std::string json_quote(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = detail::utf8_sequence_length(text, i);
      if (length == 0) {
        out += "\\ufffd";  // not UTF-8: the replacement character
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

JsonWriter::JsonWriter(std::ostream& out, JsonStyle style) : out_(out), style_(style) {}

void JsonWriter::newline_and_indent(std::size_t depth) {
  out_ << '\n' << std::string(2 * depth, ' ');
}

void JsonWriter::before_value(bool container) {
  assert(!done_ && "one top-level value only");
  if (stack_.empty()) return;
  Level& level = stack_.back();
  if (level.is_object) {
    assert(level.after_key && "an object member needs key() first");
    level.after_key = false;
    return;
  }
  if (!level.empty) out_ << ',';
  if (style_ == JsonStyle::pretty) {
    if (container) {
      newline_and_indent(stack_.size());
      level.multiline = true;
    } else if (!level.empty) {
      out_ << ' ';
    }
  }
  level.empty = false;
}

void JsonWriter::after_value() {
  if (stack_.empty()) {
    done_ = true;
    out_ << '\n';
  }
}

JsonWriter& JsonWriter::raw_scalar(std::string_view text) {
  before_value(false);
  out_ << text;
  after_value();
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value(true);
  out_ << '{';
  stack_.push_back(Level{true});
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value(true);
  out_ << '[';
  stack_.push_back(Level{false});
  return *this;
}

JsonWriter& JsonWriter::end_container(bool is_object) {
  assert(!stack_.empty() && stack_.back().is_object == is_object && !stack_.back().after_key);
  const bool multiline = stack_.back().multiline;
  stack_.pop_back();
  if (style_ == JsonStyle::pretty && multiline) newline_and_indent(stack_.size());
  out_ << (is_object ? '}' : ']');
  after_value();
  return *this;
}

JsonWriter& JsonWriter::end_object() { return end_container(true); }
JsonWriter& JsonWriter::end_array() { return end_container(false); }

JsonWriter& JsonWriter::key(std::string_view name) {
  assert(!stack_.empty() && stack_.back().is_object && !stack_.back().after_key);
  Level& level = stack_.back();
  if (!level.empty) out_ << ',';
  if (style_ == JsonStyle::pretty) {
    newline_and_indent(stack_.size());
    level.multiline = true;
  }
  out_ << json_quote(name) << (style_ == JsonStyle::pretty ? ": " : ":");
  level.empty = false;
  level.after_key = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) { return raw_scalar(json_quote(text)); }
JsonWriter& JsonWriter::value(bool b) { return raw_scalar(b ? "true" : "false"); }
JsonWriter& JsonWriter::null() { return raw_scalar("null"); }

JsonWriter& JsonWriter::value(double x) {
  if (!std::isfinite(x)) return null();  // JSON has no NaN or infinity
  std::string text;
  append_double(text, x);
  return raw_scalar(text);
}

}  // namespace stela::io
