// OTLP, OpenTelemetry's wire format for traces, in its protobuf encoding (the one Watt's exporter
// sends: @opentelemetry/exporter-trace-otlp-proto), written and read by hand. Field numbers are
// those of opentelemetry/proto/{collector/trace,trace,common,resource}/v1/*.proto.
//
// A span is encoded once, when it ends, on the thread that recorded it: its `Span` message,
// prefixed as an entry of `ScopeSpans.spans`, is appended to that thread's buffer for its
// service. An export request wraps those entries, unchanged, in ResourceSpans/ScopeSpans. The
// other encodings (OTLP/JSON, Watt's file lines, console records) decode the entries back into
// SpanData, which only those slower paths pay for.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "observe/trace_context.h"

namespace watt::observe {

enum class SpanKind : uint8_t { kInternal = 1, kServer = 2, kClient = 3 };

struct SpanAttribute {
  std::string key;
  std::string text;
  int64_t number = 0;
  bool isNumber = false;
};

// A span decoded from its OTLP entry (or built by a test).
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

namespace otlp {

// --- protobuf wire format ---------------------------------------------------------------------

// Tags (field number << 3 | wire type) of the fields written here: by otlp.cc and by the
// inline attribute writer below.
constexpr uint8_t kLen = 2;
constexpr uint8_t tag(int field, uint8_t wire) { return static_cast<uint8_t>(field << 3 | wire); }
// ExportTraceServiceRequest.resource_spans, ResourceSpans.resource, Resource.attributes,
// ScopeSpans.scope, InstrumentationScope.name, KeyValue.key, AnyValue.string_value: field 1.
constexpr uint8_t kField1 = tag(1, kLen);
// ResourceSpans.scope_spans, ScopeSpans.spans, InstrumentationScope.version, KeyValue.value.
constexpr uint8_t kField2 = tag(2, kLen);
constexpr uint8_t kSpanTraceId = tag(1, kLen);
constexpr uint8_t kSpanId = tag(2, kLen);
constexpr uint8_t kSpanParentId = tag(4, kLen);
constexpr uint8_t kSpanName = tag(5, kLen);
constexpr uint8_t kSpanKind = tag(6, 0);
constexpr uint8_t kSpanStart = tag(7, 1);
constexpr uint8_t kSpanEnd = tag(8, 1);
constexpr uint8_t kSpanAttribute = tag(9, kLen);
constexpr uint8_t kSpanStatus = tag(15, kLen);
constexpr uint8_t kStatusCode = tag(3, 0);
constexpr uint8_t kAnyInt = tag(3, 0);
// Span.flags, field 16 (fixed32): a two-byte tag.
constexpr uint8_t kSpanFlags[2] = {0x85, 0x01};

constexpr size_t varintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline char* putVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// A length-delimited field: its tag (one byte: field numbers below 16), length and bytes.
constexpr size_t lenFieldSize(size_t length) { return 1 + varintSize(length) + length; }
inline char* putLenField(char* p, uint8_t tag, std::string_view bytes) {
  *p++ = static_cast<char>(tag);
  p = putVarint(p, bytes.size());
  std::memcpy(p, bytes.data(), bytes.size());
  return p + bytes.size();
}

// --- the variable part of a span: its name and attributes, encoded as they are set -----------

// A byte buffer kept inside the Span (and so inside the coroutine frame of the request that
// records it): a span's name and attributes fit in it without a heap allocation; long ones
// (an SQL statement) move to the heap.
class FieldBuffer {
 public:
  FieldBuffer() = default;
  FieldBuffer(FieldBuffer&& other) noexcept { take(other); }
  FieldBuffer& operator=(FieldBuffer&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  FieldBuffer(const FieldBuffer&) = delete;
  FieldBuffer& operator=(const FieldBuffer&) = delete;
  ~FieldBuffer() { release(); }

  // `n` more bytes at the end, to be written by the caller.
  char* extend(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    char* p = data_ + size_;
    size_ += n;
    return p;
  }
  std::string_view view() const { return {data_, size_}; }

  static constexpr size_t kInline = 232;

 private:
  void grow(size_t needed);
  void release();
  void take(FieldBuffer& other);

  char* data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = kInline;
  char inline_[kInline];
};

// Span.name (the concatenation of `parts`).
void addName(FieldBuffer& out, std::initializer_list<std::string_view> parts);
// Span.attributes entries: a string value (the concatenation of `parts`) or an int64.
void addAttribute(FieldBuffer& out, std::string_view key,
                  std::initializer_list<std::string_view> parts);
void addAttribute(FieldBuffer& out, std::string_view key, int64_t value);

// A string attribute of one piece. Inline for the common case (key and value short enough
// that every length in the entry is one byte, the attributes of an HTTP span): the generic
// path's size computations cost more than the copies.
inline void addAttribute(FieldBuffer& out, std::string_view key, std::string_view value) {
  const size_t k = key.size(), n = value.size();
  if (k + n > 121) return addAttribute(out, key, std::initializer_list<std::string_view>{value});
  // Span.attributes (field 9) { KeyValue.key (1) = key, KeyValue.value (2) = AnyValue {
  // string_value (1) = value } }: 8 bytes of tags and lengths.
  char* p = out.extend(k + n + 8);
  p[0] = static_cast<char>(kSpanAttribute);
  p[1] = static_cast<char>(k + n + 6);
  p[2] = static_cast<char>(kField1);
  p[3] = static_cast<char>(k);
  std::memcpy(p + 4, key.data(), k);
  p += 4 + k;
  p[0] = static_cast<char>(kField2);
  p[1] = static_cast<char>(n + 2);
  p[2] = static_cast<char>(kField1);
  p[3] = static_cast<char>(n);
  std::memcpy(p + 4, value.data(), n);
}

// The fixed part of a span.
struct SpanHead {
  TraceId traceId{};
  SpanId spanId{};
  SpanId parentId{};
  SpanKind kind = SpanKind::kInternal;
  uint8_t flags = 1;
  uint8_t status = 0;
  int64_t startNanos = 0;
  int64_t endNanos = 0;
};

// Bytes appendSpanEntry() adds for this span.
size_t spanEntrySize(const SpanHead& head, std::string_view fields);
// Appends the `ScopeSpans.spans` entry (tag, length, Span message).
void appendSpanEntry(std::string& out, const SpanHead& head, std::string_view fields);

// Span entries by service: `chunks[i]` holds pieces of concatenated span entries of service i.
using EntryChunks = std::vector<std::vector<std::string_view>>;

// An ExportTraceServiceRequest: one ResourceSpans per service with entries (`entries[i]`, the
// span entries of service `services[i]`), each with one ScopeSpans of scope "watt".
std::string exportRequest(const EntryChunks& entries,
                          const std::vector<std::string>& services, std::string_view version);

// Decodes concatenated span entries of service `service` into `out`; false if malformed.
bool decodeSpanEntries(std::string_view entries, uint16_t service, std::vector<SpanData>& out);
// Decodes an ExportTraceServiceRequest: each span's `service` indexes `services`, which receives
// the `service.name` of each ResourceSpans. False if malformed.
bool decodeExportRequest(std::string_view request, std::vector<SpanData>& spans,
                         std::vector<std::string>& services);

}  // namespace otlp
}  // namespace watt::observe
