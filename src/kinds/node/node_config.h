// Typed configuration of a Node.js application (`@platformatic/node`, and plain folders with a
// package.json or JavaScript files): which file to load, found the way Watt finds it.
#pragma once

#include <optional>
#include <string>

#include "config/kind_parser.h"

namespace watt::kinds::node {

struct NodeConfig : config::KindConfig {
  std::string main;                 // node.main as written, relative to the application folder
  std::optional<bool> hasServer;    // node.hasServer
};

// The entry file of an application folder: `node.main`, else package.json `main`/`exports`,
// else the first of index/main/app/application/server/start/bundle/run/entrypoint with a
// .js/.mjs/.cjs extension. Empty when there is none.
std::string resolveEntry(const std::string& folder, const std::string& main);

config::KindParser nodeParser();

}  // namespace watt::kinds::node
