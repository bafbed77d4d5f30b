// An error as it appears in a GraphQL response: a message, the places in the document it is
// about, and for execution errors the path of the response field. Serialized in graphql-js key
// order (message, locations, path).
#pragma once

#include <string>
#include <vector>

#include "common/asio.h"
#include "graphql/ast.h"

namespace watt::graphql {

struct GraphqlError {
  std::string message;
  std::vector<SourceLocation> locations;
  json::array path;  // empty when the error is not about a response field

  json::object toJson(bool pathIndicesAsStrings = false) const;
};

// An error located at byte offsets of a document (each of them becomes one location).
GraphqlError locatedError(const ast::Document& document, std::string message,
                          std::initializer_list<uint32_t> offsets);

}  // namespace watt::graphql
