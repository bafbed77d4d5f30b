// Fuzz target: request paths through the gateway's router and destination checks. A path that
// is declared safe must never contain a ".." segment once decoded.
#include <cstdint>
#include <string>
#include <string_view>

#include "kinds/gateway/router.h"

using namespace watt::kinds::gateway;

static Route route(const char* id, const char* prefix) {
  Route r;
  r.applicationId = id;
  r.meshId = id;
  r.prefix = prefix;
  return r;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Router router({route("root", ""), route("api", "/api"), route("v2", "/api/v2")});
  std::string_view path(reinterpret_cast<const char*>(data), size);
  auto match = router.match(path);
  if (!match) __builtin_trap();  // there is a root route: everything matches
  if (isSafeDestination(match->remainder)) {
    std::string_view rest = match->remainder;
    if (rest.starts_with("//") || rest == ".." || rest.starts_with("../") || rest.find("/../") != std::string_view::npos ||
        rest.ends_with("/.."))
      __builtin_trap();
  }
  return 0;
}
