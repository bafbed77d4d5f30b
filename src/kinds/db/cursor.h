// Cursor pagination of the REST list route (docs/db-behaviour.md 3.6): `startAfter` /
// `endBefore` carry a base64 JSON object of the ordering fields' values of a row; the next
// page is the rows after (or before) it in the requested order, and every page answers with
// the cursors of its first and last rows (`x-end-before`, `x-start-after`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "db/sql_builder.h"
#include "kinds/db/entity_model.h"
#include "kinds/db/rest_query.h"

namespace watt::kinds::db {

using OrderFields = std::vector<std::pair<const Field*, bool>>;  // (field, descending)

// The cursor's values, coerced to the fields' types (unknown keys dropped), in column order.
std::variant<InputValues, ApiError> decodeCursor(const Entity& entity, std::string_view text);

// The rows strictly after the cursor in `orderBy` order (before it when `backward`), as one OR
// group: (f1 > v1) OR (f1 = v1 AND f2 > v2) ... An empty cursor gives no group.
std::variant<std::optional<std::vector<sql::Conjunction>>, ApiError> cursorCondition(
    const Entity& entity, const InputValues& cursor, const OrderFields& orderBy, bool backward);

// The cursor of a row: the ordering fields present in it (`columns[i]` is the field of
// row[i], nullptr when not printed), keys in column order, values in their native JSON types.
// An error when none of them is a primary key.
std::variant<std::string, ApiError> encodeCursor(const Entity& entity, const OrderFields& orderBy,
                                                 const std::vector<const Field*>& columns,
                                                 const std::vector<sql::Value>& row);

}  // namespace watt::kinds::db
