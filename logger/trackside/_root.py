"""Where runs go: the Trackside root and new run folders."""

import binascii
import os
import re
import time

RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def resolve_root(dir=None, start=None):
    """The root folder (the one holding ``runs/``).

    In order: ``dir`` when given; ``$TRACKSIDE_DIR``; the nearest ``.trackside`` folder in the current
    directory or above it (so a script run from a subfolder logs beside the others); ``.trackside`` at the
    top of the enclosing git work tree (the folder a user opens in VS Code); else ``./.trackside``.
    """
    if dir:
        return os.path.abspath(os.path.expanduser(os.fspath(dir)))
    env = os.environ.get("TRACKSIDE_DIR")
    if env:
        return os.path.abspath(os.path.expanduser(env))
    here = os.path.abspath(start or os.getcwd())
    git_top = None
    d = here
    while True:
        if os.path.isdir(os.path.join(d, ".trackside")):
            return os.path.join(d, ".trackside")
        if git_top is None and os.path.exists(os.path.join(d, ".git")):
            git_top = d
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return os.path.join(git_top or here, ".trackside")


def new_run_id(now=None):
    """``YYYYMMDD-HHMMSS-<8 hex>`` in UTC: sorts by start time, unique without coordination."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(time.time() if now is None else now))
    return stamp + "-" + binascii.hexlify(os.urandom(4)).decode("ascii")


def create_run_dir(root, run_id=None, start=None):
    """Create ``<root>/runs/<id>/artifacts`` and return (id, run folder). A given id may already exist
    (resuming); a generated one sorts by ``start`` (default: now) and is retried on the (unlikely) collision."""
    runs = os.path.join(root, "runs")
    os.makedirs(runs, exist_ok=True)
    if run_id is not None:
        if not RUN_ID_RE.match(run_id):
            raise ValueError("run id %r must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}" % (run_id,))
        path = os.path.join(runs, run_id)
        os.makedirs(os.path.join(path, "artifacts"), exist_ok=True)
        return run_id, path
    for _ in range(100):
        rid = new_run_id(start)
        path = os.path.join(runs, rid)
        try:
            os.mkdir(path)
        except FileExistsError:
            continue
        os.mkdir(os.path.join(path, "artifacts"))
        return rid, path
    raise RuntimeError("could not create a unique run folder under " + runs)
