#include "kinds/gateway/gateway.h"

#include "common/ascii.h"
#include "kinds/db/openapi.h"
#include "observe/logger.h"
#include "runtime/request_tracing.h"

namespace watt::kinds::gateway {
namespace {

const GatewayConfig& configOf(const config::ApplicationSpec& spec) {
  return static_cast<const GatewayConfig&>(*spec.kindConfig);
}

bool isAbsoluteUrl(std::string_view s) {
  return ascii::istartsWith(s, "http://") || ascii::istartsWith(s, "https://");
}

http::Response welcome() {
  return http::Response::json(
      200, R"({"message":"Welcome to Platformatic! Please visit https://docs.platformatic.dev"})");
}

http::Response upstreamFailure(const http::UpstreamError& error, const std::string& target) {
  using Kind = http::UpstreamError::Kind;
  switch (error.kind) {
    case Kind::kConnect:
      return http::Response::error(503, "Service Unavailable", "FST_REPLY_FROM_SERVICE_UNAVAILABLE");
    case Kind::kTimeout:
      return http::Response::error(504, "Gateway Timeout", "FST_REPLY_FROM_GATEWAY_TIMEOUT");
    default:
      return http::Response::error(500, target + ": " + error.message,
                                   "FST_REPLY_FROM_INTERNAL_SERVER_ERROR");
  }
}

}  // namespace

GatewayApplication::GatewayApplication(const config::ApplicationSpec& spec,
                                       runtime::RuntimeServices& services)
    : Application(spec), config_(configOf(spec)), services_(services), router_(configOf(spec).routes) {
  externalPools_.resize(services.loops.size());
  for (auto& perLoop : externalPools_) perLoop.resize(router_.routes().size());
}

std::vector<std::string> GatewayApplication::startAfter() const {
  // The documents to compose are read at start: those applications must be up first.
  std::vector<std::string> ids = spec().dependencies;
  for (const auto& source : config_.openapi) ids.push_back(source.meshId);
  return ids;
}

Task<std::optional<json::value>> GatewayApplication::fetchDocument(const OpenApiSource& source) {
  http::Request request;
  request.method = "GET";
  request.target = source.url;
  request.headers.add("host", runtime::Mesh::hostFor(source.meshId));
  request.headers.add("accept", "application/json");
  // Applications serve requests on the loops: run the request there and wait for it here.
  http::Response response =
      co_await asio::co_spawn(services_.loops.at(0).context(), fetchOnLoop(source.meshId, std::move(request)),
                              asio::use_awaitable);
  if (response.status != 200) {
    observe::log().error("Cannot read the OpenAPI document of \"" + source.applicationId + "\" at " + source.url +
                             ": status " + std::to_string(response.status),
                         id());
    co_return std::nullopt;
  }
  error_code ec;
  json::value doc = json::parse(response.body, ec);
  if (ec) {
    observe::log().error("The OpenAPI document of \"" + source.applicationId + "\" is not valid JSON", id());
    co_return std::nullopt;
  }
  co_return doc;
}

Task<http::Response> GatewayApplication::fetchOnLoop(std::string meshId, http::Request request) {
  http::Response response = co_await services_.mesh.dispatch(meshId, std::move(request));
  response.body = co_await http::readWholeBody(response);
  co_return response;
}

Task<void> GatewayApplication::start() {
  for (const auto& source : config_.openapi) {
    auto doc = co_await fetchDocument(source);
    if (!doc) continue;  // logged; the application is left out of the composed document
    std::string error = composer_.add(source, *doc);
    if (!error.empty()) throw runtime::StartError("The gateway \"" + id() + "\" cannot compose OpenAPI: " + error);
  }
  if (!composer_.empty()) {
    json::value doc = composer_.document(config_);
    // The composer redirects /documentation with 302 (a db application with 301).
    document_ = db::ServedDocument{json::serialize(doc), db::toYaml(doc), config_.openapiTitle, 302};
  }
}

http::Request GatewayApplication::forwarded(http::Request& request, std::string target, std::string host) {
  http::Request out;
  out.method = std::move(request.method);
  out.target = std::move(target);
  out.body = std::move(request.body);
  out.remoteAddress = request.remoteAddress;
  out.scheme = request.scheme;
  out.requestId = request.requestId;
  out.trace = request.trace;
  std::string forwardedHost(request.headers.get("host"));
  out.headers.reserve(request.headers.size() + 4);
  for (const auto& h : request.headers) {
    if (ascii::iequals(h.name, "host") || ascii::iequals(h.name, "x-forwarded-for") ||
        ascii::iequals(h.name, "x-forwarded-host") || ascii::iequals(h.name, "x-forwarded-proto") ||
        http::isHopByHopHeader(h.name))
      continue;
    out.headers.add(h.name, h.value);
  }
  out.headers.add("host", std::move(host));
  out.headers.add("x-forwarded-for", request.remoteAddress);
  out.headers.add("x-forwarded-host", std::move(forwardedHost));
  out.headers.add("x-forwarded-proto", request.scheme);
  return out;
}

Task<http::Response> GatewayApplication::handle(http::Request request) {
  std::string_view path = request.path();
  std::string_view query;
  if (size_t q = request.target.find('?'); q != std::string::npos) query = std::string_view(request.target).substr(q);

  // Operations of composed OpenAPI documents: exactly the documented paths.
  if (const ComposedOperation* op = composer_.match(request.method, path)) {
    std::string target(path.substr(op->source->prefix.size()));
    if (target.empty()) target = "/";
    target += query;
    std::string meshId = op->source->meshId;
    std::string host = runtime::Mesh::hostFor(meshId);
    http::Request out = forwarded(request, std::move(target), host);
    observe::Span span = runtime::startClientSpan(id(), out, "http", host);
    http::Response response = co_await services_.mesh.dispatch(meshId, std::move(out));
    span.setHttpStatus(response.status);
    span.end();
    co_return response;
  }
  if (!composer_.empty() && (request.method == "GET" || request.method == "HEAD") && path.starts_with("/documentation")) {
    if (auto page = db::serveDocumentation(path, document_)) co_return std::move(*page);
  }

  auto match = router_.match(path);
  if (!match) {
    if (path == "/" && (request.method == "GET" || request.method == "HEAD")) co_return welcome();
    co_return http::Response::routeNotFound(request.method, request.target);
  }
  const Route& route = *match->route;
  if (!isSafeDestination(match->remainder)) {
    co_return http::Response::error(400, "source/request contain invalid characters");
  }

  // The forwarded request: prefix replaced by rewritePrefix, query kept byte for byte.
  std::string target = route.rewritePrefix;
  target += match->remainder;
  if (target.empty() || target.front() != '/') target.insert(target.begin(), '/');
  target += query;
  std::string host = route.external ? route.externalHost : runtime::Mesh::hostFor(route.meshId);
  http::Request out = forwarded(request, std::move(target), host);
  observe::Span span = runtime::startClientSpan(id(), out, "http", host);

  // (No co_await inside ?: — GCC 12 miscompiles it.)
  http::Response response;
  if (route.external) {
    runtime::writeCorrelationHeaders(out);
    response = co_await forwardExternal(match->index, route, std::move(out));
  } else {
    response = co_await services_.mesh.dispatch(route.meshId, std::move(out));
  }
  span.setHttpStatus(response.status);
  span.end();

  if (route.rewriteLocation) {
    for (const auto& h : response.headers) {
      if (!ascii::iequals(h.name, "location") || isAbsoluteUrl(h.value)) continue;
      std::string location = h.value;
      // As the reference does: replace the first occurrence of rewritePrefix with the prefix.
      size_t at = location.find(route.rewritePrefix);
      if (at != std::string::npos) location.replace(at, route.rewritePrefix.size(), route.prefix);
      response.headers.set("location", std::move(location));
      break;
    }
  }
  co_return response;
}

Task<http::Response> GatewayApplication::forwardExternal(size_t routeIndex, const Route& route,
                                                         http::Request request) {
  runtime::Loop* loop = runtime::Loop::current();
  auto& slot = externalPools_[loop ? loop->index() : 0][routeIndex];
  if (!slot) slot = std::make_unique<http::UpstreamPool>(
      loop ? loop->context().get_executor() : services_.control.get_executor(), route.endpoint);
  if (!route.externalBase.empty()) request.target.insert(0, route.externalBase);
  auto result = co_await slot->send(request);
  if (result.error) co_return upstreamFailure(*result.error, http::describe(route.endpoint));
  co_return std::move(*result.response);
}

runtime::Kind gatewayKind() {
  return runtime::Kind{
      gatewayParser(),
      [](const config::ApplicationSpec& spec, runtime::RuntimeServices& services) {
        return std::unique_ptr<runtime::Application>(new GatewayApplication(spec, services));
      }};
}

}  // namespace watt::kinds::gateway
