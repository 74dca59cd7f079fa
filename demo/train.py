#!/usr/bin/env python3
"""A small, real training script for the Trackside demo: a one-hidden-layer MLP (or, with --hidden 0, logistic
regression) trained by minibatch SGD on a generated two-moons data set. Pure Python, standard library only.

    PYTHONPATH=logger python3 demo/train.py --lr 0.3 --hidden 16 --epochs 30

Every option is part of the run's config, so a rerun from the editor can override any of them
(TRACKSIDE_CONFIG_OVERRIDES, applied by the logger). Logs train/loss, train/acc, val/loss, val/acc and lr; saves
the trained weights as an artifact. Training stops with an error when the loss diverges (try --lr 60).
"""

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time

import trackside


def make_moons(n, noise, rng):
    """Two interleaving half circles, labels 0 and 1, with Gaussian noise."""
    points = []
    for i in range(n):
        label = i % 2
        angle = math.pi * rng.random()
        if label == 0:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1.0 - math.cos(angle), 0.5 - math.sin(angle)
        points.append(((x + rng.gauss(0, noise), y + rng.gauss(0, noise)), label))
    rng.shuffle(points)
    return points


def sigmoid(z):
    # Split on the sign so math.exp never overflows.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Model(object):
    """x (2) -> tanh hidden (h) -> logit; h == 0 is logistic regression on x directly."""

    def __init__(self, hidden, rng):
        self.hidden = hidden
        inputs = hidden if hidden else 2
        if hidden:
            scale = 1.0 / math.sqrt(2)
            self.w1 = [[rng.gauss(0, scale) for _ in range(2)] for _ in range(hidden)]
            self.b1 = [0.0] * hidden
        self.w2 = [rng.gauss(0, 1.0 / math.sqrt(inputs)) for _ in range(inputs)]
        self.b2 = 0.0

    def forward(self, x):
        if self.hidden:
            h = [math.tanh(w[0] * x[0] + w[1] * x[1] + b) for w, b in zip(self.w1, self.b1)]
        else:
            h = list(x)
        z = sum(w * v for w, v in zip(self.w2, h)) + self.b2
        return h, z

    def loss_and_grads(self, batch, l2):
        """Mean binary cross-entropy (from the logit, numerically stable) and its gradients."""
        n = len(batch)
        g_w2 = [0.0] * len(self.w2)
        g_b2 = 0.0
        g_w1 = [[0.0, 0.0] for _ in range(self.hidden)]
        g_b1 = [0.0] * self.hidden
        loss = 0.0
        correct = 0
        for x, y in batch:
            h, z = self.forward(x)
            loss += max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))
            p = sigmoid(z)
            correct += int((p >= 0.5) == (y == 1))
            dz = (p - y) / n
            for j, v in enumerate(h):
                g_w2[j] += dz * v
            g_b2 += dz
            if self.hidden:
                for j, v in enumerate(h):
                    dh = dz * self.w2[j] * (1.0 - v * v)
                    g_w1[j][0] += dh * x[0]
                    g_w1[j][1] += dh * x[1]
                    g_b1[j] += dh
        loss /= n
        if l2:
            loss += 0.5 * l2 * (sum(w * w for w in self.w2) + sum(a * a + b * b for a, b in getattr(self, "w1", [])))
            g_w2 = [g + l2 * w for g, w in zip(g_w2, self.w2)]
            g_w1 = [[g[0] + l2 * w[0], g[1] + l2 * w[1]] for g, w in zip(g_w1, getattr(self, "w1", []))]
        return loss, correct / n, (g_w1, g_b1, g_w2, g_b2)

    def params(self):
        flat = list(self.w2) + [self.b2]
        if self.hidden:
            flat += [v for row in self.w1 for v in row] + list(self.b1)
        return flat

    def apply(self, deltas):
        """Adds a flat delta vector in the order of params()."""
        k = len(self.w2)
        for j in range(k):
            self.w2[j] += deltas[j]
        self.b2 += deltas[k]
        if self.hidden:
            i = k + 1
            for row in self.w1:
                row[0] += deltas[i]
                row[1] += deltas[i + 1]
                i += 2
            for j in range(self.hidden):
                self.b1[j] += deltas[i + j]

    def to_json(self):
        out = {"hidden": self.hidden, "w2": self.w2, "b2": self.b2}
        if self.hidden:
            out.update(w1=self.w1, b1=self.b1)
        return out


def flatten_grads(grads, hidden):
    g_w1, g_b1, g_w2, g_b2 = grads
    flat = list(g_w2) + [g_b2]
    if hidden:
        flat += [v for row in g_w1 for v in row] + list(g_b1)
    return flat


def evaluate(model, data):
    loss, acc, _ = model.loss_and_grads(data, 0.0)
    return loss, acc


def learning_rate(cfg, step, total):
    if cfg["schedule"] == "cosine":
        return cfg["lr"] * 0.5 * (1.0 + math.cos(math.pi * min(step, total) / total))
    if cfg["schedule"] == "step":
        return cfg["lr"] * (0.1 ** (step // max(1, total // 3)))
    return cfg["lr"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--name", help="run name (default: chosen by the logger)")
    p.add_argument("--project", default="moons")
    p.add_argument("--group", help="group of related runs, e.g. a sweep")
    p.add_argument("--tags", default="", help="comma-separated tags")
    p.add_argument("--notes")
    p.add_argument("--lr", type=float, default=0.3)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--hidden", type=int, default=16, help="hidden units; 0 is logistic regression")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--schedule", choices=["constant", "cosine", "step"], default="constant")
    p.add_argument("--samples", type=int, default=600)
    p.add_argument("--noise", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--step-delay", type=float, default=0.0, help="seconds to sleep per step (to watch it live)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    config = {
        "lr": args.lr,
        "momentum": args.momentum,
        "l2": args.l2,
        "schedule": args.schedule,
        "model": {"hidden": args.hidden, "kind": "mlp" if args.hidden else "logistic"},
        "data": {"samples": args.samples, "noise": args.noise, "batch_size": args.batch_size},
        "epochs": args.epochs,
        "seed": args.seed,
    }
    tags = [t for t in args.tags.split(",") if t]
    with trackside.init(project=args.project, name=args.name, group=args.group, config=config, tags=tags,
                        notes=args.notes, seed=args.seed) as run:
        cfg = run.config.as_dict()  # with any overrides from a rerun applied
        rng = random.Random(cfg["seed"])
        data = make_moons(cfg["data"]["samples"], cfg["data"]["noise"], rng)
        cut = int(len(data) * 0.8)
        train, val = data[:cut], data[cut:]
        model = Model(cfg["model"]["hidden"], rng)
        batch = max(1, cfg["data"]["batch_size"])
        steps_per_epoch = max(1, math.ceil(len(train) / batch))
        total = steps_per_epoch * cfg["epochs"]
        velocity = [0.0] * len(model.params())
        best_acc, step = 0.0, 0
        print("run %s: %d steps, logging to %s" % (run.id, total, run.dir), flush=True)

        for epoch in range(cfg["epochs"]):
            rng.shuffle(train)
            for start in range(0, len(train), batch):
                lr = learning_rate(cfg, step, total)
                loss, acc, grads = model.loss_and_grads(train[start:start + batch], cfg["l2"])
                if not math.isfinite(loss) or loss > 50:
                    raise FloatingPointError("loss diverged to %.4g at step %d (epoch %d); lower --lr (now %g)"
                                             % (loss, step, epoch, lr))
                flat = flatten_grads(grads, model.hidden)
                velocity = [cfg["momentum"] * v - lr * g for v, g in zip(velocity, flat)]
                model.apply(velocity)
                metrics = {"train/loss": loss, "train/acc": acc, "lr": lr}
                if start + batch >= len(train):  # end of epoch: validate
                    val_loss, val_acc = evaluate(model, val)
                    metrics.update({"val/loss": val_loss, "val/acc": val_acc, "epoch": epoch})
                    best_acc = max(best_acc, val_acc)
                    run.summary["best_val_acc"] = best_acc
                run.log(metrics, step=step)
                step += 1
                if args.step_delay:
                    time.sleep(args.step_delay)

        run.summary.update({"final_val_acc": val_acc, "final_val_loss": val_loss, "steps": step})
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.json")
            with open(path, "w") as f:
                json.dump(model.to_json(), f)
            run.log_artifact(path, kind="model")
        print("done: val/acc %.3f (best %.3f)" % (val_acc, best_acc), flush=True)


if __name__ == "__main__":
    sys.exit(main())
