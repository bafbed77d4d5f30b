// OpenTelemetry tracing: spans recorded on the loop threads and exported in batches by a thread
// of their own, so that a request never waits for an exporter. Spans go into one bounded queue
// (a short lock per span); when it is full, or when an export fails (collector down), spans are
// dropped and counted. Off (Tracer::instance() == nullptr) unless the runtime config has a
// `telemetry` block: then the request path pays one pointer test.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/runtime_config.h"
#include "observe/trace_context.h"

namespace watt::observe {

enum class SpanKind : uint8_t { kInternal = 1, kServer = 2, kClient = 3 };

struct SpanAttribute {
  std::string_view key;  // a string literal
  std::string text;
  int64_t number = 0;
  bool isNumber = false;
};

struct SpanData {
  TraceId traceId{};
  SpanId spanId{};
  SpanId parentId{};  // all zero for the root of a trace
  SpanKind kind = SpanKind::kInternal;
  uint8_t flags = 1;
  uint16_t service = 0;    // index into the tracer's service names
  int status = 0;          // OpenTelemetry status code: 0 unset, 1 ok, 2 error
  int64_t startNanos = 0;  // since the Unix epoch
  int64_t endNanos = 0;
  std::string name;
  std::vector<SpanAttribute> attributes;
};

// A span being recorded; inactive (every call a no-op) when default-constructed.
class Span {
 public:
  Span() = default;
  // A child of `parent`, or the root of a new trace when `parent` has no trace id.
  static Span start(SpanKind kind, uint16_t service, std::string name, const TraceContext& parent);

  bool active() const { return active_; }
  // The context to hand to the next hop: same trace, this span as the parent.
  TraceContext context() const;
  void setAttribute(std::string_view key, std::string value);
  void setAttribute(std::string_view key, int64_t value);
  // OpenTelemetry's HTTP rule: a server span is an error from 500, a client span from 400.
  void setHttpStatus(int status);
  void setError(std::string_view message);
  void end();  // hands the span to the exporter; the Span becomes inactive

 private:
  bool active_ = false;
  SpanData data_;
};

class Tracer {
 public:
  // nullptr when tracing is off. Set by start() before the loops run, reset by stop().
  static Tracer* instance() { return instance_; }
  // `applications`: ids of the runtime's applications; spans name them as services.
  static void start(const config::TelemetryConfig& config,
                    const std::vector<std::string>& applications);
  // Exports what is queued (bounded wait) and stops the exporter thread.
  static void stop();

  uint16_t serviceOf(std::string_view applicationId) const;
  bool skips(std::string_view method, std::string_view path) const;
  void record(SpanData&& span);  // any thread; never blocks on an export
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t exported() const { return exported_.load(std::memory_order_relaxed); }

  // Encodings, public for the unit tests.
  std::string otlpJson(const std::vector<SpanData>& spans) const;
  std::string spanJson(const SpanData& span) const;  // one line of the file exporter

  static constexpr size_t kQueueLimit = 8192;
  static constexpr size_t kBatchSize = 512;

  Tracer(const config::TelemetryConfig& config, const std::vector<std::string>& applications);
  ~Tracer();

 private:
  void run();
  void exportBatch(std::vector<SpanData>& batch);
  bool exportOtlp(const config::TelemetryExporter& exporter, const std::vector<SpanData>& batch,
                  std::string& error);
  bool exportFile(const config::TelemetryExporter& exporter, const std::vector<SpanData>& batch,
                  std::string& error);
  void exportConsole(const std::vector<SpanData>& batch);
  void noteFailure(const std::string& what, size_t spans);

  static Tracer* instance_;

  config::TelemetryConfig config_;
  std::vector<std::string> services_;  // "{applicationName}-{id}", by index
  std::vector<std::string> applications_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<SpanData> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> exported_{0};
  std::chrono::steady_clock::time_point lastWarning_{};
  std::thread thread_;
};

// The trace context of the request a loop thread is serving right now, for code deep below a
// handler that has no Request at hand (the database layer). Set when a traced handler starts
// and restored by whoever suspends and resumes on behalf of that request (see TracedDatabase).
struct CurrentTrace {
  TraceContext context;
  uint16_t service = 0;
};
CurrentTrace& currentTrace();

}  // namespace watt::observe
