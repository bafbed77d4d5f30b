#include "kinds/db/traced_database.h"

#include "observe/tracer.h"

namespace watt::kinds::db {
namespace {

namespace sql = ::watt::db;

std::string_view systemOf(sql::Dialect dialect) {
  return dialect == sql::Dialect::kPostgres ? "postgresql" : "sqlite";
}

// The span name: the statement's first keyword (SELECT, INSERT, WITH, ...), as OpenTelemetry's
// database conventions name a span by its operation.
std::string operationOf(std::string_view sql) {
  size_t begin = 0;
  while (begin < sql.size() && (sql[begin] == ' ' || sql[begin] == '\n' || sql[begin] == '('))
    ++begin;
  size_t end = begin;
  while (end < sql.size() &&
         ((sql[end] >= 'A' && sql[end] <= 'Z') || (sql[end] >= 'a' && sql[end] <= 'z')))
    ++end;
  std::string op(sql.substr(begin, end - begin));
  for (auto& c : op)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return op.empty() ? "SQL" : op;
}

observe::Span startStatement(sql::Dialect dialect, const std::string& statement) {
  const observe::CurrentTrace& current = observe::currentTrace();
  if (!current.context.sampled() || !observe::Tracer::instance()) return {};
  observe::Span span = observe::Span::start(observe::SpanKind::kClient, current.service,
                                            current.context, {operationOf(statement)});
  span.setAttribute("db.system", systemOf(dialect));
  span.setAttribute("db.query.text", statement);
  return span;
}

void finishStatement(observe::Span& span, const sql::QueryResult& result) {
  if (!span.active()) return;
  if (!result.ok()) span.setError(result.error->message);
  span.end();
}

class TracedConnection : public sql::Connection {
 public:
  explicit TracedConnection(sql::Connection& inner) : inner_(inner) {}
  sql::Dialect dialect() const override { return inner_.dialect(); }
  sql::QueryResult querySync(const std::string& sql,
                             const std::vector<sql::Value>& params) override {
    return inner_.querySync(sql, params);
  }
  sql::QueryResult execScriptSync(const std::string& sql) override {
    return inner_.execScriptSync(sql);
  }
  Task<sql::QueryResult> query(std::string sql, std::vector<sql::Value> params) override {
    observe::CurrentTrace saved = observe::currentTrace();
    observe::Span span = startStatement(inner_.dialect(), sql);
    sql::QueryResult result = co_await inner_.query(std::move(sql), std::move(params));
    observe::currentTrace() = saved;
    finishStatement(span, result);
    co_return result;
  }

 private:
  sql::Connection& inner_;
};

class TracedDatabase : public sql::Database {
 public:
  explicit TracedDatabase(std::unique_ptr<sql::Database> inner) : inner_(std::move(inner)) {}

  sql::Dialect dialect() const override { return inner_->dialect(); }
  sql::Connection& controlConnection() override { return inner_->controlConnection(); }
  std::optional<sql::Schema> introspect(std::string& error,
                                        const sql::IntrospectOptions& options) override {
    return inner_->introspect(error, options);
  }
  Task<sql::QueryResult> query(unsigned loop, std::string sql,
                               std::vector<sql::Value> params) override {
    observe::CurrentTrace saved = observe::currentTrace();
    observe::Span span = startStatement(inner_->dialect(), sql);
    sql::QueryResult result = co_await inner_->query(loop, std::move(sql), std::move(params));
    observe::currentTrace() = saved;
    finishStatement(span, result);
    co_return result;
  }
  Task<sql::QueryResult> transaction(
      unsigned loop, std::function<Task<sql::QueryResult>(sql::Connection&)> body) override {
    observe::CurrentTrace saved = observe::currentTrace();
    sql::QueryResult result = co_await inner_->transaction(
        loop, [&body, saved](sql::Connection& connection) -> Task<sql::QueryResult> {
          observe::currentTrace() = saved;  // the transaction may have waited for its connection
          TracedConnection traced(connection);
          co_return co_await body(traced);
        });
    observe::currentTrace() = saved;
    co_return result;
  }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<sql::Database> inner_;
};

}  // namespace

std::unique_ptr<sql::Database> tracedDatabase(std::unique_ptr<sql::Database> inner) {
  if (!inner || !observe::Tracer::instance()) return inner;
  return std::make_unique<TracedDatabase>(std::move(inner));
}

}  // namespace watt::kinds::db
