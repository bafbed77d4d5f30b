#include "runtime/mesh.h"

#include <chrono>

#include "common/ascii.h"
#include "observe/metrics.h"
#include "runtime/loop.h"
#include "runtime/request_tracing.h"

namespace watt::runtime {

void Mesh::add(Application& application) { applications_.push_back(&application); }

Application* Mesh::find(std::string_view id) const {
  for (auto* app : applications_)
    if (ascii::iequals(app->id(), id)) return app;
  return nullptr;
}

std::vector<std::string> Mesh::ids() const {
  std::vector<std::string> out;
  for (auto* app : applications_) out.push_back(app->id());
  return out;
}

Task<http::Response> Mesh::dispatch(std::string_view id, http::Request request) const {
  Application* target = find(id);
  if (!target) {
    co_return http::Response::error(
        502, "No target found for " + hostFor(ascii::lower(id)) + ": no application with id \"" +
                 std::string(id) + "\" in this runtime",
        "PLT_MESH_NO_TARGET");
  }
  Loop* loop = Loop::current();
  // Timed per target application (http_request_all_* and watt_mesh_request_duration_seconds)
  // when metrics are on.
  const bool timed = metrics_ && loop;
  std::chrono::steady_clock::time_point start;
  uint8_t method = 0;
  if (timed) {
    start = std::chrono::steady_clock::now();
    method = observe::methodIndex(request.method);
  }
  ServerSpan span(*target, request);
  http::Response response;
  try {
    response = co_await target->handle(std::move(request));
  } catch (const std::exception& e) {
    span.fail(e.what());
    throw;
  }
  span.finish(response);
  if (!timed) co_return response;
  uint16_t index = 0;
  while (applications_[index] != target) ++index;
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  metrics_->recordRequest(loop->index(), response.worker, index, observe::RequestSource::kMesh,
                          method, response.status, elapsed.count());
  response.worker = -1;  // a relaying application is counted on its own loop
  co_return response;
}

std::optional<std::string> Mesh::idFromHost(std::string_view host) {
  host = ascii::trim(host);
  // Drop a port, but not from an IPv6 literal.
  if (!host.empty() && host.front() != '[') {
    size_t colon = host.rfind(':');
    if (colon != std::string_view::npos) host = host.substr(0, colon);
  }
  constexpr std::string_view kSuffix = ".plt.local";
  if (host.size() <= kSuffix.size() || !ascii::iendsWith(host, kSuffix)) return std::nullopt;
  return ascii::lower(host.substr(0, host.size() - kSuffix.size()));
}

}  // namespace watt::runtime
