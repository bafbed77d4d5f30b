// Prefix routing of the gateway: the longest matching prefix wins (so "/" can be listed first,
// as the seeds do), a prefix matches itself and anything below it ("/api" takes "/api",
// "/api/" and "/api/x", not "/apix"), and matching is case-sensitive.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "kinds/gateway/gateway_config.h"

namespace watt::kinds::gateway {

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  struct Match {
    const Route* route;
    size_t index;                 // position in routes()
    std::string_view remainder;   // the path after the prefix ("" or starting with '/')
  };
  std::optional<Match> match(std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;  // longest prefix first
};

// The checks @fastify/http-proxy applies to the forwarded path, so that a request cannot escape
// its prefix: no absolute URL, no leading "//", valid percent-encoding, no ".." segment (also
// when encoded or written with backslashes).
bool isSafeDestination(std::string_view path);

}  // namespace watt::kinds::gateway
