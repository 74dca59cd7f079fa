"""Runs written after the fact: a grid-search candidate or an Optuna trial that is over by the time we hear of it.

A live ``trackside.Run`` stamps every record with the current time and starts a writer thread, a heartbeat and
signal handlers; none of that fits a run that already ended. This writes the whole log at once, in the format of
docs/log-format.md, with the times the library recorded, and ends it with its final status, so a reader never sees
it running.
"""

import os
import sys
import time

from .._confighash import flatten, hash_flat
from .._encode import encode, sanitize
from .._metrics import coerce_metrics, coerce_step
from .._root import create_run_dir
from .._run import FORMAT_VERSION
from .._settings import command_argv, default_project
from .._warn import warn


def write_finished_run(root, name, project=None, group=None, parent=None, tags=(), params=None, series=(),
                       summary=None, status="finished", start=None, end=None, status_fields=None):
    """Write one complete run log and return its id.

    ``series``: ``(ts, step, {key: number})`` in order; ``status_fields``: extra fields of the final ``status``
    record (``exit_code``, ``error``, a ``reason``). Times default to now. Never raises into the caller's
    training loop: a failure is a warning and returns None.
    """
    try:
        return _write(root, name, project, group, parent, tags, params, series, summary, status, start, end,
                      status_fields)
    except Exception as e:
        warn("run %r not logged: %s: %s" % (str(name)[:200], type(e).__name__, e), key=("finished-run", type(e)))
        return None


def _write(root, name, project, group, parent, tags, params, series, summary, status, start, end, status_fields):
    now = time.time()
    start = now if start is None else float(start)
    end = max(start, now if end is None else float(end))
    rid, folder = create_run_dir(root, start=start)  # the id sorts by the run's own start, not now
    head = {"t": "start", "ts": start, "v": FORMAT_VERSION, "id": rid, "name": str(name),
            "project": str(project) if project is not None else (
                os.environ.get("TRACKSIDE_PROJECT") or default_project(root)),
            "tags": [str(t) for t in tags], "argv": command_argv(), "cwd": os.getcwd(),
            "executable": sys.executable, "env": {}}
    if group is not None:
        head["group"] = str(group)
    if parent is not None:
        head["parent"] = str(parent)
    records = [head]
    if params:
        plain = sanitize(params)
        records.append({"t": "params", "ts": start, "source": "config", "params": plain,
                        "config_hash": hash_flat(flatten(plain))})
    for ts, step, values in series:
        values = coerce_metrics(values)
        step = coerce_step(step, None)
        if values and step is not None:
            records.append({"t": "metrics", "ts": float(ts), "step": step, "values": values})
    if summary:
        records.append({"t": "summary", "ts": end, "values": sanitize(summary)})
    final = {"t": "status", "ts": end, "status": status}
    final.update(status_fields or {})
    records.append(final)
    lines = [encode(r) for r in records]
    data = "".join(line + "\n" for line in lines if line is not None).encode("ascii")
    # Whole lines into a file no other writer has: a reader that comes in the middle sees at worst a torn last
    # line, which it reads once complete (docs/log-format.md, "Reading rules").
    fd = os.open(os.path.join(folder, "events.jsonl"),
                 os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return rid
