#include "kinds/db/openapi.h"

#include <algorithm>
#include <charconv>

#include "kinds/db/naming.h"
#include "kinds/db/row_json.h"

namespace watt::kinds::db {
namespace {

constexpr std::string_view kLimitDescription =
    "Limit will be applied by default if not passed. If the provided value exceeds the maximum allowed value a "
    "validation error will be thrown";

std::string_view typeName(JsonType t) {
  switch (t) {
    case JsonType::kInteger: return "integer";
    case JsonType::kNumber: return "number";
    case JsonType::kBoolean: return "boolean";
    case JsonType::kObject: return "object";
    case JsonType::kArray: return "array";
    case JsonType::kString: break;
  }
  return "string";
}

json::object typeSchema(const Field& f, bool output) {
  json::object s;
  if (output && f.stringOutput) {
    s["type"] = "string";
  } else if (f.type == JsonType::kObject) {
    s["type"] = "object";
    s["additionalProperties"] = true;
  } else if (f.type == JsonType::kArray) {
    s["type"] = "array";
    s["items"] = json::object{{"type", typeName(f.itemType)}};
  } else {
    s["type"] = typeName(f.type);
  }
  if (!f.enumValues.empty()) {
    json::array values;
    for (const auto& v : f.enumValues) values.emplace_back(v);
    s["enum"] = std::move(values);
  }
  return s;
}

json::object outputSchema(const Entity& e) {
  json::object properties;
  for (const auto& f : e.fields) {
    json::object p = typeSchema(f, true);
    p["nullable"] = true;
    if (f.generated) p["readOnly"] = true;
    properties[f.name] = std::move(p);
  }
  return json::object{{"title", e.name},
                      {"description", "A " + e.name},
                      {"type", "object"},
                      {"properties", std::move(properties)},
                      {"additionalProperties", false}};
}

json::object inputSchema(const Entity& e, bool allowPrimaryKeys) {
  json::object properties;
  json::array required;
  std::vector<std::string> names;
  for (const auto& f : e.fields) {
    if (f.primaryKey && !allowPrimaryKeys) {
      properties[f.name] = json::object{{"not", json::object{}}};
      continue;
    }
    json::object p = typeSchema(f, false);
    if (f.nullable || f.autoTimestamp) p["nullable"] = true;
    if (f.generated) p["readOnly"] = true;
    properties[f.name] = std::move(p);
    if (f.required) names.push_back(f.name);
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) required.emplace_back(n);
  json::object schema{{"title", e.name + "Input"},
                      {"description", "A " + e.name},
                      {"type", "object"},
                      {"properties", std::move(properties)},
                      {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

json::object schemaRef(const std::string& name) { return json::object{{"$ref", "#/components/schemas/" + name}}; }

json::object param(json::object schema, std::string_view in, std::string_view name, bool required,
                   std::string_view description = {}) {
  json::object p{{"schema", std::move(schema)}, {"in", in}, {"name", name}, {"required", required}};
  if (!description.empty()) p["description"] = description;
  return p;
}

json::object fieldsParam(const Entity& e) {
  json::array names;
  for (const auto& n : e.sortedFieldNames()) names.emplace_back(n);
  return param(json::object{{"type", "array"}, {"items", json::object{{"type", "string"}, {"enum", std::move(names)}}}},
               "query", "fields", false);
}

std::vector<const Field*> byColumnName(const Entity& e) {
  std::vector<const Field*> fields;
  for (const auto& f : e.fields) fields.push_back(&f);
  std::sort(fields.begin(), fields.end(), [](const Field* a, const Field* b) { return a->column < b->column; });
  return fields;
}

void addWhereParams(const Entity& e, json::array& params) {
  for (const Field* f : byColumnName(e)) {
    json::object native = typeSchema(*f, false);
    if (f->type == JsonType::kArray) {
      json::object item{{"type", typeName(f->itemType)}};
      for (const char* op : {"all", "any"})
        params.push_back(param(item, "query", "where." + f->name + "." + op, false));
      for (const char* op : {"contains", "contained", "overlaps"})
        params.push_back(param(json::object{{"type", "string"}}, "query", "where." + f->name + "." + op, false));
      continue;
    }
    for (const char* op : {"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike"})
      params.push_back(param(native, "query", "where." + f->name + "." + op, false));
    for (const char* op : {"in", "nin", "contains", "contained", "overlaps"})
      params.push_back(param(json::object{{"type", "string"}}, "query", "where." + f->name + "." + op, false));
    params.push_back(param(json::object{{"type", "boolean"}}, "query", "where." + f->name + ".isNull", false));
  }
  params.push_back(param(json::object{{"type", "array"}, {"items", json::object{{"type", "string"}}}}, "query",
                         "where.or", false));
}

json::object pathParam(const Field& key) { return param(typeSchema(key, false), "path", key.name, true); }

struct ForeignKeyInfo {
  const Entity* from;
  const Field* field;
  const Entity* to;
  const Field* toField;
};

// Links to what a returned entity points at, and to what points at it.
json::object linksOf(const Entity& e, const std::vector<ForeignKeyInfo>& fks) {
  json::object links;
  for (const auto& fk : fks) {
    if (fk.from != &e || !fk.to->hasSinglePrimaryKey()) continue;
    const Field& pk = *fk.to->primaryKeys.front();
    std::string op = "get" + fk.to->name + "By" + upperFirst(pk.name);
    links[upperFirst(op)] = json::object{{"operationId", op},
                                         {"parameters", json::object{{pk.name, "$response.body#/" + fk.field->name}}}};
  }
  for (const auto& fk : fks) {
    if (fk.to != &e || !fk.from->hasSinglePrimaryKey()) continue;
    std::string op = "get" + upperFirst(fk.from->pluralName);
    links[upperFirst(op)] = json::object{
        {"operationId", op},
        {"parameters", json::object{{"where." + fk.field->name + ".eq", "$response.body#/" + fk.toField->name}}}};
  }
  return links;
}

json::object response(const std::string& description, json::object schema, std::optional<json::object> links) {
  json::object r{{"description", description},
                 {"content", json::object{{"application/json", json::object{{"schema", std::move(schema)}}}}}};
  if (links) r["links"] = std::move(*links);
  return json::object{{"200", std::move(r)}};
}

json::object arrayOf(const std::string& name) {
  return json::object{{"type", "array"}, {"items", schemaRef(name)}};
}

json::object operation(std::string_view id, std::string summary, const Entity& e, std::string description) {
  json::object op;
  if (!id.empty()) op["operationId"] = id;
  op["summary"] = std::move(summary);
  op["tags"] = json::array{json::value(e.table)};
  op["description"] = std::move(description);
  return op;
}

json::object requestBody(const Entity& e) {
  return json::object{{"required", true},
                      {"content", json::object{{"application/json", json::object{{"schema", schemaRef(e.name + "Input")}}}}}};
}

}  // namespace

json::object buildOpenApiDocument(const EntityModel& model, const DbConfig& config) {
  const std::string& prefix = config.openapi.prefix;
  std::vector<ForeignKeyInfo> fks;
  for (const auto& e : model.entities()) {
    for (const auto& r : e.relations) {
      if (r.kind == Relation::Kind::kForward) fks.push_back({&e, r.localField, r.target, r.remoteField});
    }
  }
  // Foreign keys of composite-key entities have no routes of their own but still give links.
  for (const auto& e : model.entities()) {
    if (e.hasSinglePrimaryKey()) continue;
    for (const auto& other : model.entities()) {
      for (const auto& r : other.relations) {
        if (r.kind == Relation::Kind::kReverse && r.target == &e) fks.push_back({&e, r.remoteField, &other, r.localField});
      }
    }
  }

  json::object schemas;
  for (const auto& e : model.entities()) {
    schemas[e.name] = outputSchema(e);
    schemas[e.name + "Input"] = inputSchema(e, config.openapi.allowPrimaryKeysInInput);
  }

  json::object paths;
  for (const auto& e : model.entities()) {
    std::string base = prefix + "/" + e.pluralName;
    std::string P = upperFirst(e.pluralName), S = upperFirst(e.singularName);

    json::object collection;
    {
      json::object get = operation("get" + P, "Get " + e.pluralName + ".", e, "Fetch " + e.pluralName + " from the database.");
      json::array params;
      params.push_back(param(json::object{{"type", "integer"}}, "query", "limit", false, kLimitDescription));
      params.push_back(param(json::object{{"type", "integer"}}, "query", "offset", false));
      params.push_back(param(json::object{{"type", "boolean"}, {"default", false}}, "query", "totalCount", false));
      params.push_back(param(json::object{{"type", "boolean"}, {"default", false}}, "query", "cursor", false,
                             "Include cursor headers in response. Cursor keys built from orderBy clause"));
      params.push_back(param(json::object{{"type", "string"}, {"format", "byte"}}, "query", "startAfter", false,
                             "Cursor for forward pagination. List objects after this cursor position"));
      params.push_back(param(json::object{{"type", "string"}, {"format", "byte"}}, "query", "endBefore", false,
                             "Cursor for backward pagination. List objects before this cursor position"));
      params.push_back(fieldsParam(e));
      addWhereParams(e, params);
      for (const Field* f : byColumnName(e)) {
        if (f->type == JsonType::kArray) continue;
        params.push_back(param(json::object{{"type", "string"}, {"enum", json::array{"asc", "desc"}}}, "query",
                               "orderby." + f->name, false));
      }
      get["parameters"] = std::move(params);
      get["responses"] = response("Default Response", arrayOf(e.name), std::nullopt);
      collection["get"] = std::move(get);
    }
    if (!e.isView) {
      json::object post = operation("create" + S, "Create " + e.singularName + ".", e,
                                    "Add new " + e.singularName + " to the database.");
      post["requestBody"] = requestBody(e);
      post["parameters"] = json::array{fieldsParam(e)};
      post["responses"] = response("A " + e.name, schemaRef(e.name), linksOf(e, fks));
      collection["post"] = std::move(post);

      json::object put = operation("update" + P, "Update " + e.pluralName + ".", e,
                                   "Update one or more " + e.pluralName + " in the database.");
      put["requestBody"] = requestBody(e);
      json::array params{fieldsParam(e)};
      addWhereParams(e, params);
      put["parameters"] = std::move(params);
      put["responses"] = response("Default Response", arrayOf(e.name), linksOf(e, fks));
      collection["put"] = std::move(put);
    }
    paths[base + "/"] = std::move(collection);
    if (e.isView) continue;

    if (e.hasSinglePrimaryKey()) {
      const Field& pk = *e.primaryKeys.front();
      json::object item;
      json::object get = operation("get" + e.name + "By" + upperFirst(pk.name), "Get " + e.name + " by " + pk.name + ".",
                                   e, "Fetch " + e.name + " using its " + pk.name + " from the database.");
      get["parameters"] = json::array{fieldsParam(e), pathParam(pk)};
      get["responses"] = response("A " + e.name, schemaRef(e.name), linksOf(e, fks));
      item["get"] = std::move(get);
      json::object put = operation("update" + S, "Update " + e.singularName + ".", e,
                                   "Update " + e.singularName + " in the database.");
      put["requestBody"] = requestBody(e);
      put["parameters"] = json::array{fieldsParam(e), pathParam(pk)};
      put["responses"] = response("A " + e.name, schemaRef(e.name), linksOf(e, fks));
      item["put"] = std::move(put);
      json::object del = operation("delete" + P, "Delete " + e.pluralName + ".", e,
                                   "Delete one or more " + e.pluralName + " from the Database.");
      del["parameters"] = json::array{fieldsParam(e), pathParam(pk)};
      del["responses"] = response("A " + e.name, schemaRef(e.name), std::nullopt);
      item["delete"] = std::move(del);
      paths[base + "/{" + pk.name + "}"] = std::move(item);

      for (const auto& r : e.relations) {
        const Entity& t = *r.target;
        json::object get;
        if (r.kind == Relation::Kind::kReverse) {
          get = operation(r.operationId, "Get " + t.pluralName + " for " + e.singularName + ".", e,
                          "Fetch all the " + t.pluralName + " for " + e.singularName + " from the database.");
          json::array params;
          params.push_back(param(json::object{{"type", "integer"}}, "query", "limit", false, kLimitDescription));
          params.push_back(param(json::object{{"type", "integer"}}, "query", "offset", false));
          params.push_back(fieldsParam(t));
          params.push_back(param(json::object{{"type", "boolean"}, {"default", false}}, "query", "totalCount", false));
          params.push_back(pathParam(pk));
          get["parameters"] = std::move(params);
          get["responses"] = response("Default Response", arrayOf(t.name), linksOf(t, fks));
        } else {
          get = operation(r.operationId, "Get " + t.singularName + " for " + e.singularName + ".", e,
                          "Fetch the " + t.singularName + " for " + e.singularName + " from the database.");
          get["parameters"] = json::array{fieldsParam(t), pathParam(pk)};
          get["responses"] = response("A " + t.name, schemaRef(t.name), linksOf(t, fks));
        }
        paths[base + "/{" + pk.name + "}/" + r.segment] = json::object{{"get", std::move(get)}};
      }
    } else if (!e.compositePath.empty()) {
      std::string path = base, keys;
      json::array pathParams;
      for (const auto& segment : e.compositePath) {
        path += "/" + segment.literal + "/{" + segment.field->name + "}";
        keys += (keys.empty() ? "" : "And") + upperFirst(segment.field->name);
        pathParams.push_back(pathParam(*segment.field));
      }
      auto params = [&] {
        json::array p{fieldsParam(e)};
        for (const auto& pp : pathParams) p.push_back(pp);
        return p;
      };
      json::object item;
      json::object get = operation("get" + e.name + "By" + keys, "Get " + e.name + " by " + keys + ".", e,
                                   "Fetch " + e.name + " by " + keys + " from the database.");
      get["parameters"] = params();
      get["responses"] = response("A " + e.name, schemaRef(e.name), linksOf(e, fks));
      item["get"] = std::move(get);
      for (const char* method : {"post", "put"}) {
        json::object save = operation("", "Update " + e.name + " by " + keys + ".", e,
                                      "Update " + e.name + " by " + keys + " in the database.");
        save["requestBody"] = requestBody(e);
        save["parameters"] = params();
        save["responses"] = response("A " + e.name, schemaRef(e.name), linksOf(e, fks));
        item[method] = std::move(save);
      }
      json::object del = operation("", "Delete " + e.name + " by " + keys + ".", e,
                                   "Delete " + e.name + " by " + keys + " from the database.");
      del["parameters"] = params();
      del["responses"] = response("A " + e.name, schemaRef(e.name), std::nullopt);
      item["delete"] = std::move(del);
      paths[path] = std::move(item);
    }
  }

  json::object doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = json::object{{"title", config.openapi.title},
                             {"description", config.openapi.description},
                             {"version", config.openapi.version}};
  doc["components"] = json::object{{"schemas", std::move(schemas)}};
  doc["paths"] = std::move(paths);
  doc["servers"] = json::array{json::object{{"url", "/"}}};
  return doc;
}

namespace {

bool plainScalar(std::string_view s) {
  if (s.empty()) return false;
  static const std::string_view kReserved[] = {"true", "false", "null", "~", "yes", "no", "on", "off"};
  for (auto r : kReserved)
    if (s == r) return false;
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc() && p == s.data() + s.size()) return false;
  if (std::string_view(" -?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return false;
  for (unsigned char c : s)
    if (c < 0x20) return false;
  return true;
}

void yamlScalar(std::string& out, const json::value& v) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (plainScalar(s)) out += s;
    else appendJsonString(out, s);
  } else {
    out += json::serialize(v);
  }
}

void yaml(std::string& out, const json::value& v, int indent);

bool isEmptyContainer(const json::value& v) {
  return (v.is_object() && v.get_object().empty()) || (v.is_array() && v.get_array().empty());
}

void yamlChild(std::string& out, const json::value& v, int indent) {
  if (isEmptyContainer(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
  } else if (v.is_object() || v.is_array()) {
    out += '\n';
    yaml(out, v, indent);
  } else {
    out += ' ';
    yamlScalar(out, v);
    out += '\n';
  }
}

void yaml(std::string& out, const json::value& v, int indent) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    for (const auto& [key, value] : v.get_object()) {
      out += pad;
      yamlScalar(out, json::value(json::string(key)));
      out += ':';
      yamlChild(out, value, indent + 2);
    }
  } else if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      out += pad;
      out += '-';
      if (item.is_object() && !item.get_object().empty()) {
        // The first key on the dash line, the others aligned under it.
        std::string nested;
        yaml(nested, item, indent + 2);
        out += ' ';
        out += nested.substr(static_cast<size_t>(indent + 2));
      } else {
        yamlChild(out, item, indent + 2);
      }
    }
  }
}

}  // namespace

std::string toYaml(const json::value& value) {
  std::string out;
  yaml(out, value, 0);
  return out;
}

std::string documentationPage(std::string_view title, std::string_view jsonUrl) {
  std::string html = R"(<!doctype html>
<html>
  <head>
    <title>Scalar API Reference</title>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
  </head>
  <body>
    <noscript>The API reference needs JavaScript. The document itself: <a href=")";
  html += jsonUrl;
  html += R"(">)";
  html += jsonUrl;
  html += R"(</a></noscript>
    <script id="api-reference" data-url=")";
  html += jsonUrl;
  html += R"("></script>
    <script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script>
  </body>
</html>
)";
  (void)title;
  return html;
}

std::optional<http::Response> serveDocumentation(std::string_view path, const ServedDocument& document) {
  if (path == "/documentation") {
    http::Response r;
    r.status = document.redirectStatus;
    r.headers.add("location", "/documentation/");
    return r;
  }
  if (path == "/documentation/json") return http::Response::json(200, document.json);
  if (path == "/documentation/yaml") {
    http::Response r;
    r.headers.add("content-type", "text/plain; charset=utf-8");
    r.body = document.yaml;
    return r;
  }
  if (path == "/documentation/") {
    http::Response r;
    r.headers.add("content-type", "text/html; charset=utf-8");
    r.body = documentationPage(document.title, "/documentation/json");
    return r;
  }
  return std::nullopt;
}

}  // namespace watt::kinds::db
