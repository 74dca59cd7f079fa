"""Finding runs already logged: ``exists(config)`` and ``find_runs(...)`` for "skip what already ran".

A reader of our own format: tolerant of torn and bad lines (skipped), and quick on long logs because
metrics lines (by far the most) are recognised by their first bytes and never parsed.
"""

import glob
import json
import os
import time

from ._confighash import flatten, hash_flat, merge_flat, to_plain
from ._encode import decode_value
from ._root import resolve_root

STALE_SECONDS = 120.0  # a running run silent this long is shown as crashed (docs/log-format.md)

_SKIP_PREFIXES = (b'{"t":"metrics"', b'{"t":"heartbeat"', b'{"t":"system"')


class RunInfo(object):
    """What ``find_runs`` returns for each run."""

    __slots__ = ("id", "dir", "path", "name", "project", "group", "tags", "status", "start_time", "params",
                 "config_hash", "summary", "parent", "bad_lines")

    def __init__(self, path):
        self.path = path
        self.dir = os.path.dirname(path)
        self.id = os.path.basename(self.dir)
        self.name = self.project = self.group = self.parent = self.start_time = None
        self.tags = []
        self.status = "running"
        self.params = {}  # flattened, merged
        self.config_hash = None
        self.summary = {}
        self.bad_lines = 0

    @property
    def config(self):
        """The flattened params with special floats decoded."""
        return {k: decode_value(v) for k, v in self.params.items()}

    def __repr__(self):
        return "<RunInfo %s %r %s>" % (self.id, self.name, self.status)


def read_run(path, now=None):
    """Read the run-level records of one log. None when the file cannot be opened."""
    info = RunInfo(path)
    try:
        f = open(path, "rb")
    except OSError:
        return None
    with f:
        for raw in f:
            if not raw.endswith(b"\n"):
                break  # a torn last line is read once it is complete
            if raw.startswith(_SKIP_PREFIXES) or raw == b"\n":
                continue
            _apply(info, raw)
        mtime = os.fstat(f.fileno()).st_mtime
    # Recompute rather than trust a config_hash field: logs from other writers may lack it.
    info.config_hash = hash_flat(info.params)
    if info.status == "running" and (time.time() if now is None else now) - mtime > STALE_SECONDS:
        info.status = "crashed"
    return info


def _apply(info, raw):
    try:
        rec = json.loads(raw)
    except (ValueError, RecursionError):  # invalid JSON or UTF-8, or absurd nesting
        info.bad_lines += 1
        return
    if type(rec) is not dict:
        info.bad_lines += 1
        return
    kind = rec.get("t")
    if kind == "start":
        if isinstance(rec.get("id"), str):
            info.id = rec["id"]
        for key in ("name", "project", "group", "parent"):
            if isinstance(rec.get(key), str):
                setattr(info, key, rec[key])
        if isinstance(rec.get("tags"), list):
            info.tags = [t for t in rec["tags"] if isinstance(t, str)]
        if isinstance(rec.get("ts"), (int, float)):
            info.start_time = rec["ts"]
    elif kind == "params" and type(rec.get("params")) is dict:
        info.params = merge_flat(info.params, flatten(rec["params"]))
    elif kind == "status" and rec.get("status") in ("running", "finished", "failed", "killed"):
        info.status = rec["status"]
    elif kind == "summary" and type(rec.get("values")) is dict:
        info.summary.update(rec["values"])


def find_runs(config=None, status=None, project=None, dir=None, apply_overrides=True):
    """Runs under the root, oldest first, optionally only those whose config hashes like ``config``
    (after ``$TRACKSIDE_CONFIG_OVERRIDES``, as init() would apply them), with ``status`` (a string or a
    collection: running, finished, failed, killed, crashed) and in ``project``."""
    root = resolve_root(dir)
    want_hash = None
    if config is not None:
        from ._settings import read_overrides

        flat = flatten(to_plain(config))
        if apply_overrides:
            flat = merge_flat(flat, flatten(to_plain(read_overrides())))
        want_hash = hash_flat(flat)
    statuses = None
    if status is not None:
        statuses = {status} if isinstance(status, str) else set(status)
    found = []
    for path in glob.glob(os.path.join(glob.escape(root), "runs", "*", "events.jsonl")):
        info = read_run(path)
        if info is None:
            continue
        if want_hash is not None and info.config_hash != want_hash:
            continue
        if statuses is not None and info.status not in statuses:
            continue
        if project is not None and info.project != project:
            continue
        found.append(info)
    found.sort(key=lambda r: (r.start_time or 0, r.id))
    return found


def exists(config, project=None, status="finished", dir=None):
    """True when a run with this config (and status, and project when given) was already logged."""
    return bool(find_runs(config=config, status=status, project=project, dir=dir))
