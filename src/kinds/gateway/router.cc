#include "kinds/gateway/router.h"

#include <algorithm>

#include "common/utf8.h"

namespace watt::kinds::gateway {

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    return a.prefix.size() > b.prefix.size();
  });
}

std::optional<Router::Match> Router::match(std::string_view path) const {
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& prefix = routes_[i].prefix;
    if (prefix.empty()) return Match{&routes_[i], i, path};
    if (!path.starts_with(prefix)) continue;
    if (path.size() == prefix.size()) return Match{&routes_[i], i, std::string_view{}};
    if (path[prefix.size()] == '/') return Match{&routes_[i], i, path.substr(prefix.size())};
  }
  return std::nullopt;
}

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool looksAbsoluteUrl(std::string_view s) {
  // /^[a-zA-Z][a-zA-Z\d+.-]*:/
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-') return false;
  }
  return false;
}

}  // namespace

bool isSafeDestination(std::string_view path) {
  std::string normalized;
  normalized.reserve(path.size());
  for (char c : path) {
    if (c == '\t' || c == '\n' || c == '\r' || c == '\0') continue;
    normalized += c == '\\' ? '/' : c;
  }
  size_t start = normalized.find_first_not_of(" \t\n\r\f\v");
  std::string_view trimmed =
      start == std::string::npos ? std::string_view{} : std::string_view(normalized).substr(start);
  if (looksAbsoluteUrl(trimmed) || trimmed.starts_with("//")) return false;

  std::string decoded;
  decoded.reserve(trimmed.size());
  for (size_t i = 0; i < trimmed.size(); ++i) {
    if (trimmed[i] != '%') {
      decoded += trimmed[i];
      continue;
    }
    if (i + 2 >= trimmed.size()) return false;
    int hi = hexValue(trimmed[i + 1]), lo = hexValue(trimmed[i + 2]);
    if (hi < 0 || lo < 0) return false;
    decoded += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (!utf8::isValid(decoded)) return false;  // decodeURIComponent() would throw
  std::replace(decoded.begin(), decoded.end(), '\\', '/');
  size_t pos = 0;
  while (pos <= decoded.size()) {
    size_t slash = decoded.find('/', pos);
    if (slash == std::string::npos) slash = decoded.size();
    if (std::string_view(decoded).substr(pos, slash - pos) == "..") return false;
    pos = slash + 1;
  }
  return true;
}

}  // namespace watt::kinds::gateway
