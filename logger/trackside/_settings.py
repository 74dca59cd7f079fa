"""What a run takes from its surroundings: environment variables, the command line, default names."""

import json
import math
import os
import sys

from ._root import RUN_ID_RE
from ._warn import warn


def env_float(name, default):
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
        if value > 0 and math.isfinite(value):
            return value
    except ValueError:
        pass
    warn("%s=%r is not a positive number; using %g" % (name, text, default), key=name)
    return default


def read_overrides():
    """``$TRACKSIDE_CONFIG_OVERRIDES`` as a dict ({} when unset; a warning and {} when malformed)."""
    text = os.environ.get("TRACKSIDE_CONFIG_OVERRIDES")
    if not text or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as e:
        warn("TRACKSIDE_CONFIG_OVERRIDES is not valid JSON (%s); ignoring it" % e, key="overrides-json")
        return {}
    if type(value) is not dict:
        warn("TRACKSIDE_CONFIG_OVERRIDES must be a JSON object, not %s; ignoring it" % type(value).__name__,
             key="overrides-type")
        return {}
    return value


def command_argv():
    """The arguments after the interpreter, as a rerun must pass them.

    `python -m pkg.mod` leaves the module's file in sys.argv[0]; running that file directly breaks its relative
    imports, so the `-m` form is kept from sys.orig_argv (Python 3.10+) when the interpreter was started that way.
    """
    orig = getattr(sys, "orig_argv", None)
    if orig and len(orig) > len(sys.argv) and "-m" in orig[1:len(orig) - len(sys.argv) + 1]:
        return [str(a) for a in orig[1:]]
    return [str(a) for a in sys.argv]


def parent_from_env():
    parent = os.environ.get("TRACKSIDE_PARENT_RUN")
    if not parent:
        return None
    if not RUN_ID_RE.match(parent):
        warn("TRACKSIDE_PARENT_RUN=%r is not a run id; ignoring it" % parent[:200], key="parent")
        return None
    return parent


def run_id_from_env():
    """``$TRACKSIDE_RUN_ID``: the id a launcher (a sweep) chose for this run, so it can follow the run before its first
    line. Taken out of the environment once read, so a child process that also calls init() gets its own run."""
    run_id = os.environ.pop("TRACKSIDE_RUN_ID", None)
    if not run_id:
        return None
    if not RUN_ID_RE.match(run_id):
        warn("TRACKSIDE_RUN_ID=%r is not a run id; ignoring it" % run_id[:200], key="run-id")
        return None
    return run_id


def group_from_env():
    """``$TRACKSIDE_GROUP``: the group a launcher puts its runs in (a sweep's id); init(group=...) wins."""
    group = os.environ.get("TRACKSIDE_GROUP")
    return group[:200] if group else None


def default_project(root):
    parent = os.path.basename(os.path.dirname(root.rstrip(os.sep)))
    return parent or "default"


def default_name(run_id):
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-c", "-m") else ""
    stem = os.path.splitext(script)[0] or "run"
    return "%s-%s" % (stem, run_id.rsplit("-", 1)[-1])
