#!/usr/bin/env python3
"""Call-to-file latency of the logger: how long after run.log() a step's line is in the log file.

A tailing thread reads the file as it grows and notes when each step's line appears; the training loop logs one
step every INTERVAL seconds without waiting for it. Prints p50 / p95 / max in ms. Issue 18's measurement:

    python3 bench/logger_latency.py 12 1.0        # 12 steps, one a second
    python3 bench/logger_latency.py 3000 0.001    # 3,000 steps at about 1,000 a second
    python3 bench/logger_latency.py 3000 0.001 --logger OTHER/logger   # another checkout's logger, for a baseline
"""

import os
import re
import sys
import tempfile
import threading
import time


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
    start = time.monotonic()
    for s in range(steps):
        time.sleep(max(0.0, start + s * interval - time.monotonic()))
        called[s] = time.monotonic()
        run.log({"loss": 1.0}, step=s)
    done.set()
    reader.join(timeout=10)
    run.finish()
    lat = sorted((seen[s] - called[s]) * 1000 for s in called if s in seen)
    print("%d steps every %g s: p50 %.1f ms, p95 %.1f ms, max %.1f ms (%d seen)" % (
        steps, interval, lat[len(lat) // 2], lat[int(0.95 * (len(lat) - 1))], lat[-1], len(lat)))


if __name__ == "__main__":
    main(sys.argv)
