"""Process-wide hooks shared by every run: atexit, SIGTERM/SIGINT/SIGHUP, uncaught exceptions, exits, fork.

Installed once, on the first init(). Each hook records what happened to the live runs, then hands over
to whatever was there before, so a user's own handlers and KeyboardInterrupt still work.
"""

import atexit
import os
import signal
import sys
import threading
import time

from . import _exits, _warn

_active = []  # live runs of this process, oldest first
_installed = False
_owner_pid = os.getpid()
_previous_signal = {}
_previous_excepthook = None


def register(run, install_signal_handlers=True):
    global _installed
    _active.append(run)
    if not _installed:
        _installed = True
        atexit.register(_at_exit)
        _install_excepthook()
        _exits.install(_on_os_exit)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_after_fork_in_child)
    if install_signal_handlers:
        _install_signal_handlers()


def unregister(run):
    try:
        _active.remove(run)
    except ValueError:
        pass


def active_runs():
    return list(_active)


def _at_exit():
    runs = list(reversed(_active))
    if not runs or os.getpid() != _owner_pid:
        return
    try:
        end = _exits.ending()
    except Exception:  # never let the exit path fail: fall back to "finished, code unknown"
        end = ("unknown",)
    for run in runs:
        run._finish_implicitly(end)


def _on_os_exit(code, stack):
    if os.getpid() != _owner_pid:
        return
    text = "Traceback (most recent call last):\n%sos._exit(%d)\n" % ("".join(stack.format()), code)
    for run in reversed(_active[:]):
        try:
            run._end(_exits.exit_record(code, time.time(), "os._exit", text), wait=1.0)
        except Exception:
            pass


def _install_signal_handlers():
    if threading.current_thread() is not threading.main_thread():
        return  # signal.signal only works on the main thread; atexit still covers a normal exit
    # SIGHUP: closing the terminal a training script runs in (a VS Code terminal's trash can) hangs it up.
    names = ["SIGTERM", "SIGINT", "SIGHUP"]
    if "ipykernel" in sys.modules:
        # In a notebook, SIGINT interrupts one cell, not the run: the kernel (and the run) carry on.
        names.remove("SIGINT")
    for name in names:
        signum = getattr(signal, name, None)
        if signum is None or signum in _previous_signal:
            continue
        try:
            prev = signal.getsignal(signum)
            if prev is None or prev == signal.SIG_IGN:
                # Installed outside Python (cannot chain to it) or ignored (the process would not die).
                continue
            signal.signal(signum, _on_signal)
            _previous_signal[signum] = prev
        except (ValueError, OSError):
            pass


def _on_signal(signum, frame):
    prev = _previous_signal.get(signum, signal.SIG_DFL)
    if os.getpid() == _owner_pid:
        for run in reversed(_active[:]):
            run._mark_killed(signum)
    if callable(prev):
        return prev(signum, frame)  # default_int_handler raises KeyboardInterrupt here
    # Default action: die by the same signal so the exit status says what happened.
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_excepthook():
    global _previous_excepthook
    _previous_excepthook = sys.excepthook
    sys.excepthook = _on_uncaught


def _on_uncaught(exc_type, exc, tb):
    if os.getpid() == _owner_pid:
        for run in reversed(_active[:]):
            try:
                run._mark_failed(exc_type, exc, tb)
            except Exception:
                pass
    hook = _previous_excepthook or sys.__excepthook__
    return hook(exc_type, exc, tb)


def _after_fork_in_child():
    # A forked child (a DataLoader worker, say) inherits the runs but not the writer thread; it must
    # not write the parent's status on exit or on a signal.
    global _owner_pid
    _owner_pid = os.getpid()
    for run in _active:
        run._detach_after_fork()
    del _active[:]
    _exits.forget_after_fork()
    # Another thread may have held the warning lock at the fork; it will never release it in this process.
    _warn._lock = threading.Lock()
