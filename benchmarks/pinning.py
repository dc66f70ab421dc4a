"""Run a benchmark on one core: the allowed CPU least busy right now, or a chosen one.

Always taking CPU 0 would put two benchmarks run at once (or a benchmark and a test
run) on one core while the other idles.
"""

from __future__ import annotations

import os
import time


def _busy_ticks() -> dict[int, int]:
    """Non-idle jiffies per CPU so far (``/proc/stat``; empty where there is none)."""
    busy: dict[int, int] = {}
    try:
        with open("/proc/stat") as stat:
            for line in stat:
                name, *fields = line.split()
                if name.startswith("cpu") and name[3:].isdigit():
                    ticks = [int(f) for f in fields]
                    busy[int(name[3:])] = sum(ticks) - ticks[3] - ticks[4]  # minus idle, iowait
    except (OSError, ValueError, IndexError):
        return {}
    return busy


def pin_to_one_cpu(cpu: int | None = None, sample_s: float = 0.5) -> str | None:
    """Pin this process to ``cpu``, by default to the allowed CPU least busy over the
    next ``sample_s`` seconds. Returns how it chose ("CPU 1 of 2, the least busy: 3 busy
    ticks in 0.5 s"), or None where a process cannot be pinned."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = sorted(os.sched_getaffinity(0))
    if cpu is None:
        before = _busy_ticks()
        time.sleep(sample_s)
        after = _busy_ticks()
        load = {c: after.get(c, 0) - before.get(c, 0) for c in allowed}
        cpu = min(allowed, key=lambda c: (load[c], c))
        how = f"the least busy: {load[cpu]} busy ticks in {sample_s:g} s"
    else:
        how = "chosen"
    os.sched_setaffinity(0, {cpu})
    return f"CPU {cpu} of {len(allowed)}, {how}"
