#include "kinds/db/entity_ops.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace watt::kinds::db {

std::string isoNow() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string uuidV4() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

sql::Filter keyFilter(const InputValues& key) {
  sql::Filter f;
  for (const auto& [field, value] : key) f.all.push_back({field->column, sql::Op::kEq, {value}});
  return f;
}

void applyChecks(sql::Filter& where, const std::vector<sql::Condition>& checks) {
  for (const auto& check : checks)
    std::erase_if(where.all, [&](const sql::Condition& c) { return c.column == check.column; });
  for (const auto& check : checks) where.all.push_back(check);
}

namespace {

bool has(const InputValues& values, const Field* field) {
  return std::any_of(values.begin(), values.end(), [&](const auto& v) { return v.first == field; });
}

// The columns of an INSERT: the input (auto-timestamps are the server's), the timestamps, and a
// fresh uuid for a uuid primary key the input does not carry.
std::vector<std::pair<std::string, sql::Value>> insertColumns(const Entity& entity, const InputValues& values,
                                                              const std::string& now) {
  std::vector<std::pair<std::string, sql::Value>> out;
  for (const auto& [field, value] : values)
    if (!field->autoTimestamp) out.emplace_back(field->column, value);
  for (const auto& f : entity.fields) {
    if (f.isCreatedAt || f.isUpdatedAt) out.emplace_back(f.column, sql::Value(now));
    if (f.primaryKey && f.uuid && !has(values, &f)) out.emplace_back(f.column, sql::Value(uuidV4()));
  }
  return out;
}

}  // namespace

Task<SaveOutcome> saveRow(sql::Database& database, unsigned loop, SaveRequest request) {
  const Entity& entity = *request.entity;
  InputValues key = request.key;
  if (key.empty()) {
    bool all = !entity.primaryKeys.empty();
    for (const Field* pk : entity.primaryKeys) {
      auto it = std::find_if(request.values.begin(), request.values.end(), [&](const auto& v) { return v.first == pk; });
      if (it == request.values.end()) all = false;
      else key.emplace_back(pk, it->second);
    }
    if (!all) key.clear();
  }

  std::string now = isoNow();
  std::vector<std::pair<std::string, sql::Value>> updateSet;
  for (const auto& [field, value] : request.values)
    if (!field->autoTimestamp && !field->primaryKey) updateSet.emplace_back(field->column, value);
  for (const auto& f : entity.fields)
    if (f.isUpdatedAt) updateSet.emplace_back(f.column, sql::Value(now));
  auto insertValues = insertColumns(entity, request.values, now);

  // Only an update of a keyed row is guarded by the rule's checks; an insert is not (the rule's
  // defaults protect it). Never run the update with the checks alone: that is every row.
  sql::Filter guarded = keyFilter(key);
  if (!guarded.empty()) applyChecks(guarded, request.checks);
  bool checked = !request.checks.empty();
  const sql::Table& table = *entity.source;
  sql::SqlBuilder builder(database.dialect());
  const auto& returning = request.returning;
  SaveOutcome outcome;

  outcome.result = co_await database.transaction(loop, [&](sql::Connection& c) -> Task<sql::QueryResult> {
    if (!guarded.empty()) {
      sql::BuildResult update = updateSet.empty()
                                    ? builder.select({&table, returning, guarded, {}, 1, std::nullopt})
                                    : builder.update(table, updateSet, guarded, returning);
      if (!update.statement) co_return sql::QueryResult::failure({sql::DbError::Kind::kOther, update.error, ""});
      auto updated = co_await c.query(std::move(update.statement->sql), std::move(update.statement->params));
      if (!updated.ok() || !updated.rows->rows.empty()) co_return updated;
      if (checked) {
        outcome.forbidden = true;  // another tenant's row, or a new id: not through these checks
        co_return updated;
      }
    }
    auto insert = builder.insert(table, insertValues, returning);
    if (!insert.statement) co_return sql::QueryResult::failure({sql::DbError::Kind::kOther, insert.error, ""});
    co_return co_await c.query(std::move(insert.statement->sql), std::move(insert.statement->params));
  });
  co_return outcome;
}

Task<sql::QueryResult> insertRows(sql::Database& database, unsigned loop, const Entity& entity,
                                  std::vector<InputValues> rows, std::vector<std::string> returning) {
  sql::SqlBuilder builder(database.dialect());
  std::string now = isoNow();
  co_return co_await database.transaction(loop, [&](sql::Connection& c) -> Task<sql::QueryResult> {
    sql::ResultSet all;
    for (const auto& row : rows) {
      auto insert = builder.insert(*entity.source, insertColumns(entity, row, now), returning);
      if (!insert.statement) co_return sql::QueryResult::failure({sql::DbError::Kind::kOther, insert.error, ""});
      auto inserted = co_await c.query(std::move(insert.statement->sql), std::move(insert.statement->params));
      if (!inserted.ok()) co_return inserted;
      if (all.columns.empty()) all.columns = inserted.rows->columns;
      for (auto& r : inserted.rows->rows) all.rows.push_back(std::move(r));
    }
    sql::QueryResult result;
    result.rows = std::move(all);
    co_return result;
  });
}

}  // namespace watt::kinds::db
