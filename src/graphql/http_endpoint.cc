#include "graphql/http_endpoint.h"

#include "graphql/js_format.h"

namespace watt::graphql {
namespace {

json::array errorsToJson(const std::vector<GraphqlError>& errors, bool pathIndicesAsStrings) {
  json::array out;
  out.reserve(errors.size());
  for (const GraphqlError& e : errors) out.push_back(e.toJson(pathIndicesAsStrings));
  return out;
}

// mercurius's error handler: a request that failed before execution. Its status is the one of
// the failure (400, 405) only when there is exactly one error; otherwise 200.
HttpResponse failure(unsigned status, const std::vector<GraphqlError>& errors) {
  HttpResponse response;
  response.status = errors.size() == 1 ? status : 200;
  response.body.reserve(2);
  response.body.emplace("data", nullptr);
  response.body.emplace("errors", errorsToJson(errors, response.status < 300));
  return response;
}

// graphql-js getOperationAST().
const ast::Definition* operationOf(const ast::Document& document,
                                   std::optional<std::string_view> name) {
  const ast::Definition* found = nullptr;
  for (const ast::Definition& def : document.definitions()) {
    if (def.kind != ast::DefinitionKind::Operation) continue;
    if (!name) {
      if (found) return nullptr;
      found = &def;
    } else if (def.name == *name) {
      return &def;
    }
  }
  return found;
}

}  // namespace

std::string HttpResponse::text() const {
  return serializeJsJson(body);
}

const DocumentCache::Entry* DocumentCache::find(std::string_view query) {
  auto it = index_.find(query);
  if (it == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, it->second);
  return &entries_.front();
}

void DocumentCache::insert(Entry entry) {
  if (capacity_ == 0 || entry.query.size() > kMaxQueryBytes || index_.contains(entry.query)) return;
  if (entries_.size() >= capacity_) {
    index_.erase(entries_.back().query);
    entries_.pop_back();
  }
  entries_.push_front(std::move(entry));
  index_.emplace(entries_.front().query, entries_.begin());
}

Task<HttpResponse> handleHttpRequest(const Schema& schema, HttpRequest request,
                                     const EndpointLimits& limits, DocumentCache* cache) {
  if (request.query.empty()) {
    co_return failure(400, {GraphqlError{"Unknown query", {}, {}}});
  }

  std::shared_ptr<const ast::Document> document;
  const DocumentCache::Entry* cached = cache ? cache->find(request.query) : nullptr;
  if (cached) {
    if (!cached->errors.empty()) co_return failure(400, cached->errors);
    document = cached->document;
  } else {
    ParseResult parsed = parse(std::string(request.query), limits.parse);
    if (!parsed.document) co_return failure(400, {parsed.error});
    std::vector<GraphqlError> errors = validate(schema, *parsed.document, limits.validation);
    if (!errors.empty()) {
      HttpResponse response = failure(400, errors);
      if (cache) cache->insert({std::string(request.query), nullptr, std::move(errors)});
      co_return response;
    }
    document = std::move(parsed.document);
    if (cache) cache->insert({std::string(request.query), document, {}});
  }

  if (request.isGet) {
    const ast::Definition* operation = operationOf(*document, request.operationName);
    if (operation && operation->operation != ast::OperationType::Query) {
      co_return failure(405,
                        {GraphqlError{"Operation cannot be performed via a GET request", {}, {}}});
    }
  }

  ExecutionOptions options;
  options.operationName = request.operationName;
  options.variables = request.variables && request.variables->is_object()
                          ? &request.variables->get_object()
                          : nullptr;
  options.context = request.context;
  options.limits = limits.execution;
  ExecutionResult result = co_await execute(schema, document, options);

  if (!result.executed && request.variables) co_return failure(400, result.errors);
  // The body shares the data's arena, so the data moves in instead of being copied.
  json::object body(result.data.storage());
  body.reserve(2);
  body.emplace("data", std::move(result.data));
  if (!result.errors.empty()) body.emplace("errors", errorsToJson(result.errors, true));
  HttpResponse response{200, std::move(body)};  // move-constructed: keeps the arena
  co_return response;
}

}  // namespace watt::graphql
