#include "db/postgres_text.h"

#include <charconv>
#include <cmath>

namespace watt::db::postgres {

std::optional<std::string> toText(const Value& value) {
  const auto& v = value.storage();
  if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    if (std::isnan(*d)) return std::string("NaN");
    if (std::isinf(*d)) return std::string(*d > 0 ? "Infinity" : "-Infinity");
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, *d);  // shortest round trip
    return std::string(buffer, end);
  }
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<Blob>(&v)) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + b->bytes.size() * 2);
    for (unsigned char c : b->bytes) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out;
  }
  return std::string(std::get<bool>(v) ? "true" : "false");
}

std::string arrayLiteral(const std::vector<Value>& elements) {
  std::string out = "{";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    auto text = toText(elements[i]);
    if (!text) {
      out += "NULL";
      continue;
    }
    out += '"';
    for (char c : *text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace watt::db::postgres
