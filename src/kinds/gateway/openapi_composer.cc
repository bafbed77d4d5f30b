#include "kinds/gateway/openapi_composer.h"

#include "common/ascii.h"

namespace watt::kinds::gateway {
namespace {

std::vector<std::string> splitSegments(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// Replaces every {"$ref":"#/components/schemas/X"} by a copy of X (recursively).
json::value inlineRefs(const json::value& value, const json::object& schemas, int depth = 0) {
  if (depth > 32) return value;  // a recursive schema: stop inlining
  if (value.is_object()) {
    const auto& obj = value.get_object();
    if (auto ref = obj.find("$ref"); ref != obj.end() && ref->value().is_string() && obj.size() == 1) {
      std::string_view target = ref->value().get_string();
      constexpr std::string_view kPrefix = "#/components/schemas/";
      if (target.starts_with(kPrefix)) {
        auto it = schemas.find(target.substr(kPrefix.size()));
        if (it != schemas.end()) return inlineRefs(it->value(), schemas, depth + 1);
      }
      return value;
    }
    json::object out;
    for (const auto& [k, v] : obj) out[k] = inlineRefs(v, schemas, depth + 1);
    return out;
  }
  if (value.is_array()) {
    json::array out;
    for (const auto& v : value.get_array()) out.push_back(inlineRefs(v, schemas, depth + 1));
    return out;
  }
  return value;
}

const char* const kMethods[] = {"get", "post", "put", "patch", "delete", "options", "head"};

}  // namespace

std::string schemaPrefixOf(std::string_view id) {
  std::string out;
  bool lastUnderscore = false;
  for (char c : id) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      out += c;
      lastUnderscore = false;
    } else if (!lastUnderscore) {
      out += '_';
      lastUnderscore = true;
    }
  }
  while (!out.empty() && out.front() == '_') out.erase(out.begin());
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out + "_";
}

std::string OpenApiComposer::add(const OpenApiSource& source, const json::value& document) {
  if (!document.is_object()) return "the OpenAPI document of \"" + source.applicationId + "\" is not a JSON object";
  const auto& doc = document.get_object();
  json::object schemas;
  if (auto c = doc.find("components"); c != doc.end() && c->value().is_object()) {
    if (auto s = c->value().get_object().find("schemas"); s != c->value().get_object().end() && s->value().is_object())
      schemas = s->value().get_object();
  }
  std::string prefix = schemaPrefixOf(source.applicationId);
  for (const auto& [name, schema] : schemas) schemas_[prefix + std::string(name)] = schema;

  auto p = doc.find("paths");
  if (p == doc.end() || !p->value().is_object()) {
    ++sources_;
    return {};
  }
  for (const auto& [path, item] : p->value().get_object()) {
    std::string composedPath = source.prefix + std::string(path);
    if (paths_.contains(composedPath)) {
      return "the path " + composedPath + " of \"" + source.applicationId + "\" is already exposed by another application";
    }
    if (!item.is_object()) continue;
    json::object composed;
    for (const auto& [method, op] : item.get_object()) {
      bool isMethod = false;
      for (const char* m : kMethods) isMethod |= method == m;
      if (!isMethod || !op.is_object()) {
        composed[method] = item.get_object().at(method);
        continue;
      }
      json::object operation = inlineRefs(op, schemas).as_object();
      if (auto id = operation.find("operationId"); id != operation.end() && id->value().is_string())
        id->value() = json::string(prefix + std::string(id->value().get_string()));
      if (auto responses = operation.find("responses"); responses != operation.end() && responses->value().is_object()) {
        for (auto& [code, r] : responses->value().get_object())
          if (r.is_object()) r.get_object().erase("links");
      }
      if (auto body = operation.find("requestBody"); body != operation.end() && body->value().is_object()) {
        auto& b = body->value().get_object();
        const json::value* schema = nullptr;
        if (auto content = b.find("content"); content != b.end() && content->value().is_object()) {
          if (auto jsonType = content->value().get_object().find("application/json");
              jsonType != content->value().get_object().end() && jsonType->value().is_object()) {
            if (auto s = jsonType->value().get_object().find("schema"); s != jsonType->value().get_object().end())
              schema = &s->value();
          }
        }
        if (schema && schema->is_object()) {
          if (auto d = schema->get_object().find("description"); d != schema->get_object().end())
            b["description"] = d->value();
        }
      }
      composed[method] = std::move(operation);
      operations_.push_back({ascii::lower(std::string(method)), splitSegments(composedPath), &source});
      for (auto& c : operations_.back().method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    paths_[composedPath] = std::move(composed);
  }
  ++sources_;
  return {};
}

json::object OpenApiComposer::document(const GatewayConfig& config) const {
  json::object info{{"title", config.openapiTitle}};
  if (!config.openapiDescription.empty()) info["description"] = config.openapiDescription;
  info["version"] = config.openapiVersion;
  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = std::move(info);
  doc["components"] = json::object{{"schemas", schemas_}};
  doc["paths"] = paths_;
  doc["servers"] = json::array{json::object{{"url", "/"}}};
  return doc;
}

const ComposedOperation* OpenApiComposer::match(std::string_view method, std::string_view path) const {
  std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
  auto segments = splitSegments(path);
  for (const auto& op : operations_) {
    if (op.method != m || op.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& t = op.segments[i];
      bool param = t.size() > 2 && t.front() == '{' && t.back() == '}';
      ok = param ? !segments[i].empty() : t == segments[i];
    }
    if (ok) return &op;
  }
  return nullptr;
}

}  // namespace watt::kinds::gateway
