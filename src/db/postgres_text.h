// How Values travel to PostgreSQL: every parameter is sent in text format with an unknown type,
// so the server infers it from where the parameter is used; lists (array operators, IN lists of
// the catalog queries) travel as one array literal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/value.h"

namespace watt::db::postgres {

// NULL -> nullopt; true/false; integers and reals in C locale; blobs as bytea hex ("\x0aff").
std::optional<std::string> toText(const Value& value);

// {"a","b c",NULL}: every element quoted and escaped, so any text is safe in it.
std::string arrayLiteral(const std::vector<Value>& elements);

}  // namespace watt::db::postgres
