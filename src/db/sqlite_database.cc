#include "db/sqlite_database.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <exception>
#include <mutex>

#include "db/introspection.h"

namespace watt::db {
namespace {

DbError::Kind classify(int extendedCode) {
  switch (extendedCode) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return DbError::Kind::kUniqueViolation;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return DbError::Kind::kForeignKeyViolation;
    case SQLITE_CONSTRAINT_NOTNULL:
      return DbError::Kind::kNotNullViolation;
    case SQLITE_CONSTRAINT_CHECK:
      return DbError::Kind::kCheckViolation;
    default:
      break;
  }
  switch (extendedCode & 0xff) {
    case SQLITE_ERROR:
      return DbError::Kind::kSyntax;  // "near ...: syntax error", "no such table: ..."
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      return DbError::Kind::kInvalidValue;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return DbError::Kind::kConnection;
    default:
      return DbError::Kind::kOther;
  }
}

QueryResult noSlot(unsigned loop, size_t loops) {
  return QueryResult::failure({DbError::Kind::kOther,
                               "no database connection for loop " + std::to_string(loop) +
                                   " (opened for " + std::to_string(loops) + " loops)",
                               {}});
}

// True when `tail` (the text after the first statement) holds no further statement.
bool noFurtherStatement(sqlite3* db, const char* tail) {
  const char* p = tail;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';') ++p;
  if (*p == '\0') return true;
  // Comments only? Let SQLite's own parser say so.
  sqlite3_stmt* next = nullptr;
  int rc = sqlite3_prepare_v2(db, p, -1, &next, nullptr);
  bool none = rc == SQLITE_OK && next == nullptr;
  sqlite3_finalize(next);
  return none;
}

Value columnValue(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return Value(static_cast<int64_t>(sqlite3_column_int64(statement, column)));
    case SQLITE_FLOAT:
      return Value(sqlite3_column_double(statement, column));
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      int size = sqlite3_column_bytes(statement, column);
      return Value(std::string(text ? text : "", static_cast<size_t>(size)));
    }
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, column));
      int size = sqlite3_column_bytes(statement, column);
      return Value(Blob{std::string(bytes ? bytes : "", bytes ? static_cast<size_t>(size) : 0)});
    }
    default:
      return Value();
  }
}

int bind(sqlite3_stmt* statement, int index, const Value& value) {
  const auto& v = value.storage();
  if (std::holds_alternative<std::monostate>(v)) return sqlite3_bind_null(statement, index);
  if (const auto* i = std::get_if<int64_t>(&v)) return sqlite3_bind_int64(statement, index, *i);
  if (const auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(statement, index, *d);
  // The parameters outlive the statement's execution: SQLITE_STATIC avoids a copy.
  if (const auto* s = std::get_if<std::string>(&v))
    return sqlite3_bind_text64(statement, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
  if (const auto* b = std::get_if<Blob>(&v))
    return sqlite3_bind_blob64(statement, index, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
  return sqlite3_bind_int(statement, index, std::get<bool>(v) ? 1 : 0);
}

// The memdb URI of the shared in-memory database: "file:/<name>?vfs=memdb", the name
// percent-encoded.
std::string memoryUri(const DatabaseOptions& options) {
  static std::atomic<unsigned> counter{0};
  std::string name = options.memoryName.empty() ? "watt-memory-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(counter++)
                                                : options.memoryName;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:/";
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri + "?vfs=memdb";
}

// Process-wide settings, applied once before the library initializes. Memory statistics are
// off: with them on, every allocation inside SQLite takes one global mutex, which the loop
// threads (a connection each) then contend for on every query.
void configureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

// --- SqliteConnection ---------------------------------------------------------------------

std::unique_ptr<SqliteConnection> SqliteConnection::open(const std::string& target, bool isUri,
                                                         const DatabaseOptions& options,
                                                         std::string& error) {
  configureSqliteOnce();
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (isUri) flags |= SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    error = "cannot open SQLite database " + target + ": " +
            (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options.busyTimeout.count()));
  // WAL lets the loops read while one of them writes; the memdb VFS has no WAL (nor needs it).
  std::string setup =
      isUri ? "PRAGMA foreign_keys = ON;" : "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;";
  char* message = nullptr;
  rc = sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    error =
        "cannot set up SQLite database " + target + ": " + (message ? message : sqlite3_errstr(rc));
    sqlite3_free(message);
    return nullptr;
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

bool SqliteConnection::inTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

DbError SqliteConnection::lastError(int code) const {
  int extended = sqlite3_extended_errcode(db_);
  if (extended == SQLITE_OK) extended = code;
  return {classify(extended), sqlite3_errmsg(db_), {}};
}

sqlite3_stmt* SqliteConnection::prepare(const std::string& sql, DbError& error) {
  if (auto found = cacheIndex_.find(sql); found != cacheIndex_.end()) {
    cache_.splice(cache_.begin(), cache_, found->second);
    return found->second->second;
  }
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                              SQLITE_PREPARE_PERSISTENT, &statement, &tail);
  if (rc != SQLITE_OK) {
    error = lastError(rc);
    return nullptr;
  }
  if (statement == nullptr) {
    error = {DbError::Kind::kSyntax, "empty statement", {}};
    return nullptr;
  }
  if (tail && !noFurtherStatement(db_, tail)) {
    sqlite3_finalize(statement);
    error = {DbError::Kind::kSyntax, "a query must hold exactly one statement", {}};
    return nullptr;
  }
  cache_.emplace_front(sql, statement);
  cacheIndex_[sql] = cache_.begin();
  if (cache_.size() > kStatementCacheSize) {
    sqlite3_finalize(cache_.back().second);
    cacheIndex_.erase(cache_.back().first);
    cache_.pop_back();
  }
  return statement;
}

QueryResult SqliteConnection::querySync(const std::string& sql, const std::vector<Value>& params) {
  DbError error;
  sqlite3_stmt* statement = prepare(sql, error);
  if (!statement) return QueryResult::failure(std::move(error));

  int expected = sqlite3_bind_parameter_count(statement);
  if (expected != static_cast<int>(params.size()))
    return QueryResult::failure({DbError::Kind::kSyntax,
                                 "the statement takes " + std::to_string(expected) +
                                     " parameters, " + std::to_string(params.size()) + " given",
                                 {}});
  for (size_t i = 0; i < params.size(); ++i) {
    int rc = bind(statement, static_cast<int>(i) + 1, params[i]);
    if (rc != SQLITE_OK) {
      QueryResult result = QueryResult::failure(lastError(rc));
      sqlite3_clear_bindings(statement);
      return result;
    }
  }

  ResultSet rows;
  int columns = sqlite3_column_count(statement);
  rows.columns.reserve(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) rows.columns.emplace_back(sqlite3_column_name(statement, c));

  QueryResult result;
  for (;;) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) {
      std::vector<Value> row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(columnValue(statement, c));
      rows.rows.push_back(std::move(row));
      continue;
    }
    if (rc == SQLITE_DONE) {
      rows.affectedRows = sqlite3_stmt_readonly(statement) ? 0 : sqlite3_changes64(db_);
      result.rows = std::move(rows);
    } else {
      result.error = lastError(rc);
    }
    break;
  }
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  return result;
}

QueryResult SqliteConnection::execScriptSync(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  QueryResult result;
  if (rc != SQLITE_OK) {
    DbError error = lastError(rc);
    if (message) error.message = message;
    result.error = std::move(error);
  } else {
    result.rows = ResultSet{};
  }
  sqlite3_free(message);
  return result;
}

Task<QueryResult> SqliteConnection::query(std::string sql, std::vector<Value> params) {
  co_return querySync(sql, params);
}

// --- SqliteDatabase -----------------------------------------------------------------------

std::unique_ptr<Database> SqliteDatabase::open(const ConnectionInfo& info,
                                               const DatabaseOptions& options, std::string& error) {
  // An in-memory database shared by every connection of this Database: the memdb VFS with a
  // name starting with "/" is shared within the process and keeps SQLite's ordinary locking
  // (busy timeout applies). A shared-cache ":memory:" URI would answer SQLITE_LOCKED at once
  // when two loops meet, which no busy timeout waits out.
  bool memory = info.sqlitePath == ":memory:";
  std::string target = memory ? memoryUri(options) : info.sqlitePath;

  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase());
  database->control_ = SqliteConnection::open(target, memory, options, error);
  if (!database->control_) return nullptr;
  unsigned loops = options.loops == 0 ? 1 : options.loops;
  for (unsigned i = 0; i < loops; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->connection = SqliteConnection::open(target, memory, options, error);
    if (!slot->connection) return nullptr;
    database->slots_.push_back(std::move(slot));
  }
  QueryResult check = database->control_->querySync("SELECT 1", {});
  if (!check.ok()) {
    error = "SQLite database " + info.sqlitePath + " does not answer: " + check.error->message;
    return nullptr;
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  close();
}

void SqliteDatabase::close() {
  slots_.clear();
  control_.reset();
}

std::optional<Schema> SqliteDatabase::introspect(std::string& error,
                                                 const IntrospectOptions& options) {
  if (!control_) {
    error = "the database is closed";
    return std::nullopt;
  }
  return introspectSqlite(*control_, options, error);
}

void SqliteDatabase::release(Slot& slot) {
  bool granted = true;
  if (!slot.waiters.handOff(granted)) slot.busy = false;
}

Task<QueryResult> SqliteDatabase::query(unsigned loop, std::string sql, std::vector<Value> params) {
  if (loop >= slots_.size()) co_return noSlot(loop, slots_.size());
  Slot& slot = *slots_[loop];
  if (slot.busy) {
    bool granted = co_await slot.waiters.wait();
    (void)granted;
  } else {
    slot.busy = true;
  }
  QueryResult result = slot.connection->querySync(sql, params);
  release(slot);
  co_return result;
}

Task<QueryResult> SqliteDatabase::transaction(unsigned loop,
                                              std::function<Task<QueryResult>(Connection&)> body) {
  if (loop >= slots_.size()) co_return noSlot(loop, slots_.size());
  Slot& slot = *slots_[loop];
  if (slot.busy) {
    bool granted = co_await slot.waiters.wait();
    (void)granted;
  } else {
    slot.busy = true;
  }
  SqliteConnection& connection = *slot.connection;

  // IMMEDIATE takes the write lock now: a deferred transaction that reads and then writes can
  // fail with SQLITE_BUSY at once, without waiting for the busy timeout.
  QueryResult begin = connection.querySync("BEGIN IMMEDIATE", {});
  if (!begin.ok()) {
    release(slot);
    co_return begin;
  }

  QueryResult result;
  std::exception_ptr failure;
  try {
    result = co_await body(connection);
  } catch (...) {
    failure = std::current_exception();
  }

  if (failure || !result.ok()) {
    if (connection.inTransaction()) connection.querySync("ROLLBACK", {});
    release(slot);
    if (failure) std::rethrow_exception(failure);
    co_return result;
  }
  QueryResult commit = connection.querySync("COMMIT", {});
  if (!commit.ok()) {
    // A deferred foreign key check fails at COMMIT and leaves the transaction open.
    if (connection.inTransaction()) connection.querySync("ROLLBACK", {});
    release(slot);
    co_return commit;
  }
  release(slot);
  co_return result;
}

}  // namespace watt::db
