"""Media from real numpy arrays and torch tensors, logged by /usr/bin/python3 (which has them) in a child
process; this interpreter reads back and decodes what it wrote. Fails, never skips, without numpy/torch."""

import json
import unittest

from tests.helpers import RootCase, run_dir
from tests.media_helpers import by_key, decode_png, media_records, read_media, run_system_python

CHILD = r"""
import json, math
import numpy as np
import torch
import trackside

rng = np.random.default_rng(1)
u8 = (rng.random((16, 24, 3)) * 255).astype(np.uint8)
f32 = rng.random((8, 8), dtype=np.float32)
f32[0, 0] = np.nan
wide = np.array([[-3.0, 0.4, 2.6, 300.0]])
i16 = np.array([[-5, 10, 200, 999]], dtype=np.int16)
strided = u8[::2, ::3]
t_chw = torch.rand(3, 5, 7)
t_u8 = torch.randint(0, 256, (4, 6, 4), dtype=torch.uint8)
huge = np.zeros((20000, 20000, 3), np.uint8)  # 1.2 GB of address space, never touched whole
hist_np = rng.standard_normal(50000)
hist_np[:7] = np.nan
hist_np[7:10] = np.inf
big = np.arange(3 * 10 ** 6, dtype=np.float32)

run = trackside.init(project="arrays")
run.log({"u8": trackside.Image(u8), "f32": trackside.Image(f32), "wide": trackside.Image(wide),
         "i16": trackside.Image(i16), "strided": trackside.Image(strided), "t_chw": trackside.Image(t_chw),
         "t_u8": trackside.Image(t_u8), "huge": trackside.Image(huge),
         "h": trackside.Histogram(hist_np, bins=32), "ht": trackside.Histogram(torch.tensor(hist_np), bins=32),
         "hbig": trackside.Histogram(big), "pre": trackside.Histogram(np_histogram=np.histogram(hist_np[10:], bins=8)),
         "table": trackside.Table(["x", "img"], [[np.float64(1.5), trackside.Image(u8[:2, :2])], [np.int64(7), None]]),
         "loss": np.float32(0.25)}, step=3)
u8[:] = 0  # changed after log(): the logged image must not change
t_u8.zero_()
run.flush()  # the u8 snapshot's buffer is idle now: the next 16 x 24 x 3 array of bytes is copied into it
frames = [(rng.random((16, 24, 3)) * 255).astype(np.uint8) for _ in range(4)]
reused = np.empty((16, 24, 3), np.uint8)
for step, f in enumerate(frames):
    reused[:] = f
    run.log({"reused": trackside.Image(reused)}, step=10 + step)
    reused[:] = 255  # the loop refills its array right after log()
run.flush()  # four idle buffers of that shape: the next arrays of that shape are offered them
wide = (rng.random((16, 48, 3)) * 255).astype(np.uint8)
run.log({"strided2": trackside.Image(wide[:, ::2]), "i8": trackside.Image(np.full((16, 24, 3), -6, np.int8)),
         "f16x24": trackside.Image(np.full((16, 24, 3), 0.5, np.float32))}, step=20)
run.finish()

finite = hist_np[np.isfinite(hist_np)]
counts, edges = np.histogram(finite, bins=32)
def to_u8(a):  # the logger's rule for floats in [0, 1], in numpy: x * 255 rounded half up
    return np.clip(np.floor(a.astype(np.float64) * 255 + 0.5), 0, 255).astype(np.uint8).ravel().tolist()


print(json.dumps({
    "f32": to_u8(np.nan_to_num(f32)),
    "strided": strided.shape,
    "t_chw": to_u8(t_chw.permute(1, 2, 0).numpy()),
    "np_counts": counts.tolist(), "np_edges": edges.tolist(),
    "frames": [f.tobytes().hex() for f in frames], "wide": wide[:, ::2].tobytes().hex(),
}))
"""


CHILD_BIG = r"""
import hashlib, json
import numpy as np
import trackside

rng = np.random.default_rng(2)
shape = (128, 192, 3)
frames = [(rng.random(shape) * 255).astype(np.uint8) for _ in range(12)]
sha = lambda a: hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest()
run = trackside.init(project="big")
reused = np.empty(shape, np.uint8)
for step in range(4):  # the first takes the checked path; the later ones numpy's own copy
    reused[:] = frames[step]
    run.log({"reused": trackside.Image(reused)}, step=step)
    reused[:] = 255  # the loop refills its array right after log()
    run.flush()
fast = shape in trackside._media._U8_SHAPES
flipped = frames[4][:, ::-1]  # the pooled shape, not C-contiguous
signed = frames[5].view(np.int8)  # the pooled shape, another dtype
run.log({"flipped": trackside.Image(flipped)}, step=10)
run.log({"signed": trackside.Image(signed)}, step=11)
with run._writer._lock:  # the writer busy: more snapshots wait than the pool holds
    for step in range(20, 32):
        reused[:] = frames[step % 12]
        run.log({"busy": trackside.Image(reused)}, step=step)
        reused[:] = 0
run.finish()
print(json.dumps({"fast": fast, "frames": [sha(f) for f in frames], "flipped": sha(flipped),
                  "signed": sha(np.where(signed < 0, 0, signed).astype(np.uint8))}))
"""


class ArrayMediaTest(RootCase):
    def test_numpy_and_torch_images_histograms_and_tables(self):
        out, _ = run_system_python(self, CHILD, self.root)
        expect = json.loads(out.strip().splitlines()[-1])
        rd = run_dir(self.root)
        path = rd + "/events.jsonl"
        media = by_key(media_records(path))

        def image(key):
            (record,) = media[key]
            (item,) = record["items"]
            return item, decode_png(read_media(rd, item["path"]))

        # uint8 H x W x 3 exactly as logged (the array was zeroed after log()).
        item, (w, h, c, px) = image("u8")
        self.assertEqual((w, h, c), (24, 16, 3))
        self.assertNotEqual(px, bytes(len(px)), "the pixels at log() time, not after")
        _, (w, h, c, px) = image("f32")
        self.assertEqual((w, h, c), (8, 8, 1))
        expected = expect["f32"]
        expected[0] = 0  # NaN -> 0
        self.assertEqual(list(px), expected)
        self.assertEqual(image("wide")[1][3], bytes([0, 0, 3, 255]), "floats outside [0, 1] are clipped, not scaled")
        self.assertEqual(image("i16")[1][3], bytes([0, 10, 200, 255]))
        self.assertEqual(image("strided")[1][:3], (8, 8, 3))
        _, (w, h, c, px) = image("t_chw")
        self.assertEqual((w, h, c), (7, 5, 3), "a C x H x W tensor")
        self.assertEqual(list(px), expect["t_chw"])
        _, (w, h, c, px) = image("t_u8")
        self.assertEqual((w, h, c), (6, 4, 4))
        self.assertNotEqual(px, bytes(len(px)), "the tensor was cloned at log() time")
        # Arrays of a shape whose buffer is pooled: each image as it was at its log(), whatever the format and
        # strides (the pool takes only C-contiguous bytes).
        self.assertEqual([decode_png(read_media(rd, r["items"][0]["path"]))[3].hex() for r in media["reused"]],
                         expect["frames"])
        self.assertEqual(image("strided2")[1][3].hex(), expect["wide"])
        self.assertEqual(image("i8")[1][3], bytes(16 * 24 * 3), "int8 -6 clipped to 0, not read as 250")
        self.assertEqual(image("f16x24")[1][3], bytes([128]) * (16 * 24 * 3))
        item, (w, h, c, px) = image("huge")
        self.assertEqual((w, h), (2223, 2223))
        self.assertIn("downscaled from 20000 x 20000", item["warning"])

        hist = media["h"][0]["hist"]
        self.assertEqual((hist["nan"], hist["posinf"], hist["neginf"]), (7, 3, 0))
        self.assertEqual(hist["count"], 50000 - 10)
        self.assertEqual(len(hist["edges"]), 33)
        for a, b in zip(hist["edges"], expect["np_edges"]):
            self.assertAlmostEqual(a, b, places=9)
        # numpy puts a value that lands on an edge by rounding into either neighbour: allow one value each way.
        for a, b in zip(hist["counts"], expect["np_counts"]):
            self.assertLessEqual(abs(a - b), 1)
        self.assertEqual(sum(hist["counts"]), 50000 - 10)
        self.assertEqual(media["ht"][0]["hist"]["counts"], hist["counts"], "a tensor bins as the array does")
        hbig = media["hbig"][0]
        self.assertEqual(hbig["sampled"], {"every": 3, "of": 3 * 10 ** 6})
        self.assertEqual(hbig["hist"]["count"], 10 ** 6)
        pre = media["pre"][0]["hist"]
        self.assertEqual((len(pre["counts"]), sum(pre["counts"])), (8, 50000 - 10))

        table = json.loads(read_media(rd, media["table"][0]["path"]))
        self.assertEqual(table["rows"][0][0], 1.5)
        self.assertEqual(table["rows"][1], [7, None])
        self.assertEqual(decode_png(read_media(rd, table["rows"][0][1]["$image"]))[:3], (2, 2, 3))


    def test_numpy_frames_of_a_pooled_size_are_each_the_one_at_log_time(self):
        import hashlib

        out, _ = run_system_python(self, CHILD_BIG, self.root)
        expect = json.loads(out.strip().splitlines()[-1])
        rd = run_dir(self.root)
        media = by_key(media_records(rd + "/events.jsonl"))

        def sha(record):
            (item,) = record["items"]
            w, h, c, px = decode_png(read_media(rd, item["path"]))
            self.assertEqual((w, h, c), (192, 128, 3))
            return hashlib.sha1(px).hexdigest()

        self.assertTrue(expect["fast"], "numpy's uint8 frames of that shape take the fast path")
        self.assertEqual([sha(r) for r in media["reused"]], expect["frames"][:4])
        self.assertEqual(sha(media["flipped"][0]), expect["flipped"], "a strided array of the pooled shape")
        self.assertEqual(sha(media["signed"][0]), expect["signed"], "int8 of the pooled shape, clipped at 0")
        self.assertEqual([r["step"] for r in media["busy"]], list(range(20, 32)))
        self.assertEqual([sha(r) for r in media["busy"]], [expect["frames"][s % 12] for s in range(20, 32)])

if __name__ == "__main__":
    unittest.main()
