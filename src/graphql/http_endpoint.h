// What mercurius (the GraphQL plugin of Platformatic) does for GET and POST /graphql, without
// the HTTP: parse (with a per-loop cache), validate, refuse mutations over GET, execute, and
// choose the status and body exactly as mercurius + Fastify answer:
//   - no query: 400 {"data":null,"errors":[{"message":"Unknown query"}]}
//   - one syntax/validation error: 400 {"data":null,"errors":[...]} (several: status 200)
//   - a mutation over GET: 405
//   - invalid variables (when variables were sent): as validation errors
//   - execution: 200 {"data":...,"errors":[...]}, paths with list indices written as strings
//     (Fastify's response schema for 2xx declares path items as strings).
// Reading the HTTP request (query string, JSON body) is the caller's job.
#pragma once

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/asio.h"
#include "graphql/executor.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/validator.h"

namespace watt::graphql {

struct HttpRequest {
  std::string_view query;
  // Absent (nullptr) is not the same as JSON null: mercurius checks variables early only when
  // the request carried them. Anything but an object counts as no variables.
  const json::value* variables = nullptr;
  std::optional<std::string_view> operationName;
  bool isGet = false;
  void* context = nullptr;  // handed to resolvers
};

struct HttpResponse {
  unsigned status = 200;
  json::object body;         // {"data": ..., "errors": [...]}, in that key order
  std::string text() const;  // the body as Node would write it
};

struct EndpointLimits {
  ParseLimits parse;
  ValidationLimits validation;
  ExecutionLimits execution;
};

// Parsed and validated documents by query text, least recently used first out. Owned by one
// loop (no locking); bound to one schema.
class DocumentCache {
 public:
  static constexpr size_t kDefaultCapacity = 1024;     // mercurius's default
  static constexpr size_t kMaxQueryBytes = 64 * 1024;  // longer queries are not kept

  explicit DocumentCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  struct Entry {
    std::string query;
    std::shared_ptr<const ast::Document> document;  // null when validation failed
    std::vector<GraphqlError> errors;               // the validation errors, if any
  };
  const Entry* find(std::string_view query);
  void insert(Entry entry);
  size_t size() const { return entries_.size(); }

 private:
  size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

// `schema` (finalized) and `cache` must outlive the returned task, and so must the views in
// `request`.
Task<HttpResponse> handleHttpRequest(const Schema& schema, HttpRequest request,
                                     const EndpointLimits& limits = {},
                                     DocumentCache* cache = nullptr);

}  // namespace watt::graphql
