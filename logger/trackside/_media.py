"""Media values for ``run.log()`` (docs/log-format.md, "Media"): the Image kind, and the queue side of all kinds.

Each constructor runs on the training thread and only snapshots its data (a copy of a buffer, a clone of a
tensor, a reference to an immutable object), capping it first so a huge input is never copied whole. The
expensive part (PNG encoding, binning, writing files) is ``_render``, called on the writer thread by a
``MediaJob``, which writes the files under ``<run>/media/`` before returning the record that points at them.
Nothing here raises into the training script: a bad input becomes a warning in the record.
"""

import hashlib
import os
import re
import threading

from . import _pixels
from ._encode import special_float
from ._png import encode_png, sniff
from ._warn import warn

MAX_FILE_BYTES = 16 << 20  # an encoded image file (PNG/JPEG) given as bytes or a path
CAPTION_CAP = 4096
PENDING_CAP = 512 << 20  # bytes of media snapshots waiting for the writer before new ones are dropped

_POOL = _pixels.pool

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class Media(object):
    """Base of the media kinds: a value ``run.log()`` writes to a file instead of a metric."""

    __slots__ = ()  # so Image can do without an instance dict; the other kinds get one as usual
    kind = None
    warning = None
    _nbytes = 0

    def _render(self, out):  # pragma: no cover - every kind overrides it
        raise NotImplementedError


def _note(obj, message):
    obj.warning = message if obj.warning is None else obj.warning + "; " + message
    warn(message, key=("media", message[:80]))


# -- images -------------------------------------------------------------------------------------------

_LOCKS = threading.Lock()  # makes each Image's own lock, on a writer thread
_NDARRAY = None  # numpy.ndarray, once one was logged (numpy is not imported here)
_U8_SHAPES = {}  # H x W x C shapes of numpy uint8 images snapshotted whole -> their byte count


class Image(Media):
    """An image from a file path, PNG/JPEG bytes, or pixels (H x W, H x W x C or C x H x W; numpy array, torch
    tensor, PIL image, nested lists). Floats in [0, 1] are scaled to 0-255, other values clipped to 0-255."""

    # Slots, no instance dict: one allocation fewer on the training thread, whose every step after a training step
    # is a cache miss. Every slot is set by __init__.
    __slots__ = ("_snap", "_nbytes", "caption", "warning", "_file", "_error", "_encoded", "_lock")
    kind = "image"

    def __init__(self, data_or_path, caption=None):
        global _NDARRAY
        # The common cases first, in as few steps as possible: after a training step each new step is a cache and
        # TLB miss, and those are most of what this costs the training thread. numpy's uint8 array of an H x W x C
        # shape taken before: its own tobytes(). Another buffer of bytes of a shape logged before: copied into a
        # buffer the writer has finished with (_pixels.pool). For a fresh 256 x 256 x 3 array after a 20 ms step,
        # tobytes() cost 22 us, exporting the buffer and copying it into a pooled one 36 us (same run). The
        # Snapshot is made on the writer thread, and so is the lock (see _encode).
        self.warning = self._file = self._error = self._encoded = self._lock = None
        self.caption = None if caption is None else _text_of(caption, CAPTION_CAP, "caption")
        if data_or_path.__class__ is _NDARRAY and data_or_path.dtype.char == "B":
            # One copy in C order, whatever the strides, with no buffer exported (for that numpy builds a format
            # string, and Python memoryview objects: 8-13 us cold). Its memory is freed by the writer once encoded.
            shape = data_or_path.shape
            nbytes = _U8_SHAPES.get(shape)
            if nbytes is not None:
                self._snap = (data_or_path.tobytes(), shape)
                self._nbytes = nbytes
                return
        try:
            mv = memoryview(data_or_path)
            shape = mv.shape
            free = _POOL.get(shape)
        except Exception:  # no buffer (a path, a tensor, a list), or one that cannot be exported: see below
            free = None
        if free and mv.format == "B" and mv.c_contiguous:
            try:
                buf = free.pop()
            except IndexError:  # another thread took the last one
                buf = None
            if buf is not None:
                buf[:] = mv.cast("B")  # one memcpy that keeps the GIL (see _pixels._copy_to_buffer)
                self._snap = (buf, shape)
                self._nbytes = len(buf)
                return
        self._snap = None
        self._nbytes = 0
        try:
            if isinstance(data_or_path, (bytes, bytearray)) or (
                    isinstance(data_or_path, memoryview) and data_or_path.ndim == 1):  # an encoded file
                data = bytes(data_or_path)  # bytes: the same object, no copy
                if len(data) > MAX_FILE_BYTES:
                    raise ValueError("image data of %d MB is over the %d MB cap"
                                     % (len(data) >> 20, MAX_FILE_BYTES >> 20))
                self._file = data
            elif isinstance(data_or_path, (str, os.PathLike)):
                self._file = _read_image_file(os.fspath(data_or_path))
            else:
                self._snap = snap = _pixels.snapshot(data_or_path)
                cls = type(data_or_path)
                if cls.__name__ == "ndarray" and cls.__module__ == "numpy" and snap.fmt == "B" and not snap.chw \
                        and len(snap.shape) == 3 and snap.shape == data_or_path.shape and len(_U8_SHAPES) < 16:
                    # numpy's uint8 H x W x C array, not downscaled: the next ones of its shape take the first path.
                    _NDARRAY = cls
                    _U8_SHAPES[snap.shape] = snap.nbytes
                if self._snap.warning:
                    _note(self, self._snap.warning)
            self._nbytes = len(self._file) if self._file is not None else self._snap.nbytes
        except Exception as e:
            self._error = str(e) if isinstance(e, (ValueError, OSError)) else "%s: %s" % (type(e).__name__, e)
            warn("image not logged: %s" % self._error, key=("media-image", self._error[:80]))

    def _encode(self):
        # One Image logged twice, or to two runs, is encoded once: its lock is made here, on a writer thread, not
        # by the constructor, under a module lock so two writers racing get the same one.
        lock = self._lock
        if lock is None:
            with _LOCKS:
                if self._lock is None:
                    self._lock = threading.Lock()
                lock = self._lock
        with lock:
            if self._encoded is None:
                if self._error is not None:
                    raise ValueError(self._error)
                if self._file is not None:
                    fmt, width, height = sniff(self._file)
                    if width > _pixels.MAX_SIDE or height > _pixels.MAX_SIDE:
                        raise ValueError("a %s of %d x %d is over the %d x %d cap"
                                         % (fmt.upper(), width, height, _pixels.MAX_SIDE, _pixels.MAX_SIDE))
                    self._encoded = (fmt, width, height, self._file)
                else:
                    snap = self._snap
                    if type(snap) is tuple:
                        snap = _pixels.pooled(*snap)
                    width, height, channels, pixels = _pixels.to_u8(snap)
                    self._encoded = ("png", width, height, encode_png(width, height, channels, pixels))
                    self._snap = pixels = None
                    _pixels.release(snap)  # encoded: its buffer can take the next snapshot
                self._file = self._snap = None  # the encoded bytes are all we keep
            return self._encoded

    def _item(self, out, name):
        fmt, width, height, data = self._encode()
        path = out.write(name + (".png" if fmt == "png" else ".jpg"), data)
        item = {"path": path, "width": width, "height": height, "format": fmt, "bytes": len(data)}
        if self.caption is not None:
            item["caption"] = self.caption
        if self.warning:
            item["warning"] = self.warning
        return item

    def _render(self, out):
        return _render_images([self], out)


def _render_images(images, out):
    items, problems = [], []
    first = out.next_index(len(images))
    for i, image in enumerate(images):
        try:
            items.append(image._item(out, "%d-%d" % (out.step, first + i)))
        except Exception as e:
            problems.append("image %d not logged: %s" % (i, _reason(e)))
            warn("image not logged: %s" % _reason(e), key=("media-image", _reason(e)[:80]))
    record = {"kind": "image", "items": items}
    if problems:
        record["warning"] = "; ".join(problems)
    return record


def _read_image_file(path):
    size = os.stat(path).st_size
    if size > MAX_FILE_BYTES:
        raise ValueError("image file %s of %d MB is over the %d MB cap"
                         % (path, size >> 20, MAX_FILE_BYTES >> 20))
    with open(path, "rb") as f:  # read now: scripts often overwrite the same file every step
        return f.read(MAX_FILE_BYTES + 1)


# -- shared helpers -----------------------------------------------------------------------------------


def _text_of(value, cap, what, owner=None):
    try:
        text = value if type(value) is str else str(value)
    except Exception as e:  # a hostile __str__
        text = "<%s: str() failed: %s>" % (type(value).__name__, type(e).__name__)
    if len(text) > cap:
        message = "a %s of %d characters was cut to %d" % (what, len(text), cap)
        if owner is not None:
            _note(owner, message)
        else:
            warn(message, key=("media-cap", what))
        text = text[:cap]
    return text


def _json_float(v):
    if type(v) is float:
        s = special_float(v)
        return v if s is None else s
    return v


def _reason(e):
    return str(e) if isinstance(e, (ValueError, OSError)) else "%s: %s" % (type(e).__name__, e)


def key_folder(key):
    """The folder under media/ for a key: ``[A-Za-z0-9._-]`` kept, others ``_``, plus a hash of the key when that
    changed it (or it is empty, too long or starts with a dot), so two keys never share a folder."""
    name = _UNSAFE.sub("_", key)
    if name.startswith("."):
        name = "_" + name[1:]
    if len(name) > 80:
        name = name[:80]
    if name != key or not name:
        name = (name + "-" if name else "") + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return name


class MediaState(object):
    """Per run: file names already used, and how many bytes of snapshots wait for the writer."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self._indices = {}
        self._made = {}  # key folder -> made by this process
        # Two counters, each changed by one side only, so no lock is taken on the training thread: ``admitted`` under
        # the run's lock (log()), ``released`` under the writer's lock (its flush renders the jobs).
        self.admitted = 0
        self.released = 0

    @property
    def pending(self):
        return self.admitted - self.released

    def admit(self, nbytes):
        pending = self.admitted - self.released
        if pending + nbytes > PENDING_CAP and pending:
            return False
        self.admitted += nbytes
        return True

    def done(self, nbytes):
        self.released += nbytes


class _Out(object):
    """Where one record's files go: ``media/<key folder>/<step>...``; names never reused within a run."""

    def __init__(self, state, folder, step):
        self.state, self.folder, self.step = state, folder, step
        self.abs_folder = os.path.join(state.run_dir, "media", folder)

    def _fresh(self):
        """True when this process made the key's folder: no file in it predates the run's counters, so names need
        no check on disk (each check is a system call the writer thread would make per image)."""
        made = self.state._made
        if self.folder not in made:
            try:
                os.makedirs(self.abs_folder)
                made[self.folder] = True
            except FileExistsError:  # a resumed run
                made[self.folder] = False
            low = self.folder.lower()
            for other in made:
                # "Loss" and "loss" are one folder on macOS and Windows: both check names on disk from now on.
                if other != self.folder and other.lower() == low:
                    made[other] = made[self.folder] = False
        return made[self.folder]

    def next_index(self, n):
        """The first of ``n`` image indices at this key and step (several records at one step do not collide)."""
        k = (self.folder, self.step)
        first = self.state._indices.get(k, 0)
        if not self._fresh():
            while os.path.exists(os.path.join(self.abs_folder, "%d-%d.png" % (self.step, first))) or \
                    os.path.exists(os.path.join(self.abs_folder, "%d-%d.jpg" % (self.step, first))):
                first += 1  # a resumed run wrote these already
        self.state._indices[k] = first + n
        return first

    def unique_stem(self, ext):
        k = (self.folder, self.step, ext)
        i = self.state._indices.get(k, 0)
        fresh = self._fresh()
        while True:
            stem = "%d" % self.step if i == 0 else "%d-%d" % (self.step, i)
            i += 1
            if fresh or not os.path.exists(os.path.join(self.abs_folder, stem + ext)):
                break
        self.state._indices[k] = i
        return stem

    def write(self, name, data):
        """Write a file (creating folders) and return its path relative to the run folder."""
        target = os.path.join(self.abs_folder, *name.split("/"))
        if "/" in name or not self._fresh():
            os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        return "media/%s/%s" % (self.folder, name)


class MediaJob(object):
    """A queued media record; the writer thread calls ``render()`` for the dict to write."""

    __slots__ = ("ts", "step", "key", "value", "state", "nbytes", "kind", "dropped")

    def __init__(self, ts, step, key, value, state, nbytes, dropped=None):
        self.ts, self.step, self.key, self.value, self.state, self.nbytes = ts, step, key, value, state, nbytes
        self.kind = "image" if type(value) is list else value.kind
        self.dropped = dropped  # why the value was not kept (then value is None)
        if dropped:
            self.value = None

    def render(self):
        value, kind = self.value, self.kind
        images = value if type(value) is list else [value] if kind == "image" else None
        record = {"t": "media", "ts": self.ts, "step": self.step, "key": self.key, "kind": kind}
        try:
            if value is None:
                raise ValueError(self.dropped)
            out = _Out(self.state, key_folder(self.key), self.step)
            body = _render_images(images, out) if images is not None else value._render(out)
            record.update(body)
            warnings = [w for w in (getattr(value, "warning", None), body.get("warning")) if w]
            if images is None and warnings:
                record["warning"] = "; ".join(dict.fromkeys(warnings))
        except Exception as e:
            message = _reason(e)
            warn("media %r at step %d not logged: %s" % (self.key[:200], self.step, message),
                 key=("media-render", kind, message[:80]))
            if kind == "image":
                record["items"] = []
            record["warning"] = message
        finally:
            self.value = None
            self.state.done(self.nbytes)
        return record


def is_media(v):
    return isinstance(v, Media) or (
        type(v) in (list, tuple) and v and all(isinstance(x, Image) for x in v))


def split_media(values, prefix=""):
    """Move media values out of ``values`` (a dict the caller owns; nested dicts are copied, not changed) into a
    list of ``(key, value)``; None when there are none."""
    if len(values) == 1 and not prefix:  # log({"samples": Image(...)}), the common call: in few steps
        for k, v in values.items():
            if isinstance(v, Media) and k.__class__ is str:
                values.clear()
                return [(k, v)]
    found = None
    for k, v in values.items():
        if isinstance(v, Media):
            if found is None:
                found = []
            found.append((k, v))
        elif v.__class__ is dict or ((v.__class__ is list or v.__class__ is tuple) and v and isinstance(v[0], Media)):
            found = [] if found is None else found
            found.append((k, None))
    if found is None:
        return None
    media = []
    for k, v in found:
        name = prefix + (k if k.__class__ is str else str(k))
        if v is not None:
            media.append((name, v))
            del values[k]
            continue
        v = values[k]
        if v.__class__ is dict:
            if v:
                inner = dict(v)
                nested = split_media(inner, name + "/")
                if nested:
                    media += nested
                    values[k] = inner
        elif is_media(v):
            media.append((name, list(v)))
            del values[k]
    return media or None
