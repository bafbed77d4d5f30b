// `watt db migrations apply [-t VERSION]` and `watt db migrations rollback [-t VERSION]` (also
// Watt's spelling `watt <app>:migrations:apply [-t VERSION] [-r]`): run a database
// application's migrations against its database without starting the runtime.
#pragma once

#include <optional>
#include <string>

namespace watt::cli {

struct MigrationsOptions {
  std::string directory;
  std::string configFile;
  std::string envFile;
  std::string application;  // empty: the project's only database application
  std::optional<long long> to;
  bool rollback = false;
};

int runMigrations(const MigrationsOptions& options);

}  // namespace watt::cli
