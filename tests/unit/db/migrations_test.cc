// Migrator against both engines: postgrator's file naming and `versions` table, one transaction
// per migration, rollback with the undo files.
#include "db/migrations.h"

#include <gtest/gtest.h>

#include <fstream>

#include "db/md5.h"
#include "db_test_support.h"

namespace watt::db {
namespace {

using testing::EngineTest;
using Names = std::vector<std::string>;

class DbMigrations : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("watt_migrations_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++)) /
           "migrations";
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_.parent_path(), ec);
    EngineTest::TearDown();
  }

  void write(const std::string& name, const std::string& content) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << content;
  }

  void writeLibrary() {
    write("001.do.sql", "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n");
    write("001.undo.sql", "DROP TABLE authors;\n");
    write("002.do.add-books.sql",
          "-- books belong to authors\n"
          "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors (id), "
          "title TEXT);\n"
          "INSERT INTO authors (id, name) VALUES (1, 'Ursula; K. Le Guin');\n");
    write("002.undo.add-books.sql", "DROP TABLE books; DELETE FROM authors WHERE id = 1;");
    write("003.do.sql", "ALTER TABLE books ADD COLUMN pages INTEGER;");
    write("003.undo.sql",
          pick("ALTER TABLE books DROP COLUMN pages;", "ALTER TABLE books DROP COLUMN pages;"));
    write("README.md", "not a migration");
    write("notes.sql", "not a migration either: no version");
  }

  bool hasTable(const std::string& name) {
    std::string error;
    IntrospectOptions all;
    all.excludeTables.clear();
    auto s = db().introspect(error, all);
    EXPECT_TRUE(s) << error;
    return s && s->table(name) != nullptr;
  }

  int64_t version() {
    Migrator m(db().controlConnection(), dir_.string());
    std::string error;
    int64_t v = m.currentVersion(error);
    EXPECT_EQ(error, "");
    return v;
  }

  std::filesystem::path dir_;
  static inline unsigned counter_ = 0;
};

TEST_P(DbMigrations, ListsFilesLikePostgrator) {
  writeLibrary();
  Migrator m(db().controlConnection(), dir_.string());
  std::string error;
  auto files = m.files(error);
  ASSERT_TRUE(files) << error;
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].version, 1);
  EXPECT_EQ((*files)[0].name, "");
  EXPECT_EQ((*files)[1].version, 2);
  EXPECT_EQ((*files)[1].name, "add-books");
  EXPECT_EQ((*files)[1].doPath, (dir_ / "002.do.add-books.sql").string());
  EXPECT_EQ((*files)[1].undoPath, (dir_ / "002.undo.add-books.sql").string());

  write("002.do.other.sql", "SELECT 1;");
  EXPECT_FALSE(m.files(error));
  EXPECT_EQ(error,
            "migrations/002.do.add-books.sql and migrations/002.do.other.sql: two migrations with "
            "version 2 "
            "and action do");

  Migrator missing(db().controlConnection(), (dir_ / "nope").string());
  EXPECT_FALSE(missing.files(error));
  EXPECT_EQ(error, "migrations directory " + (dir_ / "nope").string() + " does not exist");
}

TEST_P(DbMigrations, AppliesAllAndRecordsThemAsPostgratorDoes) {
  writeLibrary();
  Migrator m(db().controlConnection(), dir_.string());
  std::string error;
  EXPECT_EQ(m.currentVersion(error), 0);
  EXPECT_EQ(error, "");
  auto outcome = m.apply();
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.versionBefore, 0);
  EXPECT_EQ(outcome.versionAfter, 3);
  EXPECT_EQ(outcome.applied, Names({"001.do.sql", "002.do.add-books.sql", "003.do.sql"}));
  EXPECT_EQ(version(), 3);
  EXPECT_TRUE(hasTable("books"));

  auto recorded = db().controlConnection().querySync(
      "SELECT version, name, md5, run_at FROM versions ORDER BY version", {});
  ASSERT_TRUE(recorded.ok()) << recorded.error->message;
  ASSERT_EQ(recorded.rows->rows.size(), 4u) << "postgrator's version 0 row, then one per migration";
  EXPECT_EQ(recorded.rows->rows[0][0], Value(0));
  EXPECT_TRUE(recorded.rows->rows[0][1].isNull());
  const auto& second = recorded.rows->rows[2];
  EXPECT_EQ(second[0], Value(2));
  EXPECT_EQ(second[1], Value("add-books"));
  std::ifstream in(dir_ / "002.do.add-books.sql", std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(second[2], Value(md5Hex(content)));
  EXPECT_TRUE(second[3].isText() && second[3].text().size() >= 19) << "run_at";

  // Nothing left: a second run is a no-op.
  auto again = m.apply();
  ASSERT_TRUE(again.ok) << again.error;
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.versionAfter, 3);
}

TEST_P(DbMigrations, AppliesUpToATargetThenTheRest) {
  writeLibrary();
  Migrator m(db().controlConnection(), dir_.string());
  auto first = m.apply(1);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.applied, Names({"001.do.sql"}));
  EXPECT_EQ(version(), 1);
  EXPECT_FALSE(hasTable("books"));
  auto rest = m.apply();
  ASSERT_TRUE(rest.ok) << rest.error;
  EXPECT_EQ(rest.applied, Names({"002.do.add-books.sql", "003.do.sql"}));
  EXPECT_EQ(version(), 3);
}

TEST_P(DbMigrations, RollsBackNewestFirst) {
  writeLibrary();
  Migrator m(db().controlConnection(), dir_.string());
  ASSERT_TRUE(m.apply().ok);
  auto last = m.rollback();
  ASSERT_TRUE(last.ok) << last.error;
  EXPECT_EQ(last.applied, Names({"003.undo.sql"}));
  EXPECT_EQ(last.versionBefore, 3);
  EXPECT_EQ(last.versionAfter, 2);
  EXPECT_EQ(version(), 2);

  auto all = m.rollback(0);
  ASSERT_TRUE(all.ok) << all.error;
  EXPECT_EQ(all.applied, Names({"002.undo.add-books.sql", "001.undo.sql"}));
  EXPECT_EQ(version(), 0);
  EXPECT_FALSE(hasTable("authors"));
  EXPECT_FALSE(hasTable("books"));

  // Nothing left to undo, and a rollback never goes forward.
  auto none = m.rollback();
  ASSERT_TRUE(none.ok) << none.error;
  EXPECT_TRUE(none.applied.empty());
  EXPECT_TRUE(m.rollback(2).applied.empty());
  EXPECT_EQ(version(), 0);

  // And forward again.
  auto forward = m.apply();
  ASSERT_TRUE(forward.ok) << forward.error;
  EXPECT_EQ(version(), 3);
}

TEST_P(DbMigrations, FailingFileInTheMiddleLeavesTheLastGoodVersion) {
  write("001.do.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
  // The first statement succeeds, the second fails: the whole file is undone.
  write("002.do.sql",
        "CREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO missing_table VALUES (1);\n");
  write("003.do.sql", "CREATE TABLE c (id INTEGER PRIMARY KEY);");
  Migrator m(db().controlConnection(), dir_.string());
  auto outcome = m.apply();
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error, postgres()
                               ? "migrations/002.do.sql: relation \"missing_table\" does not exist"
                               : "migrations/002.do.sql: no such table: missing_table");
  EXPECT_EQ(outcome.applied, Names({"001.do.sql"}));
  EXPECT_EQ(outcome.versionAfter, 1);
  EXPECT_EQ(version(), 1);
  EXPECT_TRUE(hasTable("a"));
  EXPECT_FALSE(hasTable("b"));
  EXPECT_FALSE(hasTable("c"));

  // Fixed file: the run picks up where it stopped.
  write("002.do.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);");
  auto fixed = m.apply();
  ASSERT_TRUE(fixed.ok) << fixed.error;
  EXPECT_EQ(fixed.applied, Names({"002.do.sql", "003.do.sql"}));
  EXPECT_EQ(version(), 3);
}

TEST_P(DbMigrations, ChangedFileIsDetected) {
  writeLibrary();
  Migrator m(db().controlConnection(), dir_.string());
  ASSERT_TRUE(m.apply(2).ok);
  write("001.do.sql", "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);\n");
  auto outcome = m.apply();
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error,
            "migrations/001.do.sql: MD5 checksum failed for migration [1] (the file changed after "
            "it was applied)");
  EXPECT_EQ(version(), 2);
  m.setValidateChecksums(false);
  EXPECT_TRUE(m.apply().ok);
  EXPECT_EQ(version(), 3);
}

TEST_P(DbMigrations, RollbackWithoutUndoFileIsAnError) {
  write("001.do.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
  Migrator m(db().controlConnection(), dir_.string());
  ASSERT_TRUE(m.apply().ok);
  auto outcome = m.rollback();
  ASSERT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.error, "migrations/001.do.sql: no 1.undo.sql file, cannot roll back version 1");
  EXPECT_EQ(version(), 1);
}

TEST_P(DbMigrations, ScriptsWithTriggersCommentsAndCustomTable) {
  if (postgres()) {
    write("001.do.sql", R"(
      CREATE TABLE counts (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE events (id SERIAL PRIMARY KEY, note TEXT);
      CREATE FUNCTION bump() RETURNS trigger AS $$
      BEGIN
        UPDATE counts SET n = n + 1 WHERE id = 1; -- a ; inside the body
        RETURN NEW;
      END;
      $$ LANGUAGE plpgsql;
      CREATE TRIGGER events_bump AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION bump();
      INSERT INTO counts (id) VALUES (1);)");
  } else {
    write("001.do.sql", R"(
      CREATE TABLE counts (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT);
      CREATE TRIGGER events_bump AFTER INSERT ON events BEGIN
        UPDATE counts SET n = n + 1 WHERE id = 1; -- a ; inside the body
      END;
      INSERT INTO counts (id) VALUES (1);)");
  }
  write("002.do.sql", "-- only a comment\n/* and another */\n");
  Migrator m(db().controlConnection(), dir_.string(), "schema_log");
  auto outcome = m.apply();
  ASSERT_TRUE(outcome.ok) << outcome.error;
  EXPECT_EQ(outcome.versionAfter, 2);
  ASSERT_TRUE(query("INSERT INTO events (note) VALUES ('x')").ok());
  EXPECT_EQ(query("SELECT n FROM counts").rows->rows.at(0).at(0), Value(1));
  EXPECT_TRUE(hasTable("schema_log"));
  EXPECT_FALSE(hasTable("versions"));
}

WATT_ENGINE_TESTS(DbMigrations);

}  // namespace
}  // namespace watt::db
