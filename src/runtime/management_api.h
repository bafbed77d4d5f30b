// The management API: Watt's `/api/v1` HTTP API on a Unix socket private to the runtime's user
// ($TMPDIR/platformatic/runtimes/<pid>/socket, folder 0700, socket 0600), which `watt ps`,
// `watt inject`, ... and the reference `wattpm` use to find and drive a running runtime. It is
// served on the runtime's control thread (where applications are started, stopped and
// restarted); requests proxied to an application run on loop 0, like any mesh call.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/asio.h"
#include "config/runtime_config.h"
#include "http/server.h"
#include "runtime/application.h"
#include "runtime/loop.h"
#include "runtime/mesh.h"

namespace watt::runtime {

// What the API reads and drives; every callback runs on the control thread.
struct ManagementTarget {
  const config::RuntimeConfig& config;
  const std::vector<std::unique_ptr<Application>>& applications;
  Mesh& mesh;
  LoopGroup& loops;
  std::function<std::string()> status;  // "starting", "started", "stopping"
  std::function<std::string()> url;     // the entrypoint's URL once listening, else ""
  std::function<void()> stop;           // begins a graceful stop (the SIGTERM path)
  // Prometheus text and its JSON form (prom-client's getMetricsAsJSON shape); unset: metrics
  // are not enabled, and GET /metrics answers 501.
  std::function<std::string()> metricsText;
  std::function<std::string()> metricsJson;
};

// The default socket path for a runtime: $TMPDIR/platformatic/runtimes/<pid>/socket.
std::string defaultManagementSocket(long pid);
// $TMPDIR (default /tmp) / platformatic / runtimes.
std::string managementRuntimesDir();

class ManagementApi {
 public:
  ManagementApi(asio::io_context& control, ManagementTarget target, std::string socketPath);
  ~ManagementApi();

  // Creates the folder, binds and listens. Returns an error message, empty on success.
  std::string start();
  // Stops accepting, ends the live log streams, lets answers in flight (the /stop request
  // itself) be written, then removes the socket and its folder.
  Task<void> close();

  const std::string& socketPath() const { return socketPath_; }

  // Builds a `Sec-WebSocket-Accept` value (RFC 6455 4.2.2) and a server-to-client frame.
  static std::string websocketAccept(std::string_view key);
  static std::string websocketFrame(uint8_t opcode, std::string_view payload);

  class LogStream;

 private:
  Task<http::Response> handle(http::Request request);
  Task<http::Response> route(const http::Request& request, std::string_view path);
  json::object metadata() const;
  json::object applicationDetails(const Application& app) const;
  json::object applicationsList() const;
  json::object configView() const;
  Task<http::Response> proxy(const http::Request& request, const std::string& id,
                             std::string target);
  Task<http::Response> restart(const http::Request& request);
  http::Response logsLive(const http::Request& request);
  http::Response metrics(const http::Request& request) const;
  void removeFiles();

  asio::io_context& control_;
  ManagementTarget target_;
  std::string socketPath_;
  bool ownsFolder_ = false;  // the default location: the pid folder is ours to remove
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<asio::local::stream_protocol::acceptor> acceptor_;
  // Shared with the streams being written, which may outlive this object at exit.
  std::shared_ptr<std::set<std::shared_ptr<LogStream>>> logStreams_ =
      std::make_shared<std::set<std::shared_ptr<LogStream>>>();
  std::chrono::steady_clock::time_point startedAt_;
  std::string packageName_, packageVersion_;
  asio::steady_timer closed_;  // cancelled when close() begins: POST /stop answers then
  bool closing_ = false;
};

}  // namespace watt::runtime
