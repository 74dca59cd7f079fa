"""Several threads logging to one run at once (a dataloader thread and the training loop, say)."""

import os
import signal
import sys
import threading
import time
import unittest
import warnings

from trackside import _warn
from trackside._confighash import flatten, hash_flat
from tests.helpers import RootCase, read_records

THREADS = 4
PER_THREAD = 3000


class ConcurrentLoggingTest(RootCase):
    def setUp(self):
        super().setUp()
        # Switch threads as often as the interpreter allows, so races show up in a short test.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)

    def tearDown(self):
        sys.setswitchinterval(self._interval)
        super().tearDown()

    def run_threads(self, target):
        start = threading.Barrier(THREADS)
        errors = []

        def body(k):
            try:
                start.wait()
                target(k)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=body, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])

    def test_every_record_once_with_unique_automatic_steps(self):
        run = self.init(flush_interval=0.01)

        def log(k):
            for i in range(PER_THREAD):
                run.log({"thread": k, "i": i, "loss": 1.0 / (i + 1)})

        self.run_threads(log)
        run.finish()
        records = read_records(run.path)  # every line strict JSON: nothing interleaved
        metrics = [r for r in records if r["t"] == "metrics"]
        got = sorted((m["values"]["thread"], m["values"]["i"]) for m in metrics)
        self.assertEqual(got, [(k, i) for k in range(THREADS) for i in range(PER_THREAD)], "each record exactly once")
        steps = [m["step"] for m in metrics]
        self.assertEqual(steps, list(range(THREADS * PER_THREAD)), "unique steps, in file order")
        for k in range(THREADS):
            mine = [m["values"]["i"] for m in metrics if m["values"]["thread"] == k]
            self.assertEqual(mine, list(range(PER_THREAD)), "each thread's records keep their order")
        self.assertEqual(records[-1]["status"], "finished")

    def test_logging_while_another_thread_finishes_loses_nothing_it_accepted(self):
        run = self.init(flush_interval=0.01)
        started = threading.Event()

        def log(k):
            i = 0
            with self.stderr():
                while run.status == "running" and i < 10 ** 6:
                    run.log({"thread": k, "i": i})
                    i += 1
                    if i == 100:
                        started.set()

        finisher = threading.Thread(target=lambda: (started.wait(10), run.finish()))
        finisher.start()
        self.run_threads(log)
        finisher.join(10)
        records = read_records(run.path)
        self.assertEqual(records[-1]["status"], "finished", "nothing is written after the final status")
        steps = [r["step"] for r in records if r["t"] == "metrics"]
        # Every step handed out was written: a record accepted during finish() would leave run._step ahead.
        self.assertEqual(steps, list(range(run._step)))
        self.assertGreater(len(steps), 100)

    def test_concurrent_params_keep_each_config_hash_true_to_the_file(self):
        run = self.init(config={"base": 1})

        def update(k):
            for i in range(150):
                run.config["t%d_%d" % (k, i)] = i
                run.summary["t%d" % k] = i

        self.run_threads(update)
        run.finish()
        merged = {}
        params = [r for r in read_records(run.path) if r["t"] == "params"]
        self.assertEqual(len(params), 1 + THREADS * 150)
        for r in params:
            merged.update(flatten(r["params"]))
            self.assertEqual(r["config_hash"], hash_flat(merged), "a record's hash covers the records before it")
        self.assertEqual(len(run.config), 1 + THREADS * 150)
        self.assertEqual(run.config_hash, hash_flat(merged))


class ForkTest(RootCase):
    def test_a_fork_while_another_thread_holds_the_locks_does_not_hang_the_child(self):
        run = self.init()
        held, release = threading.Event(), threading.Event()

        def hold():
            with run._lock, _warn._lock:  # a thread in the middle of log() and of a warning
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        self.assertTrue(held.wait(10))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork() of a multi-threaded process
            pid = os.fork()
        if pid == 0:  # the child never returns into the test runner
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
                run.log({"from_child": 1})  # dropped with a warning, and must return
                os._exit(0)
            finally:
                os._exit(1)
        release.set()
        holder.join(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.02)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.fail("the child hung on a lock held by a thread of its parent")
        self.assertEqual(os.WEXITSTATUS(status), 0)
        run.finish()


if __name__ == "__main__":
    unittest.main()
