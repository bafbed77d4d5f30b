// The GraphQL API of a database application (docs/db-behaviour.md section 5): per entity a type,
// list / get-by-id / count queries, save / insert / delete mutations, where and orderBy inputs,
// and relation fields resolved in batches (one query per level of the response, never one per
// row). Served at /graphql with mercurius's HTTP behaviour, and GraphiQL at /graphiql.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "db/database.h"
#include "graphql/schema.h"
#include "http/message.h"
#include "kinds/db/authorization.h"
#include "kinds/db/db_config.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

class GraphqlApi {
 public:
  GraphqlApi(const EntityModel& model, const DbConfig& config, sql::Database& database,
             const Authorizer* authorizer, unsigned loops);
  ~GraphqlApi();
  GraphqlApi(const GraphqlApi&) = delete;
  GraphqlApi& operator=(const GraphqlApi&) = delete;

  // Builds and checks the schema; the problem, if any (the application then fails to start).
  std::optional<std::string> build();

  // GET or POST /graphql, on loop `loop` (the caller's).
  Task<http::Response> handle(const http::Request& request, unsigned loop, asio::any_io_executor executor);
  // GET /graphiql.
  static http::Response graphiqlPage();
  const graphql::Schema& schema() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace watt::kinds::db
