// HTTP/1.1 server side: keep-alive, pipelining (requests are answered in order), chunked request
// bodies, `Expect: 100-continue`, and explicit limits, each answered the way Node/Fastify users
// expect: 431 for oversized headers, 413 for oversized bodies, 408 for a client that does not
// finish its request in time, 400 for malformed input (then the connection closes and the
// server goes on). Connections live on the loop that accepted them; nothing is shared across
// loops but an atomic in-flight counter.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>

#include "common/asio.h"
#include "http/message.h"

namespace watt::http {

using Millis = std::chrono::milliseconds;

struct ServerLimits {
  uint64_t bodyLimit = 1024 * 1024;
  uint32_t maxHeaderSize = 16 * 1024;
  Millis keepAliveTimeout{72'000};  // idle time allowed between requests
  Millis headersTimeout{60'000};    // from the first byte of a request to the end of its headers
  Millis requestTimeout{300'000};   // from the end of the headers to the end of the body
};

using Handler = std::function<Task<Response>(Request)>;

class Server {
 public:
  // `slots`: one per loop that will accept connections (see acceptOn).
  Server(ServerLimits limits, Handler handler, unsigned slots);
  ~Server();

  // Accepts connections on a listening acceptor until it is closed. Must be called on the
  // acceptor's loop; `slot` identifies that loop (0..slots-1).
  void acceptOn(asio::ip::tcp::acceptor& acceptor, unsigned slot);
  void acceptOn(asio::local::stream_protocol::acceptor& acceptor, unsigned slot);

  // Graceful shutdown: from now on every response says `connection: close`, and idle
  // keep-alive connections are closed. Thread-safe.
  void drain();
  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  int64_t inFlight() const { return inFlight_.load(std::memory_order_relaxed); }
  int64_t openConnections() const { return connections_.load(std::memory_order_relaxed); }

  // Implementation detail shared with the session template in server.cc.
  // A session's deadline is a time point it sets and clears as it goes from phase to phase (no
  // timer operation per request); one sweeper timer per loop expires the sessions whose
  // deadline has passed, at a granularity of an eighth of the shortest limit (10 ms..1 s).
  struct SessionHandle {
    std::function<void()> closeIfIdle;
    std::function<void()> expire;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  };
  struct Slot {
    std::optional<asio::any_io_executor> executor;
    std::list<SessionHandle*> sessions;  // touched only on the slot's loop
    std::optional<asio::steady_timer> sweeper;
  };

  const ServerLimits& limits() const { return limits_; }
  const Handler& handler() const { return handler_; }
  Slot& slot(unsigned i) { return slots_[i]; }
  std::atomic<int64_t>& inFlightCounter() { return inFlight_; }
  std::atomic<int64_t>& connectionCounter() { return connections_; }
  const std::string& keepAliveHeader() const { return keepAliveHeader_; }

 private:
  void startSweeper(unsigned slot);
  void sweep(Slot& slot);

  ServerLimits limits_;
  Handler handler_;
  std::vector<Slot> slots_;
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> inFlight_{0};
  std::atomic<int64_t> connections_{0};
  std::string keepAliveHeader_;
  Millis sweepInterval_{1000};
};

}  // namespace watt::http
