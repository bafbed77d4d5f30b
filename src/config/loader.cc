#include "config/loader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "common/ascii.h"
#include "config/discovery.h"
#include "config/placeholders.h"
#include "config/reader.h"

extern char** environ;

namespace fs = std::filesystem;

namespace watt::config {
namespace {

constexpr int64_t kMaxWorkers = 256;
constexpr int64_t kMaxMillis = 24LL * 3600 * 1000;

std::string displayName(const fs::path& root, const fs::path& p) {
  auto rel = p.lexically_normal().lexically_relative(root);
  if (rel.empty() || rel.string().starts_with("..")) return p.lexically_normal().string();
  return rel.string();
}

fs::path absoluteFrom(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return (path.is_absolute() ? path : base / path).lexically_normal();
}

const KindParser* findKind(const KindParsers& kinds, std::string_view module) {
  for (const auto* k : kinds) {
    if (k->name == module) return k;
    for (const auto& alias : k->aliases)
      if (alias == module) return k;
  }
  return nullptr;
}

std::string supportedKinds(const KindParsers& kinds) {
  std::string out;
  for (const auto* k : kinds) {
    if (!out.empty()) out += ", ";
    out += k->name;
  }
  return out;
}

bool validApplicationId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return id.front() != '.' && id.front() != '-';
}

// ---------------------------------------------------------------------------------------------
// Environment

struct RuntimeEnv {
  EnvMap env;
  std::set<std::string, std::less<>> fallbackKeys;  // keys whose only source is the root .env
};

RuntimeEnv loadRuntimeEnv(const fs::path& root, const LoadOptions& options, Diagnostics& diags) {
  RuntimeEnv out;
  out.env = options.processEnv;
  std::optional<fs::path> envFile;
  std::error_code ec;
  if (!options.envFile.empty()) {
    fs::path custom = absoluteFrom(fs::current_path(ec), options.envFile);
    if (!fs::is_regular_file(custom, ec)) {
      diags.error(options.envFile, "", "env file not found (given with --env)");
      return out;
    }
    envFile = custom;
  } else {
    for (fs::path dir = root;; dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / ".env", ec)) {
        envFile = dir / ".env";
        break;
      }
      if (dir == dir.parent_path()) break;
    }
    if (!envFile && fs::is_regular_file(fs::current_path(ec) / ".env", ec))
      envFile = fs::current_path(ec) / ".env";
  }
  if (envFile) {
    auto text = readTextFile(envFile->string());
    if (!text) {
      diags.error(displayName(root, *envFile), "", "cannot be read");
      return out;
    }
    for (auto& [key, value] : parseEnvFile(*text)) {
      if (out.env.contains(key)) continue;  // the real environment wins
      out.env[key] = value;
      out.fallbackKeys.insert(key);
    }
  }
  out.env["PLT_ROOT"] = root.string();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values shared by the runtime file and application entries

std::optional<int> readWorkerCount(const Node& node) {
  if (!node.present()) return std::nullopt;
  if (node.isObject()) {
    ObjectReader r(node);
    std::optional<int64_t> count;
    if (auto v = r.get("static"); v.present()) count = v.asInteger(1, kMaxWorkers);
    if (auto v = r.get("minimum"); v.present() && !count) count = v.asInteger(1, kMaxWorkers);
    r.acceptUnsupported({"dynamic", "maximum", "total", "maxMemory", "cooldown", "gracePeriod",
                         "scaleUpELU", "scaleDownELU"});
    r.finish();
    if (!count) return std::nullopt;
    return static_cast<int>(*count);
  }
  if (auto n = node.asInteger(1, kMaxWorkers)) return static_cast<int>(*n);
  return std::nullopt;
}

std::optional<RestartPolicy> readRestartOnError(const Node& node) {
  if (!node.present()) return std::nullopt;
  // Watt: false or 0 never restarts, true restarts at once, a number waits that many ms.
  if (node.isBool()) return RestartPolicy{node.raw()->get_bool(), Millis{0}};
  if (auto ms = node.asInteger(0, kMaxMillis)) return RestartPolicy{*ms > 0, Millis{*ms}};
  return std::nullopt;
}

std::optional<Millis> readMillis(const Node& node, int64_t min = 0) {
  if (!node.present()) return std::nullopt;
  if (auto ms = node.asInteger(min, kMaxMillis)) return Millis{*ms};
  return std::nullopt;
}

// The `health` keys one file sets; applied over the defaults (runtime) or over the runtime's
// values (an application's own block), key by key as Watt's deepmerge does.
struct HealthOverrides {
  std::optional<bool> enabled;
  std::optional<Millis> interval, gracePeriod;
  std::optional<int> maxUnhealthyChecks;
  std::optional<double> maxELU, maxHeapUsed, maxHeapTotal, maxEventLoopDelay, maxEventLoopDelayP99;

  void applyTo(HealthConfig& h) const {
    if (enabled) h.enabled = *enabled;
    if (interval) h.interval = *interval;
    if (gracePeriod) h.gracePeriod = *gracePeriod;
    if (maxUnhealthyChecks) h.maxUnhealthyChecks = *maxUnhealthyChecks;
    if (maxELU) h.maxELU = *maxELU;
    if (maxHeapUsed) h.maxHeapUsed = *maxHeapUsed;
    if (maxHeapTotal) h.maxHeapTotal = *maxHeapTotal;
    if (maxEventLoopDelay) h.maxEventLoopDelay = *maxEventLoopDelay;
    if (maxEventLoopDelayP99) h.maxEventLoopDelayP99 = *maxEventLoopDelayP99;
  }
};

// Bytes: a number, or Watt's memory size string ("512MB", "0.5 GB", "1024kb"; units of 1024).
std::optional<double> readMemorySize(const Node& node) {
  if (node.isString()) {
    std::string_view s = ascii::trim(std::string_view(node.raw()->get_string()));
    size_t unitAt = s.find_first_not_of("0123456789.");
    if (unitAt != std::string_view::npos && unitAt > 0) {
      double value = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + unitAt, value);
      std::string unit = ascii::lower(ascii::trim(s.substr(unitAt)));
      static constexpr std::string_view kUnits[] = {"b", "kb", "mb", "gb", "tb"};
      const auto* known = std::find(std::begin(kUnits), std::end(kUnits), unit);
      if (ec == std::errc() && ptr == s.data() + unitAt && known != std::end(kUnits))
        return std::floor(value * std::pow(1024.0, static_cast<double>(known - kUnits)));
      node.error("expected a number of bytes or a memory size such as \"512MB\" or \"4GB\", got " +
                 node.describe());
      return std::nullopt;
    }
  }
  return node.asNumber(0, 1e300);
}

void readHealth(const Node& node, HealthOverrides& h) {
  ObjectReader r(node);
  if (!r.valid()) return;
  if (auto v = r.get("enabled"); v.present()) h.enabled = v.asBool();
  if (auto v = r.get("interval"); v.present()) {
    h.interval = readMillis(v);
    if (h.interval && *h.interval < Millis(1000)) {
      v.warning("the minimum health check interval is 1000 ms; 1000 is used");
      h.interval = Millis(1000);
    }
  }
  if (auto v = r.get("gracePeriod"); v.present()) h.gracePeriod = readMillis(v);
  if (auto v = r.get("maxUnhealthyChecks"); v.present()) {
    if (auto n = v.asInteger(1, 1'000'000)) h.maxUnhealthyChecks = static_cast<int>(*n);
  }
  if (auto v = r.get("maxELU"); v.present()) h.maxELU = v.asNumber(0, 1);
  if (auto v = r.get("maxHeapUsed"); v.present()) h.maxHeapUsed = v.asNumber(0, 1);
  if (auto v = r.get("maxHeapTotal"); v.present()) h.maxHeapTotal = readMemorySize(v);
  if (auto v = r.get("maxEventLoopDelay"); v.present()) h.maxEventLoopDelay = v.asNumber(0, 1e300);
  if (auto v = r.get("maxEventLoopDelayP99"); v.present())
    h.maxEventLoopDelayP99 = v.asNumber(0, 1e300);
  // V8 and stream sizes of Watt's worker threads: ours run Node with its own defaults.
  r.acceptUnsupported({"maxYoungGeneration", "codeRangeSize", "bufferPoolSize",
                       "defaultHighWaterMark"});
  r.finish();
}

// ---------------------------------------------------------------------------------------------
// Runtime-level settings (top level, or the seed form's nested "runtime" object, or the
// "runtime" object of a single application's own config file)

struct RuntimeSettings {
  std::optional<std::string> hostname;
  std::optional<uint16_t> port;
  ServerConfig server;  // limits and the rest; hostname/port above track whether they were set
  std::optional<LogLevel> logLevel;
  std::optional<std::vector<std::string>> redactPaths;
  std::optional<std::string> redactCensor;
  std::optional<std::vector<LogTarget>> logTargets;  // paths relative to the project root
  std::optional<RestartPolicy> restart;
  HealthOverrides health;
  std::optional<Millis> startTimeout;
  GracefulShutdown graceful;
  std::optional<int> defaultWorkers;
  std::map<std::string, std::pair<int, std::string>> perAppWorkers;  // id -> (count, json path)
  std::vector<std::pair<std::string, std::string>> env;             // runtime "env" block
  std::optional<bool> strictEnv;
  std::optional<MetricsConfig> metrics;
  std::optional<TelemetryConfig> telemetry;  // file paths still relative to the project root
  std::optional<ManagementApiConfig> managementApi;
};

void readServer(const Node& node, RuntimeSettings& s) {
  ObjectReader r(node);
  if (!r.valid()) return;
  if (auto v = r.get("hostname"); v.present()) {
    if (auto h = v.asString()) s.hostname = *h;
  }
  if (auto v = r.get("port"); v.present()) {
    if (auto p = v.asInteger(0, 65535)) s.port = static_cast<uint16_t>(*p);
  }
  if (auto v = r.get("backlog"); v.present()) {
    if (auto b = v.asInteger(1, 65535)) s.server.backlog = static_cast<int>(*b);
  }
  // Limits: this server's extensions (Fastify's names where Fastify has one).
  if (auto v = r.get("bodyLimit"); v.present()) {
    if (auto b = v.asInteger(0, int64_t{1} << 40)) s.server.bodyLimit = static_cast<uint64_t>(*b);
  }
  if (auto v = r.get("maxHeaderSize"); v.present()) {
    if (auto b = v.asInteger(1024, 1 << 20)) s.server.maxHeaderSize = static_cast<uint32_t>(*b);
  }
  if (auto v = r.get("keepAliveTimeout"); v.present()) {
    if (auto ms = readMillis(v, 1)) s.server.keepAliveTimeout = *ms;
  }
  if (auto v = r.get("headersTimeout"); v.present()) {
    if (auto ms = readMillis(v, 1)) s.server.headersTimeout = *ms;
  }
  if (auto v = r.get("requestTimeout"); v.present()) {
    if (auto ms = readMillis(v, 1)) s.server.requestTimeout = *ms;
  }
  if (auto v = r.get("threads"); v.present()) {
    if (auto t = v.asInteger(1, 256)) s.server.threads = static_cast<unsigned>(*t);
  }
  r.acceptUnsupported({"portAssignment", "http2", "https"});
  r.finish();
}

std::optional<LogLevel> readLogLevel(const Node& v) {
  auto name = v.asString();
  if (!name) return std::nullopt;
  if (auto level = parseLogLevel(*name)) return level;
  v.error("expected one of fatal, error, warn, info, debug, trace, silent, got " + v.describe());
  return std::nullopt;
}

// A pino destination: a file path, or 1/2 (also as strings) for stdout/stderr.
void readLogDestination(const Node& v, LogTarget& t) {
  if (v.isNumber() || (v.isString() && (v.raw()->get_string() == "1" || v.raw()->get_string() == "2"))) {
    if (auto fd = v.asInteger(1, 2)) t.fd = static_cast<int>(*fd);
    return;
  }
  if (auto path = v.asNonEmptyString()) t.path = *path;
}

// One `transport` target. Only the targets this server writes itself are kept; another one
// (a pino transport package) is warned about and its records go to stdout instead.
std::optional<LogTarget> readLogTarget(const Node& node, bool withLevel) {
  ObjectReader r(node);
  if (!r.valid()) return std::nullopt;
  LogTarget t;
  bool supported = false;
  auto target = r.get("target");
  std::string name;
  if (!target.present()) {
    node.error("a transport needs a \"target\" (pino/file or pino-pretty)");
  } else if (auto n = target.asNonEmptyString()) {
    name = *n;
    if (name == "pino/file") {
      supported = true;
    } else if (name == "pino-pretty") {
      t.format = LogTarget::Format::kPretty;
      supported = true;
    } else {
      target.warning("the transport target \"" + name + "\" is not available in this server "
                     "(it writes pino/file and pino-pretty itself); these records go to stdout");
    }
  }
  if (withLevel) {
    if (auto v = r.get("level"); v.present()) t.level = readLogLevel(v);
  }
  if (auto options = r.get("options"); options.present()) {
    ObjectReader o(options);
    if (o.valid() && supported) {
      if (auto v = o.get("destination"); v.present()) readLogDestination(v, t);
      if (auto v = o.get("mkdir"); v.present()) {
        if (auto b = v.asBool()) t.mkdir = *b;
      }
      if (auto v = o.get("append"); v.present()) {
        if (auto b = v.asBool()) t.append = *b;
      }
      if (t.format == LogTarget::Format::kPretty) {
        if (auto v = o.get("colorize"); v.present()) t.colorize = v.asBool();
        // pino-pretty's presentation options: accepted, the layout is this server's.
        o.ignore({"translateTime", "ignore", "singleLine", "levelFirst", "messageFormat",
                  "hideObject", "sync", "minimumLevel", "timestampKey", "messageKey",
                  "levelKey", "errorLikeObjectKeys", "customColors", "colorizeObjects", "crlf"});
      }
      o.finish();
    }
  }
  r.finish();
  if (!supported) {
    LogTarget stdoutTarget;
    stdoutTarget.level = t.level;
    return stdoutTarget;
  }
  return t;
}

void readLogger(const Node& node, RuntimeSettings& s) {
  ObjectReader r(node);
  if (!r.valid()) return;
  if (auto v = r.get("level"); v.present()) {
    if (auto level = readLogLevel(v)) s.logLevel = *level;
  }
  if (auto v = r.get("redact"); v.present()) {
    ObjectReader rr(v);
    if (rr.valid()) {
      auto paths = rr.get("paths");
      if (!paths.present()) v.error("\"redact\" needs \"paths\", an array of strings such as \"req.headers.authorization\"");
      else if (auto list = paths.asStringArray()) s.redactPaths = *list;
      if (auto c = rr.get("censor"); c.present()) {
        if (auto censor = c.asString()) s.redactCensor = *censor;
      }
      rr.finish();
    }
  }
  if (auto v = r.get("transport"); v.present()) {
    std::vector<LogTarget> targets;
    if (v.isObject() && v.raw()->get_object().contains("targets")) {
      ObjectReader tr(v);
      auto list = tr.get("targets");
      if (!list.isArray()) {
        list.error("expected an array of transport targets, got " + list.describe());
      } else {
        const auto& array = list.raw()->get_array();
        for (size_t i = 0; i < array.size(); ++i) {
          Node item(list.file(), list.diagnostics(), &array[i], list.path() + "[" + std::to_string(i) + "]");
          if (auto t = readLogTarget(item, true)) targets.push_back(std::move(*t));
        }
      }
      tr.acceptUnsupported({"options", "dedupe", "levels"});
      tr.finish();
    } else if (auto t = readLogTarget(v, false)) {
      targets.push_back(std::move(*t));
    }
    s.logTargets = std::move(targets);
  }
  r.acceptUnsupported({"pipeline", "formatters", "timestamp", "base", "messageKey", "customLevels",
                       "openTelemetryExporter", "captureStdio", "pino"});
  r.finish();
}

void readTelemetryExporter(const Node& node, std::vector<TelemetryExporter>& out) {
  ObjectReader r(node);
  if (!r.valid()) return;
  TelemetryExporter e;
  if (auto v = r.get("type"); v.present()) {
    if (auto type = v.asString()) {
      if (*type == "console") e.type = TelemetryExporter::Type::kConsole;
      else if (*type == "otlp") e.type = TelemetryExporter::Type::kOtlp;
      else if (*type == "file") e.type = TelemetryExporter::Type::kFile;
      else if (*type == "memory") e.type = TelemetryExporter::Type::kMemory;
      else if (*type == "zipkin") {
        e.type = TelemetryExporter::Type::kZipkin;
        v.warning("the zipkin exporter is not supported by this server: spans are not exported to "
                  "it (use \"otlp\"; Zipkin and Jaeger accept OTLP)");
      } else {
        v.error("expected one of console, otlp, file, memory, zipkin, got " + v.describe());
      }
    }
  }
  if (auto options = r.get("options"); options.present()) {
    ObjectReader o(options);
    if (auto v = o.get("url"); v.present()) {
      if (auto url = v.asNonEmptyString()) {
        if (url->starts_with("http://") || url->starts_with("https://")) e.url = *url;
        else v.error("expected an http:// or https:// URL (the OTLP/HTTP traces endpoint), got " + v.describe());
      }
    }
    if (auto v = o.get("headers"); v.present()) {
      if (auto headers = v.asStringMap()) e.headers = *headers;
    }
    if (auto v = o.get("path"); v.present()) {
      if (auto path = v.asNonEmptyString()) e.path = *path;
    }
    // Watt's exporter speaks OTLP/HTTP with protobuf ("http") or gRPC ("grpc"). This server
    // speaks the first, and OTLP/HTTP with JSON on request ("http/json").
    for (const char* key : {"protocol", "transport"}) {
      if (auto v = o.get(key); v.present()) {
        if (auto protocol = v.asString()) {
          if (*protocol == "http/json")
            e.json = true;
          else if (*protocol != "http" && *protocol != "http/protobuf")
            v.error("expected \"http\" (OTLP over HTTP, protobuf) or \"http/json\" (OTLP over "
                    "HTTP, JSON); gRPC is not supported, got " + v.describe());
        }
      }
    }
    o.acceptUnsupported({"timeoutMillis", "concurrencyLimit", "compression", "keepAlive",
                         "httpAgentOptions"});
    o.finish();
  }
  r.ignore({"processor"});
  r.finish();
  if (e.type == TelemetryExporter::Type::kOtlp && e.url.empty()) e.url = "http://localhost:4318/v1/traces";
  if (e.type == TelemetryExporter::Type::kFile && e.path.empty()) e.path = "spans.log";
  out.push_back(std::move(e));
}

// Watt's `telemetry` block (OpenTelemetry tracing); see TelemetryConfig.
void readTelemetry(const Node& node, RuntimeSettings& s) {
  ObjectReader r(node);
  if (!r.valid()) return;
  TelemetryConfig t;
  t.enabled = true;
  if (auto v = r.get("enabled"); v.present()) {
    if (auto b = v.asBool()) t.enabled = *b;
  }
  if (auto v = r.get("applicationName"); v.present()) {
    if (auto name = v.asNonEmptyString()) t.applicationName = *name;
  } else {
    r.node().error("missing required key \"applicationName\" (the service name of the spans)");
  }
  if (auto v = r.get("version"); v.present()) {
    if (auto version = v.asString()) t.version = *version;
  }
  if (auto v = r.get("skip"); v.present()) {
    if (!v.isArray()) {
      v.error("expected an array of {\"method\", \"path\"} objects, got " + v.describe());
    } else {
      const auto& items = v.raw()->get_array();
      for (size_t i = 0; i < items.size(); ++i) {
        Node item(v.file(), v.diagnostics(), &items[i], v.path() + "[" + std::to_string(i) + "]");
        ObjectReader ir(item);
        if (!ir.valid()) continue;
        TelemetrySkip skip;
        if (auto p = ir.get("path"); p.present()) {
          if (auto path = p.asString()) skip.path = *path;
        }
        if (auto m = ir.get("method"); m.present()) {
          if (auto method = m.asString()) {
            static const std::set<std::string, std::less<>> kMethods = {"GET", "POST", "PUT", "DELETE",
                                                                        "PATCH", "HEAD", "OPTIONS"};
            if (kMethods.contains(*method)) skip.method = *method;
            else m.error("expected one of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS, got " + m.describe());
          }
        }
        ir.finish();
        t.skip.push_back(std::move(skip));
      }
    }
  }
  if (auto v = r.get("exporter"); v.present()) {
    if (v.isArray()) {
      const auto& items = v.raw()->get_array();
      for (size_t i = 0; i < items.size(); ++i) {
        Node item(v.file(), v.diagnostics(), &items[i], v.path() + "[" + std::to_string(i) + "]");
        readTelemetryExporter(item, t.exporters);
      }
    } else {
      readTelemetryExporter(v, t.exporters);
    }
  }
  if (t.exporters.empty()) t.exporters.push_back(TelemetryExporter{});  // Watt's default: console
  r.acceptUnsupported({"diagLogger"});
  r.finish();
  s.telemetry = std::move(t);
}

void readGracefulShutdown(const Node& node, RuntimeSettings& s) {
  ObjectReader r(node);
  if (!r.valid()) return;
  if (auto ms = readMillis(r.get("runtime"), 1)) s.graceful.runtime = *ms;
  if (auto ms = readMillis(r.get("application"), 1)) s.graceful.application = *ms;
  if (auto v = r.get("closeConnections"); v.present()) {
    if (auto b = v.asBool()) s.graceful.closeConnections = *b;
  }
  r.finish();
}

// Prometheus label names: [a-zA-Z_][a-zA-Z0-9_]*, the "__" prefix being reserved.
bool validLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void readEndpoint(const Node& node, std::string& out) {
  if (!node.present()) return;
  auto e = node.asString();
  if (!e) return;
  if (e->empty() || e->front() != '/') {
    node.error("expected a path starting with \"/\", got " + node.describe());
    return;
  }
  out = *e;
}

void readHealthProbe(const Node& node, HealthProbeConfig& probe) {
  if (!node.present()) return;
  if (node.isBool()) {
    probe.enabled = node.raw()->get_bool();
    return;
  }
  ObjectReader r(node);
  if (!r.valid()) return;
  readEndpoint(r.get("endpoint"), probe.endpoint);
  auto readAnswer = [](const Node& answer, int& status, std::string& body) {
    if (!answer.present()) return;
    ObjectReader ar(answer);
    if (!ar.valid()) return;
    if (auto v = ar.get("statusCode"); v.present()) {
      if (auto c = v.asInteger(100, 599)) status = static_cast<int>(*c);
    }
    if (auto v = ar.get("body"); v.present()) {
      if (auto b = v.asString()) body = *b;
    }
    ar.finish();
  };
  readAnswer(r.get("success"), probe.successStatus, probe.successBody);
  readAnswer(r.get("fail"), probe.failStatus, probe.failBody);
  r.finish();
}

void readMetrics(const Node& node, RuntimeSettings& s) {
  MetricsConfig m;
  if (!node.isObject()) {
    if (auto b = node.asBool()) {
      m.enabled = *b;
      s.metrics = m;
    }
    return;
  }
  ObjectReader r(node);
  m.enabled = true;
  if (auto v = r.get("enabled"); v.present()) {
    if (auto b = v.asBool()) m.enabled = *b;
  }
  if (auto v = r.get("hostname"); v.present()) {
    if (auto h = v.asNonEmptyString()) m.hostname = *h;
  }
  if (auto v = r.get("port"); v.present()) {
    if (auto p = v.asInteger(0, 65535)) m.port = static_cast<uint16_t>(*p);
  }
  readEndpoint(r.get("endpoint"), m.endpoint);
  if (auto v = r.get("auth"); v.present()) {
    ObjectReader ar(v);
    if (ar.valid()) {
      auto user = ar.get("username");
      auto password = ar.get("password");
      if (!user.present()) user.error("required");
      if (!password.present()) password.error("required");
      auto u = user.present() ? user.asString() : std::nullopt;
      auto p = password.present() ? password.asString() : std::nullopt;
      if (u && p) m.auth = std::make_pair(*u, *p);
      ar.finish();
    }
  }
  if (auto v = r.get("labels"); v.present()) {
    if (auto labels = v.asStringMap()) {
      for (const auto& [name, value] : *labels) {
        if (validLabelName(name)) m.labels.emplace_back(name, value);
        else v.error("\"" + name + "\" is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
      }
    }
  }
  if (auto v = r.get("applicationLabel"); v.present()) {
    if (auto l = v.asString()) {
      if (validLabelName(*l)) m.applicationLabel = *l;
      else v.error("expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*), got " + v.describe());
    }
  }
  readHealthProbe(r.get("readiness"), m.readiness);
  readHealthProbe(r.get("liveness"), m.liveness);
  r.acceptUnsupported({"https", "httpClientMetrics", "plugins", "timeout", "otlpExporter",
                       "opentelemetry", "httpCustomLabels"});
  r.ignore({"healthChecksTimeouts"});  // deprecated and unused in Watt too
  r.finish();
  s.metrics = m;
}

// `managementApi`: true/false (or a placeholder giving "true"/"false"), or an object with
// `logs.maxSize` (MB, at least 5) and `socket` (a path, relative to the project root).
void readManagementApi(const Node& node, RuntimeSettings& s, const fs::path& root) {
  ManagementApiConfig m;
  if (node.isBool() || node.isString()) {
    auto b = node.asBool();
    if (!b) return;
    m.enabled = *b;
  } else if (node.isObject()) {
    ObjectReader r(node);
    if (auto logs = r.get("logs"); logs.present()) {
      ObjectReader lr(logs);
      if (auto v = lr.get("maxSize"); v.present()) {
        if (auto n = v.asInteger(5, 1 << 20)) m.logsMaxSize = static_cast<int>(*n);
      }
      lr.finish();
    }
    if (auto v = r.get("socket"); v.present()) {
      if (auto p = v.asNonEmptyString()) m.socket = absoluteFrom(root, *p).string();
    }
    r.finish();
  } else {
    node.error("expected true, false or an object with \"logs\" and \"socket\", got " +
               node.describe());
    return;
  }
  s.managementApi = m;
}

bool isWattWorkersObject(const json::object& obj) {
  static const std::set<std::string, std::less<>> kKeys = {
      "static",      "dynamic",     "minimum",      "maximum",     "total",
      "maxMemory",   "cooldown",    "gracePeriod",  "scaleUpELU",  "scaleDownELU"};
  for (const auto& [k, v] : obj)
    if (!kKeys.contains(std::string_view(k))) return false;
  return true;
}

void readRuntimeWorkers(const Node& node, RuntimeSettings& s) {
  if (!node.present()) return;
  if (node.isObject() && !isWattWorkersObject(node.raw()->get_object())) {
    // The seed form: { "frontend": "{PLT_FRONTEND_WORKERS}", "api": 2 }, keyed by application id.
    for (const auto& [key, value] : node.raw()->get_object()) {
      Node item(node.file(), node.diagnostics(), &value, childPath(node.path(), key));
      if (auto n = item.asInteger(1, kMaxWorkers))
        s.perAppWorkers[std::string(key)] = {static_cast<int>(*n), item.path()};
    }
    return;
  }
  if (auto n = readWorkerCount(node)) s.defaultWorkers = *n;
}

// Reads the runtime settings keys present in `r` into `s`. Keys about applications are left for
// the caller to read.
void readRuntimeSettings(ObjectReader& r, RuntimeSettings& s, bool listens, const fs::path& root) {
  if (!listens) r.ignore({"server"});
  else if (auto v = r.get("server"); v.present()) readServer(v, s);
  if (auto v = r.get("logger"); v.present()) readLogger(v, s);
  if (auto v = r.get("restartOnError"); v.present()) s.restart = readRestartOnError(v);
  if (auto v = r.get("health"); v.present()) readHealth(v, s.health);
  if (auto v = r.get("startTimeout"); v.present()) s.startTimeout = readMillis(v);
  if (auto v = r.get("gracefulShutdown"); v.present()) readGracefulShutdown(v, s);
  if (auto v = r.get("telemetry"); v.present()) readTelemetry(v, s);
  if (auto v = r.get("workers"); v.present()) readRuntimeWorkers(v, s);
  if (auto v = r.get("env"); v.present()) {
    if (auto m = v.asStringMap()) s.env = *m;
  }
  if (auto v = r.get("metrics"); v.present()) readMetrics(v, s);
  if (auto v = r.get("strictEnv"); v.present()) {
    if (v.isString() && v.raw()->get_string() == "warn") s.strictEnv = false;
    else if (auto b = v.asBool()) s.strictEnv = *b;
  }
  if (auto v = r.get("managementApi"); v.present()) readManagementApi(v, s, root);
  r.acceptUnsupported({"preload", "extensions", "basePath", "workersRestartDelay", "reuseTcpPorts",
                       "exitOnUnhandledErrors", "healthProbes", "undici", "httpCache",
                       "watch", "management",
                       "verticalScaler", "inspectorOptions", "applicationTimeout",
                       "startupConcurrency", "messagingTimeout", "resolvedApplicationsBasePath",
                       "envfile", "sourceMaps", "nodeModulesSourceMaps", "scheduler", "policies",
                       "compileCache"});
}

// ---------------------------------------------------------------------------------------------
// Applications

struct Draft {
  ApplicationSpec spec;
  std::string where;  // "applications[1]" or "autoload: web/api", for messages
  std::string declaredIn;  // display name of the file that declares it
  std::string declaredPath;
  std::optional<int> workers;
  std::optional<std::string> envfile;  // as written, relative to the project root
  std::string envfilePath;             // JSON path of the envfile key
  std::vector<std::pair<std::string, std::string>> envBlock;
  std::optional<RestartPolicy> restart;
  HealthOverrides health;
  bool enabled = true;
  bool fromAutoload = false;
};

std::optional<bool> readEnabled(const Node& node, bool production) {
  if (!node.present()) return true;
  if (node.isBool()) return node.raw()->get_bool();
  if (node.isString()) return node.raw()->get_string() != "false";
  if (node.isObject()) {
    ObjectReader r(node);
    std::optional<bool> result = true;
    for (const char* env : {"production", "development"}) {
      auto v = r.get(env);
      if (v.present()) {
        auto b = v.asBool();
        if (b && std::string_view(env) == (production ? "production" : "development")) result = *b;
      }
    }
    r.finish();
    return result;
  }
  node.error("expected a boolean, a string or an object, got " + node.describe());
  return std::nullopt;
}

// Reads the keys common to application entries and autoload mappings.
void readApplicationEntry(ObjectReader& r, Draft& d, const fs::path& root, bool production,
                          bool isMapping) {
  if (auto v = r.get("id"); v.present()) {
    if (auto id = v.asNonEmptyString()) {
      if (!validApplicationId(*id)) {
        v.error("\"" + *id +
                "\" is not a valid application id: use letters, digits, '-', '_' and '.' (the id "
                "becomes the mesh hostname " +
                *id + ".plt.local)");
      }
      d.spec.id = *id;
    }
  } else {
    r.node().error("missing required key \"id\"");
  }
  if (!isMapping) {
    auto path = r.get("path");
    auto url = r.get("url");
    if (path.present()) {
      if (auto p = path.asString()) {
        if (p->empty()) {
          path.error("expected the application folder, got \"\"");
        } else {
          d.spec.path = absoluteFrom(root, *p).string();
          d.declaredPath = path.path();
        }
      }
    } else if (url.present()) {
      url.error("applications given only by repository \"url\" are not supported: clone the "
                "repository and set \"path\" to its folder");
    } else {
      r.node().error("missing required key \"path\" (the application folder)");
    }
    if (url.present()) (void)url.asString();
    r.acceptUnsupported({"gitBranch"});
  }
  if (auto v = r.get("config"); v.present()) {
    if (auto c = v.asNonEmptyString()) d.spec.configFile = *c;  // resolved against the path later
  }
  // The seeds name the kind inside the entry: { "id": "users-api", "$schema": "@platformatic/db" }.
  if (auto v = r.get("$schema"); v.present()) {
    if (auto s = v.asString()) {
      if (auto m = moduleFromSchema(*s)) d.spec.kind = m->module;
      else v.error("expected an application kind such as \"@platformatic/node\", got " + v.describe());
    }
  }
  if (auto v = r.get("workers"); v.present()) d.workers = readWorkerCount(v);
  if (auto v = r.get("env"); v.present()) {
    if (auto m = v.asStringMap()) d.envBlock = *m;
  }
  if (auto v = r.get("envfile"); v.present()) {
    if (auto e = v.asNonEmptyString()) {
      d.envfile = *e;
      d.envfilePath = v.path();
    }
  }
  if (auto v = r.get("dependencies"); v.present()) {
    if (auto deps = v.asStringArray()) d.spec.dependencies = *deps;
  }
  if (auto v = r.get("restartOnError"); v.present()) {
    d.restart = readRestartOnError(v);
  }
  if (auto v = r.get("health"); v.present()) readHealth(v, d.health);
  if (auto v = r.get("enabled"); v.present()) {
    if (auto e = readEnabled(v, production)) d.enabled = *e;
  }
  if (auto v = r.get("execArgv"); v.present()) {
    if (auto a = v.asStringArray()) d.spec.execArgv.insert(d.spec.execArgv.end(), a->begin(), a->end());
  }
  if (auto v = r.get("nodeOptions"); v.present()) {
    if (auto s = v.asString()) {
      std::string_view rest = *s;
      while (!rest.empty()) {
        rest = ascii::trim(rest);
        size_t space = rest.find(' ');
        if (!rest.empty()) d.spec.execArgv.emplace_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
      }
    }
  }
  if (auto v = r.get("arguments"); v.present()) {
    if (auto a = v.asStringArray()) d.spec.arguments = *a;
  }
  r.acceptUnsupported({"useHttp", "websocket", "reuseTcpPorts", "sourceMaps",
                       "nodeModulesSourceMaps", "packageManager", "preload", "permissions",
                       "telemetry", "compileCache", "management"});
  r.finish();
}

// ---------------------------------------------------------------------------------------------

class ProjectLoader {
 public:
  ProjectLoader(const LoadOptions& options, const KindParsers& kinds, Diagnostics& diags)
      : options_(options), kinds_(kinds), diags_(diags) {}

  std::optional<RuntimeConfig> load();

 private:
  bool locateConfig();
  bool parseRootFile();
  void readRuntimeFile();
  void readWrappedApplication(const ModuleRef& module);
  void readApplicationArrays(ObjectReader& r);
  void readAutoload(const Node& node);
  void resolveApplications();
  void resolveEntrypoint();
  void parseApplicationConfigs();
  EnvMap applicationEnv(const Draft& d);

  const LoadOptions& options_;
  const KindParsers& kinds_;
  Diagnostics& diags_;

  fs::path root_;
  fs::path configPath_;
  std::string autodetectedKind_;  // set when the folder has no config file at all
  RuntimeEnv env_;
  SourceFile rootFile_;
  RuntimeSettings settings_;
  std::vector<Draft> drafts_;
  std::optional<std::string> entrypoint_;
  std::string entrypointPath_ = "entrypoint";
  RuntimeConfig config_;
};

bool ProjectLoader::locateConfig() {
  std::error_code ec;
  fs::path dir = options_.directory.empty() ? fs::current_path(ec)
                                            : absoluteFrom(fs::current_path(ec), options_.directory);
  if (!fs::is_directory(dir, ec)) {
    diags_.error(options_.directory, "", "is not a folder (the project to start)");
    return false;
  }
  dir = fs::weakly_canonical(dir, ec);
  if (!options_.configFile.empty()) {
    configPath_ = absoluteFrom(fs::current_path(ec), options_.configFile);
    if (!fs::is_regular_file(configPath_, ec)) {
      diags_.error(options_.configFile, "", "configuration file not found (given with --config)");
      return false;
    }
    root_ = configPath_.parent_path();
    return true;
  }
  root_ = dir;
  if (auto name = findConfigFile(dir.string())) {
    configPath_ = dir / *name;
    return true;
  }
  if (auto kind = detectKindFromFolder(dir.string())) {
    autodetectedKind_ = *kind;
    return true;
  }
  diags_.error(dir.string(), "",
               "no watt.json or platformatic.json here, and nothing to start without one (no "
               "package.json dependency or JavaScript file to detect an application from)");
  return false;
}

bool ProjectLoader::parseRootFile() {
  env_ = loadRuntimeEnv(root_, options_, diags_);
  if (!autodetectedKind_.empty()) {
    rootFile_.displayName = "(no config file)";
    rootFile_.document = json::object();
    return true;
  }
  rootFile_.absolutePath = configPath_.string();
  rootFile_.displayName = displayName(root_, configPath_);
  auto ext = configPath_.extension().string();
  if (ext != ".json") {
    diags_.error(rootFile_.displayName, "",
                 "only JSON configuration files are supported by this server; convert this " +
                     ext.substr(1) + " file to watt.json");
    return false;
  }
  auto parsed = readJsonFile(rootFile_.absolutePath);
  if (!parsed) {
    diags_.error(rootFile_.displayName, "", parsed.error().message);
    return false;
  }
  rootFile_.document = std::move(*parsed);
  if (!rootFile_.document.is_object()) {
    diags_.error(rootFile_.displayName, "", "expected a JSON object at the top level");
    return false;
  }
  for (const auto& path : substitutePlaceholders(rootFile_.document, env_.env, rootFile_.missing))
    diags_.error(rootFile_.displayName, path, "placeholder expansion does not terminate");
  return true;
}

void ProjectLoader::readRuntimeFile() {
  auto module = moduleFromConfig(rootFile_.document);
  bool isRuntime = !module || module->module == "@platformatic/runtime" ||
                   module->module == "@platformatic/wattpm";
  if (!autodetectedKind_.empty()) {
    readWrappedApplication(ModuleRef{autodetectedKind_, ""});
    return;
  }
  if (module && !isRuntime) {
    readWrappedApplication(*module);
    return;
  }
  Node rootNode(rootFile_, diags_, &rootFile_.document, "");
  ObjectReader r(rootNode);
  r.ignore({"$schema", "module"});
  // The seed form nests runtime settings under "runtime"; the top level wins on conflicts.
  if (auto nested = r.get("runtime"); nested.present()) {
    ObjectReader nr(nested);
    readRuntimeSettings(nr, settings_, options_.listens, root_);
    nr.finish();
  }
  readRuntimeSettings(r, settings_, options_.listens, root_);
  if (auto v = r.get("entrypoint"); v.present()) {
    if (auto e = v.asNonEmptyString()) entrypoint_ = *e;
  }
  readApplicationArrays(r);
  if (auto v = r.get("autoload"); v.present()) readAutoload(v);
  r.finish();
  if (!r.has("applications") && !r.has("services") && !r.has("web") && !r.has("autoload")) {
    diags_.error(rootFile_.displayName, "",
                 "no applications: add \"autoload\": { \"path\": \"web\" } or an \"applications\" "
                 "array");
  }
}

// A folder whose config file is an application's own (node, gateway, db, ...): Watt runs it as a
// runtime with that single application as the entrypoint; its "runtime" key holds runtime
// settings.
void ProjectLoader::readWrappedApplication(const ModuleRef& module) {
  Draft d;
  std::string id = "main";
  if (auto pkg = readJsonFile((root_ / "package.json").string());
      pkg && pkg->is_object() && pkg->get_object().contains("name") &&
      pkg->get_object().at("name").is_string()) {
    id = std::string(pkg->get_object().at("name").get_string());
    if (id.starts_with("@") && id.find('/') != std::string::npos) id = id.substr(id.find('/') + 1);
  }
  d.spec.id = id;
  d.spec.path = root_.string();
  d.spec.configFile = configPath_.empty() ? "" : configPath_.string();
  d.spec.kind = module.module;
  d.where = rootFile_.displayName;
  d.declaredIn = rootFile_.displayName;
  Node rootNode(rootFile_, diags_, &rootFile_.document, "");
  if (rootFile_.document.is_object()) {
    ObjectReader r(rootNode);
    // Only runtime settings are read here; the kind reads the rest of this same file.
    if (auto nested = r.get("runtime"); nested.present()) {
      ObjectReader nr(nested);
      readRuntimeSettings(nr, settings_, options_.listens, root_);
      if (auto app = nr.get("application"); app.present()) {
        ObjectReader ar(app);
        ar.ignore({"id", "path"});
        if (auto v = ar.get("workers"); v.present()) d.workers = readWorkerCount(v);
        if (auto v = ar.get("health"); v.present()) readHealth(v, d.health);
        if (auto v = ar.get("env"); v.present()) {
          if (auto m = v.asStringMap()) d.envBlock = *m;
        }
        ar.acceptUnsupported({"envfile", "dependencies", "restartOnError", "execArgv", "nodeOptions",
                              "arguments", "preload", "sourceMaps", "telemetry",
                              "permissions", "compileCache"});
        ar.finish();
      }
      nr.finish();
    }
    // The application's own "server" block also places the public listener (Watt keeps its
    // hostname and port); the kind validates the whole block.
    if (auto server = r.get("server"); server.isObject()) {
      const auto& obj = server.raw()->get_object();
      if (auto it = obj.find("hostname"); it != obj.end()) {
        Node n(rootFile_, diags_, &it->value(), "server.hostname");
        if (auto h = n.asString()) settings_.hostname = *h;
      }
      if (auto it = obj.find("port"); it != obj.end()) {
        Node n(rootFile_, diags_, &it->value(), "server.port");
        if (auto p = n.asInteger(0, 65535)) settings_.port = static_cast<uint16_t>(*p);
      }
    }
  }
  entrypoint_ = id;
  drafts_.push_back(std::move(d));
}

void ProjectLoader::readApplicationArrays(ObjectReader& r) {
  for (const char* key : {"applications", "services", "web"}) {
    auto list = r.get(key);
    if (!list.present()) continue;
    if (!list.isArray()) {
      list.error("expected an array of applications, got " + list.describe());
      continue;
    }
    const auto& array = list.raw()->get_array();
    for (size_t i = 0; i < array.size(); ++i) {
      Node item(rootFile_, diags_, &array[i], indexPath(list.path(), i));
      ObjectReader er(item);
      if (!er.valid()) continue;
      Draft d;
      d.where = item.path();
      d.declaredIn = rootFile_.displayName;
      readApplicationEntry(er, d, root_, options_.production, false);
      drafts_.push_back(std::move(d));
    }
  }
}

void ProjectLoader::readAutoload(const Node& node) {
  ObjectReader r(node);
  if (!r.valid()) return;
  auto pathNode = r.get("path");
  std::optional<std::string> path;
  if (pathNode.present()) path = pathNode.asNonEmptyString();
  else r.node().error("missing required key \"path\" (the folder holding one folder per application)");
  std::vector<std::string> exclude;
  if (auto v = r.get("exclude"); v.present()) {
    if (auto e = v.asStringArray()) exclude = *e;
  }
  auto mappings = r.get("mappings");
  std::map<std::string, Draft> mapped;
  if (mappings.present()) {
    ObjectReader mr(mappings);
    if (mr.valid()) {
      for (const auto& [name, value] : mappings.raw()->get_object()) {
        auto entry = mr.get(name);
        ObjectReader er(entry);
        if (!er.valid()) continue;
        Draft d;
        d.where = entry.path();
        readApplicationEntry(er, d, root_, options_.production, true);
        mapped.emplace(std::string(name), std::move(d));
      }
    }
    mr.finish();
  }
  r.finish();
  if (!path) return;
  fs::path dir = absoluteFrom(root_, *path);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    pathNode.error("folder " + displayName(root_, dir) + " does not exist");
    return;
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory(ec)) continue;
    std::string name = entry.path().filename().string();
    if (std::find(exclude.begin(), exclude.end(), name) != exclude.end()) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());  // deterministic, unlike readdir order
  for (const auto& name : names) {
    Draft d;
    if (auto it = mapped.find(name); it != mapped.end()) d = std::move(it->second);
    if (d.spec.id.empty()) d.spec.id = name;
    d.spec.path = (dir / name).string();
    d.where = "autoload: " + displayName(root_, dir / name);
    d.declaredIn = rootFile_.displayName;
    d.fromAutoload = true;
    drafts_.push_back(std::move(d));
  }
  for (const auto& [name, d] : mapped) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      diags_.error(rootFile_.displayName, d.where,
                   "no folder \"" + name + "\" in " + displayName(root_, dir) + " to map");
    }
  }
}

EnvMap ProjectLoader::applicationEnv(const Draft& d) {
  EnvMap env = env_.env;
  std::error_code ec;
  fs::path envfile = d.envfile ? absoluteFrom(root_, *d.envfile) : fs::path(d.spec.path) / ".env";
  if (fs::is_regular_file(envfile, ec)) {
    if (auto text = readTextFile(envfile.string())) {
      for (auto& [key, value] : parseEnvFile(*text)) {
        // The application's file overrides the root .env, never the real environment.
        if (!env.contains(key) || env_.fallbackKeys.contains(key)) env[key] = value;
      }
    }
  } else if (d.envfile) {
    diags_.error(d.declaredIn, d.envfilePath,
                 "env file " + displayName(root_, envfile) + " does not exist");
  }
  for (const auto& [k, v] : settings_.env) env[k] = v;
  for (const auto& [k, v] : d.envBlock) env[k] = v;
  env["PLT_DEV"] = options_.production ? "false" : "true";
  env["PLT_ENVIRONMENT"] = options_.production ? "production" : "development";
  if (options_.production && !env.contains("NODE_ENV")) env["NODE_ENV"] = "production";
  return env;
}

void ProjectLoader::resolveApplications() {
  // Merge autoloaded folders with explicit entries of the same id; reject real collisions.
  std::vector<Draft> merged;
  std::map<std::string, size_t> byId;
  for (auto& d : drafts_) {
    if (d.spec.id.empty()) continue;  // already reported
    auto it = byId.find(d.spec.id);
    if (it == byId.end()) {
      byId[d.spec.id] = merged.size();
      merged.push_back(std::move(d));
      continue;
    }
    Draft& first = merged[it->second];
    std::error_code ec;
    bool samePlace = fs::weakly_canonical(first.spec.path, ec) == fs::weakly_canonical(d.spec.path, ec);
    if ((first.fromAutoload != d.fromAutoload) && samePlace) {
      if (first.fromAutoload) std::swap(first, d);  // the explicit entry wins
      continue;
    }
    diags_.error(d.declaredIn, d.where,
                 "duplicate application id \"" + d.spec.id + "\" (also declared at " + first.where +
                     "); every application needs its own id, it is its mesh hostname");
  }
  drafts_ = std::move(merged);

  std::erase_if(drafts_, [](const Draft& d) { return !d.enabled; });

  std::error_code ec;
  for (auto& d : drafts_) {
    if (d.spec.path.empty()) continue;
    if (!fs::is_directory(d.spec.path, ec)) {
      diags_.error(d.declaredIn, d.declaredPath.empty() ? d.where : d.declaredPath,
                   "application \"" + d.spec.id + "\": folder " + displayName(root_, d.spec.path) +
                       " does not exist");
      d.spec.path.clear();
      continue;
    }
    // The application's own config file and kind.
    if (!d.spec.configFile.empty() && !fs::path(d.spec.configFile).is_absolute()) {
      d.spec.configFile = absoluteFrom(d.spec.path, d.spec.configFile).string();
      if (!fs::is_regular_file(d.spec.configFile, ec)) {
        diags_.error(d.declaredIn, d.where,
                     "application \"" + d.spec.id + "\": config file " +
                         displayName(root_, d.spec.configFile) + " does not exist");
        continue;
      }
    } else if (d.spec.configFile.empty()) {
      if (auto name = findConfigFile(d.spec.path)) d.spec.configFile = (fs::path(d.spec.path) / *name).string();
    }
    if (!d.spec.configFile.empty()) d.spec.configDisplayName = displayName(root_, d.spec.configFile);
    if (d.spec.kind.empty() && !d.spec.configFile.empty()) {
      if (fs::path(d.spec.configFile).extension() == ".json") {
        if (auto doc = readJsonFile(d.spec.configFile); doc) {
          if (auto m = moduleFromConfig(*doc)) d.spec.kind = m->module;
        }
      }
    }
    if (d.spec.kind.empty()) {
      if (auto k = detectKindFromFolder(d.spec.path)) {
        d.spec.kind = *k;
      } else {
        diags_.error(d.declaredIn, d.where,
                     "application \"" + d.spec.id + "\": cannot tell what kind of application " +
                         displayName(root_, d.spec.path) +
                         " is: add a platformatic.json with a \"$schema\" such as "
                         "https://schemas.platformatic.dev/@platformatic/node/3.0.0.json");
        continue;
      }
    }
    if (const auto* kind = findKind(kinds_, d.spec.kind)) {
      d.spec.kind = kind->name;
    } else {
      diags_.error(d.spec.configDisplayName.empty() ? d.declaredIn : d.spec.configDisplayName,
                   d.spec.configDisplayName.empty() ? d.where : "$schema",
                   "application \"" + d.spec.id + "\" is of kind " + d.spec.kind +
                       ", which this server does not run yet (supported: " + supportedKinds(kinds_) +
                       ")");
    }
  }

  // Workers: the application's own setting, else the runtime's per-application map, else the
  // runtime default.
  for (auto& d : drafts_) {
    if (d.workers) d.spec.workers = *d.workers;
    else if (auto it = settings_.perAppWorkers.find(d.spec.id); it != settings_.perAppWorkers.end())
      d.spec.workers = it->second.first;
    else if (settings_.defaultWorkers) d.spec.workers = *settings_.defaultWorkers;
  }
  for (const auto& [appId, entry] : settings_.perAppWorkers) {
    const std::string& id = appId;  // (clang 14 cannot capture structured bindings)
    bool found = std::any_of(drafts_.begin(), drafts_.end(), [&](const Draft& d) { return d.spec.id == id; });
    if (!found) {
      diags_.error(rootFile_.displayName, entry.second,
                   "no application with id \"" + id + "\" to give workers to");
    }
  }
  // Dependencies must name applications.
  for (const auto& d : drafts_) {
    for (const auto& dep : d.spec.dependencies) {
      bool found = std::any_of(drafts_.begin(), drafts_.end(), [&](const Draft& o) { return o.spec.id == dep; });
      if (!found) {
        diags_.error(d.declaredIn, d.where,
                     "application \"" + d.spec.id + "\" depends on \"" + dep +
                         "\", which is not an application of this project");
      }
    }
  }
}

void ProjectLoader::resolveEntrypoint() {
  std::string known;
  for (const auto& d : drafts_) known += (known.empty() ? "" : ", ") + d.spec.id;
  if (entrypoint_) {
    bool found = std::any_of(drafts_.begin(), drafts_.end(), [&](const Draft& d) { return d.spec.id == *entrypoint_; });
    if (!found) {
      diags_.error(rootFile_.displayName, entrypointPath_,
                   "no application with id \"" + *entrypoint_ + "\" (applications: " + known + ")");
      return;
    }
    config_.entrypoint = *entrypoint_;
    return;
  }
  if (drafts_.size() == 1) {
    config_.entrypoint = drafts_[0].spec.id;
    return;
  }
  std::vector<std::string> gateways;
  for (const auto& d : drafts_)
    if (d.spec.kind == "@platformatic/gateway" && !d.spec.configFile.empty()) gateways.push_back(d.spec.id);
  if (gateways.size() == 1) {
    config_.entrypoint = gateways[0];
    return;
  }
  if (drafts_.empty()) return;  // reported elsewhere
  diags_.error(rootFile_.displayName, "entrypoint",
               "not set, and it cannot be chosen automatically (" + std::to_string(drafts_.size()) +
                   " applications, " + std::to_string(gateways.size()) +
                   " gateways): set \"entrypoint\" to one of: " + known);
}

void ProjectLoader::parseApplicationConfigs() {
  for (auto& d : drafts_) {
    if (d.spec.path.empty()) continue;
    d.spec.env = applicationEnv(d);
    d.spec.entrypoint = d.spec.id == config_.entrypoint;
    d.spec.restart = d.restart.value_or(config_.restart);
    d.spec.health = config_.health;
    d.health.applyTo(d.spec.health);
    config_.applications.push_back(d.spec);
  }
  for (auto& app : config_.applications) {
    const KindParser* kind = findKind(kinds_, app.kind);
    if (!kind) continue;
    KindParseContext ctx{app, config_};
    SourceFile file;
    file.displayName = app.configDisplayName;
    file.absolutePath = app.configFile;
    bool haveDocument = false;
    if (!app.configFile.empty() && fs::path(app.configFile).extension() != ".json") {
      diags_.error(app.configDisplayName, "",
                   "only JSON configuration files are supported by this server");
      continue;
    }
    if (!app.configFile.empty()) {
      auto parsed = readJsonFile(app.configFile);
      if (!parsed) {
        diags_.error(app.configDisplayName, "", parsed.error().message);
        continue;
      }
      file.document = std::move(*parsed);
      for (const auto& path : substitutePlaceholders(file.document, app.env, file.missing))
        diags_.error(file.displayName, path, "placeholder expansion does not terminate");
      haveDocument = true;
    }
    Node rootNode(file, diags_, haveDocument ? &file.document : nullptr, "");
    ObjectReader r(rootNode);
    r.ignore({"$schema", "module", "runtime"});
    // The application's own `logger.level` (the rest of its logger block is the runtime's to say).
    if (auto logger = r.get("logger"); logger.present()) {
      ObjectReader lr(logger);
      if (lr.valid()) {
        if (auto v = lr.get("level"); v.present()) app.logLevel = readLogLevel(v);
        lr.acceptUnsupported({"transport", "pipeline", "formatters", "timestamp", "redact", "base",
                              "messageKey", "customLevels", "openTelemetryExporter", "captureStdio"});
        lr.finish();
      }
    }
    app.kindConfig = kind->parse(r, ctx);
    r.finish();
    if (kind->validateFolder) kind->validateFolder(ctx, diags_);
  }
}

std::optional<RuntimeConfig> ProjectLoader::load() {
  if (!locateConfig()) return std::nullopt;
  if (!parseRootFile()) return std::nullopt;
  readRuntimeFile();
  resolveApplications();
  resolveEntrypoint();

  config_.root = root_.string();
  config_.configFile = configPath_.string();
  config_.server = settings_.server;
  if (settings_.hostname) config_.server.hostname = *settings_.hostname;
  if (settings_.port) config_.server.port = *settings_.port;
  if (settings_.logLevel) config_.logger.level = *settings_.logLevel;
  if (settings_.redactPaths) config_.logger.redactPaths = *settings_.redactPaths;
  if (settings_.redactCensor) config_.logger.redactCensor = *settings_.redactCensor;
  if (settings_.logTargets) {
    config_.logger.targets = *settings_.logTargets;
    for (auto& t : config_.logger.targets) {
      if (!t.path.empty()) t.path = (root_ / t.path).lexically_normal().string();
    }
  }
  if (settings_.restart) config_.restart = *settings_.restart;
  settings_.health.applyTo(config_.health);
  if (settings_.startTimeout) config_.startTimeout = *settings_.startTimeout;
  config_.gracefulShutdown = settings_.graceful;
  if (settings_.metrics) config_.metrics = *settings_.metrics;
  if (settings_.telemetry) {
    config_.telemetry = *settings_.telemetry;
    for (auto& e : config_.telemetry.exporters)
      if (!e.path.empty()) e.path = absoluteFrom(root_, e.path).string();
  }
  if (settings_.managementApi) config_.managementApi = *settings_.managementApi;
  config_.env = env_.env;
  config_.env["PLT_DEV"] = options_.production ? "false" : "true";  // as Watt's runtime sets them
  config_.env["PLT_ENVIRONMENT"] = options_.production ? "production" : "development";

  if (settings_.strictEnv.value_or(false)) {
    for (const auto& [path, names] : rootFile_.missing.byPath) {
      for (const auto& name : names)
        diags_.error(rootFile_.displayName, path,
                     "the placeholder {" + name + "} refers to an environment variable that is "
                     "not set (strictEnv is on)");
    }
  }
  parseApplicationConfigs();
  if (diags_.hasErrors()) return std::nullopt;
  return std::move(config_);
}

}  // namespace

LoadResult loadProject(const LoadOptions& options, const KindParsers& kinds) {
  LoadResult result;
  ProjectLoader loader(options, kinds, result.diagnostics);
  result.config = loader.load();
  return result;
}

EnvMap currentProcessEnv() {
  EnvMap env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

}  // namespace watt::config
