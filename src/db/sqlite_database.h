// The SQLite driver: one connection per loop plus the control connection, all on one file
// (WAL mode) or on one shared in-memory database. A statement runs to completion at once, so
// the only asynchrony is waiting for the loop's connection while a transaction holds it.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/database.h"
#include "db/waiter_queue.h"

struct sqlite3;
struct sqlite3_stmt;

namespace watt::db {

class SqliteConnection final : public Connection {
 public:
  // Prepared statements kept per connection, least recently used dropped first.
  static constexpr size_t kStatementCacheSize = 128;

  // `target`: a file path, or a URI when `isUri`. Returns nullptr with `error` set on failure.
  static std::unique_ptr<SqliteConnection> open(const std::string& target, bool isUri,
                                                const DatabaseOptions& options, std::string& error);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  QueryResult querySync(const std::string& sql, const std::vector<Value>& params) override;
  QueryResult execScriptSync(const std::string& sql) override;
  Task<QueryResult> query(std::string sql, std::vector<Value> params) override;

  bool inTransaction() const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  // A prepared statement from the cache, or a new one; nullptr with `error` set on failure.
  sqlite3_stmt* prepare(const std::string& sql, DbError& error);
  DbError lastError(int code) const;

  sqlite3* db_;
  using CacheList = std::list<std::pair<std::string, sqlite3_stmt*>>;
  CacheList cache_;  // most recently used first
  std::unordered_map<std::string, CacheList::iterator> cacheIndex_;
};

class SqliteDatabase final : public Database {
 public:
  static std::unique_ptr<Database> open(const ConnectionInfo& info, const DatabaseOptions& options,
                                        std::string& error);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Connection& controlConnection() override { return *control_; }
  std::optional<Schema> introspect(std::string& error, const IntrospectOptions& options) override;
  Task<QueryResult> query(unsigned loop, std::string sql, std::vector<Value> params) override;
  Task<QueryResult> transaction(unsigned loop,
                                std::function<Task<QueryResult>(Connection&)> body) override;
  void close() override;

 private:
  // A loop's connection. `busy` while a statement or a transaction uses it; other coroutines of
  // that loop queue in `waiters` (a transaction must not see their statements).
  struct Slot {
    std::unique_ptr<SqliteConnection> connection;
    bool busy = false;
    WaiterQueue<bool> waiters;
  };

  SqliteDatabase() = default;
  static void release(Slot& slot);

  std::unique_ptr<SqliteConnection> control_;  // keeps a shared in-memory database alive
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace watt::db
