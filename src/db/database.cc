#include "db/database.h"

#include "db/postgres_database.h"
#include "db/sqlite_database.h"

namespace watt::db {

std::unique_ptr<Database> Database::open(const ConnectionInfo& info, const DatabaseOptions& options,
                                         std::string& error) {
  if (info.dialect == Dialect::kSqlite) return SqliteDatabase::open(info, options, error);
  return PostgresDatabase::open(info, options, error);
}

}  // namespace watt::db
