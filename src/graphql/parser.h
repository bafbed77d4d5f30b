// Parses GraphQL executable documents (the text a client sends) into a syntax tree. Syntax
// errors read exactly like graphql-js's ("Syntax Error: Expected Name, found <EOF>."). The input
// comes from the outside world, so size, token count and nesting depth are bounded.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "graphql/ast.h"
#include "graphql/error.h"

namespace watt::graphql {

struct ParseLimits {
  size_t maxSourceBytes = 1024 * 1024;  // the default HTTP body limit of Fastify
  size_t maxTokens = 50000;             // graphql-js counts the same way (comments excluded)
  unsigned maxDepth = 64;               // nested selection sets, list and object values, list types
};

struct ParseResult {
  std::shared_ptr<const ast::Document> document;  // null when parsing failed
  GraphqlError error;                             // the syntax error, when parsing failed
};

ParseResult parse(std::string source, const ParseLimits& limits = {});

// A type reference such as "[Int!]!" on its own (used to declare schema types by name).
// Returns nullopt unless the whole text is one well-formed type reference.
std::optional<ast::TypeNode> parseTypeReference(std::string_view text);

}  // namespace watt::graphql
