"""Workers: several instances of one application, requests spread over them."""

import collections
import unittest

from harness import WattTestCase


class WorkersTest(WattTestCase):
    """fixtures/workers: a gateway (no list) in front of "counter" and "single" (workers: 1);
    the runtime sets "workers": "{WORKERS}"."""

    def spread(self, w, app, n=12):
        ids, threads = collections.Counter(), set()
        for _ in range(n):
            body = w.get_json(f"/{app}/whoami")
            self.assertEqual(body["applicationId"], app)
            ids[body["workerId"]] += 1
            threads.add(body["threadId"])
        return ids, threads

    def test_application_workers_3_spread_evenly(self):
        w = self.watt("workers", env={"WORKERS": "1"})
        w.patch_json("watt.json", lambda d: d["applications"][1].update(workers=3))
        w.start()
        ids, threads = self.spread(w, "counter")
        self.assertEqual(dict(ids), {0: 4, 1: 4, 2: 4})
        self.assertEqual(len(threads), 3, "each worker runs in its own thread")
        ids, _ = self.spread(w, "single", 4)
        self.assertEqual(dict(ids), {0: 4})

    def test_workers_placeholder_from_environment(self):
        w = self.started("workers", env={"WORKERS": "3"})
        ids, _ = self.spread(w, "counter")
        self.assertEqual(dict(ids), {0: 4, 1: 4, 2: 4})
        # An application's own "workers" wins over the runtime default.
        ids, _ = self.spread(w, "single", 3)
        self.assertEqual(dict(ids), {0: 3})

    def test_runtime_per_application_workers_map(self):
        w = self.watt("workers")
        w.patch_json("watt.json", {"workers": {"counter": 2}})
        w.start()
        ids, threads = self.spread(w, "counter")
        self.assertEqual(dict(ids), {0: 6, 1: 6})
        self.assertEqual(len(threads), 2)
        ids, _ = self.spread(w, "single", 2)
        self.assertEqual(dict(ids), {0: 2})

    def test_seed_workers_map(self):
        from harness import free_port
        w = self.started("seed", env={"PORT": free_port()})
        ids = collections.Counter(w.get_json("/api/whoami")["workerId"] for _ in range(8))
        self.assertEqual(dict(ids), {0: 4, 1: 4})
        ids = collections.Counter(w.get_json("/echo/whoami")["workerId"] for _ in range(4))
        self.assertEqual(dict(ids), {0: 4})

    def test_worker_log_lines_carry_their_worker_number(self):
        w = self.watt("workers", env={"WORKERS": "2"})
        w.start()
        for tag in ("t0", "t1"):
            self.assertEqual(w.get(f"/counter/slow?ms=1&tag={tag}").status, 200)
        recs = [w.wait_for_log(lambda r, t=t: r.get("msg") == f"slow request received {t}")
                for t in ("t0", "t1")]
        self.assertEqual({r["name"] for r in recs}, {"counter"})
        self.assertEqual(sorted(r["worker"] for r in recs), [0, 1])


if __name__ == "__main__":
    unittest.main()
