// Several loops, and several coroutines on one loop, using one Database at once: SQLite (WAL
// file and shared memory database) and PostgreSQL's per-loop pools.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "db/postgres_database.h"
#include "db_test_support.h"
#include "runtime/loop.h"

namespace watt::db {
namespace {

using namespace std::chrono_literals;
using testing::EngineTest;
using testing::ScratchDatabase;

// Starts `task` on `loop` (from any thread) and hands back its result.
template <typename T>
std::future<T> spawnOn(runtime::Loop& loop, std::function<Task<T>()> make) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  loop.post([&loop, promise, make = std::move(make)] {
    asio::co_spawn(loop.context(), make(), [promise](std::exception_ptr e, T value) {
      if (e)
        promise->set_exception(e);
      else
        promise->set_value(std::move(value));
    });
  });
  return future;
}

// Each loop inserts and reads `rounds` times; returns the number of failed statements.
Task<int> hammer(Database& db, int rounds, std::string insertSql) {
  int failures = 0;
  unsigned loop = runtime::Loop::current()->index();
  for (int i = 0; i < rounds; ++i) {
    std::vector<Value> params1{int64_t(loop), i};
    QueryResult inserted = co_await db.query(loop, insertSql, std::move(params1));
    if (!inserted.ok()) {
      ADD_FAILURE() << inserted.error->message;
      ++failures;
    }
    QueryResult counted = co_await db.query(loop, "SELECT COUNT(*) FROM hits", {});
    if (!counted.ok()) {
      ADD_FAILURE() << counted.error->message;
      ++failures;
    }
  }
  co_return failures;
}

void twoLoops(Database& db, const std::string& insertSql) {
  std::string create = db.dialect() == Dialect::kSqlite
                           ? "CREATE TABLE hits (id INTEGER PRIMARY KEY, loop INTEGER, i INTEGER)"
                           : "CREATE TABLE hits (id SERIAL PRIMARY KEY, loop INTEGER, i INTEGER)";
  ASSERT_TRUE(db.controlConnection().execScriptSync(create).ok());
  runtime::LoopGroup loops(2);
  loops.start();
  std::vector<std::future<int>> results;
  for (unsigned i = 0; i < 2; ++i)
    results.push_back(
        spawnOn<int>(loops.at(i), [&db, insertSql] { return hammer(db, 300, insertSql); }));
  for (auto& r : results) EXPECT_EQ(r.get(), 0);
  auto total = db.controlConnection().querySync(
      "SELECT loop, COUNT(*) FROM hits GROUP BY loop ORDER BY loop", {});
  // PostgreSQL connections belong to their loop's io_context: close before the loops go away.
  db.close();
  loops.stop();
  ASSERT_TRUE(total.ok());
  ASSERT_EQ(total.rows->rows.size(), 2u);
  EXPECT_EQ(total.rows->rows[0][1], Value(300));
  EXPECT_EQ(total.rows->rows[1][1], Value(300));
}

class DbConcurrency : public EngineTest {
 protected:
  DatabaseOptions options() const override {
    DatabaseOptions o;
    o.loops = 2;
    o.poolSize = 4;
    return o;
  }
};

TEST_P(DbConcurrency, TwoLoopsAtOnce) {
  twoLoops(db(), pick("INSERT INTO hits (loop, i) VALUES (?, ?)",
                      "INSERT INTO hits (loop, i) VALUES ($1, $2)"));
}

// A statement from another coroutine of the same loop waits for a running transaction: it is
// neither part of it nor undone with it.
TEST_P(DbConcurrency, TransactionsDoNotInterleaveOnALoop) {
  exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  std::string insert = pick("INSERT INTO notes (id, body) VALUES (?, ?)",
                            "INSERT INTO notes (id, body) VALUES ($1, $2)");
  std::vector<std::string> events;
  Database& database = db();
  asio::co_spawn(
      io_,
      [&]() -> Task<void> {
        QueryResult result =
            co_await database.transaction(0, [&](Connection& c) -> Task<QueryResult> {
              std::vector<Value> params3{1, "in the transaction"};
              QueryResult first = co_await c.query(insert, std::move(params3));
              (void)first;
              events.push_back("transaction wrote");
              auto executor = co_await asio::this_coro::executor;
              asio::steady_timer pause(executor, 50ms);
              co_await pause.async_wait(kNoThrow);  // let the other coroutine run
              events.push_back("transaction gives up");
              co_return QueryResult::failure({DbError::Kind::kOther, "rolled back on purpose", {}});
            });
        EXPECT_FALSE(result.ok());
      },
      asio::detached);
  asio::co_spawn(
      io_,
      [&]() -> Task<void> {
        std::vector<Value> params4{2, "outside"};
        QueryResult result = co_await database.query(0, insert, std::move(params4));
        EXPECT_TRUE(result.ok()) << result.error->message;
        events.push_back("outside wrote");
      },
      asio::detached);
  io_.run();
  io_.restart();
  if (!postgres()) {
    // SQLite: one connection per loop, so the outside statement waited for the transaction.
    EXPECT_EQ(events, (std::vector<std::string>{"transaction wrote", "transaction gives up",
                                                "outside wrote"}));
  }
  auto left = query("SELECT id FROM notes ORDER BY id");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left.rows->rows.size(), 1u);
  EXPECT_EQ(left.rows->rows[0][0], Value(2));
}

WATT_ENGINE_TESTS(DbConcurrency);

TEST(DbSqliteConcurrency, SharedMemoryDatabaseFromTwoLoops) {
  std::string error;
  DatabaseOptions options;
  options.loops = 2;
  auto db = Database::open({Dialect::kSqlite, ":memory:", ""}, options, error);
  ASSERT_TRUE(db) << error;
  twoLoops(*db, "INSERT INTO hits (loop, i) VALUES (?, ?)");
}

// --- PostgreSQL pools -----------------------------------------------------------------------

class DbPgPool : public EngineTest {
 protected:
  DatabaseOptions options() const override {
    DatabaseOptions o;
    o.loops = 2;
    o.poolSize = 5;  // 3 for loop 0, 2 for loop 1
    return o;
  }
  PostgresDatabase& pg() { return dynamic_cast<PostgresDatabase&>(db()); }
};

TEST_P(DbPgPool, ConcurrentQueriesOnOneLoopShareThePool) {
  constexpr int kQueries = 9;
  std::vector<QueryResult> results(kQueries);
  Database& database = db();
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kQueries; ++i) {
    asio::co_spawn(
        io_,
        [&, i]() -> Task<void> {
          std::vector<Value> params5{i};
          results[i] = co_await database.query(0, "SELECT $1::int AS n, pg_sleep(0.2)::text",
                                               std::move(params5));
        },
        asio::detached);
  }
  io_.run();
  io_.restart();
  auto elapsed = std::chrono::steady_clock::now() - started;
  for (int i = 0; i < kQueries; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].error->message;
    EXPECT_EQ(results[i].rows->rows.at(0).at(0), Value(i));
  }
  // Three connections in parallel: three rounds of 0.2 s, not nine.
  EXPECT_EQ(pg().openConnections(0), 3u);
  EXPECT_EQ(pg().openConnections(1), 0u) << "created when a loop needs them";
  EXPECT_GE(elapsed, 550ms);
  EXPECT_LT(elapsed, 1500ms);
}

TEST_P(DbPgPool, BrokenConnectionsAreReplaced) {
  // The server ends this very session while it runs a query.
  auto killed = query("SELECT pg_terminate_backend(pg_backend_pid())");
  ASSERT_FALSE(killed.ok());
  EXPECT_EQ(killed.error->kind, DbError::Kind::kConnection) << killed.error->message;
  EXPECT_EQ(pg().openConnections(0), 0u) << "dropped, not returned to the pool";
  auto next = query("SELECT 1");
  ASSERT_TRUE(next.ok()) << next.error->message;
  EXPECT_EQ(pg().openConnections(0), 1u);

  // Idle connections closed by the server are noticed before use.
  auto& control = db().controlConnection();
  auto terminated = control.querySync(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
      "AND pid <> "
      "pg_backend_pid() AND backend_type = 'client backend'",
      {});
  ASSERT_TRUE(terminated.ok()) << terminated.error->message;
  for (int i = 0; i < 500; ++i) {  // until the killed backend has exited
    auto others = control.querySync(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
        "pg_backend_pid() AND "
        "backend_type = 'client backend'",
        {});
    if (others.ok() && others.rows->rows[0][0] == Value(0)) break;
    std::this_thread::sleep_for(10ms);
  }
  auto afterKill = query("SELECT 2");
  ASSERT_TRUE(afterKill.ok()) << afterKill.error->message;
  EXPECT_EQ(afterKill.rows->rows[0][0], Value(2));
}

TEST_P(DbPgPool, ConnectFailuresReachEveryWaiterAndRecover) {
  // Connections to this database are refused from now on (the open ones stay).
  auto& admin = scratch().admin()->controlConnection();
  std::string name = scratch().postgresName();
  auto refuse = admin.querySync("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS false", {});
  ASSERT_TRUE(refuse.ok()) << refuse.error->message;
  std::vector<QueryResult> results(5);
  Database& database = db();
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(
        io_, [&, i]() -> Task<void> { results[i] = co_await database.query(0, "SELECT 1", {}); },
        asio::detached);
  io_.run();
  io_.restart();
  for (const auto& r : results) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->kind, DbError::Kind::kConnection);
    EXPECT_NE(r.error->message.find("not currently accepting connections"), std::string::npos)
        << r.error->message;
  }
  EXPECT_EQ(pg().openConnections(0), 0u);
  ASSERT_TRUE(admin.querySync("ALTER DATABASE \"" + name + "\" ALLOW_CONNECTIONS true", {}).ok());
  EXPECT_TRUE(query("SELECT 1").ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, DbPgPool, ::testing::Values(Dialect::kPostgres),
                         testing::engineParamName);

TEST(DbPgOpen, UnreachableServerIsAClearError) {
  std::string error;
  DatabaseOptions options;
  options.connectTimeout = 2000ms;
  auto db = Database::open({Dialect::kPostgres, "", "postgresql://postgres@127.0.0.1:1/none"},
                           options, error);
  EXPECT_FALSE(db);
  EXPECT_EQ(error.rfind("cannot connect to PostgreSQL: ", 0), 0u) << error;
}

}  // namespace
}  // namespace watt::db
