"""Runs written after the fact (trackside.integrations._finished_run): the whole log at once, with given times."""

import os

import trackside
from tests.helpers import RootCase, read_records, run_dir
from trackside.integrations._finished_run import write_finished_run


class FinishedRunTest(RootCase):
    def test_one_whole_log_with_the_times_given_and_a_final_status(self):
        rid = write_finished_run(self.root, "trial-3", project="p", group="study", parent="20240101-000000-abcdef01",
                                 tags=["pruned"], params={"lr": 0.1, "opt": {"name": "adam"}},
                                 series=[(1000.5, 0, {"loss": 2.0}), (1000.5, 1, {"loss": float("nan")})],
                                 summary={"value": 1.5}, status="killed", start=1000.0, end=1001.0,
                                 status_fields={"reason": "pruned"})
        folder = run_dir(self.root)
        self.assertEqual(os.path.basename(folder), rid)
        self.assertTrue(rid.startswith("19700101-001640-"))  # the id sorts by the run's own start
        records = read_records(os.path.join(folder, "events.jsonl"))
        self.assertEqual([r["t"] for r in records], ["start", "params", "metrics", "metrics", "summary", "status"])
        start = records[0]
        self.assertEqual((start["id"], start["ts"], start["group"], start["parent"], start["tags"]),
                         (rid, 1000.0, "study", "20240101-000000-abcdef01", ["pruned"]))
        self.assertEqual(records[1]["config_hash"], trackside.config_hash({"lr": 0.1, "opt": {"name": "adam"}}))
        self.assertEqual(records[3]["values"], {"loss": {"$float": "NaN"}})
        self.assertEqual(records[-1], {"t": "status", "ts": 1001.0, "status": "killed", "reason": "pruned"})

    def test_a_run_that_cannot_be_written_is_a_warning_not_an_exception(self):
        blocker = os.path.join(self.root, "not-a-folder")
        with open(blocker, "w") as f:
            f.write("x")
        with self.stderr() as err:
            self.assertIsNone(write_finished_run(blocker, "trial-0"))
        self.assertIn("run 'trial-0' not logged", err.getvalue())
