// Validation of an executable document against a schema: graphql-js's specified rules, run in
// one walk over the document in graphql-js's rule order, so errors come out with the same
// messages, locations and order ("Cannot query field \"nope\" on type \"Film\".").
#pragma once

#include <vector>

#include "graphql/ast.h"
#include "graphql/error.h"
#include "graphql/schema.h"

namespace watt::graphql {

struct ValidationLimits {
  size_t maxErrors = 100;  // graphql-js default; one more error says validation was aborted
  // Nesting of selection sets, counting each fragment spread as one level. Bounds the work of
  // the rules and of execution that follow fragments; the parser bounds plain nesting.
  unsigned maxDepth = 128;
};

std::vector<GraphqlError> validate(const Schema& schema, const ast::Document& document,
                                   const ValidationLimits& limits = {});

}  // namespace watt::graphql
