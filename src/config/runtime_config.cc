#include "config/runtime_config.h"

namespace watt::config {

std::optional<LogLevel> parseLogLevel(std::string_view name) {
  if (name == "trace") return LogLevel::kTrace;
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "fatal") return LogLevel::kFatal;
  if (name == "silent") return LogLevel::kSilent;
  return std::nullopt;
}

std::string_view logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return "trace";
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kFatal: return "fatal";
    case LogLevel::kSilent: return "silent";
  }
  return "info";
}

const ApplicationSpec* RuntimeConfig::find(std::string_view id) const {
  for (const auto& app : applications)
    if (app.id == id) return &app;
  return nullptr;
}

}  // namespace watt::config
