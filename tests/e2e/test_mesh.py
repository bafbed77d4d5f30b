"""The in-process mesh: http://{id}.plt.local from one Node application to another."""

import base64
import json
import unittest

from harness import WattTestCase


class MeshTest(WattTestCase):
    """fixtures/mesh: entrypoint "a" (no gateway) calls "b" over the mesh."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("mesh")

    def test_fetch_to_other_application(self):
        body = self.w.get_json("/fetch")
        self.assertEqual(body["status"], 200)
        self.assertEqual(body["xApp"], "b")
        b = body["body"]
        self.assertEqual(b["app"], "b")
        self.assertEqual(b["url"], "/x?y=1")
        self.assertEqual(b["headers"]["host"], "b.plt.local")
        self.assertEqual(b["headers"]["x-from"], "a")

    def test_fetch_post_body_and_case_insensitive_host(self):
        payload = bytes(range(256)) * 3
        r = self.w.request("POST", "/fetch-post", body=payload)
        self.assertEqual(r.status, 200, r)
        b = r.json()["body"]
        self.assertEqual(b["app"], "b")
        self.assertEqual(b["method"], "POST")
        self.assertEqual(base64.b64decode(b["bodyB64"]), payload)

    def test_http_request_to_other_application(self):
        body = self.w.get_json("/request")
        self.assertEqual(body["status"], 200)
        self.assertEqual(body["body"]["app"], "b")
        self.assertEqual(body["body"]["url"], "/via-request?z=2")
        self.assertEqual(body["body"]["headers"]["host"], "b.plt.local")

    def test_http_get_with_options_object(self):
        body = self.w.get_json("/get")
        self.assertEqual(body["status"], 200)
        self.assertEqual(body["body"]["app"], "b")
        self.assertEqual(body["body"]["url"], "/via-get")

    def test_fetch_to_unknown_application_rejects(self):
        body = self.w.get_json("/fetch-unknown")
        self.assertFalse(body["resolved"], body)
        self.assertEqual(body["name"], "TypeError")
        self.assertEqual(body["message"], "fetch failed")
        self.assertRegex(body["cause"], r"^No target found for nope\.plt\.local in thread \d+\.$")

    def test_http_request_to_unknown_application_is_502_naming_it(self):
        body = self.w.get_json("/request-unknown")
        self.assertNotIn("error", body, body)
        self.assertEqual(body["status"], 502)
        self.assertTrue(body["contentType"].startswith("application/json"), body)
        err = json.loads(body["body"])
        self.assertEqual(err["statusCode"], 502)
        self.assertIn("nope", err["message"])

    def test_platformatic_globals(self):
        a = self.w.get_json("/whoami")
        self.assertEqual(a["applicationId"], "a")
        self.assertEqual(a["workerId"], 0)
        self.assertTrue(a["isEntrypoint"])
        b = self.w.get_json("/fetch")["body"]
        self.assertEqual(b["applicationId"], "b")
        self.assertEqual(b["workerId"], 0)

    def test_applications_run_in_separate_processes(self):
        a = self.w.get_json("/whoami")
        b = self.w.get_json("/fetch")["body"]
        self.assertNotEqual(a["pid"], b["pid"])
        self.assertNotEqual(a["pid"], self.w.proc.pid)


if __name__ == "__main__":
    unittest.main()
