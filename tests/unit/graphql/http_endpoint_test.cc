#include "graphql/http_endpoint.h"

#include <gtest/gtest.h>

#include "graphql/js_format.h"
#include "graphql_test_support.h"

namespace watt::graphql {
namespace {

using testing::CinemaData;
using testing::makeCinemaSchema;
using testing::runTask;

struct Exchange {
  unsigned status;
  std::string body;
};

Exchange send(const Schema& schema, CinemaData& data, std::optional<std::string> query,
              std::optional<std::string> variablesJson = std::nullopt, bool isGet = false,
              DocumentCache* cache = nullptr,
              std::optional<std::string> operationName = std::nullopt) {
  json::value variables;
  HttpRequest request;
  if (query) request.query = *query;
  if (variablesJson) {
    variables = json::parse(*variablesJson);
    request.variables = &variables;
  }
  if (operationName) request.operationName = *operationName;
  request.isGet = isGet;
  request.context = &data;
  HttpResponse response = runTask(handleHttpRequest(schema, request, {}, cache));
  return {response.status, response.text()};
}

// The expected body, written the way Node writes it (key order kept, numbers JS-style).
std::string body(std::string_view json) {
  return serializeJsJson(json::parse(json));
}

// The db-graphql conformance cases, against an in-memory schema shaped like the real one.
TEST(GraphqlHttpEndpoint, DbGraphqlConformanceCases) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  DocumentCache cache;
  auto expect = [&](const Exchange& got, unsigned status, std::string_view expected) {
    EXPECT_EQ(got.status, status) << got.body;
    EXPECT_EQ(got.body, body(expected));
  };

  expect(send(*schema, data, "{ films { id title released rating } }"), 200,
         R"({"data":{"films":[{"id":"1","title":"My Neighbor Totoro","released":1988,"rating":8.1},
            {"id":"2","title":"Spirited Away","released":2001,"rating":8.6},
            {"id":"3","title":"Toy Story","released":1995,"rating":8.3},
            {"id":"4","title":"Up","released":2009,"rating":8.2},
            {"id":"5","title":"Chicken Run","released":2000,"rating":7.1},
            {"id":"6","title":"Wallace & Gromit: The Curse of the Were-Rabbit","released":2005,"rating":7.5}]}})");
  expect(send(*schema, data,
              "{ films(where: {released: {gt: 1995}}, orderBy: [{field: released, direction: "
              "DESC}], limit: 2) { id title released } }"),
         200,
         R"({"data":{"films":[{"id":"4","title":"Up","released":2009},
            {"id":"6","title":"Wallace & Gromit: The Curse of the Were-Rabbit","released":2005}]}})");
  expect(send(*schema, data,
              "{ films(orderBy: [{field: id, direction: ASC}], limit: 2, offset: 3) { id } }"),
         200, R"({"data":{"films":[{"id":"4"},{"id":"5"}]}})");
  expect(send(*schema, data, "{ films(where: {id: {in: [1, 4, 6]}}) { id title } }"), 200,
         R"({"data":{"films":[{"id":"1","title":"My Neighbor Totoro"},{"id":"4","title":"Up"},
            {"id":"6","title":"Wallace & Gromit: The Curse of the Were-Rabbit"}]}})");
  expect(
      send(*schema, data,
           "{ films(where: {released: {gte: 1995, lte: 2005}, rating: {lt: 8.5}}, orderBy: "
           "[{field: rating, direction: ASC}]) { id rating } }"),
      200,
      R"({"data":{"films":[{"id":"5","rating":7.1},{"id":"6","rating":7.5},{"id":"3","rating":8.3}]}})");
  expect(send(*schema, data, "{ getFilmById(id: 3) { id title rating } }"), 200,
         R"({"data":{"getFilmById":{"id":"3","title":"Toy Story","rating":8.3}}})");
  expect(send(*schema, data, "{ getFilmById(id: 99) { id title } }"), 200,
         R"({"data":{"getFilmById":null}})");
  expect(send(*schema, data, "{ countFilms(where: {studioId: {eq: 1}}) { total } }"), 200,
         R"({"data":{"countFilms":{"total":2}}})");
  expect(
      send(*schema, data, "{ getFilmById(id: 3) { title studio { name city } } }"), 200,
      R"({"data":{"getFilmById":{"title":"Toy Story","studio":{"name":"Pixar","city":"Emeryville"}}}})");
  expect(send(*schema, data, "{ studios { name films { title } } }"), 200,
         R"({"data":{"studios":[
            {"name":"Ghibli","films":[{"title":"My Neighbor Totoro"},{"title":"Spirited Away"}]},
            {"name":"Pixar","films":[{"title":"Toy Story"},{"title":"Up"}]},
            {"name":"Aardman","films":[{"title":"Chicken Run"},
              {"title":"Wallace & Gromit: The Curse of the Were-Rabbit"}]}]}})");
  expect(send(*schema, data, "query Q($id: ID!) { getStudioById(id: $id) { name city } }",
              R"({"id": 2})"),
         200, R"({"data":{"getStudioById":{"name":"Pixar","city":"Emeryville"}}})");
  expect(send(*schema, data, "{ films { nope } }"), 400,
         R"({"data":null,"errors":[{"message":"Cannot query field \"nope\" on type \"Film\".",
            "locations":[{"line":1,"column":11}]}]})");
  expect(
      send(*schema, data, "{ films { id studioId } }"), 400,
      R"({"data":null,"errors":[{"message":"Cannot query field \"studioId\" on type \"Film\". Did you mean \"studio\"?",
            "locations":[{"line":1,"column":14}]}]})");
  expect(send(*schema, data, R"({ films(where: {released: {gt: "abc"}}) { id } })"), 400,
         R"({"data":null,"errors":[{"message":"Int cannot represent non-integer value: \"abc\"",
            "locations":[{"line":1,"column":32}]}]})");
  expect(send(*schema, data, "syntax error {"), 400,
         R"({"data":null,"errors":[{"message":"Syntax Error: Unexpected Name \"syntax\".",
            "locations":[{"line":1,"column":1}]}]})");
  expect(
      send(*schema, data, "{ films(limit: 1000) { id } }"), 200,
      R"({"data":{"films":null},"errors":[{"message":"Param limit=1000 not allowed. Max accepted value 100.",
            "locations":[{"line":1,"column":3}],"path":["films"]}]})");
  expect(send(*schema, data, std::nullopt), 400,
         R"({"data":null,"errors":[{"message":"Unknown query"}]})");
  expect(send(*schema, data, "{ countStudios { total } }", std::nullopt, true), 200,
         R"({"data":{"countStudios":{"total":3}}})");
  expect(
      send(
          *schema, data,
          R"(mutation { saveFilm(input: {title: "Coraline", released: 2009, rating: 7.7}) { id title released rating } })"),
      200, R"({"data":{"saveFilm":{"id":"7","title":"Coraline","released":2009,"rating":7.7}}})");
  expect(
      send(
          *schema, data,
          R"q(mutation { saveFilm(input: {id: 7, title: "Coraline (2009)"}) { id title released rating } })q"),
      200,
      R"q({"data":{"saveFilm":{"id":"7","title":"Coraline (2009)","released":2009,"rating":7.7}}})q");
  expect(
      send(
          *schema, data,
          R"(mutation { insertFilms(inputs: [{title: "Early Man", released: 2018}, {title: "Soul", released: 2020}]) { id title released } })"),
      200,
      R"({"data":{"insertFilms":[{"id":"8","title":"Early Man","released":2018},
            {"id":"9","title":"Soul","released":2020}]}})");
  expect(send(*schema, data, "{ countFilms { total } }"), 200,
         R"({"data":{"countFilms":{"total":9}}})");
  expect(
      send(*schema, data, "mutation { deleteFilms(where: {released: {gte: 2018}}) { id title } }"),
      200,
      R"({"data":{"deleteFilms":[{"id":"8","title":"Early Man"},{"id":"9","title":"Soul"}]}})");
  expect(send(*schema, data,
              "{ films(orderBy: [{field: id, direction: DESC}], limit: 2) { id title } }"),
         200,
         R"q({"data":{"films":[{"id":"7","title":"Coraline (2009)"},
            {"id":"6","title":"Wallace & Gromit: The Curse of the Were-Rabbit"}]}})q");
  expect(
      send(*schema, data, "mutation { saveFilm(input: {released: 2001}) { id } }"), 200,
      R"({"data":{"saveFilm":null},"errors":[{"message":"NOT NULL constraint failed: films.title",
            "locations":[{"line":1,"column":12}],"path":["saveFilm"]}]})");
}

// The mesh conformance case: a single object where a list of input objects is expected.
TEST(GraphqlHttpEndpoint, ListArgumentAcceptsASingleObject) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  auto got =
      send(*schema, data, "{ films(orderBy: {field: id, direction: DESC}, limit: 2) { id } }");
  EXPECT_EQ(got.status, 200u);
  EXPECT_EQ(got.body, body(R"({"data":{"films":[{"id":"6"},{"id":"5"}]}})"));
}

// Status codes and bodies as a real mercurius 16.10 (graphql 16.15, Fastify 5) answers them;
// the odd ones (200 for several validation errors) are mercurius's errorFormatter at work.
TEST(GraphqlHttpEndpoint, MercuriusStatusRules) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  // Several validation errors: mercurius answers 200.
  auto two = send(*schema, data, "{ nope other }");
  EXPECT_EQ(two.status, 200u);
  EXPECT_EQ(two.body, body(R"({"data":null,"errors":[
      {"message":"Cannot query field \"nope\" on type \"Query\".","locations":[{"line":1,"column":3}]},
      {"message":"Cannot query field \"other\" on type \"Query\".","locations":[{"line":1,"column":8}]}]})"));
  // Operation selection errors: 200 without variables, 400 with them.
  EXPECT_EQ(
      send(*schema, data, "query A { countStudios { total } } query B { countStudios { total } }")
          .body,
      body(
          R"({"data":null,"errors":[{"message":"Must provide operation name if query contains multiple operations."}]})"));
  EXPECT_EQ(
      send(*schema, data, "query A { countStudios { total } } query B { countStudios { total } }")
          .status,
      200u);
  EXPECT_EQ(send(*schema, data,
                 "query A { countStudios { total } } query B { countStudios { total } }", "{}")
                .status,
            400u);
  auto missing = send(*schema, data, "query A($x: ID!) { getFilmById(id: $x) { id } }");
  EXPECT_EQ(missing.status, 200u);
  EXPECT_EQ(
      missing.body,
      body(
          R"({"data":null,"errors":[{"message":"Variable \"$x\" of required type \"ID!\" was not provided.","locations":[{"line":1,"column":9}]}]})"));
  EXPECT_EQ(send(*schema, data, "query A($x: ID!) { getFilmById(id: $x) { id } }", "{}").status,
            400u);
  EXPECT_EQ(send(*schema, data, "query A($x: ID!) { getFilmById(id: $x) { id } }", "null").status,
            400u);
  // Mutations over GET.
  auto get = send(*schema, data, "mutation { deleteFilms { id } }", std::nullopt, true);
  EXPECT_EQ(get.status, 405u);
  EXPECT_EQ(
      get.body,
      body(
          R"({"data":null,"errors":[{"message":"Operation cannot be performed via a GET request"}]})"));
  EXPECT_EQ(data.films.size(), 6u);  // nothing was deleted
  EXPECT_EQ(
      send(*schema, data, "query Q { countStudios { total } } mutation M { deleteFilms { id } }",
           std::nullopt, true, nullptr, "Q")
          .status,
      200u);
  // Subscriptions are not configured.
  auto sub = send(*schema, data, "subscription { countStudios { total } }");
  EXPECT_EQ(sub.status, 200u);
  EXPECT_EQ(
      sub.body,
      body(
          R"({"data":null,"errors":[{"message":"Schema is not configured to execute subscription operation.","locations":[{"line":1,"column":1}]}]})"));
  EXPECT_EQ(send(*schema, data, "").status, 400u);
}

TEST(GraphqlHttpEndpoint, PathIndicesAreStringsInSuccessfulResponses) {
  Schema schema;
  schema.object("Film").field("id", "ID!").field("title", "String!");
  schema.object("Query")
      .field("films", "[Film!]")
      .resolveSync([](const ResolveParams&) -> ResolveResult {
        return json::parse(R"([{"id": 1, "title": "a"}, {"id": 2, "title": null}])");
      });
  schema.setQueryType("Query");
  ASSERT_FALSE(schema.finalize());
  HttpRequest request;
  request.query = "{ films { id title } }";
  auto response = runTask(handleHttpRequest(schema, request));
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(
      response.text(),
      R"({"data":{"films":null},"errors":[{"message":"Cannot return null for non-nullable field Film.title.","locations":[{"line":1,"column":14}],"path":["films","1","title"]}]})");
}

TEST(GraphqlHttpEndpoint, CacheKeepsValidAndInvalidDocuments) {
  auto schema = makeCinemaSchema();
  CinemaData data;
  DocumentCache cache(2);
  EXPECT_EQ(send(*schema, data, "{ countStudios { total } }", std::nullopt, false, &cache).status,
            200u);
  EXPECT_EQ(send(*schema, data, "{ countStudios { total } }", std::nullopt, false, &cache).status,
            200u);
  EXPECT_EQ(cache.size(), 1u);
  auto bad = send(*schema, data, "{ nope }", std::nullopt, false, &cache);
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(send(*schema, data, "{ nope }", std::nullopt, false, &cache).body, bad.body);
  EXPECT_EQ(cache.size(), 2u);
  send(*schema, data, "{ countFilms { total } }", std::nullopt, false, &cache);
  EXPECT_EQ(cache.size(), 2u);  // the least recently used entry went out
  EXPECT_FALSE(cache.find("{ countStudios { total } }"));
  EXPECT_TRUE(cache.find("{ nope }"));
  // Syntax errors are not cached (mercurius does not either).
  send(*schema, data, "{", std::nullopt, false, &cache);
  EXPECT_FALSE(cache.find("{"));
}

}  // namespace
}  // namespace watt::graphql
