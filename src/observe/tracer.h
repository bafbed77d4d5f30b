// OpenTelemetry tracing: spans recorded on the loop threads and exported in batches by a thread
// of their own, so that a request never waits for an exporter. A span is encoded (OTLP protobuf,
// see otlp.h) when it ends, into a bounded buffer of the thread that recorded it (a lock nobody
// else takes but the exporter, once per batch); when that buffer is full, or when an export
// fails (collector down), spans are dropped and counted. Off (Tracer::instance() == nullptr)
// unless the runtime config has a `telemetry` block: then the request path pays one pointer test.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/runtime_config.h"
#include "observe/otlp.h"
#include "observe/trace_context.h"

namespace watt::observe {

// A span being recorded; inactive (every call a no-op) when default-constructed. Its name and
// attributes are encoded (OTLP protobuf) as they are set, into a buffer inside the Span: a
// request's spans cost no heap allocation unless an attribute is long.
class Tracer;

class Span {
 public:
  Span() = default;
  // A child of `parent`, or the root of a new trace when `parent` has no trace id; its name is
  // the concatenation of `name`.
  static Span start(SpanKind kind, uint16_t service, const TraceContext& parent,
                    std::initializer_list<std::string_view> name);

  bool active() const { return active_; }
  // The context to hand to the next hop: same trace, this span as the parent.
  TraceContext context() const;
  void setAttribute(std::string_view key, std::string_view value) {
    if (active_) otlp::addAttribute(fields_, key, value);
  }
  // A string attribute made of several pieces (a URL from scheme, host and target).
  void setAttributeConcat(std::string_view key, std::initializer_list<std::string_view> parts) {
    if (active_) otlp::addAttribute(fields_, key, parts);
  }
  void setAttribute(std::string_view key, int64_t value) {
    if (active_) otlp::addAttribute(fields_, key, value);
  }
  // OpenTelemetry's HTTP rule: a server span is an error from 500, a client span from 400.
  void setHttpStatus(int status);
  void setError(std::string_view message);
  void end();  // hands the span to the tracer; the Span becomes inactive
  void end(Tracer& tracer);  // the same, to a given tracer (unit tests)

 private:
  friend class Tracer;
  bool active_ = false;
  uint16_t service_ = 0;
  otlp::SpanHead head_;
  otlp::FieldBuffer fields_;
};

class Tracer {
 public:
  // nullptr when tracing is off. Set by start() before the loops run, reset by stop().
  static Tracer* instance() { return instance_; }
  // `applications`: ids of the runtime's applications; spans name them as services.
  static void start(const config::TelemetryConfig& config,
                    const std::vector<std::string>& applications);
  // Exports what is recorded (bounded wait) and stops the exporter thread.
  static void stop();

  // `exportThread` false: nothing exports on its own (unit tests call collect()).
  Tracer(const config::TelemetryConfig& config, const std::vector<std::string>& applications,
         bool exportThread = true);
  ~Tracer();

  uint16_t serviceOf(std::string_view applicationId) const;
  bool skips(std::string_view method, std::string_view path) const;
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t exported() const { return exported_.load(std::memory_order_relaxed); }

  // Takes every thread's recorded spans: `chunks[i]` receives views of the span entries of
  // service i (one per thread that has some), valid until the next take(); the exporter sends
  // them without concatenating them first. Returns how many spans were taken.
  size_t take(otlp::EntryChunks& chunks);
  // The same, concatenated per service (unit tests).
  size_t collect(std::vector<std::string>& entries);

  // Encodings, public for the unit tests.
  std::string otlpProtobuf(const otlp::EntryChunks& entries) const;
  std::string otlpProtobuf(const std::vector<std::string>& entries) const;
  std::string otlpJson(const std::vector<SpanData>& spans) const;
  std::string spanJson(const SpanData& span) const;  // one line of the file exporter

  // A thread's buffer wakes the exporter at kBatchBytes and drops spans past kThreadLimit.
  static constexpr size_t kBatchBytes = 1024 * 1024;
  static constexpr size_t kThreadLimit = 8 * 1024 * 1024;

 private:
  struct ThreadSpans {
    std::mutex mutex;
    std::vector<std::string> entries;  // per service; the thread appends under `mutex`
    size_t spans = 0;
    size_t bytes = 0;
    // The exporter's side, swapped with `entries` under `mutex` and read after it is released:
    // a thread never waits while a batch is exported. Cleared (at the next take), not freed,
    // so that the buffers keep their capacity from batch to batch.
    std::vector<std::string> taken;
  };
  friend class Span;
  void record(Span& span);  // any thread; never blocks on an export
  // The index in services_ of a span's service (an unknown one counts as the runtime's).
  size_t serviceIndex(uint16_t service) const {
    return std::min<size_t>(service, services_.size() - 1);
  }
  ThreadSpans& local();
  void run();
  void exportEntries(const otlp::EntryChunks& entries, size_t spans);
  bool exportOtlp(const config::TelemetryExporter& exporter, const otlp::EntryChunks& entries,
                  const std::vector<SpanData>& decoded, std::string& error);
  bool exportFile(const config::TelemetryExporter& exporter, const std::vector<SpanData>& decoded,
                  std::string& error);
  void exportConsole(const std::vector<SpanData>& decoded);
  void noteFailure(const std::string& what, size_t spans);

  static Tracer* instance_;

  config::TelemetryConfig config_;
  std::vector<std::string> services_;  // "{applicationName}-{id}", by index; the runtime last
  std::vector<std::string> applications_;
  const uint64_t generation_;  // tells a thread's cached buffer of an earlier Tracer apart

  std::mutex mutex_;  // guards threads_ and stopping_
  std::condition_variable wake_;
  std::vector<std::unique_ptr<ThreadSpans>> threads_;
  std::atomic<bool> batchReady_{false};
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
