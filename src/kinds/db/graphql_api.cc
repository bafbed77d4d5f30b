#include "kinds/db/graphql_api.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <deque>
#include <map>
#include <unordered_map>
#include <variant>

#include "common/ascii.h"
#include "db/sql_builder.h"
#include "graphql/http_endpoint.h"
#include "kinds/db/entity_ops.h"
#include "kinds/db/naming.h"
#include "kinds/db/rest_query.h"
#include "kinds/db/row_json.h"

namespace watt::kinds::db {
namespace {

using graphql::BatchParams;
using graphql::ResolveParams;
using graphql::ResolveResult;
using BatchResult = Result<std::vector<ResolveResult>>;

// The GraphQL scalar of a column (sql-graphql's sqlTypeToGraphQL).
enum class Scalar { kID, kInt, kFloat, kString, kBoolean, kJson, kDate, kTime, kDateTime, kEnum };

Scalar scalarOfSql(std::string_view t) {
  if (t == "int" || t == "integer" || t == "smallint" || t == "int2" || t == "int4") return Scalar::kInt;
  if (t == "tinyint" || t == "bool") return Scalar::kBoolean;
  if (t == "real" || t == "float4" || t == "float8" || t == "double" || t == "double precision")
    return Scalar::kFloat;
  if (t == "date") return Scalar::kDate;
  if (t == "time" || t == "timetz") return Scalar::kTime;
  if (t == "timestamp" || t == "timestamptz") return Scalar::kDateTime;
  if (t == "uuid") return Scalar::kID;
  if (t == "json" || t == "jsonb") return Scalar::kJson;
  return Scalar::kString;  // bigint, numeric, decimal, text, varchar, anything else
}

std::string_view scalarName(Scalar s) {
  switch (s) {
    case Scalar::kID: return "ID";
    case Scalar::kInt: return "Int";
    case Scalar::kFloat: return "Float";
    case Scalar::kBoolean: return "Boolean";
    case Scalar::kJson: return "JSONObject";
    case Scalar::kDate: return "Date";
    case Scalar::kTime: return "Time";
    case Scalar::kDateTime: return "DateTime";
    default: return "String";
  }
}

struct Column {
  const Field* field = nullptr;
  Scalar scalar = Scalar::kString;  // of the value; of the elements for arrays
  bool list = false;                // PostgreSQL array column
  std::string elementType;          // "Int", "ID", "FilmStatus"
  std::string typeName;             // elementType, or "[Int]" for arrays
};

struct EntityInfo;

// `film.studio`: the row this row's foreign key points to.
struct ForwardLink {
  std::string name;
  const Field* foreignKey = nullptr;  // here
  const EntityInfo* target = nullptr;
  const Field* targetKey = nullptr;   // the referenced column of the target
};

// `studio.films`: the rows of another entity whose foreign key points here. Several foreign
// keys of the same table to this one make one field (results merged, de-duplicated by key).
struct ReverseLink {
  std::string name;
  const EntityInfo* source = nullptr;
  std::vector<std::pair<const Field*, const Field*>> keys;  // (foreign key in source, key here)
};

struct OutputField {
  enum class Kind { kColumn, kForward, kReverse } kind;
  size_t index;
};

struct EntityInfo {
  const Entity* entity = nullptr;
  std::string typeName;  // "Film" (or "QueryEntity" for a table named queries)
  std::vector<Column> columns;
  std::deque<ForwardLink> forward;
  std::deque<ReverseLink> reverse;
  std::vector<std::pair<std::string, OutputField>> output;  // the object type's fields, in order
  std::string getBy, list, count, countType, save, insert, remove;

  const Column* column(std::string_view name) const {
    for (const auto& c : columns)
      if (c.field->name == name) return &c;
    return nullptr;
  }
  const OutputField* outputField(std::string_view name) const {
    for (const auto& [n, f] : output)
      if (n == name) return &f;
    return nullptr;
  }
};

// Per request: the user (authenticated once, before execution) and the loop.
struct RequestContext {
  GraphqlApi::State* state = nullptr;
  unsigned loop = 0;
  std::optional<User> user;
};

Error dbError(const sql::QueryResult& result) { return Error{result.error->message}; }

int64_t countOf(const sql::Value& v) {
  if (v.isInteger()) return v.integer();
  if (v.isReal()) return static_cast<int64_t>(v.real());
  int64_t n = 0;
  std::string text = valueAsText(v);
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

// A database value as the GraphQL scalar's input to serialization: what the reference's
// driver hands graphql-js (numbers, strings, booleans, parsed JSON).
json::value toGraphqlValue(const Column& c, const sql::Value& v) {
  if (v.isNull()) return nullptr;
  if (c.list) {
    std::string text;
    appendFieldValue(text, *c.field, v, true);  // PostgreSQL's {1,2} as [1,2]
    error_code ec;
    json::value parsed = json::parse(text, ec);
    return ec ? json::value(nullptr) : parsed;
  }
  if (c.scalar == Scalar::kJson) {
    std::string text = valueAsText(v);
    error_code ec;
    json::value parsed = json::parse(text, ec);
    return ec ? json::value(json::string(text)) : parsed;
  }
  switch (c.scalar) {
    case Scalar::kInt:
    case Scalar::kFloat:
    case Scalar::kBoolean:
      if (v.isInteger()) return v.integer();
      if (v.isReal()) return v.real();
      if (v.isBool()) return v.boolean();
      {
        // Text in a numeric SQLite column: a number when it reads as one.
        std::string text = valueAsText(v);
        double d = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
        if (ec == std::errc() && ptr == text.data() + text.size() && !text.empty()) return d;
        return json::string(text);
      }
    default:
      return json::string(valueAsText(v));
  }
}

// A GraphQL input value for a column, as sql-mapper passes it to the driver: coerced to the
// column's type when it reads as one, else as it came (the database decides).
sql::Value toSqlValue(const Field& field, const json::value& v) {
  if (v.is_null()) return sql::Value();
  std::string error;
  if (auto coerced = coerceJson(field, v, error)) return std::move(*coerced);
  if (v.is_string()) return sql::Value(std::string(v.get_string()));
  if (v.is_int64()) return sql::Value(v.get_int64());
  if (v.is_uint64()) return sql::Value(static_cast<double>(v.get_uint64()));
  if (v.is_double()) return sql::Value(v.get_double());
  if (v.is_bool()) return sql::Value(v.get_bool());
  return sql::Value(json::serialize(v));
}

std::string jsText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    std::string s;
    appendJsNumber(s, v.get_double());
    return s;
  }
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_null()) return "null";
  return json::serialize(v);
}

std::optional<sql::Op> opOf(std::string_view name) {
  static const std::unordered_map<std::string_view, sql::Op> kOps = {
      {"eq", sql::Op::kEq},         {"neq", sql::Op::kNeq},         {"gt", sql::Op::kGt},
      {"gte", sql::Op::kGte},       {"lt", sql::Op::kLt},           {"lte", sql::Op::kLte},
      {"like", sql::Op::kLike},     {"in", sql::Op::kIn},           {"nin", sql::Op::kNin},
      {"any", sql::Op::kAny},       {"all", sql::Op::kAll},         {"contains", sql::Op::kContains},
      {"contained", sql::Op::kContained}, {"overlaps", sql::Op::kOverlaps}};
  auto it = kOps.find(name);
  if (it == kOps.end()) return std::nullopt;
  return it->second;
}

// The conditions of one where object (without `or`), AND-ed.
std::optional<std::string> addConditions(const EntityInfo& e, const json::object& where,
                                         std::vector<sql::Condition>& out) {
  for (const auto& [key, ops] : where) {
    if (key == "or") continue;
    const Column* column = e.column(key);
    if (!column) return "Unknown field " + std::string(key);
    if (!ops.is_object()) continue;
    const Field& field = *column->field;
    for (const auto& [opName, value] : ops.get_object()) {
      if (opName == "isNull") {
        if (value.is_bool()) out.push_back({field.column, sql::Op::kIsNull, {sql::Value(value.get_bool())}});
        continue;
      }
      auto op = opOf(opName);
      if (!op) return "Unsupported where clause " + json::serialize(ops);
      sql::Condition condition{field.column, *op, {}};
      bool listOp = *op == sql::Op::kIn || *op == sql::Op::kNin || *op == sql::Op::kContains ||
                    *op == sql::Op::kContained || *op == sql::Op::kOverlaps;
      if (listOp) {
        if (!value.is_array()) {
          if (value.is_null() && *op == sql::Op::kNin) continue;  // nothing excluded
          if (!value.is_null()) condition.values.push_back(toSqlValue(field, value));
        } else {
          for (const auto& item : value.get_array()) condition.values.push_back(toSqlValue(field, item));
        }
      } else {
        condition.values.push_back(toSqlValue(field, value));
      }
      out.push_back(std::move(condition));
    }
  }
  return std::nullopt;
}

Result<sql::Filter> buildFilter(const EntityInfo& e, const json::object& args) {
  sql::Filter filter;
  auto it = args.find("where");
  if (it == args.end() || !it->value().is_object()) return filter;
  const json::object& where = it->value().get_object();
  if (auto problem = addConditions(e, where, filter.all)) return Error{*problem};
  if (auto orIt = where.find("or"); orIt != where.end() && orIt->value().is_array()) {
    std::vector<std::vector<sql::Condition>> group;
    for (const auto& part : orIt->value().get_array()) {
      if (!part.is_object()) continue;
      std::vector<sql::Condition> conjunction;
      if (auto problem = addConditions(e, part.get_object(), conjunction)) return Error{*problem};
      group.push_back(std::move(conjunction));
    }
    filter.anyOf.push_back(std::move(group));
  }
  return filter;
}

// sql-mapper's sanitizeLimit, with the application's `limit` settings.
Result<int64_t> limitOf(const json::object& args, const DbConfig& config) {
  auto it = args.find("limit");
  if (it == args.end() || it->value().is_null()) return config.limitDefault;
  const json::value& v = it->value();
  std::string text = jsText(v);
  double n = v.is_number() ? v.to_number<double>() : std::nan("");
  if (v.is_number() && n > static_cast<double>(config.limitMax))
    return Error{"Param limit=" + text + " not allowed. Max accepted value " + std::to_string(config.limitMax) + "."};
  if (v.is_number() && n < 0) return Error{"Param limit=" + text + " not allowed. It must be a not negative value."};
  if (!v.is_int64() && !v.is_uint64() && !(v.is_double() && std::trunc(n) == n))
    return Error{"Param limit=" + text + " not allowed. It must be a not negative integer."};
  return static_cast<int64_t>(n);
}

Result<std::optional<int64_t>> offsetOf(const json::object& args) {
  auto it = args.find("offset");
  if (it == args.end() || it->value().is_null()) return std::optional<int64_t>{};
  const json::value& v = it->value();
  int64_t n = v.is_int64() ? v.get_int64() : 0;
  if (n < 0) return Error{"Param offset=" + jsText(v) + " not allowed. It must be not negative value."};
  if (n == 0) return std::optional<int64_t>{};
  return std::optional<int64_t>{n};
}

std::vector<sql::OrderBy> orderOf(const EntityInfo& e, const json::object& args) {
  std::vector<sql::OrderBy> out;
  auto it = args.find("orderBy");
  if (it == args.end() || !it->value().is_array()) return out;
  for (const auto& item : it->value().get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    auto f = o.find("field");
    auto d = o.find("direction");
    if (f == o.end() || !f->value().is_string()) continue;
    const Column* c = e.column(f->value().get_string());
    if (!c) continue;
    bool desc = d != o.end() && d->value().is_string() && d->value().get_string() == "DESC";
    out.push_back({c->field->column, desc});
  }
  return out;
}

// The columns to read for a selection on an entity type: the selected fields, every primary
// key, and the keys the selected relation fields need.
std::vector<const Field*> fieldsToRead(const EntityInfo& e, std::span<const std::string_view> selected) {
  std::vector<const Field*> wanted;
  auto add = [&](const Field* f) {
    if (std::find(wanted.begin(), wanted.end(), f) == wanted.end()) wanted.push_back(f);
  };
  for (const Field* pk : e.entity->primaryKeys) add(pk);
  for (std::string_view name : selected) {
    const OutputField* out = e.outputField(name);
    if (!out) continue;
    switch (out->kind) {
      case OutputField::Kind::kColumn: add(e.columns[out->index].field); break;
      case OutputField::Kind::kForward: add(e.forward[out->index].foreignKey); break;
      case OutputField::Kind::kReverse:
        for (const auto& [fk, key] : e.reverse[out->index].keys) add(key);
        break;
    }
  }
  // Column order, as the reference selects them.
  std::vector<const Field*> ordered;
  for (const auto& c : e.columns)
    if (std::find(wanted.begin(), wanted.end(), c.field) != wanted.end()) ordered.push_back(c.field);
  return ordered;
}

// Column names of the selected scalar fields (what a rule's `fields` list is checked against).
std::vector<std::string> selectedFieldNames(const EntityInfo& e, std::span<const std::string_view> selected) {
  std::vector<std::string> names;
  for (std::string_view name : selected) {
    const OutputField* out = e.outputField(name);
    if (out && out->kind == OutputField::Kind::kColumn) names.emplace_back(name);
  }
  return names;
}

std::vector<std::string> columnNames(const std::vector<const Field*>& fields) {
  std::vector<std::string> names;
  for (const Field* f : fields) names.push_back(f->column);
  return names;
}

json::object rowToObject(const EntityInfo& e, const std::vector<const Field*>& fields,
                         const std::vector<sql::Value>& row) {
  json::object o;
  o.reserve(fields.size());
  for (size_t i = 0; i < fields.size() && i < row.size(); ++i) {
    const Column* c = e.column(fields[i]->name);
    o.emplace(fields[i]->name, toGraphqlValue(*c, row[i]));
  }
  return o;
}

json::array rowsToArray(const EntityInfo& e, const std::vector<const Field*>& fields, const sql::ResultSet& rs) {
  json::array out;
  out.reserve(rs.rows.size());
  for (const auto& row : rs.rows) out.push_back(rowToObject(e, fields, row));
  return out;
}

// The text of a key value in a parent object, for matching rows to parents.
std::string keyText(const json::value& v) { return jsText(v); }

constexpr std::string_view kGraphiqlPage = R"html(<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>GraphiQL</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <style>body { height: 100%; margin: 0; width: 100%; overflow: hidden; } #graphiql { height: 100vh; }</style>
    <link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css" />
    <script crossorigin src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
    <script crossorigin src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
    <script crossorigin src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script>
      const url = new URL('graphql', window.location.href.replace(/graphiql\/?(\?.*)?$/, '')).toString();
      const fetcher = GraphiQL.createFetcher({ url });
      ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, { fetcher }));
    </script>
  </body>
</html>
)html";

}  // namespace

struct GraphqlApi::State {
  const EntityModel& model;
  const DbConfig& config;
  sql::Database& database;
  const Authorizer* authorizer;
  sql::SqlBuilder builder;
  graphql::Schema schema;
  std::deque<EntityInfo> entities;  // stable addresses: resolvers keep pointers
  std::vector<std::unique_ptr<graphql::DocumentCache>> caches;  // one per loop, used by that loop only

  State(const EntityModel& m, const DbConfig& c, sql::Database& d, const Authorizer* a)
      : model(m), config(c), database(d), authorizer(a), builder(d.dialect()) {}

  // The decision of the rules for one operation; an open API without an authorization block.
  Result<Access> access(RequestContext& ctx, const EntityInfo& e, Operation op) const {
    if (!authorizer || !ctx.user) return Access{};
    Access a = authorizer->access(*ctx.user, *e.entity, op);
    if (a.denied) return Error{a.denied->message};
    return a;
  }

  void buildModel();
  void declareTypes();
  void declareEntity(EntityInfo& e, graphql::ObjectType& query, graphql::ObjectType*& mutation);

  Task<ResolveResult> list(const EntityInfo& e, const ResolveParams& p);
  Task<ResolveResult> getBy(const EntityInfo& e, const ResolveParams& p);
  Task<ResolveResult> countRows(const EntityInfo& e, const ResolveParams& p);
  Task<ResolveResult> save(const EntityInfo& e, const ResolveParams& p);
  Task<ResolveResult> insert(const EntityInfo& e, const ResolveParams& p);
  Task<ResolveResult> remove(const EntityInfo& e, const ResolveParams& p);
  Task<BatchResult> forward(const EntityInfo& e, const ForwardLink& link, const BatchParams& p);
  Task<BatchResult> reverse(const EntityInfo& e, const ReverseLink& link, const BatchParams& p);
  Result<InputValues> inputValues(const EntityInfo& e, const json::value& input) const;
};

void GraphqlApi::State::buildModel() {
  std::map<const Entity*, EntityInfo*> byEntity;
  for (const Entity& entity : model.entities()) {
    if (auto it = config.graphql.ignore.find(entity.singularName); it != config.graphql.ignore.end() && it->second)
      continue;
    EntityInfo& e = entities.emplace_back();
    e.entity = &entity;
    e.typeName = entity.name;
    if (e.typeName == "Query" || e.typeName == "Mutation" || e.typeName == "Subscription") e.typeName += "Entity";
    byEntity[&entity] = &e;
    for (const Field& f : entity.fields) {
      Column c;
      c.field = &f;
      c.scalar = scalarOfSql(f.sqlType);
      if (f.json) c.scalar = Scalar::kJson;
      c.elementType = std::string(scalarName(c.scalar));
      if (!f.enumValues.empty()) {
        c.scalar = Scalar::kEnum;
        c.elementType = camelCase(e.typeName + "-" + f.column);
      }
      if (f.primaryKey || f.isForeignKey) {
        c.scalar = Scalar::kID;
        c.elementType = "ID";
      }
      c.list = f.type == JsonType::kArray;
      c.typeName = c.list ? "[" + c.elementType + "]" : c.elementType;
      e.columns.push_back(std::move(c));
    }
    for (size_t i = 0; i < e.columns.size(); ++i)
      e.output.emplace_back(e.columns[i].field->name, OutputField{OutputField::Kind::kColumn, i});

    std::string pluralUpper = upperFirst(entity.pluralName);
    if (!entity.primaryKeys.empty()) {
      std::string name = "get_" + entity.singularName;
      for (size_t i = 0; i < entity.primaryKeys.size(); ++i)
        name += (i == 0 ? "_by_" : "_and_") + entity.primaryKeys[i]->name;
      e.getBy = camelCase(name);
    }
    e.list = entity.pluralName;
    e.count = camelCase("count-" + entity.pluralName);
    e.countType = entity.pluralName + "Count";
    if (!entity.isView) {
      e.save = camelCase("save-" + entity.singularName);
      e.insert = camelCase("insert-" + entity.pluralName);
      e.remove = camelCase("delete-" + entity.pluralName);
    }
  }

  // Relations, in the order the reference establishes them (sql-graphql relationship.js).
  for (const auto& link : model.foreignKeys()) {
    auto from = byEntity.find(link.from);
    auto to = byEntity.find(link.to);
    if (from == byEntity.end() || to == byEntity.end()) continue;
    EntityInfo& current = *from->second;
    EntityInfo& foreign = *to->second;
    if (foreign.entity->primaryKeys.size() == 1) {
      // The relation name: the column without its "_<pk>" suffix (its last two characters).
      std::string column = link.field->column;
      if (column.ends_with("_" + foreign.entity->primaryKeys.front()->column)) column.resize(column.size() - 2);
      std::string name = lowerFirst(camelCase(column));
      std::erase_if(current.output, [&](const auto& o) { return o.first == link.field->name || o.first == name; });
      current.forward.push_back({name, link.field, &foreign, link.toField});
      current.output.emplace_back(name, OutputField{OutputField::Kind::kForward, current.forward.size() - 1});
    }
    if (current.entity->primaryKeys.size() == 1) {
      std::string name = lowerFirst(camelCase(current.entity->table));
      auto existing = std::find_if(foreign.reverse.begin(), foreign.reverse.end(),
                                   [&](const ReverseLink& r) { return r.name == name && r.source == &current; });
      if (existing != foreign.reverse.end()) {
        existing->keys.emplace_back(link.field, link.toField);
      } else {
        foreign.reverse.push_back({name, &current, {{link.field, link.toField}}});
        OutputField out{OutputField::Kind::kReverse, foreign.reverse.size() - 1};
        auto same = std::find_if(foreign.output.begin(), foreign.output.end(),
                                 [&](const auto& o) { return o.first == name; });
        if (same != foreign.output.end()) same->second = out;
        else foreign.output.emplace_back(name, out);
      }
    }
  }
}

void GraphqlApi::State::declareTypes() {
  if (entities.empty()) {
    schema.object("Query").field("hello", "String").resolveSync([](const ResolveParams&) -> ResolveResult {
      return json::value("Hello Platformatic!");
    });
    schema.setQueryType("Query");
    return;
  }
  schema.enumeration("OrderByDirection").value("ASC").value("DESC");
  schema.scalar("LimitInt", {},
                "Limit will be applied by default if not passed. If the provided value exceeds the maximum allowed "
                "value a validation error will be thrown");
  bool date = false, time = false, dateTime = false, jsonObject = false;
  for (const auto& e : entities)
    for (const auto& c : e.columns) {
      date |= c.elementType == "Date";
      time |= c.elementType == "Time";
      dateTime |= c.elementType == "DateTime";
      jsonObject |= c.elementType == "JSONObject";
    }
  if (date) schema.scalar("Date", {}, "A date string, such as 2007-12-03, compliant with the `full-date` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.");
  if (time) schema.scalar("Time", {}, "A time string at UTC, such as 10:15:30Z, compliant with the `full-time` format outlined in section 5.6 of the RFC 3339profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.");
  if (dateTime) schema.scalar("DateTime", {}, "A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format.");
  if (jsonObject) schema.scalar("JSONObject", {}, "The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404_1st_edition_june_1999.pdf).");

  auto& query = schema.object("Query");
  graphql::ObjectType* mutation = nullptr;
  for (auto& e : entities) declareEntity(e, query, mutation);
  schema.setQueryType("Query");
  if (mutation) schema.setMutationType("Mutation");
}

void GraphqlApi::State::declareEntity(EntityInfo& e, graphql::ObjectType& query, graphql::ObjectType*& mutation) {
  State* self = this;
  const EntityInfo* info = &e;
  const std::string& T = e.typeName;

  // PostgreSQL enum columns.
  for (const auto& c : e.columns) {
    if (c.scalar != Scalar::kEnum || schema.findType(c.elementType)) continue;
    auto& en = schema.enumeration(c.elementType);
    int index = 0;
    for (const auto& label : c.field->enumValues) {
      ++index;
      std::string key;
      for (char ch : label) key += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') ? ch : '_';
      if (key.empty() || !(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_')) key = "_" + key;
      if (key.starts_with("__")) key = "enum" + std::to_string(index) + key.substr(2);
      en.value(key);
    }
  }

  // Where, order and input types use every column (foreign keys included, as IDs).
  auto& where = schema.inputObject(T + "WhereArguments");
  auto& whereOr = schema.inputObject(T + "WhereArgumentsOr");
  auto& orderField = schema.enumeration(T + "OrderByField");
  auto& input = schema.inputObject(T + "Input");
  for (const auto& c : e.columns) {
    const std::string& name = c.field->name;
    auto& ops = schema.inputObject(T + "WhereArguments" + name);
    if (!c.list) {
      for (const char* op : {"eq", "neq", "gt", "gte", "lt", "lte", "like"}) ops.field(op, c.typeName);
      ops.field("in", "[" + c.typeName + "]").field("nin", "[" + c.typeName + "]").field("isNull", "Boolean");
      orderField.value(name);
    } else {
      ops.field("any", c.elementType).field("all", c.elementType);
      for (const char* op : {"contains", "contained", "overlaps"}) ops.field(op, "[" + c.typeName + "]");
    }
    where.field(name, ops.name());
    whereOr.field(name, ops.name());
    if (!c.field->autoTimestamp) input.field(name, c.typeName);
  }
  where.field("or", "[" + whereOr.name() + "]");
  schema.inputObject(T + "OrderByArguments")
      .field("field", orderField.name())
      .field("direction", "OrderByDirection!");

  auto listArgs = [&](graphql::FieldDefinition& f) -> graphql::FieldDefinition& {
    return f.arg("limit", "LimitInt")
        .arg("offset", "Int")
        .arg("orderBy", "[" + T + "OrderByArguments]")
        .arg("where", T + "WhereArguments");
  };

  // The entity's object type.
  auto& object = schema.object(T);
  for (const auto& [name, out] : e.output) {
    switch (out.kind) {
      case OutputField::Kind::kColumn: object.field(name, e.columns[out.index].typeName); break;
      case OutputField::Kind::kForward: {
        const ForwardLink* link = &e.forward[out.index];
        object.field(name, link->target->typeName).resolveBatch([self, info, link](const BatchParams& p) {
          return self->forward(*info, *link, p);
        });
        break;
      }
      case OutputField::Kind::kReverse: {
        const ReverseLink* link = &e.reverse[out.index];
        const std::string& S = link->source->typeName;
        object.field(name, "[" + S + "]")
            .arg("limit", "LimitInt")
            .arg("offset", "Int")
            .arg("orderBy", "[" + S + "OrderByArguments]")
            .arg("where", S + "WhereArguments")
            .resolveBatch([self, info, link](const BatchParams& p) { return self->reverse(*info, *link, p); });
        break;
      }
    }
  }
  schema.object(e.countType).field("total", "Int");

  if (!e.getBy.empty()) {
    auto& f = query.field(e.getBy, T);
    for (const Field* pk : e.entity->primaryKeys) f.arg(pk->name, e.column(pk->name)->typeName + "!");
    f.resolve([self, info](const ResolveParams& p) { return self->getBy(*info, p); });
  }
  listArgs(query.field(e.list, "[" + T + "]")).resolve([self, info](const ResolveParams& p) {
    return self->list(*info, p);
  });
  query.field(e.count, e.countType).arg("where", T + "WhereArguments").resolve([self, info](const ResolveParams& p) {
    return self->countRows(*info, p);
  });

  if (!e.save.empty()) {
    if (!mutation) mutation = &schema.object("Mutation");
    mutation->field(e.save, T).arg("input", T + "Input!").resolve([self, info](const ResolveParams& p) {
      return self->save(*info, p);
    });
    mutation->field(e.insert, "[" + T + "]").arg("inputs", "[" + T + "Input]!").resolve([self, info](const ResolveParams& p) {
      return self->insert(*info, p);
    });
    mutation->field(e.remove, "[" + T + "]").arg("where", T + "WhereArguments").resolve([self, info](const ResolveParams& p) {
      return self->remove(*info, p);
    });
  }
}

// ---- Resolvers ----

Task<ResolveResult> GraphqlApi::State::list(const EntityInfo& e, const ResolveParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  auto access = this->access(ctx, e, Operation::kFind);
  if (!access) co_return access.error();
  auto filter = buildFilter(e, p.args);
  if (!filter) co_return filter.error();
  auto limit = limitOf(p.args, config);
  if (!limit) co_return limit.error();
  auto offset = offsetOf(p.args);
  if (!offset) co_return offset.error();
  if (auto denied = Authorizer::checkFields(*access, selectedFieldNames(e, p.info.selectedFields)))
    co_return Error{denied->message};
  applyChecks(*filter, access->checks);

  auto fields = fieldsToRead(e, p.info.selectedFields);
  sql::SelectQuery select;
  select.table = e.entity->source;
  select.columns = columnNames(fields);
  select.where = std::move(*filter);
  select.orderBy = orderOf(e, p.args);
  select.limit = *limit;
  select.offset = *offset;
  auto built = builder.select(select);
  if (!built.statement) co_return Error{built.error};
  auto rs = co_await database.query(ctx.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!rs.ok()) co_return dbError(rs);
  co_return json::value(rowsToArray(e, fields, *rs.rows));
}

Task<ResolveResult> GraphqlApi::State::getBy(const EntityInfo& e, const ResolveParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  auto access = this->access(ctx, e, Operation::kFind);
  if (!access) co_return access.error();
  if (auto denied = Authorizer::checkFields(*access, selectedFieldNames(e, p.info.selectedFields)))
    co_return Error{denied->message};
  sql::Filter key;
  for (const Field* pk : e.entity->primaryKeys) {
    auto it = p.args.find(pk->name);
    if (it == p.args.end()) co_return json::value(nullptr);
    key.all.push_back({pk->column, sql::Op::kEq, {toSqlValue(*pk, it->value())}});
  }
  applyChecks(key, access->checks);
  auto fields = fieldsToRead(e, p.info.selectedFields);
  auto built = builder.select({e.entity->source, columnNames(fields), key, {}, 1, std::nullopt});
  if (!built.statement) co_return Error{built.error};
  auto rs = co_await database.query(ctx.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!rs.ok()) co_return dbError(rs);
  if (rs.rows->rows.empty()) co_return json::value(nullptr);
  co_return json::value(rowToObject(e, fields, rs.rows->rows.front()));
}

Task<ResolveResult> GraphqlApi::State::countRows(const EntityInfo& e, const ResolveParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  auto access = this->access(ctx, e, Operation::kFind);
  if (!access) co_return access.error();
  auto filter = buildFilter(e, p.args);
  if (!filter) co_return filter.error();
  applyChecks(*filter, access->checks);
  auto built = builder.count(*e.entity->source, *filter);
  if (!built.statement) co_return Error{built.error};
  auto rs = co_await database.query(ctx.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!rs.ok()) co_return dbError(rs);
  json::object out;
  out.emplace("total", rs.rows->rows.empty() ? 0 : countOf(rs.rows->rows.front().front()));
  co_return json::value(std::move(out));
}

Result<InputValues> GraphqlApi::State::inputValues(const EntityInfo& e, const json::value& input) const {
  InputValues values;
  if (!input.is_object()) return values;
  for (const auto& c : e.columns) {
    if (c.field->autoTimestamp) continue;
    auto it = input.get_object().find(c.field->name);
    if (it == input.get_object().end()) continue;
    values.emplace_back(c.field, toSqlValue(*c.field, it->value()));
  }
  return values;
}

Task<ResolveResult> GraphqlApi::State::save(const EntityInfo& e, const ResolveParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  auto access = this->access(ctx, e, Operation::kSave);
  if (!access) co_return access.error();
  auto it = p.args.find("input");
  if (it == p.args.end()) co_return Error{"Input not provided."};
  auto values = inputValues(e, it->value());
  if (!values) co_return values.error();
  if (authorizer) {
    std::vector<std::string> names = selectedFieldNames(e, p.info.selectedFields);
    for (const auto& [field, value] : *values) names.push_back(field->name);
    if (auto denied = Authorizer::checkFields(*access, names)) co_return Error{denied->message};
    for (const auto& [field, value] : access->defaults) {
      std::erase_if(*values, [&](const auto& v) { return v.first == field; });
      values->emplace_back(field, value);
    }
  }
  auto fields = fieldsToRead(e, p.info.selectedFields);
  SaveRequest request{e.entity, std::move(*values), {}, access->checks, columnNames(fields)};
  SaveOutcome outcome = co_await saveRow(database, ctx.loop, std::move(request));
  if (outcome.forbidden) co_return Error{notAllowed().message};
  if (!outcome.result.ok()) co_return dbError(outcome.result);
  if (outcome.result.rows->rows.empty()) co_return json::value(nullptr);
  co_return json::value(rowToObject(e, fields, outcome.result.rows->rows.front()));
}

Task<ResolveResult> GraphqlApi::State::insert(const EntityInfo& e, const ResolveParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  auto access = this->access(ctx, e, Operation::kInsert);
  if (!access) co_return access.error();
  auto it = p.args.find("inputs");
  if (it == p.args.end() || !it->value().is_array()) co_return Error{"Input not provided."};
  std::vector<InputValues> rows;
  std::vector<std::string> selected = selectedFieldNames(e, p.info.selectedFields);
  for (const auto& input : it->value().get_array()) {
    auto values = inputValues(e, input);
    if (!values) co_return values.error();
    if (authorizer) {
      std::vector<std::string> names = selected;
      for (const auto& [field, value] : *values) names.push_back(field->name);
      if (auto denied = Authorizer::checkFields(*access, names)) co_return Error{denied->message};
      for (const auto& [field, value] : access->defaults) {
        std::erase_if(*values, [&](const auto& v) { return v.first == field; });
        values->emplace_back(field, value);
      }
    }
    rows.push_back(std::move(*values));
  }
  if (rows.empty()) co_return json::value(json::array());
  auto fields = fieldsToRead(e, p.info.selectedFields);
  auto rs = co_await insertRows(database, ctx.loop, *e.entity, std::move(rows), columnNames(fields));
  if (!rs.ok()) co_return dbError(rs);
  co_return json::value(rowsToArray(e, fields, *rs.rows));
}

Task<ResolveResult> GraphqlApi::State::remove(const EntityInfo& e, const ResolveParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  auto access = this->access(ctx, e, Operation::kDelete);
  if (!access) co_return access.error();
  auto filter = buildFilter(e, p.args);
  if (!filter) co_return filter.error();
  applyChecks(*filter, access->checks);
  auto fields = fieldsToRead(e, p.info.selectedFields);
  auto built = builder.remove(*e.entity->source, *filter, columnNames(fields));
  if (!built.statement) co_return Error{built.error};
  auto rs = co_await database.query(ctx.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!rs.ok()) co_return dbError(rs);
  co_return json::value(rowsToArray(e, fields, *rs.rows));
}

// film.studio for every film of one level: one query for all the distinct keys.
Task<BatchResult> GraphqlApi::State::forward(const EntityInfo&, const ForwardLink& link, const BatchParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  const EntityInfo& target = *link.target;
  std::vector<ResolveResult> results(p.parents.size(), ResolveResult(json::value(nullptr)));
  auto access = this->access(ctx, target, Operation::kFind);
  if (!access) co_return access.error();
  if (auto denied = Authorizer::checkFields(*access, selectedFieldNames(target, p.info.selectedFields)))
    co_return Error{denied->message};

  const std::string& fkName = link.foreignKey->name;
  std::vector<std::string> keys;  // per parent; empty when the foreign key is null
  std::vector<sql::Value> distinct;
  std::map<std::string, bool> seen;
  for (const json::value* parent : p.parents) {
    const json::value* v = parent->is_object() ? parent->get_object().if_contains(fkName) : nullptr;
    if (!v || v->is_null()) {
      keys.emplace_back();
      continue;
    }
    keys.push_back(keyText(*v));
    if (seen.emplace(keys.back(), true).second) distinct.push_back(toSqlValue(*link.targetKey, *v));
  }
  if (distinct.empty()) co_return results;

  sql::Filter where;
  where.all.push_back({link.targetKey->column, sql::Op::kIn, std::move(distinct)});
  applyChecks(where, access->checks);
  auto fields = fieldsToRead(target, p.info.selectedFields);
  if (std::find(fields.begin(), fields.end(), link.targetKey) == fields.end()) fields.push_back(link.targetKey);
  auto built = builder.select({target.entity->source, columnNames(fields), where, {}, std::nullopt, std::nullopt});
  if (!built.statement) co_return Error{built.error};
  auto rs = co_await database.query(ctx.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!rs.ok()) co_return dbError(rs);
  size_t keyIndex = std::find(fields.begin(), fields.end(), link.targetKey) - fields.begin();
  std::unordered_map<std::string, json::object> byKey;
  for (const auto& row : rs.rows->rows) byKey.emplace(valueAsText(row[keyIndex]), rowToObject(target, fields, row));
  for (size_t i = 0; i < p.parents.size(); ++i) {
    if (keys[i].empty()) continue;
    auto found = byKey.find(keys[i]);
    if (found != byKey.end()) results[i] = json::value(found->second);
  }
  co_return results;
}

// studio.films for every studio of one level: one query per foreign key, limited per parent.
Task<BatchResult> GraphqlApi::State::reverse(const EntityInfo&, const ReverseLink& link, const BatchParams& p) {
  auto& ctx = *static_cast<RequestContext*>(p.context);
  const EntityInfo& source = *link.source;
  auto access = this->access(ctx, source, Operation::kFind);
  if (!access) co_return access.error();
  if (auto denied = Authorizer::checkFields(*access, selectedFieldNames(source, p.info.selectedFields)))
    co_return Error{denied->message};
  auto filter = buildFilter(source, p.args);
  if (!filter) co_return filter.error();
  auto limit = limitOf(p.args, config);
  if (!limit) co_return limit.error();
  auto offset = offsetOf(p.args);
  if (!offset) co_return offset.error();
  auto order = orderOf(source, p.args);
  if (order.empty())
    for (const Field* pk : source.entity->primaryKeys) order.push_back({pk->column, false});

  std::vector<json::array> lists(p.parents.size());
  std::vector<std::map<std::string, bool>> seenRows(p.parents.size());
  const Field* sourcePk = source.entity->primaryKeys.front();
  for (const auto& [fk, key] : link.keys) {
    std::vector<std::string> parentKeys;
    std::vector<sql::Value> distinct;
    std::map<std::string, bool> seen;
    for (const json::value* parent : p.parents) {
      const json::value* v = parent->is_object() ? parent->get_object().if_contains(key->name) : nullptr;
      if (!v || v->is_null()) {
        parentKeys.emplace_back();
        continue;
      }
      parentKeys.push_back(keyText(*v));
      if (seen.emplace(parentKeys.back(), true).second) distinct.push_back(toSqlValue(*fk, *v));
    }
    if (distinct.empty()) continue;

    sql::Filter where = *filter;
    std::erase_if(where.all, [&](const sql::Condition& c) { return c.column == fk->column; });
    where.all.push_back({fk->column, sql::Op::kIn, std::move(distinct)});
    applyChecks(where, access->checks);
    auto fields = fieldsToRead(source, p.info.selectedFields);
    if (std::find(fields.begin(), fields.end(), fk) == fields.end()) fields.push_back(fk);
    sql::SelectQuery select;
    select.table = source.entity->source;
    select.columns = columnNames(fields);
    select.where = std::move(where);
    select.orderBy = order;
    select.limit = *limit;
    select.offset = *offset;
    if (seen.size() > 1) select.partitionBy = fk->column;  // limit and offset per parent
    auto built = builder.select(select);
    if (!built.statement) co_return Error{built.error};
    auto rs = co_await database.query(ctx.loop, std::move(built.statement->sql), std::move(built.statement->params));
    if (!rs.ok()) co_return dbError(rs);

    size_t fkIndex = std::find(fields.begin(), fields.end(), fk) - fields.begin();
    size_t pkIndex = std::find(fields.begin(), fields.end(), sourcePk) - fields.begin();
    std::unordered_map<std::string, std::vector<size_t>> rowsByKey;
    for (size_t r = 0; r < rs.rows->rows.size(); ++r)
      rowsByKey[valueAsText(rs.rows->rows[r][fkIndex])].push_back(r);
    for (size_t i = 0; i < p.parents.size(); ++i) {
      if (parentKeys[i].empty()) continue;
      auto found = rowsByKey.find(parentKeys[i]);
      if (found == rowsByKey.end()) continue;
      for (size_t r : found->second) {
        const auto& row = rs.rows->rows[r];
        if (link.keys.size() > 1 && !seenRows[i].emplace(valueAsText(row[pkIndex]), true).second) continue;
        lists[i].push_back(rowToObject(source, fields, row));
      }
    }
  }
  std::vector<ResolveResult> results;
  results.reserve(lists.size());
  for (auto& l : lists) results.emplace_back(json::value(std::move(l)));
  co_return results;
}

// ---- The API ----

GraphqlApi::GraphqlApi(const EntityModel& model, const DbConfig& config, sql::Database& database,
                       const Authorizer* authorizer, unsigned loops)
    : state_(std::make_unique<State>(model, config, database, authorizer)) {
  for (unsigned i = 0; i < std::max(1u, loops); ++i)
    state_->caches.push_back(std::make_unique<graphql::DocumentCache>());
}

GraphqlApi::~GraphqlApi() = default;

const graphql::Schema& GraphqlApi::schema() const { return state_->schema; }

std::optional<std::string> GraphqlApi::build() {
  state_->buildModel();
  state_->declareTypes();
  return state_->schema.finalize();
}

http::Response GraphqlApi::graphiqlPage() {
  http::Response r;
  r.headers.add("content-type", "text/html; charset=UTF-8");
  r.body = std::string(kGraphiqlPage);
  return r;
}

namespace {

http::Response graphqlResponse(const graphql::HttpResponse& answer) {
  return http::Response::json(static_cast<int>(answer.status), answer.text());
}

http::Response badRequest(std::string message) {
  json::object body;
  body.emplace("data", nullptr);
  json::array errors;
  json::object e;
  e.emplace("message", std::move(message));
  errors.push_back(std::move(e));
  body.emplace("errors", std::move(errors));
  return http::Response::json(400, json::serialize(body));
}

}  // namespace

Task<http::Response> GraphqlApi::handle(const http::Request& request, unsigned loop, asio::any_io_executor executor) {
  State& st = *state_;
  bool isGet = request.method == "GET" || request.method == "HEAD";
  if (!isGet && request.method != "POST") co_return http::Response::routeNotFound(request.method, request.target);

  // The operation: from the query string (GET) or the body (POST, JSON or application/graphql).
  std::string query;
  std::optional<std::string> operationName;
  json::value variables;
  bool hasVariables = false;
  if (isGet) {
    for (auto& [key, value] : parseQueryString(request.query())) {
      if (key == "query") query = value;
      else if (key == "operationName") operationName = value;
      else if (key == "variables" && !value.empty()) {
        error_code ec;
        variables = json::parse(value, ec);
        if (ec) co_return badRequest("Variables must be a valid JSON object");
        hasVariables = true;
      }
    }
  } else {
    std::string_view contentType = request.headers.get("content-type");
    std::string media = ascii::lower(ascii::trim(contentType.substr(0, contentType.find(';'))));
    if (media == "application/graphql") {
      query = request.body;
    } else {
      auto parsed = parseJsonBody(contentType, request.body);
      if (auto* e = std::get_if<ApiError>(&parsed)) co_return http::Response::error(e->status, e->message, e->code);
      auto& body = std::get<std::optional<json::value>>(parsed);
      if (body && !body->is_object()) {
        co_return http::Response::error(400, "body must be object", "FST_ERR_VALIDATION");
      }
      if (body) {
        const json::object& o = body->get_object();
        if (auto* q = o.if_contains("query")) {
          if (!q->is_string() && !q->is_null())
            co_return http::Response::error(400, "body/query must be string", "FST_ERR_VALIDATION");
          if (q->is_string()) query = std::string(q->get_string());
        }
        if (auto* n = o.if_contains("operationName")) {
          if (n->is_string()) operationName = std::string(n->get_string());
          else if (!n->is_null())
            co_return http::Response::error(400, "body/operationName must be string,null", "FST_ERR_VALIDATION");
        }
        if (auto* v = o.if_contains("variables")) {
          if (!v->is_object() && !v->is_null())
            co_return http::Response::error(400, "body/variables must be object,null", "FST_ERR_VALIDATION");
          variables = *v;
          hasVariables = true;
        }
      }
    }
  }

  RequestContext ctx{&st, loop, std::nullopt};
  if (st.authorizer) {
    User user = co_await st.authorizer->authenticate(request, executor);
    ctx.user = std::move(user);
  }
  graphql::HttpRequest call;
  call.query = query;
  call.variables = hasVariables ? &variables : nullptr;
  if (operationName) call.operationName = *operationName;
  call.isGet = isGet;
  call.context = &ctx;
  graphql::DocumentCache* cache = loop < st.caches.size() ? st.caches[loop].get() : nullptr;
  graphql::HttpResponse answer = co_await graphql::handleHttpRequest(st.schema, call, {}, cache);
  co_return graphqlResponse(answer);
}

}  // namespace watt::kinds::db
