#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/base64.h"
#include "kinds/db/cursor.h"
#include "kinds/db/entity_model.h"
#include "kinds/db/rest_query.h"
#include "kinds/db/row_json.h"

namespace watt::kinds::db {
namespace {

using ::testing::HasSubstr;

// books(id INTEGER PK, title TEXT NOT NULL, author_id INTEGER FK, year INTEGER, price REAL,
// country TEXT) -- built through the real model so names and types follow its rules.
struct Fixture {
  sql::Schema schema;
  DbConfig config;
  std::vector<std::string> warnings;
  std::unique_ptr<EntityModel> model;

  Fixture() {
    sql::Table authors;
    authors.name = "authors";
    authors.columns = {{"id", "integer", false, true, false, true}, {"name", "text", false}};
    authors.primaryKey = {"id"};
    sql::Table books;
    books.name = "books";
    books.columns = {{"id", "integer", false, true, false, true},
                     {"title", "text", false},
                     {"author_id", "integer", true},
                     {"year", "integer", true},
                     {"price", "real", true},
                     {"country", "text", true}};
    books.primaryKey = {"id"};
    books.foreignKeys = {{"fk", {"author_id"}, "", "authors", {"id"}}};
    schema.tables = {authors, books};
    model = std::make_unique<EntityModel>(schema, config, warnings);
  }
  const Entity& books() const { return *model->byPlural("books"); }
};

std::variant<ListQuery, ApiError> list(const Fixture& f, std::string_view query,
                                       QueryShape shape = QueryShape::kList) {
  return parseListQuery(f.books(), parseQueryString(query), shape, LimitConfig{10, 100});
}

std::string message(const std::variant<ListQuery, ApiError>& r) {
  auto* e = std::get_if<ApiError>(&r);
  return e ? std::to_string(e->status) + " " + e->code + " " + e->message : "ok";
}

TEST(DbModel, NamesTypesAndRelations) {
  Fixture f;
  const Entity& b = f.books();
  EXPECT_EQ(b.name, "Book");
  EXPECT_EQ(b.singularName, "book");
  ASSERT_NE(b.field("authorId"), nullptr);
  EXPECT_TRUE(b.field("authorId")->isForeignKey);
  EXPECT_TRUE(b.field("authorId")->stringOutput);
  EXPECT_TRUE(b.field("id")->stringOutput);
  EXPECT_FALSE(b.field("year")->stringOutput);
  EXPECT_TRUE(b.field("title")->required);
  EXPECT_FALSE(b.field("year")->required);
  ASSERT_EQ(b.relations.size(), 1u);
  EXPECT_EQ(b.relations[0].segment, "author");
  EXPECT_EQ(b.relations[0].operationId, "getAuthorForBook");
  const Entity& a = *f.model->byPlural("authors");
  ASSERT_EQ(a.relations.size(), 1u);
  EXPECT_EQ(a.relations[0].segment, "books");
  EXPECT_EQ(a.relations[0].operationId, "getBooksForAuthor");
}

TEST(DbQuery, QueryStringDecoding) {
  auto p = parseQueryString("a=1&b=x%20y&b=z+w&c&where.title.like=%25Dark%25&bad=%zz");
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[1].second, "x y");
  EXPECT_EQ(p[2].second, "z w");
  EXPECT_EQ(p[3].first, "c");
  EXPECT_EQ(p[4].second, "%Dark%");
  EXPECT_EQ(p[5].second, "%zz");
}

TEST(DbQuery, ParsesFiltersOrderAndPaging) {
  Fixture f;
  auto r = list(f, "where.year.gt=1970&where.id.in=1,3,x&orderby.year=desc&orderby.id=asc&limit=3&offset=2&fields=title,id");
  ASSERT_TRUE(std::holds_alternative<ListQuery>(r)) << message(r);
  const auto& q = std::get<ListQuery>(r);
  EXPECT_EQ(q.limit, 3);
  EXPECT_EQ(q.offset, 2);
  ASSERT_EQ(q.fields.size(), 2u);
  EXPECT_EQ(q.fields[0]->name, "id");  // column order, not request order
  ASSERT_EQ(q.orderBy.size(), 2u);
  EXPECT_EQ(q.orderBy[0].first->name, "year");
  EXPECT_TRUE(q.orderBy[0].second);
  ASSERT_EQ(q.where.all.size(), 2u);
  const auto& in = q.where.all[0].op == sql::Op::kIn ? q.where.all[0] : q.where.all[1];
  ASSERT_EQ(in.values.size(), 3u);
  EXPECT_TRUE(in.values[2].isNull());  // parseInt("x") is NaN: matches nothing
}

TEST(DbQuery, WhereOrKeepsTheReferenceQuirks) {
  Fixture f;
  auto r = list(f, "where.or=(year.eq=1968|pages.gt=300)");
  EXPECT_EQ(message(r), "400 PLT_SQL_OPENAPI_UNKNOWN_FIELD Unknown field \"pages\" in where.or");
  r = list(f, "where.or=(year.eq=1968|price.gt=10)&where.or=(id.eq=1)");
  ASSERT_TRUE(std::holds_alternative<ListQuery>(r));
  ASSERT_EQ(std::get<ListQuery>(r).where.anyOf.size(), 1u);  // only the first counts
  EXPECT_EQ(std::get<ListQuery>(r).where.anyOf[0].size(), 2u);
}

TEST(DbQuery, AjvMessages) {
  Fixture f;
  EXPECT_EQ(message(list(f, "where.year.eq=abc")), "400 FST_ERR_VALIDATION querystring/where.year.eq must be integer");
  EXPECT_EQ(message(list(f, "where.price.eq=null")), "400 FST_ERR_VALIDATION querystring/where.price.eq must be number");
  EXPECT_EQ(message(list(f, "where.id.eq=1&where.id.eq=2")), "400 FST_ERR_VALIDATION querystring/where.id.eq must be integer");
  EXPECT_EQ(message(list(f, "fields=id,nope")),
            "400 FST_ERR_VALIDATION querystring/fields/1 must be equal to one of the allowed values");
  EXPECT_EQ(message(list(f, "orderby.year=sideways")),
            "400 FST_ERR_VALIDATION querystring/orderby.year must be equal to one of the allowed values");
  EXPECT_EQ(message(list(f, "totalCount=1")), "400 FST_ERR_VALIDATION querystring/totalCount must be boolean");
  // The first error in schema order wins: limit is checked before where.
  EXPECT_EQ(message(list(f, "where.year.eq=abc&limit=x")), "400 FST_ERR_VALIDATION querystring/limit must be integer");
}

TEST(DbQuery, LimitsAndDeliberateDeviations) {
  Fixture f;
  EXPECT_EQ(message(list(f, "limit=1000")),
            "400 PLT_SQL_MAPPER_PARAM_LIMIT_NOT_ALLOWED Param limit=1000 not allowed. Max accepted value 100.");
  EXPECT_EQ(message(list(f, "limit=-1")),
            "400 PLT_SQL_MAPPER_PARAM_LIMIT_MUST_BE_NOT_NEGATIVE Param limit=-1 not allowed. It must be a not negative value.");
  EXPECT_EQ(message(list(f, "offset=-1")),
            "400 PLT_SQL_MAPPER_PARAM_NOT_ALLOWED Param offset=-1 not allowed. It must be not negative value.");
  EXPECT_EQ(message(list(f, "where.title.contains=x")),
            "400 PLT_SQL_MAPPER_UNSUPPORTED_OPERATOR_FOR_NON_ARRAY Unsupported operator for non Array field");
  // Unknown fields and operators are refused (Watt drops them and returns every row).
  EXPECT_THAT(message(list(f, "where.nope.eq=1")), HasSubstr("400 PLT_SQL_OPENAPI_UNKNOWN_FIELD"));
  EXPECT_THAT(message(list(f, "where.year.xx=1")), HasSubstr("400 FST_ERR_VALIDATION querystring/where.year.xx"));
  EXPECT_THAT(message(list(f, "where.nope.eq=1", QueryShape::kBulkUpdate)), HasSubstr("400"));
  // Other unknown parameters are dropped, as Fastify does.
  EXPECT_EQ(message(list(f, "whatever=1")), "ok");
}

TEST(DbQuery, NullOnNullableTextMeansIsNull) {
  Fixture f;
  auto r = list(f, "where.country.eq=NULL");
  ASSERT_TRUE(std::holds_alternative<ListQuery>(r));
  const auto& c = std::get<ListQuery>(r).where.all.at(0);
  EXPECT_EQ(c.op, sql::Op::kIsNull);
  EXPECT_TRUE(c.values.at(0).boolean());
}

TEST(DbInput, AjvCoercionOfBodies) {
  Fixture f;
  auto validate = [&](std::string body) {
    json::value v = json::parse(body);
    return validateInput(f.books(), &v, true);
  };
  auto ok = validate(R"({"title":123,"year":"2019","price":"1.5","country":true,"unknown":1})");
  ASSERT_TRUE(std::holds_alternative<InputValues>(ok));
  const auto& values = std::get<InputValues>(ok);
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].second.text(), "123");
  EXPECT_EQ(values[1].second.integer(), 2019);
  EXPECT_DOUBLE_EQ(values[2].second.real(), 1.5);
  EXPECT_EQ(values[3].second.text(), "true");
  auto error = [&](std::string body) {
    auto r = validate(body);
    auto* e = std::get_if<ApiError>(&r);
    return e ? e->message : std::string("ok");
  };
  EXPECT_EQ(error(R"({"year":2000})"), "body must have required property 'title'");
  EXPECT_EQ(error(R"({"title":"x","year":1.5})"), "body/year must be integer");
  EXPECT_EQ(error(R"({"title":"x","year":"nineteen"})"), "body/year must be integer");
  EXPECT_EQ(error(R"([{"title":"x"}])"), "body must be object");
  EXPECT_EQ(validateInput(f.books(), nullptr, true).index(), 1u);
  // null on a NOT NULL text column becomes "" (Ajv coercion); on a nullable one stays null.
  auto nulls = validate(R"({"title":null,"year":null})");
  ASSERT_TRUE(std::holds_alternative<InputValues>(nulls));
  EXPECT_EQ(std::get<InputValues>(nulls)[0].second.text(), "");
  EXPECT_TRUE(std::get<InputValues>(nulls)[1].second.isNull());
}

TEST(DbInput, BodyContentTypes) {
  EXPECT_EQ(parseJsonBody("", "").index(), 0u);
  auto invalid = parseJsonBody("application/json", "{bad");
  ASSERT_EQ(invalid.index(), 1u);
  EXPECT_EQ(std::get<ApiError>(invalid).code, "FST_ERR_CTP_INVALID_JSON_BODY");
  auto empty = parseJsonBody("application/json; charset=utf-8", "");
  EXPECT_EQ(std::get<ApiError>(empty).code, "FST_ERR_CTP_EMPTY_JSON_BODY");
  auto xml = parseJsonBody("application/xml", "<a/>");
  EXPECT_EQ(std::get<ApiError>(xml).status, 415);
}

TEST(DbJson, JavaScriptNumberFormatting) {
  auto js = [](double d) {
    std::string s;
    appendJsNumber(s, d);
    return s;
  };
  EXPECT_EQ(js(14.0), "14");
  EXPECT_EQ(js(12.5), "12.5");
  EXPECT_EQ(js(0.1), "0.1");
  EXPECT_EQ(js(1e21), "1e+21");
  EXPECT_EQ(js(1e20), "100000000000000000000");
  EXPECT_EQ(js(1e-7), "1e-7");
  EXPECT_EQ(js(0.000001), "0.000001");
  EXPECT_EQ(js(-2.25), "-2.25");
  EXPECT_EQ(js(123456789.125), "123456789.125");
  EXPECT_EQ(js(1.0 / 0.0), "null");
}

TEST(DbJson, RowsAsPlatformaticPrintsThem) {
  Fixture f;
  const Entity& b = f.books();
  std::vector<const Field*> cols;
  for (const auto& field : b.fields) cols.push_back(&field);
  std::string out;
  appendRow(out, cols, {sql::Value(int64_t{7}), sql::Value("A \"quoted\"\ntitle"), sql::Value(int64_t{1}),
                        sql::Value(), sql::Value(14.0), sql::Value("IT")});
  EXPECT_EQ(out, R"({"id":"7","title":"A \"quoted\"\ntitle","authorId":"1","year":null,"price":14,"country":"IT"})");
}

// --- cursor pagination -------------------------------------------------------------------

TEST(DbCursor, DecodesToNativeValuesInColumnOrderDroppingUnknownKeys) {
  Fixture f;
  auto r = decodeCursor(f.books(), base64::encode(R"({"year":"1970","nope":1,"id":3})"));
  ASSERT_TRUE(std::holds_alternative<InputValues>(r));
  const auto& values = std::get<InputValues>(r);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].first->name, "id");
  EXPECT_EQ(values[0].second, sql::Value(int64_t{3}));
  EXPECT_EQ(values[1].first->name, "year");
  EXPECT_EQ(values[1].second, sql::Value(int64_t{1970}));  // coerced, as Ajv does
}

TEST(DbCursor, DecodeErrors) {
  Fixture f;
  auto code = [&](std::string_view text) {
    auto r = decodeCursor(f.books(), text);
    auto* e = std::get_if<ApiError>(&r);
    return e ? e->code + " " + e->message : std::string("ok");
  };
  EXPECT_THAT(code(base64::encode("{nope")), HasSubstr("PLT_SQL_OPENAPI_UNABLE_TO_PARSE_CURSOR_STR"));
  EXPECT_THAT(code("!!"), HasSubstr("PLT_SQL_OPENAPI_UNABLE_TO_PARSE_CURSOR_STR"));
  EXPECT_EQ(code(base64::encode(R"({"id":"x"})")),
            "PLT_SQL_OPENAPI_CURSOR_VALIDATION_ERROR Cursor validation error. /id must be integer");
  EXPECT_EQ(code(base64::encode("[1]")), "PLT_SQL_OPENAPI_CURSOR_VALIDATION_ERROR Cursor validation error.  must be object");
}

TEST(DbCursor, ConditionFollowsTheOrderAndTheDirection) {
  Fixture f;
  const Entity& b = f.books();
  InputValues cursor{{b.field("id"), sql::Value(int64_t{1})}, {b.field("year"), sql::Value(int64_t{1970})}};
  OrderFields order{{b.field("year"), false}, {b.field("id"), true}};
  auto r = cursorCondition(b, cursor, order, false);
  ASSERT_TRUE(std::holds_alternative<std::optional<std::vector<sql::Conjunction>>>(r));
  const auto& group = *std::get<std::optional<std::vector<sql::Conjunction>>>(r);
  // (year > 1970) OR (year = 1970 AND id < 1): orderBy order, desc flips the comparison.
  ASSERT_EQ(group.size(), 2u);
  ASSERT_EQ(group[0].size(), 1u);
  EXPECT_EQ(group[0][0].column, "year");
  EXPECT_EQ(group[0][0].op, sql::Op::kGt);
  ASSERT_EQ(group[1].size(), 2u);
  EXPECT_EQ(group[1][0].op, sql::Op::kEq);
  EXPECT_EQ(group[1][1].column, "id");
  EXPECT_EQ(group[1][1].op, sql::Op::kLt);
  // Backwards: every comparison turns around.
  auto back = cursorCondition(b, cursor, order, true);
  const auto& reversed = *std::get<std::optional<std::vector<sql::Conjunction>>>(back);
  EXPECT_EQ(reversed[0][0].op, sql::Op::kLt);
  EXPECT_EQ(reversed[1][1].op, sql::Op::kGt);

  auto error = [&](const InputValues& c, const OrderFields& o) {
    auto res = cursorCondition(b, c, o, false);
    auto* e = std::get_if<ApiError>(&res);
    return e ? std::to_string(e->status) + " " + e->code : std::string("ok");
  };
  EXPECT_EQ(error(cursor, {}), "400 PLT_SQL_MAPPER_MISSING_ORDER_BY_CLAUSE");
  EXPECT_EQ(error(cursor, {{b.field("year"), false}}), "400 PLT_SQL_MAPPER_MISSING_ORDER_BY_FIELD_FOR_CURSOR");
  EXPECT_EQ(error({{b.field("year"), sql::Value(int64_t{1})}}, {{b.field("year"), false}}),
            "400 PLT_SQL_MAPPER_MISSING_UNIQUE_FIELD_IN_CURSOR");
  EXPECT_EQ(error({}, {}), "ok");  // an empty cursor is no condition
}

TEST(DbCursor, EncodesTheOrderingFieldsOfARow) {
  Fixture f;
  const Entity& b = f.books();
  std::vector<const Field*> columns{b.field("id"), b.field("title"), b.field("year")};
  std::vector<sql::Value> row{int64_t{7}, "Kindred", int64_t{1979}};
  OrderFields order{{b.field("year"), false}, {b.field("id"), true}};
  auto r = encodeCursor(b, order, columns, row);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(base64::decode(std::get<std::string>(r)), std::string(R"({"id":7,"year":1979})"));
  auto noKey = encodeCursor(b, {{b.field("year"), false}}, columns, row);
  ASSERT_TRUE(std::holds_alternative<ApiError>(noKey));
  EXPECT_EQ(std::get<ApiError>(noKey).code, "PLT_SQL_OPENAPI_PRIMARY_KEY_NOT_INCLUDED_IN_ORDER_BY_IN_CURSOR_PAGINATION");
}

TEST(Base64, RoundTripsAndAcceptsBothAlphabets) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00z"}) EXPECT_EQ(base64::decode(base64::encode(s)), s);
  EXPECT_EQ(base64::encode("{\"id\":3}"), "eyJpZCI6M30=");
  EXPECT_EQ(base64::decode("-_8"), base64::decode("+/8="));
  EXPECT_FALSE(base64::decode("a b"));
}

}  // namespace
}  // namespace watt::kinds::db
