"""Tracing and request correlation: the spans of one request across gateway -> Node app -> db
reach an OTLP/HTTP collector (protobuf, as Watt sends, or JSON on request) as one tree; request
ids are echoed, generated, forwarded and logged."""

import json
import re
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import otlp
from harness import WattTestCase, free_port
from test_db_support import make_database

SQLITE = {"DATABASE_URL": "sqlite://./movies.sqlite", "DB_ENGINE": "sqlite"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"
SERVER, CLIENT = 2, 3


class Collector:
    """A tiny OTLP/HTTP collector: keeps every span POSTed to /v1/traces (protobuf or JSON)."""

    def __init__(self):
        self.spans = []
        self.requests = []
        self.errors = []
        self.cond = threading.Condition()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with collector.cond:
                    collector.requests.append({"path": self.path, "headers": dict(self.headers)})
                    try:
                        doc = otlp.decode(body, self.headers.get("content-type", ""))
                    except Exception as e:  # a malformed export fails the waiting test at once
                        collector.errors.append(repr(e))
                        collector.cond.notify_all()
                        raise
                    for rs in doc.get("resourceSpans", []):
                        attrs = {a["key"]: a["value"] for a in rs["resource"]["attributes"]}
                        service = attrs["service.name"]["stringValue"]
                        for ss in rs["scopeSpans"]:
                            for s in ss["spans"]:
                                s["service"] = service
                                s["attrs"] = {a["key"]: next(iter(a["value"].values())) for a in s.get("attributes", [])}
                                collector.spans.append(s)
                    collector.cond.notify_all()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, predicate, what, timeout=15.0):
        """Spans of one trace, once predicate(spans) holds."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if self.errors:
                    raise AssertionError(f"the collector could not read an export: {self.errors}")
                if predicate(self.spans):
                    return list(self.spans)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; spans: {json.dumps(self.spans, indent=1)}")
                self.cond.wait(left)

    def trace(self, trace_id, count, timeout=15.0):
        spans = self.wait_for(lambda ss: len([s for s in ss if s["traceId"] == trace_id]) >= count,
                              f"{count} spans of trace {trace_id}", timeout)
        return [s for s in spans if s["traceId"] == trace_id]


def chain(spans, leaf):
    """The spans from `leaf` up to the root of what was received, following parentSpanId."""
    by_id = {s["spanId"]: s for s in spans}
    out = [leaf]
    while out[-1].get("parentSpanId") in by_id:
        out.append(by_id[out[-1]["parentSpanId"]])
    return out


class TracingTest(WattTestCase):
    """fixtures/tracing: gateway -> shop (Node, fetch to db.plt.local) -> db (SQLite)."""

    @classmethod
    def setUpClass(cls):
        cls.collector = Collector()
        cls.w = cls.shared_watt("tracing", env={"OTLP_URL": cls.collector.url, **SQLITE})

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.collector.close()

    def check_tree(self, spans, root_parent, system="sqlite", statements=1):
        self.assertEqual(len({s["traceId"] for s in spans}), 1)
        ids = {s["spanId"] for s in spans}
        self.assertEqual(len(ids), len(spans), "span ids are unique")
        roots = [s for s in spans if s.get("parentSpanId") not in ids]
        self.assertEqual(len(roots), 1, f"one root: {json.dumps(spans, indent=1)}")
        self.assertEqual(roots[0].get("parentSpanId"), root_parent)
        sql = [s for s in spans if "db.query.text" in s["attrs"]]
        self.assertEqual(len(sql), statements, json.dumps(spans, indent=1))
        self.assertEqual({s["attrs"]["db.system"] for s in sql}, {system})
        self.assertEqual(len({s.get("parentSpanId") for s in sql}), 1, "every statement under the db span")
        path = chain(spans, sql[-1])
        self.assertEqual(
            [(s["service"], s["kind"]) for s in path],
            [("store-db", CLIENT), ("store-db", SERVER), ("store-shop", CLIENT), ("store-shop", SERVER),
             ("store-gateway", CLIENT), ("store-gateway", SERVER)])
        self.assertIs(path[-1], roots[0])
        return path

    def test_one_tree_from_an_incoming_traceparent(self):
        r = self.w.get("/shop/movies?title=Secret%20Garden",
                       headers={"traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01", "x-request-id": "trace-me-1"})
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual([m["title"] for m in body["movies"]], ["Secret Garden"])
        self.assertEqual(body["seen"]["requestId"], "trace-me-1")
        self.assertEqual(r.header("x-request-id"), "trace-me-1")
        self.assertTrue(r.header("traceparent", "").startswith(f"00-{CLIENT_TRACE}-"), r.headers)
        # The Node app got the trace context of the SERVER span recorded for it.
        seen_parent = body["seen"]["traceparent"].split("-")[2]

        spans = self.collector.trace(CLIENT_TRACE, 6)
        path = self.check_tree(spans, CLIENT_SPAN)
        sql, db_server, shop_client, shop_server, gw_client, gw_server = path
        self.assertEqual(shop_server["spanId"], seen_parent)
        self.assertEqual(r.header("traceparent").split("-")[2], gw_server["spanId"])

        self.assertEqual(gw_server["name"], "GET /shop/movies")
        self.assertEqual(gw_server["attrs"]["http.request.method"], "GET")
        self.assertEqual(gw_server["attrs"]["url.path"], "/shop/movies")
        self.assertEqual(gw_server["attrs"]["url.query"], "title=Secret%20Garden")
        self.assertEqual(gw_server["attrs"]["http.response.status_code"], "200")
        self.assertEqual(gw_client["name"], "GET http://shop.plt.local/movies")
        self.assertEqual(gw_client["attrs"]["url.full"], "http://shop.plt.local/movies?title=Secret%20Garden")
        self.assertEqual(gw_client["attrs"]["server.address"], "shop.plt.local")
        self.assertEqual(shop_server["name"], "GET /movies")
        self.assertEqual(shop_client["name"], "GET http://db.plt.local/movies")
        self.assertEqual(db_server["name"], "GET /movies")
        self.assertEqual(sql["name"], "SELECT")
        self.assertEqual(sql["attrs"]["db.system"], "sqlite")
        self.assertIn("movies", sql["attrs"]["db.query.text"])
        self.assertNotIn("Secret", sql["attrs"]["db.query.text"], "parameter values stay out of spans")
        for s in spans:
            self.assertLessEqual(int(s["startTimeUnixNano"]), int(s["endTimeUnixNano"]))
            self.assertEqual(s["status"].get("code", 0), 0, s)

    def test_a_new_trace_when_the_client_sends_none_or_a_malformed_one(self):
        for headers in ({}, {"traceparent": "00-nothex-00f067aa0ba902b7-01"}):
            r = self.w.get("/shop/movies?title=Open%20Water", headers=headers)
            self.assertEqual(r.status, 200, r.text)
            trace_id = r.header("traceparent").split("-")[1]
            self.assertNotEqual(trace_id, CLIENT_TRACE)
            self.assertRegex(r.header("x-request-id"), UUID)
            self.check_tree(self.collector.trace(trace_id, 6), None)

    def test_collector_receives_configured_headers(self):
        self.w.get("/shop/plain")
        self.collector.wait_for(lambda ss: ss, "any span")
        with self.collector.cond:
            self.assertEqual(self.collector.requests[0]["path"], "/v1/traces")
            self.assertEqual(self.collector.requests[0]["headers"].get("x-collector-key"), "k1")
            self.assertEqual(self.collector.requests[0]["headers"].get("content-type"), "application/x-protobuf")

    def test_skipped_paths_record_nothing(self):
        r = self.w.get("/shop/skipped", headers={"traceparent": f"00-{'1' * 32}-{CLIENT_SPAN}-01"})
        self.assertEqual(r.status, 200)
        r = self.w.get("/shop/plain", headers={"traceparent": f"00-{'2' * 32}-{CLIENT_SPAN}-01"})
        self.assertEqual(r.status, 200)
        self.collector.trace("2" * 32, 3)  # exported after anything the skipped request recorded
        with self.collector.cond:
            self.assertEqual([s for s in self.collector.spans if s["traceId"] == "1" * 32], [])

    def test_unsampled_incoming_context_is_propagated_not_recorded(self):
        r = self.w.get("/shop/plain", headers={"traceparent": f"00-{'3' * 32}-{CLIENT_SPAN}-00"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["seen"]["traceparent"], f"00-{'3' * 32}-{CLIENT_SPAN}-00")
        r = self.w.get("/shop/plain", headers={"traceparent": f"00-{'4' * 32}-{CLIENT_SPAN}-01"})
        self.collector.trace("4" * 32, 3)
        with self.collector.cond:
            self.assertEqual([s for s in self.collector.spans if s["traceId"] == "3" * 32], [])


class JsonProtocolTest(WattTestCase):
    def test_http_json_sends_the_same_tree_as_json(self):
        collector = Collector()
        self.addCleanup(collector.close)
        w = self.watt("tracing", env={"OTLP_URL": collector.url, **SQLITE})
        w.patch_json("watt.json", lambda d: d["telemetry"]["exporter"]["options"].update(protocol="http/json"))
        w.start()
        r = w.get("/shop/movies?title=Open%20Water",
                  headers={"traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01"})
        self.assertEqual(r.status, 200, r.text)
        path = TracingTest.check_tree(self, collector.trace(CLIENT_TRACE, 6), CLIENT_SPAN)
        self.assertEqual(path[0]["attrs"]["db.system"], "sqlite")
        with collector.cond:
            self.assertEqual({q["headers"].get("content-type") for q in collector.requests}, {"application/json"})


class PostgresTracingTest(WattTestCase):
    """PostgreSQL queries suspend the request: with one loop and concurrent requests, each SQL
    span (the second statement of a request too, issued after the first one resumed) must
    still be the child of its own request's span."""

    def test_concurrent_requests_on_one_loop_keep_their_own_trees(self):
        db = make_database("postgres", "tracing", "db")
        self.addCleanup(db.drop)
        collector = Collector()
        self.addCleanup(collector.close)
        w = self.watt("tracing", env={"OTLP_URL": collector.url, **db.env()})
        w.patch_json("watt.json", lambda d: d["server"].update(threads=1))
        w.start()
        traces = [f"{i:032x}" for i in range(1, 9)]
        results = {}

        def call(trace_id):
            results[trace_id] = w.get("/shop/movies?title=Open%20Water&count=1",
                                      headers={"traceparent": f"00-{trace_id}-{CLIENT_SPAN}-01"})

        threads = [threading.Thread(target=call, args=(t,)) for t in traces]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for trace_id in traces:
            r = results[trace_id]
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual([m["title"] for m in r.json()["movies"]], ["Open Water"])
            TracingTest.check_tree(self, collector.trace(trace_id, 7), CLIENT_SPAN, "postgresql", statements=2)


class CollectorDownTest(WattTestCase):
    def test_requests_succeed_and_dropped_spans_are_counted(self):
        dead = f"http://127.0.0.1:{free_port()}/v1/traces"
        w = self.watt("tracing", env={"OTLP_URL": dead, **SQLITE})
        w.patch_json("watt.json", lambda d: d["telemetry"].update(
            exporter=[{"type": "otlp", "options": {"url": "{OTLP_URL}"}},
                      {"type": "file", "options": {"path": "spans.log"}},
                      {"type": "console"}]))
        w.start()
        for i in range(3):
            r = w.get(f"/shop/movies?title=x{i}")
            self.assertEqual(r.status, 200, r.text)
        rec = w.wait_for_log(lambda r: r.get("msg", "").startswith("Cannot export spans"), timeout=20,
                             what="the dropped spans warning")
        self.assertEqual(rec["level"], 40)
        self.assertGreater(rec["droppedSpans"], 0)
        self.assertIn(dead, rec["msg"])
        # The file exporter still got them: one JSON object per line, Watt's file shape.
        deadline = time.monotonic() + 15
        lines = []
        while time.monotonic() < deadline and len(lines) < 18:
            try:
                with open(w.path("spans.log")) as f:
                    lines = [json.loads(l) for l in f if l.strip()]
            except FileNotFoundError:
                pass
            time.sleep(0.1)
        self.assertGreaterEqual(len(lines), 18)
        names = {l["name"] for l in lines}
        self.assertIn("GET /shop/movies", names)
        self.assertTrue(all(l["resource"]["attributes"]["service.name"].startswith("store-") for l in lines))
        sql = next(l for l in lines if "db.query.text" in l["attributes"])
        self.assertEqual(sql["kind"], 2)  # Watt's file records the API's SpanKind: CLIENT is 2
        self.assertIn(sql["parentSpanContext"]["spanId"], {l["id"] for l in lines})
        # The console exporter: a log record per span, named after the span's service.
        rec = w.wait_for_log(lambda r: r.get("msg") == "span SELECT", what="a console span record")
        self.assertEqual(rec["name"], "store-db")
        self.assertEqual(rec["span"]["attributes"]["db.system"], "sqlite")


class RequestIdTest(WattTestCase):
    def test_given_id_is_echoed_and_forwarded_generated_one_is_a_uuid(self):
        w = self.started("mesh")  # no telemetry block: request ids work all the same
        r = w.get("/whoami", headers={"x-request-id": "abc-123"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("x-request-id"), "abc-123")
        self.assertIsNone(r.header("traceparent"))
        r = w.get("/whoami")
        self.assertRegex(r.header("x-request-id"), UUID)
        self.assertNotEqual(w.get("/whoami").header("x-request-id"), r.header("x-request-id"))
        # Unprintable or oversized ids are replaced.
        self.assertRegex(w.get("/whoami", headers={"x-request-id": "x" * 200}).header("x-request-id"), UUID)

    def test_request_id_and_trace_ids_in_the_log_line_of_a_request(self):
        collector = Collector()
        self.addCleanup(collector.close)
        w = self.watt("tracing", env={"OTLP_URL": collector.url, **SQLITE})
        w.patch_json("watt.json", {"logger": {"level": "debug"}})
        w.start()
        r = w.get("/shop/plain", headers={"x-request-id": "log-me-7",
                                          "traceparent": f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["seen"]["requestId"], "log-me-7")
        rec = w.wait_for_log(lambda x: x.get("msg") == "request completed" and x.get("reqId") == "log-me-7",
                             what="the request's log line")
        self.assertEqual(rec["level"], 20)
        self.assertEqual(rec["req"], {"method": "GET", "url": "/shop/plain"})
        self.assertEqual(rec["res"], {"statusCode": 200})
        self.assertEqual(rec["traceId"], CLIENT_TRACE)
        self.assertEqual(rec["spanId"], r.header("traceparent").split("-")[2])  # the entrypoint's span


if __name__ == "__main__":
    unittest.main()
