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

// `app.handle(request)` inside a SERVER span of `app` when the request is traced (and not
// skipped by `telemetry.skip`); the handler sees the span as the parent of its own hops.
// `answerTraceparent`: the response carries the span's `traceparent` (the entrypoint's answer).
Task<http::Response> serveTraced(Application& app, http::Request request,
                                 bool answerTraceparent = false);

// A CLIENT span of application `from` for `request`, about to go to `url` ("http://host/path"),
// and the request re-parented under it. Inactive when the request is not traced.
observe::Span startClientSpan(std::string_view from, http::Request& request,
                              std::string_view scheme, std::string_view host);

// Writes the request id and trace context as headers, for a request leaving on a socket.
void writeCorrelationHeaders(http::Request& request);

// `reqId`, and `traceId`/`spanId` when traced: the fields of a log line about a request.
json::object logFieldsOf(const http::Request& request);

}  // namespace watt::runtime
