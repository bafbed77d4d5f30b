// A database application (`@platformatic/db`): opens SQLite or PostgreSQL, applies migrations
// (`migrations.autoApply`), introspects the schema, and serves the generated REST API, its
// OpenAPI document (/documentation/json|yaml) and GraphQL, natively on the loop threads with one
// database connection (SQLite) or a small pool (PostgreSQL) per loop.
#pragma once

#include <atomic>
#include <memory>

#include "db/database.h"
#include "kinds/db/openapi.h"
#include "runtime/application.h"
#include "runtime/kind.h"

namespace watt::kinds::db {

struct DbConfig;
class EntityModel;
class Authorizer;
class RestApi;
class GraphqlApi;

class DbApplication : public runtime::Application {
 public:
  DbApplication(const config::ApplicationSpec& spec, runtime::RuntimeServices& services);
  ~DbApplication() override;

  Task<void> start() override;
  Task<void> stop(runtime::Millis timeout) override;
  Task<http::Response> handle(http::Request request) override;

 private:
  Task<http::Response> serve(http::Request& request, unsigned loop);

  const DbConfig& config_;
  runtime::RuntimeServices& services_;
  std::unique_ptr<::watt::db::Database> database_;
  std::unique_ptr<::watt::db::Schema> schema_;
  std::unique_ptr<EntityModel> model_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<RestApi> rest_;
  std::unique_ptr<GraphqlApi> graphql_;
  ServedDocument document_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> inFlight_{0};
};

runtime::Kind dbKind();

}  // namespace watt::kinds::db
