#include "kinds/db/db_config.h"

#include <filesystem>

#include "common/ascii.h"
#include "config/runtime_config.h"

namespace fs = std::filesystem;

namespace watt::kinds::db {
namespace {

using config::Node;
using config::ObjectReader;

std::map<std::string, bool> readBoolMap(const Node& node) {
  std::map<std::string, bool> out;
  if (!node.present()) return out;
  if (!node.isObject()) {
    node.error("expected an object of booleans, got " + node.describe());
    return out;
  }
  for (const auto& [key, value] : node.raw()->get_object()) {
    Node item(node.file(), node.diagnostics(), &value, config::childPath(node.path(), key));
    if (item.isObject()) {
      out[std::string(key)] = true;  // column-level ignores: the entity itself stays
      continue;
    }
    if (auto b = item.asBool()) out[std::string(key)] = *b;
  }
  return out;
}

// `true`, `false`, or an object with `enabled` and options.
template <typename ReadOptions>
bool readToggle(const Node& node, bool defaultValue, ReadOptions readOptions) {
  if (!node.present()) return defaultValue;
  if (node.isBool() || node.isString()) {
    auto b = node.asBool();
    return b.value_or(defaultValue);
  }
  ObjectReader r(node);
  if (!r.valid()) return defaultValue;
  bool enabled = true;
  if (auto v = r.get("enabled"); v.present()) enabled = v.asBool().value_or(true);
  readOptions(r);
  r.finish();
  return enabled;
}

std::optional<OperationRule> readOperationRule(const Node& node) {
  if (!node.present()) return std::nullopt;
  OperationRule rule;
  if (node.isBool()) {
    rule.allowed = node.raw()->get_bool();
    return rule;
  }
  ObjectReader r(node);
  if (!r.valid()) return std::nullopt;
  rule.allowed = true;
  if (auto checks = r.get("checks"); checks.present()) {
    if (!checks.isObject()) {
      checks.error("expected an object of field checks, got " + checks.describe());
    } else {
      for (const auto& [field, value] : checks.raw()->get_object()) {
        Node item(checks.file(), checks.diagnostics(), &value, config::childPath(checks.path(), field));
        if (item.isString()) {
          rule.checks.push_back({std::string(field), "eq", std::string(value.get_string())});
          continue;
        }
        ObjectReader cr(item);
        if (!cr.valid()) continue;
        for (const char* op : {"eq", "in", "nin", "nen", "neq", "gt", "gte", "lt", "lte"}) {
          auto v = cr.get(op);
          if (!v.present()) continue;
          if (auto s = v.asString()) rule.checks.push_back({std::string(field), op, *s});
        }
        cr.finish();
      }
    }
  }
  if (auto fields = r.get("fields"); fields.present()) rule.fields = fields.asStringArray();
  r.finish();
  return rule;
}

void readAuthorization(const Node& node, AuthorizationConfig& auth) {
  ObjectReader r(node);
  if (!r.valid()) return;
  auth.enabled = true;
  if (auto v = r.get("adminSecret"); v.present()) auth.adminSecret = v.asString().value_or("");
  if (auto v = r.get("roleKey"); v.present()) auth.roleKey = v.asNonEmptyString().value_or(auth.roleKey);
  if (auto v = r.get("rolePath"); v.present()) auth.rolePath = v.asString().value_or("");
  if (auto v = r.get("anonymousRole"); v.present())
    auth.anonymousRole = v.asNonEmptyString().value_or(auth.anonymousRole);
  if (auto jwt = r.get("jwt"); jwt.present()) {
    ObjectReader jr(jwt);
    if (jr.valid()) {
      if (auto v = jr.get("secret"); v.present()) {
        if (v.isString()) auth.jwtSecret = std::string(v.raw()->get_string());
        else v.warning("a key object (public/private keys) is not supported yet; use a string secret or jwks");
      }
      if (auto v = jr.get("namespace"); v.present()) auth.jwtNamespace = v.asString().value_or("");
      if (auto v = jr.get("jwks"); v.present()) {
        if (v.isBool()) {
          auth.jwks = v.raw()->get_bool();
        } else {
          ObjectReader kr(v);
          if (kr.valid()) {
            auth.jwks = true;
            if (auto d = kr.get("allowedDomains"); d.present())
              auth.jwksAllowedDomains = d.asStringArray().value_or(std::vector<std::string>{});
            kr.acceptUnsupported({"max", "ttl", "timeout", "providerDiscovery", "issuersWhitelist"});
            kr.finish();
          }
        }
      }
      // Other @fastify/jwt options are accepted as Watt does (additionalProperties: true).
      for (const auto& [key, value] : jwt.raw()->get_object()) jr.ignore({key});
      jr.finish();
    }
  }
  if (auto v = r.get("webhook"); v.present()) {
    ObjectReader wr(v);
    if (auto u = wr.get("url"); u.present()) auth.webhookUrl = u.asString().value_or("");
    wr.finish();
  }
  if (auto rules = r.get("rules"); rules.present()) {
    if (!rules.isArray()) {
      rules.error("expected an array of rules, got " + rules.describe());
    } else {
      const auto& array = rules.raw()->get_array();
      for (size_t i = 0; i < array.size(); ++i) {
        Node item(rules.file(), rules.diagnostics(), &array[i], config::indexPath(rules.path(), i));
        ObjectReader rr(item);
        if (!rr.valid()) continue;
        AuthorizationRule rule;
        if (auto v = rr.get("role"); v.present()) rule.role = v.asNonEmptyString().value_or("");
        else item.error("missing required key \"role\"");
        auto entity = rr.get("entity");
        auto entities = rr.get("entities");
        if (entity.present() && entities.present())
          entities.error("set either \"entity\" or \"entities\", not both");
        if (entity.present()) {
          if (auto e = entity.asNonEmptyString()) rule.entities.push_back(*e);
        }
        if (entities.present()) rule.entities = entities.asStringArray().value_or(std::vector<std::string>{});
        if (auto v = rr.get("defaults"); v.present()) {
          if (auto m = v.asStringMap())
            for (auto& [k, val] : *m) rule.defaults[k] = val;
        }
        rule.find = readOperationRule(rr.get("find"));
        rule.save = readOperationRule(rr.get("save"));
        rule.remove = readOperationRule(rr.get("delete"));
        rule.updateMany = readOperationRule(rr.get("updateMany"));
        rr.finish();
        auth.rules.push_back(std::move(rule));
      }
    }
  }
  r.finish();
}

std::shared_ptr<const config::KindConfig> parseDb(ObjectReader& root, const config::KindParseContext& ctx) {
  auto cfg = std::make_shared<DbConfig>();
  const auto& app = ctx.application;
  auto dbNode = root.get("db");
  if (!dbNode.present()) {
    root.node().error("missing required key \"db\" (with at least \"connectionString\")");
    return cfg;
  }
  ObjectReader r(dbNode);
  if (r.valid()) {
    auto cs = r.get("connectionString");
    if (!cs.present()) {
      dbNode.error("missing required key \"connectionString\" (e.g. \"sqlite://./db.sqlite\")");
    } else if (auto s = cs.asNonEmptyString()) {
      cfg->connectionString = *s;
      std::string error;
      if (auto info = ::watt::db::parseConnectionString(*s, app.path, error)) cfg->connection = *info;
      else cs.error(error);
    }
    if (auto v = r.get("schema"); v.present()) cfg->schemas = v.asStringArray().value_or(std::vector<std::string>{});
    if (auto v = r.get("poolSize"); v.present()) cfg->poolSize = static_cast<unsigned>(v.asInteger(1, 1000).value_or(10));
    if (auto v = r.get("limit"); v.present()) {
      ObjectReader lr(v);
      if (auto d = lr.get("default"); d.present()) cfg->limitDefault = d.asInteger(0, 1'000'000).value_or(10);
      if (auto m = lr.get("max"); m.present()) cfg->limitMax = m.asInteger(0, 1'000'000).value_or(100);
      lr.finish();
    }
    cfg->include = readBoolMap(r.get("include"));
    cfg->ignore = readBoolMap(r.get("ignore"));
    if (auto v = r.get("autoTimestamp"); v.present()) {
      cfg->autoTimestamp.enabled = readToggle(v, false, [&](ObjectReader& ar) {
        if (auto c = ar.get("createdAt"); c.present()) cfg->autoTimestamp.createdAt = c.asString().value_or("created_at");
        if (auto u = ar.get("updatedAt"); u.present()) cfg->autoTimestamp.updatedAt = u.asString().value_or("updated_at");
      });
      if (v.isObject()) cfg->autoTimestamp.enabled = true;
    }
    cfg->graphql.enabled = readToggle(r.get("graphql"), true, [&](ObjectReader& gr) {
      if (auto g = gr.get("graphiql"); g.present()) cfg->graphql.graphiql = g.asBool().value_or(true);
      cfg->graphql.include = readBoolMap(gr.get("include"));
      cfg->graphql.ignore = readBoolMap(gr.get("ignore"));
      gr.acceptUnsupported({"subscriptionIgnore", "schema", "schemaPath"});
    });
    cfg->openapi.enabled = readToggle(r.get("openapi"), true, [&](ObjectReader& orr) {
      if (auto info = orr.get("info"); info.present()) {
        ObjectReader ir(info);
        if (auto t = ir.get("title"); t.present()) cfg->openapi.title = t.asString().value_or(cfg->openapi.title);
        if (auto d = ir.get("description"); d.present()) cfg->openapi.description = d.asString().value_or("");
        if (auto ver = ir.get("version"); ver.present()) cfg->openapi.version = ver.asString().value_or("1.0.0");
        ir.acceptUnsupported({"termsOfService", "contact", "license"});
        ir.finish();
      }
      if (auto p = orr.get("prefix"); p.present()) {
        std::string prefix = p.asString().value_or("");
        while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        if (!prefix.empty() && prefix.front() != '/') prefix.insert(prefix.begin(), '/');
        cfg->openapi.prefix = prefix;
      }
      if (auto a = orr.get("allowPrimaryKeysInInput"); a.present())
        cfg->openapi.allowPrimaryKeysInInput = a.asBool().value_or(true);
      cfg->openapi.include = readBoolMap(orr.get("include"));
      cfg->openapi.ignore = readBoolMap(orr.get("ignore"));
      orr.acceptUnsupported({"ignoreRoutes", "swaggerPrefix", "ignoreAllReverseRoutes", "exposeRoute",
                             "path", "jsonSchema", "components", "security", "tags", "servers"});
    });
    r.acceptUnsupported({"schemalock", "idleTimeoutMilliseconds", "queueTimeoutMilliseconds",
                         "acquireLockTimeoutMilliseconds", "events", "cache"});
    r.finish();
  }

  if (auto m = root.get("migrations"); m.present()) {
    ObjectReader mr(m);
    if (mr.valid()) {
      cfg->migrations.present = true;
      auto dir = mr.get("dir");
      if (!dir.present()) {
        m.error("missing required key \"dir\" (the folder of NNN.do.sql files)");
      } else if (auto d = dir.asNonEmptyString()) {
        fs::path p(*d);
        cfg->migrations.dir = (p.is_absolute() ? p : fs::path(app.path) / p).lexically_normal().string();
        std::error_code ec;
        if (!fs::is_directory(cfg->migrations.dir, ec))
          dir.error("migrations folder " + *d + " does not exist in " + app.path);
      }
      if (auto t = mr.get("table"); t.present()) cfg->migrations.table = t.asNonEmptyString().value_or("versions");
      if (auto a = mr.get("autoApply"); a.present()) cfg->migrations.autoApply = a.asBool().value_or(false);
      if (auto v = mr.get("validateChecksums"); v.present())
        cfg->migrations.validateChecksums = v.asBool().value_or(true);
      mr.acceptUnsupported({"newline", "currentSchema"});
      mr.finish();
    }
  }
  if (auto a = root.get("authorization"); a.present()) readAuthorization(a, cfg->authorization);
  root.acceptUnsupported({"server", "basePath", "types", "plugins", "application", "telemetry",
                          "watch", "clients", "metrics"});
  return cfg;
}

}  // namespace

config::KindParser dbParser() {
  return config::KindParser{"@platformatic/db", {}, parseDb, nullptr};
}

}  // namespace watt::kinds::db
