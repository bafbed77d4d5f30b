"""Logs: one JSON record per stdout line, pino-style; application output becomes records."""

import socket
import unittest

from harness import WattTestCase, parse_json_line


class LogsTest(WattTestCase):
    """fixtures/logs: a gateway and "chatty", which writes to stdout/stderr while loading."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("logs")
        cls.w.wait_for_msg("oops on stderr")  # stderr and stdout are read separately

    def find(self, predicate, what):
        recs = [r for r in self.w.logs() if predicate(r)]
        self.assertTrue(recs, f"no record {what}\n{self.w.dump()}")
        return recs[0]

    def test_every_stdout_line_is_a_json_record(self):
        lines = [l for l in self.w.stdout_lines if l.strip()]
        self.assertGreater(len(lines), 3)
        for line in lines:
            rec = parse_json_line(line)
            self.assertIsNotNone(rec, f"not a JSON object: {line!r}")
            self.assertIsInstance(rec.get("level"), int, line)
            self.assertIsInstance(rec.get("time"), int, line)
            self.assertIsInstance(rec.get("msg"), str, line)

    def test_runtime_records_have_pid_and_hostname(self):
        own = [r for r in self.w.logs() if "name" not in r]
        self.assertTrue(own)
        for rec in own:
            self.assertEqual(rec["pid"], self.w.proc.pid, rec)
            self.assertEqual(rec["hostname"], socket.gethostname(), rec)
            self.assertGreater(rec["time"], 1_600_000_000_000, "time is in milliseconds since the epoch")

    def test_a_line_per_started_application_and_the_listening_line(self):
        msgs = [r["msg"] for r in self.w.logs()]
        for app in ("gateway", "chatty"):
            self.assertEqual(msgs.count(f'Started the application "{app}"'), 1, msgs)
        listening = self.find(lambda r: r["msg"].startswith("Watt is now listening at"), "listening")
        self.assertEqual(listening["msg"], f"Watt is now listening at {self.w.url}")
        self.assertEqual(listening["level"], 30)
        self.assertGreater(msgs.index(listening["msg"]), msgs.index('Started the application "chatty"'))

    def test_console_log_becomes_a_record_of_the_application(self):
        rec = self.find(lambda r: r.get("msg") == "hello", "for console.log('hello')")
        self.assertEqual(rec["name"], "chatty")
        self.assertEqual(rec["worker"], 0)
        self.assertEqual(rec["level"], 30)
        self.assertIsInstance(rec["pid"], int)
        self.assertIsInstance(rec["hostname"], str)

    def test_console_log_during_a_request(self):
        self.assertEqual(self.w.get("/chatty/log?n=7").status, 200)
        rec = self.w.wait_for_msg("request log 7")
        self.assertEqual((rec["name"], rec["worker"], rec["level"]), ("chatty", 0, 30))

    def test_pino_json_line_passes_through_with_name(self):
        rec = self.find(lambda r: r.get("msg") == "x" and r.get("time") == 1, "for the pino line")
        self.assertEqual(rec["level"], 30)
        self.assertEqual(rec["name"], "chatty")
        warn = self.find(lambda r: r.get("msg") == "pino warning", "for the pino warning")
        self.assertEqual((warn["level"], warn["time"], warn["extra"], warn["name"]), (40, 2, {"k": 1}, "chatty"))

    def test_console_error_is_level_50(self):
        rec = self.find(lambda r: r.get("msg") == "oops on stderr", "for console.error")
        self.assertEqual(rec["level"], 50)
        self.assertEqual(rec["name"], "chatty")
        self.assertEqual(rec["worker"], 0)

    def test_nothing_on_stderr_for_a_healthy_start(self):
        self.assertEqual(self.w.stderr.strip(), "")


if __name__ == "__main__":
    unittest.main()
