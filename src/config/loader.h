// Loads a Watt project into a RuntimeConfig: finds the config file, layers the environment
// (real environment > root .env; per application: its .env/envfile, then the runtime `env`
// block, then its own `env` block), replaces placeholders, validates every file and key, lists
// the applications (explicit arrays and autoload), resolves the entrypoint, and has each kind
// parse its application's own config. All problems are collected, not just the first.
#pragma once

#include <optional>
#include <string>

#include "config/diagnostics.h"
#include "config/kind_parser.h"
#include "config/runtime_config.h"

namespace watt::config {

struct LoadOptions {
  std::string directory;   // project folder; empty = current folder
  std::string configFile;  // -c/--config; empty = discover
  std::string envFile;     // -e/--env; empty = search .env from the project folder upwards
  EnvMap processEnv;       // the real environment
  bool production = true;  // `watt start`
  bool listens = true;     // false for commands that never serve (migrations): `server` is not read
};

struct LoadResult {
  std::optional<RuntimeConfig> config;  // set only when there is no error
  Diagnostics diagnostics;
};

LoadResult loadProject(const LoadOptions& options, const KindParsers& kinds);

// The real environment of this process as an EnvMap.
EnvMap currentProcessEnv();

}  // namespace watt::config
