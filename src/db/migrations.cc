#include "db/migrations.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "db/md5.h"

namespace fs = std::filesystem;

namespace watt::db {
namespace {

std::optional<std::string> readFile(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the file";
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// postgrator's run_at: the UTC time as "2024-05-01 12:34:56.789".
std::string nowUtc() {
  auto now = std::chrono::system_clock::now();
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &utc);
  char withMillis[40];
  std::snprintf(withMillis, sizeof withMillis, "%s.%03d", buffer, static_cast<int>(millis));
  return withMillis;
}

std::string quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Migrator::Migrator(Connection& connection, std::string dir, std::string table)
    : connection_(connection), dir_(std::move(dir)), table_(std::move(table)) {}

std::string Migrator::displayName(const std::string& path) const {
  fs::path dir = fs::path(dir_).lexically_normal();
  std::string name = dir.filename().string();
  if (name.empty()) name = dir.parent_path().filename().string();  // "migrations/"
  return name + "/" + fs::path(path).filename().string();
}

std::string Migrator::placeholder(int index) const {
  return connection_.dialect() == Dialect::kPostgres ? "$" + std::to_string(index) : "?";
}

std::string Migrator::quotedTable() const {
  // PostgreSQL: "schema.table" names the schema too (as postgrator does).
  auto dot = table_.find('.');
  if (connection_.dialect() == Dialect::kPostgres && dot != std::string::npos)
    return quote(table_.substr(0, dot)) + "." + quote(table_.substr(dot + 1));
  return quote(table_);
}

std::optional<std::vector<MigrationFile>> Migrator::files(std::string& error) const {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    error = "migrations directory " + dir_ + " does not exist";
    return std::nullopt;
  }
  // postgrator's naming: <version>.<action>[.<name>].sql, version a number; others are ignored.
  std::map<int64_t, MigrationFile> byVersion;
  std::map<std::pair<int64_t, std::string>, std::string> seen;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::string stem = entry.path().stem().string();
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
      size_t dot = stem.find('.', start);
      parts.push_back(stem.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (parts.size() < 2 || parts[0].empty()) continue;
    int64_t version = 0;
    auto [end, parsed] =
        std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), version);
    if (parsed != std::errc() || end != parts[0].data() + parts[0].size() || version < 0) continue;
    const std::string& action = parts[1];
    if (action != "do" && action != "undo") continue;

    std::string path = fs::absolute(entry.path(), ec).lexically_normal().string();
    auto [previous, fresh] = seen.emplace(std::make_pair(version, action), path);
    if (!fresh) {
      std::vector<std::string> names = {displayName(previous->second), displayName(path)};
      std::sort(names.begin(), names.end());
      error = names[0] + " and " + names[1] + ": two migrations with version " +
              std::to_string(version) + " and action " + action;
      return std::nullopt;
    }
    MigrationFile& file = byVersion[version];
    file.version = version;
    if (action == "do") {
      file.doPath = path;
      file.name = parts.size() > 2 ? parts[2] : "";
    } else {
      file.undoPath = path;
    }
  }
  if (ec) {
    error = "cannot list migrations directory " + dir_ + ": " + ec.message();
    return std::nullopt;
  }
  std::vector<MigrationFile> out;
  for (auto& [version, file] : byVersion)
    if (!file.doPath.empty())
      out.push_back(std::move(file));  // an undo without its do is never run
  return out;
}

QueryResult Migrator::tableColumns() {
  if (connection_.dialect() == Dialect::kSqlite)
    return connection_.querySync("SELECT name FROM pragma_table_info(?)", {table_});
  auto dot = table_.find('.');
  Value schema = dot == std::string::npos ? Value() : Value(table_.substr(0, dot));
  Value name = dot == std::string::npos ? Value(table_) : Value(table_.substr(dot + 1));
  return connection_.querySync(
      "SELECT column_name::text FROM information_schema.columns "
      "WHERE table_name = $1 AND table_schema = COALESCE($2::text, current_schema()::text)",
      {name, schema});
}

bool Migrator::tableExists(std::string& error) {
  QueryResult result = tableColumns();
  if (!result.ok()) {
    error = "cannot read the migrations table " + table_ + ": " + result.error->message;
    return false;
  }
  return !result.rows->rows.empty();
}

bool Migrator::ensureTable(std::string& error) {
  // The layout postgrator creates: version (the primary key; INTEGER on SQLite), name, md5,
  // run_at, and a first row with version 0. Older tables get the missing columns.
  bool sqlite = connection_.dialect() == Dialect::kSqlite;
  std::vector<std::string> statements;
  QueryResult columns = tableColumns();
  auto dot = table_.find('.');
  if (!sqlite && dot != std::string::npos && columns.ok() && columns.rows->rows.empty())
    statements.push_back("CREATE SCHEMA IF NOT EXISTS " + quote(table_.substr(0, dot)));
  if (!columns.ok()) {
    error = "cannot read the migrations table " + table_ + ": " + columns.error->message;
    return false;
  }
  auto has = [&](const std::string& name) {
    return std::any_of(
        columns.rows->rows.begin(), columns.rows->rows.end(),
        [&](const std::vector<Value>& row) { return row[0].isText() && row[0].text() == name; });
  };
  if (columns.rows->rows.empty()) {
    statements.push_back("CREATE TABLE " + quotedTable() + " (version " +
                         (sqlite ? "INTEGER" : "BIGINT") + " PRIMARY KEY)");
    statements.push_back("INSERT INTO " + quotedTable() + " (version) VALUES (0)");
  }
  if (!has("name")) statements.push_back("ALTER TABLE " + quotedTable() + " ADD COLUMN name TEXT");
  if (!has("md5")) statements.push_back("ALTER TABLE " + quotedTable() + " ADD COLUMN md5 TEXT");
  if (!has("run_at"))
    statements.push_back("ALTER TABLE " + quotedTable() +
                         " ADD COLUMN run_at TIMESTAMP WITH TIME ZONE");
  for (const auto& sql : statements) {
    QueryResult result = connection_.querySync(sql, {});
    if (!result.ok()) {
      error = "cannot create the migrations table " + table_ + ": " + result.error->message;
      return false;
    }
  }
  return true;
}

int64_t Migrator::currentVersion(std::string& error) {
  if (!tableExists(error)) return 0;
  QueryResult result = connection_.querySync(
      "SELECT version FROM " + quotedTable() + " ORDER BY version DESC LIMIT 1", {});
  if (!result.ok()) {
    error = "cannot read the migrations table " + table_ + ": " + result.error->message;
    return 0;
  }
  if (result.rows->rows.empty()) return 0;
  const Value& v = result.rows->rows[0][0];
  if (v.isInteger()) return v.integer();
  if (v.isText()) return std::atoll(v.text().c_str());  // a column declared otherwise by hand
  return 0;
}

bool Migrator::run(const MigrationFile& file, bool undo, MigrationOutcome& outcome) {
  const std::string& path = undo ? file.undoPath : file.doPath;
  std::string name = displayName(path);
  std::string error;
  auto script = readFile(path, error);
  if (!script) {
    outcome.ok = false;
    outcome.error = name + ": " + error;
    return false;
  }
  auto fail = [&](const QueryResult& result) {
    connection_.querySync("ROLLBACK", {});
    outcome.ok = false;
    outcome.error = name + ": " + result.error->message;
    return false;
  };

  QueryResult begin = connection_.querySync("BEGIN", {});
  if (!begin.ok()) {
    outcome.ok = false;
    outcome.error = name + ": " + begin.error->message;
    return false;
  }
  QueryResult applied = connection_.execScriptSync(*script);
  if (!applied.ok()) return fail(applied);
  QueryResult recorded =
      undo ? connection_.querySync(
                 "DELETE FROM " + quotedTable() + " WHERE version = " + placeholder(1),
                 {file.version})
           : connection_.querySync("INSERT INTO " + quotedTable() +
                                       " (version, name, md5, run_at) VALUES (" + placeholder(1) +
                                       ", " + placeholder(2) + ", " + placeholder(3) + ", " +
                                       placeholder(4) + ")",
                                   {file.version, file.name, md5Hex(*script), nowUtc()});
  if (!recorded.ok()) return fail(recorded);
  QueryResult commit = connection_.querySync("COMMIT", {});
  if (!commit.ok()) return fail(commit);
  outcome.applied.push_back(fs::path(path).filename().string());
  return true;
}

MigrationOutcome Migrator::migrateTo(int64_t target) {
  MigrationOutcome outcome;
  auto fail = [&](std::string message) {
    outcome.ok = false;
    outcome.error = std::move(message);
    return outcome;
  };
  std::string error;
  auto list = files(error);
  if (!list) return fail(error);
  if (!ensureTable(error)) return fail(error);
  int64_t current = currentVersion(error);
  if (!error.empty()) return fail(error);
  outcome.versionBefore = outcome.versionAfter = current;

  if (target >= current) {
    if (validateChecksums_) {
      for (const auto& file : *list) {
        if (file.version <= 0 || file.version > current) continue;
        QueryResult recorded = connection_.querySync(
            "SELECT md5 FROM " + quotedTable() + " WHERE version = " + placeholder(1),
            {file.version});
        if (!recorded.ok())
          return fail("cannot read the migrations table " + table_ + ": " +
                      recorded.error->message);
        if (recorded.rows->rows.empty() || !recorded.rows->rows[0][0].isText()) continue;
        const std::string& md5 = recorded.rows->rows[0][0].text();
        auto script = readFile(file.doPath, error);
        if (!script) return fail(displayName(file.doPath) + ": " + error);
        if (!md5.empty() && md5 != md5Hex(*script))
          return fail(displayName(file.doPath) + ": MD5 checksum failed for migration [" +
                      std::to_string(file.version) + "] (the file changed after it was applied)");
      }
    }
    for (const auto& file : *list) {
      if (file.version <= current || file.version > target) continue;
      if (!run(file, false, outcome)) break;
      outcome.versionAfter = file.version;
    }
    return outcome;
  }

  std::vector<const MigrationFile*> undo;
  for (const auto& file : *list)
    if (file.version > target && file.version <= current) undo.push_back(&file);
  std::reverse(undo.begin(), undo.end());
  for (const auto* file : undo)
    if (file->undoPath.empty())
      return fail(displayName(file->doPath) + ": no " + std::to_string(file->version) +
                  ".undo.sql file, cannot roll back version " + std::to_string(file->version));
  for (const auto* file : undo)
    if (!run(*file, true, outcome)) break;
  outcome.versionAfter = currentVersion(error);
  return outcome;
}

MigrationOutcome Migrator::apply(std::optional<int64_t> target) {
  if (target) return migrateTo(*target);
  std::string error;
  auto list = files(error);
  if (!list) {
    MigrationOutcome outcome;
    outcome.ok = false;
    outcome.error = error;
    return outcome;
  }
  int64_t highest = list->empty() ? 0 : list->back().version;
  // Never roll back implicitly when the database is ahead of the files.
  int64_t current = currentVersion(error);
  return migrateTo(std::max(highest, current));
}

MigrationOutcome Migrator::rollback(std::optional<int64_t> target) {
  MigrationOutcome outcome;
  std::string error;
  auto list = files(error);
  int64_t current = list ? currentVersion(error) : 0;
  if (!list || !error.empty()) {
    outcome.ok = false;
    outcome.error = error;
    return outcome;
  }
  // By default the migration applied before the current one (0 when it is the first).
  int64_t previous = 0;
  for (const auto& file : *list)
    if (file.version < current) previous = std::max(previous, file.version);
  int64_t to = target.value_or(previous);
  if (to >= current) {  // nothing to undo; never a way forward
    outcome.versionBefore = outcome.versionAfter = current;
    return outcome;
  }
  return migrateTo(to);
}

}  // namespace watt::db
