#include "config/diagnostics.h"

namespace watt::config {

std::string Diagnostic::format() const {
  std::string out = file;
  if (!path.empty()) {
    if (!out.empty()) out += ": ";
    out += path;
  }
  if (!out.empty()) out += ": ";
  out += message;
  return out;
}

void Diagnostics::error(std::string file, std::string path, std::string message) {
  items_.push_back({Diagnostic::Severity::kError, std::move(file), std::move(path), std::move(message)});
  ++errors_;
}

void Diagnostics::warning(std::string file, std::string path, std::string message) {
  items_.push_back(
      {Diagnostic::Severity::kWarning, std::move(file), std::move(path), std::move(message)});
}

static bool needsBrackets(std::string_view key) {
  if (key.empty()) return true;
  for (char c : key) {
    if (c == '.' || c == '[' || c == ']' || c == ' ' || c == '"') return true;
  }
  return false;
}

std::string childPath(const std::string& parent, std::string_view key) {
  std::string out = parent;
  if (needsBrackets(key)) {
    out += "[\"";
    out += key;
    out += "\"]";
    return out;
  }
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string indexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

}  // namespace watt::config
