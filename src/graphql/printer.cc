#include "graphql/printer.h"

#include <cmath>
#include <cstdio>

#include "graphql/coercion.h"
#include "graphql/js_format.h"

namespace watt::graphql {
namespace {

bool isWhiteSpace(char c) {
  return c == ' ' || c == '\t';
}

bool isIntegerText(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  if (s[0] == '0') return s.size() == 1;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

size_t codePointCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void appendValue(std::string& out, const ast::Value& value) {
  using K = ast::ValueKind;
  switch (value.kind) {
    case K::Variable:
      out += '$';
      out.append(value.text);
      return;
    case K::Int:
    case K::Float:
    case K::Enum:
      out.append(value.text);
      return;
    case K::String:
      out += value.flag ? printBlockString(value.text) : printString(value.text);
      return;
    case K::Boolean:
      out += value.flag ? "true" : "false";
      return;
    case K::Null:
      out += "null";
      return;
    case K::List: {
      out += '[';
      for (size_t i = 0; i < value.list.size(); ++i) {
        if (i) out += ", ";
        appendValue(out, value.list[i]);
      }
      out += ']';
      return;
    }
    case K::Object: {
      out += '{';
      for (size_t i = 0; i < value.fields.size(); ++i) {
        if (i) out += ", ";
        out.append(value.fields[i].name);
        out += ": ";
        appendValue(out, value.fields[i].value);
      }
      out += '}';
      return;
    }
  }
}

std::optional<std::string> astFromValue(const json::value& value, TypeRef type) {
  if (type.isNonNull()) {
    auto inner = astFromValue(value, type.inner());
    if (inner && *inner == "null") return std::nullopt;
    return inner;
  }
  if (value.is_null()) return "null";
  if (type.isList()) {
    TypeRef itemType = type.inner();
    if (!value.is_array()) return astFromValue(value, itemType);
    std::string out = "[";
    bool first = true;
    for (const json::value& item : value.get_array()) {
      auto printed = astFromValue(item, itemType);
      if (!printed) continue;
      if (!first) out += ", ";
      first = false;
      out += *printed;
    }
    return out + "]";
  }
  if (type.named->kind() == TypeKind::InputObject) {
    if (!value.is_object()) return std::nullopt;
    std::string out = "{";
    bool first = true;
    for (const InputValueDefinition& field :
         static_cast<const InputObjectType&>(*type.named).fields()) {
      const json::value* fieldValue = value.get_object().if_contains(field.name);
      if (!fieldValue) continue;
      auto printed = astFromValue(*fieldValue, field.type);
      if (!printed) continue;
      if (!first) out += ", ";
      first = false;
      out += field.name + ": " + *printed;
    }
    return out + "}";
  }
  auto serialized = serializeLeaf(*type.named, value);
  if (!serialized || serialized->is_null()) return std::nullopt;
  const json::value& v = *serialized;
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    if (!std::isfinite(v.get_double())) return std::nullopt;
    return formatJsNumber(v.get_double());
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (type.named->kind() == TypeKind::Enum) return std::string(s);
    auto* scalar = static_cast<const ScalarType*>(type.named);
    if (scalar->builtin() == ScalarType::Builtin::ID && isIntegerText(s)) return std::string(s);
    return printString(s);
  }
  return std::nullopt;
}

// ---- printSchema ----

std::string printDescription(const std::string& description, const std::string& indentation = {},
                             bool firstInBlock = true) {
  if (description.empty()) return {};
  std::string text = isPrintableAsBlockString(description) ? printBlockString(description)
                                                           : printString(description);
  std::string out = !indentation.empty() && !firstInBlock ? "\n" + indentation : indentation;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indentation;
  }
  return out + "\n";
}

std::string printDeprecated(const std::optional<std::string>& reason) {
  if (!reason) return {};
  if (*reason != kDefaultDeprecationReason)
    return " @deprecated(reason: " + printString(*reason) + ")";
  return " @deprecated";
}

std::string printInputValue(const InputValueDefinition& arg) {
  std::string out = arg.name + ": " + arg.type.toString();
  if (arg.defaultValue) {
    if (auto printed = printDefaultValue(*arg.defaultValue, arg.type)) out += " = " + *printed;
  }
  return out + printDeprecated(arg.deprecationReason);
}

std::string printArgs(const std::vector<InputValueDefinition>& args,
                      const std::string& indentation = {}) {
  if (args.empty()) return {};
  bool anyDescription = false;
  for (const auto& arg : args) anyDescription = anyDescription || !arg.description.empty();
  std::string out = "(";
  if (!anyDescription) {
    for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + printInputValue(args[i]);
    return out + ")";
  }
  out += "\n";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += "\n";
    out += printDescription(args[i].description, "  " + indentation, i == 0) + "  " + indentation +
           printInputValue(args[i]);
  }
  return out + "\n" + indentation + ")";
}

std::string printBlock(const std::vector<std::string>& items) {
  if (items.empty()) return {};
  std::string out = " {\n";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "\n" : "") + items[i];
  return out + "\n}";
}

std::string printNamedType(const NamedType& type) {
  std::string out = printDescription(type.description());
  std::vector<std::string> items;
  switch (type.kind()) {
    case TypeKind::Scalar: {
      const auto& scalar = static_cast<const ScalarType&>(type);
      out += "scalar " + type.name();
      if (!scalar.specifiedByUrl().empty()) {
        out += " @specifiedBy(url: " + printString(scalar.specifiedByUrl()) + ")";
      }
      return out;
    }
    case TypeKind::Object: {
      const auto& fields = static_cast<const ObjectType&>(type).fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        const FieldDefinition& f = fields[i];
        items.push_back(printDescription(f.description, "  ", i == 0) + "  " + f.name +
                        printArgs(f.args, "  ") + ": " + f.typeString +
                        printDeprecated(f.deprecationReason));
      }
      return out + "type " + type.name() + printBlock(items);
    }
    case TypeKind::Enum: {
      const auto& values = static_cast<const EnumType&>(type).values();
      for (size_t i = 0; i < values.size(); ++i) {
        items.push_back(printDescription(values[i].description, "  ", i == 0) + "  " +
                        values[i].name + printDeprecated(values[i].deprecationReason));
      }
      return out + "enum " + type.name() + printBlock(items);
    }
    case TypeKind::InputObject: {
      const auto& fields = static_cast<const InputObjectType&>(type).fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        items.push_back(printDescription(fields[i].description, "  ", i == 0) + "  " +
                        printInputValue(fields[i]));
      }
      return out + "input " + type.name() + printBlock(items);
    }
  }
  return out;
}

}  // namespace

std::string printValue(const ast::Value& value) {
  std::string out;
  appendValue(out, value);
  return out;
}

std::string printType(const ast::TypeNode& type) {
  std::string out;
  auto render = [&](auto& self, TypeWrapping w) -> void {
    if (w.isNonNull()) {
      self(self, w.inner());
      out += '!';
    } else if (w.isList()) {
      out += '[';
      self(self, w.inner());
      out += ']';
    } else {
      out.append(type.name);
    }
  };
  render(render, type.wrapping);
  return out;
}

std::string printString(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    auto escape = [&](unsigned code) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", code);
      out += buf;
    };
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\r':
        out += "\\r";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      escape(c);
    } else if (c == 0xC2 && i + 1 < value.size() &&
               static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(value[i + 1]) <= 0x9F) {
      escape(static_cast<unsigned char>(value[i + 1]));  // U+0080..U+009F
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string printBlockString(std::string_view value) {
  std::string escaped;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 3) == "\"\"\"") {
      escaped += "\\\"\"\"";
      i += 2;
    } else {
      escaped += value[i];
    }
  }
  std::vector<std::string_view> lines;
  {
    std::string_view rest = escaped;
    size_t start = 0;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '\r' || rest[i] == '\n') {
        lines.push_back(rest.substr(start, i - start));
        if (rest[i] == '\r' && i + 1 < rest.size() && rest[i + 1] == '\n') ++i;
        start = i + 1;
      }
    }
    lines.push_back(rest.substr(start));
  }
  const bool isSingleLine = lines.size() == 1;
  bool forceLeadingNewLine = lines.size() > 1;
  for (size_t i = 1; i < lines.size() && forceLeadingNewLine; ++i) {
    forceLeadingNewLine = lines[i].empty() || isWhiteSpace(lines[i][0]);
  }
  const bool hasTrailingTripleQuotes = std::string_view(escaped).ends_with("\\\"\"\"");
  const bool hasTrailingQuote = value.ends_with('"') && !hasTrailingTripleQuotes;
  const bool hasTrailingSlash = value.ends_with('\\');
  const bool forceTrailingNewline = hasTrailingQuote || hasTrailingSlash;
  const bool printAsMultipleLines = !isSingleLine || codePointCount(value) > 70 ||
                                    forceTrailingNewline || forceLeadingNewLine ||
                                    hasTrailingTripleQuotes;
  const bool skipLeadingNewLine = isSingleLine && !value.empty() && isWhiteSpace(value[0]);
  std::string out = "\"\"\"";
  if ((printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine) out += '\n';
  out += escaped;
  if (printAsMultipleLines || forceTrailingNewline) out += '\n';
  return out + "\"\"\"";
}

bool isPrintableAsBlockString(std::string_view value) {
  if (value.empty()) return true;
  bool isEmptyLine = true, hasIndent = false, hasCommonIndent = true, seenNonEmptyLine = false;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case 0x00:
      case 0x01:
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x08:
      case 0x0B:
      case 0x0C:
      case 0x0E:
      case 0x0F:
      case 0x0D:
        return false;
      case '\n':
        if (isEmptyLine && !seenNonEmptyLine) return false;
        seenNonEmptyLine = true;
        isEmptyLine = true;
        hasIndent = false;
        break;
      case '\t':
      case ' ':
        hasIndent = hasIndent || isEmptyLine;
        break;
      default:
        hasCommonIndent = hasCommonIndent && hasIndent;
        isEmptyLine = false;
    }
  }
  if (isEmptyLine) return false;
  if (hasCommonIndent && seenNonEmptyLine) return false;
  return true;
}

std::optional<std::string> printDefaultValue(const json::value& value, TypeRef type) {
  return astFromValue(value, type);
}

std::string Schema::printSdl() const {
  std::vector<std::string> parts;
  bool commonNames = (!queryType_ || queryType_->name() == "Query") &&
                     (!mutationType_ || mutationType_->name() == "Mutation");
  if (!commonNames) {
    std::string def = "schema {\n";
    if (queryType_) def += "  query: " + queryType_->name() + "\n";
    if (mutationType_) def += "  mutation: " + mutationType_->name() + "\n";
    parts.push_back(def + "}");
  }
  for (const NamedType* type : types_) {
    if (type->name().starts_with("__")) continue;
    if (type->kind() == TypeKind::Scalar &&
        static_cast<const ScalarType*>(type)->builtin() != ScalarType::Builtin::None) {
      continue;
    }
    parts.push_back(printNamedType(*type));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "\n\n" : "") + parts[i];
  return out;
}

}  // namespace watt::graphql
