// Process-wide structured logger writing pino-compatible JSON lines to stdout
// ({"level":30,"time":...,"pid":...,"hostname":...,"name":...,"msg":...}), or a human-readable
// line per record when stdout is a terminal; or to the targets of `logger.transport`
// (pino/file, pino-pretty). Safe to call from any thread: a record is built
// off-lock and written with one write(2) under a mutex.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/asio.h"
#include "config/runtime_config.h"

namespace watt::observe {

using config::LogLevel;

class Logger {
 public:
  static Logger& instance();

  // Before the configuration is known: JSON on stdout (readable when `pretty`).
  void configure(LogLevel level, bool pretty);
  // The project's logger block: level, redaction, targets (files, readable output), and the
  // applications' own levels. Call before any other thread logs. Returns an error message when
  // a target cannot be opened (and keeps logging to stdout).
  std::string configure(const config::LoggerConfig& config, bool stdoutIsTerminal,
                        const std::vector<std::pair<std::string, LogLevel>>& applicationLevels);

  // Whether a record at `level` can be written at all (cheap; log() decides exactly).
  bool enabled(LogLevel level) const { return level >= floor_; }
  bool enabled(LogLevel level, std::string_view name) const;
  LogLevel level() const { return level_; }
  // The level an application logs at: its own, else the runtime's.
  LogLevel levelOf(std::string_view name) const;

  // `name` is the application id (empty for the runtime itself); `fields` are extra keys,
  // placed before "msg" as pino does.
  void log(LogLevel level, std::string_view name, std::string_view msg,
           const json::object* fields = nullptr);

  // A line an application process wrote on stdout (`isError`: stderr). Pino JSON lines pass
  // through with `name` and `worker` added (and redaction applied); other lines become records
  // at info/error level.
  void forwardApplicationLine(std::string_view name, int worker, std::string_view line,
                              bool isError);

  // Taps receive every record written, as one JSON line (with '\n'), whatever the stdout
  // format; the management API's /logs/live streams them. A tap runs on the logging thread with
  // the tap lock held: it must be quick and must not log. With no tap, the cost is one relaxed
  // atomic load per record.
  using Tap = std::function<void(std::string_view jsonLine)>;
  int addTap(Tap tap);
  void removeTap(int id);

  void info(std::string_view msg, std::string_view name = {}) { log(LogLevel::kInfo, name, msg); }
  void warn(std::string_view msg, std::string_view name = {}) { log(LogLevel::kWarn, name, msg); }
  void error(std::string_view msg, std::string_view name = {}) { log(LogLevel::kError, name, msg); }
  void debug(std::string_view msg, std::string_view name = {}) { log(LogLevel::kDebug, name, msg); }

 private:
  struct Sink {
    int fd = 1;
    bool owned = false;  // a file this logger opened
    bool pretty = false;
    bool colorize = false;
    LogLevel level = LogLevel::kTrace;
  };
  using PathSegments = std::vector<std::string>;  // "*" matches every key or index

  Logger();
  void emit(LogLevel level, json::object& record);
  void publish(std::string_view jsonLine);
  void redact(json::object& record) const;
  void writeTo(const Sink& sink, std::string_view line);
  std::string prettyLine(const json::object& record, bool colorize) const;
  void closeSinks();
  void computeFloor();

  LogLevel level_ = LogLevel::kInfo;
  LogLevel floor_ = LogLevel::kInfo;
  std::vector<Sink> sinks_{Sink{}};
  std::vector<std::pair<std::string, LogLevel>> applicationLevels_;
  std::vector<PathSegments> redactPaths_;
  std::string censor_;
  std::string hostname_;
  long pid_ = 0;
  std::mutex mutex_;
  std::atomic<bool> tapped_{false};
  std::mutex tapsMutex_;
  std::map<int, Tap> taps_;
  int nextTap_ = 0;
};

// "req.headers.authorization", 'req.headers["x-api-key"]', "users[*].password" -> segments.
std::vector<std::string> parseRedactPath(std::string_view path);

inline Logger& log() { return Logger::instance(); }

}  // namespace watt::observe
