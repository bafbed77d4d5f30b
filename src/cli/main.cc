// Entry point of the `watt` binary (also installed as `wattpm`).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/start_command.h"

int main(int argc, char** argv) {
  // Writes to a closed socket must fail with EPIPE, not kill the process.
  signal(SIGPIPE, SIG_IGN);

  CLI::App app{"watt: a native application server for Watt projects (watt.json / platformatic.json)"};
  app.set_version_flag("-V,--version", std::string("watt ") + WATT_VERSION);
  app.require_subcommand(0, 1);

  watt::cli::StartOptions start;
  start.executablePath = argv[0];
  auto* startCmd = app.add_subcommand("start", "Start the project in DIR (default: the current folder)");
  startCmd->add_option("dir", start.directory, "Project folder holding watt.json or platformatic.json");
  startCmd->add_option("-c,--config", start.configFile, "Configuration file to use instead of discovering it");
  startCmd->add_option("-e,--env", start.envFile, "Environment file to use instead of .env");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (*startCmd) return watt::cli::runStart(start);
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
