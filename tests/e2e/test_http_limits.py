"""HTTP/1.1 behaviour and limits of the public listener (raw sockets where needed)."""

import hashlib
import http.client
import json
import threading
import time
import unittest

from harness import WattTestCase

LIMITS = {
    "bodyLimit": 1000,
    "maxHeaderSize": 2048,
    "keepAliveTimeout": 1000,
    "headersTimeout": 1000,
    "requestTimeout": 1500,
}


def with_server(**server):
    def patch(doc):
        doc["server"].update(server)
    return patch


def chunked(body, sizes):
    out, i = b"", 0
    for n in sizes:
        piece = body[i:i + n]
        i += n
        if piece:
            out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    assert i >= len(body)
    return out + b"0\r\n\r\n"


class HttpLimitsTest(WattTestCase):
    """fixtures/single (one echo application as the entrypoint) with small server limits."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("single", json_patches={"watt.json": with_server(**LIMITS)})

    def raw(self):
        c = self.w.raw()
        self.addCleanup(c.close)
        return c

    def assertJsonError(self, r, status, code=None):
        self.assertEqual(r.status, status, r)
        self.assertTrue((r.header("content-type") or "").startswith("application/json"), r)
        body = r.json()
        self.assertEqual(body["statusCode"], status, body)
        self.assertIsInstance(body.get("message"), str)
        self.assertIsInstance(body.get("error"), str)
        if code:
            self.assertEqual(body.get("code"), code, body)
        return body

    # --- headers -------------------------------------------------------------------------

    def test_oversized_headers_get_431(self):
        c = self.raw()
        c.send("GET /big HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 3000 + "\r\n\r\n")
        self.assertJsonError(c.read_response(), 431)
        self.assertIsNotNone(c.wait_closed(3), "the connection must close after a 431")

    def test_headers_under_the_limit_are_fine(self):
        r = self.w.get("/ok", headers={"x-big": "a" * 1500})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["headers"]["x-big"], "a" * 1500)

    # --- body ----------------------------------------------------------------------------

    def test_body_at_the_limit_is_accepted(self):
        body = bytes(range(256)) * 3 + b"z" * 232  # 1000 bytes
        r = self.w.request("POST", "/upload", body=body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["sha256"], hashlib.sha256(body).hexdigest())

    def test_body_over_limit_with_content_length_gets_413(self):
        c = self.raw()
        c.send(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" + b"x" * 1001)
        self.assertJsonError(c.read_response(), 413, "FST_ERR_CTP_BODY_TOO_LARGE")

    def test_body_over_limit_with_chunked_encoding_gets_413(self):
        body = b"y" * 1500
        c = self.raw()
        c.send(b"POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               + chunked(body, [400, 400, 400, 300]))
        self.assertJsonError(c.read_response(), 413, "FST_ERR_CTP_BODY_TOO_LARGE")

    def test_chunked_request_body_forwarded(self):
        body = bytes(range(256)) * 3
        c = self.raw()
        c.send(b"POST /chunked?x=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/octet-stream\r\n\r\n" + chunked(body, [1, 100, 255, 412]))
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        echo = r.json()
        self.assertEqual(echo["bodyLength"], len(body))
        self.assertEqual(echo["sha256"], hashlib.sha256(body).hexdigest())
        self.assertEqual(echo["url"], "/chunked?x=1")

    def test_chunked_body_sent_in_pieces(self):
        pieces = [b"alpha-", b"beta-", b"gamma"]
        conn = http.client.HTTPConnection(self.w.host, self.w.port, timeout=10)
        self.addCleanup(conn.close)
        conn.request("PUT", "/gen", body=iter(pieces), encode_chunked=True)
        r = conn.getresponse()
        echo = json.loads(r.read())
        self.assertEqual(r.status, 200)
        self.assertEqual(echo["bodyLength"], len(b"".join(pieces)))
        self.assertEqual(echo["sha256"], hashlib.sha256(b"".join(pieces)).hexdigest())

    # --- connections ---------------------------------------------------------------------

    def test_keep_alive_reuses_the_connection(self):
        c = self.raw()
        for i in range(3):
            c.send(f"GET /ka/{i} HTTP/1.1\r\nHost: x\r\n\r\n")
            r = c.read_response()
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["url"], f"/ka/{i}")
            self.assertNotEqual((r.header("connection") or "").lower(), "close")
        self.assertFalse(c.closed_by_peer)

    def test_pipelined_requests_answered_in_order(self):
        c = self.raw()
        c.send(b"GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
               b"POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
               b"GET /p3?q=3 HTTP/1.1\r\nHost: x\r\n\r\n")
        urls = []
        for _ in range(3):
            r = c.read_response()
            self.assertEqual(r.status, 200, r)
            urls.append((r.json()["method"], r.json()["url"], r.json()["bodyLength"]))
        self.assertEqual(urls, [("GET", "/p1", 0), ("POST", "/p2", 5), ("GET", "/p3?q=3", 0)])

    def test_idle_keep_alive_connection_closed_after_keep_alive_timeout(self):
        c = self.raw()
        c.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("keep-alive"), "timeout=1")
        took = c.wait_closed(6)
        self.assertIsNotNone(took, "idle connection not closed")
        self.assertGreater(took, 0.6, "closed long before keepAliveTimeout")
        self.assertLess(took, 3.0)

    def stall(self, partial):
        """Sends `partial` and stalls; returns (connection, time sent)."""
        stalled = self.raw()
        stalled.send(partial)
        return stalled, time.monotonic()

    def test_stalled_headers_disconnected_after_headers_timeout_while_others_are_served(self):
        for partial in (b"GET /partial HTTP/1.1\r\nHost: x\r\n", b"GET /parti"):
            with self.subTest(partial=partial):
                stalled, t0 = self.stall(partial)
                # Meanwhile other clients are served, on new and on reused connections.
                other = self.raw()
                for i in range(5):
                    other.send(f"GET /meanwhile/{i} HTTP/1.1\r\nHost: x\r\n\r\n")
                    r = other.read_response()
                    self.assertEqual((r.status, r.json()["url"]), (200, f"/meanwhile/{i}"))
                    r = self.w.get(f"/fresh/{i}")
                    self.assertEqual((r.status, r.json()["url"]), (200, f"/fresh/{i}"))
                self.assertLess(time.monotonic() - t0, 0.9, "the other clients took too long")
                took = stalled.wait_closed(5)
                self.assertIsNotNone(took, "stalled client not disconnected")
                elapsed = time.monotonic() - t0
                self.assertGreater(elapsed, 0.9, "disconnected before headersTimeout")
                self.assertLess(elapsed, 3.0, "not disconnected after headersTimeout")

    def test_stalled_headers_get_408(self):
        for partial in (b"GET /partial HTTP/1.1\r\nHost: x\r\n", b"GET /parti"):
            with self.subTest(partial=partial):
                stalled, t0 = self.stall(partial)
                r = stalled.read_response(timeout=5)
                self.assertJsonError(r, 408)
                self.assertLess(time.monotonic() - t0, 3.0)
                self.assertIsNotNone(stalled.wait_closed(2), "stalled client not disconnected")

    def test_stalled_body_disconnected_after_request_timeout(self):
        c, t0 = self.stall(b"POST /slowbody HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
        self.assertIsNotNone(c.wait_closed(6))
        took = time.monotonic() - t0
        self.assertGreater(took, 1.3, "disconnected before requestTimeout")
        self.assertLess(took, 4.0)

    def test_stalled_body_gets_408(self):
        c, _ = self.stall(b"POST /slowbody HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
        self.assertJsonError(c.read_response(timeout=6), 408)

    def test_malformed_request_line_gets_400_and_server_goes_on(self):
        for bad in (b"THIS IS NOT HTTP\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                    b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"):
            with self.subTest(bad=bad):
                c = self.raw()
                c.send(bad)
                self.assertJsonError(c.read_response(), 400)
                self.assertIsNotNone(c.wait_closed(3), "connection kept open after a 400")
                self.assertEqual(self.w.get("/after-bad").status, 200)

    def test_concurrent_clients(self):
        results, errors = [], []

        def client(i):
            try:
                for j in range(5):
                    r = self.w.get(f"/c/{i}/{j}")
                    results.append((r.status, r.json()["url"] == f"/c/{i}/{j}"))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(results, [(200, True)] * 40)


class ExpectContinueTest(WattTestCase):
    """`Expect: 100-continue`, each test on a fresh process (a failure here may desynchronise
    the runtime's upstream connections, which would spoil any test sharing the process).
    One event loop (server.threads: 1), so that every client shares one upstream pool."""

    BODY = b'{"hello":"continue"}'

    def started(self, fixture):
        return super().started(fixture, json_patches={"watt.json": with_server(threads=1)})

    def send_expect(self, w):
        c = w.raw()
        self.addCleanup(c.close)
        c.send(b"POST /expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(self.BODY))
        status, reason, _ = c.read_head(5)
        self.assertEqual((status, reason), (100, "Continue"))
        c.send(self.BODY)
        return c

    def test_interim_100_continue_sent_before_the_body(self):
        w = self.started("single")
        self.send_expect(w)

    def test_final_response_after_100_continue(self):
        w = self.started("single")
        r = self.send_expect(w).read_response()
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["url"], "/expect")
        self.assertEqual(r.json()["sha256"], hashlib.sha256(self.BODY).hexdigest())

    def test_later_requests_of_other_clients_get_their_own_response(self):
        w = self.started("single")
        c = self.send_expect(w)
        try:
            c.read_response(timeout=5)
        except Exception:  # noqa: BLE001 - only what the other clients get matters here
            pass
        for i in range(3):
            r = w.get(f"/after-expect/{i}")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["url"], f"/after-expect/{i}")

    def test_expect_continue_behind_gateway(self):
        w = self.started("gateway")
        c = w.raw()
        self.addCleanup(c.close)
        c.send(b"PUT /api/expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
               b"Content-Length: %d\r\n\r\n" % len(self.BODY))
        status, _, _ = c.read_head(5)
        self.assertEqual(status, 100)
        c.send(self.BODY)
        c.read_response(timeout=5)
        # Whatever the answer to that request, other clients must get their own responses.
        for i in range(3):
            r = w.get(f"/api/other/{i}")
            self.assertEqual((r.status, r.json()["url"]), (200, f"/other/{i}"), r)


class ResponseStreamingTest(WattTestCase):
    """A response the application writes over time must reach the client as it is written
    (server-sent events, long downloads), not only once the application ends it."""

    def assertStreams(self, w, path):
        c = w.raw()
        self.addCleanup(c.close)
        t0 = time.monotonic()
        c.send(f"GET {path}?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, _ = c.read_head(5)
        head_after = time.monotonic() - t0
        self.assertEqual(status, 200)
        self.assertLess(head_after, 1.0, "the head waited for the end of the body")

    def test_streamed_response_complete(self):
        w = self.started("single")
        r = w.get("/stream?ms=10")
        self.assertEqual((r.status, r.body), (200, b"first;second"))

    def test_streamed_response_from_entrypoint(self):
        self.assertStreams(self.started("single"), "/stream")

    def test_streamed_response_through_gateway(self):
        self.assertStreams(self.started("gateway"), "/api/stream")


class Http10Test(WattTestCase):

    def test_http10_request_with_host(self):
        w = self.started("single")
        c = w.raw()
        self.addCleanup(c.close)
        c.send(b"GET /version HTTP/1.0\r\nHost: h10\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["host"], "h10")
        self.assertIsNotNone(c.wait_closed(3), "an HTTP/1.0 connection without keep-alive must close")

    def test_http10_request_without_host(self):
        w = self.started("single")
        c = w.raw()
        self.addCleanup(c.close)
        c.send(b"GET /version HTTP/1.0\r\n\r\n")
        r = c.read_response()
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["httpVersion"], "1.0")


class DefaultBodyLimitTest(WattTestCase):
    """No bodyLimit configured: Fastify's default, 1 MiB."""

    MIB = 1024 * 1024

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("single")

    def test_one_mib_accepted(self):
        body = bytes(range(256)) * (self.MIB // 256)
        r = self.w.request("POST", "/mib", body=body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["bodyLength"], self.MIB)
        self.assertEqual(r.json()["sha256"], hashlib.sha256(body).hexdigest())

    def test_one_mib_plus_one_rejected(self):
        c = self.w.raw()
        self.addCleanup(c.close)
        c.send(b"POST /mib HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (self.MIB + 1))
        try:
            c.send(b"x" * (self.MIB + 1))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the whole body is sent
        r = c.read_response()
        self.assertEqual(r.status, 413, r)
        self.assertEqual(r.json()["code"], "FST_ERR_CTP_BODY_TOO_LARGE")

    def test_one_mib_plus_one_chunked_rejected(self):
        c = self.w.raw()
        self.addCleanup(c.close)
        c.send(b"POST /mib HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            c.send(chunked(b"x" * (self.MIB + 1), [65536] * 17))
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = c.read_response()
        self.assertEqual(r.status, 413, r)
        self.assertEqual(r.json()["code"], "FST_ERR_CTP_BODY_TOO_LARGE")


if __name__ == "__main__":
    unittest.main()
