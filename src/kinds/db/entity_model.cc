#include "kinds/db/entity_model.h"

#include <algorithm>
#include <set>

#include "kinds/db/naming.h"

namespace watt::kinds::db {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Platformatic accepts these SQLite primary key types only.
bool validSqlitePrimaryKeyType(std::string_view t) {
  for (auto ok : {"varchar", "integer", "uuid", "serial", "number", "numeric", "bigint", "text"})
    if (t == ok) return true;
  return false;
}

std::string stripIdSuffix(const std::string& column) {
  if (column.size() > 3 && column.ends_with("_id")) return column.substr(0, column.size() - 3);
  return column;
}

}  // namespace

JsonType jsonTypeOfSql(std::string_view t) {
  static const std::set<std::string, std::less<>> kInteger = {
      "int", "integer", "smallint", "int2", "int4", "integer unsigned", "bigint unsigned", "tinyint",
      "serial", "smallserial"};
  static const std::set<std::string, std::less<>> kNumber = {"real", "float4", "float8", "double",
                                                             "double precision"};
  if (kInteger.contains(t)) return JsonType::kInteger;
  if (kNumber.contains(t)) return JsonType::kNumber;
  if (t == "bool") return JsonType::kBoolean;
  if (t == "json" || t == "jsonb") return JsonType::kObject;
  return JsonType::kString;  // bigint, numeric, decimal, text, dates, uuid, boolean (SQLite), ...
}

const Field* Entity::field(std::string_view camelName) const {
  for (const auto& f : fields)
    if (f.name == camelName) return &f;
  return nullptr;
}

const Field* Entity::fieldByColumn(std::string_view column) const {
  for (const auto& f : fields)
    if (f.column == column) return &f;
  return nullptr;
}

std::vector<std::string> Entity::sortedFieldNames() const {
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.name);
  std::sort(names.begin(), names.end());
  return names;
}

EntityModel::EntityModel(const sql::Schema& schema, const DbConfig& config,
                         std::vector<std::string>& warnings) {
  // Tables in name order, then views in name order (byte order, as SQLite sorts them).
  std::vector<const sql::Table*> ordered;
  for (const auto& t : schema.tables) ordered.push_back(&t);
  std::stable_sort(ordered.begin(), ordered.end(), [](const sql::Table* a, const sql::Table* b) {
    if (a->isView != b->isView) return !a->isView;
    if (a->schema != b->schema) return a->schema < b->schema;
    return a->name < b->name;
  });

  bool includeOnly = std::any_of(config.include.begin(), config.include.end(),
                                 [](const auto& kv) { return kv.second; });
  for (const sql::Table* table : ordered) {
    if (auto it = config.ignore.find(table->name); it != config.ignore.end() && it->second) continue;
    if (includeOnly) {
      auto it = config.include.find(table->name);
      if (it == config.include.end() || !it->second) continue;
    }
    Entity entity;
    entity.table = table->name;
    entity.source = table;
    entity.isView = table->isView;
    entity.name = entityNameOf(table->name);
    entity.singularName = camelCase(entity.name);
    entity.pluralName = camelCase(table->name);
    buildFields(entity, config);
    bool hasKey = std::any_of(entity.fields.begin(), entity.fields.end(), [](const Field& f) { return f.primaryKey; });
    if (!entity.isView && !hasKey) {
      warnings.push_back("Cannot find any primary keys for table \"" + table->name + "\"; it gets no routes");
      continue;
    }
    // SQLite (tables without a schema): Platformatic refuses key types it cannot map; the
    // table is left out instead of failing the whole start.
    if (table->schema.empty() && !entity.isView) {
      auto bad = std::find_if(entity.fields.begin(), entity.fields.end(), [](const Field& f) {
        return f.primaryKey && !validSqlitePrimaryKeyType(f.sqlType);
      });
      if (bad != entity.fields.end()) {
        warnings.push_back("Invalid Primary Key type: \"" + bad->sqlType + "\" in table \"" + table->name +
                           "\". We support the following: varchar, integer, uuid, serial, number, numeric, "
                           "bigint, text; it gets no routes");
        continue;
      }
    }
    // Entities are keyed by singular name: a later table with the same one replaces the earlier
    // entity in place (Platformatic's map keeps the first key position).
    auto same = std::find_if(entities_.begin(), entities_.end(),
                             [&](const Entity& e) { return e.singularName == entity.singularName; });
    if (same != entities_.end()) {
      warnings.push_back("Tables \"" + same->table + "\" and \"" + table->name + "\" both map to entity \"" +
                         entity.name + "\"; \"" + table->name + "\" wins");
      *same = std::move(entity);
    } else {
      entities_.push_back(std::move(entity));
    }
  }
  // Fields hold pointers into the fields vectors: fix them now that entities stopped moving.
  for (auto& e : entities_) {
    e.primaryKeys.clear();
    for (const auto& f : e.fields)
      if (f.primaryKey) e.primaryKeys.push_back(&f);
    // Primary key order follows the key definition, not the columns.
    if (e.source && e.primaryKeys.size() > 1) {
      std::vector<const Field*> keyOrder;
      for (const auto& column : e.source->primaryKey)
        if (const Field* f = e.fieldByColumn(column)) keyOrder.push_back(f);
      if (keyOrder.size() == e.primaryKeys.size()) e.primaryKeys = keyOrder;
    }
  }
  buildRelations();
}

void EntityModel::buildFields(Entity& entity, const DbConfig& config) {
  const sql::Table& table = *entity.source;
  std::vector<std::string> keys = table.primaryKey;
  // SQLite: a table without a primary key uses its first single-column UNIQUE as the key.
  if (keys.empty() && !table.isView) {
    for (const auto& unique : table.uniqueConstraints) {
      if (unique.size() == 1) {
        keys = unique;
        break;
      }
    }
  }
  for (const auto& column : table.columns) {
    Field f;
    f.column = column.name;
    f.name = camelCase(column.name);
    f.sqlType = column.sqlType;
    f.primaryKey = contains(keys, column.name);
    f.nullable = column.nullable && !(f.primaryKey && !table.primaryKey.empty());
    f.autoIncrement = column.autoIncrement;
    f.generated = column.generated;
    f.enumValues = column.enumValues;
    f.uuid = column.sqlType == "uuid";
    if (column.isArray) {
      f.type = JsonType::kArray;
      f.itemType = jsonTypeOfSql(column.sqlType);
    } else {
      f.type = jsonTypeOfSql(column.sqlType);
    }
    f.json = f.type == JsonType::kObject;
    if (config.autoTimestamp.enabled) {
      f.isCreatedAt = column.name == config.autoTimestamp.createdAt;
      f.isUpdatedAt = column.name == config.autoTimestamp.updatedAt;
      f.autoTimestamp = f.isCreatedAt || f.isUpdatedAt;
    }
    f.required = !column.nullable && !f.primaryKey && !f.autoTimestamp;
    entity.fields.push_back(std::move(f));
  }
}

const Entity* EntityModel::byPlural(std::string_view plural) const {
  for (const auto& e : entities_)
    if (e.pluralName == plural) return &e;
  return nullptr;
}

const Entity* EntityModel::bySingular(std::string_view singular) const {
  for (const auto& e : entities_)
    if (e.singularName == singular) return &e;
  return nullptr;
}

void EntityModel::buildRelations() {
  struct Fk {
    Entity* from;
    Field* field;
    Entity* to;
    const Field* toField;
    std::string column;
  };
  std::vector<Fk> fks;
  for (auto& e : entities_) {
    if (e.isView || !e.source) continue;
    // Platformatic walks the foreign keys in its catalog query's order: SQLite's pragma lists the
    // last declared first; PostgreSQL's (tables with a schema) come by constraint name, as our
    // introspection returns them.
    std::vector<const sql::ForeignKey*> declared;
    for (const auto& fk : e.source->foreignKeys) declared.push_back(&fk);
    if (e.source->schema.empty()) std::reverse(declared.begin(), declared.end());
    for (const sql::ForeignKey* fkPointer : declared) {
      const auto& fk = *fkPointer;
      if (fk.columns.size() != 1 || fk.foreignColumns.size() != 1) continue;
      // The target is found by its singularized camelCase table name, like Platformatic does.
      std::string targetSingular = singularize(camelCase(fk.foreignTable));
      Entity* target = nullptr;
      for (auto& t : entities_)
        if (t.singularName == targetSingular) target = &t;
      if (!target) continue;
      Field* field = nullptr;
      for (auto& f : e.fields)
        if (f.column == fk.columns[0]) field = &f;
      const Field* targetField = target->fieldByColumn(fk.foreignColumns[0]);
      if (!field || !targetField) continue;
      if (targetField->primaryKey) {
        field->isForeignKey = true;
      }
      fks.push_back({&e, field, target, targetField, fk.columns[0]});
    }
  }
  for (const auto& fk : fks) foreignKeys_.push_back({fk.from, fk.field, fk.to, fk.toField});
  for (auto& e : entities_) {
    for (auto& f : e.fields) {
      bool numeric = f.type == JsonType::kInteger || f.type == JsonType::kNumber;
      f.stringOutput = (f.primaryKey && !e.isView) || f.isForeignKey ? numeric : false;
    }
  }

  // Routes per entity: reverse relations first (other entities pointing here), then forward.
  for (auto& e : entities_) {
    if (e.isView || !e.hasSinglePrimaryKey()) continue;
    std::set<std::string> used;
    int counter = 2;
    auto unique = [&](std::string segment) {
      if (used.insert(segment).second) return segment;
      std::string candidate = segment + std::to_string(counter++);
      used.insert(candidate);
      return candidate;
    };
    for (const auto& fk : fks) {
      if (fk.to != &e || !fk.toField->primaryKey) continue;
      size_t sameTarget = std::count_if(fks.begin(), fks.end(), [&](const Fk& other) {
        return other.from == fk.from && other.to == fk.to;
      });
      std::string segment = sameTarget > 1 ? camelCase(fk.from->name + "-" + camelCase(fk.column))
                                           : fk.from->pluralName;
      Relation r;
      r.kind = Relation::Kind::kReverse;
      r.segment = unique(segment);
      r.operationId = "get" + upperFirst(fk.from->pluralName) + "For" + upperFirst(e.singularName);
      r.target = fk.from;
      r.localField = fk.toField;
      r.remoteField = fk.field;
      e.relations.push_back(r);
    }
    for (const auto& fk : fks) {
      if (fk.from != &e || !fk.toField->primaryKey) continue;
      Relation r;
      r.kind = Relation::Kind::kForward;
      r.segment = unique(stripIdSuffix(fk.column));
      r.operationId = "get" + upperFirst(fk.to->singularName) + "For" + upperFirst(e.singularName);
      r.target = fk.to;
      r.localField = fk.field;
      r.remoteField = fk.toField;
      e.relations.push_back(r);
    }
  }

  // Composite keys: /<plural>/<literal>/:<field>/... where an FK key column is named after the
  // entity it references ("book"), any other after itself.
  for (auto& e : entities_) {
    if (e.primaryKeys.size() < 2) continue;
    for (const Field* key : e.primaryKeys) {
      std::string literal = key->name;
      for (const auto& fk : fks) {
        if (fk.from == &e && fk.field == key) literal = singularize(camelCase(fk.to->table));
      }
      e.compositePath.push_back({literal, key});
    }
  }
}

}  // namespace watt::kinds::db
