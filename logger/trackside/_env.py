"""Environment capture at init: each part bounded in time and size, none of them fatal.

Parts that spawn processes or walk directories (git, installed packages, GPUs) run in parallel threads
under one deadline; a part that is late or fails is recorded as ``{"error": "..."}`` instead.
"""

import hashlib
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

DIFF_CAP = 5 << 20
PACKAGES_CAP = 2000
DEFAULT_TIMEOUT = 3.0

_CREDENTIALS = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.I)


def capture(run_dir=None, code_dir=None, timeout=DEFAULT_TIMEOUT, diff_cap=DIFF_CAP, seed=None, late=None):
    """Return ``(env, artifacts)``: the ``start.env`` object and artifact records for files it saved
    (the uncommitted diff) under ``run_dir``.

    With ``late`` (a list), the slow diff is not waited for: a function that saves it and returns its
    artifact record is appended to ``late`` for the caller to run once the start record is out.
    """
    deadline = time.monotonic() + timeout
    env = {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "os": _safe(platform.platform),
        "hostname": _safe(socket.gethostname),
    }
    if seed is not None:
        env["seed"] = seed
    if os.environ.get("PYTHONHASHSEED"):
        env["pythonhashseed"] = os.environ["PYTHONHASHSEED"]
    artifacts = []
    jobs = {
        "git": lambda: _git(code_dir or _code_dir(), run_dir, deadline, diff_cap, artifacts, late),
        "packages": _packages,
        "gpu": lambda: _gpu(deadline),
    }
    results = {}
    threads = []
    for name, fn in jobs.items():
        th = threading.Thread(target=_run_job, args=(fn, name, results), name="trackside-env-" + name, daemon=True)
        th.start()
        threads.append((name, th))
    for name, th in threads:
        th.join(max(0.0, deadline - time.monotonic()))
        if th.is_alive():
            results[name] = {"error": "timed out after %.1f s" % timeout}
    for name, value in results.items():
        if value is not None:
            env[name] = value
    return env, list(artifacts)


def _run_job(fn, name, results):
    try:
        results[name] = fn()
    except Exception as e:  # one failing part must not take the others down
        results[name] = {"error": "%s: %s" % (type(e).__name__, e)}


def _safe(fn):
    try:
        return fn()
    except Exception:
        return None


def _code_dir():
    """The folder of the script being run (its git repo is the code's), else the working directory."""
    main = sys.argv[0] if sys.argv else ""
    if main and os.path.isfile(main):
        return os.path.dirname(os.path.abspath(main))
    return os.getcwd()


def run_capped(args, cwd=None, timeout=2.0, cap=1 << 20):
    """Run a command; return ``(returncode, stdout bytes, truncated)``. Kills it at ``timeout`` seconds or
    once it has printed more than ``cap`` bytes. Raises TimeoutError when it had to be killed for time."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    posix = os.name == "posix"
    # Its own process group, so that killing it also kills anything it started that holds our pipe.
    proc = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, start_new_session=posix)
    timed_out = []

    def kill_all():
        try:
            if posix:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except OSError:
            pass

    def kill():
        timed_out.append(True)
        kill_all()

    timer = threading.Timer(max(0.0, timeout), kill)
    timer.daemon = True
    timer.start()
    chunks, total, truncated = [], 0, False
    try:
        while True:
            chunk = proc.stdout.read1(1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                truncated = True
                kill_all()
                break
    finally:
        timer.cancel()
        proc.stdout.close()
        proc.wait()
    if timed_out:
        raise TimeoutError("%s timed out after %.1f s" % (args[0], timeout))
    out = b"".join(chunks)
    return proc.returncode, out[:cap], truncated


def _left(deadline, most=2.0):
    return max(0.05, min(most, deadline - time.monotonic()))


def _git(code_dir, run_dir, deadline, diff_cap, artifacts, late=None):
    if shutil.which("git") is None:
        return None
    rc, out, _ = run_capped(["git", "rev-parse", "--show-toplevel", "HEAD", "--abbrev-ref", "HEAD"], code_dir,
                            _left(deadline))
    if rc != 0:  # not a work tree, or one without commits yet
        rc, out, _ = run_capped(["git", "rev-parse", "--show-toplevel"], code_dir, _left(deadline))
        if rc != 0:
            return None
    lines = out.decode("utf-8", "replace").splitlines()
    info = {"root": lines[0].strip()}
    if len(lines) >= 3:
        info["commit"] = lines[1].strip()
        if lines[2].strip() != "HEAD":
            info["branch"] = lines[2].strip()
    # The three remaining questions are independent: ask them at once.
    commands = {
        "remote": (["git", "remote", "get-url", "origin"], 1 << 16),
        "status": (["git", "status", "--porcelain", "--untracked-files=normal"], 4 << 20),
    }
    diff_args = ["git", "diff", "HEAD", "--no-color", "--no-ext-diff"]
    if "commit" in info and run_dir and late is None:
        commands["diff"] = (diff_args, diff_cap)
    answers = {}

    def ask(key, args, cap):
        try:
            answers[key] = run_capped(args, code_dir, _left(deadline, 5.0 if key == "diff" else 2.0), cap=cap)
        except Exception as e:
            answers[key] = e

    threads = [threading.Thread(target=ask, args=(k,) + v, daemon=True) for k, v in commands.items()]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    remote = answers.get("remote")
    if isinstance(remote, tuple) and remote[0] == 0 and remote[1].strip():
        # Never record a token embedded in a remote URL.
        info["remote"] = _CREDENTIALS.sub(r"\1", remote[1].decode("utf-8", "replace").strip())
    status = answers.get("status")
    if isinstance(status, tuple) and status[0] == 0:
        lines = [ln for ln in status[1].decode("utf-8", "replace").splitlines() if ln]
        info["dirty"] = any(not ln.startswith("??") for ln in lines)
        info["untracked"] = sum(1 for ln in lines if ln.startswith("??"))
    elif isinstance(status, Exception):
        info["error"] = "git status: %s" % (status,)
    if late is not None and info.get("dirty") and run_dir and "commit" in info:
        # Diffs of big work trees take the longest: saved after init() returns (finish() waits for it).
        info["diff_artifact"] = "artifacts/git.diff"
        late.append(lambda: _save_diff(run_dir, run_capped(diff_args, code_dir, 10.0, cap=diff_cap)))
        return info
    diff = answers.get("diff")
    if isinstance(diff, tuple):
        record = _save_diff(run_dir, diff)
        if record is not None:
            info["diff_artifact"] = record["path"]
            artifacts.append(record)
    elif isinstance(diff, Exception):
        info["diff_error"] = str(diff)
    return info


def _save_diff(run_dir, answer):
    """Write ``git diff`` output to ``artifacts/git.diff``; its artifact record, or None when empty."""
    rc, data, truncated = answer
    if not data or (rc != 0 and not truncated):
        return None
    rel = "artifacts/git.diff"
    with open(os.path.join(run_dir, rel), "wb") as f:
        f.write(data)
    record = {"t": "artifact", "path": rel, "kind": "diff", "size": len(data),
              "sha256": hashlib.sha256(data).hexdigest()}
    if truncated:
        record["truncated"] = True
    return record


_DIST = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._]*?)-([^-]+?)(?:-py[^-]*)?\.(?:dist-info|egg-info)$")


def _packages():
    """Installed distributions from the ``*.dist-info`` folder names on sys.path: the same data as
    importlib.metadata without opening a METADATA file per package (10x faster with many packages)."""
    found = {}
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            m = _DIST.match(name)
            if not m:
                continue
            key = re.sub(r"[-_.]+", "-", m.group(1)).lower()
            found.setdefault(key, m.group(2))
            if len(found) >= PACKAGES_CAP:
                return dict(sorted(found.items()))
    return dict(sorted(found.items()))


def _gpu(deadline):
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    rc, out, _ = run_capped([exe, "--query-gpu=name,driver_version,memory.total",
                             "--format=csv,noheader,nounits"], None, _left(deadline, 3.0))
    if rc != 0:
        return {"error": "nvidia-smi exited with %d" % rc}
    gpus = []
    for line in out.decode("utf-8", "replace").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 3:
            gpu = {"name": parts[0], "driver": parts[1]}
            try:
                gpu["memory_mb"] = int(float(parts[2]))
            except ValueError:
                pass
            gpus.append(gpu)
    return gpus


def file_digest(path):
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                break
            h.update(block)
            size += len(block)
    return size, h.hexdigest()
