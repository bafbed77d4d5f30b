#include "observe/logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

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
  closeSinks();
  level_ = level;
  Sink out;
  out.pretty = pretty;
  out.colorize = pretty;
  sinks_ = {out};
  applicationLevels_.clear();
  computeFloor();
}

std::string Logger::configure(const config::LoggerConfig& config, bool stdoutIsTerminal,
                              const std::vector<std::pair<std::string, LogLevel>>& applicationLevels) {
  configure(config.level, stdoutIsTerminal);
  applicationLevels_ = applicationLevels;
  censor_ = config.redactCensor;
  redactPaths_.clear();
  for (const auto& path : config.redactPaths) {
    auto segments = parseRedactPath(path);
    if (!segments.empty()) redactPaths_.push_back(std::move(segments));
  }
  std::string error;
  if (!config.targets.empty()) {
    std::vector<Sink> sinks;
    for (const auto& target : config.targets) {
      Sink sink;
      sink.pretty = target.format == config::LogTarget::Format::kPretty;
      sink.level = target.level.value_or(LogLevel::kTrace);
      if (target.path.empty()) {
        sink.fd = target.fd;
      } else {
        std::filesystem::path file(target.path);
        std::error_code ec;
        if (target.mkdir) std::filesystem::create_directories(file.parent_path(), ec);
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (target.append ? O_APPEND : O_TRUNC);
        int fd = ::open(target.path.c_str(), flags, 0644);
        if (fd < 0) {
          error = "logger.transport: cannot open the log file " + target.path + ": " +
                  std::strerror(errno) + (target.mkdir ? "" : " (options.mkdir: true creates its folder)");
          continue;
        }
        sink.fd = fd;
        sink.owned = true;
      }
      sink.colorize = target.colorize.value_or(sink.pretty && !sink.owned && isatty(sink.fd) == 1);
      sinks.push_back(sink);
    }
    if (!sinks.empty()) sinks_ = std::move(sinks);
  }
  computeFloor();
  return error;
}

void Logger::closeSinks() {
  for (auto& sink : sinks_)
    if (sink.owned) ::close(sink.fd);
  sinks_.clear();
}

void Logger::computeFloor() {
  LogLevel lowest = level_;
  for (const auto& [name, level] : applicationLevels_) lowest = std::min(lowest, level);
  LogLevel sinkFloor = LogLevel::kSilent;
  for (const auto& sink : sinks_) sinkFloor = std::min(sinkFloor, sink.level);
  floor_ = std::max(lowest, sinkFloor);
}

LogLevel Logger::levelOf(std::string_view name) const {
  if (!name.empty()) {
    for (const auto& [id, level] : applicationLevels_)
      if (id == name) return level;
  }
  return level_;
}

bool Logger::enabled(LogLevel level, std::string_view name) const {
  return level >= floor_ && level >= levelOf(name);
}

void Logger::writeTo(const Sink& sink, std::string_view line) {
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(sink.fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the destination is gone; nothing sensible to do
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

// Serializes once per format and writes the line to every target whose level admits it.
void Logger::emit(LogLevel level, json::object& record) {
  if (!redactPaths_.empty()) redact(record);
  std::string json;
  std::string pretty;
  std::string prettyColored;
  // Live log streams (management API) get every record as a JSON line, whatever the targets.
  if (tapped_.load(std::memory_order_relaxed)) {
    json = json::serialize(record) + '\n';
    publish(json);
  }
  for (const auto& sink : sinks_) {
    if (level < sink.level) continue;
    std::string* line;
    if (!sink.pretty) {
      if (json.empty()) json = json::serialize(record) + '\n';
      line = &json;
    } else if (sink.colorize) {
      if (prettyColored.empty()) prettyColored = prettyLine(record, true);
      line = &prettyColored;
    } else {
      if (pretty.empty()) pretty = prettyLine(record, false);
      line = &pretty;
    }
    std::lock_guard lock(mutex_);
    writeTo(sink, *line);
  }
}

namespace {

void redactValue(json::value& value, const std::vector<std::string>& path, size_t at,
                 const std::string& censor) {
  const std::string& segment = path[at];
  bool last = at + 1 == path.size();
  auto apply = [&](json::value& child) {
    if (last) child = censor;
    else redactValue(child, path, at + 1, censor);
  };
  if (value.is_object()) {
    auto& object = value.get_object();
    if (segment == "*") {
      for (auto& [key, child] : object) apply(child);
    } else if (auto it = object.find(segment); it != object.end()) {
      apply(it->value());
    }
  } else if (value.is_array()) {
    auto& array = value.get_array();
    if (segment == "*") {
      for (auto& child : array) apply(child);
    } else if (!segment.empty() && std::all_of(segment.begin(), segment.end(), ::isdigit)) {
      size_t index = std::stoul(segment);
      if (index < array.size()) apply(array[index]);
    }
  }
}

}  // namespace

std::vector<std::string> parseRedactPath(std::string_view path) {
  std::vector<std::string> segments;
  std::string current;
  size_t i = 0;
  while (i < path.size()) {
    char c = path[i];
    if (c == '.') {
      if (!current.empty()) segments.push_back(std::move(current));
      current.clear();
      ++i;
    } else if (c == '[') {
      if (!current.empty()) segments.push_back(std::move(current));
      current.clear();
      size_t close = path.find(']', i);
      if (close == std::string_view::npos) return {};
      std::string_view inside = path.substr(i + 1, close - i - 1);
      if (inside.size() >= 2 && (inside.front() == '"' || inside.front() == '\'') &&
          inside.back() == inside.front())
        inside = inside.substr(1, inside.size() - 2);
      segments.emplace_back(inside);
      i = close + 1;
    } else {
      current += c;
      ++i;
    }
  }
  if (!current.empty()) segments.push_back(std::move(current));
  return segments;
}

void Logger::redact(json::object& record) const {
  for (const auto& path : redactPaths_) {
    const std::string& first = path.front();
    auto apply = [&](json::value& child) {
      if (path.size() == 1) child = censor_;
      else redactValue(child, path, 1, censor_);
    };
    if (first == "*") {
      for (auto& [key, child] : record) apply(child);
    } else if (auto it = record.find(first); it != record.end()) {
      apply(it->value());
    }
  }
}

void Logger::log(LogLevel level, std::string_view name, std::string_view msg,
                 const json::object* fields) {
  if (!enabled(level, name)) return;
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
  emit(level, record);
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
        auto numeric = static_cast<LogLevel>(level->value().to_number<int>());
        if (!enabled(numeric, name)) return;
        if (!obj.contains("name")) obj["name"] = name;
        if (!obj.contains("worker")) obj["worker"] = worker;
        emit(numeric, obj);
        return;
      }
    }
  }
  LogLevel level = isError ? LogLevel::kError : LogLevel::kInfo;
  if (!enabled(level, name)) return;
  json::object fields;
  fields["worker"] = worker;
  fields["caller"] = isError ? "STDERR" : "STDOUT";
  log(level, name, line, &fields);
}

std::string Logger::prettyLine(const json::object& record, bool colorize) const {
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
  if (colorize) out += levelColor(level);
  out += levelLabel(level);
  out += colorize ? "\x1b[0m (" : " (";
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
