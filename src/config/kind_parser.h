// How an application kind plugs into configuration loading: its name(s) as they appear in
// `$schema`/`module`, and a parser that turns the application's own config file into the kind's
// typed configuration. The runtime side of a kind (creating the Application) lives in
// runtime/kind.h; configuration code never depends on it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/reader.h"

namespace watt::config {

struct ApplicationSpec;
struct RuntimeConfig;

// Base of every kind's typed configuration.
class KindConfig {
 public:
  virtual ~KindConfig() = default;
};

struct KindParseContext {
  const ApplicationSpec& application;
  const RuntimeConfig& runtime;  // every application is listed, ids and kinds are known
};

struct KindParser {
  std::string name;                  // "@platformatic/gateway"
  std::vector<std::string> aliases;  // "@platformatic/composer"
  // Reads the application's config file (root object; absent when the application has no
  // file). Reports problems through the reader's diagnostics; returns the typed config.
  std::function<std::shared_ptr<const KindConfig>(ObjectReader& root, const KindParseContext&)>
      parse;
  // Checks the application folder itself (entry files, migrations, ...), after parsing.
  std::function<void(const KindParseContext&, Diagnostics&)> validateFolder;
};

using KindParsers = std::vector<const KindParser*>;

}  // namespace watt::config
