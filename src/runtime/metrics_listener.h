// The Prometheus listener (Watt's `metrics`): its own TCP port, served on the control thread,
// separate from the public listener so that scrapes never queue behind application traffic.
// Routes as in Watt: `/` (a hello text), the metrics endpoint (text exposition, optional basic
// auth), and the health probes `/ready` (every application started) and `/status` (liveness).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/asio.h"
#include "config/runtime_config.h"
#include "http/server.h"
#include "observe/metrics.h"
#include "runtime/application.h"

namespace watt::runtime {

class MetricsListener {
 public:
  struct Probes {
    std::function<ProbeVerdict()> ready;
    std::function<ProbeVerdict()> live;  // includes readiness, as in Watt
  };

  MetricsListener(asio::io_context& control, const config::MetricsConfig& config,
                  observe::MetricsRegistry& registry, Probes probes);
  ~MetricsListener();

  // Binds and starts accepting; returns an error message naming the address, or "".
  std::string start();
  // Stops accepting and closes idle connections (control thread).
  void stop();
  const std::string& url() const { return url_; }

 private:
  http::Response answer(const http::Request& request);
  http::Response probe(const config::HealthProbeConfig& probe, const ProbeVerdict& verdict);

  asio::io_context& control_;
  const config::MetricsConfig& config_;
  observe::MetricsRegistry& registry_;
  Probes probes_;
  std::string expectedAuthorization_;  // "Basic base64(user:password)" when auth is on
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::string url_;
};

}  // namespace watt::runtime
