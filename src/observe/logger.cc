#include "observe/logger.h"

#include <unistd.h>

#include <chrono>
#include <ctime>

namespace watt::observe {
namespace {

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view levelLabel(int64_t level) {
  if (level >= 60) return "FATAL";
  if (level >= 50) return "ERROR";
  if (level >= 40) return "WARN";
  if (level >= 30) return "INFO";
  if (level >= 20) return "DEBUG";
  return "TRACE";
}

std::string_view levelColor(int64_t level) {
  if (level >= 50) return "\x1b[31m";
  if (level >= 40) return "\x1b[33m";
  if (level >= 30) return "\x1b[32m";
  return "\x1b[34m";
}

}  // namespace

Logger& Logger::instance() {
  static Logger logger;
  return logger;
}

Logger::Logger() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) hostname_ = host;
  pid_ = static_cast<long>(getpid());
}

void Logger::configure(LogLevel level, bool pretty) {
  level_ = level;
  pretty_ = pretty;
}

void Logger::write(std::string_view line) {
  std::lock_guard lock(mutex_);
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stdout is gone; nothing sensible to do
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
}

int Logger::addTap(Tap tap) {
  std::lock_guard lock(tapsMutex_);
  int id = ++nextTap_;
  taps_.emplace(id, std::move(tap));
  tapped_.store(true, std::memory_order_relaxed);
  return id;
}

void Logger::removeTap(int id) {
  std::lock_guard lock(tapsMutex_);
  taps_.erase(id);
  tapped_.store(!taps_.empty(), std::memory_order_relaxed);
}

void Logger::publish(std::string_view jsonLine) {
  std::lock_guard lock(tapsMutex_);
  for (auto& [id, tap] : taps_) tap(jsonLine);
}

// Writes a record to stdout in the configured format and hands it to the taps.
void Logger::emit(const json::object& record) {
  bool tapped = tapped_.load(std::memory_order_relaxed);
  if (pretty_ && !tapped) {
    write(prettyLine(record));
    return;
  }
  std::string line = json::serialize(record);
  line += '\n';
  write(pretty_ ? prettyLine(record) : line);
  if (tapped) publish(line);
}

void Logger::log(LogLevel level, std::string_view name, std::string_view msg,
                 const json::object* fields) {
  if (!enabled(level)) return;
  json::object record;
  record["level"] = static_cast<int>(level);
  record["time"] = nowMillis();
  record["pid"] = pid_;
  record["hostname"] = hostname_;
  if (!name.empty()) record["name"] = name;
  if (fields) {
    for (const auto& [k, v] : *fields) record[k] = v;
  }
  record["msg"] = msg;
  emit(record);
}

void Logger::forwardApplicationLine(std::string_view name, int worker, std::string_view line,
                                    bool isError) {
  if (line.empty()) return;
  if (line.size() >= 2 && line.front() == '{') {
    error_code ec;
    json::value parsed = json::parse(line, ec);
    if (!ec && parsed.is_object()) {
      auto& obj = parsed.get_object();
      auto level = obj.find("level");
      auto time = obj.find("time");
      auto msg = obj.find("msg");
      bool pino = level != obj.end() && level->value().is_number() && time != obj.end() &&
                  (time->value().is_number() || time->value().is_string()) && msg != obj.end() &&
                  msg->value().is_string();
      if (pino) {
        if (!obj.contains("name")) obj["name"] = name;
        if (!obj.contains("worker")) obj["worker"] = worker;
        emit(obj);
        return;
      }
    }
  }
  LogLevel level = isError ? LogLevel::kError : LogLevel::kInfo;
  if (!enabled(level)) return;
  json::object fields;
  fields["worker"] = worker;
  fields["caller"] = isError ? "STDERR" : "STDOUT";
  log(level, name, line, &fields);
}

std::string Logger::prettyLine(const json::object& record) const {
  int64_t level = 30;
  if (auto it = record.find("level"); it != record.end() && it->value().is_number())
    level = it->value().to_number<int64_t>();
  int64_t ms = 0;
  if (auto it = record.find("time"); it != record.end() && it->value().is_number())
    ms = it->value().to_number<int64_t>();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char clock[32];
  std::snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  std::string out = "[";
  out += clock;
  out += "] ";
  out += levelColor(level);
  out += levelLabel(level);
  out += "\x1b[0m (";
  if (auto it = record.find("name"); it != record.end() && it->value().is_string()) {
    out += it->value().get_string();
    if (auto w = record.find("worker"); w != record.end() && w->value().is_number()) {
      out += ":" + std::to_string(w->value().to_number<int64_t>());
    }
    out += "/";
  }
  out += std::to_string(pid_);
  out += "): ";
  if (auto it = record.find("msg"); it != record.end() && it->value().is_string())
    out += it->value().get_string();
  json::object extra;
  for (const auto& [k, v] : record) {
    if (k == "level" || k == "time" || k == "pid" || k == "hostname" || k == "name" ||
        k == "msg" || k == "worker")
      continue;
    extra[k] = v;
  }
  if (!extra.empty()) {
    out += " ";
    out += json::serialize(extra);
  }
  out += '\n';
  return out;
}

}  // namespace watt::observe
