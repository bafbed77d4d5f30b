#include "observe/tracer.h"

#include <chrono>
#include <cstdio>

#include "common/asio.h"
#include "common/json_string.h"
#include "http/fetch.h"
#include "observe/logger.h"

namespace watt::observe {
namespace {

int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr auto kExportInterval = std::chrono::milliseconds(500);
constexpr auto kExportTimeout = std::chrono::seconds(5);
constexpr auto kWarningInterval = std::chrono::seconds(10);

template <size_t N>
bool isZero(const std::array<uint8_t, N>& id) {
  for (uint8_t b : id)
    if (b) return false;
  return true;
}

}  // namespace

Tracer* Tracer::instance_ = nullptr;

CurrentTrace& currentTrace() {
  thread_local CurrentTrace current;
  return current;
}

// ---------------------------------------------------------------------------------------------
// Span

Span Span::start(SpanKind kind, uint16_t service, std::string name, const TraceContext& parent) {
  Span span;
  span.active_ = true;
  SpanData& d = span.data_;
  if (isZero(parent.traceId)) {
    d.traceId = newTraceId();
    d.flags = 1;
  } else {
    d.traceId = parent.traceId;
    d.parentId = parent.spanId;
    d.flags = parent.flags;
  }
  d.spanId = newSpanId();
  d.kind = kind;
  d.service = service;
  d.name = std::move(name);
  d.startNanos = nowNanos();
  d.attributes.reserve(8);
  return span;
}

TraceContext Span::context() const {
  TraceContext c;
  if (!active_) return c;
  c.traceId = data_.traceId;
  c.spanId = data_.spanId;
  c.flags = data_.flags;
  return c;
}

void Span::setAttribute(std::string_view key, std::string value) {
  if (!active_) return;
  data_.attributes.push_back(SpanAttribute{key, std::move(value), 0, false});
}

void Span::setAttribute(std::string_view key, int64_t value) {
  if (!active_) return;
  data_.attributes.push_back(SpanAttribute{key, {}, value, true});
}

void Span::setHttpStatus(int status) {
  if (!active_) return;
  setAttribute("http.response.status_code", static_cast<int64_t>(status));
  int errorFrom = data_.kind == SpanKind::kServer ? 500 : 400;
  data_.status = status >= errorFrom ? 2 : 0;
}

void Span::setError(std::string_view message) {
  if (!active_) return;
  data_.status = 2;
  setAttribute("error.message", std::string(message));
}

void Span::end() {
  if (!active_) return;
  active_ = false;
  data_.endNanos = nowNanos();
  if (Tracer* tracer = Tracer::instance()) tracer->record(std::move(data_));
}

// ---------------------------------------------------------------------------------------------
// Tracer

Tracer::Tracer(const config::TelemetryConfig& config, const std::vector<std::string>& applications)
    : config_(config), applications_(applications) {
  for (const auto& id : applications) services_.push_back(config_.applicationName + "-" + id);
  services_.push_back(config_.applicationName);  // the runtime itself
  queue_.reserve(kBatchSize);
  thread_ = std::thread([this] { run(); });
}

Tracer::~Tracer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Tracer::start(const config::TelemetryConfig& config,
                   const std::vector<std::string>& applications) {
  if (!config.enabled || instance_) return;
  instance_ = new Tracer(config, applications);
}

void Tracer::stop() {
  Tracer* tracer = instance_;
  if (!tracer) return;
  delete tracer;  // joins the exporter thread after its last export
  instance_ = nullptr;
}

uint16_t Tracer::serviceOf(std::string_view applicationId) const {
  for (size_t i = 0; i < applications_.size(); ++i)
    if (applications_[i] == applicationId) return static_cast<uint16_t>(i);
  return static_cast<uint16_t>(applications_.size());
}

bool Tracer::skips(std::string_view method, std::string_view path) const {
  for (const auto& s : config_.skip)
    if (s.path == path && (s.method.empty() || s.method == method)) return true;
  return false;
}

void Tracer::record(SpanData&& span) {
  bool full = false;
  bool batchReady = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kQueueLimit) {
      full = true;
    } else {
      queue_.push_back(std::move(span));
      batchReady = queue_.size() == kBatchSize;
    }
  }
  if (full) dropped_.fetch_add(1, std::memory_order_relaxed);
  if (batchReady) wake_.notify_one();
}

void Tracer::run() {
  std::vector<SpanData> batch;
  for (;;) {
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kExportInterval,
                     [this] { return stopping_ || queue_.size() >= kBatchSize; });
      batch.swap(queue_);
      queue_.reserve(kBatchSize);
      last = stopping_;
    }
    if (!batch.empty()) exportBatch(batch);
    batch.clear();
    if (last) return;
  }
}

void Tracer::noteFailure(const std::string& what, size_t spans) {
  uint64_t total = dropped_.fetch_add(spans, std::memory_order_relaxed) + spans;
  auto now = std::chrono::steady_clock::now();
  if (now - lastWarning_ < kWarningInterval) return;
  lastWarning_ = now;
  json::object fields;
  fields["droppedSpans"] = total;
  log().log(LogLevel::kWarn, {},
            "Cannot export spans: " + what + "; " + std::to_string(total) + " spans dropped so far",
            &fields);
}

void Tracer::exportBatch(std::vector<SpanData>& batch) {
  for (const auto& exporter : config_.exporters) {
    std::string error;
    bool ok = true;
    switch (exporter.type) {
      case config::TelemetryExporter::Type::kOtlp:
        ok = exportOtlp(exporter, batch, error);
        break;
      case config::TelemetryExporter::Type::kFile:
        ok = exportFile(exporter, batch, error);
        break;
      case config::TelemetryExporter::Type::kConsole:
        exportConsole(batch);
        break;
      // memory: Watt keeps spans for its own tests to read in process; nothing can read them
      // here, so they are discarded. zipkin: accepted by the loader with a warning.
      case config::TelemetryExporter::Type::kMemory:
      case config::TelemetryExporter::Type::kZipkin:
        break;
    }
    if (ok)
      exported_.fetch_add(batch.size(), std::memory_order_relaxed);
    else
      noteFailure(error, batch.size());
  }
}

bool Tracer::exportOtlp(const config::TelemetryExporter& exporter,
                        const std::vector<SpanData>& batch, std::string& error) {
  http::FetchOptions options;
  options.method = "POST";
  options.headers = exporter.headers;
  options.headers.emplace_back("content-type", "application/json");
  options.body = otlpJson(batch);
  options.timeout = kExportTimeout;
  asio::io_context io(1);
  http::FetchResult result;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        result = co_await http::fetch(io.get_executor(), exporter.url, std::move(options));
      },
      asio::detached);
  io.run();
  if (!result.error.empty()) {
    error = exporter.url + ": " + result.error;
    return false;
  }
  if (result.status < 200 || result.status >= 300) {
    error = exporter.url + " answered " + std::to_string(result.status);
    return false;
  }
  return true;
}

bool Tracer::exportFile(const config::TelemetryExporter& exporter,
                        const std::vector<SpanData>& batch, std::string& error) {
  std::string text;
  for (const auto& span : batch) {
    text += spanJson(span);
    text += '\n';
  }
  FILE* f = std::fopen(exporter.path.c_str(), "a");
  if (!f) {
    error = exporter.path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) error = exporter.path + ": write failed";
  return ok;
}

void Tracer::exportConsole(const std::vector<SpanData>& batch) {
  for (const auto& span : batch) {
    json::value parsed = json::parse(spanJson(span));
    json::object fields;
    fields["span"] = std::move(parsed);
    log().log(LogLevel::kInfo, services_[std::min<size_t>(span.service, services_.size() - 1)],
              "span " + span.name, &fields);
  }
}

std::string Tracer::spanJson(const SpanData& span) const {
  // The shape of Watt's file exporter (one object per line).
  json::object attributes;
  for (const auto& a : span.attributes) {
    if (a.isNumber)
      attributes[a.key] = a.number;
    else
      attributes[a.key] = a.text;
  }
  const std::string& service = services_[std::min<size_t>(span.service, services_.size() - 1)];
  json::object resource{{"attributes", json::object{{"service.name", service}}}};
  if (!config_.version.empty())
    resource["attributes"].as_object()["service.version"] = config_.version;
  json::object out;
  out["traceId"] = toHex(span.traceId);
  json::object parent;
  if (!isZero(span.parentId)) {
    parent["traceId"] = toHex(span.traceId);
    parent["spanId"] = toHex(span.parentId);
  }
  out["parentSpanContext"] = std::move(parent);
  out["name"] = span.name;
  out["id"] = toHex(span.spanId);
  // Watt's file records the API's SpanKind (INTERNAL 0, SERVER 1, CLIENT 2).
  out["kind"] = static_cast<int>(span.kind) - 1;
  out["timestamp"] = span.startNanos / 1000;
  out["duration"] = (span.endNanos - span.startNanos) / 1000;
  out["attributes"] = std::move(attributes);
  out["status"] = json::object{{"code", span.status}};
  out["resource"] = std::move(resource);
  out["instrumentationScope"] = json::object{{"name", "watt"}, {"version", WATT_VERSION}};
  return json::serialize(out);
}

// Written as text directly: building a json::value per span cost more than the request it
// describes (allocation and teardown of the tree showed as a third of the CPU at 100% sampling).
std::string Tracer::otlpJson(const std::vector<SpanData>& spans) const {
  // One resourceSpans entry per service present in the batch.
  std::vector<std::vector<const SpanData*>> perService(services_.size());
  for (const auto& span : spans)
    perService[std::min<size_t>(span.service, services_.size() - 1)].push_back(&span);
  std::string out;
  out.reserve(256 + spans.size() * 320);
  auto stringAttribute = [&out](std::string_view key, std::string_view text) {
    out += "{\"key\":";
    appendJsonString(out, key);
    out += ",\"value\":{\"stringValue\":";
    appendJsonString(out, text);
    out += "}}";
  };
  out += "{\"resourceSpans\":[";
  bool firstService = true;
  for (size_t i = 0; i < perService.size(); ++i) {
    if (perService[i].empty()) continue;
    if (!firstService) out += ',';
    firstService = false;
    out += "{\"resource\":{\"attributes\":[";
    stringAttribute("service.name", services_[i]);
    if (!config_.version.empty()) {
      out += ',';
      stringAttribute("service.version", config_.version);
    }
    out += "]},\"scopeSpans\":[{\"scope\":{\"name\":\"watt\",\"version\":";
    appendJsonString(out, WATT_VERSION);
    out += "},\"spans\":[";
    bool firstSpan = true;
    for (const SpanData* span : perService[i]) {
      if (!firstSpan) out += ',';
      firstSpan = false;
      out += "{\"traceId\":\"";
      out += toHex(span->traceId);
      out += "\",\"spanId\":\"";
      out += toHex(span->spanId);
      out += '"';
      if (!isZero(span->parentId)) {
        out += ",\"parentSpanId\":\"";
        out += toHex(span->parentId);
        out += '"';
      }
      out += ",\"flags\":";
      out += std::to_string(span->flags);
      out += ",\"name\":";
      appendJsonString(out, span->name);
      out += ",\"kind\":";
      out += std::to_string(static_cast<int>(span->kind));
      out += ",\"startTimeUnixNano\":\"";
      out += std::to_string(span->startNanos);
      out += "\",\"endTimeUnixNano\":\"";
      out += std::to_string(span->endNanos);
      out += "\",\"attributes\":[";
      for (size_t a = 0; a < span->attributes.size(); ++a) {
        const auto& attribute = span->attributes[a];
        if (a > 0) out += ',';
        if (attribute.isNumber) {
          out += "{\"key\":";
          appendJsonString(out, attribute.key);
          out += ",\"value\":{\"intValue\":\"";  // int64 is a string in OTLP/JSON
          out += std::to_string(attribute.number);
          out += "\"}}";
        } else {
          stringAttribute(attribute.key, attribute.text);
        }
      }
      out += "],\"status\":{\"code\":";
      out += std::to_string(span->status);
      out += "}}";
    }
    out += "]}]}";
  }
  out += "]}";
  return out;
}

}  // namespace watt::observe
