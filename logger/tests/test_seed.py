import importlib.util
import os
import random
import unittest

import trackside
from tests.helpers import RootCase, read_records


class SeedTest(RootCase):
    def test_seed_everything_makes_random_repeatable_and_is_recorded(self):
        seeded = trackside.seed_everything(42)
        first = [random.random() for _ in range(3)]
        trackside.seed_everything(42)
        self.assertEqual([random.random() for _ in range(3)], first)
        self.assertEqual(os.environ["PYTHONHASHSEED"], "42")
        self.assertIn("random", seeded)
        if importlib.util.find_spec("numpy") is not None:
            import numpy

            self.assertIn("numpy", seeded)
            trackside.seed_everything(5)
            a = numpy.random.rand(3).tolist()
            trackside.seed_everything(5)
            self.assertEqual(numpy.random.rand(3).tolist(), a)
        else:
            self.assertNotIn("numpy", seeded)

        trackside.seed_everything(5)
        run = self.init()  # seeded before init: recorded in start.env.seed
        trackside.seed_everything(7)  # seeded during the run: recorded in the summary
        run.finish()
        records = read_records(run.path)
        self.assertEqual(records[0]["env"]["seed"], 5)
        self.assertEqual([r["values"] for r in records if r["t"] == "summary"], [{"seed": 7}])

    def test_rejects_a_non_integer_seed(self):
        with self.assertRaises(TypeError):
            trackside.seed_everything("42")


if __name__ == "__main__":
    unittest.main()
