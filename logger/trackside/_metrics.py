"""The slow path of ``run.log()``: turning what a training loop passes into metric values and steps.

``log()`` itself only checks that every value is a float or an int small enough for JavaScript to read
exactly; anything else comes here once.
"""

import math
import numbers

from ._encode import MAX_EXACT_INT, convert_object
from ._warn import warn

# A step is an integer a reader can hold exactly (JavaScript: a double). Larger steps would collide.
MAX_STEP = MAX_EXACT_INT


def coerce_metrics(values, prefix="", out=None):
    """Convert numpy/torch scalars, flatten nested dicts with "/", make integers beyond 2**53 floats and drop
    what is not a number (with a warning), so the record still holds every valid metric."""
    if out is None:
        out = {}
    for k, v in values.items():
        key = prefix + (k if type(k) is str else str(k))
        t = type(v)
        if t is float:
            out[key] = v
            continue
        if t is int:
            out[key] = _metric_int(key, v)
            continue
        if t is bool:
            out[key] = int(v)
            continue
        if isinstance(v, dict):
            coerce_metrics(v, key + "/", out)
            continue
        if v is None:
            continue
        if isinstance(v, numbers.Real) and not isinstance(v, bool):
            try:
                out[key] = float(v) if not isinstance(v, numbers.Integral) else _metric_int(key, int(v))
                continue
            except Exception:
                pass
        converted = convert_object(v)
        if type(converted) is float:
            out[key] = converted
        elif type(converted) is int:
            out[key] = _metric_int(key, converted)
        elif type(converted) is bool:
            out[key] = int(converted)
        else:
            warn("metric %r is a %s, not a number; it was not logged" % (key[:200], type(v).__name__),
                 key=("metric-type", key[:200]))
    return out


def _metric_int(key, v):
    """Metrics are plotted as doubles: an integer beyond 2**53 is logged as the nearest float (±Infinity past
    the float range) rather than as digits a reader would misread."""
    if -MAX_EXACT_INT <= v <= MAX_EXACT_INT:
        return v
    warn("metric %r is an integer beyond 2**53; it was logged as a float (rounded)" % key[:200],
         key=("metric-bigint", key[:200]))
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def coerce_step(step, fallback):
    """``step`` as an int in [0, 2**53], or ``fallback`` (with a warning) when it is not one."""
    try:
        value = step if isinstance(step, (numbers.Integral, float)) else convert_object(step)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value <= MAX_STEP:
            raise ValueError
        return int(value)
    except Exception:
        warn("step must be an integer from 0 to 2**53, not %r; using the next step" % (step,), key="step")
        return fallback
