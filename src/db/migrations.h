// SQL migrations as Platformatic DB runs them (postgrator): files `NNN.do.sql` / `NNN.undo.sql`
// in `migrations.dir`, the applied version recorded in a `versions` table (version, name, md5,
// run_at; a row with version 0 marks the start), each migration in its own transaction so that
// a failing file leaves the database at the last good version. A migration file therefore must
// not hold BEGIN/COMMIT itself, nor statements that refuse to run in a transaction
// (PostgreSQL's CREATE INDEX CONCURRENTLY).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace watt::db {

struct MigrationFile {
  int64_t version = 0;
  std::string name;      // "001.do.sql" -> "" ; "002.do.add-books.sql" -> "add-books"
  std::string doPath;    // absolute
  std::string undoPath;  // absolute, empty when missing
};

struct MigrationOutcome {
  bool ok = true;
  std::string error;  // "migrations/003.do.sql: <the database's message>"
  int64_t versionBefore = 0;
  int64_t versionAfter = 0;
  std::vector<std::string> applied;  // file names, in order
};

class Migrator {
 public:
  Migrator(Connection& connection, std::string dir, std::string table = "versions");

  // Lists the migration files; `error` names a malformed or duplicate file.
  std::optional<std::vector<MigrationFile>> files(std::string& error) const;
  int64_t currentVersion(std::string& error);
  // Applies pending migrations up to `target` (all when nullopt).
  MigrationOutcome apply(std::optional<int64_t> target = std::nullopt);
  // Undoes the last applied migration (or down to `target`).
  MigrationOutcome rollback(std::optional<int64_t> target = std::nullopt);

  // postgrator's validateChecksums (on by default): before applying, an applied file whose
  // MD5 differs from the one recorded is an error.
  void setValidateChecksums(bool validate) { validateChecksums_ = validate; }

 private:
  MigrationOutcome migrateTo(int64_t target);
  bool ensureTable(std::string& error);
  QueryResult tableColumns();
  bool tableExists(std::string& error);
  bool run(const MigrationFile& file, bool undo, MigrationOutcome& outcome);
  std::string displayName(const std::string& path) const;  // "migrations/001.do.sql"
  std::string quotedTable() const;
  std::string placeholder(int index) const;

  Connection& connection_;
  std::string dir_;
  std::string table_;
  bool validateChecksums_ = true;
};

}  // namespace watt::db
