"""A full disk under the writer: short writes, ENOSPC, and the overflow that drops what was held back.

The disk is simulated below the writer, at the ``os.write`` it calls, so the writer's own retry, drop and
recovery code runs as it would on a real full disk.
"""

import errno
import os
import unittest
from unittest import mock

from trackside import _writer
from tests.helpers import RootCase, strict_loads


class FullDisk:
    """``os.write`` on a disk with ``free`` bytes left for one descriptor: a short write, then ENOSPC."""

    def __init__(self, fd):
        self.fd = fd
        self.free = None  # None: room for everything
        self.real = os.write

    def __call__(self, fd, data):
        if fd != self.fd or self.free is None:
            return self.real(fd, data)
        if self.free <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = self.real(fd, bytes(data[:self.free]))
        self.free -= n
        return n


def split_log(path):
    """(records, bad lines) of a log, as the reader sees it: each line parsed alone."""
    with open(path, "rb") as f:
        data = f.read()
    assert data.endswith(b"\n"), "log does not end on a line boundary: %r" % data[-80:]
    good, bad = [], []
    for line in data.split(b"\n")[:-1]:
        try:
            good.append(strict_loads(line.decode("utf-8")))
        except ValueError:
            bad.append(line)
    return good, bad


class OverflowTest(RootCase):
    def setUp(self):
        super().setUp()
        self.path = os.path.join(self.root, "events.jsonl")
        self.writer = _writer.Writer(self.path, flush_interval=60)
        self.disk = FullDisk(self.writer._fd)
        patches = [mock.patch.object(_writer.os, "write", self.disk), mock.patch.object(_writer, "RETRY_CAP", 4096)]
        for p in patches:
            p.start()
            self.addCleanup(p.stop)
        self.addCleanup(self.writer.close)

    def put(self, first, count):
        for i in range(first, first + count):
            self.writer.put({"t": "metrics", "ts": 1.0, "step": i, "values": {"loss": i * 0.5, "pad": "x" * 40}})

    def line_of(self, step):
        return _writer._encode_record({"t": "metrics", "ts": 1.0, "step": step,
                                       "values": {"loss": step * 0.5, "pad": "x" * 40}}).encode() + b"\n"

    def steps(self, records):
        return [r["step"] for r in records]

    def test_a_torn_line_left_by_a_drop_stands_alone_and_the_next_record_is_whole(self):
        self.put(0, 3)
        self.writer.flush()
        self.disk.free = 30  # the next batch is cut in its first line, then the disk is full
        with self.stderr() as err:
            self.put(3, 200)  # well over the cap: dropped
            self.writer.flush()
            self.disk.free = None  # space freed
            self.put(1000, 2)
            self.writer.flush()
        good, bad = split_log(self.path)
        self.assertEqual(self.steps(good), [0, 1, 2, 1000, 1001])
        self.assertEqual(bad, [self.line_of(3)[:30]])
        self.assertIn("200 lines", err.getvalue())
        self.assertEqual(self.writer.dropped_lines, 200)

    def test_a_drop_after_retries_still_ends_the_torn_line(self):
        self.disk.free = 10
        with self.stderr() as err:
            self.put(0, 5)  # under the cap: kept for retry
            self.writer.flush()
            self.assertEqual(self.writer.dropped_lines, 0)
            self.put(5, 200)  # the held-back bytes pass the cap: dropped
            self.writer.flush()
            self.disk.free = None
            self.put(1000, 1)
            self.writer.close()
        good, bad = split_log(self.path)
        self.assertEqual(self.steps(good), [1000])
        self.assertEqual(bad, [self.line_of(0)[:10]])
        self.assertEqual(self.writer.dropped_lines, 205)
        self.assertIn("205 lines", err.getvalue())

    def test_a_record_torn_just_before_its_newline_is_kept_not_counted(self):
        self.disk.free = len(self.line_of(0)) - 1
        with self.stderr():
            self.put(0, 200)
            self.writer.flush()
            self.disk.free = None
            self.put(1000, 1)
            self.writer.flush()
        good, bad = split_log(self.path)
        self.assertEqual(self.steps(good), [0, 1000])
        self.assertEqual(bad, [])
        self.assertEqual(self.writer.dropped_lines, 199)

    def test_every_drop_is_reported(self):
        with self.stderr() as err:
            for first in (0, 1000):
                self.disk.free = 0
                self.put(first, 200)
                self.writer.flush()
            self.disk.free = None
            self.put(5000, 1)
            self.writer.flush()
        self.assertEqual(self.writer.dropped_lines, 400)
        self.assertIn("200 lines", err.getvalue())
        self.assertIn("400 lines", err.getvalue())
        good, bad = split_log(self.path)
        self.assertEqual((self.steps(good), bad), ([5000], []))

    def test_a_clean_retry_loses_nothing(self):
        self.disk.free = 25
        with self.stderr():
            self.put(0, 10)  # under the cap: kept, then written whole once there is room
            self.writer.flush()
            self.disk.free = None
            self.writer.flush()
        good, bad = split_log(self.path)
        self.assertEqual((self.steps(good), bad), (list(range(10)), []))
        self.assertEqual(self.writer.dropped_lines, 0)


if __name__ == "__main__":
    unittest.main()
