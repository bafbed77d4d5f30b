#include "runtime/management_api.h"

#include <gtest/gtest.h>

#include <thread>

#include "cli/runtime_client.h"
#include "project_dir.h"

namespace watt::runtime {
namespace {

TEST(ManagementApi, WebSocketAcceptFollowsRfc6455) {
  // The example of RFC 6455, section 1.3.
  EXPECT_EQ(ManagementApi::websocketAccept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(ManagementApi, WebSocketFramesUseTheShortestLengthForm) {
  std::string small = ManagementApi::websocketFrame(0x1, "hello");
  EXPECT_EQ(small, std::string("\x81\x05hello", 7));

  std::string medium = ManagementApi::websocketFrame(0x1, std::string(200, 'a'));
  ASSERT_EQ(medium.size(), 4u + 200u);
  EXPECT_EQ(static_cast<uint8_t>(medium[1]), 126);
  EXPECT_EQ((static_cast<uint8_t>(medium[2]) << 8) | static_cast<uint8_t>(medium[3]), 200);

  std::string large = ManagementApi::websocketFrame(0x2, std::string(70000, 'b'));
  ASSERT_EQ(large.size(), 10u + 70000u);
  EXPECT_EQ(static_cast<uint8_t>(large[0]), 0x82);
  EXPECT_EQ(static_cast<uint8_t>(large[1]), 127);
  uint64_t length = 0;
  for (int i = 2; i < 10; ++i) length = (length << 8) | static_cast<uint8_t>(large[i]);
  EXPECT_EQ(length, 70000u);

  std::string close = ManagementApi::websocketFrame(0x8, {});
  EXPECT_EQ(close, std::string("\x88\x00", 2));
}

TEST(ManagementApi, DefaultSocketFollowsTmpdir) {
  const char* saved = std::getenv("TMPDIR");
  std::string previous = saved ? saved : "";
  setenv("TMPDIR", "/var/tmp/x/", 1);
  EXPECT_EQ(defaultManagementSocket(42), "/var/tmp/x/platformatic/runtimes/42/socket");
  unsetenv("TMPDIR");
  EXPECT_EQ(defaultManagementSocket(7), "/tmp/platformatic/runtimes/7/socket");
  if (saved) setenv("TMPDIR", previous.c_str(), 1);
}

// A management API with no applications, served on its own thread at a socket in `dir`.
class ServedApi {
 public:
  ServedApi(const watt::testing::ProjectDir& dir, std::function<std::string()> text,
            std::function<std::string()> json)
      : loops_(1) {
    config_.root = dir.path();
    ManagementTarget target{
        .config = config_, .applications = apps_, .mesh = mesh_, .loops = loops_};
    target.status = [] { return std::string("started"); };
    target.url = [] { return std::string(); };
    target.stop = [] {};
    target.metricsText = std::move(text);
    target.metricsJson = std::move(json);
    api_ = std::make_unique<ManagementApi>(control_, std::move(target), dir.path() + "/mgmt.sock");
    error_ = api_->start();
    if (error_.empty()) thread_ = std::thread([this] { control_.run(); });
  }
  ~ServedApi() {
    asio::post(control_, [this] { control_.stop(); });
    if (thread_.joinable()) thread_.join();
  }
  const std::string& error() const { return error_; }

  cli::ClientResponse get(std::string target, std::string accept = {}) {
    http::Request request;
    request.target = std::move(target);
    if (!accept.empty()) request.headers.add("accept", std::move(accept));
    return cli::RuntimeClient::request(api_->socketPath(), std::move(request));
  }

 private:
  config::RuntimeConfig config_;
  std::vector<std::unique_ptr<Application>> apps_;
  Mesh mesh_;
  LoopGroup loops_;
  asio::io_context control_;
  std::unique_ptr<ManagementApi> api_;
  std::string error_;
  std::thread thread_;
};

// The contract the metrics registry relies on: set metricsText (and metricsJson) and GET
// /api/v1/metrics serves them, by Accept like Watt.
TEST(ManagementApi, MetricsHookServesTextOrJsonByAccept) {
  watt::testing::ProjectDir dir;
  ServedApi api(
      dir, [] { return std::string("# TYPE up gauge\nup 1\n"); },
      [] { return std::string(R"([{"name":"up","type":"gauge","values":[{"value":1}]}])"); });
  ASSERT_EQ(api.error(), "");
  auto text = api.get("/api/v1/metrics", "text/plain");
  EXPECT_EQ(text.status, 200) << text.error;
  EXPECT_EQ(text.body, "# TYPE up gauge\nup 1\n");
  EXPECT_EQ(text.headers.get("content-type"), "text/plain; charset=utf-8");
  auto byDefault = api.get("/api/v1/metrics");
  EXPECT_EQ(byDefault.body, "# TYPE up gauge\nup 1\n");
  auto asJson = api.get("/api/v1/metrics", "application/json");
  EXPECT_EQ(asJson.status, 200);
  EXPECT_EQ(json::parse(asJson.body).as_array().at(0).as_object().at("name"), "up");
}

TEST(ManagementApi, MetricsUnsetAnswer501AndMetadataHasNoPackage) {
  watt::testing::ProjectDir dir;
  ServedApi api(dir, {}, {});
  ASSERT_EQ(api.error(), "");
  auto r = api.get("/api/v1/metrics");
  EXPECT_EQ(r.status, 501);
  EXPECT_EQ(json::parse(r.body).as_object().at("message"),
            "Metrics are not enabled in this runtime.");
  auto meta = json::parse(api.get("/api/v1/metadata").body).as_object();
  EXPECT_TRUE(meta.at("packageName").is_null());
  EXPECT_TRUE(meta.at("url").is_null());
  EXPECT_EQ(meta.at("projectDir").as_string(), dir.path());
  auto apps = json::parse(api.get("/api/v1/applications").body).as_object();
  EXPECT_TRUE(apps.at("applications").as_array().empty());
}

}  // namespace
}  // namespace watt::runtime
