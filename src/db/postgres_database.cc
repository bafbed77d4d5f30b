#include "db/postgres_database.h"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>

#include "db/introspection.h"
#include "db/postgres_text.h"

namespace watt::db {
namespace {

// Type OIDs (pg_type.dat) of the columns that do not stay text.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kTimestamp = 1114, kTimestampTz = 1184;

// libpq's own messages span lines ("server closed the connection unexpectedly\n\tThis
// probably means..."): one line, single spaces.
std::string oneLine(const char* message) {
  std::string out;
  bool space = false;
  for (const char* p = message ? message : ""; *p; ++p) {
    bool blank = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
    if (blank) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += *p;
  }
  return out;
}

DbError::Kind classify(const std::string& sqlState) {
  if (sqlState == "23505") return DbError::Kind::kUniqueViolation;
  if (sqlState == "23503") return DbError::Kind::kForeignKeyViolation;
  if (sqlState == "23502") return DbError::Kind::kNotNullViolation;
  if (sqlState == "23514") return DbError::Kind::kCheckViolation;
  if (sqlState.rfind("08", 0) == 0 || sqlState == "57P01" || sqlState == "57P02" ||
      sqlState == "57P03")
    return DbError::Kind::kConnection;
  if (sqlState.rfind("42", 0) == 0) return DbError::Kind::kSyntax;
  if (sqlState.rfind("22", 0) == 0) return DbError::Kind::kInvalidValue;
  return DbError::Kind::kOther;
}

// An error libpq reports itself (no result from the server): lost connection, bad input.
DbError clientError(PGconn* connection) {
  DbError error;
  error.message = oneLine(PQerrorMessage(connection));
  error.kind =
      PQstatus(connection) == CONNECTION_BAD ? DbError::Kind::kConnection : DbError::Kind::kOther;
  return error;
}

DbError resultError(const PGresult* result, PGconn* connection) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  DbError error;
  error.sqlState = state ? state : "";
  error.message = primary ? std::string(primary) : oneLine(PQresultErrorMessage(result));
  if (error.message.empty()) error.message = oneLine(PQerrorMessage(connection));
  if (!error.sqlState.empty())
    error.kind = classify(error.sqlState);
  else
    error.kind =
        PQstatus(connection) == CONNECTION_BAD ? DbError::Kind::kConnection : DbError::Kind::kOther;
  return error;
}

Value columnValue(Oid type, const char* text, int length) {
  std::string_view view(text, static_cast<size_t>(length));
  switch (type) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), v);
      if (ec == std::errc() && end == view.data() + view.size()) return Value(v);
      return Value(std::string(view));
    }
    case kFloat4:
    case kFloat8: {
      double v = 0;
      auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), v);
      if (ec == std::errc() && end == view.data() + view.size()) return Value(v);
      return Value(std::string(view));  // cannot happen for float8out's output
    }
    case kBool:
      return Value(view == "t");
    case kBytea: {
      size_t size = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
      if (!bytes) return Value(std::string(view));
      Value v(Blob{std::string(reinterpret_cast<const char*>(bytes), size)});
      PQfreemem(bytes);
      return v;
    }
    case kTimestamp:
    case kTimestampTz:
      // node-postgres makes Dates of these, which clients see as ISO strings in UTC.
      if (auto iso = postgres::isoTimestamp(view)) return Value(std::move(*iso));
      if (view == "infinity") return Value(std::string("Infinity"));  // Date(Infinity)
      if (view == "-infinity") return Value(std::string("-Infinity"));
      return Value(std::string(view));
    default:
      // numeric stays text: exact, and Platformatic shows it as a string too. So do dates,
      // times, uuid, json, enums, arrays ("{1,2}") and every other type.
      return Value(std::string(view));
  }
}

QueryResult convert(const PGresult* result, PGconn* connection) {
  switch (PQresultStatus(result)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_SINGLE_TUPLE:
    case PGRES_EMPTY_QUERY:
      break;
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
      return QueryResult::failure({DbError::Kind::kOther, "COPY is not supported", {}});
    default:
      return QueryResult::failure(resultError(result, connection));
  }
  ResultSet rows;
  int columns = PQnfields(result);
  int count = PQntuples(result);
  std::vector<Oid> types;
  for (int c = 0; c < columns; ++c) {
    rows.columns.emplace_back(PQfname(result, c));
    types.push_back(PQftype(result, c));
  }
  rows.rows.reserve(static_cast<size_t>(count));
  for (int r = 0; r < count; ++r) {
    std::vector<Value> row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c))
        row.emplace_back();
      else
        row.push_back(columnValue(types[static_cast<size_t>(c)], PQgetvalue(result, r, c),
                                  PQgetlength(result, r, c)));
    }
    rows.rows.push_back(std::move(row));
  }
  std::string_view status = PQcmdStatus(const_cast<PGresult*>(result));
  if (status.starts_with("INSERT") || status.starts_with("UPDATE") ||
      status.starts_with("DELETE") || status.starts_with("MERGE")) {
    const char* tuples = PQcmdTuples(const_cast<PGresult*>(result));
    std::from_chars(tuples, tuples + std::strlen(tuples), rows.affectedRows);
  }
  QueryResult out;
  out.rows = std::move(rows);
  return out;
}

// Parameters as libpq wants them: C strings (nullptr = NULL), all in text format. Text cannot
// hold a NUL byte in PostgreSQL (and libpq would cut it there): refused as the server would.
struct TextParams {
  explicit TextParams(const std::vector<Value>& params) {
    texts.reserve(params.size());
    for (const auto& p : params) {
      texts.push_back(postgres::toText(p));
      if (p.isText() && p.text().find('\0') != std::string::npos) hasNul = true;
    }
    for (const auto& t : texts) pointers.push_back(t ? t->c_str() : nullptr);
  }
  std::vector<std::optional<std::string>> texts;
  std::vector<const char*> pointers;
  bool hasNul = false;
};

DbError nulError() {
  return {DbError::Kind::kInvalidValue, "invalid byte sequence for encoding \"UTF8\": 0x00",
          "22021"};
}

// Connection keywords: the URI as dbname (expanded by libpq), then what watt needs.
struct ConnectParams {
  ConnectParams(const std::string& uri, std::chrono::milliseconds timeout)
      : timeoutSeconds(std::to_string(std::max<int64_t>(1, (timeout.count() + 999) / 1000))),
        keys{"dbname", "client_encoding", "fallback_application_name", "connect_timeout", nullptr},
        values{uri.c_str(), "UTF8", "watt", timeoutSeconds.c_str(), nullptr} {}
  std::string timeoutSeconds;
  const char* keys[5];
  const char* values[5];
};

// One wait for libpq's socket while connecting, with the deadline: a timer that cancels the
// wait. Shared with the timer's handler, which may run after the wait is over.
struct SocketWait {
  explicit SocketWait(const asio::any_io_executor& executor) : socket(executor), timer(executor) {}
  ~SocketWait() {
    if (socket.is_open()) socket.release();
  }
  asio::posix::stream_descriptor socket;
  asio::steady_timer timer;
  bool timedOut = false;
};

}  // namespace

// --- PostgresConnection ---------------------------------------------------------------------

// Notices would go to stderr by default; errors that matter reach the caller as results. One
// notice matters: the server's FATAL goodbye (shutdown, pg_terminate_backend) arrives as a
// notice on an idle connection, before the connection closes.
void PostgresConnection::onNotice(void* self, const PGresult* notice) {
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (severity && (std::strcmp(severity, "FATAL") == 0 || std::strcmp(severity, "PANIC") == 0))
    static_cast<PostgresConnection*>(self)->broken_ = true;
}

std::unique_ptr<PostgresConnection> PostgresConnection::connectSync(
    const std::string& uri, std::chrono::milliseconds timeout, std::string& error) {
  ConnectParams params(uri, timeout);
  PGconn* raw = PQconnectdbParams(params.keys, params.values, 1);
  if (!raw) {
    error = "cannot connect to PostgreSQL: out of memory";
    return nullptr;
  }
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(raw));
  PQsetNoticeReceiver(raw, onNotice, connection.get());
  if (PQstatus(raw) != CONNECTION_OK) {
    error = "cannot connect to PostgreSQL: " + oneLine(PQerrorMessage(raw));
    return nullptr;
  }
  return connection;
}

Task<PostgresConnection::Connected> PostgresConnection::connect(std::string uri,
                                                                std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  ConnectParams params(uri, timeout);
  PGconn* raw = PQconnectStartParams(params.keys, params.values, 1);
  if (!raw)
    co_return Connected(
        nullptr, {DbError::Kind::kConnection, "cannot connect to PostgreSQL: out of memory", {}});
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(raw));
  PQsetNoticeReceiver(raw, onNotice, connection.get());
  auto failure = [](std::string reason) {
    return Connected(nullptr,
                     {DbError::Kind::kConnection, "cannot connect to PostgreSQL: " + reason, {}});
  };
  if (PQstatus(raw) == CONNECTION_BAD) co_return failure(oneLine(PQerrorMessage(raw)));

  auto deadline = asio::steady_timer::clock_type::now() + timeout;
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) co_return failure(oneLine(PQerrorMessage(raw)));
    // The socket may change while libpq tries the hosts/addresses in turn: watch it anew.
    auto wait = std::make_shared<SocketWait>(executor);
    error_code ec;
    wait->socket.assign(PQsocket(raw), ec);
    if (ec) co_return failure(ec.message());
    wait->timer.expires_at(deadline);
    wait->timer.async_wait([wait](error_code timerError) {
      if (!timerError && wait->socket.is_open()) {
        wait->timedOut = true;
        wait->socket.cancel();
      }
    });
    auto direction = status == PGRES_POLLING_READING ? asio::posix::stream_descriptor::wait_read
                                                     : asio::posix::stream_descriptor::wait_write;
    auto [waitError] = co_await wait->socket.async_wait(direction, kNoThrow);
    wait->socket.release();
    wait->timer.cancel();
    if (wait->timedOut)
      co_return failure("timed out after " + std::to_string(timeout.count()) + " ms");
    if (waitError) co_return failure(waitError.message());
    status = PQconnectPoll(raw);
  }
  if (PQsetnonblocking(raw, 1) != 0) co_return failure(oneLine(PQerrorMessage(raw)));
  connection->socket_.emplace(executor);
  error_code ec;
  connection->socket_->assign(PQsocket(raw), ec);
  if (ec) co_return failure(ec.message());
  co_return Connected(std::move(connection), {});
}

PostgresConnection::~PostgresConnection() {
  if (socket_ && socket_->is_open()) socket_->release();  // libpq closes its own socket
  PQfinish(connection_);
}

bool PostgresConnection::usable(bool probe) {
  if (broken_ || PQstatus(connection_) != CONNECTION_OK) return false;
  // An idle connection has nothing to read. Something there is a notification, or the server's
  // goodbye (a FATAL message, then the end of the stream): read it and look again.
  for (int attempt = 0; probe && attempt < 2; ++attempt) {
    char byte;
    ssize_t peeked = ::recv(PQsocket(connection_), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked == 0) return false;  // closed by the server
    if (peeked < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      return false;
    }
    if (!PQconsumeInput(connection_)) return false;
    while (PGnotify* notification = PQnotifies(connection_)) PQfreemem(notification);
    if (PQstatus(connection_) != CONNECTION_OK || PQisBusy(connection_)) return false;
  }
  return !broken_ && PQtransactionStatus(connection_) == PQTRANS_IDLE;
}

bool PostgresConnection::inTransaction() const {
  auto status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool PostgresConnection::transactionFailed() const {
  return PQtransactionStatus(connection_) == PQTRANS_INERROR;
}

QueryResult PostgresConnection::querySync(const std::string& sql,
                                          const std::vector<Value>& params) {
  TextParams text(params);
  if (text.hasNul) return QueryResult::failure(nulError());
  PGresult* result = PQexecParams(connection_, sql.c_str(), static_cast<int>(params.size()),
                                  nullptr, text.pointers.data(), nullptr, nullptr, 0);
  if (!result) return QueryResult::failure(clientError(connection_));
  QueryResult out = convert(result, connection_);
  PQclear(result);
  return out;
}

QueryResult PostgresConnection::execScriptSync(const std::string& sql) {
  // The simple query protocol runs every statement of the text; PQexec returns the last result,
  // or the first error.
  PGresult* result = PQexec(connection_, sql.c_str());
  if (!result) return QueryResult::failure(clientError(connection_));
  QueryResult out = convert(result, connection_);
  PQclear(result);
  return out;
}

Task<QueryResult> PostgresConnection::query(std::string sql, std::vector<Value> params) {
  TextParams text(params);
  if (text.hasNul) co_return QueryResult::failure(nulError());
  if (!socket_) {
    // The control connection used from a loop: watch its socket from there.
    auto executor = co_await asio::this_coro::executor;
    PQsetnonblocking(connection_, 1);
    socket_.emplace(executor);
    error_code ec;
    socket_->assign(PQsocket(connection_), ec);
    if (ec) {
      socket_.reset();
      co_return QueryResult::failure({DbError::Kind::kConnection, ec.message(), {}});
    }
  }
  if (!PQsendQueryParams(connection_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                         text.pointers.data(), nullptr, nullptr, 0))
    co_return QueryResult::failure(clientError(connection_));

  // Send everything: a large query may not fit in the socket buffer at once.
  for (;;) {
    int flushed = PQflush(connection_);
    if (flushed == 0) break;
    if (flushed < 0) {
      broken_ = true;
      co_return QueryResult::failure(clientError(connection_));
    }
    auto [ec] = co_await socket_->async_wait(asio::posix::stream_descriptor::wait_write, kNoThrow);
    if (ec || !PQconsumeInput(connection_)) {
      broken_ = true;
      co_return QueryResult::failure(ec ? DbError{DbError::Kind::kConnection, ec.message(), {}}
                                        : clientError(connection_));
    }
  }

  // Read every result; keep the first error, else the last result.
  QueryResult out;
  bool first = true;
  for (;;) {
    while (PQisBusy(connection_)) {
      auto [ec] = co_await socket_->async_wait(asio::posix::stream_descriptor::wait_read, kNoThrow);
      if (ec || !PQconsumeInput(connection_)) {
        broken_ = true;
        co_return QueryResult::failure(ec ? DbError{DbError::Kind::kConnection, ec.message(), {}}
                                          : clientError(connection_));
      }
    }
    PGresult* result = PQgetResult(connection_);
    if (!result) break;
    QueryResult one = convert(result, connection_);
    PQclear(result);
    if (first || out.ok()) out = std::move(one);
    first = false;
  }
  if (first) co_return QueryResult::failure(clientError(connection_));
  co_return out;
}

// --- PostgresDatabase -----------------------------------------------------------------------

std::unique_ptr<Database> PostgresDatabase::open(const ConnectionInfo& info,
                                                 const DatabaseOptions& options,
                                                 std::string& error) {
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase());
  database->uri_ = info.postgresUri;
  database->options_ = options;
  database->control_ =
      PostgresConnection::connectSync(info.postgresUri, options.connectTimeout, error);
  if (!database->control_) return nullptr;
  QueryResult check = database->control_->querySync("SELECT 1", {});
  if (!check.ok()) {
    error = "PostgreSQL does not answer: " + check.error->message;
    return nullptr;
  }
  // poolSize spread over the loops, at least one connection each.
  unsigned loops = options.loops == 0 ? 1 : options.loops;
  for (unsigned i = 0; i < loops; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->capacity =
        std::max(1u, options.poolSize / loops + (i < options.poolSize % loops ? 1 : 0));
    database->slots_.push_back(std::move(slot));
  }
  return database;
}

PostgresDatabase::~PostgresDatabase() {
  close();
}

void PostgresDatabase::close() {
  closed_ = true;
  for (auto& slot : slots_) {
    slot->open -= static_cast<unsigned>(slot->idle.size());
    slot->idle.clear();
  }
  control_.reset();
}

unsigned PostgresDatabase::openConnections(unsigned loop) const {
  return loop < slots_.size() ? slots_[loop]->open : 0;
}

std::optional<Schema> PostgresDatabase::introspect(std::string& error,
                                                   const IntrospectOptions& options) {
  if (!control_) {
    error = "the database is closed";
    return std::nullopt;
  }
  return introspectPostgres(*control_, options, error);
}

Task<PostgresDatabase::Lease> PostgresDatabase::acquire(Slot& slot) {
  for (;;) {
    while (!slot.idle.empty()) {
      auto connection = std::move(slot.idle.back());
      slot.idle.pop_back();
      if (connection->usable(true)) co_return Lease(std::move(connection), {});
      --slot.open;  // closed by the server since its last use: drop it
    }
    if (slot.open < slot.capacity) {
      ++slot.open;
      auto connected = co_await PostgresConnection::connect(uri_, options_.connectTimeout);
      if (connected.connection) co_return Lease(std::move(connected.connection), {});
      --slot.open;
      // Let a waiter try in turn (it gets the same error if the server is gone).
      std::unique_ptr<PostgresConnection> none;
      slot.waiters.handOff(none);
      co_return Lease(nullptr, std::move(connected.error));
    }
    auto handed = co_await slot.waiters.wait();
    if (handed) co_return Lease(std::move(handed), {});
    // nullptr: a connection went away, so there is room to open one.
  }
}

void PostgresDatabase::release(Slot& slot, std::unique_ptr<PostgresConnection> connection) {
  if (closed_ || !connection->usable(false)) {
    connection.reset();
    --slot.open;
    std::unique_ptr<PostgresConnection> none;
    if (!closed_) slot.waiters.handOff(none);
    return;
  }
  if (!slot.waiters.handOff(connection)) slot.idle.push_back(std::move(connection));
}

Task<QueryResult> PostgresDatabase::query(unsigned loop, std::string sql,
                                          std::vector<Value> params) {
  if (closed_)
    co_return QueryResult::failure({DbError::Kind::kConnection, "the database is closed", {}});
  if (loop >= slots_.size())
    co_return QueryResult::failure({DbError::Kind::kOther,
                                    "no database connection for loop " + std::to_string(loop) +
                                        " (opened for " + std::to_string(slots_.size()) + " loops)",
                                    {}});
  Slot& slot = *slots_[loop];
  Lease lease = co_await acquire(slot);
  if (!lease.connection) co_return QueryResult::failure(std::move(lease.error));
  QueryResult result = co_await lease.connection->query(std::move(sql), std::move(params));
  release(slot, std::move(lease.connection));
  co_return result;
}

Task<QueryResult> PostgresDatabase::transaction(
    unsigned loop, std::function<Task<QueryResult>(Connection&)> body) {
  if (closed_)
    co_return QueryResult::failure({DbError::Kind::kConnection, "the database is closed", {}});
  if (loop >= slots_.size())
    co_return QueryResult::failure({DbError::Kind::kOther,
                                    "no database connection for loop " + std::to_string(loop) +
                                        " (opened for " + std::to_string(slots_.size()) + " loops)",
                                    {}});
  Slot& slot = *slots_[loop];
  Lease lease = co_await acquire(slot);
  if (!lease.connection) co_return QueryResult::failure(std::move(lease.error));
  std::exception_ptr failure;
  QueryResult result = co_await runTransaction(*lease.connection, std::move(body), failure);
  release(slot, std::move(lease.connection));
  if (failure) std::rethrow_exception(failure);
  co_return result;
}

Task<QueryResult> PostgresDatabase::runTransaction(
    PostgresConnection& connection, std::function<Task<QueryResult>(Connection&)> body,
    std::exception_ptr& failure) {
  QueryResult begin = co_await connection.query("BEGIN", {});
  if (!begin.ok()) co_return begin;

  QueryResult result;
  try {
    result = co_await body(connection);
  } catch (...) {
    failure = std::current_exception();
  }
  bool rollback = failure || !result.ok();
  if (!rollback && connection.transactionFailed()) {
    // The body went on after a failed statement: COMMIT would silently roll back.
    result = QueryResult::failure({DbError::Kind::kOther,
                                   "the transaction was rolled back: a statement in it failed",
                                   "25P02"});
    rollback = true;
  }
  if (!rollback) {
    QueryResult commit = co_await connection.query("COMMIT", {});
    if (commit.ok()) co_return result;
    result = std::move(commit);
  }
  if (connection.inTransaction()) {
    // A failed ROLLBACK leaves the connection unusable: release() then drops it.
    QueryResult undone = co_await connection.query("ROLLBACK", {});
    (void)undone;
  }
  co_return result;
}

}  // namespace watt::db
