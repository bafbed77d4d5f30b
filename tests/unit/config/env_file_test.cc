#include "config/env_file.h"

#include <gtest/gtest.h>

namespace watt::config {
namespace {

// Expectations cross-checked against Node 22's util.parseEnv (what Watt uses).
TEST(EnvFile, ParsesTheShapesWattProjectsUse) {
  auto env = parseEnvFile(
      "# comment\n"
      "PLAIN=value\n"
      "QUOTED=\"double quoted # not a comment\"\n"
      "SINGLE='single quoted'\n"
      "INLINE=value # inline comment\n"
      "EMPTY=\n"
      "EQUALS=a=b=c\n"
      "export EXPORTED=exported-value\n"
      "NEWLINE=\"line1\\nline2\"\n"
      "SPACES=   padded value   \n"
      "HASH=abc#def\n"
      "BACKTICK=`back ticked`\n"
      "ESCAPED=\"say \\\"hi\\\" now\"\n");
  EXPECT_EQ(env["PLAIN"], "value");
  EXPECT_EQ(env["QUOTED"], "double quoted # not a comment");
  EXPECT_EQ(env["SINGLE"], "single quoted");
  EXPECT_EQ(env["INLINE"], "value");
  EXPECT_EQ(env["EMPTY"], "");
  EXPECT_EQ(env["EQUALS"], "a=b=c");
  EXPECT_EQ(env["EXPORTED"], "exported-value");
  EXPECT_EQ(env["NEWLINE"], "line1\nline2");
  EXPECT_EQ(env["SPACES"], "padded value");
  EXPECT_EQ(env["HASH"], "abc");
  EXPECT_EQ(env["BACKTICK"], "back ticked");
  EXPECT_EQ(env["ESCAPED"], "say \\");  // backslash escapes are not supported
  EXPECT_FALSE(env.contains("# comment"));
}

TEST(EnvFile, HandlesCrlfMultilineAndGarbage) {
  auto env = parseEnvFile("A=1\r\nB=\"multi\nline\"\r\nno equals here\nC = spaced \n=novalue\nD=last");
  EXPECT_EQ(env["A"], "1");
  EXPECT_EQ(env["B"], "multi\nline");
  EXPECT_EQ(env["C"], "spaced");
  EXPECT_EQ(env["D"], "last");
  EXPECT_EQ(env.size(), 4u);
}

TEST(EnvFile, UnterminatedQuoteKeepsTheRawLine) {
  auto env = parseEnvFile("A=\"open\nB=2\n");
  EXPECT_EQ(env["A"], "\"open");
  EXPECT_EQ(env["B"], "2");
}

TEST(EnvFile, EmptyInput) { EXPECT_TRUE(parseEnvFile("").empty()); }

}  // namespace
}  // namespace watt::config
