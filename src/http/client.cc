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
    : executor_(std::move(executor)), endpoint_(std::move(endpoint)), options_(options) {}

UpstreamPool::~UpstreamPool() = default;

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
    ResponseParser parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(options.maxResponseBody);
    parser.eager(true);
    if (request.method == "HEAD") parser.skip(true);
    size_t before = buffer.size();
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
    receivedAnything = receivedAnything || rn > 0 || buffer.size() != before || parser.got_some();
    if (rec) {
      stream.expires_never();
      co_return UpstreamResult{std::nullopt, UpstreamError{classify(rec), rec.message()}};
    }
    Response response = parser.release();
    if (response.status >= 100 && response.status < 200 && response.status != 101) continue;
    stream.expires_never();
    if (!parser.keep_alive()) {
      error_code ec;
      stream.socket().close(ec);
    }
    co_return UpstreamResult{std::move(response), std::nullopt};
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
      if (connection->isOpen() && idle_.size() < options_.maxIdle) idle_.push_back(std::move(connection));
      co_return result;
    }
    // A stale keep-alive connection: the upstream closed it before reading our request.
    if (reused && !receivedAnything && result.error->kind == UpstreamError::Kind::kReset) continue;
    co_return result;
  }
  co_return UpstreamResult{std::nullopt, UpstreamError{UpstreamError::Kind::kReset, "connection reset"}};
}

}  // namespace watt::http
