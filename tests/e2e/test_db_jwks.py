"""JWKS (RS256) authentication of a database application (docs/db-behaviour.md 6.1 and 8.3), on
SQLite and PostgreSQL: bearer tokens signed with an RSA key whose public half an issuer serves
at `<iss>/.well-known/jwks.json`.

Each class starts a JWKS server of its own (python http.server on a free port, in a thread);
several issuers live on it under different paths (`<base>`, `<base>/rotating`, `<base>/garbage`
...), so that tests do not share key-set caches. The RSA keys are made and the tokens signed
with the `openssl` command line tool. Fixture `db-auth` (app `tenants`, rules in
test_db_auth.py) with `"jwt": {"namespace": NS, "jwks": {"allowedDomains": [...]}}`, the
anonymous role renamed `guest`, and GraphQL on.

A token that does not verify means anonymous (403 on notes, 200 on public items), never 401.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import free_port
from test_db_support import DbTestCase, b64url, jwt_hs256

NS = "https://example.com/"
FORBIDDEN = {"statusCode": 403, "code": "PLT_DB_AUTH_UNAUTHORIZED", "error": "Forbidden",
             "message": "operation not allowed"}
KEYS = {}  # name -> {"pem": path, "jwk": {...}, "public_pem": text}
_keydir = None


def openssl(*args, data=None):
    r = subprocess.run(["openssl", *args], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed: {r.stderr.decode(errors='replace')}")
    return r.stdout


def make_key(name, kid):
    pem = os.path.join(_keydir, name + ".pem")
    openssl("genrsa", "-out", pem, "2048")
    modulus = openssl("rsa", "-in", pem, "-modulus", "-noout").decode().strip()
    n = bytes.fromhex(modulus.split("=", 1)[1])
    text = openssl("rsa", "-in", pem, "-noout", "-text").decode()
    exponent = int(re.search(r"publicExponent: (\d+)", text).group(1))
    e = exponent.to_bytes((exponent.bit_length() + 7) // 8, "big")
    public_pem = openssl("rsa", "-in", pem, "-pubout").decode()
    KEYS[name] = {"pem": pem, "public_pem": public_pem,
                  "jwk": {"kty": "RSA", "kid": kid, "n": b64url(n), "e": b64url(e), "alg": "RS256", "use": "sig"}}


def setUpModule():
    global _keydir
    if not shutil.which("openssl"):
        raise unittest.SkipTest("the openssl command line tool is needed (Debian package openssl)")
    _keydir = tempfile.mkdtemp(prefix="watt-e2e-jwks-")
    make_key("main", "key-1")
    make_key("other", "key-other")  # never published
    make_key("rotated", "key-2")    # published later by the rotation test


def tearDownModule():
    if _keydir:
        shutil.rmtree(_keydir, ignore_errors=True)


def rs256(claims, key="main", header=None):
    """A token signed with `key` (RS256); `header` replaces the default header."""
    header = header if header is not None else {"alg": "RS256", "typ": "JWT", "kid": KEYS[key]["jwk"]["kid"]}
    signing_input = b64url(json.dumps(header, separators=(",", ":"))) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")))
    signature = openssl("dgst", "-sha256", "-sign", KEYS[key]["pem"], data=signing_input.encode("ascii"))
    return signing_input + "." + b64url(signature)


def bearer(token):
    return {"Authorization": "Bearer " + token}


# ------------------------------------------------------------------------------------------
# The issuers' server


class JwksServer:
    """Serves `<prefix>/.well-known/jwks.json` for every prefix in `sets` (a dict prefix ->
    key set, or -> (status, raw body) for broken issuers); counts the requests per path."""

    def __init__(self):
        self.sets = {}
        self.hits = {}
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with owner.lock:
                    owner.hits[self.path] = owner.hits.get(self.path, 0) + 1
                    prefix = self.path[:-len("/.well-known/jwks.json")] if self.path.endswith("/.well-known/jwks.json") else None
                    entry = owner.sets.get(prefix) if prefix is not None else None
                headers = {}
                if entry is None:
                    status, body = 404, b'{"error":"not found"}'
                elif isinstance(entry, tuple) and len(entry) == 3:
                    status, body, headers = entry
                elif isinstance(entry, tuple):
                    status, body = entry
                else:
                    status, body = 200, json.dumps(entry).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, prefix, keys):
        with self.lock:
            self.sets[prefix] = keys

    def count(self, prefix):
        with self.lock:
            return self.hits.get(prefix + "/.well-known/jwks.json", 0)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SilentServer:
    """Accepts connections and never answers (an issuer that hangs)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.closed = True
        for c in self.held:
            c.close()
        self.sock.close()


# ------------------------------------------------------------------------------------------


class JwksBehaviour:
    fixture = "db-auth"
    app = "tenants"

    @classmethod
    def setUpClass(cls):
        cls.jwks = JwksServer()
        cls.addClassCleanup(cls.jwks.close)
        cls.silent = SilentServer()
        cls.addClassCleanup(cls.silent.close)
        base = cls.jwks.base
        cls.iss = base
        good = {"keys": [KEYS["main"]["jwk"]]}
        for prefix in ("", "/counted", "/unlisted"):
            cls.jwks.publish(prefix, good)
        cls.jwks.publish("/rotating", {"keys": [KEYS["main"]["jwk"]]})
        cls.jwks.publish("/garbage", (200, b"<html>not json</html>"))
        cls.jwks.publish("/status500", (500, b'{"keys": []}'))
        cls.jwks.publish("/empty", {"keys": []})
        cls.jwks.publish("/redirect", (302, b"", {"location": base + "/.well-known/jwks.json"}))
        cls.jwks.publish("/algmismatch", {"keys": [{**KEYS["main"]["jwk"], "alg": "RS384"}]})
        cls.jwks.publish("/nokid", {"keys": [{k: v for k, v in KEYS["main"]["jwk"].items() if k != "kid"}]})
        cls.dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        allowed = [base, base + "/counted", base + "/rotating", base + "/garbage", base + "/status500",
                   base + "/empty", base + "/nokid", base + "/redirect", base + "/algmismatch", cls.dead, cls.silent.base]

        def patch(doc):
            doc["db"]["graphql"] = True
            auth = doc["authorization"]
            auth["jwt"] = {"namespace": NS, "jwks": {"allowedDomains": allowed}}
            auth["anonymousRole"] = "guest"
            for rule in auth["rules"]:
                if rule["role"] == "anonymous":
                    rule["role"] = "guest"
        cls.json_patches = {"web/tenants/platformatic.json": patch}
        super().setUpClass()

    # --- helpers -----------------------------------------------------------------------------

    def claims(self, role="user", workspace="1", iss=None, **extra):
        c = {"iss": self.iss if iss is None else iss, NS + "X-PLATFORMATIC-ROLE": role,
             NS + "X-PLATFORMATIC-WORKSPACE-ID": workspace, "iat": int(time.time())}
        c.update(extra)
        return c

    def note_ids(self, headers):
        r = self.req("GET", "/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=headers)
        self.assertEqual(r.status, 200, r)
        return [n["id"] for n in r.json()]

    def assertAnonymous(self, headers):
        self.assertJsonBody(self.req("GET", "/notes", headers=headers), 403, FORBIDDEN)
        self.assertJsonBody(self.req("GET", "/publicItems?where.id.eq=1", headers=headers), 200,
                            [{"id": "1", "name": "pub"}])

    # --- valid tokens --------------------------------------------------------------------------

    def test_valid_token_gives_the_role_of_its_claims(self):
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(workspace="1")))), ["1", "2"])
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(workspace="2")))), ["3", "4"])
        self.assertEqual(self.ok("GET", "/notes/1", headers=bearer(rs256(self.claims())))["title"], "w1 note a")
        self.assertNotFound(self.req("GET", "/notes/3", headers=bearer(rs256(self.claims()))), "GET", "/notes/3")

    def test_namespaced_claims_fill_the_defaults(self):
        h = bearer(rs256(self.claims(workspace="1", **{NS + "X-PLATFORMATIC-USER-ID": "42"})))
        r = self.req("POST", "/notes", {"title": "jwks", "workspaceId": 9}, headers=h)
        self.assertEqual(r.status, 200, r)
        n = r.json()
        self.assertEqual(n, {"id": n["id"], "workspaceId": 1, "userId": 42, "title": "jwks", "secret": None})
        # Claims without the namespace work too; an array role, a number claim.
        h = bearer(rs256({"iss": self.iss, "X-PLATFORMATIC-ROLE": ["user"], "X-PLATFORMATIC-WORKSPACE-ID": 2}))
        self.assertEqual(self.note_ids(h), ["3", "4"])
        # A claim named like the namespace's header but under another prefix is not stripped.
        h = bearer(rs256({"iss": self.iss, "https://other.example/X-PLATFORMATIC-ROLE": "user",
                          NS + "X-PLATFORMATIC-WORKSPACE-ID": "1"}))
        self.assertAnonymous(h)

    def test_expiry_inside_the_validity_window(self):
        h = bearer(rs256(self.claims(workspace="2", exp=int(time.time()) + 3600, nbf=int(time.time()) - 60)))
        self.assertEqual(self.note_ids(h), ["3", "4"])

    def test_reader_role_from_the_token(self):
        h = bearer(rs256(self.claims(role="reader")))
        self.assertError(self.req("GET", "/notes", headers=h), 403, "PLT_DB_AUTH_FIELD_UNAUTHORIZED",
                         "field not allowed: workspace_id")
        self.assertEqual(len(self.ok("GET", "/notes?fields=id,title&where.id.lte=4", headers=h)), 4)

    def test_graphql_uses_the_token(self):
        body = {"query": "{ notes(where: {id: {lte: 4}}) { id workspaceId } countNotes { total } }"}
        r = self.req("POST", "/graphql", body, headers=bearer(rs256(self.claims(workspace="2"))))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["data"]["notes"], [{"id": "3", "workspaceId": 2}, {"id": "4", "workspaceId": 2}])
        r = self.req("POST", "/graphql", {"query": "{ notes { id } }"}, headers=bearer(rs256(self.claims(), key="other")))
        self.assertEqual(r.json(), {"data": {"notes": None}, "errors": [
            {"message": "operation not allowed", "locations": [{"line": 1, "column": 3}], "path": ["notes"]}]})

    def test_admin_secret_with_a_token(self):
        h = {**bearer(rs256(self.claims(workspace="1"))), "X-PLATFORMATIC-ADMIN-SECRET": "s3cret"}
        self.assertEqual(self.note_ids(h), ["1", "2", "3", "4"])
        h = {"X-PLATFORMATIC-ADMIN-SECRET": "s3cret", "X-PLATFORMATIC-ROLE": "reader"}
        self.assertEqual(self.note_ids(h), ["1", "2", "3", "4"])

    def test_role_headers_are_ignored(self):
        self.assertAnonymous({"X-PLATFORMATIC-ROLE": "user", "X-PLATFORMATIC-WORKSPACE-ID": "1"})
        h = {**bearer(rs256(self.claims(workspace="1"))), "X-PLATFORMATIC-WORKSPACE-ID": "2"}
        self.assertEqual(self.note_ids(h), ["1", "2"])

    def test_issuer_with_a_trailing_slash_and_scheme_case(self):
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(iss=self.iss + "/")))), ["1", "2"])
        self.assertEqual(self.note_ids({"Authorization": "bearer " + rs256(self.claims())}), ["1", "2"])

    def test_key_set_is_cached(self):
        iss = self.jwks.base + "/counted"
        for _ in range(5):
            self.assertEqual(self.note_ids(bearer(rs256(self.claims(iss=iss)))), ["1", "2"])
        self.assertEqual(self.jwks.count("/counted"), 1)

    # --- tokens that must not verify ---------------------------------------------------------

    def test_invalid_tokens_mean_anonymous(self):
        claims = self.claims()
        good = rs256(claims)
        head, payload, sig = good.split(".")
        forged = b64url(json.dumps({**claims, NS + "X-PLATFORMATIC-WORKSPACE-ID": "2"}, separators=(",", ":")))
        other_alg = lambda alg: rs256(claims, header={"alg": alg, "typ": "JWT", "kid": "key-1"})  # noqa: E731
        bad = {
            "wrong kid": rs256(claims, header={"alg": "RS256", "typ": "JWT", "kid": "key-unknown"}),
            "signed by another key": rs256(claims, key="other", header={"alg": "RS256", "typ": "JWT", "kid": "key-1"}),
            "other key, own kid": rs256(claims, key="other"),
            "tampered payload": f"{head}.{forged}.{sig}",
            "signature of another token": f"{head}.{payload}." + rs256(self.claims(workspace='2')).split(".")[2],
            "no signature": f"{head}.{payload}.",
            "truncated signature": f"{head}.{payload}.{sig[:-8]}",
            "expired": rs256({**claims, "exp": int(time.time()) - 60}),
            "not yet valid": rs256({**claims, "nbf": int(time.time()) + 3600}),
            "alg none": b64url(json.dumps({"alg": "none", "typ": "JWT", "kid": "key-1"})) + "." + payload + ".",
            "alg None": b64url(json.dumps({"alg": "None", "kid": "key-1"})) + "." + payload + ".",
            "alg missing": rs256(claims, header={"typ": "JWT", "kid": "key-1"}),
            "alg RS512 label": other_alg("RS512"),
            "alg PS256 label": other_alg("PS256"),
            "alg ES256 label": other_alg("ES256"),
            # Algorithm confusion: HMAC keyed with the public key (PEM, or the JWK's n).
            "HS256 with the public key": jwt_hs256(claims, KEYS["main"]["public_pem"],
                                                   header={"alg": "HS256", "typ": "JWT", "kid": "key-1"}),
            "HS256 with n": jwt_hs256(claims, KEYS["main"]["jwk"]["n"], header={"alg": "HS256", "typ": "JWT", "kid": "key-1"}),
            "HS256 with the JWK": jwt_hs256(claims, json.dumps(KEYS["main"]["jwk"]),
                                            header={"alg": "HS256", "typ": "JWT", "kid": "key-1"}),
            "no issuer": rs256({k: v for k, v in claims.items() if k != "iss"}),
            "issuer not allowed": rs256(self.claims(iss=self.jwks.base + "/unlisted")),
            "issuer lookalike": rs256(self.claims(iss=self.jwks.base + ".evil.example")),
            "issuer with userinfo": rs256(self.claims(iss="http://attacker@" + self.jwks.base[len("http://"):] + "/x")),
            "issuer not a string": rs256({**claims, "iss": 5}),
            "garbage key set": rs256(self.claims(iss=self.jwks.base + "/garbage")),
            "key set status 500": rs256(self.claims(iss=self.jwks.base + "/status500")),
            "empty key set": rs256(self.claims(iss=self.jwks.base + "/empty")),
            "header not JSON": b64url("not json") + "." + payload + "." + sig,
            "payload not JSON": head + "." + b64url("not json") + "." + sig,
            "payload a list": rs256([claims]),
            "four parts": good + ".x",
            "garbage": "garbage",
            "non-ascii": "é.é.é",
        }
        for name, token in bad.items():
            with self.subTest(token=name):
                self.assertAnonymous(bearer(token))
        self.assertEqual(self.jwks.count("/unlisted"), 0)  # a domain not allowed is never fetched
        self.assertAlive()

    def test_token_without_kid_is_anonymous(self):
        self.assertAnonymous(bearer(rs256(self.claims(), header={"alg": "RS256", "typ": "JWT"})))

    def test_time_claims_that_are_not_numbers(self):
        for name, extra in (("exp string in the past", {"exp": str(int(time.time()) - 60)}),
                            ("nbf string in the future", {"nbf": str(int(time.time()) + 3600)}),
                            ("exp null", {"exp": None})):
            with self.subTest(claim=name):
                self.assertAnonymous(bearer(rs256(self.claims(**extra))))

    def test_key_published_for_another_alg_is_not_used(self):
        self.assertAnonymous(bearer(rs256(self.claims(iss=self.jwks.base + "/algmismatch"))))

    def test_key_set_behind_a_redirect(self):
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(iss=self.jwks.base + "/redirect")))), ["1", "2"])

    def test_key_without_kid_matches_a_token_without_kid(self):
        iss = self.jwks.base + "/nokid"
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(iss=iss), header={"alg": "RS256", "typ": "JWT"}))),
                         ["1", "2"])

    # --- the issuer's server -----------------------------------------------------------------

    def test_issuer_down_means_anonymous_quickly(self):
        h = bearer(rs256(self.claims(iss=self.dead)))
        start = time.monotonic()
        self.assertAnonymous(h)
        self.assertLess(time.monotonic() - start, 5)
        self.assertAlive()
        self.assertEqual(self.note_ids(bearer(rs256(self.claims()))), ["1", "2"])  # other issuers unaffected

    def test_issuer_that_never_answers(self):
        h = bearer(rs256(self.claims(iss=self.silent.base)))
        with ThreadPoolExecutor(max_workers=1) as pool:
            start = time.monotonic()
            pending = pool.submit(self.req, "GET", "/notes", None, h)
            # Meanwhile the server answers everybody else at once.
            for _ in range(3):
                t = time.monotonic()
                self.assertEqual(self.note_ids(bearer(rs256(self.claims(workspace="2")))), ["3", "4"])
                self.assertLess(time.monotonic() - t, 2)
            r = pending.result(timeout=30)
            elapsed = time.monotonic() - start
        self.assertJsonBody(r, 403, FORBIDDEN)
        self.assertLess(elapsed, 15)  # the key set fetch gives up (10 s here; get-jwks: 5 s)
        self.assertAlive()

    def test_key_rotation(self):
        iss = self.jwks.base + "/rotating"
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(iss=iss)))), ["1", "2"])
        self.jwks.publish("/rotating", {"keys": [KEYS["main"]["jwk"], KEYS["rotated"]["jwk"]]})
        self.assertEqual(self.note_ids(bearer(rs256(self.claims(iss=iss), key="rotated"))), ["1", "2"])


class SqliteJwksTest(JwksBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresJwksTest(JwksBehaviour, DbTestCase):
    engine = "postgres"


if __name__ == "__main__":
    unittest.main()
