"""The Run: one training run writing one log."""

import json
import math
import numbers
import os
import shutil
import signal
import sys
import threading
import time
import traceback

from . import _process
from ._confighash import deep_merge, flatten, hash_flat, to_plain
from ._encode import convert_object, decode_value, sanitize
from ._env import capture, file_digest
from ._root import RUN_ID_RE, create_run_dir, resolve_root
from ._system import SystemMonitor
from ._warn import warn
from ._writer import Writer

FORMAT_VERSION = 1
_NUMS = {float, int}
_TEXT_CAP = 64 << 10
_TRACEBACK_CAP = 256 << 10

_MODEL_EXT = {".pt", ".pth", ".ckpt", ".safetensors", ".onnx", ".h5", ".keras", ".pkl", ".joblib", ".bin", ".gguf"}
_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}


def _env_float(name, default):
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

class Config(object):
    """``run.config``: the run's params (config merged with overrides and later updates).

    Reads like a dict and by attribute (``run.config.lr``). Assigning a key or calling ``update`` records
    the change as a ``params`` record. Nested dicts come back as copies: change them through assignment.
    """

    __slots__ = ("_run", "_data")

    def __init__(self, run, data):
        object.__setattr__(self, "_run", run)
        object.__setattr__(self, "_data", data)

    def __getitem__(self, key):
        return self._data[key]

    def __getattr__(self, key):
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setitem__(self, key, value):
        self.update({key: value})

    __setattr__ = __setitem__

    def update(self, other=None, **kwargs):
        data = dict(other or {}, **kwargs)
        if data:
            self._run._record_params(data, "config")

    def setdefaults(self, other):
        """Set the keys of ``other`` that the config does not have yet (wandb's allow_val_change=False)."""
        self.update({k: v for k, v in dict(other).items() if k not in self._data})

    def get(self, key, default=None):
        return self._data.get(key, default)

    def keys(self):
        return self._data.keys()

    def items(self):
        return self._data.items()

    def values(self):
        return self._data.values()

    def as_dict(self):
        return json.loads(json.dumps(self._data))  # a deep, plain copy

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __eq__(self, other):
        return self._data == (other._data if isinstance(other, Config) else other)

    def __repr__(self):
        return "Config(%r)" % (self._data,)


class Summary(object):
    """``run.summary``: final values shown with the run (best accuracy, test score...).

    Each assignment is written as a ``summary`` record; later values win.
    """

    __slots__ = ("_run", "_data")

    def __init__(self, run):
        self._run = run
        self._data = {}

    def __setitem__(self, key, value):
        self.update({key: value})

    def update(self, other=None, **kwargs):
        data = dict(other or {}, **kwargs)
        if not data:
            return
        plain = sanitize(data)
        self._data.update(plain)
        self._run._put({"t": "summary", "ts": time.time(), "values": plain})

    def __getitem__(self, key):
        return self._data[key]

    def get(self, key, default=None):
        return self._data.get(key, default)

    def keys(self):
        return self._data.keys()

    def items(self):
        return self._data.items()

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return "Summary(%r)" % (self._data,)


class Run(object):
    """A live run. Create it with :func:`trackside.init`."""

    def __init__(self, project=None, name=None, config=None, tags=None, notes=None, group=None, dir=None,
                 id=None, resume=False, capture_env=None, system_metrics=None, flush_interval=None,
                 heartbeat_interval=None, system_interval=None, install_signal_handlers=True, seed=None):
        t0 = time.perf_counter()
        self.root = resolve_root(dir)
        resuming = False
        if id is not None:
            events = os.path.join(self.root, "runs", str(id), "events.jsonl")
            if os.path.exists(events):
                if not resume:
                    raise ValueError("run %r already exists under %s; pass resume=True to append to it"
                                     % (id, self.root))
                resuming = True
        self.id, self.dir = create_run_dir(self.root, None if id is None else str(id))
        self.path = os.path.join(self.dir, "events.jsonl")
        self.project = str(project) if project is not None else (
            os.environ.get("TRACKSIDE_PROJECT") or _default_project(self.root))
        self.name = str(name) if name is not None else _default_name(self.id)
        self.group = None if group is None else str(group)
        self.tags = [str(t) for t in (tags or [])]
        self.notes = None if notes is None else str(notes)[:_TEXT_CAP]
        self.parent = _parent_from_env()
        self.status = "running"
        self._step = 0
        self._closed = False
        self._foreign = False
        self._flat = {}
        self._late = []  # threads saving the git diff after init
        self.config_hash = None

        self._writer = Writer(
            self.path,
            flush_interval=flush_interval or _env_float("TRACKSIDE_FLUSH_INTERVAL", 0.5),
            heartbeat_interval=heartbeat_interval or 15.0,
        )
        # Fast path for log(): bound methods looked up once.
        self._queue_append = self._writer.queue.append
        self._max_queued = self._writer.max_queued
        self._queue = self._writer.queue

        try:
            plain = to_plain(config)
        except TypeError as e:
            warn(str(e) + "; config not recorded", key="config-type")
            plain = {}
        overrides = sanitize(read_overrides())
        self.overrides = overrides
        self.config = Config(self, decode_value(deep_merge(plain, overrides) if overrides else plain))
        self.summary = Summary(self)

        now = time.time()
        if resuming:
            self._put({"t": "status", "ts": now, "status": "running", "resumed": True})
            self._flat = _read_params(self.path)
            self._step = _next_step(self.path)
        else:
            env, artifacts, late = {}, [], []
            if capture_env is None:
                capture_env = os.environ.get("TRACKSIDE_CAPTURE_ENV", "1") != "0"
            if capture_env:
                try:
                    env, artifacts = capture(self.dir, seed=seed if seed is not None else _seeded[0], late=late)
                except Exception as e:
                    env = {"error": "%s: %s" % (type(e).__name__, e)}
            elif seed is not None or _seeded[0] is not None:
                env = {"seed": seed if seed is not None else _seeded[0]}
            start = {"t": "start", "ts": now, "v": FORMAT_VERSION, "id": self.id, "name": self.name,
                     "project": self.project, "tags": self.tags, "argv": command_argv(),
                     "cwd": os.getcwd(), "executable": sys.executable, "env": env}
            for key in ("group", "notes", "parent"):
                if getattr(self, key) is not None:
                    start[key] = getattr(self, key)
            self._put(start)
            for record in artifacts:
                record["ts"] = now
                self._put(record)
            for job in late:
                th = threading.Thread(target=self._run_late, args=(job,), name="trackside-late", daemon=True)
                th.start()
                self._late.append(th)
        if plain:
            self._write_params(plain, "config")
        if overrides:
            self._write_params(overrides, "override")
        self._writer.flush()  # the run shows up in the editor right away
        self.init_seconds = time.perf_counter() - t0

        _process.register(self, install_signal_handlers)
        self._monitor = None
        if system_metrics is None:
            system_metrics = os.environ.get("TRACKSIDE_SYSTEM_METRICS", "1") != "0"
        if system_metrics:
            self._monitor = SystemMonitor(self._put, system_interval or _env_float("TRACKSIDE_SYSTEM_INTERVAL", 15.0))

    # -- logging ----------------------------------------------------------------------------------

    def log(self, data, step=None, commit=None):
        """Log metrics (key -> number) at ``step`` (default: the previous step + 1, or the same step after
        a call with ``commit=False``).

        Cheap on purpose: copies the dict and queues it; encoding and disk happen on the writer thread.
        numpy/torch scalars are converted now, so later in-place changes do not alter what was logged.
        """
        if self._closed:
            return self._log_after_close()
        try:
            values = dict(data)
        except (TypeError, ValueError):
            warn("log() takes a dict of metric name -> number, not %s" % type(data).__name__, key="log-type")
            return
        for v in values.values():
            if v.__class__ not in _NUMS:
                values = _coerce_metrics(values)
                break
        if step is None:
            step = self._step
        elif step.__class__ is not int or step < 0:
            step = self._coerce_step(step)
        # wandb's commit=False: the next log() without a step stays on this step.
        self._step = step if commit is False else step + 1
        if values:
            self._queue_append((time.time(), step, values))
            if len(self._queue) >= self._max_queued:
                self._writer._wake.set()

    def log_metric(self, key, value, step=None):
        self.log({key: value}, step=step)

    def log_metrics(self, metrics, step=None):
        self.log(metrics, step=step)

    def log_param(self, key, value):
        self._record_params({key: value}, "param")

    def log_params(self, params):
        self._record_params(dict(params), "param")

    def log_artifact(self, path, kind=None, name=None):
        """Record a file or folder as an artifact, copying it into the run's ``artifacts/`` folder unless
        it is already inside the run folder. Returns its path relative to the run folder, or None (with a
        warning) when it cannot be saved. Copies synchronously: the file may change right after."""
        if self._closed:
            return self._log_after_close()
        try:
            return self._log_artifact(os.fspath(path), kind, name)
        except Exception as e:
            warn("artifact %r not saved: %s: %s" % (path, type(e).__name__, e))
            return None

    def _log_artifact(self, path, kind, name):
        src = os.path.abspath(path)
        if not os.path.exists(src):
            warn("artifact %r not saved: no such file or folder" % (path,))
            return None
        run_dir = os.path.realpath(self.dir)
        real = os.path.realpath(src)
        if real == run_dir or real.startswith(run_dir + os.sep):
            rel = os.path.relpath(real, run_dir)
            dest = real
        else:
            base = _safe_name(name or os.path.basename(src.rstrip(os.sep)) or "artifact")
            rel = _unique(os.path.join(self.dir, "artifacts"), base)
            dest = os.path.join(self.dir, rel)
        record = {"t": "artifact", "ts": time.time(), "path": rel.replace(os.sep, "/"),
                  "kind": kind or _infer_kind(src)}
        if os.path.isdir(src):
            if dest != real:
                shutil.copytree(src, dest)
            record["size"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(dest) for f in fs)
        else:
            if dest != real:
                record["size"], record["sha256"] = _copy_hashing(src, dest)
            else:
                record["size"], record["sha256"] = file_digest(dest)
        if dest != real:
            record["source"] = src
        self._put(record)
        return record["path"]

    # -- lifecycle --------------------------------------------------------------------------------

    def finish(self, exit_code=None, status="finished"):
        """End the run: write its status and flush. Idempotent; later log() calls are ignored."""
        if self._closed or self._foreign:
            return
        if status not in ("finished", "failed", "killed"):
            raise ValueError("status must be finished, failed or killed, not %r" % (status,))
        record = {"t": "status", "ts": time.time(), "status": status}
        record["exit_code"] = (0 if status == "finished" else 1) if exit_code is None else int(exit_code)
        self._end(record)

    def _end(self, record):
        if self._closed:
            return
        for th in self._late:
            th.join(10.0)
        self._closed = True
        if record is not None:
            self.status = record["status"]
            self._writer.put(record)
        if self._monitor is not None:
            self._monitor.stop()
        self._writer.close()
        _process.unregister(self)
        _current_cleared(self)

    def flush(self):
        """Write everything queued now (normally the writer thread does this within a second)."""
        if not self._closed:
            self._writer.flush()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._closed or self._foreign:
            return False
        if exc_type is None:
            self.finish()
        elif issubclass(exc_type, KeyboardInterrupt):
            if self.status != "killed":
                self._mark_killed(signal.SIGINT)
            self._end(None)
        elif issubclass(exc_type, SystemExit):
            code = exc.code if exc is not None else None
            if code is None or code == 0:
                self.finish(exit_code=0)
            else:
                self.finish(exit_code=code if isinstance(code, int) else 1, status="failed")
        else:
            self._mark_failed(exc_type, exc, tb)
            self._end(None)
        return False

    def _finish_implicitly(self):
        """At interpreter exit: finished unless a signal or an uncaught exception said otherwise."""
        if self._closed or self._foreign:
            return
        if self.status == "running":
            self._end({"t": "status", "ts": time.time(), "status": "finished", "exit_code": 0})
        else:
            self._end(None)

    def _mark_killed(self, signum):
        if self._closed or self._foreign or self.status == "killed":
            return
        self.status = "killed"
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = str(signum)
        self._writer.put({"t": "status", "ts": time.time(), "status": "killed", "signal": name,
                          "exit_code": 128 + int(signum)})
        self._writer.flush(timeout=2.0)

    def _mark_failed(self, exc_type, exc, tb):
        if self._closed or self._foreign or self.status in ("failed", "killed"):
            return
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            return self._mark_killed(signal.SIGINT)
        self.status = "failed"
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        if len(text) > _TRACEBACK_CAP:
            text = "...\n" + text[-_TRACEBACK_CAP:]
        try:
            message = str(exc)
        except Exception:
            message = "<str() failed>"
        self._writer.put({"t": "status", "ts": time.time(), "status": "failed", "exit_code": 1,
                          "error": {"type": exc_type.__name__, "message": message[:_TEXT_CAP], "traceback": text}})
        self._writer.flush(timeout=2.0)

    def _detach_after_fork(self):
        self._foreign = True
        self._closed = True

    # -- internals --------------------------------------------------------------------------------

    def _run_late(self, job):
        try:
            record = job()
        except Exception as e:
            warn("git diff not saved: %s: %s" % (type(e).__name__, e), key="late-diff")
            return
        if record is not None:
            record["ts"] = time.time()
            self._put(record)

    def _put(self, record):
        if not self._closed:
            self._writer.put(record)

    def _record_params(self, params, source):
        if self._closed:
            return self._log_after_close()
        plain = sanitize(params)
        if type(plain) is not dict:
            return
        self.config._data.update(deep_merge(self.config._data, decode_value(plain)))
        self._write_params(plain, source)

    def _write_params(self, plain, source):
        self._flat.update(flatten(plain))
        self.config_hash = hash_flat(self._flat)
        self._put({"t": "params", "ts": time.time(), "source": source, "params": plain,
                   "config_hash": self.config_hash})

    def _coerce_step(self, step):
        try:
            value = convert_object(step) if not isinstance(step, numbers.Integral) else step
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                if isinstance(value, float) and value.is_integer() and value >= 0:
                    return int(value)
                raise ValueError
            return int(value)
        except Exception:
            warn("step must be an integer >= 0, not %r; using the next step" % (step,), key="step")
            return self._step

    def _log_after_close(self):
        if self._foreign:
            warn("logging from a forked child process is not supported; records from it are dropped",
                 key="fork")
        else:
            warn("run %s has finished; further logging is ignored" % self.id, key=("closed", self.id))
        return None

    def __repr__(self):
        return "<trackside.Run %s %r (%s) at %s>" % (self.id, self.name, self.status, self.dir)


_seeded = [None]  # seed_everything() before init(): recorded in the next run's start.env


def _current_cleared(run):
    import trackside

    if trackside._current[0] is run:
        trackside._current[0] = None


def _coerce_metrics(values, prefix="", out=None):
    """The slow path of log(): convert numpy/torch scalars, flatten nested dicts with "/", drop what is
    not a number (with a warning) so the record still holds every valid metric."""
    if out is None:
        out = {}
    for k, v in values.items():
        key = prefix + (k if type(k) is str else str(k))
        t = type(v)
        if t is float or t is int:
            out[key] = v
            continue
        if t is bool:
            out[key] = int(v)
            continue
        if isinstance(v, dict):
            _coerce_metrics(v, key + "/", out)
            continue
        if v is None:
            continue
        if isinstance(v, numbers.Real) and not isinstance(v, bool):
            try:
                out[key] = float(v) if not isinstance(v, numbers.Integral) else int(v)
                continue
            except Exception:
                pass
        converted = convert_object(v)
        if type(converted) in _NUMS:
            out[key] = converted
        elif type(converted) is bool:
            out[key] = int(converted)
        else:
            warn("metric %r is a %s, not a number; it was not logged" % (key[:200], type(v).__name__),
                 key=("metric-type", key[:200]))
    return out


def _parent_from_env():
    parent = os.environ.get("TRACKSIDE_PARENT_RUN")
    if not parent:
        return None
    if not RUN_ID_RE.match(parent):
        warn("TRACKSIDE_PARENT_RUN=%r is not a run id; ignoring it" % parent[:200], key="parent")
        return None
    return parent


def _default_project(root):
    parent = os.path.basename(os.path.dirname(root.rstrip(os.sep)))
    return parent or "default"


def _default_name(run_id):
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] not in ("", "-c", "-m") else ""
    stem = os.path.splitext(script)[0] or "run"
    return "%s-%s" % (stem, run_id.rsplit("-", 1)[-1])


def _infer_kind(path):
    if os.path.isdir(path):
        return "folder"
    ext = os.path.splitext(path)[1].lower()
    if ext in _MODEL_EXT:
        return "model"
    if ext in _IMAGE_EXT:
        return "image"
    if ext in (".diff", ".patch"):
        return "diff"
    return "file"


def _safe_name(name):
    name = name.replace(os.sep, "_").replace("/", "_").strip() or "artifact"
    return "_" + name if name.startswith(".") else name


def _unique(folder, base):
    stem, ext = os.path.splitext(base)
    candidate, n = base, 1
    while os.path.exists(os.path.join(folder, candidate)):
        candidate = "%s-%d%s" % (stem, n, ext)
        n += 1
    return os.path.join("artifacts", candidate)


def _copy_hashing(src, dest):
    import hashlib

    h = hashlib.sha256()
    size = 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while True:
            block = fin.read(1 << 20)
            if not block:
                break
            h.update(block)
            fout.write(block)
            size += len(block)
    shutil.copystat(src, dest)
    return size, h.hexdigest()


def _next_step(path, tail=1 << 20):
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


def _read_params(path):
    """Flattened params merged from an existing log (for a resumed run's config hash)."""
    from ._find import read_run

    info = read_run(path)
    return dict(info.params) if info is not None else {}
