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

}  // namespace

Tracer* Tracer::instance_ = nullptr;

CurrentTrace& currentTrace() {
  thread_local CurrentTrace current;
  return current;
}

// ---------------------------------------------------------------------------------------------
// Span

Span Span::start(SpanKind kind, uint16_t service, const TraceContext& parent,
                 std::initializer_list<std::string_view> name) {
  Span span;
  span.active_ = true;
  span.service_ = service;
  otlp::SpanHead& h = span.head_;
  if (!parent.hasTrace()) {
    h.traceId = newTraceId();
    h.flags = 1;
  } else {
    h.traceId = parent.traceId;
    h.parentId = parent.spanId;
    h.flags = parent.flags;
  }
  h.spanId = newSpanId();
  h.kind = kind;
  h.startNanos = nowNanos();
  otlp::addName(span.fields_, name);
  return span;
}

TraceContext Span::context() const {
  TraceContext c;
  if (!active_) return c;
  c.traceId = head_.traceId;
  c.spanId = head_.spanId;
  c.flags = head_.flags;
  return c;
}

void Span::setHttpStatus(int status) {
  if (!active_) return;
  setAttribute("http.response.status_code", static_cast<int64_t>(status));
  int errorFrom = head_.kind == SpanKind::kServer ? 500 : 400;
  head_.status = status >= errorFrom ? 2 : 0;
}

void Span::setError(std::string_view message) {
  if (!active_) return;
  head_.status = 2;
  setAttribute("error.message", message);
}

void Span::end() {
  if (Tracer* tracer = Tracer::instance())
    end(*tracer);
  else
    active_ = false;
}

void Span::end(Tracer& tracer) {
  if (!active_) return;
  head_.endNanos = nowNanos();
  tracer.record(*this);
}

// ---------------------------------------------------------------------------------------------
// Tracer

namespace {
std::atomic<uint64_t> tracerGenerations{0};
}  // namespace

Tracer::Tracer(const config::TelemetryConfig& config, const std::vector<std::string>& applications,
               bool exportThread)
    : config_(config), applications_(applications), generation_(++tracerGenerations) {
  for (const auto& id : applications) services_.push_back(config_.applicationName + "-" + id);
  services_.push_back(config_.applicationName);  // the runtime itself
  if (exportThread) thread_ = std::thread([this] { run(); });
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

Tracer::ThreadSpans& Tracer::local() {
  struct Cache {
    uint64_t generation = 0;
    ThreadSpans* spans = nullptr;
  };
  thread_local Cache cache;
  if (cache.generation != generation_) {
    auto spans = std::make_unique<ThreadSpans>();
    spans->entries.resize(services_.size());
    std::lock_guard lock(mutex_);
    cache = {generation_, spans.get()};
    threads_.push_back(std::move(spans));
  }
  return *cache.spans;
}

void Tracer::record(Span& span) {
  span.active_ = false;
  size_t service = serviceIndex(span.service_);
  std::string_view fields = span.fields_.view();
  size_t size = otlp::spanEntrySize(span.head_, fields);
  ThreadSpans& t = local();
  bool wake = false;
  {
    std::lock_guard lock(t.mutex);
    if (t.bytes + size > kThreadLimit) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    otlp::appendSpanEntry(t.entries[service], span.head_, fields);
    wake = t.bytes < kBatchBytes && t.bytes + size >= kBatchBytes;
    t.bytes += size;
    ++t.spans;
  }
  if (wake) {
    // Not under mutex_: a wake-up lost to the exporter's check-then-wait race costs at most one
    // export interval, and the request path never waits for the exporter's lock.
    batchReady_.store(true, std::memory_order_relaxed);
    wake_.notify_one();
  }
}

size_t Tracer::take(otlp::EntryChunks& chunks) {
  chunks.resize(services_.size());
  for (auto& c : chunks) c.clear();
  std::vector<ThreadSpans*> threads;
  {
    std::lock_guard lock(mutex_);
    for (auto& t : threads_) threads.push_back(t.get());
  }
  size_t spans = 0;
  for (ThreadSpans* t : threads) {
    for (auto& e : t->taken) e.clear();  // the previous batch, exported by now
    {
      std::lock_guard lock(t->mutex);
      if (t->spans == 0) continue;
      t->entries.swap(t->taken);
      t->entries.resize(services_.size());
      spans += t->spans;
      t->spans = 0;
      t->bytes = 0;
    }
    for (size_t i = 0; i < chunks.size() && i < t->taken.size(); ++i)
      if (!t->taken[i].empty()) chunks[i].push_back(t->taken[i]);
  }
  return spans;
}

size_t Tracer::collect(std::vector<std::string>& entries) {
  otlp::EntryChunks chunks;
  size_t spans = take(chunks);
  entries.resize(services_.size());
  for (size_t i = 0; i < chunks.size(); ++i)
    for (std::string_view chunk : chunks[i]) entries[i] += chunk;
  return spans;
}

void Tracer::run() {
  otlp::EntryChunks chunks;
  for (;;) {
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kExportInterval, [this] {
        return stopping_ || batchReady_.load(std::memory_order_relaxed);
      });
      batchReady_.store(false, std::memory_order_relaxed);
      last = stopping_;
    }
    if (size_t spans = take(chunks)) exportEntries(chunks, spans);
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

void Tracer::exportEntries(const otlp::EntryChunks& entries, size_t spans) {
  // Only the JSON encodings need the spans decoded; OTLP protobuf sends the entries as they are.
  std::vector<SpanData> decoded;
  bool decode = false;
  for (const auto& exporter : config_.exporters)
    decode = decode || exporter.type == config::TelemetryExporter::Type::kFile ||
             exporter.type == config::TelemetryExporter::Type::kConsole ||
             (exporter.type == config::TelemetryExporter::Type::kOtlp && exporter.json);
  if (decode) {
    decoded.reserve(spans);
    for (size_t i = 0; i < entries.size(); ++i)
      for (std::string_view chunk : entries[i])
        otlp::decodeSpanEntries(chunk, static_cast<uint16_t>(i), decoded);
  }
  for (const auto& exporter : config_.exporters) {
    std::string error;
    bool ok = true;
    switch (exporter.type) {
      case config::TelemetryExporter::Type::kOtlp:
        ok = exportOtlp(exporter, entries, decoded, error);
        break;
      case config::TelemetryExporter::Type::kFile:
        ok = exportFile(exporter, decoded, error);
        break;
      case config::TelemetryExporter::Type::kConsole:
        exportConsole(decoded);
        break;
      // memory: Watt keeps spans for its own tests to read in process; nothing can read them
      // here, so they are discarded. zipkin: accepted by the loader with a warning.
      case config::TelemetryExporter::Type::kMemory:
      case config::TelemetryExporter::Type::kZipkin:
        break;
    }
    if (ok)
      exported_.fetch_add(spans, std::memory_order_relaxed);
    else
      noteFailure(error, spans);
  }
}

std::string Tracer::otlpProtobuf(const otlp::EntryChunks& entries) const {
  return otlp::exportRequest(entries, services_, config_.version);
}

std::string Tracer::otlpProtobuf(const std::vector<std::string>& entries) const {
  otlp::EntryChunks chunks(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) chunks[i].push_back(entries[i]);
  return otlpProtobuf(chunks);
}

bool Tracer::exportOtlp(const config::TelemetryExporter& exporter,
                        const otlp::EntryChunks& entries,
                        const std::vector<SpanData>& decoded, std::string& error) {
  http::FetchOptions options;
  options.method = "POST";
  options.headers = exporter.headers;
  if (exporter.json) {
    options.headers.emplace_back("content-type", "application/json");
    options.body = otlpJson(decoded);
  } else {
    options.headers.emplace_back("content-type", "application/x-protobuf");
    options.body = otlpProtobuf(entries);
  }
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
                        const std::vector<SpanData>& decoded, std::string& error) {
  std::string text;
  for (const auto& span : decoded) {
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

void Tracer::exportConsole(const std::vector<SpanData>& decoded) {
  for (const auto& span : decoded) {
    json::value parsed = json::parse(spanJson(span));
    json::object fields;
    fields["span"] = std::move(parsed);
    log().log(LogLevel::kInfo, services_[serviceIndex(span.service)],
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
  const std::string& service = services_[serviceIndex(span.service)];
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
    perService[serviceIndex(span.service)].push_back(&span);
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
