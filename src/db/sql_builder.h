// Builds the SQL the db kind runs, from structured queries: identifiers come from the
// introspected schema (a column not in the table is an error, never text in the SQL) and are
// quoted for the dialect; every value becomes a bound parameter ("?" for SQLite, "$n" for
// PostgreSQL). Writes use RETURNING (SQLite >= 3.35, PostgreSQL) to read back the rows.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "db/database.h"
#include "db/schema.h"
#include "db/value.h"

namespace watt::db {

enum class Op {
  kEq,
  kNeq,
  kGt,
  kGte,
  kLt,
  kLte,
  kLike,
  kIlike,      // ILIKE on PostgreSQL, LIKE (case-insensitive for ASCII) on SQLite
  kIn,         // values: the list (an empty list matches nothing)
  kNin,        // values: the list (an empty list matches everything)
  kIsNull,     // values: one boolean; true = IS NULL, false = IS NOT NULL
  kContains,   // PostgreSQL arrays only: column @> values (the elements)
  kContained,  // PostgreSQL arrays only: column <@ values
  kOverlaps,   // PostgreSQL arrays only: column && values
  kAny,        // PostgreSQL arrays only, one value: value = ANY(column)
  kAll,        // PostgreSQL arrays only, one value: value = ALL(column)
};

// Semantics beyond the plain operator (as Platformatic's sql-mapper does):
// - kEq / kNeq with a NULL value: IS NULL / IS NOT NULL.
// - kLike / kIlike on a column that is not text/varchar compare TRIM(CAST(col AS CHAR(64))).
// - kIn / kNin on PostgreSQL: col = ANY($n) / col <> ALL($n) with one array parameter (any
//   number of values); on SQLite: col IN (?, ?, ...).
// - kContains / kContained / kOverlaps: col @> / <@ / && $n, the values as one array parameter.
struct Condition {
  std::string column;
  Op op = Op::kEq;
  std::vector<Value> values;  // one value, except kIn/kNin (any number) and array operators
};

using Conjunction = std::vector<Condition>;  // conditions AND-ed; empty: true

// Conditions all AND-ed; then each `anyOf` group is an OR of conjunctions, AND-ed with the
// rest: WHERE a AND b AND ((c AND d) OR e) AND (f OR g). An empty group matches nothing (an
// empty OR). Long chains are written as balanced trees, so thousands of terms stay within
// SQLite's expression depth limit.
struct Filter {
  std::vector<Condition> all;
  std::vector<std::vector<Conjunction>> anyOf;
  bool empty() const { return all.empty() && anyOf.empty(); }
  // Adds a group that is an OR of single conditions (REST's where.or=(a|b|c)).
  void addAnyOf(std::vector<Condition> alternatives) {
    std::vector<Conjunction> group;
    group.reserve(alternatives.size());
    for (auto& c : alternatives) group.push_back(Conjunction{std::move(c)});
    anyOf.push_back(std::move(group));
  }
};

struct OrderBy {
  std::string column;
  bool descending = false;
};

struct SelectQuery {
  const Table* table = nullptr;
  std::vector<std::string> columns;  // empty = every column, in table order
  Filter where;
  std::vector<OrderBy> orderBy;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
  // When set, limit and offset apply to each group of rows with the same value of this column
  // (ROW_NUMBER() OVER (PARTITION BY ...) in `orderBy` order): the first N children of every
  // parent in one query. Rows come out grouped by that column, in `orderBy` order within.
  std::optional<std::string> partitionBy;
};

struct Statement {
  std::string sql;
  std::vector<Value> params;
};

struct BuildResult {
  std::optional<Statement> statement;
  std::string error;  // e.g. "unknown column \"nope\" in table \"books\""
};

class SqlBuilder {
 public:
  // Bound parameters one statement may hold (SQLite's default SQLITE_MAX_VARIABLE_NUMBER;
  // PostgreSQL's protocol limit). A statement needing more is refused with an error.
  static constexpr size_t kMaxSqliteParameters = 32766;
  static constexpr size_t kMaxPostgresParameters = 65535;

  explicit SqlBuilder(Dialect dialect) : dialect_(dialect) {}

  BuildResult select(const SelectQuery& query) const;
  // SELECT COUNT(*) AS total FROM table WHERE ...
  BuildResult count(const Table& table, const Filter& where) const;
  // INSERT ... VALUES (...) RETURNING <returning>. Empty `values`: DEFAULT VALUES.
  BuildResult insert(const Table& table, const std::vector<std::pair<std::string, Value>>& values,
                     const std::vector<std::string>& returning) const;
  // INSERT ... ON CONFLICT (primary key) DO UPDATE SET ... RETURNING ...  (upsert by primary key)
  BuildResult upsert(const Table& table, const std::vector<std::pair<std::string, Value>>& values,
                     const std::vector<std::string>& returning) const;
  BuildResult update(const Table& table, const std::vector<std::pair<std::string, Value>>& set,
                     const Filter& where, const std::vector<std::string>& returning) const;
  BuildResult remove(const Table& table, const Filter& where,
                     const std::vector<std::string>& returning) const;

  std::string quoteIdentifier(const std::string& name) const;  // "name" with "" doubled
  std::string tableReference(const Table& table) const;        // "schema"."table" or "table"

 private:
  Dialect dialect_;
};

}  // namespace watt::db
