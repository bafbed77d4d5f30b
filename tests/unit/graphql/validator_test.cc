#include "graphql/validator.h"

#include <gtest/gtest.h>

#include <chrono>

#include "graphql/js_format.h"
#include "graphql_test_support.h"

namespace watt::graphql {
namespace {

using testing::makeCinemaSchema;

std::string validationErrors(const Schema& schema, const std::string& query,
                             const ValidationLimits& limits = {}) {
  ParseResult parsed = parse(query);
  if (!parsed.document) return "syntax: " + parsed.error.message;
  json::array errors;
  for (const GraphqlError& e : validate(schema, *parsed.document, limits))
    errors.push_back(e.toJson());
  return serializeJsJson(errors);
}

struct ValidationCase {
  const char* query;
  const char* errors;  // as graphql-js 16.15 validate() reports them, in order
};

// One or more documents per rule of graphql-js's specifiedRules, against the films/studios
// schema. The expectations were produced by graphql-js from the SDL this schema prints.
TEST(GraphqlValidator, EveryRuleReportsLikeGraphqlJs) {
  auto schema = makeCinemaSchema();
  const ValidationCase cases[] = {
      {R"q({ films { id title released rating studio { name } } })q", R"e([])e"},
      {R"q({ films { id } } type Foo { a: Int } scalar Bar)q",
       R"e([{"message":"The \"Foo\" definition is not executable.","locations":[{"line":1,"column":18}]},{"message":"The \"Bar\" definition is not executable.","locations":[{"line":1,"column":38}]}])e"},
      {R"q(query A { films { id } } query A { studios { id } })q",
       R"e([{"message":"There can be only one operation named \"A\".","locations":[{"line":1,"column":7},{"line":1,"column":32}]}])e"},
      {R"q(query A { films { id } } { studios { id } })q",
       R"e([{"message":"This anonymous operation must be the only defined operation.","locations":[{"line":1,"column":26}]}])e"},
      {R"q(query ($x: Nope) { films { id } } fragment F on Fim { id })q",
       R"e([{"message":"Unknown type \"Nope\".","locations":[{"line":1,"column":12}]},{"message":"Variable \"$x\" is never used.","locations":[{"line":1,"column":8}]},{"message":"Unknown type \"Fim\". Did you mean \"Film\" or \"ID\"?","locations":[{"line":1,"column":49}]},{"message":"Fragment \"F\" is never used.","locations":[{"line":1,"column":35}]}])e"},
      {R"q({ films { ... on Int { id } } } fragment G on ID { id })q",
       R"e([{"message":"Fragment cannot condition on non composite type \"Int\".","locations":[{"line":1,"column":18}]},{"message":"Fragment \"G\" cannot condition on non composite type \"ID\".","locations":[{"line":1,"column":47}]},{"message":"Fragment \"G\" is never used.","locations":[{"line":1,"column":33}]}])e"},
      {R"q(query ($x: Film) { films(limit: $x) { id } })q",
       R"e([{"message":"Variable \"$x\" cannot be non-input type \"Film\".","locations":[{"line":1,"column":12}]},{"message":"Variable \"$x\" of type \"Film\" used in position expecting type \"Int\".","locations":[{"line":1,"column":8},{"line":1,"column":33}]}])e"},
      {R"q({ films { title { x } } studios })q",
       R"e([{"message":"Field \"title\" must not have a selection since type \"String\" has no subfields.","locations":[{"line":1,"column":17}]},{"message":"Field \"studios\" of type \"[Studio]\" must have a selection of subfields. Did you mean \"studios { ... }\"?","locations":[{"line":1,"column":25}]}])e"},
      {R"q({ films { nope } countFilms { totl } })q",
       R"e([{"message":"Cannot query field \"nope\" on type \"Film\".","locations":[{"line":1,"column":11}]},{"message":"Cannot query field \"totl\" on type \"filmsCount\". Did you mean \"total\"?","locations":[{"line":1,"column":31}]}])e"},
      {R"q({ films { ...F ...F } } fragment F on Film { id } fragment F on Film { title })q",
       R"e([{"message":"There can be only one fragment named \"F\".","locations":[{"line":1,"column":34},{"line":1,"column":60}]}])e"},
      {R"q({ films { ...Missing } })q",
       R"e([{"message":"Unknown fragment \"Missing\".","locations":[{"line":1,"column":14}]}])e"},
      {R"q({ films { id } } fragment Unused on Film { id })q",
       R"e([{"message":"Fragment \"Unused\" is never used.","locations":[{"line":1,"column":18}]}])e"},
      {R"q({ films { ...F } } fragment F on Studio { id })q",
       R"e([{"message":"Fragment \"F\" cannot be spread here as objects of type \"Film\" can never be of type \"Studio\".","locations":[{"line":1,"column":11}]}])e"},
      {R"q({ films { ... on Studio { id } } })q",
       R"e([{"message":"Fragment cannot be spread here as objects of type \"Film\" can never be of type \"Studio\".","locations":[{"line":1,"column":11}]}])e"},
      {R"q({ films { ...F } } fragment F on Film { ...G } fragment G on Film { ...H } fragment H on Film { ...F ...G })q", R"e([{"message":"Cannot spread fragment \"F\" within itself via \"G\", \"H\".","locations":[{"line":1,"column":41},{"line":1,"column":69},{"line":1,"column":97}]},{"message":"Cannot spread fragment \"G\" within itself via \"H\".","locations":[{"line":1,"column":69},{"line":1,"column":102}]}])e"},
      {R"q(query Q($x: Int, $x: Int) { films(limit: $x) { id } })q",
       R"e([{"message":"There can be only one variable named \"$x\".","locations":[{"line":1,"column":10},{"line":1,"column":19}]}])e"},
      {R"q(query Q { films(limit: $x) { id } } )q",
       R"e([{"message":"Variable \"$x\" is not defined by operation \"Q\".","locations":[{"line":1,"column":24},{"line":1,"column":1}]}])e"},
      {R"q(query Q($a: Int) { films { ...F } } fragment F on Film { studio { films(limit: $c) { id } } })q",
       R"e([{"message":"Variable \"$c\" is not defined by operation \"Q\".","locations":[{"line":1,"column":80},{"line":1,"column":1}]},{"message":"Variable \"$a\" is never used in operation \"Q\".","locations":[{"line":1,"column":9}]},{"message":"Unknown argument \"limit\" on field \"Studio.films\".","locations":[{"line":1,"column":73}]}])e"},
      {R"q(query Q($a: Int, $b: Int) { films(limit: $a) { id } })q",
       R"e([{"message":"Variable \"$b\" is never used in operation \"Q\".","locations":[{"line":1,"column":18}]}])e"},
      {R"q({ films @nope @skip(if: true) @skip(if: false) { id } })q",
       R"e([{"message":"The directive \"@skip\" can only be used once at this location.","locations":[{"line":1,"column":15},{"line":1,"column":31}]},{"message":"Unknown directive \"@nope\".","locations":[{"line":1,"column":9}]}])e"},
      {R"q(query @skip(if: true) { films @deprecated { id } })q",
       R"e([{"message":"Directive \"@skip\" may not be used on QUERY.","locations":[{"line":1,"column":7}]},{"message":"Directive \"@deprecated\" may not be used on FIELD.","locations":[{"line":1,"column":31}]}])e"},
      {R"q({ films(limit: 1, limt: 2, limit: 3) { id } })q",
       R"e([{"message":"There can be only one argument named \"limit\".","locations":[{"line":1,"column":9},{"line":1,"column":28}]},{"message":"Unknown argument \"limt\" on field \"Query.films\". Did you mean \"limit\"?","locations":[{"line":1,"column":19}]}])e"},
      {R"q({ films @skip(iff: true) { id } })q",
       R"e([{"message":"Unknown argument \"iff\" on directive \"@skip\". Did you mean \"if\"?","locations":[{"line":1,"column":15}]},{"message":"Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.","locations":[{"line":1,"column":9}]}])e"},
      {R"q({ films(where: {released: {gt: "abc"}, title: {eq: 1}, rating: {in: [1, "x"]}}) { id } })q", R"e([{"message":"Int cannot represent non-integer value: \"abc\"","locations":[{"line":1,"column":32}]},{"message":"String cannot represent a non string value: 1","locations":[{"line":1,"column":52}]},{"message":"Float cannot represent non numeric value: \"x\"","locations":[{"line":1,"column":73}]}])e"},
      {R"q({ films(orderBy: [{field: nope}, {direction: ASC, field: id, field: title}], where: {relesed: {}}) { id } })q",
       R"e([{"message":"Field \"FilmOrderByArguments.direction\" of required type \"OrderByDirection!\" was not provided.","locations":[{"line":1,"column":19}]},{"message":"Value \"nope\" does not exist in \"FilmOrderByField\" enum.","locations":[{"line":1,"column":27}]},{"message":"There can be only one input field named \"field\".","locations":[{"line":1,"column":51},{"line":1,"column":62}]},{"message":"Field \"relesed\" is not defined by type \"FilmWhereArguments\". Did you mean \"released\"?","locations":[{"line":1,"column":86}]}])e"},
      {R"q({ films(limit: null, offset: [1], where: 5) { id } getFilmById(id: null) { id } })q",
       R"e([{"message":"Int cannot represent non-integer value: [1]","locations":[{"line":1,"column":30}]},{"message":"Expected value of type \"FilmWhereArguments\", found 5.","locations":[{"line":1,"column":42}]},{"message":"Expected value of type \"ID!\", found null.","locations":[{"line":1,"column":68}]}])e"},
      {R"q({ getFilmById { id } films @include { id } })q",
       R"e([{"message":"Field \"getFilmById\" argument \"id\" of type \"ID!\" is required, but it was not provided.","locations":[{"line":1,"column":3}]},{"message":"Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.","locations":[{"line":1,"column":28}]}])e"},
      {R"q(query Q($x: String, $y: ID = 1, $z: [Int]) { films(limit: $x, where: {id: {eq: $y}, released: {in: $z}}) { id } getFilmById(id: $y) { id } })q",
       R"e([{"message":"Variable \"$x\" of type \"String\" used in position expecting type \"Int\".","locations":[{"line":1,"column":9},{"line":1,"column":59}]}])e"},
      {R"q(query Q($d: OrderByDirection = ASC, $e: OrderByDirection) { a: films(orderBy: {field: id, direction: $d}) { id } b: films(orderBy: {field: id, direction: $e}) { id } })q",
       R"e([{"message":"Variable \"$e\" of type \"OrderByDirection\" used in position expecting type \"OrderByDirection!\".","locations":[{"line":1,"column":37},{"line":1,"column":155}]}])e"},
      {R"q({ films { x: id x: title } a: films(limit: 1) { id } a: films(limit: 2) { id } })q", R"e([{"message":"Fields \"a\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.","locations":[{"line":1,"column":28},{"line":1,"column":54}]},{"message":"Fields \"x\" conflict because \"id\" and \"title\" are different fields. Use different aliases on the fields to fetch both if this was intentional.","locations":[{"line":1,"column":11},{"line":1,"column":17}]}])e"},
      {R"q({ films { ...A ...B } } fragment A on Film { x: id studio { n: name } } fragment B on Film { x: id studio { n: city } })q",
       R"e([{"message":"Fields \"studio\" conflict because subfields \"n\" conflict because \"name\" and \"city\" are different fields. Use different aliases on the fields to fetch both if this was intentional.","locations":[{"line":1,"column":52},{"line":1,"column":61},{"line":1,"column":100},{"line":1,"column":109}]}])e"},
      {R"q({ getFilmById(id: 1) { id: studio { name } } })q", R"e([])e"},
      {R"q({ __schema { types { fields { type { fields { type { fields { name } } } } } } } })q",
       R"e([{"message":"Maximum introspection depth exceeded","locations":[{"line":1,"column":3}]}])e"},
      {R"q(query { __schema { ...T } } fragment T on __Schema { types { fields { type { ...U } } } } fragment U on __Type { fields { name } })q",
       R"e([])e"},
      {R"q({ __typename films { __typename } __type(name: "Film") { name } })q", R"e([])e"},
      {R"q(subscription { films { id } } mutation { nope })q",
       R"e([{"message":"This anonymous operation must be the only defined operation.","locations":[{"line":1,"column":1}]},{"message":"This anonymous operation must be the only defined operation.","locations":[{"line":1,"column":31}]},{"message":"Cannot query field \"nope\" on type \"Mutation\".","locations":[{"line":1,"column":42}]}])e"},
      {R"q(directive @x on FIELD
{ films @x { id } studios @x @x { id } } type T @x { a: Nte })q",
       R"e([{"message":"The \"x\" definition is not executable.","locations":[{"line":1,"column":1}]},{"message":"The \"T\" definition is not executable.","locations":[{"line":2,"column":42}]},{"message":"The directive \"@x\" can only be used once at this location.","locations":[{"line":2,"column":27},{"line":2,"column":30}]},{"message":"Directive \"@x\" may not be used on OBJECT.","locations":[{"line":2,"column":49}]},{"message":"Unknown type \"Nte\". Did you mean \"Int\" or \"T\"?","locations":[{"line":2,"column":57}]}])e"},
  };
  for (const ValidationCase& c : cases) {
    EXPECT_EQ(validationErrors(*schema, c.query), serializeJsJson(json::parse(c.errors)))
        << c.query;
  }
}

TEST(GraphqlValidator, StopsAfterTheErrorLimit) {
  auto schema = makeCinemaSchema();
  std::string query = "{";
  for (int i = 0; i < 150; ++i) query += " nope" + std::to_string(i);
  query += " }";
  ParseResult parsed = parse(query);
  auto errors = validate(*schema, *parsed.document);
  ASSERT_EQ(errors.size(), 101u);
  EXPECT_EQ(errors.back().message,
            "Too many validation errors, error limit reached. Validation aborted.");
  EXPECT_TRUE(errors.back().locations.empty());
  ValidationLimits limits;
  limits.maxErrors = 2;
  EXPECT_EQ(validate(*schema, *parsed.document, limits).size(), 3u);
}

TEST(GraphqlValidator, BoundsNestingThroughFragments) {
  auto schema = makeCinemaSchema();
  // A chain of fragments, each spreading the next: shallow in the text, deep once expanded.
  std::string query = "{ films { ...F0 } }";
  for (int i = 0; i < 200; ++i) {
    query += " fragment F" + std::to_string(i) + " on Film { id" +
             (i + 1 < 200 ? " ...F" + std::to_string(i + 1) : std::string()) + " }";
  }
  ParseResult parsed = parse(query);
  ASSERT_TRUE(parsed.document);
  auto errors = validate(*schema, *parsed.document);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message,
            "Query is nested too deeply (more than 128 levels, counting fragment spreads).");
  ValidationLimits limits;
  limits.maxDepth = 300;
  EXPECT_TRUE(validate(*schema, *parsed.document, limits).empty());
}

TEST(GraphqlValidator, PathologicalDocumentsStayCheap) {
  auto schema = makeCinemaSchema();
  auto timed = [&](const std::string& query) {
    auto start = std::chrono::steady_clock::now();
    ParseResult parsed = parse(query);
    std::vector<GraphqlError> errors;
    if (parsed.document) errors = validate(*schema, *parsed.document);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    EXPECT_LT(ms.count(), 2000) << query.substr(0, 80);
    return errors;
  };
  // Many same-named fields: quadratic comparisons, cut by graphql-js's complexity budget.
  std::string repeated = "{ films {";
  for (int i = 0; i < 4000; ++i) repeated += i % 2 ? " id" : " id: title";
  repeated += " } }";
  auto errors = timed(repeated);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors.back().message, "Validation aborted.");
  // Many fragments spread together.
  std::string spreads = "{ films {";
  std::string fragments;
  for (int i = 0; i < 300; ++i) {
    spreads += " ...F" + std::to_string(i);
    fragments += " fragment F" + std::to_string(i) + " on Film { id title studio { name } }";
  }
  timed(spreads + " } }" + fragments);
  // A cycle through many fragments.
  std::string cycle = "{ films { ...C0 } }";
  for (int i = 0; i < 500; ++i) {
    cycle += " fragment C" + std::to_string(i) + " on Film { ...C" + std::to_string((i + 1) % 500) +
             " }";
  }
  ValidationLimits deep;
  deep.maxDepth = 100000;
  ParseResult parsed = parse(cycle);
  auto cycleErrors = validate(*schema, *parsed.document, deep);
  ASSERT_FALSE(cycleErrors.empty());
  EXPECT_EQ(cycleErrors[0].message.substr(0, 39), "Cannot spread fragment \"C0\" within itse");
}

}  // namespace
}  // namespace watt::graphql
