"""The command line itself."""

import unittest

from harness import WattTestCase


class CliTest(WattTestCase):

    def run_cli(self, *args):
        w = self.watt()
        code = w.run_to_exit(list(args), command=None, timeout=15)
        return code, w.stdout, w.stderr

    def test_version(self):
        for flag in ("--version", "-V"):
            with self.subTest(flag=flag):
                code, out, _ = self.run_cli(flag)
                self.assertEqual(code, 0)
                self.assertRegex(out.strip(), r"\b\d+\.\d+\.\d+\b")
                self.assertEqual(len(out.strip().splitlines()), 1)

    def test_help_lists_start(self):
        code, out, _ = self.run_cli("--help")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"(?m)^\s*start\b")

    def test_start_help_lists_its_options(self):
        code, out, _ = self.run_cli("start", "--help")
        self.assertEqual(code, 0)
        for opt in ("--config", "--env"):
            self.assertIn(opt, out)

    def test_unknown_option_fails(self):
        code, out, err = self.run_cli("--definitely-not-an-option")
        self.assertNotEqual(code, 0)
        self.assertIn("definitely-not-an-option", out + err)

    def test_unknown_start_option_fails_without_starting(self):
        w = self.watt("single")
        code = w.run_to_exit(["--bogus"], timeout=15)
        self.assertNotEqual(code, 0)
        self.assertNotIn("Watt is now listening", w.stdout)

    def test_unknown_command_fails(self):
        code, _, _ = self.run_cli("frobnicate")
        self.assertNotEqual(code, 0)

    def test_start_with_directory_argument(self):
        w = self.watt("single")
        w.start(args=[w.dir], cwd="/")
        self.assertEqual(w.get_json("/whoami")["app"], "app")


if __name__ == "__main__":
    unittest.main()
