// The operator side of the management API: finds the runtimes of this user the way Watt's
// RuntimeApiClient does (every numeric folder of $TMPDIR/platformatic/runtimes whose socket
// answers GET /api/v1/metadata; folders of runtimes that are gone are removed) and sends
// blocking requests to one of them over its Unix socket.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "http/message.h"

namespace watt::cli {

struct RuntimeInfo {
  long pid = 0;
  std::string socket;
  json::object metadata;     // GET /api/v1/metadata
  std::string name() const;  // packageName, or "" when it has none
};

struct ClientResponse {
  int status = 0;
  http::Headers headers;
  std::string body;
  std::string error;  // set when there was no answer (connection refused, timeout, ...)
};

class RuntimeClient {
 public:
  // Every runtime that answers. Stale folders (socket gone or refusing) are removed.
  static std::vector<RuntimeInfo> list();

  static ClientResponse request(const std::string& socket, http::Request request,
                                std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // GET /api/v1/logs/live: calls `onLine` for each log record (a JSON line) until the runtime
  // closes the stream (true) or the connection fails (false, `error` says why).
  static bool followLogs(const std::string& socket,
                         const std::function<void(std::string_view)>& onLine, std::string& error);
};

}  // namespace watt::cli
