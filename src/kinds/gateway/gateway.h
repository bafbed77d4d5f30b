// The gateway application (seed name: composer): routes each request by path prefix to an
// application of the runtime through the mesh, or to an external origin, as Watt's gateway does
// with @fastify/http-proxy: prefix stripped, query and body unchanged, `x-forwarded-*` set,
// relative `location` headers given the prefix back, Fastify's 404 for unmatched paths.
#pragma once

#include <memory>
#include <vector>

#include "http/client.h"
#include "kinds/db/openapi.h"
#include "kinds/gateway/gateway_config.h"
#include "kinds/gateway/openapi_composer.h"
#include "kinds/gateway/router.h"
#include "runtime/application.h"
#include "runtime/kind.h"

namespace watt::kinds::gateway {

class GatewayApplication : public runtime::Application {
 public:
  GatewayApplication(const config::ApplicationSpec& spec, runtime::RuntimeServices& services);

  Task<void> start() override;
  Task<void> stop(runtime::Millis) override { co_return; }
  Task<http::Response> handle(http::Request request) override;
  std::vector<std::string> startAfter() const override;

 private:
  // The request as forwarded: `target` is the path and query the application sees.
  http::Request forwarded(http::Request& request, std::string target, std::string host);
  Task<http::Response> forwardExternal(size_t routeIndex, const Route& route, http::Request request);
  Task<std::optional<json::value>> fetchDocument(const OpenApiSource& source);
  Task<http::Response> fetchOnLoop(std::string meshId, http::Request request);

  const GatewayConfig& config_;
  runtime::RuntimeServices& services_;
  Router router_;
  OpenApiComposer composer_;
  db::ServedDocument document_;
  // Pools to external origins: [loop][route index], created on first use by that loop.
  std::vector<std::vector<std::unique_ptr<http::UpstreamPool>>> externalPools_;
};

runtime::Kind gatewayKind();

}  // namespace watt::kinds::gateway
