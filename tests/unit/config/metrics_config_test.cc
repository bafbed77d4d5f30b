// The `metrics` block of the runtime config: shapes, defaults, placeholders, and errors that
// name the file and JSON path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "project_dir.h"
#include "runtime/kind.h"

namespace watt::config {
namespace {

using ::testing::HasSubstr;
using watt::testing::ProjectDir;

LoadResult loadWith(const std::string& metricsJson, EnvMap env = {}) {
  ProjectDir dir;
  dir.write("watt.json", R"({"autoload":{"path":"web"},"metrics":)" + metricsJson + "}");
  dir.nodeApp("web/api");
  LoadOptions options;
  options.directory = dir.path();
  options.processEnv = std::move(env);
  return loadProject(options, runtime::builtinKinds().parsers());
}

std::string errors(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics.all())
    if (d.severity == Diagnostic::Severity::kError) out += d.format() + "\n";
  return out;
}

TEST(MetricsConfig, OffWhenAbsent) {
  ProjectDir dir;
  dir.write("watt.json", R"({"autoload":{"path":"web"}})");
  dir.nodeApp("web/api");
  LoadOptions options;
  options.directory = dir.path();
  auto r = loadProject(options, runtime::builtinKinds().parsers());
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_FALSE(r.config->metrics.enabled);
}

TEST(MetricsConfig, TrueMeansWattsDefaults) {
  auto r = loadWith("true");
  ASSERT_TRUE(r.config) << errors(r);
  const auto& m = r.config->metrics;
  EXPECT_TRUE(m.enabled);
  EXPECT_EQ(m.hostname, "0.0.0.0");
  EXPECT_EQ(m.port, 9090);
  EXPECT_EQ(m.endpoint, "/metrics");
  EXPECT_EQ(m.applicationLabel, "applicationId");
  EXPECT_EQ(m.readiness.endpoint, "/ready");
  EXPECT_EQ(m.liveness.endpoint, "/status");
  EXPECT_EQ(m.readiness.failStatus, 500);
  EXPECT_EQ(m.liveness.successBody, "OK");
  EXPECT_FALSE(m.auth);
}

TEST(MetricsConfig, ObjectWithEveryKeyAndPlaceholders) {
  auto r = loadWith(R"({"hostname":"127.0.0.1","port":"{METRICS_PORT}","endpoint":"/prom",
    "enabled":"{METRICS_ON}","labels":{"region":"{REGION}"},"applicationLabel":"serviceId",
    "auth":{"username":"u","password":"p"},"healthChecksTimeouts":5000,
    "readiness":{"endpoint":"/r","success":{"statusCode":204,"body":"yes"},"fail":{"statusCode":503}},
    "liveness":false})",
                    {{"METRICS_PORT", "9191"}, {"METRICS_ON", "true"}, {"REGION", "eu"}});
  ASSERT_TRUE(r.config) << errors(r);
  const auto& m = r.config->metrics;
  EXPECT_TRUE(m.enabled);
  EXPECT_EQ(m.hostname, "127.0.0.1");
  EXPECT_EQ(m.port, 9191);
  EXPECT_EQ(m.endpoint, "/prom");
  ASSERT_EQ(m.labels.size(), 1u);
  EXPECT_EQ(m.labels[0].first, "region");
  EXPECT_EQ(m.labels[0].second, "eu");
  EXPECT_EQ(m.applicationLabel, "serviceId");
  ASSERT_TRUE(m.auth);
  EXPECT_EQ(m.auth->first, "u");
  EXPECT_EQ(m.readiness.endpoint, "/r");
  EXPECT_EQ(m.readiness.successStatus, 204);
  EXPECT_EQ(m.readiness.successBody, "yes");
  EXPECT_EQ(m.readiness.failStatus, 503);
  EXPECT_EQ(m.readiness.failBody, "ERR");
  EXPECT_FALSE(m.liveness.enabled);
}

TEST(MetricsConfig, EnabledFalseInsideTheObject) {
  auto r = loadWith(R"({"enabled":false,"port":9191})");
  ASSERT_TRUE(r.config) << errors(r);
  EXPECT_FALSE(r.config->metrics.enabled);
}

TEST(MetricsConfig, BadTypesNameTheFileAndPath) {
  auto r = loadWith(R"({"port":"abc","endpoint":"metrics","labels":{"bad-name":"x","n":1},
    "applicationLabel":"1x","auth":{"username":"u"},"readiness":{"success":{"statusCode":42}},
    "prot":1})");
  EXPECT_FALSE(r.config);
  auto e = errors(r);
  EXPECT_THAT(e, HasSubstr("watt.json: metrics.port: expected an integer from 0 to 65535"));
  EXPECT_THAT(e, HasSubstr("watt.json: metrics.endpoint: expected a path starting with \"/\""));
  EXPECT_THAT(e, HasSubstr("watt.json: metrics.labels.n: expected a string"));
  EXPECT_THAT(e,
              HasSubstr("watt.json: metrics.applicationLabel: expected a Prometheus label name"));
  EXPECT_THAT(e, HasSubstr("watt.json: metrics.auth.password: required"));
  EXPECT_THAT(
      e,
      HasSubstr(
          "watt.json: metrics.readiness.success.statusCode: expected an integer from 100 to 599"));
  EXPECT_THAT(e,
              HasSubstr("watt.json: metrics.prot: unknown key \"prot\" (did you mean \"port\"?)"));
}

TEST(MetricsConfig, InvalidLabelNameIsAnError) {
  auto r = loadWith(R"({"labels":{"bad-name":"x"}})");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(
      errors(r),
      HasSubstr("watt.json: metrics.labels: \"bad-name\" is not a valid Prometheus label name"));
}

TEST(MetricsConfig, WrongTopLevelType) {
  auto r = loadWith(R"(3)");
  EXPECT_FALSE(r.config);
  EXPECT_THAT(errors(r), HasSubstr("watt.json: metrics: expected"));
}

}  // namespace
}  // namespace watt::config
