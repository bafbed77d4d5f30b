#include "observe/trace_context.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/asio.h"
#include "observe/tracer.h"

namespace watt::observe {
namespace {

constexpr std::string_view kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ParsesAndFormatsBack) {
  auto c = parseTraceparent(kValid);
  ASSERT_TRUE(c);
  EXPECT_EQ(toHex(c->traceId), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(toHex(c->spanId), "00f067aa0ba902b7");
  EXPECT_TRUE(c->sampled());
  EXPECT_EQ(formatTraceparent(*c), kValid);
  auto unsampled = parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled());
  EXPECT_TRUE(parseTraceparent(" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\t"));
}

TEST(Traceparent, MalformedHeadersStartANewTrace) {
  for (std::string_view bad : {
           "", "garbage",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",        // no flags
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xx",  // version 00 is exact
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // forbidden version
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",     // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",     // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",     // zero parent id
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",     // not hex
       }) {
    EXPECT_FALSE(parseTraceparent(bad)) << bad;
  }
}

TEST(Traceparent, FutureVersionsKeepTheirFirstFields) {
  auto c = parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future");
  ASSERT_TRUE(c);
  EXPECT_EQ(toHex(c->spanId), "00f067aa0ba902b7");
  EXPECT_FALSE(parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
}

TEST(Ids, RandomNonZeroAndRequestIdsAreUuids) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(toHex(newSpanId()));
  EXPECT_EQ(seen.size(), 1000u);
  std::string id = newRequestId();
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(id, newRequestId());
}

config::TelemetryConfig shopTelemetry() {
  config::TelemetryConfig cfg;
  cfg.enabled = true;
  cfg.applicationName = "shop";
  cfg.version = "2";
  cfg.exporters.push_back({config::TelemetryExporter::Type::kMemory, "", {}, "", false});
  return cfg;
}

TEST(Tracer, OtlpJsonGroupsSpansByService) {
  Tracer tracer(shopTelemetry(), {"gateway", "db"}, false);
  auto parent = *parseTraceparent(kValid);
  SpanData data;
  data.traceId = parent.traceId;
  data.spanId = newSpanId();
  data.parentId = parent.spanId;
  data.kind = SpanKind::kClient;
  data.service = tracer.serviceOf("db");
  data.name = "SELECT";
  data.attributes.push_back({"db.query.text", "SELECT 1", 0, false});
  data.attributes.push_back({"http.response.status_code", {}, 200, true});
  json::value doc = json::parse(tracer.otlpJson({data}));
  const auto& rs = doc.at("resourceSpans").as_array();
  ASSERT_EQ(rs.size(), 1u);
  const auto& attrs = rs[0].at("resource").at("attributes").as_array();
  EXPECT_EQ(attrs[0].at("value").at("stringValue").as_string(), "shop-db");
  EXPECT_EQ(attrs[1].at("key").as_string(), "service.version");
  const auto& span = rs[0].at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(span.at("parentSpanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(span.at("kind").as_int64(), 3);
  EXPECT_EQ(span.at("attributes").at(1).at("value").at("intValue").as_string(), "200");
  EXPECT_EQ(tracer.serviceOf("unknown"), 2);
}

// Spans are encoded (OTLP protobuf) when they end, into the buffer of the thread that ends them;
// collect() takes every thread's; the export request decodes back to what was recorded.
TEST(Tracer, RecordedSpansRoundTripThroughTheProtobufEncoding) {
  Tracer tracer(shopTelemetry(), {"gateway", "db"}, false);
  auto parent = *parseTraceparent(kValid);
  std::string statement = "SELECT " + std::string(500, 'x');  // past the span's inline buffer
  Span server = Span::start(SpanKind::kServer, tracer.serviceOf("gateway"), parent,
                            {"GET", " ", "/movies"});
  EXPECT_TRUE(server.active());
  EXPECT_EQ(toHex(server.context().traceId), "4bf92f3577b34da6a3ce929d0e0e4736");
  server.setAttribute("http.request.method", "GET");
  server.setAttributeConcat("url.full", {"http", "://", "db.plt.local", "/movies?x=1"});
  server.setAttribute("server.port", int64_t{-3});
  server.setHttpStatus(503);
  Span client = Span::start(SpanKind::kClient, tracer.serviceOf("db"), server.context(), {"SELECT"});
  client.setAttribute("db.query.text", statement);
  client.setError("no such table");
  std::thread other([&] { client.end(tracer); });  // another thread, another buffer
  other.join();
  EXPECT_FALSE(client.active());
  server.end(tracer);
  Span root = Span::start(SpanKind::kInternal, 7, TraceContext{}, {"boot"});  // unknown service
  root.end(tracer);

  std::vector<std::string> entries;
  EXPECT_EQ(tracer.collect(entries), 3u);
  EXPECT_EQ(tracer.collect(entries), 0u);  // taken
  std::string request = tracer.otlpProtobuf(entries);
  std::vector<SpanData> spans;
  std::vector<std::string> services;
  ASSERT_TRUE(otlp::decodeExportRequest(request, spans, services));
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(services, (std::vector<std::string>{"shop-gateway", "shop-db", "shop"}));

  const SpanData& s = spans[0];
  EXPECT_EQ(services[s.service], "shop-gateway");
  EXPECT_EQ(s.name, "GET /movies");
  EXPECT_EQ(s.kind, SpanKind::kServer);
  EXPECT_EQ(s.status, 2);
  EXPECT_EQ(toHex(s.parentId), "00f067aa0ba902b7");
  EXPECT_LE(s.startNanos, s.endNanos);
  EXPECT_GT(s.startNanos, 1'600'000'000'000'000'000);
  ASSERT_EQ(s.attributes.size(), 4u);
  EXPECT_EQ(s.attributes[1].key, "url.full");
  EXPECT_EQ(s.attributes[1].text, "http://db.plt.local/movies?x=1");
  EXPECT_EQ(s.attributes[2].number, -3);
  EXPECT_TRUE(s.attributes[3].isNumber);
  EXPECT_EQ(s.attributes[3].number, 503);

  const SpanData& c = spans[1];
  EXPECT_EQ(services[c.service], "shop-db");
  EXPECT_EQ(c.parentId, s.spanId);
  EXPECT_EQ(c.traceId, s.traceId);
  EXPECT_EQ(c.attributes.at(0).text, statement);
  EXPECT_EQ(c.attributes.at(1).key, "error.message");
  EXPECT_EQ(c.status, 2);

  EXPECT_EQ(services[spans[2].service], "shop");
  EXPECT_EQ(spans[2].parentId, SpanId{});
  EXPECT_NE(spans[2].traceId, s.traceId);
  EXPECT_EQ(spans[2].flags, 1);

  // The file exporter's line, from the decoded span.
  json::value line = json::parse(tracer.spanJson(c));
  EXPECT_EQ(line.at("kind").as_int64(), 2);
  EXPECT_EQ(line.at("parentSpanContext").at("spanId").as_string(), toHex(s.spanId));
}

TEST(Tracer, MalformedEntriesAreRejected) {
  std::vector<SpanData> spans;
  std::vector<std::string> services;
  EXPECT_FALSE(otlp::decodeSpanEntries(std::string_view("\x12\x05ab", 4), 0, spans));
  EXPECT_FALSE(otlp::decodeExportRequest(std::string_view("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),
                                         spans, services));
  EXPECT_TRUE(otlp::decodeExportRequest("", spans, services));
  EXPECT_TRUE(spans.empty());
}

TEST(Tracer, AThreadPastItsLimitDropsAndCounts) {
  Tracer tracer(shopTelemetry(), {"db"}, false);
  std::string big(64 * 1024, 'q');
  const size_t spans = Tracer::kThreadLimit / big.size() + 20;  // past the limit
  for (size_t i = 0; i < spans; ++i) {
    Span span = Span::start(SpanKind::kClient, 0, TraceContext{}, {"SELECT"});
    span.setAttribute("db.query.text", big);
    span.end(tracer);
  }
  std::vector<std::string> entries;
  size_t recorded = tracer.collect(entries);
  EXPECT_LT(recorded, spans);
  EXPECT_GT(recorded, 0u);
  EXPECT_EQ(tracer.dropped(), spans - recorded);
  EXPECT_LE(entries[0].size(), Tracer::kThreadLimit);
}

}  // namespace
}  // namespace watt::observe
