"""Authorization through a webhook (`authorization.webhook.url`, docs/db-behaviour.md 6.1), on
SQLite and PostgreSQL: for a request without a valid token, the server POSTs the request's
headers and body to the webhook, which answers the user as a JSON object (roles and claims);
an answer above 299, or one that is not a JSON object, leaves the request anonymous.

Fixture `db-auth` (see test_db_auth.py) with the webhook added; the webhook is a small HTTP
server of the test that knows two tokens (header `x-token`) and records what it receives.
"""

import http.server
import json
import threading
import unittest

from test_db_support import DbTestCase

FORBIDDEN = {"statusCode": 403, "code": "PLT_DB_AUTH_UNAUTHORIZED", "error": "Forbidden",
             "message": "operation not allowed"}
USERS = {
    "t1": {"X-PLATFORMATIC-ROLE": "user", "X-PLATFORMATIC-WORKSPACE-ID": "1", "X-PLATFORMATIC-USER-ID": "7"},
    "t2": {"X-PLATFORMATIC-ROLE": "user", "X-PLATFORMATIC-WORKSPACE-ID": "2", "X-PLATFORMATIC-USER-ID": "8"},
}


class Webhook:
    def __init__(self):
        self.received = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                hook.received.append({"method": "POST", "path": self.path,
                                      "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                token = self.headers.get("x-token")
                if token == "broken":
                    self.answer(200, b"not json")
                elif token == "list":
                    self.answer(200, b"[1,2]")
                elif token == "boom":
                    self.answer(500, b'{"X-PLATFORMATIC-ROLE":"user"}')
                elif token == "hangup":
                    self.close_connection = True  # no answer at all: the request fails
                elif token in USERS:
                    self.answer(200, json.dumps(USERS[token]).encode())
                else:
                    self.answer(401, b'{"error":"who are you"}')

            def answer(self, status, body):
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/auth"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WebhookBehaviour:
    fixture = "db-auth"
    app = "tenants"

    @classmethod
    def setUpClass(cls):
        cls.hook = Webhook()
        url = cls.hook.url

        def with_webhook(config):
            config["authorization"]["webhook"] = {"url": url}

        cls.json_patches = {"web/tenants/platformatic.json": with_webhook}
        super().setUpClass()
        cls.addClassCleanup(cls.hook.close)

    def assertAnonymous(self, headers):
        self.assertJsonBody(self.req("GET", "/notes", headers=headers), 403, FORBIDDEN)
        self.assertJsonBody(self.req("GET", "/publicItems?where.id.eq=1", headers=headers), 200,
                            [{"id": "1", "name": "pub"}])

    def test_the_webhook_user_is_confined_to_its_workspace(self):
        self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers={"x-token": "t1"}),
                         ["1", "2"])
        self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers={"x-token": "t2"}),
                         ["3", "4"])
        self.assertNotFound(self.req("GET", "/notes/3", headers={"x-token": "t1"}), "GET", "/notes/3")

    def test_the_webhook_receives_the_headers_and_the_body(self):
        self.hook.received.clear()
        r = self.req("POST", "/notes", {"title": "hooked", "workspaceId": 2}, headers={"x-token": "t1"})
        self.assertEqual(r.status, 200, r)
        note = r.json()
        # The rule's defaults come from the webhook's user: workspace 1, user 7.
        self.assertEqual((note["workspaceId"], note["userId"], note["title"]), (1, 7, "hooked"))
        self.assertEqual(len(self.hook.received), 1)
        call = self.hook.received[0]
        self.assertEqual(call["path"], "/auth")
        self.assertEqual(call["headers"]["x-token"], "t1")
        self.assertEqual(call["headers"]["accept-encoding"], "identity")
        self.assertEqual(json.loads(call["body"]), {"title": "hooked", "workspaceId": 2})

    def test_refusals_and_bad_answers_mean_anonymous(self):
        for token in ("nobody", "boom", "broken", "list"):
            with self.subTest(token=token):
                self.assertAnonymous({"x-token": token})
        self.assertAnonymous({})

    def test_a_failing_webhook_is_logged_with_the_request_id(self):
        self.assertAnonymous({"x-token": "hangup", "x-request-id": f"hook-{self.engine}-1"})
        rec = self.w.wait_for_log(lambda r: r.get("reqId") == f"hook-{self.engine}-1",
                                  what="the webhook failure line")
        self.assertEqual(rec["level"], 40)
        self.assertIn(f"The authorization webhook {self.hook.url} failed", rec["msg"])

    def test_admin_secret_with_a_webhook_user_makes_an_admin(self):
        h = {"x-token": "t1", "X-PLATFORMATIC-ADMIN-SECRET": "s3cret"}
        self.assertEqual(self.ids("/notes?fields=id&where.id.lte=4&orderby.id=asc", headers=h), ["1", "2", "3", "4"])


class SqliteWebhookTest(WebhookBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresWebhookTest(WebhookBehaviour, DbTestCase):
    engine = "postgres"


if __name__ == "__main__":
    unittest.main()
