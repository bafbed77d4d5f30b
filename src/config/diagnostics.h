// Collects configuration problems so that one run reports all of them, one line each, in the
// form users can act on: "<file>: <json path>: <what is wrong and what is expected>".
#pragma once

#include <string>
#include <vector>

namespace watt::config {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity;
  std::string file;     // as shown to the user, relative to the project root when possible
  std::string path;     // JSON path such as "server.port" or "applications[2].id"; may be empty
  std::string message;

  std::string format() const;
};

class Diagnostics {
 public:
  void error(std::string file, std::string path, std::string message);
  void warning(std::string file, std::string path, std::string message);

  bool hasErrors() const { return errors_ > 0; }
  size_t errorCount() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
};

// Builds JSON paths the way users read them: `a.b[2].c`, with a bracketed key when the key
// itself contains characters that would make the path ambiguous.
std::string childPath(const std::string& parent, std::string_view key);
std::string indexPath(const std::string& parent, size_t index);

}  // namespace watt::config
