"""How the process ends, for runs nobody finished: the exit code of ``sys.exit``, ``exit()``, ``os._exit``.

An atexit handler runs after the interpreter has already consumed the ``SystemExit`` that ends the script:
``sys.excepthook`` is not called for it, ``sys.last_value`` is not set, and the exit code lives only in a C
local. So the code has to be seen on its way out. What we rely on, most robust first:

1. Whether the script ended by an exception at all. The main thread's outermost frame (the script's
   module, or runpy's for ``-m``) ends on a return instruction when the code ran to its end, anywhere else
   when an exception escaped it. Read from the frame at exit, so a ``SystemExit`` raised and caught on the
   way (argparse in a ``try``, a probe in a thread, IPython) can never be taken for the real end.
2. Which ``SystemExit`` escaped. On Python 3.12+ a ``sys.monitoring`` PY_UNWIND callback sees every
   exception leave the outermost frame, however it was raised (``sys.exit``, ``exit()``, ``raise
   SystemExit(...)``); ordinary code runs at full speed, and each frame an exception unwinds costs one
   Python call and an identity check (~0.1 us on 3.12; a raise caught one frame up: 0.5 -> 0.6 us). Where
   that is not available (older Pythons, or every free tool id taken) ``sys.exit`` and the ``exit()``
   builtin are wrapped by pass-throughs that note the code and re-raise the very same exception. A
   ``SystemExit`` raised directly then goes unseen: the run is finished with no exit code.
3. ``os._exit`` skips atexit altogether; a pass-through ends the runs (flushing their queues) first.

Wrapping ``sys.exit`` alone (the usual trick) both misses ``raise SystemExit`` and takes an exit that was
caught and survived for the real one; point 1 removes the second problem on every version, point 2's
monitor the first on 3.12+. Tracing (``sys.settrace``/``setprofile``) would see everything but slow every
call of the training loop, which the logger must never do.
"""

import dis
import functools
import os
import sys
import threading
import traceback

_TRACEBACK_CAP = 256 << 10
_RETURNS = {dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST") if name in dis.opmap}
_TOOL_IDS = (4, 3)  # sys.monitoring ids no convention claims (0-2 and 5 are debugger, coverage, profiler...)

_root = [None]  # the main thread's outermost frame
_seen = [None]  # the last SystemExit seen leaving: the exception (3.12+), or (code, StackSummary) from a wrapper
_installed = [False]
_on_os_exit = [None]
_real = {}


def install(on_os_exit):
    """Once per process: find the outermost frame and start watching exits. ``on_os_exit(code, stack)`` is
    called before ``os._exit`` ends the process."""
    if _installed[0]:
        return
    _installed[0] = True
    _on_os_exit[0] = on_os_exit
    _root[0] = _outermost_main_frame()
    if not _monitor_unwinds():
        _wrap_exit_calls()
    _real["os._exit"] = os._exit
    os._exit = functools.update_wrapper(_os_exit, os._exit)


def exit_code_of(code):
    """The process exit status a ``SystemExit`` with this ``code`` gives, as CPython computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    return 1  # any other object is printed to stderr and the status is 1


def ending():
    """How the script ended, read at exit:
    ``("returned",)``: it ran to its end; ``("exit", code)``: a SystemExit with ``code``, plus its traceback text;
    ``("exception", type, value, tb)``: an uncaught exception sys.excepthook did not report to us;
    ``("unknown",)``: the script ended by an exception we could not see (or we could not tell)."""
    root = _root[0]
    if root is None:
        return ("unknown",)
    try:
        returned = root.f_code.co_code[root.f_lasti] in _RETURNS
    except Exception:
        return ("unknown",)
    if returned:
        return ("returned",)
    value = getattr(sys, "last_value", None)  # set by the interpreter for an uncaught exception, not a SystemExit
    if value is not None and not isinstance(value, SystemExit):
        return ("exception", type(value), value, getattr(sys, "last_traceback", None))
    seen = _seen[0]
    if seen is None:
        return ("unknown",)
    if isinstance(seen, BaseException):
        code, text = seen.code, "".join(traceback.format_exception(type(seen), seen, seen.__traceback__))
    else:
        code, stack = seen
        text = "Traceback (most recent call last):\n%sSystemExit: %s\n" % ("".join(stack.format()), _text(code))
    return ("exit", code, text[-_TRACEBACK_CAP:])


def status_record(end, ts):
    """The ``status`` record for an ending from :func:`ending` other than ``"exception"``."""
    if end[0] == "returned":
        return {"t": "status", "ts": ts, "status": "finished", "exit_code": 0}
    if end[0] == "exit":
        return exit_record(end[1], ts, "SystemExit", end[2])
    return {"t": "status", "ts": ts, "status": "finished"}  # the exit code was not seen: none is claimed


def exit_record(code, ts, kind, traceback_text):
    exit_code = exit_code_of(code)
    if exit_code == 0:
        return {"t": "status", "ts": ts, "status": "finished", "exit_code": 0}
    return {"t": "status", "ts": ts, "status": "failed", "exit_code": exit_code,
            "error": {"type": kind, "message": _text(code)[:64 << 10], "traceback": traceback_text}}


def forget_after_fork():
    _seen[0] = None


def _text(code):
    try:
        return str(code)
    except Exception:
        return "<str() failed>"


def _outermost_main_frame():
    try:
        frame = sys._current_frames().get(threading.main_thread().ident)
    except Exception:
        return None
    while frame is not None and frame.f_back is not None:
        frame = frame.f_back
    return frame


# -- Python 3.12+: watch exceptions leave the outermost frame ---------------------------------------------

def _monitor_unwinds():
    mon = getattr(sys, "monitoring", None)
    if mon is None or _root[0] is None:
        return False
    global _root_code
    _root_code = _root[0].f_code
    for tool in _TOOL_IDS:
        try:
            mon.use_tool_id(tool, "trackside")
        except ValueError:  # taken by another tool
            continue
        mon.register_callback(tool, mon.events.PY_UNWIND, _on_unwind)
        mon.set_events(tool, mon.get_events(tool) | mon.events.PY_UNWIND)
        return True
    return False


_root_code = None


def _on_unwind(code, offset, exc):
    # Runs for every frame any exception unwinds, in every thread: keep it to one identity check.
    if code is _root_code and isinstance(exc, SystemExit):
        _seen[0] = exc


# -- elsewhere: pass-throughs of sys.exit and exit()/quit() ------------------------------------------------

def _wrap_exit_calls():
    _real["sys.exit"] = sys.exit
    sys.exit = functools.update_wrapper(_sys_exit, sys.exit)
    import builtins

    quitter = type(getattr(builtins, "exit", None))
    if quitter.__module__ == "_sitebuiltins" and "__call__" in quitter.__dict__:
        _real["Quitter"] = quitter.__call__
        quitter.__call__ = functools.update_wrapper(_quitter_call, quitter.__call__)


def _sys_exit(status=None):
    try:
        _real["sys.exit"](status)
    except SystemExit as e:
        _note(e.code, sys._getframe(1))
        raise


def _quitter_call(self, code=None):
    try:
        return _real["Quitter"](self, code)
    except SystemExit as e:
        _note(e.code, sys._getframe(1))
        raise


def _note(code, frame):
    if threading.current_thread() is not threading.main_thread():
        return  # sys.exit in a thread ends the thread, not the process
    try:
        # Frame summaries without their source lines: cheap now, no frames kept alive; lines are read at exit.
        stack = traceback.StackSummary.extract(traceback.walk_stack(frame), lookup_lines=False)
        stack.reverse()
    except Exception:
        stack = traceback.StackSummary()
    _seen[0] = (code, stack)


# -- os._exit ------------------------------------------------------------------------------------------

def _os_exit(status):
    try:
        if isinstance(status, int) and _on_os_exit[0] is not None:  # anything else makes os._exit raise, not exit
            stack = traceback.StackSummary.extract(traceback.walk_stack(sys._getframe(1)), lookup_lines=False)
            stack.reverse()
            _on_os_exit[0](status, stack)
    except BaseException:
        pass  # nothing may stop the exit
    _real["os._exit"](status)
