// How Values travel to PostgreSQL: every parameter is sent in text format with an unknown type,
// so the server infers it from where the parameter is used; lists (array operators, IN lists of
// the catalog queries) travel as one array literal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/value.h"

namespace watt::db::postgres {

// NULL -> nullopt; true/false; integers and reals in C locale; blobs as bytea hex ("\x0aff").
std::optional<std::string> toText(const Value& value);

// {"a","b c",NULL}: every element quoted and escaped, so any text is safe in it.
std::string arrayLiteral(const std::vector<Value>& elements);

// The elements of an array as PostgreSQL prints it ({1,2,NULL}, {"a b","c\"d"}, nested
// {{1,2},{3,4}}): each element's text (unquoted, unescaped), nullopt for NULL; a nested array
// is one element holding its own literal (parse it again). nullopt when `text` is not an array
// literal.
struct ArrayElement {
  std::optional<std::string> text;  // nullopt: NULL
  bool isArray = false;             // a nested array literal, in `text`
};
std::optional<std::vector<ArrayElement>> parseArrayLiteral(std::string_view text);

// A timestamp as JavaScript's Date#toISOString prints it (what node-postgres users see):
// "2024-01-02 03:04:05.123456+01" -> "2024-01-02T02:04:05.123Z" (UTC, milliseconds). A
// timestamp without a zone is read as UTC. nullopt for what it cannot read (infinity, BC).
std::optional<std::string> isoTimestamp(std::string_view text);

}  // namespace watt::db::postgres
