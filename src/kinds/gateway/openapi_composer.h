// OpenAPI composition of the gateway: the documents of the applications listed with `openapi`
// are merged into one (paths under each application's prefix, schemas renamed `<id>_<Name>`,
// operation ids prefixed, `$ref`s inlined, links dropped), and exactly the documented
// operations are routed to their application — as @platformatic/gateway does, which is why
// `/shop/products/` is a route and `/shop/products` is not.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "kinds/gateway/gateway_config.h"

namespace watt::kinds::gateway {

struct ComposedOperation {
  std::string method;                 // "GET", "POST", ...
  std::vector<std::string> segments;  // the path template split on '/'; "{id}" matches any segment
  const OpenApiSource* source;
};

class OpenApiComposer {
 public:
  // Adds one application's document. Returns an error message (duplicate path, bad document).
  std::string add(const OpenApiSource& source, const json::value& document);

  bool empty() const { return sources_ == 0; }
  // The composed document.
  json::object document(const GatewayConfig& config) const;
  // The operation a request matches, if any (HEAD matches GET).
  const ComposedOperation* match(std::string_view method, std::string_view path) const;

 private:
  json::object schemas_;
  json::object paths_;
  std::vector<ComposedOperation> operations_;
  size_t sources_ = 0;
};

// "shop" -> "shop_", "my-app.v2" -> "my_app_v2_".
std::string schemaPrefixOf(std::string_view applicationId);

}  // namespace watt::kinds::gateway
