// Prometheus metrics of the runtime, with Watt's names where Watt has one. The request path
// records into per-loop shards (no locks, no atomics, no allocation once a series exists); a
// scrape collects each shard on its own loop, merges them, and adds what is read at that moment
// (process and thread CPU and memory from /proc, restarts, gauges registered by components).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/runtime_config.h"

namespace watt::observe {

// prom-client's default histogram buckets (what Watt's http_request_all_duration_seconds uses).
inline constexpr std::array<double, 11> kDurationBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                            0.5,   1,    2.5,   5,    10};
// prom-client's default summary quantiles.
inline constexpr std::array<double, 7> kSummaryQuantiles = {0.01, 0.05, 0.5,  0.9,
                                                            0.95, 0.99, 0.999};

// How a request reached the application that handled it.
enum class RequestSource : uint8_t { kPublic = 0, kMesh = 1 };

// HTTP methods as a small index (a label value without a string per request).
uint8_t methodIndex(std::string_view method);
std::string_view methodName(uint8_t index);

// A duration histogram plus a window of recent samples (the summary's quantiles).
struct DurationSeries {
  static constexpr size_t kWindow = 256;                    // per loop, between two scrapes
  std::array<uint64_t, kDurationBuckets.size()> buckets{};  // not cumulative
  uint64_t count = 0;
  double sum = 0;
  std::array<float, kWindow> window{};
  uint32_t windowSize = 0;  // samples in `window`, at most kWindow
  uint32_t windowNext = 0;  // where the next sample goes (oldest overwritten)

  void observe(double seconds);
};

// What one loop hands over at a scrape.
struct ShardSnapshot {
  std::unordered_map<uint64_t, DurationSeries> requests;  // key: RequestShard::key
  std::unordered_map<uint32_t, DurationSeries> queries;  // key: application << 1 | failed
  std::vector<int64_t> queriesInFlight;                  // by application
};

// Durations recorded on one loop; touched only by that loop's thread.
class RequestShard {
 public:
  explicit RequestShard(size_t applications) : queriesInFlight_(applications, 0) {}

  // Series key: application (bits 32-47), worker (16-31), source (15), method (10-14), status
  // code (0-9).
  static uint64_t key(uint16_t worker, uint16_t application, RequestSource source, uint8_t method,
                      int status) {
    uint32_t s = status < 100 || status > 999 ? 0 : static_cast<uint32_t>(status);
    return (uint64_t{application} << 32) | (uint64_t{worker} << 16) |
           (uint64_t(source) << 15) | (uint64_t{method} << 10) | s;
  }
  void record(uint16_t worker, uint16_t application, RequestSource source, uint8_t method,
              int status, double seconds) {
    series_[key(worker, application, source, method, status)].observe(seconds);
  }
  void queryStarted(uint16_t application) { ++queriesInFlight_[application]; }
  void queryFinished(uint16_t application, bool failed, double seconds) {
    --queriesInFlight_[application];
    queries_[(uint32_t{application} << 1) | (failed ? 1u : 0u)].observe(seconds);
  }
  // A copy for the scrape; the summary windows start over.
  ShardSnapshot takeSnapshot();

 private:
  std::unordered_map<uint64_t, DurationSeries> series_;
  std::unordered_map<uint32_t, DurationSeries> queries_;
  std::vector<int64_t> queriesInFlight_;
};

// What the host of a Node application reports for one worker (js/PROTOCOL.md, `metrics`).
struct NodeWorkerSample {
  double eventLoopUtilization = 0;
  double heapUsedBytes = 0;
  double heapTotalBytes = 0;
  // Event-loop delay since the previous report, in seconds.
  double lagMin = 0, lagMax = 0, lagMean = 0, lagStddev = 0, lagP50 = 0, lagP90 = 0, lagP99 = 0;
};

class MetricsRegistry {
 public:
  // Posts `work` to the loop of shard `shard` (the runtime's loops).
  using Poster = std::function<void(unsigned shard, std::function<void()> work)>;
  // Appends Prometheus text for values read at scrape time.
  using Collector = std::function<void(std::string& out)>;

  MetricsRegistry(const config::MetricsConfig& config, std::vector<std::string> applicationIds,
                  unsigned shards, Poster poster);

  // Loop thread `shard` only. `method` from methodIndex(). `worker` is the `workerId` label: the
  // worker of a hosted application that answered (http::Response::worker), or -1 for the loop
  // itself (a native application serves on every loop, each loop is one of its workers).
  void recordRequest(unsigned shard, int worker, uint16_t application, RequestSource source,
                     uint8_t method, int status, double seconds) {
    uint16_t label = static_cast<uint16_t>(worker >= 0 ? worker : static_cast<int>(shard));
    shards_[shard]->record(label, application, source, method, status, seconds);
  }
  // Loop thread `shard` only: database queries of an application (one statement, or a whole
  // transaction), for watt_db_query_duration_seconds and watt_db_queries_in_flight.
  void queryStarted(unsigned shard, uint16_t application) {
    shards_[shard]->queryStarted(application);
  }
  void queryFinished(unsigned shard, uint16_t application, bool failed, double seconds) {
    shards_[shard]->queryFinished(application, failed, seconds);
  }
  // Index of an application for the calls above (its position in the config), or -1.
  int applicationIndex(std::string_view id) const;

  // Any thread.
  void countRestart(size_t application);
  // Any thread. The latest sample of a worker of a hosted (Node) application.
  void reportNodeWorker(size_t application, int worker, const NodeWorkerSample& sample);
  // Any thread. The child process of a hosted application (0: none); its workers are forgotten.
  void setApplicationProcess(size_t application, int pid);
  // Startup only (before the first scrape): extra series rendered at each scrape.
  void addCollector(Collector collector) { collectors_.push_back(std::move(collector)); }

  // The whole Prometheus text exposition (format 0.0.4), from any thread. It waits for every
  // loop to hand over its shard (a loop that does not answer within a second is left out of
  // this scrape), so on a loop thread it holds that loop meanwhile: prefer another thread.
  std::string render();
  // The same series as prom-client's getMetricsAsJSON() shows them (what Watt's management API
  // answers to `Accept: application/json`): [{name, help, type, values: [{value, labels,
  // metricName?}], aggregator}].
  std::string renderJson();

  const config::MetricsConfig& config() const { return config_; }
  // `{applicationId="x",region="eu"` without the closing brace: the labels of an application.
  std::string applicationLabels(std::string_view id) const;
  // The configured constant labels, `,a="b",c="d"` (empty when none).
  const std::string& constantLabels() const { return constantLabels_; }

 private:
  void renderRequests(std::string& out);
  void renderProcess(std::string& out);
  void renderThreads(std::string& out);
  void renderNodeWorkers(std::string& out);
  void renderChildProcesses(std::string& out);

  const config::MetricsConfig& config_;
  std::vector<std::string> applicationIds_;
  std::vector<std::unique_ptr<RequestShard>> shards_;
  Poster poster_;
  std::unique_ptr<std::atomic<uint64_t>[]> restarts_;
  std::vector<Collector> collectors_;
  std::string constantLabels_;

  std::mutex scrapeMutex_;  // one scrape at a time: the CPU percent needs the previous sample
  struct ThreadSample {
    double cpuSeconds = 0;
    double at = 0;
  };
  std::map<int, ThreadSample> lastThreadSample_;

  std::mutex childrenMutex_;  // reports arrive on the control thread, scrapes anywhere
  std::map<std::pair<size_t, int>, NodeWorkerSample> nodeWorkers_;
  std::map<size_t, int> childPids_;
};

// Text exposition helpers, for collectors.
void appendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type);
void appendNumber(std::string& out, double value);
void appendLabelValue(std::string& out, std::string_view value);  // quoted and escaped

}  // namespace watt::observe
