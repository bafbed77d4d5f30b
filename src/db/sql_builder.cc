#include "db/sql_builder.h"

#include <algorithm>

#include "db/postgres_text.h"

namespace watt::db {
namespace {

const char* opName(Op op) {
  switch (op) {
    case Op::kEq:
      return "eq";
    case Op::kNeq:
      return "neq";
    case Op::kGt:
      return "gt";
    case Op::kGte:
      return "gte";
    case Op::kLt:
      return "lt";
    case Op::kLte:
      return "lte";
    case Op::kLike:
      return "like";
    case Op::kIlike:
      return "ilike";
    case Op::kIn:
      return "in";
    case Op::kNin:
      return "nin";
    case Op::kIsNull:
      return "isNull";
    case Op::kContains:
      return "contains";
    case Op::kContained:
      return "contained";
    case Op::kOverlaps:
      return "overlaps";
    case Op::kAny:
      return "any";
    case Op::kAll:
      return "all";
  }
  return "?";
}

const char* comparison(Op op) {
  switch (op) {
    case Op::kEq:
      return " = ";
    case Op::kNeq:
      return " <> ";
    case Op::kGt:
      return " > ";
    case Op::kGte:
      return " >= ";
    case Op::kLt:
      return " < ";
    case Op::kLte:
      return " <= ";
    case Op::kContains:
      return " @> ";
    case Op::kContained:
      return " <@ ";
    case Op::kOverlaps:
      return " && ";
    default:
      return nullptr;
  }
}

// Accumulates SQL text and its parameters; the first error wins and stops the build.
class Writer {
 public:
  Writer(const SqlBuilder& builder, Dialect dialect, const Table& table)
      : builder_(builder), dialect_(dialect), table_(table) {}

  std::string sql;
  std::string error;

  bool postgres() const { return dialect_ == Dialect::kPostgres; }
  const Table& table() const { return table_; }

  void placeholder(Value value) {
    params_.push_back(std::move(value));
    if (postgres())
      sql += "$" + std::to_string(params_.size());
    else
      sql += "?";
  }

  void identifier(const std::string& name) { sql += builder_.quoteIdentifier(name); }

  const Column* column(const std::string& name) {
    const Column* found = table_.column(name);
    if (!found && error.empty())
      error = "unknown column \"" + name + "\" in table \"" + table_.name + "\"";
    return found;
  }

  // A comma-separated list of known columns.
  bool columnList(const std::vector<std::string>& names) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (!column(names[i])) return false;
      if (i > 0) sql += ", ";
      identifier(names[i]);
    }
    return true;
  }

  void returning(const std::vector<std::string>& names) {
    if (names.empty()) return;
    sql += " RETURNING ";
    columnList(names);
  }

  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }

  BuildResult finish() {
    BuildResult result;
    size_t limit =
        postgres() ? SqlBuilder::kMaxPostgresParameters : SqlBuilder::kMaxSqliteParameters;
    if (error.empty() && params_.size() > limit)
      error = "too many values: the statement needs " + std::to_string(params_.size()) +
              " parameters, " + (postgres() ? "PostgreSQL" : "SQLite") + " takes at most " +
              std::to_string(limit);
    if (!error.empty()) {
      result.error = std::move(error);
      return result;
    }
    result.statement = Statement{std::move(sql), std::move(params_)};
    return result;
  }

 private:
  const SqlBuilder& builder_;
  Dialect dialect_;
  const Table& table_;
  std::vector<Value> params_;
};

bool oneValue(Writer& w, const Condition& c) {
  if (c.values.size() == 1) return true;
  return w.fail("operator \"" + std::string(opName(c.op)) + "\" on column \"" + c.column +
                "\" takes one value, " + std::to_string(c.values.size()) + " given");
}

bool arrayColumn(Writer& w, const Condition& c, const Column& column) {
  if (!w.postgres())
    return w.fail("operator \"" + std::string(opName(c.op)) +
                  "\" works on PostgreSQL array columns only");
  if (!column.isArray)
    return w.fail("operator \"" + std::string(opName(c.op)) + "\" needs an array column: \"" +
                  c.column + "\" in table \"" + w.table().name + "\" is not one");
  return true;
}

bool condition(Writer& w, const Condition& c) {
  const Column* column = w.column(c.column);
  if (!column) return false;
  switch (c.op) {
    case Op::kEq:
    case Op::kNeq:
    case Op::kGt:
    case Op::kGte:
    case Op::kLt:
    case Op::kLte:
      if (!oneValue(w, c)) return false;
      w.identifier(c.column);
      if (c.values[0].isNull() && (c.op == Op::kEq || c.op == Op::kNeq)) {
        w.sql += c.op == Op::kEq ? " IS NULL" : " IS NOT NULL";
        return true;
      }
      w.sql += comparison(c.op);
      w.placeholder(c.values[0]);
      return true;
    case Op::kLike:
    case Op::kIlike:
      if (!oneValue(w, c)) return false;
      if (column->sqlType == "text" || column->sqlType == "varchar") {
        w.identifier(c.column);
      } else {
        w.sql += "TRIM(CAST(";
        w.identifier(c.column);
        w.sql += " AS CHAR(64)))";
      }
      // SQLite's LIKE already ignores ASCII case (and has no ILIKE).
      w.sql += c.op == Op::kIlike && w.postgres() ? " ILIKE " : " LIKE ";
      w.placeholder(c.values[0]);
      return true;
    case Op::kIn:
    case Op::kNin:
      if (c.values.empty()) {
        w.sql += c.op == Op::kIn ? "1=0" : "1=1";
        return true;
      }
      w.identifier(c.column);
      if (w.postgres() && !column->isArray) {
        // One array parameter, whatever the number of values.
        w.sql += c.op == Op::kIn ? " = ANY(" : " <> ALL(";
        w.placeholder(postgres::arrayLiteral(c.values));
        w.sql += ")";
        return true;
      }
      w.sql += c.op == Op::kIn ? " IN (" : " NOT IN (";
      for (size_t i = 0; i < c.values.size(); ++i) {
        if (i > 0) w.sql += ", ";
        w.placeholder(c.values[i]);
      }
      w.sql += ")";
      return true;
    case Op::kIsNull:
      if (!oneValue(w, c)) return false;
      if (!c.values[0].isBool())
        return w.fail("operator \"isNull\" on column \"" + c.column + "\" takes true or false");
      w.identifier(c.column);
      w.sql += c.values[0].boolean() ? " IS NULL" : " IS NOT NULL";
      return true;
    case Op::kContains:
    case Op::kContained:
    case Op::kOverlaps:
      if (!arrayColumn(w, c, *column)) return false;
      w.identifier(c.column);
      w.sql += comparison(c.op);
      w.placeholder(postgres::arrayLiteral(c.values));
      return true;
    case Op::kAny:
    case Op::kAll:
      if (!arrayColumn(w, c, *column) || !oneValue(w, c)) return false;
      w.placeholder(c.values[0]);
      w.sql += c.op == Op::kAny ? " = ANY(" : " = ALL(";
      w.identifier(c.column);
      w.sql += ")";
      return true;
  }
  return w.fail("unknown operator");
}

// Writes items [begin, end) joined by `op`, as a balanced tree of parenthesized halves once
// there are more than a few: SQLite limits expression depth (1000), and a flat chain of N terms
// is N deep.
template <typename Emit>
bool joinBalanced(Writer& w, size_t begin, size_t end, const char* op, const Emit& emit) {
  constexpr size_t kFlat = 8;
  if (end - begin <= kFlat) {
    for (size_t i = begin; i < end; ++i) {
      if (i > begin) w.sql += op;
      if (!emit(i)) return false;
    }
    return true;
  }
  size_t middle = begin + (end - begin) / 2;
  w.sql += "(";
  if (!joinBalanced(w, begin, middle, op, emit)) return false;
  w.sql += ")";
  w.sql += op;
  w.sql += "(";
  if (!joinBalanced(w, middle, end, op, emit)) return false;
  w.sql += ")";
  return true;
}

bool conjunction(Writer& w, const Conjunction& conditions) {
  if (conditions.empty()) {
    w.sql += "1=1";
    return true;
  }
  return joinBalanced(w, 0, conditions.size(), " AND ",
                      [&](size_t i) { return condition(w, conditions[i]); });
}

bool orGroup(Writer& w, const std::vector<Conjunction>& group) {
  if (group.empty()) {
    w.sql += "1=0";
    return true;
  }
  w.sql += "(";
  bool ok = joinBalanced(w, 0, group.size(), " OR ", [&](size_t i) {
    if (group[i].size() <= 1) return conjunction(w, group[i]);
    w.sql += "(";
    bool inner = conjunction(w, group[i]);
    w.sql += ")";
    return inner;
  });
  w.sql += ")";
  return ok;
}

bool where(Writer& w, const Filter& filter) {
  if (filter.empty()) return true;
  w.sql += " WHERE ";
  size_t n = filter.all.size() + filter.anyOf.size();
  return joinBalanced(w, 0, n, " AND ", [&](size_t i) {
    if (i < filter.all.size()) return condition(w, filter.all[i]);
    return orGroup(w, filter.anyOf[i - filter.all.size()]);
  });
}

// Checks the columns a write sets: known, not generated, each once.
bool writable(Writer& w, const std::vector<std::pair<std::string, Value>>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    const Column* column = w.column(values[i].first);
    if (!column) return false;
    if (column->generated)
      return w.fail("column \"" + values[i].first + "\" of table \"" + w.table().name +
                    "\" is generated and cannot be written");
    for (size_t j = 0; j < i; ++j)
      if (values[j].first == values[i].first)
        return w.fail("column \"" + values[i].first + "\" set twice");
  }
  return true;
}

void insertInto(Writer& w, const std::string& table,
                const std::vector<std::pair<std::string, Value>>& values) {
  w.sql = "INSERT INTO " + table;
  if (values.empty()) {
    w.sql += " DEFAULT VALUES";
    return;
  }
  w.sql += " (";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) w.sql += ", ";
    w.identifier(values[i].first);
  }
  w.sql += ") VALUES (";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) w.sql += ", ";
    w.placeholder(values[i].second);
  }
  w.sql += ")";
}

}  // namespace

std::string SqlBuilder::quoteIdentifier(const std::string& name) const {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string SqlBuilder::tableReference(const Table& table) const {
  if (dialect_ == Dialect::kPostgres && !table.schema.empty())
    return quoteIdentifier(table.schema) + "." + quoteIdentifier(table.name);
  return quoteIdentifier(table.name);
}

BuildResult SqlBuilder::select(const SelectQuery& query) const {
  if (!query.table) return BuildResult{std::nullopt, "select without a table"};
  const Table& table = *query.table;
  Writer w(*this, dialect_, table);
  std::vector<std::string> columns = query.columns;
  if (columns.empty())
    for (const auto& c : table.columns) columns.push_back(c.name);
  if ((query.limit && *query.limit < 0) || (query.offset && *query.offset < 0)) {
    w.fail("limit and offset must not be negative");
    return w.finish();
  }
  auto orderBy = [&]() {
    for (size_t i = 0; i < query.orderBy.size(); ++i) {
      if (!w.column(query.orderBy[i].column)) return false;
      if (i > 0) w.sql += ", ";
      w.identifier(query.orderBy[i].column);
      w.sql += query.orderBy[i].descending ? " DESC" : " ASC";
    }
    return true;
  };

  if (query.partitionBy) {
    // SELECT cols FROM (SELECT cols, ROW_NUMBER() OVER (PARTITION BY p ORDER BY ...) AS n
    //   FROM t WHERE ...) AS w WHERE n > offset AND n <= offset + limit ORDER BY p, n
    if (!w.column(*query.partitionBy)) return w.finish();
    const std::string row = quoteIdentifier("__watt_row");
    w.sql = "SELECT ";
    if (!w.columnList(columns)) return w.finish();
    w.sql += " FROM (SELECT ";
    w.columnList(columns);
    w.sql += ", ROW_NUMBER() OVER (PARTITION BY ";
    w.identifier(*query.partitionBy);
    if (!query.orderBy.empty()) {
      w.sql += " ORDER BY ";
      if (!orderBy()) return w.finish();
    }
    w.sql += ") AS " + row + " FROM " + tableReference(table);
    if (!where(w, query.where)) return w.finish();
    w.sql += ") AS " + quoteIdentifier("__watt_window");
    int64_t offset = query.offset.value_or(0);
    w.sql += " WHERE " + row + " > ";
    w.placeholder(offset);
    if (query.limit) {
      w.sql += " AND " + row + " <= ";
      w.placeholder(offset + *query.limit);
    }
    w.sql += " ORDER BY ";
    w.identifier(*query.partitionBy);
    w.sql += ", " + row;
    return w.finish();
  }

  w.sql = "SELECT ";
  if (!w.columnList(columns)) return w.finish();
  w.sql += " FROM " + tableReference(table);
  if (!where(w, query.where)) return w.finish();
  if (!query.orderBy.empty()) {
    w.sql += " ORDER BY ";
    if (!orderBy()) return w.finish();
  }
  if (query.limit) {
    w.sql += " LIMIT ";
    w.placeholder(*query.limit);
  } else if (query.offset && dialect_ == Dialect::kSqlite) {
    w.sql += " LIMIT -1";  // SQLite accepts OFFSET only after a LIMIT
  }
  if (query.offset) {
    w.sql += " OFFSET ";
    w.placeholder(*query.offset);
  }
  return w.finish();
}

BuildResult SqlBuilder::count(const Table& table, const Filter& filter) const {
  Writer w(*this, dialect_, table);
  w.sql = "SELECT COUNT(*) AS total FROM " + tableReference(table);
  where(w, filter);
  return w.finish();
}

BuildResult SqlBuilder::insert(const Table& table,
                               const std::vector<std::pair<std::string, Value>>& values,
                               const std::vector<std::string>& returning) const {
  Writer w(*this, dialect_, table);
  if (!writable(w, values)) return w.finish();
  insertInto(w, tableReference(table), values);
  w.returning(returning);
  return w.finish();
}

BuildResult SqlBuilder::upsert(const Table& table,
                               const std::vector<std::pair<std::string, Value>>& values,
                               const std::vector<std::string>& returning) const {
  Writer w(*this, dialect_, table);
  if (table.primaryKey.empty()) {
    w.fail("table \"" + table.name + "\" has no primary key: an upsert needs one");
    return w.finish();
  }
  if (values.empty()) {
    w.fail("an upsert needs at least one value");
    return w.finish();
  }
  if (!writable(w, values)) return w.finish();
  insertInto(w, tableReference(table), values);
  w.sql += " ON CONFLICT (";
  for (size_t i = 0; i < table.primaryKey.size(); ++i) {
    if (i > 0) w.sql += ", ";
    w.identifier(table.primaryKey[i]);
  }
  w.sql += ") DO UPDATE SET ";
  std::vector<std::string> updated;
  for (const auto& [name, value] : values)
    if (std::find(table.primaryKey.begin(), table.primaryKey.end(), name) == table.primaryKey.end())
      updated.push_back(name);
  // Nothing but the key given: a no-op update, so that RETURNING still yields the row.
  if (updated.empty()) updated.push_back(table.primaryKey[0]);
  for (size_t i = 0; i < updated.size(); ++i) {
    if (i > 0) w.sql += ", ";
    w.identifier(updated[i]);
    w.sql += " = excluded.";
    w.identifier(updated[i]);
  }
  w.returning(returning);
  return w.finish();
}

BuildResult SqlBuilder::update(const Table& table,
                               const std::vector<std::pair<std::string, Value>>& set,
                               const Filter& filter,
                               const std::vector<std::string>& returning) const {
  Writer w(*this, dialect_, table);
  if (set.empty()) {
    w.fail("an update needs at least one column to set");
    return w.finish();
  }
  if (!writable(w, set)) return w.finish();
  w.sql = "UPDATE " + tableReference(table) + " SET ";
  for (size_t i = 0; i < set.size(); ++i) {
    if (i > 0) w.sql += ", ";
    w.identifier(set[i].first);
    w.sql += " = ";
    w.placeholder(set[i].second);
  }
  if (!where(w, filter)) return w.finish();
  w.returning(returning);
  return w.finish();
}

BuildResult SqlBuilder::remove(const Table& table, const Filter& filter,
                               const std::vector<std::string>& returning) const {
  Writer w(*this, dialect_, table);
  w.sql = "DELETE FROM " + tableReference(table);
  if (!where(w, filter)) return w.finish();
  w.returning(returning);
  return w.finish();
}

}  // namespace watt::db
