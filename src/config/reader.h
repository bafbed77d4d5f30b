// Typed, path-aware reading of one configuration file. Every accessor checks the JSON type and
// range, reports a precise diagnostic ("file: path: expected ..., got ...") on mismatch, and
// remembers which keys were read so that unknown keys can be reported too. When a bad value
// came from a placeholder whose variable is not set, the message names that variable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/asio.h"
#include "config/diagnostics.h"
#include "config/placeholders.h"

namespace watt::config {

// A parsed configuration file and what is needed to report problems in it.
struct SourceFile {
  std::string displayName;  // relative to the project root
  std::string absolutePath;
  json::value document;
  MissingPlaceholders missing;
};

class Node {
 public:
  Node(const SourceFile& file, Diagnostics& diags, const json::value* value, std::string path)
      : file_(&file), diags_(&diags), value_(value), path_(std::move(path)) {}

  bool present() const { return value_ != nullptr; }
  bool isNull() const { return value_ && value_->is_null(); }
  const json::value* raw() const { return value_; }
  const std::string& path() const { return path_; }
  const SourceFile& file() const { return *file_; }
  Diagnostics& diagnostics() const { return *diags_; }

  void error(const std::string& message) const;
  void warning(const std::string& message) const;

  // Each returns nullopt (after reporting) when the value has the wrong type or range.
  std::optional<std::string> asString() const;
  std::optional<std::string> asNonEmptyString() const;
  std::optional<bool> asBool() const;  // also "true"/"false" strings (placeholder results)
  // Integer, or a string holding one (placeholders produce strings), within [min, max].
  std::optional<int64_t> asInteger(int64_t min, int64_t max) const;
  // A number, or a string holding one, within [min, max].
  std::optional<double> asNumber(double min, double max) const;
  std::optional<std::vector<std::string>> asStringArray() const;
  std::optional<std::vector<std::pair<std::string, std::string>>> asStringMap() const;
  bool isObject() const { return value_ && value_->is_object(); }
  bool isArray() const { return value_ && value_->is_array(); }
  bool isString() const { return value_ && value_->is_string(); }
  bool isBool() const { return value_ && value_->is_bool(); }
  bool isNumber() const { return value_ && value_->is_number(); }

  // Describes the JSON value for messages: `the string "abc"`, `the number 3`, `an object`.
  std::string describe() const;
  // " (the placeholder {PORT} refers to an environment variable that is not set)" or "".
  std::string placeholderHint() const;

 private:
  const SourceFile* file_;
  Diagnostics* diags_;
  const json::value* value_;
  std::string path_;
};

// Reads the keys of one JSON object. Keys that are not read, accepted or ignored are errors
// when finish() runs.
class ObjectReader {
 public:
  // Reports an error when the node is present but not an object; reading then yields nothing.
  explicit ObjectReader(const Node& node);
  ~ObjectReader() = default;

  bool valid() const { return object_ != nullptr; }
  Node get(std::string_view key);
  bool has(std::string_view key) const;
  // Keys the reference Watt accepts but this server does not act upon: warned about, not errors.
  void acceptUnsupported(std::initializer_list<std::string_view> keys);
  // Keys accepted silently ($schema, module, ...).
  void ignore(std::initializer_list<std::string_view> keys);
  // Reports every key that was neither read nor accepted, with the list of known keys.
  void finish();

  const Node& node() const { return node_; }

 private:
  Node node_;
  const json::object* object_ = nullptr;
  std::set<std::string, std::less<>> known_;
};

// Closest known key, for "did you mean" hints (empty when nothing is close).
std::string closestKey(std::string_view key, const std::set<std::string, std::less<>>& known);

}  // namespace watt::config
