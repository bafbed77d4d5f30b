// Process-wide structured logger writing pino-compatible JSON lines to stdout
// ({"level":30,"time":...,"pid":...,"hostname":...,"name":...,"msg":...}), or a human-readable
// line per record when stdout is a terminal. Safe to call from any thread: a record is built
// off-lock and written with one write(2) under a mutex.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/asio.h"
#include "config/runtime_config.h"

namespace watt::observe {

using config::LogLevel;

class Logger {
 public:
  static Logger& instance();

  void configure(LogLevel level, bool pretty);
  bool enabled(LogLevel level) const { return level >= level_; }
  LogLevel level() const { return level_; }
  bool pretty() const { return pretty_; }

  // `name` is the application id (empty for the runtime itself); `fields` are extra keys,
  // placed before "msg" as pino does.
  void log(LogLevel level, std::string_view name, std::string_view msg,
           const json::object* fields = nullptr);

  // A line an application process wrote on stdout (`isError`: stderr). Pino JSON lines pass
  // through with `name` and `worker` added; other lines become records at info/error level.
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
  Logger();
  void write(std::string_view line);
  void emit(const json::object& record);
  void publish(std::string_view jsonLine);
  std::string prettyLine(const json::object& record) const;

  LogLevel level_ = LogLevel::kInfo;
  bool pretty_ = false;
  std::string hostname_;
  long pid_ = 0;
  std::mutex mutex_;
  std::atomic<bool> tapped_{false};
  std::mutex tapsMutex_;
  std::map<int, Tap> taps_;
  int nextTap_ = 0;
};

inline Logger& log() { return Logger::instance(); }

}  // namespace watt::observe
