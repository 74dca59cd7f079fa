"""The background writer: records queue on the training thread, a daemon thread encodes and appends them.

``Run.log`` only copies the dict and appends a tuple to a deque (atomic under the GIL; the run's lock only
orders steps), so the training thread never waits on encoding or disk. The writer wakes every ``flush_interval`` seconds, or
sooner once ``max_queued`` records wait, encodes everything queued and appends it with one ``write()``
per batch of whole lines. The first record after a quiet spell wakes it at once, so a step logged once a second
reaches the file (and the editor) in milliseconds, not up to ``flush_interval`` later; while records keep coming it
comes back every ``quick_gap``, so under load it still batches (at most one write per ``quick_gap``) and no record
waits much longer than that. 20 ms: a live view refreshes its rows every ~210 ms (VS Code holds a tree's refreshes
until its events have been quiet 200 ms), so each ms a record waits here adds to how stale the row it shows can
be, while writes spaced wider than the extension's 15 ms quiet window still each get read at once (closer ones
would make it wait for a quiet spell, up to 100 ms); 50 write() calls a second at most, whatever the rate. No
open/close or fsync per record: the file stays open, and the kernel keeps what was written when the process is
killed. Media (``_media.MediaJob``) are encoded here too, on this thread: each
job writes its files under ``media/`` and only then becomes its line.
"""

import collections
import os
import threading
import time

from ._encode import encode
from ._media import MediaJob
from ._warn import warn

_monotonic = time.monotonic

BATCH_BYTES = 1 << 20  # write at least this often while draining a long queue
RETRY_CAP = 64 << 20  # bytes kept for retry while the disk refuses writes


class Writer:
    def __init__(self, path, flush_interval=0.5, max_queued=2000, heartbeat_interval=15.0, quick_gap=0.02, beat=None):
        self.path = path
        # Fields a heartbeat carries besides ts (a rank that logs no metrics reports its step there).
        self._beat = beat
        self.flush_interval = flush_interval
        self.quick_gap = quick_gap
        # monotonic time by which the writer wakes by itself; far off (idle), the first new record wakes it
        self._back_by = float("inf")
        self.max_queued = max_queued
        self.heartbeat_interval = heartbeat_interval
        self.queue = collections.deque()
        self.writes = 0  # write() calls made, for tests and the bench
        self._wake = threading.Event()
        self._lock = threading.RLock()
        self._closed = False
        self._pending = b""
        # The file ends mid-line: a short write or a killed writer left a torn line, which must be cut off
        # with a newline before anything else is written, or the next record is glued onto it.
        self._torn = False
        self.dropped_lines = 0  # lines of records given up on a full disk, for the warning and tests
        # O_BINARY: no "\n" -> "\r\n" translation on Windows.
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        if os.fstat(self._fd).st_size:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    # A killed writer left a torn line: close it off so our first record is not glued to it.
                    self._torn = True
                    self._pending = b"\n"
        self._last_heartbeat = time.time()
        self._thread = threading.Thread(target=self._loop, name="trackside-writer", daemon=True)
        self._thread.start()

    # -- training-thread side -------------------------------------------------------------------

    def put(self, record):
        """Queue a record (a dict, a ``(ts, step, values)`` metrics tuple, a media job or the tuple of one)."""
        q = self.queue
        q.append(record)
        self.queued(len(q))

    def queued(self, n):
        """Told the queue's length after a record was added (``Run.log`` appends to the deque itself)."""
        if n == 1:
            # The first record since the last write: wake the writer only if it would sleep longer than quick_gap
            # (one clock read; under load it is back within quick_gap anyway, and batches).
            if self._back_by - _monotonic() > self.quick_gap:
                self._back_by = 0.0
                self._wake.set()
        elif n >= self.max_queued:
            self._wake.set()

    # -- writer side ----------------------------------------------------------------------------

    def _loop(self):
        last_records = 0.0
        while not self._closed:
            # While records keep coming (any written in the last flush_interval) the writer comes back every
            # quick_gap; idle, it sleeps flush_interval and the next record wakes it (see queued()).
            now = _monotonic()
            if now - last_records < self.flush_interval:
                self._back_by = now + self.quick_gap
                # A wake-up asked for while this thread was flushing (by a record that saw the back_by of the sleep
                # it had just left) was served by that flush, or will be within quick_gap: left set, it would cut
                # this wait short and put two writes closer together than quick_gap.
                self._wake.clear()
                self._wake.wait(self.quick_gap)
            else:
                self._back_by = now + self.flush_interval
                # A record queued while this thread flushed may have seen a back_by that did not call for a wake-up:
                # it is written within quick_gap, not flush_interval. (Records queued from here on see the far
                # back_by, and wake this thread.)
                self._wake.wait(self.quick_gap if self.queue else self.flush_interval)
            self._wake.clear()
            if self._closed:
                break
            now = time.time()
            if now - self._last_heartbeat >= self.heartbeat_interval:
                self._last_heartbeat = now
                record = {"t": "heartbeat", "ts": now}
                if self._beat is not None:
                    record.update(self._beat())
                self.queue.append(record)
            had, writes = bool(self.queue), self.writes
            try:
                self.flush()
            except Exception as e:  # the writer thread must survive anything
                warn("writer error: %s: %s" % (type(e).__name__, e), key="writer-loop")
            # Records written count even when they were queued after the check above (the flush took them): the
            # next record then waits for quick_gap instead of waking this thread right away for a write of its own.
            if had or self.writes != writes:
                last_records = _monotonic()

    def flush(self, timeout=-1):
        """Encode and write everything queued so far. Safe from any thread and from signal handlers
        (re-entrant: a handler interrupting a flush on the same thread drains what is left)."""
        if not self._lock.acquire(timeout=timeout):
            return False
        try:
            q = self.queue
            parts = []
            size = 0
            while True:
                try:
                    rec = q.popleft()
                except IndexError:
                    break
                line = _encode_record(rec)
                if line is None:
                    continue
                parts.append(line)
                size += len(line)
                if size >= BATCH_BYTES:
                    self._write(parts)
                    parts, size = [], 0
            if parts or self._pending:
                self._write(parts)
            return True
        finally:
            self._lock.release()

    def _write(self, parts):
        data = self._pending
        if parts:
            parts.append("")  # so the join ends the last line too
            data += "\n".join(parts).encode("utf-8")  # ASCII already: the encoder escapes the rest
        self._pending = b""
        view = memoryview(data)
        while view:
            try:
                n = os.write(self._fd, view)
                self.writes += 1
                if n:
                    self._torn = view[n - 1] != 10
            except InterruptedError:
                continue
            except OSError as e:
                kept = bytes(view)
                if len(kept) > RETRY_CAP:
                    # Each newline given up ends a line lost in whole or in part, except a leading one: it either
                    # ends a record that is on disk whole or only separates a torn fragment (_torn redoes both).
                    lines = kept.count(b"\n") - kept.startswith(b"\n")
                    self.dropped_lines += lines
                    # Not once per key: every drop is news, and each needs 64 MB held back, so they are rare.
                    warn("cannot write %s (%s); %d lines of records were dropped (%d lines in all)"
                         % (self.path, e, lines, self.dropped_lines))
                    kept = b"\n" if self._torn else b""
                else:
                    warn("cannot write %s (%s); records are kept and retried" % (self.path, e), key="write-fail")
                self._pending = kept
                return
            view = view[n:]

    def close(self, timeout=5.0):
        """Stop the thread and write what is left. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self.flush(timeout=timeout)
        with self._lock:
            if self.queue:  # the lock was busy past the timeout: what was queued meanwhile is still owed
                self.flush()
            try:
                os.close(self._fd)
            except OSError:
                pass

    @property
    def closed(self):
        return self._closed


def _encode_record(rec):
    if type(rec) is tuple:
        if len(rec) != 3:  # one image, as Run.log queues it: (ts, step, key, image, state, nbytes)
            return encode(MediaJob(*rec).render())
        ts, step, values = rec
        body = encode(values, exact_ints=False)  # log() made integers beyond 2**53 floats already
        if body is None:
            return None
        return '{"t":"metrics","ts":%r,"step":%d,"values":%s}' % (ts, step, body)
    if type(rec) is not dict:
        rec = rec.render()  # a media job: encodes and writes its files here, on the writer thread, before its line
    return encode(rec)
