"""PyTorch: ``watch(model, every=N)`` logs gradient and weight norms (scalars) and histograms every N steps.

Like W&B's ``wandb.watch``: a forward pre-hook on the model counts training steps (forward calls in training
mode), and on every N-th one the weights are summarised and a hook on each parameter's gradient summarises the
gradient when backward computes it. Histograms are computed with torch itself (``torch.histc``, in C) on the
training thread and handed to the logger as bins, so nothing the size of a parameter is copied into Python.
The model's parameter counts go to ``run.summary["params"]`` at once.

Logged at the run's current step (``commit=False``: the training loop's own ``log()`` calls decide the steps):
``grad_norm/<param>``, ``grad_norm/total``, ``weight_norm/<param>``, ``weight_norm/total`` (scalars);
``gradients/<param>``, ``parameters/<param>`` (histograms).
"""

import math
import threading

import torch

import trackside
from .._histogram import Histogram

__all__ = ["watch", "unwatch"]

_watched = {}  # id(model) -> Watch


def watch(model, every=100, log="all", bins=64, run=None):
    """Watch ``model``: every ``every`` training steps log gradient and/or weight norms and histograms.

    ``log``: ``"gradients"``, ``"parameters"``, ``"all"`` or None (norms and histograms off: only the summary).
    ``run``: the run to log to (default: the current run, started with ``trackside.init()`` if there is none).
    Returns a handle whose ``remove()`` stops watching (or call :func:`unwatch`).
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError("watch() takes a torch.nn.Module, not %s" % type(model).__name__)
    if log not in ("gradients", "parameters", "all", None):
        raise ValueError('log must be "gradients", "parameters", "all" or None, not %r' % (log,))
    every = max(1, int(every))
    if run is None:
        run = trackside._run_or_start()
    unwatch(model)
    w = Watch(model, every, log, max(1, min(512, int(bins))), run)
    _watched[id(model)] = w
    return w


def unwatch(model=None):
    """Stop watching ``model`` (every watched model when None)."""
    for key in [id(model)] if model is not None else list(_watched):
        w = _watched.pop(key, None)
        if w is not None:
            w.remove()


def summary(model):
    """Parameter counts: total, trainable, non-trainable, and per top-level child module."""
    total = trainable = 0
    for p in model.parameters():
        n = p.numel()
        total += n
        if p.requires_grad:
            trainable += n
    modules = {name: sum(p.numel() for p in child.parameters()) for name, child in model.named_children()}
    return {"total": total, "trainable": trainable, "non_trainable": total - trainable,
            "model": type(model).__name__, "modules": modules}


class Watch(object):
    def __init__(self, model, every, log, bins, run):
        self.model, self.every, self.log, self.bins, self.run = model, every, log, bins, run
        self.steps = 0
        self._lock = threading.Lock()
        self._pending = {}  # gradient summaries of the current logging step, emitted as one log() call
        self._expected = 0
        self._handles = []
        run.summary["params"] = summary(model)
        if log is None:
            return
        self._handles.append(model.register_forward_pre_hook(self._on_forward))
        if log in ("gradients", "all"):
            self._params = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
            for name, p in self._params:
                self._handles.append(p.register_hook(self._grad_hook(name)))
        self._grad_step = False

    def remove(self):
        for h in self._handles:
            h.remove()
        self._handles = []
        self._emit_gradients()

    def _on_forward(self, module, inputs):
        if not module.training or not torch.is_grad_enabled():
            return None  # evaluation passes are not training steps
        self._emit_gradients()  # parameters that got no gradient last step do not hold the record back
        log_now = self.steps % self.every == 0
        self.steps += 1
        self._grad_step = log_now and self.log in ("gradients", "all")
        if log_now and self.log in ("parameters", "all"):
            self._log_weights()
        return None

    def _log_weights(self):
        data = {}
        total = 0.0
        with torch.no_grad():
            for name, p in self.model.named_parameters():
                norm, hist = _summarise(p.detach(), self.bins)
                data["weight_norm/" + name] = norm
                data["parameters/" + name] = hist
                total += norm * norm if math.isfinite(norm) else math.inf
        data["weight_norm/total"] = math.sqrt(total)
        self.run.log(data, step=self.run.step, commit=False)

    def _grad_hook(self, name):
        def hook(grad):
            if self._grad_step:
                with torch.no_grad():
                    summary = _summarise(grad.detach(), self.bins)
                with self._lock:
                    self._pending[name] = summary
                    done = len(self._pending) == len(self._params)
                if done:
                    self._emit_gradients()
            return None

        return hook

    def _emit_gradients(self):
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        data = {}
        total = 0.0
        for name, (norm, hist) in pending.items():
            data["grad_norm/" + name] = norm
            data["gradients/" + name] = hist
            total += norm * norm if math.isfinite(norm) else math.inf
        data["grad_norm/total"] = math.sqrt(total)
        if not self.run._closed:
            self.run.log(data, step=self.run.step, commit=False)


def _summarise(t, bins):
    """(L2 norm, Histogram) of a tensor, computed by torch; NaN/Inf counted apart."""
    t = t.reshape(-1)
    if t.is_floating_point():
        t = t.float()
    else:
        t = t.to(torch.float32)
    finite_mask = torch.isfinite(t)
    finite = t[finite_mask]
    nan = int(torch.isnan(t).sum())
    posinf = int((t == math.inf).sum())
    neginf = int((t == -math.inf).sum())
    norm = float(torch.linalg.vector_norm(t)) if finite.numel() == t.numel() else math.nan
    if finite.numel():
        lo, hi = float(finite.min()), float(finite.max())
        left, right = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
        counts = torch.histc(finite, bins=bins, min=left, max=right)
        step = (right - left) / bins
        edges = [left + step * i for i in range(bins)] + [right]
        hist = Histogram.from_counts([int(c) for c in counts.tolist()], edges, nan, posinf, neginf, lo, hi)
    else:
        hist = Histogram.from_counts([0], [0.0, 1.0], nan, posinf, neginf)
    return norm, hist
