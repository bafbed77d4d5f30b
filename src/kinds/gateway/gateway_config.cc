#include "kinds/gateway/gateway_config.h"

#include <boost/url/parse.hpp>

#include "common/ascii.h"
#include "config/runtime_config.h"

namespace watt::kinds::gateway {
namespace {

using config::Node;
using config::ObjectReader;

// "/api/" -> "/api", "/" -> "", "api" -> "/api".
std::string normalizePrefix(std::string prefix) {
  if (prefix.empty() || prefix.front() != '/') prefix.insert(prefix.begin(), '/');
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

// Resolves an entry's origin: internal://{id}, http://{id}.plt.local, or an external URL.
bool resolveOrigin(const Node& node, const std::string& origin, Route& route) {
  if (ascii::istartsWith(origin, "internal://")) {
    std::string id = origin.substr(11);
    while (!id.empty() && id.back() == '/') id.pop_back();
    if (id.empty()) {
      node.error("expected internal://{application id}, got \"" + origin + "\"");
      return false;
    }
    route.meshId = id;
    return true;
  }
  auto parsed = boost::urls::parse_absolute_uri(origin);
  if (!parsed) {
    node.error("expected an origin URL such as internal://api, http://api.plt.local or "
               "http://host:3000, got \"" + origin + "\"");
    return false;
  }
  std::string scheme = ascii::lower(std::string(parsed->scheme()));
  std::string host(parsed->host());
  if (ascii::iendsWith(host, ".plt.local")) {
    route.meshId = ascii::lower(host.substr(0, host.size() - 10));
    return true;
  }
  if (scheme != "http") {
    node.error("only http:// external origins are supported by this server so far, got \"" +
               origin + "\"");
    return false;
  }
  route.external = true;
  std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string hostOnly(parsed->host_address());
  if (!hostOnly.empty() && hostOnly.front() == '[') hostOnly = hostOnly.substr(1, hostOnly.size() - 2);
  route.endpoint = http::TcpEndpoint{hostOnly, port};
  route.externalHost = std::string(parsed->encoded_host_and_port());
  route.externalBase = std::string(parsed->encoded_path());
  while (!route.externalBase.empty() && route.externalBase.back() == '/') route.externalBase.pop_back();
  return true;
}

void readEntry(const Node& item, const config::KindParseContext& ctx, std::vector<Route>& routes,
               std::vector<OpenApiSource>& openapi) {
  ObjectReader r(item);
  if (!r.valid()) return;
  Route route;
  auto idNode = r.get("id");
  if (!idNode.present()) {
    item.error("missing required key \"id\"");
  } else if (auto id = idNode.asNonEmptyString()) {
    route.applicationId = *id;
  }
  if (auto origin = r.get("origin"); origin.present()) {
    if (auto o = origin.asString()) resolveOrigin(origin, *o, route);
  } else {
    route.meshId = route.applicationId;
  }
  bool proxied = true;
  bool composesDocuments = r.has("openapi") || r.has("graphql");
  std::optional<OpenApiSource> source;
  if (auto o = r.get("openapi"); o.present()) {
    ObjectReader orr(o);
    if (orr.valid()) {
      source.emplace();
      if (auto v = orr.get("url"); v.present()) source->url = v.asNonEmptyString().value_or(source->url);
      if (auto v = orr.get("prefix"); v.present()) {
        std::string prefix = v.asString().value_or("");
        source->prefix = normalizePrefix(prefix);
      }
      orr.acceptUnsupported({"file", "config"});
      orr.finish();
    }
  }
  r.acceptUnsupported({"graphql"});
  auto proxy = r.get("proxy");
  std::string prefix = "/" + route.applicationId;
  if (!proxy.present()) {
    proxied = !composesDocuments;
  } else if (proxy.isBool()) {
    if (proxy.raw()->get_bool()) proxy.error("expected false or an object, got true");
    proxied = false;
  } else {
    ObjectReader pr(proxy);
    if (pr.valid()) {
      if (auto v = pr.get("prefix"); v.present()) {
        if (auto p = v.asString()) prefix = *p;
      }
      if (auto v = pr.get("rewritePrefix"); v.present()) {
        if (auto p = v.asString()) route.rewritePrefix = *p == "/" ? "" : *p;
      }
      if (auto v = pr.get("rewriteLocationHeader"); v.present()) {
        if (auto b = v.asBool()) route.rewriteLocation = *b;
      }
      pr.acceptUnsupported({"methods", "routes", "upstream", "hostname", "custom", "ws"});
      pr.finish();
    }
  }
  r.finish();
  if (source && !route.applicationId.empty() && !route.external) {
    source->applicationId = route.applicationId;
    source->meshId = route.meshId;
    openapi.push_back(*source);
  }
  if (route.applicationId.empty() || !proxied) return;
  if (!route.external && !ctx.runtime.find(route.meshId)) {
    std::string known;
    for (const auto& app : ctx.runtime.applications) known += (known.empty() ? "" : ", ") + app.id;
    (route.meshId == route.applicationId ? idNode : item)
        .error("no application with id \"" + route.meshId + "\" in this runtime (applications: " +
               known + ")");
    return;
  }
  route.prefix = normalizePrefix(prefix);
  routes.push_back(std::move(route));
}

std::shared_ptr<const config::KindConfig> parseGateway(ObjectReader& root,
                                                       const config::KindParseContext& ctx) {
  auto cfg = std::make_shared<GatewayConfig>();
  // Watt 3 spells it gateway.applications; the seeds (composer 2.x) composer.services.
  auto gateway = root.get("gateway");
  auto composer = root.get("composer");
  if (gateway.present() && composer.present()) {
    composer.error("both \"gateway\" and \"composer\" are set; keep one (\"gateway\" in Watt 3)");
  }
  const Node& section = gateway.present() ? gateway : composer;
  bool listed = false;
  if (section.present()) {
    ObjectReader sr(section);
    if (sr.valid()) {
      for (const char* key : {"applications", "services"}) {
        auto list = sr.get(key);
        if (!list.present()) continue;
        if (listed) {
          list.error("both \"applications\" and \"services\" are set; keep one");
          continue;
        }
        listed = true;
        if (!list.isArray()) {
          list.error("expected an array of applications, got " + list.describe());
          continue;
        }
        const auto& array = list.raw()->get_array();
        for (size_t i = 0; i < array.size(); ++i) {
          Node item(list.file(), list.diagnostics(), &array[i], config::indexPath(list.path(), i));
          readEntry(item, ctx, cfg->routes, cfg->openapi);
        }
      }
      if (auto o = sr.get("openapi"); o.present()) {
        ObjectReader orr(o);
        if (auto v = orr.get("title"); v.present()) cfg->openapiTitle = v.asString().value_or(cfg->openapiTitle);
        if (auto v = orr.get("version"); v.present()) cfg->openapiVersion = v.asString().value_or(cfg->openapiVersion);
        if (auto v = orr.get("description"); v.present()) cfg->openapiDescription = v.asString().value_or("");
        orr.acceptUnsupported({"info", "jsonSchema", "components", "security", "tags", "servers", "path",
                               "swaggerPrefix", "exposeRoute"});
        orr.finish();
      }
      sr.acceptUnsupported({"handler", "deduplication", "graphql", "addEmptySchema", "refreshTimeout",
                            "passthroughContentTypes"});
      sr.finish();
    }
  }
  if (!listed) {
    // Without a list, every other application is exposed under /{id}.
    for (const auto& app : ctx.runtime.applications) {
      if (app.id == ctx.application.id) continue;
      Route route;
      route.applicationId = app.id;
      route.meshId = app.id;
      route.prefix = "/" + app.id;
      cfg->routes.push_back(std::move(route));
    }
  }
  // Prefixes must be unique: the longest match decides, so a duplicate would never be reached.
  for (size_t i = 0; i < cfg->routes.size(); ++i) {
    for (size_t j = i + 1; j < cfg->routes.size(); ++j) {
      if (cfg->routes[i].prefix == cfg->routes[j].prefix) {
        root.node().diagnostics().error(
            root.node().file().displayName, section.path(),
            "applications \"" + cfg->routes[i].applicationId + "\" and \"" +
                cfg->routes[j].applicationId + "\" both use the prefix \"" +
                (cfg->routes[i].prefix.empty() ? "/" : cfg->routes[i].prefix) + "\"");
      }
    }
  }
  root.acceptUnsupported({"server", "basePath", "types", "plugins", "application",
                          "telemetry", "watch", "clients", "metrics"});
  return cfg;
}

}  // namespace

config::KindParser gatewayParser() {
  return config::KindParser{"@platformatic/gateway", {"@platformatic/composer"}, parseGateway, nullptr};
}

}  // namespace watt::kinds::gateway
