"""Environment: .env files, envfile, env blocks, placeholders, PLT_* variables, -e and -c."""

import os
import unittest
from urllib.parse import urlencode

from harness import WattTestCase

NAMES = ["K_ROOT", "K_APPDOT", "K_RT", "K_ALL", "K_REAL", "K_RTONLY", "K_ALPHA_ONLY",
         "K_BETA_FILE", "K_BETA_DOTENV", "K_QUOTED", "K_EXPORTED",
         "PLT_ROOT", "PLT_DEV", "PLT_ENVIRONMENT", "NODE_ENV"]


def env_of(w, prefix):
    return w.get_json(f"{prefix}/env?" + urlencode([("name", n) for n in NAMES]))


class EnvPrecedenceTest(WattTestCase):
    """fixtures/env: root .env, alpha/.env, beta with "envfile", runtime and alpha env blocks;
    the gateway's prefixes come from {VAR}/{{VAR}} placeholders in its platformatic.json."""

    @classmethod
    def setUpClass(cls):
        cls.w = cls.shared_watt("env", env={"K_REAL": "real-environment"})

    def test_placeholders_in_watt_json(self):
        # server.hostname = "{HOST_FROM_DOTENV}" and logger.level = "{{LOG_LEVEL}}" (info):
        # the listening line is an info record on 127.0.0.1.
        self.assertEqual(self.w.host, "127.0.0.1")
        self.assertTrue(any(r.get("level") == 30 for r in self.w.logs()))

    def test_placeholders_in_application_config(self):
        # {ALPHA_PREFIX} and /{{BETA_NAME}} in the gateway's platformatic.json.
        self.assertEqual(self.w.get_json("/alpha-from-dotenv/whoami")["app"], "alpha")
        self.assertEqual(self.w.get_json("/beta-double/whoami")["app"], "beta")
        self.assertEqual(self.w.get("/alpha/whoami").status, 404)
        # node.main = "{{ALPHA_MAIN}}" in alpha's platformatic.json selected server.js.
        self.assertEqual(self.w.get_json("/gamma/whoami")["app"], "gamma")

    def test_precedence_for_application_with_dotenv_and_env_block(self):
        env = env_of(self.w, "/alpha-from-dotenv")
        self.assertEqual(env["K_ALL"], "alpha-block")  # app env block beats everything
        self.assertEqual(env["K_RT"], "runtime-block")  # runtime env block beats .env files
        self.assertEqual(env["K_RTONLY"], "runtime-block")
        self.assertEqual(env["K_APPDOT"], "alpha-dotenv")  # app .env beats root .env
        self.assertEqual(env["K_ALPHA_ONLY"], "alpha-dotenv")
        self.assertEqual(env["K_ROOT"], "root-dotenv")
        self.assertEqual(env["K_REAL"], "real-environment")  # real environment beats .env files

    def test_envfile_replaces_application_dotenv(self):
        env = env_of(self.w, "/beta-double")
        self.assertEqual(env["K_APPDOT"], "beta-envfile")
        self.assertEqual(env["K_BETA_FILE"], "yes")
        self.assertIsNone(env["K_BETA_DOTENV"])
        self.assertEqual(env["K_ALL"], "runtime-block")
        self.assertEqual(env["K_ROOT"], "root-dotenv")

    def test_application_without_dotenv_sees_root_dotenv_and_runtime_block(self):
        env = env_of(self.w, "/gamma")
        self.assertEqual(env["K_APPDOT"], "root-dotenv")
        self.assertEqual(env["K_ALL"], "runtime-block")
        self.assertEqual(env["K_RT"], "runtime-block")
        self.assertIsNone(env["K_ALPHA_ONLY"], "alpha's .env must not leak into gamma")
        self.assertIsNone(env["K_BETA_FILE"])
        self.assertEqual(env["K_REAL"], "real-environment")

    def test_dotenv_syntax(self):
        env = env_of(self.w, "/gamma")
        self.assertEqual(env["K_QUOTED"], "double # quoted")
        self.assertEqual(env["K_EXPORTED"], "exported")

    def test_plt_variables_and_node_env(self):
        for prefix in ("/alpha-from-dotenv", "/beta-double", "/gamma"):
            with self.subTest(prefix=prefix):
                env = env_of(self.w, prefix)
                self.assertEqual(env["PLT_ROOT"], self.w.dir)
                self.assertEqual(env["PLT_DEV"], "false")
                self.assertEqual(env["PLT_ENVIRONMENT"], "production")
                self.assertEqual(env["NODE_ENV"], "production")


class EnvOptionsTest(WattTestCase):

    def test_real_node_env_is_kept(self):
        w = self.started("env", env={"NODE_ENV": "staging"})
        self.assertEqual(env_of(w, "/gamma")["NODE_ENV"], "staging")

    def test_env_option_replaces_root_dotenv(self):
        for flag in ("-e", "--env"):
            with self.subTest(flag=flag):
                w = self.started("env", args=[flag, "alt.env"])
                self.assertEqual(w.get_json("/alt-alpha/whoami")["app"], "alpha")
                self.assertEqual(w.get_json("/beta-alt/whoami")["app"], "beta")
                env = env_of(w, "/gamma")
                self.assertEqual(env["K_ROOT"], "alt-env-file")
                self.assertIsNone(env["K_APPDOT"], "the root .env must not be read with --env")
                w.stop()

    def test_env_option_with_missing_file_fails(self):
        w = self.watt("env")
        code = w.run_to_exit(["--env", "missing.env"])
        self.assertNotEqual(code, 0)
        self.assertIn("missing.env", w.stderr)
        self.assertNotIn("Watt is now listening", w.stdout)

    def test_config_option(self):
        for flag in ("-c", "--config"):
            with self.subTest(flag=flag):
                w = self.watt("env")
                doc = w.read_json("watt.json")
                doc["env"]["K_RT"] = "from-alt-config"
                w.write("alt-watt.json", doc)
                w.patch_json("watt.json", {"entrypoint": "nope"})  # would fail if read
                w.start(args=[flag, "alt-watt.json"])
                self.assertEqual(env_of(w, "/gamma")["K_RT"], "from-alt-config")
                w.stop()

    def test_config_option_from_another_directory(self):
        w = self.watt("env")
        w.write("conf/alt.json", {
            "server": {"hostname": "127.0.0.1", "port": 0},
            "logger": {"level": "info"},
            "applications": [{"id": "gamma", "path": "../web/gamma"}],
        })
        w.start(args=["--config", os.path.join(w.dir, "conf", "alt.json")], cwd="/")
        body = w.get_json("/whoami")
        self.assertEqual(body["app"], "gamma")
        self.assertEqual(env_of(w, "")["PLT_ROOT"], os.path.join(w.dir, "conf"))


if __name__ == "__main__":
    unittest.main()
