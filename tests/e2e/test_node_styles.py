"""The ways a Node application can be written, and how each is served."""

import os
import unittest

from harness import WattTestCase, free_port, port_is_bound

BACKGROUND = "Background services cannot receive HTTP requests via the mesh network."


class NodeStylesTest(WattTestCase):
    """fixtures/styles: a gateway (no list) in front of one application per style."""

    @classmethod
    def setUpClass(cls):
        cls.bb_port = free_port()
        cls.w = cls.shared_watt("styles", env={"E2E_BLACKBOX_PORT": cls.bb_port})

    def assertServed(self, app):
        r = self.w.get(f"/{app}/hello?x=1")
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["app"], app)
        self.assertEqual(body["applicationId"], app)
        self.assertEqual(body["url"], "/hello?x=1")
        return body

    def test_build_returning_http_server(self):
        self.assertServed("srv")

    def test_build_returning_bare_handler(self):
        self.assertServed("fn")

    def test_async_build(self):
        self.assertServed("asyncbuild")

    def test_create_in_app_js(self):
        self.assertServed("creator")

    def test_esm_mjs_entry(self):
        self.assertServed("esm")

    def test_type_module_package_with_default_export(self):
        self.assertServed("esmpkg")

    def test_entry_from_package_json_main(self):
        self.assertServed("mainfield")

    def test_black_box_listen_is_captured(self):
        body = self.assertServed("blackbox")
        self.assertFalse(body["isEntrypoint"])
        self.assertFalse(port_is_bound(self.bb_port),
                         f"the black box's own port {self.bb_port} must not be bound")
        rec = self.w.wait_for_msg("blackbox listen callback called")
        self.assertEqual(rec["name"], "blackbox")

    def test_background_application_behind_gateway(self):
        for method, path in (("GET", "/bg/"), ("POST", "/bg/anything?x=1")):
            with self.subTest(method=method):
                r = self.w.request(method, path, body=b"{}" if method == "POST" else None)
                self.assertEqual(r.status, 500, r)
                body = r.json()
                self.assertEqual(body["message"], BACKGROUND)
                self.assertEqual(body["statusCode"], 500)
                self.assertTrue(r.header("content-type", "").startswith("application/json"))

    def test_every_application_started(self):
        started = {r["msg"] for r in self.w.logs() if r.get("msg", "").startswith("Started the application")}
        for app in ("gateway", "srv", "fn", "asyncbuild", "creator", "esm", "esmpkg", "blackbox", "bg", "mainfield"):
            self.assertIn(f'Started the application "{app}"', started)


class EntrypointBlackBoxTest(WattTestCase):
    """fixtures/entry-blackbox: a single black-box application is the entrypoint."""

    @classmethod
    def setUpClass(cls):
        cls.public_port = free_port()
        cls.own_port = free_port()
        cls.w = cls.shared_watt("entry-blackbox", env={"PORT": cls.public_port,
                                                      "E2E_BLACKBOX_PORT": cls.own_port})

    def test_served_on_public_port_without_forwarded_headers(self):
        self.assertEqual(self.w.port, self.public_port)
        body = self.w.get_json("/x?y=1", headers={"host": "public.example"})
        self.assertEqual(body["app"], "bb")
        self.assertTrue(body["isEntrypoint"])
        self.assertEqual(body["url"], "/x?y=1")
        self.assertEqual(body["headers"]["host"], "public.example")
        for h in ("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto"):
            self.assertNotIn(h, body["headers"])

    def test_client_forwarded_headers_pass_untouched(self):
        body = self.w.get_json("/x", headers={"x-forwarded-for": "10.1.2.3"})
        self.assertEqual(body["headers"]["x-forwarded-for"], "10.1.2.3")

    def test_own_port_not_bound(self):
        self.assertFalse(port_is_bound(self.own_port))

    def test_server_address_reports_public_port(self):
        body = self.w.get_json("/address")
        self.assertEqual(body["address"], {"address": "127.0.0.1", "family": "IPv4", "port": self.public_port})
        self.assertEqual(body["addressInCallback"], body["address"])


class EntryDiscoveryTest(WattTestCase):
    """Entry file resolution order for a folder without node.main, on the single fixture."""

    def start_with(self, files, remove=("web/app/index.js",)):
        w = self.watt("single")
        for rel in remove:
            os.remove(w.path(rel))
        for rel, text in files.items():
            w.write(rel, text)
        w.start()
        return w

    SERVER = ("const http = require('node:http')\n"
              "module.exports.build = () => http.createServer((req, res) => res.end('{tag}'))\n")

    def test_index_js_preferred_over_app_js(self):
        w = self.start_with({"web/app/index.js": self.SERVER.format(tag="index"),
                             "web/app/app.js": self.SERVER.format(tag="app")}, remove=())
        self.assertEqual(w.get("/").body, b"index")

    def test_app_js_when_no_index(self):
        w = self.start_with({"web/app/app.js": self.SERVER.format(tag="app")})
        self.assertEqual(w.get("/").body, b"app")

    def test_package_main_wins_over_index(self):
        w = self.start_with({"web/app/index.js": self.SERVER.format(tag="index"),
                             "web/app/src/server.js": self.SERVER.format(tag="main"),
                             "web/app/package.json": '{"name": "app", "main": "src/server.js"}'},
                            remove=())
        self.assertEqual(w.get("/").body, b"main")


if __name__ == "__main__":
    unittest.main()
