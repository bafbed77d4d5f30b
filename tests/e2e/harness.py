"""Black-box test harness for the `watt` binary.

Everything here talks to watt the way a user does: it copies a small project (a fixture) into
a temporary folder, runs `watt start`, waits for the "Watt is now listening at http://H:P"
log line, and then speaks HTTP to the public port (with http.client, or with raw sockets for
the cases a well-behaved client cannot produce).

Environment:
  WATT_BIN   path of the watt binary (default: ../../build/watt relative to this file)
  WATT_NODE  passed through to watt (the node executable to run applications with)
"""

import http.client
import json
import os
import re
import shutil
import signal as _signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
WATT_BIN = os.path.abspath(os.environ.get("WATT_BIN") or os.path.join(HERE, "..", "..", "build", "watt"))

LISTENING_RE = re.compile(r"Watt is now listening at (http://(\[[^\]]+\]|[^:/\s\"]+):(\d+))")

# Variables of the outer environment that would leak into the projects under test.
_SCRUBBED_PREFIXES = ("PLT_", "WATT_", "E2E_")
_SCRUBBED = {"NODE_ENV", "PORT", "NODE_OPTIONS", "HOST", "WORKERS"}

DEFAULT_START_TIMEOUT = 30.0


def free_port(host="127.0.0.1"):
    """A TCP port that was free a moment ago (bound then released, without SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_bound(port, host="127.0.0.1"):
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def base_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if k == "WATT_NODE" or (k not in _SCRUBBED and not k.startswith(_SCRUBBED_PREFIXES))}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
    return env


def _descendants(pid):
    """PIDs of every live descendant of `pid` (read from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


# ------------------------------------------------------------------------------------------
# HTTP helpers


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value), names as received
        self.body = body  # bytes

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def __repr__(self):
        return f"<Response {self.status} {self.headers!r} {self.body[:300]!r}>"


def http_request(host, port, method, path, body=None, headers=None, timeout=15.0):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.getheaders(), data)
    finally:
        conn.close()


class RawHttp:
    """A raw TCP connection for requests http.client cannot send (malformed, pipelined, slow,
    partial) and a small HTTP/1.1 response reader (Content-Length, chunked, read-to-close)."""

    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.closed_by_peer = False

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.sock.sendall(data)

    def _fill(self, timeout=None):
        if timeout is not None:
            self.sock.settimeout(timeout)
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed_by_peer = True
            return False
        self.buf += chunk
        return True

    def _read_until(self, marker, timeout):
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout(f"no {marker!r} within {timeout}s; got {self.buf[:200]!r}")
            if not self._fill(left):
                raise ConnectionError(f"connection closed before {marker!r}; got {self.buf[:200]!r}")
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def _read_exact(self, n, timeout):
        deadline = time.monotonic() + timeout
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout(f"short body: {len(self.buf)} of {n} bytes")
            if not self._fill(left):
                raise ConnectionError(f"connection closed after {len(self.buf)} of {n} bytes")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self, timeout=10.0):
        """Reads one response head; returns (status, reason, headers)."""
        head = self._read_until(b"\r\n\r\n", timeout).decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        for line in lines[1:]:
            if not line:
                continue
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
        return status, reason, headers

    def read_response(self, timeout=10.0, method="GET"):
        status, reason, headers = self.read_head(timeout)
        r = Response(status, reason, headers, b"")
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return r
        te = (r.header("transfer-encoding") or "").lower()
        cl = r.header("content-length")
        if "chunked" in te:
            body = b""
            while True:
                size_line = self._read_until(b"\r\n", timeout)
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    self._read_until(b"\r\n", timeout)  # no trailers expected
                    break
                body += self._read_exact(size, timeout)
                self._read_exact(2, timeout)
            r.body = body
        elif cl is not None:
            r.body = self._read_exact(int(cl), timeout)
        else:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._fill(deadline - time.monotonic()):
                pass
            r.body, self.buf = self.buf, b""
        return r

    def wait_closed(self, timeout):
        """Waits until the peer closes; returns the seconds it took, or None if it did not."""
        start = time.monotonic()
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                if not self._fill(left):
                    return time.monotonic() - start
            except socket.timeout:
                return None
            except (ConnectionResetError, BrokenPipeError):
                return time.monotonic() - start

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ------------------------------------------------------------------------------------------
# The watt process


class WattError(AssertionError):
    pass


class WattProcess:
    """One project folder and (at most) one `watt start` process running it."""

    def __init__(self, fixture=None, files=None, json_patches=None, env=None, keep_dir=False):
        self.dir = tempfile.mkdtemp(prefix="watt-e2e-")
        self.dir = os.path.realpath(self.dir)
        if fixture:
            src = os.path.join(FIXTURES, fixture)
            if not os.path.isdir(src):
                raise ValueError(f"no fixture {fixture!r} in {FIXTURES}")
            shutil.copytree(src, self.dir, dirs_exist_ok=True)
            shutil.copytree(os.path.join(FIXTURES, "_shared"), os.path.join(self.dir, "_shared"),
                            dirs_exist_ok=True)
        for rel, content in (files or {}).items():
            self.write(rel, content)
        for rel, patch in (json_patches or {}).items():
            self.patch_json(rel, patch)
        self.env_extra = dict(env or {})
        self.keep_dir = keep_dir
        # A private TMPDIR: watt makes its socket folder there, so nothing leaks into /tmp even
        # when a process has to be killed, and tests can check that watt cleans up after itself.
        self.tmpdir = os.path.realpath(tempfile.mkdtemp(prefix="watt-e2e-tmp-"))
        self.proc = None
        self.stdout_lines = []
        self.stderr_lines = []
        self._cond = threading.Condition()
        self._readers = []
        self.url = None
        self.host = None
        self.port = None
        self.exit_code = None
        self.refused_after_listening_line = 0

    # --- project files ------------------------------------------------------------------

    def path(self, rel=""):
        return os.path.join(self.dir, rel)

    def write(self, rel, content):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if isinstance(content, (dict, list)):
            content = json.dumps(content, indent=2)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(p, mode) as f:
            f.write(content)

    def read_json(self, rel):
        with open(self.path(rel)) as f:
            return json.load(f)

    def patch_json(self, rel, patch):
        """patch: a dict merged into the top level (None deletes a key) or a function that
        edits the parsed document in place (its return value is ignored)."""
        doc = self.read_json(rel)
        if callable(patch):
            patch(doc)
        else:
            for k, v in patch.items():
                if v is None:
                    doc.pop(k, None)
                else:
                    doc[k] = v
        self.write(rel, doc)

    # --- process ------------------------------------------------------------------------

    def start(self, args=None, env=None, wait=True, timeout=DEFAULT_START_TIMEOUT, cwd=None,
              command="start", probe=True):
        if self.proc is not None:
            raise RuntimeError("already started")
        extra = {**self.env_extra, **(env or {})}
        if "PORT" not in extra:  # fixtures may use "port": "{PORT}"; PORT=None unsets it
            extra["PORT"] = free_port()
        extra.setdefault("TMPDIR", self.tmpdir)
        full_env = base_env(extra)
        argv = [WATT_BIN] + ([command] if command else []) + list(args or [])
        self.proc = subprocess.Popen(
            argv, cwd=cwd or self.dir, env=full_env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        for stream, sink in ((self.proc.stdout, self.stdout_lines), (self.proc.stderr, self.stderr_lines)):
            t = threading.Thread(target=self._pump, args=(stream, sink), daemon=True)
            t.start()
            self._readers.append(t)
        if wait:
            self.wait_listening(timeout, probe=probe)
        return self

    def _pump(self, stream, sink):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self._cond:
                sink.append(line)
                self._cond.notify_all()
        stream.close()
        with self._cond:
            self._cond.notify_all()

    def _exited(self):
        return self.proc is not None and self.proc.poll() is not None

    def wait_for(self, predicate, timeout=10.0, stream="stdout", what="a matching line"):
        """Waits until predicate(line) holds for a line of `stream` (past or future); returns
        that line. Fails early if the process exits without producing it."""
        sink = self.stdout_lines if stream == "stdout" else self.stderr_lines
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                while seen < len(sink):
                    line = sink[seen]
                    seen += 1
                    if predicate(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WattError(f"timed out after {timeout}s waiting for {what}\n{self.dump()}")
                if self._exited() and all(not t.is_alive() for t in self._readers):
                    raise WattError(f"watt exited (code {self.proc.returncode}) before {what}\n{self.dump()}")
                self._cond.wait(min(left, 0.1))

    def wait_for_log(self, predicate, timeout=10.0, what="a matching log record"):
        """Like wait_for, on the parsed JSON records of stdout."""
        def check(line):
            rec = parse_json_line(line)
            return rec is not None and predicate(rec)
        return parse_json_line(self.wait_for(check, timeout, "stdout", what))

    def wait_for_msg(self, fragment, timeout=10.0):
        return self.wait_for_log(lambda r: fragment in str(r.get("msg", "")), timeout,
                                 what=f"a log record containing {fragment!r}")

    def wait_listening(self, timeout=DEFAULT_START_TIMEOUT, probe=True):
        line = self.wait_for(lambda l: LISTENING_RE.search(l) is not None, timeout,
                             what="the 'Watt is now listening at' line")
        m = LISTENING_RE.search(line)
        self.url = m.group(1)
        host = m.group(2)
        if host.startswith("["):
            host = host[1:-1]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        self.host = host
        self.port = int(m.group(3))
        if probe:
            self._await_accepting()
        return self.url

    def _await_accepting(self, timeout=5.0):
        """A guard, not a workaround: watt calls listen() before it logs the listening line
        (test_lifecycle.ListeningLineTest fails if that ever regresses), so this normally
        connects at once. Should a refusal happen, it is counted in
        `refused_after_listening_line` and retried (a connect() every 2 ms, at most `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection((self.host, self.port), timeout=1.0).close()
                return
            except ConnectionRefusedError:
                self.refused_after_listening_line += 1
                if time.monotonic() > deadline:
                    raise WattError(f"port {self.port} refuses connections {timeout}s after the "
                                    f"listening line\n{self.dump()}")
                time.sleep(0.002)

    def wait_exit(self, timeout=30.0):
        try:
            self.exit_code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise WattError(f"watt did not exit within {timeout}s\n{self.dump()}")
        for t in self._readers:
            t.join(5)
        return self.exit_code

    def run_to_exit(self, args=None, env=None, timeout=30.0, cwd=None, command="start"):
        """Starts watt, waits for it to end by itself; returns the exit code."""
        self.start(args=args, env=env, wait=False, cwd=cwd, command=command)
        return self.wait_exit(timeout)

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)

    def stop(self, sig=_signal.SIGTERM, timeout=30.0):
        """Sends `sig` to watt and waits for it to exit; returns the exit code."""
        self.signal(sig)
        return self.wait_exit(timeout)

    def kill(self, grace=3.0):
        """Stops watt and everything it started: SIGTERM, then after `grace` seconds SIGKILL to
        watt and every descendant. Safe to call at any time, more than once."""
        if self.proc is None:
            return
        if self.proc.poll() is None and grace:
            try:
                self.proc.send_signal(_signal.SIGTERM)
                self.proc.wait(grace)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            victims = _descendants(self.proc.pid)
            try:
                os.killpg(self.proc.pid, _signal.SIGKILL)
            except OSError:
                pass
            for pid in victims:  # applications run in process groups of their own
                try:
                    os.kill(pid, _signal.SIGKILL)
                except OSError:
                    pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        for t in self._readers:
            t.join(2)

    def cleanup(self):
        self.kill()
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def leftovers(self):
        """What watt left in its TMPDIR (its socket folder, if it did not clean up)."""
        out = []
        for root, dirs, files in os.walk(self.tmpdir):
            out += [os.path.relpath(os.path.join(root, n), self.tmpdir) for n in dirs + files]
        return sorted(out)

    # --- output -------------------------------------------------------------------------

    @property
    def stdout(self):
        with self._cond:
            return "\n".join(self.stdout_lines)

    @property
    def stderr(self):
        with self._cond:
            return "\n".join(self.stderr_lines)

    def logs(self):
        """Parsed JSON records of stdout (non-JSON lines skipped)."""
        with self._cond:
            lines = list(self.stdout_lines)
        return [r for r in (parse_json_line(l) for l in lines) if r is not None]

    def dump(self):
        with self._cond:
            out = "\n".join(self.stdout_lines[-60:])
            err = "\n".join(self.stderr_lines[-60:])
        return f"--- watt stdout (last lines) ---\n{out}\n--- watt stderr ---\n{err}\n---"

    # --- HTTP ---------------------------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=15.0):
        if self.port is None:
            raise RuntimeError("watt is not listening")
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"content-type": "application/json", **(headers or {})}
        return http_request(self.host, self.port, method, path, body, headers, timeout)

    def get(self, path, headers=None, timeout=15.0):
        return self.request("GET", path, headers=headers, timeout=timeout)

    def get_json(self, path, headers=None, timeout=15.0):
        r = self.get(path, headers, timeout)
        if r.status != 200:
            raise WattError(f"GET {path} -> {r.status} {r.body[:500]!r}\n{self.dump()}")
        return r.json()

    def raw(self, timeout=10.0):
        return RawHttp(self.host, self.port, timeout)


def parse_json_line(line):
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        rec = json.loads(line)
    except ValueError:
        return None
    return rec if isinstance(rec, dict) else None


# ------------------------------------------------------------------------------------------
# unittest glue


class WattTestCase(unittest.TestCase):
    """Every WattProcess created with self.watt() / cls.shared_watt() is killed and its folder
    removed, whatever the outcome of the test."""

    maxDiff = 4000

    def watt(self, fixture=None, **kwargs):
        w = WattProcess(fixture, **kwargs)
        self.addCleanup(w.cleanup)
        return w

    def started(self, fixture=None, args=None, env=None, timeout=DEFAULT_START_TIMEOUT, **kwargs):
        w = self.watt(fixture, env=env, **kwargs)
        w.start(args=args, timeout=timeout)
        return w

    @classmethod
    def shared_watt(cls, fixture=None, args=None, env=None, **kwargs):
        """A process shared by the tests of a class (started in setUpClass)."""
        w = WattProcess(fixture, env=env, **kwargs)
        cls.addClassCleanup(w.cleanup)
        w.start(args=args)
        return w

    def assertNoStackTrace(self, text):
        for line in text.splitlines():
            self.assertNotRegex(line, r"^\s+at\s+\S+.*[(:]\d+", f"stack trace line in output:\n{text}")
            self.assertNotIn("node:internal", line, f"stack trace in output:\n{text}")
