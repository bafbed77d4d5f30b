// Executes a validated operation against a schema. Resolvers are coroutines; fields are
// resolved one list level at a time: each field runs for every parent object of that level
// before the level below starts, so a batch resolver sees all the parents at once (no N+1
// queries). Errors, null propagation through non-null fields and value serialization follow
// graphql-js. Top-level mutation fields run one after the other.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/asio.h"
#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/schema.h"

namespace watt::graphql {

struct ExecutionLimits {
  // Field values produced (one per field per parent object); beyond it execution stops with
  // an error and no data, so a small query cannot make the server build a huge response.
  size_t maxFieldResolutions = 100000;
};

struct ExecutionOptions {
  std::optional<std::string_view> operationName;
  const json::object* variables = nullptr;  // raw variable values from the request
  void* context = nullptr;                  // handed to every resolver
  const json::value* rootValue = nullptr;   // parent of the top-level fields ({} when null)
  ExecutionLimits limits;
};

struct ExecutionResult {
  json::value data;  // the response data; null when there is none
  std::vector<GraphqlError> errors;
  // False when execution stopped before any field ran: no operation could be selected, or the
  // variables were invalid (graphql-js then returns no "data" at all).
  bool executed = false;
};

// `schema` must outlive the returned task; the document is shared to stay alive across awaits.
Task<ExecutionResult> execute(const Schema& schema, std::shared_ptr<const ast::Document> document,
                              ExecutionOptions options);

}  // namespace watt::graphql
