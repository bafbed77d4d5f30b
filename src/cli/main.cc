// Entry point of the `watt` binary (also installed as `wattpm`).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "cli/db_command.h"
#include "cli/start_command.h"

int main(int argc, char** argv) {
  // Writes to a closed socket must fail with EPIPE, not kill the process.
  signal(SIGPIPE, SIG_IGN);

  CLI::App app{"watt: a native application server for Watt projects (watt.json / platformatic.json)"};
  app.set_version_flag("-V,--version", std::string("watt ") + WATT_VERSION);
  app.require_subcommand(0, 1);

  // Watt's per-application spelling: `watt <app>:migrations:apply [-t N] [-r]`.
  std::vector<std::string> args(argv, argv + argc);
  std::smatch m;
  static const std::regex kAppCommand(R"(^([A-Za-z0-9_.-]+):migrations:apply$)");
  watt::cli::MigrationsOptions migrations;
  if (args.size() > 1 && std::regex_match(args[1], m, kAppCommand)) {
    migrations.application = m[1];
    args.erase(args.begin() + 1);
    args.insert(args.begin() + 1, {"db", "migrations", "apply"});
  }

  watt::cli::StartOptions start;
  start.executablePath = argv[0];
  auto* startCmd = app.add_subcommand("start", "Start the project in DIR (default: the current folder)");
  startCmd->add_option("dir", start.directory, "Project folder holding watt.json or platformatic.json");
  startCmd->add_option("-c,--config", start.configFile, "Configuration file to use instead of discovering it");
  startCmd->add_option("-e,--env", start.envFile, "Environment file to use instead of .env");

  auto* dbCmd = app.add_subcommand("db", "Database applications");
  auto* migrationsCmd = dbCmd->add_subcommand("migrations", "Run SQL migrations")->require_subcommand(1);
  auto* applyCmd = migrationsCmd->add_subcommand("apply", "Apply pending migrations (or migrate to --to VERSION)");
  auto* rollbackCmd = migrationsCmd->add_subcommand("rollback", "Undo the last applied migration (or down to --to VERSION)");
  for (auto* cmd : {applyCmd, rollbackCmd}) {
    cmd->add_option("dir", migrations.directory, "Project folder (default: the current folder)");
    cmd->add_option("-c,--config", migrations.configFile, "Configuration file");
    cmd->add_option("-e,--env", migrations.envFile, "Environment file");
    cmd->add_option("-a,--app", migrations.application, "The database application (when there are several)");
    cmd->add_option("-t,--to", migrations.to, "Target version");
  }
  applyCmd->add_flag("-r,--rollback", migrations.rollback, "Undo the last migration instead");
  dbCmd->require_subcommand(1);

  std::vector<const char*> cargs;
  for (const auto& a : args) cargs.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(cargs.size()), const_cast<char**>(cargs.data()));
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (*startCmd) return watt::cli::runStart(start);
  if (*rollbackCmd) migrations.rollback = true;
  if (*applyCmd || *rollbackCmd) return watt::cli::runMigrations(migrations);
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
