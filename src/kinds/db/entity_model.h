// The entities a database application exposes, built once from the introspected schema with
// Platformatic DB's rules (docs/db-behaviour.md sections 1-2): names, camelCase fields and
// their JSON types, which values are sent as strings (primary keys and foreign keys to them),
// relationships (forward `/books/:id/author`, reverse `/authors/:id/books`) and the path shape
// of composite keys (`/booksTags/book/:bookId/tag/:tagId`). Read-only after start; every loop
// uses it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/schema.h"
#include "db/value.h"
#include "kinds/db/db_config.h"

namespace watt::kinds::db {

namespace sql = ::watt::db;

// The JSON schema type of a field (sql-json-schema-mapper's mapping of SQL types).
enum class JsonType { kInteger, kNumber, kString, kBoolean, kObject, kArray };

struct Field {
  std::string name;         // camelCase: "authorId"
  std::string column;       // raw column name: "author_id"
  std::string sqlType;      // normalized SQL type ("integer", "varchar", ...)
  JsonType type = JsonType::kString;     // native type (input, filters)
  JsonType itemType = JsonType::kString; // element type of arrays
  bool nullable = true;
  bool primaryKey = false;
  bool autoIncrement = false;
  bool generated = false;
  bool autoTimestamp = false;   // created_at / updated_at managed by the server
  bool isCreatedAt = false;
  bool isUpdatedAt = false;
  bool isForeignKey = false;    // references a primary key of another entity
  bool stringOutput = false;    // printed as a JSON string: PK or FK-to-PK with numeric type
  bool json = false;            // json/jsonb column: parsed into a JSON value
  std::vector<std::string> enumValues;
  bool required = false;        // in <Name>Input: NOT NULL, not PK, not auto-timestamp
  bool uuid = false;            // declared uuid: generated when missing on insert
};

struct Entity;

struct Relation {
  enum class Kind { kForward, kReverse };
  Kind kind;
  std::string segment;          // route segment: "author" (forward) or "books" (reverse)
  std::string operationId;      // getAuthorForBook / getBooksForAuthor
  const Entity* target = nullptr;   // forward: the referenced entity; reverse: the referencing one
  const Field* localField = nullptr;   // forward: FK field here; reverse: the referenced key here
  const Field* remoteField = nullptr;  // forward: referenced key of target; reverse: FK of target
};

// One segment pair of a composite-key path: "/book/:bookId".
struct KeySegment {
  std::string literal;  // "book"
  const Field* field;   // bookId
};

struct Entity {
  std::string name;          // "BooksTag"
  std::string singularName;  // "booksTag"
  std::string pluralName;    // "booksTags"
  std::string table;         // raw table name (OpenAPI tags)
  const sql::Table* source = nullptr;
  bool isView = false;
  std::vector<Field> fields;                // column order
  std::vector<const Field*> primaryKeys;    // key order
  std::vector<Relation> relations;          // reverse first, then forward (registration order)
  std::vector<KeySegment> compositePath;    // for composite primary keys

  const Field* field(std::string_view camelName) const;
  const Field* fieldByColumn(std::string_view column) const;
  bool hasSinglePrimaryKey() const { return primaryKeys.size() == 1; }
  // Field names sorted (the `fields` enum).
  std::vector<std::string> sortedFieldNames() const;
};

// A single-column foreign key between two entities, in the order Platformatic walks them
// (entities in order; per table, SQLite's pragma order: the last declared first).
struct ForeignKeyLink {
  const Entity* from = nullptr;
  const Field* field = nullptr;    // the foreign key column of `from`
  const Entity* to = nullptr;
  const Field* toField = nullptr;  // the referenced column of `to`
};

class EntityModel {
 public:
  // Builds the model; `warnings` receives what Platformatic logs (tables without keys, ...).
  EntityModel(const sql::Schema& schema, const DbConfig& config, std::vector<std::string>& warnings);
  EntityModel(const EntityModel&) = delete;  // relations point into entities_
  EntityModel& operator=(const EntityModel&) = delete;

  const std::vector<Entity>& entities() const { return entities_; }
  const Entity* byPlural(std::string_view plural) const;
  const Entity* bySingular(std::string_view singular) const;
  const std::vector<ForeignKeyLink>& foreignKeys() const { return foreignKeys_; }

 private:
  void buildFields(Entity& entity, const DbConfig& config);
  void buildRelations();

  std::vector<Entity> entities_;
  std::vector<ForeignKeyLink> foreignKeys_;
};

JsonType jsonTypeOfSql(std::string_view sqlType);

// Values for some fields of a row (input of a write, a key), in column order.
using InputValues = std::vector<std::pair<const Field*, sql::Value>>;

}  // namespace watt::kinds::db
