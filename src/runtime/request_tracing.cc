#include "runtime/request_tracing.h"

#include "common/ascii.h"

namespace watt::runtime {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

bool acceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7e) return false;  // visible ASCII only: it goes into log lines
  return true;
}

// "host:port" -> ("host", port or -1).
std::pair<std::string_view, int64_t> splitHost(std::string_view host) {
  if (host.empty() || host.front() == '[') return {host, -1};
  size_t colon = host.rfind(':');
  if (colon == std::string_view::npos) return {host, -1};
  int64_t port = 0;
  for (char c : host.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return {host, -1};
    port = port * 10 + (c - '0');
  }
  return {host.substr(0, colon), port};
}

}  // namespace

void adoptIncoming(http::Request& request) {
  std::string_view given = request.headers.get("x-request-id");
  if (acceptableRequestId(given))
    request.requestId = given;
  else
    request.requestId = observe::newRequestId();
  if (!observe::Tracer::instance()) return;
  if (auto context = observe::parseTraceparent(request.headers.get("traceparent"))) {
    request.trace = *context;
  } else {
    request.trace = observe::TraceContext{};
    request.trace.flags = 1;  // a new trace, recorded (100% sampling, like Watt's default)
  }
}

ServerSpan::ServerSpan(Application& app, http::Request& request) {
  observe::Tracer* tracer = observe::Tracer::instance();
  if (!tracer) return;
  auto& current = observe::currentTrace();
  std::string_view path = request.path();
  // ParentBased sampling: an incoming unsampled context is propagated but not recorded. A
  // request that never entered through adoptIncoming (flags 0) is not traced either.
  if (!request.trace.sampled() || tracer->skips(request.method, path)) {
    // A skipped request (health checks...) records nothing further down either.
    request.trace.flags &= static_cast<uint8_t>(~1u);
    current = {};
    return;
  }
  uint16_t service = tracer->serviceOf(app.id());
  span_ = observe::Span::start(observe::SpanKind::kServer, service, request.trace,
                               {request.method, " ", path});
  span_.setAttribute("http.request.method", request.method);
  span_.setAttribute("url.path", path);
  if (auto query = request.query(); !query.empty()) span_.setAttribute("url.query", query);
  span_.setAttribute("url.scheme", request.scheme);
  auto [address, port] = splitHost(request.headers.get("host"));
  if (!address.empty()) span_.setAttribute("server.address", address);
  if (port >= 0) span_.setAttribute("server.port", port);
  request.trace = span_.context();
  current = {request.trace, service};
}

void ServerSpan::fail(std::string_view message) {
  if (!span_.active()) return;
  span_.setError(message);
  span_.end();
}

void ServerSpan::finish(http::Response& response, bool answerTraceparent) {
  if (!span_.active()) return;
  observe::TraceContext own = span_.context();
  span_.setHttpStatus(response.status);
  span_.end();
  if (answerTraceparent) response.headers.set("traceparent", observe::formatTraceparent(own));
}

observe::Span startClientSpan(std::string_view from, http::Request& request,
                              std::string_view scheme, std::string_view host) {
  observe::Tracer* tracer = observe::Tracer::instance();
  if (!tracer || !request.trace.sampled()) return {};
  std::string_view path = request.path();
  // Named after the URL without its query: "GET http://api.plt.local/path".
  observe::Span span = observe::Span::start(observe::SpanKind::kClient, tracer->serviceOf(from),
                                            request.trace,
                                            {request.method, " ", scheme, "://", host, path});
  auto [address, port] = splitHost(host);
  span.setAttribute("server.address", address);
  if (port >= 0) span.setAttribute("server.port", port);
  span.setAttribute("http.request.method", request.method);
  span.setAttributeConcat("url.full", {scheme, "://", host, request.target});
  span.setAttribute("url.path", path);
  span.setAttribute("url.scheme", scheme);
  request.trace = span.context();
  return span;
}

void writeCorrelationHeaders(http::Request& request) {
  if (!request.requestId.empty()) request.headers.set("x-request-id", request.requestId);
  if (request.trace.hasTrace())
    request.headers.set("traceparent", observe::formatTraceparent(request.trace));
}

json::object logFieldsOf(const http::Request& request) {
  json::object fields;
  if (!request.requestId.empty()) fields["reqId"] = request.requestId;
  if (request.trace.hasTrace()) {
    fields["traceId"] = observe::toHex(request.trace.traceId);
    fields["spanId"] = observe::toHex(request.trace.spanId);
  }
  return fields;
}

}  // namespace watt::runtime
