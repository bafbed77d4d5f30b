// W3C Trace Context (https://www.w3.org/TR/trace-context/): the trace id, the id of the span a
// request belongs to, and its flags, carried with a request through every hop (a field of
// http::Request inside the runtime, the `traceparent` header on sockets). Also the ids the
// runtime generates: span ids, trace ids and request ids, from a per-thread generator.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace watt::observe {

using TraceId = std::array<uint8_t, 16>;
using SpanId = std::array<uint8_t, 8>;

// True for an all-zero id (no trace, no parent). Compared as 64-bit words: std::array's
// operator== calls memcmp, which cost more than the rest of a span's bookkeeping together.
template <size_t N>
inline bool isZero(const std::array<uint8_t, N>& id) {
  static_assert(N % 8 == 0);
  uint64_t bits = 0;
  for (size_t i = 0; i < N; i += 8) {
    uint64_t word;
    std::memcpy(&word, id.data() + i, 8);
    bits |= word;
  }
  return bits == 0;
}

struct TraceContext {
  TraceId traceId{};  // all zero: no trace
  SpanId spanId{};    // the parent of the next span created for this request
  uint8_t flags = 0;  // bit 0: sampled

  bool valid() const { return !isZero(traceId) && !isZero(spanId); }
  bool hasTrace() const { return !isZero(traceId); }
  bool sampled() const { return (flags & 1) != 0; }
};

// "00-<32 hex>-<16 hex>-<2 hex>"; nullopt for anything malformed (wrong length or version ff,
// non-hex or upper-case digits, all-zero ids), in which case the caller starts a new trace.
// Future versions (> 00) are read by their first four fields, as the specification asks.
std::optional<TraceContext> parseTraceparent(std::string_view header);
std::string formatTraceparent(const TraceContext& context);

std::string toHex(const uint8_t* data, size_t size);
template <size_t N>
std::string toHex(const std::array<uint8_t, N>& id) {
  return toHex(id.data(), N);
}

// Random, never all-zero ids (a fast per-thread generator seeded from the OS; not for secrets).
TraceId newTraceId();
SpanId newSpanId();
// A random UUID (version 4), the shape of Watt's request ids.
std::string newRequestId();

}  // namespace watt::observe
