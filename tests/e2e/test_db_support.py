"""Shared pieces of the database application (`@platformatic/db`) tests: the two engines, a
base test case that runs a db fixture on a fresh database, JWT helpers.

This module holds no tests itself. Every behaviour test is written once in a mixin and run
against both engines by two small subclasses (`engine = "sqlite"` / `engine = "postgres"`).

PostgreSQL: the server is given by WATT_TEST_PG_URI (ctest's `postgres` fixture sets it, see
tests/CMakeLists.txt). Each test class (or test, for migrations) gets a database of its own,
created and dropped with `psql`. Without WATT_TEST_PG_URI the PostgreSQL classes are skipped
with a message saying so; with it, an unreachable server is a failure, never a skip.

SQLite: the database is a file inside the project copy (`sqlite://./data.sqlite`), so every
WattProcess starts on a fresh one.

Fixtures use `"connectionString": "{DATABASE_URL}"` and `"dir": "migrations/{DB_ENGINE}"` (the
two engines spell auto-increment keys differently; the tables are the same).
"""

import base64
import glob
import hashlib
import hmac
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import unittest
import urllib.parse

from harness import WattProcess, WattTestCase

PG_URI = os.environ.get("WATT_TEST_PG_URI", "").strip()
_counter = itertools.count(1)


def _psql_binary():
    found = shutil.which("psql")
    if found:
        return found
    versions = glob.glob("/usr/lib/postgresql/*/bin/psql")
    versions.sort(key=lambda p: int(re.sub(r"\D", "", p.split("/")[4]) or 0))
    return versions[-1] if versions else "psql"


PSQL = _psql_binary()
NULL_MARK = "\x1bNULL\x1b"


def _with_database(uri, name):
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(uri, sql, check=True):
    """Runs `sql` with psql on `uri`; returns the rows as lists of strings (None for NULL)."""
    r = subprocess.run(
        [PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-R", "\x1e",
         "-P", "null=" + NULL_MARK, "-d", uri, "-c", sql],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"psql failed ({r.returncode}) running {sql!r}: {r.stderr.decode(errors='replace')}")
    out = r.stdout.decode("utf-8", "replace")
    rows = []
    for line in out.split("\x1e"):
        line = line.strip("\n")
        if not line:
            continue
        rows.append([None if c == NULL_MARK else c for c in line.split("\x1f")])
    return rows


class SqliteDatabase:
    engine = "sqlite"

    def __init__(self, label, app):
        self.app = app
        self.path = None

    def env(self):
        return {"DATABASE_URL": "sqlite://./data.sqlite", "DB_ENGINE": "sqlite"}

    def attach(self, w):
        self.path = w.path(os.path.join("web", self.app, "data.sqlite"))

    def rows(self, sql):
        con = sqlite3.connect(self.path, timeout=10)
        try:
            return [[None if v is None else (str(v) if not isinstance(v, bytes) else v.decode("utf-8", "replace"))
                     for v in row] for row in con.execute(sql).fetchall()]
        finally:
            con.close()

    def tables(self):
        return sorted(r[0] for r in self.rows(
            "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'"))

    def drop(self):
        pass


class PostgresDatabase:
    engine = "postgres"

    def __init__(self, label, app):
        self.app = app
        safe = re.sub(r"[^a-z0-9_]", "_", label.lower())[:30]
        self.name = f"e2e_{safe}_{os.getpid()}_{next(_counter)}"
        self.uri = _with_database(PG_URI, self.name)
        psql(PG_URI, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        psql(PG_URI, f'CREATE DATABASE "{self.name}"')

    def env(self):
        return {"DATABASE_URL": self.uri, "DB_ENGINE": "postgres"}

    def attach(self, w):
        pass

    def rows(self, sql):
        return psql(self.uri, sql)

    def tables(self):
        return sorted(r[0] for r in self.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))

    def drop(self):
        psql(PG_URI, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', check=False)


def require_engine(engine):
    """Raises SkipTest for PostgreSQL without a server URI (only possible when run by hand)."""
    if engine not in ("sqlite", "postgres"):
        raise ValueError(engine)
    if engine == "postgres" and not PG_URI:
        raise unittest.SkipTest("PostgreSQL half skipped: set WATT_TEST_PG_URI (ctest does, through "
                                "the `postgres` fixture; by hand: scripts/pg-test-cluster.sh start DIR PORT)")


def make_database(engine, label, app):
    """A fresh database for `engine` (see require_engine)."""
    require_engine(engine)
    return SqliteDatabase(label, app) if engine == "sqlite" else PostgresDatabase(label, app)


# ------------------------------------------------------------------------------------------
# Test cases


def ordered(body):
    """Parses a JSON body keeping key order (a list of (key, value) pairs at every level)."""
    return json.loads(body, object_pairs_hook=lambda pairs: pairs)


class DbTestCase(WattTestCase):
    """Runs `fixture` (whose db application is `app`) on a fresh database of `engine`, once
    per class (setUpClass). Subclasses set `engine`; the behaviour mixins set fixture/app."""

    fixture = None
    app = None
    engine = None
    json_patches = None       # {relative path: patch} applied to the project copy
    shared = True             # False: no shared process (tests start their own)
    class_database = True     # False: no database per class (tests make their own)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_engine(cls.engine)
        if not (cls.shared or cls.class_database):
            return
        cls.db = make_database(cls.engine, cls.__name__, cls.app)
        cls.addClassCleanup(cls.db.drop)  # registered first: runs after watt is stopped
        if cls.shared:
            cls.w = WattProcess(cls.fixture, env=cls.db.env(), json_patches=cls.json_patches)
            cls.addClassCleanup(cls.w.cleanup)
            cls.db.attach(cls.w)
            cls.w.start()

    # --- HTTP ---------------------------------------------------------------------------

    def req(self, method, path, body=None, headers=None, raw=None, w=None):
        """One request to the shared process (or `w`). `body` (dict/list) is sent as JSON;
        `raw` (bytes/str) is sent as is, with the headers given."""
        w = w or self.w
        if raw is not None:
            if isinstance(raw, str):
                raw = raw.encode("utf-8")
            return w.request(method, path, body=raw, headers=headers)
        return w.request(method, path, body=body, headers=headers)

    def ok(self, method, path, body=None, headers=None, status=200):
        """The JSON answer of a request that must succeed."""
        r = self.req(method, path, body, headers)
        self.assertEqual(r.status, status, f"{method} {path} -> {r.status} {r.body[:600]!r}")
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8")
        return r.json()

    def get_ok(self, path, headers=None):
        return self.ok("GET", path, headers=headers)

    def ids(self, path, headers=None, key="id"):
        return [row[key] for row in self.get_ok(path, headers)]

    def assertJsonBody(self, r, status, expected, msg=None):
        self.assertEqual(r.status, status, msg or f"{r.status} {r.body[:600]!r}")
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8", r)
        self.assertEqual(r.json(), expected, msg)

    def assertError(self, r, status, code, message=None, error=None):
        """An error answer: {"statusCode","code","error","message"} (message checked when given)."""
        names = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
                 415: "Unsupported Media Type", 500: "Internal Server Error"}
        self.assertEqual(r.status, status, f"{r.status} {r.body[:600]!r}")
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8", r)
        body = r.json()
        self.assertEqual(body.get("statusCode"), status, body)
        self.assertEqual(body.get("error"), error or names[status], body)
        if code is not None:
            self.assertEqual(body.get("code"), code, body)
        if message is not None:
            self.assertEqual(body.get("message"), message, body)
        return body

    def assertValidation(self, r, message):
        """A 400 FST_ERR_VALIDATION with exactly this body."""
        self.assertJsonBody(r, 400, {"statusCode": 400, "code": "FST_ERR_VALIDATION",
                                     "error": "Bad Request", "message": message})

    def assertNotFound(self, r, method, target):
        """The Fastify not-found answer, byte for byte (key order message, error, statusCode)."""
        self.assertEqual(r.status, 404, f"{r.status} {r.body[:600]!r}")
        self.assertEqual(r.header("content-type"), "application/json; charset=utf-8")
        self.assertEqual(r.text, json.dumps({"message": f"Route {method}:{target} not found",
                                             "error": "Not Found", "statusCode": 404},
                                            separators=(",", ":")))

    def assertAlive(self, w=None):
        w = w or self.w
        self.assertIsNone(w.proc.poll(), f"watt exited\n{w.dump()}")
        r = w.get("/")
        self.assertEqual(r.status, 200, r)

    # --- engine-specific expectations -------------------------------------------------------

    def db_code(self, sqlite, postgres):
        return sqlite if self.engine == "sqlite" else postgres


# ------------------------------------------------------------------------------------------
# JWT (HS256) with the standard library


def b64url(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(claims, secret, header=None):
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing_input = b64url(json.dumps(header, separators=(",", ":"))) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")))
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def jwt_unsigned(claims):
    """An `alg: none` token (must never be accepted)."""
    return b64url(json.dumps({"alg": "none", "typ": "JWT"})) + "." + b64url(json.dumps(claims)) + "."


def md5_hex(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


__all__ = ["DbTestCase", "PG_URI", "b64url", "jwt_hs256", "jwt_unsigned", "make_database", "md5_hex",
           "ordered", "psql"]
