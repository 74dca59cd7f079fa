"""System metrics (CPU, memory, GPU) sampled on a daemon thread into ``system`` records."""

import os
import shutil
import threading
import time

from ._env import run_capped


class SystemMonitor:
    def __init__(self, put, interval=15.0):
        self._put = put
        self.interval = interval
        self._stop = threading.Event()
        self._nvidia = shutil.which("nvidia-smi")
        self._last_wall = time.monotonic()
        self._last_cpu = _cpu_seconds()
        self._thread = threading.Thread(target=self._loop, name="trackside-system", daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.wait(self.interval):
            try:
                values = self.sample()
            except Exception:  # a sampling failure costs one sample, never the run
                continue
            if values:
                self._put({"t": "system", "ts": time.time(), "values": values})

    def sample(self):
        values = {}
        now, cpu = time.monotonic(), _cpu_seconds()
        if cpu is not None and self._last_cpu is not None and now > self._last_wall:
            values["cpu_percent"] = round(100.0 * (cpu - self._last_cpu) / (now - self._last_wall), 2)
        self._last_wall, self._last_cpu = now, cpu
        rss = _rss_mb()
        if rss is not None:
            values["rss_mb"] = rss
        mem = _mem_percent()
        if mem is not None:
            values["mem_percent"] = mem
        if hasattr(os, "getloadavg"):
            try:
                values["load_1m"] = os.getloadavg()[0]
            except OSError:
                pass
        if self._nvidia:
            values.update(_gpu_sample(self._nvidia))
        return values

    def stop(self):
        self._stop.set()


def _cpu_seconds():
    try:
        t = os.times()
        return t.user + t.system
    except Exception:
        return None


def _rss_mb():
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 1048576.0, 1)
    except Exception:
        try:
            import resource  # peak, not current, but the best a non-Linux stdlib offers

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            return round(peak / (1048576.0 if os.uname().sysname == "Darwin" else 1024.0), 1)
        except Exception:
            return None


def _mem_percent():
    try:
        info = {}
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                key, _, rest = line.partition(b":")
                info[key] = int(rest.split()[0])
        total, avail = info[b"MemTotal"], info[b"MemAvailable"]
        return round(100.0 * (total - avail) / total, 2)
    except Exception:
        return None


def _gpu_sample(exe):
    values = {}
    try:
        rc, out, _ = run_capped([exe, "--query-gpu=utilization.gpu,memory.used,temperature.gpu,power.draw",
                                 "--format=csv,noheader,nounits"], None, 2.0, cap=65536)
    except Exception:
        return values
    if rc != 0:
        return values
    names = ("util_percent", "mem_used_mb", "temp_c", "power_w")
    for i, line in enumerate(out.decode("utf-8", "replace").splitlines()):
        for name, text in zip(names, line.split(",")):
            try:
                values["gpu%d/%s" % (i, name)] = float(text.strip())
            except ValueError:
                pass  # "[N/A]" on GPUs that do not report it
    return values
