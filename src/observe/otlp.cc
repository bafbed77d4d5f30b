#include "observe/otlp.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

namespace watt::observe::otlp {
namespace {

size_t totalSize(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (auto part : parts) n += part.size();
  return n;
}

char* putParts(char* p, std::initializer_list<std::string_view> parts) {
  for (auto part : parts) {
    std::memcpy(p, part.data(), part.size());
    p += part.size();
  }
  return p;
}

char* putFixed64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, 8);
    return p + 8;
  }
  for (int i = 0; i < 8; ++i) *p++ = static_cast<char>(v >> (8 * i));  // little-endian
  return p;
}

template <size_t N>
char* putId(char* p, uint8_t fieldTag, const std::array<uint8_t, N>& id) {
  *p++ = static_cast<char>(fieldTag);
  *p++ = static_cast<char>(N);
  std::memcpy(p, id.data(), N);
  return p + N;
}

size_t spanSize(const SpanHead& head, std::string_view fields) {
  return 18 + 10 + (isZero(head.parentId) ? 0 : 10) + fields.size() + 2 + 9 + 9 + 4 + 6;
}

// A KeyValue with a string value.
size_t stringKeyValueSize(std::string_view key, size_t valueSize) {
  return lenFieldSize(key.size()) + lenFieldSize(lenFieldSize(valueSize));
}

// Writes a KeyValue whose string value is the concatenation of `parts` as field `fieldTag`
// (`n` is the parts' total size); `p` has room for lenFieldSize(stringKeyValueSize(key, n)).
char* putStringKeyValue(char* p, uint8_t fieldTag, std::string_view key,
                        std::initializer_list<std::string_view> parts, size_t n) {
  *p++ = static_cast<char>(fieldTag);
  p = putVarint(p, stringKeyValueSize(key, n));
  p = putLenField(p, kField1, key);
  *p++ = static_cast<char>(kField2);
  p = putVarint(p, lenFieldSize(n));
  *p++ = static_cast<char>(kField1);
  p = putVarint(p, n);
  return putParts(p, parts);
}

void appendStringKeyValue(std::string& out, uint8_t fieldTag, std::string_view key,
                          std::string_view value) {
  size_t old = out.size();
  out.resize(old + lenFieldSize(stringKeyValueSize(key, value.size())));
  putStringKeyValue(out.data() + old, fieldTag, key, {value}, value.size());
}

void appendLenHeader(std::string& out, uint8_t fieldTag, size_t length) {
  char head[11];
  head[0] = static_cast<char>(fieldTag);
  char* end = putVarint(head + 1, length);
  out.append(head, static_cast<size_t>(end - head));
}

// --- reading ----------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}
  bool done() const { return p_ == end_; }

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool field(uint64_t& number, int& wire) {
    uint64_t key;
    if (!varint(key)) return false;
    number = key >> 3;
    wire = static_cast<int>(key & 7);
    return number != 0;
  }
  bool bytes(std::string_view& out) {
    uint64_t n;
    if (!varint(n) || n > static_cast<uint64_t>(end_ - p_)) return false;
    out = {reinterpret_cast<const char*>(p_), static_cast<size_t>(n)};
    p_ += n;
    return true;
  }
  bool fixed(int size, uint64_t& v) {
    if (end_ - p_ < size) return false;
    v = 0;
    for (int i = 0; i < size; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += size;
    return true;
  }
  // A field's value of any wire type; `number` receives varint and fixed values.
  bool value(int wire, uint64_t& number, std::string_view& text) {
    switch (wire) {
      case 0: return varint(number);
      case 1: return fixed(8, number);
      case 2: return bytes(text);
      case 5: return fixed(4, number);
      default: return false;  // groups are not used by OTLP
    }
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

template <size_t N>
bool readId(std::string_view bytes, std::array<uint8_t, N>& id) {
  if (bytes.size() != N) return false;
  std::memcpy(id.data(), bytes.data(), N);
  return true;
}

// Calls fn(number, wire, value, bytes) for every field of `message` (`value` for varint and
// fixed fields, `bytes` for length-delimited ones); false if the message is malformed or fn
// returns false.
template <typename Fn>
bool forEachField(std::string_view message, Fn&& fn) {
  Reader r(message);
  while (!r.done()) {
    uint64_t number, value = 0;
    int wire;
    std::string_view bytes;
    if (!r.field(number, wire) || !r.value(wire, value, bytes)) return false;
    if (!fn(number, wire, value, bytes)) return false;
  }
  return true;
}

bool decodeAttribute(std::string_view keyValue, SpanAttribute& out) {
  return forEachField(keyValue, [&](uint64_t number, int wire, uint64_t, std::string_view bytes) {
    if (number == 1 && wire == 2) out.key = bytes;
    if (number != 2 || wire != 2) return true;
    return forEachField(bytes, [&](uint64_t n, int w, uint64_t value, std::string_view text) {
      if (n == 1 && w == 2) {
        out.text = text;
        out.isNumber = false;
      } else if (n == 3 && w == 0) {
        out.number = static_cast<int64_t>(value);
        out.isNumber = true;
      }
      return true;
    });
  });
}

bool decodeSpan(std::string_view message, uint16_t service, SpanData& span) {
  span.service = service;
  return forEachField(message, [&](uint64_t number, int, uint64_t v, std::string_view bytes) {
    switch (number) {
      case 1: return readId(bytes, span.traceId);
      case 2: return readId(bytes, span.spanId);
      case 4: return readId(bytes, span.parentId);
      case 5: span.name = bytes; return true;
      case 6: span.kind = static_cast<SpanKind>(v); return true;
      case 7: span.startNanos = static_cast<int64_t>(v); return true;
      case 8: span.endNanos = static_cast<int64_t>(v); return true;
      case 9: {
        SpanAttribute attribute;
        if (!decodeAttribute(bytes, attribute)) return false;
        span.attributes.push_back(std::move(attribute));
        return true;
      }
      case 15:  // Status: only its code
        return forEachField(bytes, [&](uint64_t n, int, uint64_t code, std::string_view) {
          if (n == 3) span.status = static_cast<int>(code);
          return true;
        });
      case 16: span.flags = static_cast<uint8_t>(v & 0xff); return true;
      default: return true;  // fields this server does not write
    }
  });
}

}  // namespace

// --- FieldBuffer ------------------------------------------------------------------------------

void FieldBuffer::grow(size_t needed) {
  size_t capacity = std::max(needed, capacity_ * 2);
  char* bigger = static_cast<char*>(std::malloc(capacity));
  if (!bigger) throw std::bad_alloc();
  std::memcpy(bigger, data_, size_);
  if (data_ != inline_) std::free(data_);
  data_ = bigger;
  capacity_ = capacity;
}

void FieldBuffer::release() {
  if (data_ != inline_) std::free(data_);
  data_ = inline_;
  size_ = 0;
  capacity_ = kInline;
}

void FieldBuffer::take(FieldBuffer& other) {
  if (other.data_ == other.inline_) {
    std::memcpy(inline_, other.inline_, other.size_);
    data_ = inline_;
  } else {
    data_ = other.data_;
    other.data_ = other.inline_;
  }
  size_ = other.size_;
  capacity_ = other.capacity_;
  other.size_ = 0;
  other.capacity_ = kInline;
}

// --- writing ----------------------------------------------------------------------------------

void addName(FieldBuffer& out, std::initializer_list<std::string_view> parts) {
  size_t n = totalSize(parts);
  char* p = out.extend(lenFieldSize(n));
  *p++ = static_cast<char>(kSpanName);
  p = putVarint(p, n);
  putParts(p, parts);
}

void addAttribute(FieldBuffer& out, std::string_view key,
                  std::initializer_list<std::string_view> parts) {
  size_t n = totalSize(parts);
  putStringKeyValue(out.extend(lenFieldSize(stringKeyValueSize(key, n))), kSpanAttribute, key,
                    parts, n);
}

void addAttribute(FieldBuffer& out, std::string_view key, int64_t value) {
  auto raw = static_cast<uint64_t>(value);  // int64 as a varint: negatives take ten bytes
  size_t any = 1 + varintSize(raw);
  size_t kv = lenFieldSize(key.size()) + lenFieldSize(any);
  char* p = out.extend(lenFieldSize(kv));
  *p++ = static_cast<char>(kSpanAttribute);
  p = putVarint(p, kv);
  p = putLenField(p, kField1, key);
  *p++ = static_cast<char>(kField2);
  p = putVarint(p, any);
  *p++ = static_cast<char>(kAnyInt);
  putVarint(p, raw);
}

size_t spanEntrySize(const SpanHead& head, std::string_view fields) {
  return lenFieldSize(spanSize(head, fields));
}

namespace {

// Writes the entry at `p`; returns its end.
char* writeSpanEntry(char* p, const SpanHead& head, std::string_view fields) {
  *p++ = static_cast<char>(kField2);
  p = putVarint(p, spanSize(head, fields));
  p = putId(p, kSpanTraceId, head.traceId);
  p = putId(p, kSpanId, head.spanId);
  if (!isZero(head.parentId)) p = putId(p, kSpanParentId, head.parentId);
  std::memcpy(p, fields.data(), fields.size());
  p += fields.size();
  *p++ = static_cast<char>(kSpanKind);
  *p++ = static_cast<char>(head.kind);
  *p++ = static_cast<char>(kSpanStart);
  p = putFixed64(p, static_cast<uint64_t>(head.startNanos));
  *p++ = static_cast<char>(kSpanEnd);
  p = putFixed64(p, static_cast<uint64_t>(head.endNanos));
  *p++ = static_cast<char>(kSpanStatus);
  *p++ = 2;
  *p++ = static_cast<char>(kStatusCode);
  *p++ = static_cast<char>(head.status);
  *p++ = static_cast<char>(kSpanFlags[0]);
  *p++ = static_cast<char>(kSpanFlags[1]);
  for (int i = 0; i < 4; ++i) *p++ = static_cast<char>(i == 0 ? head.flags : 0);
  return p;
}

}  // namespace

void appendSpanEntry(std::string& out, const SpanHead& head, std::string_view fields) {
  size_t old = out.size();
  out.resize(old + spanEntrySize(head, fields));
  writeSpanEntry(out.data() + old, head, fields);
}

std::string exportRequest(const EntryChunks& entries, const std::vector<std::string>& services,
                          std::string_view version) {
  static constexpr std::string_view kScopeName = "watt";
  auto bytesOf = [](const std::vector<std::string_view>& chunks) {
    size_t n = 0;
    for (std::string_view chunk : chunks) n += chunk.size();
    return n;
  };
  size_t total = 0;
  for (const auto& e : entries) total += bytesOf(e) + 128;
  std::string out;
  out.reserve(total);
  const size_t scope = lenFieldSize(kScopeName.size()) + lenFieldSize(std::string_view(WATT_VERSION).size());
  for (size_t i = 0; i < entries.size() && i < services.size(); ++i) {
    size_t bytes = bytesOf(entries[i]);
    if (bytes == 0) continue;
    size_t resource = lenFieldSize(stringKeyValueSize("service.name", services[i].size()));
    if (!version.empty()) resource += lenFieldSize(stringKeyValueSize("service.version", version.size()));
    size_t scopeSpans = lenFieldSize(scope) + bytes;
    size_t resourceSpans = lenFieldSize(resource) + lenFieldSize(scopeSpans);
    appendLenHeader(out, kField1, resourceSpans);  // ExportTraceServiceRequest.resource_spans
    appendLenHeader(out, kField1, resource);       // ResourceSpans.resource
    appendStringKeyValue(out, kField1, "service.name", services[i]);
    if (!version.empty()) appendStringKeyValue(out, kField1, "service.version", version);
    appendLenHeader(out, kField2, scopeSpans);  // ResourceSpans.scope_spans
    appendLenHeader(out, kField1, scope);       // ScopeSpans.scope
    appendLenHeader(out, kField1, kScopeName.size());
    out += kScopeName;
    appendLenHeader(out, kField2, std::string_view(WATT_VERSION).size());
    out += WATT_VERSION;
    for (std::string_view chunk : entries[i]) out += chunk;  // ScopeSpans.spans
  }
  return out;
}

bool decodeSpanEntries(std::string_view entries, uint16_t service, std::vector<SpanData>& out) {
  return forEachField(entries, [&](uint64_t number, int wire, uint64_t, std::string_view message) {
    if (number != 2 || wire != 2) return false;  // only ScopeSpans.spans entries
    SpanData span;
    if (!decodeSpan(message, service, span)) return false;
    out.push_back(std::move(span));
    return true;
  });
}

bool decodeExportRequest(std::string_view request, std::vector<SpanData>& spans,
                         std::vector<std::string>& services) {
  // ExportTraceServiceRequest.resource_spans (1) > ResourceSpans.resource (1) and scope_spans (2)
  // > ScopeSpans.spans (2); other fields are skipped.
  return forEachField(request, [&](uint64_t field, int wire, uint64_t, std::string_view resourceSpans) {
    if (field != 1 || wire != 2) return true;
    auto service = static_cast<uint16_t>(services.size());
    services.emplace_back();
    return forEachField(resourceSpans, [&](uint64_t field, int wire, uint64_t, std::string_view part) {
      if (wire != 2) return true;
      if (field == 1) {  // Resource
        return forEachField(part, [&](uint64_t field, int wire, uint64_t, std::string_view keyValue) {
          if (field != 1 || wire != 2) return true;
          SpanAttribute attribute;
          if (!decodeAttribute(keyValue, attribute)) return false;
          if (attribute.key == "service.name") services[service] = attribute.text;
          return true;
        });
      }
      if (field != 2) return true;
      return forEachField(part, [&](uint64_t field, int wire, uint64_t, std::string_view span) {
        if (field != 2 || wire != 2) return true;
        SpanData data;
        if (!decodeSpan(span, service, data)) return false;
        spans.push_back(std::move(data));
        return true;
      });
    });
  });
}

}  // namespace watt::observe::otlp
