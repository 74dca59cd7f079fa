"""Warnings for the user on stderr, each at most once.

Training loops call the logger thousands of times; a warning repeated on every call would bury the
training output, so every message has a key and is printed the first time only.
"""

import sys
import threading

_seen = set()
_lock = threading.Lock()


def warn(message, key=None):
    """Print ``trackside: <message>`` to stderr once per key (the message itself when no key)."""
    k = message if key is None else key
    with _lock:
        if k in _seen:
            return
        _seen.add(k)
    try:
        sys.stderr.write("trackside: " + message + "\n")
        sys.stderr.flush()
    except Exception:  # a closed or broken stderr must never stop training
        pass


def reset_for_tests():
    with _lock:
        _seen.clear()
