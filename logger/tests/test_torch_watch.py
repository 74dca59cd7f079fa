"""trackside.integrations.torch.watch with real torch (/usr/bin/python3, in a child process): a tiny model trained
a few steps logs gradient and weight norms and histograms every N steps and its parameter counts. Fails, never
skips, without torch."""

import os
import unittest

from tests.helpers import RootCase, read_records
from tests.media_helpers import media_records, run_system_python

CHILD = r"""
import torch
import trackside
from trackside.integrations.torch import watch, unwatch

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
model[0].bias.requires_grad_(False)
run = trackside.init(project="watch")
handle = trackside.torch.watch(model, every=2)  # the short spelling
opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
for step in range(5):
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    opt.zero_grad(set_to_none=True)
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    run.log({"loss": loss.item()}, step=step)
    model.eval()
    with torch.no_grad():
        model(x)  # evaluation passes are not training steps
    model.train()
unwatch(model)
model(torch.randn(2, 4)).sum().backward()  # not watched any more

# A second run: weights only, every step, through the module's own function; then gradients only.
run = trackside.init(project="watch", name="second")
lin = torch.nn.Linear(3, 2)
watch(lin, every=1, log="parameters")
lin(torch.randn(1, 3)).sum().backward()
run.log({"loss": 1.0}, step=0)
watch(lin, every=1, log="gradients")  # watching again replaces the first watch
lin(torch.randn(1, 3)).sum().backward()
run.log({"loss": 0.5}, step=1)
run.finish()
"""


class TorchWatchTest(RootCase):
    def test_norms_histograms_and_summary(self):
        run_system_python(self, CHILD, self.root)
        paths = sorted(os.path.join(self.root, "runs", d, "events.jsonl") for d in os.listdir(
            os.path.join(self.root, "runs")))
        first, second = sorted(paths, key=lambda p: read_records(p)[0]["name"] == "second")
        self.check_first(first)
        metrics = [r for r in read_records(second) if r["t"] == "metrics"]
        self.assertEqual([sorted(m["values"]) for m in metrics],
                         [["weight_norm/bias", "weight_norm/total", "weight_norm/weight"], ["loss"],
                          ["grad_norm/bias", "grad_norm/total", "grad_norm/weight"], ["loss"]])
        self.assertEqual([(r["step"], r["key"]) for r in media_records(second)],
                         [(0, "parameters/weight"), (0, "parameters/bias"), (1, "gradients/bias"),
                          (1, "gradients/weight")])

    def check_first(self, path):
        records = read_records(path)
        summary = [r for r in records if r["t"] == "summary"]
        self.assertEqual(summary[0]["values"]["params"],
                         {"total": 49, "trainable": 41, "non_trainable": 8, "model": "Sequential",
                          "modules": {"0": 40, "1": 0, "2": 9}})
        metrics = {}
        for r in records:
            if r["t"] == "metrics":
                metrics.setdefault(r["step"], {}).update(r["values"])
        self.assertEqual(sorted(metrics), [0, 1, 2, 3, 4])
        params = ["0.weight", "0.bias", "2.weight", "2.bias"]
        trainable = ["0.weight", "2.weight", "2.bias"]
        for step in (0, 2, 4):
            values = metrics[step]
            for name in params:
                self.assertGreater(values["weight_norm/" + name], 0)
            for name in trainable:
                self.assertGreater(values["grad_norm/" + name], 0)
            self.assertNotIn("grad_norm/0.bias", values, "a frozen parameter has no gradient")
            self.assertAlmostEqual(values["grad_norm/total"],
                                   sum(values["grad_norm/" + n] ** 2 for n in trainable) ** 0.5, places=5)
            self.assertAlmostEqual(values["weight_norm/total"],
                                   sum(values["weight_norm/" + n] ** 2 for n in params) ** 0.5, places=5)
        for step in (1, 3):
            self.assertEqual(set(metrics[step]), {"loss"}, "nothing between every=2 steps")
        media = media_records(path)
        self.assertEqual({(r["step"], r["key"]) for r in media},
                         {(s, k) for s in (0, 2, 4) for k in ["parameters/" + n for n in params] +
                          ["gradients/" + n for n in trainable]})
        sizes = {"0.weight": 32, "0.bias": 8, "2.weight": 8, "2.bias": 1}
        for r in media:
            self.assertEqual(r["kind"], "histogram")
            hist = r["hist"]
            name = r["key"].split("/", 1)[1]
            self.assertEqual((hist["count"], sum(hist["counts"])), (sizes[name], sizes[name]), r["key"])
            self.assertEqual(len(hist["counts"]), 64)
            self.assertEqual(len(hist["edges"]), 65)
            self.assertLessEqual(hist["edges"][0], hist["min"])
            self.assertGreaterEqual(hist["edges"][-1], hist["max"])


if __name__ == "__main__":
    unittest.main()
