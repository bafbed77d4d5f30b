#include "kinds/db/db_application.h"

#include <filesystem>
#include <unistd.h>

#include "db/migrations.h"
#include "kinds/db/authorization.h"
#include "kinds/db/db_config.h"
#include "kinds/db/entity_model.h"
#include "kinds/db/graphql_api.h"
#include "kinds/db/metered_database.h"
#include "kinds/db/openapi.h"
#include "kinds/db/rest_api.h"
#include "kinds/db/traced_database.h"
#include "observe/logger.h"
#include "runtime/request_tracing.h"

namespace watt::kinds::db {
namespace {

const DbConfig& configOf(const config::ApplicationSpec& spec) {
  return static_cast<const DbConfig&>(*spec.kindConfig);
}

http::Response welcome() {
  return http::Response::json(
      200, R"({"message":"Welcome to Platformatic! Please visit https://docs.platformatic.dev"})");
}

}  // namespace

DbApplication::DbApplication(const config::ApplicationSpec& spec, runtime::RuntimeServices& services)
    : Application(spec), config_(configOf(spec)), services_(services) {}

DbApplication::~DbApplication() {
  if (database_) database_->close();
}

Task<void> DbApplication::start() {
  sql::DatabaseOptions options;
  options.loops = services_.loops.size();
  options.poolSize = config_.poolSize;
  options.memoryName = "watt-" + std::to_string(getpid()) + "-" + id();
  std::string error;
  database_ = sql::Database::open(config_.connection, options, error);
  if (!database_) throw runtime::StartError("The application \"" + id() + "\" cannot open its database: " + error);
  if (services_.metrics) {
    if (int index = services_.metrics->applicationIndex(id()); index >= 0)
      database_ = std::make_unique<MeteredDatabase>(std::move(database_), *services_.metrics, static_cast<uint16_t>(index));
  }
  database_ = tracedDatabase(std::move(database_));

  if (config_.migrations.present && config_.migrations.autoApply) {
    sql::Migrator migrator(database_->controlConnection(), config_.migrations.dir, config_.migrations.table);
    migrator.setValidateChecksums(config_.migrations.validateChecksums);
    auto outcome = migrator.apply();
    for (const auto& file : outcome.applied) observe::log().info("running " + file, id());
    if (!outcome.ok) {
      throw runtime::StartError("The application \"" + id() + "\" cannot apply its migrations: " + outcome.error);
    }
  }

  sql::IntrospectOptions introspect;
  introspect.excludeTables = {config_.migrations.table};
  introspect.schemas = config_.schemas;
  auto schema = database_->introspect(error, introspect);
  if (!schema) throw runtime::StartError("The application \"" + id() + "\" cannot read its database schema: " + error);
  schema_ = std::make_unique<sql::Schema>(std::move(*schema));

  std::vector<std::string> warnings;
  model_ = std::make_unique<EntityModel>(*schema_, config_, warnings);
  for (const auto& w : warnings) observe::log().warn(w, id());
  if (model_->entities().empty()) {
    observe::log().warn("No tables found in the database. Are you connected to the right database? Did you forget "
                        "to run your migrations?", id());
  }
  if (config_.authorization.enabled) {
    std::vector<std::string> errors;
    authorizer_ = std::make_unique<Authorizer>(config_.authorization, *model_, errors);
    if (!errors.empty()) {
      throw runtime::StartError("The application \"" + id() + "\" has invalid authorization rules: " + errors.front());
    }
  }
  if (config_.openapi.enabled) {
    rest_ = std::make_unique<RestApi>(*model_, config_, *database_, authorizer_.get());
    json::value doc = buildOpenApiDocument(*model_, config_);
    document_ = ServedDocument{json::serialize(doc), toYaml(doc), config_.openapi.title, 301};
  }
  if (config_.graphql.enabled) {
    graphql_ = std::make_unique<GraphqlApi>(*model_, config_, *database_, authorizer_.get(),
                                            static_cast<unsigned>(services_.loops.size()));
    if (auto problem = graphql_->build()) {
      throw runtime::StartError("The application \"" + id() + "\" cannot build its GraphQL schema: " + *problem);
    }
  }
  ready_ = true;
  co_return;
}

Task<void> DbApplication::stop(runtime::Millis timeout) {
  stopping_ = true;
  // Requests already running finish on their loops before the connections go.
  asio::steady_timer tick(services_.control);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (inFlight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(5));
    co_await tick.async_wait(kNoThrow);
  }
  if (database_) database_->close();
}

Task<http::Response> DbApplication::handle(http::Request request) {
  runtime::Loop* loop = runtime::Loop::current();
  if (!ready_ || stopping_ || !loop) {
    co_return http::Response::error(503, "Application \"" + id() + "\" is not available", "FST_REPLY_FROM_SERVICE_UNAVAILABLE");
  }
  inFlight_.fetch_add(1);
  http::Response response;
  try {
    response = co_await serve(request, loop->index());
  } catch (const std::exception& e) {
    json::object fields = runtime::logFieldsOf(request);
    observe::log().log(observe::LogLevel::kError, id(), std::string("Error while serving a request: ") + e.what(),
                       &fields);
    response = http::Response::error(500, e.what());
  }
  inFlight_.fetch_sub(1);
  co_return response;
}

Task<http::Response> DbApplication::serve(http::Request& request, unsigned loop) {
  std::string_view path = request.path();
  bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/" && get) co_return welcome();
  if (rest_ && get && path.starts_with("/documentation")) {
    if (auto page = serveDocumentation(path, document_)) co_return std::move(*page);
  }
  if (graphql_ && path == "/graphql") {
    auto executor = runtime::Loop::current()->context().get_executor();
    co_return co_await graphql_->handle(request, loop, executor);
  }
  if (graphql_ && config_.graphql.graphiql && get && path == "/graphiql") co_return GraphqlApi::graphiqlPage();
  if (rest_) {
    auto executor = runtime::Loop::current()->context().get_executor();
    auto answer = co_await rest_->handle(request, loop, executor);
    if (answer) co_return std::move(*answer);
  }
  co_return http::Response::routeNotFound(request.method, request.target);
}

runtime::Kind dbKind() {
  return runtime::Kind{dbParser(), [](const config::ApplicationSpec& spec, runtime::RuntimeServices& services) {
                         return std::unique_ptr<runtime::Application>(new DbApplication(spec, services));
                       }};
}

}  // namespace watt::kinds::db
