// Reading a Schema from each engine's catalog, over a Connection (the control connection).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/schema.h"

namespace watt::db {

// Catalog queries on the control connection; the first failure is kept in `error`.
class CatalogReader {
 public:
  CatalogReader(Connection& connection, std::string& error) : connection_(connection), error_(error) {}

  std::optional<ResultSet> rows(const std::string& sql, const std::vector<Value>& params) {
    QueryResult result = connection_.querySync(sql, params);
    if (!result.ok()) {
      error_ = "cannot read the database schema: " + result.error->message;
      return std::nullopt;
    }
    return std::move(result.rows);
  }

 private:
  Connection& connection_;
  std::string& error_;
};

std::optional<Schema> introspectSqlite(Connection& connection, const IntrospectOptions& options,
                                       std::string& error);
std::optional<Schema> introspectPostgres(Connection& connection, const IntrospectOptions& options,
                                         std::string& error);

}  // namespace watt::db
