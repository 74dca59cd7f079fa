"""JSON encoding of records: one valid JSON line per record, whatever the caller passed in.

The fast path is the C encoder with ``allow_nan=True``; only when its output contains ``NaN`` or
``Infinity`` or a long run of digits (or it refuses the input) do we walk the object and rewrite it
(special floats as ``{"$float": ...}``, integers beyond 2**53 as ``{"$int": "<digits>"}``, odd keys as
strings, unknown objects as their repr). Most records never take the slow path, so encoding costs about
one ``json.dumps``.
"""

import dataclasses
import datetime
import enum
import json
import math
import os
import re

from ._warn import warn

# Caps that keep one hostile value from producing a line no reader wants to load.
STR_CAP = 1 << 20
LINE_CAP = 8 << 20
_TIGHT_STR_CAP = 4096
_TIGHT_ITEMS_CAP = 1000
_DEPTH_CAP = 64

_FLOAT_TAGS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}

# JavaScript reads every JSON number as a double, which holds integers exactly only up to 2**53. Past that,
# params and other values keep their exact digits as {"$int": "<digits>"} (docs/log-format.md, "Large integers").
MAX_EXACT_INT = 2 ** 53
# A run of 16+ digits not after a "." or another digit: a possible integer beyond 2**53 (16 digits) in encoded
# text. Floats and strings match it too at times; they only cost a trip through sanitize(), which decides exactly.
_LONG_DIGITS = re.compile(r"(?<![0-9.])[0-9]{16}")
_INT_TEXT = re.compile(r"-?[0-9]+\Z")


def special_float(x):
    """``{"$float": ...}`` for NaN/±Infinity, None for an ordinary float."""
    if x != x:
        return {"$float": "NaN"}
    if x == math.inf:
        return {"$float": "Infinity"}
    if x == -math.inf:
        return {"$float": "-Infinity"}
    return None


def tag_int(n):
    """``{"$int": "<digits>"}`` for an integer beyond 2**53 (the caller checks the range). An integer too long
    for ``str()`` (Python's 4,300-digit limit) is logged as a float, which is ±Infinity, with a warning."""
    try:
        return {"$int": str(n)}
    except ValueError:
        warn("an integer of more than 4300 digits was logged as %sInfinity" % ("-" if n < 0 else ""),
             key="int-digits")
        return {"$float": "Infinity" if n > 0 else "-Infinity"}


def int_from_tag(v):
    """The int a ``{"$int": "<digits>"}`` object stands for (±inf past Python's digit limit); None when ``v``
    is not one."""
    if type(v) is dict and len(v) == 1:
        digits = v.get("$int")
        if type(digits) is str and _INT_TEXT.match(digits):
            try:
                return int(digits)
            except ValueError:  # more digits than str()/int() take: beyond any float anyway
                return math.inf if digits[0] != "-" else -math.inf
    return None


def _default(obj):
    """Fast-path hook for objects the C encoder does not know; sanitize() handles the rest."""
    converted = convert_object(obj)
    if converted is _UNCONVERTIBLE:
        raise TypeError("unserializable")
    return converted


_UNCONVERTIBLE = object()


def convert_object(obj):
    """Convert a non-JSON object to JSON-able data without importing numpy or torch.

    numpy/torch scalars (and 0-d arrays/tensors) have ``.item()``; arrays have ``.tolist()``.
    """
    item = getattr(obj, "item", None)
    if callable(item) and not isinstance(obj, (dict, list, tuple)):
        try:
            size = getattr(obj, "size", 1)
            if callable(size):  # torch: size() is a method
                size = obj.numel() if hasattr(obj, "numel") else 1
            if size == 1:
                return item()
        except Exception:
            pass
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        try:
            return tolist()
        except Exception:
            pass
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, enum.Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, (set, frozenset)):
        try:
            return sorted(obj)
        except TypeError:
            return list(obj)
    if isinstance(obj, (bytes, bytearray)):
        return bytes(obj).decode("utf-8", "replace")
    if type(obj).__name__ == "Namespace" and hasattr(obj, "__dict__"):  # argparse
        return dict(vars(obj))
    # Mapping- and sequence-likes that are not dict/list: run.config, OmegaConf's DictConfig/ListConfig...
    try:
        if callable(getattr(obj, "keys", None)) and hasattr(obj, "__getitem__"):
            return {k: obj[k] for k in obj.keys()}
        if hasattr(obj, "__len__") and hasattr(obj, "__iter__") and hasattr(obj, "__getitem__"):
            return list(obj)
    except Exception:
        pass
    return _UNCONVERTIBLE


def _cap_str(s, cap):
    if len(s) <= cap:
        return s
    warn("a string of %d characters was cut to %d" % (len(s), cap), key="strcap")
    return s[:cap] + "...[%d more characters]" % (len(s) - cap)


def _repr_of(obj):
    try:
        text = repr(obj)
    except Exception as e:  # a broken __repr__ must not break logging
        text = "<%s (repr failed: %s)>" % (type(obj).__name__, type(e).__name__)
    warn("%s is not JSON; logged as its repr()" % type(obj).__name__, key=("repr", type(obj).__name__))
    return text


def _key(k, str_cap):
    if isinstance(k, str):
        return _cap_str(k, str_cap)
    if isinstance(k, float):
        special = special_float(k)
        if special is not None:
            return special["$float"]
        return repr(k)
    if k is None or isinstance(k, (bool, int)):
        try:
            return json.dumps(k)
        except ValueError:  # an int too long for str()
            return "<int of more than 4300 digits>"
    if isinstance(k, tuple):  # {(layer, head): ...}: the tuple's repr reads best
        return _cap_str(repr(k), str_cap)
    converted = convert_object(k)
    if isinstance(converted, (str, int, float)) and not isinstance(converted, bool):
        return _key(converted, str_cap)
    return _cap_str(_repr_of(k) if converted is _UNCONVERTIBLE else str(converted), str_cap)


def sanitize(obj, str_cap=STR_CAP, items_cap=None, _depth=0, _active=None):
    """Rewrite ``obj`` into plain JSON data: special floats tagged, keys strings, cycles and
    unknown objects as text. Never raises."""
    t = type(obj)
    if t is str:
        return _cap_str(obj, str_cap)
    if obj is None or t is bool:
        return obj
    if t is int:
        return obj if -MAX_EXACT_INT <= obj <= MAX_EXACT_INT else tag_int(obj)
    if t is float:
        special = special_float(obj)
        return obj if special is None else special
    if _depth >= _DEPTH_CAP:
        warn("a value nested deeper than %d levels was logged as text" % _DEPTH_CAP, key="depth")
        return _cap_str(_repr_of(obj), str_cap)
    if _active is None:
        _active = set()
    if isinstance(obj, (dict, list, tuple)):
        if id(obj) in _active:
            warn("a value contains itself; the inner reference was logged as text", key="cycle")
            return "<cycle>"
        _active.add(id(obj))
        try:
            if isinstance(obj, dict):
                out = {}
                for i, (k, v) in enumerate(list(obj.items())):
                    if items_cap is not None and i >= items_cap:
                        out["..."] = "%d more entries" % (len(obj) - items_cap)
                        break
                    out[_key(k, str_cap)] = sanitize(v, str_cap, items_cap, _depth + 1, _active)
                return out
            items = list(obj)
            if items_cap is not None and len(items) > items_cap:
                extra = len(items) - items_cap
                items = items[:items_cap]
                return [sanitize(v, str_cap, items_cap, _depth + 1, _active) for v in items] + [
                    "...%d more items" % extra
                ]
            return [sanitize(v, str_cap, items_cap, _depth + 1, _active) for v in items]
        finally:
            _active.discard(id(obj))
    if isinstance(obj, str):
        return _cap_str(str(obj), str_cap)
    if isinstance(obj, bool):
        return bool(obj)
    if isinstance(obj, int):
        return sanitize(int(obj))
    if isinstance(obj, float):
        return sanitize(float(obj))
    converted = convert_object(obj)
    if converted is _UNCONVERTIBLE:
        return _cap_str(_repr_of(obj), str_cap)
    return sanitize(converted, str_cap, items_cap, _depth + 1, _active)


_fast = json.JSONEncoder(separators=(",", ":"), allow_nan=True, default=_default).encode
_strict = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def encode(obj, exact_ints=True):
    """One line of JSON text (no newline) for ``obj``, or None when nothing sane fits in a line.

    ``exact_ints=False`` skips the check for integers beyond 2**53, for metric values that ``log()`` has
    already made floats."""
    try:
        text = _fast(obj)
        if (("NaN" not in text and "Infinity" not in text) and len(text) <= LINE_CAP
                and not (exact_ints and _LONG_DIGITS.search(text))):
            return text
    except Exception:  # unknown keys, cycles, deep nesting, failing .item(): take the slow path
        pass
    try:
        text = _strict(sanitize(obj))
        if len(text) <= LINE_CAP:
            return text
        warn("a record over %d MB was shortened" % (LINE_CAP >> 20), key="linecap")
        text = _strict(sanitize(obj, _TIGHT_STR_CAP, _TIGHT_ITEMS_CAP))
        if len(text) <= LINE_CAP:
            return text
    except Exception as e:  # pragma: no cover - sanitize output is plain data; belt and braces
        warn("a record could not be encoded (%s: %s) and was dropped" % (type(e).__name__, e), key="encfail")
        return None
    warn("a record too large to log was dropped", key="dropbig")
    return None


def decode_value(v):
    """Inverse of the special-float and large-integer tagging, for readers of our own logs."""
    if type(v) is dict:
        if len(v) == 1:
            if "$float" in v:
                tag = v["$float"]
                if tag == "NaN":
                    return math.nan
                if tag == "Infinity":
                    return math.inf
                if tag == "-Infinity":
                    return -math.inf
            elif "$int" in v:
                n = int_from_tag(v)
                if n is not None:
                    return n
        return {k: decode_value(x) for k, x in v.items()}
    if type(v) is list:
        return [decode_value(x) for x in v]
    return v
