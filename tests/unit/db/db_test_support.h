// What the database tests share: a fresh database per test on either engine (a SQLite file in a
// temporary folder; a PostgreSQL database created for the test on the server named by
// $WATT_TEST_PG_URI, which ctest starts), and running a coroutine to completion.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "common/asio.h"
#include "db/database.h"
#include "db/schema.h"
#include "db/sql_builder.h"

namespace watt::db {

// Readable values in gtest's failure messages.
inline void PrintTo(const Value& value, std::ostream* out) {
  const auto& v = value.storage();
  if (std::holds_alternative<std::monostate>(v)) {
    *out << "NULL";
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    *out << *i;
  } else if (const auto* d = std::get_if<double>(&v)) {
    *out << *d << " (real)";
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    *out << '"' << (s->size() > 200 ? s->substr(0, 200) + "..." : *s) << '"';
  } else if (const auto* b = std::get_if<Blob>(&v)) {
    *out << "blob of " << b->bytes.size() << " bytes";
  } else {
    *out << (std::get<bool>(v) ? "true" : "false");
  }
}

}  // namespace watt::db

namespace watt::db::testing {

inline const char* engineName(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "Sqlite" : "Postgres";
}

// Runs `task` on `io` until it completes; rethrows what it throws.
template <typename T>
T runTask(asio::io_context& io, Task<T> task) {
  std::optional<T> out;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) out = std::move(value);
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

// The server the PostgreSQL cases use; empty when they are to be skipped.
inline std::string postgresAdminUri() {
  const char* uri = std::getenv("WATT_TEST_PG_URI");
  return uri ? uri : "";
}

// The same URI with another database name.
inline std::string withDatabase(const std::string& uri, const std::string& name) {
  auto query = uri.find('?');
  std::string base = uri.substr(0, query);
  std::string rest = query == std::string::npos ? "" : uri.substr(query);
  auto scheme = base.find("://");
  auto slash = base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return (slash == std::string::npos ? base : base.substr(0, slash)) + "/" + name + rest;
}

// A database that exists for one test.
class ScratchDatabase {
 public:
  // nullptr with `skipReason` set when the engine is unavailable (no PostgreSQL server given).
  static std::unique_ptr<ScratchDatabase> create(Dialect dialect, std::string& skipReason,
                                                 DatabaseOptions options = {}) {
    static std::atomic<unsigned> counter{0};
    std::string name = "watt_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
    std::string error;
    if (dialect == Dialect::kSqlite) {
      scratch->folder_ = std::filesystem::temp_directory_path() / name;
      std::filesystem::create_directories(scratch->folder_);
      scratch->info_.dialect = Dialect::kSqlite;
      scratch->info_.sqlitePath = (scratch->folder_ / "test.sqlite").string();
    } else {
      std::string admin = postgresAdminUri();
      if (admin.empty()) {
        skipReason = "WATT_TEST_PG_URI is not set (ctest starts a server and sets it)";
        return nullptr;
      }
      ConnectionInfo adminInfo{Dialect::kPostgres, "", admin};
      scratch->admin_ = Database::open(adminInfo, {}, error);
      if (!scratch->admin_) {
        ADD_FAILURE() << "cannot reach the PostgreSQL test server: " << error;
        return nullptr;
      }
      QueryResult created =
          scratch->admin_->controlConnection().querySync("CREATE DATABASE " + name, {});
      if (!created.ok()) {
        ADD_FAILURE() << "CREATE DATABASE: " << created.error->message;
        return nullptr;
      }
      scratch->pgName_ = name;
      scratch->info_.dialect = Dialect::kPostgres;
      scratch->info_.postgresUri = withDatabase(admin, name);
    }
    scratch->database_ = Database::open(scratch->info_, options, error);
    if (!scratch->database_) {
      ADD_FAILURE() << "cannot open the test database: " << error;
      return nullptr;
    }
    return scratch;
  }

  ~ScratchDatabase() {
    if (database_) database_->close();
    database_.reset();
    if (!pgName_.empty() && admin_)
      admin_->controlConnection().querySync("DROP DATABASE IF EXISTS " + pgName_ + " WITH (FORCE)",
                                            {});
    if (admin_) admin_->close();
    if (!folder_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(folder_, ec);
    }
  }

  Database& database() { return *database_; }
  // PostgreSQL: a connection to the server's own database, and the name of this one.
  Database* admin() { return admin_.get(); }
  const std::string& postgresName() const { return pgName_; }
  const ConnectionInfo& info() const { return info_; }
  const std::filesystem::path& folder() const { return folder_; }
  // Opens the same database again (other options).
  std::unique_ptr<Database> reopen(const DatabaseOptions& options, std::string& error) const {
    return Database::open(info_, options, error);
  }

 private:
  ScratchDatabase() = default;
  ConnectionInfo info_;
  std::unique_ptr<Database> admin_;
  std::unique_ptr<Database> database_;
  std::string pgName_;
  std::filesystem::path folder_;
};

// A test that runs once per engine: Engines/<Suite>.<Test>/Sqlite and .../Postgres.
class EngineTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    std::string skip;
    scratch_ = ScratchDatabase::create(GetParam(), skip, options());
    if (!scratch_) {
      if (!skip.empty()) GTEST_SKIP() << skip;
      FAIL() << "no test database";
    }
  }
  void TearDown() override { scratch_.reset(); }

  virtual DatabaseOptions options() const { return {}; }

  bool postgres() const { return GetParam() == Dialect::kPostgres; }
  Database& db() { return scratch_->database(); }
  ScratchDatabase& scratch() { return *scratch_; }
  SqlBuilder builder() const { return SqlBuilder(GetParam()); }

  // DDL that differs between the engines.
  const char* pick(const char* sqlite, const char* postgres) const {
    return this->postgres() ? postgres : sqlite;
  }

  // Runs a script on the control connection; fails the test on error.
  void exec(const std::string& sql) {
    QueryResult result = db().controlConnection().execScriptSync(sql);
    ASSERT_TRUE(result.ok()) << result.error->message << "\n" << sql;
  }

  // One statement through the loop path (Database::query on loop 0).
  QueryResult query(const std::string& sql, std::vector<Value> params = {}) {
    return runTask(io_, db().query(0, sql, std::move(params)));
  }
  QueryResult run(const BuildResult& built) {
    EXPECT_TRUE(built.statement.has_value()) << built.error;
    if (!built.statement) return QueryResult::failure({DbError::Kind::kOther, built.error, {}});
    return query(built.statement->sql, built.statement->params);
  }
  // Like run(), and the statement must succeed.
  ResultSet rows(const BuildResult& built) {
    QueryResult result = run(built);
    EXPECT_TRUE(result.ok()) << (result.error ? result.error->message : "") << "\n"
                             << (built.statement ? built.statement->sql : built.error);
    return result.rows.value_or(ResultSet{});
  }

  Schema schema() {
    std::string error;
    auto found = db().introspect(error);
    EXPECT_TRUE(found.has_value()) << error;
    return found.value_or(Schema{});
  }

  asio::io_context io_;

 private:
  std::unique_ptr<ScratchDatabase> scratch_;
};

inline std::string engineParamName(const ::testing::TestParamInfo<Dialect>& info) {
  return engineName(info.param);
}

#define WATT_ENGINE_TESTS(Suite)                                                    \
  INSTANTIATE_TEST_SUITE_P(Engines, Suite,                                          \
                           ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), \
                           ::watt::db::testing::engineParamName)

}  // namespace watt::db::testing
