// Request correlation across the runtime: the request id (`x-request-id`, returned to the client
// and forwarded on every hop) and, when telemetry is on, the OpenTelemetry spans of a request:
// a SERVER span for each application that serves it, a CLIENT span for each hop an application
// makes through the mesh. Span names and attributes follow OpenTelemetry's HTTP conventions the
// way Watt's instrumentation writes them ("GET /path"; "GET http://api.plt.local/path").
#pragma once

#include <string_view>

#include "http/message.h"
#include "observe/tracer.h"
#include "runtime/application.h"

namespace watt::runtime {

// Where a request enters the runtime from a socket: takes its `x-request-id` (or makes one) and,
// with tracing on, its `traceparent` (a malformed or missing one starts a new trace).
void adoptIncoming(http::Request& request);

// The SERVER span of `app` handling `request`, held by the caller around its
// `co_await app.handle(std::move(request))` (in the caller's coroutine frame: a wrapper coroutine
// cost a 2 KB frame and a move of the request per hop). Inactive — every call a no-op — when
// tracing is off, the request is not sampled or `telemetry.skip` names it; otherwise the request
// is re-parented under the span, which the handler's own hops see as their parent.
class ServerSpan {
 public:
  ServerSpan(Application& app, http::Request& request);
  // The handler threw: the span ends as an error.
  void fail(std::string_view message);
  // The handler answered: the span ends with its status. `answerTraceparent`: the response
  // carries the span's `traceparent` (the entrypoint's answer, as Watt's telemetry plugin).
  void finish(http::Response& response, bool answerTraceparent = false);

 private:
  observe::Span span_;
};

// A CLIENT span of application `from` for `request`, about to go to `url` ("http://host/path"),
// and the request re-parented under it. Inactive when the request is not traced.
observe::Span startClientSpan(std::string_view from, http::Request& request,
                              std::string_view scheme, std::string_view host);

// Writes the request id and trace context as headers, for a request leaving on a socket.
void writeCorrelationHeaders(http::Request& request);

// `reqId`, and `traceId`/`spanId` when traced: the fields of a log line about a request.
json::object logFieldsOf(const http::Request& request);

}  // namespace watt::runtime
