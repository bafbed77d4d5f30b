"""Worker health (Watt's `health`): a Node worker past a limit fails the liveness probe and,
after `maxUnhealthyChecks` checks in a row, is replaced; its replacement is healthy again."""

import time
import unittest

from harness import WattTestCase, free_port, http_request

# GET /burn makes the worker that answers spin its event loop (ELU close to 1) while still
# serving requests between two spins.
BURNER = """
const http = require('node:http')
let burning = false
function burn () {
  const end = Date.now() + 40
  while (Date.now() < end);
  setImmediate(burn)
}
module.exports.build = () => http.createServer((req, res) => {
  if (req.url === '/burn' && !burning) {
    burning = true
    setImmediate(burn)
  }
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ workerId: globalThis.platformatic.workerId, burning }))
})
"""

# Watt's custom checks of an application, switched by requests.
CHECKED = """
const http = require('node:http')
let healthy = true
let ready = true
globalThis.platformatic.setCustomHealthCheck(() => healthy || { status: false, body: 'sick', statusCode: 503 })
globalThis.platformatic.setCustomReadinessCheck(async () => ready)
module.exports.build = () => http.createServer((req, res) => {
  if (req.url === '/sick') healthy = false
  if (req.url === '/well') healthy = true
  if (req.url === '/unready') ready = false
  res.end('ok')
})
"""


class HealthTest(WattTestCase):

    def start(self, workers, health, source=BURNER, **extra):
        port = free_port()
        w = self.watt(files={
            "watt.json": {
                "server": {"hostname": "127.0.0.1", "port": 0},
                "logger": {"level": "info"},
                "entrypoint": "burner",
                "metrics": {"hostname": "127.0.0.1", "port": port},
                "health": health,
                "applications": [{"id": "burner", "path": "web/burner", "workers": workers}],
                **extra,
            },
            "web/burner/package.json": {"name": "burner", "private": True},
            "web/burner/index.js": source,
        })
        w.start()
        w.metrics_port = port
        return w

    def status(self, w, path="/status"):
        return http_request("127.0.0.1", w.metrics_port, "GET", path).status

    def poll_status(self, w, expected, timeout=20.0, path="/status"):
        deadline = time.monotonic() + timeout
        while True:
            r = http_request("127.0.0.1", w.metrics_port, "GET", path)
            if r.status == expected:
                return r
            if time.monotonic() > deadline:
                self.fail(f"{path} never answered {expected}\n{w.dump()}")
            time.sleep(0.05)

    def restarts(self, w):
        r = http_request("127.0.0.1", w.metrics_port, "GET", "/metrics")
        for line in r.text.splitlines():
            if line.startswith('platformatic_application_restarts_total{applicationId="burner"'):
                return float(line.rsplit(" ", 1)[1])
        self.fail(f"no restarts series\n{r.text}")

    def test_an_unhealthy_single_worker_fails_liveness_and_is_replaced(self):
        w = self.start(1, {"interval": 1000, "gracePeriod": 0, "maxUnhealthyChecks": 3, "maxELU": 0.5})
        self.assertEqual(self.status(w), 200)
        self.assertEqual(w.get_json("/burn")["burning"], True)
        rec = w.wait_for_msg('The worker 0 of the application "burner" has an ELU of ')
        self.assertEqual(rec["level"], 50)
        self.assertIn("above the maximum allowed usage of 50.00 %.", rec["msg"])
        self.poll_status(w, 500)
        w.wait_for_msg('The worker 0 of the application "burner" is unhealthy. Replacing it ...')
        w.wait_for_msg('Restarted the application "burner"')
        self.poll_status(w, 200)
        self.assertEqual(w.get_json("/")["burning"], False, "the replacement is a fresh worker")
        self.assertEqual(self.restarts(w), 1)

    def test_an_unhealthy_worker_thread_is_replaced_alone(self):
        w = self.start(2, {"interval": 1000, "gracePeriod": 0, "maxUnhealthyChecks": 2, "maxELU": 0.5})
        burning = w.get_json("/burn")["workerId"]
        other = 1 - burning
        w.wait_for_msg(f'The worker {burning} of the application "burner" is unhealthy. Replacing it ...')
        w.wait_for_msg(f'Worker {burning} of "burner" is ready again')
        self.poll_status(w, 200)
        answers = {a["workerId"]: a["burning"] for a in (w.get_json("/") for _ in range(4))}
        self.assertEqual(answers, {0: False, 1: False}, answers)
        self.assertEqual(self.restarts(w), 1)
        self.assertFalse(any(f"The worker {other} of the application" in l for l in w.stdout_lines), w.dump())

    def test_disabled_health_never_replaces_a_busy_worker(self):
        w = self.start(1, {"enabled": False, "interval": 1000, "gracePeriod": 0, "maxUnhealthyChecks": 1,
                           "maxELU": 0.5})
        w.get_json("/burn")
        time.sleep(2.5)  # three check intervals: nothing may happen in them
        self.assertEqual(self.status(w), 200)
        self.assertFalse(any("has an ELU of" in l for l in w.stdout_lines), w.dump())
        self.assertEqual(self.restarts(w), 0)

    def test_the_applications_own_checks_decide_status_and_ready(self):
        w = self.start(1, {}, source=CHECKED)
        self.assertEqual(self.status(w), 200)
        self.assertEqual(w.get("/sick").status, 200)
        r = self.poll_status(w, 503)
        self.assertEqual(r.text, "sick")  # the check's own status code and body
        self.assertEqual(self.status(w, "/ready"), 200)  # liveness only
        self.assertEqual(w.get("/well").status, 200)
        self.poll_status(w, 200)
        self.assertEqual(w.get("/unready").status, 200)
        r = self.poll_status(w, 500, path="/ready")
        self.assertEqual(r.text, "ERR")
        self.assertEqual(self.status(w), 500, "liveness includes readiness, as in Watt")


if __name__ == "__main__":
    unittest.main()
