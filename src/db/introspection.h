// Reading a Schema from each engine's catalog, over a Connection (the control connection).
#pragma once

#include <optional>
#include <string>

#include "db/database.h"
#include "db/schema.h"

namespace watt::db {

std::optional<Schema> introspectSqlite(Connection& connection, const IntrospectOptions& options,
                                       std::string& error);
std::optional<Schema> introspectPostgres(Connection& connection, const IntrospectOptions& options,
                                         std::string& error);

}  // namespace watt::db
