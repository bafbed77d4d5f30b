// Database::introspect on both engines, then what only one engine has.
#include <gtest/gtest.h>

#include "db_test_support.h"

namespace watt::db {
namespace {

using testing::EngineTest;
using Names = std::vector<std::string>;

Names columnNames(const Table& t) {
  Names out;
  for (const auto& c : t.columns) out.push_back(c.name);
  return out;
}

class DbIntrospection : public EngineTest {};

TEST_P(DbIntrospection, TablesKeysAndForeignKeys) {
  exec(pick(R"(
    CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(120) UNIQUE);
    CREATE TABLE books (
      id INTEGER PRIMARY KEY,
      author_id INTEGER NOT NULL REFERENCES authors (id),
      title TEXT NOT NULL,
      isbn TEXT,
      pages INTEGER DEFAULT 100,
      UNIQUE (title, author_id));
    CREATE TABLE editions (book_id INTEGER NOT NULL REFERENCES books (id), lang TEXT NOT NULL, printed INTEGER,
      PRIMARY KEY (lang, book_id));
    CREATE TABLE translations (id INTEGER PRIMARY KEY, book_id INTEGER, lang TEXT, translator TEXT,
      CONSTRAINT translations_edition FOREIGN KEY (lang, book_id) REFERENCES editions (lang, book_id));
    CREATE VIEW long_books AS SELECT id, title FROM books WHERE pages > 300;
    CREATE TABLE versions (version INTEGER PRIMARY KEY, name TEXT);)",
            R"(
    CREATE TABLE authors (id SERIAL PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(120) UNIQUE);
    CREATE TABLE books (
      id SERIAL PRIMARY KEY,
      author_id INTEGER NOT NULL REFERENCES authors (id),
      title TEXT NOT NULL,
      isbn TEXT,
      pages INTEGER DEFAULT 100,
      UNIQUE (title, author_id));
    CREATE TABLE editions (book_id INTEGER NOT NULL REFERENCES books (id), lang TEXT NOT NULL, printed INTEGER,
      PRIMARY KEY (lang, book_id));
    CREATE TABLE translations (id SERIAL PRIMARY KEY, book_id INTEGER, lang TEXT, translator TEXT,
      CONSTRAINT translations_edition FOREIGN KEY (lang, book_id) REFERENCES editions (lang, book_id));
    CREATE VIEW long_books AS SELECT id, title FROM books WHERE pages > 300;
    CREATE TABLE versions (version BIGINT PRIMARY KEY, name TEXT);)"));
  Schema s = schema();

  Names tables;
  for (const auto& t : s.tables) tables.push_back(t.name);
  EXPECT_EQ(tables, Names({"authors", "books", "editions", "long_books", "translations"}))
      << "sorted, without the migrations table";
  for (const auto& t : s.tables) EXPECT_EQ(t.schema, postgres() ? "public" : "");

  const Table* authors = s.table("authors");
  ASSERT_NE(authors, nullptr);
  EXPECT_EQ(columnNames(*authors), Names({"id", "name", "email"}));
  EXPECT_EQ(authors->primaryKey, Names({"id"}));
  EXPECT_EQ(authors->uniqueConstraints, std::vector<Names>({{"email"}}));
  const Column* id = authors->column("id");
  EXPECT_FALSE(id->nullable);
  EXPECT_TRUE(id->autoIncrement);
  EXPECT_TRUE(id->hasDefault);
  EXPECT_EQ(id->sqlType, postgres() ? "int4" : "integer");
  EXPECT_FALSE(authors->column("name")->nullable);
  EXPECT_FALSE(authors->column("name")->hasDefault);
  EXPECT_TRUE(authors->column("email")->nullable);
  EXPECT_EQ(authors->column("email")->sqlType, "varchar");
  EXPECT_EQ(authors->column("name")->sqlType, "text");

  const Table* books = s.table("books");
  ASSERT_NE(books, nullptr);
  EXPECT_TRUE(books->column("pages")->hasDefault);
  EXPECT_FALSE(books->column("pages")->autoIncrement);
  EXPECT_EQ(books->uniqueConstraints, std::vector<Names>({{"title", "author_id"}}));
  ASSERT_EQ(books->foreignKeys.size(), 1u);
  EXPECT_EQ(books->foreignKeys[0].columns, Names({"author_id"}));
  EXPECT_EQ(books->foreignKeys[0].foreignTable, "authors");
  EXPECT_EQ(books->foreignKeys[0].foreignColumns, Names({"id"}));
  EXPECT_EQ(books->foreignKeys[0].foreignSchema, postgres() ? "public" : "");
  if (postgres()) {
    EXPECT_EQ(books->foreignKeys[0].constraintName, "books_author_id_fkey");
  }

  const Table* editions = s.table("editions");
  ASSERT_NE(editions, nullptr);
  EXPECT_EQ(editions->primaryKey, Names({"lang", "book_id"})) << "key order, not column order";
  EXPECT_FALSE(editions->column("book_id")->autoIncrement);
  EXPECT_FALSE(editions->column("lang")->nullable);

  const Table* translations = s.table("translations");
  ASSERT_NE(translations, nullptr);
  ASSERT_EQ(translations->foreignKeys.size(), 1u);
  const ForeignKey& composite = translations->foreignKeys[0];
  EXPECT_EQ(composite.columns, Names({"lang", "book_id"}));
  EXPECT_EQ(composite.foreignTable, "editions");
  EXPECT_EQ(composite.foreignColumns, Names({"lang", "book_id"}));
  if (postgres()) {
    EXPECT_EQ(composite.constraintName, "translations_edition");
  }

  const Table* view = s.table("long_books");
  ASSERT_NE(view, nullptr);
  EXPECT_TRUE(view->isView);
  EXPECT_TRUE(view->primaryKey.empty());
  EXPECT_TRUE(view->foreignKeys.empty());
  EXPECT_EQ(columnNames(*view), Names({"id", "title"}));
}

TEST_P(DbIntrospection, MigrationsTableNameIsConfigurable) {
  exec(
      "CREATE TABLE versions (version INTEGER PRIMARY KEY); CREATE TABLE schema_log (version "
      "INTEGER PRIMARY KEY);");
  std::string error;
  IntrospectOptions options;
  options.excludeTables = {"schema_log"};
  auto s = db().introspect(error, options);
  ASSERT_TRUE(s) << error;
  ASSERT_EQ(s->tables.size(), 1u);
  EXPECT_EQ(s->tables[0].name, "versions");
}

TEST_P(DbIntrospection, HostileIdentifiers) {
  SqlBuilder b = builder();
  std::string table = "we\"ird table; --";
  std::string column = "se\"lect";
  exec("CREATE TABLE " + b.quoteIdentifier(table) + " (" + b.quoteIdentifier("id") +
       " INTEGER PRIMARY KEY, " + b.quoteIdentifier(column) + " TEXT, " +
       b.quoteIdentifier("order") + " INTEGER)");
  Schema s = schema();
  const Table* t = s.table(table);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(columnNames(*t), Names({"id", column, "order"}));
  auto inserted =
      rows(b.insert(*t, {{"id", 1}, {column, "x\"y"}, {"order", 3}}, {column, "order"}));
  ASSERT_EQ(inserted.rows.size(), 1u);
  EXPECT_EQ(inserted.rows[0], (std::vector<Value>{"x\"y", 3}));
  SelectQuery q;
  q.table = t;
  q.where.all = {{column, Op::kEq, {"x\"y"}}};
  q.orderBy = {{"order", true}};
  EXPECT_EQ(rows(b.select(q)).rows.size(), 1u);
}

WATT_ENGINE_TESTS(DbIntrospection);

// --- SQLite only ----------------------------------------------------------------------------

class DbSqliteIntrospection : public EngineTest {};

TEST_P(DbSqliteIntrospection, RowidGeneratedAndDeclaredTypes) {
  exec(R"(
    CREATE TABLE people (
      id INTEGER PRIMARY KEY,
      first TEXT NOT NULL,
      last TEXT NOT NULL,
      full_name TEXT GENERATED ALWAYS AS (first || ' ' || last) VIRTUAL,
      initials TEXT GENERATED ALWAYS AS (substr(first, 1, 1) || substr(last, 1, 1)) STORED,
      height NUMERIC(5, 2),
      untyped,
      joined DATETIME DEFAULT CURRENT_TIMESTAMP);
    CREATE TABLE tags (code INT PRIMARY KEY, label VARCHAR (42));
    CREATE TABLE pairs (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TABLE keyed (id INTEGER PRIMARY KEY, note TEXT) WITHOUT ROWID;
    CREATE TABLE links (id INTEGER PRIMARY KEY, person_id REFERENCES people, tag_code INT REFERENCES tags (code));
    CREATE UNIQUE INDEX tags_label ON tags (label);
    CREATE UNIQUE INDEX tags_lower ON tags (lower(label));
    CREATE UNIQUE INDEX tags_partial ON tags (code) WHERE code > 10;)");
  Schema s = schema();
  const Table* people = s.table("people");
  ASSERT_NE(people, nullptr);
  EXPECT_EQ(columnNames(*people),
            Names({"id", "first", "last", "full_name", "initials", "height", "untyped", "joined"}));
  EXPECT_TRUE(people->column("id")->autoIncrement);
  EXPECT_TRUE(people->column("full_name")->generated);
  EXPECT_TRUE(people->column("initials")->generated);
  EXPECT_FALSE(people->column("full_name")->hasDefault);
  EXPECT_FALSE(people->column("first")->generated);
  EXPECT_EQ(people->column("height")->sqlType, "numeric");
  EXPECT_EQ(people->column("untyped")->sqlType, "");
  EXPECT_EQ(people->column("joined")->sqlType, "datetime");
  EXPECT_TRUE(people->column("joined")->hasDefault);

  const Table* tags = s.table("tags");
  ASSERT_NE(tags, nullptr);
  EXPECT_FALSE(tags->column("code")->autoIncrement) << "INT PRIMARY KEY is not the rowid";
  EXPECT_FALSE(tags->column("code")->nullable);
  EXPECT_EQ(tags->column("label")->sqlType, "varchar");
  EXPECT_EQ(tags->uniqueConstraints, std::vector<Names>({{"label"}}))
      << "no expression or partial index";

  EXPECT_EQ(s.table("pairs")->primaryKey, Names({"a", "b"}));
  EXPECT_FALSE(s.table("keyed")->column("id")->autoIncrement) << "WITHOUT ROWID has no rowid";

  const Table* links = s.table("links");
  ASSERT_EQ(links->foreignKeys.size(), 2u);
  EXPECT_EQ(links->foreignKeys[0].columns, Names({"person_id"}));
  EXPECT_EQ(links->foreignKeys[0].foreignTable, "people");
  EXPECT_EQ(links->foreignKeys[0].foreignColumns, Names({"id"}))
      << "REFERENCES people means its primary key";
  EXPECT_EQ(links->foreignKeys[1].columns, Names({"tag_code"}));
  EXPECT_EQ(links->foreignKeys[1].foreignColumns, Names({"code"}));

  // Generated columns are computed on insert and refused as input.
  auto b = builder();
  auto inserted = rows(
      b.insert(*people, {{"first", "Ada"}, {"last", "Lovelace"}}, {"id", "full_name", "initials"}));
  ASSERT_EQ(inserted.rows.size(), 1u);
  EXPECT_EQ(inserted.rows[0], (std::vector<Value>{1, "Ada Lovelace", "AL"}));
  EXPECT_FALSE(b.insert(*people, {{"full_name", "x"}}, {}).statement);
}

TEST_P(DbSqliteIntrospection, MemoryDatabaseIsSharedByEveryConnection) {
  std::string error;
  DatabaseOptions options;
  options.loops = 2;
  auto memory = Database::open({Dialect::kSqlite, ":memory:", ""}, options, error);
  ASSERT_TRUE(memory) << error;
  ASSERT_TRUE(memory->controlConnection()
                  .execScriptSync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
                  .ok());
  auto inserted = testing::runTask(
      io_, memory->query(1, "INSERT INTO t (v) VALUES (?) RETURNING id", {"from loop 1"}));
  ASSERT_TRUE(inserted.ok()) << inserted.error->message;
  auto read = testing::runTask(io_, memory->query(0, "SELECT v FROM t", {}));
  ASSERT_TRUE(read.ok()) << read.error->message;
  ASSERT_EQ(read.rows->rows.size(), 1u);
  EXPECT_EQ(read.rows->rows[0][0], Value("from loop 1"));
  std::string schemaError;
  auto s = memory->introspect(schemaError);
  ASSERT_TRUE(s) << schemaError;
  EXPECT_NE(s->table("t"), nullptr);

  // Another in-memory database is another database.
  auto other = Database::open({Dialect::kSqlite, ":memory:", ""}, options, error);
  ASSERT_TRUE(other) << error;
  EXPECT_FALSE(other->controlConnection().querySync("SELECT * FROM t", {}).ok());
  // Foreign keys are enforced in memory too.
  ASSERT_TRUE(
      memory->controlConnection()
          .execScriptSync("CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id))")
          .ok());
  auto orphan = memory->controlConnection().querySync("INSERT INTO c (t_id) VALUES (99)", {});
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error->kind, DbError::Kind::kForeignKeyViolation);
}

TEST_P(DbSqliteIntrospection, NamesAndPathsWithUriCharacters) {
  std::string error;
  DatabaseOptions options;
  options.memoryName = "app db?mode=ro&cache=private#x%41";
  auto first = Database::open({Dialect::kSqlite, ":memory:", ""}, options, error);
  ASSERT_TRUE(first) << error;
  auto second = Database::open({Dialect::kSqlite, ":memory:", ""}, options, error);
  ASSERT_TRUE(second) << error;
  ASSERT_TRUE(first->controlConnection().execScriptSync("CREATE TABLE shared (id INTEGER)").ok());
  EXPECT_TRUE(second->controlConnection().querySync("SELECT * FROM shared", {}).ok())
      << "the same name is the same database";

  auto path = scratch().folder() / "odd?name=1&x#y.sqlite";
  auto file = Database::open({Dialect::kSqlite, path.string(), ""}, {}, error);
  ASSERT_TRUE(file) << error;
  EXPECT_TRUE(file->controlConnection().execScriptSync("CREATE TABLE t (id INTEGER)").ok());
  EXPECT_TRUE(std::filesystem::exists(path)) << "a path, never read as a URI";
}

INSTANTIATE_TEST_SUITE_P(Engines, DbSqliteIntrospection, ::testing::Values(Dialect::kSqlite),
                         testing::engineParamName);

// --- PostgreSQL only ------------------------------------------------------------------------

class DbPgIntrospection : public EngineTest {};

TEST_P(DbPgIntrospection, TypesArraysEnumsIdentityGenerated) {
  exec(R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE DOMAIN positive AS INTEGER CHECK (VALUE > 0);
    CREATE TABLE everything (
      id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      small SMALLINT,
      big BIGINT DEFAULT 5,
      serial_no SERIAL,
      flag BOOLEAN NOT NULL DEFAULT true,
      price NUMERIC(10, 2),
      ratio REAL,
      score DOUBLE PRECISION,
      name VARCHAR(50),
      code CHAR(3),
      body TEXT,
      uid UUID,
      born DATE,
      at TIMESTAMP,
      atz TIMESTAMPTZ,
      doc JSON,
      docb JSONB,
      bytes BYTEA,
      tags TEXT[],
      matrix INTEGER[][],
      feeling mood,
      feelings mood[],
      amount positive,
      doubled INTEGER GENERATED ALWAYS AS (small * 2) STORED);)");
  Schema s = schema();
  const Table* t = s.table("everything", "public");
  ASSERT_NE(t, nullptr);
  auto type = [&](const char* name) { return t->column(name)->sqlType; };
  EXPECT_EQ(type("id"), "int8");
  EXPECT_EQ(type("small"), "int2");
  EXPECT_EQ(type("serial_no"), "int4");
  EXPECT_EQ(type("flag"), "bool");
  EXPECT_EQ(type("price"), "numeric");
  EXPECT_EQ(type("ratio"), "float4");
  EXPECT_EQ(type("score"), "float8");
  EXPECT_EQ(type("name"), "varchar");
  EXPECT_EQ(type("code"), "bpchar");
  EXPECT_EQ(type("uid"), "uuid");
  EXPECT_EQ(type("born"), "date");
  EXPECT_EQ(type("at"), "timestamp");
  EXPECT_EQ(type("atz"), "timestamptz");
  EXPECT_EQ(type("doc"), "json");
  EXPECT_EQ(type("docb"), "jsonb");
  EXPECT_EQ(type("bytes"), "bytea");
  EXPECT_EQ(type("tags"), "text");
  EXPECT_TRUE(t->column("tags")->isArray);
  EXPECT_EQ(type("matrix"), "int4");
  EXPECT_TRUE(t->column("matrix")->isArray);
  EXPECT_FALSE(t->column("body")->isArray);
  EXPECT_EQ(type("feeling"), "mood");
  EXPECT_EQ(t->column("feeling")->enumValues, Names({"sad", "ok", "happy"}));
  EXPECT_TRUE(t->column("feelings")->isArray);
  EXPECT_EQ(t->column("feelings")->enumValues, Names({"sad", "ok", "happy"}));
  EXPECT_EQ(type("amount"), "int4") << "a domain reads as its base type";

  EXPECT_TRUE(t->column("id")->autoIncrement);
  EXPECT_TRUE(t->column("id")->hasDefault);
  EXPECT_TRUE(t->column("serial_no")->autoIncrement);
  EXPECT_FALSE(t->column("serial_no")->nullable);
  EXPECT_TRUE(t->column("big")->hasDefault);
  EXPECT_FALSE(t->column("big")->autoIncrement);
  EXPECT_FALSE(t->column("flag")->nullable);
  EXPECT_TRUE(t->column("doubled")->generated);
  EXPECT_FALSE(t->column("doubled")->hasDefault);
  EXPECT_FALSE(t->column("small")->generated);
}

TEST_P(DbPgIntrospection, ArrayOperatorsAndValueTypes) {
  exec(R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE posts (id INTEGER PRIMARY KEY, tags TEXT[], scores INTEGER[], feeling mood,
      price NUMERIC(30, 10), uid UUID, at TIMESTAMPTZ, doc JSONB, big BIGINT);
    INSERT INTO posts VALUES
      (1, '{a,b}', '{1,2,3}', 'happy', 12345678901234567890.0123456789, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
       '2024-01-02 03:04:05+00', '{"k": [1, 2]}', 9223372036854775807),
      (2, '{b,c}', '{3}', 'sad', -1.5, NULL, NULL, NULL, -9223372036854775808),
      (3, '{}', NULL, 'ok', 0, NULL, NULL, NULL, 0);)");
  Schema s = schema();
  const Table* posts = s.table("posts");
  ASSERT_NE(posts, nullptr);
  auto where = [&](Condition c) {
    SelectQuery q;
    q.table = posts;
    q.columns = {"id"};
    q.where.all = {std::move(c)};
    q.orderBy = {{"id", false}};
    std::vector<int64_t> out;
    for (const auto& row : rows(builder().select(q)).rows) out.push_back(row[0].integer());
    return out;
  };
  using Ids = std::vector<int64_t>;
  EXPECT_EQ(where({"tags", Op::kContains, {"b"}}), Ids({1, 2}));
  EXPECT_EQ(where({"tags", Op::kContains, {"a", "b"}}), Ids({1}));
  EXPECT_EQ(where({"tags", Op::kContained, {"a", "b", "z"}}), Ids({1, 3}));
  EXPECT_EQ(where({"tags", Op::kOverlaps, {"c", "q"}}), Ids({2}));
  EXPECT_EQ(where({"scores", Op::kContains, {3}}), Ids({1, 2}));
  EXPECT_EQ(where({"scores", Op::kAny, {2}}), Ids({1}));
  EXPECT_EQ(where({"scores", Op::kAll, {3}}), Ids({2}));
  EXPECT_EQ(where({"feeling", Op::kIn, {"ok", "happy"}}), Ids({1, 3}));
  EXPECT_EQ(where({"tags", Op::kContains, {"quote\"d", "back\\slash", "com,ma", "{brace}"}}),
            Ids({}));

  // Values: numeric and every other non-number type stay text; bigint is exact.
  auto r = query("SELECT price, uid, at, doc, big, tags, feeling FROM posts WHERE id = 1");
  ASSERT_TRUE(r.ok()) << r.error->message;
  const auto& row = r.rows->rows.at(0);
  EXPECT_EQ(row[0], Value("12345678901234567890.0123456789"));
  EXPECT_EQ(row[1], Value("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
  EXPECT_TRUE(row[2].isText());
  EXPECT_EQ(row[3], Value("{\"k\": [1, 2]}"));
  EXPECT_EQ(row[4], Value(int64_t{9223372036854775807}));
  EXPECT_EQ(row[5], Value("{a,b}"));
  EXPECT_EQ(row[6], Value("happy"));
  auto bad = run(builder().insert(*posts, {{"id", 9}, {"feeling", "angry"}}, {}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error->kind, DbError::Kind::kInvalidValue) << bad.error->message;
}

TEST_P(DbPgIntrospection, SchemasOption) {
  exec(R"(CREATE SCHEMA shop;
          CREATE TABLE shop.orders (id INTEGER PRIMARY KEY, customer_id INTEGER);
          CREATE TABLE customers (id INTEGER PRIMARY KEY);
          ALTER TABLE shop.orders ADD CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES public.customers (id);
          CREATE TABLE shop.versions (version INTEGER PRIMARY KEY);)");
  std::string error;
  auto onlyPublic = db().introspect(error);
  ASSERT_TRUE(onlyPublic) << error;
  ASSERT_EQ(onlyPublic->tables.size(), 1u);
  EXPECT_EQ(onlyPublic->tables[0].name, "customers");

  IntrospectOptions options;
  options.schemas = {"shop", "public"};
  auto both = db().introspect(error, options);
  ASSERT_TRUE(both) << error;
  ASSERT_EQ(both->tables.size(), 2u);
  EXPECT_EQ(both->tables[0].schema, "public");
  EXPECT_EQ(both->tables[1].schema, "shop");
  const Table* orders = both->table("orders", "shop");
  ASSERT_NE(orders, nullptr);
  ASSERT_EQ(orders->foreignKeys.size(), 1u);
  EXPECT_EQ(orders->foreignKeys[0].foreignSchema, "public");
  EXPECT_EQ(orders->foreignKeys[0].foreignTable, "customers");
  // The builder qualifies the table with its schema.
  auto inserted = run(builder().insert(*both->table("customers"), {{"id", 1}}, {}));
  ASSERT_TRUE(inserted.ok()) << inserted.error->message;
  auto order = run(builder().insert(*orders, {{"id", 1}, {"customer_id", 1}}, {"id"}));
  ASSERT_TRUE(order.ok()) << order.error->message;
}

INSTANTIATE_TEST_SUITE_P(Engines, DbPgIntrospection, ::testing::Values(Dialect::kPostgres),
                         testing::engineParamName);

}  // namespace
}  // namespace watt::db
