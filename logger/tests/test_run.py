import json
import math
import os
import threading
import time
import unittest

import trackside
from trackside import _writer
from tests.helpers import RootCase, read_records, run_dir, written_records


class FakeTensor:
    """A torch-like scalar whose value changes in place after logging."""

    size = 1

    def __init__(self, v):
        self.v = v

    def item(self):
        return self.v


class RunRecordsTest(RootCase):
    def test_every_record_kind_round_trips(self):
        artifact_src = os.path.join(self.root, "model.pt")
        with open(artifact_src, "wb") as f:
            f.write(b"weights" * 100)
        run = self.init(project="proj", name="first", config={"lr": 0.1, "opt": {"name": "adam", "eps": math.inf}},
                        tags=["a", 7], notes="hello\nworld", group="sweep-1", heartbeat_interval=0.05,
                        flush_interval=0.05, system_metrics=True, system_interval=0.05)
        run.log({"loss": 1.5, "acc": 0.5})
        run.log({"loss": math.nan}, step=10)
        run.log({"loss": -math.inf})
        run.summary["best"] = 0.9
        run.summary.update({"worst": math.nan})
        self.assertEqual(run.log_artifact(artifact_src), "artifacts/model.pt")
        time.sleep(0.3)
        run.finish()
        records = read_records(run.path)
        kinds = [r["t"] for r in records]
        for kind in ("start", "params", "metrics", "system", "summary", "artifact", "status", "heartbeat"):
            self.assertIn(kind, kinds)
        for r in records:
            self.assertIsInstance(r["ts"], float)
        start = records[0]
        self.assertEqual(start["t"], "start")
        self.assertEqual((start["v"], start["id"], start["name"], start["project"], start["group"]),
                         (1, run.id, "first", "proj", "sweep-1"))
        self.assertEqual(start["tags"], ["a", "7"])
        self.assertEqual(start["notes"], "hello\nworld")
        for key in ("argv", "cwd", "executable", "env"):
            self.assertIn(key, start)
        params = [r for r in records if r["t"] == "params"]
        self.assertEqual(params[0]["params"], {"lr": 0.1, "opt": {"name": "adam", "eps": {"$float": "Infinity"}}})
        self.assertEqual(params[0]["source"], "config")
        metrics = [r for r in records if r["t"] == "metrics"]
        self.assertEqual([m["step"] for m in metrics], [0, 10, 11])
        self.assertEqual(metrics[0]["values"], {"loss": 1.5, "acc": 0.5})
        self.assertEqual(metrics[1]["values"], {"loss": {"$float": "NaN"}})
        self.assertEqual(metrics[2]["values"], {"loss": {"$float": "-Infinity"}})
        summaries = [r["values"] for r in records if r["t"] == "summary"]
        self.assertEqual(summaries, [{"best": 0.9}, {"worst": {"$float": "NaN"}}])
        art = [r for r in records if r["t"] == "artifact"][0]
        self.assertEqual((art["path"], art["kind"], art["size"]), ("artifacts/model.pt", "model", 700))
        self.assertEqual(len(art["sha256"]), 64)
        with open(os.path.join(run.dir, "artifacts", "model.pt"), "rb") as f:
            self.assertEqual(f.read(), b"weights" * 100)
        system = [r for r in records if r["t"] == "system"][0]
        self.assertIn("rss_mb", system["values"])
        for v in system["values"].values():
            self.assertIsInstance(v, (int, float))
        self.assertEqual(records[-1], {"t": "status", "ts": records[-1]["ts"], "status": "finished", "exit_code": 0})

    def test_log_coerces_scalars_now_and_drops_only_bad_values(self):
        run = self.init()
        tensor = FakeTensor(1.25)
        with self.stderr() as err:
            run.log({"t": tensor, "b": True, "nested": {"x": 1, "y": {"z": 2.5}}, "s": "text", "none": None,
                     3: 4.0, "n": FakeTensor(math.nan)})
            tensor.v = 99.0  # an in-place update after logging must not change what was logged
            run.log("not a dict")
            run.log({"a": 1}, step=-3)
            run.log({"a": 2}, step=FakeTensor(40))
            run.log({"a": 3}, commit=False)
            run.log({"b": 4})
        run.finish()
        metrics = [r for r in read_records(run.path) if r["t"] == "metrics"]
        self.assertEqual(metrics[0]["values"], {"t": 1.25, "b": 1, "nested/x": 1, "nested/y/z": 2.5, "3": 4.0,
                                                "n": {"$float": "NaN"}})
        self.assertEqual([m["step"] for m in metrics], [0, 1, 40, 41, 41])
        self.assertIn("metric 's' is a str", err.getvalue())
        self.assertIn("log() takes a dict", err.getvalue())
        self.assertIn("step must be an integer", err.getvalue())

    def test_context_manager_marks_failure_and_reraises(self):
        with self.assertRaises(ZeroDivisionError):
            with self.init(name="boom") as run:
                run.log({"x": 1})
                1 / 0
        status = read_records(run.path)[-1]
        self.assertEqual(status["status"], "failed")
        self.assertEqual(status["error"]["type"], "ZeroDivisionError")
        self.assertEqual(status["error"]["message"], "division by zero")
        self.assertIn("1 / 0", status["error"]["traceback"])
        self.assertIsNone(trackside.run)

    def test_context_manager_maps_exit_codes_and_interrupts(self):
        with self.assertRaises(SystemExit):
            with self.init() as run:
                raise SystemExit(3)
        self.assertEqual(read_records(run.path)[-1]["status"], "failed")
        self.assertEqual(read_records(run.path)[-1]["exit_code"], 3)
        with self.assertRaises(SystemExit):
            with self.init() as run:
                raise SystemExit(0)
        self.assertEqual(read_records(run.path)[-1]["status"], "finished")
        with self.assertRaises(KeyboardInterrupt):
            with self.init() as run:
                raise KeyboardInterrupt
        last = read_records(run.path)[-1]
        self.assertEqual((last["status"], last["signal"]), ("killed", "SIGINT"))

    def test_module_level_api_and_aliases(self):
        run = trackside.init(config={"a": 1}, install_signal_handlers=False)
        self.assertIs(trackside.run, run)
        self.assertIs(trackside.active_run(), run)
        self.assertEqual(trackside.config["a"], 1)
        self.assertEqual(run.config.a, 1)
        trackside.log({"x": 1})
        trackside.log_metric("y", 2.0, step=5)
        trackside.log_metrics({"z": 3})
        trackside.log_param("p", "v")
        trackside.log_params({"q": {"r": 1}})
        run.config["lr"] = 0.5
        run.config.update({"bs": 32})
        trackside.summary["s"] = 1
        self.assertEqual(run.config.as_dict(), {"a": 1, "p": "v", "q": {"r": 1}, "lr": 0.5, "bs": 32})
        trackside.finish()
        self.assertIsNone(trackside.run)
        records = read_records(run.path)
        self.assertEqual([(r["step"], r["values"]) for r in records if r["t"] == "metrics"],
                         [(0, {"x": 1}), (5, {"y": 2.0}), (6, {"z": 3})])
        self.assertEqual([(r["source"], r["params"]) for r in records if r["t"] == "params"],
                         [("config", {"a": 1}), ("param", {"p": "v"}), ("param", {"q": {"r": 1}}),
                          ("config", {"lr": 0.5}), ("config", {"bs": 32})])
        mlflow = trackside.start_run(run_name="ml", experiment_name="exp", tags={"k": "v"}, description="d",
                                     install_signal_handlers=False)
        self.assertEqual((mlflow.name, mlflow.project, mlflow.tags, mlflow.notes), ("ml", "exp", ["k=v"], "d"))
        trackside.end_run(status="KILLED")
        self.assertEqual(read_records(mlflow.path)[-1]["status"], "killed")

    def test_init_finishes_the_previous_run_and_logging_after_finish_is_ignored(self):
        first = self.init()
        second = self.init()
        self.assertEqual(read_records(first.path)[-1]["status"], "finished")
        second.finish()
        size = os.path.getsize(second.path)
        with self.stderr() as err:
            second.log({"late": 1})
            second.summary["late"] = 1
        self.assertEqual(os.path.getsize(second.path), size)
        self.assertIn("has finished", err.getvalue())

    def test_overrides_and_parent_from_the_environment(self):
        os.environ["TRACKSIDE_CONFIG_OVERRIDES"] = json.dumps({"optimizer.lr": 0.5, "epochs": 2, "new": [1, 2]})
        os.environ["TRACKSIDE_PARENT_RUN"] = "20240101-000000-deadbeef"
        run = self.init(config={"optimizer": {"lr": 0.1, "name": "sgd"}, "epochs": 10})
        self.assertEqual(run.config.as_dict(), {"optimizer": {"lr": 0.5, "name": "sgd"}, "epochs": 2, "new": [1, 2]})
        run.finish()
        records = read_records(run.path)
        self.assertEqual(records[0]["parent"], "20240101-000000-deadbeef")
        override = [r for r in records if r["t"] == "params" and r["source"] == "override"]
        self.assertEqual(override[0]["params"], {"optimizer.lr": 0.5, "epochs": 2, "new": [1, 2]})

    def test_run_id_and_group_from_the_environment_as_a_sweep_sets_them(self):
        os.environ["TRACKSIDE_RUN_ID"] = "20260101-000000-0000beef"
        os.environ["TRACKSIDE_GROUP"] = "mysweep-1234abcd"
        run = self.init(config={"a": 1})
        # Read once: a child process (or a second init) must not write into the same run.
        self.assertNotIn("TRACKSIDE_RUN_ID", os.environ)
        run.finish()
        self.assertEqual(run.id, "20260101-000000-0000beef")
        self.assertEqual(run.dir, os.path.join(self.root, "runs", "20260101-000000-0000beef"))
        self.assertEqual(read_records(run.path)[0]["group"], "mysweep-1234abcd")
        second = self.init(group="mine")
        second.finish()
        self.assertNotEqual(second.id, run.id)
        self.assertEqual(read_records(second.path)[0]["group"], "mine")

    def test_a_bad_run_id_from_the_environment_warns_and_a_fresh_id_is_used(self):
        os.environ["TRACKSIDE_RUN_ID"] = "../escape"
        with self.stderr() as err:
            run = self.init()
            run.finish()
        self.assertIn("TRACKSIDE_RUN_ID", err.getvalue())
        self.assertEqual(os.path.dirname(run.dir), os.path.join(self.root, "runs"))

    def test_overrides_as_the_rerun_command_writes_them(self):
        # The exact text src/rerun/model/overrides.ts produces (bare NaN included).
        os.environ["TRACKSIDE_CONFIG_OVERRIDES"] = '{"bad":NaN,"lr":0.02,"note":"a \\"q\\" \\n $x","optimizer.name":"adam"}'
        run = self.init(config={"optimizer": {"name": "sgd", "momentum": 0.9}, "lr": 0.1, "bad": 1})
        self.assertEqual(run.config.optimizer, {"name": "adam", "momentum": 0.9})
        self.assertEqual((run.config.lr, run.config.note), (0.02, 'a "q" \n $x'))
        self.assertTrue(math.isnan(run.config.bad))
        run.finish()
        override = [r for r in read_records(run.path) if r["t"] == "params"][-1]
        self.assertEqual(override["params"]["bad"], {"$float": "NaN"})

    def test_malformed_overrides_and_parent_warn_and_the_run_continues(self):
        for bad in ("{not json", "[1, 2]"):
            os.environ["TRACKSIDE_CONFIG_OVERRIDES"] = bad
            os.environ["TRACKSIDE_PARENT_RUN"] = "../../etc"
            from trackside import _warn
            _warn.reset_for_tests()
            with self.stderr() as err:
                run = self.init(config={"a": 1})
                run.log({"x": 1})
                run.finish()
            self.assertIn("TRACKSIDE_CONFIG_OVERRIDES", err.getvalue())
            self.assertIn("TRACKSIDE_PARENT_RUN", err.getvalue())
            records = read_records(run.path)
            self.assertNotIn("parent", records[0])
            self.assertEqual([r["source"] for r in records if r["t"] == "params"], ["config"])
            self.assertEqual(records[-1]["status"], "finished")

    def test_resume_appends_and_terminates_a_torn_line(self):
        run = self.init(id="my-run")
        run.log({"x": 1})
        run.finish()
        with open(run.path, "ab") as f:
            f.write(b'{"t":"metrics","ts":1,"step":1,"val')  # what a killed writer leaves
        with self.assertRaises(ValueError):
            self.init(id="my-run")
        again = self.init(id="my-run", resume=True)
        self.assertEqual(again.dir, run.dir)
        again.log({"x": 2})
        again.finish()
        with open(run.path, "rb") as f:
            lines = f.read().split(b"\n")
        self.assertEqual(lines[-1], b"")
        torn = [ln for ln in lines if ln.startswith(b'{"t":"metrics","ts":1,')]
        self.assertEqual(torn, [b'{"t":"metrics","ts":1,"step":1,"val'], "the torn line must stay alone")
        good = [json.loads(ln) for ln in lines if ln and ln not in torn]
        self.assertEqual(good[-3]["resumed"], True)
        self.assertEqual((good[-2]["step"], good[-2]["values"]), (1, {"x": 2}), "steps continue after a resume")

    def test_root_defaults_to_the_nearest_trackside_folder_then_git_top(self):
        from trackside._root import resolve_root

        os.environ.pop("TRACKSIDE_DIR")
        repo = os.path.join(self.root, "repo")
        sub = os.path.join(repo, "src", "deep")
        os.makedirs(sub)
        os.mkdir(os.path.join(repo, ".git"))
        self.assertEqual(resolve_root(start=sub), os.path.join(repo, ".trackside"))
        os.makedirs(os.path.join(repo, "src", ".trackside"))
        self.assertEqual(resolve_root(start=sub), os.path.join(repo, "src", ".trackside"))
        os.environ["TRACKSIDE_DIR"] = "/somewhere/else"
        self.assertEqual(resolve_root(start=sub), "/somewhere/else")
        self.assertEqual(resolve_root(dir="/explicit", start=sub), "/explicit")


class WriterTest(RootCase):
    def test_records_are_buffered_and_written_by_the_writer_thread(self):
        run = self.init(flush_interval=0.4)
        threads = []
        write = run._writer._write

        def spy(parts):
            threads.append(threading.current_thread().name)
            return write(parts)

        run._writer._write = spy
        t0 = time.monotonic()
        for i in range(1000):
            run.log({"x": i})
        while sum(1 for r in written_records(run.path) if r["t"] == "metrics") < 1000 and time.monotonic() - t0 < 3:
            time.sleep(0.01)
        waited = time.monotonic() - t0
        self.assertLess(waited, 1.5, "0.4 s interval, plus slack for a loaded machine")
        self.assertEqual(sum(1 for r in read_records(run.path) if r["t"] == "metrics"), 1000)
        self.assertEqual(set(threads), {"trackside-writer"}, "log() must not write on the calling thread")
        self.assertLessEqual(run._writer.writes, 3, "1000 records should take a batch write, not one each")
        run.finish()

    def test_a_full_queue_wakes_the_writer_early(self):
        run = self.init(flush_interval=30)
        size = os.path.getsize(run.path)
        for i in range(run._writer.max_queued + 10):
            run.log({"x": i})
        t0 = time.monotonic()
        while os.path.getsize(run.path) == size and time.monotonic() - t0 < 3:
            time.sleep(0.01)
        self.assertLess(time.monotonic() - t0, 2.0, "woken by the queue length, not the 30 s interval")
        run.finish()

    def test_each_flush_is_one_write_of_whole_lines(self):
        path = os.path.join(self.root, "w.jsonl")
        writer = _writer.Writer(path, flush_interval=60)
        sizes = []
        real = os.write

        def spy(fd, data):
            sizes.append(bytes(data))
            return real(fd, data)

        _writer.os.write = spy
        try:
            for i in range(500):
                writer.put((1.0, i, {"k": i}))
            writer.put({"t": "summary", "ts": 1.0, "values": {"a": math.nan}})
            writer.flush()
        finally:
            _writer.os.write = real
            writer.close()
        self.assertEqual(len(sizes), 1)
        self.assertTrue(sizes[0].endswith(b"\n"))
        self.assertEqual(len(sizes[0].split(b"\n")), 502)

    def test_heartbeats_while_idle(self):
        run = self.init(flush_interval=0.02, heartbeat_interval=0.05)
        time.sleep(0.4)
        run.finish()
        beats = [r for r in read_records(run.path) if r["t"] == "heartbeat"]
        self.assertGreaterEqual(len(beats), 3)

    def test_write_errors_warn_and_keep_the_records(self):
        run = self.init(flush_interval=60)
        real = os.write
        fail = [True]

        def flaky(fd, data):
            if fail[0]:
                raise OSError(28, "No space left on device")
            return real(fd, data)

        _writer.os.write = flaky
        try:
            with self.stderr() as err:
                run.log({"x": 1})
                run.flush()
                fail[0] = False
                run.log({"x": 2})
                run.flush()
        finally:
            _writer.os.write = real
        run.finish()
        self.assertIn("No space left", err.getvalue())
        self.assertEqual([r["values"]["x"] for r in read_records(run.path) if r["t"] == "metrics"], [1, 2])


if __name__ == "__main__":
    unittest.main()
