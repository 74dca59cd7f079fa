"""Shared test helpers: temporary roots, strict log reading, child processes."""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

LOGGER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import trackside  # noqa: E402
from trackside import _warn  # noqa: E402


def _reject_constant(name):
    raise ValueError("bare %s in the log: special floats must be written as {\"$float\": ...}" % name)


def strict_loads(line):
    """Parse one line as strict JSON (no NaN/Infinity tokens), as JavaScript's JSON.parse would."""
    return json.loads(line, parse_constant=_reject_constant)


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def written_records(path):
    """The records in the complete lines written so far: the writer may be midway through a batch."""
    with open(path, "rb") as f:
        data = f.read()
    return [strict_loads(line.decode("utf-8")) for line in data.split(b"\n")[:-1]]


def read_records(path):
    """Every record of a log; fails the test on any line that is not strict JSON or a torn last line."""
    with open(path, "rb") as f:
        data = f.read()
    assert data.endswith(b"\n"), "log does not end with a newline: %r" % data[-80:]
    return [strict_loads(line.decode("utf-8")) for line in data.split(b"\n")[:-1]]


def run_dir(root):
    runs = os.listdir(os.path.join(root, "runs"))
    assert len(runs) == 1, runs
    return os.path.join(root, "runs", runs[0])


def child_env(root, **extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = LOGGER_DIR + os.pathsep + env.get("PYTHONPATH", "")
    env["TRACKSIDE_DIR"] = root
    env["TRACKSIDE_CAPTURE_ENV"] = "0"
    env.pop("TRACKSIDE_CONFIG_OVERRIDES", None)
    env.pop("TRACKSIDE_PARENT_RUN", None)
    env.pop("TRACKSIDE_RUN_ID", None)
    env.pop("TRACKSIDE_GROUP", None)
    env.update(extra)
    return env


def start_child(code, root, **extra):
    return subprocess.Popen([sys.executable, "-c", code], env=child_env(root, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


class RootCase(unittest.TestCase):
    """A test with its own Trackside root and no environment leaking in or out."""

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="trackside-test-")
        self._saved_env = {k: os.environ.get(k) for k in (
            "TRACKSIDE_DIR", "TRACKSIDE_CONFIG_OVERRIDES", "TRACKSIDE_PARENT_RUN", "TRACKSIDE_CAPTURE_ENV", "TRACKSIDE_RUN_ID",
            "TRACKSIDE_GROUP",
            "TRACKSIDE_SYSTEM_METRICS", "PYTHONHASHSEED")}
        os.environ["TRACKSIDE_DIR"] = self.root
        os.environ.pop("TRACKSIDE_CONFIG_OVERRIDES", None)
        os.environ.pop("TRACKSIDE_PARENT_RUN", None)
        os.environ.pop("TRACKSIDE_RUN_ID", None)
        os.environ.pop("TRACKSIDE_GROUP", None)
        os.environ["TRACKSIDE_CAPTURE_ENV"] = "0"
        os.environ["TRACKSIDE_SYSTEM_METRICS"] = "0"
        _warn.reset_for_tests()

    def tearDown(self):
        trackside.finish()
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(self.root, ignore_errors=True)

    def init(self, **kw):
        kw.setdefault("install_signal_handlers", False)
        return trackside.init(**kw)

    @contextlib.contextmanager
    def stderr(self):
        buf = io.StringIO()
        with contextlib.redirect_stderr(buf):
            yield buf


class Scalar:
    """A numpy-like scalar: one element, read with ``item()``."""

    size = 1

    def __init__(self, v):
        self.v = v

    def item(self):
        return self.v


def ints_in(value):
    """Every int in parsed JSON (bools excluded)."""
    if type(value) is int:
        yield value
    elif type(value) is dict:
        for v in value.values():
            yield from ints_in(v)
    elif type(value) is list:
        for v in value:
            yield from ints_in(v)
