#include "runtime/management_api.h"

#include <gtest/gtest.h>

namespace watt::runtime {
namespace {

TEST(ManagementApi, WebSocketAcceptFollowsRfc6455) {
  // The example of RFC 6455, section 1.3.
  EXPECT_EQ(ManagementApi::websocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
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

}  // namespace
}  // namespace watt::runtime
