// A Node.js application hosted in one child process (js/host.cjs, see js/PROTOCOL.md): worker
// threads inside it serve HTTP on Unix sockets, the runtime forwards requests to them round robin
// over per-loop keep-alive pools, and their mesh calls come back through a MeshListener. The
// control thread supervises the process: start (until every worker is ready, or startTimeout),
// restart after a crash (restartOnError, with backoff in a crash loop), graceful stop, and the
// health of each worker (Watt's `health`: a worker past a limit for maxUnhealthyChecks checks in
// a row is replaced; meanwhile the liveness probe fails).
#pragma once

#include <atomic>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/client.h"
#include "runtime/application.h"
#include "runtime/child_process.h"
#include "runtime/kind.h"
#include "runtime/mesh_listener.h"

namespace watt::kinds::node {

class NodeApplication : public runtime::Application {
 public:
  NodeApplication(const config::ApplicationSpec& spec, runtime::RuntimeServices& services);
  ~NodeApplication() override;

  Task<void> start() override;
  Task<void> stop(runtime::Millis timeout) override;
  Task<http::Response> handle(http::Request request) override;
  bool live() const override {
    return state_.load() == State::kRunning && unhealthyWorkers_.load() == 0;
  }
  Task<bool> restart(runtime::Millis timeout) override;
  std::string status() const override;
  runtime::ProbeVerdict customCheck(bool readiness) const override;

 private:
  enum class State { kStopped, kStarting, kRunning, kRestarting, kStopping, kFailed };

  // Control thread.
  Task<void> launch();
  Task<void> relaunch();
  Task<void> sendControl(std::string line);
  void onControlLine(std::string_view line, uint64_t generation);
  void onProcessExit(runtime::ExitStatus status, uint64_t generation);
  void onOutputLine(std::string_view line, bool isError);
  void scheduleRestart();
  bool healthMonitored() const;
  void scheduleHealthCheck();
  void checkHealth();
  void replaceWorker(size_t worker);
  void countUnhealthy();  // publishes how many workers failed their latest check, for live()
  void setWorkerReady(size_t worker, bool ready);
  std::string initMessage() const;
  std::string stderrTail() const;
  void wakeLauncher();
  Task<void> stopProcess(runtime::Millis timeout);

  runtime::RuntimeServices& services_;
  std::string entry_;
  std::optional<bool> hasServer_;
  size_t index_ = 0;  // position of the application in the runtime config
  std::vector<std::string> sockets_;
  std::string meshSocket_;
  std::unique_ptr<runtime::MeshListener> meshListener_;
  std::shared_ptr<runtime::ChildProcess> process_;
  uint64_t generation_ = 0;  // one per launch; events of an older process are ignored
  std::vector<bool> workerReady_;
  std::string failure_;
  bool exited_ = false;
  runtime::ExitStatus exitStatus_;
  std::deque<std::string> recentStderr_;
  std::optional<asio::steady_timer> launchWaiter_;
  std::optional<asio::steady_timer> stopWaiter_;
  asio::steady_timer restartTimer_;
  int quickCrashes_ = 0;
  std::chrono::steady_clock::time_point readySince_;
  std::atomic<State> state_{State::kStopped};

  // Health of each worker, from its `metrics` reports (control thread).
  struct WorkerHealth {
    bool reported = false;  // a report arrived since the worker became ready
    double elu = 0, heapUsed = 0;                    // the latest report
    double worstDelay = 0, worstDelayP99 = 0;        // seconds, since the previous check
    std::chrono::steady_clock::time_point readyAt;
    int unhealthyChecks = 0;  // in a row
    bool unhealthy = false;   // the latest check found it past a limit
    bool replacing = false;
    runtime::ProbeVerdict liveness, readiness;  // the application's own checks, latest answer
  };
  std::vector<WorkerHealth> health_;
  asio::steady_timer healthTimer_;
  std::atomic<int> unhealthyWorkers_{0};
  std::atomic<bool> background_{false};

  // Loop threads: each loop has its own pools and view of which workers are ready.
  struct LoopState {
    std::vector<std::unique_ptr<http::UpstreamPool>> pools;  // one per worker
    std::vector<bool> ready;
    std::list<asio::steady_timer*> waiters;  // requests waiting for a worker to be ready
  };
  std::vector<LoopState> loops_;
  std::atomic<uint32_t> next_{0};
};

runtime::Kind nodeKind();

}  // namespace watt::kinds::node
