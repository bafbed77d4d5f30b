// JSON output of database rows, written straight into the response buffer (no intermediate
// JSON tree): properties in column order, ids and foreign keys as strings, numbers formatted as
// JavaScript prints them (the reference serializes with fast-json-stringify), json columns
// embedded as JSON.
#pragma once

#include <string>
#include <vector>

#include "common/json_string.h"
#include "db/database.h"
#include "kinds/db/entity_model.h"

namespace watt::kinds::db {

// ECMAScript Number#toString(10): "14" for 14.0, "0.1", "1e+21", "1e-7", "NaN"/"Infinity" as
// JSON null (JSON has no such numbers).
void appendJsNumber(std::string& out, double value);

// One field's value as JSON, by the field's type (ids as strings, PostgreSQL arrays as JSON
// arrays, json columns embedded). NULL array elements print as their type's zero value, as the
// REST serializer does, unless `keepNullElements` (GraphQL keeps them null).
void appendFieldValue(std::string& out, const Field& field, const sql::Value& value, bool keepNullElements = false);

// A row of a result set as the entity's JSON object. `columns[i]` is the field of value i
// (nullptr for columns the caller does not want printed).
void appendRow(std::string& out, const std::vector<const Field*>& columns, const std::vector<sql::Value>& row);

// A field value as text, the way String(value) prints it (location headers, cursors).
std::string valueAsText(const sql::Value& value);

}  // namespace watt::kinds::db
