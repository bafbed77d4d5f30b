// The OpenAPI 3.0.3 document of a database application's REST API, shaped like Platformatic
// DB's (docs/db-behaviour.md section 4): key order, schemas <Name>/<Name>Input, operations with
// their ids, summaries, parameters and links. Built once at start.
#pragma once

#include <string>

#include "common/asio.h"
#include "kinds/db/db_config.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

json::object buildOpenApiDocument(const EntityModel& model, const DbConfig& config);

// The document as YAML (block style, two-space indent, same key order): /documentation/yaml.
std::string toYaml(const json::value& value);

// The /documentation/ page: an API reference UI reading `jsonUrl`.
std::string documentationPage(std::string_view title, std::string_view jsonUrl);

}  // namespace watt::kinds::db
