#include "graphql/executor.h"

#include <gtest/gtest.h>

#include "graphql/js_format.h"
#include "graphql_test_support.h"

namespace watt::graphql {
namespace {

using testing::CinemaData;
using testing::makeCinemaSchema;
using testing::run;
using testing::runTask;

std::string text(const json::object& o) {
  return serializeJsJson(o);
}
std::string expected(std::string_view json) {
  return serializeJsJson(json::parse(json));
}

TEST(GraphqlExecutor, FieldsAliasesFragmentsAndTypename) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  auto result = run(*schema, R"(
    query { first: getFilmById(id: 1) { ...Parts __typename studio { ... on Studio { name } } }
            getFilmById(id: "2") { title t: title ... { released } } }
    fragment Parts on Film { id title }
  )",
                    {}, &data);
  EXPECT_EQ(text(result), expected(R"({"data":{
      "first":{"id":"1","title":"My Neighbor Totoro","__typename":"Film","studio":{"name":"Ghibli"}},
      "getFilmById":{"title":"Spirited Away","t":"Spirited Away","released":2001}}})"));
}

TEST(GraphqlExecutor, VariablesDefaultsAndSkipInclude) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  const char* query = R"(
    query Q($id: ID = 3, $withStudio: Boolean!, $hideTitle: Boolean = false) {
      getFilmById(id: $id) { id title @skip(if: $hideTitle) studio @include(if: $withStudio) { name } }
    })";
  EXPECT_EQ(text(run(*schema, query, json::object{{"withStudio", false}}, &data)),
            expected(R"({"data":{"getFilmById":{"id":"3","title":"Toy Story"}}})"));
  EXPECT_EQ(text(run(*schema, query,
                     json::object{{"id", 4}, {"withStudio", true}, {"hideTitle", true}}, &data)),
            expected(R"({"data":{"getFilmById":{"id":"4","studio":{"name":"Pixar"}}}})"));
  // Skipped fragments and fields are not resolved at all.
  EXPECT_EQ(text(run(*schema,
                     "{ films @skip(if: true) { id } ... @include(if: false) { studios { id } } "
                     "countStudios { total } }",
                     {}, &data)),
            expected(R"({"data":{"countStudios":{"total":3}}})"));
}

// A resolver sees coerced arguments with defaults, and info about its position.
TEST(GraphqlExecutor, ResolversGetArgumentsContextAndInfo) {
  Schema schema;
  std::vector<std::string> seen;
  schema.object("Item").field("name", "String").field("sub", "Item").field("size", "Int");
  schema.object("Query")
      .field("items", "[Item!]!")
      .arg("first", "Int", json::value(10))
      .arg("filter", "[String!]")
      .resolve([&](const ResolveParams& p) -> Task<ResolveResult> {
        seen.push_back(serializeJsJson(p.args));
        std::string selected;
        for (auto name : p.info.selectedFields) selected += std::string(name) + ",";
        seen.push_back(selected);
        seen.push_back(p.info.field.typeString + " " + p.info.returnTypeName() + " " +
                       p.info.fieldName() + " " + p.info.parentType.name() + " " +
                       serializeJsJson(p.info.path.toJson()));
        seen.push_back(*static_cast<std::string*>(p.context));
        co_return json::parse(R"([{"name": "a", "hidden": 1}, {"name": "b"}])");
      });
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  std::string context = "ctx";
  auto result =
      run(schema, R"({ list: items(filter: "x") { name n2: name sub { name } __typename } })", {},
          &context);
  EXPECT_EQ(text(result), expected(R"({"data":{"list":[
      {"name":"a","n2":"a","sub":null,"__typename":"Item"},
      {"name":"b","n2":"b","sub":null,"__typename":"Item"}]}})"));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], R"({"first":10,"filter":["x"]})");
  EXPECT_EQ(seen[1], "name,sub,");
  EXPECT_EQ(seen[2], R"([Item!]! Item items Query ["list"])");
  EXPECT_EQ(seen[3], "ctx");
}

// graphql-js null propagation: a null (or an error) in a non-null position nulls the closest
// nullable parent; errors carry the path where they happened.
TEST(GraphqlExecutor, NullPropagatesThroughNonNullPositions) {
  Schema schema;
  schema.object("Item").field("id", "Int!").field("name", "String").field("tags", "[String!]");
  schema.object("Holder")
      .field("items", "[Item!]")
      .field("strict", "[Item!]!")
      .field("loose", "[Item]");
  schema.object("Query")
      .field("holder", "Holder")
      .field("must", "Holder!")
      .field("fails", "Int")
      .resolveSync([](const ResolveParams&) -> ResolveResult { return Error{"nope"}; })
      .field("mustFail", "Int!")
      .resolveSync([](const ResolveParams&) -> ResolveResult { return Error{"hard"}; });
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  json::value root = json::parse(R"({
    "holder": {"items": [{"id": 1}, {"id": null}], "strict": [{"id": 2}, {"id": "x"}],
               "loose": [{"id": 3, "tags": ["a", null]}, {"id": null}, {"id": 4, "tags": "t"}]},
    "must": {"items": null, "strict": null, "loose": null}})");
  auto execute = [&](const std::string& query) {
    auto document = testing::mustParse(schema, query);
    ExecutionOptions options;
    options.rootValue = &root;
    ExecutionResult r = runTask(graphql::execute(schema, document, options));
    json::object out{{"data", r.data}};
    json::array errors;
    for (auto& e : r.errors) errors.push_back(e.toJson());
    if (!errors.empty()) out["errors"] = errors;
    return text(out);
  };
  EXPECT_EQ(execute("{ holder { items { id } } }"),
            expected(R"({"data":{"holder":{"items":null}},"errors":[
              {"message":"Cannot return null for non-nullable field Item.id.","locations":[{"line":1,"column":20}],"path":["holder","items",1,"id"]}]})"));
  // The list is non-null too: the holder becomes null.
  EXPECT_EQ(execute("{ holder { strict { id } } }"), expected(R"({"data":{"holder":null},"errors":[
              {"message":"Int cannot represent non-integer value: \"x\"","locations":[{"line":1,"column":21}],"path":["holder","strict",1,"id"]}]})"));
  // Nullable items absorb the failure; the other fields still resolve. (Same data and errors
  // as graphql-js; graphql-js lists the first two errors the other way round, since it completes
  // one list item at a time where this executor completes one field at a time.)
  EXPECT_EQ(
      execute("{ holder { loose { id tags } } fails }"),
      expected(
          R"({"data":{"holder":{"loose":[{"id":3,"tags":null},null,{"id":4,"tags":null}]},"fails":null},"errors":[
              {"message":"Cannot return null for non-nullable field Item.id.","locations":[{"line":1,"column":20}],"path":["holder","loose",1,"id"]},
              {"message":"Cannot return null for non-nullable field Item.tags.","locations":[{"line":1,"column":23}],"path":["holder","loose",0,"tags",1]},
              {"message":"Expected Iterable, but did not find one for field \"Item.tags\".","locations":[{"line":1,"column":23}],"path":["holder","loose",2,"tags"]},
              {"message":"nope","locations":[{"line":1,"column":32}],"path":["fails"]}]})"));
  // A non-null root field takes the whole data with it.
  EXPECT_EQ(execute("{ holder { items { id } } mustFail }"), expected(R"({"data":null,"errors":[
              {"message":"Cannot return null for non-nullable field Item.id.","locations":[{"line":1,"column":20}],"path":["holder","items",1,"id"]},
              {"message":"hard","locations":[{"line":1,"column":27}],"path":["mustFail"]}]})"));
  EXPECT_EQ(execute("{ must { strict { id } } }"), expected(R"({"data":null,"errors":[
              {"message":"Cannot return null for non-nullable field Holder.strict.","locations":[{"line":1,"column":10}],"path":["must","strict"]}]})"));
  // A field asked twice reports every place it was asked.
  EXPECT_EQ(
      execute("{ fails fails }"),
      expected(
          R"({"data":{"fails":null},"errors":[{"message":"nope","locations":[{"line":1,"column":3},{"line":1,"column":9}],"path":["fails"]}]})"));
}

// The N+1 problem: a batch resolver runs once per list level, for every parent at that level.
TEST(GraphqlExecutor, BatchResolversRunOncePerLevel) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  auto result =
      run(*schema, "{ studios { name films { title studio { name films { id } } } } }", {}, &data);
  EXPECT_FALSE(result.contains("errors"));
  EXPECT_EQ(data.studioFilmsBatchCalls, 2);  // studios' films, then the films' studios' films
  EXPECT_EQ(data.filmStudioBatchCalls, 1);   // all six films at once
  const auto& studios = result["data"].at("studios").as_array();
  ASSERT_EQ(studios.size(), 3u);
  EXPECT_EQ(studios[2].at("films").as_array()[1].at("studio").at("films").as_array().size(), 2u);
  EXPECT_EQ(
      serializeJsJson(studios[1].at("films")),
      R"([{"title":"Toy Story","studio":{"name":"Pixar","films":[{"id":"3"},{"id":"4"}]}},{"title":"Up","studio":{"name":"Pixar","films":[{"id":"3"},{"id":"4"}]}}])");
}

TEST(GraphqlExecutor, BatchResolverFailures) {
  Schema schema;
  int calls = 0;
  schema.object("Item")
      .field("id", "Int")
      .field("double", "Int")
      .resolveBatch([&](const BatchParams& p) -> Task<Result<std::vector<ResolveResult>>> {
        ++calls;
        std::vector<ResolveResult> out;
        for (const json::value* parent : p.parents) {
          int64_t id = parent->at("id").as_int64();
          if (id == 2) {
            out.emplace_back(Error{"no double for 2"});
          } else {
            out.emplace_back(json::value(id * 2));
          }
        }
        co_return out;
      })
      .field("broken", "Int")
      .resolveBatch([](const BatchParams&) -> Task<Result<std::vector<ResolveResult>>> {
        co_return Error{"database is down"};
      })
      .field("short", "Int")
      .resolveBatch([](const BatchParams&) -> Task<Result<std::vector<ResolveResult>>> {
        co_return std::vector<ResolveResult>{};
      });
  schema.object("Query").field("items", "[Item]");
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  json::value root = json::parse(R"({"items": [{"id": 1}, {"id": 2}, {"id": 3}]})");
  auto document = testing::mustParse(schema, "{ items { double broken } }");
  ExecutionOptions options;
  options.rootValue = &root;
  ExecutionResult r = runTask(execute(schema, document, options));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(
      serializeJsJson(r.data),
      R"({"items":[{"double":2,"broken":null},{"double":null,"broken":null},{"double":6,"broken":null}]})");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].message, "no double for 2");
  EXPECT_EQ(serializeJsJson(r.errors[0].path), R"(["items",1,"double"])");
  EXPECT_EQ(r.errors[1].message, "database is down");
  EXPECT_EQ(serializeJsJson(r.errors[3].path), R"(["items",2,"broken"])");
  auto shortDocument = testing::mustParse(schema, "{ items { short } }");
  ExecutionResult s = runTask(execute(schema, shortDocument, options));
  ASSERT_EQ(s.errors.size(), 3u);
  EXPECT_EQ(s.errors[0].message, "Batch resolver of Item.short returned 0 results for 3 parents.");
}

TEST(GraphqlExecutor, MutationFieldsRunInOrder) {
  Schema schema;
  std::vector<std::string> log;
  auto step = [&](std::string name) {
    return [&log, name](const ResolveParams& p) -> Task<ResolveResult> {
      log.push_back(name + ":" + serializeJsJson(p.args.at("n")));
      co_return json::value(static_cast<int64_t>(log.size()));
    };
  };
  schema.object("Query").field("x", "Int");
  schema.object("Mutation")
      .field("a", "Int")
      .arg("n", "Int")
      .resolve(step("a"))
      .field("b", "Int")
      .arg("n", "Int")
      .resolve(step("b"));
  schema.setQueryType("Query");
  schema.setMutationType("Mutation");
  ASSERT_FALSE(schema.finalize());
  auto result = run(schema, "mutation { first: a(n: 1) second: b(n: 2) third: a(n: 3) }");
  EXPECT_EQ(text(result), R"({"data":{"first":1,"second":2,"third":3}})");
  EXPECT_EQ(log, (std::vector<std::string>{"a:1", "b:2", "a:3"}));
}

TEST(GraphqlExecutor, OperationSelectionAndArgumentErrors) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  auto document = testing::mustParse(
      *schema, "query A { countFilms { total } } query B { countStudios { total } }");
  ExecutionOptions options;
  options.context = &data;
  ExecutionResult none = runTask(execute(*schema, document, options));
  EXPECT_FALSE(none.executed);
  EXPECT_EQ(none.errors.at(0).message,
            "Must provide operation name if query contains multiple operations.");
  options.operationName = "C";
  EXPECT_EQ(runTask(execute(*schema, document, options)).errors.at(0).message,
            "Unknown operation named \"C\".");
  options.operationName = "B";
  ExecutionResult b = runTask(execute(*schema, document, options));
  EXPECT_TRUE(b.executed);
  EXPECT_EQ(serializeJsJson(b.data), R"({"countStudios":{"total":3}})");

  // Directive arguments are coerced when the query runs: an explicit null for a variable with
  // a default passes validation, then fails the selection (at the top level: no data at all).
  auto skip = testing::mustParse(
      *schema,
      "query Q($s: Boolean = false) { countFilms @skip(if: $s) { total } countStudios { total } }");
  ExecutionOptions o2;
  o2.context = &data;
  json::object nullS{{"s", nullptr}};
  o2.variables = &nullS;
  ExecutionResult r = runTask(execute(*schema, skip, o2));
  EXPECT_TRUE(r.data.is_null());
  EXPECT_EQ(
      serializeJsJson(r.errors.at(0).toJson()),
      R"({"message":"Argument \"if\" of non-null type \"Boolean!\" must not be null.","locations":[{"line":1,"column":53}]})");
  auto nested = testing::mustParse(
      *schema, "query Q($s: Boolean = false) { countStudios { total a: total @include(if: $s) } }");
  ExecutionResult n = runTask(execute(*schema, nested, o2));
  EXPECT_EQ(serializeJsJson(n.data), R"({"countStudios":null})");
  EXPECT_EQ(
      serializeJsJson(n.errors.at(0).toJson()),
      R"({"message":"Argument \"if\" of non-null type \"Boolean!\" must not be null.","locations":[{"line":1,"column":75}],"path":["countStudios"]})");
}

TEST(GraphqlExecutor, CustomScalarsAndEnumsInResults) {
  Schema schema;
  schema.scalar("JSON");
  schema.scalar("Date", {[](const json::value& v) -> Result<json::value> {
                           if (!v.is_string())
                             return Error{"Date cannot represent a non string value"};
                           return json::value(std::string(v.get_string()).substr(0, 10));
                         },
                         nullptr, nullptr});
  schema.enumeration("Color").value("RED").value("BLUE");
  schema.object("Query")
      .field("meta", "JSON")
      .field("when", "Date")
      .field("bad", "Date")
      .field("color", "Color")
      .field("colors", "[Color]")
      .field("echo", "JSON")
      .arg("v", "JSON")
      .resolveSync([](const ResolveParams& p) -> ResolveResult { return p.args.at("v"); });
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  json::value root =
      json::parse(R"({"meta": {"a": [1, {"b": null}]}, "when": "2024-05-06T07:08:09Z",
                                     "bad": 5, "color": "BLUE", "colors": ["RED", "GREEN"]})");
  auto document = testing::mustParse(
      schema,
      R"(query ($x: JSON) { meta when bad color colors echo(v: {k: [1, $x], e: ENUMISH}) })");
  ExecutionOptions options;
  options.rootValue = &root;
  json::object variables{{"x", json::object{{"deep", true}}}};
  options.variables = &variables;
  ExecutionResult r = runTask(execute(schema, document, options));
  EXPECT_EQ(
      serializeJsJson(r.data),
      R"({"meta":{"a":[1,{"b":null}]},"when":"2024-05-06","bad":null,"color":"BLUE","colors":["RED",null],"echo":{"k":[1,{"deep":true}],"e":"ENUMISH"}})");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].message, "Date cannot represent a non string value");
  EXPECT_EQ(r.errors[1].message, "Enum \"Color\" cannot represent value: \"GREEN\"");
}

TEST(GraphqlExecutor, FieldResolutionLimit) {
  Schema schema;
  schema.object("Item")
      .field("id", "Int")
      .field("children", "[Item]")
      .resolveSync([](const ResolveParams&) -> ResolveResult {
        json::array out;
        for (int i = 0; i < 10; ++i) out.push_back(json::object{{"id", i}});
        return json::value(std::move(out));
      });
  schema.object("Query")
      .field("root", "Item")
      .resolveSync([](const ResolveParams&) -> ResolveResult {
        return json::value(json::object{{"id", 0}});
      });
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  ExecutionLimits limits;
  limits.maxFieldResolutions = 500;
  auto small = run(schema, "{ root { children { children { id } } } }", {}, nullptr, limits);
  EXPECT_FALSE(small.contains("errors"));  // 1 + 1 + 10 + 100 fields
  auto big =
      run(schema, "{ root { children { children { children { id } } } } }", {}, nullptr, limits);
  EXPECT_TRUE(big.at("data").is_null());
  EXPECT_EQ(
      serializeJsJson(big.at("errors")),
      R"([{"message":"Execution aborted: the operation would produce more than 500 field values."}])");
}

TEST(GraphqlExecutor, DeepQueriesUseNoNativeStack) {
  Schema schema;
  schema.object("Node")
      .field("id", "Int")
      .field("next", "Node")
      .resolveSync([](const ResolveParams& p) -> ResolveResult {
        return json::value(json::object{{"id", p.parent.at("id").as_int64() + 1}});
      });
  schema.object("Query")
      .field("node", "Node")
      .resolveSync([](const ResolveParams&) -> ResolveResult {
        return json::value(json::object{{"id", 0}});
      });
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  std::string query = "{ node {";
  for (int i = 0; i < 60; ++i) query += " next {";
  query += " id";
  for (int i = 0; i < 60; ++i) query += " }";
  query += " } }";
  auto result = run(schema, query);
  const json::value* v = &result.at("data").at("node");
  for (int i = 0; i < 60; ++i) v = &v->at("next");
  EXPECT_EQ(v->at("id").as_int64(), 60);
}

// What GraphiQL and code generators read; the expectation is graphql-js's answer for the same
// schema (built from the SDL below, which is also what printSdl() writes).
TEST(GraphqlExecutor, IntrospectionMatchesGraphqlJs) {
  Schema schema;
  schema.object("Query", "The root")
      .field("hello", "String")
      .arg("name", "String", json::value("world"), "Who to greet")
      .field("film", "Film")
      .field("films", "[Film!]!")
      .arg("where", "Where", json::parse(R"({"id": 5, "tags": ["a"]})"));
  schema.object("Film")
      .field("id", "ID!")
      .field("kind", "Kind")
      .deprecate("no")
      .field("old", "Int")
      .deprecate()
      .field("when", "Date");
  schema.enumeration("Kind", "Kinds\nof films").value("A", "first").value("B", {}, "gone");
  schema.inputObject("Where")
      .field("id", "ID")
      .field("tags", "[String!]")
      .field("limit", "Int", json::value(10), "max");
  schema.scalar("Date", {}, "A date").specifiedBy("https://example.com/date");
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  EXPECT_EQ(schema.printSdl(), R"sdl("""The root"""
type Query {
  hello(
    """Who to greet"""
    name: String = "world"
  ): String
  film: Film
  films(where: Where = {id: 5, tags: ["a"], limit: 10}): [Film!]!
}

type Film {
  id: ID!
  kind: Kind @deprecated(reason: "no")
  old: Int @deprecated
  when: Date
}

"""
Kinds
of films
"""
enum Kind {
  """first"""
  A
  B @deprecated(reason: "gone")
}

input Where {
  id: ID
  tags: [String!]

  """max"""
  limit: Int = 10
}

"""A date"""
scalar Date @specifiedBy(url: "https://example.com/date"))sdl");
  auto result = run(
      schema,
      R"q({ __type(name: "Film") { name kind description fields(includeDeprecated: true) { name isDeprecated deprecationReason type { kind name ofType { kind name ofType { kind name } } } } }
  kind: __type(name: "Kind") { description enumValues(includeDeprecated: true) { name description isDeprecated } }
  where: __type(name: "Where") { inputFields { name defaultValue type { name } } }
  date: __type(name: "Date") { kind specifiedByURL }
  q: __type(name: "Query") { fields { name args { name defaultValue description } } }
  none: __type(name: "Nope") { name }
  __schema { queryType { name } mutationType { name } types { name } directives { name isRepeatable locations args { name type { kind } } } } }
)q");
  EXPECT_EQ(
      text(result),
      R"json({"data":{"__type":{"name":"Film","kind":"OBJECT","description":null,"fields":[{"name":"id","isDeprecated":false,"deprecationReason":null,"type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"ID","ofType":null}}},{"name":"kind","isDeprecated":true,"deprecationReason":"no","type":{"kind":"ENUM","name":"Kind","ofType":null}},{"name":"old","isDeprecated":true,"deprecationReason":"No longer supported","type":{"kind":"SCALAR","name":"Int","ofType":null}},{"name":"when","isDeprecated":false,"deprecationReason":null,"type":{"kind":"SCALAR","name":"Date","ofType":null}}]},"kind":{"description":"Kinds\nof films","enumValues":[{"name":"A","description":"first","isDeprecated":false},{"name":"B","description":null,"isDeprecated":true}]},"where":{"inputFields":[{"name":"id","defaultValue":null,"type":{"name":"ID"}},{"name":"tags","defaultValue":null,"type":{"name":null}},{"name":"limit","defaultValue":"10","type":{"name":"Int"}}]},"date":{"kind":"SCALAR","specifiedByURL":"https://example.com/date"},"q":{"fields":[{"name":"hello","args":[{"name":"name","defaultValue":"\"world\"","description":"Who to greet"}]},{"name":"film","args":[]},{"name":"films","args":[{"name":"where","defaultValue":"{id: 5, tags: [\"a\"], limit: 10}","description":null}]}]},"none":null,"__schema":{"queryType":{"name":"Query"},"mutationType":null,"types":[{"name":"Query"},{"name":"String"},{"name":"Film"},{"name":"ID"},{"name":"Int"},{"name":"Kind"},{"name":"Where"},{"name":"Date"},{"name":"Boolean"},{"name":"__Schema"},{"name":"__Type"},{"name":"__TypeKind"},{"name":"__Field"},{"name":"__InputValue"},{"name":"__EnumValue"},{"name":"__Directive"},{"name":"__DirectiveLocation"}],"directives":[{"name":"include","isRepeatable":false,"locations":["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"],"args":[{"name":"if","type":{"kind":"NON_NULL"}}]},{"name":"skip","isRepeatable":false,"locations":["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"],"args":[{"name":"if","type":{"kind":"NON_NULL"}}]},{"name":"deprecated","isRepeatable":false,"locations":["FIELD_DEFINITION","ARGUMENT_DEFINITION","INPUT_FIELD_DEFINITION","ENUM_VALUE","DIRECTIVE_DEFINITION"],"args":[{"name":"reason","type":{"kind":"SCALAR"}}]},{"name":"specifiedBy","isRepeatable":false,"locations":["SCALAR"],"args":[{"name":"url","type":{"kind":"NON_NULL"}}]},{"name":"oneOf","isRepeatable":false,"locations":["INPUT_OBJECT"],"args":[]}]}}})json");
}

TEST(GraphqlSchema, FinalizeReportsWhatIsWrong) {
  Schema schema;
  schema.object("Query").field("a", "Missing").field("b", "In").field("c", "Int").arg("x", "Out");
  schema.object("Out").field("o", "Int");
  schema.object("Empty");
  schema.inputObject("In").field("i", "Out");
  schema.object("__Reserved").field("x", "Int");
  schema.object("Out");
  schema.enumeration("E").value("true");
  schema.object("Bad-Name").field("x", "Int");
  schema.setQueryType("Nope");
  auto problem = schema.finalize();
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem,
            "Name \"__Reserved\" must not begin with \"__\", which is reserved by GraphQL "
            "introspection.\n"
            "Schema must contain uniquely named types but contains multiple types named \"Out\".\n"
            "Names must only contain [_a-zA-Z0-9] but \"Bad-Name\" does not.\n"
            "Unknown type \"Missing\" referenced by Query.a.\n"
            "The type of Query.b must be Output Type but got: In.\n"
            "The type of Query.c(x:) must be Input Type but got: Out.\n"
            "Type Empty must define one or more fields.\n"
            "The type of In.i must be Input Type but got: Out.\n"
            "Type Out must define one or more fields.\n"
            "Enum type E cannot include value: true.\n"
            "Query root type must be Object type but \"Nope\" is not declared.");
  Schema noQuery;
  noQuery.object("A").field("a", "Int");
  EXPECT_EQ(noQuery.finalize(), "Query root type must be provided.");
}

}  // namespace
}  // namespace watt::graphql
