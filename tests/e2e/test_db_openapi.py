"""The OpenAPI document of a database application (docs/db-behaviour.md section 4), on SQLite
and PostgreSQL: /documentation/json (key order, schemas, paths, operations, parameters, links),
/documentation/yaml (the same document as YAML), /documentation (redirect) and /documentation/.

Fixture `db-rest` (app `library`). Both engines must describe the same tables the same way.
"""

import json
import re
import unittest

from test_db_support import DbTestCase, ordered


# --- a small reader for the block-style YAML the server writes (maps, sequences, scalars) ----


_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")


def _scalar(s):
    if s.startswith('"'):
        return json.loads(s)
    if s.startswith("'"):
        return s[1:-1].replace("''", "'")
    if s == "{}":
        return {}
    if s == "[]":
        return []
    if s in ("true", "false"):
        return s == "true"
    if s in ("null", "~"):
        return None
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s) and not re.match(r"^\d+\.\d+\.", s):
        return float(s)
    return s


def _split_entry(content):
    """(key, rest) of a mapping entry, or None when the line is a plain scalar."""
    if content.startswith('"') or content.startswith("'"):
        q = content[0]
        i = 1
        while i < len(content):
            if q == '"' and content[i] == "\\":
                i += 2
                continue
            if content[i] == q:
                if q == "'" and content[i + 1:i + 2] == "'":
                    i += 2
                    continue
                break
            i += 1
        key = _scalar(content[:i + 1])
        rest = content[i + 1:]
        if rest == ":":
            return key, ""
        if rest.startswith(": "):
            return key, rest[2:]
        return None
    if content.endswith(":") and ": " not in content:
        return content[:-1], ""
    if ": " in content:
        k, v = content.split(": ", 1)
        return k, v
    return None


def parse_yaml(text):
    lines = []
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        ind = len(raw) - len(raw.lstrip(" "))
        content = raw[ind:]
        while content.startswith("- ") or content == "-":
            lines.append((ind, "-"))
            ind += 2
            content = content[2:]
        if content:
            lines.append((ind, content))
    pos = 0

    def block(ind):
        nonlocal pos
        if lines[pos] == (ind, "-"):
            out = []
            while pos < len(lines) and lines[pos] == (ind, "-"):
                pos += 1
                i, content = lines[pos]
                if content != "-" and _split_entry(content) is None:
                    pos += 1
                    out.append(_scalar(content))
                else:
                    out.append(block(i))
            return out
        out = {}
        while pos < len(lines) and lines[pos][0] == ind and lines[pos][1] != "-":
            entry = _split_entry(lines[pos][1])
            if entry is None:
                raise ValueError(f"line {pos}: not a mapping entry: {lines[pos][1]!r}")
            key, rest = entry
            pos += 1
            if rest == "":
                if pos < len(lines) and (lines[pos][0] > ind or lines[pos] == (ind, "-")):
                    out[key] = block(lines[pos][0])
                else:
                    out[key] = None
            else:
                out[key] = _scalar(rest)
        return out

    result = block(lines[0][0])
    if pos != len(lines):
        raise ValueError(f"unparsed from line {pos}: {lines[pos]!r}")
    return result


# ------------------------------------------------------------------------------------------


def prop(type_, nullable=False, **extra):
    p = {"type": type_, **extra}
    if nullable:
        p["nullable"] = True
    return p


AUTHOR = {"title": "Author", "description": "A Author", "type": "object",
          "properties": {"id": prop("string", True), "name": prop("string", True),
                         "country": prop("string", True), "born": prop("integer", True)},
          "additionalProperties": False}
AUTHOR_INPUT = {"title": "AuthorInput", "description": "A Author", "type": "object",
                "properties": {"id": prop("integer"), "name": prop("string"),
                               "country": prop("string", True), "born": prop("integer", True)},
                "additionalProperties": False, "required": ["name"]}
BOOK = {"title": "Book", "description": "A Book", "type": "object",
        "properties": {"id": prop("string", True), "title": prop("string", True), "authorId": prop("string", True),
                       "year": prop("integer", True), "pages": prop("integer", True), "price": prop("number", True)},
        "additionalProperties": False}
BOOK_INPUT = {"title": "BookInput", "description": "A Book", "type": "object",
              "properties": {"id": prop("integer"), "title": prop("string"), "authorId": prop("integer"),
                             "year": prop("integer", True), "pages": prop("integer", True),
                             "price": prop("number", True)},
              "additionalProperties": False, "required": ["authorId", "title"]}
BOOKS_TAG = {"title": "BooksTag", "description": "A BooksTag", "type": "object",
             "properties": {"bookId": prop("string", True), "tagId": prop("string", True)},
             "additionalProperties": False}
BOOKS_TAG_INPUT = {"title": "BooksTagInput", "description": "A BooksTag", "type": "object",
                   "properties": {"bookId": prop("integer"), "tagId": prop("integer")},
                   "additionalProperties": False}
CODE_INPUT = {"title": "CodeInput", "description": "A Code", "type": "object",
              "properties": {"code": prop("string"), "label": prop("string", True)},
              "additionalProperties": False}
LONG_BOOK = {"title": "LongBook", "description": "A LongBook", "type": "object",
             "properties": {"id": prop("integer", True), "title": prop("string", True), "pages": prop("integer", True)},
             "additionalProperties": False}

PATHS = [
    ("/authors/", [("get", "getAuthors"), ("post", "createAuthor"), ("put", "updateAuthors")]),
    ("/authors/{id}", [("get", "getAuthorById"), ("put", "updateAuthor"), ("delete", "deleteAuthors")]),
    ("/authors/{id}/books", [("get", "getBooksForAuthor")]),
    ("/books/", [("get", "getBooks"), ("post", "createBook"), ("put", "updateBooks")]),
    ("/books/{id}", [("get", "getBookById"), ("put", "updateBook"), ("delete", "deleteBooks")]),
    ("/books/{id}/booksTags", [("get", "getBooksTagsForBook")]),   # reverse routes first
    ("/books/{id}/author", [("get", "getAuthorForBook")]),
    ("/booksTags/", [("get", "getBooksTags"), ("post", "createBooksTag"), ("put", "updateBooksTags")]),
    ("/booksTags/book/{bookId}/tag/{tagId}", [("get", "getBooksTagByBookIdAndTagId"), ("post", None),
                                              ("put", None), ("delete", None)]),
    ("/codes/", [("get", "getCodes"), ("post", "createCode"), ("put", "updateCodes")]),
    ("/codes/{code}", [("get", "getCodeByCode"), ("put", "updateCode"), ("delete", "deleteCodes")]),
    ("/scratch/", [("get", "getScratch"), ("post", "createScratch"), ("put", "updateScratch")]),
    ("/scratch/{id}", [("get", "getScratchById"), ("put", "updateScratch"), ("delete", "deleteScratch")]),
    ("/tags/", [("get", "getTags"), ("post", "createTag"), ("put", "updateTags")]),
    ("/tags/{id}", [("get", "getTagById"), ("put", "updateTag"), ("delete", "deleteTags")]),
    ("/tags/{id}/booksTags", [("get", "getBooksTagsForTag")]),
    ("/longBooks/", [("get", "getLongBooks")]),
]

LIMIT_DESCRIPTION = ("Limit will be applied by default if not passed. If the provided value exceeds the maximum "
                     "allowed value a validation error will be thrown")


def where_names(fields):
    names = []
    for f in fields:
        names += [f"where.{f}.{op}" for op in ("eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "in", "nin",
                                               "contains", "contained", "overlaps", "isNull")]
    return names


class OpenApiBehaviour:
    fixture = "db-rest"
    app = "library"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.w.get("/documentation/json")
        cls.doc_response = r
        cls.doc = r.json() if r.status == 200 else None

    def setUp(self):
        self.assertEqual(self.doc_response.status, 200, self.doc_response)

    def test_json_endpoint_and_top_level(self):
        r = self.doc_response
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8")
        self.assertEqual([k for k, _ in ordered(r.body)], ["openapi", "info", "components", "paths", "servers"])
        self.assertEqual(self.doc["openapi"], "3.0.3")
        self.assertEqual(r.text[:60], '{"openapi":"3.0.3","info":{"title":"Platformatic DB","descri')
        self.assertEqual(self.doc["info"], {"title": "Platformatic DB", "description": "Exposing a SQL database as REST",
                                            "version": "1.0.0"})
        self.assertEqual(self.doc["servers"], [{"url": "/"}])
        self.assertEqual(list(self.doc["components"].keys()), ["schemas"])

    def test_schemas(self):
        schemas = self.doc["components"]["schemas"]
        self.assertEqual(list(schemas), ["Author", "AuthorInput", "Book", "BookInput", "BooksTag", "BooksTagInput",
                                         "Code", "CodeInput", "Scratch", "ScratchInput", "Tag", "TagInput",
                                         "LongBook", "LongBookInput"])
        self.assertEqual(schemas["Author"], AUTHOR)
        self.assertEqual(schemas["AuthorInput"], AUTHOR_INPUT)
        self.assertEqual(schemas["Book"], BOOK)
        self.assertEqual(schemas["BookInput"], BOOK_INPUT)
        self.assertEqual(schemas["BooksTag"], BOOKS_TAG)
        self.assertEqual(schemas["BooksTagInput"], BOOKS_TAG_INPUT)
        self.assertEqual(schemas["CodeInput"], CODE_INPUT)
        self.assertEqual(schemas["LongBook"], LONG_BOOK)  # a view: no primary key, ids stay integers
        # Key order inside a schema and its properties (column order).
        author = dict(ordered(self.doc_response.body))["components"]
        author = dict(dict(author)["schemas"])["Author"]
        self.assertEqual([k for k, _ in author], ["title", "description", "type", "properties", "additionalProperties"])
        self.assertEqual([k for k, _ in dict(author)["properties"]], ["id", "name", "country", "born"])

    def test_paths_and_operation_ids(self):
        self.assertEqual([(p, [(m, op.get("operationId")) for m, op in item.items()])
                          for p, item in self.doc["paths"].items()], PATHS)

    def test_list_operation(self):
        op = self.doc["paths"]["/authors/"]["get"]
        self.assertEqual(list(op), ["operationId", "summary", "tags", "description", "parameters", "responses"])
        self.assertEqual((op["summary"], op["tags"], op["description"]),
                         ("Get authors.", ["authors"], "Fetch authors from the database."))
        names = [p["name"] for p in op["parameters"]]
        self.assertEqual(names, ["limit", "offset", "totalCount", "cursor", "startAfter", "endBefore", "fields"]
                         + where_names(["born", "country", "id", "name"]) + ["where.or"]
                         + ["orderby.born", "orderby.country", "orderby.id", "orderby.name"])
        params = {p["name"]: p for p in op["parameters"]}
        self.assertEqual(params["limit"], {"schema": {"type": "integer"}, "in": "query", "name": "limit",
                                           "required": False, "description": LIMIT_DESCRIPTION})
        self.assertEqual(params["totalCount"]["schema"], {"type": "boolean", "default": False})
        self.assertEqual(params["fields"]["schema"],
                         {"type": "array", "items": {"type": "string", "enum": ["born", "country", "id", "name"]}})
        self.assertEqual(params["where.born.eq"]["schema"], {"type": "integer"})
        self.assertEqual(params["where.name.like"]["schema"], {"type": "string"})
        self.assertEqual(params["where.id.in"]["schema"], {"type": "string"})
        self.assertEqual(params["where.id.isNull"]["schema"], {"type": "boolean"})
        self.assertEqual(params["where.or"]["schema"], {"type": "array", "items": {"type": "string"}})
        self.assertEqual(params["orderby.name"]["schema"], {"type": "string", "enum": ["asc", "desc"]})
        for p in op["parameters"]:
            self.assertEqual(list(p)[:4], ["schema", "in", "name", "required"])
        self.assertEqual(op["responses"], {"200": {"description": "Default Response", "content": {
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Author"}}}}}})

    def test_single_row_operations_and_links(self):
        item = self.doc["paths"]["/authors/{id}"]
        get = item["get"]
        self.assertEqual((get["summary"], get["description"]),
                         ("Get Author by id.", "Fetch Author using its id from the database."))
        self.assertEqual(get["parameters"][-1], {"schema": {"type": "integer"}, "in": "path", "name": "id",
                                                 "required": True})
        links = {"GetBooks": {"operationId": "getBooks", "parameters": {"where.authorId.eq": "$response.body#/id"}}}
        self.assertEqual(get["responses"]["200"]["links"], links)
        self.assertEqual(get["responses"]["200"]["description"], "A Author")
        put = item["put"]
        self.assertEqual(list(put), ["operationId", "summary", "tags", "description", "requestBody", "parameters",
                                     "responses"])
        self.assertEqual(put["requestBody"], {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/AuthorInput"}}}})
        self.assertNotIn("links", item["delete"]["responses"]["200"])
        self.assertEqual(item["delete"]["description"], "Delete one or more authors from the Database.")
        post = self.doc["paths"]["/authors/"]["post"]
        self.assertEqual([p["name"] for p in post["parameters"]], ["fields"])
        self.assertEqual(post["responses"]["200"]["links"], links)
        bulk = self.doc["paths"]["/authors/"]["put"]
        self.assertEqual([p["name"] for p in bulk["parameters"]],
                         ["fields"] + where_names(["born", "country", "id", "name"]) + ["where.or"])
        self.assertEqual(self.doc["paths"]["/codes/"]["post"]["responses"]["200"]["links"], {})
        self.assertEqual(self.doc["paths"]["/codes/{code}"]["get"]["parameters"][-1],
                         {"schema": {"type": "string"}, "in": "path", "name": "code", "required": True})

    def test_relationship_operations(self):
        rev = self.doc["paths"]["/authors/{id}/books"]["get"]
        self.assertEqual((rev["summary"], rev["tags"], rev["description"]),
                         ("Get books for author.", ["authors"], "Fetch all the books for author from the database."))
        self.assertEqual([p["name"] for p in rev["parameters"]], ["limit", "offset", "fields", "totalCount", "id"])
        self.assertEqual(rev["parameters"][2]["schema"]["items"]["enum"],
                         ["authorId", "id", "pages", "price", "title", "year"])
        self.assertEqual(rev["responses"]["200"]["links"], {
            "GetAuthorById": {"operationId": "getAuthorById", "parameters": {"id": "$response.body#/authorId"}}})
        fwd = self.doc["paths"]["/books/{id}/author"]["get"]
        self.assertEqual((fwd["summary"], fwd["tags"]), ("Get author for book.", ["books"]))
        self.assertEqual([p["name"] for p in fwd["parameters"]], ["fields", "id"])
        self.assertEqual(fwd["responses"]["200"]["content"]["application/json"]["schema"],
                         {"$ref": "#/components/schemas/Author"})
        comp = self.doc["paths"]["/booksTags/book/{bookId}/tag/{tagId}"]
        self.assertEqual(comp["get"]["summary"], "Get BooksTag by BookIdAndTagId.")
        self.assertEqual(comp["put"]["summary"], "Update BooksTag by BookIdAndTagId.")
        self.assertEqual(comp["delete"]["description"], "Delete BooksTag by BookIdAndTagId from the database.")
        self.assertEqual([p["name"] for p in comp["get"]["parameters"]], ["fields", "bookId", "tagId"])
        self.assertEqual(comp["get"]["tags"], ["books_tags"])
        view = self.doc["paths"]["/longBooks/"]
        self.assertEqual(list(view), ["get"])

    def test_yaml_is_the_same_document(self):
        r = self.req("GET", "/documentation/yaml")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/plain; charset=utf-8")
        self.assertTrue(r.text.startswith("openapi: 3.0.3\ninfo:\n  title: Platformatic DB\n"), r.text[:200])
        parsed = parse_yaml(r.text)
        self.assertEqual(parsed, self.doc)
        self.assertEqual(json.dumps(parsed), json.dumps(self.doc))  # same key order too

    def test_documentation_redirect_and_page(self):
        r = self.req("GET", "/documentation")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("location"), "/documentation/")
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("content-length"), "0")
        r = self.req("GET", "/documentation/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        self.assertIn("<title>Scalar API Reference</title>", r.text)
        self.assertNotFound(self.req("GET", "/documentation/nope"), "GET", "/documentation/nope")


class SqliteOpenApiTest(OpenApiBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresOpenApiTest(OpenApiBehaviour, DbTestCase):
    engine = "postgres"


if __name__ == "__main__":
    unittest.main()
