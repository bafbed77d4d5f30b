#include "http/server.h"

#include <algorithm>
#include <vector>

#include "common/ascii.h"
#include "http/parser.h"
#include "observe/logger.h"

namespace watt::http {
namespace {

namespace bhttp = beast::http;

std::string remoteAddressOf(const asio::ip::tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return {};
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6()).to_string();
  return addr.to_string();
}

std::string remoteAddressOf(const asio::local::stream_protocol::socket&) { return {}; }

void tune(asio::ip::tcp::socket& socket) {
  error_code ec;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
}
void tune(asio::local::stream_protocol::socket&) {}

bool expectsContinue(const Request& req) {
  auto v = req.headers.get("expect");
  return ascii::iequals(ascii::trim(v), "100-continue");
}

template <typename Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
  using Socket = typename Protocol::socket;

  Session(Server& server, unsigned slot, Socket socket)
      : server_(server),
        slot_(slot),
        remote_(remoteAddressOf(socket)),
        socket_(std::move(socket)) {}

  Task<void> run() {
    auto self = this->shared_from_this();
    Server::Slot& slot = server_.slot(slot_);
    handle_.closeIfIdle = [this] {
      if (idle_) {
        error_code ec;
        socket_.close(ec);
      }
    };
    handle_.expire = [this] {
      timedOut_ = true;
      error_code ec;
      socket_.cancel(ec);
    };
    auto it = slot.sessions.insert(slot.sessions.end(), &handle_);
    server_.connectionCounter().fetch_add(1, std::memory_order_relaxed);
    co_await serve();
    disarm();
    slot.sessions.erase(it);
    server_.connectionCounter().fetch_sub(1, std::memory_order_relaxed);
    error_code ec;
    socket_.shutdown(Socket::shutdown_send, ec);
    socket_.close(ec);
  }

 private:
  // A deadline cancels the pending operation (it does not close the socket), so that the
  // session can still answer 408. Arming only records a time point: the loop's sweeper expires it.
  void arm(Millis timeout) {
    timedOut_ = false;
    handle_.deadline = std::chrono::steady_clock::now() + timeout;
  }
  void disarm() { handle_.deadline = std::chrono::steady_clock::time_point::max(); }

  Task<void> serve() {
    const ServerLimits& limits = server_.limits();
    for (;;) {
      // Wait for the first byte of the next request: the keep-alive idle period.
      if (buffer_.size() == 0) {
        if (server_.draining()) co_return;
        idle_ = true;
        arm(limits.keepAliveTimeout);
        auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(4096), kNoThrow);
        disarm();
        idle_ = false;
        if (ec) co_return;  // idle timeout, peer closed, or closed for shutdown
        buffer_.commit(n);
      }

      RequestParser parser;
      parser.header_limit(limits.maxHeaderSize);
      parser.body_limit(limits.bodyLimit);
      parser.eager(true);

      // Usually the whole head is already in the buffer: parse it in place, without an
      // asynchronous operation; read more only when the parser needs it.
      error_code hec = parseBuffered(parser);
      if (hec == bhttp::error::need_more) {
        arm(limits.headersTimeout);
        hec = co_await readHeader(parser);
        disarm();
      }
      if (hec) {
        co_await fail(hec, /*inHeaders=*/true);
        co_return;
      }
      if (!parser.is_done()) {
        if (expectsContinue(parser.message())) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          arm(limits.requestTimeout);
          auto [wec, wn] = co_await asio::async_write(socket_, asio::buffer(kContinue), kNoThrow);
          disarm();
          if (wec) co_return;
        }
        arm(limits.requestTimeout);
        auto [bec, bn] = co_await bhttp::async_read(socket_, buffer_, parser, kNoThrow);
        disarm();
        if (bec) {
          co_await fail(bec, /*inHeaders=*/false);
          co_return;
        }
      }

      bool keepAlive = parser.keep_alive();
      Request request = parser.release();
      int version = request.version;
      request.remoteAddress = remote_;
      bool headRequest = request.method == "HEAD";

      server_.inFlightCounter().fetch_add(1, std::memory_order_relaxed);
      Response response;
      try {
        response = co_await server_.handler()(std::move(request));
      } catch (const std::exception& e) {
        observe::log().error(std::string("unhandled error while serving a request: ") + e.what());
        response = Response::error(500, "Internal Server Error");
      }
      if (server_.draining()) keepAlive = false;
      if (response.status == 101 && response.stream) {
        co_await writeSwitched(response);
        server_.inFlightCounter().fetch_sub(1, std::memory_order_relaxed);
        co_return;
      }
      bool ok = false;
      if (response.stream && !headRequest && !statusHasNoBody(response.status)) {
        ok = co_await writeStreamed(response, keepAlive, version);
        if (!response.stream->length() && version < 11) keepAlive = false;
      } else {
        ok = co_await write(response, keepAlive, headRequest);
      }
      server_.inFlightCounter().fetch_sub(1, std::memory_order_relaxed);
      if (!ok || !keepAlive) co_return;
    }
  }

  // Feeds the buffered bytes to the parser. need_more: the head is not complete yet.
  error_code parseBuffered(RequestParser& parser) {
    error_code ec;
    if (buffer_.size() == 0) return bhttp::error::need_more;
    size_t used = parser.put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec) return ec;
    // Without an error the head is complete (put() stops there, or further with eager()).
    return parser.is_header_done() ? error_code() : error_code(bhttp::error::need_more);
  }

  // Reads until the parser has the whole head, as beast::http::async_read_header does: the
  // parser's header limit bounds the buffer; end of stream before any byte is end_of_stream,
  // in the middle of a head partial_message.
  Task<error_code> readHeader(RequestParser& parser) {
    for (;;) {
      auto [ec, n] = co_await socket_.async_read_some(buffer_.prepare(kReadSize), kNoThrow);
      if (ec == asio::error::eof) {
        if (!parser.got_some() && buffer_.size() == 0) co_return bhttp::error::end_of_stream;
        error_code eofError;
        parser.put_eof(eofError);
        co_return eofError ? eofError : error_code(bhttp::error::partial_message);
      }
      if (ec) co_return ec;
      buffer_.commit(n);
      error_code parsed = parseBuffered(parser);
      if (parsed != bhttp::error::need_more) co_return parsed;
    }
  }

  static constexpr size_t kReadSize = 16 * 1024;

  Task<bool> write(const Response& response, bool keepAlive, bool headRequest) {
    std::string head = serializeResponseHead(response, keepAlive, headRequest, server_.keepAliveHeader());
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::const_buffer()};
    if (!headRequest && !statusHasNoBody(response.status)) buffers[1] = asio::buffer(response.body);
    arm(server_.limits().requestTimeout);
    auto [ec, n] = co_await asio::async_write(socket_, buffers, kNoThrow);
    disarm();
    co_return !ec;
  }

  // Relays a body while it arrives: with the upstream's length when it announced one, chunked
  // for HTTP/1.1 clients otherwise (HTTP/1.0: until the connection closes).
  Task<bool> writeStreamed(Response& response, bool keepAlive, int version) {
    bool chunked = !response.stream->length() && version >= 11;
    if (!response.stream->length() && !chunked) keepAlive = false;
    std::string head = serializeResponseHead(response, keepAlive, false, server_.keepAliveHeader(), chunked);
    bool ok = co_await writeChunk(head, response.body, chunked);
    if (!ok) co_return false;
    for (;;) {
      error_code ec;
      auto chunk = co_await response.stream->next(ec);
      if (ec) co_return false;  // the upstream broke off: close, so the client sees it too
      if (!chunk) break;
      ok = co_await writeChunk({}, *chunk, chunked);
      if (!ok) co_return false;
    }
    if (chunked) {
      static constexpr std::string_view kLast = "0\r\n\r\n";
      ok = co_await writeChunk(kLast, {}, false);
      if (!ok) co_return false;
    }
    co_return true;
  }

  // A handler that switches protocols (a WebSocket) answers 101 with its headers as given and
  // a stream that produces the new protocol's bytes; they are written as they come, unframed,
  // and the connection closes when the stream ends.
  Task<void> writeSwitched(Response& response) {
    std::string head = "HTTP/1.1 101 Switching Protocols\r\n";
    for (const auto& h : response.headers) head += h.name + ": " + h.value + "\r\n";
    head += "\r\n";
    bool ok = co_await writeChunk(head, response.body, false);
    while (ok) {
      error_code ec;
      auto chunk = co_await response.stream->next(ec);
      if (ec || !chunk) break;
      ok = co_await writeChunk({}, *chunk, false);
    }
  }

  // Writes `prefix` then `data`, the latter framed as one chunk when `chunked` (and non-empty).
  Task<bool> writeChunk(std::string_view prefix, std::string_view data, bool chunked) {
    char size[24];
    std::string_view frame, trailer;
    if (chunked && !data.empty()) {
      int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
      frame = std::string_view(size, static_cast<size_t>(n));
      trailer = "\r\n";
    }
    std::array<asio::const_buffer, 4> buffers{asio::buffer(prefix), asio::buffer(frame), asio::buffer(data),
                                              asio::buffer(trailer)};
    arm(server_.limits().requestTimeout);
    auto [ec, n] = co_await asio::async_write(socket_, buffers, kNoThrow);
    disarm();
    co_return !ec;
  }

  // Answers a request that could not be read, then the connection closes.
  Task<void> fail(error_code ec, bool inHeaders) {
    Response response;
    if (timedOut_) {
      response = Response::error(408, inHeaders ? "Request headers were not received in time"
                                                : "Request body was not received in time");
    } else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
               ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
               ec == asio::error::bad_descriptor) {
      co_return;  // the client went away (or we closed it); there is no one to answer
    } else if (ec == bhttp::error::header_limit) {
      response = Response::error(431, "Request header fields are larger than " +
                                          std::to_string(server_.limits().maxHeaderSize) + " bytes");
    } else if (ec == bhttp::error::body_limit) {
      response = Response::error(413, "Request body is too large", "FST_ERR_CTP_BODY_TOO_LARGE");
    } else {
      response = Response::error(400, "Malformed HTTP request: " + ec.message());
    }
    co_await write(response, false, false);
  }

  Server& server_;
  unsigned slot_;
  std::string remote_;
  Socket socket_;
  bool timedOut_ = false;
  beast::flat_buffer buffer_;
  bool idle_ = false;
  Server::SessionHandle handle_;
};

template <typename Acceptor>
Task<void> acceptLoop(Server& server, Acceptor& acceptor, unsigned slot) {
  using Protocol = typename Acceptor::protocol_type;
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
      if (!acceptor.is_open()) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    tune(socket);
    auto session = std::make_shared<Session<Protocol>>(server, slot, std::move(socket));
    asio::co_spawn(acceptor.get_executor(), session->run(), asio::detached);
  }
}

}  // namespace

Server::Server(ServerLimits limits, Handler handler, unsigned slots)
    : limits_(limits), handler_(std::move(handler)), slots_(slots) {
  keepAliveHeader_ = "timeout=" + std::to_string(limits_.keepAliveTimeout.count() / 1000);
  Millis shortest = std::min({limits_.keepAliveTimeout, limits_.headersTimeout, limits_.requestTimeout});
  sweepInterval_ = std::clamp(shortest / 8, Millis(10), Millis(1000));
}

Server::~Server() = default;

void Server::startSweeper(unsigned index) {
  Slot& slot = slots_[index];
  if (slot.sweeper) return;
  slot.sweeper.emplace(*slot.executor);
  sweep(slot);
}

void Server::sweep(Slot& slot) {
  slot.sweeper->expires_after(sweepInterval_);
  slot.sweeper->async_wait([this, &slot](error_code ec) {
    if (ec) return;
    // A drained server with no connection left needs no sweeper: stop, so that nothing of this
    // server is pending on the loop once its owner lets it go.
    if (draining() && slot.sessions.empty()) return;
    auto now = std::chrono::steady_clock::now();
    std::vector<SessionHandle*> expired;
    for (auto* handle : slot.sessions)
      if (handle->deadline <= now) expired.push_back(handle);
    for (auto* handle : expired) {
      handle->deadline = std::chrono::steady_clock::time_point::max();
      handle->expire();  // cancels the session's socket; the session reacts on a later turn
    }
    sweep(slot);
  });
}

void Server::acceptOn(asio::ip::tcp::acceptor& acceptor, unsigned slot) {
  slots_[slot].executor = acceptor.get_executor();
  startSweeper(slot);
  asio::co_spawn(acceptor.get_executor(), acceptLoop(*this, acceptor, slot), asio::detached);
}

void Server::acceptOn(asio::local::stream_protocol::acceptor& acceptor, unsigned slot) {
  slots_[slot].executor = acceptor.get_executor();
  startSweeper(slot);
  asio::co_spawn(acceptor.get_executor(), acceptLoop(*this, acceptor, slot), asio::detached);
}

void Server::drain() {
  draining_.store(true, std::memory_order_relaxed);
  for (auto& slot : slots_) {
    if (!slot.executor) continue;
    asio::post(*slot.executor, [&slot] {
      for (auto* handle : slot.sessions) handle->closeIfIdle();
    });
  }
}

}  // namespace watt::http
