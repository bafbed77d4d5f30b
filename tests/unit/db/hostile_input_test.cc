// Values that would break SQL built by pasting text: every one must be bound, stored and read
// back unchanged (or refused with a classified error), and the connection must go on working.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "db_test_support.h"

namespace watt::db {
namespace {

using testing::EngineTest;

class DbHostileInput : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    exec(pick("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, n BIGINT, x REAL, data BLOB)",
              "CREATE TABLE notes (id SERIAL PRIMARY KEY, body TEXT, n BIGINT, x DOUBLE PRECISION, "
              "data BYTEA)"));
    schema_ = schema();
    notes_ = schema_.table("notes");
    ASSERT_NE(notes_, nullptr);
  }

  // Inserts `column` = `value`, reads it back by id and finds it again by equality.
  void roundTrip(const std::string& column, const Value& value) {
    auto b = builder();
    auto inserted = rows(b.insert(*notes_, {{column, value}}, {"id", column}));
    ASSERT_EQ(inserted.rows.size(), 1u);
    EXPECT_EQ(inserted.rows[0][1], value);
    SelectQuery q;
    q.table = notes_;
    q.columns = {"id", column};
    q.where.all = {{column, Op::kEq, {value}}};
    auto found = rows(b.select(q));
    ASSERT_EQ(found.rows.size(), 1u) << "exactly the row just written";
    EXPECT_EQ(found.rows[0][0], inserted.rows[0][0]);
    EXPECT_EQ(found.rows[0][1], value);
  }

  Schema schema_;
  const Table* notes_ = nullptr;
};

TEST_P(DbHostileInput, TextThatLooksLikeSql) {
  std::vector<std::string> values = {
      "O'Reilly",
      "\"double\" 'single' `back`",
      "'; DROP TABLE notes; --",
      "x' OR '1'='1",
      "-- just a comment",
      "/* block */ comment",
      "a;b;c;",
      "\\ back\\slash \\'",
      "100%_wild%cards_",
      "$1 ? :name @p",
      "NULL",
      "",
      " ",
      "\n\r\t\v\f",
      "𝄞 music, 😀 emoji, Ελληνικά, עברית, 中文, e\u0301 combining",
  };
  for (const auto& v : values) {
    SCOPED_TRACE(v);
    roundTrip("body", v);
  }
  EXPECT_EQ(query("SELECT COUNT(*) FROM notes").rows->rows[0][0], Value(int64_t(values.size())));
}

TEST_P(DbHostileInput, NulBytes) {
  std::string withNul("before\0after", 12);
  if (!postgres()) {
    roundTrip("body", withNul);
    roundTrip("data", Blob{withNul});
    return;
  }
  // PostgreSQL text cannot hold NUL: refused as the server refuses it, nothing cut short.
  auto refused = run(builder().insert(*notes_, {{"body", withNul}}, {"id"}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->kind, DbError::Kind::kInvalidValue);
  EXPECT_EQ(refused.error->sqlState, "22021");
  EXPECT_EQ(query("SELECT COUNT(*) FROM notes").rows->rows[0][0], Value(0));
  roundTrip("data", Blob{withNul});
}

TEST_P(DbHostileInput, ExtremeNumbers) {
  for (int64_t n : {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                    int64_t{0}, int64_t{-1}, int64_t{9007199254740993}}) {
    SCOPED_TRACE(n);
    roundTrip("n", n);
  }
  for (double x :
       {1e308, -1e308, 5e-324, 0.1, 3.141592653589793, -0.5,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    SCOPED_TRACE(x);
    roundTrip("x", x);
  }
  // Beyond BIGINT: refused by PostgreSQL, stored as a real by SQLite; never wrapped around.
  auto beyond = run(builder().insert(*notes_, {{"n", "99999999999999999999"}}, {"n"}));
  if (postgres()) {
    ASSERT_FALSE(beyond.ok());
    EXPECT_EQ(beyond.error->kind, DbError::Kind::kInvalidValue);
  } else {
    ASSERT_TRUE(beyond.ok());
    EXPECT_TRUE(beyond.rows->rows[0][0].isReal());
  }
}

TEST_P(DbHostileInput, BlobsWithEveryByte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  roundTrip("data", Blob{bytes});
  auto empty = rows(builder().insert(*notes_, {{"data", Blob{}}}, {"data"}));
  EXPECT_EQ(empty.rows.at(0).at(0), Value(Blob{}));
}

TEST_P(DbHostileInput, VeryLongValues) {
  std::string longText;
  while (longText.size() < 4 * 1024 * 1024) longText += "line with 'quotes' and ; and -- and é\n";
  roundTrip("body", longText);
  std::string longBlob(3 * 1024 * 1024, '\xff');
  roundTrip("data", Blob{longBlob});
}

TEST_P(DbHostileInput, ManyInValues) {
  auto b = builder();
  for (int i = 0; i < 20; ++i) rows(b.insert(*notes_, {{"n", i}}, {}));
  std::vector<Value> values;
  for (int i = 0; i < 30000; ++i) values.emplace_back(i);
  auto counted = rows(b.count(*notes_, Filter{{{"n", Op::kIn, values}}, {}}));
  EXPECT_EQ(counted.rows.at(0).at(0), Value(20));
  auto excluded = rows(b.count(*notes_, Filter{{{"n", Op::kNin, values}}, {}}));
  EXPECT_EQ(excluded.rows.at(0).at(0), Value(0));
  std::vector<Value> texts;
  for (int i = 0; i < 1000; ++i) texts.emplace_back("it's \"" + std::to_string(i) + "\" \\ {,}");
  EXPECT_EQ(rows(b.count(*notes_, Filter{{{"body", Op::kIn, texts}}, {}})).rows.at(0).at(0),
            Value(0));
  if (postgres()) {
    // One array parameter: no parameter limit.
    std::vector<Value> huge(200000, Value(3));
    EXPECT_EQ(rows(b.count(*notes_, Filter{{{"n", Op::kIn, huge}}, {}})).rows.at(0).at(0),
              Value(1));
  }
}

// Random strings (random code points, so that PostgreSQL accepts them as UTF-8) survive.
TEST_P(DbHostileInput, RandomStrings) {
  std::mt19937 random(20240601);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<uint32_t> ascii(1, 127);
  std::uniform_int_distribution<uint32_t> any(0x80, 0x10FFFF);
  auto utf8 = [](uint32_t cp, std::string& out) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  auto b = builder();
  for (int i = 0; i < 300; ++i) {
    std::string s;
    int n = length(random);
    for (int j = 0; j < n; ++j) utf8(kind(random) < 7 ? ascii(random) : any(random), s);
    auto inserted = rows(b.insert(*notes_, {{"body", s}}, {"body"}));
    ASSERT_EQ(inserted.rows.size(), 1u);
    ASSERT_EQ(inserted.rows[0][0], Value(s)) << i;
    ASSERT_EQ(
        rows(b.count(*notes_, Filter{{{"body", Op::kEq, {s}}}, {}})).rows[0][0].integer() >= 1,
        true);
  }
}

WATT_ENGINE_TESTS(DbHostileInput);

}  // namespace
}  // namespace watt::db
