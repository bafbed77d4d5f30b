// Role-based access to entities, as Platformatic DB's `authorization` block defines it
// (docs/db-behaviour.md section 6): who the user is (admin secret + trusted headers, JWT HS256 or
// RS256 from a JWKS, or a webhook), which roles they have, and for each entity and operation the
// first matching rule: allowed or not, row checks added to the WHERE clause (so a tenant never
// sees or touches another tenant's rows), allowed fields, and defaults filled from the user.
// Denials are 403 with Platformatic's codes.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "http/message.h"
#include "kinds/db/db_config.h"
#include "kinds/db/entity_model.h"
#include "kinds/db/rest_query.h"

namespace watt::kinds::db {

enum class Operation { kFind, kSave, kInsert, kDelete, kUpdateMany };

struct User {
  bool authenticated = false;  // a token, webhook answer, or the admin secret was accepted
  std::map<std::string, std::string> claims;  // names lower-cased; values as text
  std::vector<std::string> roles;
  std::optional<std::string> claim(std::string_view name) const;
};

struct Access {
  std::optional<ApiError> denied;
  std::vector<sql::Condition> checks;                // AND-ed into the WHERE clause
  std::optional<std::vector<std::string>> fields;    // allowed camelCase field names
  std::vector<std::pair<const Field*, sql::Value>> defaults;  // overwrite input on save
};

class Authorizer {
 public:
  // Validates the rules against the entities; problems go to `errors` (the start fails).
  Authorizer(const AuthorizationConfig& config, const EntityModel& model, std::vector<std::string>& errors);
  ~Authorizer();

  // Identifies the user of a request (may fetch JWKS keys or call the webhook).
  Task<User> authenticate(const http::Request& request, asio::any_io_executor executor) const;

  // The decision for one operation on one entity.
  Access access(const User& user, const Entity& entity, Operation op) const;

  // A field-level check of the requested/written fields: 403 PLT_DB_AUTH_FIELD_UNAUTHORIZED.
  static std::optional<ApiError> checkFields(const Access& access, const std::vector<std::string>& names);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

ApiError notAllowed();

}  // namespace watt::kinds::db
