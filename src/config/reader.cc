#include "config/reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/ascii.h"
#include "common/js_number.h"

namespace watt::config {

void Node::error(const std::string& message) const {
  diags_->error(file_->displayName, path_, message + placeholderHint());
}

void Node::warning(const std::string& message) const {
  diags_->warning(file_->displayName, path_, message);
}

std::string Node::placeholderHint() const {
  auto it = file_->missing.byPath.find(path_);
  if (it == file_->missing.byPath.end() || it->second.empty()) return "";
  std::string names;
  for (const auto& n : it->second) {
    if (!names.empty()) names += ", ";
    names += "{" + n + "}";
  }
  bool plural = it->second.size() > 1;
  return " (the placeholder" + std::string(plural ? "s " : " ") + names +
         (plural ? " refer to environment variables that are" : " refers to an environment variable that is") +
         " not set)";
}

std::string Node::describe() const {
  if (!value_) return "nothing";
  switch (value_->kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return value_->get_bool() ? "true" : "false";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "the number " + json::serialize(*value_);
    case json::kind::string: return "the string " + json::serialize(*value_);
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

std::optional<std::string> Node::asString() const {
  if (!value_) return std::nullopt;
  if (!value_->is_string()) {
    error("expected a string, got " + describe());
    return std::nullopt;
  }
  return std::string(value_->get_string());
}

std::optional<std::string> Node::asNonEmptyString() const {
  auto s = asString();
  if (s && s->empty()) {
    error("expected a non-empty string, got \"\"");
    return std::nullopt;
  }
  return s;
}

std::optional<bool> Node::asBool() const {
  if (!value_) return std::nullopt;
  if (value_->is_bool()) return value_->get_bool();
  if (value_->is_string()) {
    auto s = value_->get_string();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  error("expected true or false, got " + describe());
  return std::nullopt;
}

std::optional<double> Node::asNumber(double min, double max) const {
  if (!value_) return std::nullopt;
  std::optional<double> number;
  if (value_->is_number()) {
    number = value_->to_number<double>();
  } else if (value_->is_string()) {
    auto s = ascii::trim(std::string_view(value_->get_string()));
    double parsed = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) number = parsed;
  }
  if (!number || !std::isfinite(*number) || *number < min || *number > max) {
    std::string range = "a number";
    if (max < 1e300) range += " from " + js::formatJsNumber(min) + " to " + js::formatJsNumber(max);
    else if (min == 0) range = "a non-negative number";
    error("expected " + range + ", got " + describe());
    return std::nullopt;
  }
  return number;
}

std::optional<int64_t> Node::asInteger(int64_t min, int64_t max) const {
  if (!value_) return std::nullopt;
  std::optional<int64_t> number;
  if (value_->is_int64()) {
    number = value_->get_int64();
  } else if (value_->is_uint64()) {
    if (value_->get_uint64() <= static_cast<uint64_t>(INT64_MAX))
      number = static_cast<int64_t>(value_->get_uint64());
  } else if (value_->is_double()) {
    double d = value_->get_double();
    if (d == static_cast<double>(static_cast<int64_t>(d))) number = static_cast<int64_t>(d);
  } else if (value_->is_string()) {
    auto s = ascii::trim(std::string_view(value_->get_string()));
    int64_t parsed = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) number = parsed;
  }
  std::string range = "an integer";
  if (min == 0 && max == INT64_MAX) range = "a non-negative integer";
  else if (min == 1 && max == INT64_MAX) range = "a positive integer";
  else if (max != INT64_MAX) range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!number || *number < min || *number > max) {
    error("expected " + range + ", got " + describe());
    return std::nullopt;
  }
  return number;
}

std::optional<std::vector<std::string>> Node::asStringArray() const {
  if (!value_) return std::nullopt;
  if (!value_->is_array()) {
    error("expected an array of strings, got " + describe());
    return std::nullopt;
  }
  std::vector<std::string> out;
  const auto& array = value_->get_array();
  bool ok = true;
  for (size_t i = 0; i < array.size(); ++i) {
    Node item(*file_, *diags_, &array[i], indexPath(path_, i));
    if (auto s = item.asString()) out.push_back(*s);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> Node::asStringMap() const {
  if (!value_) return std::nullopt;
  if (!value_->is_object()) {
    error("expected an object of strings, got " + describe());
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> out;
  bool ok = true;
  for (const auto& [key, child] : value_->get_object()) {
    Node item(*file_, *diags_, &child, childPath(path_, key));
    if (auto s = item.asString()) out.emplace_back(std::string(key), *s);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

ObjectReader::ObjectReader(const Node& node) : node_(node) {
  if (!node.present()) return;
  if (!node.raw()->is_object()) {
    node.error("expected an object, got " + node.describe());
    return;
  }
  object_ = &node.raw()->get_object();
}

Node ObjectReader::get(std::string_view key) {
  known_.insert(std::string(key));
  const json::value* child = nullptr;
  if (object_) {
    auto it = object_->find(key);
    if (it != object_->end()) child = &it->value();
  }
  return Node(node_.file(), node_.diagnostics(), child, childPath(node_.path(), key));
}

bool ObjectReader::has(std::string_view key) const {
  return object_ && object_->contains(key);
}

void ObjectReader::acceptUnsupported(std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    known_.insert(std::string(key));
    if (has(key)) {
      node_.diagnostics().warning(node_.file().displayName, childPath(node_.path(), key),
                                  "accepted for compatibility with Watt but not supported by this "
                                  "server yet; it has no effect");
    }
  }
}

void ObjectReader::ignore(std::initializer_list<std::string_view> keys) {
  for (auto key : keys) known_.insert(std::string(key));
}

void ObjectReader::finish() {
  if (!object_) return;
  for (const auto& [key, value] : *object_) {
    if (known_.contains(std::string_view(key))) continue;
    std::string message = "unknown key \"" + std::string(key) + "\"";
    std::string hint = closestKey(key, known_);
    if (!hint.empty()) message += " (did you mean \"" + hint + "\"?)";
    std::string list;
    for (const auto& k : known_) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    message += "; known keys here: " + list;
    node_.diagnostics().error(node_.file().displayName, childPath(node_.path(), key), message);
  }
}

static size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = ascii::toLower(a[i - 1]) == ascii::toLower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closestKey(std::string_view key, const std::set<std::string, std::less<>>& known) {
  std::string best;
  size_t bestDistance = std::max<size_t>(2, key.size() / 3) + 1;
  for (const auto& k : known) {
    size_t d = editDistance(key, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best;
}

}  // namespace watt::config
