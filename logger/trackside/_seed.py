"""seed_everything(): one call to seed every random number generator a training script uses."""

import importlib
import importlib.util
import os
import random
import sys


def seed_everything(seed, deterministic=False):
    """Seed ``random``, numpy and torch (when installed) and set ``PYTHONHASHSEED`` for child processes.

    ``PYTHONHASHSEED`` cannot change hashing in the running interpreter; set it before Python starts
    for fully reproducible set/dict ordering of strings. ``deterministic=True`` also asks torch for
    deterministic kernels (slower). Returns the names of what was seeded; the seed is recorded in the
    current run (``summary.seed``) or, before init(), in the next run's ``start.env.seed``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int, not %s" % type(seed).__name__)
    seed = int(seed)
    seeded = ["random"]
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if _importable("numpy"):
        try:
            np = importlib.import_module("numpy")
            np.random.seed(seed % (2 ** 32))
            seeded.append("numpy")
        except Exception:
            pass
    if _importable("torch"):
        try:
            torch = importlib.import_module("torch")
            torch.manual_seed(seed)
            if torch.cuda.is_available():
                torch.cuda.manual_seed_all(seed)
            if deterministic:
                torch.backends.cudnn.deterministic = True
                torch.backends.cudnn.benchmark = False
                torch.use_deterministic_algorithms(True, warn_only=True)
            seeded.append("torch")
        except Exception:
            pass
    _record(seed, seeded)
    return seeded


def _importable(name):
    if name in sys.modules:
        return True
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _record(seed, seeded):
    import trackside
    from . import _run

    _run._seeded[0] = seed
    run = trackside._current[0]
    if run is not None and not run._closed:
        run.summary.update({"seed": seed})
