#include "config/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kinds/gateway/gateway_config.h"
#include "kinds/node/node_config.h"
#include "project_dir.h"
#include "runtime/kind.h"

namespace watt::config {
namespace {

using ::testing::HasSubstr;
using watt::testing::ProjectDir;

LoadResult load(const ProjectDir& dir, EnvMap env = {}, LoadOptions extra = {}) {
  extra.directory = dir.path();
  extra.processEnv = std::move(env);
  return loadProject(extra, runtime::builtinKinds().parsers());
}

std::string errors(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics.all())
    if (d.severity == Diagnostic::Severity::kError) out += d.format() + "\n";
  return out;
}

std::string warnings(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics.all())
    if (d.severity == Diagnostic::Severity::kWarning) out += d.format() + "\n";
  return out;
}

// A gateway at web/gateway listing api, plus a node app web/api.
void basicProject(const ProjectDir& dir, const std::string& wattJson) {
  dir.write("watt.json", wattJson);
  dir.gatewayApp("web/gateway", R"({"applications":[{"id":"api","proxy":{"prefix":"/api"}}]})");
  dir.nodeApp("web/api");
}

TEST(Loader, LoadsAutoloadProjectAndPicksTheOnlyGatewayAsEntrypoint) {
  ProjectDir dir;
  basicProject(dir, R"({"$schema":"https://schemas.platformatic.dev/wattpm/3.0.0.json",
    "server":{"hostname":"127.0.0.1","port":3042},"autoload":{"path":"web"}})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const auto& c = *r.config;
  EXPECT_EQ(c.entrypoint, "gateway");
  EXPECT_EQ(c.server.hostname, "127.0.0.1");
  EXPECT_EQ(c.server.port, 3042);
  ASSERT_EQ(c.applications.size(), 2u);
  EXPECT_EQ(c.find("api")->kind, "@platformatic/node");
  EXPECT_EQ(c.find("gateway")->kind, "@platformatic/gateway");
  EXPECT_TRUE(c.find("gateway")->entrypoint);
  EXPECT_FALSE(c.find("api")->entrypoint);
}

TEST(Loader, MergesApplicationsServicesAndWebArrays) {
  ProjectDir dir;
  dir.write("platformatic.json", R"({"entrypoint":"a",
    "applications":[{"id":"a","path":"apps/a"}],
    "services":[{"id":"b","path":"./apps/b"}],
    "web":[{"id":"c","path":"apps/c"}]})");
  for (auto n : {"a", "b", "c"}) dir.nodeApp(std::string("apps/") + n);
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->applications.size(), 3u);
  EXPECT_EQ(r.config->find("b")->path, dir / "apps/b");
}

TEST(Loader, SeedFormRuntimeBlockAndWorkersMap) {
  ProjectDir dir;
  dir.write("watt.json", R"({"$schema":"https://schemas.platformatic.dev/@platformatic/runtime/3.0.0.json",
    "entrypoint":"composer",
    "web":[{"id":"composer","path":"web/composer"},{"id":"frontend","path":"web/frontend"}],
    "workers":{"frontend":"{PLT_FRONTEND_WORKERS}"},
    "runtime":{"logger":{"level":"{PLT_SERVER_LOGGER_LEVEL}"},
               "server":{"hostname":"{PLT_SERVER_HOSTNAME}","port":"{PORT}"}}})");
  dir.write("web/composer/platformatic.json",
            R"({"$schema":"https://schemas.platformatic.dev/composer/2.0.0.json",
                "composer":{"services":[{"id":"frontend","origin":"internal://frontend","proxy":{"prefix":"/"}}]}})");
  dir.nodeApp("web/frontend");
  auto r = load(dir, {{"PLT_FRONTEND_WORKERS", "4"}, {"PLT_SERVER_LOGGER_LEVEL", "warn"},
                      {"PLT_SERVER_HOSTNAME", "0.0.0.0"}, {"PORT", "3100"}});
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->find("frontend")->workers, 4);
  EXPECT_EQ(r.config->find("composer")->workers, 1);
  EXPECT_EQ(r.config->logger.level, LogLevel::kWarn);
  EXPECT_EQ(r.config->server.hostname, "0.0.0.0");
  EXPECT_EQ(r.config->server.port, 3100);
  EXPECT_EQ(r.config->find("composer")->kind, "@platformatic/gateway");
  const auto& g = static_cast<const kinds::gateway::GatewayConfig&>(*r.config->find("composer")->kindConfig);
  ASSERT_EQ(g.routes.size(), 1u);
  EXPECT_EQ(g.routes[0].meshId, "frontend");
  EXPECT_EQ(g.routes[0].prefix, "");
}

TEST(Loader, WorkersNumberStringAndPerApplication) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","workers":"{W}",
    "applications":[{"id":"a","path":"a"},{"id":"b","path":"b","workers":3},{"id":"c","path":"c","workers":{"static":2}}]})");
  for (auto n : {"a", "b", "c"}) dir.nodeApp(n);
  auto r = load(dir, {{"W", "5"}});
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->find("a")->workers, 5);
  EXPECT_EQ(r.config->find("b")->workers, 3);
  EXPECT_EQ(r.config->find("c")->workers, 2);
}

TEST(Loader, HealthDefaultsRuntimeValuesAndPerApplicationKeysMerge) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a",
    "health":{"maxELU":0.8,"interval":"2000","maxHeapTotal":"512MB","maxYoungGeneration":1},
    "applications":[{"id":"a","path":"a"},
                    {"id":"b","path":"b","health":{"maxELU":0.5,"maxUnhealthyChecks":2,
                                                   "gracePeriod":0,"maxEventLoopDelay":200}}]})");
  for (auto n : {"a", "b"}) dir.nodeApp(n);
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const HealthConfig& a = r.config->find("a")->health;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.maxELU, 0.8);
  EXPECT_EQ(a.interval, Millis(2000));
  EXPECT_EQ(a.gracePeriod, Millis(30000));
  EXPECT_EQ(a.maxUnhealthyChecks, 10);
  EXPECT_EQ(a.maxHeapTotal, 512.0 * 1024 * 1024);
  EXPECT_EQ(a.maxHeapUsed, 0.99);
  EXPECT_EQ(a.maxEventLoopDelay, 0);
  const HealthConfig& b = r.config->find("b")->health;
  EXPECT_EQ(b.maxELU, 0.5);  // its own key wins
  EXPECT_EQ(b.interval, Millis(2000));  // the runtime's where it says nothing
  EXPECT_EQ(b.maxHeapTotal, 512.0 * 1024 * 1024);
  EXPECT_EQ(b.maxUnhealthyChecks, 2);
  EXPECT_EQ(b.gracePeriod, Millis(0));
  EXPECT_EQ(b.maxEventLoopDelay, 200);
}

TEST(Loader, HealthMistakesNameThePath) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","health":{"maxELU":1.5,"maxHeapTotal":"4 parsecs",
    "maxUnhealthyChecks":0,"interval":10,"maxElu":1},
    "applications":[{"id":"a","path":"a","health":{"enabled":"yes"}}]})");
  dir.nodeApp("a");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  auto e = errors(r);
  EXPECT_THAT(e, HasSubstr("watt.json: health.maxELU: expected a number from 0 to 1, got the number 1.5"));
  EXPECT_THAT(e, HasSubstr("watt.json: health.maxHeapTotal: expected a number of bytes or a memory size"));
  EXPECT_THAT(e, HasSubstr("watt.json: health.maxUnhealthyChecks: expected an integer from 1 to"));
  EXPECT_THAT(e, HasSubstr("watt.json: health.maxElu: unknown key \"maxElu\" (did you mean \"maxELU\"?)"));
  EXPECT_THAT(e, HasSubstr("watt.json: applications[0].health.enabled: expected true or false"));
  EXPECT_THAT(warnings(r), HasSubstr("watt.json: health.interval: the minimum health check interval is 1000 ms"));
}

TEST(Loader, WorkersFromMissingVariableSaysWhichVariable) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"id":"a","path":"a","workers":"{NOPE}"}]})");
  dir.nodeApp("a");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: applications[0].workers: expected an integer from 1 to 256, got the string \"\""));
  EXPECT_THAT(errors(r), HasSubstr("{NOPE} refers to an environment variable that is not set"));
}

TEST(Loader, PortPlaceholderWithoutVariableNamesTheVariableAndTheFile) {
  ProjectDir dir;
  basicProject(dir, R"({"server":{"port":"{PORT}"},"autoload":{"path":"web"}})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: server.port: expected an integer from 0 to 65535"));
  EXPECT_THAT(errors(r), HasSubstr("{PORT}"));
}

TEST(Loader, UnknownKeyIsAnErrorWithASuggestion) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},"entrypont":"gateway"})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: entrypont: unknown key \"entrypont\" (did you mean \"entrypoint\"?)"));
}

TEST(Loader, UnknownNestedKeyNamesTheFullPath) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},"server":{"hostname":"x","prot":1}})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: server.prot: unknown key \"prot\" (did you mean \"port\"?)"));
}

TEST(Loader, WattKeysWeDoNotSupportAreWarningsNotErrors) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},"watch":false,"managementApi":true})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_THAT(warnings(r), HasSubstr("watt.json: watch: accepted for compatibility"));
}

TEST(Loader, ManagementApiIsOnByDefaultAndTyped) {
  {
    ProjectDir dir;
    basicProject(dir, R"({"autoload":{"path":"web"}})");
    auto r = load(dir);
    ASSERT_TRUE(r.config) << errors(r);
    EXPECT_TRUE(r.config->managementApi.enabled);
    EXPECT_EQ(r.config->managementApi.logsMaxSize, 200);
    EXPECT_EQ(r.config->managementApi.socket, "");
  }
  {
    ProjectDir dir;
    basicProject(dir, R"({"autoload":{"path":"web"},"managementApi":"{MGMT}"})");
    auto r = load(dir, {{"MGMT", "false"}});
    ASSERT_TRUE(r.config) << errors(r);
    EXPECT_FALSE(r.config->managementApi.enabled);
    EXPECT_EQ(warnings(r), "");
  }
  {
    ProjectDir dir;
    basicProject(
        dir,
        R"({"autoload":{"path":"web"},"managementApi":{"logs":{"maxSize":6},"socket":"run/api.sock"}})");
    auto r = load(dir);
    ASSERT_TRUE(r.config) << errors(r);
    EXPECT_TRUE(r.config->managementApi.enabled);
    EXPECT_EQ(r.config->managementApi.logsMaxSize, 6);
    EXPECT_EQ(r.config->managementApi.socket, dir.path() + "/run/api.sock");
  }
}

TEST(Loader, ManagementApiBadValuesNameThePath) {
  ProjectDir dir;
  basicProject(
      dir,
      R"({"autoload":{"path":"web"},"managementApi":{"logs":{"maxSize":2,"size":1},"socket":"","port":1}})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  auto e = errors(r);
  EXPECT_THAT(e, HasSubstr("watt.json: managementApi.logs.maxSize: expected an integer from 5 to"));
  EXPECT_THAT(e, HasSubstr("watt.json: managementApi.logs.size: unknown key \"size\""));
  EXPECT_THAT(e, HasSubstr("watt.json: managementApi.socket: "));
  EXPECT_THAT(e, HasSubstr("watt.json: managementApi.port: unknown key \"port\""));

  ProjectDir other;
  basicProject(other, R"({"autoload":{"path":"web"},"managementApi":3})");
  auto r2 = load(other);
  EXPECT_FALSE(r2.config);
  EXPECT_THAT(errors(r2), HasSubstr("watt.json: managementApi: expected true, false or an object"));

  ProjectDir third;
  basicProject(third, R"({"autoload":{"path":"web"},"managementApi":"maybe"})");
  auto r3 = load(third);
  EXPECT_FALSE(r3.config);
  EXPECT_THAT(
      errors(r3),
      HasSubstr("watt.json: managementApi: expected true or false, got the string \"maybe\""));
}

TEST(Loader, WrongTypesAreReportedTogether) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},"server":{"port":true},"logger":{"level":"loud"}})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  auto e = errors(r);
  EXPECT_THAT(e, HasSubstr("watt.json: server.port: expected an integer from 0 to 65535, got true"));
  EXPECT_THAT(e, HasSubstr("watt.json: logger.level: expected one of fatal, error, warn, info, debug, trace, silent, got the string \"loud\""));
  EXPECT_EQ(r.diagnostics.errorCount(), 2u);
}

TEST(Loader, MissingIdAndMissingPath) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"path":"a"},{"id":"a"}]})");
  dir.nodeApp("a");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: applications[0]: missing required key \"id\""));
  EXPECT_THAT(errors(r), HasSubstr("watt.json: applications[1]: missing required key \"path\""));
}

TEST(Loader, DuplicateIds) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"id":"a","path":"a"},{"id":"a","path":"b"}]})");
  dir.nodeApp("a");
  dir.nodeApp("b");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: applications[1]: duplicate application id \"a\" (also declared at applications[0])"));
}

TEST(Loader, AutoloadedFolderAndExplicitEntryForTheSameFolderMerge) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},"applications":[{"id":"api","path":"web/api","workers":2}]})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->applications.size(), 2u);
  EXPECT_EQ(r.config->find("api")->workers, 2);
}

TEST(Loader, EntrypointThatDoesNotExist) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},"entrypoint":"nope"})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: entrypoint: no application with id \"nope\" (applications: api, gateway)"));
}

TEST(Loader, EntrypointCannotBeGuessed) {
  ProjectDir dir;
  dir.write("watt.json", R"({"autoload":{"path":"web"}})");
  dir.nodeApp("web/a");
  dir.nodeApp("web/b");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: entrypoint: not set, and it cannot be chosen automatically"));
}

TEST(Loader, ApplicationPathThatDoesNotExist) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"id":"a","path":"nowhere"}]})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: applications[0].path: application \"a\": folder nowhere does not exist"));
}

TEST(Loader, AutoloadPathThatDoesNotExist) {
  ProjectDir dir;
  dir.write("watt.json", R"({"autoload":{"path":"web"}})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: autoload.path: folder web does not exist"));
}

TEST(Loader, AutoloadExcludeAndMappings) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"renamed","autoload":{"path":"web","exclude":["skip"],
    "mappings":{"one":{"id":"renamed","dependencies":["two"]}}}})");
  for (auto n : {"one", "two", "skip"}) dir.nodeApp(std::string("web/") + n);
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->applications.size(), 2u);
  ASSERT_TRUE(r.config->find("renamed"));
  EXPECT_EQ(r.config->find("renamed")->dependencies, std::vector<std::string>{"two"});
  EXPECT_FALSE(r.config->find("skip"));
}

TEST(Loader, InvalidJsonSaysWhere) {
  ProjectDir dir;
  dir.write("watt.json", "{\n  \"autoload\": {\"path\": \"web\"},\n  oops\n}\n");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: invalid JSON at line 3, column 3"));
}

TEST(Loader, EmptyFolderSaysThereIsNothingToStart) {
  ProjectDir dir;
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("no watt.json or platformatic.json here"));
}

TEST(Loader, FolderWithoutConfigIsDetectedAsASingleNodeApplication) {
  ProjectDir dir;
  dir.write("package.json", R"({"name":"@acme/shop","main":"server.js"})");
  dir.write("server.js", "require('node:http').createServer().listen(3000)\n");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  ASSERT_EQ(r.config->applications.size(), 1u);
  EXPECT_EQ(r.config->entrypoint, "shop");
  EXPECT_EQ(r.config->applications[0].kind, "@platformatic/node");
}

TEST(Loader, SingleApplicationConfigIsWrappedWithItsRuntimeSettings) {
  ProjectDir dir;
  dir.write("package.json", R"({"name":"svc"})");
  dir.write("platformatic.json", R"({"$schema":"https://schemas.platformatic.dev/@platformatic/node/3.0.0.json",
    "server":{"port":4000},"runtime":{"logger":{"level":"error"}}})");
  dir.write("index.js", "");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->entrypoint, "svc");
  EXPECT_EQ(r.config->server.port, 4000);
  EXPECT_EQ(r.config->logger.level, LogLevel::kError);
}

TEST(Loader, KindFromPackageJsonWithoutConfigFile) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"gw","applications":[{"id":"gw","path":"gw"},{"id":"x","path":"x"}]})");
  dir.write("gw/package.json", R"({"dependencies":{"@platformatic/gateway":"^3"}})");
  dir.write("x/app.js", "");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->find("gw")->kind, "@platformatic/gateway");
  EXPECT_EQ(r.config->find("x")->kind, "@platformatic/node");
  EXPECT_EQ(kinds::node::resolveEntry(dir / "x", ""), dir / "x/app.js");
}

TEST(Loader, UnsupportedKindIsNamed) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"n","applications":[{"id":"n","path":"n"}]})");
  dir.write("n/platformatic.json", R"({"$schema":"https://schemas.platformatic.dev/@platformatic/next/3.0.0.json"})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("n/platformatic.json: $schema: application \"n\" is of kind @platformatic/next, which this server does not run yet"));
}

TEST(Loader, EnvironmentLayers) {
  ProjectDir dir;
  dir.write(".env", "ROOT_ONLY=root\nLAYER=root-dotenv\nAPP_WINS=root\nREAL=from-dotenv\n");
  dir.write("watt.json", R"({"entrypoint":"alpha","env":{"LAYER":"runtime-block","RUNTIME_ENV":"yes"},
    "applications":[{"id":"alpha","path":"alpha","env":{"LAYER":"alpha-block"}},
                    {"id":"beta","path":"beta","envfile":"beta/custom.env"},
                    {"id":"gamma","path":"gamma"}]})");
  dir.nodeApp("alpha");
  dir.write("alpha/.env", "APP_WINS=alpha\nLAYER=alpha-dotenv\nREAL=alpha-dotenv\n");
  dir.nodeApp("beta");
  dir.write("beta/.env", "IGNORED=yes\n");
  dir.write("beta/custom.env", "APP_WINS=beta-custom\n");
  dir.nodeApp("gamma");
  auto r = load(dir, {{"REAL", "real"}});
  ASSERT_TRUE(r.config) << errors(r);
  const auto& alpha = r.config->find("alpha")->env;
  const auto& beta = r.config->find("beta")->env;
  const auto& gamma = r.config->find("gamma")->env;
  EXPECT_EQ(alpha.at("LAYER"), "alpha-block");
  EXPECT_EQ(beta.at("LAYER"), "runtime-block");
  EXPECT_EQ(alpha.at("APP_WINS"), "alpha");
  EXPECT_EQ(beta.at("APP_WINS"), "beta-custom");
  EXPECT_EQ(gamma.at("APP_WINS"), "root");
  EXPECT_FALSE(beta.contains("IGNORED"));
  EXPECT_EQ(alpha.at("REAL"), "real");  // the real environment beats every .env file
  EXPECT_EQ(gamma.at("RUNTIME_ENV"), "yes");
  EXPECT_EQ(gamma.at("PLT_ROOT"), dir.path());
  EXPECT_EQ(gamma.at("PLT_DEV"), "false");
  EXPECT_EQ(gamma.at("PLT_ENVIRONMENT"), "production");
  EXPECT_EQ(gamma.at("NODE_ENV"), "production");
}

TEST(Loader, AppConfigPlaceholdersSeeTheApplicationEnvironment) {
  ProjectDir dir;
  dir.write(".env", "ALPHA_PREFIX=/from-env\n");
  dir.write("watt.json", R"({"entrypoint":"gateway","applications":[{"id":"gateway","path":"g"},
    {"id":"alpha","path":"a"}]})");
  dir.gatewayApp("g", R"({"applications":[{"id":"alpha","proxy":{"prefix":"{ALPHA_PREFIX}"}}]})");
  dir.nodeApp("a");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const auto& g = static_cast<const kinds::gateway::GatewayConfig&>(*r.config->find("gateway")->kindConfig);
  ASSERT_EQ(g.routes.size(), 1u);
  EXPECT_EQ(g.routes[0].prefix, "/from-env");
}

TEST(Loader, CustomEnvFileReplacesDotEnv) {
  ProjectDir dir;
  dir.write(".env", "PORT=1\n");
  dir.write("other.env", "PORT=4321\n");
  basicProject(dir, R"({"server":{"port":"{PORT}"},"autoload":{"path":"web"}})");
  LoadOptions opts;
  opts.envFile = dir / "other.env";
  auto r = load(dir, {}, opts);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->server.port, 4321);
}

TEST(Loader, MissingEnvfileIsAnError) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"id":"a","path":"a","envfile":"nope.env"}]})");
  dir.nodeApp("a");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: applications[0].envfile: env file nope.env does not exist"));
}

TEST(Loader, GatewayUnknownApplicationAndBothSpellings) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"gateway","autoload":{"path":"web"}})");
  dir.gatewayApp("web/gateway", R"({"applications":[{"id":"ghost"}]})");
  dir.nodeApp("web/api");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("web/gateway/platformatic.json: gateway.applications[0].id: no application with id \"ghost\""));
}

TEST(Loader, GatewayOriginForms) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"gateway","autoload":{"path":"web"}})");
  dir.gatewayApp("web/gateway", R"({"applications":[
    {"id":"a","origin":"internal://api","proxy":{"prefix":"/a/"}},
    {"id":"b","origin":"http://API.plt.local","proxy":{"prefix":"/b"}},
    {"id":"ext","origin":"http://127.0.0.1:9999/base/","proxy":{"prefix":"/ext"}},
    {"id":"api"}]})");
  dir.nodeApp("web/api");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const auto& g = static_cast<const kinds::gateway::GatewayConfig&>(*r.config->find("gateway")->kindConfig);
  ASSERT_EQ(g.routes.size(), 4u);
  EXPECT_EQ(g.routes[0].meshId, "api");
  EXPECT_EQ(g.routes[0].prefix, "/a");
  EXPECT_EQ(g.routes[1].meshId, "api");
  EXPECT_TRUE(g.routes[2].external);
  EXPECT_EQ(g.routes[2].externalHost, "127.0.0.1:9999");
  EXPECT_EQ(g.routes[2].externalBase, "/base");
  EXPECT_EQ(g.routes[3].prefix, "/api");  // no proxy block: /{id}
}

TEST(Loader, GatewayWithoutListExposesEveryOtherApplication) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"gateway","autoload":{"path":"web"}})");
  dir.gatewayApp("web/gateway", "{}");
  dir.nodeApp("web/one");
  dir.nodeApp("web/two");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const auto& g = static_cast<const kinds::gateway::GatewayConfig&>(*r.config->find("gateway")->kindConfig);
  ASSERT_EQ(g.routes.size(), 2u);
  EXPECT_EQ(g.routes[0].prefix, "/one");
  EXPECT_EQ(g.routes[1].prefix, "/two");
}

TEST(Loader, NodeEntryErrors) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"id":"a","path":"a"},{"id":"b","path":"b"}]})");
  dir.write("a/platformatic.json",
            R"({"$schema":"https://schemas.platformatic.dev/@platformatic/node/3.0.0.json","node":{"main":"missing.js"}})");
  dir.write("b/platformatic.json", R"({"$schema":"https://schemas.platformatic.dev/@platformatic/node/3.0.0.json"})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("a/platformatic.json: node.main: application \"a\": file missing.js does not exist"));
  EXPECT_THAT(errors(r), HasSubstr("b/platformatic.json: application \"b\" has no entry file"));
}

TEST(Loader, RestartAndGracefulShutdownSettings) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","restartOnError":250,"startTimeout":5000,
    "gracefulShutdown":{"runtime":1000,"application":500},
    "applications":[{"id":"a","path":"a"},{"id":"b","path":"b","restartOnError":false}]})");
  dir.nodeApp("a");
  dir.nodeApp("b");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->find("a")->restart.delay.count(), 250);
  EXPECT_TRUE(r.config->find("a")->restart.enabled);
  EXPECT_FALSE(r.config->find("b")->restart.enabled);
  EXPECT_EQ(r.config->startTimeout.count(), 5000);
  EXPECT_EQ(r.config->gracefulShutdown.runtime.count(), 1000);
  EXPECT_EQ(r.config->gracefulShutdown.application.count(), 500);
}

TEST(Loader, DisabledApplicationsAreLeftOut) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","applications":[{"id":"a","path":"a"},{"id":"b","path":"b","enabled":false}]})");
  dir.nodeApp("a");
  dir.nodeApp("b");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->applications.size(), 1u);
}

TEST(Loader, InvalidApplicationIdIsExplained) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a b","applications":[{"id":"a b","path":"a"}]})");
  dir.nodeApp("a");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("applications[0].id: \"a b\" is not a valid application id"));
}

}  // namespace
}  // namespace watt::config

namespace watt::config {
namespace {

TEST(Loader, SeedUseCaseFormNamesTheKindInTheEntry) {
  ProjectDir dir;
  dir.write("watt.json", R"({"$schema":"https://schemas.platformatic.dev/watt/2.0.0.json",
    "entrypoint":"front","services":[{"path":"./web/front","id":"front","$schema":"@platformatic/node"}]})");
  dir.write("web/front/index.js", "");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_EQ(r.config->find("front")->kind, "@platformatic/node");
}

TEST(Loader, BadKindNameInEntry) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"front","services":[{"path":"front","id":"front","$schema":"node"}]})");
  dir.write("front/index.js", "");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: services[0].$schema: expected an application kind"));
}

}  // namespace
}  // namespace watt::config

namespace watt::config {
namespace {
using watt::testing::ProjectDir;

TEST(Loader, LoggerRedactTransportTargetsAndApplicationLevels) {
  ProjectDir dir;
  dir.write("watt.json", R"({"$schema":"https://schemas.platformatic.dev/wattpm/3.0.0.json",
    "entrypoint":"a","autoload":{"path":"web"},
    "logger":{"level":"{LEVEL}","redact":{"paths":["req.headers.authorization"]},
      "transport":{"targets":[
        {"target":"pino/file","options":{"destination":"logs/app.log","mkdir":true,"append":false}},
        {"target":"pino-pretty","level":"warn","options":{"destination":2,"colorize":true,"translateTime":"SYS:standard"}},
        {"target":"pino-elasticsearch","options":{"node":"http://x"}}]}}})");
  dir.nodeApp("web/a");
  dir.write("web/a/platformatic.json", R"({"$schema":"https://schemas.platformatic.dev/@platformatic/node/3.0.0.json","logger":{"level":"debug"}})");
  dir.nodeApp("web/b");
  auto r = load(dir, {{"LEVEL", "warn"}});
  ASSERT_TRUE(r.config) << errors(r);
  const auto& logger = r.config->logger;
  EXPECT_EQ(logger.level, LogLevel::kWarn);
  EXPECT_EQ(logger.redactPaths, std::vector<std::string>{"req.headers.authorization"});
  EXPECT_EQ(logger.redactCensor, "[redacted]");
  ASSERT_EQ(logger.targets.size(), 3u);
  EXPECT_EQ(logger.targets[0].format, LogTarget::Format::kJson);
  EXPECT_EQ(logger.targets[0].path, (std::filesystem::path(dir.path()) / "logs/app.log").string());
  EXPECT_TRUE(logger.targets[0].mkdir);
  EXPECT_FALSE(logger.targets[0].append);
  EXPECT_EQ(logger.targets[1].format, LogTarget::Format::kPretty);
  EXPECT_EQ(logger.targets[1].fd, 2);
  EXPECT_EQ(logger.targets[1].level, LogLevel::kWarn);
  EXPECT_EQ(logger.targets[1].colorize, true);
  // A transport package this server does not have: its records go to stdout, with a warning.
  EXPECT_EQ(logger.targets[2].path, "");
  EXPECT_EQ(logger.targets[2].fd, 1);
  EXPECT_NE(warnings(r).find("logger.transport.targets[2].target"), std::string::npos) << warnings(r);
  EXPECT_NE(warnings(r).find("pino-elasticsearch"), std::string::npos);
  EXPECT_EQ(r.config->find("a")->logLevel, LogLevel::kDebug);
  EXPECT_FALSE(r.config->find("b")->logLevel.has_value());
  EXPECT_EQ(warnings(r).find("web/a/platformatic.json"), std::string::npos) << "logger.level is supported";
}

TEST(Loader, LoggerMistakesNameTheirPath) {
  ProjectDir dir;
  dir.write("watt.json", R"({"entrypoint":"a","autoload":{"path":"web"},
    "logger":{"redact":{"censor":1},"transport":{"options":{}}}})");
  dir.nodeApp("web/a");
  dir.write("web/a/platformatic.json", R"({"$schema":"https://schemas.platformatic.dev/@platformatic/node/3.0.0.json","logger":{"level":"verbose"}})");
  auto r = load(dir);
  ASSERT_FALSE(r.config);
  std::string e = errors(r);
  EXPECT_NE(e.find("logger.redact"), std::string::npos) << e;
  EXPECT_NE(e.find("\"paths\""), std::string::npos) << e;
  EXPECT_NE(e.find("logger.redact.censor"), std::string::npos) << e;
  EXPECT_NE(e.find("logger.transport"), std::string::npos) << e;
  EXPECT_NE(e.find("\"target\""), std::string::npos) << e;
  EXPECT_NE(e.find("web/a/platformatic.json"), std::string::npos) << e;
  EXPECT_NE(e.find("verbose"), std::string::npos) << e;
}

TEST(LoaderTelemetry, AbsentMeansOff) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"}})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_FALSE(r.config->telemetry.enabled);
}

TEST(LoaderTelemetry, ReadsWattsBlock) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},
    "telemetry":{"applicationName":"shop","version":"1.2.3",
      "skip":[{"method":"GET","path":"/health"},{"path":"/ready"}],
      "exporter":[{"type":"otlp","options":{"url":"http://127.0.0.1:4318/v1/traces","headers":{"x-key":"k"}}},
                  {"type":"file","options":{"path":"traces/spans.log"}},
                  {"type":"memory"}]}})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const auto& t = r.config->telemetry;
  EXPECT_TRUE(t.enabled);
  EXPECT_EQ(t.applicationName, "shop");
  EXPECT_EQ(t.version, "1.2.3");
  ASSERT_EQ(t.skip.size(), 2u);
  EXPECT_EQ(t.skip[0].method, "GET");
  EXPECT_EQ(t.skip[0].path, "/health");
  EXPECT_EQ(t.skip[1].method, "");
  ASSERT_EQ(t.exporters.size(), 3u);
  EXPECT_EQ(t.exporters[0].type, TelemetryExporter::Type::kOtlp);
  EXPECT_EQ(t.exporters[0].url, "http://127.0.0.1:4318/v1/traces");
  ASSERT_EQ(t.exporters[0].headers.size(), 1u);
  EXPECT_EQ(t.exporters[0].headers[0].first, "x-key");
  EXPECT_EQ(t.exporters[1].type, TelemetryExporter::Type::kFile);
  EXPECT_EQ(t.exporters[1].path, dir / "traces/spans.log");
  EXPECT_EQ(t.exporters[2].type, TelemetryExporter::Type::kMemory);
}

TEST(LoaderTelemetry, DefaultsAndSeedRuntimeBlock) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},
    "runtime":{"telemetry":{"applicationName":"{APP_NAME}","exporter":{"type":"otlp"}}}})");
  auto r = load(dir, {{"APP_NAME", "seed"}});
  ASSERT_TRUE(r.config) << errors(r);
  const auto& t = r.config->telemetry;
  EXPECT_TRUE(t.enabled);
  EXPECT_EQ(t.applicationName, "seed");
  ASSERT_EQ(t.exporters.size(), 1u);
  EXPECT_EQ(t.exporters[0].url, "http://localhost:4318/v1/traces");

  ProjectDir bare;
  basicProject(bare, R"({"autoload":{"path":"web"},"telemetry":{"applicationName":"a","enabled":"false"}})");
  auto off = load(bare);
  ASSERT_TRUE(off.config) << errors(off);
  EXPECT_FALSE(off.config->telemetry.enabled);
  ASSERT_EQ(off.config->telemetry.exporters.size(), 1u);
  EXPECT_EQ(off.config->telemetry.exporters[0].type, TelemetryExporter::Type::kConsole);
}

TEST(LoaderTelemetry, ErrorsNameThePath) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},
    "telemetry":{"version":3,"skip":[{"method":"FETCH","path":"/x"}],
      "exporter":{"type":"jaeger","options":{"url":"localhost:4318","protocol":"grpc","colour":1}},
      "sampler":1}})");
  auto r = load(dir);
  EXPECT_FALSE(r.config);
  std::string e = errors(r);
  EXPECT_THAT(e, HasSubstr("watt.json: telemetry: missing required key \"applicationName\""));
  EXPECT_THAT(e, HasSubstr("watt.json: telemetry.version: expected a string"));
  EXPECT_THAT(e, HasSubstr("watt.json: telemetry.skip[0].method: expected one of GET"));
  EXPECT_THAT(e, HasSubstr("watt.json: telemetry.exporter.type: expected one of console, otlp"));
  EXPECT_THAT(e, HasSubstr("watt.json: telemetry.exporter.options.url: expected an http:// or https:// URL"));
  EXPECT_THAT(e, HasSubstr("watt.json: telemetry.exporter.options.protocol: expected \"http\" (OTLP over "
                           "HTTP, protobuf) or \"http/json\""));
  EXPECT_THAT(e, HasSubstr("telemetry.exporter.options.colour"));
  EXPECT_THAT(e, HasSubstr("telemetry.sampler"));
}

TEST(LoaderTelemetry, OtlpProtocolPicksTheEncoding) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},
    "telemetry":{"applicationName":"a","exporter":[
      {"type":"otlp","options":{"url":"http://c:4318/v1/traces"}},
      {"type":"otlp","options":{"url":"http://c:4318/v1/traces","protocol":"http/json"}},
      {"type":"otlp","options":{"url":"http://c:4318/v1/traces","transport":"http"}}]}})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  const auto& exporters = r.config->telemetry.exporters;
  ASSERT_EQ(exporters.size(), 3u);
  EXPECT_FALSE(exporters[0].json);  // protobuf, as Watt's exporter sends
  EXPECT_TRUE(exporters[1].json);
  EXPECT_FALSE(exporters[2].json);
}

TEST(LoaderTelemetry, ZipkinIsAWarning) {
  ProjectDir dir;
  basicProject(dir, R"({"autoload":{"path":"web"},
    "telemetry":{"applicationName":"a","exporter":[{"type":"zipkin"},{"type":"console"}]}})");
  auto r = load(dir);
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_THAT(warnings(r), HasSubstr("telemetry.exporter[0].type: the zipkin exporter is not supported"));
}

}  // namespace
}  // namespace watt::config
