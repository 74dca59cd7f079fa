"""What ``init(id=..., resume=True)`` reads back from the log it appends to."""

import json
import os


def next_step(path, tail=1 << 20):
    """The step after the last one in an existing log (0 when it has none), read from its tail."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - tail))
            lines = f.read().split(b"\n")
    except OSError:
        return 0
    for line in reversed(lines):
        if line.startswith(b'{"t":"metrics"'):
            try:
                step = json.loads(line).get("step")
            except ValueError:
                continue
            if type(step) is int and step >= 0:
                return step + 1
    return 0


def read_params(path):
    """Flattened params merged from an existing log (for a resumed run's config hash)."""
    from ._find import read_run

    info = read_run(path)
    return dict(info.params) if info is not None else {}
