// The runtime: owns the loops, the mesh, the applications and the public listener of the
// entrypoint. run() starts everything (applications concurrently; the public port is bound
// first so that a busy port fails fast, but only listens once every application is ready),
// serves until SIGINT/SIGTERM, then drains: stops accepting, lets in-flight requests finish
// within gracefulShutdown.runtime, stops the applications, and returns the exit code.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/runtime_config.h"
#include "http/server.h"
#include "runtime/child_process.h"
#include "runtime/kind.h"
#include "runtime/loop.h"
#include "runtime/management_api.h"
#include "runtime/mesh.h"
#include "runtime/metrics_listener.h"

namespace watt::runtime {

struct RuntimeOptions {
  std::string nodeExecutable = "node";
  std::string nodeHostScript;  // absolute path of js/host.cjs
  // GET /api/v1/metrics of the management API (Prometheus text, and its JSON form); unset:
  // the API answers that metrics are not enabled.
  std::function<std::string()> metricsText;
  std::function<std::string()> metricsJson;
};

class Runtime {
 public:
  Runtime(const config::RuntimeConfig& config, const KindRegistry& kinds, RuntimeOptions options);
  ~Runtime();

  int run();

 private:
  bool bindPublicListener();
  Task<void> main();
  Task<bool> startApplications();
  void startAccepting();
  bool startMetrics();
  void armSignals();
  void onSignal(int signal);
  void stopGracefully(const std::string& why);
  bool startManagementApi();
  Task<void> shutdown();
  Task<void> stopApplications();
  void closePublicAcceptors();
  std::string makeSocketDir();

  const config::RuntimeConfig& config_;
  const KindRegistry& kinds_;
  RuntimeOptions options_;
  asio::io_context control_;
  std::unique_ptr<LoopGroup> loops_;
  std::unique_ptr<ProcessReaper> reaper_;
  Mesh mesh_;
  std::unique_ptr<RuntimeServices> services_;
  std::vector<std::unique_ptr<Application>> applications_;
  Application* entrypoint_ = nullptr;
  std::unique_ptr<http::Server> publicServer_;
  std::unique_ptr<ManagementApi> management_;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> publicAcceptors_;
  std::string listeningUrl_;
  std::string socketDir_;
  int exitCode_ = 0;
  enum class Phase { kStarting, kRunning, kStopping };
  Phase phase_ = Phase::kStarting;
  bool stopRequested_ = false;  // a signal arrived while starting
  std::optional<asio::signal_set> signals_;
  std::unique_ptr<observe::MetricsRegistry> metrics_;  // null when metrics are off
  std::unique_ptr<MetricsListener> metricsListener_;
};

}  // namespace watt::runtime
