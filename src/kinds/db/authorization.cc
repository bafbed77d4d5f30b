#include "kinds/db/authorization.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "common/ascii.h"
#include "config/reader.h"
#include "http/fetch.h"
#include "kinds/db/jwt.h"
#include "kinds/db/naming.h"
#include "observe/logger.h"
#include "observe/tracer.h"
#include "runtime/request_tracing.h"

namespace watt::kinds::db {
namespace {

constexpr std::string_view kAdminRole = "platformatic-admin";
constexpr std::string_view kAdminSecretHeader = "x-platformatic-admin-secret";

std::string claimText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_null()) return "";
  return json::serialize(v);
}

struct CompiledRule {
  const AuthorizationRule* rule;  // nullptr for the built-in admin rule
  std::string role;
};

// Key sets of token issuers (JWKS), fetched on first use and kept for a while; a token whose
// key id is not in the set fetches it again (the issuer rotated its keys), at most
// kRefetchBudget times per kRefetchWindow per issuer, so that made-up key ids cannot turn into a
// flood of fetches. Shared by the loops: a mutex guards the map (only RS256 tokens come here).
class KeySetCache {
 public:
  static constexpr auto kTtl = std::chrono::minutes(10);
  static constexpr auto kRefetchWindow = std::chrono::seconds(10);
  static constexpr int kRefetchBudget = 5;

  std::optional<json::array> get(const std::string& domain) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(domain);
    if (it == entries_.end() || std::chrono::steady_clock::now() - it->second.fetched > kTtl) return std::nullopt;
    return it->second.keys;
  }
  void put(const std::string& domain, json::array keys) {
    std::lock_guard lock(mutex_);
    auto& entry = entries_[domain];
    entry.keys = std::move(keys);
    entry.fetched = std::chrono::steady_clock::now();
  }
  // Whether a key set we hold may be fetched again now (and counts it).
  bool mayRefetch(const std::string& domain) {
    std::lock_guard lock(mutex_);
    auto& entry = entries_[domain];
    auto now = std::chrono::steady_clock::now();
    if (now - entry.windowStart > kRefetchWindow) {
      entry.windowStart = now;
      entry.refetches = 0;
    }
    return ++entry.refetches <= kRefetchBudget;
  }

 private:
  struct Entry {
    json::array keys;
    std::chrono::steady_clock::time_point fetched;
    std::chrono::steady_clock::time_point windowStart;
    int refetches = 0;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// The key of a set with this kid (a token without one matches only a key without one, as the
// reference's key store compares them) that may verify `algorithm` (a key that names another
// algorithm is not used for this one).
const json::object* findKey(const json::array& keys, const json::value* kid, std::string_view algorithm) {
  for (const auto& key : keys) {
    if (!key.is_object()) continue;
    const auto& k = key.get_object();
    const json::value* keyId = k.if_contains("kid");
    if (kid ? !keyId || *keyId != *kid : keyId != nullptr) continue;
    const json::value* alg = k.if_contains("alg");
    if (alg && (!alg->is_string() || alg->get_string() != algorithm)) continue;
    return &k;
  }
  return nullptr;
}

std::string withoutTrailingSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::optional<std::string> User::claim(std::string_view name) const {
  auto it = claims.find(ascii::lower(name));
  if (it == claims.end()) return std::nullopt;
  return it->second;
}

ApiError notAllowed() { return ApiError{403, "PLT_DB_AUTH_UNAUTHORIZED", "operation not allowed"}; }

struct Authorizer::Impl {
  const AuthorizationConfig& config;
  const EntityModel& model;
  // Rules per entity, in configuration order, plus the admin rule when there is a secret.
  std::map<const Entity*, std::vector<CompiledRule>> rules;
  std::unique_ptr<KeySetCache> keySets = std::make_unique<KeySetCache>();

  // The claims of a bearer token that verifies, or nullopt (anonymous, as Watt treats it).
  Task<std::optional<json::object>> verify(std::string_view raw, asio::any_io_executor executor) const {
    auto token = decodeJwt(raw);
    if (!token) co_return std::nullopt;
    auto alg = token->header.find("alg");
    std::string algorithm = alg != token->header.end() && alg->value().is_string() ? std::string(alg->value().get_string()) : "";
    bool ok = false;
    if (algorithm == "HS256" && !config.jwtSecret.empty()) {
      ok = verifyHs256(*token, config.jwtSecret);
    } else if (algorithm == "RS256" && config.jwks) {
      auto iss = token->claims.find("iss");
      if (iss == token->claims.end() || !iss->value().is_string()) co_return std::nullopt;
      std::string domain = withoutTrailingSlash(std::string(iss->value().get_string()));
      if (!config.jwksAllowedDomains.empty()) {
        bool allowed = std::any_of(config.jwksAllowedDomains.begin(), config.jwksAllowedDomains.end(),
                                   [&](const std::string& d) { return withoutTrailingSlash(d) == domain; });
        if (!allowed) co_return std::nullopt;
      }
      // Keys are matched by kid, as the reference's key store does.
      const json::value* kid = token->header.if_contains("kid");
      if (kid && !kid->is_string()) co_return std::nullopt;
      auto cached = keySets->get(domain);
      const json::object* key = cached ? findKey(*cached, kid, algorithm) : nullptr;
      json::array fetchedKeys;
      if (!key && (!cached || keySets->mayRefetch(domain))) {
        http::FetchOptions options;
        options.headers.emplace_back("accept", "application/json");
        options.followRedirects = 3;
        auto fetched = co_await http::fetch(executor, domain + "/.well-known/jwks.json", std::move(options));
        if (fetched.status != 200) {
          observe::log().warn("Cannot fetch the key set of " + domain + ": " +
                              (fetched.error.empty() ? "status " + std::to_string(fetched.status) : fetched.error));
          co_return std::nullopt;
        }
        error_code ec;
        json::value set = json::parse(fetched.body, ec);
        if (ec || !set.is_object() || !set.get_object().contains("keys") || !set.get_object().at("keys").is_array())
          co_return std::nullopt;
        fetchedKeys = set.get_object().at("keys").get_array();
        keySets->put(domain, fetchedKeys);
        key = findKey(fetchedKeys, kid, algorithm);
      }
      ok = key && verifyRs256(*token, *key);
    }
    if (!ok) co_return std::nullopt;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (!withinValidity(*token, now)) co_return std::nullopt;
    co_return std::move(token->claims);
  }

  std::vector<std::string> rolesOf(const User& user) const {
    std::optional<std::string> raw;
    if (!config.rolePath.empty()) raw = user.claim(config.rolePath);
    else raw = user.claim(config.roleKey);
    std::vector<std::string> roles;
    if (raw) {
      std::string_view text = *raw;
      // A JSON array claim was kept as its JSON text.
      if (text.starts_with("[")) {
        error_code ec;
        json::value v = json::parse(text, ec);
        if (!ec && v.is_array()) {
          for (const auto& item : v.get_array())
            if (item.is_string()) roles.emplace_back(item.get_string());
        }
      } else {
        size_t start = 0;
        while (start <= text.size()) {
          size_t comma = text.find(',', start);
          std::string_view role = ascii::trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
          if (!role.empty()) roles.emplace_back(role);
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
      }
    }
    if (roles.empty()) roles.push_back(config.anonymousRole);
    return roles;
  }
};

Authorizer::Authorizer(const AuthorizationConfig& config, const EntityModel& model, std::vector<std::string>& errors)
    : impl_(std::make_unique<Impl>(Impl{config, model, {}})) {
  for (size_t i = 0; i < config.rules.size(); ++i) {
    const auto& rule = config.rules[i];
    if (rule.entities.empty()) {
      errors.push_back("Missing entity in authorization rule " + std::to_string(i));
      continue;
    }
    for (const auto& name : rule.entities) {
      if (name == "*") {
        for (const auto& e : model.entities()) impl_->rules[&e].push_back({&rule, rule.role});
        continue;
      }
      const Entity* entity = model.bySingular(name);
      if (!entity) {
        std::set<std::string, std::less<>> known;
        for (const auto& e : model.entities()) known.insert(e.singularName);
        std::string hint = config::closestKey(name, known);
        errors.push_back("Unknown entity '" + name + "' in authorization rule " + std::to_string(i) +
                         (hint.empty() ? "" : ". Did you mean '" + hint + "'?"));
        continue;
      }
      if (rule.save && rule.save->fields) {
        for (const auto& f : entity->fields) {
          bool listed = std::find(rule.save->fields->begin(), rule.save->fields->end(), f.name) != rule.save->fields->end();
          if (f.required && !listed) {
            errors.push_back("missing not nullable field: \"" + f.name + "\" in save rule for entity \"" +
                             entity->singularName + "\"");
          }
        }
      }
      impl_->rules[entity].push_back({&rule, rule.role});
    }
  }
  if (!config.adminSecret.empty()) {
    for (const auto& e : model.entities()) impl_->rules[&e].push_back({nullptr, std::string(kAdminRole)});
  }
}

Authorizer::~Authorizer() = default;

Task<User> Authorizer::authenticate(const http::Request& request, asio::any_io_executor executor) const {
  const auto& config = impl_->config;
  // Fetching a key set or asking the webhook suspends the request: the loop's current trace
  // (the parent of the SQL spans that follow) is put back before going on.
  const observe::CurrentTrace trace = observe::currentTrace();
  User user;
  bool jwtConfigured = !config.jwtSecret.empty() || config.jwks;
  bool sessionConfigured = jwtConfigured || !config.webhookUrl.empty();
  // 1. A bearer token signed with the configured secret, or by a key of its issuer (JWKS).
  if (jwtConfigured) {
    std::string_view auth = request.headers.get("authorization");
    if (ascii::istartsWith(auth, "bearer ")) {
      auto claims = co_await impl_->verify(ascii::trim(auth.substr(7)), executor);
      if (claims) {
        user.authenticated = true;
        for (const auto& [key, value] : *claims) {
          std::string name(key);
          if (name == "iss" || name == "iat") continue;
          if (!config.jwtNamespace.empty() && name.starts_with(config.jwtNamespace))
            name = name.substr(config.jwtNamespace.size());
          user.claims[ascii::lower(name)] = value.is_array() ? json::serialize(value) : claimText(value);
        }
      }
    }
  }
  // 2. Without a valid token, the webhook (fastify-user): it receives the request's headers and
  // body in a POST and answers the user as a JSON object; any status above 299 (or no answer)
  // leaves the request anonymous.
  if (!user.authenticated && !config.webhookUrl.empty()) {
    http::FetchOptions options;
    options.method = "POST";
    for (const auto& h : request.headers) {
      if (ascii::iequals(h.name, "content-length") || ascii::iequals(h.name, "host") ||
          ascii::iequals(h.name, "connection"))
        continue;
      options.headers.emplace_back(h.name, h.value);
    }
    options.headers.emplace_back("accept-encoding", "identity");
    options.body = request.body;
    options.timeout = std::chrono::seconds(10);
    http::FetchResult answer = co_await http::fetch(executor, config.webhookUrl, std::move(options));
    if (answer.error.empty() && answer.status >= 200 && answer.status <= 299) {
      error_code ec;
      json::value data = json::parse(answer.body, ec);
      if (!ec && data.is_object()) {
        user.authenticated = true;
        for (const auto& [key, value] : data.get_object())
          user.claims[ascii::lower(std::string(key))] = value.is_array() ? json::serialize(value) : claimText(value);
      }
    } else if (!answer.error.empty()) {
      json::object fields = runtime::logFieldsOf(request);
      observe::log().log(observe::LogLevel::kWarn, {},
                         "The authorization webhook " + config.webhookUrl + " failed: " + answer.error, &fields);
    }
  }
  // 3. The admin secret: the request's own headers describe the user (without JWT or webhook),
  // or the token's user becomes an admin.
  if (!config.adminSecret.empty()) {
    std::string_view given = request.headers.get(kAdminSecretHeader);
    bool ok = given.size() == config.adminSecret.size() &&
              CRYPTO_memcmp(given.data(), config.adminSecret.data(), given.size()) == 0;
    if (ok) {
      if (sessionConfigured) {
        user.claims[ascii::lower(config.roleKey)] = std::string(kAdminRole);
      } else {
        user.authenticated = true;
        for (const auto& h : request.headers) user.claims[ascii::lower(h.name)] = h.value;
        if (!user.claim(config.roleKey)) user.claims[ascii::lower(config.roleKey)] = std::string(kAdminRole);
      }
      user.authenticated = true;
    }
  }
  user.roles = impl_->rolesOf(user);
  observe::currentTrace() = trace;
  co_return user;
}

Access Authorizer::access(const User& user, const Entity& entity, Operation op) const {
  Access access;
  auto it = impl_->rules.find(&entity);
  const CompiledRule* chosen = nullptr;
  if (it != impl_->rules.end()) {
    for (const auto& rule : it->second) {
      if (std::find(user.roles.begin(), user.roles.end(), rule.role) != user.roles.end()) {
        chosen = &rule;
        break;
      }
    }
  }
  if (!chosen) {
    access.denied = notAllowed();
    return access;
  }
  if (!chosen->rule) {  // the built-in admin rule: find, save, delete (no updateMany)
    if (op == Operation::kUpdateMany) access.denied = notAllowed();
    return access;
  }
  const AuthorizationRule& rule = *chosen->rule;
  const std::optional<OperationRule>* operation = nullptr;
  switch (op) {
    case Operation::kFind: operation = &rule.find; break;
    case Operation::kSave:
    case Operation::kInsert: operation = &rule.save; break;
    case Operation::kDelete: operation = &rule.remove; break;
    case Operation::kUpdateMany: operation = &rule.updateMany; break;
  }
  if (!*operation || !(*operation)->allowed) {
    access.denied = notAllowed();
    return access;
  }
  const OperationRule& allowed = **operation;
  for (const auto& check : allowed.checks) {
    const Field* field = entity.field(check.field);
    if (!field) field = entity.fieldByColumn(check.field);
    if (!field) continue;
    auto value = user.claim(check.value);
    if (!value) {
      // A missing user property compares with NULL: nothing matches.
      access.checks.push_back({field->column, sql::Op::kIn, {}});
      continue;
    }
    std::string ignored;
    auto typed = coerceText(*field, *value, ignored);
    sql::Value v = typed ? *typed : sql::Value(*value);
    sql::Op sqlOp = sql::Op::kEq;
    if (check.op == "neq" || check.op == "nen") sqlOp = sql::Op::kNeq;
    else if (check.op == "gt") sqlOp = sql::Op::kGt;
    else if (check.op == "gte") sqlOp = sql::Op::kGte;
    else if (check.op == "lt") sqlOp = sql::Op::kLt;
    else if (check.op == "lte") sqlOp = sql::Op::kLte;
    if (check.op == "in" || check.op == "nin") {
      std::vector<sql::Value> items;
      std::string_view text = *value;
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string item(ascii::trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
        auto t = coerceText(*field, item, ignored);
        items.push_back(t ? *t : sql::Value(item));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      access.checks.push_back({field->column, check.op == "in" ? sql::Op::kIn : sql::Op::kNin, items});
    } else {
      access.checks.push_back({field->column, sqlOp, {v}});
    }
  }
  access.fields = allowed.fields;
  if (op == Operation::kSave || op == Operation::kInsert) {
    for (const auto& [fieldName, claimName] : rule.defaults) {
      const Field* field = entity.field(fieldName);
      if (!field) continue;
      auto value = user.claim(claimName);
      std::string ignored;
      auto typed = value ? coerceText(*field, *value, ignored) : std::nullopt;
      access.defaults.emplace_back(field, value ? (typed ? *typed : sql::Value(*value)) : sql::Value());
    }
  }
  return access;
}

std::optional<ApiError> Authorizer::checkFields(const Access& access, const std::vector<std::string>& names) {
  if (!access.fields) return std::nullopt;
  for (const auto& name : names) {
    if (std::find(access.fields->begin(), access.fields->end(), name) == access.fields->end())
      return ApiError{403, "PLT_DB_AUTH_FIELD_UNAUTHORIZED", "field not allowed: " + name};
  }
  return std::nullopt;
}

}  // namespace watt::kinds::db
