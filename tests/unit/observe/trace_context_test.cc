#include "observe/trace_context.h"

#include <gtest/gtest.h>

#include <set>

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

TEST(Tracer, OtlpJsonGroupsSpansByService) {
  config::TelemetryConfig cfg;
  cfg.enabled = true;
  cfg.applicationName = "shop";
  cfg.version = "2";
  cfg.exporters.push_back({config::TelemetryExporter::Type::kMemory, "", {}, ""});
  Tracer tracer(cfg, {"gateway", "db"});
  auto parent = *parseTraceparent(kValid);
  Span server = Span::start(SpanKind::kServer, tracer.serviceOf("db"), "GET /movies", parent);
  server.setAttribute("http.request.method", std::string("GET"));
  server.setHttpStatus(503);
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
  EXPECT_TRUE(server.active());
  EXPECT_EQ(toHex(server.context().traceId), "4bf92f3577b34da6a3ce929d0e0e4736");
}

}  // namespace
}  // namespace watt::observe
