// PostgreSQL's catalog (pg_class, pg_attribute, pg_type, pg_constraint), read with bound
// parameters: relation OIDs, and the schema list as one array literal.
#include <algorithm>

#include "db/introspection.h"
#include "db/postgres_text.h"

namespace watt::db {
namespace {

std::string text(const Value& v) {
  return v.isText() ? v.text() : std::string();
}
bool flag(const Value& v) {
  return v.isBool() && v.boolean();
}

// Domains read as their base type, arrays as their element type (plus isArray).
constexpr const char* kColumnsSql = R"(
WITH cols AS (
  SELECT a.attnum, a.attname, a.attnotnull, a.atthasdef, a.attidentity, a.attgenerated,
         pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr,
         CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END AS type_oid
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped)
SELECT c.attname, c.attnotnull, c.atthasdef, c.attidentity::text, c.attgenerated::text, c.default_expr,
       (t.typcategory = 'A' AND t.typelem <> 0) AS is_array,
       e.typname::text, e.typtype::text, e.oid::int8
FROM cols c
JOIN pg_catalog.pg_type t ON t.oid = c.type_oid
JOIN pg_catalog.pg_type e
  ON e.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
ORDER BY c.attnum)";

// One row per constraint column, in key order.
constexpr const char* kConstraintsSql = R"(
SELECT con.conname::text, con.contype::text, a.attname::text, fn.nspname::text, fc.relname::text,
       fa.attname::text
FROM pg_catalog.pg_constraint con
CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.ord::int]
WHERE con.conrelid = $1::oid AND con.contype IN ('p', 'u', 'f')
ORDER BY con.contype, con.conname, k.ord)";

bool readColumns(CatalogReader& reader, Table& table, int64_t oid) {
  auto columns = reader.rows(kColumnsSql, {oid});
  if (!columns) return false;
  for (const auto& row : columns->rows) {
    Column column;
    column.name = text(row[0]);
    column.nullable = !flag(row[1]);
    std::string identity = text(row[3]);
    column.generated = text(row[4]) == "s";
    column.autoIncrement = !identity.empty() || text(row[5]).rfind("nextval(", 0) == 0;
    column.hasDefault = !column.generated && (flag(row[2]) || !identity.empty());
    column.isArray = flag(row[6]);
    column.sqlType = text(row[7]);
    if (text(row[8]) == "e") {
      auto labels = reader.rows(
          "SELECT enumlabel::text FROM pg_catalog.pg_enum WHERE enumtypid = $1::oid ORDER BY "
          "enumsortorder",
          {row[9]});
      if (!labels) return false;
      for (const auto& label : labels->rows) column.enumValues.push_back(text(label[0]));
    }
    table.columns.push_back(std::move(column));
  }
  return true;
}

bool readConstraints(CatalogReader& reader, Table& table, int64_t oid) {
  auto rows = reader.rows(kConstraintsSql, {oid});
  if (!rows) return false;
  std::string current;
  std::string currentType;
  for (const auto& row : rows->rows) {
    std::string name = text(row[0]);
    std::string type = text(row[1]);
    bool fresh = name != current || type != currentType;
    current = name;
    currentType = type;
    std::string column = text(row[2]);
    if (type == "p") {
      table.primaryKey.push_back(column);
    } else if (type == "u") {
      if (fresh) table.uniqueConstraints.emplace_back();
      table.uniqueConstraints.back().push_back(column);
    } else {
      if (fresh) {
        ForeignKey key;
        key.constraintName = name;
        key.foreignSchema = text(row[3]);
        key.foreignTable = text(row[4]);
        table.foreignKeys.push_back(std::move(key));
      }
      table.foreignKeys.back().columns.push_back(column);
      table.foreignKeys.back().foreignColumns.push_back(text(row[5]));
    }
  }
  // Primary key columns are NOT NULL in PostgreSQL whatever the declaration says.
  for (auto& column : table.columns)
    if (std::find(table.primaryKey.begin(), table.primaryKey.end(), column.name) !=
        table.primaryKey.end())
      column.nullable = false;
  return true;
}

}  // namespace

std::optional<Schema> introspectPostgres(Connection& connection, const IntrospectOptions& options,
                                         std::string& error) {
  CatalogReader reader(connection, error);
  std::vector<Value> schemas;
  for (const auto& s : options.schemas) schemas.emplace_back(s);
  if (schemas.empty()) schemas.emplace_back("public");

  // Tables (plain and partitioned), views and materialized views; partitions are reached
  // through their parent.
  auto list = reader.rows(R"(
SELECT n.nspname::text, c.relname::text, c.relkind::text, c.oid::int8
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
ORDER BY n.nspname, c.relname)",
                          {postgres::arrayLiteral(schemas)});
  if (!list) return std::nullopt;

  Schema schema;
  for (const auto& row : list->rows) {
    Table table;
    table.schema = text(row[0]);
    table.name = text(row[1]);
    if (std::find(options.excludeTables.begin(), options.excludeTables.end(), table.name) !=
        options.excludeTables.end())
      continue;
    std::string kind = text(row[2]);
    table.isView = kind == "v" || kind == "m";
    int64_t oid = row[3].isInteger() ? row[3].integer() : 0;
    if (!readColumns(reader, table, oid)) return std::nullopt;
    if (!table.isView && !readConstraints(reader, table, oid)) return std::nullopt;
    schema.tables.push_back(std::move(table));
  }
  // ORDER BY compares with the database's collation; the contract is byte order.
  std::sort(schema.tables.begin(), schema.tables.end(), [](const Table& a, const Table& b) {
    return a.schema != b.schema ? a.schema < b.schema : a.name < b.name;
  });
  return schema;
}

}  // namespace watt::db
