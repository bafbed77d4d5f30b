// Statements from the SQL builder run against both engines: CRUD, every operator, NULLs,
// RETURNING, upsert, transactions and how errors are classified.
#include <gtest/gtest.h>

#include <stdexcept>

#include "db_test_support.h"

namespace watt::db {
namespace {

using testing::EngineTest;

bool truthy(const Value& v) {
  return v.isBool() ? v.boolean() : v.isInteger() && v.integer() != 0;
}

std::vector<int64_t> ids(const ResultSet& rows) {
  std::vector<int64_t> out;
  for (const auto& row : rows.rows) out.push_back(row.at(0).isInteger() ? row[0].integer() : -1);
  return out;
}

class DbCrud : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    exec(pick(R"(
      CREATE TABLE films (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        year INTEGER CHECK (year > 1800),
        rating REAL,
        poster BLOB,
        released BOOLEAN DEFAULT 0,
        created_at TEXT DEFAULT CURRENT_TIMESTAMP);
      CREATE UNIQUE INDEX films_title ON films (title);)",
              R"(
      CREATE TABLE films (
        id SERIAL PRIMARY KEY,
        title TEXT NOT NULL,
        year INTEGER CHECK (year > 1800),
        rating DOUBLE PRECISION,
        poster BYTEA,
        released BOOLEAN DEFAULT false,
        created_at TIMESTAMPTZ DEFAULT now());
      CREATE UNIQUE INDEX films_title ON films (title);)"));
    schema_ = schema();
    films_ = schema_.table("films");
    ASSERT_NE(films_, nullptr);
  }

  Schema schema_;
  const Table* films_ = nullptr;
};

TEST_P(DbCrud, RoundTrip) {
  auto b = builder();
  std::vector<std::string> all = {"id",     "title",    "year",      "rating",
                                  "poster", "released", "created_at"};
  auto inserted = rows(b.insert(*films_,
                                {{"title", "Alien"},
                                 {"year", 1979},
                                 {"rating", 8.5},
                                 {"poster", Blob{std::string("\x00\x01\xff", 3)}},
                                 {"released", true}},
                                all));
  ASSERT_EQ(inserted.rows.size(), 1u);
  EXPECT_EQ(inserted.columns, all);
  const auto& row = inserted.rows[0];
  EXPECT_EQ(row[0], Value(1));
  EXPECT_EQ(row[1], Value("Alien"));
  EXPECT_EQ(row[2], Value(1979));
  EXPECT_EQ(row[3], Value(8.5));
  EXPECT_EQ(row[4], Value(Blob{std::string("\x00\x01\xff", 3)}));
  EXPECT_TRUE(truthy(row[5]));
  EXPECT_TRUE(row[6].isText() && !row[6].text().empty()) << "default filled in";
  EXPECT_EQ(inserted.affectedRows, 1);

  rows(b.insert(*films_, {{"title", "Brazil"}, {"year", 1985}}, {}));
  SelectQuery q;
  q.table = films_;
  q.columns = {"id", "title", "released", "poster"};
  q.orderBy = {{"id", false}};
  auto selected = rows(b.select(q));
  ASSERT_EQ(selected.rows.size(), 2u);
  EXPECT_EQ(selected.rows[1][1], Value("Brazil"));
  EXPECT_FALSE(truthy(selected.rows[1][2]));
  EXPECT_TRUE(selected.rows[1][3].isNull());

  auto updated = rows(b.update(*films_, {{"title", "Brazil (1985)"}, {"rating", 7.9}},
                               Filter{{{"id", Op::kEq, {2}}}, {}}, {"id", "title", "rating"}));
  ASSERT_EQ(updated.rows.size(), 1u);
  EXPECT_EQ(updated.rows[0][1], Value("Brazil (1985)"));
  EXPECT_EQ(updated.rows[0][2], Value(7.9));
  EXPECT_EQ(updated.affectedRows, 1);

  auto counted = rows(b.count(*films_, {}));
  EXPECT_EQ(counted.columns, std::vector<std::string>{"total"});
  EXPECT_EQ(counted.rows.at(0).at(0), Value(2));

  auto removed = rows(b.remove(*films_, Filter{{{"year", Op::kLt, {1980}}}, {}}, {"id", "title"}));
  ASSERT_EQ(removed.rows.size(), 1u);
  EXPECT_EQ(removed.rows[0][1], Value("Alien"));
  EXPECT_EQ(rows(b.count(*films_, {})).rows.at(0).at(0), Value(1));
}

TEST_P(DbCrud, ReturningSeveralRowsAndNoReturning) {
  auto b = builder();
  for (int year : {1990, 1991, 1992})
    rows(b.insert(*films_, {{"title", "F" + std::to_string(year)}, {"year", year}}, {}));
  auto updated = rows(
      b.update(*films_, {{"rating", 5.0}}, Filter{{{"year", Op::kGte, {1991}}}, {}}, {"title"}));
  EXPECT_EQ(updated.rows.size(), 2u);
  EXPECT_EQ(updated.affectedRows, 2);
  auto plain = rows(b.update(*films_, {{"rating", 1.0}}, {}, {}));
  EXPECT_TRUE(plain.rows.empty());
  EXPECT_EQ(plain.affectedRows, 3);
  auto removed = rows(b.remove(*films_, {}, {"id"}));
  EXPECT_EQ(removed.rows.size(), 3u);
}

TEST_P(DbCrud, InsertDefaultValues) {
  exec(pick("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 7)",
            "CREATE TABLE counters (id SERIAL PRIMARY KEY, n INTEGER DEFAULT 7)"));
  Schema s = schema();
  auto inserted = rows(builder().insert(*s.table("counters"), {}, {"id", "n"}));
  ASSERT_EQ(inserted.rows.size(), 1u);
  EXPECT_EQ(inserted.rows[0][0], Value(1));
  EXPECT_EQ(inserted.rows[0][1], Value(7));
}

TEST_P(DbCrud, Upsert) {
  auto b = builder();
  rows(b.insert(*films_, {{"id", 1}, {"title", "Alien"}, {"year", 1979}}, {}));
  auto replaced = rows(
      b.upsert(*films_, {{"id", 1}, {"title", "Aliens"}, {"year", 1986}}, {"id", "title", "year"}));
  ASSERT_EQ(replaced.rows.size(), 1u);
  EXPECT_EQ(replaced.rows[0], (std::vector<Value>{1, "Aliens", 1986}));
  auto fresh = rows(b.upsert(*films_, {{"id", 42}, {"title", "Heat"}}, {"id", "title"}));
  ASSERT_EQ(fresh.rows.size(), 1u);
  EXPECT_EQ(fresh.rows[0], (std::vector<Value>{42, "Heat"}));
  EXPECT_EQ(rows(b.count(*films_, {})).rows[0][0], Value(2));

  exec("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT)");
  Schema s = schema();
  rows(b.insert(*s.table("tags"), {{"id", 7}, {"label", "keep me"}}, {}));
  auto keyOnly = rows(b.upsert(*s.table("tags"), {{"id", 7}}, {"label"}));
  ASSERT_EQ(keyOnly.rows.size(), 1u) << "a no-op update still returns the row";
  EXPECT_EQ(keyOnly.rows[0][0], Value("keep me"));
}

TEST_P(DbCrud, ConstraintViolationsAreClassified) {
  auto b = builder();
  rows(b.insert(*films_, {{"id", 1}, {"title", "Alien"}}, {}));

  auto duplicateTitle = run(b.insert(*films_, {{"title", "Alien"}}, {}));
  ASSERT_FALSE(duplicateTitle.ok());
  EXPECT_EQ(duplicateTitle.error->kind, DbError::Kind::kUniqueViolation)
      << duplicateTitle.error->message;
  auto duplicateKey = run(b.insert(*films_, {{"id", 1}, {"title", "Other"}}, {}));
  ASSERT_FALSE(duplicateKey.ok());
  EXPECT_EQ(duplicateKey.error->kind, DbError::Kind::kUniqueViolation)
      << duplicateKey.error->message;

  auto noTitle = run(b.insert(*films_, {{"year", 2000}}, {}));
  ASSERT_FALSE(noTitle.ok());
  EXPECT_EQ(noTitle.error->kind, DbError::Kind::kNotNullViolation);
  if (postgres()) {
    EXPECT_EQ(noTitle.error->message,
              "null value in column \"title\" of relation \"films\" violates not-null constraint");
    EXPECT_EQ(noTitle.error->sqlState, "23502");
  } else {
    EXPECT_EQ(noTitle.error->message, "NOT NULL constraint failed: films.title");
  }

  auto badYear = run(b.insert(*films_, {{"title", "Old"}, {"year", 1700}}, {}));
  ASSERT_FALSE(badYear.ok());
  EXPECT_EQ(badYear.error->kind, DbError::Kind::kCheckViolation) << badYear.error->message;

  exec(
      "CREATE TABLE reviews (id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL REFERENCES films "
      "(id), body TEXT)");
  Schema s = schema();
  auto orphan =
      run(b.insert(*s.table("reviews"), {{"id", 1}, {"film_id", 999}, {"body", "?"}}, {}));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error->kind, DbError::Kind::kForeignKeyViolation) << orphan.error->message;
  if (!postgres()) {
    EXPECT_EQ(orphan.error->message, "FOREIGN KEY constraint failed");
  }
  auto parentInUse = (rows(b.insert(*s.table("reviews"), {{"id", 1}, {"film_id", 1}}, {})),
                      run(b.remove(*films_, Filter{{{"id", Op::kEq, {1}}}, {}}, {})));
  ASSERT_FALSE(parentInUse.ok());
  EXPECT_EQ(parentInUse.error->kind, DbError::Kind::kForeignKeyViolation)
      << parentInUse.error->message;
}

TEST_P(DbCrud, BadSqlAndBadValues) {
  auto syntax = query("SELEC 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error->kind, DbError::Kind::kSyntax) << syntax.error->message;
  auto noTable = query("SELECT * FROM missing_table");
  ASSERT_FALSE(noTable.ok());
  EXPECT_EQ(noTable.error->kind, DbError::Kind::kSyntax) << noTable.error->message;

  // A parameter count that does not match is refused, not filled with NULLs.
  auto missing = query(pick("SELECT ? + ?", "SELECT $1::int + $2::int"), {1});
  EXPECT_FALSE(missing.ok());

  // Stacked statements are refused on the request path.
  auto stacked = query("SELECT 1; SELECT 2");
  ASSERT_FALSE(stacked.ok());
  EXPECT_EQ(stacked.error->kind, DbError::Kind::kSyntax) << stacked.error->message;

  if (postgres()) {
    auto notAnInteger =
        run(builder().count(*films_, Filter{{{"year", Op::kEq, {"1 OR 1=1"}}}, {}}));
    ASSERT_FALSE(notAnInteger.ok());
    EXPECT_EQ(notAnInteger.error->kind, DbError::Kind::kInvalidValue)
        << notAnInteger.error->message;
    EXPECT_EQ(notAnInteger.error->sqlState, "22P02");
  } else {
    auto r = rows(builder().count(*films_, Filter{{{"year", Op::kEq, {"1 OR 1=1"}}}, {}}));
    EXPECT_EQ(r.rows[0][0], Value(0));
    EXPECT_TRUE(query("SELECT 1; -- a trailing comment").ok());
  }
  // The connection is still fine.
  EXPECT_TRUE(query("SELECT 1").ok());
}

WATT_ENGINE_TESTS(DbCrud);

// --- every operator -----------------------------------------------------------------------

class DbOperators : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    exec(
        pick("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, price "
             "REAL, note TEXT)",
             "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, price "
             "DOUBLE PRECISION, "
             "note TEXT)"));
    exec(R"(INSERT INTO items VALUES (1, 'apple', 10, 1.5, NULL);
            INSERT INTO items VALUES (2, 'Banana', 0, 0.25, 'yellow');
            INSERT INTO items VALUES (3, 'cherry', 25, 3.0, 'red');
            INSERT INTO items VALUES (4, 'date', NULL, 2.0, 'brown');)");
    schema_ = schema();
    items_ = schema_.table("items");
    ASSERT_NE(items_, nullptr);
  }

  std::vector<int64_t> where(Filter filter) {
    SelectQuery q;
    q.table = items_;
    q.columns = {"id"};
    q.where = std::move(filter);
    q.orderBy = {{"id", false}};
    return ids(rows(builder().select(q)));
  }
  std::vector<int64_t> where(Condition c) { return where(Filter{{std::move(c)}, {}}); }

  Schema schema_;
  const Table* items_ = nullptr;
};

using Ids = std::vector<int64_t>;

TEST_P(DbOperators, Comparisons) {
  EXPECT_EQ(where({"qty", Op::kEq, {10}}), Ids({1}));
  EXPECT_EQ(where({"name", Op::kNeq, {"apple"}}), Ids({2, 3, 4}));
  EXPECT_EQ(where({"qty", Op::kGt, {5}}), Ids({1, 3}));
  EXPECT_EQ(where({"qty", Op::kGte, {10}}), Ids({1, 3}));
  EXPECT_EQ(where({"price", Op::kLt, {2.0}}), Ids({1, 2}));
  EXPECT_EQ(where({"price", Op::kLte, {2.0}}), Ids({1, 2, 4}));
  EXPECT_EQ(where({"name", Op::kGt, {"c"}}), Ids({3, 4}));
}

TEST_P(DbOperators, LikeAndIlike) {
  EXPECT_EQ(where({"name", Op::kLike, {"B%"}}), Ids({2}));
  EXPECT_EQ(where({"name", Op::kLike, {"%an%"}}), Ids({2}));
  EXPECT_EQ(where({"name", Op::kIlike, {"b%"}}), Ids({2}));
  EXPECT_EQ(where({"name", Op::kIlike, {"APPLE"}}), Ids({1}));
  EXPECT_EQ(where({"name", Op::kLike, {"_ate"}}), Ids({4}));
  // A number column compares as text, as Platformatic does.
  EXPECT_EQ(where({"qty", Op::kLike, {"2%"}}), Ids({3}));
}

TEST_P(DbOperators, InAndNin) {
  EXPECT_EQ(where({"id", Op::kIn, {1, 3, 99}}), Ids({1, 3}));
  EXPECT_EQ(where({"id", Op::kNin, {1, 3}}), Ids({2, 4}));
  EXPECT_EQ(where({"name", Op::kIn, {"date", "apple"}}), Ids({1, 4}));
  EXPECT_EQ(where({"id", Op::kIn, {}}), Ids({}));
  EXPECT_EQ(where({"id", Op::kNin, {}}), Ids({1, 2, 3, 4}));
}

TEST_P(DbOperators, Nulls) {
  EXPECT_EQ(where({"note", Op::kIsNull, {true}}), Ids({1}));
  EXPECT_EQ(where({"note", Op::kIsNull, {false}}), Ids({2, 3, 4}));
  EXPECT_EQ(where({"qty", Op::kEq, {Value()}}), Ids({4}));
  EXPECT_EQ(where({"qty", Op::kNeq, {Value()}}), Ids({1, 2, 3}));
  // NULL is written and read back as NULL.
  auto b = builder();
  auto inserted =
      rows(b.insert(*items_, {{"id", 5}, {"name", "elder"}, {"qty", Value()}, {"note", nullptr}},
                    {"qty", "price", "note"}));
  ASSERT_EQ(inserted.rows.size(), 1u);
  for (const auto& v : inserted.rows[0]) EXPECT_TRUE(v.isNull());
  auto cleared =
      rows(b.update(*items_, {{"note", Value()}}, Filter{{{"id", Op::kEq, {2}}}, {}}, {"note"}));
  EXPECT_TRUE(cleared.rows.at(0).at(0).isNull());
}

TEST_P(DbOperators, AndWithOrGroups) {
  Filter f;
  f.addAnyOf({{"name", Op::kEq, {"apple"}}, {"qty", Op::kGt, {20}}});
  EXPECT_EQ(where(f), Ids({1, 3}));
  f.all = {{"price", Op::kGt, {2.0}}};
  EXPECT_EQ(where(f), Ids({3}));
  f.addAnyOf({{"note", Op::kEq, {"red"}}, {"note", Op::kEq, {"brown"}}});
  EXPECT_EQ(where(f), Ids({3}));
}

TEST_P(DbOperators, OrderLimitOffset) {
  SelectQuery q;
  q.table = items_;
  q.columns = {"id"};
  q.orderBy = {{"price", true}};
  q.limit = 2;
  q.offset = 1;
  EXPECT_EQ(ids(rows(builder().select(q))), Ids({4, 1}));
  q.limit.reset();
  EXPECT_EQ(ids(rows(builder().select(q))), Ids({4, 1, 2}));
  q.limit = 0;
  EXPECT_EQ(ids(rows(builder().select(q))), Ids({}));
}

TEST_P(DbOperators, OrOfConjunctions) {
  // (qty > 5 AND price < 2) OR note = 'brown'
  Filter f;
  f.anyOf.push_back({Conjunction{{"qty", Op::kGt, {5}}, {"price", Op::kLt, {2.0}}},
                     Conjunction{{"note", Op::kEq, {"brown"}}}});
  EXPECT_EQ(where(f), Ids({1, 4}));
  f.anyOf.push_back({});  // an empty OR matches nothing
  EXPECT_EQ(where(f), Ids({}));
  f.anyOf.back().push_back({});  // an empty conjunction is true
  EXPECT_EQ(where(f), Ids({1, 4}));
}

TEST_P(DbOperators, ThousandsOfTermsStayWithinTheExpressionDepth) {
  // SQLite refuses expressions deeper than 1000; long chains are written as balanced trees.
  std::vector<Condition> alternatives;
  for (int i = 0; i < 3000; ++i) alternatives.push_back({"id", Op::kEq, {i % 2 == 0 ? 3 : 10000 + i}});
  Filter f;
  f.addAnyOf(alternatives);
  EXPECT_EQ(where(f), Ids({3}));
  Filter g;
  for (int i = 0; i < 3000; ++i) g.all.push_back({"id", Op::kNeq, {10000 + i}});
  EXPECT_EQ(where(g), Ids({1, 2, 3, 4}));
}

TEST_P(DbOperators, LimitPerPartition) {
  exec(R"(INSERT INTO items VALUES (5, 'apple', 7, 9.0, 'late');
          INSERT INTO items VALUES (6, 'apple', 8, 0.5, NULL);
          INSERT INTO items VALUES (7, 'date', 9, 4.0, NULL);)");
  SelectQuery q;
  q.table = items_;
  q.columns = {"name", "id"};
  q.where.all = {{"name", Op::kIn, {"apple", "date", "cherry"}}};
  q.orderBy = {{"price", true}};
  q.partitionBy = "name";
  q.limit = 2;
  auto rs = rows(builder().select(q));
  std::vector<std::pair<std::string, int64_t>> got;
  for (const auto& row : rs.rows) got.emplace_back(row.at(0).text(), row.at(1).integer());
  using P = std::vector<std::pair<std::string, int64_t>>;
  // Grouped by name; the two most expensive of each, most expensive first.
  EXPECT_EQ(got, P({{"apple", 5}, {"apple", 1}, {"cherry", 3}, {"date", 7}, {"date", 4}}));
  q.offset = 1;
  q.limit = 1;
  rs = rows(builder().select(q));
  got.clear();
  for (const auto& row : rs.rows) got.emplace_back(row.at(0).text(), row.at(1).integer());
  EXPECT_EQ(got, P({{"apple", 1}, {"date", 4}}));
}

WATT_ENGINE_TESTS(DbOperators);

// --- transactions ---------------------------------------------------------------------------

class DbTransactions : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }
  int64_t count() {
    auto r = query("SELECT COUNT(*) FROM notes");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.rows->rows.at(0).at(0).integer() : -1;
  }
  std::string insertSql() const {
    return pick("INSERT INTO notes (id, body) VALUES (?, ?)",
                "INSERT INTO notes (id, body) VALUES ($1, $2)");
  }
};

TEST_P(DbTransactions, CommitKeepsEveryStatement) {
  std::string sql = insertSql();
  auto result =
      testing::runTask(io_, db().transaction(0, [sql](Connection& c) -> Task<QueryResult> {
        std::vector<Value> params1{1, "one"};
        QueryResult first = co_await c.query(sql, std::move(params1));
        if (!first.ok()) co_return first;
        std::vector<Value> params2{2, "two"};
        co_return co_await c.query(sql, std::move(params2));
      }));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(count(), 2);
}

TEST_P(DbTransactions, ErrorRollsBack) {
  std::string sql = insertSql();
  auto result =
      testing::runTask(io_, db().transaction(0, [sql](Connection& c) -> Task<QueryResult> {
        std::vector<Value> params3{1, "one"};
        QueryResult first = co_await c.query(sql, std::move(params3));
        if (!first.ok()) co_return first;
        std::vector<Value> params4{1, "duplicate"};
        co_return co_await c.query(sql, std::move(params4));
      }));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, DbError::Kind::kUniqueViolation);
  EXPECT_EQ(count(), 0);

  auto refused =
      testing::runTask(io_, db().transaction(0, [sql](Connection& c) -> Task<QueryResult> {
        std::vector<Value> params5{1, "one"};
        QueryResult first = co_await c.query(sql, std::move(params5));
        (void)first;
        co_return QueryResult::failure({DbError::Kind::kOther, "changed my mind", {}});
      }));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->message, "changed my mind");
  EXPECT_EQ(count(), 0);
}

TEST_P(DbTransactions, ExceptionRollsBackAndPropagates) {
  std::string sql = insertSql();
  EXPECT_THROW(testing::runTask(io_, db().transaction(0,
                                                      [sql](Connection& c) -> Task<QueryResult> {
                                                        std::vector<Value> params6{1, "one"};
                                                        QueryResult first = co_await c.query(
                                                            sql, std::move(params6));
                                                        (void)first;
                                                        throw std::runtime_error("handler bug");
                                                      })),
               std::runtime_error);
  EXPECT_EQ(count(), 0);
  // The connection went back to the loop, usable.
  auto again = testing::runTask(io_, db().transaction(0, [sql](Connection& c) -> Task<QueryResult> {
    std::vector<Value> params7{1, "one"};
    co_return co_await c.query(sql, std::move(params7));
  }));
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(count(), 1);
}

TEST_P(DbTransactions, DeferredForeignKeyFailsAtCommit) {
  exec(R"(CREATE TABLE parents (id INTEGER PRIMARY KEY);
          CREATE TABLE children (id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);)");
  std::string sql = pick("INSERT INTO children (id, parent_id) VALUES (1, ?)",
                         "INSERT INTO children (id, parent_id) VALUES (1, $1)");
  auto result =
      testing::runTask(io_, db().transaction(0, [sql](Connection& c) -> Task<QueryResult> {
        std::vector<Value> params8{77};
        co_return co_await c.query(sql, std::move(params8));
      }));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->kind, DbError::Kind::kForeignKeyViolation) << result.error->message;
  auto left = query("SELECT COUNT(*) FROM children");
  ASSERT_TRUE(left.ok()) << left.error->message;
  EXPECT_EQ(left.rows->rows[0][0], Value(0));
  // Not stuck in a transaction.
  EXPECT_TRUE(
      query(pick("INSERT INTO parents (id) VALUES (1)", "INSERT INTO parents (id) VALUES (1)"))
          .ok());
}

TEST_P(DbTransactions, IgnoredFailureInsideTheBody) {
  std::string sql = insertSql();
  auto result =
      testing::runTask(io_, db().transaction(0, [sql](Connection& c) -> Task<QueryResult> {
        std::vector<Value> params9{1, "one"};
        QueryResult first = co_await c.query(sql, std::move(params9));
        std::vector<Value> params10{};
        QueryResult broken = co_await c.query("SELECT * FROM no_such_table", std::move(params10));
        (void)first;
        (void)broken;
        co_return QueryResult{ResultSet{}, std::nullopt};
      }));
  if (postgres()) {
    // PostgreSQL aborted the transaction at the failed statement: nothing is committed.
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error->sqlState, "25P02");
    EXPECT_EQ(count(), 0);
  } else {
    // SQLite undoes the failed statement only: the body said "ok", the rest is committed.
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(count(), 1);
  }
}

WATT_ENGINE_TESTS(DbTransactions);

}  // namespace
}  // namespace watt::db
