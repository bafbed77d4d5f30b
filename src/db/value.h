// A SQL value as it crosses the boundary between the database drivers and the rest of the
// server: NULL, integer, real, text, blob or boolean. Parameters are always bound as Values,
// never spliced into SQL text.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace watt::db {

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

class Value {
 public:
  using Storage = std::variant<std::monostate, int64_t, double, std::string, Blob, bool>;

  Value() = default;
  Value(std::nullptr_t) {}                       // NOLINT
  Value(int64_t v) : v_(v) {}                    // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}  // NOLINT
  Value(double v) : v_(v) {}                     // NOLINT
  Value(std::string v) : v_(std::move(v)) {}     // NOLINT
  Value(const char* v) : v_(std::string(v)) {}   // NOLINT
  Value(Blob v) : v_(std::move(v)) {}            // NOLINT
  Value(bool v) : v_(v) {}                       // NOLINT

  bool isNull() const { return v_.index() == 0; }
  bool isInteger() const { return std::holds_alternative<int64_t>(v_); }
  bool isReal() const { return std::holds_alternative<double>(v_); }
  bool isText() const { return std::holds_alternative<std::string>(v_); }
  bool isBlob() const { return std::holds_alternative<Blob>(v_); }
  bool isBool() const { return std::holds_alternative<bool>(v_); }

  int64_t integer() const { return std::get<int64_t>(v_); }
  double real() const { return std::get<double>(v_); }
  const std::string& text() const { return std::get<std::string>(v_); }
  const Blob& blob() const { return std::get<Blob>(v_); }
  bool boolean() const { return std::get<bool>(v_); }
  const Storage& storage() const { return v_; }

  bool operator==(const Value&) const = default;

 private:
  Storage v_;
};

}  // namespace watt::db
