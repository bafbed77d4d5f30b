// SQLite's catalog through its table-valued pragmas (pragma_table_list, pragma_table_xinfo,
// pragma_index_list, pragma_foreign_key_list), table names always bound as parameters.
#include <algorithm>
#include <map>

#include "common/ascii.h"
#include "db/introspection.h"

namespace watt::db {
namespace {

std::string text(const Value& v) {
  return v.isText() ? v.text() : std::string();
}
int64_t integer(const Value& v) {
  return v.isInteger() ? v.integer() : 0;
}

// "VARCHAR(42)" -> "varchar", "unsigned big int" stays, "" when undeclared.
std::string baseType(const std::string& declared) {
  std::string_view type(declared);
  if (auto paren = type.find('('); paren != std::string_view::npos) type = type.substr(0, paren);
  return ascii::lower(ascii::trim(type));
}

bool readColumns(CatalogReader& reader, Table& table, bool withoutRowid) {
  auto columns = reader.rows(
      "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY "
      "cid",
      {table.name});
  if (!columns) return false;
  std::vector<std::pair<int64_t, std::string>> keyColumns;  // (position in key, name)
  std::string rowidCandidate;  // the key column declared exactly "INTEGER"
  for (const auto& row : columns->rows) {
    int64_t hidden = integer(row[5]);
    if (hidden == 1) continue;  // a virtual table's hidden column
    Column column;
    column.name = text(row[0]);
    column.sqlType = baseType(text(row[1]));
    int64_t keyPosition = integer(row[4]);
    column.nullable = integer(row[2]) == 0 && keyPosition == 0;
    column.hasDefault = !row[3].isNull();
    column.generated = hidden == 2 || hidden == 3;
    if (keyPosition > 0 && !table.isView) {
      keyColumns.emplace_back(keyPosition, column.name);
      if (ascii::iequals(ascii::trim(text(row[1])), "integer")) rowidCandidate = column.name;
    }
    table.columns.push_back(std::move(column));
  }
  std::sort(keyColumns.begin(), keyColumns.end());
  for (auto& [position, name] : keyColumns) table.primaryKey.push_back(name);

  // A lone INTEGER PRIMARY KEY (exactly that type name) is the rowid: SQLite assigns it.
  if (keyColumns.size() == 1 && !withoutRowid && rowidCandidate == keyColumns[0].second) {
    for (auto& column : table.columns)
      if (column.name == rowidCandidate) {
        column.autoIncrement = true;
        column.hasDefault = true;
      }
  }
  return true;
}

bool readUniqueConstraints(CatalogReader& reader, Table& table) {
  auto indexes = reader.rows("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)",
                             {table.name});
  if (!indexes) return false;
  // pragma_index_list lists the newest index first: reverse to declaration order.
  for (auto row = indexes->rows.rbegin(); row != indexes->rows.rend(); ++row) {
    std::string origin = text((*row)[2]);
    if (integer((*row)[1]) != 1 || integer((*row)[3]) != 0 || (origin != "u" && origin != "c"))
      continue;
    auto parts =
        reader.rows("SELECT name FROM pragma_index_info(?) ORDER BY seqno", {text((*row)[0])});
    if (!parts) return false;
    std::vector<std::string> columns;
    bool onExpression = false;
    for (const auto& part : parts->rows) {
      if (part[0].isNull()) onExpression = true;
      columns.push_back(text(part[0]));
    }
    if (!onExpression && !columns.empty()) table.uniqueConstraints.push_back(std::move(columns));
  }
  return true;
}

bool readForeignKeys(CatalogReader& reader, Table& table) {
  auto keys = reader.rows(
      "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id "
      "DESC, seq",
      {table.name});
  if (!keys) return false;
  // Ids count from the last declared key: descending ids give declaration order.
  int64_t current = -1;
  for (const auto& row : keys->rows) {
    if (table.foreignKeys.empty() || integer(row[0]) != current) {
      current = integer(row[0]);
      ForeignKey key;
      key.foreignTable = text(row[2]);
      table.foreignKeys.push_back(std::move(key));
    }
    ForeignKey& key = table.foreignKeys.back();
    key.columns.push_back(text(row[3]));
    key.foreignColumns.push_back(text(row[4]));  // "" when the parent's primary key is meant
  }
  // "REFERENCES parent" without columns: the parent's primary key.
  for (auto& key : table.foreignKeys) {
    if (std::none_of(key.foreignColumns.begin(), key.foreignColumns.end(),
                     [](const std::string& c) { return c.empty(); }))
      continue;
    auto parent = reader.rows("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
                              {key.foreignTable});
    if (!parent) return false;
    key.foreignColumns.clear();
    for (const auto& row : parent->rows) key.foreignColumns.push_back(text(row[0]));
  }
  return true;
}

}  // namespace

std::optional<Schema> introspectSqlite(Connection& connection, const IntrospectOptions& options,
                                       std::string& error) {
  CatalogReader reader(connection, error);
  auto list = reader.rows(
      "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', "
      "'view', 'virtual')",
      {});
  if (!list) return std::nullopt;

  Schema schema;
  for (const auto& row : list->rows) {
    std::string name = text(row[0]);
    if (ascii::istartsWith(name, "sqlite_")) continue;
    if (std::find(options.excludeTables.begin(), options.excludeTables.end(), name) !=
        options.excludeTables.end())
      continue;
    Table table;
    table.name = name;
    table.isView = text(row[1]) == "view";
    bool withoutRowid = integer(row[2]) != 0;
    if (!readColumns(reader, table, withoutRowid)) return std::nullopt;
    if (!table.isView) {
      if (!readUniqueConstraints(reader, table) || !readForeignKeys(reader, table))
        return std::nullopt;
    }
    schema.tables.push_back(std::move(table));
  }
  std::sort(schema.tables.begin(), schema.tables.end(),
            [](const Table& a, const Table& b) { return a.name < b.name; });
  return schema;
}

}  // namespace watt::db
