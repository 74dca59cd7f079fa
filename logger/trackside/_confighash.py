"""Config flattening, override merging and the canonical config hash (docs/log-format.md, "Config hash").

The hash is defined on the JSON data a reader gets back from the log, so that the TypeScript side can
compute the same value from the spec alone: numbers are formatted the way ECMAScript's ``String(x)``
does (JavaScript cannot tell ``1`` from ``1.0`` anyway), strings are escaped to ASCII.
"""

import hashlib
import json
import math

from ._encode import decode_value, sanitize

_MAX_SAFE = 2 ** 53


def is_tagged_number(v):
    """A ``{"$float": ...}`` or ``{"$int": "<digits>"}`` object: a number, so a leaf, never flattened."""
    return type(v) is dict and len(v) == 1 and ("$float" in v or "$int" in v)


def flatten(params, prefix="", out=None):
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``. Keys are visited in sorted order, so when two entries
    flatten to the same key the one whose raw key sorts later wins, independent of dict order."""
    if out is None:
        out = {}
    for k in sorted(params, key=_codepoints):
        v = params[k]
        key = prefix + k
        if type(v) is dict and v and not is_tagged_number(v):
            flatten(v, key + ".", out)
        else:
            out[key] = v
    return out


def _codepoints(s):
    # Sorting by UTF-8 bytes equals sorting by code point, which is what the spec names.
    return s.encode("utf-8", "surrogatepass")


def merge_flat(base, *updates):
    """Key-by-key merge of flattened params, later updates winning (the reader's rule)."""
    merged = dict(base)
    for u in updates:
        merged.update(u)
    return merged


def deep_merge(config, overrides):
    """Merge overrides into a nested config (a new dict; ``config`` is not changed).

    A dotted key such as ``optimizer.lr`` sets ``config["optimizer"]["lr"]`` when the config nests
    that way, or the literal key ``"optimizer.lr"`` when it exists or cannot nest.
    """
    out = _copy_nested(config)
    for k, v in overrides.items():
        _set(out, k, v)
    return out


def _copy_nested(d):
    return {k: (_copy_nested(v) if type(v) is dict else v) for k, v in d.items()}


def _set(target, key, value):
    if type(value) is dict and type(target.get(key)) is dict:
        for k, v in value.items():
            _set(target[key], k, v)
        return
    if key in target or "." not in key:
        target[key] = _copy_nested(value) if type(value) is dict else value
        return
    head, rest = key.split(".", 1)
    if head in target and type(target[head]) is not dict:
        target[key] = value  # "optimizer" is a string here: keep the dotted key as is
        return
    _set(target.setdefault(head, {}), rest, value)


def canonical_number(x):
    """ECMAScript Number::toString for a float or int."""
    if type(x) is int:
        if -_MAX_SAFE <= x <= _MAX_SAFE:
            return str(x)
        try:
            x = float(x)
        except OverflowError:
            return "Infinity" if x > 0 else "-Infinity"
    if x != x:
        return "NaN"
    if x == math.inf:
        return "Infinity"
    if x == -math.inf:
        return "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))  # shortest round-trip digits, the same digits ECMAScript picks
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        whole, frac = mant.split(".")
    else:
        whole, frac = mant, ""
    digits = (whole + frac).lstrip("0")
    # value = 0.<digits> * 10**n
    n = len(whole) + exp - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    esign = "+" if e >= 0 else "-"
    m = digits[0] + ("." + digits[1:] if k > 1 else "")
    return sign + m + "e" + esign + str(abs(e))


def canonical_value(v):
    """Canonical JSON text of one flattened value."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    t = type(v)
    if t is str:
        return json.dumps(v, ensure_ascii=True)
    if t is int or t is float:
        return canonical_number(v)
    if t is dict:
        if is_tagged_number(v):
            n = decode_value(v)  # a number, or the dict itself when the tag is not one we know
            if type(n) is not dict:
                return canonical_number(n)  # an $int is rounded to a double, like the same integer written bare
        return "{" + ",".join(
            json.dumps(k, ensure_ascii=True) + ":" + canonical_value(v[k]) for k in sorted(v, key=_codepoints)
        ) + "}"
    if t is list:
        return "[" + ",".join(canonical_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=True)


def canonical_text(flat):
    return "{" + ",".join(
        json.dumps(k, ensure_ascii=True) + ":" + canonical_value(flat[k]) for k in sorted(flat, key=_codepoints)
    ) + "}"


def hash_flat(flat):
    """sha256 hex of the canonical text of already flattened, already sanitized params."""
    return hashlib.sha256(canonical_text(flat).encode("utf-8", "surrogatepass")).hexdigest()


def to_plain(config):
    """Whatever the user passed as config (dict, argparse Namespace, dataclass, None) as plain JSON data."""
    if config is None:
        return {}
    data = sanitize(config)
    if type(data) is not dict:
        raise TypeError("config must be a mapping, an argparse.Namespace or a dataclass, not %s" % type(config).__name__)
    return data


def config_hash(config, overrides=None):
    """The hash a run logged with ``config`` (and these overrides) carries as ``config_hash``."""
    flat = flatten(to_plain(config))
    if overrides:
        flat = merge_flat(flat, flatten(to_plain(overrides)))
    return hash_flat(flat)
