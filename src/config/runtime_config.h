// The typed, immutable configuration of a project: what `watt start` runs. Produced once by
// the loader (config/loader.h) from watt.json / platformatic.json files, `.env` files and the
// environment; runtime code reads these structs and never JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/env_file.h"
#include "config/kind_parser.h"

namespace watt::config {

using Millis = std::chrono::milliseconds;

enum class LogLevel : int {
  kTrace = 10,
  kDebug = 20,
  kInfo = 30,
  kWarn = 40,
  kError = 50,
  kFatal = 60,
  kSilent = 1000
};

std::optional<LogLevel> parseLogLevel(std::string_view name);
std::string_view logLevelName(LogLevel level);

// Where log records go: pino's `logger.transport` targets this server writes itself.
struct LogTarget {
  enum class Format { kJson, kPretty };  // `pino/file`: JSON lines; `pino-pretty`: readable lines
  Format format = Format::kJson;
  std::string path;      // a file (absolute); empty: the descriptor `fd`
  int fd = 1;            // 1 (stdout) or 2 (stderr) when `path` is empty
  bool mkdir = false;    // create the file's folder
  bool append = true;    // else truncate at start
  std::optional<bool> colorize;        // pino-pretty: default when the destination is a terminal
  std::optional<LogLevel> level;       // default: the logger's level
};

struct LoggerConfig {
  LogLevel level = LogLevel::kInfo;
  // pino's `redact`: these paths of every record (the runtime's own and the applications' pino
  // lines) have their value replaced by `redactCensor` when present.
  std::vector<std::string> redactPaths;
  std::string redactCensor = "[redacted]";
  // Empty: JSON lines on stdout, readable lines when stdout is a terminal.
  std::vector<LogTarget> targets;
};

// The public listener of the entrypoint. hostname/port are Watt's keys; the limits are this
// server's (Watt takes them from Fastify options); see README "Configuration extensions".
struct ServerConfig {
  std::string hostname;  // empty: all interfaces
  uint16_t port = 0;     // 0: an ephemeral port, as Watt does without a server block
  int backlog = 511;
  uint64_t bodyLimit = 1024 * 1024;  // Fastify's default
  uint32_t maxHeaderSize = 16 * 1024;  // Node's default
  Millis keepAliveTimeout{72'000};     // Fastify's default
  Millis headersTimeout{60'000};       // Node's default
  Millis requestTimeout{300'000};      // Node's default
  unsigned threads = 0;                // event-loop threads; 0 = one per CPU
};

// Watt's `telemetry` block (OpenTelemetry tracing): spans of every request, exported in batches.
// `applicationName` names the runtime; each application's spans carry the service name
// "{applicationName}-{application id}", as Watt names them.
struct TelemetryExporter {
  enum class Type { kConsole, kOtlp, kFile, kMemory, kZipkin };
  Type type = Type::kConsole;
  std::string url;  // otlp: the OTLP/HTTP traces endpoint
  std::vector<std::pair<std::string, std::string>> headers;  // otlp: sent with every export
  std::string path;  // file: absolute path of the JSON-lines file
  bool json = false;  // otlp: OTLP/JSON (`protocol: "http/json"`) instead of protobuf (Watt's)
};

struct TelemetrySkip {
  std::string method;  // empty: any method
  std::string path;    // compared with the request path (query excluded)
};

struct TelemetryConfig {
  bool enabled = false;  // true when the block is present and `enabled` is not false
  std::string applicationName;
  std::string version;
  std::vector<TelemetrySkip> skip;
  std::vector<TelemetryExporter> exporters;
};

struct GracefulShutdown {
  Millis runtime{30'000};
  Millis application{10'000};
  bool closeConnections = true;
};

// The management API (`managementApi`): an HTTP API on a Unix socket readable only by the
// runtime's user, at $TMPDIR/platformatic/runtimes/<pid>/socket unless `socket` says otherwise.
// On by default, as in Watt. `logsMaxSize` (MB) sizes Watt's on-disk log history, which this
// server does not keep: it is validated and otherwise unused.
struct ManagementApiConfig {
  bool enabled = true;
  std::string socket;  // absolute path; empty: the default location
  int logsMaxSize = 200;
};

// Restart policy of an application whose process or worker ends unexpectedly.
struct RestartPolicy {
  bool enabled = true;
  Millis delay{0};
};

// Watt's `health`: when a worker of a Node application counts as unhealthy, and how many checks
// in a row it may fail before it is replaced. Runtime-wide; an application's own `health` keys
// override it key by key.
struct HealthConfig {
  bool enabled = true;
  Millis interval{30000};     // between two checks of a worker (at least 1000)
  Millis gracePeriod{30000};  // after a worker starts, before its first check
  int maxUnhealthyChecks = 10;
  double maxELU = 0.99;                      // event-loop utilization, 0..1
  double maxHeapUsed = 0.99;                 // heap used as a fraction of maxHeapTotal
  double maxHeapTotal = 4.0 * 1024 * 1024 * 1024;  // bytes
  double maxEventLoopDelay = 0;     // ms, the worst delay since the previous check; 0: unchecked
  double maxEventLoopDelayP99 = 0;  // ms, the worst per-second p99; 0: unchecked
};

struct ApplicationSpec {
  std::string id;
  std::string path;        // absolute folder
  std::string configFile;  // absolute path of its own config file, empty when it has none
  std::string configDisplayName;  // configFile relative to the project root
  std::string kind;        // canonical kind name, "@platformatic/node"
  int workers = 1;
  bool entrypoint = false;
  std::vector<std::string> dependencies;
  RestartPolicy restart;
  HealthConfig health;
  std::vector<std::string> execArgv;   // extra `node` flags (execArgv, nodeOptions)
  std::vector<std::string> arguments;  // process.argv additions
  std::optional<LogLevel> logLevel;    // its own `logger.level`; default: the runtime's
  EnvMap env;  // the complete environment the application sees
  std::shared_ptr<const KindConfig> kindConfig;
};

// A health probe of the metrics listener (Watt's metrics.readiness / metrics.liveness).
struct HealthProbeConfig {
  bool enabled = true;
  std::string endpoint;
  int successStatus = 200;
  std::string successBody = "OK";
  int failStatus = 500;
  std::string failBody = "ERR";
};

// The Prometheus listener (Watt's `metrics`): true, or an object; absent or false = off.
struct MetricsConfig {
  bool enabled = false;
  std::string hostname = "0.0.0.0";
  uint16_t port = 9090;
  std::string endpoint = "/metrics";
  std::optional<std::pair<std::string, std::string>> auth;  // basic auth: username, password
  std::vector<std::pair<std::string, std::string>> labels;  // added to every series
  std::string applicationLabel = "applicationId";
  HealthProbeConfig readiness{true, "/ready"};
  HealthProbeConfig liveness{true, "/status"};
};

struct RuntimeConfig {
  std::string root;        // absolute project folder
  std::string configFile;  // absolute path of the runtime config file (may be synthesized)
  std::string entrypoint;  // application id
  ServerConfig server;
  LoggerConfig logger;
  TelemetryConfig telemetry;
  GracefulShutdown gracefulShutdown;
  MetricsConfig metrics;
  ManagementApiConfig managementApi;
  RestartPolicy restart;
  HealthConfig health;  // the runtime-wide `health`; ApplicationSpec::health is what applies
  Millis startTimeout{30'000};
  EnvMap env;  // environment of the runtime (real environment + root .env + PLT_*)
  std::vector<ApplicationSpec> applications;

  const ApplicationSpec* find(std::string_view id) const;
};

}  // namespace watt::config
