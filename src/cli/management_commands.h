// Operator commands that talk to running runtimes through their management API: `watt ps`,
// `applications`, `logs`, `inject`, `metrics`, `env`, `config`, `restart`, `stop`. `[id]` is a
// runtime's pid or name (its package.json name); it may be left out when only one runtime runs
// (or one runs from the current folder). Listings print a table when stdout is a terminal and
// JSON otherwise; --json and --table force either.
#pragma once

#include <string>
#include <vector>

namespace watt::cli {

struct ManagementOptions {
  std::vector<std::string> args;  // [id] then the command's own positionals
  bool json = false;
  bool table = false;
  // inject
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> headers;
  std::string data;
  std::string dataFile;
  std::string output;
  bool fullOutput = false;
  // logs
  std::string level = "info";
  // metrics
  std::string format = "json";
};

int runPs(const ManagementOptions& options);
int runApplications(const ManagementOptions& options);
int runLogs(const ManagementOptions& options);
int runInject(const ManagementOptions& options);
int runMetrics(const ManagementOptions& options);
int runEnv(const ManagementOptions& options);
int runConfig(const ManagementOptions& options);
int runRestart(const ManagementOptions& options);
int runStop(const ManagementOptions& options);

}  // namespace watt::cli
