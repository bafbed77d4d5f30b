#include "kinds/db/rest_api.h"


#include "common/ascii.h"
#include "kinds/db/cursor.h"
#include "kinds/db/entity_ops.h"
#include "kinds/db/rest_query.h"
#include "kinds/db/row_json.h"

namespace watt::kinds::db {
namespace {

using Values = std::vector<std::pair<const Field*, sql::Value>>;

http::Response json(int status, std::string body) { return http::Response::json(status, std::move(body)); }

// A key as it goes into a location header: control characters percent-encoded (Node refuses
// them in a header value; a client's key must never split the response).
std::string headerSafe(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> parts;
  if (path.empty() || path.front() != '/') return parts;
  path.remove_prefix(1);
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    parts.emplace_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

// The fields to print: the requested ones, else all (column order). `extra` fields are read
// too (for a location header) but printed only when requested.
struct Projection {
  std::vector<std::string> columns;     // SQL column names, in order
  std::vector<const Field*> printed;    // same length; nullptr = read but not printed
};

Projection project(const Entity& entity, const std::vector<const Field*>& requested,
                   const std::vector<const Field*>& extra = {}) {
  Projection p;
  auto wanted = [&](const Field& f) {
    if (requested.empty()) return true;
    return std::find(requested.begin(), requested.end(), &f) != requested.end();
  };
  for (const auto& f : entity.fields) {
    bool print = wanted(f);
    bool needed = std::find(extra.begin(), extra.end(), &f) != extra.end();
    if (!print && !needed) continue;
    p.columns.push_back(f.column);
    p.printed.push_back(print ? &f : nullptr);
  }
  return p;
}

std::string rowsToJson(const Projection& p, const sql::ResultSet& rs) {
  std::string out = "[";
  for (size_t i = 0; i < rs.rows.size(); ++i) {
    if (i) out += ',';
    appendRow(out, p.printed, rs.rows[i]);
  }
  out += ']';
  return out;
}

std::string rowToJson(const Projection& p, const std::vector<sql::Value>& row) {
  std::string out;
  appendRow(out, p.printed, row);
  return out;
}

// The value of `field` in a row read with projection `p`.
const sql::Value* valueIn(const Projection& p, const std::vector<sql::Value>& row, const Field& field) {
  for (size_t i = 0; i < p.columns.size() && i < row.size(); ++i)
    if (p.columns[i] == field.column) return &row[i];
  return nullptr;
}

std::vector<std::string> fieldNames(const std::vector<const Field*>& fields) {
  std::vector<std::string> names;
  for (const Field* f : fields) names.push_back(f->name);
  return names;
}

}  // namespace

http::Response apiError(const ApiError& error) {
  return http::Response::error(error.status, error.message, error.code);
}

http::Response dbErrorResponse(const sql::DbError& error, sql::Dialect dialect) {
  using Kind = sql::DbError::Kind;
  int status = 500;
  std::string code;
  bool sqlite = dialect == sql::Dialect::kSqlite;
  switch (error.kind) {
    case Kind::kForeignKeyViolation:
      status = 409;
      code = sqlite ? "SQLITE_CONSTRAINT_FOREIGNKEY" : error.sqlState;
      break;
    case Kind::kUniqueViolation:
      status = 409;
      code = sqlite ? "SQLITE_CONSTRAINT_UNIQUE" : error.sqlState;
      break;
    case Kind::kNotNullViolation:
      status = 400;
      code = sqlite ? "SQLITE_CONSTRAINT_NOTNULL" : error.sqlState;
      break;
    case Kind::kCheckViolation:
      status = 400;
      code = sqlite ? "SQLITE_CONSTRAINT_CHECK" : error.sqlState;
      break;
    case Kind::kInvalidValue:
      status = 400;
      code = sqlite ? "SQLITE_MISMATCH" : error.sqlState;
      break;
    default:
      code = sqlite ? "SQLITE_ERROR" : error.sqlState;
      break;
  }
  return http::Response::error(status, error.message, code);
}

struct RestApi::Call {
  const http::Request& request;
  const Entity& entity;
  QueryParams params;
  unsigned loop;
  asio::any_io_executor executor;
  std::optional<User> user;
  std::string method;

  http::Response notFound() const { return http::Response::routeNotFound(request.method, request.target); }
};

RestApi::RestApi(const EntityModel& model, const DbConfig& config, sql::Database& database,
                 const Authorizer* authorizer)
    : model_(model), config_(config), database_(database), authorizer_(authorizer), builder_(database.dialect()) {}

// Authorization of one operation on `entity`: a response when denied, else nullopt with
// `access` filled (an open API when there is no authorization block).
Task<std::optional<http::Response>> RestApi::authorize(Call& call, const Entity& entity, Operation op, Access& access) {
  if (!authorizer_) co_return std::nullopt;
  if (!call.user) {
    User user = co_await authorizer_->authenticate(call.request, call.executor);
    call.user = std::move(user);
  }
  access = authorizer_->access(*call.user, entity, op);
  if (access.denied) co_return apiError(*access.denied);
  co_return std::nullopt;
}

Task<std::optional<http::Response>> RestApi::handle(const http::Request& request, unsigned loop,
                                                    asio::any_io_executor executor) {
  std::string_view path = request.path();
  const std::string& prefix = config_.openapi.prefix;
  if (!prefix.empty()) {
    if (!path.starts_with(prefix) || (path.size() > prefix.size() && path[prefix.size()] != '/'))
      co_return std::nullopt;
    path.remove_prefix(prefix.size());
  }
  auto parts = splitPath(path);
  if (parts.empty()) co_return std::nullopt;
  const Entity* entity = model_.byPlural(parts[0]);
  if (!entity) co_return std::nullopt;

  std::string method = request.method == "HEAD" ? "GET" : request.method;
  Call call{request, *entity, parseQueryString(request.query()), loop, std::move(executor), std::nullopt, method};
  bool collection = parts.size() == 1 || (parts.size() == 2 && parts[1].empty());

  if (collection) {
    if (method == "GET") co_return co_await find(call);
    if (entity->isView) co_return std::nullopt;
    if (method == "POST") co_return co_await create(call);
    if (method == "PUT") co_return co_await updateMany(call);
    co_return std::nullopt;
  }
  if (entity->isView) co_return std::nullopt;

  // Composite keys: /booksTags/book/8/tag/3
  if (!entity->hasSinglePrimaryKey()) {
    if (parts.size() != 1 + 2 * entity->compositePath.size()) co_return std::nullopt;
    Values key;
    std::string location = prefix + "/" + entity->pluralName;
    for (size_t i = 0; i < entity->compositePath.size(); ++i) {
      const auto& segment = entity->compositePath[i];
      if (parts[1 + 2 * i] != segment.literal) co_return std::nullopt;
      std::string raw = percentDecode(parts[2 + 2 * i], false);
      auto value = parsePathKey(*segment.field, raw);
      if (auto* e = std::get_if<ApiError>(&value)) co_return apiError(*e);
      key.emplace_back(segment.field, std::get<sql::Value>(value));
      location += "/" + segment.literal + "/" + headerSafe(raw);
    }
    if (method == "GET") co_return co_await getOne(call, keyFilter(key));
    if (method == "POST" || method == "PUT") co_return co_await save(call, key, location);
    if (method == "DELETE") co_return co_await removeOne(call, keyFilter(key));
    co_return std::nullopt;
  }

  const Field& keyField = *entity->primaryKeys.front();
  if (parts.size() < 2 || parts.size() > 3 || parts[1].empty()) co_return std::nullopt;
  std::string raw = percentDecode(parts[1], false);
  if (parts.size() == 3) {
    const Relation* relation = nullptr;
    for (const auto& r : entity->relations)
      if (r.segment == parts[2]) relation = &r;
    if (!relation || method != "GET") co_return std::nullopt;
    auto value = parsePathKey(keyField, raw);
    if (auto* e = std::get_if<ApiError>(&value)) co_return apiError(*e);
    if (relation->kind == Relation::Kind::kReverse)
      co_return co_await reverseRelation(call, *relation, std::get<sql::Value>(value));
    co_return co_await forwardRelation(call, *relation, std::get<sql::Value>(value));
  }
  if (method != "GET" && method != "PUT" && method != "DELETE") co_return std::nullopt;
  auto value = parsePathKey(keyField, raw);
  if (auto* e = std::get_if<ApiError>(&value)) co_return apiError(*e);
  Values key{{&keyField, std::get<sql::Value>(value)}};
  if (method == "GET") co_return co_await getOne(call, keyFilter(key));
  if (method == "DELETE") co_return co_await removeOne(call, keyFilter(key));
  co_return co_await save(call, key, prefix + "/" + entity->pluralName + "/");
}

Task<http::Response> RestApi::find(Call& call) {
  const Entity& entity = call.entity;
  LimitConfig limits{config_.limitDefault, config_.limitMax};
  auto parsed = parseListQuery(entity, call.params, QueryShape::kList, limits);
  if (auto* e = std::get_if<ApiError>(&parsed)) co_return apiError(*e);
  ListQuery& q = std::get<ListQuery>(parsed);
  Access access;
  {
    auto denied = co_await authorize(call, entity, Operation::kFind, access);
    if (denied) co_return std::move(*denied);
  }
  if (authorizer_) {
    auto names = q.fieldsGiven ? fieldNames(q.fields) : std::vector<std::string>{};
    if (!q.fieldsGiven)
      for (const auto& f : entity.fields) names.push_back(f.column);  // as the reference checks them
    if (auto denied = Authorizer::checkFields(access, names)) co_return apiError(*denied);
    applyChecks(q.where, access.checks);
  }
  // Cursor pagination: startAfter wins over endBefore; endBefore reads backwards (the order
  // reversed) and turns the page around.
  bool backward = false;
  sql::Filter where = q.where;
  bool startAfter = q.startAfter && !q.startAfter->empty();
  bool endBefore = !startAfter && q.endBefore && !q.endBefore->empty();
  if (startAfter || endBefore) {
    backward = endBefore;
    auto cursor = decodeCursor(entity, startAfter ? *q.startAfter : *q.endBefore);
    if (auto* e = std::get_if<ApiError>(&cursor)) co_return apiError(*e);
    auto condition = cursorCondition(entity, std::get<InputValues>(cursor), q.orderBy, backward);
    if (auto* e = std::get_if<ApiError>(&condition)) co_return apiError(*e);
    auto& group = std::get<std::optional<std::vector<sql::Conjunction>>>(condition);
    if (group) where.anyOf.push_back(std::move(*group));
  }

  Projection p = project(entity, q.fields);
  sql::SelectQuery select;
  select.table = entity.source;
  select.columns = p.columns;
  select.where = std::move(where);
  for (const auto& [field, desc] : q.orderBy) select.orderBy.push_back({field->column, desc != backward});
  select.limit = q.limit;
  if (q.offset > 0) select.offset = q.offset;
  auto built = builder_.select(select);
  if (!built.statement) co_return apiError({500, "", built.error});
  auto result = co_await database_.query(call.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!result.ok()) co_return dbErrorResponse(*result.error, database_.dialect());

  if (backward) std::reverse(result.rows->rows.begin(), result.rows->rows.end());
  http::Response response = json(200, rowsToJson(p, *result.rows));
  if (q.totalCount) {
    int64_t pageSize = static_cast<int64_t>(result.rows->rows.size());
    int64_t total = 0;
    if ((q.offset == 0 || pageSize > 0) && q.limitGiven && pageSize < q.limit) {
      total = q.offset + pageSize;
    } else {
      auto counted = builder_.count(*entity.source, q.where);
      auto rs = co_await database_.query(call.loop, std::move(counted.statement->sql),
                                         std::move(counted.statement->params));
      if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
      const auto& v = rs.rows->rows.at(0).at(0);
      total = v.isInteger() ? v.integer() : static_cast<int64_t>(std::stoll(valueAsText(v)));
    }
    response.headers.add("x-total-count", std::to_string(total));
  }
  if ((q.cursor || startAfter || endBefore) && !result.rows->rows.empty()) {
    auto last = encodeCursor(entity, q.orderBy, p.printed, result.rows->rows.back());
    if (auto* e = std::get_if<ApiError>(&last)) co_return apiError(*e);
    auto first = encodeCursor(entity, q.orderBy, p.printed, result.rows->rows.front());
    response.headers.add("x-start-after", std::get<std::string>(last));
    response.headers.add("x-end-before", std::get<std::string>(first));
  }
  co_return response;
}

Task<http::Response> RestApi::create(Call& call) {
  const Entity& entity = call.entity;
  Values key;
  // A POST that carries every primary key is an upsert of that row; keys come from the body.
  co_return co_await save(call, key, config_.openapi.prefix + "/" + entity.pluralName + "/");
}

Task<http::Response> RestApi::save(Call& call, Values pathKey, std::string location) {
  const Entity& entity = call.entity;
  auto body = parseJsonBody(call.request.headers.get("content-type"), call.request.body);
  if (auto* e = std::get_if<ApiError>(&body)) co_return apiError(*e);
  auto& parsedBody = std::get<std::optional<json::value>>(body);
  auto input = validateInput(entity, parsedBody ? &*parsedBody : nullptr, config_.openapi.allowPrimaryKeysInInput);
  if (auto* e = std::get_if<ApiError>(&input)) co_return apiError(*e);
  Values values = std::move(std::get<InputValues>(input));
  auto fieldsQuery = parseListQuery(entity, call.params, QueryShape::kFieldsOnly, {});
  if (auto* e = std::get_if<ApiError>(&fieldsQuery)) co_return apiError(*e);
  const ListQuery& q = std::get<ListQuery>(fieldsQuery);

  // The path's key overrides the body's.
  for (const auto& [field, value] : pathKey) {
    std::erase_if(values, [&](const auto& v) { return v.first == field; });
    values.emplace_back(field, value);
  }
  Access access;
  {
    auto denied = co_await authorize(call, entity, Operation::kSave, access);
    if (denied) co_return std::move(*denied);
  }
  if (authorizer_) {
    std::vector<std::string> names = fieldNames(q.fields);
    for (const auto& [field, value] : values) names.push_back(field->name);
    if (access.fields && !q.fieldsGiven) {
      co_return apiError({403, "PLT_DB_AUTH_FIELD_UNAUTHORIZED",
                          "field not allowed: the rule lists fields, so the request must name them with ?fields="});
    }
    if (auto denied = Authorizer::checkFields(access, names)) co_return apiError(*denied);
    for (const auto& [field, value] : access.defaults) {
      std::erase_if(values, [&](const auto& v) { return v.first == field; });
      values.emplace_back(field, value);
    }
  }

  Projection p = project(entity, q.fields, entity.primaryKeys);
  SaveRequest save{&entity, std::move(values), pathKey, access.checks, p.columns};
  SaveOutcome outcome = co_await saveRow(database_, call.loop, std::move(save));
  if (outcome.forbidden) co_return apiError(notAllowed());
  sql::QueryResult& result = outcome.result;
  if (!result.ok()) co_return dbErrorResponse(*result.error, database_.dialect());
  if (result.rows->rows.empty()) co_return call.notFound();
  const auto& row = result.rows->rows.front();

  http::Response response = json(200, rowToJson(p, row));
  if (!pathKey.empty() && entity.hasSinglePrimaryKey()) {
    // PUT /X/:id: the returned row's key (the reference prints "undefined" if not selected).
    const Field& pk = *entity.primaryKeys.front();
    bool selected = !q.fieldsGiven || std::find(q.fields.begin(), q.fields.end(), &pk) != q.fields.end();
    const sql::Value* v = valueIn(p, row, pk);
    location += selected && v ? headerSafe(valueAsText(*v)) : "undefined";
  } else if (pathKey.empty() && !entity.primaryKeys.empty()) {
    const sql::Value* v = valueIn(p, row, *entity.primaryKeys.front());
    location += v ? headerSafe(valueAsText(*v)) : "undefined";
  }
  response.headers.add("location", location);
  co_return response;
}

Task<http::Response> RestApi::updateMany(Call& call) {
  const Entity& entity = call.entity;
  auto parsed = parseListQuery(entity, call.params, QueryShape::kBulkUpdate, {});
  if (auto* e = std::get_if<ApiError>(&parsed)) co_return apiError(*e);
  ListQuery& q = std::get<ListQuery>(parsed);
  if (q.where.empty()) {
    co_return apiError({400, "PLT_SQL_MAPPER_MISSING_WHERE_CLAUSE", "Missing where clause"});
  }
  auto body = parseJsonBody(call.request.headers.get("content-type"), call.request.body);
  if (auto* e = std::get_if<ApiError>(&body)) co_return apiError(*e);
  auto& parsedBody = std::get<std::optional<json::value>>(body);
  auto input = validateInput(entity, parsedBody ? &*parsedBody : nullptr, config_.openapi.allowPrimaryKeysInInput);
  if (auto* e = std::get_if<ApiError>(&input)) co_return apiError(*e);
  Access access;
  {
    auto denied = co_await authorize(call, entity, Operation::kUpdateMany, access);
    if (denied) co_return std::move(*denied);
  }
  applyChecks(q.where, access.checks);

  std::string now = isoNow();
  std::vector<std::pair<std::string, sql::Value>> set;
  for (const auto& [field, value] : std::get<InputValues>(input)) {
    if (!field->autoTimestamp && !field->primaryKey) set.emplace_back(field->column, value);
  }
  for (const auto& f : entity.fields)
    if (f.isUpdatedAt) set.emplace_back(f.column, sql::Value(now));
  for (const auto& [field, value] : access.defaults) set.emplace_back(field->column, value);

  Projection p = project(entity, q.fields);
  http::Response response;
  if (set.empty()) {
    auto select = builder_.select({entity.source, p.columns, q.where, {}, std::nullopt, std::nullopt});
    auto rs = co_await database_.query(call.loop, std::move(select.statement->sql), std::move(select.statement->params));
    if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
    response = json(200, rowsToJson(p, *rs.rows));
  } else {
    auto update = builder_.update(*entity.source, set, q.where, p.columns);
    if (!update.statement) co_return apiError({500, "", update.error});
    auto rs = co_await database_.query(call.loop, std::move(update.statement->sql), std::move(update.statement->params));
    if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
    response = json(200, rowsToJson(p, *rs.rows));
  }
  response.headers.add("location", config_.openapi.prefix + "/" + entity.pluralName);
  co_return response;
}

Task<http::Response> RestApi::getOne(Call& call, sql::Filter key) {
  const Entity& entity = call.entity;
  auto parsed = parseListQuery(entity, call.params, QueryShape::kFieldsOnly, {});
  if (auto* e = std::get_if<ApiError>(&parsed)) co_return apiError(*e);
  ListQuery& q = std::get<ListQuery>(parsed);
  Access access;
  {
    auto denied = co_await authorize(call, entity, Operation::kFind, access);
    if (denied) co_return std::move(*denied);
  }
  if (authorizer_) {
    auto names = q.fieldsGiven ? fieldNames(q.fields) : std::vector<std::string>{};
    if (!q.fieldsGiven)
      for (const auto& f : entity.fields) names.push_back(f.column);
    if (auto denied = Authorizer::checkFields(access, names)) co_return apiError(*denied);
  }
  applyChecks(key, access.checks);
  Projection p = project(entity, q.fields);
  auto select = builder_.select({entity.source, p.columns, key, {}, 1, std::nullopt});
  auto rs = co_await database_.query(call.loop, std::move(select.statement->sql), std::move(select.statement->params));
  if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
  if (rs.rows->rows.empty()) co_return call.notFound();
  co_return json(200, rowToJson(p, rs.rows->rows.front()));
}

Task<http::Response> RestApi::removeOne(Call& call, sql::Filter key) {
  const Entity& entity = call.entity;
  auto parsed = parseListQuery(entity, call.params, QueryShape::kFieldsOnly, {});
  if (auto* e = std::get_if<ApiError>(&parsed)) co_return apiError(*e);
  ListQuery& q = std::get<ListQuery>(parsed);
  Access access;
  {
    auto denied = co_await authorize(call, entity, Operation::kDelete, access);
    if (denied) co_return std::move(*denied);
  }
  applyChecks(key, access.checks);
  Projection p = project(entity, q.fields);
  auto remove = builder_.remove(*entity.source, key, p.columns);
  auto rs = co_await database_.query(call.loop, std::move(remove.statement->sql), std::move(remove.statement->params));
  if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
  if (rs.rows->rows.empty()) co_return call.notFound();
  co_return json(200, rowToJson(p, rs.rows->rows.front()));
}

Task<http::Response> RestApi::reverseRelation(Call& call, const Relation& relation, sql::Value id) {
  const Entity& parent = call.entity;
  const Entity& child = *relation.target;
  LimitConfig limits{config_.limitDefault, config_.limitMax};
  auto parsed = parseListQuery(child, call.params, QueryShape::kReverseRelation, limits);
  if (auto* e = std::get_if<ApiError>(&parsed)) co_return apiError(*e);
  ListQuery& q = std::get<ListQuery>(parsed);
  Access parentAccess;
  {
    auto denied = co_await authorize(call, parent, Operation::kFind, parentAccess);
    if (denied) co_return std::move(*denied);
  }
  sql::Filter parentKey;
  parentKey.all.push_back({relation.localField->column, sql::Op::kEq, {id}});
  applyChecks(parentKey, parentAccess.checks);
  auto exists = builder_.count(*parent.source, parentKey);
  auto counted = co_await database_.query(call.loop, std::move(exists.statement->sql), std::move(exists.statement->params));
  if (!counted.ok()) co_return dbErrorResponse(*counted.error, database_.dialect());
  const auto& n = counted.rows->rows.at(0).at(0);
  if ((n.isInteger() ? n.integer() : std::stoll(valueAsText(n))) == 0) co_return call.notFound();

  Access childAccess;
  if (authorizer_) {
    childAccess = authorizer_->access(*call.user, child, Operation::kFind);
    if (childAccess.denied) co_return apiError(*childAccess.denied);
  }
  sql::Filter where;
  where.all.push_back({relation.remoteField->column, sql::Op::kEq, {id}});
  applyChecks(where, childAccess.checks);
  Projection p = project(child, q.fields);
  sql::SelectQuery select{child.source, p.columns, where, {}, q.limit, q.offset > 0 ? std::optional<int64_t>(q.offset) : std::nullopt};
  auto built = builder_.select(select);
  auto rs = co_await database_.query(call.loop, std::move(built.statement->sql), std::move(built.statement->params));
  if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
  http::Response response = json(200, rowsToJson(p, *rs.rows));
  if (q.totalCount) {
    int64_t pageSize = static_cast<int64_t>(rs.rows->rows.size());
    int64_t total = 0;
    if ((q.offset == 0 || pageSize > 0) && q.limitGiven && pageSize < q.limit) {
      total = q.offset + pageSize;
    } else {
      auto c = builder_.count(*child.source, where);
      auto crs = co_await database_.query(call.loop, std::move(c.statement->sql), std::move(c.statement->params));
      if (!crs.ok()) co_return dbErrorResponse(*crs.error, database_.dialect());
      const auto& v = crs.rows->rows.at(0).at(0);
      total = v.isInteger() ? v.integer() : std::stoll(valueAsText(v));
    }
    response.headers.add("x-total-count", std::to_string(total));
  }
  co_return response;
}

Task<http::Response> RestApi::forwardRelation(Call& call, const Relation& relation, sql::Value id) {
  const Entity& entity = call.entity;
  const Entity& target = *relation.target;
  auto parsed = parseListQuery(target, call.params, QueryShape::kFieldsOnly, {});
  if (auto* e = std::get_if<ApiError>(&parsed)) co_return apiError(*e);
  ListQuery& q = std::get<ListQuery>(parsed);
  Access access;
  {
    auto denied = co_await authorize(call, entity, Operation::kFind, access);
    if (denied) co_return std::move(*denied);
  }
  sql::Filter key;
  key.all.push_back({entity.primaryKeys.front()->column, sql::Op::kEq, {id}});
  applyChecks(key, access.checks);
  auto fk = builder_.select({entity.source, {relation.localField->column}, key, {}, 1, std::nullopt});
  auto rs = co_await database_.query(call.loop, std::move(fk.statement->sql), std::move(fk.statement->params));
  if (!rs.ok()) co_return dbErrorResponse(*rs.error, database_.dialect());
  if (rs.rows->rows.empty() || rs.rows->rows.front().front().isNull()) co_return call.notFound();
  sql::Value fkValue = rs.rows->rows.front().front();

  Access targetAccess;
  if (authorizer_) {
    targetAccess = authorizer_->access(*call.user, target, Operation::kFind);
    if (targetAccess.denied) co_return apiError(*targetAccess.denied);
  }
  sql::Filter where;
  where.all.push_back({relation.remoteField->column, sql::Op::kEq, {fkValue}});
  applyChecks(where, targetAccess.checks);
  Projection p = project(target, q.fields);
  auto select = builder_.select({target.source, p.columns, where, {}, 1, std::nullopt});
  auto trs = co_await database_.query(call.loop, std::move(select.statement->sql), std::move(select.statement->params));
  if (!trs.ok()) co_return dbErrorResponse(*trs.error, database_.dialect());
  if (trs.rows->rows.empty()) co_return call.notFound();
  co_return json(200, rowToJson(p, trs.rows->rows.front()));
}

}  // namespace watt::kinds::db
