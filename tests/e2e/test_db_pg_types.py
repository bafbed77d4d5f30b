"""PostgreSQL column types through the REST and GraphQL APIs (docs/db-behaviour.md 2.2): arrays,
timestamps, dates, booleans, int8, numeric, jsonb and enums print as Watt 3.67 prints them
(node-postgres values through fast-json-stringify / graphql-js); every expected answer below was
recorded from the reference on the same schema. PostgreSQL only (SQLite has none of these).

Fixture `db-pgtypes` (app `types`): things(id serial, tags text[], nums int[], ts timestamp,
tstz timestamptz, d date, flag bool, big int8, amount numeric(10,2), doc jsonb, feeling mood),
row 1 with every column set, row 2 with a NULL array element and an infinite timestamp.
"""

import unittest

from test_db_support import DbTestCase

ROW1 = {"id": "1", "tags": ["a b", "c\"d", ""], "nums": [1, 2, 3], "ts": "2024-01-02T03:04:05.123Z",
        "tstz": "2024-01-02T02:04:05.000Z", "d": "2024-01-02", "flag": True, "big": "9007199254740993",
        "amount": "12.50", "doc": {"x": [1, 2]}, "feeling": "so-so"}


class PostgresTypesTest(DbTestCase):
    engine = "postgres"
    fixture = "db-pgtypes"
    app = "types"

    def test_rest_output_shapes(self):
        self.assertEqual(self.get_ok("/things/1"), ROW1)
        # A NULL array element prints as its type's zero; an infinite timestamp as Date(Infinity).
        self.assertEqual(self.get_ok("/things/2?fields=id,tags,nums,ts"),
                         {"id": "2", "tags": [], "nums": [4, 0], "ts": "Infinity"})

    def test_rest_array_and_timestamp_input_and_filters(self):
        made = self.ok("POST", "/things", {"tags": ["x", "y z"], "nums": [7, 8], "tstz": "2024-05-06T07:08:09.010Z",
                                           "ts": "2024-05-06 07:08:09"})
        self.assertEqual((made["tags"], made["nums"], made["ts"], made["tstz"]),
                         (["x", "y z"], [7, 8], "2024-05-06T07:08:09.000Z", "2024-05-06T07:08:09.010Z"))
        self.assertEqual(self.ids(f"/things?fields=id&where.tags.contains=x&where.nums.any={7}"), [made["id"]])
        self.assertEqual(self.ids("/things?fields=id&where.nums.all=4&orderby.id=asc"), [])
        self.assertEqual(self.ids("/things?fields=id&where.tags.overlaps=a%20b,zzz&orderby.id=asc"), ["1"])
        self.assertEqual(self.ids("/things?fields=id&where.tstz.gt=2024-01-01T00:00:00Z&orderby.id=asc"),
                         ["1", made["id"]])
        self.assertValidation(self.req("GET", "/things?fields=id&where.nums.all=x"),
                              "querystring/where.nums.all must be integer")
        self.assertEqual(self.db.rows(f"SELECT array_to_string(tags, '|') FROM things WHERE id = {made['id']}"),
                         [["x|y z"]])

    def test_graphql_output_and_input(self):
        r = self.req("POST", "/graphql", {"query": "{ getThingById(id: 1) { id tags nums ts tstz d flag big amount doc } }"})
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.json(), {"data": {"getThingById": {
            "id": "1", "tags": ["a b", "c\"d", None], "nums": [1, 2, 3], "ts": "2024-01-02T03:04:05.123Z",
            "tstz": "2024-01-02T02:04:05.000Z", "d": "2024-01-02", "flag": True, "big": "9007199254740993",
            "amount": "12.50", "doc": {"x": [1, 2]}}}})
        r = self.req("POST", "/graphql", {"query": 'mutation { saveThing(input: {tags: ["q"], nums: [1], feeling: happy, '
                                                   'doc: {a: 1}, flag: true, ts: "2024-01-01T00:00:00Z"}) '
                                                   '{ tags nums feeling doc flag ts } }'})
        self.assertEqual(r.json(), {"data": {"saveThing": {"tags": ["q"], "nums": [1], "feeling": "happy",
                                                           "doc": {"a": 1}, "flag": True,
                                                           "ts": "2024-01-01T00:00:00.000Z"}}})
        # Enum labels that are not GraphQL names ("so-so") cannot be represented (Watt: the same error).
        r = self.req("POST", "/graphql", {"query": "{ getThingById(id: 1) { feeling } }"})
        self.assertEqual(r.json()["errors"][0]["message"], 'Enum "thingFeeling" cannot represent value: "so-so"')


if __name__ == "__main__":
    unittest.main()
