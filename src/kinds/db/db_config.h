// Typed configuration of a database application (`@platformatic/db`): where the database is,
// which APIs to generate (REST + OpenAPI, GraphQL), limits, migrations and authorization rules.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/kind_parser.h"
#include "db/database.h"

namespace watt::kinds::db {

struct OpenApiOptions {
  bool enabled = true;
  std::string title = "Platformatic DB";
  std::string description = "Exposing a SQL database as REST";
  std::string version = "1.0.0";
  std::string prefix;  // routes under this prefix ("/api"), "" by default
  bool allowPrimaryKeysInInput = true;
  std::map<std::string, bool> include;  // entity name -> included
  std::map<std::string, bool> ignore;   // entity name -> ignored (whole entity)
};

struct GraphqlOptions {
  bool enabled = true;
  bool graphiql = true;
  std::map<std::string, bool> include;
  std::map<std::string, bool> ignore;
};

struct MigrationsConfig {
  bool present = false;
  std::string dir;  // absolute
  std::string table = "versions";
  bool autoApply = false;
  bool validateChecksums = true;
};

struct AutoTimestamp {
  bool enabled = false;
  std::string createdAt = "created_at";
  std::string updatedAt = "updated_at";
};

// One operation's rule: `true`/`false`, or `{ checks, fields }`.
struct OperationRule {
  bool allowed = false;
  // field -> (operator, value); the value names a user claim when it starts with "X-PLATFORMATIC-"
  // (case-insensitive), else it is a literal.
  struct Check {
    std::string field;
    std::string op = "eq";
    std::string value;
  };
  std::vector<Check> checks;
  std::optional<std::vector<std::string>> fields;
};

struct AuthorizationRule {
  std::string role;
  std::vector<std::string> entities;  // empty: every entity
  std::map<std::string, std::string> defaults;  // field -> claim name or literal
  std::optional<OperationRule> find, save, remove, updateMany;
};

struct AuthorizationConfig {
  bool enabled = false;
  std::string adminSecret;
  std::string roleKey = "X-PLATFORMATIC-ROLE";
  std::string rolePath;
  std::string anonymousRole = "anonymous";
  std::string jwtSecret;      // HS256
  std::string jwtNamespace;   // claim prefix, e.g. "https://platformatic.dev/"
  bool jwks = false;          // RS256 keys from the issuer's /.well-known/jwks.json
  std::vector<std::string> jwksAllowedDomains;
  std::string webhookUrl;
  std::vector<AuthorizationRule> rules;
};

struct DbConfig : config::KindConfig {
  std::string connectionString;
  ::watt::db::ConnectionInfo connection;
  std::vector<std::string> schemas;  // PostgreSQL schemas; empty = public
  unsigned poolSize = 10;
  int64_t limitDefault = 10;
  int64_t limitMax = 100;
  std::map<std::string, bool> include;  // table -> included
  std::map<std::string, bool> ignore;   // table -> ignored
  AutoTimestamp autoTimestamp;
  OpenApiOptions openapi;
  GraphqlOptions graphql;
  MigrationsConfig migrations;
  AuthorizationConfig authorization;
};

config::KindParser dbParser();

}  // namespace watt::kinds::db
