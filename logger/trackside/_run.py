"""The Run: one training run writing one log."""

import os
import signal
import sys
import threading
import time
import traceback

from . import _dist, _exits, _media, _process
from ._artifacts import save_artifact
from ._config import Config, Summary
from ._confighash import deep_merge, flatten, hash_flat, to_plain
from ._encode import MAX_EXACT_INT, decode_value, sanitize
from ._env import capture
from ._media import PENDING_CAP, Image, MediaJob, MediaState, split_media
from ._metrics import coerce_metrics, coerce_step
from ._resume import next_step, read_params
from ._root import create_run_dir, resolve_root
from ._settings import (command_argv, default_name, default_project, env_float, group_from_env, parent_from_env,
                        read_overrides, run_id_from_env)
from ._system import SystemMonitor
from ._warn import warn
from ._writer import Writer

__all__ = ["Config", "Run", "Summary", "read_overrides"]

FORMAT_VERSION = 1
_TEXT_CAP = 64 << 10
_TRACEBACK_CAP = 256 << 10


class Run(object):
    """A live run. Create it with :func:`trackside.init`."""

    def __init__(self, project=None, name=None, config=None, tags=None, notes=None, group=None, dir=None,
                 id=None, resume=False, capture_env=None, system_metrics=None, flush_interval=None,
                 heartbeat_interval=None, system_interval=None, install_signal_handlers=True, seed=None,
                 all_ranks=None):
        t0 = time.perf_counter()
        self.root = resolve_root(dir)
        resuming = False
        # One of several ranks of a distributed job: every rank joins the same run, each in its own segment.
        dist = _dist.launch_info()
        if id is None:
            id = run_id_from_env()
        if id is None and dist is not None:
            id = dist["run_id"]
        self.rank = 0 if dist is None else dist["rank"]
        self.world_size = 1 if dist is None else dist["world_size"]
        if all_ranks is None:
            all_ranks = _dist.all_ranks_from_env()
        # Metrics from rank 0 only unless asked: the other ranks' log() just counts steps.
        self._quiet = self.rank != 0 and not all_ranks
        if group is None:
            group = group_from_env()
        segment = _dist.segment_name(self.rank)
        restarted = False
        if id is not None:
            events = os.path.join(self.root, "runs", str(id), segment)
            if os.path.exists(events):
                if dist is not None and not resume:
                    # The same job again (an elastic restart, a requeued SLURM job): this rank's segment goes on
                    # with a new start record naming the new process.
                    restarted = True
                elif not resume:
                    raise ValueError("run %r already exists under %s; pass resume=True to append to it"
                                     % (id, self.root))
                else:
                    resuming = True
        self.id, self.dir = create_run_dir(self.root, None if id is None else str(id))
        self.path = os.path.join(self.dir, segment)
        self.project = str(project) if project is not None else (
            os.environ.get("TRACKSIDE_PROJECT") or default_project(self.root))
        self.name = str(name) if name is not None else default_name(self.id)
        self.group = None if group is None else str(group)
        self.tags = [str(t) for t in (tags or [])]
        self.notes = None if notes is None else str(notes)[:_TEXT_CAP]
        self.parent = parent_from_env()
        self.status = "running"
        self._step = 0
        self._last_step = None
        self._closed = False
        self._foreign = False
        self._flat = {}
        self._late = []  # threads saving the git diff after init
        self._media = None  # MediaState, made on the first media value
        self.config_hash = None
        # One lock for every record a caller makes (metrics, params, summary, the final status): threads logging
        # at once get distinct automatic steps, records reach the queue in step order, and none slips in after
        # the final status. Re-entrant so a signal handler that finishes the run on a thread inside log() does
        # not deadlock; uncontended, it costs log() about 0.1 us.
        self._lock = threading.RLock()

        self._writer = Writer(
            self.path,
            flush_interval=flush_interval or env_float("TRACKSIDE_FLUSH_INTERVAL", 0.5),
            heartbeat_interval=heartbeat_interval or 15.0,
            beat=self._beat if self.rank != 0 else None,
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
            self._flat = read_params(self.path)
            self._step = next_step(self.path)
        else:
            env, artifacts, late = {}, [], []
            if capture_env is None:
                capture_env = os.environ.get("TRACKSIDE_CAPTURE_ENV", "1") != "0"
            capture_env = capture_env and self.rank == 0  # rank 0 describes the job's environment
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
            proc = _dist.process_info()
            if dist is None:
                start["proc"] = proc
            else:
                start["rank"] = dict(proc, **{k: v for k, v in dist.items() if k != "run_id"})
            if restarted:
                start["restarted"] = True
            self._put(start)
            for record in artifacts:
                record["ts"] = now
                self._put(record)
            for job in late:
                th = threading.Thread(target=self._run_late, args=(job,), name="trackside-late", daemon=True)
                th.start()
                self._late.append(th)
        if plain and self.rank == 0:
            self._write_params(plain, "config")
        if overrides and self.rank == 0:
            self._write_params(overrides, "override")
        self._writer.flush()  # the run shows up in the editor right away
        self.init_seconds = time.perf_counter() - t0

        _process.register(self, install_signal_handlers)
        self._monitor = None
        if system_metrics is None:
            system_metrics = os.environ.get("TRACKSIDE_SYSTEM_METRICS", "1") != "0"
        if system_metrics:
            self._monitor = SystemMonitor(self._put, system_interval or env_float("TRACKSIDE_SYSTEM_INTERVAL", 15.0))

    # -- logging ----------------------------------------------------------------------------------

    def log(self, data, step=None, commit=None):
        """Log metrics (key -> number) at ``step`` (default: the previous step + 1, or the same step after
        a call with ``commit=False``). Safe to call from several threads at once.

        Cheap on purpose: copies the dict and queues it; encoding and disk happen on the writer thread.
        numpy/torch scalars are converted now, so later in-place changes do not alter what was logged.
        """
        if self._quiet:
            return self._count_step(step, commit)
        image = None
        if data.__class__ is dict and len(data) == 1:
            # log({"samples": Image(...)}), the common media call, queued below in few steps and with one tuple: the
            # training thread comes back from its step with cold caches, and each object or call is more misses.
            try:
                for key in data:
                    image = data[key]
            except Exception:  # changed meanwhile by another thread: the general path copies it
                image = None
            if image.__class__ is not Image or key.__class__ is not str:
                image = None
        media = None
        if image is None:
            try:
                values = dict(data)
            except (TypeError, ValueError):
                warn("log() takes a dict of metric name -> number, not %s" % type(data).__name__, key="log-type")
                return
            for v in values.values():
                # Floats, and ints a JavaScript reader holds exactly, go straight through; anything else once
                # through coerce_metrics (media values are taken out first).
                if v.__class__ is not float and not (v.__class__ is int and -MAX_EXACT_INT <= v <= MAX_EXACT_INT):
                    media = split_media(values)
                    values = coerce_metrics(values) if values else values
                    break
        else:
            values = None
        if step is not None and (step.__class__ is not int or not 0 <= step <= MAX_EXACT_INT):
            step = coerce_step(step, None)
        with self._lock:
            if self._closed:
                return self._log_after_close()
            if step is None:
                step = self._step
            # wandb's commit=False: the next log() without a step stays on this step.
            self._step = step if commit is False else step + 1
            if values:
                self._queue_append((time.time(), step, values))
            if image is not None:
                state = self._media
                nbytes = image._nbytes
                if state is not None and state.admitted - state.released + nbytes <= _media.PENDING_CAP:
                    state.admitted += nbytes  # MediaState.admit's common case
                    # The writer makes the MediaJob of these (_writer._encode_record).
                    self._queue_append((time.time(), step, key, image, state, nbytes))
                else:
                    self._queue_media([(key, image)], step)
            elif media:
                self._queue_media(media, step)
        n = len(self._queue)
        # Only the first record after a write, or a full queue, has anything to tell the writer; split media always
        # ask (several records may have been added at once: wake the writer if asleep). The one-image call adds one.
        if n >= self._max_queued:
            self._writer.queued(n)
        elif n == 1 or media:
            self._writer.queued(1)

    @property
    def step(self):
        """The step the next ``log()`` without ``step=`` uses."""
        return self._step

    def _queue_media(self, media, step):
        """Queue one media job per key (under the lock). The snapshots wait in memory for the writer thread;
        past PENDING_CAP the job is queued without its data, and the record says it was dropped."""
        state = self._media
        if state is None:
            state = self._media = MediaState(self.dir)
        ts = time.time()
        for key, value in media:
            nbytes = sum(m._nbytes for m in value) if type(value) is list else value._nbytes
            dropped = None
            if not state.admit(nbytes):
                warn("media are logged faster than they are written; some were dropped", key="media-behind")
                dropped = ("dropped: over %d MB of media were waiting to be written (logged faster than the writer "
                           "encodes them)" % (PENDING_CAP >> 20))
                nbytes = 0
            self._queue_append(MediaJob(ts, step, key, value, state, nbytes, dropped))

    def _count_step(self, step, commit):
        # A rank whose metrics rank 0 logs: only its step is kept, for the heartbeats to report (stragglers).
        if step is not None and (step.__class__ is not int or not 0 <= step <= MAX_EXACT_INT):
            step = coerce_step(step, None)
        if step is None:
            step = self._step
        self._step = step if commit is False else step + 1
        self._last_step = step

    def _beat(self):
        step = self._last_step
        return {} if step is None else {"step": step}

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
            record = save_artifact(self.dir, os.fspath(path), kind, name)
        except Exception as e:
            warn("artifact %r not saved: %s: %s" % (path, type(e).__name__, e))
            return None
        if record is None:
            return None
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

    def _end(self, record, wait=10.0):
        """Close the run: write ``record`` (a status, or None when one was written already) as its last record.
        ``wait`` bounds the seconds spent waiting for the git-diff thread and the writer."""
        if self._closed:
            return
        deadline = time.monotonic() + wait
        for th in self._late:
            th.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self.rank != 0 and self._last_step is not None:
                # A rank that logs no metrics says how far it got before it ends, not only every heartbeat.
                self._writer.put({"t": "heartbeat", "ts": time.time(), "step": self._last_step})
            if record is not None:
                self.status = record["status"]
                self._writer.put(record)
        if self._monitor is not None:
            self._monitor.stop()
        self._writer.close(timeout=max(0.5, min(5.0, deadline - time.monotonic())))
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
            text = "".join(traceback.format_exception(exc_type, exc, tb))[-_TRACEBACK_CAP:]
            self._end(_exits.exit_record(code, time.time(), "SystemExit", text))
        else:
            self._mark_failed(exc_type, exc, tb)
            self._end(None)
        return False

    def _finish_implicitly(self, end):
        """At interpreter exit, with how the script ended (see ``_exits.ending``): a signal or an uncaught
        exception already wrote the status; otherwise the way out decides it."""
        if self._closed or self._foreign:
            return
        if self.status == "running" and end[0] == "exception":
            self._mark_failed(*end[1:])
        if self.status == "running":
            self._end(_exits.status_record(end, time.time()))
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
        self._lock = threading.RLock()  # a thread of the parent may have held it at the fork

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
        plain = sanitize(params)
        if type(plain) is not dict:
            return
        with self._lock:
            if self._closed:
                return self._log_after_close()
            self.config._data.update(deep_merge(self.config._data, decode_value(plain)))
            self._write_params(plain, source)

    def _write_params(self, plain, source):
        # Under the lock (or in __init__): each record's config_hash covers exactly the records before it.
        self._flat.update(flatten(plain))
        self.config_hash = hash_flat(self._flat)
        if self.rank != 0:
            return  # rank 0 writes the job's params
        self._put({"t": "params", "ts": time.time(), "source": source, "params": plain,
                   "config_hash": self.config_hash})

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
