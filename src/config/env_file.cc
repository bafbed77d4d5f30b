#include "config/env_file.h"

namespace watt::config {
namespace {

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Drops everything up to and including the next newline (or everything, if there is none).
std::string_view afterNextNewline(std::string_view s, size_t from = 0) {
  size_t nl = s.find('\n', from);
  return nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
}

std::string expandNewlines(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += value[i];
    }
  }
  return out;
}

bool isQuote(char c) { return c == '\'' || c == '"' || c == '`'; }

}  // namespace

EnvMap parseEnvFile(std::string_view input) {
  std::string text;
  text.reserve(input.size());
  for (char c : input)
    if (c != '\r') text += c;

  EnvMap env;
  std::string_view rest = trimSpaces(text);
  while (!rest.empty()) {
    if (rest.front() == '\n' || rest.front() == '#') {  // blank line or comment
      rest = afterNextNewline(rest);
      continue;
    }
    size_t stop = rest.find_first_of("=\n");
    if (stop == std::string_view::npos) break;  // a trailing line without '=' ends the file
    if (rest[stop] == '\n') {                   // a line without '=' is ignored
      rest = trimSpaces(rest.substr(stop + 1));
      continue;
    }
    std::string_view key = trimSpaces(rest.substr(0, stop));
    rest.remove_prefix(stop + 1);
    if (rest.empty() || rest.front() == '\n') {  // KEY= with nothing after it
      env[std::string(key)] = "";
      continue;
    }
    rest = trimSpaces(rest);
    if (key.empty()) continue;
    if (key.starts_with("export ")) key = trimSpaces(key.substr(7));
    if (rest.empty()) {
      env[std::string(key)] = "";
      break;
    }

    char first = rest.front();
    size_t closing = isQuote(first) ? rest.find(first, 1) : std::string_view::npos;
    if (isQuote(first) && closing != std::string_view::npos) {
      std::string_view inner = rest.substr(1, closing - 1);
      env[std::string(key)] = first == '"' ? expandNewlines(inner) : std::string(inner);
      rest = afterNextNewline(rest, closing + 1);
    } else if (isQuote(first)) {  // unterminated quote: the raw line is the value
      size_t nl = rest.find('\n');
      env[std::string(key)] = std::string(rest.substr(0, nl));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    } else {
      size_t nl = rest.find('\n');
      std::string_view value = rest.substr(0, nl);
      size_t hash = value.find('#');
      if (hash != std::string_view::npos) value = value.substr(0, hash);
      env[std::string(key)] = std::string(trimSpaces(value));
      rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    rest = trimSpaces(rest);
  }
  return env;
}

}  // namespace watt::config
