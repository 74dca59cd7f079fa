"""trackside.integrations.sklearn against the real scikit-learn (Debian's, under /usr/bin/python3)."""

import json

from tests.helpers import RootCase
from tests.real_libs import cli_ls, first, last, logged_runs, merged, require, run_script

DATA = """
import json, sys, warnings
import trackside
from trackside.integrations.sklearn import log_search, log_estimator
assert "sklearn" not in sys.modules, "importing the integration imported scikit-learn"
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
X, y = make_classification(n_samples=150, n_features=6, random_state=0)
"""


def by_name(runs):
    return {first(records, "start")["name"]: records for records in runs.values()}


class LogSearchTest(RootCase):
    def setUp(self):
        super().setUp()
        require(self, "sklearn", "numpy", "scipy")

    def test_a_grid_search_is_a_parent_run_with_one_child_per_candidate(self):
        out = run_script(self, DATA + """
search = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.1, 1.0], "fit_intercept": [True, False]}, cv=3,
                      scoring=["accuracy", "f1"], refit="accuracy", return_train_score=True).fit(X, y)
logged = log_search(search, project="clf", name="grid", tags=["sk"])
r = search.cv_results_
print(json.dumps({"parent": logged.parent, "children": logged.children, "params": r["params"],
                  "best_index": int(search.best_index_), "best_score": float(search.best_score_),
                  "columns": {k: [float(v) for v in r[k]] for k in r if k.startswith(("mean_", "std_", "rank_",
                                                                                       "split"))}}))
""", self.root)
        told = json.loads(out)
        runs = logged_runs(self.root)
        self.assertEqual(len(runs), 5)
        parent = runs[told["parent"]]
        start = first(parent, "start")
        self.assertEqual((start["name"], start["project"], start["tags"]), ("grid", "clf", ["sk"]))
        self.assertEqual(merged(parent, "params")["search"], {
            "kind": "GridSearchCV", "estimator": "LogisticRegression", "n_splits": 3, "scoring": ["accuracy", "f1"],
            "refit": "accuracy"})
        summary = merged(parent, "summary")
        self.assertEqual(summary["n_candidates"], 4)
        self.assertEqual(summary["best_index"], told["best_index"])
        self.assertEqual(summary["best_params"], told["params"][told["best_index"]])
        self.assertAlmostEqual(summary["best_score"], told["best_score"])
        self.assertEqual(last(parent, "status")["status"], "finished")

        columns = told["columns"]
        self.assertEqual(len(told["children"]), 4)
        for i, child_id in enumerate(told["children"]):
            child = runs[child_id]
            start = first(child, "start")
            self.assertEqual((start["parent"], start["project"]), (told["parent"], "clf"))
            self.assertEqual(merged(child, "params"), told["params"][i])
            metrics = [r for r in child if r["t"] == "metrics"]
            self.assertEqual([r["step"] for r in metrics], [0, 1, 2])  # one per fold
            at0 = metrics[0]["values"]
            for scorer in ("accuracy", "f1"):
                for kind in ("mean_test", "std_test", "mean_train", "std_train"):
                    self.assertAlmostEqual(at0["%s_%s" % (kind, scorer)], columns["%s_%s" % (kind, scorer)][i])
                self.assertEqual(at0["rank_test_" + scorer], int(columns["rank_test_" + scorer][i]))
                self.assertEqual([r["values"]["split_test_" + scorer] for r in metrics],
                                 [columns["split%d_test_%s" % (k, scorer)][i] for k in range(3)])
            for key in ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"):
                self.assertAlmostEqual(at0[key], columns[key][i])
            self.assertEqual(merged(child, "summary")["rank_test_accuracy"], int(columns["rank_test_accuracy"][i]))
            self.assertEqual(last(child, "status")["status"], "finished")
            self.assertEqual("best" in start["tags"], i == told["best_index"])

        # The editor's index sees the linkage: four runs whose parent is the search.
        listed = {r["id"]: r for r in cli_ls(self, self.root)}
        self.assertEqual(len(listed), 5)
        self.assertEqual(sorted(r["id"] for r in listed.values() if r.get("parent") == told["parent"]),
                         sorted(told["children"]))
        self.assertEqual(listed[told["parent"]]["summary"]["n_candidates"], 4)

    def test_a_randomized_search_over_a_pipeline(self):
        out = run_script(self, DATA + """
from scipy.stats import loguniform
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
search = RandomizedSearchCV(
    pipe, {"logisticregression__C": loguniform(1e-2, 1e2), "standardscaler": [StandardScaler(), "passthrough"]},
    n_iter=3, cv=3, random_state=0).fit(X, y)
logged = log_search(search, tags=["random"])
print(json.dumps({"parent": logged.parent, "children": logged.children,
                  "C": [float(p["logisticregression__C"]) for p in search.cv_results_["params"]],
                  "scores": [float(v) for v in search.cv_results_["mean_test_score"]]}))
""", self.root)
        told = json.loads(out)
        runs = logged_runs(self.root)
        self.assertEqual(len(runs), 4)
        parent = runs[told["parent"]]
        self.assertEqual(first(parent, "start")["name"], "RandomizedSearchCV-Pipeline")
        self.assertEqual(merged(parent, "params")["search"]["scoring"], ["score"])
        for i, child in enumerate(told["children"]):
            records = runs[child]
            params = merged(records, "params")
            self.assertEqual(params["logisticregression__C"], told["C"][i])  # a numpy float, logged as a number
            self.assertIn(params["standardscaler"], ("StandardScaler()", "passthrough"))  # an estimator as its repr
            at0 = next(r for r in records if r["t"] == "metrics")["values"]
            self.assertAlmostEqual(at0["mean_test_score"], told["scores"][i])
            self.assertEqual(first(records, "start")["tags"][0], "random")

    def test_a_candidate_whose_fit_failed_is_a_failed_run(self):
        out = run_script(self, DATA + """
warnings.simplefilter("ignore")
# C must be positive: every fold of C=-1 fails, and error_score=nan lets the search go on.
search = GridSearchCV(LogisticRegression(max_iter=500), {"C": [1.0, -1.0]}, cv=3, error_score=np.nan).fit(X, y)
print(json.dumps(log_search(search).children))
""", self.root)
        children = json.loads(out)
        runs = logged_runs(self.root)
        ok, bad = runs[children[0]], runs[children[1]]
        self.assertEqual(last(ok, "status")["status"], "finished")
        status = last(bad, "status")
        self.assertEqual(status["status"], "failed")
        self.assertIn("3 fold score(s) are NaN", status["error"]["message"])
        self.assertNotIn("split_test_score", {k for r in bad if r["t"] == "metrics" for k in r["values"]})

    def test_inside_an_active_run_the_candidates_hang_under_it(self):
        out = run_script(self, DATA + """
with trackside.init(project="outer", name="study", group="week1") as run:
    search = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.5, 2.0]}, cv=3).fit(X, y)
    logged = log_search(search, project="ignored")
    assert not run._closed
    run.log({"after": 1.0})
print(json.dumps({"run": run.id, "parent": logged.parent, "children": logged.children}))
""", self.root)
        told = json.loads(out)
        self.assertEqual(told["parent"], told["run"])
        runs = logged_runs(self.root)
        self.assertEqual(len(runs), 3)
        outer = runs[told["run"]]
        self.assertEqual(merged(outer, "summary")["n_candidates"], 2)
        self.assertEqual([r["status"] for r in outer if r["t"] == "status"], ["finished"])
        for child in told["children"]:
            start = first(runs[child], "start")
            self.assertEqual((start["parent"], start["group"], start["project"]), (told["run"], "week1", "outer"))


class LogEstimatorTest(RootCase):
    def setUp(self):
        super().setUp()
        require(self, "sklearn", "numpy", "scipy")

    def test_params_and_scores_of_a_fitted_estimator(self):
        out = run_script(self, DATA + """
from sklearn.metrics import accuracy_score, f1_score
model = LogisticRegression(C=0.5, max_iter=300).fit(X[:100], y[:100])
scores = log_estimator(model, X[100:], y[100:], scoring=["accuracy", "f1"], project="clf", tags=["final"])
plain = log_estimator(model, X[100:], y[100:], name="default-score")
pred = model.predict(X[100:])
print(json.dumps({"scores": scores, "plain": plain, "acc": accuracy_score(y[100:], pred),
                  "f1": f1_score(y[100:], pred), "score": model.score(X[100:], y[100:])}))
""", self.root)
        told = json.loads(out)
        self.assertAlmostEqual(told["scores"]["accuracy"], told["acc"])
        self.assertAlmostEqual(told["scores"]["f1"], told["f1"])
        runs = by_name(logged_runs(self.root))
        self.assertEqual(sorted(runs), ["LogisticRegression", "default-score"])
        records = runs["LogisticRegression"]
        self.assertEqual(first(records, "start")["tags"], ["final"])
        params = merged(records, "params")
        self.assertEqual((params["estimator"], params["C"], params["max_iter"]), ("LogisticRegression", 0.5, 300))
        summary = merged(records, "summary")
        self.assertAlmostEqual(summary["test/accuracy"], told["acc"])
        self.assertAlmostEqual(summary["test/f1"], told["f1"])
        self.assertEqual(last(records, "status")["status"], "finished")
        self.assertAlmostEqual(merged(runs["default-score"], "summary")["test/score"], told["score"])
