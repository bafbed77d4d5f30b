// The database layer: one interface over SQLite (embedded) and PostgreSQL (libpq), used by the
// `@platformatic/db` kind. A Database is opened once at start; each event loop then has its own
// connection(s): one SQLite connection per loop (WAL mode; a shared-cache URI for `:memory:` so
// every loop sees the same database), a bounded pool of libpq connections per loop for
// PostgreSQL, driven asynchronously on the loop (PQsendQueryParams + waiting on PQsocket).
// Every value is a bound parameter; SQL text comes only from the SQL builder (sql_builder.h),
// which quotes identifiers checked against the introspected schema.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "db/schema.h"
#include "db/value.h"

namespace watt::db {

enum class Dialect { kSqlite, kPostgres };

struct DbError {
  enum class Kind {
    kConnection,           // cannot connect / connection lost
    kSyntax,               // bad SQL (a bug of ours, or a bad migration file)
    kUniqueViolation,      // -> 409
    kForeignKeyViolation,  // -> 409
    kNotNullViolation,     // -> 400
    kCheckViolation,       // -> 400
    kInvalidValue,  // a value the column cannot hold (PostgreSQL class 22, SQLite MISMATCH) -> 400
    kOther
  };
  Kind kind = Kind::kOther;
  std::string
      message;  // the database's own message, e.g. "NOT NULL constraint failed: films.title"
  std::string sqlState;  // PostgreSQL SQLSTATE when known
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  int64_t affectedRows = 0;
};

struct QueryResult {
  std::optional<ResultSet> rows;
  std::optional<DbError> error;
  bool ok() const { return !error.has_value(); }

  static QueryResult failure(DbError error) {
    QueryResult result;
    result.error = std::move(error);
    return result;
  }
};

// Where to connect, parsed from `db.connectionString`.
struct ConnectionInfo {
  Dialect dialect = Dialect::kSqlite;
  std::string sqlitePath;   // absolute file path, or ":memory:"
  std::string postgresUri;  // passed to libpq as is
};

// "sqlite://./file.sqlite" (relative to `baseDir`), "sqlite://:memory:",
// "postgres://user:pass@host:port/db" (also "postgresql://"). Error message on anything else.
std::optional<ConnectionInfo> parseConnectionString(const std::string& value,
                                                    const std::string& baseDir, std::string& error);

struct DatabaseOptions {
  unsigned loops = 1;      // one slot per event loop
  unsigned poolSize = 10;  // PostgreSQL: total connections, spread over the loops (>= 1 per loop)
  std::chrono::milliseconds busyTimeout{5000};      // SQLite
  std::chrono::milliseconds connectTimeout{10000};  // PostgreSQL: opening one connection
  // Unique name for a shared in-memory SQLite database; empty: one is made up.
  std::string memoryName;
};

// What introspection reads and skips.
struct IntrospectOptions {
  // Tables never reported (in any schema): the migrations bookkeeping table.
  std::vector<std::string> excludeTables{"versions"};
  // PostgreSQL: the schemas to read; empty = {"public"}. Ignored by SQLite.
  std::vector<std::string> schemas;
};

// One connection. Not thread-safe: used by one loop (or the control thread at start) at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Blocking; used at start (introspection, migrations) and by SQLite on the request path.
  virtual QueryResult querySync(const std::string& sql, const std::vector<Value>& params) = 0;
  // Several statements without parameters (migration files). Blocking.
  virtual QueryResult execScriptSync(const std::string& sql) = 0;
  // Non-blocking for PostgreSQL (on the loop of `executor`); SQLite completes at once.
  virtual Task<QueryResult> query(std::string sql, std::vector<Value> params) = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  // Opens the database and checks that it answers. Returns nullptr with `error` set on failure.
  static std::unique_ptr<Database> open(const ConnectionInfo& info, const DatabaseOptions& options,
                                        std::string& error);

  virtual Dialect dialect() const = 0;

  // A connection for start-up work on the calling thread (introspection, migrations).
  virtual Connection& controlConnection() = 0;

  // Reads tables, views, columns, keys and foreign keys (the control connection).
  virtual std::optional<Schema> introspect(std::string& error,
                                           const IntrospectOptions& options = {}) = 0;

  // On loop `loop` (the caller's): one statement on one of that loop's connections.
  virtual Task<QueryResult> query(unsigned loop, std::string sql, std::vector<Value> params) = 0;

  // On loop `loop`: BEGIN, `body` on one connection, COMMIT (ROLLBACK when `body` returns an
  // error or throws; the exception then propagates). The connection is held for the whole
  // transaction: inside `body` use the Connection it is given, never `query()` (SQLite: the
  // loop's only connection is busy, so `query()` would wait for the transaction to end).
  virtual Task<QueryResult> transaction(unsigned loop,
                                        std::function<Task<QueryResult>(Connection&)> body) = 0;

  // Closes every idle connection and the control connection; queries after it fail. Call it
  // before the loops' io_contexts are destroyed (a PostgreSQL connection watches its socket
  // through its loop's io_context), once no query is in flight. Also done by the destructor.
  virtual void close() = 0;
};

}  // namespace watt::db
