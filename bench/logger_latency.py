#!/usr/bin/env python3
"""Call-to-file latency of the logger: how long after run.log() a step's line is in the log file.

A tailing thread reads the file as it grows and notes when each step's line appears; the training loop logs one
step every INTERVAL seconds without waiting for it. Prints p50 / p95 / max in ms, and what batching costs: write() calls a second, the writer thread's CPU time
(ms a second, from /proc where there is one) and the log() call itself on the training thread. Issue 18's
measurement:

    python3 bench/logger_latency.py 12 1.0        # 12 steps, one a second
    python3 bench/logger_latency.py 3000 0.001    # 3,000 steps at about 1,000 a second
    python3 bench/logger_latency.py 30000 0.0001  # 30,000 steps at up to 10,000 a second
    python3 bench/logger_latency.py 3000 0.001 --logger OTHER/logger   # another checkout's logger, for a baseline
"""

import os
import re
import sys
import tempfile
import threading
import time


def thread_cpu_ns(native_id):
    """CPU time of one of this process's threads (Linux's schedstat, in ns), or None elsewhere."""
    try:
        with open("/proc/self/task/%d/schedstat" % native_id) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main(argv):
    steps, interval = int(argv[1]), float(argv[2])
    logger = argv[argv.index("--logger") + 1] if "--logger" in argv else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "logger")
    sys.path.insert(0, logger)
    import trackside

    run = trackside.init(project="latency", dir=tempfile.mkdtemp(prefix="trackside-latency-"), install_signal_handlers=False,
                         system_metrics=False, capture_env=False)
    called, seen = {}, {}
    done = threading.Event()

    def tail():
        pos, rest = 0, b""
        step = re.compile(rb'"step":(\d+),')
        while not (done.is_set() and len(seen) >= len(called)):
            with open(run.path, "rb") as f:
                f.seek(pos)
                data = f.read()
            now = time.monotonic()
            pos += len(data)
            *lines, rest = (rest + data).split(b"\n")
            for line in lines:
                m = step.search(line)
                if m:
                    seen.setdefault(int(m.group(1)), now)
            time.sleep(0.0005)

    reader = threading.Thread(target=tail, daemon=True)
    reader.start()
    writer = run._writer
    writer_id = getattr(writer._thread, "native_id", None)
    cpu0 = thread_cpu_ns(writer_id) if writer_id is not None else None
    writes0 = writer.writes
    cost = [0] * steps
    clock = time.perf_counter_ns
    log = run.log
    start = time.monotonic()
    for s in range(steps):
        time.sleep(max(0.0, start + s * interval - time.monotonic()))
        called[s] = time.monotonic()
        t0 = clock()
        log({"loss": 1.0}, step=s)
        cost[s] = clock() - t0
    elapsed = time.monotonic() - start
    writes = writer.writes - writes0
    cpu1 = thread_cpu_ns(writer_id) if cpu0 is not None else None
    done.set()
    reader.join(timeout=10)
    run.finish()
    lat = sorted((seen[s] - called[s]) * 1000 for s in called if s in seen)
    print("%d steps every %g s: p50 %.1f ms, p95 %.1f ms, max %.1f ms (%d seen)" % (
        steps, interval, lat[len(lat) // 2], lat[int(0.95 * (len(lat) - 1))], lat[-1], len(lat)))
    cost.sort()
    print("  %.0f steps/s; %.1f write() calls/s; writer thread CPU %s; log() median %.2f us, p95 %.2f us; load %.1f" % (
        steps / elapsed, writes / elapsed,
        "n/a" if cpu1 is None else "%.2f ms/s" % ((cpu1 - cpu0) / 1e6 / elapsed),
        cost[len(cost) // 2] / 1000.0, cost[int(0.95 * (len(cost) - 1))] / 1000.0, os.getloadavg()[0]))


if __name__ == "__main__":
    main(sys.argv)
