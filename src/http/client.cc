#include "http/client.h"

#include "http/parser.h"

namespace watt::http {

namespace bhttp = beast::http;

using UnixStream =
    beast::basic_stream<asio::local::stream_protocol, asio::any_io_executor, beast::unlimited_rate_policy>;
using TcpStream = beast::basic_stream<asio::ip::tcp, asio::any_io_executor, beast::unlimited_rate_policy>;

struct UpstreamPool::Connection {
  std::variant<UnixStream, TcpStream> stream;
  beast::flat_buffer buffer;

  bool isOpen() const {
    return std::visit([](const auto& s) { return s.socket().is_open(); }, stream);
  }
};

std::string describe(const Endpoint& endpoint) {
  if (auto* u = std::get_if<UnixEndpoint>(&endpoint)) return "unix:" + u->path;
  const auto& t = std::get<TcpEndpoint>(endpoint);
  return t.host + ":" + t.port;
}

UpstreamPool::UpstreamPool(asio::any_io_executor executor, Endpoint endpoint, PoolOptions options)
    : executor_(std::move(executor)),
      endpoint_(std::move(endpoint)),
      options_(options),
      self_(std::make_shared<UpstreamPool*>(this)) {}

UpstreamPool::~UpstreamPool() { *self_ = nullptr; }

size_t UpstreamPool::idleCount() const { return idle_.size(); }

void UpstreamPool::closeIdle() { idle_.clear(); }

Task<std::unique_ptr<UpstreamPool::Connection>> UpstreamPool::connect(UpstreamError& error) {
  if (auto* u = std::get_if<UnixEndpoint>(&endpoint_)) {
    UnixStream stream(executor_);
    stream.expires_after(options_.timeout);
    auto [ec] = co_await stream.async_connect(asio::local::stream_protocol::endpoint(u->path), kNoThrow);
    if (ec) {
      error = {UpstreamError::Kind::kConnect, "cannot connect to " + describe(endpoint_) + ": " + ec.message()};
      co_return nullptr;
    }
    co_return std::unique_ptr<Connection>(new Connection{std::move(stream), {}});
  }
  const auto& t = std::get<TcpEndpoint>(endpoint_);
  asio::ip::tcp::resolver resolver(executor_);
  auto [rec, results] = co_await resolver.async_resolve(t.host, t.port, kNoThrow);
  if (rec) {
    error = {UpstreamError::Kind::kConnect, "cannot resolve " + t.host + ": " + rec.message()};
    co_return nullptr;
  }
  TcpStream stream(executor_);
  stream.expires_after(options_.timeout);
  auto [ec, ep] = co_await stream.async_connect(results, kNoThrow);
  if (ec) {
    error = {UpstreamError::Kind::kConnect, "cannot connect to " + describe(endpoint_) + ": " + ec.message()};
    co_return nullptr;
  }
  error_code ignored;
  stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  co_return std::unique_ptr<Connection>(new Connection{std::move(stream), {}});
}

namespace {

UpstreamError::Kind classify(error_code ec) {
  if (ec == beast::error::timeout) return UpstreamError::Kind::kTimeout;
  if (ec == bhttp::error::body_limit) return UpstreamError::Kind::kTooLarge;
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    return UpstreamError::Kind::kReset;
  return UpstreamError::Kind::kProtocol;
}

bool shouldBuffer(const Request& request, const ResponseParser& parser, uint64_t limit) {
  if (request.method == "HEAD" || parser.is_done()) return true;
  auto length = parser.content_length();
  return length && *length <= limit;
}

}  // namespace

// The rest of a response body read from the upstream connection on demand. Owns the
// connection until the body is complete, then returns it to its pool (when reusable).
class UpstreamBody : public BodyStream {
 public:
  UpstreamBody(std::unique_ptr<ResponseParser> parser, std::optional<uint64_t> length,
               std::chrono::milliseconds timeout)
      : parser_(std::move(parser)), length_(length), timeout_(timeout) {}
  ~UpstreamBody() override {
    if (connection_ && !done_) closeConnection();
  }

  void attach(std::unique_ptr<UpstreamPool::Connection> connection, std::weak_ptr<UpstreamPool*> pool) {
    connection_ = std::move(connection);
    pool_ = std::move(pool);
  }

  std::optional<uint64_t> length() const override { return length_; }

  Task<std::optional<std::string>> next(error_code& ec) override {
    for (;;) {
      std::string& pending = parser_->message().body;
      if (!pending.empty()) {
        std::string chunk = std::move(pending);
        pending.clear();
        if (parser_->is_done()) finish();
        co_return chunk;
      }
      if (done_ || parser_->is_done()) {
        finish();
        co_return std::nullopt;
      }
      error_code rec;
      if (auto* local = std::get_if<UnixStream>(&connection_->stream)) {
        rec = co_await readSome(*local);
      } else {
        rec = co_await readSome(std::get<TcpStream>(connection_->stream));
      }
      if (rec) {
        ec = rec;
        closeConnection();
        done_ = true;
        co_return std::nullopt;
      }
    }
  }

 private:
  template <typename Stream>
  Task<error_code> readSome(Stream& stream) {
    stream.expires_after(timeout_);
    auto [rec, n] = co_await bhttp::async_read_some(stream, connection_->buffer, *parser_, kNoThrow);
    stream.expires_never();
    co_return rec;
  }

  void finish() {
    if (done_ && !connection_) return;
    done_ = true;
    if (!connection_) return;
    auto pool = pool_.lock();
    if (pool && *pool && parser_->keep_alive() && connection_->isOpen()) {
      (*pool)->giveBack(std::move(connection_));
    } else {
      closeConnection();
    }
  }

  void closeConnection() {
    if (!connection_) return;
    std::visit([](auto& s) {
      error_code ec;
      s.socket().close(ec);
    }, connection_->stream);
    connection_.reset();
  }

  std::unique_ptr<ResponseParser> parser_;
  std::optional<uint64_t> length_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<UpstreamPool::Connection> connection_;
  std::weak_ptr<UpstreamPool*> pool_;
  bool done_ = false;
};

namespace {

template <typename Stream>
Task<UpstreamResult> exchangeOn(Stream& stream, beast::flat_buffer& buffer, const Request& request,
                                const PoolOptions& options, bool& receivedAnything) {
  std::string head = serializeRequestHead(request);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(request.body)};
  stream.expires_after(options.timeout);
  auto [wec, wn] = co_await asio::async_write(stream, buffers, kNoThrow);
  if (wec) co_return UpstreamResult{std::nullopt, UpstreamError{classify(wec), wec.message()}};

  // Interim answers (100 Continue, 103 Early Hints) precede the final response: skip them.
  for (;;) {
    auto parser = std::make_unique<ResponseParser>();
    parser->header_limit(64 * 1024);
    parser->body_limit(boost::none);
    parser->eager(true);
    if (request.method == "HEAD") parser->skip(true);
    size_t before = buffer.size();
    stream.expires_after(options.timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, *parser, kNoThrow);
    receivedAnything = receivedAnything || hn > 0 || buffer.size() != before || parser->got_some();
    if (hec) {
      stream.expires_never();
      co_return UpstreamResult{std::nullopt, UpstreamError{classify(hec), hec.message()}};
    }
    int status = parser->message().status;
    if (status >= 100 && status < 200 && status != 101) continue;

    if (!shouldBuffer(request, *parser, options.bufferedBodyLimit)) {
      stream.expires_never();
      std::optional<uint64_t> length;
      if (auto cl = parser->content_length()) length = *cl;
      Response response;
      response.status = status;
      response.headers = std::move(parser->message().headers);
      response.body = std::move(parser->message().body);
      parser->message().body.clear();
      response.stream = std::make_shared<UpstreamBody>(std::move(parser), length, options.timeout);
      co_return UpstreamResult{std::move(response), std::nullopt};
    }
    if (!parser->is_done()) {
      stream.expires_after(options.timeout);
      auto [bec, bn] = co_await bhttp::async_read(stream, buffer, *parser, kNoThrow);
      if (bec) {
        stream.expires_never();
        co_return UpstreamResult{std::nullopt, UpstreamError{classify(bec), bec.message()}};
      }
    }
    stream.expires_never();
    if (!parser->keep_alive()) {
      error_code ec;
      stream.socket().close(ec);
    }
    co_return UpstreamResult{parser->release(), std::nullopt};
  }
}

}  // namespace

Task<UpstreamResult> UpstreamPool::exchange(Connection& connection, const Request& request,
                                            bool& receivedAnything) {
  if (auto* local = std::get_if<UnixStream>(&connection.stream))
    co_return co_await exchangeOn(*local, connection.buffer, request, options_, receivedAnything);
  co_return co_await exchangeOn(std::get<TcpStream>(connection.stream), connection.buffer, request,
                                options_, receivedAnything);
}

void UpstreamPool::giveBack(std::unique_ptr<Connection> connection) {
  if (connection->isOpen() && idle_.size() < options_.maxIdle) idle_.push_back(std::move(connection));
}

Task<UpstreamResult> UpstreamPool::send(const Request& request) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> connection;
    bool reused = false;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
    } else {
      UpstreamError error;
      connection = co_await connect(error);
      if (!connection) co_return UpstreamResult{std::nullopt, error};
    }
    bool receivedAnything = false;
    UpstreamResult result = co_await exchange(*connection, request, receivedAnything);
    if (result.response) {
      if (auto* body = dynamic_cast<UpstreamBody*>(result.response->stream.get())) {
        body->attach(std::move(connection), self_);  // back to the pool when the body is read
      } else {
        giveBack(std::move(connection));
      }
      co_return result;
    }
    // A stale keep-alive connection: the upstream closed it before reading our request.
    if (reused && !receivedAnything && result.error->kind == UpstreamError::Kind::kReset) continue;
    co_return result;
  }
  co_return UpstreamResult{std::nullopt, UpstreamError{UpstreamError::Kind::kReset, "connection reset"}};
}

}  // namespace watt::http
