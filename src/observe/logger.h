// Process-wide structured logger writing pino-compatible JSON lines to stdout
// ({"level":30,"time":...,"pid":...,"hostname":...,"name":...,"msg":...}), or a human-readable
// line per record when stdout is a terminal. Safe to call from any thread: a record is built
// off-lock and written with one write(2) under a mutex.
#pragma once

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

  void info(std::string_view msg, std::string_view name = {}) { log(LogLevel::kInfo, name, msg); }
  void warn(std::string_view msg, std::string_view name = {}) { log(LogLevel::kWarn, name, msg); }
  void error(std::string_view msg, std::string_view name = {}) { log(LogLevel::kError, name, msg); }
  void debug(std::string_view msg, std::string_view name = {}) { log(LogLevel::kDebug, name, msg); }

 private:
  Logger();
  void write(std::string_view line);
  std::string prettyLine(const json::object& record) const;

  LogLevel level_ = LogLevel::kInfo;
  bool pretty_ = false;
  std::string hostname_;
  long pid_ = 0;
  std::mutex mutex_;
};

inline Logger& log() { return Logger::instance(); }

}  // namespace watt::observe
