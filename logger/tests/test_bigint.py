"""Integers beyond 2**53, which a JavaScript reader (JSON.parse: doubles) would misread or read as Infinity."""

import json
import math
import os
import unittest

import trackside
from trackside._confighash import canonical_text, flatten
from trackside._encode import decode_value, encode
from tests.helpers import RootCase, Scalar, ints_in, read_records, strict_loads

BIG = 2 ** 64 + 1  # read by JSON.parse as 18446744073709552000
HUGE = 10 ** 400  # read by JSON.parse as Infinity


class LargeIntegerTest(RootCase):
    def test_params_keep_their_exact_digits_tagged(self):
        config = {"seed": BIG, "neg": -(2 ** 60), "edge": 2 ** 53, "past": 2 ** 53 + 1, "ids": [HUGE, 3],
                  "nested": {"id": 2 ** 63 - 1}}
        run = self.init(config=config)
        run.config["later"] = -BIG
        run.log_param("p", 2 ** 70)
        self.assertEqual(run.config.seed, BIG, "run.config gives the exact int back")
        self.assertEqual(run.config.as_dict()["ids"], [HUGE, 3])
        run.finish()
        params = [r for r in read_records(run.path) if r["t"] == "params"]
        first = params[0]["params"]
        self.assertEqual(first["seed"], {"$int": "18446744073709551617"})
        self.assertEqual(first["neg"], {"$int": str(-(2 ** 60))})
        self.assertEqual(first["edge"], 2 ** 53, "2**53 itself is exact as a double: written as a number")
        self.assertEqual(first["past"], {"$int": "9007199254740993"})
        self.assertEqual(first["ids"], [{"$int": "1" + "0" * 400}, 3])
        self.assertEqual(first["nested"], {"id": {"$int": str(2 ** 63 - 1)}})
        self.assertEqual(params[1]["params"], {"later": {"$int": str(-BIG)}})
        self.assertEqual(params[2]["params"], {"p": {"$int": str(2 ** 70)}})
        for r in params:
            for n in ints_in(r["params"]):
                self.assertLessEqual(abs(n), 2 ** 53)
        self.assertEqual(decode_value(first)["seed"], BIG)

    def test_the_config_hash_treats_a_tagged_int_as_that_number(self):
        run = self.init(config={"seed": BIG, "lr": 0.1})
        run.finish()
        record = [r for r in read_records(run.path) if r["t"] == "params"][0]
        flat = flatten(record["params"])
        self.assertEqual(flat, {"seed": {"$int": str(BIG)}, "lr": 0.1}, "a leaf, never flattened to seed.$int")
        # Rounded to a double, as the spec says for integers, so a reader computing String(Number(digits)) agrees.
        self.assertEqual(canonical_text(flat), '{"lr":0.1,"seed":18446744073709552000}')
        self.assertEqual(record["config_hash"], trackside.config_hash({"seed": BIG, "lr": 0.1}))
        self.assertTrue(trackside.exists({"seed": BIG, "lr": 0.1}))
        found = trackside.find_runs(config={"lr": 0.1, "seed": BIG})
        self.assertEqual([r.id for r in found], [run.id])
        self.assertEqual(found[0].config["seed"], BIG)

    def test_overrides_may_carry_tagged_or_bare_big_ints(self):
        os.environ["TRACKSIDE_CONFIG_OVERRIDES"] = '{"seed": {"$int": "18446744073709551617"}, "other": %d}' % (
            2 ** 64 + 3)
        run = self.init(config={"seed": 1})
        self.assertEqual((run.config.seed, run.config.other), (BIG, 2 ** 64 + 3))
        run.finish()
        override = [r for r in read_records(run.path) if r["t"] == "params"][-1]
        self.assertEqual(override["params"], {"seed": {"$int": str(BIG)}, "other": {"$int": str(2 ** 64 + 3)}})

    def test_summary_and_start_records_too(self):
        run = self.init(seed=BIG)
        run.summary["tokens"] = BIG
        self.assertEqual(run.summary["tokens"], BIG)
        run.finish()
        records = read_records(run.path)
        self.assertEqual(records[0]["env"]["seed"], {"$int": str(BIG)})
        self.assertEqual([r["values"] for r in records if r["t"] == "summary"], [{"tokens": {"$int": str(BIG)}}])

    def test_metrics_become_floats_and_never_break_the_line(self):
        run = self.init()
        with self.stderr() as err:
            run.log({"tokens": 2 ** 60 + 1, "ok": 2 ** 53, "loss": 0.5})
            run.log({"huge": HUGE, "neg": -HUGE, "np": Scalar(2 ** 62 + 1), "nested": {"n": BIG}, "keep": 1})
            run.log({"x": 1}, step=2 ** 60)
            run.log({"x": 2}, step=float(2 ** 60))
            run.log({"digits": 10 ** 5000})
        run.finish()
        self.assertIn("integer beyond 2**53", err.getvalue())
        self.assertIn("step must be an integer from 0 to 2**53", err.getvalue())
        with open(run.path, "rb") as f:
            lines = [ln for ln in f.read().split(b"\n") if b'"t":"metrics"' in ln]
        metrics = [strict_loads(ln.decode()) for ln in lines]
        self.assertEqual(metrics[0]["values"], {"tokens": float(2 ** 60), "ok": 2 ** 53, "loss": 0.5})
        self.assertIn(b'"tokens":1.152921504606847e+18', lines[0], "a float in the file, not 19 digits")
        self.assertEqual(metrics[1]["values"], {"huge": {"$float": "Infinity"}, "neg": {"$float": "-Infinity"},
                                                "np": float(2 ** 62), "nested/n": float(BIG), "keep": 1})
        self.assertEqual([m["step"] for m in metrics], [0, 1, 2, 3, 4], "an unreadable step takes the next one")
        self.assertEqual(metrics[4]["values"], {"digits": {"$float": "Infinity"}})

    def test_encode_tags_big_ints_in_any_record_but_leaves_floats_and_strings(self):
        text = encode({"t": "x", "n": BIG, "f": 1234567890123456.8, "s": "12345678901234567890", "m": -(2 ** 53)})
        self.assertEqual(json.loads(text), {"t": "x", "n": {"$int": str(BIG)}, "f": 1234567890123456.8,
                                            "s": "12345678901234567890", "m": -(2 ** 53)})
        self.assertEqual(decode_value({"$int": "-5"}), -5)
        self.assertEqual(decode_value({"$int": "1_000"}), {"$int": "1_000"}, "only plain digits are a tagged int")
        self.assertEqual(decode_value({"$int": "9" * 5000}), math.inf)


if __name__ == "__main__":
    unittest.main()
