"""Work-arounds for bugs of the installed Qt binding, applied once per process.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True`` without
taking a reference to it, so every ``signal.emit(...)`` made from Python takes one
reference away from ``True``. ``True`` starts with a few hundred; after that many
emits the interpreter aborts ("Fatal Python error: bool_dealloc: deallocating True or
False") — at the latest when it collects garbage at exit, or in the middle of a shift.
(Python 3.12 and later make ``True`` immortal, which hides it.)

:func:`fix_signal_emit_refcount` measures whether this binding has the bug (a few
emits of a private signal) and, only then, wraps ``SignalInstance.emit`` to give the
result its missing reference. It is idempotent and cheap (one Python call per emit).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_applied: bool | None = None


class _Probe(QObject):
    ping = Signal()


def emit_leaks_a_reference() -> bool:
    """Whether ``emit()`` here takes a reference from its result (the bug above)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    leaked = sys.getrefcount(True) < before
    if leaked:  # give back what the probe took
        for _ in range(before - sys.getrefcount(True)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return leaked


def fix_signal_emit_refcount() -> bool:
    """Apply the work-around when this binding needs it; True when it was applied."""
    global _applied
    if _applied is not None:
        return _applied
    _applied = emit_leaks_a_reference()
    if _applied:
        original = SignalInstance.emit
        incref = ctypes.pythonapi.Py_IncRef
        incref.argtypes = [ctypes.py_object]

        def emit(self: Any, *args: Any) -> Any:
            result = original(self, *args)
            incref(result)  # the reference emit() should have given its caller
            return result

        emit.__doc__ = original.__doc__
        SignalInstance.emit = emit  # type: ignore[method-assign]
    return _applied


__all__ = ["emit_leaks_a_reference", "fix_signal_emit_refcount"]
