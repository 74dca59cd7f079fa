#!/usr/bin/env python3
"""P5: the cost of run.log() on the training thread, against a bare json.dumps of the same dict.

Usage: python3 bench/logger_bench.py [--json] [--calls N]
Prints each figure with its target; exits 0 whatever the figures (timing never fails CI).
"""

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "logger"))

import trackside  # noqa: E402
from trackside._writer import _encode_record  # noqa: E402


def log_encoding_inline(data, _clock=time.time):
    """The design we did not pick: encode on the training thread (what log() would cost then)."""
    return _encode_record((_clock(), 0, dict(data)))


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[i]


def time_calls(fn, data, calls):
    """Per-call wall time in microseconds, each call timed on its own (so medians are honest)."""
    clock = time.perf_counter_ns
    out = [0] * calls
    for i in range(calls):
        t0 = clock()
        fn(data)
        out[i] = clock() - t0
    out.sort()
    return [x / 1000.0 for x in out]


def main(argv):
    as_json = "--json" in argv
    calls = 20000
    if "--calls" in argv:
        calls = int(argv[argv.index("--calls") + 1])
    data = {"train/metric_%d" % i: 0.1234 * i + 1e-3 for i in range(10)}

    with tempfile.TemporaryDirectory(prefix="trackside-bench-") as root:
        t0 = time.perf_counter()
        run = trackside.init(project="bench", config={"lr": 0.01, "batch": 64}, dir=root,
                             install_signal_handlers=False, system_metrics=False)
        init_ms = (time.perf_counter() - t0) * 1000.0
        run.finish()
        t0 = time.perf_counter()
        run2 = trackside.init(project="bench", dir=root, capture_env=False, install_signal_handlers=False,
                              system_metrics=False)
        init_bare_ms = (time.perf_counter() - t0) * 1000.0
        log = run2.log
        dumps = json.dumps
        for _ in range(2000):  # warm up both paths
            log(data)
            dumps(data)
        # Interleave rounds so both see the same machine state (other jobs, the writer thread).
        log_times, dumps_times, inline_times = [], [], []
        rounds = 10
        for _ in range(rounds):
            log_times += time_calls(log, data, calls // rounds)
            dumps_times += time_calls(dumps, data, calls // rounds)
            inline_times += time_calls(log_encoding_inline, data, calls // rounds // 4)
        log_times.sort()
        dumps_times.sort()
        inline_times.sort()
        t0 = time.perf_counter()
        run2.finish()
        finish_ms = (time.perf_counter() - t0) * 1000.0
        with open(run2.path, "rb") as f:
            lines = sum(1 for _ in f)

    log_med, log_p95 = percentile(log_times, 50), percentile(log_times, 95)
    dumps_med, dumps_p95 = percentile(dumps_times, 50), percentile(dumps_times, 95)
    ratio = log_med / dumps_med if dumps_med else float("nan")
    figures = [
        {"id": "P5.median", "label": "run.log() of 10 scalars, median", "value": round(log_med, 3), "unit": "us",
         "target": "<= 5", "ok": log_med <= 5.0},
        {"id": "P5.p95", "label": "run.log() of 10 scalars, p95", "value": round(log_p95, 3), "unit": "us",
         "target": None, "ok": None},
        {"id": "P5.baseline", "label": "json.dumps of the same dict, median (p95 %.2f)" % dumps_p95,
         "value": round(dumps_med, 3), "unit": "us", "target": None, "ok": None},
        {"id": "P5.ratio", "label": "run.log() median / json.dumps median", "value": round(ratio, 3), "unit": "x",
         "target": "<= 1.5", "ok": ratio <= 1.5},
        {"id": "P5.inline", "label": "encoding on the training thread instead (rejected), median",
         "value": round(percentile(inline_times, 50), 3), "unit": "us", "target": None, "ok": None},
        {"id": "P5.init", "label": "init() with environment capture", "value": round(init_ms, 1), "unit": "ms",
         "target": None, "ok": None},
        {"id": "P5.init_bare", "label": "init() without environment capture", "value": round(init_bare_ms, 1),
         "unit": "ms", "target": None, "ok": None},
        {"id": "P5.finish", "label": "finish() writing %d queued lines" % lines, "value": round(finish_ms, 1),
         "unit": "ms", "target": None, "ok": None},
    ]
    if as_json:
        print(json.dumps({"bench": "logger", "python": sys.version.split()[0], "calls": calls, "figures": figures}))
    else:
        print("Trackside logger benchmark (Python %s, %d calls each)" % (sys.version.split()[0], calls))
        for f in figures:
            target = "" if f["target"] is None else "  target %s %s  %s" % (
                f["target"], f["unit"], "ok" if f["ok"] else "MISSED")
            print("  %-52s %10.3f %-3s%s" % (f["label"], f["value"], f["unit"], target))
    return 0


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as e:  # timing never fails CI; say what went wrong instead
        print("logger bench failed: %s: %s" % (type(e).__name__, e), file=sys.stderr)
    sys.exit(0)
