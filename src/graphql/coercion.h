// Value coercion with graphql-js's rules and messages: leaf values on the way out (serialize)
// and on the way in (from variables and from literals), whole input values (lists of one,
// input objects with defaults), variables of an operation and arguments of a field.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/asio.h"
#include "common/result.h"
#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/schema.h"

namespace watt::graphql {

// Resolver value -> response value for a scalar or enum ("Int cannot represent non-integer
// value: \"abc\"").
Result<json::value> serializeLeaf(const NamedType& type, const json::value& value);
// Variable value -> internal value for a scalar or enum.
Result<json::value> parseLeafValue(const NamedType& type, const json::value& value);
// Literal -> internal value for a scalar or enum. Errors read as graphql-js's GraphQLErrors.
Result<json::value> parseLeafLiteral(const NamedType& type, const ast::Value& literal,
                                     const json::object* variables);

// A schema type for a type reference of the document (nullopt when the name is unknown).
std::optional<TypeRef> typeFromAst(const Schema& schema, const ast::TypeNode& node);

// graphql-js valueFromASTUntyped(): a literal as plain JSON. Missing variables are null in
// lists and absent in objects.
json::value valueFromAstUntyped(const ast::Value& literal, const json::object* variables);

// graphql-js valueFromAST(): the internal value of a literal of type `type`, or nullopt when
// the literal is invalid for it. Variables are taken as already coerced.
std::optional<json::value> valueFromAst(const ast::Value& literal, TypeRef type,
                                        const json::object* variables);

// One problem found by coerceInputValue: where in the value, the offending part, the reason.
struct InputValueProblem {
  std::string path;  // graphql-js printPathArray(): ".field[0]"; empty at the top
  json::value invalidValue;
  std::string message;
};

// graphql-js coerceInputValue(): a JSON input value for type `type`. Problems are reported
// through `onProblem`; the returned value is meaningful only when there were none.
json::value coerceInputValue(const json::value& value, TypeRef type,
                             const std::function<void(InputValueProblem)>& onProblem);

struct CoercedVariables {
  json::object values;  // only variables that were provided or have a default
  std::vector<GraphqlError> errors;
};
inline constexpr size_t kMaxVariableErrors = 50;  // graphql-js maxCoercionErrors

CoercedVariables coerceVariableValues(const Schema& schema, const ast::Document& document,
                                      const ast::Definition& operation, const json::object& inputs);

// graphql-js getArgumentValues() for a field or a directive: `nodeOffset` locates the field or
// directive in errors about missing arguments.
std::variant<json::object, GraphqlError> coerceArgumentValues(
    const std::vector<InputValueDefinition>& definitions,
    const std::vector<ast::Argument>& arguments, uint32_t nodeOffset, const json::object& variables,
    const ast::Document& document);

}  // namespace watt::graphql
