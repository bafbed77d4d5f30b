// What every application kind implements. The runtime starts and stops applications from its
// control thread; requests arrive on whichever loop thread accepted them and handle() runs on
// that same loop (a native kind keeps per-loop state; a hosted kind keeps per-loop connection
// pools), so a request never changes thread.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/asio.h"
#include "config/runtime_config.h"
#include "http/message.h"

namespace watt::runtime {

using Millis = std::chrono::milliseconds;

// A start that failed for a reason the user can act on; the message says what and why.
class StartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What an application's own check answered (Watt's setCustomHealthCheck and
// setCustomReadinessCheck): pass or fail, and optionally the probe's status code and body.
struct ProbeVerdict {
  bool ok = true;
  int statusCode = 0;  // 0: the probe's configured status
  std::string body;    // empty: the probe's configured body
};

class Application {
 public:
  explicit Application(const config::ApplicationSpec& spec) : spec_(spec) {}
  virtual ~Application() = default;
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  const std::string& id() const { return spec_.id; }
  const config::ApplicationSpec& spec() const { return spec_; }

  // Control thread. Completes once the application serves requests; throws StartError.
  virtual Task<void> start() = 0;
  // Control thread. Stops gracefully within `timeout`, then forcefully.
  virtual Task<void> stop(Millis timeout) = 0;
  // The loop thread the request arrived on.
  virtual Task<http::Response> handle(http::Request request) = 0;

  // Control thread. Restarts a running application for the management API (`watt restart`);
  // returns false when the kind has nothing to restart. Native kinds (gateway, db) run inside
  // the runtime from an immutable configuration, so by default restarting leaves them serving.
  virtual Task<bool> restart(Millis /*timeout*/) { co_return false; }
  // Watt's status words ("starting", "started", "stopping", "stopped"; "failed" when a crashed
  // application is not restarted), or "" when the kind follows the runtime's own status.
  virtual std::string status() const { return {}; }

  // Applications that must be serving before this one starts (its `dependencies`, and what a
  // kind needs at start, e.g. the applications whose OpenAPI documents a gateway composes).
  virtual std::vector<std::string> startAfter() const { return spec_.dependencies; }

  // Any thread. False while the application is down (crashed and restarting, or not restarted):
  // the liveness probe of the metrics listener fails then.
  virtual bool live() const { return true; }
  // Control thread. The latest answer of the application's own liveness check (`readiness`
  // false) or readiness check, for the probes of the metrics listener.
  virtual ProbeVerdict customCheck(bool /*readiness*/) const { return {}; }

 private:
  const config::ApplicationSpec& spec_;
};

}  // namespace watt::runtime
