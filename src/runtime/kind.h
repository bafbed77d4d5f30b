// Application kinds as plugins: a kind is registered by name with its config parser and a
// factory for its Application. The runtime knows kinds only through this registry.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/kind_parser.h"
#include "config/runtime_config.h"
#include "runtime/application.h"
#include "runtime/loop.h"
#include "runtime/mesh.h"

namespace watt::runtime {

// Where the entrypoint is reachable, once the public port is bound.
struct PublicAddress {
  std::string address;  // "127.0.0.1", "::"
  std::string family;   // "IPv4" / "IPv6" as Node reports it
  uint16_t port = 0;
};

class ProcessReaper;
}  // namespace watt::runtime
namespace watt::observe {
class MetricsRegistry;
}  // namespace watt::observe
namespace watt::runtime {

// What an application gets from the runtime.
struct RuntimeServices {
  LoopGroup& loops;
  Mesh& mesh;
  asio::io_context& control;
  ProcessReaper& reaper;
  const config::RuntimeConfig& config;
  std::string socketDir;       // private folder for Unix sockets
  std::string nodeExecutable;  // "node" or an absolute path
  std::string nodeHostScript;  // js/host.cjs
  PublicAddress publicAddress;
  observe::MetricsRegistry* metrics = nullptr;  // null when metrics are off
};

struct Kind {
  config::KindParser parser;
  std::function<std::unique_ptr<Application>(const config::ApplicationSpec&, RuntimeServices&)>
      create;
};

class KindRegistry {
 public:
  void add(Kind kind) { kinds_.push_back(std::make_unique<Kind>(std::move(kind))); }
  const Kind* find(std::string_view name) const;
  config::KindParsers parsers() const;

 private:
  std::vector<std::unique_ptr<Kind>> kinds_;
};

// The kinds compiled into this binary.
const KindRegistry& builtinKinds();

}  // namespace watt::runtime
