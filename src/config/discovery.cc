#include "config/discovery.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;

namespace watt::config {

std::vector<std::string> configFileCandidates() {
  static const char* const kExtensions[] = {"json", "json5", "yaml", "yml", "toml", "tml"};
  static const char* const kSuffixes[] = {"runtime", "service", "application",
                                          "db",      "gateway", "composer"};
  std::vector<std::string> out;
  for (const char* ext : kExtensions) {
    out.push_back(std::string("watt.") + ext);
    out.push_back(std::string("platformatic.") + ext);
  }
  for (const char* suffix : kSuffixes) {
    for (const char* ext : kExtensions) {
      out.push_back(std::string("watt.") + suffix + "." + ext);
      out.push_back(std::string("platformatic.") + suffix + "." + ext);
    }
  }
  return out;
}

std::optional<std::string> findConfigFile(const std::string& dir) {
  std::error_code ec;
  for (const auto& name : configFileCandidates()) {
    if (fs::is_regular_file(fs::path(dir) / name, ec)) return name;
  }
  return std::nullopt;
}

std::optional<ModuleRef> moduleFromSchema(const std::string& url) {
  static const std::regex kLegacy(R"(^https://platformatic.dev/schemas/v?([^/]+)/(.*))");
  static const std::regex kScoped(R"(^https://schemas.platformatic.dev/@platformatic/(.*)/v?([^/]+)\.json)");
  // The seeds' spelling: https://schemas.platformatic.dev/composer/2.0.0.json, .../watt/2.0.0.json
  static const std::regex kShort(R"(^https://schemas.platformatic.dev/([a-z][a-z0-9-]*)/v?([^/]+)\.json)");
  auto canonical = [](std::string mod) {
    if (mod == "wattpm" || mod == "watt") mod = "runtime";
    return "@platformatic/" + mod;
  };
  std::smatch m;
  if (std::regex_search(url, m, kLegacy)) return ModuleRef{canonical(m[2]), m[1]};
  if (std::regex_search(url, m, kScoped)) return ModuleRef{canonical(m[1]), m[2]};
  if (std::regex_search(url, m, kShort)) return ModuleRef{canonical(m[1]), m[2]};
  // A bare module name, as the seeds write inside application entries: "@platformatic/db".
  static const std::regex kBare(R"(^(@platformatic/[a-z][a-z0-9-]*)(?:@(\d+\.\d+\.\d+))?$)");
  if (std::regex_match(url, m, kBare)) return ModuleRef{m[1], m[2]};
  return std::nullopt;
}

std::optional<ModuleRef> moduleFromConfig(const json::value& config) {
  if (!config.is_object()) return std::nullopt;
  const auto& obj = config.get_object();
  if (auto it = obj.find("module"); it != obj.end() && it->value().is_string()) {
    std::string module(it->value().get_string());
    std::string version;
    static const std::regex kVersioned(R"((.+)@(\d+.\d+.\d+))");
    std::smatch m;
    if (std::regex_match(module, m, kVersioned)) {
      version = m[2];
      module = m[1];
    }
    return ModuleRef{module, version};
  }
  auto it = obj.find("$schema");
  if (it == obj.end() || !it->value().is_string()) return std::nullopt;
  return moduleFromSchema(std::string(it->value().get_string()));
}

std::optional<std::string> readTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

Result<json::value> readJsonFile(const std::string& path) {
  auto text = readTextFile(path);
  if (!text) return Error{"cannot be read"};
  json::stream_parser parser;
  error_code ec;
  size_t consumed = parser.write_some(text->data(), text->size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < consumed && i < text->size(); ++i) {
      if ((*text)[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Error{"invalid JSON at line " + std::to_string(line) + ", column " +
                 std::to_string(column) + ": " + ec.message()};
  }
  return parser.release();
}

static bool hasDependency(const json::value& pkg, std::string_view name) {
  if (!pkg.is_object()) return false;
  for (const char* field : {"dependencies", "devDependencies"}) {
    auto it = pkg.get_object().find(field);
    if (it != pkg.get_object().end() && it->value().is_object() &&
        it->value().get_object().contains(name))
      return true;
  }
  return false;
}

std::optional<std::string> detectKindFromFolder(const std::string& dir) {
  struct Rule {
    const char* kind;
    std::vector<const char*> dependencies;
  };
  static const std::vector<Rule> kRules = {
      {"@platformatic/nest", {"@nestjs/core"}},
      {"@platformatic/next", {"next"}},
      {"@platformatic/remix", {"@remix-run/dev"}},
      {"@platformatic/astro", {"astro"}},
      {"@platformatic/react-router", {"@react-router/dev"}},
      {"@platformatic/nuxt", {"nuxt"}},
      {"@platformatic/tanstack", {"@tanstack/react-start"}},
      {"@platformatic/nitro", {"nitro", "nitropack"}},
      {"@platformatic/vite", {"vite"}},
      {"@platformatic/gateway", {"@platformatic/gateway", "@platformatic/composer"}},
      {"@platformatic/service", {"@platformatic/service"}},
      {"@platformatic/db", {"@platformatic/db"}},
      {"@platformatic/php", {"@platformatic/php"}},
  };
  json::value pkg;
  if (auto parsed = readJsonFile((fs::path(dir) / "package.json").string())) pkg = *parsed;
  for (const auto& rule : kRules) {
    for (const char* dep : rule.dependencies) {
      if (hasDependency(pkg, dep)) return std::string(rule.kind);
    }
  }
  // A generic Node.js application: any JavaScript file outside node_modules, a few levels deep.
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it.depth() > 3 || it->path().filename() == "node_modules") {
      it.disable_recursion_pending();
      continue;
    }
    auto ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".js" || ext == ".mjs" || ext == ".cjs" || ext == ".ts"))
      return std::string("@platformatic/node");
  }
  return std::nullopt;
}

}  // namespace watt::config
