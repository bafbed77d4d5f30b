// Reading REST input the way Platformatic DB's Fastify routes do: the query string (decoded,
// repeated keys kept in order), Ajv's type coercion (`coerceTypes: "array"`, `useDefaults`,
// `removeAdditional`) with its exact messages ("querystring/where.year.eq must be integer",
// "body must have required property 'name'"), and the list query language (`limit`, `offset`,
// `fields`, `totalCount`, `where.<field>.<op>`, `where.or=(...)`, `orderby.<field>`).
// Deliberate difference from Watt 3.67: an unknown `where` field or operator is a 400, not a
// filter that is silently dropped (it would select, or update, every row).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "common/asio.h"
#include "db/sql_builder.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y&b=z+w" -> [(a,1), (b,"x y"), (b,"z w")]. Malformed escapes are kept literally.
QueryParams parseQueryString(std::string_view query);
std::string percentDecode(std::string_view text, bool plusAsSpace);

struct ApiError {
  int status = 400;
  std::string code;     // "FST_ERR_VALIDATION", "PLT_SQL_MAPPER_..."; may be empty
  std::string message;
};

// Ajv's coercion of one value to a field's type. Query/path text, or a JSON body value.
// On failure `error` is the "must be integer" part of the message.
std::optional<sql::Value> coerceText(const Field& field, std::string_view text, std::string& error);
std::optional<sql::Value> coerceJson(const Field& field, const json::value& value, std::string& error);

// What a list-like route accepts.
enum class QueryShape {
  kList,             // GET /X: everything
  kBulkUpdate,       // PUT /X: fields, where, where.or
  kReverseRelation,  // GET /X/:id/others: limit, offset, fields, totalCount
  kFieldsOnly        // single-row routes: fields
};

struct ListQuery {
  int64_t limit = 10;
  bool limitGiven = false;
  int64_t offset = 0;
  bool totalCount = false;
  bool cursor = false;
  std::optional<std::string> startAfter;
  std::optional<std::string> endBefore;
  std::vector<const Field*> fields;  // requested fields in column order; empty = all
  bool fieldsGiven = false;
  sql::Filter where;
  std::vector<std::pair<const Field*, bool>> orderBy;  // (field, descending), query order
};

struct LimitConfig {
  int64_t defaultLimit = 10;
  int64_t maxLimit = 100;
};

std::variant<ListQuery, ApiError> parseListQuery(const Entity& entity, const QueryParams& params,
                                                 QueryShape shape, const LimitConfig& limits);

// A path parameter (":id") coerced to the key's type: "params/id must be integer".
std::variant<sql::Value, ApiError> parsePathKey(const Field& key, std::string_view raw);

// The request body of a write, validated against <Name>Input: object, required fields, types;
// unknown properties dropped. Returns (field, value) pairs in column order.
std::variant<InputValues, ApiError> validateInput(const Entity& entity, const json::value* body,
                                                  bool allowPrimaryKeys);

// Parses a request body by content type, as Fastify does: JSON (invalid -> 400
// FST_ERR_CTP_INVALID_JSON_BODY, empty -> 400 FST_ERR_CTP_EMPTY_JSON_BODY), no body -> nullopt,
// other types -> 415.
std::variant<std::optional<json::value>, ApiError> parseJsonBody(std::string_view contentType,
                                                                 const std::string& body);

}  // namespace watt::kinds::db
