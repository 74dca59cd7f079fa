"""``run.config`` and ``run.summary``: dict-like views that record every change as a log record."""

import time

from ._encode import decode_value, sanitize


class _View(object):
    """The read side both views share: a dict's reading methods over ``_data``."""

    __slots__ = ()

    def __getitem__(self, key):
        return self._data[key]

    def get(self, key, default=None):
        return self._data.get(key, default)

    def keys(self):
        return self._data.keys()

    def items(self):
        return self._data.items()

    def values(self):
        return self._data.values()

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self._data)


class Config(_View):
    """``run.config``: the run's params (config merged with overrides and later updates).

    Reads like a dict and by attribute (``run.config.lr``). Assigning a key or calling ``update`` records
    the change as a ``params`` record. Nested dicts come back as copies: change them through assignment.
    """

    __slots__ = ("_run", "_data")

    def __init__(self, run, data):
        object.__setattr__(self, "_run", run)
        object.__setattr__(self, "_data", data)

    def __getattr__(self, key):
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setitem__(self, key, value):
        self.update({key: value})

    __setattr__ = __setitem__

    def update(self, other=None, **kwargs):
        data = dict(other or {}, **kwargs)
        if data:
            self._run._record_params(data, "config")

    def setdefaults(self, other):
        """Set the keys of ``other`` that the config does not have yet (wandb's allow_val_change=False)."""
        self.update({k: v for k, v in dict(other).items() if k not in self._data})

    def as_dict(self):
        # A deep, plain copy. Not a JSON round trip: that would turn NaN into a bare token and fail on
        # integers too long for str().
        return _deep_copy(self._data)

    def __eq__(self, other):
        return self._data == (other._data if isinstance(other, Config) else other)



def _deep_copy(v):
    if type(v) is dict:
        return {k: _deep_copy(x) for k, x in v.items()}
    if type(v) is list:
        return [_deep_copy(x) for x in v]
    return v


class Summary(_View):
    """``run.summary``: final values shown with the run (best accuracy, test score...).

    Each assignment is written as a ``summary`` record; later values win.
    """

    __slots__ = ("_run", "_data")

    def __init__(self, run):
        self._run = run
        self._data = {}

    def __setitem__(self, key, value):
        self.update({key: value})

    def update(self, other=None, **kwargs):
        data = dict(other or {}, **kwargs)
        if not data:
            return
        plain = sanitize(data)
        with self._run._lock:  # record order in the file = order of the updates
            if self._run._closed:
                return self._run._log_after_close()
            self._data.update(decode_value(plain))
            self._run._put({"t": "summary", "ts": time.time(), "values": plain})
