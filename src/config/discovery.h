// Finding things on disk the way Watt does: configuration files in a folder, the kind a config
// file declares (`$schema` URL or `module`), the kind of a folder without a config file (from
// package.json dependencies), and JSON files parsed with line/column errors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/result.h"

namespace watt::config {

// Candidate names in Watt's order: watt.json, platformatic.json, then watt.<suffix>.json, ...
// for the suffixes runtime, service, application, db, gateway, composer.
std::vector<std::string> configFileCandidates();

// The first existing candidate in `dir` (file name only), if any.
std::optional<std::string> findConfigFile(const std::string& dir);

struct ModuleRef {
  std::string module;   // "@platformatic/gateway", "@platformatic/runtime" for wattpm schemas
  std::string version;  // may be empty
};

// From a `$schema` URL (https://schemas.platformatic.dev/@platformatic/gateway/3.0.0.json, the
// seeds' https://schemas.platformatic.dev/composer/2.0.0.json) or a bare "@platformatic/db".
std::optional<ModuleRef> moduleFromSchema(const std::string& schema);

// From `module`, else from a `$schema` URL such as
// https://schemas.platformatic.dev/@platformatic/gateway/3.0.0.json.
std::optional<ModuleRef> moduleFromConfig(const json::value& config);

// Kind of a folder without a config file: package.json dependencies as Watt checks them, else
// "@platformatic/node" when it holds JavaScript files, else nothing.
std::optional<std::string> detectKindFromFolder(const std::string& dir);

// Reads and parses a JSON file; the error says where ("line 3, column 7: syntax error").
Result<json::value> readJsonFile(const std::string& path);

// Reads a whole file; nullopt when it cannot be read.
std::optional<std::string> readTextFile(const std::string& path);

}  // namespace watt::config
