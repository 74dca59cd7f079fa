"""The model registry from Python: register_model / get_model, on the same files the extension and CLI use."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tests.helpers import LOGGER_DIR, child_env

import trackside
from trackside import _models

REPO = os.path.dirname(LOGGER_DIR)
TSX = os.path.join(REPO, "node_modules", ".bin", "tsx")


def cli(*args):
    """The real `trackside` command (TypeScript, through tsx)."""
    return subprocess.run([TSX, os.path.join(REPO, "src", "cli", "main.ts")] + list(args), cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)


class ModelsTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="trackside-models-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.weights = os.path.join(self.root, "..", os.path.basename(self.root) + "-model.pt")
        with open(self.weights, "wb") as f:
            f.write(b"weights\x00" * 100)
        self.addCleanup(os.remove, self.weights)

    def run_with_model(self, **config):
        run = trackside.init(project="p", config=config or {"lr": 0.1, "opt": {"name": "adam"}}, dir=self.root,
                             capture_env=False, system_metrics=False, install_signal_handlers=False)
        run.log({"loss": 0.5})
        run.summary["best_acc"] = 0.93
        return run

    def test_register_and_get_by_alias_version_and_latest(self):
        run = self.run_with_model()
        v1 = trackside.register_model(run, self.weights, "mnist", alias="champion")
        v2 = trackside.register_model(run, "artifacts/" + os.path.basename(self.weights), "mnist", copy=True)
        run.finish()
        self.assertEqual((v1.version, v2.version), (1, 2))
        self.assertEqual(v1.aliases, ["champion"])
        self.assertEqual(v1.sha256, hashlib.sha256(b"weights\x00" * 100).hexdigest())
        self.assertEqual(v1.path, os.path.realpath(os.path.join(run.dir, "artifacts", os.path.basename(self.weights))))
        self.assertTrue(v2.path.endswith(os.path.join("models", "mnist", "files", "2", os.path.basename(self.weights))))
        got = trackside.get_model("mnist@champion", dir=self.root)
        self.assertEqual((got.version, got.run, got.status), (1, run.id, "ok"))
        self.assertEqual(trackside.get_model("mnist", dir=self.root).version, 2)
        self.assertEqual(trackside.get_model("mnist:1", dir=self.root).path, v1.path)
        rec = got.record
        self.assertEqual(rec["params"], {"lr": 0.1, "opt.name": "adam"})
        self.assertEqual(rec["summary"], {"best_acc": 0.93})
        self.assertEqual(rec["project"], "p")

    def test_clear_errors_and_nothing_overwritten(self):
        run = self.run_with_model()
        for bad in ("../x", "a/b", "", "x" * 101, "nul"):
            with self.assertRaises(trackside.ModelError) as cm:
                trackside.register_model(run, self.weights, bad)
            self.assertIn("model name", str(cm.exception))
        self.assertFalse(os.path.exists(os.path.join(self.root, "models")))
        trackside.register_model(run, self.weights, "m")
        with self.assertRaisesRegex(trackside.ModelError, "has no version 4"):
            _models.move_alias("m", 4, "champion", dir=self.root)
        with self.assertRaisesRegex(trackside.ModelError, "no alias \"staging\""):
            trackside.get_model("m@staging", dir=self.root)
        with self.assertRaisesRegex(trackside.ModelError, "no model named \"ghost\""):
            trackside.get_model("ghost", dir=self.root)
        with self.assertRaisesRegex(trackside.ModelError, "has no file"):
            trackside.register_model(run.id, "/etc/passwd", "m", dir=self.root)
        with self.assertRaisesRegex(trackside.ModelError, "reserved"):
            trackside.register_model(run, self.weights, "m", alias="latest")
        run.finish()

    def test_a_file_replaced_or_removed_after_registration_raises(self):
        run = self.run_with_model()
        v = trackside.register_model(run, self.weights, "m", alias="champion")
        run.finish()
        with open(v.path, "r+b") as f:
            f.write(b"X")  # same size, other bytes
        with self.assertRaisesRegex(trackside.ModelFileError, "sha256"):
            trackside.get_model("m@champion", dir=self.root)
        self.assertEqual(trackside.get_model("m@champion", dir=self.root, verify=False).status, "changed")
        os.remove(v.path)
        with self.assertRaisesRegex(trackside.ModelFileError, "missing"):
            trackside.get_model("m", dir=self.root)

    def test_torn_alias_lines_and_hostile_version_files_are_reported_not_trusted(self):
        run = self.run_with_model()
        trackside.register_model(run, self.weights, "m", alias="champion")
        model_dir = os.path.join(self.root, "models", "m")
        with open(os.path.join(model_dir, "aliases.jsonl"), "ab") as f:
            f.write(b'{"ts":1,"alias":"champion","vers')  # a writer killed mid-line
        with open(os.path.join(model_dir, "versions", "2.json"), "w") as f:
            json.dump({"format": 1, "name": "m", "version": 2, "ts": 1, "run": run.id, "artifact": "a",
                       "file": "../../../etc/passwd", "size": 1, "sha256": "a" * 64}, f)
        v = trackside.register_model(run, self.weights, "m", alias="champion")
        run.finish()
        self.assertEqual(v.version, 3, "the broken version 2 is kept, not overwritten")
        model = _models.read_model("m", dir=self.root)
        self.assertEqual([x["version"] for x in model["versions"]], [1, 3])
        self.assertEqual(model["aliases"], {"champion": 3})
        self.assertEqual(len(model["problems"]), 2, model["problems"])  # the bad file and the closed-off torn line
        with self.assertRaisesRegex(trackside.ModelError, "no version 2"):
            trackside.get_model("m:2", dir=self.root)

    def test_processes_registering_at_once_get_distinct_versions(self):
        run = self.run_with_model()
        rel = trackside.register_model(run, self.weights, "race").record["artifact"]
        run.finish()
        code = ("import trackside, sys\n"
                "trackside.register_model(sys.argv[1], sys.argv[2], 'race', alias='a' + sys.argv[3])\n")
        procs = [subprocess.Popen([sys.executable, "-c", code, run.id, rel, str(i)], env=child_env(self.root),
                                  stderr=subprocess.PIPE) for i in range(8)]
        for p in procs:
            _, err = p.communicate(timeout=60)
            self.assertEqual(p.returncode, 0, err)
        model = _models.read_model("race", dir=self.root)
        self.assertEqual([v["version"] for v in model["versions"]], list(range(1, 10)))
        self.assertEqual(model["problems"], [])
        self.assertEqual(len(model["aliases"]), 8)

    def test_typescript_writes_python_reads(self):
        run = self.run_with_model()
        rel = run.log_artifact(self.weights, kind="model")
        run.finish()
        out = cli("model", "register", run.id, rel, "--name", "shared", "--alias", "champion", "--root", self.root, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        written = json.loads(out.stdout)
        got = trackside.get_model("shared@champion", dir=self.root)
        self.assertEqual((got.version, got.sha256, got.run), (1, written["sha256"], run.id))
        self.assertEqual(got.record["params"], {"lr": 0.1, "opt.name": "adam"})

    def test_python_writes_typescript_reads(self):
        run = self.run_with_model()
        v = trackside.register_model(run, self.weights, "shared", alias="staging", description="<b>hi</b>")
        run.finish()
        out = cli("model", "show", "shared@staging", "--root", self.root, "--json")
        self.assertEqual(out.returncode, 0, out.stderr)
        shown = json.loads(out.stdout)
        self.assertEqual((shown["version"], shown["sha256"], shown["status"], shown["run"]), (1, v.sha256, "ok", run.id))
        self.assertEqual(shown["description"], "<b>hi</b>")
        self.assertEqual(shown["aliases"], ["staging"])
        moved = cli("model", "alias", "shared", "1", "champion", "--reason", "from ts", "--root", self.root)
        self.assertEqual(moved.returncode, 0, moved.stderr)
        self.assertEqual(trackside.get_model("shared@champion", dir=self.root).version, 1)


if __name__ == "__main__":
    unittest.main()
