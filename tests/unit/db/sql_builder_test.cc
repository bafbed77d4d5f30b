// The SQL text and parameters the builder makes, without a database (the engine tests run them).
#include "db/sql_builder.h"

#include <gtest/gtest.h>

namespace watt::db {
namespace {

Column column(std::string name, std::string type, bool isArray = false, bool generated = false) {
  Column c;
  c.name = std::move(name);
  c.sqlType = std::move(type);
  c.isArray = isArray;
  c.generated = generated;
  return c;
}

Table books(std::string schema = {}) {
  Table t;
  t.schema = std::move(schema);
  t.name = "books";
  t.columns = {column("id", "integer"), column("title", "text"), column("year", "integer"),
               column("tags", "text", true), column("slug", "text", false, true)};
  t.primaryKey = {"id"};
  return t;
}

TEST(DbSqlBuilder, QuotesIdentifiersDoublingQuotes) {
  SqlBuilder sqlite(Dialect::kSqlite);
  EXPECT_EQ(sqlite.quoteIdentifier("id"), "\"id\"");
  EXPECT_EQ(sqlite.quoteIdentifier("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(sqlite.quoteIdentifier("\"; DROP TABLE x; --"), "\"\"\"; DROP TABLE x; --\"");
  EXPECT_EQ(sqlite.tableReference(books("public")), "\"books\"");
  SqlBuilder pg(Dialect::kPostgres);
  EXPECT_EQ(pg.tableReference(books("public")), "\"public\".\"books\"");
  EXPECT_EQ(pg.tableReference(books()), "\"books\"");
}

TEST(DbSqlBuilder, SelectWithEveryClause) {
  Table t = books();
  SelectQuery q;
  q.table = &t;
  q.columns = {"id", "title"};
  q.where.all = {{"year", Op::kGte, {2000}}, {"title", Op::kLike, {"A%"}}};
  q.where.addAnyOf({{"id", Op::kEq, {1}}, {"id", Op::kEq, {2}}});
  q.orderBy = {{"year", true}, {"id", false}};
  q.limit = 10;
  q.offset = 20;

  auto sqlite = SqlBuilder(Dialect::kSqlite).select(q);
  ASSERT_TRUE(sqlite.statement) << sqlite.error;
  EXPECT_EQ(sqlite.statement->sql,
            "SELECT \"id\", \"title\" FROM \"books\" WHERE \"year\" >= ? AND \"title\" LIKE ? AND "
            "(\"id\" = ? OR \"id\" = ?) ORDER BY \"year\" DESC, \"id\" ASC LIMIT ? OFFSET ?");
  EXPECT_EQ(sqlite.statement->params,
            (std::vector<Value>{2000, "A%", 1, 2, int64_t{10}, int64_t{20}}));

  t.schema = "public";
  auto pg = SqlBuilder(Dialect::kPostgres).select(q);
  ASSERT_TRUE(pg.statement) << pg.error;
  EXPECT_EQ(pg.statement->sql,
            "SELECT \"id\", \"title\" FROM \"public\".\"books\" WHERE \"year\" >= $1 AND \"title\" "
            "LIKE $2 AND "
            "(\"id\" = $3 OR \"id\" = $4) ORDER BY \"year\" DESC, \"id\" ASC LIMIT $5 OFFSET $6");
}

TEST(DbSqlBuilder, OrGroupsOfConjunctions) {
  Table t = books();
  SelectQuery q;
  q.table = &t;
  q.columns = {"id"};
  q.where.anyOf.push_back({Conjunction{{"year", Op::kGt, {2000}}, {"title", Op::kEq, {"A"}}},
                           Conjunction{{"id", Op::kEq, {7}}}, Conjunction{}});
  auto built = SqlBuilder(Dialect::kSqlite).select(q);
  ASSERT_TRUE(built.statement) << built.error;
  EXPECT_EQ(built.statement->sql,
            "SELECT \"id\" FROM \"books\" WHERE ((\"year\" > ? AND \"title\" = ?) OR \"id\" = ? OR 1=1)");
}

TEST(DbSqlBuilder, LongChainsAreBalanced) {
  Table t = books();
  SelectQuery q;
  q.table = &t;
  q.columns = {"id"};
  std::vector<Condition> alternatives;
  for (int i = 0; i < 20; ++i) alternatives.push_back({"id", Op::kEq, {i}});
  q.where.addAnyOf(alternatives);
  auto built = SqlBuilder(Dialect::kSqlite).select(q);
  ASSERT_TRUE(built.statement) << built.error;
  // 20 terms: two halves of 10, each split again into 5 + 5 (flat up to 8).
  std::string five = "\"id\" = ? OR \"id\" = ? OR \"id\" = ? OR \"id\" = ? OR \"id\" = ?";
  std::string ten = "(" + five + ") OR (" + five + ")";
  EXPECT_EQ(built.statement->sql, "SELECT \"id\" FROM \"books\" WHERE ((" + ten + ") OR (" + ten + "))");
  EXPECT_EQ(built.statement->params.size(), 20u);
}

TEST(DbSqlBuilder, LimitPerPartition) {
  Table t = books();
  SelectQuery q;
  q.table = &t;
  q.columns = {"id", "year"};
  q.where.all = {{"year", Op::kIn, {2000, 2001}}};
  q.orderBy = {{"id", true}};
  q.partitionBy = "year";
  q.limit = 3;
  q.offset = 1;
  auto built = SqlBuilder(Dialect::kPostgres).select(q);
  ASSERT_TRUE(built.statement) << built.error;
  EXPECT_EQ(built.statement->sql,
            "SELECT \"id\", \"year\" FROM (SELECT \"id\", \"year\", ROW_NUMBER() OVER (PARTITION BY \"year\" "
            "ORDER BY \"id\" DESC) AS \"__watt_row\" FROM \"books\" WHERE \"year\" = ANY($1)) AS \"__watt_window\" "
            "WHERE \"__watt_row\" > $2 AND \"__watt_row\" <= $3 ORDER BY \"year\", \"__watt_row\"");
  EXPECT_EQ(built.statement->params[1], Value(int64_t{1}));
  EXPECT_EQ(built.statement->params[2], Value(int64_t{4}));
  q.partitionBy = "nope";
  EXPECT_FALSE(SqlBuilder(Dialect::kPostgres).select(q).statement);
}

TEST(DbSqlBuilder, SelectAllColumnsAndOffsetWithoutLimit) {
  Table t = books();
  SelectQuery q;
  q.table = &t;
  q.offset = 5;
  auto sqlite = SqlBuilder(Dialect::kSqlite).select(q);
  ASSERT_TRUE(sqlite.statement);
  EXPECT_EQ(
      sqlite.statement->sql,
      "SELECT \"id\", \"title\", \"year\", \"tags\", \"slug\" FROM \"books\" LIMIT -1 OFFSET ?");
  auto pg = SqlBuilder(Dialect::kPostgres).select(q);
  ASSERT_TRUE(pg.statement);
  EXPECT_EQ(pg.statement->sql,
            "SELECT \"id\", \"title\", \"year\", \"tags\", \"slug\" FROM \"books\" OFFSET $1");
}

TEST(DbSqlBuilder, UnknownColumnsAreErrorsNeverText) {
  Table t = books();
  SqlBuilder b(Dialect::kSqlite);
  SelectQuery q;
  q.table = &t;
  q.columns = {"nope"};
  EXPECT_EQ(b.select(q).error, "unknown column \"nope\" in table \"books\"");
  q.columns = {};
  q.where.all = {{"\"; DROP TABLE books; --", Op::kEq, {1}}};
  auto r = b.select(q);
  EXPECT_FALSE(r.statement);
  EXPECT_EQ(r.error, "unknown column \"\"; DROP TABLE books; --\" in table \"books\"");
  q.where = {};
  q.orderBy = {{"missing", false}};
  EXPECT_EQ(b.select(q).error, "unknown column \"missing\" in table \"books\"");
  EXPECT_EQ(b.insert(t, {{"x", 1}}, {}).error, "unknown column \"x\" in table \"books\"");
  EXPECT_EQ(b.insert(t, {{"title", "a"}}, {"y"}).error, "unknown column \"y\" in table \"books\"");
  EXPECT_EQ(b.update(t, {{"z", 1}}, {}, {}).error, "unknown column \"z\" in table \"books\"");
  EXPECT_EQ(b.remove(t, {{{"w", Op::kEq, {1}}}, {}}, {}).error,
            "unknown column \"w\" in table \"books\"");
  EXPECT_EQ(b.count(t, {{{"v", Op::kEq, {1}}}, {}}).error,
            "unknown column \"v\" in table \"books\"");
}

TEST(DbSqlBuilder, InAndNinWithEmptyAndLongLists) {
  Table t = books();
  SqlBuilder sqlite(Dialect::kSqlite);
  SqlBuilder pg(Dialect::kPostgres);
  auto where = [&](const SqlBuilder& b, Condition c) {
    auto r = b.count(t, Filter{{std::move(c)}, {}});
    EXPECT_TRUE(r.statement) << r.error;
    return r.statement ? r.statement->sql : "";
  };
  EXPECT_EQ(where(sqlite, {"id", Op::kIn, {}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE 1=0");
  EXPECT_EQ(where(sqlite, {"id", Op::kNin, {}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE 1=1");
  EXPECT_EQ(where(sqlite, {"id", Op::kIn, {1, 2, 3}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"id\" IN (?, ?, ?)");
  EXPECT_EQ(where(sqlite, {"id", Op::kNin, {1}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"id\" NOT IN (?)");
  EXPECT_EQ(where(pg, {"id", Op::kIn, {1, 2, 3}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"id\" = ANY($1)");
  EXPECT_EQ(where(pg, {"id", Op::kNin, {1, 2}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"id\" <> ALL($1)");
  auto params =
      pg.count(t, Filter{{{"title", Op::kIn, {"a\"b", "c\\d", Value()}}}, {}}).statement->params;
  EXPECT_EQ(params, (std::vector<Value>{"{\"a\\\"b\",\"c\\\\d\",NULL}"}));

  // SQLite binds one parameter per value: past its limit the builder refuses.
  std::vector<Value> many(SqlBuilder::kMaxSqliteParameters + 1, Value(1));
  auto tooMany = sqlite.count(t, Filter{{{"id", Op::kIn, many}}, {}});
  EXPECT_FALSE(tooMany.statement);
  EXPECT_EQ(tooMany.error,
            "too many values: the statement needs 32767 parameters, SQLite takes at most 32766");
  EXPECT_TRUE(pg.count(t, Filter{{{"id", Op::kIn, many}}, {}}).statement);
}

TEST(DbSqlBuilder, NullComparisonsBecomeIsNull) {
  Table t = books();
  SqlBuilder b(Dialect::kSqlite);
  auto r = b.count(t, Filter{{{"year", Op::kEq, {Value()}},
                              {"title", Op::kNeq, {nullptr}},
                              {"id", Op::kIsNull, {true}},
                              {"tags", Op::kIsNull, {false}}},
                             {}});
  ASSERT_TRUE(r.statement) << r.error;
  EXPECT_EQ(r.statement->sql,
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"year\" IS NULL AND \"title\" IS NOT "
            "NULL AND "
            "\"id\" IS NULL AND \"tags\" IS NOT NULL");
  EXPECT_TRUE(r.statement->params.empty());
  EXPECT_EQ(b.count(t, Filter{{{"id", Op::kIsNull, {1}}}, {}}).error,
            "operator \"isNull\" on column \"id\" takes true or false");
  EXPECT_EQ(b.count(t, Filter{{{"id", Op::kEq, {1, 2}}}, {}}).error,
            "operator \"eq\" on column \"id\" takes one value, 2 given");
}

TEST(DbSqlBuilder, LikeAndIlike) {
  Table t = books();
  auto sql = [&](Dialect d, Condition c) {
    auto r = SqlBuilder(d).count(t, Filter{{std::move(c)}, {}});
    return r.statement ? r.statement->sql : r.error;
  };
  EXPECT_EQ(sql(Dialect::kSqlite, {"title", Op::kIlike, {"a%"}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"title\" LIKE ?");
  EXPECT_EQ(sql(Dialect::kPostgres, {"title", Op::kIlike, {"a%"}}),
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"title\" ILIKE $1");
  EXPECT_EQ(
      sql(Dialect::kPostgres, {"year", Op::kLike, {"19%"}}),
      "SELECT COUNT(*) AS total FROM \"books\" WHERE TRIM(CAST(\"year\" AS CHAR(64))) LIKE $1");
}

TEST(DbSqlBuilder, ArrayOperatorsOnlyOnPostgresArrays) {
  Table t = books();
  SqlBuilder pg(Dialect::kPostgres);
  auto r = pg.count(t, Filter{{{"tags", Op::kContains, {"a", "b"}},
                               {"tags", Op::kContained, {"x"}},
                               {"tags", Op::kOverlaps, {}},
                               {"tags", Op::kAny, {"z"}},
                               {"tags", Op::kAll, {"q"}}},
                              {}});
  ASSERT_TRUE(r.statement) << r.error;
  EXPECT_EQ(r.statement->sql,
            "SELECT COUNT(*) AS total FROM \"books\" WHERE \"tags\" @> $1 AND \"tags\" <@ $2 AND "
            "\"tags\" && $3 "
            "AND $4 = ANY(\"tags\") AND $5 = ALL(\"tags\")");
  EXPECT_EQ(r.statement->params, (std::vector<Value>{"{\"a\",\"b\"}", "{\"x\"}", "{}", "z", "q"}));
  EXPECT_EQ(pg.count(t, Filter{{{"title", Op::kContains, {"a"}}}, {}}).error,
            "operator \"contains\" needs an array column: \"title\" in table \"books\" is not one");
  EXPECT_EQ(
      SqlBuilder(Dialect::kSqlite).count(t, Filter{{{"tags", Op::kOverlaps, {"a"}}}, {}}).error,
      "operator \"overlaps\" works on PostgreSQL array columns only");
}

TEST(DbSqlBuilder, EmptyOrGroupMatchesNothing) {
  Table t = books();
  auto r = SqlBuilder(Dialect::kSqlite).count(t, Filter{{}, {{}}});
  ASSERT_TRUE(r.statement);
  EXPECT_EQ(r.statement->sql, "SELECT COUNT(*) AS total FROM \"books\" WHERE 1=0");
}

TEST(DbSqlBuilder, InsertUpsertUpdateDelete) {
  Table t = books();
  SqlBuilder pg(Dialect::kPostgres);
  auto insert = pg.insert(t, {{"title", "Dune"}, {"year", 1965}}, {"id", "title"});
  ASSERT_TRUE(insert.statement) << insert.error;
  EXPECT_EQ(
      insert.statement->sql,
      "INSERT INTO \"books\" (\"title\", \"year\") VALUES ($1, $2) RETURNING \"id\", \"title\"");
  auto defaults = pg.insert(t, {}, {"id"});
  ASSERT_TRUE(defaults.statement);
  EXPECT_EQ(defaults.statement->sql, "INSERT INTO \"books\" DEFAULT VALUES RETURNING \"id\"");

  auto upsert = pg.upsert(t, {{"id", 1}, {"title", "Dune"}}, {"id"});
  ASSERT_TRUE(upsert.statement) << upsert.error;
  EXPECT_EQ(upsert.statement->sql,
            "INSERT INTO \"books\" (\"id\", \"title\") VALUES ($1, $2) ON CONFLICT (\"id\") DO "
            "UPDATE SET "
            "\"title\" = excluded.\"title\" RETURNING \"id\"");
  auto keyOnly = SqlBuilder(Dialect::kSqlite).upsert(t, {{"id", 1}}, {});
  ASSERT_TRUE(keyOnly.statement);
  EXPECT_EQ(keyOnly.statement->sql,
            "INSERT INTO \"books\" (\"id\") VALUES (?) ON CONFLICT (\"id\") DO UPDATE SET \"id\" = "
            "excluded.\"id\"");

  auto update = pg.update(t, {{"title", "X"}}, Filter{{{"id", Op::kEq, {3}}}, {}}, {"id", "title"});
  ASSERT_TRUE(update.statement);
  EXPECT_EQ(update.statement->sql,
            "UPDATE \"books\" SET \"title\" = $1 WHERE \"id\" = $2 RETURNING \"id\", \"title\"");
  EXPECT_EQ(update.statement->params, (std::vector<Value>{"X", 3}));

  auto remove = pg.remove(t, Filter{{{"id", Op::kGt, {3}}}, {}}, {"id"});
  ASSERT_TRUE(remove.statement);
  EXPECT_EQ(remove.statement->sql, "DELETE FROM \"books\" WHERE \"id\" > $1 RETURNING \"id\"");
}

TEST(DbSqlBuilder, WritesRefuseGeneratedDuplicateAndEmpty) {
  Table t = books();
  SqlBuilder b(Dialect::kSqlite);
  EXPECT_EQ(b.insert(t, {{"slug", "x"}}, {}).error,
            "column \"slug\" of table \"books\" is generated and cannot be written");
  EXPECT_EQ(b.insert(t, {{"title", "a"}, {"title", "b"}}, {}).error, "column \"title\" set twice");
  EXPECT_EQ(b.update(t, {}, {}, {}).error, "an update needs at least one column to set");
  EXPECT_EQ(b.upsert(t, {}, {}).error, "an upsert needs at least one value");
  Table view = t;
  view.primaryKey.clear();
  EXPECT_EQ(b.upsert(view, {{"title", "a"}}, {}).error,
            "table \"books\" has no primary key: an upsert needs one");
  SelectQuery q;
  q.table = &t;
  q.limit = -1;
  EXPECT_EQ(b.select(q).error, "limit and offset must not be negative");
}

}  // namespace
}  // namespace watt::db
