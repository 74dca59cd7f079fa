import collections
import dataclasses
import math
import pathlib
import unittest

from trackside._encode import LINE_CAP, decode_value, encode
from tests.helpers import RootCase, strict_loads


class FakeScalar:
    """Quacks like a numpy/torch scalar: .item() and size 1."""

    size = 1

    def __init__(self, value):
        self.value = value

    def item(self):
        return self.value


class FakeArray:
    size = 3

    def item(self):
        raise ValueError("only size-1 arrays")

    def tolist(self):
        return [1.0, float("nan"), 3.0]


class Opaque:
    def __repr__(self):
        return "<Opaque\nwith a newline>"


class BrokenRepr:
    def __repr__(self):
        raise RuntimeError("no")


@dataclasses.dataclass
class Opt:
    lr: float = 0.1
    name: str = "adam"


class EncodeTest(RootCase):
    def roundtrip(self, obj):
        text = encode(obj)
        self.assertIsNotNone(text)
        self.assertNotIn("\n", text)
        return decode_value(strict_loads(text))

    def test_plain_values_use_the_fast_path_unchanged(self):
        obj = {"a": 1, "b": 2.5, "c": "x", "d": None, "e": True, "f": [1, "2"], "g": {"h": -0.0}}
        self.assertEqual(self.roundtrip(obj), obj)

    def test_special_floats_round_trip_everywhere(self):
        obj = {"nan": math.nan, "inf": math.inf, "ninf": -math.inf, "nested": {"l": [math.nan, 1.0, -math.inf]}}
        text = encode(obj)
        self.assertIn('{"$float":"NaN"}', text)
        self.assertIn('{"$float":"Infinity"}', text)
        self.assertIn('{"$float":"-Infinity"}', text)
        back = self.roundtrip(obj)
        self.assertTrue(math.isnan(back["nan"]))
        self.assertEqual(back["inf"], math.inf)
        self.assertEqual(back["ninf"], -math.inf)
        self.assertTrue(math.isnan(back["nested"]["l"][0]))
        self.assertEqual(back["nested"]["l"][1:], [1.0, -math.inf])

    def test_strings_that_look_like_special_floats_stay_strings(self):
        obj = {"NaN": "NaN", "s": "Infinity and beyond"}
        self.assertEqual(self.roundtrip(obj), obj)

    def test_numpy_like_scalars_and_arrays_convert_without_numpy(self):
        back = self.roundtrip({"s": FakeScalar(2.5), "n": FakeScalar(math.nan), "a": FakeArray()})
        self.assertEqual(back["s"], 2.5)
        self.assertTrue(math.isnan(back["n"]))
        self.assertEqual(back["a"][0], 1.0)
        self.assertTrue(math.isnan(back["a"][1]))

    def test_hostile_keys_become_strings(self):
        obj = {7: "int", 2.5: "float", None: "none", True: "bool", (1, 2): "tuple", math.nan: "nan",
               "line\nbreak": "newline key", "quote\"\\": "escapes"}
        back = self.roundtrip(obj)
        self.assertEqual(back["7"], "int")
        self.assertEqual(back["2.5"], "float")
        self.assertEqual(back["null"], "none")
        self.assertEqual(back["true"], "bool")
        self.assertEqual(back["(1, 2)"], "tuple")
        self.assertEqual(back["NaN"], "nan")
        self.assertEqual(back["line\nbreak"], "newline key")
        self.assertEqual(back["quote\"\\"], "escapes")

    def test_unserializable_objects_fall_back_to_repr_and_warn_once(self):
        with self.stderr() as err:
            back = self.roundtrip({"a": Opaque(), "b": Opaque(), "c": BrokenRepr()})
        self.assertEqual(back["a"], "<Opaque\nwith a newline>")
        self.assertIn("repr failed", back["c"])
        self.assertEqual(err.getvalue().count("Opaque is not JSON"), 1)

    def test_common_python_objects_convert_meaningfully(self):
        back = self.roundtrip({"p": pathlib.Path("/tmp/x"), "d": Opt(), "s": {3, 1, 2}, "b": b"bytes",
                               "o": collections.OrderedDict(z=1)})
        self.assertEqual(back, {"p": "/tmp/x", "d": {"lr": 0.1, "name": "adam"}, "s": [1, 2, 3], "b": "bytes",
                                "o": {"z": 1}})

    def test_mapping_and_sequence_likes_convert(self):
        class DictConfig:  # the shape of OmegaConf's DictConfig / ListConfig, without OmegaConf
            def __init__(self, d):
                self._d = d

            def keys(self):
                return self._d.keys()

            def __getitem__(self, k):
                return self._d[k]

        class ListConfig:
            def __init__(self, items):
                self._items = items

            def __len__(self):
                return len(self._items)

            def __iter__(self):
                return iter(self._items)

            def __getitem__(self, i):
                return self._items[i]

        cfg = DictConfig({"model": DictConfig({"layers": ListConfig([1, 2])}), "lr": 0.1})
        self.assertEqual(self.roundtrip(cfg), {"model": {"layers": [1, 2]}, "lr": 0.1})
        import trackside

        run = self.init(config=cfg)
        self.assertEqual(run.config.as_dict(), {"model": {"layers": [1, 2]}, "lr": 0.1})
        other = self.init(config=run.config)  # a run's config seeds another run
        self.assertEqual(other.config.as_dict(), run.config.as_dict())
        self.assertEqual(trackside.config_hash(cfg), trackside.config_hash({"lr": 0.1, "model.layers": [1, 2]}))
        other.finish()

    def test_cycles_and_deep_nesting_do_not_crash(self):
        loop = {"a": 1}
        loop["self"] = loop
        with self.stderr() as err:
            back = self.roundtrip(loop)
        self.assertIn("contains itself", err.getvalue())
        self.assertEqual(back["a"], 1)
        self.assertEqual(back["self"]["self"] if isinstance(back["self"], dict) else back["self"], "<cycle>")
        deep = []
        cur = deep
        for _ in range(5000):
            nxt = []
            cur.append(nxt)
            cur = nxt
        with self.stderr():  # the C encoder of some Pythons refuses this depth; the fallback must not
            self.assertIsInstance(strict_loads(encode({"deep": deep})), dict)

    def test_huge_strings_are_capped_and_the_line_stays_bounded(self):
        with self.stderr() as err:
            text = encode({"notes": "x" * (LINE_CAP + 10)})
        self.assertLessEqual(len(text), LINE_CAP)
        notes = strict_loads(text)["notes"]
        self.assertTrue(notes.startswith("x" * 100) and notes.endswith("more characters]"), notes[-100:])
        self.assertIn("cut to", err.getvalue())
        many = {"k%d" % i: "y" * 1000 for i in range(20000)}  # 20 MB of small strings
        with self.stderr():
            text = encode(many)
        self.assertIsNotNone(text)
        self.assertLessEqual(len(text), LINE_CAP)
        strict_loads(text)

    def test_lone_surrogates_and_control_characters_stay_valid_ascii_json(self):
        obj = {"s": "bad \ud800 surrogate \x00 nul \x7f del \u2028 sep"}
        text = encode(obj)
        text.encode("ascii")
        self.assertEqual(strict_loads(text), obj)


if __name__ == "__main__":
    unittest.main()
