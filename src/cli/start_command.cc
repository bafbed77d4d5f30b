#include "cli/start_command.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "config/loader.h"
#include "observe/logger.h"
#include "runtime/kind.h"
#include "runtime/runtime.h"

namespace fs = std::filesystem;

namespace watt::cli {
namespace {

// js/host.cjs: next to the binary (build tree), in ../share/watt (installed), else the sources.
std::string findHostScript(const std::string& argv0) {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) exe = fs::absolute(argv0, ec);
  fs::path dir = exe.parent_path();
  for (const fs::path& candidate :
       {dir / "js" / "host.cjs", dir.parent_path() / "share" / "watt" / "js" / "host.cjs",
        fs::path(WATT_SOURCE_DIR) / "js" / "host.cjs"}) {
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return {};
}

}  // namespace

int runStart(const StartOptions& options) {
  bool tty = isatty(STDOUT_FILENO) == 1;
  observe::log().configure(observe::LogLevel::kInfo, tty);

  config::LoadOptions load;
  load.directory = options.directory;
  load.configFile = options.configFile;
  load.envFile = options.envFile;
  load.processEnv = config::currentProcessEnv();
  load.production = true;
  const auto& kinds = runtime::builtinKinds();
  auto result = config::loadProject(load, kinds.parsers());

  if (result.config) {
    std::vector<std::pair<std::string, config::LogLevel>> levels;
    for (const auto& app : result.config->applications)
      if (app.logLevel) levels.emplace_back(app.id, *app.logLevel);
    std::string error = observe::log().configure(result.config->logger, tty, levels);
    if (!error.empty()) {
      std::fprintf(stderr, "error: %s: %s\nwatt: nothing was started.\n",
                   result.config->configFile.c_str(), error.c_str());
      return 1;
    }
  }
  for (const auto& d : result.diagnostics.all()) {
    if (d.severity == config::Diagnostic::Severity::kWarning) observe::log().warn(d.format());
  }
  if (!result.config) {
    for (const auto& d : result.diagnostics.all()) {
      if (d.severity == config::Diagnostic::Severity::kError)
        std::fprintf(stderr, "error: %s\n", d.format().c_str());
    }
    size_t n = result.diagnostics.errorCount();
    std::fprintf(stderr, "watt: %zu configuration problem%s; nothing was started.\n", n,
                 n == 1 ? "" : "s");
    return 1;
  }

  runtime::RuntimeOptions runtimeOptions;
  if (const char* node = std::getenv("WATT_NODE"); node && *node) runtimeOptions.nodeExecutable = node;
  runtimeOptions.nodeHostScript = findHostScript(options.executablePath);
  if (runtimeOptions.nodeHostScript.empty()) {
    std::fprintf(stderr, "watt: cannot find js/host.cjs next to the watt binary; reinstall watt\n");
    return 1;
  }
  runtime::Runtime runtime(*result.config, kinds, runtimeOptions);
  return runtime.run();
}

}  // namespace watt::cli
