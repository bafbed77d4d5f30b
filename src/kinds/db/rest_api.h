// The generated REST API of a database application (docs/db-behaviour.md section 3): per entity
// list/create/bulk-update on `/X`, get/update(upsert)/delete on `/X/:id`, relationship routes,
// composite-key routes, answered with Platformatic DB's statuses, headers and bodies. Runs on
// the request's loop, with that loop's database connection.
#pragma once

#include <optional>

#include "db/database.h"
#include "http/message.h"
#include "kinds/db/authorization.h"
#include "kinds/db/db_config.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

class RestApi {
 public:
  RestApi(const EntityModel& model, const DbConfig& config, sql::Database& database,
          const Authorizer* authorizer);

  // nullopt when the request is not for a REST route (the caller answers 404 or another API).
  Task<std::optional<http::Response>> handle(const http::Request& request, unsigned loop,
                                             asio::any_io_executor executor);

 private:
  struct Call;
  Task<std::optional<http::Response>> authorize(Call& call, const Entity& entity, Operation op, Access& access);
  Task<http::Response> find(Call& call);
  Task<http::Response> create(Call& call);
  Task<http::Response> updateMany(Call& call);
  Task<http::Response> getOne(Call& call, sql::Filter key);
  Task<http::Response> save(Call& call, std::vector<std::pair<const Field*, sql::Value>> pathKey,
                            std::string location);
  Task<http::Response> removeOne(Call& call, sql::Filter key);
  Task<http::Response> reverseRelation(Call& call, const Relation& relation, sql::Value id);
  Task<http::Response> forwardRelation(Call& call, const Relation& relation, sql::Value id);

  const EntityModel& model_;
  const DbConfig& config_;
  sql::Database& database_;
  const Authorizer* authorizer_;
  sql::SqlBuilder builder_;
};

http::Response apiError(const ApiError& error);
http::Response dbErrorResponse(const sql::DbError& error, sql::Dialect dialect);

}  // namespace watt::kinds::db
