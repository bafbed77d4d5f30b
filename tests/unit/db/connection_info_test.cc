#include <gtest/gtest.h>

#include "db/database.h"

namespace watt::db {
namespace {

TEST(DbConnectionString, SqliteRelativeToBaseDir) {
  std::string error;
  auto info = parseConnectionString("sqlite://./db.sqlite", "/srv/app/web/db", error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->dialect, Dialect::kSqlite);
  EXPECT_EQ(info->sqlitePath, "/srv/app/web/db/db.sqlite");

  info = parseConnectionString("sqlite://../shared/x.db", "/srv/app/web/db", error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->sqlitePath, "/srv/app/web/shared/x.db");

  info = parseConnectionString("sqlite://plain.db", "/srv/app", error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->sqlitePath, "/srv/app/plain.db");
}

TEST(DbConnectionString, SqliteAbsoluteAndMemory) {
  std::string error;
  auto info = parseConnectionString("sqlite:///var/lib/app.sqlite", "/ignored", error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->sqlitePath, "/var/lib/app.sqlite");

  info = parseConnectionString("sqlite://:memory:", "/ignored", error);
  ASSERT_TRUE(info) << error;
  EXPECT_EQ(info->sqlitePath, ":memory:");
}

TEST(DbConnectionString, SqliteWithoutPathIsAnError) {
  std::string error;
  EXPECT_FALSE(parseConnectionString("sqlite://", "/srv", error));
  EXPECT_NE(error.find("no file path"), std::string::npos) << error;
}

TEST(DbConnectionString, PostgresUrisPassAsIs) {
  std::string error;
  for (std::string uri : {"postgres://user:secret@db.example:5433/movies",
                          "postgresql://localhost/app?sslmode=disable"}) {
    auto info = parseConnectionString(uri, "/srv", error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->dialect, Dialect::kPostgres);
    EXPECT_EQ(info->postgresUri, uri);
  }
}

TEST(DbConnectionString, OtherSchemesAreRefusedWithoutLeakingPasswords) {
  std::string error;
  EXPECT_FALSE(parseConnectionString("mysql://root:hunter2@localhost/app", "/srv", error));
  EXPECT_EQ(error,
            "unsupported database URL \"mysql://root:***@localhost/app\": use sqlite://... or "
            "postgres://...");
  EXPECT_FALSE(parseConnectionString("db.sqlite", "/srv", error));
  EXPECT_EQ(error, "unsupported database URL \"db.sqlite\": use sqlite://... or postgres://...");
}

}  // namespace
}  // namespace watt::db
