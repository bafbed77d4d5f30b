// The one request/response representation used everywhere: the network server parses into it,
// every application kind handles it, the gateway and the mesh forward it, tests build it. Header
// order and repeated headers (set-cookie) are preserved; names compare case-insensitively.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/asio.h"
#include "observe/trace_context.h"

namespace watt::http {

struct Header {
  std::string name;
  std::string value;
};

class Headers {
 public:
  using const_iterator = std::vector<Header>::const_iterator;

  void add(std::string name, std::string value) { push({std::move(name), std::move(value)}); }
  // Replaces every header of that name with one.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  const std::string* find(std::string_view name) const;
  std::string_view get(std::string_view name) const;  // "" when absent
  bool has(std::string_view name) const { return find(name) != nullptr; }

  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void reserve(size_t n) { items_.reserve(n); }
  void clear() { items_.clear(); }

 private:
  // The first header reserves room for a typical message's (one allocation, not four).
  void push(Header&& header) {
    if (items_.capacity() == 0) items_.reserve(8);
    items_.push_back(std::move(header));
  }
  std::vector<Header> items_;
};

// Connection-level headers that a proxy must not forward (RFC 9110 7.6.1).
bool isHopByHopHeader(std::string_view name);

struct Request {
  std::string method = "GET";
  std::string target = "/";  // origin-form, raw: path and query as received
  int version = 11;          // 10 or 11
  Headers headers;
  std::string body;

  // Not part of the message: where it came from.
  std::string remoteAddress;
  std::string scheme = "http";
  // Request correlation, set where a request enters the runtime (the public listener, the mesh
  // socket of a Node application) and carried along every in-process hop; written back as the
  // `x-request-id` and `traceparent` headers where a request leaves on a socket.
  std::string requestId;
  observe::TraceContext trace;  // invalid when tracing is off

  std::string_view path() const;
  std::string_view query() const;  // without '?', "" when none
};

// The rest of a response body that is relayed while it arrives (server-sent events, streamed
// rendering, large downloads) instead of being buffered whole. Pulled one chunk at a time by
// whoever writes the response, which gives backpressure for free. Used on one loop only.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // The next piece of the body; nullopt at the end. `ec` is set when the body broke off.
  virtual Task<std::optional<std::string>> next(error_code& ec) = 0;
  // The total length when the upstream announced one (Content-Length), else nullopt.
  virtual std::optional<uint64_t> length() const = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;                     // the whole body, or its first bytes when `stream` is set
  std::shared_ptr<BodyStream> stream;   // the rest of the body, when relayed as it arrives
  // The worker of a hosted (Node) application that produced this response, or -1. The runtime's
  // request metrics read it for their `workerId` label and reset it, so that an application
  // relaying the response (a gateway) is counted as served by its own loop.
  int16_t worker = -1;

  // A JSON body with `content-type: application/json; charset=utf-8`.
  static Response json(int status, std::string body);
  // Fastify's error shape: {"statusCode","code"?,"error","message"}.
  static Response error(int status, std::string_view message, std::string_view code = {});
  // Fastify's 404: {"message":"Route GET:/x not found","error":"Not Found","statusCode":404}.
  static Response routeNotFound(std::string_view method, std::string_view target);
};

// The whole body of a response, draining its stream if it has one (for code that needs the
// body as a whole, e.g. reading another application's OpenAPI document).
Task<std::string> readWholeBody(Response& response);

std::string_view reasonPhrase(int status);
// 1xx, 204 and 304 responses carry no body.
bool statusHasNoBody(int status);

}  // namespace watt::http
