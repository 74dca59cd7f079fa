"""``trackside.Histogram``: values binned on the writer thread (NaN and +-Inf counted apart), or bins given."""

import itertools
import math

from . import _pixels
from ._encode import convert_object
from ._media import Media, _json_float, _note, _reason
from ._warn import warn

MAX_BINS = 512
MAX_HIST_VALUES = 1 << 20  # values binned per histogram; larger inputs are sampled evenly


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
                if every == 1 and mv.c_contiguous:  # one memcpy holding the GIL (see _pixels.snapshot)
                    return ("raw", fmt, _pixels.as_array_like(values, mv.tobytes())), n, every
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
