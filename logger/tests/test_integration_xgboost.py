"""trackside.integrations.xgboost against the real XGBoost (Debian's, under /usr/bin/python3)."""

import json

from tests.helpers import RootCase
from tests.real_libs import first, logged_runs, merged, require, run_script

DATA = """
import json, sys
import trackside
import trackside.integrations.xgboost as integration
assert "xgboost" not in sys.modules, "importing the integration imported xgboost"
from trackside.integrations.xgboost import TracksideCallback
import numpy as np
import xgboost as xgb
# Inside trackside/integrations/xgboost.py, `import xgboost` is the library, not that module itself.
assert xgb.__file__ != integration.__file__ and "dist-packages" in xgb.__file__, xgb.__file__
assert issubclass(TracksideCallback, xgb.callback.TrainingCallback)
rng = np.random.default_rng(0)
X = rng.normal(size=(300, 5))
y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=300) > 0).astype(int)
dtrain = xgb.DMatrix(X[:200], label=y[:200])
dvalid = xgb.DMatrix(X[200:], label=y[200:])
"""


class XGBoostCallbackTest(RootCase):
    def setUp(self):
        super().setUp()
        require(self, "xgboost", "numpy")

    def test_each_round_logs_every_eval_metric_params_at_start_and_best_at_the_end(self):
        out = run_script(self, DATA + """
history = {}
params = {"max_depth": 3, "eta": 0.1, "objective": "binary:logistic", "eval_metric": ["logloss", "error"]}
xgb.train(params, dtrain, 6, evals=[(dtrain, "train"), (dvalid, "valid")], evals_result=history, verbose_eval=False,
          callbacks=[TracksideCallback(project="higgs", name="xgb-1", tags=["gbm"], config={"data": "synthetic"})])
print(json.dumps(history))
""", self.root)
        history = json.loads(out)
        runs = list(logged_runs(self.root).values())
        self.assertEqual(len(runs), 1)
        records = runs[0]
        start = first(records, "start")
        self.assertEqual((start["project"], start["name"], start["tags"]), ("higgs", "xgb-1", ["gbm"]))
        metrics = [r for r in records if r["t"] == "metrics"]
        self.assertEqual([r["step"] for r in metrics], list(range(6)))
        for r in metrics:
            self.assertEqual(set(r["values"]), {"train/logloss", "train/error", "valid/logloss", "valid/error"})
            for data in ("train", "valid"):
                for metric in ("logloss", "error"):
                    self.assertAlmostEqual(r["values"]["%s/%s" % (data, metric)], history[data][metric][r["step"]])
        params = merged(records, "params")
        self.assertEqual(params["data"], "synthetic")  # init's config
        self.assertEqual((params["max_depth"], params["eta"], params["objective"]), (3, 0.1, "binary:logistic"))
        self.assertEqual(params["eval_metric"], "logloss,error")
        self.assertNotIn("num_trees", params)  # grows every round: not a param
        self.assertLess(records.index(first(records, "params")), records.index(metrics[0]))
        valid_error = history["valid"]["error"]
        best = min(range(6), key=lambda i: (valid_error[i], i))
        summary = merged(records, "summary")
        self.assertEqual(summary["best_metric"], "valid/error")
        self.assertEqual(summary["best_iteration"], best)
        self.assertAlmostEqual(summary["best_score"], valid_error[best])
        self.assertEqual([r["status"] for r in records if r["t"] == "status"], ["finished"])

    def test_an_active_run_is_logged_into_and_left_open(self):
        run_script(self, DATA + """
with trackside.init(project="mine", name="outer") as run:
    xgb.train({"max_depth": 2, "objective": "binary:logistic"}, dtrain, 3, evals=[(dvalid, "valid")],
              verbose_eval=False, callbacks=[TracksideCallback(project="ignored")])
    assert not run._closed, "the callback finished a run it did not start"
    run.log({"after": 1.0}, step=10)
""", self.root)
        runs = list(logged_runs(self.root).values())
        self.assertEqual(len(runs), 1)
        records = runs[0]
        self.assertEqual(first(records, "start")["name"], "outer")
        steps = {r["step"]: set(r["values"]) for r in records if r["t"] == "metrics"}
        self.assertEqual(steps, {0: {"valid/logloss"}, 1: {"valid/logloss"}, 2: {"valid/logloss"}, 10: {"after"}})
        self.assertEqual(merged(records, "params")["max_depth"], 2)
        self.assertEqual([r["status"] for r in records if r["t"] == "status"], ["finished"])

    def test_cv_logs_the_mean_and_std_over_folds(self):
        out = run_script(self, DATA + """
result = xgb.cv({"max_depth": 2, "objective": "binary:logistic"}, dtrain, 4, nfold=3, as_pandas=False, seed=1,
                callbacks=[TracksideCallback(name="cv")])
print(json.dumps(result))
""", self.root)
        result = json.loads(out)
        records = list(logged_runs(self.root).values())[0]
        metrics = [r for r in records if r["t"] == "metrics"]
        self.assertEqual([r["step"] for r in metrics], list(range(4)))
        for r in metrics:
            self.assertAlmostEqual(r["values"]["test/logloss"], result["test-logloss-mean"][r["step"]])
            self.assertAlmostEqual(r["values"]["test/logloss_std"], result["test-logloss-std"][r["step"]])
            self.assertAlmostEqual(r["values"]["train/logloss"], result["train-logloss-mean"][r["step"]])
        self.assertEqual(merged(records, "summary")["best_metric"], "test/logloss")

    def test_the_scikit_learn_api_and_early_stopping(self):
        out = run_script(self, DATA + """
model = xgb.XGBClassifier(n_estimators=50, max_depth=2, learning_rate=0.5, eval_metric="logloss",
                          early_stopping_rounds=2, callbacks=[TracksideCallback(name="sk")])
model.fit(X[:200], y[:200], eval_set=[(X[200:], y[200:])], verbose=False)
booster = model.get_booster()
print(json.dumps({"best": int(booster.attr("best_iteration")), "score": float(booster.attr("best_score")),
                  "history": model.evals_result()["validation_0"]["logloss"]}))
""", self.root)
        told = json.loads(out)
        records = list(logged_runs(self.root).values())[0]
        metrics = [r for r in records if r["t"] == "metrics"]
        # Early stopping ends two rounds after the best one; every round it ran was logged, the last one too
        # (XGBoost does not call the callbacks after EarlyStopping in the round it stops).
        self.assertEqual(len(told["history"]), told["best"] + 3)
        self.assertEqual([r["step"] for r in metrics], list(range(len(told["history"]))))
        self.assertEqual([r["values"] for r in metrics], [{"validation_0/logloss": v} for v in told["history"]])
        summary = merged(records, "summary")
        self.assertEqual(summary["best_iteration"], told["best"])
        self.assertAlmostEqual(summary["best_score"], told["score"])
        self.assertEqual(merged(records, "params")["max_depth"], 2)
