// The introspection part of every schema (__schema, __type, __typename and the __Schema, __Type,
// ... types), built with the same schema API as user types and resolved from the schema itself,
// so GraphiQL and client code generators see what graphql-js would show them.
#pragma once

namespace watt::graphql {

class Schema;

// Called by Schema::finalize(): declares the introspection types and the meta fields.
void installIntrospection(Schema& schema);

}  // namespace watt::graphql
