"""Optuna's TPESampler on the sweep bench's problems (bench/sweep.ts), for Debian's /usr/bin/python3 with
python3-optuna. Reads {"problems": [...], "seeds": n, "budget": n} on stdin; prints {"<problem>": [best per seed]}.
The functions are written out again here from the same definitions as bench/sweep.ts; the bench checks both sides
agree on a probe point per problem before comparing."""

import json
import math
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H_C = [1.0, 1.2, 3.0, 3.2]
H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
       [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def branin(p):
    x, y = p["x"], p["y"]
    b = 5.1 / (4 * math.pi ** 2)
    return (y - b * x * x + 5 / math.pi * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def hartmann6(p):
    x = [p["x%d" % i] for i in range(6)]
    total = 0.0
    for i in range(4):
        inner = sum(H_A[i][j] * (x[j] - H_P[i][j] * 1e-4) ** 2 for j in range(6))
        total += H_C[i] * math.exp(-inner)
    return -total


def rosenbrock(p):
    x = [p["x%d" % i] for i in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


OFFSET = {"a": 2.0, "b": 0.0, "c": 1.0, "d": 3.0}


def mixed(p):
    return (p["x"] - 1) ** 2 + (p["n"] - 7) ** 2 / 10 + OFFSET[p["kind"]] + (math.log10(p["lr"]) + 3) ** 2


FUNCS = {"branin": branin, "hartmann6": hartmann6, "rosenbrock": rosenbrock, "mixed": mixed}


def suggest(trial, dims):
    p = {}
    for d in dims:
        if d["kind"] == "float":
            p[d["key"]] = trial.suggest_float(d["key"], d["min"], d["max"], log=d.get("log", False))
        elif d["kind"] == "int":
            p[d["key"]] = trial.suggest_int(d["key"], d["min"], d["max"])
        else:
            p[d["key"]] = trial.suggest_categorical(d["key"], d["values"])
    return p


def main():
    spec = json.load(sys.stdin)
    out = {"version": optuna.__version__, "results": {}, "probes": {}, "ms_per_trial": {}}
    for prob in spec["problems"]:
        f = FUNCS[prob["name"]]
        out["probes"][prob["name"]] = f(prob["probe"])
        bests = []
        t0 = time.perf_counter()
        for seed in range(spec["seeds"]):
            sampler = optuna.samplers.TPESampler(seed=seed, multivariate=spec.get("multivariate", False))
            study = optuna.create_study(sampler=sampler, direction="minimize")
            study.optimize(lambda t: f(suggest(t, prob["dims"])), n_trials=spec["budget"])
            bests.append(study.best_value)
        out["ms_per_trial"][prob["name"]] = (time.perf_counter() - t0) * 1000 / (spec["seeds"] * spec["budget"])
        out["results"][prob["name"]] = bests
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
