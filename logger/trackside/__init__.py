"""Trackside: log ML runs to plain JSON-lines files that the Trackside VS Code extension reads.

    import trackside

    with trackside.init(project="mnist", config={"lr": 0.01, "optimizer": {"name": "adam"}}) as run:
        for step in range(1000):
            run.log({"train/loss": loss, "train/acc": acc})
        run.summary["best_acc"] = best

Standard library only; the format is specified in docs/log-format.md.
"""

from ._confighash import config_hash as _config_hash
from ._find import RunInfo, exists, find_runs
from ._histogram import Histogram
from ._media import Image
from ._models import ModelError, ModelFileError, ModelVersion, get_model, register_model
from ._root import resolve_root
from ._run import Config, Run, Summary, read_overrides
from ._seed import seed_everything
from ._table import Table, Text

__all__ = [
    "init", "log", "log_metric", "log_metrics", "log_param", "log_params", "log_artifact", "finish",
    "start_run", "end_run", "active_run", "exists", "find_runs", "config_hash", "seed_everything",
    "Run", "RunInfo", "Config", "Summary", "resolve_root",
    "register_model", "get_model", "ModelVersion", "ModelError", "ModelFileError",
    "Image", "Histogram", "Table", "Text",
]

__version__ = "0.1.0"

_current = [None]  # the run module-level calls go to (trackside.run)


def init(project=None, name=None, config=None, tags=None, notes=None, group=None, dir=None, **options):
    """Start a run and make it the current one (finishing a current run that was not finished).

    ``dir`` is the Trackside root (the folder holding ``runs/``); see :func:`resolve_root` for the
    default. Options: ``id`` and ``resume=True`` to append to an existing run; ``capture_env``,
    ``system_metrics`` (bools); ``flush_interval``, ``heartbeat_interval``, ``system_interval``
    (seconds); ``install_signal_handlers`` (bool); ``seed`` (recorded in ``start.env.seed``);
    ``all_ranks=True`` (or ``$TRACKSIDE_ALL_RANKS=1``) logs metrics from every rank of a distributed job, not
    only rank 0's. Started by torchrun, SLURM or MPI as one of several ranks, the run joins its job's run.
    """
    previous = _current[0]
    if previous is not None:
        previous.finish()
    run = Run(project=project, name=name, config=config, tags=tags, notes=notes, group=group, dir=dir, **options)
    _current[0] = run
    return run


def _run_or_start():
    run = _current[0]
    if run is None:
        run = init()  # mlflow-style: logging without a run starts one
    return run


def log(data, step=None, commit=None):
    """Log metrics and media (Image, Histogram, Table, Text) to the current run (starting one if there is none)."""
    _run_or_start().log(data, step=step, commit=commit)


def log_metric(key, value, step=None):
    _run_or_start().log({key: value}, step=step)


def log_metrics(metrics, step=None):
    _run_or_start().log(metrics, step=step)


def log_param(key, value):
    _run_or_start().log_param(key, value)


def log_params(params):
    _run_or_start().log_params(params)


def log_artifact(path, kind=None, name=None):
    return _run_or_start().log_artifact(path, kind=kind, name=name)


def finish(exit_code=None, status="finished"):
    """Finish the current run, if any."""
    run = _current[0]
    if run is not None:
        run.finish(exit_code=exit_code, status=status)


def start_run(run_name=None, experiment_name=None, tags=None, description=None, **options):
    """mlflow-style spelling of :func:`init`; ``tags`` may be a dict (recorded as ``key=value`` tags)."""
    if isinstance(tags, dict):
        tags = ["%s=%s" % (k, v) for k, v in tags.items()]
    return init(project=experiment_name or options.pop("project", None), name=run_name, tags=tags,
                notes=description, **options)


def end_run(status="FINISHED"):
    """mlflow-style :func:`finish`; status FINISHED, FAILED or KILLED."""
    finish(status=str(status).lower())


def active_run():
    """The current run, or None."""
    return _current[0]


def config_hash(config, overrides=None):
    """The ``config_hash`` a run logged with this config carries (see docs/log-format.md)."""
    return _config_hash(config, overrides)


def __getattr__(name):
    # trackside.run / trackside.config / trackside.summary follow the current run (PEP 562).
    if name == "run":
        return _current[0]
    if name == "torch":  # trackside.torch.watch: the integration, imported on first use (it imports torch)
        try:
            from .integrations import torch as integration
        except ImportError as e:  # an AttributeError, so hasattr(trackside, "torch") stays False without torch
            raise AttributeError("trackside.torch needs PyTorch: %s" % e)
        return integration
    if name in ("config", "summary"):
        run = _current[0]
        return None if run is None else getattr(run, name)
    raise AttributeError("module 'trackside' has no attribute %r" % (name,))
