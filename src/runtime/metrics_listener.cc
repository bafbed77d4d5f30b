#include "runtime/metrics_listener.h"

#include "common/base64.h"

namespace watt::runtime {

MetricsListener::MetricsListener(asio::io_context& control, const config::MetricsConfig& config,
                                 observe::MetricsRegistry& registry, Probes probes)
    : control_(control), config_(config), registry_(registry), probes_(std::move(probes)) {
  if (config_.auth)
    expectedAuthorization_ =
        "Basic " + base64::encode(config_.auth->first + ":" + config_.auth->second);
}

MetricsListener::~MetricsListener() = default;

std::string MetricsListener::start() {
  std::string where = config_.hostname + ":" + std::to_string(config_.port);
  error_code ec;
  asio::ip::address address = asio::ip::make_address(config_.hostname, ec);
  if (ec) {
    asio::ip::tcp::resolver resolver(control_);
    auto results = resolver.resolve(config_.hostname, std::to_string(config_.port), ec);
    if (ec || results.empty())
      return "Cannot listen for metrics on " + where +
             ": the hostname does not resolve (change metrics.hostname)";
    address = results.begin()->endpoint().address();
  }
  asio::ip::tcp::endpoint endpoint(address, config_.port);
  acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(control_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return "Cannot listen for metrics on " + where + ": " + ec.message() +
           (ec == asio::error::address_in_use
                ? " (another process is using this port; change metrics.port)"
                : "");
  }
  auto bound = acceptor_->local_endpoint();
  std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                             : bound.address().to_string();
  url_ = "http://" + host + ":" + std::to_string(bound.port());

  http::ServerLimits limits;
  limits.bodyLimit = 64 * 1024;
  server_ = std::make_unique<http::Server>(
      limits, [this](http::Request request) -> Task<http::Response> { co_return answer(request); },
      1);
  server_->acceptOn(*acceptor_, 0);
  return {};
}

void MetricsListener::stop() {
  if (acceptor_) {
    error_code ec;
    acceptor_->close(ec);
  }
  if (server_) server_->drain();
}

http::Response MetricsListener::probe(const config::HealthProbeConfig& probe,
                                      const ProbeVerdict& verdict) {
  http::Response response;
  bool ok = verdict.ok;
  response.status = verdict.statusCode >= 100 && verdict.statusCode <= 599
                        ? verdict.statusCode
                        : (ok ? probe.successStatus : probe.failStatus);
  response.body = !verdict.body.empty() ? verdict.body : (ok ? probe.successBody : probe.failBody);
  response.headers.set("content-type", "text/plain; charset=utf-8");
  return response;
}

http::Response MetricsListener::answer(const http::Request& request) {
  std::string_view path = request.path();
  bool get = request.method == "GET" || request.method == "HEAD";
  bool readiness = config_.readiness.enabled && path == config_.readiness.endpoint;
  bool liveness = config_.liveness.enabled && path == config_.liveness.endpoint;
  if (get && path == config_.endpoint && config_.enabled) {
    if (!expectedAuthorization_.empty() &&
        request.headers.get("authorization") != expectedAuthorization_) {
      auto response = http::Response::json(401, R"({"message":"Unauthorized"})");
      response.headers.set("www-authenticate", "Basic");
      return response;
    }
    http::Response response;
    response.body = registry_.render();
    response.headers.set("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return response;
  }
  if (get && readiness) return probe(config_.readiness, probes_.ready());
  if (get && liveness) return probe(config_.liveness, probes_.live());
  if (get && path == "/") {
    http::Response response;
    response.headers.set("content-type", "text/plain; charset=utf-8");
    response.body = "Hello from Platformatic Prometheus Server!";
    if (config_.enabled)
      response.body += "\nThe metrics are available at " + config_.endpoint + ".";
    if (config_.readiness.enabled)
      response.body +=
          "\nThe readiness endpoint is available at " + config_.readiness.endpoint + ".";
    if (config_.liveness.enabled)
      response.body += "\nThe liveness endpoint is available at " + config_.liveness.endpoint + ".";
    return response;
  }
  return http::Response::routeNotFound(request.method, request.target);
}

}  // namespace watt::runtime
