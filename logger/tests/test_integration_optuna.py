"""trackside.integrations.optuna against the real Optuna (Debian's, under /usr/bin/python3)."""

import json

from tests.helpers import RootCase
from tests.real_libs import cli_ls, first, last, logged_runs, merged, require, run_script

STUDY = """
import json, sys
from trackside.integrations.optuna import TracksideCallback
assert "optuna" not in sys.modules, "importing the integration imported optuna"
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)

def objective(trial):
    x = trial.suggest_float("x", -5, 5)
    layers = trial.suggest_int("layers", 1, 4)
    if trial.number == 5:
        raise ValueError("diverged at trial %d" % trial.number)
    for step in range(4):
        # Trial 2 reports a loss over the pruner's threshold at step 1.
        loss = (x - 1) ** 2 + layers / (step + 1) + (100.0 if trial.number == 2 and step == 1 else 0.0)
        trial.report(loss, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return loss

study = optuna.create_study(study_name="lr-search", sampler=optuna.samplers.RandomSampler(seed=3),
                            pruner=optuna.pruners.ThresholdPruner(upper=50.0))
callback = TracksideCallback(project="mnist", tags=["optuna"], metric_name="val/loss")
study.optimize(objective, n_trials=8, callbacks=[callback], catch=(ValueError,))
print(json.dumps({"runs": callback.run_ids, "trials": [
    {"number": t.number, "state": t.state.name, "params": t.params, "value": t.value,
     "intermediate": {str(k): v for k, v in t.intermediate_values.items()},
     "start": t.datetime_start.timestamp(), "end": t.datetime_complete.timestamp()} for t in study.trials]}))
"""


class OptunaCallbackTest(RootCase):
    def setUp(self):
        super().setUp()
        require(self, "optuna")

    def test_each_trial_is_a_run_in_the_study_group_with_its_state(self):
        told = json.loads(run_script(self, STUDY, self.root))
        trials = told["trials"]
        self.assertEqual([t["state"] for t in trials].count("COMPLETE"), 6)
        self.assertEqual((trials[2]["state"], trials[5]["state"]), ("PRUNED", "FAIL"))
        runs = logged_runs(self.root)
        self.assertEqual(len(runs), 8)
        self.assertEqual(sorted(told["runs"].values()), sorted(runs))
        for trial in trials:
            records = runs[told["runs"][str(trial["number"])]]
            start = first(records, "start")
            self.assertEqual((start["name"], start["group"], start["project"]),
                             ("trial-%d" % trial["number"], "lr-search", "mnist"))
            self.assertEqual(start["tags"], ["optuna", trial["state"].lower()])
            self.assertNotIn("parent", start)
            self.assertEqual(merged(records, "params"), trial["params"])
            # Written after the fact with the trial's own times.
            status = last(records, "status")
            self.assertAlmostEqual(start["ts"], trial["start"], places=3)
            self.assertAlmostEqual(status["ts"], trial["end"], places=3)
            metrics = [r for r in records if r["t"] == "metrics"]
            self.assertEqual({str(r["step"]): r["values"]["val/loss"] for r in metrics}, trial["intermediate"])
            summary = merged(records, "summary")
            self.assertEqual((summary["number"], summary["state"]), (trial["number"], trial["state"]))
            self.assertAlmostEqual(summary["duration_s"], trial["end"] - trial["start"], places=3)
            if trial["state"] == "COMPLETE":
                self.assertEqual(len(metrics), 4)
                self.assertEqual((status["status"], status["exit_code"]), ("finished", 0))
                self.assertAlmostEqual(summary["value"], trial["value"])
            elif trial["state"] == "PRUNED":
                self.assertEqual(len(metrics), 2)  # steps 0 and 1; pruned at 1
                self.assertEqual((status["status"], status["reason"], status["pruned_at_step"]),
                                 ("killed", "pruned", 1))
                # Optuna gives a pruned trial the last value it reported.
                self.assertAlmostEqual(summary["value"], trial["intermediate"]["1"])
            else:
                self.assertEqual(metrics, [])
                self.assertEqual(status["status"], "failed")
                self.assertEqual((status["error"]["type"], status["error"]["message"]),
                                 ("ValueError", "diverged at trial 5"))
                self.assertIn("in objective", status["error"]["traceback"])

        # Through the editor's index: the study is a group of 8 runs, with the states mapped.
        listed = cli_ls(self, self.root)
        self.assertEqual(len(listed), 8)
        self.assertEqual({r["group"] for r in listed}, {"lr-search"})
        statuses = sorted(r["status"] for r in listed)
        self.assertEqual(statuses, ["failed", "finished", "finished", "finished", "finished", "finished", "finished",
                                    "killed"])
        pruned = next(r for r in listed if r["name"] == "trial-2")
        self.assertAlmostEqual(pruned["startTime"] / 1000.0, trials[2]["start"], places=2)
        self.assertEqual(pruned["metrics"]["val/loss"]["count"], 2)

    def test_several_objectives_and_user_attributes(self):
        told = json.loads(run_script(self, """
import json
import optuna
from trackside.integrations.optuna import TracksideCallback
optuna.logging.set_verbosity(optuna.logging.WARNING)

def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    trial.set_user_attr("note", "x=%.2f" % x)
    return x, 1 - x

study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
callback = TracksideCallback(group="pareto")
study.optimize(objective, n_trials=3, callbacks=[callback])
print(json.dumps({"runs": callback.run_ids, "values": [t.values for t in study.trials]}))
""", self.root))
        runs = logged_runs(self.root)
        self.assertEqual(len(runs), 3)
        for number, values in enumerate(told["values"]):
            records = runs[told["runs"][str(number)]]
            self.assertEqual(first(records, "start")["group"], "pareto")
            summary = merged(records, "summary")
            self.assertEqual(summary["values"], values)
            self.assertEqual((summary["value_0"], summary["value_1"]), tuple(values))
            self.assertEqual(summary["user_attrs"], {"note": "x=%.2f" % values[0]})
