// `watt start [DIR] [-c FILE] [-e FILE]`: load the project, report configuration problems one
// line each, then run it until SIGINT/SIGTERM.
#pragma once

#include <string>

namespace watt::cli {

struct StartOptions {
  std::string directory;
  std::string configFile;
  std::string envFile;
  std::string executablePath;  // argv[0], to find js/host.cjs next to the binary
};

int runStart(const StartOptions& options);

}  // namespace watt::cli
