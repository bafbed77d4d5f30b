#include "kinds/db/cursor.h"

#include <algorithm>

#include "common/base64.h"
#include "kinds/db/row_json.h"

namespace watt::kinds::db {
namespace {

ApiError badRequest(std::string code, std::string message) { return ApiError{400, std::move(code), std::move(message)}; }

bool ordered(const OrderFields& orderBy, const Field* field) {
  return std::any_of(orderBy.begin(), orderBy.end(), [&](const auto& o) { return o.first == field; });
}

}  // namespace

std::variant<InputValues, ApiError> decodeCursor(const Entity& entity, std::string_view text) {
  const std::string prefix =
      "Unable to parse cursor string. Make sure to provide valid encoding of cursor object. Error: ";
  auto decoded = base64::decode(text);
  if (!decoded) return badRequest("PLT_SQL_OPENAPI_UNABLE_TO_PARSE_CURSOR_STR", prefix + "invalid base64");
  error_code ec;
  json::value parsed = json::parse(*decoded, ec);
  if (ec) return badRequest("PLT_SQL_OPENAPI_UNABLE_TO_PARSE_CURSOR_STR", prefix + ec.message());
  if (!parsed.is_object())
    return badRequest("PLT_SQL_OPENAPI_CURSOR_VALIDATION_ERROR", "Cursor validation error.  must be object");
  const json::object& object = parsed.get_object();
  InputValues values;
  for (const Field& field : entity.fields) {  // column order; other keys are dropped
    const json::value* v = object.if_contains(field.name);
    if (!v) continue;
    // A cursor holds native values: ids are numbers here, whatever the route prints.
    Field native = field;
    native.stringOutput = false;
    std::string error;
    auto value = coerceJson(native, *v, error);
    if (!value) {
      return badRequest("PLT_SQL_OPENAPI_CURSOR_VALIDATION_ERROR",
                        "Cursor validation error. /" + field.name + " " + error);
    }
    values.emplace_back(&field, std::move(*value));
  }
  return values;
}

std::variant<std::optional<std::vector<sql::Conjunction>>, ApiError> cursorCondition(
    const Entity& entity, const InputValues& cursor, const OrderFields& orderBy, bool backward) {
  if (cursor.empty()) return std::optional<std::vector<sql::Conjunction>>{};
  // sql-mapper answers these with 500s; they are the client's mistakes, so 400 here.
  if (orderBy.empty()) return badRequest("PLT_SQL_MAPPER_MISSING_ORDER_BY_CLAUSE", "Missing orderBy clause");
  bool hasKey = false;
  for (const auto& [field, value] : cursor) {
    if (!ordered(orderBy, field)) {
      return badRequest("PLT_SQL_MAPPER_MISSING_ORDER_BY_FIELD_FOR_CURSOR",
                        "Cursor field(s) " + field->name + " must be included in orderBy");
    }
    hasKey |= std::find(entity.primaryKeys.begin(), entity.primaryKeys.end(), field) != entity.primaryKeys.end();
  }
  if (!hasKey) {
    return badRequest("PLT_SQL_MAPPER_MISSING_UNIQUE_FIELD_IN_CURSOR",
                      "Cursor must contain at least one primary key field");
  }
  // The cursor's fields in orderBy order: (f1 op v1) OR (f1 = v1 AND f2 op v2) OR ...
  std::vector<sql::Conjunction> group;
  sql::Conjunction equal;
  for (const auto& [field, descending] : orderBy) {
    auto it = std::find_if(cursor.begin(), cursor.end(), [&](const auto& c) { return c.first == field; });
    if (it == cursor.end()) continue;
    bool greater = descending == backward;  // asc forward, desc backward: rows with larger values
    sql::Conjunction alternative = equal;
    alternative.push_back({field->column, greater ? sql::Op::kGt : sql::Op::kLt, {it->second}});
    group.push_back(std::move(alternative));
    equal.push_back({field->column, sql::Op::kEq, {it->second}});
  }
  return std::optional<std::vector<sql::Conjunction>>(std::move(group));
}

std::variant<std::string, ApiError> encodeCursor(const Entity& entity, const OrderFields& orderBy,
                                                 const std::vector<const Field*>& columns,
                                                 const std::vector<sql::Value>& row) {
  std::vector<Field> natives;
  std::vector<sql::Value> values;
  bool hasKey = false;
  natives.reserve(columns.size());
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    const Field* f = columns[i];
    if (!f || !ordered(orderBy, f)) continue;
    hasKey |= std::find(entity.primaryKeys.begin(), entity.primaryKeys.end(), f) != entity.primaryKeys.end();
    Field native = *f;
    native.stringOutput = false;
    natives.push_back(std::move(native));
    values.push_back(row[i]);
  }
  if (!hasKey) {
    return badRequest("PLT_SQL_OPENAPI_PRIMARY_KEY_NOT_INCLUDED_IN_ORDER_BY_IN_CURSOR_PAGINATION",
                      "At least one primary key must be included in orderBy clause in case of cursor pagination");
  }
  std::vector<const Field*> pointers;
  for (const auto& n : natives) pointers.push_back(&n);
  std::string json;
  appendRow(json, pointers, values);
  return base64::encode(json);
}

}  // namespace watt::kinds::db
