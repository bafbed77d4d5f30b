"""GraphQL API of a database application (docs/db-behaviour.md section 5, and 6 for the
authorization classes), on SQLite and PostgreSQL: list / get-by-id / count queries, every
`where` operator, `or`, orderBy, limit and offset, variables, GET requests, mutations, the
relation fields (many-to-one, one-to-many with a per-parent limit, a self-reference, two
foreign keys to one table, a join table with a composite key), GraphiQL, introspection, the
type mapping of each engine, hostile documents, and the authorization rules over GraphQL.

Fixture `db-graphql` (app `cinema`): studios (4; Laika has no films), films (3 studios x 5
films, plus film 16 without a studio and with null numbers), employees (manager_id ->
employees), messages (sender_id and receiver_id -> employees), books / tags / books_tags
(composite key), scratch, and `kinds` whose columns differ per engine (migrations/*/003).
Seed rows get ids 1..N in insertion order on both engines. Expected answers were taken from
the reference Watt 3.67 on SQLite (PostgreSQL: the reference pointed at a PostgreSQL server).

Read tests never write; write and hostile tests run on databases of their own. The
authorization classes reuse fixture `db-auth` with GraphQL switched on.
"""

import json
import time
import unittest
import urllib.parse

from test_db_support import DbTestCase, make_database

# (id, title, studio id, released, rating)
FILMS = [
    (1, "My Neighbor Totoro", 1, 1988, 8.1),
    (2, "Spirited Away", 1, 2001, 8.6),
    (3, "Princess Mononoke", 1, 1997, 8.4),
    (4, "Kiki's Delivery Service", 1, 1989, 7.8),
    (5, "Ponyo", 1, 2008, 7.6),
    (6, "Toy Story", 2, 1995, 8.3),
    (7, "Up", 2, 2009, 8.2),
    (8, "WALL-E", 2, 2008, 8.4),
    (9, "Coco", 2, 2017, 8.4),
    (10, "Cars", 2, 2006, 7.2),
    (11, "Chicken Run", 3, 2000, 7.1),
    (12, "Wallace & Gromit: The Curse of the Were-Rabbit", 3, 2005, 7.5),
    (13, "Early Man", 3, 2018, 6.1),
    (14, "Shaun the Sheep Movie", 3, 2015, 7.3),
    (15, "Flushed Away", 3, 2006, 6.6),
    (16, "Untitled Short", None, None, None),
]
STUDIOS = [("1", "Ghibli", "Tokyo"), ("2", "Pixar", "Emeryville"), ("3", "Aardman", "Bristol"), ("4", "Laika", None)]
EMPLOYEES = ["Ada", "Grace", "Linus", "Ken", "Barbara"]


def film(row):
    i, title, _, released, rating = row
    return {"id": str(i), "title": title, "released": released, "rating": rating}


def film_ids(pred):
    """The ids (strings, id order) of the seed films for which pred(id, title, studio, released, rating)."""
    return [str(r[0]) for r in FILMS if pred(*r)]


def gql_string(s):
    """A GraphQL string literal (JSON escaping is valid GraphQL escaping)."""
    return json.dumps(s)


def with_graphql(doc):
    doc["db"]["graphql"] = True


class GraphqlCalls:
    """Requests to /graphql of the shared process (or `w`)."""

    def gql(self, query, variables=None, headers=None, status=200, operation=None, w=None):
        """POSTs a GraphQL request; asserts the status and the JSON content type; returns the body."""
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if operation is not None:
            body["operationName"] = operation
        r = self.req("POST", "/graphql", body, headers=headers, w=w)
        if status is None:  # either
            self.assertIn(r.status, (200, 400), f"{query[:300]} -> {r.status} {r.body[:800]!r}")
        else:
            self.assertEqual(r.status, status, f"{query[:300]} -> {r.status} {r.body[:800]!r}")
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8", r)
        return r.json()

    def data(self, query, variables=None, headers=None, w=None):
        """The `data` of a request that must succeed without errors."""
        body = self.gql(query, variables, headers, w=w)
        self.assertNotIn("errors", body, f"{query[:300]} -> {body}")
        return body["data"]

    def one_error(self, query, path, variables=None, headers=None):
        """A resolver error (HTTP 200): data[path] is null, exactly one error on that path;
        returns its message."""
        body = self.gql(query, variables, headers)
        self.assertIsNone(body["data"][path], body)
        self.assertEqual(len(body["errors"]), 1, body)
        self.assertEqual(body["errors"][0]["path"], [path], body)
        return body["errors"][0]["message"]

    def ids_of(self, rows):
        return [row["id"] for row in rows]


# ==========================================================================================
# Queries


class GraphqlReadBehaviour(GraphqlCalls):
    fixture = "db-graphql"
    app = "cinema"

    # --- lists -----------------------------------------------------------------------------

    def test_list_returns_ids_as_strings_and_numbers_as_numbers(self):
        self.assertEqual(self.data("{ films(limit: 100) { id title released rating } }"),
                         {"films": [film(r) for r in FILMS]})
        r = self.req("POST", "/graphql", {"query": "{ studios { id name city } }"})
        self.assertEqual(r.text, json.dumps({"data": {"studios": [
            {"id": i, "name": n, "city": c} for i, n, c in STUDIOS]}}, separators=(",", ":")))

    def test_default_limit_is_10(self):
        self.assertEqual(self.ids_of(self.data("{ films { id } }")["films"]), [str(i) for i in range(1, 11)])

    def test_limit_and_offset(self):
        q = "{ films(orderBy: [{field: id, direction: ASC}], limit: 3, offset: 2) { id } }"
        self.assertEqual(self.ids_of(self.data(q)["films"]), ["3", "4", "5"])
        self.assertEqual(self.data("{ films(limit: 0) { id } }"), {"films": []})
        self.assertEqual(self.data("{ films(offset: 16) { id } }"), {"films": []})
        self.assertEqual(self.ids_of(self.data("{ films(limit: 100, offset: 14) { id } }")["films"]), ["15", "16"])
        self.assertEqual(len(self.data("{ films(limit: 100) { id } }")["films"]), 16)

    def test_limit_and_offset_errors_are_resolver_errors(self):
        self.assertEqual(self.gql("{ films(limit: 1000) { id } }"), {
            "data": {"films": None},
            "errors": [{"message": "Param limit=1000 not allowed. Max accepted value 100.",
                        "locations": [{"line": 1, "column": 3}], "path": ["films"]}]})
        self.assertEqual(self.one_error("{ films(limit: 101) { id } }", "films"),
                         "Param limit=101 not allowed. Max accepted value 100.")
        self.assertEqual(self.one_error("{ films(limit: -1) { id } }", "films"),
                         "Param limit=-1 not allowed. It must be a not negative value.")
        self.assertEqual(self.one_error("{ films(offset: -1) { id } }", "films"),
                         "Param offset=-1 not allowed. It must be not negative value.")
        # LimitInt accepts any literal; a non-integer fails in the resolver (the reference
        # answers SQLite's "datatype mismatch"), never with rows.
        self.one_error('{ films(limit: "abc") { id } }', "films")
        # offset is an Int: a string is a validation error.
        self.assertEqual(self.gql('{ films(offset: "x") { id } }', status=400), {
            "data": None, "errors": [{"message": 'Int cannot represent non-integer value: "x"',
                                      "locations": [{"line": 1, "column": 17}]}]})
        # The other root fields still answer.
        body = self.gql("{ films(limit: 1000) { id } countFilms { total } }")
        self.assertEqual(body["data"], {"films": None, "countFilms": {"total": 16}})

    # --- single rows and counts --------------------------------------------------------------

    def test_get_by_id(self):
        self.assertEqual(self.data("{ getFilmById(id: 3) { id title released rating } }"),
                         {"getFilmById": film(FILMS[2])})
        self.assertEqual(self.data('{ a: getFilmById(id: "2") { title } b: getFilmById(id: 99) { title } }'),
                         {"a": {"title": "Spirited Away"}, "b": None})
        self.assertEqual(self.data("{ getFilmById(id: 16) { id released rating studio { id } } }"),
                         {"getFilmById": {"id": "16", "released": None, "rating": None, "studio": None}})
        self.assertEqual(self.gql("{ getFilmById { id } }", status=400)["errors"][0]["message"],
                         'Field "getFilmById" argument "id" of type "ID!" is required, but it was not provided.')

    def test_count(self):
        self.assertEqual(self.data("{ countFilms { total } }"), {"countFilms": {"total": 16}})
        self.assertEqual(self.data("{ countFilms(where: {studioId: {eq: 1}}) { total } }"), {"countFilms": {"total": 5}})
        self.assertEqual(self.data("{ countFilms(where: {studioId: {isNull: true}}) { total } }"),
                         {"countFilms": {"total": 1}})
        self.assertEqual(self.data("{ countFilms(where: {released: {gt: 3000}}) { total } countStudios { total } }"),
                         {"countFilms": {"total": 0}, "countStudios": {"total": 4}})
        self.assertEqual(self.data("{ countBooksTags(where: {tagId: {eq: 1}}) { total } }"),
                         {"countBooksTags": {"total": 3}})

    # --- where -------------------------------------------------------------------------------

    def where_ids(self, where, entity="films"):
        return self.ids_of(self.data(f"{{ {entity}(where: {where}, limit: 100, "
                                     f"orderBy: [{{field: id, direction: ASC}}]) {{ id }} }}")[entity])

    def test_where_every_operator(self):
        cases = [
            ("{released: {eq: 2008}}", film_ids(lambda i, t, s, y, r: y == 2008)),
            # NULL <> 2008 is not true: film 16 is not in the answer.
            ("{released: {neq: 2008}}", film_ids(lambda i, t, s, y, r: y is not None and y != 2008)),
            ("{rating: {gt: 8.3}}", film_ids(lambda i, t, s, y, r: r is not None and r > 8.3)),
            ("{rating: {gte: 8.4}}", film_ids(lambda i, t, s, y, r: r is not None and r >= 8.4)),
            ("{rating: {lt: 7.2}}", film_ids(lambda i, t, s, y, r: r is not None and r < 7.2)),
            ("{rating: {lte: 7.2}}", film_ids(lambda i, t, s, y, r: r is not None and r <= 7.2)),
            ('{title: {like: "%Away%"}}', ["2", "15"]),
            ('{title: {like: "C%"}}', ["9", "10", "11"]),
            ('{title: {like: "U_"}}', ["7"]),
            ("{id: {in: [1, 4, 6]}}", ["1", "4", "6"]),
            ('{title: {in: ["Up", "Coco", "nope"]}}', ["7", "9"]),
            # NULL NOT IN (...) is not true either.
            ("{studioId: {nin: [1, 2]}}", film_ids(lambda i, t, s, y, r: s == 3)),
            ("{id: {nin: [1, 2, 3]}, studioId: {in: [1, 2]}}", ["4", "5", "6", "7", "8", "9", "10"]),
            ("{rating: {isNull: true}}", ["16"]),
            ("{studioId: {isNull: false}}", film_ids(lambda i, t, s, y, r: s is not None)),
            ("{released: {gte: 1995, lte: 2005}}", film_ids(lambda i, t, s, y, r: y is not None and 1995 <= y <= 2005)),
            ("{studioId: {eq: 2}, released: {gt: 2007}}", ["7", "8", "9"]),
            ('{id: {eq: "5"}}', ["5"]),
            ("{released: {in: []}}", []),  # (the reference sends "IN ()" to PostgreSQL: a syntax error)
        ]
        for where, expected in cases:
            with self.subTest(where=where):
                self.assertEqual(self.where_ids(where), expected)

    def test_where_or_with_several_fields_per_element(self):
        # (released < 1990 AND rating > 8) OR title = "Up"
        self.assertEqual(self.where_ids('{or: [{released: {lt: 1990}, rating: {gt: 8}}, {title: {eq: "Up"}}]}'),
                         ["1", "7"])
        # studio 2 AND (released > 2010 OR rating < 7.5)
        self.assertEqual(self.where_ids("{studioId: {eq: 2}, or: [{released: {gt: 2010}}, {rating: {lt: 7.5}}]}"),
                         ["9", "10"])
        self.assertEqual(self.where_ids("{or: [{id: {in: [1, 2]}}, {rating: {isNull: true}}, {id: {eq: 2}}]}"),
                         ["1", "2", "16"])
        self.assertEqual(self.where_ids('{or: [{name: {eq: "Laika"}, city: {isNull: true}}, {id: {eq: 1}}]}',
                                        entity="studios"), ["1", "4"])
        self.assertEqual(self.data("{ countFilms(where: {or: [{studioId: {eq: 1}}, {studioId: {eq: 3}}]}) { total } }"),
                         {"countFilms": {"total": 10}})

    def test_where_validation_errors(self):
        self.assertEqual(self.gql("{ films(where: {released: {gt: \"abc\"}}) { id } }", status=400), {
            "data": None, "errors": [{"message": 'Int cannot represent non-integer value: "abc"',
                                      "locations": [{"line": 1, "column": 32}]}]})
        self.assertEqual(self.gql("{ films(where: {released: {eq: 3000000000}}) { id } }", status=400)["errors"][0]["message"],
                         "Int cannot represent non 32-bit signed integer value: 3000000000")
        self.assertEqual(self.gql("{ getFilmById(id: 1.5) { id } }", status=400)["errors"][0]["message"],
                         "ID cannot represent a non-string and non-integer value: 1.5")
        self.assertEqual(self.gql("{ films(where: {nope: {eq: 1}}) { id } }", status=400)["errors"][0]["message"],
                         'Field "nope" is not defined by type "FilmWhereArguments".')
        self.assertEqual(self.gql("{ films(where: {title: {ilike: \"x\"}}) { id } }", status=400)["errors"][0]["message"],
                         'Field "ilike" is not defined by type "FilmWhereArgumentstitle". Did you mean "like" or "lte"?')

    # --- orderBy -----------------------------------------------------------------------------

    def test_order_by(self):
        q = ("{ films(where: {studioId: {isNull: false}}, limit: 100, orderBy: [{field: studioId, direction: DESC},"
             " {field: released, direction: ASC}]) { id } }")
        self.assertEqual(self.ids_of(self.data(q)["films"]),
                         ["11", "12", "15", "14", "13", "6", "10", "8", "7", "9", "1", "4", "3", "2", "5"])
        self.assertEqual(self.ids_of(self.data("{ films(orderBy: [{field: id, direction: DESC}], limit: 3) { id } }")
                                     ["films"]), ["16", "15", "14"])
        self.assertEqual(self.data("{ films(where: {released: {gt: 1995}}, orderBy: [{field: released, direction: DESC}], "
                                   "limit: 2) { id title released } }"),
                         {"films": [{"id": "13", "title": "Early Man", "released": 2018},
                                    {"id": "9", "title": "Coco", "released": 2017}]})
        self.assertEqual(self.gql("{ films(orderBy: [{field: nope, direction: ASC}]) { id } }", status=400), {
            "data": None, "errors": [{"message": 'Value "nope" does not exist in "FilmOrderByField" enum.',
                                      "locations": [{"line": 1, "column": 27}]}]})
        self.assertEqual(self.gql("{ films(orderBy: {field: released}) { id } }", status=400)["errors"][0]["message"],
                         'Field "FilmOrderByArguments.direction" of required type "OrderByDirection!" was not provided.')

    # --- variables, GET, operation names --------------------------------------------------------

    def test_variables(self):
        q = "query Q($id: ID!) { getStudioById(id: $id) { name city } }"
        self.assertEqual(self.data(q, {"id": 2}), {"getStudioById": {"name": "Pixar", "city": "Emeryville"}})
        self.assertEqual(self.data(q, {"id": "3"}), {"getStudioById": {"name": "Aardman", "city": "Bristol"}})
        q = ("query Q($l: LimitInt, $o: Int, $w: FilmWhereArguments, $ob: [FilmOrderByArguments]) "
             "{ films(limit: $l, offset: $o, where: $w, orderBy: $ob) { id } }")
        self.assertEqual(self.data(q, {"l": 2, "o": 1, "w": {"studioId": {"eq": 3}},
                                       "ob": [{"field": "released", "direction": "DESC"}]}),
                         {"films": [{"id": "14"}, {"id": "15"}]})
        self.assertEqual(self.data(q, {"w": {"or": [{"title": {"eq": "Up"}}, {"id": {"in": ["1"]}}]},
                                       "ob": {"field": "id", "direction": "ASC"}}),
                         {"films": [{"id": "1"}, {"id": "7"}]})
        self.assertEqual(self.gql("query Q($id: ID!) { getFilmById(id: $id) { title } }", {}, status=400), {
            "data": None, "errors": [{"message": 'Variable "$id" of required type "ID!" was not provided.',
                                      "locations": [{"line": 1, "column": 9}]}]})
        self.assertEqual(self.gql("query Q($w: FilmWhereArguments) { films(where: $w) { id } }",
                                  {"w": {"released": {"gt": "abc"}}}, status=400), {
            "data": None, "errors": [{"message": 'Variable "$w" got invalid value "abc" at "w.released.gt"; '
                                                 'Int cannot represent non-integer value: "abc"',
                                      "locations": [{"line": 1, "column": 9}]}]})

    def test_operation_name(self):
        doc = "query A { countFilms { total } } query B { countStudios { total } }"
        self.assertEqual(self.gql(doc, operation="B"), {"data": {"countStudios": {"total": 4}}})
        self.assertEqual(self.gql(doc, operation="A"), {"data": {"countFilms": {"total": 16}}})
        self.assertEqual(self.gql(doc), {"data": None, "errors": [
            {"message": "Must provide operation name if query contains multiple operations."}]})

    def test_get_requests(self):
        r = self.req("GET", "/graphql?query=" + urllib.parse.quote("{ countStudios { total } }"))
        self.assertJsonBody(r, 200, {"data": {"countStudios": {"total": 4}}})
        qs = urllib.parse.urlencode({"query": "query Q($id: ID!) { getFilmById(id: $id) { title } }",
                                     "variables": json.dumps({"id": 2})})
        self.assertJsonBody(self.req("GET", "/graphql?" + qs), 200, {"data": {"getFilmById": {"title": "Spirited Away"}}})
        qs = urllib.parse.urlencode({"query": 'mutation { saveScratch(input: {txt: "via GET"}) { id } }'})
        self.assertJsonBody(self.req("GET", "/graphql?" + qs), 405, {
            "data": None, "errors": [{"message": "Operation cannot be performed via a GET request"}]})
        self.assertEqual(self.db.rows("SELECT count(*) FROM scratch WHERE txt = 'via GET'"), [["0"]])
        self.assertNotFound(self.req("PUT", "/graphql", {"query": "{ countStudios { total } }"}), "PUT", "/graphql")
        # A document with a query and a mutation: the operation name decides.
        doc = 'query A { countFilms { total } } mutation B { saveScratch(input: {txt: "via GET"}) { id } }'
        r = self.req("GET", "/graphql?" + urllib.parse.urlencode({"query": doc, "operationName": "A"}))
        self.assertJsonBody(r, 200, {"data": {"countFilms": {"total": 16}}})
        r = self.req("GET", "/graphql?" + urllib.parse.urlencode({"query": doc, "operationName": "B"}))
        self.assertJsonBody(r, 405, {"data": None, "errors": [{"message": "Operation cannot be performed via a GET request"}]})
        self.assertEqual(self.db.rows("SELECT count(*) FROM scratch WHERE txt = 'via GET'"), [["0"]])
        self.assertJsonBody(self.req("GET", "/graphql"), 400, {"data": None, "errors": [{"message": "Unknown query"}]})

    def test_application_graphql_body(self):
        r = self.req("POST", "/graphql", raw="{ countStudios { total } }", headers={"content-type": "application/graphql"})
        self.assertJsonBody(r, 200, {"data": {"countStudios": {"total": 4}}})

    def test_request_errors(self):
        self.assertEqual(self.gql("{ films { nope } }", status=400), {
            "data": None, "errors": [{"message": 'Cannot query field "nope" on type "Film".',
                                      "locations": [{"line": 1, "column": 11}]}]})
        self.assertEqual(self.gql("{ films { id studioId } }", status=400), {
            "data": None, "errors": [{"message": 'Cannot query field "studioId" on type "Film". Did you mean "studio"?',
                                      "locations": [{"line": 1, "column": 14}]}]})
        self.assertEqual(self.gql("syntax error {", status=400), {
            "data": None, "errors": [{"message": 'Syntax Error: Unexpected Name "syntax".',
                                      "locations": [{"line": 1, "column": 1}]}]})
        self.assertJsonBody(self.req("POST", "/graphql", {}), 400, {"data": None, "errors": [{"message": "Unknown query"}]})
        # Two validation errors: HTTP 200 (only a single error makes a 400).
        body = self.gql("{ booksTags { bookId tagId } }")
        self.assertIsNone(body["data"])
        self.assertEqual([e["message"] for e in body["errors"]],
                         ['Cannot query field "bookId" on type "BooksTag". Did you mean "book"?',
                          'Cannot query field "tagId" on type "BooksTag". Did you mean "tag"?'])

    # --- relations ---------------------------------------------------------------------------

    def test_many_to_one(self):
        self.assertEqual(self.data("{ getFilmById(id: 6) { title studio { name city } } }"),
                         {"getFilmById": {"title": "Toy Story", "studio": {"name": "Pixar", "city": "Emeryville"}}})
        films = self.data("{ films(limit: 100) { id studio { id name } } }")["films"]
        names = {s[0]: s[1] for s in STUDIOS}
        self.assertEqual(films, [{"id": str(i), "studio": None if s is None else {"id": str(s), "name": names[str(s)]}}
                                 for i, _, s, _, _ in FILMS])
        self.assertEqual(self.data("{ films(where: {studioId: {isNull: true}}) { id title studio { id } } }"),
                         {"films": [{"id": "16", "title": "Untitled Short", "studio": None}]})

    def test_one_to_many_limit_applies_to_each_parent(self):
        self.assertEqual(self.data("{ studios { id films(limit: 2) { id } } }"), {"studios": [
            {"id": "1", "films": [{"id": "1"}, {"id": "2"}]}, {"id": "2", "films": [{"id": "6"}, {"id": "7"}]},
            {"id": "3", "films": [{"id": "11"}, {"id": "12"}]}, {"id": "4", "films": []}]})
        self.assertEqual(self.data("{ studios { id films(limit: 2, orderBy: [{field: released, direction: DESC}]) "
                                   "{ id released } } }"), {"studios": [
            {"id": "1", "films": [{"id": "5", "released": 2008}, {"id": "2", "released": 2001}]},
            {"id": "2", "films": [{"id": "9", "released": 2017}, {"id": "7", "released": 2009}]},
            {"id": "3", "films": [{"id": "13", "released": 2018}, {"id": "14", "released": 2015}]},
            {"id": "4", "films": []}]})
        self.assertEqual(self.data("{ studios { id films(limit: 2, offset: 1) { id } } }"), {"studios": [
            {"id": "1", "films": [{"id": "2"}, {"id": "3"}]}, {"id": "2", "films": [{"id": "7"}, {"id": "8"}]},
            {"id": "3", "films": [{"id": "12"}, {"id": "13"}]}, {"id": "4", "films": []}]})
        # Without a limit each parent gets its own default page (5 films each, not 10 in all).
        self.assertEqual([len(s["films"]) for s in self.data("{ studios { films { id } } }")["studios"]], [5, 5, 5, 0])
        self.assertEqual(self.data("{ studios(limit: 2, offset: 1) { id films(where: {released: {gt: 2005}}) "
                                   "{ id released } } }"), {"studios": [
            {"id": "2", "films": [{"id": "7", "released": 2009}, {"id": "8", "released": 2008},
                                  {"id": "9", "released": 2017}, {"id": "10", "released": 2006}]},
            {"id": "3", "films": [{"id": "13", "released": 2018}, {"id": "14", "released": 2015},
                                  {"id": "15", "released": 2006}]}]})
        self.assertEqual(self.data("{ getStudioById(id: 2) { films(limit: 3) { title } } }"),
                         {"getStudioById": {"films": [{"title": "Toy Story"}, {"title": "Up"}, {"title": "WALL-E"}]}})

    def test_the_same_relation_twice_with_different_arguments(self):
        self.assertEqual(self.data("{ studios(limit: 3) { id a: films(limit: 1) { id } b: films(limit: 2, offset: 2) { id } } }"),
                         {"studios": [{"id": "1", "a": [{"id": "1"}], "b": [{"id": "3"}, {"id": "4"}]},
                                      {"id": "2", "a": [{"id": "6"}], "b": [{"id": "8"}, {"id": "9"}]},
                                      {"id": "3", "a": [{"id": "11"}], "b": [{"id": "13"}, {"id": "14"}]}]})
        self.assertEqual(self.data("{ a: getStudioById(id: 1) { films(limit: 1) { id } } "
                                   "b: getStudioById(id: 1) { films(limit: 3) { id } } }"),
                         {"a": {"films": [{"id": "1"}]}, "b": {"films": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}})
        # Parents sharing one studio: each gets the studio's own page.
        q = "{ films(limit: 6, offset: 3) { id studio { id films(limit: 1, orderBy: [{field: released, direction: DESC}]) { id } } } }"
        self.assertEqual([(f["id"], f["studio"]["id"], f["studio"]["films"]) for f in self.data(q)["films"]],
                         [("4", "1", [{"id": "5"}]), ("5", "1", [{"id": "5"}]), ("6", "2", [{"id": "9"}]),
                          ("7", "2", [{"id": "9"}]), ("8", "2", [{"id": "9"}]), ("9", "2", [{"id": "9"}])])

    def test_nested_limit_errors(self):
        body = self.gql("{ getStudioById(id: 1) { name films(limit: 500) { id } } }")
        self.assertEqual(body["data"], {"getStudioById": {"name": "Ghibli", "films": None}})
        self.assertEqual([e["message"] for e in body["errors"]], ["Param limit=500 not allowed. Max accepted value 100."])

    def test_relations_both_ways_at_depth(self):
        q = "{ getFilmById(id: 12) { title studio { name films(orderBy: [{field: id, direction: DESC}], limit: 2) " \
            "{ id studio { id } } } } }"
        self.assertEqual(self.data(q), {"getFilmById": {
            "title": "Wallace & Gromit: The Curse of the Were-Rabbit",
            "studio": {"name": "Aardman", "films": [{"id": "15", "studio": {"id": "3"}},
                                                    {"id": "14", "studio": {"id": "3"}}]}}})

    def test_self_referencing_foreign_key(self):
        self.assertEqual(self.data("{ employees { id name manager { id name } employees { id name } } }"), {"employees": [
            {"id": "1", "name": "Ada", "manager": None,
             "employees": [{"id": "2", "name": "Grace"}, {"id": "3", "name": "Linus"}]},
            {"id": "2", "name": "Grace", "manager": {"id": "1", "name": "Ada"},
             "employees": [{"id": "4", "name": "Ken"}, {"id": "5", "name": "Barbara"}]},
            {"id": "3", "name": "Linus", "manager": {"id": "1", "name": "Ada"}, "employees": []},
            {"id": "4", "name": "Ken", "manager": {"id": "2", "name": "Grace"}, "employees": []},
            {"id": "5", "name": "Barbara", "manager": {"id": "2", "name": "Grace"}, "employees": []}]})
        self.assertEqual(self.data("{ getEmployeeById(id: 4) { manager { manager { name manager { name } } } } }"),
                         {"getEmployeeById": {"manager": {"manager": {"name": "Ada", "manager": None}}}})
        self.assertEqual(self.data("{ employees(where: {managerId: {isNull: true}}) { name } }"),
                         {"employees": [{"name": "Ada"}]})

    def test_two_foreign_keys_to_the_same_table(self):
        self.assertEqual(self.data("{ messages { id body sender { name } receiver { name } } }"), {"messages": [
            {"id": "1", "body": "hi Grace", "sender": {"name": "Ada"}, "receiver": {"name": "Grace"}},
            {"id": "2", "body": "hi Ada", "sender": {"name": "Grace"}, "receiver": {"name": "Ada"}},
            {"id": "3", "body": "ping", "sender": {"name": "Linus"}, "receiver": {"name": "Ada"}},
            {"id": "4", "body": "note to self", "sender": {"name": "Ada"}, "receiver": {"name": "Ada"}},
            {"id": "5", "body": "broadcast", "sender": {"name": "Ken"}, "receiver": None}]})
        # One field for both keys: the messages sent or received, each once (the order of the
        # merge is not specified).
        employees = self.data("{ employees { id messages { id } } }")["employees"]
        merged = {e["id"]: sorted(self.ids_of(e["messages"]), key=int) for e in employees}
        self.assertEqual(merged, {"1": ["1", "2", "3", "4"], "2": ["1", "2"], "3": ["3"], "4": ["5"], "5": []})
        self.assertEqual(self.gql('{ __type(name: "Employee") { fields { name } } }')["data"]["__type"]["fields"],
                         [{"name": "id"}, {"name": "name"}, {"name": "manager"}, {"name": "employees"},
                          {"name": "messages"}])

    def test_join_table_with_a_composite_key(self):
        self.assertEqual(self.data("{ booksTags(where: {bookId: {eq: 1}}, orderBy: [{field: tagId, direction: ASC}]) "
                                   "{ book { id title } tag { id label } } }"), {"booksTags": [
            {"book": {"id": "1", "title": "Dune"}, "tag": {"id": "1", "label": "sf"}},
            {"book": {"id": "1", "title": "Dune"}, "tag": {"id": "2", "label": "classic"}}]})
        self.assertEqual(self.data("{ getBooksTagByBookIdAndTagId(bookId: 2, tagId: 3) { book { title } tag { label } } }"),
                         {"getBooksTagByBookIdAndTagId": {"book": {"title": "Neuromancer"}, "tag": {"label": "cyberpunk"}}})
        self.assertEqual(self.data("{ getBooksTagByBookIdAndTagId(bookId: 2, tagId: 2) { book { title } } }"),
                         {"getBooksTagByBookIdAndTagId": None})
        q = "{ booksTags(orderBy: [{field: tagId, direction: DESC}, {field: bookId, direction: ASC}]) { book { id } tag { id } } }"
        self.assertEqual([(r["book"]["id"], r["tag"]["id"]) for r in self.data(q)["booksTags"]],
                         [("2", "3"), ("1", "2"), ("3", "2"), ("1", "1"), ("2", "1"), ("3", "1")])
        # The join table's relation fields replace its key fields; its parents get no list field.
        # (Their order: see test_join_table_relation_field_order.)
        answer = self.data('{ bt: __type(name: "BooksTag") { fields { name } } '
                           'b: __type(name: "Book") { fields { name } } '
                           'i: __type(name: "BooksTagInput") { inputFields { name type { name } } } }')
        answer["bt"]["fields"].sort(key=lambda f: f["name"])
        self.assertEqual(answer, {"bt": {"fields": [{"name": "book"}, {"name": "tag"}]},
                          "b": {"fields": [{"name": "id"}, {"name": "title"}]},
                          "i": {"inputFields": [{"name": "bookId", "type": {"name": "ID"}},
                                                {"name": "tagId", "type": {"name": "ID"}}]}})
        self.assertEqual(self.gql("{ books { id booksTags { tag { id } } } }", status=400)["errors"][0]["message"],
                         'Cannot query field "booksTags" on type "Book".')

    # --- GraphiQL and introspection ---------------------------------------------------------------

    def test_graphiql_page(self):
        r = self.req("GET", "/graphiql")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("content-type", "").startswith("text/html"), r)
        self.assertIn("<title>GraphiQL</title>", r.text)

    def test_introspection(self):
        types = {t["name"] for t in self.data("{ __schema { types { name } } }")["__schema"]["types"]}
        for name in ("Query", "Mutation", "Film", "Studio", "Employee", "Message", "Book", "Tag", "BooksTag", "Scratch",
                     "Kind", "filmsCount", "booksTagsCount", "scratchCount", "FilmInput", "FilmWhereArguments",
                     "FilmWhereArgumentsreleased", "FilmWhereArgumentsOr", "FilmOrderByField", "OrderByDirection",
                     "LimitInt", "ID", "Int", "Float", "String", "Boolean", "__Schema"):
            self.assertIn(name, types)
        self.assertNotIn("Version", types)  # the migrations table
        schema = self.data("{ __schema { queryType { name fields { name } } mutationType { name fields { name } } "
                           "subscriptionType { name } } }")["__schema"]
        entities = [("Book", "books", "Books"), ("BooksTag", "booksTags", "BooksTags"), ("Employee", "employees", "Employees"),
                    ("Film", "films", "Films"), ("Kind", "kinds", "Kinds"), ("Message", "messages", "Messages"),
                    ("Scratch", "scratch", "Scratch"), ("Studio", "studios", "Studios"), ("Tag", "tags", "Tags")]
        queries, mutations = [], []
        for name, plural, upper in entities:
            queries += ["getBooksTagByBookIdAndTagId" if name == "BooksTag" else f"get{name}ById", plural, "count" + upper]
            mutations += ["save" + name, "insert" + upper, "delete" + upper]
        self.assertEqual(sorted(f["name"] for f in schema["queryType"]["fields"]), sorted(queries))
        self.assertEqual(sorted(f["name"] for f in schema["mutationType"]["fields"]), sorted(mutations))
        self.assertEqual((schema["queryType"]["name"], schema["mutationType"]["name"], schema["subscriptionType"]),
                         ("Query", "Mutation", None))
        film_type = self.data('{ __type(name: "Film") { kind fields { name type { name kind } args { name } } } }')["__type"]
        self.assertEqual(film_type["kind"], "OBJECT")
        self.assertEqual([(f["name"], f["type"]["name"] or f["type"]["kind"]) for f in film_type["fields"]],
                         [("id", "ID"), ("title", "String"), ("released", "Int"), ("rating", "Float"), ("studio", "Studio")])
        args = self.data('{ __type(name: "Studio") { fields { name args { name } } } }')["__type"]["fields"]
        self.assertEqual([a["name"] for f in args if f["name"] == "films" for a in f["args"]],
                         ["limit", "offset", "orderBy", "where"])

    # --- type mapping ------------------------------------------------------------------------

    def kind_types(self):
        fields = self.data('{ __type(name: "Kind") { fields { name type { name kind } } } }')["__type"]["fields"]
        return {f["name"]: f["type"]["name"] for f in fields}

    def test_type_mapping(self):
        if self.engine == "sqlite":
            self.assertEqual(self.kind_types(), {"id": "ID", "i": "Int", "r": "Float", "t": "String",
                                                 "big": "String", "flag": "String"})
            # BOOLEAN is a text field (BIGINT: see SqliteGraphqlReadTest).
            self.assertEqual(self.data("{ kinds { id i r t flag } }"), {"kinds": [
                {"id": "1", "i": 42, "r": 2.5, "t": "text", "flag": "1"},
                {"id": "2", "i": None, "r": None, "t": None, "flag": None}]})
            self.assertEqual(self.data("{ kinds(where: {big: {isNull: true}}) { id big } }"),
                             {"kinds": [{"id": "2", "big": None}]})
            return
        self.assertEqual(self.kind_types(), {
            "id": "ID", "i": "Int", "r": "Float", "t": "String", "big": "String", "amount": "String",
            "flag": "Boolean", "at": "DateTime", "doc": "JSONObject", "docb": "JSONObject", "feeling": "kindFeeling"})
        # (The value of the timestamp column: see PostgresGraphqlReadTest.)
        self.assertEqual(self.data("{ kinds { id i r t big amount flag doc docb feeling } }"), {"kinds": [
            {"id": "1", "i": 42, "r": 2.5, "t": "text", "big": "9007199254740993", "amount": "12.50", "flag": True,
             "doc": {"a": 1, "b": [True, None]}, "docb": {"nested": {"k": "v"}}, "feeling": "happy"},
            {"id": "2", "i": None, "r": None, "t": None, "big": None, "amount": None, "flag": False,
             "doc": None, "docb": None, "feeling": None}]})
        self.assertEqual(self.data("{ kinds(where: {at: {isNull: true}}) { id at } }"), {"kinds": [{"id": "2", "at": None}]})
        self.assertEqual(self.data('{ __type(name: "kindFeeling") { kind enumValues { name } } }'),
                         {"__type": {"kind": "ENUM", "enumValues": [{"name": "happy"}, {"name": "sad"}, {"name": "so_so"}]}})
        self.assertEqual(self.data("{ t: kinds(where: {flag: {eq: true}}) { id } f: kinds(where: {flag: {eq: false}}) { id } "
                                   "e: kinds(where: {feeling: {eq: happy}}) { id } "
                                   'b: kinds(where: {big: {eq: "9007199254740993"}}) { id } }'),
                         {"t": [{"id": "1"}], "f": [{"id": "2"}], "e": [{"id": "1"}], "b": [{"id": "1"}]})
        self.assertEqual(self.gql("{ kinds(where: {feeling: {eq: grumpy}}) { id } }", status=400)["errors"][0]["message"],
                         'Value "grumpy" does not exist in "kindFeeling" enum.')


class SqliteGraphqlReadTest(GraphqlReadBehaviour, DbTestCase):
    engine = "sqlite"

    def test_join_table_relation_field_order(self):
        # SQLite lists the last declared foreign key first.
        self.assertEqual(self.data('{ __type(name: "BooksTag") { fields { name } } }'),
                         {"__type": {"fields": [{"name": "tag"}, {"name": "book"}]}})

    def test_bigint_keeps_every_digit(self):
        # Deliberate difference (docs/db-behaviour.md 9): Watt reads a SQLite BIGINT through a
        # JavaScript double and answers "9007199254740992"; we keep the stored value.
        self.assertEqual(self.data("{ getKindById(id: 1) { big } }"), {"getKindById": {"big": "9007199254740993"}})


class PostgresGraphqlReadTest(GraphqlReadBehaviour, DbTestCase):
    engine = "postgres"

    def test_join_table_relation_field_order(self):
        # PostgreSQL's catalog gives the foreign keys by constraint name.
        self.assertEqual(self.data('{ __type(name: "BooksTag") { fields { name } } }'),
                         {"__type": {"fields": [{"name": "book"}, {"name": "tag"}]}})

    def test_timestamp_is_an_iso_date_time(self):
        self.assertEqual(self.data("{ getKindById(id: 1) { at } }"), {"getKindById": {"at": "2024-01-02T03:04:05.000Z"}})


# ==========================================================================================
# Mutations


class GraphqlWriteBehaviour(GraphqlCalls):
    fixture = "db-graphql"
    app = "cinema"

    def save_studio(self, name, city=None):
        return self.data("mutation M($i: StudioInput!) { saveStudio(input: $i) { id name city } }",
                         {"i": {"name": name, "city": city}})["saveStudio"]

    def test_save_inserts_then_updates(self):
        s = self.data('mutation { saveStudio(input: {name: "DreamWorks", city: "Glendale"}) { id name city films { id } } }'
                      )["saveStudio"]
        self.assertIsInstance(s["id"], str)
        self.assertGreater(int(s["id"]), 4)
        self.assertEqual(s, {"id": s["id"], "name": "DreamWorks", "city": "Glendale", "films": []})
        self.assertEqual(self.db.rows(f"SELECT name, city FROM studios WHERE id = {s['id']}"), [["DreamWorks", "Glendale"]])
        # An update: the columns not given are kept.
        u = self.data(f'mutation {{ saveStudio(input: {{id: {s["id"]}, city: "LA"}}) {{ id name city }} }}')["saveStudio"]
        self.assertEqual(u, {"id": s["id"], "name": "DreamWorks", "city": "LA"})
        self.assertEqual(self.data(f"{{ getStudioById(id: {s['id']}) {{ name city }} }}"),
                         {"getStudioById": {"name": "DreamWorks", "city": "LA"}})
        # A new explicit key is an upsert.
        self.assertEqual(self.data('mutation { saveStudio(input: {id: 5000, name: "Explicit"}) { id name city } }'),
                         {"saveStudio": {"id": "5000", "name": "Explicit", "city": None}})
        self.assertEqual(self.db.rows("SELECT count(*) FROM studios WHERE id = 5000"), [["1"]])

    def test_save_with_variables_and_relation(self):
        s = self.save_studio("Variables Studio")
        f = self.data("mutation M($in: FilmInput!) { saveFilm(input: $in) { id title released rating studio { name } } }",
                      {"in": {"title": "Var Film", "studioId": s["id"], "released": 2020, "rating": 6.5}})["saveFilm"]
        self.assertEqual(f, {"id": f["id"], "title": "Var Film", "released": 2020, "rating": 6.5,
                             "studio": {"name": "Variables Studio"}})
        self.assertEqual(self.data(f"{{ getStudioById(id: {s['id']}) {{ films {{ id title }} }} }}"),
                         {"getStudioById": {"films": [{"id": f["id"], "title": "Var Film"}]}})

    def test_insert_many(self):
        s = self.save_studio("Bulk")
        rows = self.data(f'mutation {{ insertFilms(inputs: [{{title: "Bulk A", studioId: {s["id"]}, released: 2018}}, '
                         f'{{title: "Bulk B", studioId: {s["id"]}}}]) {{ id title released studio {{ name }} }} }}')["insertFilms"]
        self.assertEqual([(r["title"], r["released"], r["studio"]) for r in rows],
                         [("Bulk A", 2018, {"name": "Bulk"}), ("Bulk B", None, {"name": "Bulk"})])
        self.assertEqual(int(rows[1]["id"]), int(rows[0]["id"]) + 1)
        self.assertEqual(self.data(f"{{ countFilms(where: {{studioId: {{eq: {s['id']}}}}}) {{ total }} }}"),
                         {"countFilms": {"total": 2}})
        self.assertEqual(self.data("mutation { insertFilms(inputs: []) { id } }"), {"insertFilms": []})

    def test_delete(self):
        s = self.save_studio("Doomed")
        self.data(f'mutation {{ insertFilms(inputs: [{{title: "Del 1", studioId: {s["id"]}}}, '
                  f'{{title: "Del 2", studioId: {s["id"]}}}]) {{ id }} }}')
        gone = self.data(f"mutation {{ deleteFilms(where: {{studioId: {{eq: {s['id']}}}}}) {{ id title }} }}")["deleteFilms"]
        self.assertEqual(sorted(g["title"] for g in gone), ["Del 1", "Del 2"])
        self.assertEqual(self.data(f"mutation {{ deleteFilms(where: {{studioId: {{eq: {s['id']}}}}}) {{ id }} }}"),
                         {"deleteFilms": []})
        self.assertEqual(self.data(f"mutation {{ deleteStudios(where: {{id: {{eq: {s['id']}}}}}) {{ id name }} }}"),
                         {"deleteStudios": [{"id": s["id"], "name": "Doomed"}]})
        self.assertEqual(self.data(f"{{ getStudioById(id: {s['id']}) {{ id }} }}"), {"getStudioById": None})
        self.assertEqual(self.data("{ countFilms(where: {studioId: {isNull: false}}) { total } }"),
                         {"countFilms": {"total": 15}})

    def test_composite_key_mutations(self):
        b = self.data('mutation { saveBook(input: {title: "Hyperion"}) { id } }')["saveBook"]["id"]
        self.assertEqual(self.data(f"mutation {{ saveBooksTag(input: {{bookId: {b}, tagId: 3}}) {{ book {{ title }} tag {{ label }} }} }}"),
                         {"saveBooksTag": {"book": {"title": "Hyperion"}, "tag": {"label": "cyberpunk"}}})
        # Saving the same pair again is an upsert, not a duplicate.
        self.data(f"mutation {{ saveBooksTag(input: {{bookId: {b}, tagId: 3}}) {{ tag {{ id }} }} }}")
        self.assertEqual(self.db.rows(f"SELECT count(*) FROM books_tags WHERE book_id = {b}"), [["1"]])
        self.assertEqual(self.data(f"mutation {{ deleteBooksTags(where: {{bookId: {{eq: {b}}}, tagId: {{eq: 3}}}}) "
                                   f"{{ book {{ id }} tag {{ label }} }} }}"),
                         {"deleteBooksTags": [{"book": {"id": b}, "tag": {"label": "cyberpunk"}}]})
        self.assertEqual(self.db.rows(f"SELECT count(*) FROM books_tags WHERE book_id = {b}"), [["0"]])

    def test_database_errors_are_resolver_errors(self):
        body = self.gql("mutation { saveFilm(input: {released: 2001}) { id } }")
        self.assertIsNone(body["data"]["saveFilm"])
        self.assertEqual(len(body["errors"]), 1, body)
        self.assertEqual(body["errors"][0]["path"], ["saveFilm"])
        self.assertEqual(body["errors"][0]["locations"], [{"line": 1, "column": 12}])
        if self.engine == "sqlite":
            self.assertEqual(body["errors"][0]["message"], "NOT NULL constraint failed: films.title")
        else:
            self.assertIn('null value in column "title"', body["errors"][0]["message"])
        message = self.one_error('mutation { saveFilm(input: {title: "Orphan", studioId: 9999}) { id } }', "saveFilm")
        self.assertIn("FOREIGN KEY constraint failed" if self.engine == "sqlite" else "foreign key", message)
        self.assertEqual(self.db.rows("SELECT count(*) FROM films WHERE title = 'Orphan'"), [["0"]])
        self.one_error('mutation { saveTag(input: {label: "sf"}) { id } }', "saveTag")  # UNIQUE
        self.assertEqual(self.db.rows("SELECT count(*) FROM tags WHERE label = 'sf'"), [["1"]])
        # The failed mutation of a document does not stop the next one.
        body = self.gql('mutation { a: saveTag(input: {label: "sf"}) { id } b: saveTag(input: {label: "new-tag"}) { label } }')
        self.assertEqual(body["data"], {"a": None, "b": {"label": "new-tag"}})
        self.assertEqual([e["path"] for e in body["errors"]], [["a"]])

    def test_mutations_run_in_document_order(self):
        d = self.data('mutation { a: saveScratch(input: {txt: "order-1"}) { id } b: saveScratch(input: {txt: "order-2"}) { id } '
                      'c: deleteScratch(where: {txt: {eq: "order-1"}}) { txt } }')
        self.assertLess(int(d["a"]["id"]), int(d["b"]["id"]))
        self.assertEqual(d["c"], [{"txt": "order-1"}])
        self.assertEqual(self.data('{ scratch(where: {txt: {like: "order-%"}}) { txt } }'), {"scratch": [{"txt": "order-2"}]})


class SqliteGraphqlWriteTest(GraphqlWriteBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresGraphqlWriteTest(GraphqlWriteBehaviour, DbTestCase):
    engine = "postgres"


# ==========================================================================================
# Hostile documents


HOSTILE_STRINGS = [
    "'", "''", '"', "\\", "'; DROP TABLE films; --", "' OR 1=1 --", "' OR '1'='1", "1; DELETE FROM films",
    "*/ DROP TABLE films; /*", "%' OR title LIKE '%", "$1", "?", ":name", "$$; DROP TABLE studios; $$",
    "\r\n\t", "Ünïcödé ñ 中文 العربية עברית", "😀👍🏽🇮🇹 👨‍👩‍👧‍👦", "\u2028\u2029\u202e\ufeff", "\U0010ffff",
    "{ films { id } }", "#", "mutation { deleteFilms { id } }",
]


class GraphqlHostileBehaviour(GraphqlCalls):
    fixture = "db-graphql"
    app = "cinema"

    def assertIntact(self):
        """The seed tables are untouched and the server answers."""
        self.assertIsNone(self.w.proc.poll(), f"watt exited\n{self.w.dump()}")
        self.assertEqual(self.data("{ films(limit: 100) { id title released rating } }"), {"films": [film(r) for r in FILMS]})
        self.assertEqual(self.data("{ countStudios { total } countEmployees { total } countBooksTags { total } }"),
                         {"countStudios": {"total": 4}, "countEmployees": {"total": 5}, "countBooksTags": {"total": 6}})
        for table in ("books", "books_tags", "employees", "films", "kinds", "messages", "scratch", "studios", "tags"):
            self.assertIn(table, self.db.tables())

    def assertNoLeak(self, body):
        text = json.dumps(body)
        for needle in ('FROM "', "FROM films", 'WHERE "', "node:internal", "    at ", ".cc:", "std::"):
            self.assertNotIn(needle, text, body)

    def test_sql_in_where_values_matches_nothing(self):
        for s in HOSTILE_STRINGS:
            with self.subTest(value=s):
                lit = gql_string(s)
                body = self.gql(f"{{ a: films(where: {{title: {{eq: {lit}}}}}) {{ id }} "
                                f"c: films(where: {{title: {{in: [{lit}, {lit}]}}, studioId: {{nin: [1]}}}}) {{ id }} "
                                f"d: countFilms(where: {{or: [{{title: {{eq: {lit}}}}}, {{title: {{neq: {lit}}}, id: {{eq: 0}}}}]}}) {{ total }} "
                                f"e: films(where: {{title: {{gt: {lit}, lt: {lit}}}}}) {{ id }} }}")
                self.assertEqual(body, {"data": {"a": [], "c": [], "d": {"total": 0}, "e": []}})
                body = self.gql(f"{{ films(where: {{title: {{like: {lit}}}}}) {{ id }} }}")
                if self.engine == "postgres" and s.endswith("\\") and "errors" in body:
                    # A lone backslash is PostgreSQL's LIKE escape character: the pattern is refused.
                    self.assertIsNone(body["data"]["films"])
                else:
                    self.assertEqual(body, {"data": {"films": []}})
        self.assertIntact()

    def test_sql_in_id_arguments(self):
        for value in ('"1 OR 1=1"', '"1; DROP TABLE films"', '"-1 UNION SELECT 1"', '"1)"'):
            with self.subTest(value=value):
                body = self.gql(f"{{ getFilmById(id: {value}) {{ title }} films(where: {{id: {{in: [{value}]}}}}) {{ id }} }}")
                # SQLite compares the text and finds nothing; PostgreSQL refuses the text for an
                # integer (a resolver error). Never a row, never a crash.
                self.assertIsNone((body.get("data") or {}).get("getFilmById"), body)
                self.assertIn((body.get("data") or {}).get("films"), ([], None), body)
                self.assertNoLeak(body.get("errors", []))
        self.assertEqual(self.gql('{ films(orderBy: [{field: "id; DROP TABLE films", direction: ASC}]) { id } }',
                                  status=400)["errors"][0]["message"],
                         'Enum "FilmOrderByField" cannot represent non-enum value: "id; DROP TABLE films".')
        self.assertIntact()

    def test_hostile_strings_round_trip_through_mutations(self):
        made = self.data("mutation M($in: [ScratchInput]!) { insertScratch(inputs: $in) { id txt } }",
                         {"in": [{"txt": s} for s in HOSTILE_STRINGS]})["insertScratch"]
        self.assertEqual([m["txt"] for m in made], HOSTILE_STRINGS)
        for m in made:
            self.assertEqual(self.data(f"{{ getScratchById(id: {m['id']}) {{ txt }} }}"), {"getScratchById": {"txt": m["txt"]}})
            self.assertEqual(self.ids_of(self.data(f"{{ scratch(where: {{txt: {{eq: {gql_string(m['txt'])}}}}}) {{ id }} }}")
                                         ["scratch"]), [m["id"]])
        self.assertIntact()

    def test_unicode(self):
        title = "千と千尋の神隠し — Ünïcødé 😀 \u00e9\u0301"
        s = self.data(f"mutation {{ saveScratch(input: {{txt: {gql_string(title)}}}) {{ id txt }} }}")["saveScratch"]
        self.assertEqual(s["txt"], title)
        # \u escapes and surrogate pairs in the document are the same characters.
        escaped = '"\\u5343\\u3068\\u5343\\u5c0b\\u306e\\u795e\\u96a0\\u3057 \\u2014 \\u00dcn\\u00efc\\u00f8d\\u00e9 \\ud83d\\ude00 \\u00e9\\u0301"'
        self.assertEqual(self.data(f"{{ scratch(where: {{txt: {{eq: {escaped}}}}}) {{ id }} }}"), {"scratch": [{"id": s["id"]}]})
        self.assertEqual(self.data('{ scratch(where: {txt: {like: "千と%"}}) { txt } }'), {"scratch": [{"txt": title}]})
        r = self.req("POST", "/graphql", {"query": f"{{ getScratchById(id: {s['id']}) {{ txt }} }}"})
        self.assertEqual(r.json(), {"data": {"getScratchById": {"txt": title}}})
        # Names are ASCII only: a syntax error.
        self.assertEqual(self.gql("{ films { tïtle } }", status=400), {"data": None, "errors": [
            {"message": "Syntax Error: Unexpected character: U+00EF.", "locations": [{"line": 1, "column": 12}]}]})
        self.assertIntact()

    def test_giant_strings(self):
        big = "x" * 500_000
        self.assertEqual(self.data(f'{{ films(where: {{title: {{eq: "{big}"}}}}) {{ id }} }}'), {"films": []})
        s = self.data("mutation M($t: String) { saveScratch(input: {txt: $t}) { id } }", {"t": "y" * 200_000})["saveScratch"]
        self.assertEqual(self.data(f"{{ getScratchById(id: {s['id']}) {{ txt }} }}"), {"getScratchById": {"txt": "y" * 200_000}})
        # A huge alias or name is just a validation error.
        body = self.gql("{ %s: countFilms { total } }" % ("a" * 100_000))
        self.assertEqual(body, {"data": {"a" * 100_000: {"total": 16}}})
        body = self.gql("{ %s }" % ("z" * 100_000), status=400)
        self.assertEqual(body["errors"][0]["message"], 'Cannot query field "%s" on type "Query".' % ("z" * 100_000))
        self.assertIntact()

    def test_deeply_nested_query(self):
        def nested(depth):
            q = "id"
            for _ in range(depth):
                q = "studio { films(limit: 1, orderBy: [{field: id, direction: ASC}]) { %s } }" % q
            return "{ getFilmById(id: 2) { %s } }" % q
        body = self.data(nested(10))
        node = body["getFilmById"]
        for _ in range(10):
            node = node["studio"]["films"][0]
        self.assertEqual(node, {"id": "1"})
        # Far deeper: answered quickly, with data or with an error, and the server lives on.
        start = time.monotonic()
        r = self.req("POST", "/graphql", {"query": nested(300)})
        self.assertLess(time.monotonic() - start, 10)
        self.assertIn(r.status, (200, 400), r)
        body = r.json()
        self.assertTrue(body.get("data") or body.get("errors"), body)
        # Deeply nested input values and list types.
        r = self.req("POST", "/graphql", {"query": "{ films(where: {or: %s}) { id } }" % ("[" * 5000 + "]" * 5000)})
        self.assertEqual(r.status, 400, r)
        self.assertTrue(r.json()["errors"])
        self.assertIntact()

    def test_many_aliases(self):
        aliases = " ".join(f"a{i}: countFilms(where: {{id: {{gt: {i % 16}}}}}) {{ total }}" for i in range(2000))
        start = time.monotonic()
        body = self.gql("{ %s }" % aliases)
        self.assertLess(time.monotonic() - start, 30)
        self.assertNotIn("errors", body)
        self.assertEqual(len(body["data"]), 2000)
        self.assertEqual(body["data"]["a17"], {"total": 15})
        self.assertEqual(body["data"]["a1999"], {"total": 16 - 1999 % 16})
        # The same field many times without aliases merges into one.
        self.assertEqual(self.data("{ countFilms { %s } }" % " ".join(["total"] * 100)), {"countFilms": {"total": 16}})
        self.assertIntact()

    def test_fragments(self):
        frags = " ".join(f"fragment F{i} on Film {{ id title }}" for i in range(100))
        spreads = " ".join(f"...F{i}" for i in range(100))
        # All fields of the fragments are read (the reference Watt answers title: null here,
        # because it reads only the columns named directly in the selection).
        self.assertEqual(self.data("{ films(limit: 2) { %s } } %s" % (spreads, frags)),
                         {"films": [{"id": "1", "title": "My Neighbor Totoro"}, {"id": "2", "title": "Spirited Away"}]})
        def chain(n):
            return " ".join(f"fragment C{i} on Film {{ id ...C{i + 1} }}" for i in range(n)) + \
                f" fragment C{n} on Film {{ released studio {{ name }} }}"
        self.assertEqual(self.data("{ films(limit: 1) { ...C0 } } " + chain(50)),
                         {"films": [{"id": "1", "released": 1988, "studio": {"name": "Ghibli"}}]})
        # A chain of 300 spreads: the data (as the reference answers), or a depth limit error.
        body = self.gql("{ films(limit: 1) { ...C0 } } " + chain(300), status=None)
        if "errors" in body:
            self.assertIsNone(body["data"])
            self.assertIn("nested too deeply", body["errors"][0]["message"])
        else:
            self.assertEqual(body["data"], {"films": [{"id": "1", "released": 1988, "studio": {"name": "Ghibli"}}]})
        self.assertEqual(self.data("{ films(limit: 1) { ... on Film { title } ... { id } } }"),
                         {"films": [{"title": "My Neighbor Totoro", "id": "1"}]})
        cyclic = " ".join(f"fragment F{i} on Film {{ id ...F{i + 1} }}" for i in range(50)) + " fragment F50 on Film { ...F0 }"
        body = self.gql("{ films { ...F0 } } " + cyclic, status=400)
        self.assertIsNone(body["data"])
        self.assertTrue(body["errors"][0]["message"].startswith('Cannot spread fragment "F0" within itself via "F1", "F2"'),
                        body["errors"][0])
        body = self.gql("{ films { ...Nope } }", status=400)
        self.assertEqual(body["errors"][0]["message"], 'Unknown fragment "Nope".')
        self.assertIntact()

    def test_malformed_bodies(self):
        for raw in (b"{bad", b"[]", b'"query"', b'{"query": 5}', b'{"query": "{ countFilms { total } }", "variables": 5}',
                    b"\xff\xfe", b'{"query": "{ countFilms { total } }", "variables": "{\\"a\\":1}"}'):
            with self.subTest(raw=raw):
                r = self.req("POST", "/graphql", raw=raw, headers={"content-type": "application/json"})
                self.assertIn(r.status, (200, 400), r)
                self.assertNoLeak(r.text)
        r = self.req("GET", "/graphql?query=" + urllib.parse.quote("{ countFilms { total } }") + "&variables=%7Bbad")
        self.assertEqual(r.status, 400, r)
        self.assertIntact()


class SqliteGraphqlHostileTest(GraphqlHostileBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresGraphqlHostileTest(GraphqlHostileBehaviour, DbTestCase):
    engine = "postgres"


# ==========================================================================================
# Configuration: graphql off, graphiql off, a database without tables


class GraphqlConfigBehaviour(GraphqlCalls):
    fixture = "db-graphql"
    app = "cinema"
    shared = False
    class_database = False

    def start(self, edit=None, migrations=True):
        database = make_database(self.engine, f"{type(self).__name__}_{self._testMethodName}", self.app)
        self.addCleanup(database.drop)

        def patch(doc):
            if not migrations:
                del doc["migrations"]
            if edit:
                edit(doc)
        w = self.watt(self.fixture, env=database.env(), json_patches={"web/cinema/platformatic.json": patch})
        database.attach(w)
        w.start()
        return w

    def test_graphql_false(self):
        w = self.start(lambda doc: doc["db"].update(graphql=False, openapi=True))
        body = json.dumps({"query": "{ countFilms { total } }"})
        r = w.request("POST", "/graphql", body=body.encode(), headers={"content-type": "application/json"})
        self.assertNotFound(r, "POST", "/graphql")
        self.assertNotFound(w.get("/graphql?query=%7B%20countFilms%20%7B%20total%20%7D%20%7D"), "GET",
                            "/graphql?query=%7B%20countFilms%20%7B%20total%20%7D%20%7D")
        self.assertNotFound(w.get("/graphiql"), "GET", "/graphiql")
        self.assertEqual(len(w.get_json("/films?limit=100")), 16)  # REST still there

    def test_graphql_enabled_false_and_graphiql_false(self):
        w = self.start(lambda doc: doc["db"].update(graphql={"enabled": False}))
        self.assertNotFound(w.get("/graphiql"), "GET", "/graphiql")
        r = w.request("POST", "/graphql", body=b'{"query":"{ countFilms { total } }"}', headers={"content-type": "application/json"})
        self.assertEqual(r.status, 404, r)
        w2 = self.start(lambda doc: doc["db"].update(graphql={"graphiql": False}))
        self.assertNotFound(w2.get("/graphiql"), "GET", "/graphiql")
        self.assertEqual(self.data("{ countFilms { total } }", w=w2), {"countFilms": {"total": 16}})

    def test_configured_limits(self):
        w = self.start(lambda doc: doc["db"].update(limit={"default": 3, "max": 5}))
        self.assertEqual(self.data("{ films { id } }", w=w), {"films": [{"id": "1"}, {"id": "2"}, {"id": "3"}]})
        self.assertEqual(len(self.data("{ films(limit: 5) { id } }", w=w)["films"]), 5)
        body = self.gql("{ films(limit: 6) { id } }", w=w)
        self.assertEqual(body["errors"][0]["message"], "Param limit=6 not allowed. Max accepted value 5.")
        self.assertEqual([len(s["films"]) for s in self.data("{ studios(limit: 4) { films { id } } }", w=w)["studios"]], [3, 3, 3, 0])

    def test_database_without_tables(self):
        w = self.start(migrations=False)
        self.assertEqual(self.gql("{ hello }", w=w), {"data": {"hello": "Hello Platformatic!"}})
        r = w.get("/graphql?query=" + urllib.parse.quote("{ hello }"))
        self.assertJsonBody(r, 200, {"data": {"hello": "Hello Platformatic!"}})
        fields = self.data("{ __schema { queryType { fields { name type { name } } } mutationType { name } } }", w=w)
        self.assertEqual(fields, {"__schema": {"queryType": {"fields": [{"name": "hello", "type": {"name": "String"}}]},
                                               "mutationType": None}})
        self.assertEqual(self.gql("{ films { id } }", w=w, status=400)["errors"][0]["message"],
                         'Cannot query field "films" on type "Query".')
        self.assertIn("No tables found in the database", w.stdout)


class SqliteGraphqlConfigTest(GraphqlConfigBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresGraphqlConfigTest(GraphqlConfigBehaviour, DbTestCase):
    engine = "postgres"


# ==========================================================================================
# Authorization over GraphQL (fixture db-auth, see test_db_auth.py for the rules)


SECRET = "s3cret"
ADMIN = {"X-PLATFORMATIC-ADMIN-SECRET": SECRET}


def user(workspace, user_id=None, role="user"):
    h = {**ADMIN, "X-PLATFORMATIC-ROLE": role, "X-PLATFORMATIC-WORKSPACE-ID": str(workspace)}
    if user_id is not None:
        h["X-PLATFORMATIC-USER-ID"] = str(user_id)
    return h


U1 = user(1, 100)
U2 = user(2, 200)
DENIED = "operation not allowed"


class GraphqlAuthBehaviour(GraphqlCalls):
    fixture = "db-auth"
    app = "tenants"
    json_patches = {"web/tenants/platformatic.json": with_graphql}

    def note(self, workspace, title):
        return self.data(f'mutation {{ saveNote(input: {{title: {gql_string(title)}, workspaceId: {workspace}}}) '
                         f'{{ id workspaceId userId title secret }} }}', headers=ADMIN)["saveNote"]

    def test_anonymous_is_denied_with_a_resolver_error(self):
        # (The reference Watt 3.67 lets anyone count the notes: countNotes answers 4 here.)
        self.assertEqual(self.gql("{ notes { id } }"), {
            "data": {"notes": None},
            "errors": [{"message": DENIED, "locations": [{"line": 1, "column": 3}], "path": ["notes"]}]})
        for q, field in (("{ getNoteById(id: 1) { id } }", "getNoteById"), ("{ countNotes { total } }", "countNotes"),
                         ('mutation { saveNote(input: {title: "x", workspaceId: 1}) { id } }', "saveNote"),
                         ('mutation { insertNotes(inputs: [{title: "x", workspaceId: 1}]) { id } }', "insertNotes"),
                         ("mutation { deleteNotes(where: {id: {eq: 1}}) { id } }", "deleteNotes"),
                         ('mutation { savePublicItem(input: {name: "x"}) { id } }', "savePublicItem")):
            with self.subTest(query=q):
                self.assertEqual(self.one_error(q, field), DENIED)
        # Allowed and denied fields side by side: partial data.
        body = self.gql("{ publicItems { id name } notes { id } }")
        self.assertEqual(body["data"], {"publicItems": [{"id": "1", "name": "pub"}], "notes": None})
        self.assertEqual([(e["message"], e["path"]) for e in body["errors"]], [(DENIED, ["notes"])])
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE title = 'x'"), [["0"]])
        self.assertEqual(self.db.rows("SELECT count(*) FROM public_items WHERE name = 'x'"), [["0"]])

    def test_role_headers_without_the_secret_are_anonymous(self):
        headers = {"X-PLATFORMATIC-ROLE": "user", "X-PLATFORMATIC-WORKSPACE-ID": "1"}
        self.assertEqual(self.one_error("{ notes { id } }", "notes", headers=headers), DENIED)
        self.assertEqual(self.one_error("{ notes { id } }", "notes", headers={**headers, "X-PLATFORMATIC-ADMIN-SECRET": "no"}),
                         DENIED)

    def test_tenant_sees_only_its_rows(self):
        self.assertEqual(self.data("{ notes(where: {id: {lte: 4}}) { id workspaceId title } }", headers=U1), {"notes": [
            {"id": "1", "workspaceId": 1, "title": "w1 note a"}, {"id": "2", "workspaceId": 1, "title": "w1 note b"}]})
        self.assertEqual(self.data("{ notes(where: {id: {lte: 4}}) { id } }", headers=U2),
                         {"notes": [{"id": "3"}, {"id": "4"}]})
        self.assertEqual(self.data("{ getNoteById(id: 1) { title } other: getNoteById(id: 3) { title } }", headers=U1),
                         {"getNoteById": {"title": "w1 note a"}, "other": None})
        for where in ("{workspaceId: {eq: 2}}", "{workspaceId: {in: [1, 2]}}", "{workspaceId: {neq: 1}}",
                      "{or: [{workspaceId: {eq: 2}}, {id: {eq: 3}}]}", "{id: {in: [3, 4]}}"):
            with self.subTest(where=where):
                rows = self.data(f"{{ notes(where: {where}, limit: 100) {{ id workspaceId }} }}", headers=U1)["notes"]
                self.assertEqual([r for r in rows if r["workspaceId"] != 1], [])

    def test_count_counts_only_the_own_rows(self):
        # The reference Watt 3.67 answers 4 here (its count ignores the find checks); the spec
        # (6.3) and the REST x-total-count count only the visible rows.
        own = int(self.db.rows("SELECT count(*) FROM notes WHERE workspace_id = 1")[0][0])
        self.assertEqual(self.data("{ countNotes { total } }", headers=U1), {"countNotes": {"total": own}})
        self.assertEqual(self.data("{ countNotes(where: {workspaceId: {eq: 2}}) { total } }", headers=U1),
                         {"countNotes": {"total": own}})
        self.assertEqual(self.data("{ countNotes(where: {id: {in: [3, 4]}}) { total } }", headers=U1),
                         {"countNotes": {"total": 0}})

    def test_relations_respect_the_tenant(self):
        self.assertEqual(self.data("{ comments { id note { id title } } }", headers=U1), {"comments": [
            {"id": "1", "note": {"id": "1", "title": "w1 note a"}}, {"id": "2", "note": None}]})
        self.assertEqual(self.data("{ comments { id note { id } } }", headers=U2), {"comments": [
            {"id": "1", "note": None}, {"id": "2", "note": {"id": "3"}}]})
        self.assertEqual(self.data("{ notes(where: {id: {lte: 4}}) { id comments { id body } } }", headers=U1), {"notes": [
            {"id": "1", "comments": [{"id": "1", "body": "on a w1 note"}]}, {"id": "2", "comments": []}]})
        # The reader may not read comments: never a comment in the answer, always an error (the
        # reference fails the whole list with "field not allowed: comments"; denying only the
        # nested field is as safe).
        body = self.gql("{ notes(where: {id: {eq: 1}}) { id comments { id body } } }", headers=user(1, role="reader"))
        self.assertIn(body["data"], ({"notes": None}, {"notes": [{"id": "1", "comments": None}]}))
        self.assertEqual(len(body["errors"]), 1, body)
        self.assertIn(body["errors"][0]["message"], (DENIED, "field not allowed: comments"))

    def test_reader_field_restrictions(self):
        reader = user(1, role="reader")
        rows = self.data("{ notes(where: {id: {lte: 4}}) { id title } }", headers=reader)["notes"]
        self.assertEqual(self.ids_of(rows), ["1", "2", "3", "4"])
        self.assertEqual(self.one_error("{ notes { id secret } }", "notes", headers=reader), "field not allowed: secret")
        self.assertEqual(self.one_error("{ getNoteById(id: 1) { workspaceId } }", "getNoteById", headers=reader),
                         "field not allowed: workspaceId")
        self.assertEqual(self.one_error('mutation { saveNote(input: {title: "r", workspaceId: 1}) { id } }', "saveNote",
                                        headers=reader), DENIED)

    def test_save_applies_the_defaults(self):
        n = self.data('mutation { saveNote(input: {title: "gql new", workspaceId: 2, userId: 5}) '
                      '{ id workspaceId userId title } }', headers=U1)["saveNote"]
        self.assertEqual(n, {"id": n["id"], "workspaceId": 1, "userId": 100, "title": "gql new"})
        self.assertEqual(self.db.rows(f"SELECT workspace_id, user_id FROM notes WHERE id = {n['id']}"), [["1", "100"]])
        # The default fills a NOT NULL column the input leaves out.
        n = self.data('mutation { saveNote(input: {title: "no ws"}) { workspaceId userId } }', headers=U2)["saveNote"]
        self.assertEqual(n, {"workspaceId": 2, "userId": 200})
        rows = self.data('mutation { insertNotes(inputs: [{title: "ins a", workspaceId: 7}, {title: "ins b"}]) '
                         '{ workspaceId userId title } }', headers=U1)["insertNotes"]
        self.assertEqual(rows, [{"workspaceId": 1, "userId": 100, "title": "ins a"},
                                {"workspaceId": 1, "userId": 100, "title": "ins b"}])

    def test_save_cannot_touch_another_tenants_row(self):
        other = self.note(2, "theirs")
        for input_ in (f'{{id: {other["id"]}, title: "hack", workspaceId: 1}}', f'{{id: {other["id"]}, title: "hack"}}',
                       f'{{id: {other["id"]}, title: "hack", workspaceId: 2}}'):
            with self.subTest(input=input_):
                self.assertEqual(self.one_error(f"mutation {{ saveNote(input: {input_}) {{ id title }} }}", "saveNote",
                                                headers=U1), DENIED)
        self.assertEqual(self.data(f"{{ getNoteById(id: {other['id']}) {{ id workspaceId userId title secret }} }}",
                                   headers=ADMIN), {"getNoteById": other})
        # No upsert of a new id through the check either.
        self.assertEqual(self.one_error('mutation { saveNote(input: {id: 987654, title: "new", workspaceId: 1}) { id } }',
                                        "saveNote", headers=U1), DENIED)
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE id = 987654"), [["0"]])
        mine = self.note(1, "mine")
        self.assertEqual(self.data(f'mutation {{ saveNote(input: {{id: {mine["id"]}, title: "edited"}}) '
                                   f'{{ id workspaceId title }} }}', headers=U1),
                         {"saveNote": {"id": mine["id"], "workspaceId": 1, "title": "edited"}})

    def test_delete_only_the_own_rows(self):
        other = self.note(2, "keep me")
        self.assertEqual(self.data(f"mutation {{ deleteNotes(where: {{id: {{eq: {other['id']}}}}}) {{ id }} }}", headers=U1),
                         {"deleteNotes": []})
        self.assertEqual(self.db.rows(f"SELECT title FROM notes WHERE id = {other['id']}"), [["keep me"]])
        mine = self.note(1, "delete me")
        self.assertEqual(self.data(f"mutation {{ deleteNotes(where: {{id: {{in: [{mine['id']}, {other['id']}]}}}}) {{ id }} }}",
                                   headers=U1), {"deleteNotes": [{"id": mine["id"]}]})
        self.assertEqual(self.db.rows(f"SELECT count(*) FROM notes WHERE id = {mine['id']}"), [["0"]])
        self.assertEqual(self.db.rows(f"SELECT count(*) FROM notes WHERE id = {other['id']}"), [["1"]])

    def test_editor_save_field_restrictions(self):
        editor = user(5, role="editor")
        n = self.data('mutation { saveNote(input: {title: "by editor", workspaceId: 5}) { id title } }', headers=editor)
        self.assertEqual(n["saveNote"]["title"], "by editor")
        self.assertEqual(self.one_error('mutation { saveNote(input: {title: "e2", workspaceId: 5}) { id secret } }',
                                        "saveNote", headers=editor), "field not allowed: secret")
        self.assertEqual(self.one_error('mutation { saveNote(input: {title: "e3", workspaceId: 5, secret: "x"}) { id } }',
                                        "saveNote", headers=editor), "field not allowed: secret")
        self.assertEqual(self.one_error("mutation { deleteNotes(where: {id: {eq: 1}}) { id } }", "deleteNotes",
                                        headers=editor), DENIED)
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE title IN ('e2', 'e3')"), [["0"]])
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE id = 1"), [["1"]])

    def test_missing_user_property_matches_nothing(self):
        # (countNotes: the reference answers 4, see test_count_counts_only_the_own_rows.)
        no_workspace = {**ADMIN, "X-PLATFORMATIC-ROLE": "user"}
        self.assertEqual(self.data("{ notes { id } countNotes { total } }", headers=no_workspace),
                         {"notes": [], "countNotes": {"total": 0}})
        self.assertEqual(self.data("mutation { deleteNotes(where: {or: [{workspaceId: {eq: 2}}, {id: {eq: 3}}]}) { id } }",
                                   headers=U1), {"deleteNotes": []})
        self.assertEqual(self.db.rows("SELECT count(*) FROM notes WHERE id = 3"), [["1"]])

    def test_admin_sees_everything(self):
        self.assertEqual(self.ids_of(self.data("{ notes(where: {id: {lte: 4}}) { id } }", headers=ADMIN)["notes"]),
                         ["1", "2", "3", "4"])
        self.assertEqual(self.data("{ comments { id note { id } } }", headers=ADMIN),
                         {"comments": [{"id": "1", "note": {"id": "1"}}, {"id": "2", "note": {"id": "3"}}]})


class SqliteGraphqlAuthTest(GraphqlAuthBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresGraphqlAuthTest(GraphqlAuthBehaviour, DbTestCase):
    engine = "postgres"


if __name__ == "__main__":
    unittest.main()
