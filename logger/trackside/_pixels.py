"""Pixels from whatever a training script holds: numpy arrays, torch tensors, PIL images, nested lists.

Two halves. ``snapshot`` runs on the training thread and only copies (one C-level copy for an array, a
``clone()`` for a tensor), downscaling first by taking every s-th pixel when the image is over the cap, so a
1 GB array is never copied whole. ``to_u8`` runs on the writer thread and turns the copy into 8-bit samples
(floats in [0, 1] scaled to 0-255, everything else clipped to 0-255). Neither imports numpy or torch.

A C-contiguous array is copied into a buffer from a small pool, handed back by ``release`` once the writer has
encoded it: a fresh 196 KB allocation every step (the heap trimmed by the writer in between) costs the training
thread page faults, and with them a cleared TLB, on every call.
"""

import math

MAX_SIDE = 4096
MAX_SAMPLES = 16 << 20  # H * W * channels kept: 16 MB of 8-bit pixels
_CHUNK = 1 << 20  # values converted at once on the writer thread (bounds its memory)

# memoryview formats we read (native byte order); "?" is bool, "e" half.
_INT_FORMATS = set("bBhHiIlLqQnN")
_FLOAT_FORMATS = set("efd")


_POOL_MAX_BUFFER = 16 << 20  # bigger snapshots are allocated each time
_POOL_SIZE_BYTES = 16 << 20  # idle buffers kept per shape: this many bytes of them, at most _POOL_PER_SIZE
_POOL_PER_SIZE = 8
_POOL_SIZES = 4  # distinct shapes pooled; idle memory stays under _POOL_SIZES * _POOL_SIZE_BYTES
# Idle buffers (1-D writable "B" memoryviews of bytearrays), keyed by the H x W x C shape of 8-bit images, or by
# the byte count of anything else. dict.get, list.pop and list.append are atomic under the GIL: no lock.
pool = {}


class Snapshot(object):
    __slots__ = ("kind", "data", "fmt", "shape", "chw", "warning", "nbytes", "buffer")

    def __init__(self, kind, data, shape, chw, fmt=None, warning=None, nbytes=0, buffer=None):
        self.kind, self.data, self.shape, self.chw, self.fmt = kind, data, shape, chw, fmt
        self.warning, self.nbytes, self.buffer = warning, nbytes, buffer


def _copy_to_buffer(mv):
    """A private copy of C-contiguous ``mv`` as a 1-D "B" memoryview over a pooled (or new) bytearray: one memcpy
    that keeps the GIL (numpy's copy() lets it go, and taking it back can wait a whole switch interval, 5 ms,
    while the writer thread runs Python)."""
    free = pool.get(mv.nbytes)
    if free:
        try:
            buf = free.pop()
        except IndexError:  # another thread took the last one
            buf = None
        if buf is not None:
            buf[:] = mv.cast("B")
            return buf
    return memoryview(bytearray(mv))


def pooled(buf, shape):
    """The snapshot of an H x W x C image of bytes copied into ``buf``, a buffer taken from ``pool[shape]``, or a
    bytes object of its own (the training thread copies them itself: see ``_media.Image``)."""
    if buf.__class__ is bytes:
        return Snapshot("raw", buf, shape, False, "B", None, len(buf))
    return Snapshot("raw", buf, shape, False, "B", None, buf.nbytes, buf)


def release(snap):
    """Give the snapshot's buffer back to the pool. Only once nothing reads it any more (the writer thread, after
    encoding): the next snapshot of that shape overwrites it."""
    buf = snap.buffer
    snap.buffer = snap.data = None
    if buf is None or buf.nbytes > _POOL_MAX_BUFFER:
        return
    key = snap.shape if snap.fmt == "B" and not snap.chw and len(snap.shape) == 3 else buf.nbytes
    free = pool.get(key)
    if free is None:
        if len(pool) >= _POOL_SIZES:
            return
        free = pool.setdefault(key, [])
    if len(free) < min(_POOL_PER_SIZE, max(1, _POOL_SIZE_BYTES // buf.nbytes)):
        free.append(buf)


def _fmt(mv):
    f = mv.format
    if len(f) == 2 and f[0] in "@=":
        f = f[1]
    return f if f in _INT_FORMATS or f in _FLOAT_FORMATS or f == "?" else None


def _nested_shape(data):
    shape = [len(data)]
    first = data[0] if shape[0] else None
    if isinstance(first, (list, tuple)):
        shape.append(len(first))
        inner = first[0] if first else None
        if isinstance(inner, (list, tuple)):
            shape.append(len(inner))
    return tuple(shape)


def _layout(shape):
    """(height, width, channels, channels_first) for an image shape, or raise ValueError."""
    shape = tuple(int(n) for n in shape)
    if len(shape) == 2:
        return shape[0], shape[1], 1, False
    if len(shape) == 3:
        if shape[2] in (1, 2, 3, 4):
            return shape[0], shape[1], shape[2], False
        if shape[0] in (1, 2, 3, 4):  # torch's C x H x W
            return shape[1], shape[2], shape[0], True
    raise ValueError("an image must be H x W, H x W x C or C x H x W with 1-4 channels, not shape %r" % (shape,))


def downscale_stride(height, width, channels):
    s = max(1, -(-height // MAX_SIDE), -(-width // MAX_SIDE))
    while -(-height // s) * -(-width // s) * channels > MAX_SAMPLES:
        s += 1
    return s


def snapshot(obj):
    """Copy the pixels of ``obj`` on the calling (training) thread, cheaply. Raises ValueError for what is not
    an image."""
    nested = isinstance(obj, (list, tuple))
    interface = None
    if nested:
        shape = _nested_shape(obj)
    else:
        shape = getattr(obj, "shape", None)
        if shape is None or callable(shape):
            interface = getattr(obj, "__array_interface__", None)  # PIL images
            if isinstance(interface, dict) and isinstance(interface.get("data"), bytes):
                shape = interface.get("shape")
            else:
                interface = None
                try:
                    shape = memoryview(obj).shape
                except TypeError:
                    raise ValueError("cannot read pixels from a %s" % type(obj).__name__)
    if not shape or 0 in tuple(shape):
        raise ValueError("an empty image (shape %r)" % (tuple(shape or ()),))
    height, width, channels, chw = _layout(shape)
    warning = None
    s = downscale_stride(height, width, channels)
    if s > 1:
        h2, w2 = -(-height // s), -(-width // s)
        try:
            if nested:
                obj = [row[::s] for row in obj[::s]]
            elif interface is not None:
                raise TypeError("no slicing")
            else:
                obj = obj[:, ::s, ::s] if chw else obj[::s, ::s]
        except Exception:
            raise ValueError("an image of %d x %d is over the %d x %d cap and cannot be downscaled"
                             % (width, height, MAX_SIDE, MAX_SIDE))
        warning = "downscaled from %d x %d to %d x %d (every %d-th pixel): over the cap of %d x %d" % (
            width, height, w2, h2, s, MAX_SIDE, MAX_SIDE) if max(width, height) > MAX_SIDE else (
            "downscaled from %d x %d to %d x %d (every %d-th pixel): over %d MB of pixels"
            % (width, height, w2, h2, s, MAX_SAMPLES >> 20))
        height, width = h2, w2
    shape = (channels, height, width) if chw else (height, width, channels)
    if nested:
        # Two levels copied: rows and pixels lists of the caller may change after log() returns.
        data = [list(row) if isinstance(row, (list, tuple)) else row for row in obj]
        return Snapshot("list", data, shape, chw, warning=warning, nbytes=height * width * channels * 8)
    if interface is not None:
        if interface.get("typestr") not in ("|u1", "<u1", ">u1", "|b1"):
            raise ValueError("a %s image of type %r is not supported" % (type(obj).__name__, interface.get("typestr")))
        data = interface["data"]
        return Snapshot("raw", data, shape, chw, "B" if interface["typestr"] != "|b1" else "?", warning, len(data))
    try:
        mv = memoryview(obj)
    except TypeError:
        mv = None
    if mv is not None and _fmt(mv) is not None and mv.ndim == len(getattr(obj, "shape", mv.shape)):
        fmt = _fmt(mv)
        buf = None
        if mv.c_contiguous:
            data = buf = _copy_to_buffer(mv)
            if fmt != "B":
                data = as_array_like(obj, data)
        else:
            data = _private_copy(obj, mv)  # kept as an array: the writer converts it with the array's own methods
        return Snapshot("raw", data, shape, chw, fmt, warning, mv.nbytes, buf)
    if callable(getattr(obj, "detach", None)) and callable(getattr(obj, "clone", None)):
        t = obj.detach().clone()  # torch: a copy on the tensor's device; moved to the CPU on the writer thread
        return Snapshot("tensor", t, shape, chw, warning=warning, nbytes=height * width * channels * 4)
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return Snapshot("list", tolist(), shape, chw, warning=warning, nbytes=height * width * channels * 8)
    raise ValueError("cannot read pixels from a %s" % type(obj).__name__)


def as_array_like(obj, data):
    """``data`` (bytes copied from ``obj``'s buffer) as a flat array of ``obj``'s own type and dtype when that type
    is numpy's (``ndarray(shape, dtype, buffer)``), so the writer can convert it with the array's methods; else
    ``data`` itself. Nothing is copied: the array reads the bytes."""
    dtype = getattr(obj, "dtype", None)
    if dtype is None or not callable(getattr(obj, "astype", None)):
        return data
    try:
        a = type(obj)(shape=(len(data) // dtype.itemsize,), dtype=dtype, buffer=data)
        return a if callable(getattr(a, "astype", None)) else data
    except Exception:
        return data


def _private_copy(obj, mv):
    """A C-contiguous copy of a buffer nobody else holds: numpy's ``copy()`` when there is one (about twice as fast
    as ``memoryview.tobytes()``, and many times faster on strided views), else ``tobytes()``."""
    copy = getattr(obj, "copy", None)
    if callable(copy):
        try:
            data = copy()
            check = memoryview(data)
            if check.c_contiguous and check.nbytes == mv.nbytes and check.format == mv.format:
                return data
        except Exception:
            pass
    return mv.tobytes()  # C order whatever the strides


def to_u8(snap):
    """``(width, height, channels, pixels)`` with 8-bit samples in row-major H x W x C order (writer thread).
    ``pixels`` may read the snapshot's buffer: ``release`` it only once they are used."""
    if snap.chw:
        channels, height, width = snap.shape
    else:
        height, width, channels = snap.shape
    n = height * width * channels
    if snap.kind == "tensor":
        t = snap.data.cpu()
        try:
            a = t.contiguous().numpy()  # shares the clone's memory: still a private copy
            fmt = _fmt(memoryview(a))
            if fmt is None:
                raise TypeError
            snap = Snapshot("raw", a, snap.shape, snap.chw, fmt)
        except Exception:  # no numpy, or a dtype numpy lacks (bfloat16)
            snap = Snapshot("list", t.float().tolist() if str(t.dtype).startswith("torch.bfloat") else t.tolist(),
                            snap.shape, snap.chw)
    if snap.kind == "raw":
        pixels = _array_to_u8(snap.data, snap.fmt) if hasattr(snap.data, "astype") else None
        if pixels is None:
            pixels = _raw_to_u8(snap.data, snap.fmt)
    else:
        pixels = _values_to_u8(_flatten(snap.data, snap.shape))
    if len(pixels) != n:
        raise ValueError("the image's data holds %d values, its shape %r says %d" % (len(pixels), snap.shape, n))
    if snap.chw and channels > 1:
        # C x H x W -> H x W x C: one extended-slice assignment per channel (C speed).
        out = bytearray(n)
        plane = height * width
        for c in range(channels):
            out[c::channels] = pixels[c * plane:(c + 1) * plane]
        pixels = bytes(out)
    return width, height, channels, pixels


def _flatten(data, shape):
    """Nested lists (rows of pixels, rows of grey values, or channel planes) -> one flat list, checked against
    ``shape``."""
    out = []
    extend, append = out.extend, out.append
    middle, inner = shape[1], shape[2]
    for outer in data:
        if not isinstance(outer, (list, tuple)) or len(outer) != middle:
            raise ValueError("rows of different lengths")
        for v in outer:
            if isinstance(v, (list, tuple)):
                if len(v) != inner:
                    raise ValueError("pixels of different lengths")
                extend(v)
            elif inner == 1:
                append(v)
            else:
                raise ValueError("pixels of different lengths")
    return out


def _array_to_u8(a, fmt):
    """The conversion with a numpy array's own methods (C loops that release the GIL, so the training thread
    keeps running); ``a`` is our private copy. None when the array does not behave like numpy's."""
    try:
        if fmt == "B":
            return memoryview(a).cast("B").tobytes()
        if fmt == "?":
            return (a.astype("uint8") * 255).astype("uint8").tobytes()
        if fmt in _FLOAT_FORMATS:
            a = a.astype("float64")
            finite = a[(a - a) == 0]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
            b = a * (255.0 if 0.0 <= lo and hi <= 1.0 else 1.0) + 0.5
            b[b != b] = 0.0  # NaN -> 0
            return b.clip(0, 255).astype("uint8").tobytes()
        return a.clip(0, 255).astype("uint8").tobytes()
    except Exception:
        return None


def _raw_to_u8(data, fmt):
    """``data``: bytes or a private C-contiguous array copy holding values of memoryview format ``fmt``."""
    raw = memoryview(data).cast("B")
    if fmt == "B":
        return raw  # read in place: the snapshot is ours
    if fmt == "?":
        return raw.tobytes().translate(bytes([0] + [255] * 255))
    mv = raw.cast(fmt)
    if fmt in _FLOAT_FORMATS:
        lo, hi = _float_range(mv[i:i + _CHUNK].tolist() for i in range(0, len(mv), _CHUNK))
        scale = 255.0 if 0.0 <= lo and hi <= 1.0 else 1.0
        return b"".join(_floats_to_u8(mv[i:i + _CHUNK].tolist(), scale) for i in range(0, len(mv), _CHUNK))
    return b"".join(_ints_to_u8(mv[i:i + _CHUNK].tolist()) for i in range(0, len(mv), _CHUNK))


def _float_range(chunks):
    lo, hi = math.inf, -math.inf
    for chunk in chunks:
        finite = [v for v in chunk if v - v == 0]  # drops NaN and +-Inf
        if finite:
            lo, hi = min(lo, min(finite)), max(hi, max(finite))
    return lo, hi


def _floats_to_u8(values, scale):
    # "not x > 0" is true for NaN too: NaN -> 0, +Inf -> 255, -Inf -> 0.
    return bytes([255 if x >= 255.0 else 0 if not x > 0.0 else int(x + 0.5) for x in [v * scale for v in values]])


def _ints_to_u8(values):
    return bytes([0 if v < 0 else 255 if v > 255 else v for v in values])


def _values_to_u8(values):
    """Python numbers from a list: bools -> 0/255, any float -> the float rule, ints clipped."""
    kinds = set(map(type, values))
    if kinds <= {bool}:
        return bytes([255 if v else 0 for v in values])
    if kinds <= {int, bool}:
        return _ints_to_u8(values)
    try:
        values = [float(v) for v in values]
    except (TypeError, ValueError):
        raise ValueError("pixel values must be numbers")
    lo, hi = _float_range([values])
    return _floats_to_u8(values, 255.0 if 0.0 <= lo and hi <= 1.0 else 1.0)
