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
        """Put a fake `git` (a shell script: quick to start even on a loaded machine) first on PATH."""
        bindir = os.path.join(self.root, "bin")
        os.makedirs(bindir, exist_ok=True)
        path = os.path.join(bindir, "git")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body + "\n")
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
        self.fake_git("sleep 30 | cat")  # the child holding the pipe must be killed too
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
case "$1 $2" in
  "rev-parse --show-toplevel") echo /repo; echo %s; echo main ;;
  "remote get-url") echo https://user:secret-token@example.com/org/repo.git ;;
  "status --porcelain") echo " M train.py"; echo "?? new.py" ;;
  "diff HEAD") head -c 13000000 /dev/zero | tr '\\0' x ;;
esac""" % ("a" * 40))
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
        self.fake_git("exit 128")
        env, _ = _env.capture(None, code_dir=self.root, timeout=10)
        self.assertNotIn("git", env)  # not a repository: nothing to say
        self.fake_git('[ "$1" = rev-parse ] || exit 1\necho /r')
        env, _ = _env.capture(None, code_dir=self.root, timeout=10)
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
