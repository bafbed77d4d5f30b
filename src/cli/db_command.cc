#include "cli/db_command.h"

#include <unistd.h>

#include <cstdio>

#include "config/loader.h"
#include "db/database.h"
#include "db/migrations.h"
#include "kinds/db/db_config.h"
#include "observe/logger.h"
#include "runtime/kind.h"

namespace watt::cli {

int runMigrations(const MigrationsOptions& options) {
  observe::log().configure(observe::LogLevel::kInfo, isatty(STDOUT_FILENO) == 1);
  config::LoadOptions load;
  load.directory = options.directory;
  load.configFile = options.configFile;
  load.envFile = options.envFile;
  load.processEnv = config::currentProcessEnv();
  load.listens = false;
  auto result = config::loadProject(load, runtime::builtinKinds().parsers());
  if (!result.config) {
    for (const auto& d : result.diagnostics.all())
      if (d.severity == config::Diagnostic::Severity::kError) std::fprintf(stderr, "error: %s\n", d.format().c_str());
    return 1;
  }
  std::vector<const config::ApplicationSpec*> databases;
  std::string names;
  for (const auto& a : result.config->applications) {
    if (a.kind != "@platformatic/db") continue;
    databases.push_back(&a);
    names += (names.empty() ? "" : ", ") + a.id;
  }
  const config::ApplicationSpec* app = nullptr;
  if (!options.application.empty()) {
    for (const auto* a : databases)
      if (a->id == options.application) app = a;
    if (!app) {
      std::fprintf(stderr, "watt: no database application \"%s\" (database applications: %s)\n",
                   options.application.c_str(), names.empty() ? "none" : names.c_str());
      return 1;
    }
  } else if (databases.size() == 1) {
    app = databases.front();
  } else if (databases.empty()) {
    std::fprintf(stderr, "watt: this project has no database application\n");
    return 1;
  } else {
    std::fprintf(stderr, "watt: this project has several database applications (%s): name one with --app, or "
                         "use `watt <app>:migrations:apply`\n", names.c_str());
    return 1;
  }
  const auto& cfg = static_cast<const kinds::db::DbConfig&>(*app->kindConfig);
  if (!cfg.migrations.present) {
    std::fprintf(stderr, "watt: %s: no \"migrations\" block in its configuration\n", app->id.c_str());
    return 1;
  }
  std::string error;
  auto database = db::Database::open(cfg.connection, db::DatabaseOptions{}, error);
  if (!database) {
    observe::log().log(observe::LogLevel::kFatal, app->id, "Cannot open the database: " + error);
    return 1;
  }
  db::Migrator migrator(database->controlConnection(), cfg.migrations.dir, cfg.migrations.table);
  migrator.setValidateChecksums(cfg.migrations.validateChecksums);
  std::optional<int64_t> target;
  if (options.to) target = static_cast<int64_t>(*options.to);
  auto outcome = options.rollback ? migrator.rollback(target) : migrator.apply(target);
  for (const auto& file : outcome.applied) observe::log().info("running " + file, app->id);
  if (!outcome.ok) {
    observe::log().log(observe::LogLevel::kFatal, app->id,
                       std::string(options.rollback ? "Unable to roll back migration " : "Unable to apply migration ") +
                           outcome.error);
    return 1;
  }
  if (outcome.applied.empty()) {
    observe::log().info(options.rollback ? "No migrations to rollback"
                                         : "The database is up to date (version " +
                                               std::to_string(outcome.versionAfter) + ")",
                        app->id);
  }
  database->close();
  return 0;
}

}  // namespace watt::cli
