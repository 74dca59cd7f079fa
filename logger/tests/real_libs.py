"""Running a script under the Debian Python that has the real ML libraries (xgboost, sklearn, optuna).

The logger's own tests run on whichever ``python3`` is first on PATH, which need not have them; the integration
tests start ``/usr/bin/python3`` (Debian's python3-xgboost, python3-sklearn, python3-optuna, installed by .ci/run)
with the logger on PYTHONPATH. A missing library fails the test: CI installs them, so a skip would hide a
broken setup.
"""

import glob
import os
import subprocess

from tests.helpers import child_env, read_records

SYSTEM_PYTHON = "/usr/bin/python3"
REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


_imported = {}  # modules -> the error importing them gave, once per test process


def require(case, *modules):
    """Fail (not skip) unless the system Python imports every module."""
    if modules not in _imported:
        _imported[modules] = _import_error(modules)
    if _imported[modules]:
        case.fail(_imported[modules])


def _import_error(modules):
    code = "import " + ", ".join(modules)
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-c", code], capture_output=True, timeout=120)
    except FileNotFoundError:
        return "%s is missing: the integration tests need Debian's Python with %s" % (SYSTEM_PYTHON, modules)
    if done.returncode != 0:
        return ("%s cannot import %s (apt-get install python3-xgboost python3-sklearn python3-optuna; .ci/run "
                "installs them):\n%s" % (SYSTEM_PYTHON, ", ".join(modules), done.stderr.decode()[-2000:]))
    return None


def run_script(case, code, root, timeout=300):
    """Run ``code`` under the system Python logging into ``root``; its stdout, after checking it exited 0."""
    env = child_env(root, TRACKSIDE_SYSTEM_METRICS="0")
    env.pop("TRACKSIDE_PROJECT", None)
    done = subprocess.run([SYSTEM_PYTHON, "-c", code], env=env, cwd=root, capture_output=True, timeout=timeout)
    case.assertEqual(done.returncode, 0, "script failed:\n%s" % done.stderr.decode()[-4000:])
    return done.stdout.decode()


def logged_runs(root):
    """{run id: its records} for every run under ``root``, each log checked line by line."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(root, "runs", "*", "events.jsonl"))):
        runs[os.path.basename(os.path.dirname(path))] = read_records(path)
    return runs


def first(records, kind):
    return next(r for r in records if r["t"] == kind)


def last(records, kind):
    return [r for r in records if r["t"] == kind][-1]


def merged(records, kind):
    out = {}
    for r in records:
        if r["t"] == kind:
            out.update(r["params"] if kind == "params" else r["values"])
    return out


def cli_ls(case, root):
    """``trackside ls --json`` from the built CLI (``node scripts/build.mjs`` makes dist/cli.js; npm test builds
    before it runs these tests)."""
    import json

    cli = os.path.join(REPO_DIR, "dist", "cli.js")
    case.assertTrue(os.path.exists(cli), "%s is missing: run `node scripts/build.mjs` first" % cli)
    done = subprocess.run(["node", cli, "ls", "--json", "--root", root], capture_output=True, timeout=120,
                          cwd=REPO_DIR)
    case.assertEqual(done.returncode, 0, done.stderr.decode()[-4000:])
    return json.loads(done.stdout.decode())
