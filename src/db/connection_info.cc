// `db.connectionString` -> ConnectionInfo.
#include <filesystem>

#include "common/ascii.h"
#include "db/database.h"

namespace watt::db {
namespace {

// The URL as it may appear in an error message: a password is replaced by "***".
std::string redacted(const std::string& value) {
  auto scheme = value.find("://");
  if (scheme == std::string::npos) return value;
  auto authorityEnd = value.find_first_of("/?#", scheme + 3);
  auto at = value.rfind('@', authorityEnd == std::string::npos ? std::string::npos : authorityEnd);
  if (at == std::string::npos || at < scheme + 3) return value;
  auto colon = value.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return value;
  return value.substr(0, colon + 1) + "***" + value.substr(at);
}

}  // namespace

std::optional<ConnectionInfo> parseConnectionString(const std::string& value,
                                                    const std::string& baseDir,
                                                    std::string& error) {
  static constexpr std::string_view kSqlite = "sqlite://";
  if (ascii::istartsWith(value, kSqlite)) {
    std::string path = value.substr(kSqlite.size());
    ConnectionInfo info;
    info.dialect = Dialect::kSqlite;
    if (path == ":memory:") {
      info.sqlitePath = path;
      return info;
    }
    if (path.empty()) {
      error = "database URL \"" + value +
              "\" has no file path: use sqlite://./file.sqlite or sqlite://:memory:";
      return std::nullopt;
    }
    std::filesystem::path file(path);
    if (file.is_relative()) {
      std::error_code ec;
      std::filesystem::path base =
          baseDir.empty() ? std::filesystem::current_path(ec) : std::filesystem::path(baseDir);
      file = std::filesystem::absolute(base / file, ec);
    }
    info.sqlitePath = file.lexically_normal().string();
    return info;
  }
  if (ascii::istartsWith(value, "postgres://") || ascii::istartsWith(value, "postgresql://")) {
    ConnectionInfo info;
    info.dialect = Dialect::kPostgres;
    info.postgresUri = value;
    return info;
  }
  error =
      "unsupported database URL \"" + redacted(value) + "\": use sqlite://... or postgres://...";
  return std::nullopt;
}

}  // namespace watt::db
