"""Distributed jobs: every rank derives the same run id from its launcher's environment, with no coordination,
and writes only its own segment (docs/log-format.md, "Distributed runs")."""

import os
import socket
import subprocess
import sys
import unittest

from tests.helpers import LOGGER_DIR, read_records
from trackside import _dist

TORCHRUN = {"RANK": "1", "WORLD_SIZE": "3", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "3", "MASTER_ADDR": "127.0.0.1",
            "MASTER_PORT": "29511", "TORCHELASTIC_RUN_ID": "job-7", "TORCHELASTIC_RESTART_COUNT": "0"}


class LaunchInfo(unittest.TestCase):
    def test_every_rank_of_a_torchrun_job_gets_the_same_id(self):
        ids = {_dist.launch_info(dict(TORCHRUN, RANK=str(r), LOCAL_RANK=str(r)))["run_id"] for r in range(3)}
        self.assertEqual(len(ids), 1)
        info = _dist.launch_info(TORCHRUN)
        self.assertEqual((info["rank"], info["world_size"], info["local_rank"], info["launcher"]),
                         (1, 3, 1, "torchrun"))
        self.assertTrue(info["run_id"].startswith("torchrun-job-7-"))
        other = _dist.launch_info(dict(TORCHRUN, TORCHELASTIC_RUN_ID="job-8"))
        self.assertNotEqual(other["run_id"], info["run_id"])

    def test_torchrun_default_id_none_falls_back_to_the_rendezvous_address(self):
        a = _dist.launch_info(dict(TORCHRUN, TORCHELASTIC_RUN_ID="none"))
        b = _dist.launch_info(dict(TORCHRUN, TORCHELASTIC_RUN_ID="none", MASTER_PORT="29512"))
        self.assertEqual(a["job"], "127.0.0.1:29511")
        self.assertNotEqual(a["run_id"], b["run_id"])

    def test_slurm_array_task_then_job_and_step(self):
        env = {"SLURM_PROCID": "2", "SLURM_NTASKS": "4", "SLURM_LOCALID": "0", "SLURM_JOB_ID": "1234",
               "SLURM_ARRAY_JOB_ID": "1200", "SLURM_ARRAY_TASK_ID": "5"}
        info = _dist.launch_info(env)
        self.assertEqual((info["rank"], info["world_size"], info["launcher"], info["job"]), (2, 4, "slurm", "1200_5"))
        plain = {k: v for k, v in env.items() if not k.startswith("SLURM_ARRAY")}
        self.assertEqual(_dist.launch_info(plain)["job"], "1234")
        self.assertEqual(_dist.launch_info(dict(plain, SLURM_STEP_ID="3"))["job"], "1234.3")

    def test_mpi_ranks(self):
        info = _dist.launch_info({"OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_SIZE": "8",
                                  "OMPI_COMM_WORLD_LOCAL_RANK": "1", "PMIX_NAMESPACE": "prterun-x-1@1"})
        self.assertEqual((info["rank"], info["world_size"], info["local_rank"], info["launcher"]), (3, 8, 1, "mpi"))
        self.assertEqual(_dist.launch_info({"PMI_RANK": "0", "PMI_SIZE": "2", "PMI_JOBID": "9"})["job"], "9")

    def test_explicit_run_id_wins_and_single_process_is_not_distributed(self):
        self.assertEqual(_dist.launch_info(dict(TORCHRUN, TRACKSIDE_RUN_ID="mine"))["run_id"], "mine")
        self.assertIsNone(_dist.launch_info({"RANK": "0", "WORLD_SIZE": "1"}))
        self.assertIsNone(_dist.launch_info({"RANK": "5", "WORLD_SIZE": "2"}))
        self.assertIsNone(_dist.launch_info({}))

    def test_process_info_names_this_process(self):
        info = _dist.process_info()
        self.assertEqual(info["pid"], os.getpid())
        self.assertEqual(info["host"], socket.gethostname())
        if os.path.exists("/proc/self/stat"):
            self.assertIsInstance(info["pid_start"], int)
            self.assertEqual(len(info["boot_id"]), 36)


SCRIPT = """
import trackside
run = trackside.init(project="p", config={"lr": 0.1}, system_metrics=False, heartbeat_interval=0.2)
for step in range(5):
    run.log({"loss": 1.0 / (step + 1)})
import time; time.sleep(1.5)  # a few writer wake-ups: heartbeats after the last step
run.finish()
"""


def run_ranks(root, world, extra=None):
    procs = []
    for rank in range(world):
        env = dict(os.environ, PYTHONPATH=LOGGER_DIR, TRACKSIDE_DIR=root, **TORCHRUN)
        env.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world), TRACKSIDE_CAPTURE_ENV="0")
        env.update(extra or {})
        procs.append(subprocess.Popen([sys.executable, "-c", SCRIPT], env=env))
    for p in procs:
        assert p.wait(60) == 0


class Segments(unittest.TestCase):
    def setUp(self):
        import shutil
        import tempfile
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root, True)

    def test_each_rank_writes_its_own_segment_rank0_the_config_and_metrics(self):
        run_ranks(self.root, 3)
        runs = os.listdir(os.path.join(self.root, "runs"))
        self.assertEqual(len(runs), 1)
        folder = os.path.join(self.root, "runs", runs[0])
        self.assertEqual(sorted(f for f in os.listdir(folder) if f.startswith("events")),
                         ["events.jsonl", "events.rank-1.jsonl", "events.rank-2.jsonl"])
        zero = read_records(os.path.join(folder, "events.jsonl"))
        self.assertEqual(zero[0]["rank"]["rank"], 0)
        self.assertEqual(zero[0]["rank"]["world_size"], 3)
        self.assertIn("params", [r["t"] for r in zero])
        self.assertEqual(len([r for r in zero if r["t"] == "metrics"]), 5)
        one = read_records(os.path.join(folder, "events.rank-1.jsonl"))
        kinds = [r["t"] for r in one]
        self.assertEqual(one[0]["rank"]["rank"], 1)
        self.assertEqual(one[0]["rank"]["pid_start"] is None, not os.path.exists("/proc/self/stat"))
        self.assertNotIn("params", kinds)
        self.assertNotIn("metrics", kinds)
        self.assertEqual(one[-1]["status"], "finished")
        beats = [r for r in one if r["t"] == "heartbeat"]
        self.assertTrue(beats and beats[-1]["step"] == 4, beats)

    def test_all_ranks_logs_metrics_from_every_rank_and_a_rerun_restarts_the_segment(self):
        run_ranks(self.root, 2, {"TRACKSIDE_ALL_RANKS": "1"})
        folder = os.path.join(self.root, "runs", os.listdir(os.path.join(self.root, "runs"))[0])
        one = read_records(os.path.join(folder, "events.rank-1.jsonl"))
        self.assertEqual(len([r for r in one if r["t"] == "metrics"]), 5)
        run_ranks(self.root, 2)  # the same job id again: an elastic restart
        one = read_records(os.path.join(folder, "events.rank-1.jsonl"))
        starts = [r for r in one if r["t"] == "start"]
        self.assertEqual(len(starts), 2)
        self.assertTrue(starts[1]["restarted"])


class SingleProcess(unittest.TestCase):
    def test_a_single_process_run_names_its_process(self):
        import shutil
        import tempfile
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root, True)
        env = dict(os.environ, PYTHONPATH=LOGGER_DIR, TRACKSIDE_DIR=root, TRACKSIDE_CAPTURE_ENV="0")
        for k in list(env):
            if k in TORCHRUN or k.startswith(("SLURM_", "OMPI_", "PMI")):
                del env[k]
        subprocess.check_call([sys.executable, "-c", SCRIPT], env=env)
        folder = os.path.join(root, "runs", os.listdir(os.path.join(root, "runs"))[0])
        start = read_records(os.path.join(folder, "events.jsonl"))[0]
        self.assertNotIn("rank", start)
        self.assertEqual(start["proc"]["host"], socket.gethostname())
        self.assertIsInstance(start["proc"]["pid"], int)


if __name__ == "__main__":
    unittest.main()
