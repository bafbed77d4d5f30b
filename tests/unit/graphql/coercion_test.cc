#include "graphql/coercion.h"

#include <gtest/gtest.h>

#include <cmath>

#include "graphql/js_format.h"
#include "graphql/parser.h"
#include "graphql/printer.h"
#include "graphql/suggestions.h"

namespace watt::graphql {
namespace {

struct Outcome {
  bool ok;
  const char* text;  // the JSON value when ok, the error message otherwise
};

void expectOutcome(const Result<json::value>& got, const Outcome& want, const std::string& what) {
  ASSERT_EQ(got.ok(), want.ok) << what << (got.ok() ? "" : ": " + got.error().message);
  if (want.ok) {
    EXPECT_EQ(serializeJsJson(got.value()), serializeJsJson(json::parse(want.text))) << what;
  } else {
    EXPECT_EQ(got.error().message, want.text) << what;
  }
}

Schema& builtinSchema() {
  static Schema* schema = [] {
    auto* s = new Schema();
    s->object("Query")
        .field("i", "Int")
        .field("f", "Float")
        .field("s", "String")
        .field("b", "Boolean")
        .field("id", "ID");
    s->setQueryType("Query");
    EXPECT_FALSE(s->finalize());
    return s;
  }();
  return *schema;
}

const ast::Value& literal(std::deque<std::shared_ptr<const ast::Document>>& keep,
                          const std::string& text) {
  ParseResult r = parse("{ f(x: " + text + ") }");
  EXPECT_TRUE(r.document) << r.error.message;
  keep.push_back(r.document);
  return keep.back()->definitions()[0].selectionSet.selections[0].arguments[0].value;
}

struct ValueCase {
  const char* type;
  const char* value;
  Outcome serialize;
  Outcome parseValue;
};

// Expectations produced by graphql-js 16.15 GraphQLInt/Float/String/Boolean/ID.
TEST(GraphqlCoercion, BuiltinScalarsSerializeAndParseValuesLikeGraphqlJs) {
  const ValueCase cases[] = {
      {"Int", R"(1)", {true, R"(1)"}, {true, R"(1)"}},
      {"Int", R"(-1)", {true, R"(-1)"}, {true, R"(-1)"}},
      {"Int",
       R"(2.5)",
       {false, "Int cannot represent non-integer value: 2.5"},
       {false, "Int cannot represent non-integer value: 2.5"}},
      {"Int", R"(8)", {true, R"(8)"}, {true, R"(8)"}},
      {"Int",
       R"(3000000000)",
       {false, "Int cannot represent non 32-bit signed integer value: 3000000000"},
       {false, "Int cannot represent non 32-bit signed integer value: 3000000000"}},
      {"Int", R"(-2147483648)", {true, R"(-2147483648)"}, {true, R"(-2147483648)"}},
      {"Int",
       R"(2147483648)",
       {false, "Int cannot represent non 32-bit signed integer value: 2147483648"},
       {false, "Int cannot represent non 32-bit signed integer value: 2147483648"}},
      {"Int",
       R"("12")",
       {true, R"(12)"},
       {false, "Int cannot represent non-integer value: \"12\""}},
      {"Int",
       R"(" 7 ")",
       {true, R"(7)"},
       {false, "Int cannot represent non-integer value: \" 7 \""}},
      {"Int",
       R"("0x1F")",
       {true, R"(31)"},
       {false, "Int cannot represent non-integer value: \"0x1F\""}},
      {"Int",
       R"("1e3")",
       {true, R"(1000)"},
       {false, "Int cannot represent non-integer value: \"1e3\""}},
      {"Int",
       R"("abc")",
       {false, "Int cannot represent non-integer value: \"abc\""},
       {false, "Int cannot represent non-integer value: \"abc\""}},
      {"Int",
       R"("")",
       {false, "Int cannot represent non-integer value: \"\""},
       {false, "Int cannot represent non-integer value: \"\""}},
      {"Int", R"(true)", {true, R"(1)"}, {false, "Int cannot represent non-integer value: true"}},
      {"Int", R"(false)", {true, R"(0)"}, {false, "Int cannot represent non-integer value: false"}},
      {"Int",
       R"([1,2])",
       {false, "Int cannot represent non-integer value: [1, 2]"},
       {false, "Int cannot represent non-integer value: [1, 2]"}},
      {"Int",
       R"({"a":1,"b":[1,{"c":2}]})",
       {false, "Int cannot represent non-integer value: { a: 1, b: [1, [Object]] }"},
       {false, "Int cannot represent non-integer value: { a: 1, b: [1, [Object]] }"}},
      {"Int",
       R"(1e+21)",
       {false, "Int cannot represent non 32-bit signed integer value: 1e+21"},
       {false, "Int cannot represent non 32-bit signed integer value: 1e+21"}},
      {"Int",
       R"(0.1)",
       {false, "Int cannot represent non-integer value: 0.1"},
       {false, "Int cannot represent non-integer value: 0.1"}},
      {"Int", R"(0)", {true, R"(0)"}, {true, R"(0)"}},
      {"Int",
       R"("Infinity")",
       {false, "Int cannot represent non-integer value: \"Infinity\""},
       {false, "Int cannot represent non-integer value: \"Infinity\""}},
      {"Float", R"(1)", {true, R"(1)"}, {true, R"(1)"}},
      {"Float", R"(-1)", {true, R"(-1)"}, {true, R"(-1)"}},
      {"Float", R"(2.5)", {true, R"(2.5)"}, {true, R"(2.5)"}},
      {"Float", R"(8)", {true, R"(8)"}, {true, R"(8)"}},
      {"Float", R"(3000000000)", {true, R"(3000000000)"}, {true, R"(3000000000)"}},
      {"Float", R"(-2147483648)", {true, R"(-2147483648)"}, {true, R"(-2147483648)"}},
      {"Float", R"(2147483648)", {true, R"(2147483648)"}, {true, R"(2147483648)"}},
      {"Float",
       R"("12")",
       {true, R"(12)"},
       {false, "Float cannot represent non numeric value: \"12\""}},
      {"Float",
       R"(" 7 ")",
       {true, R"(7)"},
       {false, "Float cannot represent non numeric value: \" 7 \""}},
      {"Float",
       R"("0x1F")",
       {true, R"(31)"},
       {false, "Float cannot represent non numeric value: \"0x1F\""}},
      {"Float",
       R"("1e3")",
       {true, R"(1000)"},
       {false, "Float cannot represent non numeric value: \"1e3\""}},
      {"Float",
       R"("abc")",
       {false, "Float cannot represent non numeric value: \"abc\""},
       {false, "Float cannot represent non numeric value: \"abc\""}},
      {"Float",
       R"("")",
       {false, "Float cannot represent non numeric value: \"\""},
       {false, "Float cannot represent non numeric value: \"\""}},
      {"Float",
       R"(true)",
       {true, R"(1)"},
       {false, "Float cannot represent non numeric value: true"}},
      {"Float",
       R"(false)",
       {true, R"(0)"},
       {false, "Float cannot represent non numeric value: false"}},
      {"Float",
       R"([1,2])",
       {false, "Float cannot represent non numeric value: [1, 2]"},
       {false, "Float cannot represent non numeric value: [1, 2]"}},
      {"Float",
       R"({"a":1,"b":[1,{"c":2}]})",
       {false, "Float cannot represent non numeric value: { a: 1, b: [1, [Object]] }"},
       {false, "Float cannot represent non numeric value: { a: 1, b: [1, [Object]] }"}},
      {"Float", R"(1e+21)", {true, R"(1e+21)"}, {true, R"(1e+21)"}},
      {"Float", R"(0.1)", {true, R"(0.1)"}, {true, R"(0.1)"}},
      {"Float", R"(0)", {true, R"(0)"}, {true, R"(0)"}},
      {"Float",
       R"("Infinity")",
       {false, "Float cannot represent non numeric value: \"Infinity\""},
       {false, "Float cannot represent non numeric value: \"Infinity\""}},
      {"String",
       R"(1)",
       {true, R"("1")"},
       {false, "String cannot represent a non string value: 1"}},
      {"String",
       R"(-1)",
       {true, R"("-1")"},
       {false, "String cannot represent a non string value: -1"}},
      {"String",
       R"(2.5)",
       {true, R"("2.5")"},
       {false, "String cannot represent a non string value: 2.5"}},
      {"String",
       R"(8)",
       {true, R"("8")"},
       {false, "String cannot represent a non string value: 8"}},
      {"String",
       R"(3000000000)",
       {true, R"("3000000000")"},
       {false, "String cannot represent a non string value: 3000000000"}},
      {"String",
       R"(-2147483648)",
       {true, R"("-2147483648")"},
       {false, "String cannot represent a non string value: -2147483648"}},
      {"String",
       R"(2147483648)",
       {true, R"("2147483648")"},
       {false, "String cannot represent a non string value: 2147483648"}},
      {"String", R"("12")", {true, R"("12")"}, {true, R"("12")"}},
      {"String", R"(" 7 ")", {true, R"(" 7 ")"}, {true, R"(" 7 ")"}},
      {"String", R"("0x1F")", {true, R"("0x1F")"}, {true, R"("0x1F")"}},
      {"String", R"("1e3")", {true, R"("1e3")"}, {true, R"("1e3")"}},
      {"String", R"("abc")", {true, R"("abc")"}, {true, R"("abc")"}},
      {"String", R"("")", {true, R"("")"}, {true, R"("")"}},
      {"String",
       R"(true)",
       {true, R"("true")"},
       {false, "String cannot represent a non string value: true"}},
      {"String",
       R"(false)",
       {true, R"("false")"},
       {false, "String cannot represent a non string value: false"}},
      {"String",
       R"([1,2])",
       {false, "String cannot represent value: [1, 2]"},
       {false, "String cannot represent a non string value: [1, 2]"}},
      {"String",
       R"({"a":1,"b":[1,{"c":2}]})",
       {false, "String cannot represent value: { a: 1, b: [1, [Object]] }"},
       {false, "String cannot represent a non string value: { a: 1, b: [1, [Object]] }"}},
      {"String",
       R"(1e+21)",
       {true, R"("1e+21")"},
       {false, "String cannot represent a non string value: 1e+21"}},
      {"String",
       R"(0.1)",
       {true, R"("0.1")"},
       {false, "String cannot represent a non string value: 0.1"}},
      {"String",
       R"(0)",
       {true, R"("0")"},
       {false, "String cannot represent a non string value: 0"}},
      {"String", R"("Infinity")", {true, R"("Infinity")"}, {true, R"("Infinity")"}},
      {"Boolean",
       R"(1)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 1"}},
      {"Boolean",
       R"(-1)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: -1"}},
      {"Boolean",
       R"(2.5)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 2.5"}},
      {"Boolean",
       R"(8)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 8"}},
      {"Boolean",
       R"(3000000000)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 3000000000"}},
      {"Boolean",
       R"(-2147483648)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: -2147483648"}},
      {"Boolean",
       R"(2147483648)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 2147483648"}},
      {"Boolean",
       R"("12")",
       {false, "Boolean cannot represent a non boolean value: \"12\""},
       {false, "Boolean cannot represent a non boolean value: \"12\""}},
      {"Boolean",
       R"(" 7 ")",
       {false, "Boolean cannot represent a non boolean value: \" 7 \""},
       {false, "Boolean cannot represent a non boolean value: \" 7 \""}},
      {"Boolean",
       R"("0x1F")",
       {false, "Boolean cannot represent a non boolean value: \"0x1F\""},
       {false, "Boolean cannot represent a non boolean value: \"0x1F\""}},
      {"Boolean",
       R"("1e3")",
       {false, "Boolean cannot represent a non boolean value: \"1e3\""},
       {false, "Boolean cannot represent a non boolean value: \"1e3\""}},
      {"Boolean",
       R"("abc")",
       {false, "Boolean cannot represent a non boolean value: \"abc\""},
       {false, "Boolean cannot represent a non boolean value: \"abc\""}},
      {"Boolean",
       R"("")",
       {false, "Boolean cannot represent a non boolean value: \"\""},
       {false, "Boolean cannot represent a non boolean value: \"\""}},
      {"Boolean", R"(true)", {true, R"(true)"}, {true, R"(true)"}},
      {"Boolean", R"(false)", {true, R"(false)"}, {true, R"(false)"}},
      {"Boolean",
       R"([1,2])",
       {false, "Boolean cannot represent a non boolean value: [1, 2]"},
       {false, "Boolean cannot represent a non boolean value: [1, 2]"}},
      {"Boolean",
       R"({"a":1,"b":[1,{"c":2}]})",
       {false, "Boolean cannot represent a non boolean value: { a: 1, b: [1, [Object]] }"},
       {false, "Boolean cannot represent a non boolean value: { a: 1, b: [1, [Object]] }"}},
      {"Boolean",
       R"(1e+21)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 1e+21"}},
      {"Boolean",
       R"(0.1)",
       {true, R"(true)"},
       {false, "Boolean cannot represent a non boolean value: 0.1"}},
      {"Boolean",
       R"(0)",
       {true, R"(false)"},
       {false, "Boolean cannot represent a non boolean value: 0"}},
      {"Boolean",
       R"("Infinity")",
       {false, "Boolean cannot represent a non boolean value: \"Infinity\""},
       {false, "Boolean cannot represent a non boolean value: \"Infinity\""}},
      {"ID", R"(1)", {true, R"("1")"}, {true, R"("1")"}},
      {"ID", R"(-1)", {true, R"("-1")"}, {true, R"("-1")"}},
      {"ID",
       R"(2.5)",
       {false, "ID cannot represent value: 2.5"},
       {false, "ID cannot represent value: 2.5"}},
      {"ID", R"(8)", {true, R"("8")"}, {true, R"("8")"}},
      {"ID", R"(3000000000)", {true, R"("3000000000")"}, {true, R"("3000000000")"}},
      {"ID", R"(-2147483648)", {true, R"("-2147483648")"}, {true, R"("-2147483648")"}},
      {"ID", R"(2147483648)", {true, R"("2147483648")"}, {true, R"("2147483648")"}},
      {"ID", R"("12")", {true, R"("12")"}, {true, R"("12")"}},
      {"ID", R"(" 7 ")", {true, R"(" 7 ")"}, {true, R"(" 7 ")"}},
      {"ID", R"("0x1F")", {true, R"("0x1F")"}, {true, R"("0x1F")"}},
      {"ID", R"("1e3")", {true, R"("1e3")"}, {true, R"("1e3")"}},
      {"ID", R"("abc")", {true, R"("abc")"}, {true, R"("abc")"}},
      {"ID", R"("")", {true, R"("")"}, {true, R"("")"}},
      {"ID",
       R"(true)",
       {false, "ID cannot represent value: true"},
       {false, "ID cannot represent value: true"}},
      {"ID",
       R"(false)",
       {false, "ID cannot represent value: false"},
       {false, "ID cannot represent value: false"}},
      {"ID",
       R"([1,2])",
       {false, "ID cannot represent value: [1, 2]"},
       {false, "ID cannot represent value: [1, 2]"}},
      {"ID",
       R"({"a":1,"b":[1,{"c":2}]})",
       {false, "ID cannot represent value: { a: 1, b: [1, [Object]] }"},
       {false, "ID cannot represent value: { a: 1, b: [1, [Object]] }"}},
      {"ID", R"(1e+21)", {true, R"("1e+21")"}, {true, R"("1e+21")"}},
      {"ID",
       R"(0.1)",
       {false, "ID cannot represent value: 0.1"},
       {false, "ID cannot represent value: 0.1"}},
      {"ID", R"(0)", {true, R"("0")"}, {true, R"("0")"}},
      {"ID", R"("Infinity")", {true, R"("Infinity")"}, {true, R"("Infinity")"}},
  };
  for (const ValueCase& c : cases) {
    const NamedType& type = *builtinSchema().findType(c.type);
    json::value value = json::parse(c.value);
    std::string what = std::string(c.type) + " " + c.value;
    expectOutcome(serializeLeaf(type, value), c.serialize, "serialize " + what);
    expectOutcome(parseLeafValue(type, value), c.parseValue, "parseValue " + what);
  }
  // Doubles that hold integers are integers to JavaScript.
  const NamedType& intType = *builtinSchema().findType("Int");
  EXPECT_EQ(serializeLeaf(intType, json::value(8.0)).value(), json::value(8));
  EXPECT_EQ(parseLeafValue(*builtinSchema().findType("ID"), json::value(7.0)).value(),
            json::value("7"));
  // Floats come out as doubles even from integer input, so resolvers see one type.
  EXPECT_TRUE(
      parseLeafValue(*builtinSchema().findType("Float"), json::value(2)).value().is_double());
}

struct LiteralCase {
  const char* type;
  const char* literal;
  Outcome result;
};

TEST(GraphqlCoercion, BuiltinScalarsParseLiteralsLikeGraphqlJs) {
  const LiteralCase cases[] = {
      {"Int", R"(1)", {true, R"(1)"}},
      {"Int", R"(-0)", {true, R"(0)"}},
      {"Int",
       R"(2147483648)",
       {false, "Int cannot represent non 32-bit signed integer value: 2147483648"}},
      {"Int", R"(1.5)", {false, "Int cannot represent non-integer value: 1.5"}},
      {"Int", R"(1e3)", {false, "Int cannot represent non-integer value: 1e3"}},
      {"Int", R"("s")", {false, "Int cannot represent non-integer value: \"s\""}},
      {"Int", R"("""b""")", {false, "Int cannot represent non-integer value: \"\"\"b\"\"\""}},
      {"Int", R"(true)", {false, "Int cannot represent non-integer value: true"}},
      {"Int", R"(null)", {false, "Int cannot represent non-integer value: null"}},
      {"Int", R"(ENUM)", {false, "Int cannot represent non-integer value: ENUM"}},
      {"Int", R"([1])", {false, "Int cannot represent non-integer value: [1]"}},
      {"Int", R"({a: 1})", {false, "Int cannot represent non-integer value: {a: 1}"}},
      {"Int", R"($v)", {false, "Int cannot represent non-integer value: $v"}},
      {"Float", R"(1)", {true, R"(1)"}},
      {"Float", R"(-0)", {true, R"(0)"}},
      {"Float", R"(2147483648)", {true, R"(2147483648)"}},
      {"Float", R"(1.5)", {true, R"(1.5)"}},
      {"Float", R"(1e3)", {true, R"(1000)"}},
      {"Float", R"("s")", {false, "Float cannot represent non numeric value: \"s\""}},
      {"Float", R"("""b""")", {false, "Float cannot represent non numeric value: \"\"\"b\"\"\""}},
      {"Float", R"(true)", {false, "Float cannot represent non numeric value: true"}},
      {"Float", R"(null)", {false, "Float cannot represent non numeric value: null"}},
      {"Float", R"(ENUM)", {false, "Float cannot represent non numeric value: ENUM"}},
      {"Float", R"([1])", {false, "Float cannot represent non numeric value: [1]"}},
      {"Float", R"({a: 1})", {false, "Float cannot represent non numeric value: {a: 1}"}},
      {"Float", R"($v)", {false, "Float cannot represent non numeric value: $v"}},
      {"String", R"(1)", {false, "String cannot represent a non string value: 1"}},
      {"String", R"(-0)", {false, "String cannot represent a non string value: -0"}},
      {"String",
       R"(2147483648)",
       {false, "String cannot represent a non string value: 2147483648"}},
      {"String", R"(1.5)", {false, "String cannot represent a non string value: 1.5"}},
      {"String", R"(1e3)", {false, "String cannot represent a non string value: 1e3"}},
      {"String", R"("s")", {true, R"("s")"}},
      {"String", R"("""b""")", {true, R"("b")"}},
      {"String", R"(true)", {false, "String cannot represent a non string value: true"}},
      {"String", R"(null)", {false, "String cannot represent a non string value: null"}},
      {"String", R"(ENUM)", {false, "String cannot represent a non string value: ENUM"}},
      {"String", R"([1])", {false, "String cannot represent a non string value: [1]"}},
      {"String", R"({a: 1})", {false, "String cannot represent a non string value: {a: 1}"}},
      {"String", R"($v)", {false, "String cannot represent a non string value: $v"}},
      {"Boolean", R"(1)", {false, "Boolean cannot represent a non boolean value: 1"}},
      {"Boolean", R"(-0)", {false, "Boolean cannot represent a non boolean value: -0"}},
      {"Boolean",
       R"(2147483648)",
       {false, "Boolean cannot represent a non boolean value: 2147483648"}},
      {"Boolean", R"(1.5)", {false, "Boolean cannot represent a non boolean value: 1.5"}},
      {"Boolean", R"(1e3)", {false, "Boolean cannot represent a non boolean value: 1e3"}},
      {"Boolean", R"("s")", {false, "Boolean cannot represent a non boolean value: \"s\""}},
      {"Boolean",
       R"("""b""")",
       {false, "Boolean cannot represent a non boolean value: \"\"\"b\"\"\""}},
      {"Boolean", R"(true)", {true, R"(true)"}},
      {"Boolean", R"(null)", {false, "Boolean cannot represent a non boolean value: null"}},
      {"Boolean", R"(ENUM)", {false, "Boolean cannot represent a non boolean value: ENUM"}},
      {"Boolean", R"([1])", {false, "Boolean cannot represent a non boolean value: [1]"}},
      {"Boolean", R"({a: 1})", {false, "Boolean cannot represent a non boolean value: {a: 1}"}},
      {"Boolean", R"($v)", {false, "Boolean cannot represent a non boolean value: $v"}},
      {"ID", R"(1)", {true, R"("1")"}},
      {"ID", R"(-0)", {true, R"("-0")"}},
      {"ID", R"(2147483648)", {true, R"("2147483648")"}},
      {"ID", R"(1.5)", {false, "ID cannot represent a non-string and non-integer value: 1.5"}},
      {"ID", R"(1e3)", {false, "ID cannot represent a non-string and non-integer value: 1e3"}},
      {"ID", R"("s")", {true, R"("s")"}},
      {"ID", R"("""b""")", {true, R"("b")"}},
      {"ID", R"(true)", {false, "ID cannot represent a non-string and non-integer value: true"}},
      {"ID", R"(null)", {false, "ID cannot represent a non-string and non-integer value: null"}},
      {"ID", R"(ENUM)", {false, "ID cannot represent a non-string and non-integer value: ENUM"}},
      {"ID", R"([1])", {false, "ID cannot represent a non-string and non-integer value: [1]"}},
      {"ID",
       R"({a: 1})",
       {false, "ID cannot represent a non-string and non-integer value: {a: 1}"}},
      {"ID", R"($v)", {false, "ID cannot represent a non-string and non-integer value: $v"}},
  };
  std::deque<std::shared_ptr<const ast::Document>> keep;
  json::object variables{{"v", 1}};
  for (const LiteralCase& c : cases) {
    const NamedType& type = *builtinSchema().findType(c.type);
    expectOutcome(parseLeafLiteral(type, literal(keep, c.literal), &variables), c.result,
                  std::string(c.type) + " " + c.literal);
  }
}

TEST(GraphqlCoercion, EnumsAndCustomScalars) {
  Schema schema;
  schema.enumeration("Color").value("RED").value("GREEN").value("BLUE");
  // A Date scalar with hooks, as an application would declare it.
  schema.scalar("Date", {[](const json::value& v) -> Result<json::value> {
                           if (!v.is_string())
                             return Error{"Date cannot represent a non string value"};
                           return json::value(std::string(v.get_string()).substr(0, 10));
                         },
                         [](const json::value& v) -> Result<json::value> {
                           if (!v.is_string() || v.get_string().size() != 10) {
                             return Error{"Date cannot represent an invalid date-string " +
                                          serializeJsJson(v) + "."};
                           }
                           return v;
                         },
                         nullptr});
  schema.scalar("JSON");
  schema.object("Query").field("c", "Color").field("d", "Date").field("j", "JSON");
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  const NamedType& color = *schema.findType("Color");
  const NamedType& date = *schema.findType("Date");
  const NamedType& any = *schema.findType("JSON");
  std::deque<std::shared_ptr<const ast::Document>> keep;

  EXPECT_EQ(serializeLeaf(color, json::value("RED")).value(), json::value("RED"));
  EXPECT_EQ(serializeLeaf(color, json::value("red")).error().message,
            "Enum \"Color\" cannot represent value: \"red\"");
  EXPECT_EQ(
      parseLeafValue(color, json::value("REDD")).error().message,
      "Value \"REDD\" does not exist in \"Color\" enum. Did you mean the enum value \"RED\"?");
  EXPECT_EQ(parseLeafValue(color, json::value(1)).error().message,
            "Enum \"Color\" cannot represent non-string value: 1.");
  EXPECT_EQ(parseLeafLiteral(color, literal(keep, "GREEN"), nullptr).value(), json::value("GREEN"));
  EXPECT_EQ(
      parseLeafLiteral(color, literal(keep, "\"GREEN\""), nullptr).error().message,
      "Enum \"Color\" cannot represent non-enum value: \"GREEN\". Did you mean the enum value "
      "\"GREEN\"?");
  EXPECT_EQ(
      parseLeafLiteral(color, literal(keep, "BLU"), nullptr).error().message,
      "Value \"BLU\" does not exist in \"Color\" enum. Did you mean the enum value \"BLUE\"?");

  EXPECT_EQ(serializeLeaf(date, json::value("2024-01-02T10:00:00Z")).value(),
            json::value("2024-01-02"));
  EXPECT_EQ(parseLeafValue(date, json::value("2024")).error().message,
            "Date cannot represent an invalid date-string \"2024\".");
  // Without a parseLiteral hook, the literal goes through parseValue as plain JSON.
  EXPECT_EQ(parseLeafLiteral(date, literal(keep, "\"2024-01-02\""), nullptr).value(),
            json::value("2024-01-02"));
  EXPECT_FALSE(parseLeafLiteral(date, literal(keep, "5"), nullptr));
  // Without hooks, values pass through, literals become JSON (variables included).
  json::object variables{{"v", json::array{1, 2}}};
  EXPECT_EQ(serializeJsJson(
                parseLeafLiteral(any, literal(keep, "{a: [1, 2.5, \"x\", $v], b: {c: null, d: E}}"),
                                 &variables)
                    .value()),
            R"({"a":[1,2.5,"x",[1,2]],"b":{"c":null,"d":"E"}})");
}

TEST(GraphqlCoercion, InputValuesFromVariables) {
  Schema schema;
  schema.enumeration("E").value("A").value("B");
  schema.inputObject("In")
      .field("a", "Int!")
      .field("b", "[String!]")
      .field("c", "E", json::value("B"));
  schema.object("Query").field("q", "Int").arg("in", "In");
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  TypeRef in{schema.findType("In"), {}};
  std::vector<InputValueProblem> problems;
  auto collect = [&](InputValueProblem p) { problems.push_back(std::move(p)); };

  json::value ok = coerceInputValue(json::parse(R"({"b": "x", "a": 1})"), in, collect);
  EXPECT_TRUE(problems.empty());
  // Fields in declaration order, defaults filled in, a lone value becomes a list of one.
  EXPECT_EQ(serializeJsJson(ok), R"({"a":1,"b":["x"],"c":"B"})");

  coerceInputValue(json::parse(R"({"b": ["x", null, 3], "z": 1})"), in, collect);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].path, "");
  EXPECT_EQ(problems[0].message, "Field \"a\" of required type \"Int!\" was not provided.");
  EXPECT_EQ(problems[1].path, ".b[1]");
  EXPECT_EQ(problems[1].message, "Expected non-nullable type \"String!\" not to be null.");
  EXPECT_EQ(problems[2].path, ".b[2]");
  EXPECT_EQ(problems[2].message, "String cannot represent a non string value: 3");
  EXPECT_EQ(problems[3].message,
            "Field \"z\" is not defined by type \"In\". Did you mean \"a\", \"b\", or \"c\"?");
  problems.clear();
  coerceInputValue(json::parse("[1]"), in, collect);
  EXPECT_EQ(problems.at(0).message, "Expected type \"In\" to be an object.");
}

TEST(GraphqlCoercion, VariablesOfAnOperation) {
  Schema schema;
  schema.object("Query").field("q", "Int").arg("id", "ID").arg("n", "[Int!]");
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  auto doc = parse("query Q($id: ID!, $n: [Int!] = [1], $o: Int, $x: Nope) { q(id: $id, n: $n) }")
                 .document;
  const ast::Definition& op = doc->definitions()[0];

  CoercedVariables ok =
      coerceVariableValues(schema, *doc, op, json::parse(R"({"id": 2})").as_object());
  ASSERT_EQ(ok.errors.size(), 1u);  // $x: unknown type
  EXPECT_EQ(
      ok.errors[0].message,
      "Variable \"$x\" expected value of type \"Nope\" which cannot be used as an input type.");
  EXPECT_EQ(serializeJsJson(ok.values), R"({"id":"2","n":[1]})");  // $o absent: not provided

  auto doc2 = parse("query Q($id: ID!, $n: [Int!]) { q(id: $id, n: $n) }").document;
  const ast::Definition& op2 = doc2->definitions()[0];
  auto missing = coerceVariableValues(schema, *doc2, op2, {});
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].message,
            "Variable \"$id\" of required type \"ID!\" was not provided.");
  EXPECT_EQ(missing.errors[0].locations.at(0), (SourceLocation{1, 9}));
  auto nulls = coerceVariableValues(schema, *doc2, op2,
                                    json::parse(R"({"id": null, "n": [1, "x", 2.5]})").as_object());
  ASSERT_EQ(nulls.errors.size(), 3u);
  EXPECT_EQ(nulls.errors[0].message, "Variable \"$id\" of non-null type \"ID!\" must not be null.");
  EXPECT_EQ(nulls.errors[1].message,
            "Variable \"$n\" got invalid value \"x\" at \"n[1]\"; Int cannot represent non-integer "
            "value: \"x\"");
  EXPECT_EQ(nulls.errors[2].message,
            "Variable \"$n\" got invalid value 2.5 at \"n[2]\"; Int cannot represent non-integer "
            "value: 2.5");

  // At most 50 errors, then one that says the rest was not looked at.
  json::array many;
  for (int i = 0; i < 60; ++i) many.push_back("x");
  auto capped = coerceVariableValues(schema, *doc2, op2, json::object{{"id", 1}, {"n", many}});
  ASSERT_EQ(capped.errors.size(), kMaxVariableErrors + 1);
  EXPECT_EQ(capped.errors.back().message,
            "Too many errors processing variables, error limit reached. Execution aborted.");
}

TEST(GraphqlCoercion, ArgumentsOfAField) {
  Schema schema;
  schema.object("Query")
      .field("q", "Int")
      .arg("a", "Int!")
      .arg("b", "String", json::value("dflt"))
      .arg("c", "[Int]");
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  const auto& args = schema.queryType()->fields()[0].args;
  auto coerce = [&](const std::string& query, json::object variables) {
    auto doc = parse(query).document;
    const auto& field = doc->definitions()[0].selectionSet.selections[0];
    return coerceArgumentValues(args, field.arguments, field.offset, variables, *doc);
  };
  auto ok = coerce("{ q(a: 1, c: [1, $x, $y]) }", json::object{{"x", 5}});
  ASSERT_TRUE(std::holds_alternative<json::object>(ok));
  EXPECT_EQ(serializeJsJson(std::get<json::object>(ok)), R"({"a":1,"b":"dflt","c":[1,5,null]})");
  auto missing = coerce("{ q }", {});
  EXPECT_EQ(std::get<GraphqlError>(missing).message,
            "Argument \"a\" of required type \"Int!\" was not provided.");
  auto noValue = coerce("{ q(a: $v) }", {});
  EXPECT_EQ(
      std::get<GraphqlError>(noValue).message,
      "Argument \"a\" of required type \"Int!\" was provided the variable \"$v\" which was not "
      "provided a runtime value.");
  EXPECT_EQ(std::get<GraphqlError>(coerce("{ q(a: $v) }", json::object{{"v", nullptr}})).message,
            "Argument \"a\" of non-null type \"Int!\" must not be null.");
  EXPECT_EQ(std::get<GraphqlError>(coerce("{ q(a: \"x\") }", {})).message,
            "Argument \"a\" has invalid value \"x\".");
}

TEST(GraphqlJsFormat, NumbersPrintLikeJavaScript) {
  const std::pair<double, const char*> cases[] = {
      {0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {8.1, "8.1"},
      {100, "100"},
      {1e21, "1e+21"},
      {1.5e21, "1.5e+21"},
      {123456789012345680000.0, "123456789012345680000"},
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {0.000001, "0.000001"},
      {0.1, "0.1"},
      {-2.5, "-2.5"},
      {9007199254740992.0, "9007199254740992"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {1.23e-18, "1.23e-18"},
      {0.00001234, "0.00001234"},
      {NAN, "NaN"},
      {-INFINITY, "-Infinity"}};
  for (auto [value, text] : cases) EXPECT_EQ(formatJsNumber(value), text) << text;
  EXPECT_EQ(formatJsNumber(json::value(UINT64_C(12345678901234567890))), "12345678901234567000");
  EXPECT_EQ(formatJsNumber(json::value(int64_t{-42})), "-42");
}

TEST(GraphqlJsFormat, StringsReadAsNumbersLikeJavaScript) {
  const std::pair<const char*, std::optional<double>> cases[] = {{"12", 12},
                                                                 {" 12 ", 12},
                                                                 {"", 0},
                                                                 {"  ", 0},
                                                                 {"0x1F", 31},
                                                                 {"0o17", 15},
                                                                 {"0b101", 5},
                                                                 {"1e3", 1000},
                                                                 {".5", 0.5},
                                                                 {"5.", 5},
                                                                 {"+5", 5},
                                                                 {"-5", -5},
                                                                 {"Infinity", INFINITY},
                                                                 {"-Infinity", -INFINITY},
                                                                 {"abc", std::nullopt},
                                                                 {"1e", std::nullopt},
                                                                 {"0x", std::nullopt},
                                                                 {"1_000", std::nullopt},
                                                                 {"\xc2\xa0"
                                                                  "12\xc2\xa0",
                                                                  12},
                                                                 {"--1", std::nullopt},
                                                                 {"1.2.3", std::nullopt}};
  for (auto [text, value] : cases) EXPECT_EQ(jsStringToNumber(text), value) << text;
}

TEST(GraphqlJsFormat, InspectAndJsonLikeNode) {
  json::value v = json::parse(
      R"({"a": [1, {"b": {"c": {"d": 1}}}, [[[1]]]], "e": "x\"y", "f": null,
          "g": [1,2,3,4,5,6,7,8,9,10,11,12], "h": {}, "i": []})");
  EXPECT_EQ(inspect(v),
            "{ a: [1, [Object], [Array]], e: \"x\\\"y\", f: null, g: [1, 2, 3, 4, 5, 6, 7, 8, 9, "
            "10, ... 2 more items], h: {}, i: [] }");
  json::value j = json::parse(
      R"({"s": "tab\t nl\n ctl\u0001 quote\" slash/ \u00e9 \u2028", "n": [8.1, 7.0, 1e21, -0.0]})");
  EXPECT_EQ(serializeJsJson(j),
            "{\"s\":\"tab\\t nl\\n ctl\\u0001 quote\\\" slash/ \xc3\xa9 "
            "\xe2\x80\xa8\",\"n\":[8.1,7,1e+21,0]}");
}

TEST(GraphqlSuggestions, ListAndMessageLikeGraphqlJs) {
  std::vector<std::string_view> fields = {"id",     "title",   "released", "rating",
                                          "studio", "studios", "Studio",   "studioID"};
  EXPECT_EQ(suggestionList("studioId", fields),
            (std::vector<std::string_view>{"studioID", "Studio", "studio", "studios"}));
  EXPECT_EQ(suggestionList("f2", {"f10", "f1", "f3", "F2", "g2", "ff2", "f02"}),
            (std::vector<std::string_view>{"F2", "f02", "f1", "f3", "ff2", "g2"}));
  EXPECT_TRUE(suggestionList("zzzz", fields).empty());
  EXPECT_EQ(didYouMean({}), "");
  EXPECT_EQ(didYouMean({"a"}), " Did you mean \"a\"?");
  EXPECT_EQ(didYouMean({"a", "b"}), " Did you mean \"a\" or \"b\"?");
  EXPECT_EQ(didYouMean({"a", "b", "c", "d", "e", "f"}),
            " Did you mean \"a\", \"b\", \"c\", \"d\", or \"e\"?");
  EXPECT_EQ(didYouMean({"A"}, "the enum value"), " Did you mean the enum value \"A\"?");
  EXPECT_LT(naturalCompare("f2", "f10"), 0);
  EXPECT_GT(naturalCompare("f10", "f9"), 0);
  EXPECT_LT(naturalCompare("Studio", "studio"), 0);
}

TEST(GraphqlPrinter, LiteralsAndStringsPrintLikeGraphqlJs) {
  EXPECT_EQ(printString("a\b\t\n\v\f\r\"\\\x7f\xc2\x80\xc3\xa9/"),
            "\"a\\b\\t\\n\\u000B\\f\\r\\\"\\\\\\u007F\\u0080\xc3\xa9/\"");
  EXPECT_EQ(printBlockString("single line"), "\"\"\"single line\"\"\"");
  EXPECT_EQ(printBlockString("two\nlines"), "\"\"\"\ntwo\nlines\n\"\"\"");
  EXPECT_EQ(printBlockString("ends with \""), "\"\"\"\nends with \"\n\"\"\"");
  EXPECT_TRUE(isPrintableAsBlockString("text"));
  EXPECT_FALSE(isPrintableAsBlockString("\nleading newline"));
  EXPECT_FALSE(isPrintableAsBlockString("trailing\n"));
  EXPECT_FALSE(isPrintableAsBlockString("a\rb"));
}

}  // namespace
}  // namespace watt::graphql
