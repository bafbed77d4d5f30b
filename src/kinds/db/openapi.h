// The OpenAPI 3.0.3 document of a database application's REST API, shaped like Platformatic
// DB's (docs/db-behaviour.md section 4): key order, schemas <Name>/<Name>Input, operations with
// their ids, summaries, parameters and links. Built once at start.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/asio.h"
#include "http/message.h"
#include "kinds/db/db_config.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

json::object buildOpenApiDocument(const EntityModel& model, const DbConfig& config);

// The document as YAML (block style, two-space indent, same key order): /documentation/yaml.
std::string toYaml(const json::value& value);

// The /documentation/ page: an API reference UI reading `jsonUrl`.
std::string documentationPage(std::string_view title, std::string_view jsonUrl);

// GET /documentation (a redirect with `redirectStatus` to /documentation/), /documentation/json,
// /documentation/yaml and the page; nullopt for any other path.
struct ServedDocument {
  std::string json;
  std::string yaml;
  std::string title;
  int redirectStatus = 301;
};
std::optional<http::Response> serveDocumentation(std::string_view path, const ServedDocument& document);

}  // namespace watt::kinds::db
