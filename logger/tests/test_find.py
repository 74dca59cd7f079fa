import json
import os
import time
import unittest

import trackside
from tests.helpers import RootCase


class FindRunsTest(RootCase):
    def make_run(self, config, status="finished", project="p"):
        run = self.init(config=config, project=project)
        run.log({"x": 1})
        if status == "running":
            run.flush()
            return run
        run.finish(status=status)
        return run

    def test_exists_matches_by_config_hash_and_status(self):
        config = {"optimizer": {"lr": 0.1}, "epochs": 3}
        self.assertFalse(trackside.exists(config))
        self.make_run(config, status="failed")
        self.assertFalse(trackside.exists(config), "a failed run does not count by default")
        self.assertTrue(trackside.exists(config, status="failed"))
        done = self.make_run(config)
        self.assertTrue(trackside.exists({"epochs": 3.0, "optimizer.lr": 0.1}))
        self.assertFalse(trackside.exists({"optimizer": {"lr": 0.2}, "epochs": 3}))
        self.assertFalse(trackside.exists(config, project="other"))
        found = trackside.find_runs(config=config, status="finished")
        self.assertEqual([r.id for r in found], [done.id])
        self.assertEqual(found[0].config, {"optimizer.lr": 0.1, "epochs": 3})
        self.assertEqual(len(trackside.find_runs(config=config, status=("finished", "failed"))), 2)
        self.assertEqual(len(trackside.find_runs()), 2)

    def test_the_skip_loop(self):
        trained = []
        for _ in range(2):
            for lr in (0.1, 0.01):
                config = {"lr": lr}
                if trackside.exists(config):
                    continue
                with self.init(config=config) as run:
                    run.log({"loss": lr})
                trained.append(lr)
        self.assertEqual(trained, [0.1, 0.01])

    def test_overrides_in_the_environment_apply_to_the_lookup(self):
        os.environ["TRACKSIDE_CONFIG_OVERRIDES"] = json.dumps({"lr": 0.5})
        self.make_run({"lr": 0.1})
        self.assertTrue(trackside.exists({"lr": 0.1}), "same script, same overrides: already ran")
        del os.environ["TRACKSIDE_CONFIG_OVERRIDES"]
        self.assertFalse(trackside.exists({"lr": 0.1}))
        self.assertTrue(trackside.exists({"lr": 0.5}))

    def test_reads_tolerate_torn_bad_and_foreign_lines(self):
        run = self.make_run({"a": 1})
        with open(run.path, "ab") as f:
            f.write(b"not json\n\xff\xfe invalid utf-8\n[1,2]\n" + b"[" * 100000 + b"\n")
            f.write(b'{"t":"future-kind","x":1}\n{"t":"params","params":{"b":NaN}}\n')
            f.write(b'{"t":"status","status":"fail')  # torn: not read yet
        info = trackside.find_runs()[0]
        self.assertEqual(info.bad_lines, 4)
        self.assertEqual(info.status, "finished")
        self.assertEqual(info.config_hash, trackside.config_hash({"a": 1, "b": float("nan")}))
        # A log with no start record (another writer) still reads, with the id from its folder.
        other = os.path.join(self.root, "runs", "foreign-run")
        os.makedirs(other)
        with open(os.path.join(other, "events.jsonl"), "w") as f:
            f.write('{"t": "params", "ts": 1, "params": {"a": 1}}\n{"t": "status", "ts": 2, "status": "finished"}\n')
        self.assertEqual([r.id for r in trackside.find_runs(config={"a": 1})], ["foreign-run"])
        self.assertEqual([r.id for r in trackside.find_runs(config={"a": 1, "b": float("nan")})], [run.id])

    def test_a_silent_running_run_reads_as_crashed(self):
        run = self.make_run({"a": 1}, status="running")
        self.assertEqual(trackside.find_runs()[0].status, "running")
        old = time.time() - 600
        run.finish()
        with open(run.path, "rb") as f:
            lines = f.read().split(b"\n")
        with open(run.path, "wb") as f:
            f.write(b"\n".join(lines[:-2]) + b"\n")  # drop the status record, as a SIGKILL would
        os.utime(run.path, (old, old))
        self.assertEqual(trackside.find_runs()[0].status, "crashed")
        self.assertFalse(trackside.exists({"a": 1}))


if __name__ == "__main__":
    unittest.main()
