// `{VAR}` and `{{VAR}}` placeholders in configuration strings, replaced from an environment the
// way Watt does: a variable that is not set becomes the empty string. Every such miss is
// recorded by JSON path, so that a value which is then invalid can say which variable to set.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/asio.h"
#include "config/env_file.h"

namespace watt::config {

struct MissingPlaceholders {
  // JSON path -> names of the variables that were not set there.
  std::map<std::string, std::vector<std::string>> byPath;
};

// Replaces placeholders in one string. Variables that are not set are appended to `missing`.
// Returns false when expansion does not terminate (a value that keeps producing placeholders).
bool substituteString(std::string& text, const EnvMap& env, std::vector<std::string>& missing);

// Replaces placeholders in every string value (not keys) of a JSON document, in place.
// Returns the paths whose expansion did not terminate.
std::vector<std::string> substitutePlaceholders(json::value& value, const EnvMap& env,
                                                MissingPlaceholders& report,
                                                const std::string& path = "");

}  // namespace watt::config
