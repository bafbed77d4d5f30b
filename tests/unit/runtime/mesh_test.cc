#include "runtime/mesh.h"

#include <gtest/gtest.h>

#include <future>

namespace watt::runtime {
namespace {

class FakeApp : public Application {
 public:
  explicit FakeApp(const config::ApplicationSpec& spec) : Application(spec) {}
  Task<void> start() override { co_return; }
  Task<void> stop(Millis) override { co_return; }
  Task<http::Response> handle(http::Request request) override {
    seen.push_back(request.target);
    http::Response r;
    r.body = id() + ":" + request.target;
    co_return r;
  }
  std::vector<std::string> seen;
};

http::Response dispatch(const Mesh& mesh, std::string id, std::string target) {
  asio::io_context io;
  std::promise<http::Response> result;
  http::Request req;
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

}  // namespace
}  // namespace watt::runtime
