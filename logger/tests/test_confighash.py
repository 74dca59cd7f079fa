import json
import math
import os
import unittest

import trackside
from trackside._confighash import canonical_number, canonical_text, deep_merge, flatten
from tests.helpers import RootCase, read_records

# ECMAScript String(x) for these doubles, taken from Node.js.
JS_NUMBERS = [
    (0.1, "0.1"), (1e-05, "0.00001"), (1e-07, "1e-7"), (1e21, "1e+21"), (1.2345678901234568e20, "123456789012345680000"),
    (100.0, "100"), (1e16, "10000000000000000"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    (-2.5e-07, "-2.5e-7"), (0.000001, "0.000001"), (123.456, "123.456"), (-0.0, "0"), (2 ** 53 + 2, "9007199254740994"),
    (10 ** 30, "1e+30"), (3, "3"), (math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity"),
]


class ConfigHashTest(RootCase):
    def test_numbers_format_like_javascript(self):
        for value, js in JS_NUMBERS:
            self.assertEqual(canonical_number(value), js, repr(value))

    def test_flatten_joins_nested_keys_with_dots_and_keeps_arrays(self):
        flat = flatten({"optimizer": {"lr": 0.1, "betas": [0.9, 0.99]}, "x": {}, "nan": {"$float": "NaN"}})
        self.assertEqual(flat, {"optimizer.lr": 0.1, "optimizer.betas": [0.9, 0.99], "x": {}, "nan": {"$float": "NaN"}})

    def test_canonical_text_is_specified_exactly(self):
        # This exact string is the example in docs/log-format.md ("Config hash").
        text = canonical_text(flatten({"optimizer": {"lr": 0.001, "name": "adam"}, "epochs": 10, "aug": True,
                                       "layers": [64, 1e-7], "note": "café"}))
        self.assertEqual(text, '{"aug":true,"epochs":10,"layers":[64,1e-7],"note":"caf\\u00e9",'
                               '"optimizer.lr":0.001,"optimizer.name":"adam"}')
        self.assertEqual(trackside.config_hash({"optimizer": {"lr": 0.001, "name": "adam"}, "epochs": 10, "aug": True,
                                                "layers": [64, 1e-7], "note": "café"}),
                         "d1f14e6258c458a6db1434b031ff76d8c863cd3ef485bb0c994303a6be67935f")

    def test_hash_ignores_key_order_int_vs_float_and_nesting_style(self):
        a = trackside.config_hash({"optimizer": {"lr": 1, "name": "adam"}, "epochs": 3})
        b = trackside.config_hash({"epochs": 3.0, "optimizer.name": "adam", "optimizer.lr": 1.0})
        self.assertEqual(a, b)
        self.assertEqual(len(a), 64)
        self.assertNotEqual(a, trackside.config_hash({"optimizer": {"lr": 2, "name": "adam"}, "epochs": 3}))
        self.assertNotEqual(trackside.config_hash({"x": True}), trackside.config_hash({"x": 1}))
        self.assertNotEqual(trackside.config_hash({"x": "1"}), trackside.config_hash({"x": 1}))

    def test_special_floats_hash_the_same_tagged_or_raw(self):
        self.assertEqual(trackside.config_hash({"x": math.nan}), trackside.config_hash({"x": {"$float": "NaN"}}))

    def test_deep_merge_handles_dotted_and_nested_overrides(self):
        config = {"optimizer": {"lr": 0.1, "momentum": 0.9}, "model": "resnet", "flat.key": 1}
        merged = deep_merge(config, {"optimizer.lr": 0.01, "model.depth": 50, "flat.key": 2,
                                     "optimizer": {"momentum": 0.8}, "new": {"a": 1}})
        self.assertEqual(merged, {"optimizer": {"lr": 0.01, "momentum": 0.8}, "model": "resnet", "model.depth": 50,
                                  "flat.key": 2, "new": {"a": 1}})
        self.assertEqual(config["optimizer"]["lr"], 0.1, "the caller's config must not change")

    def test_a_run_records_the_hash_readers_recompute(self):
        os.environ["TRACKSIDE_CONFIG_OVERRIDES"] = json.dumps({"optimizer.lr": 0.5})
        config = {"optimizer": {"lr": 0.1}, "seed": 1}
        run = self.init(config=config)
        run.log_param("extra", "x")
        run.finish()
        records = read_records(run.path)
        hashes = [r["config_hash"] for r in records if r["t"] == "params"]
        self.assertEqual(hashes[1], trackside.config_hash(config, {"optimizer.lr": 0.5}))
        self.assertEqual(hashes[-1], trackside.find_runs()[0].config_hash)
        self.assertEqual(hashes[-1], trackside.config_hash({"optimizer": {"lr": 0.5}, "seed": 1, "extra": "x"}))


if __name__ == "__main__":
    unittest.main()
