// Entry point of the `watt` binary (also installed as `wattpm`).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "cli/db_command.h"
#include "cli/management_commands.h"
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

  // Commands that talk to running runtimes over their management API.
  watt::cli::ManagementOptions manage;
  const char* kIdHelp =
      "The runtime: its pid or name (package.json name); optional when one runtime runs";
  auto addIdArgs = [&](CLI::App* cmd, const char* what, bool listing = true) {
    cmd->add_option("args", manage.args, what);
    if (listing) {
      cmd->add_flag("--json", manage.json,
                    "Print JSON (the default when stdout is not a terminal)");
      cmd->add_flag("--table", manage.table, "Print a table (the default on a terminal)");
    }
    return cmd;
  };
  app.footer(
      "Operator commands (ps ... stop) talk to running runtimes over their management API\n"
      "($TMPDIR/platformatic/runtimes/<pid>/socket). [id] is a runtime's pid or name (its\n"
      "package.json name); leave it out when one runtime runs, or one runs from the current\n"
      "folder. Listings print a table on a terminal and JSON otherwise (--table, --json).");
  auto* psCmd = app.add_subcommand("ps", "List the runtimes running for this user");
  psCmd->add_flag("--json", manage.json, "Print JSON (the default when stdout is not a terminal)");
  psCmd->add_flag("--table", manage.table, "Print a table (the default on a terminal)");
  auto* appsCmd = addIdArgs(
      app.add_subcommand("applications", "List the applications of a runtime: applications [id]"),
      kIdHelp);
  auto* logsCmd = addIdArgs(
      app.add_subcommand(
          "logs", "Follow the logs of a runtime, or of one application: logs [id] [application]"),
      "[id] [application]", false);
  logsCmd->add_option("-l,--level", manage.level, "Minimum level (default info)");
  auto* injectCmd = addIdArgs(
      app.add_subcommand(
          "inject",
          "Send a request to an application (default: the entrypoint): inject [id] [application]"),
      "[id] [application]", false);
  injectCmd->add_option("-m,--method", manage.method, "Request method (default GET)");
  injectCmd->add_option("-p,--path", manage.path, "Request path and query (default /)");
  injectCmd
      ->add_option("-H,--header", manage.headers, "Request header \"name: value\" (repeatable)")
      ->allow_extra_args(false);
  injectCmd->add_option("-d,--data", manage.data, "Request body");
  injectCmd->add_option("-D,--data-file", manage.dataFile, "Read the request body from this file");
  injectCmd->add_option("-o,--output", manage.output, "Write the response to this file");
  injectCmd->add_flag("-f,--full-output", manage.fullOutput,
                      "Print the request and response heads too");
  auto* metricsCmd =
      addIdArgs(app.add_subcommand("metrics", "Print the metrics of a runtime: metrics [id]"),
                kIdHelp, false);
  metricsCmd->add_option("-f,--format", manage.format, "json (default) or text (Prometheus)");
  auto* envCmd = addIdArgs(
      app.add_subcommand(
          "env",
          "Print the environment of a runtime or of one application: env [id] [application]"),
      "[id] [application]");
  envCmd->add_flag("-t", manage.table, "Print a table");
  auto* configCmd = addIdArgs(
      app.add_subcommand("config", "Print the resolved configuration of a runtime: config [id]"),
      kIdHelp, false);
  auto* restartCmd = addIdArgs(app.add_subcommand("restart",
                                                  "Restart the applications of a runtime (all, or "
                                                  "those named): restart [id] [application...]"),
                               "[id] [application...]");
  auto* stopCmd =
      addIdArgs(app.add_subcommand("stop", "Stop a runtime gracefully: stop [id]"), kIdHelp);

  std::vector<const char*> cargs;
  for (const auto& a : args) cargs.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(cargs.size()), const_cast<char**>(cargs.data()));
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (*startCmd) return watt::cli::runStart(start);
  if (*psCmd) return watt::cli::runPs(manage);
  if (*appsCmd) return watt::cli::runApplications(manage);
  if (*logsCmd) return watt::cli::runLogs(manage);
  if (*injectCmd) return watt::cli::runInject(manage);
  if (*metricsCmd) return watt::cli::runMetrics(manage);
  if (*envCmd) return watt::cli::runEnv(manage);
  if (*configCmd) return watt::cli::runConfig(manage);
  if (*restartCmd) return watt::cli::runRestart(manage);
  if (*stopCmd) return watt::cli::runStop(manage);
  if (*rollbackCmd) migrations.rollback = true;
  if (*applyCmd || *rollbackCmd) return watt::cli::runMigrations(migrations);
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
