// Parses `.env` files with the grammar of Node's `util.parseEnv` (what Watt uses): `KEY=value`
// lines, `export ` prefixes, `#` comments (even without a preceding space on unquoted values),
// single/double/backtick quotes, `\n` expanded inside double quotes, no backslash escapes.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace watt::config {

using EnvMap = std::map<std::string, std::string>;

EnvMap parseEnvFile(std::string_view content);

}  // namespace watt::config
