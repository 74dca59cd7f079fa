"""Image snapshots copied into buffers the writer hands back once it has encoded them (_pixels.pool): what was
logged is what is written, however the caller and the pool reuse their memory. Standard library only: a
memoryview cast to H x W x C bytes takes the same path as a numpy uint8 array (test_media_arrays.py has numpy, and strided arrays)."""

import os

import trackside
from trackside import _pixels
from tests.helpers import RootCase
from tests.media_helpers import decode_png, media_records, read_media

SHAPE = (8, 6, 3)
SIZE = 8 * 6 * 3


def frame(i):
    """Distinct pixels for step ``i``."""
    return bytes((i * 7 + k) % 256 for k in range(SIZE))


class PoolTest(RootCase):
    def setUp(self):
        super().setUp()
        saved = dict(_pixels.pool)
        _pixels.pool.clear()  # each test starts with no idle buffers, whatever ran before

        def restore():
            _pixels.pool.clear()
            _pixels.pool.update(saved)

        self.addCleanup(restore)

    def pixels(self, run, step):
        (record,) = [r for r in media_records(run.path) if r["step"] == step]
        (item,) = record["items"]
        return decode_png(read_media(run.dir, item["path"]))[3]

    def log_frames(self, run, source, steps):
        """The training loop's way: one buffer, refilled every step, logged, refilled again right after."""
        for step in steps:
            source[:] = frame(step)
            run.log({"img": trackside.Image(memoryview(source).cast("B", SHAPE))}, step=step)
            source[:] = b"\xff" * SIZE

    def test_an_encoded_snapshot_s_buffer_takes_the_next_one(self):
        run = self.init()
        source = bytearray(SIZE)
        self.log_frames(run, source, [0])
        run.flush()
        (idle,) = _pixels.pool[SHAPE]
        self.log_frames(run, source, [1])
        self.assertEqual(_pixels.pool[SHAPE], [], "the idle buffer was taken")
        run.flush()
        self.assertIs(_pixels.pool[SHAPE][0], idle, "and handed back once written")
        run.finish()
        self.assertEqual(self.pixels(run, 0), frame(0))
        self.assertEqual(self.pixels(run, 1), frame(1))

    def test_snapshots_waiting_for_the_writer_never_share_a_buffer(self):
        run = self.init()
        source = bytearray(SIZE)
        self.log_frames(run, source, range(3))
        run.flush()  # three buffers idle now
        with run._writer._lock:  # the writer is busy: twelve snapshots wait, more than the pool holds
            self.log_frames(run, source, range(3, 15))
        run.flush()
        self.log_frames(run, source, range(15, 40))  # buffers handed back and taken again while it writes
        run.finish()
        for step in range(40):
            self.assertEqual(self.pixels(run, step), frame(step), "step %d" % step)
        for free in _pixels.pool.values():
            self.assertEqual(len(set(map(id, free))), len(free), "a buffer is in the pool twice")

    def test_one_image_logged_twice_and_to_two_runs_is_encoded_once_and_its_buffer_handed_back_once(self):
        first = self.init(project="a")
        source = bytearray(SIZE)
        self.log_frames(first, source, [0])
        first.flush()
        source[:] = frame(5)
        image = trackside.Image(memoryview(source).cast("B", SHAPE))
        source[:] = b"\x00" * SIZE
        first.log({"img": image}, step=1)
        first.log({"img": image}, step=2)
        first.finish()
        second = self.init(project="b")
        second.log({"img": image}, step=1)
        second.finish()
        self.assertEqual(self.pixels(first, 1), frame(5))
        self.assertEqual(self.pixels(first, 2), frame(5))
        self.assertEqual(self.pixels(second, 1), frame(5))
        self.assertEqual(len(_pixels.pool[SHAPE]), 1, "one buffer, handed back once")

    def test_a_captioned_image_of_a_pooled_shape_keeps_its_caption_and_its_pixels(self):
        run = self.init()
        source = bytearray(SIZE)
        self.log_frames(run, source, [0])
        run.flush()
        source[:] = frame(1)
        run.log({"img": trackside.Image(memoryview(source).cast("B", SHAPE), caption="step one")}, step=1)
        self.assertEqual(_pixels.pool[SHAPE], [], "taken from the pool")
        source[:] = b"\xff" * SIZE
        run.finish()
        (record,) = [r for r in media_records(run.path) if r["step"] == 1]
        self.assertEqual(record["items"][0]["caption"], "step one")
        self.assertEqual(self.pixels(run, 1), frame(1))

    def test_one_image_encoded_by_two_writers_at_once_is_encoded_once(self):
        import threading
        from trackside import _media

        image = trackside.Image(memoryview(bytearray(frame(3))).cast("B", SHAPE))
        calls, real = [], _media.encode_png
        start = threading.Barrier(4)

        def counting(*args):  # the real encoder, slowed so that the other threads arrive meanwhile
            calls.append(1)
            threading.Event().wait(0.05)
            return real(*args)

        def encode():
            start.wait()
            results.append(image._encode())

        results = []
        _media.encode_png = counting
        try:
            threads = [threading.Thread(target=encode) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            _media.encode_png = real
        self.assertEqual(len(calls), 1)
        self.assertEqual(len(results), 4)
        self.assertTrue(all(r is results[0] for r in results))
        self.assertEqual(decode_png(results[0][3])[3], frame(3))

    def test_another_format_of_a_pooled_shape_is_read_as_its_own_format(self):
        run = self.init()
        source = bytearray(SIZE)
        self.log_frames(run, source, [0])
        run.flush()
        self.assertIn(SHAPE, _pixels.pool)
        signed = memoryview(bytearray([250] * SIZE)).cast("b", SHAPE)  # int8 -6: clipped to 0, not read as 250
        run.log({"img": trackside.Image(signed)}, step=1)
        run.finish()
        self.assertEqual(self.pixels(run, 1), bytes(SIZE))

    def test_the_pool_keeps_few_idle_buffers(self):
        run = self.init()
        for step, side in enumerate([4, 5, 6, 7, 8, 9]):  # six shapes; only the first _POOL_SIZES are pooled
            with run._writer._lock:
                for k in range(12):
                    run.log({"img": trackside.Image(memoryview(os.urandom(side * side * 3)).cast(
                        "B", (side, side, 3)))}, step=step * 12 + k)
            run.flush()
        run.finish()
        self.assertEqual(len(_pixels.pool), _pixels._POOL_SIZES)
        for shape, free in _pixels.pool.items():
            self.assertEqual(len(free), _pixels._POOL_PER_SIZE, shape)
        big = 4096 * 4096
        self.assertEqual(min(_pixels._POOL_PER_SIZE, max(1, _pixels._POOL_SIZE_BYTES // big)), 1,
                         "a 16 MB snapshot keeps at most one idle buffer of its size")
        self.assertEqual(len(media_records(run.path)), 72)

    def test_a_buffer_that_cannot_be_read_is_a_warning_not_an_exception(self):
        run = self.init()
        gone = memoryview(bytearray(SIZE)).cast("B", SHAPE)
        gone.release()  # memoryview() of it raises ValueError, not TypeError
        with self.stderr() as err:
            image = trackside.Image(gone)
        run.log({"img": image}, step=0)
        run.finish()
        (record,) = media_records(run.path)
        self.assertEqual(record["items"], [])
        self.assertIn("released memoryview", record["warning"])
        self.assertIn("image not logged", err.getvalue())
