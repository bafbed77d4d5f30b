// The metrics registry: per-loop shards merged at render time, Prometheus text exposition.
#include "observe/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace watt::observe {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

config::MetricsConfig enabledConfig() {
  config::MetricsConfig c;
  c.enabled = true;
  return c;
}

// Runs the shard work at once, on another thread (as a loop would).
MetricsRegistry::Poster threadPoster() {
  return [](unsigned, std::function<void()> work) { std::thread(std::move(work)).join(); };
}

TEST(Metrics, MethodIndexRoundTrips) {
  EXPECT_EQ(methodName(methodIndex("GET")), "GET");
  EXPECT_EQ(methodName(methodIndex("DELETE")), "DELETE");
  EXPECT_EQ(methodName(methodIndex("BREW")), "OTHER");
}

TEST(Metrics, ShardsAreMergedPerApplicationMethodAndStatus) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"gateway", "api"}, 2, threadPoster());
  auto get = methodIndex("GET");
  registry.recordRequest(0, 0, 0, RequestSource::kPublic, get, 200, 0.001);
  registry.recordRequest(1, 0, 0, RequestSource::kPublic, get, 200, 0.2);
  registry.recordRequest(1, 0, 1, RequestSource::kMesh, get, 200, 0.003);
  registry.recordRequest(0, 0, 1, RequestSource::kMesh, get, 404, 20);
  std::string text = registry.render();

  EXPECT_THAT(text, HasSubstr("# TYPE http_request_all_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"0\",applicationId=\"gateway\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_bucket{le=\"0.005\",method="
                              "\"GET\",status_code=\"200\",workerId=\"0\",applicationId=\"gateway\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_bucket{le=\"0.25\",method=\"GET\","
                              "status_code=\"200\",workerId=\"0\",applicationId=\"gateway\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_sum{method=\"GET\",status_code="
                              "\"200\",workerId=\"0\",applicationId=\"gateway\"} 0.201\n"));
  // Above the last bucket: only +Inf counts it.
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_bucket{le=\"10\",method=\"GET\","
                              "status_code=\"404\",workerId=\"0\",applicationId=\"api\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_bucket{le=\"+Inf\",method=\"GET\","
                              "status_code=\"404\",workerId=\"0\",applicationId=\"api\"} 1\n"));
  // Mesh requests per target; public ones are not mesh requests.
  EXPECT_THAT(text, HasSubstr("watt_mesh_request_duration_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"0\",applicationId=\"api\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("watt_mesh_request_duration_seconds_count{method=\"GET\",status_"
                                  "code=\"200\",workerId=\"0\",applicationId=\"gateway\"}")));
  // Summary: quantiles of the window, then cumulative sum and count.
  EXPECT_THAT(text, HasSubstr("http_request_all_summary_seconds{quantile=\"0.5\",method=\"GET\","
                              "status_code=\"200\",workerId=\"0\",applicationId=\"gateway\"} 0.001"));
  EXPECT_THAT(text, HasSubstr("http_request_all_summary_seconds{quantile=\"0.999\",method=\"GET\","
                              "status_code=\"200\",workerId=\"0\",applicationId=\"gateway\"} 0.2"));
  EXPECT_THAT(text, HasSubstr("http_request_all_summary_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"0\",applicationId=\"gateway\"} 2\n"));
}

TEST(Metrics, EachWorkerHasItsOwnSeriesWhateverLoopRecordedIt) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"api"}, 2, threadPoster());
  auto get = methodIndex("GET");
  registry.recordRequest(0, 3, 0, RequestSource::kPublic, get, 200, 0.001);
  registry.recordRequest(1, 3, 0, RequestSource::kPublic, get, 200, 0.001);
  registry.recordRequest(1, 1, 0, RequestSource::kPublic, get, 200, 0.001);
  registry.recordRequest(0, -1, 0, RequestSource::kPublic, get, 200, 0.001);  // the loop itself
  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"3\",applicationId=\"api\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"1\",applicationId=\"api\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"0\",applicationId=\"api\"} 1\n"));
}

TEST(Metrics, SummaryWindowStartsOverAtEachScrapeButCountsAccumulate) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"api"}, 1, threadPoster());
  registry.recordRequest(0, 0, 0, RequestSource::kPublic, methodIndex("POST"), 201, 0.01);
  registry.render();
  std::string second = registry.render();
  EXPECT_THAT(second, Not(HasSubstr("http_request_all_summary_seconds{quantile")));
  EXPECT_THAT(second, HasSubstr("http_request_all_summary_seconds_count{method=\"POST\",status_"
                                "code=\"201\",workerId=\"0\",applicationId=\"api\"} 1\n"));
  EXPECT_THAT(second, HasSubstr("http_request_all_duration_seconds_count{method=\"POST\",status_"
                                "code=\"201\",workerId=\"0\",applicationId=\"api\"} 1\n"));
}

TEST(Metrics, WattIgnoresHeadAndOptionsInHttpMetricsButTheMeshCountsThem) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"api"}, 1, threadPoster());
  registry.recordRequest(0, 0, 0, RequestSource::kMesh, methodIndex("HEAD"), 200, 0.01);
  std::string text = registry.render();
  EXPECT_THAT(text, Not(HasSubstr("http_request_all_duration_seconds_count{method=\"HEAD\"")));
  EXPECT_THAT(text, HasSubstr("watt_mesh_request_duration_seconds_count{method=\"HEAD\",status_"
                              "code=\"200\",workerId=\"0\",applicationId=\"api\"} 1\n"));
}

TEST(Metrics, ConfiguredLabelsAndApplicationLabelAreEscaped) {
  auto config = enabledConfig();
  config.applicationLabel = "serviceId";
  config.labels = {{"region", "e\"u\\\n"}};
  MetricsRegistry registry(config, {"api"}, 1, threadPoster());
  registry.countRestart(0);
  registry.countRestart(0);
  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("platformatic_application_restarts_total{serviceId=\"api\",region="
                              "\"e\\\"u\\\\\\n\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("process_open_fds{region=\"e\\\"u\\\\\\n\"} "));
}

TEST(Metrics, ProcessAndThreadMetricsComeFromProc) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"api"}, 1, threadPoster());
  std::string text = registry.render();
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_start_time_seconds", "process_open_fds", "process_max_fds",
                           "thread_cpu_seconds_total", "thread_cpu_percent_usage"}) {
    EXPECT_THAT(text, HasSubstr(std::string("# TYPE ") + name + " ")) << name;
  }
  EXPECT_THAT(text, HasSubstr("thread_cpu_seconds_total{thread=\""));
}

TEST(Metrics, DatabaseQueriesAndInFlight) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"gw", "db"}, 2, threadPoster());
  registry.queryStarted(0, 1);
  registry.queryFinished(0, 1, false, 0.002);
  registry.queryStarted(1, 1);
  registry.queryFinished(1, 1, true, 0.03);
  registry.queryStarted(1, 1);  // still running
  std::string text = registry.render();
  EXPECT_THAT(
      text,
      HasSubstr("watt_db_query_duration_seconds_count{outcome=\"ok\",applicationId=\"db\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "watt_db_query_duration_seconds_count{outcome=\"error\",applicationId=\"db\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("watt_db_queries_in_flight{applicationId=\"db\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("watt_db_queries_in_flight{applicationId=\"gw\"}")));
}

TEST(Metrics, NodeWorkerSamplesUntilTheProcessGoes) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"api"}, 1, threadPoster());
  NodeWorkerSample sample;
  sample.eventLoopUtilization = 0.25;
  sample.heapUsedBytes = 1000;
  sample.lagP99 = 0.5;
  registry.setApplicationProcess(0, static_cast<int>(::getpid()));
  registry.reportNodeWorker(0, 1, sample);
  std::string text = registry.render();
  EXPECT_THAT(
      text, HasSubstr("nodejs_eventloop_utilization{applicationId=\"api\",workerId=\"1\"} 0.25\n"));
  EXPECT_THAT(
      text, HasSubstr("nodejs_heap_size_used_bytes{applicationId=\"api\",workerId=\"1\"} 1000\n"));
  EXPECT_THAT(
      text,
      HasSubstr("nodejs_eventloop_lag_p99_seconds{applicationId=\"api\",workerId=\"1\"} 0.5\n"));
  EXPECT_THAT(text,
              HasSubstr("watt_application_process_resident_memory_bytes{applicationId=\"api\"} "));
  registry.setApplicationProcess(0, 0);
  text = registry.render();
  EXPECT_THAT(text, Not(HasSubstr("nodejs_eventloop_utilization{")));
  EXPECT_THAT(text, Not(HasSubstr("watt_application_process_resident_memory_bytes{")));
}

TEST(Metrics, ALoopThatDoesNotAnswerIsLeftOut) {
  auto config = enabledConfig();
  MetricsRegistry registry(config, {"api"}, 2, [](unsigned shard, std::function<void()> work) {
    if (shard == 0) work();  // shard 1's loop never runs it
  });
  registry.recordRequest(0, 0, 0, RequestSource::kPublic, methodIndex("GET"), 200, 0.01);
  registry.recordRequest(1, 0, 0, RequestSource::kPublic, methodIndex("GET"), 200, 0.01);
  std::string text = registry.render();
  EXPECT_THAT(text, HasSubstr("http_request_all_duration_seconds_count{method=\"GET\",status_code="
                              "\"200\",workerId=\"0\",applicationId=\"api\"} 1\n"));
}

}  // namespace
}  // namespace watt::observe
