#include "cli/runtime_client.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include "common/base64.h"
#include "http/client.h"
#include "runtime/management_api.h"

namespace fs = std::filesystem;

namespace watt::cli {
namespace {

bool isDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string RuntimeInfo::name() const {
  if (auto* n = metadata.if_contains("packageName"); n && n->is_string())
    return std::string(n->get_string());
  return {};
}

ClientResponse RuntimeClient::request(const std::string& socket, http::Request request,
                                      std::chrono::milliseconds timeout) {
  asio::io_context io;
  http::PoolOptions options;
  options.timeout = timeout;
  options.bufferedBodyLimit = 64 * 1024 * 1024;
  http::UpstreamPool pool(io.get_executor(), http::UnixEndpoint{socket}, options);
  if (!request.headers.has("host")) request.headers.add("host", "localhost");
  ClientResponse out;
  // A named coroutine function object: it must outlive io.run(), its frame refers to it.
  auto exchange = [&]() -> Task<void> {
    auto result = co_await pool.send(request);
    if (!result.response) {
      out.error = result.error ? result.error->message : "no answer";
      co_return;
    }
    out.status = result.response->status;
    out.headers = result.response->headers;
    out.body = co_await http::readWholeBody(*result.response);
  };
  asio::co_spawn(io, exchange(), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      out.error = ex.what();
    }
  });
  io.run();
  return out;
}

std::vector<RuntimeInfo> RuntimeClient::list() {
  std::vector<RuntimeInfo> runtimes;
  fs::path dir = runtime::managementRuntimesDir();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!isDigits(name) || !entry.is_directory(ec)) continue;
    RuntimeInfo info;
    info.pid = std::stol(name);
    info.socket = (entry.path() / "socket").string();
    http::Request req;
    req.target = "/api/v1/metadata";
    auto res = request(info.socket, req, std::chrono::seconds(10));
    if (res.status == 200) {
      error_code jec;
      json::value meta = json::parse(res.body, jec);
      if (!jec && meta.is_object()) {
        info.metadata = std::move(meta.as_object());
        runtimes.push_back(std::move(info));
        continue;
      }
    }
    // Like Watt: the folder of a runtime that is gone (no socket, or nobody listening) goes.
    if (!res.error.empty() &&
        (!fs::exists(info.socket, ec) || res.error.find("refused") != std::string::npos)) {
      fs::remove_all(entry.path(), ec);
    }
  }
  std::sort(runtimes.begin(), runtimes.end(),
            [](const auto& a, const auto& b) { return a.pid < b.pid; });
  return runtimes;
}

bool RuntimeClient::followLogs(const std::string& socket,
                               const std::function<void(std::string_view)>& onLine,
                               std::string& error) {
  asio::io_context io;
  asio::local::stream_protocol::socket s(io);
  error_code ec;
  s.connect(asio::local::stream_protocol::endpoint(socket), ec);
  if (ec) {
    error = "cannot connect to " + socket + ": " + ec.message();
    return false;
  }
  std::string nonce(16, '\0');
  std::random_device rd;
  for (auto& c : nonce) c = static_cast<char>(rd() & 0xff);
  std::string key = base64::encode(nonce);
  std::string handshake =
      "GET /api/v1/logs/live HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: " +
      key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  asio::write(s, asio::buffer(handshake), ec);
  if (ec) {
    error = ec.message();
    return false;
  }
  std::string buffer;
  size_t n = asio::read_until(s, asio::dynamic_buffer(buffer), "\r\n\r\n", ec);
  if (ec) {
    error = "the runtime closed the connection: " + ec.message();
    return false;
  }
  std::string head = buffer.substr(0, n);
  buffer.erase(0, n);
  if (!head.starts_with("HTTP/1.1 101")) {
    error = "the runtime refused the log stream: " + head.substr(0, head.find('\r'));
    return false;
  }
  if (head.find(runtime::ManagementApi::websocketAccept(key)) == std::string::npos) {
    error = "the runtime answered with a wrong Sec-WebSocket-Accept";
    return false;
  }
  auto need = [&](size_t bytes) {
    while (buffer.size() < bytes) {
      char chunk[16384];
      size_t got = s.read_some(asio::buffer(chunk), ec);
      if (ec) return false;
      buffer.append(chunk, got);
    }
    return true;
  };
  std::string message;  // a text message may come in fragments
  for (;;) {
    if (!need(2)) break;
    uint8_t b0 = static_cast<uint8_t>(buffer[0]), b1 = static_cast<uint8_t>(buffer[1]);
    uint64_t length = b1 & 0x7f;
    size_t header = 2;
    if (length == 126) header = 4;
    if (length == 127) header = 10;
    if (b1 & 0x80) header += 4;  // a server never masks, but be lenient
    if (!need(header)) break;
    if (length >= 126) {
      length = 0;
      for (size_t i = 2; i < (header - ((b1 & 0x80) ? 4 : 0)); ++i)
        length = (length << 8) | static_cast<uint8_t>(buffer[i]);
    }
    if (length > (uint64_t{1} << 31) || !need(header + length)) break;
    std::string payload = buffer.substr(header, length);
    if (b1 & 0x80) {
      for (size_t i = 0; i < payload.size(); ++i) payload[i] ^= buffer[header - 4 + (i % 4)];
    }
    buffer.erase(0, header + length);
    uint8_t opcode = b0 & 0x0f;
    if (opcode == 0x8) return true;  // the runtime is closing
    if (opcode == 0x1 || opcode == 0x0) {
      message += payload;
      if (b0 & 0x80) {
        size_t start = 0;
        while (start < message.size()) {
          size_t end = message.find('\n', start);
          if (end == std::string::npos) end = message.size();
          if (end > start) onLine(std::string_view(message).substr(start, end - start));
          start = end + 1;
        }
        message.clear();
      }
    }
  }
  if (ec == asio::error::eof) return true;
  error = "the log stream broke off: " + ec.message();
  return false;
}

}  // namespace watt::cli
