"""What the benchmarks share to time a step and print their results table.

Each benchmark prints a table, a row per measurement against its target with a
baseline from the same run, and then how many targets were met (``targets: 9/10 met``;
the tests read both).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """``fn()``'s time in seconds, and its value."""
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def timed_ms(fn: Callable[[], Any]) -> float:
    """``fn()``'s time in milliseconds."""
    return timed(fn)[0] * 1000


@dataclass
class Row:
    """A measurement, its target, and a baseline measured in the same run."""

    label: str
    measured: float  # seconds
    target_ms: float
    baseline_label: str
    baseline: float  # seconds
    judged: bool = True

    @property
    def ms(self) -> float:
        return self.measured * 1000

    @property
    def passed(self) -> bool:
        return self.ms < self.target_ms


def print_header(header: str) -> None:
    """A blank line, the table's column titles, and a rule under them."""
    print()
    print(header)
    print("-" * len(header))


def print_rows(rows: Sequence[Row], *, label: int, baseline: int, ratio: int) -> None:
    """The table of ``rows``: the measurement's column ``label`` characters wide, the
    baseline's ``baseline``, and its ratio (``x base``) ``ratio``."""
    print_header(
        f"{'measurement':<{label}}{'measured':>12}{'target':>10}{'ratio':>7}  "
        f"{'baseline (same run)':<{baseline}}{'value':>11}{'x base':>{ratio}}  result"
    )
    for row in rows:
        result = ("PASS" if row.passed else "FAIL") if row.judged else "info"
        print(
            f"{row.label:<{label}}{row.ms:>9.2f} ms{row.target_ms:>7.0f} ms"
            f"{row.ms / row.target_ms:>7.2f}  {row.baseline_label:<{baseline}}"
            f"{row.baseline * 1000:>8.2f} ms"
            f"{row.measured / max(row.baseline, 1e-9):>{ratio}.1f}  {result}"
        )


def print_targets(judged: int, failed: Sequence[str]) -> None:
    """How many of the ``judged`` targets were met, and which were missed."""
    print()
    print(
        f"targets: {judged - len(failed)}/{judged} met"
        + (f"; MISSED: {', '.join(failed)}" if failed else "")
    )
