#include "kinds/db/row_json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/js_number.h"
#include "db/postgres_text.h"

namespace watt::kinds::db {

void appendJsNumber(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";  // JSON.stringify(Infinity)
    return;
  }
  out += js::formatJsNumber(value);
}

std::string valueAsText(const sql::Value& v) {
  if (v.isNull()) return "null";
  if (v.isInteger()) return std::to_string(v.integer());
  if (v.isReal()) {
    std::string s;
    appendJsNumber(s, v.real());
    return s;
  }
  if (v.isBool()) return v.boolean() ? "true" : "false";
  if (v.isBlob()) return v.blob().bytes;
  return v.text();
}

namespace {

// Text stored in a numeric column (SQLite is dynamically typed): print it as a number when it
// is one, else as a string rather than breaking the JSON.
void appendNumericText(std::string& out, const std::string& text, bool integer) {
  double d = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) {
    appendJsNumber(out, integer ? std::trunc(d) : d);
  } else {
    appendJsonString(out, text);
  }
}

// A PostgreSQL array literal as a JSON array, elements in the field's element type (what
// node-postgres hands Platformatic). False when `text` is not an array literal.
bool appendArrayLiteral(std::string& out, JsonType itemType, std::string_view text, bool keepNulls) {
  auto elements = sql::postgres::parseArrayLiteral(text);
  if (!elements) return false;
  out += '[';
  for (size_t i = 0; i < elements->size(); ++i) {
    const auto& e = (*elements)[i];
    if (i > 0) out += ',';
    if (!e.text) {
      // The REST serializer (fast-json-stringify) writes a NULL element as its type's zero.
      if (keepNulls) out += "null";
      else if (itemType == JsonType::kInteger || itemType == JsonType::kNumber) out += '0';
      else if (itemType == JsonType::kBoolean) out += "false";
      else if (itemType == JsonType::kString) out += "\"\"";
      else out += "null";
    } else if (e.isArray) {
      if (!appendArrayLiteral(out, itemType, *e.text, keepNulls)) appendJsonString(out, *e.text);
    } else if (itemType == JsonType::kInteger || itemType == JsonType::kNumber) {
      appendNumericText(out, *e.text, itemType == JsonType::kInteger);
    } else if (itemType == JsonType::kBoolean) {
      out += (*e.text == "t" || *e.text == "true") ? "true" : "false";
    } else if (itemType == JsonType::kObject) {
      error_code ec;
      json::value parsed = json::parse(*e.text, ec);
      if (!ec) out += json::serialize(parsed);
      else appendJsonString(out, *e.text);
    } else {
      appendJsonString(out, *e.text);
    }
  }
  out += ']';
  return true;
}

}  // namespace

void appendFieldValue(std::string& out, const Field& field, const sql::Value& v, bool keepNullElements) {
  if (v.isNull()) {
    out += "null";
    return;
  }
  if (field.stringOutput || field.type == JsonType::kString) {
    appendJsonString(out, valueAsText(v));
    return;
  }
  switch (field.type) {
    case JsonType::kInteger:
      if (v.isInteger()) out += std::to_string(v.integer());
      else if (v.isReal()) appendJsNumber(out, std::trunc(v.real()));
      else if (v.isBool()) out += v.boolean() ? '1' : '0';
      else appendNumericText(out, valueAsText(v), true);
      return;
    case JsonType::kNumber:
      if (v.isReal()) appendJsNumber(out, v.real());
      else if (v.isInteger()) out += std::to_string(v.integer());
      else if (v.isBool()) out += v.boolean() ? '1' : '0';
      else appendNumericText(out, valueAsText(v), false);
      return;
    case JsonType::kBoolean:
      if (v.isBool()) out += v.boolean() ? "true" : "false";
      else if (v.isInteger()) out += v.integer() != 0 ? "true" : "false";
      else out += (valueAsText(v) == "true" || valueAsText(v) == "t") ? "true" : "false";
      return;
    case JsonType::kArray: {
      std::string text = valueAsText(v);
      if (appendArrayLiteral(out, field.itemType, text, keepNullElements)) return;  // PostgreSQL's {1,2}
      error_code ec;
      json::value parsed = json::parse(text, ec);
      if (!ec) out += json::serialize(parsed);
      else appendJsonString(out, text);
      return;
    }
    case JsonType::kObject: {
      std::string text = valueAsText(v);
      error_code ec;
      json::value parsed = json::parse(text, ec);
      if (!ec) out += json::serialize(parsed);
      else appendJsonString(out, text);
      return;
    }
    case JsonType::kString:
      break;
  }
  appendJsonString(out, valueAsText(v));
}

void appendRow(std::string& out, const std::vector<const Field*>& columns, const std::vector<sql::Value>& row) {
  out += '{';
  bool first = true;
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    const Field* f = columns[i];
    if (!f) continue;
    if (!first) out += ',';
    first = false;
    appendJsonString(out, f->name);
    out += ':';
    appendFieldValue(out, *f, row[i]);
  }
  out += '}';
}

}  // namespace watt::kinds::db
