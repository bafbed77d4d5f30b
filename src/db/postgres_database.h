// The PostgreSQL driver (libpq). The control connection is blocking (start-up work); each loop
// has a small pool of connections driven asynchronously on that loop: PQsendQueryParams, then
// waiting for the socket with Asio, PQconsumeInput / PQisBusy / PQgetResult.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/waiter_queue.h"

struct pg_conn;
struct pg_result;
typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace watt::db {

class PostgresConnection final : public Connection {
 public:
  struct Connected {
    Connected(std::unique_ptr<PostgresConnection> c, DbError e)
        : connection(std::move(c)), error(std::move(e)) {}
    std::unique_ptr<PostgresConnection> connection;  // nullptr on failure
    DbError error;
  };

  // Blocking: the control connection.
  static std::unique_ptr<PostgresConnection> connectSync(const std::string& uri,
                                                         std::chrono::milliseconds timeout,
                                                         std::string& error);
  // Non-blocking, on the calling coroutine's loop; the connection then belongs to that loop.
  static Task<Connected> connect(std::string uri, std::chrono::milliseconds timeout);

  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  QueryResult querySync(const std::string& sql, const std::vector<Value>& params) override;
  QueryResult execScriptSync(const std::string& sql) override;
  Task<QueryResult> query(std::string sql, std::vector<Value> params) override;

  // Connected, outside any transaction, no result pending. `probe` also reads the socket, which
  // notices a connection the server has closed since its last use.
  bool usable(bool probe);
  bool inTransaction() const;
  bool transactionFailed() const;

 private:
  explicit PostgresConnection(PGconn* connection) : connection_(connection) {}
  static void onNotice(void* self, const PGresult* notice);

  PGconn* connection_;
  // Watches libpq's socket on the connection's loop; released, never closed, by us.
  std::optional<asio::posix::stream_descriptor> socket_;
  bool broken_ = false;  // a query was abandoned half way: the protocol state is unknown
};

class PostgresDatabase final : public Database {
 public:
  static std::unique_ptr<Database> open(const ConnectionInfo& info, const DatabaseOptions& options,
                                        std::string& error);
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Connection& controlConnection() override { return *control_; }
  std::optional<Schema> introspect(std::string& error, const IntrospectOptions& options) override;
  Task<QueryResult> query(unsigned loop, std::string sql, std::vector<Value> params) override;
  Task<QueryResult> transaction(unsigned loop,
                                std::function<Task<QueryResult>(Connection&)> body) override;
  void close() override;

  // Connections of loop `loop` that exist now (idle or in use); for tests and metrics.
  unsigned openConnections(unsigned loop) const;

 private:
  // A loop's pool: up to `capacity` connections, opened when needed; coroutines that find
  // none free wait in `waiters` (handed a connection, or nullptr meaning "open one").
  struct Slot {
    unsigned capacity = 1;
    unsigned open = 0;  // idle + in use + being opened
    std::vector<std::unique_ptr<PostgresConnection>> idle;
    WaiterQueue<std::unique_ptr<PostgresConnection>> waiters;
  };
  struct Lease {
    Lease(std::unique_ptr<PostgresConnection> c, DbError e)
        : connection(std::move(c)), error(std::move(e)) {}
    std::unique_ptr<PostgresConnection> connection;  // nullptr on failure
    DbError error;
  };

  PostgresDatabase() = default;
  Task<Lease> acquire(Slot& slot);
  void release(Slot& slot, std::unique_ptr<PostgresConnection> connection);
  // BEGIN, body, COMMIT or ROLLBACK; what `body` throws is caught into `failure`.
  static Task<QueryResult> runTransaction(PostgresConnection& connection,
                                          std::function<Task<QueryResult>(Connection&)> body,
                                          std::exception_ptr& failure);

  std::string uri_;
  DatabaseOptions options_;
  bool closed_ = false;
  std::unique_ptr<PostgresConnection> control_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace watt::db
