"""Prometheus metrics and health probes (the runtime's `metrics` key): a separate listener with
`/metrics` (checked by Prometheus' own `promtool check metrics`), `/ready`, `/status` and `/`."""

import base64
import http.client
import re
import shutil
import subprocess
import threading
import time
import unittest

from harness import WattTestCase, free_port, http_request

PROMTOOL = shutil.which("promtool")

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_samples(text):
    """[(name, {label: value}, float)] of every sample line of a text exposition."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            raise AssertionError(f"not a sample line: {line!r}")
        labels = dict(LABEL_RE.findall(m.group(3) or ""))
        out.append((m.group(1), labels, float(m.group(4))))
    return out


def find(samples, name, **labels):
    return [(l, v) for n, l, v in samples if n == name and all(l.get(k) == str(x) for k, x in labels.items())]


def value(samples, name, **labels):
    rows = find(samples, name, **labels)
    if len(rows) != 1:
        raise AssertionError(f"expected one {name} {labels}, got {rows}")
    return rows[0][1]


def total(samples, name, **labels):
    """The sum of the matching rows (the request series have one row per workerId)."""
    rows = find(samples, name, **labels)
    if not rows:
        raise AssertionError(f"no {name} {labels}")
    return sum(v for _, v in rows)


def metrics_config(port, **extra):
    return {"hostname": "127.0.0.1", "port": port, **extra}


class MetricsTestCase(WattTestCase):

    def start_with_metrics(self, fixture="gateway", env=None, wait=True, **extra):
        port = free_port()
        w = self.watt(fixture)
        w.patch_json("watt.json", {"metrics": metrics_config(port, **extra)})
        w.start(env=env, wait=wait)
        w.metrics_port = port
        return w

    def get(self, w, path, headers=None):
        return http_request("127.0.0.1", w.metrics_port, "GET", path, headers=headers)

    def scrape(self, w, path="/metrics", headers=None):
        r = self.get(w, path, headers)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8")
        return r.text

    def poll(self, fn, what, timeout=15.0):
        deadline = time.monotonic() + timeout
        while True:
            got = fn()
            if got:
                return got
            if time.monotonic() > deadline:
                self.fail(f"timed out waiting for {what}")
            time.sleep(0.1)

    def promtool_check(self, text):
        """`promtool check metrics` on a scrape: exit 0, or exit 3 ("lint problems", promtool 2.42
        has no flag to turn linting off) where every problem is one that Watt's own names cause:
        the camelCase `applicationId`/`workerId` labels and `summary` in
        http_request_all_summary_seconds. A malformed exposition exits 1 and fails."""
        if not PROMTOOL:
            self.fail("promtool is not installed (Debian package `prometheus`, see scripts/install-deps.sh --test)")
        p = subprocess.run([PROMTOOL, "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
        report = (p.stdout + p.stderr).decode()
        self.assertIn(p.returncode, (0, 3), f"promtool exited {p.returncode}: {report}\n{text[:3000]}")
        for line in report.splitlines():
            if not line.strip():
                continue
            watts_names = (line.endswith("label names should be written in 'snake_case' not 'camelCase'")
                           or line == "http_request_all_summary_seconds metric name should not include type 'summary'")
            self.assertTrue(watts_names, f"promtool: {line}\n{report}")
        return p.returncode


class MetricsEndpointsTest(MetricsTestCase):
    """fixtures/gateway (gateway -> root, api, apiv2, all Node) with metrics on."""

    def test_scrape_under_load_is_valid_and_counts_add_up(self):
        w = self.start_with_metrics()
        # A few client threads for a moment, on keep-alive connections; counted client-side.
        paths = ["/api/hello", "/api/teapot", "/other", "/api/v2/x"]
        counts = {p: 0 for p in paths}
        lock = threading.Lock()
        errors = []
        deadline = time.monotonic() + 2.0

        def client(k):
            conn = http.client.HTTPConnection(w.host, w.port, timeout=15)
            n = 0
            try:
                while time.monotonic() < deadline:
                    path = paths[(n + k) % len(paths)]
                    conn.request("GET", path)
                    r = conn.getresponse()
                    r.read()
                    expected = 418 if path.endswith("teapot") else 200
                    if r.status != expected:
                        errors.append((path, r.status))
                    with lock:
                        counts[path] += 1
                    n += 1
            except Exception as e:  # noqa: BLE001 -- reported below
                errors.append(repr(e))
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        # Scrape while the load runs too: a scrape must not disturb the request path.
        for t in threads:
            t.start()
        during = self.scrape(w)
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.promtool_check(during)

        text = self.scrape(w)
        self.promtool_check(text)
        s = parse_samples(text)
        sent = sum(counts.values())
        api_ok = counts["/api/hello"]
        teapots = counts["/api/teapot"]
        self.assertGreater(sent, 20)

        # Every public request is one request of the entrypoint (the gateway).
        gw = sum(v for _, v in find(s, "http_request_all_duration_seconds_count", applicationId="gateway", method="GET"))
        self.assertEqual(gw, sent, text)
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="gateway",
                               method="GET", status_code=418), teapots)
        # ...and one request of the application the gateway sent it to, over the mesh.
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="api",
                               method="GET", status_code=200), api_ok)
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="api",
                               method="GET", status_code=418), teapots)
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="apiv2",
                               method="GET", status_code=200), counts["/api/v2/x"])
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="root",
                               method="GET", status_code=200), counts["/other"])
        self.assertEqual(total(s, "watt_mesh_request_duration_seconds_count", applicationId="api",
                               method="GET", status_code=200), api_ok)
        self.assertEqual(find(s, "watt_mesh_request_duration_seconds_count", applicationId="gateway"), [])

        # Histogram: cumulative buckets ending in +Inf == _count; _sum is positive.
        buckets = find(s, "http_request_all_duration_seconds_bucket", applicationId="api", method="GET",
                       status_code=200, workerId=0)
        les = [l["le"] for l, _ in buckets]
        self.assertEqual(les, ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"])
        values = [v for _, v in buckets]
        self.assertEqual(values, sorted(values))
        self.assertEqual(values[-1], value(s, "http_request_all_duration_seconds_count", applicationId="api",
                                           method="GET", status_code=200, workerId=0))
        # workerId: a Node application's worker (api has one), and for the native gateway the loop
        # that served the request (it serves on every loop).
        self.assertEqual({l["workerId"] for l, _ in find(s, "http_request_all_duration_seconds_count",
                                                         applicationId="api")}, {"0"})
        self.assertGreater(total(s, "http_request_all_duration_seconds_sum", applicationId="api",
                                 method="GET", status_code=200), 0)
        # Summary: Watt's quantiles, count equal to the histogram's.
        self.assertEqual(total(s, "http_request_all_summary_seconds_count", applicationId="api",
                               method="GET", status_code=200), api_ok)
        self.assertIn("# TYPE http_request_all_summary_seconds summary", text)

        # Process and threads of the runtime.
        self.assertGreater(value(s, "process_resident_memory_bytes"), 1e6)
        self.assertGreater(value(s, "process_cpu_seconds_total"), 0)
        self.assertGreater(value(s, "process_open_fds"), 3)
        self.assertLess(abs(value(s, "process_start_time_seconds") - time.time()), 600)
        loops = [l["thread"] for l, _ in find(s, "thread_cpu_seconds_total") if l["thread"].startswith("loop:")]
        self.assertTrue(loops, text)
        gateway_workers = {l["workerId"] for l, _ in find(s, "http_request_all_duration_seconds_count",
                                                          applicationId="gateway")}
        self.assertTrue(gateway_workers <= {t.split(":")[1] for t in loops}, (gateway_workers, loops))
        self.assertTrue(find(s, "thread_cpu_percent_usage"))
        # Restarts: none so far, one series per application.
        for app in ("gateway", "api", "apiv2", "root"):
            self.assertEqual(value(s, "platformatic_application_restarts_total", applicationId=app), 0)
        # Node children: their own process, and the host's per-worker report (about once a second).
        self.assertGreater(value(s, "watt_application_process_resident_memory_bytes", applicationId="api"), 1e6)

        def node_reports():
            rows = find(parse_samples(self.scrape(w)), "nodejs_heap_size_used_bytes", applicationId="api", workerId=0)
            return rows

        rows = self.poll(node_reports, "a nodejs_heap_size_used_bytes series of api")
        self.assertGreater(rows[0][1], 0)
        final = self.scrape(w)
        self.promtool_check(final)
        s = parse_samples(final)
        elu = value(s, "nodejs_eventloop_utilization", applicationId="api", workerId=0)
        self.assertTrue(0 <= elu <= 1, elu)
        self.assertGreaterEqual(value(s, "nodejs_eventloop_lag_p99_seconds", applicationId="api", workerId=0), 0)

    def test_probes_root_and_unknown_routes(self):
        w = self.start_with_metrics()
        for path in ("/ready", "/status"):
            r = self.get(w, path)
            self.assertEqual((r.status, r.text), (200, "OK"), path)
            self.assertTrue(r.header("content-type").startswith("text/plain"), r)
        r = self.get(w, "/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.text, "Hello from Platformatic Prometheus Server!\n"
                                 "The metrics are available at /metrics.\n"
                                 "The readiness endpoint is available at /ready.\n"
                                 "The liveness endpoint is available at /status.")
        r = self.get(w, "/nope")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["message"], "Route GET:/nope not found")
        # The public port does not serve metrics: it is the gateway's.
        self.assertNotIn("process_cpu_seconds_total", w.get("/metrics").text)

    def test_crash_counts_a_restart_and_liveness_recovers(self):
        w = self.start_with_metrics()
        self.assertEqual(w.get("/api/exit").status, 200)

        def restarted():
            s = parse_samples(self.scrape(w))
            return value(s, "platformatic_application_restarts_total", applicationId="api") == 1

        self.poll(restarted, "platformatic_application_restarts_total{applicationId=\"api\"} 1")
        self.poll(lambda: self.get(w, "/status").status == 200, "/status to answer 200")
        self.assertEqual(w.get("/api/hello").status, 200)
        s = parse_samples(self.scrape(w))
        self.assertEqual(value(s, "platformatic_application_restarts_total", applicationId="root"), 0)


class MetricsWithTracingAndManagementTest(MetricsTestCase):
    """The same registry through the management API and `watt metrics`, and the tracer's
    counters when telemetry is on."""

    def test_management_api_and_cli_serve_the_registry_and_tracing_counters(self):
        from test_management import api, cli
        port = free_port()
        w = self.watt("gateway")
        w.patch_json("watt.json", {
            "metrics": metrics_config(port),
            "telemetry": {"applicationName": "m", "exporter": {"type": "file", "options": {"path": "spans.log"}}}})
        w.start()
        w.metrics_port = port
        for _ in range(5):
            self.assertEqual(w.get("/api/x").status, 200)

        def exported():
            samples = parse_samples(self.scrape(w))
            rows = find(samples, "watt_tracing_spans_exported_total")
            return rows and rows[0][1] > 0
        self.poll(exported, "exported spans counted")
        text = self.scrape(w)
        self.promtool_check(text)
        samples = parse_samples(text)
        self.assertEqual(value(samples, "watt_tracing_spans_dropped_total"), 0)

        r = api(w, "GET", "/api/v1/metrics")
        self.assertEqual(r.status, 200, r)
        self.assertIn("text/plain", r.header("content-type"))
        via_api = parse_samples(r.text)
        self.assertTrue(find(via_api, "http_request_all_duration_seconds_count", applicationId="gateway"))
        self.assertTrue(find(via_api, "watt_tracing_spans_exported_total"))

        r = api(w, "GET", "/api/v1/metrics", headers={"accept": "application/json"})
        self.assertEqual(r.status, 200, r)
        families = {f["name"]: f for f in r.json()}
        duration = families["http_request_all_duration_seconds"]
        self.assertEqual(duration["type"], "histogram")
        counts = [v for v in duration["values"] if v.get("metricName") == "http_request_all_duration_seconds_count"
                  and v["labels"].get("applicationId") == "gateway"]
        self.assertTrue(counts and sum(c["value"] for c in counts) >= 5, duration["values"][:5])
        self.assertEqual(families["watt_tracing_spans_dropped_total"]["values"][0]["value"], 0)

        out = cli(w, "metrics", str(w.proc.pid))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("http_request_all_duration_seconds", out.stdout)
        text = cli(w, "metrics", str(w.proc.pid), "-f", "text")
        self.assertEqual(text.returncode, 0, text.stderr)
        self.assertTrue(find(parse_samples(text.stdout), "watt_tracing_spans_exported_total"))


class WorkerMetricsTest(MetricsTestCase):

    def test_requests_are_counted_per_worker_of_the_application(self):
        # fixtures/workers: a gateway in front of Node applications; "counter" gets 3 workers,
        # which the round robin serves in turn.
        w = self.start_with_metrics("workers", env={"WORKERS": "3"})
        for _ in range(6):
            self.assertEqual(w.get("/counter/whoami").status, 200)
        s = parse_samples(self.scrape(w))
        per_worker = {l["workerId"]: v for l, v in find(s, "http_request_all_duration_seconds_count",
                                                        applicationId="counter", method="GET", status_code=200)}
        self.assertEqual(per_worker, {"0": 2.0, "1": 2.0, "2": 2.0})
        mesh = {l["workerId"]: v for l, v in find(s, "watt_mesh_request_duration_seconds_count",
                                                  applicationId="counter")}
        self.assertEqual(mesh, {"0": 2.0, "1": 2.0, "2": 2.0})
        # The gateway relays those answers; its own series name the loops it served them on.
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="gateway"), 6)


class DatabaseMetricsTest(MetricsTestCase):

    def test_queries_are_timed_per_database_application(self):
        # fixtures/db-rest (one SQLite db application "library", the entrypoint).
        w = self.start_with_metrics("db-rest", env={"DATABASE_URL": "sqlite://./data.sqlite", "DB_ENGINE": "sqlite"})
        r = w.request("POST", "/authors", body='{"name":"Ursula"}', headers={"content-type": "application/json"})
        self.assertEqual(r.status, 200, r)
        lists = 5
        for _ in range(lists):
            self.assertEqual(w.get("/authors").status, 200)
        bad = w.get("/authors?where.nope.eq=1")
        self.assertEqual(bad.status, 400)  # refused before any query
        text = self.scrape(w)
        self.promtool_check(text)
        s = parse_samples(text)
        ok = value(s, "watt_db_query_duration_seconds_count", applicationId="library", outcome="ok")
        # A list is one query; the insert at least one (a transaction counts once).
        self.assertGreaterEqual(ok, lists + 1)
        self.assertEqual(value(s, "watt_db_queries_in_flight", applicationId="library"), 0)
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="library",
                               method="GET", status_code=200), lists)
        self.assertEqual(total(s, "http_request_all_duration_seconds_count", applicationId="library",
                               method="GET", status_code=400), 1)


class MetricsOptionsTest(MetricsTestCase):

    def test_promtool_check_rejects_a_malformed_exposition(self):
        # The check above can fail: a duplicate TYPE line and a bad sample are errors (exit 1).
        bad = "# TYPE a counter\n# TYPE a counter\na{x=1} 1\n"
        with self.assertRaises(AssertionError):
            self.promtool_check(bad)

    def test_endpoint_labels_application_label_and_auth(self):
        w = self.start_with_metrics(endpoint="/prom", labels={"region": "eu", "tier": "a\"b"},
                                    applicationLabel="serviceId",
                                    auth={"username": "scraper", "password": "s3cret"})
        self.assertEqual(w.get("/api/hello").status, 200)
        r = self.get(w, "/prom")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json(), {"message": "Unauthorized"})
        bad = base64.b64encode(b"scraper:wrong").decode()
        self.assertEqual(self.get(w, "/prom", {"authorization": f"Basic {bad}"}).status, 401)
        good = base64.b64encode(b"scraper:s3cret").decode()
        text = self.scrape(w, "/prom", {"authorization": f"Basic {good}"})
        self.promtool_check(text)
        s = parse_samples(text)
        rows = find(s, "http_request_all_duration_seconds_count", serviceId="api", region="eu", tier='a\\"b')
        self.assertEqual([v for _, v in rows], [1.0], text)
        self.assertEqual(find(s, "http_request_all_duration_seconds_count", applicationId="api"), [])
        self.assertEqual(value(s, "process_open_fds", region="eu") > 0, True)
        # Probes need no credentials (as in Watt).
        self.assertEqual(self.get(w, "/ready").status, 200)
        self.assertEqual(self.get(w, "/metrics").status, 404)

    def test_custom_probes_and_disabled_liveness(self):
        w = self.start_with_metrics(readiness={"endpoint": "/healthz", "success": {"statusCode": 204, "body": ""}},
                                    liveness=False)
        self.assertEqual(self.get(w, "/healthz").status, 204)
        self.assertEqual(self.get(w, "/status").status, 404)
        self.assertEqual(self.get(w, "/ready").status, 404)

    def test_ready_fails_while_applications_start(self):
        # An application whose build() waits for a file: the runtime is starting until then.
        port = free_port()
        w = self.watt("single")
        w.patch_json("watt.json", {"metrics": metrics_config(port)})
        w.write("web/app/index.js", (
            "const fs = require('node:fs')\n"
            "const http = require('node:http')\n"
            "module.exports.build = async function () {\n"
            "  while (!fs.existsSync(__dirname + '/go')) await new Promise(r => setTimeout(r, 20))\n"
            "  return http.createServer((req, res) => res.end('ok'))\n"
            "}\n"))
        w.metrics_port = port
        w.start(wait=False)

        def answer(path):
            try:
                return self.get(w, path)
            except OSError:
                return None

        r = self.poll_answer(lambda: answer("/ready"))
        self.assertEqual((r.status, r.text), (500, "ERR"))
        self.assertEqual(self.get(w, "/status").status, 500)
        w.write("web/app/go", "")
        w.wait_listening()
        self.assertEqual(self.get(w, "/ready").status, 200)
        self.assertEqual(self.get(w, "/status").status, 200)

    def poll_answer(self, fn, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = fn()
            if r is not None:
                return r
            time.sleep(0.05)
        self.fail("the metrics listener never answered")

    def test_metrics_off_means_no_listener(self):
        port = free_port()
        w = self.watt("gateway")
        w.patch_json("watt.json", {"metrics": {"enabled": False, "hostname": "127.0.0.1", "port": port}})
        w.start()
        with self.assertRaises(OSError):
            http_request("127.0.0.1", port, "GET", "/metrics", timeout=2)

    def test_busy_metrics_port_fails_the_start_clearly(self):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            w = self.watt("gateway")
            w.patch_json("watt.json", {"metrics": metrics_config(port)})
            code = w.run_to_exit(timeout=30)
        self.assertNotEqual(code, 0)
        self.assertIn(f"Cannot listen for metrics on 127.0.0.1:{port}", w.stdout + w.stderr)
        self.assertIn("change metrics.port", w.stdout + w.stderr)
        self.assertNotIn("Watt is now listening", w.stdout)

    def test_bad_metrics_config_names_file_and_path(self):
        w = self.watt("gateway")
        w.patch_json("watt.json", {"metrics": {"port": "nine", "endpoint": "metrics", "labels": {"a-b": "x"}}})
        code = w.run_to_exit(timeout=15)
        self.assertNotEqual(code, 0)
        errors = [l for l in w.stderr.splitlines() if l.startswith("error: ")]
        self.assertEqual(len(errors), 3, w.dump())
        text = "\n".join(errors)
        self.assertIn("watt.json: metrics.port: expected an integer from 0 to 65535", text)
        self.assertIn("watt.json: metrics.endpoint: expected a path starting with \"/\"", text)
        self.assertIn("watt.json: metrics.labels: \"a-b\" is not a valid Prometheus label name", text)
        self.assertNoStackTrace(w.stderr)


if __name__ == "__main__":
    unittest.main()
