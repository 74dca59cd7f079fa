"""Media values in run.log(): what reaches the files and the log, standard library only (numpy and torch inputs
are in test_media_arrays.py)."""

import math
import os
import struct
import threading
import time
import unittest
import zlib

import trackside
from trackside import _png
from tests.helpers import RootCase, read_records, written_records
from tests.media_helpers import by_key, decode_png, media_records, read_media


def png_bytes(width, height, rgb):
    return _png.encode_png(width, height, 3, bytes(rgb * (width * height)))


def jpeg_header(width, height):
    """The start of a baseline JPEG: SOI, an APP0 segment, SOF0 with the size (all the logger reads)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


class FakeHugeArray:
    """Claims 100,000 x 100,000 x 3 pixels (30 GB) and cannot be sliced: reading it all would be the bug."""

    shape = (100000, 100000, 3)

    def tolist(self):
        raise AssertionError("the whole huge array was read")

    def __getitem__(self, index):
        raise TypeError("no slicing here")


class SliceableHuge:
    """Claims 40,000 x 30,000 RGB pixels; slicing returns the strided pixels without ever building the whole."""

    shape = (40000, 30000, 3)

    def __init__(self):
        self.sliced = []

    def tolist(self):
        raise AssertionError("the whole huge array was read")

    def __getitem__(self, index):
        self.sliced.append(index)
        rows, cols = index
        h, w = len(range(*rows.indices(40000))), len(range(*cols.indices(30000)))
        return memoryview(bytearray([9, 8, 7]) * (h * w)).cast("B", (h, w, 3))


class LazyRows:
    """A million rows, made only when asked for."""

    def __len__(self):
        return 10 ** 6

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return [index, "row %d" % index, index * 0.5]


class ImageTest(RootCase):
    def test_nested_lists_become_a_valid_png_with_the_same_pixels(self):
        run = self.init()
        rgb = [[[x * 40, y * 50, 200] for x in range(5)] for y in range(3)]
        grey = [[0, 128, 255], [255, 128, 0]]
        rgba = [[[1, 2, 3, 4], [5, 6, 7, 8]]]
        run.log({"rgb": trackside.Image(rgb), "grey": trackside.Image(grey), "rgba": trackside.Image(rgba)}, step=4)
        run.finish()
        media = by_key(media_records(run.path))
        for key, (w, h, c), expect in (
                ("rgb", (5, 3, 3), bytes(v for row in rgb for px in row for v in px)),
                ("grey", (3, 2, 1), bytes(v for row in grey for v in row)),
                ("rgba", (2, 1, 4), bytes(range(1, 9)))):
            (record,) = media[key]
            self.assertEqual((record["kind"], record["step"]), ("image", 4))
            (item,) = record["items"]
            self.assertEqual(item["path"], "media/%s/4-0.png" % key)
            data = read_media(run.dir, item["path"])
            self.assertEqual((item["width"], item["height"], item["format"], item["bytes"]), (w, h, "png", len(data)))
            self.assertEqual(decode_png(data), (w, h, c, expect))

    def test_floats_in_unit_range_are_scaled_and_other_values_clipped(self):
        run = self.init()
        run.log({"unit": trackside.Image([[0.0, 0.5, 1.0, math.nan]]),
                 "wide": trackside.Image([[-5.0, 3.4, 300.0, math.inf]]),
                 "ints": trackside.Image([[-1, 7, 256, 1000]]),
                 "bools": trackside.Image([[True, False]])})
        run.finish()
        media = by_key(media_records(run.path))

        def pixels(key):
            return decode_png(read_media(run.dir, media[key][0]["items"][0]["path"]))[3]

        self.assertEqual(pixels("unit"), bytes([0, 128, 255, 0]))
        self.assertEqual(pixels("wide"), bytes([0, 3, 255, 255]))
        self.assertEqual(pixels("ints"), bytes([0, 7, 255, 255]))
        self.assertEqual(pixels("bools"), bytes([255, 0]))

    def test_buffer_protocol_with_a_shape_and_channels_first(self):
        run = self.init()
        hwc = memoryview(bytearray(range(24))).cast("B", (2, 4, 3))
        chw = memoryview(bytearray([10] * 10 + [20] * 10 + [30] * 10)).cast("B", (3, 2, 5))  # torch's layout
        run.log({"hwc": trackside.Image(hwc), "chw": trackside.Image(chw)}, step=0)
        run.finish()
        media = by_key(media_records(run.path))
        self.assertEqual(decode_png(read_media(run.dir, media["hwc"][0]["items"][0]["path"])),
                         (4, 2, 3, bytes(range(24))))
        self.assertEqual(decode_png(read_media(run.dir, media["chw"][0]["items"][0]["path"])),
                         (5, 2, 3, bytes([10, 20, 30] * 10)))

    def test_png_and_jpeg_bytes_and_files_are_kept_as_they_are(self):
        run = self.init()
        png = png_bytes(3, 2, [1, 2, 3])
        jpeg = jpeg_header(640, 480)
        path = os.path.join(self.root, "plot.png")
        with open(path, "wb") as f:
            f.write(png)
        run.log({"png": trackside.Image(png, caption="bytes"), "jpeg": trackside.Image(jpeg),
                 "file": trackside.Image(path)}, step=1)
        os.remove(path)  # read at log() time: a script may overwrite or delete it right after
        run.finish()
        media = by_key(media_records(run.path))
        self.assertEqual(media["png"][0]["items"][0]["caption"], "bytes")
        self.assertEqual(read_media(run.dir, media["png"][0]["items"][0]["path"]), png)
        self.assertEqual(read_media(run.dir, media["file"][0]["items"][0]["path"]), png)
        item = media["jpeg"][0]["items"][0]
        self.assertEqual((item["path"], item["format"], item["width"], item["height"]),
                         ("media/jpeg/1-0.jpg", "jpeg", 640, 480))
        self.assertEqual(read_media(run.dir, item["path"]), jpeg)

    def test_several_images_per_key_and_step_never_share_a_file(self):
        run = self.init()
        one = [[1, 2], [3, 4]]
        run.log({"s": [trackside.Image(one, caption="a"), trackside.Image(one, caption="b")]}, step=2, commit=False)
        run.log({"s": trackside.Image(one)}, step=2)
        trackside.log({"s": trackside.Image(one)})  # module level, the run's next step
        run.finish()
        records = by_key(media_records(run.path))["s"]
        paths = [i["path"] for r in records for i in r["items"]]
        self.assertEqual(paths, ["media/s/2-0.png", "media/s/2-1.png", "media/s/2-2.png", "media/s/3-0.png"])
        self.assertEqual([r["step"] for r in records], [2, 2, 3])
        self.assertEqual([i.get("caption") for i in records[0]["items"]], ["a", "b"])

    def test_invalid_image_bytes_are_refused_with_a_warning(self):
        run = self.init()
        with self.stderr() as err:
            run.log({"bad": trackside.Image(b"GIF89a not an image we take"),
                     "torn": trackside.Image(b"\x89PNG\r\n\x1a\n\x00"),
                     "jpegish": trackside.Image(b"\xff\xd8\xff\xe0\x00"),
                     "ragged": trackside.Image([[1, 2], [3]]),
                     "shape": trackside.Image([[[1, 2, 3, 4, 5, 6]] * 5] * 5),
                     "nothing": trackside.Image(None),
                     "missing": trackside.Image(os.path.join(self.root, "no-such.png")),
                     "loss": 1.5}, step=0)
            run.finish()
        media = by_key(media_records(run.path))
        for key in ("bad", "torn", "jpegish", "ragged", "shape", "nothing", "missing"):
            (record,) = media[key]
            self.assertEqual(record["items"], [], key)
            self.assertIn("not logged", record["warning"], key)
        metrics = [r for r in read_records(run.path) if r["t"] == "metrics"]
        self.assertEqual(metrics[0]["values"], {"loss": 1.5}, "the scalars of the same call are logged")
        self.assertIn("not PNG or JPEG", err.getvalue())
        bad = os.path.join(run.dir, "media", "bad")
        self.assertEqual(os.listdir(bad) if os.path.isdir(bad) else [], [], "no file for a refused image")

    def test_a_huge_array_is_refused_without_reading_it(self):
        run = self.init()
        start = time.perf_counter()
        run.log({"huge": trackside.Image(FakeHugeArray())}, step=0)
        self.assertLess(time.perf_counter() - start, 1.0)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual(record["items"], [])
        self.assertIn("over the 4096 x 4096 cap", record["warning"])

    def test_a_huge_sliceable_array_is_downscaled_by_striding_with_a_warning(self):
        run = self.init()
        huge = SliceableHuge()
        run.log({"huge": trackside.Image(huge)}, step=0)
        run.finish()
        # Every 10th pixel fits 4096 x 4096 but not the 16 M samples (4000 x 3000 x 3): every 15th does.
        self.assertEqual(huge.sliced, [(slice(None, None, 15), slice(None, None, 15))])
        (item,) = media_records(run.path)[0]["items"]
        self.assertEqual((item["width"], item["height"]), (2000, 2667))
        self.assertIn("downscaled from 30000 x 40000 to 2000 x 2667", item["warning"])
        w, h, c, px = decode_png(read_media(run.dir, item["path"]))
        self.assertEqual((w, h, c), (2000, 2667, 3))
        self.assertEqual(px, bytes([9, 8, 7]) * (2000 * 2667))

    def test_a_huge_png_is_refused(self):
        run = self.init()
        ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)
        bomb = _png.PNG_SIGNATURE + _png._chunk(b"IHDR", ihdr) + _png._chunk(b"IDAT", zlib.compress(b"")) + \
            _png._chunk(b"IEND", b"")
        run.log({"bomb": trackside.Image(bomb)}, step=0)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual(record["items"], [])
        self.assertIn("50000 x 50000 is over the 4096 x 4096 cap", record["warning"])

    def test_a_hostile_caption_is_kept_as_text(self):
        run = self.init()
        hostile = "<img src=x onerror=alert(1)><script>alert('x')</script>\u2028\x00\n\"'`${1}"
        run.log({"c": trackside.Image([[1]], caption=hostile), "long": trackside.Image([[1]], caption="x" * 10 ** 6)})
        run.finish()
        with open(run.path, "rb") as f:
            raw = f.read()
        self.assertTrue(all(b < 128 for b in raw), "the log stays ASCII")
        media = by_key(media_records(run.path))
        self.assertEqual(media["c"][0]["items"][0]["caption"], hostile)
        self.assertEqual(len(media["long"][0]["items"][0]["caption"]), 4096)


class HistogramTest(RootCase):
    def test_values_are_binned_with_nan_and_inf_counted_apart(self):
        run = self.init()
        values = [0.0, 1.0, 2.0, 3.0, 4.0, math.nan, math.nan, math.inf, -math.inf, 4.0]
        run.log({"h": trackside.Histogram(values, bins=4), "one": trackside.Histogram([5] * 3, bins=2),
                 "none": trackside.Histogram([math.nan]), "ints": trackside.Histogram(range(10), bins=5)}, step=7)
        run.finish()
        media = by_key(media_records(run.path))
        hist = media["h"][0]["hist"]
        self.assertEqual(hist["edges"], [0.0, 1.0, 2.0, 3.0, 4.0])
        self.assertEqual(hist["counts"], [1, 1, 1, 3], "the last bin holds its right edge")
        self.assertEqual((hist["count"], hist["min"], hist["max"]), (6, 0.0, 4.0))
        self.assertEqual((hist["nan"], hist["posinf"], hist["neginf"]), (2, 1, 1))
        one = media["one"][0]["hist"]
        self.assertEqual((one["edges"], one["counts"]), ([4.5, 5.0, 5.5], [0, 3]))
        none = media["none"][0]["hist"]
        self.assertEqual((none["count"], none["nan"], len(none["edges"]), len(none["counts"])), (0, 1, 2, 1))
        self.assertEqual(media["ints"][0]["hist"]["counts"], [2, 2, 2, 2, 2])

    def test_precomputed_bins_and_the_bin_cap(self):
        run = self.init()
        with self.stderr():
            run.log({"pre": trackside.Histogram(np_histogram=([1, 2, 3], [0, 1, 2, 3])),
                     "many": trackside.Histogram(range(5000), bins=10 ** 6),
                     "merged": trackside.Histogram(np_histogram=([1] * 1024, list(range(1025)))),
                     "bad": trackside.Histogram(np_histogram=([1, 2], [0, 1]))}, step=0)
            run.finish()
        media = by_key(media_records(run.path))
        pre = media["pre"][0]["hist"]
        self.assertEqual((pre["counts"], pre["edges"], pre["count"]), ([1, 2, 3], [0, 1, 2, 3], 6))
        many = media["many"][0]
        self.assertEqual(len(many["hist"]["counts"]), 512)
        self.assertIn("512 bins", many["warning"])
        merged = media["merged"][0]["hist"]
        self.assertEqual((len(merged["counts"]), sum(merged["counts"]), merged["edges"][-1]), (512, 1024, 1024))
        self.assertEqual(len(merged["edges"]), 513)
        self.assertIn("len(edges) == len(counts) + 1", media["bad"][0]["warning"])
        self.assertNotIn("hist", media["bad"][0])

    def test_a_hundred_million_values_are_sampled_evenly_with_a_warning(self):
        run = self.init()
        start = time.perf_counter()
        with self.stderr():
            run.log({"big": trackside.Histogram(range(10 ** 8))}, step=0)
        self.assertLess(time.perf_counter() - start, 5.0)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual(record["sampled"], {"every": 96, "of": 10 ** 8})
        self.assertIn("summarised from every 96-th value", record["warning"])
        hist = record["hist"]
        self.assertEqual(hist["count"], len(range(0, 10 ** 8, 96)))
        self.assertEqual((hist["min"], hist["max"]), (0.0, float(10 ** 8 - 1 - (10 ** 8 - 1) % 96)))


class TableTextTest(RootCase):
    def test_a_table_with_images_special_floats_and_odd_cells(self):
        run = self.init()
        rows = [[1, "a", trackside.Image([[0, 255]]), math.nan], [2.5, None, True, [1, 2]], [3]]
        run.log({"preds": trackside.Table(["id", "label", "img", "score"], rows)}, step=5)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual({k: record[k] for k in ("kind", "path", "columns", "nrows", "truncated")},
                         {"kind": "table", "path": "media/preds/5.table.json",
                          "columns": ["id", "label", "img", "score"], "nrows": 3, "truncated": False})
        import json
        table = json.loads(read_media(run.dir, record["path"]))
        self.assertEqual(table["columns"], record["columns"])
        cell = table["rows"][0][2]
        self.assertEqual(cell, {"$image": "media/preds/5.cells/0-2.png", "width": 2, "height": 1})
        self.assertEqual(decode_png(read_media(run.dir, cell["$image"]))[3], bytes([0, 255]))
        self.assertEqual(table["rows"][0][3], {"$float": "NaN"})
        self.assertEqual(table["rows"][1], [2.5, None, True, "[1,2]"])
        self.assertEqual(table["rows"][2], [3, None, None, None], "short rows are padded")

    def test_a_million_rows_are_capped_with_a_warning(self):
        run = self.init()
        start = time.perf_counter()
        with self.stderr():
            run.log({"big": trackside.Table(["i", "s", "x"], LazyRows())}, step=0)
        self.assertLess(time.perf_counter() - start, 5.0)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual((record["nrows"], record["truncated"]), (10000, True))
        self.assertIn("1000000 rows cut to the first 10000", record["warning"])
        import json
        rows = json.loads(read_media(run.dir, record["path"]))["rows"]
        self.assertEqual((len(rows), rows[-1]), (10000, [9999, "row 9999", 4999.5]))

    def test_rows_from_a_generator_and_no_column_names(self):
        run = self.init()
        run.log({"gen": trackside.Table(data=((i, i * i) for i in range(20000)), columns=["i", "sq"]),
                 "plain": trackside.Table(rows=[(1, 2, 3)])}, step=0)
        run.finish()
        media = by_key(media_records(run.path))
        self.assertEqual((media["gen"][0]["nrows"], media["gen"][0]["truncated"]), (10000, True))
        self.assertEqual(media["plain"][0]["columns"], ["c0", "c1", "c2"])

    def test_text_is_written_as_utf8_with_a_preview(self):
        run = self.init()
        text = "# Notes\n<script>alert(1)</script> é 😀 " + "x" * 500
        run.log({"note": trackside.Text(text)}, step=3)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual((record["path"], record["chars"], record["preview"]),
                         ("media/note/3.txt", len(text), text[:200]))
        self.assertEqual(read_media(run.dir, record["path"]).decode("utf-8"), text)


class LayoutTest(RootCase):
    def test_key_folders_are_sanitised_and_never_leave_the_media_folder(self):
        run = self.init()
        keys = ["../../escape", "/abs/path", "..", ".", "a b/c", "é", "", "x" * 300, "plain-key_1.0"]
        run.log({k: trackside.Text(k) for k in keys}, step=0)
        run.finish()
        records = media_records(run.path)
        self.assertEqual(sorted(r["key"] for r in records), sorted(keys))
        folders = set()
        media_root = os.path.realpath(os.path.join(run.dir, "media"))
        for r in records:
            parts = r["path"].split("/")
            self.assertEqual(len(parts), 3, r["path"])
            self.assertEqual(parts[0], "media")
            self.assertRegex(parts[1], r"\A[A-Za-z0-9_][A-Za-z0-9._-]*\Z")
            self.assertLessEqual(len(parts[1]), 90)
            folders.add(parts[1])
            real = os.path.realpath(os.path.join(run.dir, *parts))
            self.assertTrue(real.startswith(media_root + os.sep), real)
            self.assertEqual(read_media(run.dir, r["path"]).decode(), r["key"])
        self.assertEqual(len(folders), len(keys), "no two keys share a folder")
        self.assertIn("plain-key_1.0", folders, "a safe key is its own folder name")

    def test_scalars_and_media_mix_in_one_call_and_nested_dicts(self):
        run = self.init()
        run.log({"loss": 0.5, "val": {"acc": 0.9, "img": trackside.Image([[1]])}, "n": trackside.Text("t")})
        run.log({"loss": 0.4})
        run.finish()
        records = read_records(run.path)
        metrics = [r for r in records if r["t"] == "metrics"]
        self.assertEqual([(m["step"], m["values"]) for m in metrics],
                         [(0, {"loss": 0.5, "val/acc": 0.9}), (1, {"loss": 0.4})])
        self.assertEqual(sorted((r["key"], r["step"]) for r in media_records(run.path)), [("n", 0), ("val/img", 0)])

    def test_files_exist_before_the_line_that_names_them(self):
        run = self.init(flush_interval=0.01)
        stop = threading.Event()
        seen, missing = [], []

        def reader():
            while not stop.is_set() or not seen or len(seen) < 200:
                for r in written_records(run.path):
                    if r["t"] == "media" and r["items"][0]["path"] not in seen:
                        path = r["items"][0]["path"]
                        seen.append(path)
                        if not os.path.exists(os.path.join(run.dir, *path.split("/"))):
                            missing.append(path)
                if stop.is_set() and len(seen) >= 200:
                    break
                time.sleep(0.001)

        t = threading.Thread(target=reader)
        t.start()
        pixels = [[[x, y, 0] for x in range(64)] for y in range(64)]
        for step in range(200):
            run.log({"img": trackside.Image(pixels)}, step=step)
        run.finish()
        stop.set()
        t.join(60)
        self.assertEqual(len(seen), 200)
        self.assertEqual(missing, [])


class PILLike:
    """What a PIL image offers (PIL is not installed here): no shape, an __array_interface__ holding its bytes."""

    size = (3, 2)

    @property
    def __array_interface__(self):
        return {"version": 3, "shape": (2, 3, 3), "typestr": "|u1", "data": bytes(range(18))}


class BrokenStr:
    def __str__(self):
        raise RuntimeError("str exploded")


class MoreInputsTest(RootCase):
    def test_a_resumed_run_never_overwrites_earlier_media(self):
        run = self.init(id="resumable")
        run.log({"img": trackside.Image([[1]]), "note": trackside.Text("first")}, step=0)
        run.finish()
        again = self.init(id="resumable", resume=True)
        again.log({"img": trackside.Image([[2]]), "note": trackside.Text("second")}, step=0)
        again.finish()
        records = media_records(again.path)
        self.assertEqual([r.get("path") or r["items"][0]["path"] for r in records],
                         ["media/img/0-0.png", "media/note/0.txt", "media/img/0-1.png", "media/note/0-1.txt"])
        self.assertEqual(read_media(again.dir, "media/note/0.txt"), b"first")
        self.assertEqual(decode_png(read_media(again.dir, "media/img/0-0.png"))[3], b"\x01")

    def test_keys_differing_only_in_case_never_overwrite_each_other(self):
        run = self.init()
        for step in range(3):
            keys = ["Loss", "loss"] if step % 2 else ["loss", "Loss"]
            run.log({k: trackside.Text("%s %d" % (k, step)) for k in keys}, step=step)
        run.finish()
        for r in media_records(run.path):  # on a case-insensitive disk the two folders are one
            self.assertEqual(read_media(run.dir, r["path"]).decode(), "%s %d" % (r["key"], r["step"]))

    def test_objects_whose_str_fails(self):
        run = self.init()
        with self.stderr():
            run.log({"t": trackside.Text(BrokenStr()), "i": trackside.Image([[1]], caption=BrokenStr())}, step=0)
            run.finish()
        media = by_key(media_records(run.path))
        self.assertIn("str() failed", media["t"][0]["preview"])
        self.assertIn("str() failed", media["i"][0]["items"][0]["caption"])

    def test_an_object_with_an_array_interface_of_bytes(self):
        run = self.init()
        run.log({"pil": trackside.Image(PILLike())}, step=0)
        run.finish()
        (item,) = media_records(run.path)[0]["items"]
        self.assertEqual(decode_png(read_media(run.dir, item["path"])), (3, 2, 3, bytes(range(18))))

    def test_media_beyond_the_pending_cap_are_dropped_with_a_record_saying_so(self):
        from trackside import _media
        run = self.init()
        saved = _media.PENDING_CAP
        _media.PENDING_CAP = 3 * 64 * 64 * 3  # three 64 x 64 RGB snapshots
        image = memoryview(bytearray(64 * 64 * 3)).cast("B", (64, 64, 3))
        try:
            with run._writer._lock, self.stderr() as err:  # the writer is busy: nothing drains meanwhile
                for step in range(5):
                    run.log({"img": trackside.Image(image), "loss": float(step)}, step=step)
        finally:
            _media.PENDING_CAP = saved
        run.finish()
        records = media_records(run.path)
        self.assertEqual([len(r["items"]) for r in records], [1, 1, 1, 0, 0])
        self.assertIn("dropped", records[3]["warning"])
        self.assertIn("faster than they are written", err.getvalue())
        self.assertEqual(len([r for r in read_records(run.path) if r["t"] == "metrics"]), 5)
        self.assertEqual(run._media.pending, 0)

    def test_the_one_image_call_keeps_the_pending_cap_too(self):
        # log({"img": Image}) alone takes a shorter path in log() than an image logged with metrics.
        from trackside import _media
        run = self.init()
        saved = _media.PENDING_CAP
        _media.PENDING_CAP = 3 * 64 * 64 * 3
        image = memoryview(bytearray(64 * 64 * 3)).cast("B", (64, 64, 3))
        try:
            with run._writer._lock, self.stderr() as err:
                for step in range(5):
                    run.log({"img": trackside.Image(image)}, step=step)
        finally:
            _media.PENDING_CAP = saved
        run.log({"img": trackside.Image(image)}, step=5)  # written meanwhile: room again
        run.finish()
        records = media_records(run.path)
        self.assertEqual([len(r["items"]) for r in records], [1, 1, 1, 0, 0, 1])
        self.assertEqual([r["step"] for r in records], list(range(6)))
        self.assertIn("dropped", records[3]["warning"])
        self.assertIn("faster than they are written", err.getvalue())
        self.assertEqual(run._media.pending, 0)

    def test_the_one_image_call_with_a_key_that_is_not_a_string(self):
        run = self.init()
        image = memoryview(bytearray(range(12))).cast("B", (2, 2, 3))
        run.log({7: trackside.Image(image)}, step=0)
        run.log({"img": trackside.Image(image)}, commit=False)
        run.log({"loss": 1.0})
        run.finish()
        self.assertEqual([(r["key"], r["step"], len(r["items"])) for r in media_records(run.path)],
                         [("7", 0, 1), ("img", 1, 1)])
        self.assertEqual([r["step"] for r in read_records(run.path) if r["t"] == "metrics"], [1])


class OffThreadTest(RootCase):
    def test_encoding_happens_on_the_writer_thread_and_log_returns_at_once(self):
        run = self.init()
        threads = []
        real = _png.encode_png

        def recording(*args, **kwargs):  # the real encoder, noting which thread ran it
            threads.append(threading.current_thread().name)
            return real(*args, **kwargs)

        from trackside import _media
        _media.encode_png = recording
        try:
            image = memoryview(bytearray(os.urandom(256 * 256 * 3))).cast("B", (256, 256, 3))
            times = []
            for step in range(50):
                start = time.perf_counter()
                run.log({"img": trackside.Image(image)}, step=step)
                times.append(time.perf_counter() - start)
            deadline = time.monotonic() + 60
            while len(threads) < 50 and time.monotonic() < deadline:  # finish() would encode the rest itself
                time.sleep(0.01)
            run.finish()
        finally:
            _media.encode_png = real
        self.assertEqual(set(threads), {"trackside-writer"})
        self.assertEqual(len(threads), 50)
        times.sort()
        # Encoding this image takes milliseconds; the call only copies 196 KB. Generous bound for loaded CI.
        self.assertLess(times[len(times) // 2], 0.002, times)
        (item,) = media_records(run.path)[-1]["items"]
        self.assertEqual(decode_png(read_media(run.dir, item["path"]))[3], bytes(image))

    def test_the_image_is_the_one_at_log_time(self):
        run = self.init()
        buf = bytearray(12)
        view = memoryview(buf).cast("B", (2, 2, 3))
        run.log({"img": trackside.Image(view)}, step=0)
        buf[:] = b"\xff" * 12  # the training loop reuses its buffer
        run.finish()
        (item,) = media_records(run.path)[0]["items"]
        self.assertEqual(decode_png(read_media(run.dir, item["path"]))[3], bytes(12))


if __name__ == "__main__":
    unittest.main()
