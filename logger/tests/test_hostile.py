"""Random hostile input through every logging call: the log must stay valid, typed JSON."""

import math
import random
import unittest

from tests.helpers import RootCase, Scalar, ints_in, read_records


class Weird:
    def __repr__(self):
        return "Weird\n\"object\"\x00"


class Exploding:
    def __repr__(self):
        raise RuntimeError("repr exploded")

    def item(self):
        raise RuntimeError("item exploded")




def nasty_value(rng, depth=0):
    choices = [
        lambda: rng.choice([math.nan, math.inf, -math.inf, 1e308 * 10, -0.0, 5e-324, 1.7976931348623157e308]),
        lambda: rng.choice([0, -1, 2 ** 63, 10 ** 400, -(10 ** 30)]),
        lambda: rng.choice([True, False, None]),
        lambda: "".join(rng.choice(["a", "\n", "\r", "\x00", "\ud800", "\"", "\\", "é", "😀", "NaN", "\u2028"])
                        for _ in range(rng.randint(0, 20))),
        lambda: "z" * rng.choice([0, 10, 70000]),
        lambda: b"\xff\xfe bytes",
        lambda: Weird(),
        lambda: Exploding(),
        lambda: Scalar(rng.choice([1.5, math.nan, 7])),
        lambda: {1, 2, 3},
        lambda: frozenset(["a"]),
    ]
    if depth < 4:
        choices += [
            lambda: [nasty_value(rng, depth + 1) for _ in range(rng.randint(0, 4))],
            lambda: tuple(nasty_value(rng, depth + 1) for _ in range(rng.randint(0, 3))),
            lambda: {nasty_key(rng): nasty_value(rng, depth + 1) for _ in range(rng.randint(0, 4))},
        ]
    return rng.choice(choices)()


def nasty_key(rng):
    return rng.choice([
        "plain", "with\nnewline", "with/slash", "", "\ud800", "quote\"", 7, 2.5, None, True, (1, "t"), math.nan,
        "k" * 5000, frozenset([1]), Weird(),
    ])


class HostileInputTest(RootCase):
    def test_random_hostile_input_never_breaks_a_line_or_a_type(self):
        rng = random.Random(20240601)
        loop = {"x": 1}
        loop["loop"] = loop
        with self.stderr():
            run = self.init(config={"self": loop, nasty_key(rng): nasty_value(rng)}, notes="n\x00\n" * 10,
                            tags=["t\n", Weird()], name="na\nme")
            for i in range(400):
                what = rng.randrange(5)
                data = {nasty_key(rng): nasty_value(rng) for _ in range(rng.randint(0, 6))}
                if what == 0:
                    run.log(data, step=rng.choice([None, None, i, -1, 2.0, "3", Scalar(5)]))
                elif what == 1:
                    run.summary.update(data)
                elif what == 2:
                    run.config.update({str(k): v for k, v in data.items()})
                elif what == 3:
                    run.log_params(data)
                else:
                    run.log({"ok": i})
            run.finish()
        records = read_records(run.path)  # strict JSON, every line terminated
        self.assertEqual(records[0]["t"], "start")
        self.assertEqual(records[-1]["status"], "finished")
        oks = [r["values"]["ok"] for r in records if r["t"] == "metrics" and "ok" in r["values"]]
        self.assertGreater(len(oks), 50)
        self.assertEqual(oks, sorted(oks), "every valid metric survives, in order")
        for r in records:
            self.assertIsInstance(r["t"], str)
            self.assertIsInstance(r["ts"], float)
            if r["t"] == "metrics":
                self.assertIsInstance(r["step"], int)
                self.assertGreaterEqual(r["step"], 0)
                for k, v in r["values"].items():
                    self.assertIsInstance(k, str)
                    ok = (type(v) in (int, float)) or (type(v) is dict and set(v) == {"$float"})
                    self.assertTrue(ok, "metric %r is %r" % (k[:50], v))
            if r["t"] in ("params", "summary"):
                self.assertIsInstance(r.get("params", r.get("values")), dict)
            for n in ints_in(r):
                self.assertLessEqual(abs(n), 2 ** 53, "a JavaScript reader would misread %d" % n)



if __name__ == "__main__":
    unittest.main()
