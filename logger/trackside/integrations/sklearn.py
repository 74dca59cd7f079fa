"""scikit-learn: a fitted hyperparameter search as a parent run with one child run per candidate, and a fitted
estimator's params and scores.

    from trackside.integrations.sklearn import log_search, log_estimator

    search = GridSearchCV(SVC(), {"C": [1, 10], "gamma": [0.1, 1]}, cv=3).fit(X, y)
    log_search(search, project="iris")
    log_estimator(search.best_estimator_, X_test, y_test, scoring=["accuracy", "f1_macro"])

The parent is the current run when there is one, else a run started with ``trackside.init``'s options and finished
here. Each candidate is a run of its own, written whole after the fact, with ``parent`` = the parent's id (the
editor nests it there) and the parent's group.
"""

import math
import re
import time

import trackside
from trackside._encode import sanitize

from ._finished_run import write_finished_run

_MEAN_TEST = re.compile(r"^mean_test_(.+)$")
_SPLIT_TEST = re.compile(r"^split(\d+)_test_(.+)$")
# The per-candidate columns of cv_results_ logged as metrics (with the scorer name where there is one).
_COLUMNS = ("mean_test_%s", "std_test_%s", "rank_test_%s", "mean_train_%s", "std_train_%s")
_TIMES = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")


class SearchLog(object):
    """What :func:`log_search` wrote: the parent run's id and the candidates' run ids (None where one failed)."""

    def __init__(self, parent, children):
        self.parent = parent
        self.children = children

    def __repr__(self):
        return "<SearchLog parent=%s, %d candidates>" % (self.parent, len(self.children))


def _start(project, name, config, tags, init_options):
    run = trackside.active_run()
    if run is not None:
        return run, False
    return trackside.init(project=project, name=name, config=config, tags=tags, **init_options), True


def _number(value):
    """A cv_results_ cell as a float, or None (masked, missing, not a number)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _scorers(results):
    return [m.group(1) for m in map(_MEAN_TEST.match, sorted(results)) if m]


def log_search(search, project=None, name=None, tags=None, config=None, **init_options):
    """Log a fitted ``GridSearchCV``/``RandomizedSearchCV`` (or any search with ``cv_results_``).

    The parent run gets ``search.*`` params (kind, estimator, folds, scoring, refit) and, in its summary,
    ``best_params``, ``best_score``, ``best_index``, ``n_candidates`` and ``refit_time``. Each candidate run gets
    its params; metrics at step 0 named as in ``cv_results_`` for every scorer (``mean_test_<scorer>``,
    ``std_test_<scorer>``, ``rank_test_<scorer>``, ``mean_train_<scorer>`` when recorded) and the mean/std fit and
    score times; the fold scores as the series ``split_test_<scorer>`` by fold (step = fold); rank and mean
    scores also in its summary. A candidate whose fit failed on some fold (a NaN score) is ``failed``; the best
    one is tagged ``best``. Returns a :class:`SearchLog`.
    """
    results = getattr(search, "cv_results_", None)
    if results is None:
        raise ValueError("log_search needs a fitted search (it has no cv_results_); call fit() first")
    scorers = _scorers(results)
    candidates = list(results["params"])
    best_index = getattr(search, "best_index_", None)
    estimator = getattr(search, "estimator", None)
    described = {
        "kind": type(search).__name__,
        "estimator": type(estimator).__name__ if estimator is not None else None,
        "n_splits": getattr(search, "n_splits_", None),
        "scoring": scorers,
        "refit": getattr(search, "refit", None) if isinstance(getattr(search, "refit", None), (bool, str)) else
        "callable",
    }
    parent, owned = _start(project, name or "%s-%s" % (type(search).__name__, described["estimator"]),
                           config, tags, init_options)
    try:
        parent.log_params({"search": described})
        now = time.time()
        children = []
        for i, params in enumerate(candidates):
            children.append(_log_candidate(parent, i, params, results, scorers, now, best_index, tags))
        summary = {"n_candidates": len(candidates)}
        if best_index is not None:
            summary["best_index"] = int(best_index)
            summary["best_params"] = sanitize(candidates[int(best_index)])
        score = _number(getattr(search, "best_score_", None))
        if score is not None:
            summary["best_score"] = score
        refit_time = _number(getattr(search, "refit_time_", None))
        if refit_time is not None:
            summary["refit_time"] = refit_time
        parent.summary.update(summary)
    except Exception:
        if owned:
            parent.finish(status="failed")
        raise
    if owned:
        parent.finish()
    return SearchLog(parent.id, children)


def _log_candidate(parent, i, params, results, scorers, now, best_index, tags):
    values = {}
    for column in _TIMES:
        if column in results:
            values[column] = _number(results[column][i])
    for scorer in scorers:
        for pattern in _COLUMNS:
            column = pattern % scorer
            if column in results:
                values[column] = _number(results[column][i])
    # Ranks are whole numbers (1 = best); cv_results_ holds them as int32.
    values = {k: int(v) if k.startswith("rank_") else v for k, v in values.items() if v is not None}
    folds = {0: dict(values)}
    failed = 0
    for column in results:
        m = _SPLIT_TEST.match(column)
        if m:
            score = _number(results[column][i])
            if score is None or math.isnan(score):
                failed += 1
                continue
            folds.setdefault(int(m.group(1)), {})["split_test_" + m.group(2)] = score
    series = [(now, fold, folds[fold]) for fold in sorted(folds)]
    summary = {k: v for k, v in values.items() if k.startswith(("rank_test_", "mean_test_"))}
    status, fields = "finished", {"exit_code": 0}
    if failed:
        # error_score=nan: scikit-learn went on past a failing fit and left NaN where the score would be.
        status, fields = "failed", {"error": {"type": "FitFailed", "message": "%d fold score(s) are NaN: the fit or "
                                              "scoring failed there (error_score)" % failed, "traceback": ""}}
    run_tags = list(tags or [])
    if best_index is not None and i == int(best_index):
        run_tags.append("best")
    return write_finished_run(parent.root, "%s candidate %d" % (parent.name, i), project=parent.project,
                              group=parent.group, parent=parent.id, tags=run_tags, params=params, series=series,
                              summary=summary, status=status, start=now, end=now, status_fields=fields)


def log_estimator(estimator, X_test=None, y_test=None, scoring=None, project=None, name=None, tags=None,
                  config=None, prefix="test", **init_options):
    """Log a fitted estimator's params (``get_params(deep=False)``, plus ``estimator`` = its class name) and,
    given ``X_test``/``y_test``, its scores to the summary as ``<prefix>/<scorer>``: ``scoring`` is None
    (``estimator.score``, logged as ``<prefix>/score``), a scorer name, a list of names, or a dict of name ->
    scorer name or callable ``(estimator, X, y)``. Logs into the current run, or starts one with
    ``trackside.init``'s options and finishes it. Returns the scores as a dict.
    """
    run, owned = _start(project, name or type(estimator).__name__, config, tags, init_options)
    try:
        params = {"estimator": type(estimator).__name__}
        params.update(estimator.get_params(deep=False))
        run.log_params(params)
        scores = {}
        if X_test is not None:
            for key, scorer in _scorer_table(scoring).items():
                scores[key] = float(scorer(estimator, X_test, y_test))
            run.summary.update({"%s/%s" % (prefix, k): v for k, v in scores.items()})
    except Exception:
        if owned:
            run.finish(status="failed")
        raise
    if owned:
        run.finish()
    return scores


def _scorer_table(scoring):
    from sklearn.metrics import get_scorer  # the real library, only once scores are asked for

    if scoring is None:
        return {"score": lambda est, X, y: est.score(X, y)}
    if isinstance(scoring, str):
        return {scoring: get_scorer(scoring)}
    if isinstance(scoring, dict):
        return {str(k): get_scorer(v) if isinstance(v, str) else v for k, v in scoring.items()}
    return {str(s): get_scorer(s) for s in scoring}
