#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "observe/logger.h"

namespace watt::observe {
namespace {

TEST(LoggerTap, ReceivesEveryWrittenRecordAsAJsonLineUntilRemoved) {
  std::vector<std::string> lines;
  int id = log().addTap([&](std::string_view line) { lines.emplace_back(line); });
  log().info("tapped record", "app-a");
  log().forwardApplicationLine("app-b", 1, R"({"level":40,"time":1,"msg":"from pino"})", false);
  log().forwardApplicationLine("app-b", 0, "plain text", true);
  log().log(LogLevel::kTrace, "", "below the level: not written, not tapped");
  log().removeTap(id);
  log().info("after removal");

  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
  }
  auto first = json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("msg"), "tapped record");
  EXPECT_EQ(first.at("name"), "app-a");
  EXPECT_EQ(first.at("level"), 30);
  auto second = json::parse(lines[1]).as_object();
  EXPECT_EQ(second.at("msg"), "from pino");
  EXPECT_EQ(second.at("name"), "app-b");
  EXPECT_EQ(second.at("worker"), 1);
  auto third = json::parse(lines[2]).as_object();
  EXPECT_EQ(third.at("msg"), "plain text");
  EXPECT_EQ(third.at("level"), 50);
}

TEST(LoggerTap, SeveralTapsEachGetTheRecord) {
  int a = 0, b = 0;
  int ta = log().addTap([&](std::string_view) { ++a; });
  int tb = log().addTap([&](std::string_view) { ++b; });
  log().info("two taps");
  log().removeTap(ta);
  log().info("one tap");
  log().removeTap(tb);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
}

}  // namespace
}  // namespace watt::observe
