#include "graphql/js_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/json_string.h"

namespace watt::graphql {
namespace {

constexpr int kInspectMaxDepth = 2;      // graphql-js MAX_RECURSIVE_DEPTH
constexpr size_t kInspectMaxItems = 10;  // graphql-js MAX_ARRAY_LENGTH

bool isAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}

// Integers beyond 2^53 are doubles in JavaScript (JSON.parse rounds them); print them so.
constexpr int64_t kMaxSafeInteger = 9007199254740991;

void appendInteger(std::string& out, const json::value& value) {
  char buf[24];
  if (value.is_int64()) {
    int64_t i = value.get_int64();
    if (i > kMaxSafeInteger || i < -kMaxSafeInteger) {
      out += formatJsNumber(static_cast<double>(i));
      return;
    }
    auto r = std::to_chars(buf, buf + sizeof buf, i);
    out.append(buf, r.ptr);
    return;
  }
  uint64_t u = value.get_uint64();
  if (u > static_cast<uint64_t>(kMaxSafeInteger)) {
    out += formatJsNumber(static_cast<double>(u));
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  out.append(buf, r.ptr);
}

void appendInspect(std::string& out, const json::value& value, int depth) {
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
    case json::kind::uint64:
      appendInteger(out, value);
      return;
    case json::kind::double_:
      out += formatJsNumber(value.get_double());
      return;
    case json::kind::string:
      appendJsJson(out, value);
      return;
    case json::kind::array: {
      const json::array& arr = value.get_array();
      if (arr.empty()) {
        out += "[]";
        return;
      }
      if (depth + 1 > kInspectMaxDepth) {
        out += "[Array]";
        return;
      }
      size_t len = std::min(kInspectMaxItems, arr.size());
      out += '[';
      for (size_t i = 0; i < len; ++i) {
        if (i) out += ", ";
        appendInspect(out, arr[i], depth + 1);
      }
      size_t remaining = arr.size() - len;
      if (remaining == 1) out += ", ... 1 more item";
      if (remaining > 1) out += ", ... " + std::to_string(remaining) + " more items";
      out += ']';
      return;
    }
    case json::kind::object: {
      const json::object& obj = value.get_object();
      if (obj.empty()) {
        out += "{}";
        return;
      }
      if (depth + 1 > kInspectMaxDepth) {
        out += "[Object]";
        return;
      }
      out += "{ ";
      bool first = true;
      for (const auto& kv : obj) {
        if (!first) out += ", ";
        first = false;
        out.append(kv.key());
        out += ": ";
        appendInspect(out, kv.value(), depth + 1);
      }
      out += " }";
      return;
    }
  }
}


}  // namespace

double jsNumber(const json::value& number) {
  switch (number.kind()) {
    case json::kind::int64:
      return static_cast<double>(number.get_int64());
    case json::kind::uint64:
      return static_cast<double>(number.get_uint64());
    case json::kind::double_:
      return number.get_double();
    default:
      return std::nan("");
  }
}

std::optional<double> jsStringToNumber(std::string_view text) {
  auto isSpace = [](std::string_view s, size_t i, bool fromEnd) -> size_t {
    // Returns the byte length of a white space character at i (or ending at i), 0 if none.
    auto b = static_cast<unsigned char>(fromEnd ? s[i - 1] : s[i]);
    if (b == ' ' || (b >= '\t' && b <= '\r')) return 1;
    auto match = [&](std::string_view seq) {
      if (fromEnd) return i >= seq.size() && s.substr(i - seq.size(), seq.size()) == seq;
      return s.substr(i, seq.size()) == seq;
    };
    for (std::string_view seq : {"\xC2\xA0", "\xEF\xBB\xBF", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
      if (match(seq)) return seq.size();
    }
    return 0;
  };
  size_t begin = 0, end = text.size();
  while (begin < end) {
    size_t n = isSpace(text, begin, false);
    if (!n) break;
    begin += n;
  }
  while (end > begin) {
    size_t n = isSpace(text, end, true);
    if (!n) break;
    end -= n;
  }
  std::string_view s = text.substr(begin, end - begin);
  if (s.empty()) return 0.0;
  if (s.size() > 2 && s[0] == '0') {
    int base = (s[1] == 'x' || s[1] == 'X')   ? 16
               : (s[1] == 'o' || s[1] == 'O') ? 8
               : (s[1] == 'b' || s[1] == 'B') ? 2
                                              : 0;
    if (base) {
      double v = 0;
      for (char c : s.substr(2)) {
        int d = isAsciiDigit(c)          ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : 99;
        if (d >= base) return std::nullopt;
        v = v * base + d;
      }
      return v;
    }
  }
  bool negative = false;
  if (s.front() == '+' || s.front() == '-') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "Infinity") return negative ? -INFINITY : INFINITY;
  // StrUnsignedDecimalLiteral: digits [. digits] | . digits, then an optional exponent.
  size_t i = 0, intDigits = 0, fracDigits = 0;
  while (i < s.size() && isAsciiDigit(s[i])) ++i, ++intDigits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isAsciiDigit(s[i])) ++i, ++fracDigits;
  }
  if (intDigits + fracDigits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t expDigits = 0;
    while (i < s.size() && isAsciiDigit(s[i])) ++i, ++expDigits;
    if (expDigits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    // Too small underflows to 0, too large overflows to Infinity, as in JavaScript.
    bool tiny =
        s.find_first_of("eE") != std::string_view::npos && s.find("e-") != std::string_view::npos;
    v = tiny ? 0.0 : INFINITY;
  }
  return negative ? -v : v;
}

std::string formatJsNumber(const json::value& number) {
  std::string out;
  if (number.is_double()) return formatJsNumber(number.get_double());
  appendInteger(out, number);
  return out;
}

std::string inspect(const json::value& value) {
  std::string out;
  appendInspect(out, value, 0);
  return out;
}

void appendJsJson(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
    case json::kind::uint64:
      appendInteger(out, value);
      return;
    case json::kind::double_: {
      double d = value.get_double();
      out += std::isfinite(d) ? formatJsNumber(d) : "null";
      return;
    }
    case json::kind::string:
      appendJsonString(out, value.get_string());
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& item : value.get_array()) {
        if (!first) out += ',';
        first = false;
        appendJsJson(out, item);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : value.get_object()) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, kv.key());
        out += ':';
        appendJsJson(out, kv.value());
      }
      out += '}';
      return;
    }
  }
}

std::string serializeJsJson(const json::value& value) {
  std::string out;
  appendJsJson(out, value);
  return out;
}

}  // namespace watt::graphql
