#include "observe/trace_context.h"

#include <cstring>
#include <random>

namespace watt::observe {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // the specification allows lower-case digits only
}

bool parseHex(std::string_view text, uint8_t* out) {
  for (size_t i = 0; i < text.size() / 2; ++i) {
    int hi = hexValue(text[2 * i]);
    int lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

// xoshiro256** seeded once per thread: ids on the request path cost a few nanoseconds.
class IdGenerator {
 public:
  IdGenerator() {
    std::random_device rd;
    for (auto& s : state_) s = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
  }
  uint64_t next() {
    uint64_t result = rotl(state_[1] * 5, 7) * 9;
    uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

IdGenerator& generator() {
  thread_local IdGenerator g;
  return g;
}

// `size` is a multiple of 8 (ids are 8 or 16 bytes).
void fillRandom(uint8_t* out, size_t size) {
  IdGenerator& g = generator();
  for (size_t i = 0; i < size; i += 8) {
    uint64_t v = g.next();
    std::memcpy(out + i, &v, 8);
  }
}

}  // namespace

std::optional<TraceContext> parseTraceparent(std::string_view header) {
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55.
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t'))
    header.remove_suffix(1);
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
    header.remove_prefix(1);
  if (header.size() < 55) return std::nullopt;
  uint8_t version = 0;
  if (!parseHex(header.substr(0, 2), &version) || version == 0xff) return std::nullopt;
  if (version == 0 && header.size() != 55) return std::nullopt;
  if (version != 0 && header.size() > 55 && header[55] != '-') return std::nullopt;
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;
  TraceContext context;
  if (!parseHex(header.substr(3, 32), context.traceId.data())) return std::nullopt;
  if (!parseHex(header.substr(36, 16), context.spanId.data())) return std::nullopt;
  if (!parseHex(header.substr(53, 2), &context.flags)) return std::nullopt;
  if (!context.valid()) return std::nullopt;
  return context;
}

std::string toHex(const uint8_t* data, size_t size) {
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 15];
  }
  return out;
}

std::string formatTraceparent(const TraceContext& context) {
  char text[55];  // written here, then copied once: the header value's only allocation
  auto put = [&text](size_t at, const uint8_t* data, size_t size) {
    for (size_t i = 0; i < size; ++i) {
      text[at + 2 * i] = kHex[data[i] >> 4];
      text[at + 2 * i + 1] = kHex[data[i] & 15];
    }
  };
  text[0] = text[1] = '0';
  text[2] = text[35] = text[52] = '-';
  put(3, context.traceId.data(), context.traceId.size());
  put(36, context.spanId.data(), context.spanId.size());
  put(53, &context.flags, 1);
  return std::string(text, sizeof(text));
}

TraceId newTraceId() {
  TraceId id;
  do fillRandom(id.data(), id.size());
  while (isZero(id));
  return id;
}

SpanId newSpanId() {
  SpanId id;
  do fillRandom(id.data(), id.size());
  while (isZero(id));
  return id;
}

std::string newRequestId() {
  uint8_t bytes[16];
  fillRandom(bytes, sizeof(bytes));
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[36];  // 8-4-4-4-12 hex digits, written here (std::string's operator[] reloads its
                  // pointer after every char store) and copied once
  size_t at = 0;
  for (size_t i = 0; i < sizeof(bytes); ++i) {
    if (at == 8 || at == 13 || at == 18 || at == 23) text[at++] = '-';
    text[at++] = kHex[bytes[i] >> 4];
    text[at++] = kHex[bytes[i] & 15];
  }
  return std::string(text, sizeof(text));
}

}  // namespace watt::observe
