"""A bus roster's progress: who is present, missing, absent or moved (pure).

Each entry of a roster (one expected passenger) has a status, folded from the marks the
marshals recorded::

    expected ──TICK (by scan, or by name with a reason)──▶ present
    expected ──MARK_ABSENT (reason)──▶ absent ──TICK──▶ present   (came late after all)
    present ──UNTICK (reason: a wrong tick)──▶ expected
    expected / absent / present ──MOVE_OUT (to another roster, reason)──▶ moved
    (a moved passenger is not counted on this roster; the other roster gains an entry)

A walk-in is a new entry added with a reason; adding it ticks it (the passenger stands
at the door). The roster itself departs once (``DEPART``); after that nothing is
ticked, marked or moved on it.

:func:`check_mark` is the strict rule a device applies before it records a mark: it
returns a :class:`BusProblem` and an English message saying why, or None.
:func:`fold` folds every device's marks of one entry into its status, the same
whatever order they arrived in (sorted by time, device, sequence); a tick is a fact
(the passenger boarded), so it applies even where the strict rule would have refused
it, except on a moved entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class EntryState(StrEnum):
    EXPECTED = "expected"
    PRESENT = "present"
    ABSENT = "absent"
    MOVED = "moved"


class Mark(StrEnum):
    TICK = "tick"
    UNTICK = "untick"
    MARK_ABSENT = "mark_absent"
    MOVE_OUT = "move_out"


class TickMethod(StrEnum):
    SCAN = "scan"
    NAME = "name"  # by hand, from the list: a reason is required
    WALK_IN = "walk_in"


class BusProblem(StrEnum):
    ALREADY_PRESENT = "ALREADY_PRESENT"
    NOT_PRESENT = "NOT_PRESENT"
    ALREADY_ABSENT = "ALREADY_ABSENT"
    MOVED = "MOVED"
    DEPARTED = "DEPARTED"
    REASON_REQUIRED = "REASON_REQUIRED"
    SAME_ROSTER = "SAME_ROSTER"
    NOT_ON_ROSTER = "NOT_ON_ROSTER"
    ALREADY_ON_ROSTER = "ALREADY_ON_ROSTER"


class BusRefused(Exception):
    """A mark the roster refuses: ``code`` for the UI, the message says why."""

    def __init__(self, code: BusProblem, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _clock(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%MZ")


@dataclass(frozen=True, slots=True)
class EntryMark:
    """One recorded mark of one roster entry."""

    mark: Mark
    at: int
    device_id: str = ""
    seq: int = 0
    method: TickMethod | None = None  # TICK only
    reason: str | None = None
    to_roster: str | None = None  # MOVE_OUT only

    def sort_key(self) -> tuple[object, ...]:
        return (
            self.at, self.device_id, self.seq, str(self.mark), str(self.method or ""),
            self.reason or "", self.to_roster or "",
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class EntryStatus:
    state: EntryState = EntryState.EXPECTED
    since: int | None = None
    method: TickMethod | None = None
    reason: str | None = None
    to_roster: str | None = None

    def when(self) -> str:
        return f" at {_clock(self.since)}" if self.since is not None else ""


def check_mark(status: EntryStatus, mark: EntryMark, *, departed_at: int | None) -> None:
    """Raise :class:`BusRefused` when the strict rule refuses ``mark`` now."""
    if departed_at is not None:
        raise BusRefused(BusProblem.DEPARTED, f"the bus departed at {_clock(departed_at)}")
    needs_reason = mark.mark in (Mark.UNTICK, Mark.MARK_ABSENT, Mark.MOVE_OUT) or (
        mark.mark is Mark.TICK and mark.method in (TickMethod.NAME, TickMethod.WALK_IN)
    )
    if needs_reason and not (mark.reason or "").strip():
        what = {
            Mark.TICK: "ticking a passenger by hand",
            Mark.UNTICK: "undoing a tick",
            Mark.MARK_ABSENT: "marking a passenger absent",
            Mark.MOVE_OUT: "moving a passenger to another bus",
        }[mark.mark]
        raise BusRefused(BusProblem.REASON_REQUIRED, f"{what} needs a reason")
    state = status.state
    if state is EntryState.MOVED:
        raise BusRefused(BusProblem.MOVED, f"moved to {status.to_roster}{status.when()}")
    if mark.mark is Mark.TICK and state is EntryState.PRESENT:
        how = f" ({status.method})" if status.method else ""
        raise BusRefused(BusProblem.ALREADY_PRESENT, f"already ticked{status.when()}{how}")
    if mark.mark is Mark.UNTICK and state is not EntryState.PRESENT:
        raise BusRefused(BusProblem.NOT_PRESENT, f"not ticked (state {state})")
    if mark.mark is Mark.MARK_ABSENT:
        if state is EntryState.PRESENT:
            raise BusRefused(BusProblem.ALREADY_PRESENT, f"present{status.when()}")
        if state is EntryState.ABSENT:
            raise BusRefused(BusProblem.ALREADY_ABSENT, f"already marked absent{status.when()}")


def _step(mark: EntryMark) -> EntryStatus:
    state = {
        Mark.TICK: EntryState.PRESENT,
        Mark.UNTICK: EntryState.EXPECTED,
        Mark.MARK_ABSENT: EntryState.ABSENT,
        Mark.MOVE_OUT: EntryState.MOVED,
    }[mark.mark]
    return EntryStatus(state, mark.at, mark.method, mark.reason, mark.to_roster)


def apply_mark(status: EntryStatus, mark: EntryMark, *, departed_at: int | None) -> EntryStatus:
    """The status after ``mark``, or :class:`BusRefused`."""
    check_mark(status, mark, departed_at=departed_at)
    return _step(mark)


def fold(marks: Iterable[EntryMark]) -> EntryStatus:
    """One entry's status from every device's marks (order-independent, see module doc)."""
    status = EntryStatus()
    for mark in sorted(set(marks), key=EntryMark.sort_key):
        try:
            check_mark(status, mark, departed_at=None)
        except BusRefused:
            is_fact = mark.mark is Mark.TICK and status.state not in (
                EntryState.MOVED,
                EntryState.PRESENT,  # the earliest tick stands
            )
            if not is_fact:
                continue
        status = _step(mark)
    return status


@dataclass(frozen=True, slots=True)
class Progress:
    """``present/expected`` of a roster (moved passengers are not expected here)."""

    expected: int
    present: int
    absent: int
    moved: int

    @property
    def missing(self) -> int:
        return self.expected - self.present

    @property
    def all_present(self) -> bool:
        return self.expected > 0 and self.present == self.expected

    def label(self) -> str:
        return f"{self.present}/{self.expected}"


def progress(states: Iterable[EntryState]) -> Progress:
    counts = dict.fromkeys(EntryState, 0)
    for state in states:
        counts[state] += 1
    expected = counts[EntryState.EXPECTED] + counts[EntryState.PRESENT] + counts[EntryState.ABSENT]
    return Progress(
        expected, counts[EntryState.PRESENT], counts[EntryState.ABSENT], counts[EntryState.MOVED]
    )
