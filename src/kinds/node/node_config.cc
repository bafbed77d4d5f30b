#include "kinds/node/node_config.h"

#include <filesystem>

#include "config/discovery.h"
#include "config/runtime_config.h"

namespace fs = std::filesystem;

namespace watt::kinds::node {
namespace {

using config::ObjectReader;

// package.json fields Watt looks at, in order ("#" descends into an object).
const char* const kEntryFields[] = {"main",           "exports",          "exports#node",
                                    "exports#import", "exports#require",  "exports#default",
                                    "exports#.#node", "exports#.#import", "exports#.#require",
                                    "exports#.#default"};
const char* const kEntryBasenames[] = {"index", "main",   "app", "application", "server",
                                       "start", "bundle", "run", "entrypoint"};

std::string entryFromPackage(const json::value& pkg) {
  for (const char* field : kEntryFields) {
    const json::value* current = &pkg;
    std::string_view rest = field;
    while (current && !rest.empty() && !current->is_string()) {
      size_t hash = rest.find('#');
      std::string_view key = rest.substr(0, hash);
      rest = hash == std::string_view::npos ? std::string_view{} : rest.substr(hash + 1);
      if (!current->is_object()) {
        current = nullptr;
        break;
      }
      auto it = current->get_object().find(key);
      current = it == current->get_object().end() ? nullptr : &it->value();
    }
    if (current && current->is_string()) return std::string(current->get_string());
  }
  return {};
}

std::shared_ptr<const config::KindConfig> parseNode(ObjectReader& root, const config::KindParseContext&) {
  auto cfg = std::make_shared<NodeConfig>();
  if (auto node = root.get("node"); node.present()) {
    ObjectReader r(node);
    if (auto v = r.get("main"); v.present()) {
      if (auto m = v.asNonEmptyString()) cfg->main = *m;
    }
    if (auto v = r.get("hasServer"); v.present()) cfg->hasServer = v.asBool();
    r.acceptUnsupported({"absoluteUrl", "dispatchViaHttp", "disablePlatformaticInBuild",
                         "disableBuildInDevelopment"});
    r.finish();
  }
  root.acceptUnsupported({"server", "watch", "application"});
  return cfg;
}

void validateNodeFolder(const config::KindParseContext& ctx, config::Diagnostics& diags) {
  const auto& app = ctx.application;
  const auto* cfg = static_cast<const NodeConfig*>(app.kindConfig.get());
  std::string main = cfg ? cfg->main : "";
  std::string entry = resolveEntry(app.path, main);
  std::string file = app.configDisplayName.empty() ? app.id : app.configDisplayName;
  std::error_code ec;
  if (!main.empty() && !fs::is_regular_file(entry, ec)) {
    diags.error(file, "node.main", "application \"" + app.id + "\": file " + main +
                                       " does not exist in " + app.path);
  } else if (entry.empty()) {
    diags.error(file, "",
                "application \"" + app.id +
                    "\" has no entry file: package.json has no \"main\" and there is no index.js, "
                    "main.js, app.js, server.js (or .mjs/.cjs); set \"node\": { \"main\": \"...\" }");
  } else if (!fs::is_regular_file(entry, ec)) {
    diags.error(file, "", "application \"" + app.id + "\": its entry file " + entry +
                              " (from package.json) does not exist");
  }
}

}  // namespace

std::string resolveEntry(const std::string& folder, const std::string& main) {
  fs::path dir(folder);
  if (!main.empty()) return (dir / main).lexically_normal().string();
  if (auto pkg = config::readJsonFile((dir / "package.json").string())) {
    std::string fromPackage = entryFromPackage(*pkg);
    if (!fromPackage.empty()) return (dir / fromPackage).lexically_normal().string();
  }
  std::error_code ec;
  for (const char* base : kEntryBasenames) {
    for (const char* ext : {".js", ".mjs", ".cjs"}) {
      fs::path candidate = dir / (std::string(base) + ext);
      if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
  }
  return {};
}

config::KindParser nodeParser() {
  return config::KindParser{"@platformatic/node", {}, parseNode, validateNodeFolder};
}

}  // namespace watt::kinds::node
