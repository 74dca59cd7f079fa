"""How soon a logged step reaches the file: at once after a quiet spell, batched under load.

The editor can show a step only once it is in the file, so a writer that waits for its next tick
(``flush_interval``) delays every step of a slowly logging run. The interval here is 30 s, so a step that
arrives within the test's few seconds can only have been written by the quick wake-up.
"""

import os
import time
import unittest

import trackside
from tests.helpers import RootCase, read_records, written_records


def metrics_in(path):
    return [r for r in written_records(path) if r.get("t") == "metrics"]


def wait_for(predicate, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


class QuickWriteTest(RootCase):
    def start(self):
        run = trackside.init(project="latency", dir=self.root, flush_interval=30.0, install_signal_handlers=False,
                             system_metrics=False, capture_env=False)
        self.addCleanup(run.finish)
        return run

    def test_a_step_after_a_quiet_spell_is_written_without_waiting_for_the_tick(self):
        run = self.start()
        for step in range(3):
            time.sleep(0.2)  # quiet spells, as in a run that logs once in a while
            run.log({"loss": 1.0 / (step + 1)}, step=step)
            self.assertTrue(wait_for(lambda: len(metrics_in(run.path)) == step + 1, 5.0),
                            "step %d was not written within 5 s with a 30 s flush interval" % step)

    def test_while_records_keep_coming_none_waits_for_the_tick(self):
        run = self.start()
        # No wake-up for a full queue either: only the writer's own pace can get these steps out.
        run._writer.max_queued = run._max_queued = 10 ** 9
        t0 = time.monotonic()
        step = 0
        while time.monotonic() - t0 < 2.0:
            run.log({"loss": 0.5}, step=step)
            step += 1
            time.sleep(0.001)
        logged_a_second_ago = int(step * 0.5)
        written = len(metrics_in(run.path))
        self.assertGreaterEqual(written, logged_a_second_ago,
                                "%d of %d steps in the file; those logged a second ago should all be" % (written, step))

    def test_under_load_the_writer_still_batches(self):
        run = self.start()
        writer = run._writer
        before = writer.writes
        t0 = time.monotonic()
        for step in range(20000):
            run.log({"loss": 0.5, "acc": 0.25}, step=step)
        elapsed = time.monotonic() - t0
        self.assertTrue(wait_for(lambda: len(metrics_in(run.path)) == 20000, 10.0))
        self.assertEqual(len([r for r in read_records(run.path) if r.get("t") == "metrics"]), 20000)
        writes = writer.writes - before
        # At most one quick write per quick_gap while logging (plus the drain after it), never one per step.
        allowed = int(elapsed / writer.quick_gap) + 3
        self.assertLessEqual(writes, allowed, "%d writes for 20000 steps in %.2f s" % (writes, elapsed))


    def test_under_load_writes_are_spaced_wider_than_the_editor_s_quiet_window(self):
        # The extension reads a live run's log once its folder has been quiet 15 ms (and at the latest 100 ms after
        # the first change): writes spaced closer than that would delay what it shows, not speed it up.
        run = self.start()
        writer = run._writer
        self.assertGreater(writer.quick_gap, 0.015)
        self.assertLessEqual(writer.quick_gap, 0.025, "each ms here is a ms a live row can be staler")
        run._writer.max_queued = run._max_queued = 10 ** 9
        times, real = [], writer._write

        def noting(parts):  # the real write, noting when each batch went out
            times.append(time.monotonic())
            return real(parts)

        writer._write = noting
        t0 = time.monotonic()
        step = 0
        while time.monotonic() - t0 < 1.0:
            run.log({"loss": 0.5}, step=step)
            step += 1
            time.sleep(0.001)
        self.assertTrue(wait_for(lambda: len(metrics_in(run.path)) == step, 5.0))
        gaps = [b - a for a, b in zip(times, times[1:])]
        self.assertGreater(len(gaps), 5)
        self.assertGreaterEqual(min(gaps), writer.quick_gap - 0.002, gaps)


if __name__ == "__main__":
    unittest.main()
