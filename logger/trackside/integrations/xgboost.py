"""XGBoost: a training callback that logs every evaluation metric at every boosting round.

    from trackside.integrations.xgboost import TracksideCallback

    booster = xgb.train(params, dtrain, 100, evals=[(dvalid, "valid")],
                        callbacks=[TracksideCallback(project="higgs")])

Metrics are ``<data>/<metric>`` (``valid/logloss``) at step = round; with ``xgb.cv`` the mean is
``<data>/<metric>`` and the standard deviation ``<data>/<metric>_std``. At the start the booster's parameters
(read back from ``save_config()``, so defaults are there too, with the ``params=`` given winning) are logged as
params, and ``eval_metric`` as the metrics the first round reports; at the end ``best_iteration``, ``best_score``
and ``best_metric`` go to the summary. Logs into the current run when there is one; otherwise starts a run with
``trackside.init``'s options and finishes it when training ends (a training that raises leaves it to the logger's
exit handling, which marks it failed).
"""

import json

import trackside
from trackside._warn import warn

# Metrics XGBoost's own EarlyStopping maximises (xgboost/callback.py); every other metric is minimised.
_MAXIMIZED = ("auc", "aucpr", "pre", "map", "ndcg")


def _maximized(metric):
    return metric.split("@")[0] in _MAXIMIZED


def _base():
    # The real library, imported when a callback is made: `import trackside` never imports xgboost, and within
    # this package `import xgboost` is absolute (Python 3), so it is the library, not this module.
    import xgboost.callback
    return xgboost.callback.TrainingCallback


def booster_params(config_json):
    """A flat ``{name: value}`` of the parameters in a ``Booster.save_config()`` text, named as ``xgb.train`` takes
    them (``max_depth``, ``eta``, ``objective``, ...), numbers as numbers."""
    learner = json.loads(config_json).get("learner", {})
    out = {}

    def walk(node):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, str) and key not in out and key != "name":
                out[key] = _number(value)

    train = learner.get("learner_train_param", {})
    out.update({k: _number(v) for k, v in train.items() if isinstance(v, str)})
    walk({k: v for k, v in learner.items() if k not in ("learner_train_param", "gradient_booster")})
    booster = learner.get("gradient_booster", {})
    # num_trees grows with every round: a param that changes during training would split the config hash.
    walk({k: v for k, v in booster.items() if k != "gbtree_model_param"})
    # Not learner["metrics"]: XGBoost 1.7 writes eval_metric=["logloss", "error"] there as error, error. The
    # callback takes eval_metric from the metrics the first round reports instead.
    return out


def _number(text):
    try:
        return int(text)
    except ValueError:
        pass
    try:
        # XGBoost keeps floats as float32 and prints 0.3 as 0.300000012: 7 significant digits give 0.3 back.
        return float("%.7g" % float(text))
    except ValueError:
        return text


def _rounds(evals_log):
    """How many rounds the evaluation history holds."""
    return max((len(h) for metrics in evals_log.values() for h in metrics.values()), default=0)


class _Callback(object):
    """The behaviour; ``TracksideCallback`` puts it on ``xgboost.callback.TrainingCallback``."""

    def __init__(self, project=None, name=None, config=None, tags=None, params=None, **init_options):
        self._init = dict(init_options, project=project, name=name, config=config, tags=tags)
        self._params = dict(params or {})
        self.run = None
        self._owned = False
        self._best = None  # (score, iteration, "data/metric")
        self._metrics_named = False
        self._history = None
        self._last = None

    def before_training(self, model):
        self._best = None
        self._metrics_named = False
        self._history = None
        self._last = None  # (the last round logged, how many values each history held then)
        self.run = trackside.active_run()
        self._owned = self.run is None
        if self._owned:
            self.run = trackside.init(**self._init)
        params = {}
        try:
            if hasattr(model, "save_config"):  # xgb.cv hands over a pack of boosters, which has no config
                params = booster_params(model.save_config())
        except Exception as e:  # a future config layout: log what was given
            warn("xgboost config not read: %s: %s" % (type(e).__name__, e), key="xgb-config")
        params.update(self._params)
        if params:
            self.run.log_params(params)
        return model

    def after_iteration(self, model, epoch, evals_log):
        # XGBoost asks its callbacks with any(...), so a round where a callback before this one (EarlyStopping)
        # says stop never reaches here; after_training logs such rounds from the history kept here.
        self._history = evals_log
        self._round(evals_log, -1, epoch)
        return False

    def _round(self, evals_log, index, epoch):
        values = {}
        last = None
        for data, metrics in evals_log.items():
            for metric, history in metrics.items():
                if len(history) < (index + 1 if index >= 0 else -index):
                    continue
                value = history[index]
                key = "%s/%s" % (data, metric)
                if isinstance(value, tuple):  # xgb.cv: (mean, std) over the folds
                    values[key + "_std"] = value[1]
                    value = value[0]
                values[key] = value
                last = (key, metric, value)
        if not values:
            return
        self.run.log(values, step=epoch)
        self._last = (epoch, _rounds(evals_log))
        if not self._metrics_named:
            self._metrics_named = True
            names = []
            for metrics in evals_log.values():
                names.extend(m for m in metrics if m not in names)
            if "eval_metric" not in self._params:
                self.run.log_params({"eval_metric": ",".join(names)})
        # XGBoost's EarlyStopping watches the last metric of the last eval set; so does the summary.
        key, metric, value = last
        best = self._best
        if best is None or best[2] != key or (value > best[0] if _maximized(metric) else value < best[0]):
            self._best = (float(value), epoch, key)

    def after_training(self, model):
        if self.run is None:
            return model
        if self._last is not None:
            epoch, seen = self._last
            for index in range(seen, _rounds(self._history)):
                self._round(self._history, index, epoch + 1 + index - seen)
        summary = {}
        best_iteration = model.attr("best_iteration")  # set by EarlyStopping, which may also have trimmed rounds
        if best_iteration is not None:
            summary["best_iteration"] = int(best_iteration)
            score = model.attr("best_score")
            if score is not None:
                summary["best_score"] = float(score)
        elif self._best is not None:
            summary["best_iteration"] = self._best[1]
            summary["best_score"] = self._best[0]
        if self._best is not None:
            summary["best_metric"] = self._best[2]
        if summary:
            self.run.summary.update(summary)
        if self._owned:
            self.run.finish()
        self.run = None
        return model


def __getattr__(name):
    # The class is made on first use (PEP 562) so that importing this module does not import xgboost.
    if name == "TracksideCallback":
        cls = type("TracksideCallback", (_Callback, _base()), {
            "__doc__": "Logs XGBoost training to Trackside: ``callbacks=[TracksideCallback(project=...)]``.\n\n"
                       "Options: ``trackside.init``'s (``project``, ``name``, ``config``, ``tags``, ...), used "
                       "when no run is active; ``params``: the params given to ``xgb.train``, logged over "
                       "those read from the booster.",
            "__module__": __name__,
        })
        globals()["TracksideCallback"] = cls
        return cls
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
