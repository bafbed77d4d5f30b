#include "config/placeholders.h"

#include "config/diagnostics.h"

namespace watt::config {
namespace {

constexpr int kMaxExpansions = 256;

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Match {
  size_t pos = std::string::npos;
  size_t length = 0;
  std::string name;
};

// Leftmost match of /\{{1,2}([a-z0-9_]+)\}{1,2}/i, with the regex's greedy-then-backtrack
// behaviour on the opening braces.
Match findPlaceholder(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '{') continue;
    for (size_t braces = 2; braces >= 1; --braces) {
      if (braces == 2 && (i + 1 >= s.size() || s[i + 1] != '{')) continue;
      size_t nameStart = i + braces;
      size_t nameEnd = nameStart;
      while (nameEnd < s.size() && isNameChar(s[nameEnd])) ++nameEnd;
      if (nameEnd == nameStart || nameEnd >= s.size() || s[nameEnd] != '}') continue;
      size_t end = nameEnd + 1;
      if (end < s.size() && s[end] == '}') ++end;
      return {i, end - i, s.substr(nameStart, nameEnd - nameStart)};
    }
  }
  return {};
}

}  // namespace

bool substituteString(std::string& text, const EnvMap& env, std::vector<std::string>& missing) {
  for (int round = 0; round < kMaxExpansions; ++round) {
    Match m = findPlaceholder(text);
    if (m.pos == std::string::npos) return true;
    auto it = env.find(m.name);
    std::string replacement;
    if (it != env.end()) {
      replacement = it->second;
    } else {
      missing.push_back(m.name);
    }
    text.replace(m.pos, m.length, replacement);
  }
  return findPlaceholder(text).pos == std::string::npos;
}

std::vector<std::string> substitutePlaceholders(json::value& value, const EnvMap& env,
                                                MissingPlaceholders& report,
                                                const std::string& path) {
  std::vector<std::string> runaway;
  if (value.is_string()) {
    std::string text(value.get_string());
    std::vector<std::string> missing;
    if (!substituteString(text, env, missing)) runaway.push_back(path);
    if (!missing.empty()) {
      auto& list = report.byPath[path];
      list.insert(list.end(), missing.begin(), missing.end());
    }
    value = json::string(text);
  } else if (value.is_object()) {
    for (auto& [key, child] : value.get_object()) {
      auto more = substitutePlaceholders(child, env, report, childPath(path, key));
      runaway.insert(runaway.end(), more.begin(), more.end());
    }
  } else if (value.is_array()) {
    auto& array = value.get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      auto more = substitutePlaceholders(array[i], env, report, indexPath(path, i));
      runaway.insert(runaway.end(), more.begin(), more.end());
    }
  }
  return runaway;
}

}  // namespace watt::config
