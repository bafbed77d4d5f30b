"""Gateway routing end to end: prefixes, forwarding of the request, the answer passed back."""

import base64
import json
import unittest

from harness import WattTestCase

NOT_FOUND_X = b'{"message":"Route GET:/x not found","error":"Not Found","statusCode":404}'
WELCOME = {"message": "Welcome to Platformatic! Please visit https://docs.platformatic.dev"}


class GatewayRoutingTest(WattTestCase):
    """fixtures/gateway: a gateway listing root ("/", listed first), api ("/api") and
    apiv2 ("/api/v2"); every application is the shared echo server."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("gateway")

    def echo(self, method, path, **kw):
        r = self.w.request(method, path, **kw)
        self.assertEqual(r.status, 200, r)
        return r, r.json()

    def test_longest_prefix_wins_with_root_listed_first(self):
        cases = [
            ("/api/v2/items", "apiv2", "/items"),
            ("/api/v2", "apiv2", "/"),
            ("/api/v2/", "apiv2", "/"),
            ("/api/items", "api", "/items"),
            ("/api", "api", "/"),
            ("/api/v2x", "api", "/v2x"),  # "/api/v2" must not match "/api/v2x"
            ("/apix", "root", "/apix"),  # "/api" must not match "/apix"
            ("/other/thing", "root", "/other/thing"),
            ("/", "root", "/"),
        ]
        for path, app, forwarded in cases:
            with self.subTest(path=path):
                r, body = self.echo("GET", path)
                self.assertEqual(body["app"], app)
                self.assertEqual(r.header("x-app"), app)
                self.assertEqual(body["url"], forwarded)

    def test_query_string_forwarded_byte_for_byte(self):
        query = "?b=%20x&a=1&a=2&empty=&plus=a+b&enc=%E2%82%AC&flag&slash=%2F&q=%3F%26"
        _, body = self.echo("GET", "/api/search" + query)
        self.assertEqual(body["url"], "/search" + query)
        _, body = self.echo("GET", "/api" + query)
        self.assertEqual(body["url"], "/" + query)

    def test_post_and_put_bodies_forwarded_verbatim(self):
        payloads = [
            ("POST", b'{"a": 1, "nested": {"b": [1, 2, 3]}}', "application/json"),
            ("PUT", bytes(range(256)) * 4, "application/octet-stream"),
            ("POST", "ünïcödé ✓ text\r\nwith CRLF\n".encode("utf-8"), "text/plain; charset=utf-8"),
            ("PATCH", b"", "text/plain"),
        ]
        for method, payload, ctype in payloads:
            with self.subTest(method=method, ctype=ctype):
                _, body = self.echo(method, "/api/v2/upload?x=1", body=payload,
                                    headers={"content-type": ctype})
                self.assertEqual(body["method"], method)
                self.assertEqual(body["url"], "/upload?x=1")
                self.assertEqual(body["bodyLength"], len(payload))
                self.assertEqual(base64.b64decode(body["bodyB64"]), payload)
                self.assertEqual(body["headers"]["content-type"], ctype)

    def test_forwarded_headers_set_and_client_values_overwritten(self):
        _, body = self.echo("GET", "/api/h", headers={
            "x-forwarded-for": "6.6.6.6",
            "x-forwarded-host": "evil.example",
            "x-forwarded-proto": "gopher",
            "x-custom-client": "kept",
        })
        h = body["headers"]
        self.assertEqual(h["x-forwarded-for"], "127.0.0.1")
        self.assertEqual(h["x-forwarded-host"], f"127.0.0.1:{self.w.port}")
        self.assertEqual(h["x-forwarded-proto"], "http")
        self.assertEqual(h["x-custom-client"], "kept")
        # Each forwarded header appears exactly once.
        raw_names = [n.lower() for n in body["rawHeaders"][0::2]]
        for name in ("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "host"):
            self.assertEqual(raw_names.count(name), 1, body["rawHeaders"])

    def test_application_sees_mesh_host(self):
        for path, app in (("/api/x", "api"), ("/api/v2/x", "apiv2"), ("/x", "root")):
            with self.subTest(path=path):
                _, body = self.echo("GET", path, headers={"host": "public.example:8080"})
                self.assertEqual(body["headers"]["host"], f"{app}.plt.local")
                self.assertEqual(body["headers"]["x-forwarded-host"], "public.example:8080")

    def test_status_and_headers_passed_back_including_repeated_set_cookie(self):
        r = self.w.get("/api/cookies")
        self.assertEqual(r.status, 201)
        self.assertEqual(r.header_all("set-cookie"), ["a=1; Path=/", "b=2; HttpOnly"])
        self.assertEqual(r.header("x-custom"), "yes")
        self.assertEqual(r.header("x-app"), "api")
        self.assertEqual(r.json(), {"app": "api"})

        r = self.w.get("/api/v2/teapot")
        self.assertEqual(r.status, 418)
        self.assertEqual(r.header("x-reason"), "short and stout")
        self.assertEqual(r.json(), {"app": "apiv2", "teapot": True})

    def test_relative_location_gets_the_prefix_back(self):
        r = self.w.get("/api/redirect")
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header("location"), "/api/target?from=redirect")
        r = self.w.get("/api/v2/redirect")
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header("location"), "/api/v2/target?from=redirect")
        r = self.w.get("/redirect")  # the root application: nothing to add
        self.assertEqual(r.header("location"), "/target?from=redirect")
        r = self.w.get("/api/absolute-redirect")  # absolute URLs are left alone
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("location"), "http://example.com/elsewhere")

    def test_head_request_has_no_body(self):
        r = self.w.request("HEAD", "/api/x")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    def test_path_escaping_the_prefix_is_rejected(self):
        r = self.w.get("/api/%2e%2e/secret")
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["statusCode"], 400)


class GatewayWithoutListTest(WattTestCase):
    """fixtures/gateway-auto: a gateway without an applications list (every other application
    is exposed at /{id}); no entrypoint key (the only gateway is chosen); no root app."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("gateway-auto")

    def test_unmatched_path_is_a_fastify_404(self):
        r = self.w.get("/x")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, NOT_FOUND_X)
        self.assertTrue(r.header("content-type", "").startswith("application/json"), r)

    def test_unmatched_path_404_names_method_and_full_target(self):
        r = self.w.request("DELETE", "/nope/deeper?q=1")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json(), {"message": "Route DELETE:/nope/deeper?q=1 not found",
                                    "error": "Not Found", "statusCode": 404})

    def test_root_without_root_application_is_the_welcome_json(self):
        r = self.w.get("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), WELCOME)
        self.assertTrue(r.header("content-type", "").startswith("application/json"), r)

    def test_every_other_application_is_exposed_at_its_id(self):
        for app in ("api", "other"):
            with self.subTest(app=app):
                r = self.w.get(f"/{app}/hello?z=9")
                self.assertEqual(r.status, 200, r)
                body = r.json()
                self.assertEqual(body["app"], app)
                self.assertEqual(body["url"], "/hello?z=9")
                self.assertEqual(body["headers"]["host"], f"{app}.plt.local")

    def test_gateway_does_not_expose_itself(self):
        r = self.w.get("/gateway/x")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["message"], "Route GET:/gateway/x not found")


class SeedComposerTest(WattTestCase):
    """fixtures/seed: platformatic.json with "services", a composer with composer.services and
    origins internal://api and http://echo.plt.local, runtime "workers": {"api": 2}."""

    @classmethod
    def setUpClass(cls):
        from harness import free_port
        cls.port = free_port()
        cls.w = cls.shared_watt("seed", env={"PORT": cls.port})

    def test_port_placeholder_used(self):
        self.assertEqual(self.w.port, self.port)

    def test_internal_origin(self):
        r = self.w.request("POST", "/api/items?k=v", body=b'{"a":1}',
                           headers={"content-type": "application/json"})
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["app"], "api")
        self.assertEqual(body["url"], "/items?k=v")
        self.assertEqual(body["headers"]["host"], "api.plt.local")
        self.assertEqual(base64.b64decode(body["bodyB64"]), b'{"a":1}')

    def test_plt_local_origin(self):
        r = self.w.get("/echo/y?q=1")
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["app"], "echo")
        self.assertEqual(body["url"], "/y?q=1")
        self.assertEqual(body["headers"]["host"], "echo.plt.local")

    def test_prefix_root_of_service(self):
        body = self.w.get_json("/echo")
        self.assertEqual((body["app"], body["url"]), ("echo", "/"))

    def test_unlisted_path_is_404(self):
        r = self.w.get("/composer/x")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["message"], "Route GET:/composer/x not found")


if __name__ == "__main__":
    unittest.main()
