#include "graphql/coercion.h"

#include <charconv>
#include <cmath>

#include "graphql/js_format.h"
#include "graphql/printer.h"
#include "graphql/suggestions.h"

namespace watt::graphql {
namespace {

constexpr int64_t kMaxInt = 2147483647;
constexpr int64_t kMinInt = -2147483648LL;
constexpr int kMaxInputDepth = 256;

bool isNumber(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

// Number.isInteger() for a JSON number.
bool isIntegral(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  if (!v.is_double()) return false;
  double d = v.get_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool isFiniteNumber(const json::value& v) {
  return v.is_int64() || v.is_uint64() || (v.is_double() && std::isfinite(v.get_double()));
}

// String(number) in JavaScript.
std::string jsNumberText(const json::value& v) {
  return formatJsNumber(v);
}

// The value of an integral JSON number when it is a 32-bit integer.
std::optional<int64_t> int32Value(const json::value& v) {
  if (v.is_int64()) {
    int64_t i = v.get_int64();
    if (i >= kMinInt && i <= kMaxInt) return i;
    return std::nullopt;
  }
  if (v.is_uint64()) {
    uint64_t u = v.get_uint64();
    if (u <= static_cast<uint64_t>(kMaxInt)) return static_cast<int64_t>(u);
    return std::nullopt;
  }
  double d = v.get_double();
  if (d >= static_cast<double>(kMinInt) && d <= static_cast<double>(kMaxInt)) {
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::vector<std::string_view> enumValueNames(const EnumType& type) {
  std::vector<std::string_view> names;
  names.reserve(type.values().size());
  for (const auto& v : type.values()) names.push_back(v.name);
  return names;
}

std::string didYouMeanEnumValue(const EnumType& type, std::string_view unknown) {
  return didYouMean(suggestionList(unknown, enumValueNames(type)), "the enum value");
}

Result<json::value> serializeBuiltin(ScalarType::Builtin builtin, const json::value& value) {
  using B = ScalarType::Builtin;
  switch (builtin) {
    case B::Int: {
      json::value number = value;
      if (value.is_bool()) return json::value(value.get_bool() ? 1 : 0);
      if (value.is_string() && !value.get_string().empty()) {
        auto parsed = jsStringToNumber(value.get_string());
        number = parsed ? json::value(*parsed) : json::value(std::nan(""));
      }
      if (!isNumber(number) || !isIntegral(number)) {
        return Error{"Int cannot represent non-integer value: " + inspect(value)};
      }
      auto i = int32Value(number);
      if (!i)
        return Error{"Int cannot represent non 32-bit signed integer value: " + inspect(value)};
      return json::value(*i);
    }
    case B::Float: {
      if (value.is_bool()) return json::value(value.get_bool() ? 1.0 : 0.0);
      std::optional<double> number;
      if (value.is_string() && !value.get_string().empty()) {
        number = jsStringToNumber(value.get_string());
      } else if (isNumber(value)) {
        number = jsNumber(value);
      }
      if (!number || !std::isfinite(*number)) {
        return Error{"Float cannot represent non numeric value: " + inspect(value)};
      }
      return json::value(*number);
    }
    case B::String:
      if (value.is_string()) return value;
      if (value.is_bool()) return json::value(value.get_bool() ? "true" : "false");
      if (isFiniteNumber(value)) return json::value(jsNumberText(value));
      return Error{"String cannot represent value: " + inspect(value)};
    case B::Boolean:
      if (value.is_bool()) return value;
      if (isFiniteNumber(value)) return json::value(jsNumber(value) != 0);
      return Error{"Boolean cannot represent a non boolean value: " + inspect(value)};
    case B::ID:
      if (value.is_string()) return value;
      if (isIntegral(value)) return json::value(jsNumberText(value));
      return Error{"ID cannot represent value: " + inspect(value)};
    case B::None:
      break;
  }
  return value;
}

Result<json::value> parseBuiltinValue(ScalarType::Builtin builtin, const json::value& value) {
  using B = ScalarType::Builtin;
  switch (builtin) {
    case B::Int: {
      if (!isNumber(value) || !isIntegral(value)) {
        return Error{"Int cannot represent non-integer value: " + inspect(value)};
      }
      auto i = int32Value(value);
      if (!i) {
        return Error{"Int cannot represent non 32-bit signed integer value: " +
                     jsNumberText(value)};
      }
      return json::value(*i);
    }
    case B::Float:
      if (!isFiniteNumber(value)) {
        return Error{"Float cannot represent non numeric value: " + inspect(value)};
      }
      return json::value(jsNumber(value));
    case B::String:
      if (!value.is_string()) {
        return Error{"String cannot represent a non string value: " + inspect(value)};
      }
      return value;
    case B::Boolean:
      if (!value.is_bool()) {
        return Error{"Boolean cannot represent a non boolean value: " + inspect(value)};
      }
      return value;
    case B::ID:
      if (value.is_string()) return value;
      if (isNumber(value) && isIntegral(value)) return json::value(jsNumberText(value));
      return Error{"ID cannot represent value: " + inspect(value)};
    case B::None:
      break;
  }
  return value;
}

Result<json::value> parseBuiltinLiteral(ScalarType::Builtin builtin, const ast::Value& literal) {
  using B = ScalarType::Builtin;
  using K = ast::ValueKind;
  switch (builtin) {
    case B::Int: {
      if (literal.kind != K::Int) {
        return Error{"Int cannot represent non-integer value: " + printValue(literal)};
      }
      int64_t i = 0;
      auto r = std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), i);
      if (r.ec != std::errc() || i > kMaxInt || i < kMinInt) {
        return Error{"Int cannot represent non 32-bit signed integer value: " +
                     std::string(literal.text)};
      }
      return json::value(i);
    }
    case B::Float: {
      if (literal.kind != K::Float && literal.kind != K::Int) {
        return Error{"Float cannot represent non numeric value: " + printValue(literal)};
      }
      double d = 0;
      auto r = std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), d);
      if (r.ec == std::errc::result_out_of_range) {
        d = literal.text.find("e-") != std::string_view::npos ||
                    literal.text.find("E-") != std::string_view::npos
                ? 0.0
                : (literal.text.front() == '-' ? -INFINITY : INFINITY);
      }
      return json::value(d);
    }
    case B::String:
      if (literal.kind != K::String) {
        return Error{"String cannot represent a non string value: " + printValue(literal)};
      }
      return json::value(json::string(literal.text));
    case B::Boolean:
      if (literal.kind != K::Boolean) {
        return Error{"Boolean cannot represent a non boolean value: " + printValue(literal)};
      }
      return json::value(literal.flag);
    case B::ID:
      if (literal.kind != K::String && literal.kind != K::Int) {
        return Error{"ID cannot represent a non-string and non-integer value: " +
                     printValue(literal)};
      }
      return json::value(json::string(literal.text));
    case B::None:
      break;
  }
  return Error{"unreachable"};
}

bool isMissingVariable(const ast::Value& literal, const json::object* variables) {
  return literal.kind == ast::ValueKind::Variable &&
         (!variables || !variables->contains(literal.text));
}

}  // namespace

Result<json::value> serializeLeaf(const NamedType& type, const json::value& value) {
  if (type.kind() == TypeKind::Enum) {
    const auto& enumType = static_cast<const EnumType&>(type);
    if (value.is_string() && enumType.find(value.get_string())) return value;
    return Error{"Enum \"" + type.name() + "\" cannot represent value: " + inspect(value)};
  }
  const auto& scalar = static_cast<const ScalarType&>(type);
  if (scalar.builtin() != ScalarType::Builtin::None)
    return serializeBuiltin(scalar.builtin(), value);
  if (scalar.hooks().serialize) return scalar.hooks().serialize(value);
  return value;
}

Result<json::value> parseLeafValue(const NamedType& type, const json::value& value) {
  if (type.kind() == TypeKind::Enum) {
    const auto& enumType = static_cast<const EnumType&>(type);
    if (!value.is_string()) {
      std::string shown = inspect(value);
      return Error{"Enum \"" + type.name() + "\" cannot represent non-string value: " + shown +
                   "." + didYouMeanEnumValue(enumType, shown)};
    }
    std::string_view name = value.get_string();
    if (!enumType.find(name)) {
      return Error{"Value \"" + std::string(name) + "\" does not exist in \"" + type.name() +
                   "\" enum." + didYouMeanEnumValue(enumType, name)};
    }
    return value;
  }
  const auto& scalar = static_cast<const ScalarType&>(type);
  if (scalar.builtin() != ScalarType::Builtin::None)
    return parseBuiltinValue(scalar.builtin(), value);
  if (scalar.hooks().parseValue) return scalar.hooks().parseValue(value);
  return value;
}

Result<json::value> parseLeafLiteral(const NamedType& type, const ast::Value& literal,
                                     const json::object* variables) {
  if (type.kind() == TypeKind::Enum) {
    const auto& enumType = static_cast<const EnumType&>(type);
    std::string shown = printValue(literal);
    if (literal.kind != ast::ValueKind::Enum) {
      return Error{"Enum \"" + type.name() + "\" cannot represent non-enum value: " + shown + "." +
                   didYouMeanEnumValue(enumType, shown)};
    }
    if (!enumType.find(literal.text)) {
      return Error{"Value \"" + shown + "\" does not exist in \"" + type.name() + "\" enum." +
                   didYouMeanEnumValue(enumType, shown)};
    }
    return json::value(json::string(literal.text));
  }
  const auto& scalar = static_cast<const ScalarType&>(type);
  if (scalar.builtin() != ScalarType::Builtin::None) {
    return parseBuiltinLiteral(scalar.builtin(), literal);
  }
  if (scalar.hooks().parseLiteral) return scalar.hooks().parseLiteral(literal, variables);
  json::value untyped = valueFromAstUntyped(literal, variables);
  if (scalar.hooks().parseValue) return scalar.hooks().parseValue(untyped);
  return untyped;
}

std::optional<TypeRef> typeFromAst(const Schema& schema, const ast::TypeNode& node) {
  const NamedType* named = schema.findType(node.name);
  if (!named) return std::nullopt;
  return TypeRef{named, node.wrapping};
}

json::value valueFromAstUntyped(const ast::Value& literal, const json::object* variables) {
  using K = ast::ValueKind;
  switch (literal.kind) {
    case K::Null:
      return nullptr;
    case K::Boolean:
      return literal.flag;
    case K::String:
    case K::Enum:
      return json::string(literal.text);
    case K::Int: {
      int64_t i = 0;
      auto r = std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), i);
      if (r.ec == std::errc()) return i;
      [[fallthrough]];
    }
    case K::Float: {
      double d = 0;
      std::from_chars(literal.text.data(), literal.text.data() + literal.text.size(), d);
      return d;
    }
    case K::List: {
      json::array out;
      out.reserve(literal.list.size());
      for (const ast::Value& item : literal.list)
        out.push_back(valueFromAstUntyped(item, variables));
      return out;
    }
    case K::Object: {
      json::object out;
      for (const ast::ObjectField& field : literal.fields) {
        if (isMissingVariable(field.value, variables)) continue;
        out[field.name] = valueFromAstUntyped(field.value, variables);
      }
      return out;
    }
    case K::Variable: {
      if (!variables) return nullptr;
      const json::value* v = variables->if_contains(literal.text);
      return v ? *v : json::value(nullptr);
    }
  }
  return nullptr;
}

std::optional<json::value> valueFromAst(const ast::Value& literal, TypeRef type,
                                        const json::object* variables) {
  using K = ast::ValueKind;
  if (literal.kind == K::Variable) {
    if (!variables) return std::nullopt;
    const json::value* v = variables->if_contains(literal.text);
    if (!v || (v->is_null() && type.isNonNull())) return std::nullopt;
    return *v;
  }
  if (type.isNonNull()) {
    if (literal.kind == K::Null) return std::nullopt;
    return valueFromAst(literal, type.inner(), variables);
  }
  if (literal.kind == K::Null) return json::value(nullptr);
  if (type.isList()) {
    TypeRef itemType = type.inner();
    if (literal.kind != K::List) {
      auto item = valueFromAst(literal, itemType, variables);
      if (!item) return std::nullopt;
      json::array out;
      out.push_back(std::move(*item));
      return json::value(std::move(out));
    }
    json::array out;
    out.reserve(literal.list.size());
    for (const ast::Value& itemNode : literal.list) {
      if (isMissingVariable(itemNode, variables)) {
        if (itemType.isNonNull()) return std::nullopt;
        out.push_back(nullptr);
        continue;
      }
      auto item = valueFromAst(itemNode, itemType, variables);
      if (!item) return std::nullopt;
      out.push_back(std::move(*item));
    }
    return json::value(std::move(out));
  }
  if (type.named->kind() == TypeKind::InputObject) {
    if (literal.kind != K::Object) return std::nullopt;
    const auto& inputType = static_cast<const InputObjectType&>(*type.named);
    json::object out;
    out.reserve(inputType.fields().size());
    for (const InputValueDefinition& field : inputType.fields()) {
      const ast::ObjectField* node = nullptr;
      for (const ast::ObjectField& f : literal.fields) {
        if (f.name == field.name) node = &f;  // the last one wins
      }
      if (!node || isMissingVariable(node->value, variables)) {
        if (field.defaultValue) {
          out[field.name] = *field.defaultValue;
        } else if (field.type.isNonNull()) {
          return std::nullopt;
        }
        continue;
      }
      auto value = valueFromAst(node->value, field.type, variables);
      if (!value) return std::nullopt;
      out[field.name] = std::move(*value);
    }
    return json::value(std::move(out));
  }
  auto parsed = parseLeafLiteral(*type.named, literal, variables);
  if (!parsed) return std::nullopt;
  return std::move(*parsed);
}

namespace {

json::value coerceInput(const json::value& value, TypeRef type, std::string& path, int depth,
                        const std::function<void(InputValueProblem)>& onProblem) {
  if (depth > kMaxInputDepth) {
    onProblem(
        {path, value,
         "Value is nested too deeply (more than " + std::to_string(kMaxInputDepth) + " levels)."});
    return nullptr;
  }
  if (type.isNonNull()) {
    if (!value.is_null()) return coerceInput(value, type.inner(), path, depth, onProblem);
    onProblem(
        {path, value, "Expected non-nullable type \"" + type.toString() + "\" not to be null."});
    return nullptr;
  }
  if (value.is_null()) return nullptr;
  if (type.isList()) {
    TypeRef itemType = type.inner();
    json::array out;
    if (!value.is_array()) {
      out.push_back(coerceInput(value, itemType, path, depth + 1, onProblem));
      return out;
    }
    const json::array& items = value.get_array();
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      size_t mark = path.size();
      path += "[" + std::to_string(i) + "]";
      out.push_back(coerceInput(items[i], itemType, path, depth + 1, onProblem));
      path.resize(mark);
    }
    return out;
  }
  if (type.named->kind() == TypeKind::InputObject) {
    const auto& inputType = static_cast<const InputObjectType&>(*type.named);
    if (!value.is_object()) {
      onProblem({path, value, "Expected type \"" + inputType.name() + "\" to be an object."});
      return nullptr;
    }
    const json::object& object = value.get_object();
    json::object out;
    out.reserve(inputType.fields().size());
    for (const InputValueDefinition& field : inputType.fields()) {
      const json::value* fieldValue = object.if_contains(field.name);
      if (!fieldValue) {
        if (field.defaultValue) {
          out[field.name] = *field.defaultValue;
        } else if (field.type.isNonNull()) {
          onProblem({path, value,
                     "Field \"" + field.name + "\" of required type \"" + field.type.toString() +
                         "\" was not provided."});
        }
        continue;
      }
      size_t mark = path.size();
      path += "." + field.name;
      out[field.name] = coerceInput(*fieldValue, field.type, path, depth + 1, onProblem);
      path.resize(mark);
    }
    for (const auto& kv : object) {
      if (inputType.findField(kv.key())) continue;
      std::vector<std::string_view> names;
      for (const auto& f : inputType.fields()) names.push_back(f.name);
      onProblem({path, value,
                 "Field \"" + std::string(kv.key()) + "\" is not defined by type \"" +
                     inputType.name() + "\"." + didYouMean(suggestionList(kv.key(), names))});
    }
    return out;
  }
  auto parsed = parseLeafValue(*type.named, value);
  if (!parsed) {
    onProblem({path, value, parsed.error().message});
    return nullptr;
  }
  return std::move(*parsed);
}

}  // namespace

json::value coerceInputValue(const json::value& value, TypeRef type,
                             const std::function<void(InputValueProblem)>& onProblem) {
  std::string path;
  return coerceInput(value, type, path, 0, onProblem);
}

CoercedVariables coerceVariableValues(const Schema& schema, const ast::Document& document,
                                      const ast::Definition& operation,
                                      const json::object& inputs) {
  CoercedVariables out;
  bool aborted = false;
  auto report = [&](GraphqlError error) {
    if (aborted) return;
    if (out.errors.size() >= kMaxVariableErrors) {
      out.errors.push_back(GraphqlError{
          "Too many errors processing variables, error limit reached. Execution aborted.", {}, {}});
      aborted = true;
      return;
    }
    out.errors.push_back(std::move(error));
  };
  for (const ast::VariableDefinition& def : operation.variables) {
    if (aborted) break;
    const std::string name(def.name);
    auto type = typeFromAst(schema, def.type);
    if (!type || !type->named->isInputType()) {
      report(locatedError(document,
                          "Variable \"$" + name + "\" expected value of type \"" +
                              printType(def.type) + "\" which cannot be used as an input type.",
                          {def.type.offset}));
      continue;
    }
    const json::value* input = inputs.if_contains(def.name);
    if (!input) {
      if (def.defaultValue) {
        if (auto value = valueFromAst(*def.defaultValue, *type, nullptr)) {
          out.values[def.name] = std::move(*value);
        }
      } else if (type->isNonNull()) {
        report(locatedError(document,
                            "Variable \"$" + name + "\" of required type \"" + type->toString() +
                                "\" was not provided.",
                            {def.offset}));
      }
      continue;
    }
    if (input->is_null() && type->isNonNull()) {
      report(locatedError(document,
                          "Variable \"$" + name + "\" of non-null type \"" + type->toString() +
                              "\" must not be null.",
                          {def.offset}));
      continue;
    }
    json::value coerced = coerceInputValue(*input, *type, [&](InputValueProblem problem) {
      std::string message =
          "Variable \"$" + name + "\" got invalid value " + inspect(problem.invalidValue);
      if (!problem.path.empty()) message += " at \"" + name + problem.path + "\"";
      report(locatedError(document, message + "; " + problem.message, {def.offset}));
    });
    out.values[def.name] = std::move(coerced);
  }
  return out;
}

std::variant<json::object, GraphqlError> coerceArgumentValues(
    const std::vector<InputValueDefinition>& definitions,
    const std::vector<ast::Argument>& arguments, uint32_t nodeOffset, const json::object& variables,
    const ast::Document& document) {
  json::object out;
  out.reserve(definitions.size());
  for (const InputValueDefinition& def : definitions) {
    const ast::Argument* node = nullptr;
    for (const ast::Argument& arg : arguments) {
      if (arg.name == def.name) node = &arg;  // the last one wins, as graphql-js keyMap()
    }
    if (!node) {
      if (def.defaultValue) {
        out[def.name] = *def.defaultValue;
      } else if (def.type.isNonNull()) {
        return locatedError(document,
                            "Argument \"" + def.name + "\" of required type \"" +
                                def.type.toString() + "\" was not provided.",
                            {nodeOffset});
      }
      continue;
    }
    const ast::Value& literal = node->value;
    bool isNull = literal.kind == ast::ValueKind::Null;
    if (literal.kind == ast::ValueKind::Variable) {
      const json::value* v = variables.if_contains(literal.text);
      if (!v) {
        if (def.defaultValue) {
          out[def.name] = *def.defaultValue;
        } else if (def.type.isNonNull()) {
          return locatedError(document,
                              "Argument \"" + def.name + "\" of required type \"" +
                                  def.type.toString() + "\" was provided the variable \"$" +
                                  std::string(literal.text) +
                                  "\" which was not provided a runtime value.",
                              {literal.offset});
        }
        continue;
      }
      isNull = v->is_null();
    }
    if (isNull && def.type.isNonNull()) {
      return locatedError(document,
                          "Argument \"" + def.name + "\" of non-null type \"" +
                              def.type.toString() + "\" must not be null.",
                          {literal.offset});
    }
    auto value = valueFromAst(literal, def.type, &variables);
    if (!value) {
      return locatedError(
          document, "Argument \"" + def.name + "\" has invalid value " + printValue(literal) + ".",
          {literal.offset});
    }
    out[def.name] = std::move(*value);
  }
  return out;
}

}  // namespace watt::graphql
