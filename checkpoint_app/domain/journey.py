"""A traveller's journey state at one checkpoint (DESIGN.md §3), and how devices agree on it.

States and the transitions that lead between them::

    new ──EXPECT──▶ expected ──MARK_ABSENT──▶ absent
    new / expected / absent ──ENTER──▶ entered ──HAND_OVER──▶ handed_over
    new / expected / absent ──REFER──▶ referred ──ENTER──▶ entered
                                       referred ──DENY──▶ denied
                                       referred ──HAND_OVER──▶ handed_over
    new / expected / absent ──DENY──▶ denied
    new / expected / absent / referred ──PROVISIONAL_ADMIT──▶ provisional
    provisional ──CONFIRM──▶ entered          provisional ──FLAG──▶ flagged
    any state ──OVERRIDE (supervisor, reason, to entered or denied)──▶ entered / denied

``new`` is "nothing recorded at this checkpoint yet". :func:`apply` is the strict
state machine a device runs before it records a transition: an illegal transition
raises :class:`IllegalTransition` with a :class:`JourneyProblem` code (the UI's text)
and an English message that says why (``already entered at 2026-11-25 09:31Z, gate 2``).
A denied or flagged traveller moves only by a supervisor override.

:func:`merge` folds the transitions that several devices recorded for one traveller
into one journey, the same on every device whatever order the events arrived in:

- events are deduplicated (the same event twice counts once) and applied in the
  order ``(occurred_at, device_id, seq, …the other fields)`` — a total order, so any
  permutation of the input gives the same result;
- entering is a fact, not a request: an ``ENTER`` (or ``CONFIRM``) recorded by another
  device always makes the traveller entered, even if this device's state machine would
  have refused it (say a gate that was offline admitted a traveller another gate had
  denied); it is reported as a conflict for the supervisor. So "has entered" is
  monotonic: more events never undo it, only a supervisor ``OVERRIDE`` to denied does;
- the earliest entry wins (:attr:`Journey.entry`); every later ``ENTER`` or
  ``PROVISIONAL_ADMIT`` of an entered traveller is a duplicate entry
  (:attr:`Merged.duplicate_entries`);
- any other event the state machine refuses is skipped and reported
  (:attr:`Merged.conflicts`), never raised: two gates that were offline never conflict
  in a way that stops the merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final


class JourneyState(StrEnum):
    NEW = "new"
    EXPECTED = "expected"
    ENTERED = "entered"
    REFERRED = "referred"
    DENIED = "denied"
    PROVISIONAL = "provisional"
    FLAGGED = "flagged"
    ABSENT = "absent"
    HANDED_OVER = "handed_over"


class Transition(StrEnum):
    EXPECT = "expect"  # the traveller is on a roster for this checkpoint
    ENTER = "enter"
    REFER = "refer"
    DENY = "deny"
    PROVISIONAL_ADMIT = "provisional_admit"  # admitted on a visual check, code unverified
    CONFIRM = "confirm"  # the provisional admission's code verified online
    FLAG = "flag"  # the provisional admission's code failed online verification
    MARK_ABSENT = "mark_absent"  # by the marshal, with a reason
    HAND_OVER = "hand_over"  # passed to the next team
    OVERRIDE = "override"  # supervisor: to entered or denied, with a reason


class JourneyProblem(StrEnum):
    """Why a transition was refused."""

    ALREADY_ENTERED = "ALREADY_ENTERED"
    ALREADY_DENIED = "ALREADY_DENIED"
    DENIED_NEEDS_OVERRIDE = "DENIED_NEEDS_OVERRIDE"
    FLAGGED_NEEDS_OVERRIDE = "FLAGGED_NEEDS_OVERRIDE"
    PROVISIONAL_PENDING = "PROVISIONAL_PENDING"
    NOT_PROVISIONAL = "NOT_PROVISIONAL"
    ALREADY_REFERRED = "ALREADY_REFERRED"
    ALREADY_HANDED_OVER = "ALREADY_HANDED_OVER"
    ALREADY_ON_ROSTER = "ALREADY_ON_ROSTER"
    NOT_ON_ROSTER = "NOT_ON_ROSTER"
    ALREADY_ABSENT = "ALREADY_ABSENT"
    ALREADY_PRESENT = "ALREADY_PRESENT"
    NOT_ADMITTED = "NOT_ADMITTED"
    REASON_REQUIRED = "REASON_REQUIRED"
    OPERATOR_REQUIRED = "OPERATOR_REQUIRED"
    BAD_OVERRIDE_TARGET = "BAD_OVERRIDE_TARGET"


_S = JourneyState
_T = Transition

#: The legal transitions of the strict state machine (OVERRIDE is legal from anywhere).
NEXT_STATE: Final[dict[tuple[JourneyState, Transition], JourneyState]] = {
    (_S.NEW, _T.EXPECT): _S.EXPECTED,
    **{(s, _T.ENTER): _S.ENTERED for s in (_S.NEW, _S.EXPECTED, _S.ABSENT, _S.REFERRED)},
    **{(s, _T.REFER): _S.REFERRED for s in (_S.NEW, _S.EXPECTED, _S.ABSENT)},
    **{(s, _T.DENY): _S.DENIED for s in (_S.NEW, _S.EXPECTED, _S.ABSENT, _S.REFERRED)},
    **{
        (s, _T.PROVISIONAL_ADMIT): _S.PROVISIONAL
        for s in (_S.NEW, _S.EXPECTED, _S.ABSENT, _S.REFERRED)
    },
    (_S.PROVISIONAL, _T.CONFIRM): _S.ENTERED,
    (_S.PROVISIONAL, _T.FLAG): _S.FLAGGED,
    (_S.EXPECTED, _T.MARK_ABSENT): _S.ABSENT,
    (_S.ENTERED, _T.HAND_OVER): _S.HANDED_OVER,
    (_S.REFERRED, _T.HAND_OVER): _S.HANDED_OVER,
}
OVERRIDE_TARGETS: Final = frozenset({_S.ENTERED, _S.DENIED})
_ENTRIES: Final = frozenset({_T.ENTER, _T.PROVISIONAL_ADMIT})


def _clock(at: int) -> str:
    """A UTC time for messages (the UI formats local time from the journey itself)."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%MZ")


@dataclass(frozen=True, slots=True)
class Stamp:
    """When, where and by whom something happened."""

    at: int
    gate: str | None = None
    device: str | None = None
    operator: str | None = None

    def describe(self) -> str:
        where = f", {self.gate}" if self.gate else ""
        return f"{_clock(self.at)}{where}"


@dataclass(frozen=True, slots=True)
class JourneyEvent:
    """One recorded transition. ``device_id`` and ``seq`` identify it (DESIGN.md §3)."""

    transition: Transition
    occurred_at: int
    device_id: str = ""
    seq: int = 0
    gate: str | None = None
    operator: str | None = None
    reason: str | None = None
    #: OVERRIDE only: ``entered`` or ``denied``.
    target: JourneyState | None = None

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.occurred_at, self.gate, self.device_id or None, self.operator)

    def sort_key(self) -> tuple[object, ...]:
        """A total order over events: time, device, sequence, then every other field."""

        def opt(value: str | None) -> tuple[bool, str]:
            return (value is not None, value or "")

        return (
            self.occurred_at, self.device_id, self.seq, str(self.transition),
            opt(self.gate), opt(self.operator), opt(self.reason), opt(self.target),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Journey:
    """Where a traveller stands at this checkpoint.

    ``state`` was reached at ``since``, at ``gate`` on ``device`` by ``operator`` with
    ``reason`` (a decision reason code, the marshal's or the supervisor's words).
    ``entry`` is the standing entry — the earliest — kept through a hand-over and
    cleared only by an override to denied.
    """

    state: JourneyState = JourneyState.NEW
    since: int | None = None
    gate: str | None = None
    device: str | None = None
    operator: str | None = None
    reason: str | None = None
    entry: Stamp | None = None

    @property
    def has_entered(self) -> bool:
        return self.entry is not None

    @property
    def stamp(self) -> Stamp | None:
        if self.since is None:
            return None
        return Stamp(self.since, self.gate, self.device, self.operator)

    def when(self) -> str:
        """`` at 2027-01-15 07:10Z, gate 2`` (when and where the state was reached), or ''."""
        return f" at {self.stamp.describe()}" if self.stamp is not None else ""


class IllegalTransition(Exception):
    """A transition the journey refuses: ``code`` for the UI, the message says why."""

    def __init__(self, code: JourneyProblem, message: str, journey: Journey) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.journey = journey


def refusal(journey: Journey, event: JourneyEvent) -> tuple[JourneyProblem, str] | None:
    """Why the strict state machine refuses ``event`` now, or None if it is legal."""
    state, t = journey.state, event.transition
    if t is _T.OVERRIDE:
        if event.target not in OVERRIDE_TARGETS:
            return JourneyProblem.BAD_OVERRIDE_TARGET, "an override leads to entered or denied"
        if not event.reason:
            return JourneyProblem.REASON_REQUIRED, "an override needs a reason"
        if not event.operator:
            return JourneyProblem.OPERATOR_REQUIRED, "an override needs the supervisor's name"
        return None
    if t is _T.MARK_ABSENT and state is _S.EXPECTED and not event.reason:
        return JourneyProblem.REASON_REQUIRED, "marking a traveller absent needs a reason"
    if (state, t) in NEXT_STATE:
        return None
    return _illegal(journey, t)


def can(journey: Journey, transition: Transition) -> bool:
    """Whether the strict state machine takes ``transition`` now (an override always, given
    a target, a reason and an operator)."""
    return transition is _T.OVERRIDE or (journey.state, transition) in NEXT_STATE


def _illegal(journey: Journey, t: Transition) -> tuple[JourneyProblem, str]:
    state, when = journey.state, journey.when()
    if state is _S.DENIED:
        if t is _T.DENY:
            return JourneyProblem.ALREADY_DENIED, f"already denied{when}"
        return (
            JourneyProblem.DENIED_NEEDS_OVERRIDE,
            f"denied{when}: a denied traveller can only be re-admitted by a supervisor override",
        )
    if state is _S.FLAGGED:
        return (
            JourneyProblem.FLAGGED_NEEDS_OVERRIDE,
            f"flagged{when}: the provisional admission failed its online check; "
            "only a supervisor override can settle it",
        )
    if journey.entry is not None and t is not _T.HAND_OVER:
        return JourneyProblem.ALREADY_ENTERED, f"already entered at {journey.entry.describe()}"
    if t in (_T.CONFIRM, _T.FLAG):
        return JourneyProblem.NOT_PROVISIONAL, f"not provisionally admitted (state {state})"
    if state is _S.PROVISIONAL:
        return (
            JourneyProblem.PROVISIONAL_PENDING,
            f"provisionally admitted{when}: confirm or flag it once the code is verified online",
        )
    if state is _S.HANDED_OVER:
        return JourneyProblem.ALREADY_HANDED_OVER, f"already handed over{when}"
    if t is _T.EXPECT:
        return JourneyProblem.ALREADY_ON_ROSTER, f"already known at this checkpoint ({state})"
    if t is _T.MARK_ABSENT:
        if state is _S.NEW:
            return (
                JourneyProblem.NOT_ON_ROSTER,
                "not on the roster: only the expected can be absent",
            )
        if state is _S.ABSENT:
            return JourneyProblem.ALREADY_ABSENT, f"already marked absent{when}"
        return JourneyProblem.ALREADY_PRESENT, f"already seen at this checkpoint ({state}{when})"
    if t is _T.HAND_OVER:
        return (
            JourneyProblem.NOT_ADMITTED,
            f"only an entered or referred traveller can be handed over (state {state})",
        )
    # What is left: REFER on referred (every other pair is legal or handled above).
    return JourneyProblem.ALREADY_REFERRED, f"already referred{when}"


def _moved(journey: Journey, event: JourneyEvent, state: JourneyState) -> Journey:
    return Journey(
        state=state,
        since=event.occurred_at,
        gate=event.gate,
        device=event.device_id or None,
        operator=event.operator,
        reason=event.reason,
        entry=journey.entry,
    )


def _step(journey: Journey, event: JourneyEvent) -> Journey:
    """Apply a transition already known to be legal."""
    if event.transition is _T.OVERRIDE:
        assert event.target is not None
        moved = _moved(journey, event, event.target)
        if event.target is _S.DENIED:
            return replace(moved, entry=None)
        return replace(moved, entry=journey.entry or event.stamp)
    state = NEXT_STATE[(journey.state, event.transition)]
    moved = _moved(journey, event, state)
    if event.transition is _T.ENTER:
        return replace(moved, entry=event.stamp)
    if event.transition is _T.CONFIRM:
        # The traveller entered when admitted provisionally; the confirmation says so.
        return replace(moved, entry=journey.stamp or event.stamp)
    return moved


def apply(journey: Journey, event: JourneyEvent) -> Journey:
    """The journey after ``event``, or :class:`IllegalTransition` saying why not."""
    refused = refusal(journey, event)
    if refused is not None:
        raise IllegalTransition(refused[0], refused[1], journey)
    return _step(journey, event)


@dataclass(frozen=True, slots=True)
class Conflict:
    """An event that the strict state machine would have refused at its place in the merge.

    ``applied`` is True for entries taken as facts (the traveller did enter), False for
    events skipped.
    """

    event: JourneyEvent
    code: JourneyProblem
    message: str
    applied: bool


@dataclass(frozen=True, slots=True)
class Merged:
    journey: Journey
    #: Entries after the standing one: other gates that admitted the entered traveller.
    duplicate_entries: tuple[Stamp, ...] = ()
    conflicts: tuple[Conflict, ...] = ()


def merge(events: Iterable[JourneyEvent]) -> Merged:
    """Fold one traveller's events from every device into one journey (see the module doc)."""
    journey = Journey()
    duplicates: list[Stamp] = []
    conflicts: list[Conflict] = []
    for event in sorted(set(events), key=JourneyEvent.sort_key):
        refused = refusal(journey, event)
        if refused is None:
            journey = _step(journey, event)
            continue
        code, message = refused
        t = event.transition
        if journey.entry is not None and t in _ENTRIES:
            duplicates.append(event.stamp)
            conflicts.append(Conflict(event, code, message, applied=False))
        elif journey.entry is None and t in (_T.ENTER, _T.CONFIRM):
            journey = replace(_moved(journey, event, _S.ENTERED), entry=event.stamp)
            conflicts.append(Conflict(event, code, message, applied=True))
        else:
            conflicts.append(Conflict(event, code, message, applied=False))
    return Merged(journey, tuple(duplicates), tuple(conflicts))
