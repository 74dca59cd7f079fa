"""Media values for ``run.log()``: Image, Histogram, Table, Text (docs/log-format.md, "Media").

Each constructor runs on the training thread and only snapshots its data (a copy of a buffer, a clone of a
tensor, a reference to an immutable object), capping it first so a huge input is never copied whole. The
expensive part (PNG encoding, binning, writing files) is ``_render``, called on the writer thread by a
``MediaJob``, which writes the files under ``<run>/media/`` before returning the record that points at them.
Nothing here raises into the training script: a bad input becomes a warning in the record.
"""

import hashlib
import itertools
import json
import math
import os
import re
import threading

from . import _pixels
from ._encode import convert_object, sanitize, special_float
from ._png import encode_png, sniff
from ._warn import warn

MAX_FILE_BYTES = 16 << 20  # an encoded image file (PNG/JPEG) given as bytes or a path
MAX_BINS = 512
MAX_HIST_VALUES = 1 << 20  # values binned per histogram; larger inputs are sampled evenly
MAX_ROWS = 10000
MAX_COLUMNS = 1000
MAX_CELLS = 1 << 20
MAX_TEXT = 4 << 20  # characters
CAPTION_CAP = 4096
CELL_STR_CAP = 64 << 10
PREVIEW = 200
PENDING_CAP = 512 << 20  # bytes of media snapshots waiting for the writer before new ones are dropped

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


class Media(object):
    """Base of the media kinds: a value ``run.log()`` writes to a file instead of a metric."""

    kind = None
    warning = None
    _nbytes = 0

    def _render(self, out):  # pragma: no cover - every kind overrides it
        raise NotImplementedError


def _note(obj, message):
    obj.warning = message if obj.warning is None else obj.warning + "; " + message
    warn(message, key=("media", message[:80]))


# -- images -------------------------------------------------------------------------------------------


class Image(Media):
    """An image from a file path, PNG/JPEG bytes, or pixels (H x W, H x W x C or C x H x W; numpy array, torch
    tensor, PIL image, nested lists). Floats in [0, 1] are scaled to 0-255, other values clipped to 0-255."""

    kind = "image"

    def __init__(self, data_or_path, caption=None):
        self.caption = None
        self._file = None  # encoded PNG/JPEG bytes given by the caller
        self._snap = None
        self._error = None
        self._encoded = None  # (format, width, height, bytes), once rendered
        self._lock = threading.Lock()
        if caption is not None:
            self.caption = _text_of(caption, CAPTION_CAP, "caption")
        try:
            if isinstance(data_or_path, (bytes, bytearray)) or (
                    isinstance(data_or_path, memoryview) and data_or_path.ndim == 1):  # an encoded file
                data = bytes(data_or_path)  # bytes: the same object, no copy
                if len(data) > MAX_FILE_BYTES:
                    raise ValueError("image data of %d MB is over the %d MB cap; not logged"
                                     % (len(data) >> 20, MAX_FILE_BYTES >> 20))
                self._file = data
            elif isinstance(data_or_path, (str, os.PathLike)):
                self._file = _read_image_file(os.fspath(data_or_path))
            else:
                self._snap = _pixels.snapshot(data_or_path)
                if self._snap.warning:
                    _note(self, self._snap.warning)
            self._nbytes = len(self._file) if self._file is not None else self._snap.nbytes
        except Exception as e:
            self._error = str(e) if isinstance(e, (ValueError, OSError)) else "%s: %s" % (type(e).__name__, e)
            warn("image not logged: %s" % self._error, key=("media-image", self._error[:80]))

    def _encode(self):
        with self._lock:  # one Image logged twice, or to two runs, is encoded once
            if self._encoded is None:
                if self._error is not None:
                    raise ValueError(self._error)
                if self._file is not None:
                    fmt, width, height = sniff(self._file)
                    if width > _pixels.MAX_SIDE or height > _pixels.MAX_SIDE:
                        raise ValueError("a %s of %d x %d is over the %d x %d cap; not logged"
                                         % (fmt.upper(), width, height, _pixels.MAX_SIDE, _pixels.MAX_SIDE))
                    self._encoded = (fmt, width, height, self._file)
                else:
                    width, height, channels, pixels = _pixels.to_u8(self._snap)
                    self._encoded = ("png", width, height, encode_png(width, height, channels, pixels))
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
        raise ValueError("image file %s of %d MB is over the %d MB cap; not logged"
                         % (path, size >> 20, MAX_FILE_BYTES >> 20))
    with open(path, "rb") as f:  # read now: scripts often overwrite the same file every step
        return f.read(MAX_FILE_BYTES + 1)


# -- histograms ---------------------------------------------------------------------------------------


class Histogram(Media):
    """A distribution: ``Histogram(values, bins=64)`` bins the values on the writer thread (NaN and +-Inf counted
    apart); ``Histogram(np_histogram=(counts, edges))`` takes bins computed elsewhere. Inputs over 2**20 values are
    sampled evenly, with a warning."""

    kind = "histogram"

    def __init__(self, values=None, bins=64, np_histogram=None):
        self._values = None
        self._bins = None
        self._error = None
        self._sampled = None
        self._extra = {}
        try:
            if np_histogram is not None:
                counts, edges = np_histogram
                self._bins = ([_number(c) for c in _plain(counts)], [_number(e) for e in _plain(edges)])
            else:
                self.nbins = _bin_count(bins)
                if self.nbins != bins:
                    _note(self, "bins=%r: %d bins used (at most %d)" % (bins, self.nbins, MAX_BINS))
                self._values, total, every = _sample(values)
                if every > 1:
                    self._sampled = {"every": every, "of": total}
                    _note(self, "histogram of %d values summarised from every %d-th value" % (total, every))
                self._nbytes = 8 * MAX_HIST_VALUES
        except Exception as e:
            self._error = _reason(e)
            warn("histogram not logged: %s" % self._error, key=("media-hist", self._error[:80]))

    @classmethod
    def from_counts(cls, counts, edges, nan=0, posinf=0, neginf=0, min=None, max=None):
        """Bins computed elsewhere (torch.histc, say), with the non-finite values counted apart."""
        h = cls(np_histogram=(counts, edges))
        h._extra = {"nan": int(nan), "posinf": int(posinf), "neginf": int(neginf)}
        if min is not None:
            h._extra["min"], h._extra["max"] = float(min), float(max)
        return h

    def _render(self, out):
        record = {"kind": "histogram"}
        if self._error is not None:
            raise ValueError(self._error)
        if self._bins is not None:
            record["hist"] = self._precomputed()
        else:
            record["hist"] = _bin_array(self._values, self.nbins) or _bin(_flat_numbers(self._values), self.nbins)
        if self._sampled:
            record["sampled"] = self._sampled
        return record

    def _precomputed(self):
        counts, edges = self._bins
        if len(edges) != len(counts) + 1:
            raise ValueError("np_histogram needs len(edges) == len(counts) + 1, got %d and %d"
                             % (len(edges), len(counts)))
        if len(counts) > MAX_BINS:  # merge neighbours: still exact counts, coarser bins
            k = -(-len(counts) // MAX_BINS)
            _note(self, "%d bins merged into %d" % (len(counts), -(-len(counts) // k)))
            counts = [sum(counts[i:i + k]) for i in range(0, len(counts), k)]
            edges = edges[::k] + ([] if (len(edges) - 1) % k == 0 else [edges[-1]])
        hist = {"edges": [_json_float(e) for e in edges], "counts": counts, "count": sum(counts),
                "min": _json_float(edges[0]) if edges else None, "max": _json_float(edges[-1]) if edges else None,
                "nan": 0, "posinf": 0, "neginf": 0}
        hist.update((k, _json_float(v) if isinstance(v, float) else v) for k, v in self._extra.items())
        return hist


def _bin_count(bins):
    try:
        n = int(bins)
    except (TypeError, ValueError):
        raise ValueError("bins must be a number of bins, not %r" % (bins,))
    return max(1, min(MAX_BINS, n))


def _plain(seq):
    tolist = getattr(seq, "tolist", None)
    if callable(tolist) and not isinstance(seq, (list, tuple)):
        seq = tolist()
    return list(seq)


def _number(v):
    if type(v) in (int, float):
        return v
    converted = convert_object(v) if not isinstance(v, (int, float)) else v
    if isinstance(converted, bool) or not isinstance(converted, (int, float)):
        raise ValueError("np_histogram holds a %s, not a number" % type(v).__name__)
    return converted if type(converted) is int else float(converted)


def _sample(values):
    """``(snapshot, total, every)`` for ``values``: at most MAX_HIST_VALUES of them, every ``every``-th one when
    there are more. Copies on the calling thread (one C-level copy for arrays); never copies a huge input whole."""
    if values is None:
        raise ValueError("no values")
    if isinstance(values, (int, float)):
        return [values], 1, 1
    if not isinstance(values, (list, tuple, range)):
        try:
            mv = memoryview(values)
        except TypeError:
            mv = None
        if mv is not None:
            fmt = _pixels._fmt(mv)
            if fmt is not None:
                n = mv.nbytes // mv.itemsize
                every = max(1, -(-n // MAX_HIST_VALUES))
                try:  # numpy: a strided copy in C, several times faster than memoryview's
                    data = values.reshape(-1)[::every].copy()
                    if memoryview(data).c_contiguous and memoryview(data).format == mv.format:
                        return ("raw", fmt, data), n, every
                except Exception:
                    pass
                if mv.c_contiguous:
                    return ("raw", fmt, mv.cast("B").cast(fmt)[::every].tobytes()), n, every
        if callable(getattr(values, "detach", None)):  # torch
            t = values.detach().reshape(-1)
            n = t.numel()
            every = max(1, -(-n // MAX_HIST_VALUES))
            return ("tensor", t[::every].clone()), n, every
        shape = getattr(values, "shape", None)
        reshape = getattr(values, "reshape", None)
        if shape is not None and callable(reshape) and not callable(shape):
            n = 1
            for d in shape:
                n *= int(d)
            every = max(1, -(-n // MAX_HIST_VALUES))
            flat = reshape(-1)
            return _plain(flat[::every] if every > 1 else flat), n, every
        tolist = getattr(values, "tolist", None)
        if callable(tolist):
            values = tolist()
        elif not hasattr(values, "__len__"):  # an iterator: take what the cap allows
            head = list(itertools.islice(values, MAX_HIST_VALUES + 1))
            if len(head) > MAX_HIST_VALUES:
                raise ValueError("more than %d values from an iterator; pass a list or an array"
                                 % MAX_HIST_VALUES)
            return head, len(head), 1
        else:
            values = list(values)
    n = len(values)
    every = max(1, -(-n // MAX_HIST_VALUES))
    return list(values[::every]), n, every


def _flat_numbers(snap):
    if type(snap) is tuple and snap[0] == "raw":
        return memoryview(snap[2]).cast("B").cast(snap[1]).tolist()
    if type(snap) is tuple and snap[0] == "tensor":
        t = snap[1].cpu()
        return (t.float() if "bfloat" in str(t.dtype) else t).tolist()
    out = []
    stack = [iter(snap)]
    while stack:  # nested lists flattened without recursion
        for v in stack[-1]:
            if isinstance(v, (list, tuple)):
                stack.append(iter(v))
                break
            out.append(v)
        else:
            stack.pop()
    return out


def _as_array(snap):
    """The snapshot as a numpy array when it is one (or a tensor numpy can take), else None."""
    if type(snap) is not tuple:
        return None
    a = snap[2] if snap[0] == "raw" else snap[1]
    if snap[0] == "tensor":
        try:
            a = a.cpu()
            a = (a.float() if "bfloat" in str(a.dtype) else a).numpy()
        except Exception:
            return None
    return a if callable(getattr(a, "searchsorted", None)) else None


def _bin_array(snap, nbins):
    """``_bin`` with a numpy array's own methods (sort and searchsorted: C loops that release the GIL), for the
    snapshot we hold privately. None when the snapshot is not such an array."""
    a = _as_array(snap)
    if a is None:
        return None
    try:
        a = a.reshape(-1).astype("float64")
        inf = float("inf")
        nan, posinf, neginf = int((a != a).sum()), int((a == inf).sum()), int((a == -inf).sum())
        finite = a[(a - a) == 0]
        finite.sort()
        n = int(finite.size)
        if not n:
            return _bin([], nbins) if not (nan or posinf or neginf) else dict(
                _bin([], nbins), nan=nan, posinf=posinf, neginf=neginf)
        lo, hi = float(finite[0]), float(finite[-1])
        edges = _edges(lo, hi, nbins)
        cuts = [0] + [int(i) for i in finite.searchsorted(edges[1:-1], side="left")] + [n]
        counts = [cuts[i + 1] - cuts[i] for i in range(nbins)]
    except Exception:
        return None
    return {"nan": nan, "posinf": posinf, "neginf": neginf, "count": n, "edges": edges, "counts": counts,
            "min": lo, "max": hi}


def _edges(lo, hi, nbins):
    """``nbins + 1`` equal-width edges from ``lo`` to ``hi`` (one unit wide around a single value, as numpy)."""
    left, right = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
    shrink = 0.5 if math.isinf(right - left) else 1.0  # a span beyond the float range: computed halved
    width = (right * shrink - left * shrink) / nbins
    edges = [(left * shrink + width * i) / shrink for i in range(nbins)] + [right]
    edges[0] = left
    return edges


def _bin(values, nbins):
    nan = posinf = neginf = 0
    finite = []
    for v in values:
        if type(v) is not float:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                c = convert_object(v)
                if isinstance(c, bool) or not isinstance(c, (int, float)):
                    continue  # not a number: left out
                v = c
            v = float(v)
        if v - v == 0:
            finite.append(v)
        elif v != v:
            nan += 1
        elif v > 0:
            posinf += 1
        else:
            neginf += 1
    hist = {"nan": nan, "posinf": posinf, "neginf": neginf, "count": len(finite)}
    if not finite:
        hist.update(edges=[0.0, 1.0], counts=[0], min=None, max=None)
        return hist
    lo, hi = min(finite), max(finite)
    edges = _edges(lo, hi, nbins)
    left, right = edges[0], edges[-1]
    shrink = 0.5 if math.isinf(right - left) else 1.0
    left_s, scale = left * shrink, nbins / (right * shrink - left * shrink)
    counts = [0] * nbins
    last = nbins - 1
    for v in finite:
        i = int((v * shrink - left_s) * scale)
        counts[i if i < last else last] += 1
    hist.update(edges=edges, counts=counts, min=lo, max=hi)
    return hist


# -- tables -------------------------------------------------------------------------------------------


class Table(Media):
    """Columns and rows of numbers, strings, booleans, None and Images. At most 10,000 rows (and 2**20 cells) are
    kept, with ``truncated`` and a warning past that. ``dataframe=`` takes a pandas DataFrame."""

    kind = "table"

    def __init__(self, columns=None, rows=None, data=None, dataframe=None):
        self._error = None
        self.truncated = False
        self.columns = []
        self.rows = []
        try:
            if dataframe is not None:
                columns = list(dataframe.columns)
                total = len(dataframe)
                rows = dataframe.head(MAX_ROWS).values.tolist()
            else:
                rows = data if rows is None else rows
                rows = [] if rows is None else rows
                total = len(rows) if hasattr(rows, "__len__") else None
            if columns is None:
                first = next(iter(rows), None) if total != 0 else None
                columns = ["c%d" % i for i in range(len(first))] if first is not None else []
            columns = [_text_of(c, 1000, "column name") for c in columns]
            if len(columns) > MAX_COLUMNS:
                _note(self, "%d columns cut to %d" % (len(columns), MAX_COLUMNS))
                columns = columns[:MAX_COLUMNS]
            self.columns = columns
            cap = max(1, min(MAX_ROWS, MAX_CELLS // max(1, len(columns))))
            head = rows[:cap + 1] if hasattr(rows, "__getitem__") and total is not None else \
                list(itertools.islice(iter(rows), cap + 1))
            width = len(columns)
            kept = []
            for row in itertools.islice(head, cap):
                row = list(_plain(row) if not isinstance(row, (list, tuple)) else row)
                kept.append((row + [None] * (width - len(row)))[:width])
            self.rows = kept
            if (total if total is not None else len(head)) > cap:
                self.truncated = True
                _note(self, "table of %s rows cut to the first %d" % (total if total is not None else "more", cap))
            self._nbytes = 64 * len(kept) * max(1, width)
        except Exception as e:
            self._error = _reason(e)
            warn("table not logged: %s" % self._error, key=("media-table", self._error[:80]))

    def _render(self, out):
        if self._error is not None:
            raise ValueError(self._error)
        stem = out.unique_stem(".table.json")
        problems = []
        rows = []
        for r, row in enumerate(self.rows):
            cells = []
            for c, cell in enumerate(row):
                if isinstance(cell, Image):
                    try:
                        item = cell._item(out, "%s.cells/%d-%d" % (stem, r, c))
                        cells.append({"$image": item["path"], "width": item["width"], "height": item["height"]})
                    except Exception as e:
                        problems.append("image in row %d, column %d not logged: %s" % (r, c, _reason(e)))
                        cells.append(None)
                else:
                    cells.append(_cell(cell))
            rows.append(cells)
        path = out.write(stem + ".table.json", _dumps({"columns": self.columns, "rows": rows}).encode("ascii"))
        record = {"kind": "table", "path": path, "columns": self.columns, "nrows": len(rows),
                  "truncated": self.truncated}
        if problems:
            _note(self, "; ".join(problems[:10]) + ("; ..." if len(problems) > 10 else ""))
        return record


def _cell(v):
    t = type(v)
    if t is str:
        return v if len(v) <= CELL_STR_CAP else v[:CELL_STR_CAP] + "...[%d more characters]" % (len(v) - CELL_STR_CAP)
    if v is None or t is bool or t is int:
        return sanitize(v)
    if t is float:
        return sanitize(v)
    plain = sanitize(v, str_cap=CELL_STR_CAP, items_cap=1000)
    if plain is None or isinstance(plain, (str, bool, int, float)) or (type(plain) is dict and (
            "$float" in plain or "$int" in plain) and len(plain) == 1):
        return plain
    return _cell(_dumps(plain))  # a list or dict in a cell: shown as its JSON text


# -- text ---------------------------------------------------------------------------------------------


class Text(Media):
    """A text (markdown allowed; readers show it as text, never HTML)."""

    kind = "text"

    def __init__(self, text):
        self.text = _text_of(text, MAX_TEXT, "text", self)
        self._nbytes = len(self.text)

    def _render(self, out):
        data = self.text.encode("utf-8", "replace")  # lone surrogates become "?"
        path = out.write(out.unique_stem(".txt") + ".txt", data)
        return {"kind": "text", "path": path, "chars": len(self.text), "preview": self.text[:PREVIEW]}


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
        self._lock = threading.Lock()
        self.pending = 0

    def admit(self, nbytes):
        with self._lock:
            if self.pending + nbytes > PENDING_CAP and self.pending:
                return False
            self.pending += nbytes
            return True

    def done(self, nbytes):
        with self._lock:
            self.pending -= nbytes


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
            except FileExistsError:  # a resumed run, or a key folder shared after sanitising
                made[self.folder] = False
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

    __slots__ = ("ts", "step", "key", "value", "state", "nbytes")

    def __init__(self, ts, step, key, value, state, nbytes):
        self.ts, self.step, self.key, self.value, self.state, self.nbytes = ts, step, key, value, state, nbytes

    def render(self):
        value = self.value
        images = value if isinstance(value, list) else [value] if isinstance(value, Image) else None
        kind = "image" if images is not None else value.kind
        record = {"t": "media", "ts": self.ts, "step": self.step, "key": self.key, "kind": kind}
        try:
            if value is None:
                raise ValueError("dropped: over %d MB of media were waiting to be written (logging faster than "
                                 "the writer encodes)" % (PENDING_CAP >> 20))
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
    found = None
    for k, v in list(values.items()):
        if isinstance(v, Media) or (type(v) in (list, tuple) and v and isinstance(v[0], Media)):
            if is_media(v):
                found = found or []
                found.append((prefix + (k if type(k) is str else str(k)), v if isinstance(v, Media) else list(v)))
                del values[k]
        elif type(v) is dict and v:
            inner = dict(v)
            nested = split_media(inner, prefix + (k if type(k) is str else str(k)) + "/")
            if nested:
                found = (found or []) + nested
                values[k] = inner
    return found
