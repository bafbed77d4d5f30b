// Typed configuration of a gateway application (`@platformatic/gateway`, and the seeds'
// `@platformatic/composer` with `composer.services`), parsed from its platformatic.json.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/kind_parser.h"
#include "http/client.h"

namespace watt::kinds::gateway {

struct Route {
  std::string applicationId;   // the entry's id
  std::string prefix;          // "" for the root, else "/api" (no trailing slash)
  std::string rewritePrefix;   // put in front of the remainder; "" by default
  bool rewriteLocation = true;
  // Target: an application of this runtime (through the mesh) or an external origin.
  bool external = false;
  std::string meshId;
  http::Endpoint endpoint;     // external only
  std::string externalHost;    // Host header sent to an external origin
  std::string externalBase;    // path of the origin URL, prefixed to every forwarded path
};

// An application whose OpenAPI document the gateway composes: its operations are exposed
// under `prefix` (exactly the documented paths), its schemas renamed `<id>_<Name>`.
struct OpenApiSource {
  std::string applicationId;
  std::string meshId;
  std::string url = "/documentation/json";
  std::string prefix;  // "" or "/shop"
};

struct GatewayConfig : config::KindConfig {
  std::vector<Route> routes;
  std::vector<OpenApiSource> openapi;
  std::string openapiTitle = "Platformatic Gateway";
  std::string openapiVersion = "1.0.0";
  std::string openapiDescription;
};

config::KindParser gatewayParser();

}  // namespace watt::kinds::gateway
