#include "runtime/mesh.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <stdexcept>

#include <unistd.h>

#include "observe/tracer.h"

namespace watt::runtime {
namespace {

class FakeApp : public Application {
 public:
  explicit FakeApp(const config::ApplicationSpec& spec) : Application(spec) {}
  Task<void> start() override { co_return; }
  Task<void> stop(Millis) override { co_return; }
  Task<http::Response> handle(http::Request request) override {
    seen.push_back(request.target);
    traces.push_back(request.trace);
    if (request.target == "/throw") throw std::runtime_error("boom");
    http::Response r;
    if (request.target == "/unavailable") r.status = 503;
    r.body = id() + ":" + request.target;
    co_return r;
  }
  std::vector<std::string> seen;
  std::vector<observe::TraceContext> traces;
};

http::Response dispatch(const Mesh& mesh, std::string id, std::string target,
                        observe::TraceContext trace = {}) {
  asio::io_context io;
  std::promise<http::Response> result;
  http::Request req;
  req.method = "GET";
  req.trace = trace;
  req.target = std::move(target);
  asio::co_spawn(io, mesh.dispatch(id, std::move(req)), [&](std::exception_ptr, http::Response r) {
    result.set_value(std::move(r));
  });
  io.run();
  return result.get_future().get();
}

TEST(Mesh, IdFromHost) {
  EXPECT_EQ(Mesh::idFromHost("b.plt.local"), "b");
  EXPECT_EQ(Mesh::idFromHost("B.PLT.LOCAL:80"), "b");
  EXPECT_EQ(Mesh::idFromHost("users-api.plt.local"), "users-api");
  EXPECT_FALSE(Mesh::idFromHost("plt.local"));
  EXPECT_FALSE(Mesh::idFromHost(".plt.local"));
  EXPECT_FALSE(Mesh::idFromHost("example.com"));
  EXPECT_FALSE(Mesh::idFromHost("127.0.0.1:3042"));
  EXPECT_FALSE(Mesh::idFromHost(""));
}

TEST(Mesh, DispatchesByIdCaseInsensitively) {
  config::ApplicationSpec a, b;
  a.id = "alpha";
  b.id = "Beta";
  FakeApp fa(a), fb(b);
  Mesh mesh;
  mesh.add(fa);
  mesh.add(fb);
  EXPECT_EQ(dispatch(mesh, "alpha", "/x").body, "alpha:/x");
  EXPECT_EQ(dispatch(mesh, "beta", "/y").body, "Beta:/y");
  EXPECT_EQ(fb.seen.size(), 1u);
  EXPECT_EQ(mesh.ids(), (std::vector<std::string>{"alpha", "Beta"}));
}

TEST(Mesh, UnknownIdIsA502NamingIt) {
  Mesh mesh;
  auto r = dispatch(mesh, "ghost", "/");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.headers.get("content-type"), "application/json; charset=utf-8");
  auto body = json::parse(r.body);
  EXPECT_EQ(body.at("statusCode").as_int64(), 502);
  EXPECT_EQ(body.at("code").as_string(), "PLT_MESH_NO_TARGET");
  EXPECT_NE(std::string(body.at("message").as_string()).find("ghost.plt.local"), std::string::npos);
}

// With tracing on, each dispatch is a SERVER span of its target, held in the dispatch's own frame
// (ServerSpan): a child of the incoming context that the handler sees as its parent, an error from
// a 5xx answer or a thrown exception, nothing at all for an unsampled request.
TEST(Mesh, TracedDispatchRecordsAServerSpanPerHop) {
  auto path = std::filesystem::temp_directory_path() /
              ("watt-mesh-spans-" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  config::TelemetryConfig telemetry;
  telemetry.enabled = true;
  telemetry.applicationName = "shop";
  config::TelemetryExporter file;
  file.type = config::TelemetryExporter::Type::kFile;
  file.path = path.string();
  telemetry.exporters.push_back(file);
  observe::Tracer::start(telemetry, {"alpha"});

  config::ApplicationSpec a;
  a.id = "alpha";
  FakeApp fa(a);
  Mesh mesh;
  mesh.add(fa);
  auto parent = *observe::parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(dispatch(mesh, "alpha", "/ok", parent).status, 200);
  EXPECT_EQ(dispatch(mesh, "alpha", "/unavailable", parent).status, 503);
  dispatch(mesh, "alpha", "/throw", parent);  // the exception reaches the caller
  observe::TraceContext unsampled = parent;
  unsampled.flags = 0;
  EXPECT_EQ(dispatch(mesh, "alpha", "/unsampled", unsampled).status, 200);
  observe::Tracer::stop();  // exports what was recorded

  ASSERT_EQ(fa.traces.size(), 4u);
  EXPECT_EQ(fa.traces[0].traceId, parent.traceId);
  EXPECT_NE(fa.traces[0].spanId, parent.spanId);  // re-parented under the hop's span
  EXPECT_EQ(fa.traces[3].spanId, parent.spanId);  // unsampled: passed on as it came
  EXPECT_FALSE(fa.traces[3].sampled());

  std::ifstream in(path);
  std::vector<json::value> spans;
  for (std::string line; std::getline(in, line);) spans.push_back(json::parse(line));
  std::filesystem::remove(path);
  ASSERT_EQ(spans.size(), 3u);  // none for the unsampled request
  std::map<std::string, const json::value*> byName;
  for (const auto& span : spans) byName[std::string(span.at("name").as_string())] = &span;
  ASSERT_EQ(byName.size(), 3u);
  const json::value& ok = *byName.at("GET /ok");
  EXPECT_EQ(ok.at("id").as_string(), observe::toHex(fa.traces[0].spanId));
  EXPECT_EQ(ok.at("parentSpanContext").at("spanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(ok.at("status").at("code").as_int64(), 0);
  EXPECT_EQ(ok.at("resource").at("attributes").at("service.name").as_string(), "shop-alpha");
  const json::value& unavailable = *byName.at("GET /unavailable");
  EXPECT_EQ(unavailable.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(unavailable.at("attributes").at("http.response.status_code").as_int64(), 503);
  const json::value& thrown = *byName.at("GET /throw");
  EXPECT_EQ(thrown.at("status").at("code").as_int64(), 2);
  EXPECT_EQ(thrown.at("attributes").at("error.message").as_string(), "boom");
}

}  // namespace
}  // namespace watt::runtime
