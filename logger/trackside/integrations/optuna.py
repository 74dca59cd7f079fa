"""Optuna: a study callback that logs every trial as a run, the study as its group.

    from trackside.integrations.optuna import TracksideCallback

    study = optuna.create_study(study_name="lr-search")
    study.optimize(objective, n_trials=50, callbacks=[TracksideCallback(project="mnist")])

Each trial is written whole when Optuna hands it over (after it ended), with the trial's own start and end
times: name ``trial-<number>``, group = the study's name, its params as params, the values passed to
``trial.report`` as the metric ``<metric_name>`` (default ``value``) by step, and in the summary the objective
``value`` (``values`` and ``value_<i>`` for several objectives), ``number``, ``state``, ``duration_s`` and the user
attributes. States map to Trackside statuses:

- COMPLETE -> ``finished``;
- FAIL -> ``failed``, with the exception (type, message, traceback) as Optuna logged it;
- PRUNED -> ``killed`` with ``reason: "pruned"`` and ``pruned_at_step``: the pruner stopped the trial on purpose,
  before its end, which is neither a run that completed nor one that broke. Trackside's own sweeps write their
  pruned trials the same way (the controller stops them), so pruned trials of both read alike.

Optuna calls callbacks only for trials it caught: a trial whose exception is not in ``optimize(catch=...)`` stops
the study before any callback runs, so it is not logged (pass ``catch=(Exception,)`` to go on and log it). The
exception is read from Optuna's warning about it; with Optuna's verbosity set above WARNING the run says only that
the trial failed. The metric points of a trial carry its end time: Optuna does not record when each value was
reported.
"""

import logging
import re
import time
import traceback

from trackside._root import resolve_root

from ._finished_run import write_finished_run

# Optuna logs why a trial failed (and the exception) on its library logger, and stores it nowhere else.
_FAILED = re.compile(r"^Trial (\d+) failed with parameters: .* because of the following error: (.*)\.$", re.S)
_KEPT_FAILURES = 256


class _FailureListener(logging.Handler):
    """Keeps the last failure messages Optuna logs, by trial number, until the callback takes them."""

    def __init__(self):
        logging.Handler.__init__(self, logging.WARNING)
        self.failures = {}

    def emit(self, record):
        try:
            m = _FAILED.match(record.getMessage())
        except Exception:
            return
        if m is None:
            return
        error = {"type": "TrialFailed", "message": m.group(2)[:64 << 10], "traceback": ""}
        if record.exc_info and record.exc_info[0] is not None:
            error["type"] = record.exc_info[0].__name__
            error["message"] = str(record.exc_info[1])[:64 << 10]
            error["traceback"] = "".join(traceback.format_exception(*record.exc_info))[-(256 << 10):]
        if len(self.failures) >= _KEPT_FAILURES:
            self.failures.pop(next(iter(self.failures)))
        self.failures[int(m.group(1))] = error


_listener = []  # the one _FailureListener, on Optuna's library logger once a callback exists


def _listen():
    if not _listener:
        _listener.append(_FailureListener())
        logging.getLogger("optuna").addHandler(_listener[0])
    return _listener[0]


class TracksideCallback(object):
    """``study.optimize(..., callbacks=[TracksideCallback(project=...)])``: each finished trial becomes a run.

    Options: ``project``, ``tags`` (added to every trial run, with the state in lower case: ``complete``,
    ``pruned``, ``fail``), ``group`` (default: the study's name), ``metric_name`` (the key of the intermediate
    values), ``dir`` (the Trackside root, as ``trackside.init(dir=...)``). ``run_ids`` maps trial numbers to the
    runs written.
    """

    def __init__(self, project=None, tags=None, group=None, metric_name="value", dir=None):
        self.project = project
        self.tags = list(tags or [])
        self.group = group
        self.metric_name = str(metric_name)
        self.dir = dir
        self.run_ids = {}
        self._listener = _listen()

    def __call__(self, study, trial):
        state = getattr(trial.state, "name", str(trial.state))
        if state not in ("COMPLETE", "PRUNED", "FAIL"):
            return  # RUNNING / WAITING: not over, nothing to write yet
        now = time.time()
        start = trial.datetime_start.timestamp() if trial.datetime_start is not None else now
        end = trial.datetime_complete.timestamp() if trial.datetime_complete is not None else now
        series = [(end, step, {self.metric_name: value})
                  for step, value in sorted(trial.intermediate_values.items())]
        summary = {"number": trial.number, "state": state, "duration_s": max(0.0, end - start)}
        values = trial.values
        if values is not None:
            if len(values) == 1:
                summary["value"] = values[0]
            else:
                summary["values"] = list(values)
                summary.update(("value_%d" % i, v) for i, v in enumerate(values))
        if trial.user_attrs:
            summary["user_attrs"] = dict(trial.user_attrs)
        if state == "COMPLETE":
            status, fields = "finished", {"exit_code": 0}
        elif state == "PRUNED":
            status, fields = "killed", {"reason": "pruned"}
            if trial.last_step is not None:
                fields["pruned_at_step"] = trial.last_step
        else:
            status = "failed"
            error = self._listener.failures.pop(trial.number, None) or {
                "type": "TrialFailed", "message": _stored_reason(trial), "traceback": ""}
            fields = {"error": error}
        rid = write_finished_run(
            resolve_root(self.dir), "trial-%d" % trial.number, project=self.project,
            group=self.group if self.group is not None else study.study_name,
            tags=self.tags + [state.lower()], params=dict(trial.params), series=series, summary=summary,
            status=status, start=start, end=end, status_fields=fields)
        self.run_ids[trial.number] = rid


def _stored_reason(trial):
    """The reason Optuna kept on the trial, where it keeps one (a bad return value; older versions' fail_reason)."""
    attrs = getattr(trial, "system_attrs", None) or {}
    for key in ("fail_reason", "STUDY_TELL_WARNING"):
        if key in attrs:
            return str(attrs[key])[:64 << 10]
    return "the objective failed (Optuna recorded no reason)"
