// GraphQL text for error messages and introspection, as graphql-js print() writes it: literals
// ("{a: 1, b: [2]}"), type references, string literals, and default values of the schema
// (graphql-js astFromValue() then print()). Schema::printSdl() lives here too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "graphql/ast.h"
#include "graphql/schema.h"

namespace watt::graphql {

std::string printValue(const ast::Value& value);
std::string printType(const ast::TypeNode& type);
// A GraphQL string literal: "..." with graphql-js's escapes.
std::string printString(std::string_view value);
std::string printBlockString(std::string_view value);
bool isPrintableAsBlockString(std::string_view value);
// The literal for a default value of type `type`; nullopt when it cannot be written.
std::optional<std::string> printDefaultValue(const json::value& value, TypeRef type);

}  // namespace watt::graphql
