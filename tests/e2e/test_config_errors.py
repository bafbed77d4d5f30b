"""Configuration errors: reported before anything starts, one line per problem, naming the
file and the JSON path; non-zero exit; never listening; no stack trace."""

import time
import unittest

from harness import WattTestCase


class ConfigErrorsTest(WattTestCase):

    def config_error(self, fixture="single", patch=None, patch_file="watt.json", files=None,
                     env=None, expected_problems=1):
        w = self.watt(fixture, files=files)
        if patch:
            w.patch_json(patch_file, patch)
        t0 = time.monotonic()
        code = w.run_to_exit(env=env, timeout=15)
        self.assertNotEqual(code, 0, w.dump())
        self.assertLess(time.monotonic() - t0, 5, "configuration errors must be reported at once")
        self.assertNotIn("Watt is now listening", w.stdout)
        self.assertNotIn("Starting the application", w.stdout)
        self.assertNoStackTrace(w.stderr)
        self.assertNoStackTrace(w.stdout)
        errors = [l for l in w.stderr.splitlines() if l.startswith("error: ")]
        self.assertEqual(len(errors), expected_problems, w.dump())
        summary = "problem" if expected_problems == 1 else "problems"
        self.assertIn(f"watt: {expected_problems} configuration {summary}; nothing was started.", w.stderr)
        return w, errors

    def assertErrorLine(self, errors, file, path, *fragments):
        prefix = f"error: {file}: {path}: " if path else f"error: {file}: "
        matching = [e for e in errors if e.startswith(prefix)]
        self.assertTrue(matching, f"no error line starting with {prefix!r} in {errors!r}")
        for f in fragments:
            self.assertIn(f, matching[0])
        return matching[0]

    def test_unknown_top_level_key_with_suggestion(self):
        _, errors = self.config_error(patch={"entrypont": "app"})
        self.assertErrorLine(errors, "watt.json", "entrypont", 'unknown key "entrypont"',
                             '(did you mean "entrypoint"?)')

    def test_workers_wrong_type(self):
        _, errors = self.config_error(patch={"workers": "abc"})
        self.assertErrorLine(errors, "watt.json", "workers", '"abc"')

    def test_port_wrong_type(self):
        _, errors = self.config_error(patch=lambda d: d["server"].update(port=True))
        self.assertErrorLine(errors, "watt.json", "server.port", "true")

    def test_missing_application_id(self):
        _, errors = self.config_error(patch=lambda d: d["applications"][0].pop("id"))
        self.assertErrorLine(errors, "watt.json", "applications[0]", '"id"')

    def test_invalid_application_id(self):
        _, errors = self.config_error(patch=lambda d: d["applications"][0].update(id="bad id!"))
        self.assertErrorLine(errors, "watt.json", "applications[0].id", "bad id!")

    def test_duplicate_application_ids(self):
        _, errors = self.config_error(
            patch=lambda d: d["applications"].append({"id": "app", "path": "web/app"}))
        self.assertErrorLine(errors, "watt.json", "applications[1]", 'duplicate application id "app"')

    def test_entrypoint_naming_a_missing_application(self):
        _, errors = self.config_error(patch={"entrypoint": "ghost"})
        self.assertErrorLine(errors, "watt.json", "entrypoint", '"ghost"')

    def test_application_path_that_does_not_exist(self):
        _, errors = self.config_error(
            patch=lambda d: d["applications"][0].update(path="web/missing"))
        self.assertErrorLine(errors, "watt.json", "applications[0].path", "web/missing", "does not exist")

    def test_port_placeholder_with_variable_unset(self):
        _, errors = self.config_error(env={"PORT": None})
        self.assertErrorLine(errors, "watt.json", "server.port", "{PORT}")

    def test_invalid_json_reports_line_and_column(self):
        _, errors = self.config_error(files={"watt.json": '{\n  "server": {\n    "port": 0,,\n  }\n}\n'})
        line = self.assertErrorLine(errors, "watt.json", None, "invalid JSON")
        self.assertRegex(line, r"line 3, column \d+")

    def test_gateway_listing_an_unknown_application(self):
        _, errors = self.config_error(
            "gateway", patch_file="web/gateway/platformatic.json",
            patch=lambda d: d["gateway"]["applications"].append({"id": "ghost", "proxy": {"prefix": "/g"}}))
        self.assertErrorLine(errors, "web/gateway/platformatic.json", "gateway.applications[3].id", '"ghost"')

    def test_invalid_logger_level(self):
        _, errors = self.config_error(patch={"logger": {"level": "loud"}})
        self.assertErrorLine(errors, "watt.json", "logger.level", '"loud"')

    def test_empty_folder(self):
        w = self.watt()  # no fixture: an empty folder
        code = w.run_to_exit(timeout=15)
        self.assertNotEqual(code, 0)
        self.assertNotIn("Watt is now listening", w.stdout)
        self.assertNoStackTrace(w.stderr)
        errors = [l for l in w.stderr.splitlines() if l.startswith("error: ")]
        self.assertEqual(len(errors), 1, w.dump())
        self.assertIn(w.dir, errors[0])
        self.assertIn("watt.json", errors[0])

    def test_two_problems_in_one_file_are_both_reported(self):
        _, errors = self.config_error(patch={"entrypont": "app", "workers": "abc"}, expected_problems=2)
        self.assertErrorLine(errors, "watt.json", "entrypont", "did you mean")
        self.assertErrorLine(errors, "watt.json", "workers", '"abc"')

    def test_problems_in_two_files_are_all_reported(self):
        w = self.watt("gateway")
        w.patch_json("watt.json", {"workers": "abc"})
        w.patch_json("web/gateway/platformatic.json",
                     lambda d: d["gateway"]["applications"].append({"id": "ghost"}))
        self.assertNotEqual(w.run_to_exit(timeout=15), 0)
        errors = [l for l in w.stderr.splitlines() if l.startswith("error: ")]
        self.assertEqual(len(errors), 2, w.dump())
        self.assertTrue(any(e.startswith("error: watt.json: workers:") for e in errors), errors)
        self.assertTrue(any(e.startswith("error: web/gateway/platformatic.json: gateway.applications[3]")
                            for e in errors), errors)


if __name__ == "__main__":
    unittest.main()
