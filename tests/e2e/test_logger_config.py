"""The runtime's logger block: `redact`, `transport` targets (pino/file, pino-pretty, per-target
levels) and each application's own `logger.level`."""

import json
import os
import time
import unittest

from harness import WattTestCase, parse_json_line

# Writes pino lines at several levels while loading, then serves.
APP = r"""
const http = require('node:http')
const name = process.env.APP_NAME
const line = (level, msg, extra) =>
  process.stdout.write(JSON.stringify({ level, time: Date.now(), msg, ...extra }) + '\n')
line(20, `${name} debug`)
line(30, `${name} info`, {
  req: { method: 'GET', url: '/x', headers: { authorization: 'Bearer s3cret', host: 'x' } },
  secret: 'hunter2', users: [{ name: 'a', password: 'p1' }, { name: 'b', password: 'p2' }]
})
line(40, `${name} warn`)
module.exports.build = () => http.createServer((req, res) => res.end(name))
"""


def project(logger, quiet_level="warn", loud_level="debug"):
    def app(name, level):
        return {
            f"web/{name}/index.js": APP,
            f"web/{name}/package.json": {"name": name, "main": "index.js"},
            f"web/{name}/platformatic.json": {
                "$schema": "https://schemas.platformatic.dev/@platformatic/node/3.0.0.json",
                "logger": {"level": level}},
            f"web/{name}/.env": f"APP_NAME={name}\n",
        }
    files = {
        "watt.json": {
            "$schema": "https://schemas.platformatic.dev/wattpm/3.0.0.json",
            "server": {"hostname": "127.0.0.1", "port": "{PORT}"},
            "logger": logger,
            "entrypoint": "quiet",
            "autoload": {"path": "web"},
        },
    }
    files.update(app("quiet", quiet_level))
    files.update(app("loud", loud_level))
    return files


LOGGER = {
    "level": "info",
    "redact": {"paths": ["req.headers.authorization", "secret", "users[*].password"], "censor": "***"},
    "transport": {"targets": [
        {"target": "pino/file", "options": {"destination": 1}},
        {"target": "pino/file", "level": "warn", "options": {"destination": "logs/warn.log", "mkdir": True}},
        {"target": "pino-pretty", "options": {"destination": "logs/pretty.log", "mkdir": True, "colorize": False}},
    ]},
}


class LoggerConfigTest(WattTestCase):
    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt(files=project(LOGGER))
        cls.w.wait_for_msg("loud warn")
        cls.w.wait_for_msg("quiet warn")

    def records(self, name):
        return [r for r in self.w.logs() if r.get("name") == name]

    def test_redacted_paths_are_censored_and_the_rest_is_kept(self):
        rec = self.w.wait_for_msg("loud info")
        self.assertEqual(rec["req"]["headers"]["authorization"], "***")
        self.assertEqual(rec["req"]["headers"]["host"], "x")
        self.assertEqual(rec["secret"], "***")
        self.assertEqual([u["password"] for u in rec["users"]], ["***", "***"])
        self.assertEqual([u["name"] for u in rec["users"]], ["a", "b"])
        self.assertNotIn("s3cret", self.w.stdout)
        self.assertNotIn("hunter2", self.w.stdout)

    def test_an_application_level_filters_its_own_records(self):
        quiet = [r["msg"] for r in self.records("quiet")]
        self.assertIn("quiet warn", quiet)
        self.assertNotIn("quiet info", quiet)
        self.assertNotIn("quiet debug", quiet)
        loud = [r["msg"] for r in self.records("loud")]
        self.assertIn("loud debug", loud)  # its own level is below the runtime's
        self.assertIn("loud info", loud)

    def test_a_file_target_with_its_own_level(self):
        text = self.read_when("logs/warn.log", "quiet warn")
        recs = [json.loads(line) for line in text.splitlines() if line.strip()]
        self.assertTrue(any(r["msg"] == "quiet warn" for r in recs), recs)
        self.assertTrue(all(r["level"] >= 40 for r in recs), recs)
        self.assertFalse(any(r["msg"] == "loud info" for r in recs))

    def read_when(self, rel, fragment, timeout=10.0):
        """The file's text once it holds `fragment` (targets are written one after another)."""
        deadline = time.monotonic() + timeout
        while True:
            with open(self.w.path(rel)) as f:
                text = f.read()
            if fragment in text or time.monotonic() > deadline:
                return text
            time.sleep(0.02)

    def test_a_pretty_target_writes_readable_lines(self):
        text = self.read_when("logs/pretty.log", "Watt is now listening at")
        self.assertIn("WARN (quiet:0/", text)
        self.assertIn("Watt is now listening at", text)
        self.assertNotIn("\x1b[", text, "colorize: false")
        self.assertNotIn("s3cret", text)
        for line in text.splitlines():
            self.assertIsNone(parse_json_line(line), line)


class LoggerConfigErrorsTest(WattTestCase):
    def run_config(self, logger):
        w = self.watt(files=project(logger))
        code = w.run_to_exit(timeout=30)
        return w, code

    def test_redact_without_paths(self):
        w, code = self.run_config({"redact": {"censor": "x"}})
        self.assertNotEqual(code, 0)
        self.assertIn("watt.json", w.stderr)
        self.assertIn("logger.redact", w.stderr)
        self.assertIn('"paths"', w.stderr)
        self.assertNoStackTrace(w.stderr)

    def test_wrong_types(self):
        w, code = self.run_config({"redact": {"paths": "secret"},
                                   "transport": {"targets": {"target": "pino/file"}}})
        self.assertNotEqual(code, 0)
        self.assertIn("logger.redact.paths", w.stderr)
        self.assertIn("logger.transport.targets", w.stderr)

    def test_a_target_level_must_be_a_level(self):
        w, code = self.run_config({"transport": {"targets": [{"target": "pino/file", "level": "loud"}]}})
        self.assertNotEqual(code, 0)
        self.assertIn("logger.transport.targets[0].level", w.stderr)

    def test_an_application_level_must_be_a_level(self):
        w = self.watt(files=project({"level": "info"}, quiet_level="chatty"))
        code = w.run_to_exit(timeout=30)
        self.assertNotEqual(code, 0)
        self.assertIn(os.path.join("web", "quiet", "platformatic.json"), w.stderr)
        self.assertIn("logger.level", w.stderr)

    def test_an_unopenable_file_stops_the_start(self):
        w, code = self.run_config({"transport": {"target": "pino/file",
                                                 "options": {"destination": "missing/dir/x.log"}}})
        self.assertEqual(code, 1)
        self.assertIn("missing/dir/x.log", w.stderr)
        self.assertIn("mkdir", w.stderr)
        self.assertNoStackTrace(w.stderr)

    def test_another_transport_is_a_warning_and_records_go_to_stdout(self):
        w = self.started(files=project({"transport": {"target": "pino-elasticsearch",
                                                      "options": {"node": "http://x"}}}))
        warning = w.wait_for_msg("pino-elasticsearch")
        self.assertEqual(warning["level"], 40)
        self.assertIn("logger.transport.target", warning["msg"])
        self.assertEqual(w.get("/").status, 200)


if __name__ == "__main__":
    unittest.main()
