#!/usr/bin/env python3
"""Builds the Trackside demo workspace from real training processes: nothing in it is typed by hand.

    python3 demo/make-workspace.py [--out demo-workspace] [--no-live] [--live-delay 1.0]

The workspace is a small git project holding train.py (a copy of demo/train.py). Its runs, all real processes
of that script with the logger from <repo>/logger:
  - several finished runs (an lr sweep group, logistic regression, momentum, cosine schedule), one of them
    started after an uncommitted edit, so it records the diff;
  - "diverged": fails with FloatingPointError when its loss blows up (status failed, with traceback);
  - "stopped": sent SIGTERM mid-training (status killed);
  - "lost-worker": sent SIGKILL mid-training, so it never says so (shown as crashed two minutes later);
  - "live": keeps training one step a second while this script runs (omit with --no-live).

With a live run this script stays in the foreground and prints "READY" once the workspace is complete; on
SIGINT/SIGTERM it stops the live run (which the logger records as killed) and exits. Each run's output is
kept in <out>/logs/<name>.log. An existing output folder is replaced only when it was made by this script.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MARKER = ".trackside-demo"

FINISHED = [
    ("lr-0.1", ["--lr", "0.1", "--group", "lr-sweep", "--tags", "sweep,mlp"]),
    ("lr-0.3", ["--lr", "0.3", "--group", "lr-sweep", "--tags", "sweep,mlp,baseline"]),
    ("lr-1.0", ["--lr", "1.0", "--group", "lr-sweep", "--tags", "sweep,mlp"]),
    ("logistic", ["--lr", "0.3", "--hidden", "0", "--tags", "linear",
                  "--notes", "Logistic regression cannot bend around the moons: the ceiling for a linear model."]),
    ("momentum-wide", ["--lr", "1.0", "--momentum", "0.9", "--hidden", "32", "--tags", "mlp"]),
]
# Started after an uncommitted edit to train.py, so its log carries the diff (see make_edit).
EDITED = ("cosine-l2", ["--lr", "0.8", "--schedule", "cosine", "--l2", "0.001", "--epochs", "40", "--tags", "mlp"])
FAILED = ("diverged", ["--lr", "8", "--momentum", "0.9", "--tags", "mlp",
                       "--notes", "Too hot: momentum 0.9 at lr 8 diverges in epoch 11."])
STOPPED = ("stopped", ["--lr", "0.5", "--epochs", "1000", "--step-delay", "0.02", "--tags", "mlp"])
CRASHED = ("lost-worker", ["--lr", "0.5", "--hidden", "8", "--epochs", "1000", "--step-delay", "0.02", "--tags", "mlp"])


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(REPO, "demo-workspace"))
    p.add_argument("--no-live", dest="live", action="store_false", help="no run left training")
    p.add_argument("--live-delay", type=float, default=1.0, help="seconds per step of the live run")
    return p.parse_args(argv)


class Stop(Exception):
    """Raised by the SIGTERM/SIGINT handler to unwind whatever the generator is waiting on."""

    def __init__(self, signum):
        Exception.__init__(self, signum)
        self.signum = signum


class Workspace(object):
    def __init__(self, out):
        self.t0 = time.time()
        self.children = []
        self.out = os.path.abspath(out)
        self.logs = os.path.join(self.out, "logs")
        self.root = os.path.join(self.out, ".trackside")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in [os.path.join(REPO, "logger"), env.get("PYTHONPATH")] if p)
        env["TRACKSIDE_DIR"] = self.root
        env["PYTHONUNBUFFERED"] = "1"
        for key in ("TRACKSIDE_CONFIG_OVERRIDES", "TRACKSIDE_PARENT_RUN"):
            env.pop(key, None)
        self.env = env

    def prepare(self):
        if os.path.exists(self.out):
            if not os.path.exists(os.path.join(self.out, MARKER)):
                sys.exit("%s exists and was not made by this script; choose another --out" % self.out)
            shutil.rmtree(self.out)
        os.makedirs(self.logs)
        with open(os.path.join(self.out, MARKER), "w") as f:
            f.write("made by demo/make-workspace.py; replaced on the next run\n")
        shutil.copy(os.path.join(HERE, "train.py"), os.path.join(self.out, "train.py"))
        with open(os.path.join(self.out, ".gitignore"), "w") as f:
            f.write("logs/\n.trackside/\n%s\n__pycache__/\n" % MARKER)
        with open(os.path.join(self.out, "README.md"), "w") as f:
            f.write("# Trackside demo\n\nTwo-moons classifiers trained by `train.py`; runs are in `.trackside/`.\n\n"
                    "    PYTHONPATH=%s python3 train.py --lr 0.3\n" % os.path.join(REPO, "logger"))
        self.git("init", "-q", "-b", "main")
        self.git("add", "train.py", "README.md", ".gitignore")
        self.git("commit", "-q", "-m", "Two-moons MLP")

    def git(self, *args):
        subprocess.check_call(["git", "-c", "user.name=Trackside Demo", "-c", "user.email=demo@localhost",
                               "-c", "commit.gpgsign=false"] + list(args), cwd=self.out, env=self.env)

    def make_edit(self):
        """An uncommitted change, as when someone tries an idea before committing it."""
        path = os.path.join(self.out, "train.py")
        with open(path) as f:
            text = f.read()
        text = text.replace('p.add_argument("--noise", type=float, default=0.2)',
                            'p.add_argument("--noise", type=float, default=0.25)  # trying harder data')
        with open(path, "w") as f:
            f.write(text)

    def start(self, name, args):
        log = open(os.path.join(self.logs, name + ".log"), "w")
        try:
            proc = subprocess.Popen([sys.executable, "train.py", "--name", name] + args, cwd=self.out, env=self.env,
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            self.children.append(proc)
            return proc
        finally:
            log.close()

    def run_all(self, runs):
        """Runs (name, args, should_succeed) side by side, as a sweep would, and checks how each ended."""
        started = [(name, ok, self.start(name, args)) for name, args, ok in runs]
        for name, ok, proc in started:
            code = proc.wait()
            if ok and code != 0:
                sys.exit("run %s failed (exit %d); see %s" % (name, code, os.path.join(self.logs, name + ".log")))
            if not ok and code == 0:
                sys.exit("run %s was meant to fail but finished" % name)
            self.say(name, "exit %d" % code)

    def run_until_signalled(self, name, args, signum, steps=80):
        """Starts a run, waits until it has logged `steps` metric records, then sends it `signum`."""
        proc = self.start(name, args)
        deadline = time.time() + 60
        while self.metric_lines(name) < steps:
            if proc.poll() is not None:
                sys.exit("run %s ended (exit %s) before it could be signalled" % (name, proc.returncode))
            if time.time() > deadline:
                proc.kill()
                sys.exit("run %s logged too slowly" % name)
            time.sleep(0.1)
        os.kill(proc.pid, signum)
        code = proc.wait()
        self.say(name, "%s (exit %d)" % (signal.Signals(signum).name, code))

    def stop_children(self, timeout=10.0):
        """One SIGTERM to each training process still running (the logger records it as killed), then a wait."""
        alive = [p for p in self.children if p.poll() is None]
        for proc in alive:
            proc.send_signal(signal.SIGTERM)
        deadline = time.time() + timeout
        for proc in alive:
            try:
                proc.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                proc.kill()

    def say(self, name, what):
        print("  %5.1fs  %-14s %s" % (time.time() - self.t0, name, what), flush=True)

    def metric_lines(self, name):
        """Metric records in the log of the run called `name` (found by its start record)."""
        runs = os.path.join(self.root, "runs")
        needle = '"name": "%s"' % name
        for run_id in os.listdir(runs) if os.path.isdir(runs) else []:
            path = os.path.join(runs, run_id, "events.jsonl")
            try:
                with open(path) as f:
                    text = f.read()
            except OSError:
                continue
            head = text.split("\n", 1)[0]
            if needle in head or needle.replace(": ", ":") in head:
                return text.count('"t": "metrics"') + text.count('"t":"metrics"')
        return 0


def main(argv=None):
    args = parse_args(argv)
    ws = Workspace(args.out)
    t0 = time.time()

    def on_signal(signum, _frame):
        raise Stop(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        return generate(args, ws, t0)
    except Stop as stop:
        # Ignore repeats while stopping, so the training processes get exactly one signal each.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        ws.stop_children()
        return 128 + stop.signum


def generate(args, ws, t0):
    print("Making the demo workspace in %s" % ws.out, flush=True)
    ws.prepare()
    # First, so that by the time the editor looks, its two minutes of silence are running out.
    ws.run_until_signalled(*CRASHED, signum=signal.SIGKILL)
    ws.run_until_signalled(*STOPPED, signum=signal.SIGTERM)
    ws.run_all([(name, run_args, True) for name, run_args in FINISHED] + [FAILED + (False,)])
    ws.make_edit()
    ws.run_all([EDITED + (True,)])

    live = None
    if args.live:
        # A slow learner: at a step a second its validation accuracy climbs for about ten minutes.
        live = ws.start("live", ["--lr", "0.05", "--momentum", "0.9", "--hidden", "32", "--schedule", "cosine",
                                 "--epochs", "400",
                                 "--step-delay", str(args.live_delay), "--tags", "mlp,live",
                                 "--notes", "Still training: watch its charts grow."])
        # READY means the workspace is complete: the live run has started logging.
        deadline = time.time() + 60
        while ws.metric_lines("live") < 1:
            if live.poll() is not None or time.time() > deadline:
                live.kill()
                sys.exit("the live run did not start logging; see %s" % os.path.join(ws.logs, "live.log"))
            time.sleep(0.1)
        ws.say("live", "running (pid %d, a step every %g s)" % (live.pid, args.live_delay))
    print("READY %s (%.1f s)" % (ws.out, time.time() - t0), flush=True)
    if live is None:
        return 0

    code = live.wait()
    print("live run ended (exit %d)" % code, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
