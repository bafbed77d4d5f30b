// The in-process service mesh: every application is reachable as http://{id}.plt.local (and
// internal://{id} in gateway origins). A mesh call is a Request handed to the target's handle()
// on the caller's loop: no socket, no serialization for native kinds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "runtime/application.h"

namespace watt::observe {
class MetricsRegistry;
}  // namespace watt::observe

namespace watt::runtime {

class Mesh {
 public:
  void add(Application& application);
  Application* find(std::string_view id) const;  // ids compare case-insensitively, like hostnames
  std::vector<std::string> ids() const;

  // Dispatches to application `id`; the caller has set the headers it wants (Host included).
  // An unknown id answers 502 with a JSON body naming it.
  Task<http::Response> dispatch(std::string_view id, http::Request request) const;

  // "b.plt.local" or "B.plt.local:80" -> "b"; nullopt for any other host.
  static std::optional<std::string> idFromHost(std::string_view host);
  static std::string hostFor(std::string_view id) { return std::string(id) + ".plt.local"; }

  // Before the loops serve: mesh requests are then timed per target (metrics are off without).
  void setMetrics(observe::MetricsRegistry* metrics) { metrics_ = metrics; }

 private:
  std::vector<Application*> applications_;
  observe::MetricsRegistry* metrics_ = nullptr;
};

}  // namespace watt::runtime
