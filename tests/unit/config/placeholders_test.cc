#include "config/placeholders.h"

#include <gtest/gtest.h>

namespace watt::config {
namespace {

TEST(Placeholders, ReplacesSingleAndDoubleBraces) {
  EnvMap env{{"PORT", "3042"}, {"HOST", "127.0.0.1"}};
  std::vector<std::string> missing;
  std::string s = "{HOST}:{{PORT}}";
  ASSERT_TRUE(substituteString(s, env, missing));
  EXPECT_EQ(s, "127.0.0.1:3042");
  EXPECT_TRUE(missing.empty());
}

TEST(Placeholders, MissingVariableBecomesEmptyAndIsRecorded) {
  EnvMap env{{"SUFFIX", "tail"}};
  std::vector<std::string> missing;
  std::string s = "/gamma-{SUFFIX}{NOT_DEFINED}";
  ASSERT_TRUE(substituteString(s, env, missing));
  EXPECT_EQ(s, "/gamma-tail");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0], "NOT_DEFINED");
}

TEST(Placeholders, LeavesNonPlaceholderBracesAlone) {
  EnvMap env{{"A", "x"}};
  std::vector<std::string> missing;
  std::string s = "{ not } {a-b} {} {A}";
  ASSERT_TRUE(substituteString(s, env, missing));
  EXPECT_EQ(s, "{ not } {a-b} {} x");
}

TEST(Placeholders, NamesAreMatchedCaseInsensitivelyButLookedUpAsWritten) {
  EnvMap env{{"lower_name", "v"}};
  std::vector<std::string> missing;
  std::string s = "{lower_name}";
  ASSERT_TRUE(substituteString(s, env, missing));
  EXPECT_EQ(s, "v");
}

TEST(Placeholders, RunawayExpansionIsReported) {
  EnvMap env{{"LOOP", "{LOOP}"}};
  std::vector<std::string> missing;
  std::string s = "{LOOP}";
  EXPECT_FALSE(substituteString(s, env, missing));
}

TEST(Placeholders, WalksJsonValuesButNotKeysAndRecordsPaths) {
  json::value doc = json::parse(R"({"server":{"port":"{PORT}"},"{KEY}":["{A}", 1]})");
  MissingPlaceholders report;
  auto runaway = substitutePlaceholders(doc, EnvMap{{"A", "a"}}, report);
  EXPECT_TRUE(runaway.empty());
  EXPECT_EQ(doc.at("server").at("port").as_string(), "");
  EXPECT_EQ(doc.at("{KEY}").at(0).as_string(), "a");
  ASSERT_TRUE(report.byPath.contains("server.port"));
  EXPECT_EQ(report.byPath["server.port"][0], "PORT");
}

}  // namespace
}  // namespace watt::config
