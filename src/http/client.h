// Client side: a pool of keep-alive HTTP/1.1 connections from one loop to one upstream, either a
// Unix socket (a Node worker, the runtime's own listeners) or a TCP host:port (external
// origins). A pool belongs to the loop that created it and is used only there, so it needs no
// locks. A request that fails on a reused connection before any response byte arrived is sent
// once more on a new connection (the upstream may have closed an idle connection meanwhile).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/asio.h"
#include "http/message.h"

namespace watt::http {

struct UnixEndpoint {
  std::string path;
};
struct TcpEndpoint {
  std::string host;
  std::string port;
};
using Endpoint = std::variant<UnixEndpoint, TcpEndpoint>;

std::string describe(const Endpoint& endpoint);

struct UpstreamError {
  enum class Kind { kConnect, kTimeout, kReset, kProtocol, kTooLarge };
  Kind kind;
  std::string message;
};

struct UpstreamResult {
  std::optional<Response> response;
  std::optional<UpstreamError> error;
};

struct PoolOptions {
  size_t maxIdle = 64;
  std::chrono::milliseconds timeout{300'000};  // per read/write, like undici's headers/body timeouts
  // Bodies with a Content-Length up to this size are read whole; others are relayed as a stream.
  uint64_t bufferedBodyLimit = 1024 * 1024;
};

class UpstreamPool {
 public:
  UpstreamPool(asio::any_io_executor executor, Endpoint endpoint, PoolOptions options = {});
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // Sends `request` (its head is serialized as given: the caller sets Host and the rest).
  Task<UpstreamResult> send(const Request& request);

  void closeIdle();
  const Endpoint& endpoint() const { return endpoint_; }
  size_t idleCount() const;

  struct Connection;

 private:
  Task<UpstreamResult> exchange(Connection& connection, const Request& request,
                                bool& receivedAnything);
  Task<std::unique_ptr<Connection>> connect(UpstreamError& error);
  friend class UpstreamBody;
  void giveBack(std::unique_ptr<Connection> connection);

  asio::any_io_executor executor_;
  Endpoint endpoint_;
  PoolOptions options_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::shared_ptr<UpstreamPool*> self_;  // streamed bodies hold a weak_ptr: the pool may go first
};

}  // namespace watt::http
