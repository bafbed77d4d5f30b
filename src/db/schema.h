// What introspection finds in a database: tables and views, their columns, primary keys,
// unique constraints and foreign keys. The db kind builds its entities (REST/GraphQL/OpenAPI)
// from this, and the SQL builder only accepts identifiers that appear here.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace watt::db {

struct Column {
  std::string name;
  // Lower-case base type without size or array suffix, named as Platformatic's type mappers
  // expect. SQLite: the declared type, e.g. "integer" from "INTEGER", "varchar" from
  // "VARCHAR(42)", "" when undeclared. PostgreSQL: the type's catalog name (information_schema
  // udt_name): "int2", "int4", "int8", "float4", "float8", "numeric", "bool", "text", "varchar",
  // "uuid", "timestamp", "timestamptz", "date", "json", "jsonb", "bytea", an enum's own name;
  // for arrays the element type ("int4" for int[], with isArray); for domains the base type.
  std::string sqlType;
  bool nullable = true;
  bool hasDefault = false;  // a DEFAULT, an identity/serial, or SQLite's INTEGER PRIMARY KEY rowid
  bool generated = false;   // GENERATED ALWAYS AS (...): read-only
  bool autoIncrement = false;           // serial/identity, SQLite INTEGER PRIMARY KEY
  bool isArray = false;                 // PostgreSQL arrays (int[], text[])
  std::vector<std::string> enumValues;  // PostgreSQL enum types
};

struct ForeignKey {
  std::string constraintName;        // empty for SQLite (its catalog does not keep FK names)
  std::vector<std::string> columns;  // in this table
  std::string foreignSchema;         // empty for SQLite
  std::string foreignTable;
  std::vector<std::string> foreignColumns;
};

struct Table {
  std::string schema;  // empty for SQLite; "public" etc. for PostgreSQL
  std::string name;
  bool isView = false;
  std::vector<Column> columns;          // in declaration order
  std::vector<std::string> primaryKey;  // column names, in key order; empty for views
  std::vector<std::vector<std::string>> uniqueConstraints;
  std::vector<ForeignKey> foreignKeys;

  const Column* column(std::string_view name) const {
    for (const auto& c : columns)
      if (c.name == name) return &c;
    return nullptr;
  }
};

struct Schema {
  std::vector<Table> tables;  // sorted by (schema, name)
  const Table* table(std::string_view name, std::string_view schema = {}) const {
    for (const auto& t : tables)
      if (t.name == name && (schema.empty() || t.schema == schema)) return &t;
    return nullptr;
  }
};

}  // namespace watt::db
