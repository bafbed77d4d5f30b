// PostgreSQL's text formats: array literals both ways, and timestamps as JavaScript prints them.
#include "db/postgres_text.h"

#include <gtest/gtest.h>

namespace watt::db::postgres {
namespace {

std::vector<std::string> texts(std::string_view literal) {
  std::vector<std::string> out;
  auto parsed = parseArrayLiteral(literal);
  if (!parsed) return {"<invalid>"};
  for (const auto& e : *parsed) out.push_back(e.text ? (e.isArray ? "[" + *e.text + "]" : *e.text) : "<null>");
  return out;
}

using Texts = std::vector<std::string>;

TEST(PostgresText, ParsesArrayLiterals) {
  EXPECT_EQ(texts("{}"), Texts{});
  EXPECT_EQ(texts("{1,2,3}"), (Texts{"1", "2", "3"}));
  EXPECT_EQ(texts("{a,NULL,\"NULL\"}"), (Texts{"a", "<null>", "NULL"}));
  EXPECT_EQ(texts(R"({"a b","c\"d","e\\f",",",""})"), (Texts{"a b", "c\"d", "e\\f", ",", ""}));
  EXPECT_EQ(texts("{{1,2},{3,4}}"), (Texts{"[{1,2}]", "[{3,4}]"}));
  EXPECT_EQ(texts(R"({{"}",x},{y}})"), (Texts{R"([{"}",x}])", "[{y}]"}));
  EXPECT_EQ(texts("[0:1]={5,6}"), (Texts{"5", "6"}));
  for (std::string_view bad : {"", "1,2", "{1,2", "{\"a}", "{{1,2}", "[0:1]"})
    EXPECT_EQ(texts(bad), Texts{"<invalid>"}) << bad;
}

TEST(PostgresText, ArrayLiteralsRoundTrip) {
  std::vector<Value> values{"plain", "with space", "q\"uote", "back\\slash", Value(), int64_t{7}, "NULL"};
  auto parsed = parseArrayLiteral(arrayLiteral(values));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), values.size());
  EXPECT_EQ(*(*parsed)[2].text, "q\"uote");
  EXPECT_EQ(*(*parsed)[3].text, "back\\slash");
  EXPECT_FALSE((*parsed)[4].text);
  EXPECT_EQ(*(*parsed)[5].text, "7");
  EXPECT_EQ(*(*parsed)[6].text, "NULL");  // quoted: the text, not a NULL
}

TEST(PostgresText, TimestampsAsJavaScriptIsoStrings) {
  EXPECT_EQ(isoTimestamp("2024-01-02 03:04:05"), "2024-01-02T03:04:05.000Z");
  EXPECT_EQ(isoTimestamp("2024-01-02 03:04:05.123456"), "2024-01-02T03:04:05.123Z");  // truncated, as Date
  EXPECT_EQ(isoTimestamp("2024-01-02 03:04:05.5"), "2024-01-02T03:04:05.500Z");
  EXPECT_EQ(isoTimestamp("2024-01-02 03:04:05+01"), "2024-01-02T02:04:05.000Z");
  EXPECT_EQ(isoTimestamp("2024-01-01 00:30:00+05:30"), "2023-12-31T19:00:00.000Z");  // across a year
  EXPECT_EQ(isoTimestamp("2024-02-28 23:00:00-02"), "2024-02-29T01:00:00.000Z");     // a leap day
  EXPECT_EQ(isoTimestamp("1969-12-31 23:59:59.999+00"), "1969-12-31T23:59:59.999Z");
  EXPECT_FALSE(isoTimestamp("infinity"));
  EXPECT_FALSE(isoTimestamp("0044-03-15 12:00:00 BC"));
  EXPECT_FALSE(isoTimestamp("2024-13-01 00:00:00"));
  EXPECT_FALSE(isoTimestamp("2024-01-02"));
}

}  // namespace
}  // namespace watt::db::postgres
