import os
import stat
import sys
import time
import unittest

import trackside
from trackside import _env
from tests.helpers import RootCase, read_records


class EnvCaptureTest(RootCase):
    def fake_git(self, body):
        """Put a fake `git` first on PATH for this test."""
        bindir = os.path.join(self.root, "bin")
        os.makedirs(bindir, exist_ok=True)
        path = os.path.join(bindir, "git")
        with open(path, "w") as f:
            f.write("#!%s\nimport sys, time\nargs = sys.argv[1:]\n%s\n" % (sys.executable, body))
        os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
        old = os.environ["PATH"]
        os.environ["PATH"] = bindir + os.pathsep + old
        self.addCleanup(os.environ.__setitem__, "PATH", old)

    def test_real_capture_has_every_part(self):
        os.environ["TRACKSIDE_CAPTURE_ENV"] = "1"
        run = self.init()
        run.finish()
        env = read_records(run.path)[0]["env"]
        self.assertEqual(env["python"]["executable"], sys.executable)
        self.assertTrue(env["python"]["version"].startswith("%d.%d" % sys.version_info[:2]))
        for key in ("os", "hostname", "packages"):
            self.assertIn(key, env)
        self.assertLess(run.init_seconds, 2.0)

    def test_a_hanging_git_is_cut_off_and_init_goes_on(self):
        self.fake_git("time.sleep(30)")
        run_dir = os.path.join(self.root, "r")
        os.makedirs(os.path.join(run_dir, "artifacts"))
        t0 = time.monotonic()
        env, artifacts = _env.capture(run_dir, code_dir=self.root, timeout=0.5)
        elapsed = time.monotonic() - t0
        self.assertLess(elapsed, 2.0)
        self.assertIn("error", env["git"])
        self.assertIn("packages", env, "other parts still recorded")
        self.assertEqual(artifacts, [])

    def test_a_huge_diff_is_capped_and_saved_as_an_artifact(self):
        self.fake_git("""
if args[:2] == ["rev-parse", "--show-toplevel"]:
    print("/repo"); print("a" * 40); print("main")
elif args[:2] == ["remote", "get-url"]:
    print("https://user:secret-token@example.com/org/repo.git")
elif args[0] == "status":
    print(" M train.py"); print("?? new.py")
elif args[0] == "diff":
    out = sys.stdout.buffer
    for _ in range(200):
        out.write(b"+" + b"x" * 65535)
""")
        os.environ["TRACKSIDE_CAPTURE_ENV"] = "1"
        run = self.init()
        run.finish()
        records = read_records(run.path)
        git = records[0]["env"]["git"]
        self.assertEqual((git["commit"], git["branch"], git["dirty"], git["untracked"]), ("a" * 40, "main", True, 1))
        self.assertEqual(git["remote"], "https://example.com/org/repo.git", "credentials are never recorded")
        self.assertEqual(git["diff_artifact"], "artifacts/git.diff")
        art = [r for r in records if r["t"] == "artifact"][0]
        self.assertEqual((art["kind"], art["size"], art["truncated"]), ("diff", _env.DIFF_CAP, True))
        self.assertEqual(os.path.getsize(os.path.join(run.dir, "artifacts", "git.diff")), _env.DIFF_CAP)

    def test_a_broken_git_is_not_fatal(self):
        self.fake_git("sys.exit(128)")
        env, _ = _env.capture(None, code_dir=self.root, timeout=2)
        self.assertNotIn("git", env)  # not a repository: nothing to say
        self.fake_git("if args[0] != 'rev-parse':\n    raise SystemExit('boom')\nprint('/r')")
        env, _ = _env.capture(None, code_dir=self.root, timeout=2)
        self.assertEqual(env["git"], {"root": "/r"})

    def test_packages_are_read_from_dist_info_names(self):
        site = os.path.join(self.root, "site")
        for name in ("Foo_Bar-1.2.3.dist-info", "baz-0.1.dev0.dist-info", "old_pkg-2.0-py3.8.egg-info", "junk"):
            os.makedirs(os.path.join(site, name))
        sys.path.insert(0, site)
        try:
            packages = _env._packages()
        finally:
            sys.path.remove(site)
        self.assertEqual(packages["foo-bar"], "1.2.3")
        self.assertEqual(packages["baz"], "0.1.dev0")
        self.assertEqual(packages["old-pkg"], "2.0")


if __name__ == "__main__":
    unittest.main()
