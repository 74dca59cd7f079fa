"""Importing trackside, or one of its integrations, imports none of the libraries they serve."""

import subprocess
import sys
import tempfile
import unittest

from tests.helpers import child_env

CHECK = """
import sys
import tempfile
import trackside
assert not any(m.startswith("trackside.integrations") for m in sys.modules), "import trackside loaded integrations"
import trackside.integrations.xgboost, trackside.integrations.sklearn, trackside.integrations.optuna
heavy = sorted(m for m in ("xgboost", "sklearn", "optuna", "numpy", "scipy") if m in sys.modules)
assert not heavy, heavy
print("ok")
"""


class LazyImportTest(unittest.TestCase):
    def test_integrations_import_their_library_only_when_used(self):
        # Under the interpreter running the logger tests, which need not have the libraries at all.
        done = subprocess.run([sys.executable, "-c", CHECK], env=child_env(tempfile.gettempdir()), capture_output=True,
                              timeout=60)
        self.assertEqual((done.returncode, done.stdout.strip()), (0, b"ok"), done.stderr.decode()[-2000:])
