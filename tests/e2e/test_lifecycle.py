"""Lifecycle: signals, graceful shutdown, crashes and restarts, start failures."""

import os
import signal
import socket
import subprocess
import threading
import time
import unittest

import harness
from harness import WattTestCase


class ShutdownTest(WattTestCase):
    """fixtures/lifecycle: a gateway in front of "svc" (echo with /slow and /exit)."""

    def test_sigterm_lets_in_flight_requests_finish(self):
        w = self.started("lifecycle")
        results = {}

        def call(i):
            try:
                r = w.get(f"/svc/slow?ms=1500&tag=r{i}", timeout=20)
                results[i] = (r.status, r.json().get("tag"), time.monotonic())
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                results[i] = ("error", repr(e), time.monotonic())

        threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for i in range(4):  # every request has reached the application
            w.wait_for_msg(f"slow request received r{i}")
        sent = time.monotonic()
        code = w.stop(signal.SIGTERM, timeout=20)
        for t in threads:
            t.join(20)
        self.assertEqual(code, 0, w.dump())
        self.assertEqual({i: r[:2] for i, r in results.items()},
                         {i: (200, f"r{i}") for i in range(4)})
        self.assertTrue(all(r[2] >= sent for r in results.values()))
        msgs = [r.get("msg", "") for r in w.logs()]
        self.assertIn("Received SIGTERM, stopping the runtime...", msgs)
        self.assertIn('Stopped the application "svc"', msgs)

    def test_sigint_exits_zero(self):
        w = self.started("lifecycle")
        self.assertEqual(w.get("/svc/x").status, 200)
        t0 = time.monotonic()
        self.assertEqual(w.stop(signal.SIGINT), 0, w.dump())
        self.assertLess(time.monotonic() - t0, 5)
        self.assertTrue(any(r.get("msg", "").startswith("Received SIGINT") for r in w.logs()))

    def test_sigterm_when_idle_exits_zero_quickly_and_stops_children(self):
        w = self.started("lifecycle")
        pid = w.get_json("/svc/whoami")["pid"]
        t0 = time.monotonic()
        self.assertEqual(w.stop(signal.SIGTERM), 0, w.dump())
        self.assertLess(time.monotonic() - t0, 5)
        self.assertFalse(_alive(pid), "the application's process outlived the runtime")

    def test_children_inherit_no_descriptor_of_the_runtime(self):
        # Only fds 0-3 (and what Node opens itself) in an application's process: a child that
        # inherited the public listening socket would keep the port bound after the runtime.
        w = self.started("lifecycle")
        pid = w.get_json("/svc/whoami")["pid"]
        listening = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    cols = line.split()
                    if int(cols[1].rsplit(":", 1)[1], 16) == w.port and cols[3] == "0A":
                        listening.add(f"socket:[{cols[9]}]")
        self.assertTrue(listening, "the public listener's socket inode")
        held = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        self.assertFalse(listening & held, f"the application's process holds the public listener: {held}")

    def test_stop_removes_the_socket_folder(self):
        w = self.started("lifecycle")
        self.assertEqual(w.get("/svc/x").status, 200)
        self.assertTrue(w.leftovers(), "expected a socket folder while running")
        self.assertEqual(w.stop(), 0)
        self.assertEqual(w.leftovers(), [])

    def test_sigterm_during_startup_stops_gracefully(self):
        w = self.watt("single", files={"web/app/index.js": SLOW_BUILD})
        w.start(wait=False)
        w.wait_for_msg('Starting the application "app"')
        w.signal(signal.SIGTERM)  # build() takes 3 s: the runtime is still starting
        code = w.wait_exit(10)
        self.assertEqual(code, 0, f"exit status {code} (negative: killed by that signal)\n{w.dump()}")
        self.assertNotIn("Watt is now listening", w.stdout)
        self.assertEqual(w.leftovers(), [])

    def test_port_already_in_use(self):
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        w = self.watt("single")
        t0 = time.monotonic()
        code = w.run_to_exit(env={"PORT": port}, timeout=15)
        self.assertNotEqual(code, 0)
        self.assertLess(time.monotonic() - t0, 5)
        lines = [l for l in (w.stdout + "\n" + w.stderr).splitlines() if "Cannot listen" in l]
        self.assertEqual(len(lines), 1, w.dump())
        self.assertIn(str(port), lines[0])
        self.assertNotIn("Starting the application", w.stdout)
        self.assertNotIn("Watt is now listening", w.stdout)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SLOW_BUILD = """
const http = require('node:http')
module.exports.build = async () => {
  await new Promise(resolve => setTimeout(resolve, 3000))
  return http.createServer((req, res) => res.end('late'))
}
"""


class RestartTest(WattTestCase):

    def test_crashed_application_is_restarted(self):
        w = self.started("lifecycle")
        before = w.get_json("/svc/whoami")
        r = w.get("/svc/exit")
        self.assertEqual(r.status, 200, r)
        crash = w.wait_for_msg('The application "svc" exited unexpectedly')
        self.assertEqual(crash["level"], 50)
        self.assertIn("exit code 1", crash["msg"])
        w.wait_for_msg('Restarted the application "svc"', timeout=15)
        after = w.get_json("/svc/whoami")
        self.assertEqual(after["applicationId"], "svc")
        self.assertNotEqual(after["pid"], before["pid"])
        for i in range(3):
            self.assertEqual(w.get_json(f"/svc/again/{i}")["url"], f"/again/{i}")

    def test_requests_during_restart_wait_for_the_new_process(self):
        w = self.watt("lifecycle")
        w.patch_json("watt.json", {"restartOnError": 1000})
        w.start()
        before = w.get_json("/svc/whoami")["pid"]
        self.assertEqual(w.get("/svc/exit").status, 200)
        w.wait_for_msg('Restarting "svc" in 1000 ms')
        r = w.get("/svc/whoami", timeout=20)  # arrives while svc is down
        self.assertEqual(r.status, 200, r)
        self.assertNotEqual(r.json()["pid"], before)

    def test_restart_disabled_leaves_application_down(self):
        w = self.watt("lifecycle")
        w.patch_json("watt.json", {"restartOnError": False})
        w.start()
        self.assertEqual(w.get("/svc/exit").status, 200)
        w.wait_for_msg('The application "svc" will not be restarted')
        r = w.get("/svc/whoami")
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json()["statusCode"], 503)
        self.assertIn("svc", r.json()["message"])
        # The rest of the runtime goes on.
        self.assertEqual(w.get("/").status, 200)
        self.assertEqual(w.stop(), 0)

    def test_crashed_worker_thread_is_restarted(self):
        w = self.watt("lifecycle")
        w.patch_json("watt.json", lambda d: d["applications"][1].update(workers=2))
        w.start()
        self.assertEqual(w.get("/svc/exit").status, 200)
        w.wait_for_msg('of "svc" is ready again', timeout=15)
        ids = sorted(w.get_json("/svc/whoami")["workerId"] for _ in range(4))
        self.assertEqual(ids, [0, 0, 1, 1])


class StartFailureTest(WattTestCase):
    """Applications that cannot start: the runtime must not listen and must exit non-zero."""

    def failed_start(self, index_js, patch=None, timeout=20):
        w = self.watt("single", files={"web/app/index.js": index_js})
        if patch:
            w.patch_json("watt.json", patch)
        t0 = time.monotonic()
        code = w.run_to_exit(timeout=timeout)
        self.assertNotEqual(code, 0, w.dump())
        self.assertNotIn("Watt is now listening", w.stdout)
        return w, time.monotonic() - t0

    def test_failed_start_removes_the_socket_folder(self):
        w, _ = self.failed_start("throw new Error('x')\n")
        self.assertEqual(w.leftovers(), [])

    def test_never_listening_application_fails_after_start_timeout(self):
        w, took = self.failed_start("setInterval(() => {}, 1000)\n", {"startTimeout": 1000})
        self.assertGreater(took, 0.9)
        self.assertLess(took, 8)
        errors = [r["msg"] for r in w.logs() if r.get("level", 0) >= 50]
        self.assertTrue(any('"app"' in m and "startTimeout" in m for m in errors), w.dump())

    def test_module_throwing_at_load_fails_the_start(self):
        w, took = self.failed_start("throw new Error('boom at load 1234')\n")
        self.assertLess(took, 10)
        errors = [r["msg"] for r in w.logs() if r.get("level", 0) >= 50]
        self.assertTrue(any("boom at load 1234" in m and '"app"' in m for m in errors), w.dump())

    def test_build_rejecting_fails_the_start(self):
        w, _ = self.failed_start("module.exports.build = async () => { throw new Error('no db 42') }\n")
        errors = [r["msg"] for r in w.logs() if r.get("level", 0) >= 50]
        self.assertTrue(any("no db 42" in m for m in errors), w.dump())

    def test_build_returning_something_unservable_fails_the_start(self):
        w, _ = self.failed_start("module.exports.build = () => 42\n")
        errors = [r["msg"] for r in w.logs() if r.get("level", 0) >= 50]
        self.assertTrue(any("build()" in m and "number" in m for m in errors), w.dump())


class ListeningLineTest(WattTestCase):
    """The listening line is the readiness signal: a connection made right after it must be
    accepted. One event loop (server.threads: 1) makes the race easy to lose."""

    def test_connection_right_after_listening_line_is_accepted(self):
        w = self.watt("single", json_patches={"watt.json": lambda d: d["server"].update(threads=1)})
        env = harness.base_env({"PORT": 0, "TMPDIR": w.tmpdir})
        for attempt in range(30):
            p = subprocess.Popen([harness.WATT_BIN, "start"], cwd=w.dir, env=env, bufsize=0,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 start_new_session=True)
            try:
                port = _read_listening_port(p)
                s = socket.socket()
                try:
                    s.connect(("127.0.0.1", port))
                except ConnectionRefusedError:
                    self.fail(f"connection refused right after the listening line (start #{attempt + 1})")
                finally:
                    s.close()
            finally:
                p.kill()
                p.wait()
                p.stdout.close()


def _read_listening_port(p):
    buf, fd = b"", p.stdout.fileno()
    marker = b"Watt is now listening at http://127.0.0.1:"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        i = buf.find(marker)
        if i >= 0 and b'"' in buf[i + len(marker):]:
            j = i + len(marker)
            return int(buf[j:buf.index(b'"', j)])
    raise AssertionError(f"no listening line: {buf[-2000:]!r}")


if __name__ == "__main__":
    unittest.main()
