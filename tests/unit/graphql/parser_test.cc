#include "graphql/parser.h"

#include <gtest/gtest.h>

#include "graphql/printer.h"

namespace watt::graphql {
namespace {

using ast::SelectionKind;
using ast::ValueKind;

const ast::Document& mustParse(const ParseResult& result) {
  EXPECT_TRUE(result.document) << result.error.message;
  return *result.document;
}

TEST(GraphqlParser, ParsesEveryExecutableConstruct) {
  ParseResult result = parse(R"(
    # a comment, then commas that count as white space
    query Films($limit: Int = 10, $where: FilmWhere @deprecated, "described" $ids: [ID!]!)
        @include(if: true) {
      first: films(limit: $limit, where: $where) @skip(if: false) {
        id,
        ...FilmParts
        ... on Film @include(if: true) { rating }
        ... { released }
      }
    }
    mutation { saveFilm(input: {title: "x"}) { id } }
    subscription OnFilm { filmSaved { id } }
    "a fragment" fragment FilmParts on Film { title }
    { anonymous }
  )");
  const ast::Document& doc = mustParse(result);
  ASSERT_EQ(doc.definitions().size(), 5u);

  const ast::Definition& query = doc.definitions()[0];
  EXPECT_EQ(query.kind, ast::DefinitionKind::Operation);
  EXPECT_EQ(query.operation, ast::OperationType::Query);
  EXPECT_EQ(query.name, "Films");
  ASSERT_EQ(query.variables.size(), 3u);
  EXPECT_EQ(query.variables[0].name, "limit");
  EXPECT_EQ(printType(query.variables[0].type), "Int");
  ASSERT_TRUE(query.variables[0].defaultValue);
  EXPECT_EQ(query.variables[0].defaultValue->text, "10");
  EXPECT_EQ(query.variables[1].directives.size(), 1u);
  EXPECT_EQ(printType(query.variables[2].type), "[ID!]!");
  EXPECT_TRUE(query.variables[2].type.wrapping.isNonNull());
  EXPECT_EQ(query.directives.size(), 1u);

  const ast::Selection& films = query.selectionSet.selections.at(0);
  EXPECT_EQ(films.kind, SelectionKind::Field);
  EXPECT_EQ(films.alias, "first");
  EXPECT_EQ(films.name, "films");
  EXPECT_EQ(films.responseKey(), "first");
  ASSERT_EQ(films.arguments.size(), 2u);
  EXPECT_EQ(films.arguments[0].value.kind, ValueKind::Variable);
  EXPECT_EQ(films.arguments[0].value.text, "limit");
  EXPECT_EQ(films.directives.at(0).name, "skip");
  const auto& inner = films.selectionSet.selections;
  ASSERT_EQ(inner.size(), 4u);
  EXPECT_EQ(inner[0].name, "id");
  EXPECT_FALSE(inner[0].selectionSet.present());
  EXPECT_EQ(inner[1].kind, SelectionKind::FragmentSpread);
  EXPECT_EQ(inner[1].name, "FilmParts");
  EXPECT_EQ(inner[2].kind, SelectionKind::InlineFragment);
  EXPECT_EQ(inner[2].typeCondition, "Film");
  EXPECT_EQ(inner[2].directives.size(), 1u);
  EXPECT_EQ(inner[3].kind, SelectionKind::InlineFragment);
  EXPECT_TRUE(inner[3].typeCondition.empty());

  EXPECT_EQ(doc.definitions()[1].operation, ast::OperationType::Mutation);
  EXPECT_TRUE(doc.definitions()[1].name.empty());
  EXPECT_EQ(doc.definitions()[2].operation, ast::OperationType::Subscription);
  const ast::Definition& fragment = doc.definitions()[3];
  EXPECT_EQ(fragment.kind, ast::DefinitionKind::Fragment);
  EXPECT_EQ(fragment.typeCondition.name, "Film");
  EXPECT_EQ(doc.fragment("FilmParts"), &fragment);
  EXPECT_EQ(doc.fragment("Nope"), nullptr);
  EXPECT_EQ(doc.definitions()[4].selectionSet.selections[0].name, "anonymous");
}

TEST(GraphqlParser, ParsesEveryLiteralKind) {
  ParseResult result = parse(
      R"({ f(i: -12, f: 1.5e3, s: "a\"b\u00e9\u{1F600}\uD83D\uDE00", b: true, n: null, e: RED,
             l: [1, [2]], o: {a: 1, b: {c: $v}}, block: """  x""") })");
  const ast::Document& doc = mustParse(result);
  const auto& args = doc.definitions()[0].selectionSet.selections[0].arguments;
  ASSERT_EQ(args.size(), 9u);
  EXPECT_EQ(args[0].value.kind, ValueKind::Int);
  EXPECT_EQ(args[0].value.text, "-12");
  EXPECT_EQ(args[1].value.kind, ValueKind::Float);
  EXPECT_EQ(args[1].value.text, "1.5e3");
  EXPECT_EQ(args[2].value.kind, ValueKind::String);
  EXPECT_EQ(args[2].value.text, "a\"b\xc3\xa9\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
  EXPECT_FALSE(args[2].value.flag);
  EXPECT_EQ(args[3].value.kind, ValueKind::Boolean);
  EXPECT_TRUE(args[3].value.flag);
  EXPECT_EQ(args[4].value.kind, ValueKind::Null);
  EXPECT_EQ(args[5].value.kind, ValueKind::Enum);
  EXPECT_EQ(args[5].value.text, "RED");
  EXPECT_EQ(args[6].value.kind, ValueKind::List);
  EXPECT_EQ(args[6].value.list.at(1).list.at(0).text, "2");
  EXPECT_EQ(args[7].value.kind, ValueKind::Object);
  EXPECT_EQ(args[7].value.fields.at(1).value.fields.at(0).value.kind, ValueKind::Variable);
  EXPECT_EQ(args[8].value.text, "  x");
  EXPECT_TRUE(args[8].value.flag);
  EXPECT_EQ(printValue(args[7].value), "{a: 1, b: {c: $v}}");
  EXPECT_EQ(printValue(args[6].value), "[1, [2]]");
}

TEST(GraphqlParser, BlockStringsAreDedentedLikeGraphqlJs) {
  auto blockValue = [](std::string block) {
    ParseResult r = parse("{ f(s: " + block + ") }");
    EXPECT_TRUE(r.document) << r.error.message;
    return std::string(
        r.document->definitions()[0].selectionSet.selections[0].arguments[0].value.text);
  };
  EXPECT_EQ(blockValue("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\""),
            "Hello,\n  World!\n\nYours,\n  GraphQL.");
  EXPECT_EQ(blockValue("\"\"\"  first line kept\n    second\"\"\""), "  first line kept\nsecond");
  EXPECT_EQ(blockValue("\"\"\"a \\\"\"\" b\"\"\""), "a \"\"\" b");
  EXPECT_EQ(blockValue("\"\"\"\r\n  x\r\n  y\r\n\"\"\""), "x\ny");
  EXPECT_EQ(blockValue("\"\"\"   \n   \"\"\""), "");
  EXPECT_EQ(blockValue("\"\"\"no \\n escapes\"\"\""), "no \\n escapes");
}

TEST(GraphqlParser, LocationsAreLinesAndUtf16Columns) {
  ParseResult r = parse("\r\n{ a\r  b\n\t c(x: \"\xc3\xa9\xf0\x9f\x98\x80\") d }");
  const ast::Document& doc = mustParse(r);
  const auto& selections = doc.definitions()[0].selectionSet.selections;
  EXPECT_EQ(doc.locate(selections[0].offset), (SourceLocation{2, 3}));
  EXPECT_EQ(doc.locate(selections[1].offset), (SourceLocation{3, 3}));
  EXPECT_EQ(doc.locate(selections[2].offset), (SourceLocation{4, 3}));
  // "é" is one UTF-16 unit, the emoji two: d is at column 15 as graphql-js counts.
  EXPECT_EQ(doc.locate(selections[3].offset), (SourceLocation{4, 15}));
}

struct SyntaxCase {
  const char* document;
  const char* message;
  uint32_t line;
  uint32_t column;
};

// Every expectation below was produced by graphql-js 16.15 parse().
TEST(GraphqlParser, SyntaxErrorsReadExactlyLikeGraphqlJs) {
  const SyntaxCase cases[] = {
      {"", "Syntax Error: Unexpected <EOF>.", 1, 1},
      {"{", "Syntax Error: Expected Name, found <EOF>.", 1, 2},
      {"{ a", "Syntax Error: Expected Name, found <EOF>.", 1, 4},
      {"syntax error {", "Syntax Error: Unexpected Name \"syntax\".", 1, 1},
      {"query", "Syntax Error: Expected \"{\", found <EOF>.", 1, 6},
      {"query Q(", "Syntax Error: Expected \"$\", found <EOF>.", 1, 9},
      {"query Q($x) { a }", "Syntax Error: Expected \":\", found \")\".", 1, 11},
      {"{ a(b: ) }", "Syntax Error: Unexpected \")\".", 1, 8},
      {"{ a(b: $) }", "Syntax Error: Expected Name, found \")\".", 1, 9},
      {"{ ...on }", "Syntax Error: Expected Name, found \"}\".", 1, 9},
      {"fragment on on T { a }", "Syntax Error: Unexpected Name \"on\".", 1, 10},
      {"fragment F T { a }", "Syntax Error: Expected \"on\", found Name \"T\".", 1, 12},
      {"{ a } }", "Syntax Error: Unexpected \"}\".", 1, 7},
      {"{ a(x: 01) }", "Syntax Error: Invalid number, unexpected digit after 0: \"1\".", 1, 9},
      {"{ a(x: 1.) }", "Syntax Error: Invalid number, expected digit but got: \")\".", 1, 10},
      {"{ a(x: 1e) }", "Syntax Error: Invalid number, expected digit but got: \")\".", 1, 10},
      {"{ a(x: -x) }", "Syntax Error: Invalid number, expected digit but got: \"x\".", 1, 9},
      {"{ a(x: 1a) }", "Syntax Error: Invalid number, expected digit but got: \"a\".", 1, 9},
      {"{ a(x: .5) }", "Syntax Error: Unexpected character: \".\".", 1, 8},
      {"{ a(x: \"abc) }", "Syntax Error: Unterminated string.", 1, 15},
      {"{ a(x: \"a\nb\") }", "Syntax Error: Unterminated string.", 1, 10},
      {"{ a(x: \"\\x\") }", "Syntax Error: Invalid character escape sequence: \"\\x\".", 1, 9},
      {"{ a(x: \"\\u12G4\") }", "Syntax Error: Invalid Unicode escape sequence: \"\\u12G4\".", 1,
       9},
      {"{ a(x: \"\\u{}\") }", "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\".", 1, 9},
      {"{ a(x: \"\\u{110000}\") }",
       "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".", 1, 9},
      {"{ a(x: \"\\uD800x\") }", "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\".", 1,
       9},
      {"{ a(x: \"\"\"abc) }", "Syntax Error: Unterminated string.", 1, 17},
      {"{ a(x: 'abc') }",
       "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote "
       "(\")?",
       1, 8},
      {"{ a ? }", "Syntax Error: Unexpected character: \"?\".", 1, 5},
      {"{ a \xc3\xa9"
       " }",
       "Syntax Error: Unexpected character: U+00E9.", 1, 5},
      {"{ a \x07"
       " }",
       "Syntax Error: Unexpected character: U+0007.", 1, 5},
      {"query ($x: Int = $y) { a }", "Syntax Error: Unexpected variable \"$y\" in constant value.",
       1, 18},
      {"query ($x: [Int) { a }", "Syntax Error: Expected \"]\", found \")\".", 1, 16},
      {"\"desc\" { a }",
       "Syntax Error: Unexpected description, descriptions are not supported on shorthand queries.",
       1, 1},
      {"\"desc\" extend type A { a: Int }",
       "Syntax Error: Unexpected description, only GraphQL definitions support descriptions.", 1,
       1},
      {"{ a }\n\n  }", "Syntax Error: Unexpected \"}\".", 3, 3},
      {"\r\n{ a\r\n  b(\r\n", "Syntax Error: Expected Name, found <EOF>.", 4, 1},
      {"\"\"\"\nmulti\nline\"\"\" query { a(x: ) }", "Syntax Error: Unexpected \")\".", 3, 22},
      {"{ a(x: \"\xc3\xa9"
       "\xf0\x9f\x98\x80"
       "\xc3\xa9"
       "\" y: ) }",
       "Syntax Error: Unexpected \")\".", 1, 18},
      {"\xef\xbb\xbf"
       "{ a(x: ) }",
       "Syntax Error: Unexpected \")\".", 1, 9},
      {"type T { a: Int } extend type T", "Syntax Error: Unexpected <EOF>.", 1, 32},
      {"enum E { true }",
       "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.", 1, 10},
      {"directive @d on NOPE", "Syntax Error: Unexpected Name \"NOPE\".", 1, 17},
      {"{ a @ }", "Syntax Error: Expected Name, found \"}\".", 1, 7},
      {"{ a(x: {b}) }", "Syntax Error: Expected \":\", found \"}\".", 1, 10},
      {"{ a(x: [1 2) }", "Syntax Error: Unexpected \")\".", 1, 12},
      {"mutation", "Syntax Error: Expected \"{\", found <EOF>.", 1, 9},
      {"query Q { a } fragment", "Syntax Error: Expected Name, found <EOF>.", 1, 23},
      {"{ ...F @ }", "Syntax Error: Expected Name, found \"}\".", 1, 10},
      {"{ alias: }", "Syntax Error: Expected Name, found \"}\".", 1, 10},
      {"{ a: b: c }", "Syntax Error: Expected Name, found \":\".", 1, 7},
  };
  for (const SyntaxCase& c : cases) {
    ParseResult r = parse(c.document);
    ASSERT_FALSE(r.document) << c.document;
    EXPECT_EQ(r.error.message, c.message) << c.document;
    ASSERT_EQ(r.error.locations.size(), 1u) << c.document;
    EXPECT_EQ(r.error.locations[0], (SourceLocation{c.line, c.column})) << c.document;
  }
}

TEST(GraphqlParser, TypeSystemDefinitionsAreParsedForSyntaxAndKeptByName) {
  ParseResult result = parse(R"(
    schema @d { query: Q }
    "described" type T implements A & B @key(fields: "id") { f(a: Int = 1 @x): [T!]! @deprecated }
    interface I { a: Int }
    union U = A | B
    enum E { A B @deprecated }
    input In { a: Int = 1, b: [String] }
    scalar Date @specifiedBy(url: "x")
    directive @d(a: Int) repeatable on FIELD | OBJECT
    extend type T { g: Int }
    extend schema @d
  )");
  const ast::Document& doc = mustParse(result);
  ASSERT_EQ(doc.definitions().size(), 10u);
  EXPECT_TRUE(doc.definitions()[0].isSchema);
  EXPECT_EQ(doc.definitions()[1].name, "T");
  EXPECT_TRUE(doc.definitions()[1].definesType);
  EXPECT_EQ(doc.definitions()[7].name, "d");
  EXPECT_EQ(doc.definitions()[7].directiveLocations.size(), 2u);
  EXPECT_FALSE(doc.definitions()[8].definesType);
  // The names a definition refers to, in document order.
  const auto& refs = doc.definitions()[1].references;
  ASSERT_EQ(refs.size(), 7u);
  EXPECT_EQ(refs[0].name, "A");
  EXPECT_EQ(refs[2].name, "key");
  EXPECT_STREQ(refs[2].location, "OBJECT");
  EXPECT_EQ(refs[3].name, "Int");
  EXPECT_STREQ(refs[4].location, "ARGUMENT_DEFINITION");
  EXPECT_EQ(refs[5].name, "T");
  EXPECT_STREQ(refs[6].location, "FIELD_DEFINITION");
}

TEST(GraphqlParser, LimitsStopPathologicalDocuments) {
  ParseLimits limits;
  limits.maxSourceBytes = 10;
  ParseResult big = parse("{ aaaaaaaaaaaa }", limits);
  ASSERT_FALSE(big.document);
  EXPECT_EQ(big.error.message,
            "Syntax Error: Source contains more than 10 bytes. Parsing aborted.");

  limits = {};
  limits.maxTokens = 5;
  ParseResult many = parse("{ a b c d e f }", limits);
  ASSERT_FALSE(many.document);
  EXPECT_EQ(many.error.message,
            "Syntax Error: Document contains more that 5 tokens. Parsing aborted.");
  EXPECT_EQ(many.error.locations.at(0), (SourceLocation{1, 11}));
  EXPECT_TRUE(parse("{ a b c }", limits).document);  // 5 tokens: at the limit is fine

  limits = {};
  limits.maxDepth = 3;
  EXPECT_TRUE(parse("{ a { b { c } } }", limits).document);
  ParseResult deep = parse("{ a { b { c { d } } } }", limits);
  ASSERT_FALSE(deep.document);
  EXPECT_EQ(deep.error.message,
            "Syntax Error: Document is nested too deeply (more than 3 levels). Parsing aborted.");
  EXPECT_FALSE(parse("{ a(x: [[[[1]]]]) }", limits).document);
  EXPECT_FALSE(parse("{ a(x: {a: {b: {c: 1}}}) }", limits).document);

  // The defaults survive what a hostile client can send within the body limit.
  std::string nested(100000, '[');
  ParseResult hostile = parse("{ a(x: " + nested + ") }");
  ASSERT_FALSE(hostile.document);
  EXPECT_NE(hostile.error.message.find("nested too deeply"), std::string::npos);
  std::string types =
      "query ($x: " + std::string(40, '[') + "Int" + std::string(40, ']') + ") { a }";
  ParseResult wrapped = parse(types);
  ASSERT_FALSE(wrapped.document);
  EXPECT_EQ(wrapped.error.message, "Syntax Error: Type reference is nested too deeply.");
}

TEST(GraphqlParser, ParsesStandaloneTypeReferences) {
  auto t = parseTypeReference("[Film!]!");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->name, "Film");
  EXPECT_EQ(printType(*t), "[Film!]!");
  EXPECT_TRUE(t->wrapping.isNonNull());
  EXPECT_TRUE(t->wrapping.inner().isList());
  EXPECT_TRUE(t->wrapping.inner().inner().isNonNull());
  EXPECT_TRUE(t->wrapping.inner().inner().inner().empty());
  EXPECT_FALSE(parseTypeReference("[Film"));
  EXPECT_FALSE(parseTypeReference("Film Film"));
  EXPECT_FALSE(parseTypeReference(""));
  EXPECT_FALSE(parseTypeReference("Film!!"));
}

}  // namespace
}  // namespace watt::graphql
