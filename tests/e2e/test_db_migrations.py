"""Migrations of a database application (docs/db-behaviour.md section 7), on SQLite and
PostgreSQL: autoApply at startup, a failing migration stopping the start, and the commands
`watt db migrations apply|rollback` and `watt <app>:migrations:apply -t N`.

Fixture `db-migrations` (app `inventory`): 001 creates `items` (one row), 002 (named
`add-stock`) creates `stock` (one row) referencing it; both have undo files. `autoApply`
comes from {AUTO_APPLY}. Every test runs on a database of its own; the state of the database
is read directly (sqlite3 / psql) besides over HTTP.
"""

import os
import shutil
import unittest

from harness import WattProcess, parse_json_line
from test_db_support import DbTestCase, make_database, md5_hex

APP_DIR = os.path.join("web", "inventory")


class MigrationsBehaviour:
    fixture = "db-migrations"
    app = "inventory"
    shared = False
    class_database = False

    def setUp(self):
        super().setUp()
        self.database = make_database(self.engine, f"{type(self).__name__}_{self._testMethodName}", self.app)
        self.addCleanup(self.database.drop)

    def project(self, auto_apply=False):
        env = {**self.database.env(), "AUTO_APPLY": "true" if auto_apply else "false"}
        w = self.watt(self.fixture, env=env)
        self.database.attach(w)
        return w

    def mdir(self, w):
        return w.path(os.path.join(APP_DIR, "migrations", self.engine))

    def add_failing_migration(self, w):
        w.write(os.path.join(APP_DIR, "migrations", self.engine, "003.do.sql"),
                "CREATE TABLE broken (id INTEGER);\nINSERT INTO broken (id) VALUES (1);\n"
                "INSERT INTO nope (id) VALUES (1);\n")

    def missing_table_error(self):
        return "no such table: nope" if self.engine == "sqlite" else 'relation "nope" does not exist'

    def version(self):
        return int(self.database.rows("SELECT max(version) FROM versions")[0][0])

    def has_table(self, name):
        return name in self.database.tables()

    def sibling(self, w):
        """Another process on the same project folder (and environment) as `w`."""
        p = WattProcess(None, env=w.env_extra)
        shutil.rmtree(p.dir, ignore_errors=True)
        p.dir, p.keep_dir = w.dir, True  # the folder belongs to `w`
        self.addCleanup(p.cleanup)
        return p

    def cli(self, w, *args, command="db"):
        """Runs `watt <command> <args>` in the project folder; (exit code, output) where the
        output is the log messages (JSON records decoded) plus any other line."""
        runner = self.sibling(w)
        code = runner.run_to_exit(list(args), command=command, timeout=60, cwd=w.dir)
        lines = []
        for line in (runner.stdout + "\n" + runner.stderr).splitlines():
            rec = parse_json_line(line)
            lines.append(str(rec.get("msg", "")) if rec is not None else line)
        return code, "\n".join(lines)

    def ran(self, output):
        """The migration files reported as run, in order."""
        files = []
        for line in output.splitlines():
            if "running " in line:
                files.append(line.split("running ", 1)[1].strip())
        return files

    # --- autoApply ------------------------------------------------------------------------------

    def test_auto_apply_creates_the_schema(self):
        w = self.project(auto_apply=True)
        w.start()
        self.assertEqual(w.get_json("/items"), [{"id": "1", "name": "hammer"}])
        self.assertEqual(w.get_json("/stock"), [{"id": "1", "itemId": "1", "quantity": 5}])
        self.assertEqual(w.get_json("/items/1/stock?fields=quantity"), [{"quantity": 5}])
        msgs = [r.get("msg") for r in w.logs()]
        self.assertIn("running 001.do.sql", msgs)
        self.assertIn("running 002.do.add-stock.sql", msgs)
        self.assertLess(msgs.index("running 001.do.sql"), msgs.index("running 002.do.add-stock.sql"))
        self.assertEqual(w.get("/versions").status, 404)
        rows = self.database.rows("SELECT version, name, md5 FROM versions ORDER BY version")
        self.assertEqual(rows, [["0", None, None],
                                ["1", "", md5_hex(os.path.join(self.mdir(w), "001.do.sql"))],
                                ["2", "add-stock", md5_hex(os.path.join(self.mdir(w), "002.do.add-stock.sql"))]])
        self.assertIsNotNone(self.database.rows("SELECT run_at FROM versions WHERE version = 2")[0][0])
        # A second start finds nothing to do and keeps the data.
        w.stop()
        w2 = self.sibling(w)
        w2.start()
        self.assertEqual(w2.get_json("/items"), [{"id": "1", "name": "hammer"}])
        self.assertNotIn("running 001.do.sql", [r.get("msg") for r in w2.logs()])

    def test_without_auto_apply_nothing_runs(self):
        w = self.project(auto_apply=False)
        w.start()
        self.assertEqual(w.get("/items").status, 404)
        self.assertFalse(self.has_table("items"))

    def test_failing_migration_stops_the_start(self):
        w = self.project(auto_apply=True)
        self.add_failing_migration(w)
        code = w.run_to_exit(timeout=60)
        self.assertNotEqual(code, 0)
        out = w.stdout + "\n" + w.stderr
        self.assertNotIn("Watt is now listening", out)
        errors = [str(r.get("msg")) for r in w.logs() if r.get("level", 0) >= 50]
        self.assertTrue(any("003.do.sql" in m and self.missing_table_error() in m for m in errors),
                        f"no error naming the file and the database error:\n{w.dump()}")
        # The database stays at the last good version: 003 left nothing behind.
        self.assertEqual(self.version(), 2)
        self.assertFalse(self.has_table("broken"))
        self.assertTrue(self.has_table("stock"))
        # Without the bad file the project starts again on the same database.
        os.remove(os.path.join(self.mdir(w), "003.do.sql"))
        w2 = self.sibling(w)
        w2.start()
        self.assertEqual(w2.get_json("/stock?fields=quantity"), [{"quantity": 5}])

    # --- commands --------------------------------------------------------------------------------

    def test_apply_and_rollback_commands(self):
        w = self.project()
        code, out = self.cli(w, "migrations", "apply")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["001.do.sql", "002.do.add-stock.sql"])
        self.assertEqual(self.version(), 2)
        self.assertEqual(self.database.rows("SELECT quantity FROM stock"), [["5"]])

        code, out = self.cli(w, "migrations", "apply")  # nothing to do
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), [])
        self.assertEqual(self.version(), 2)

        code, out = self.cli(w, "migrations", "rollback")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["002.undo.sql"])
        self.assertEqual(self.version(), 1)
        self.assertFalse(self.has_table("stock"))
        self.assertTrue(self.has_table("items"))

        code, out = self.cli(w, "migrations", "rollback")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["001.undo.sql"])
        self.assertEqual(self.version(), 0)
        self.assertFalse(self.has_table("items"))

        code, out = self.cli(w, "migrations", "rollback")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), [])
        self.assertIn("No migrations to rollback", out)

        code, out = self.cli(w, "migrations", "apply", "--rollback")  # after re-applying: -r undoes one
        self.assertEqual(code, 0, out)
        code, out = self.cli(w, "migrations", "apply")
        self.assertEqual(self.ran(out), ["001.do.sql", "002.do.add-stock.sql"])
        code, out = self.cli(w, "migrations", "apply", "-r")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["002.undo.sql"])
        self.assertEqual(self.version(), 1)

    def test_app_command_with_target_version(self):
        w = self.project()
        code, out = self.cli(w, "-t", "1", command="inventory:migrations:apply")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["001.do.sql"])
        self.assertEqual(self.version(), 1)
        self.assertTrue(self.has_table("items"))
        self.assertFalse(self.has_table("stock"))

        code, out = self.cli(w, "--to", "2", command="inventory:migrations:apply")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["002.do.add-stock.sql"])
        self.assertEqual(self.version(), 2)

        code, out = self.cli(w, "-t", "0", command="inventory:migrations:apply")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.ran(out), ["002.undo.sql", "001.undo.sql"])
        self.assertEqual(self.version(), 0)
        self.assertFalse(self.has_table("items"))

        code, out = self.cli(w, command="inventory:migrations:apply")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.version(), 2)

    def test_app_command_for_an_unknown_application(self):
        w = self.project()
        code, out = self.cli(w, command="nope:migrations:apply")
        self.assertNotEqual(code, 0)
        self.assertIn("nope", out)
        self.assertIn("inventory", out)
        self.assertFalse(self.has_table("versions"))

    def test_failing_migration_in_the_apply_command(self):
        w = self.project()
        self.add_failing_migration(w)
        code, out = self.cli(w, "migrations", "apply")
        self.assertNotEqual(code, 0)
        self.assertEqual(self.ran(out), ["001.do.sql", "002.do.add-stock.sql"])
        self.assertIn("003.do.sql", out)
        self.assertIn(self.missing_table_error(), out)
        self.assertEqual(self.version(), 2)
        self.assertFalse(self.has_table("broken"))

    def test_changed_applied_migration_fails_the_checksum(self):
        w = self.project()
        code, out = self.cli(w, "migrations", "apply")
        self.assertEqual(code, 0, out)
        with open(os.path.join(self.mdir(w), "001.do.sql"), "a") as f:
            f.write("-- edited after it was applied\n")
        code, out = self.cli(w, "migrations", "apply")
        self.assertNotEqual(code, 0)
        self.assertIn("MD5 checksum failed for migration [1]", out)
        self.assertEqual(self.version(), 2)


class SqliteMigrationsTest(MigrationsBehaviour, DbTestCase):
    engine = "sqlite"


class PostgresMigrationsTest(MigrationsBehaviour, DbTestCase):
    engine = "postgres"


if __name__ == "__main__":
    unittest.main()
