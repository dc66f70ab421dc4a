"""Projections: what the screens read, derived from the event log alone (DESIGN.md §3).

Every projection table can be dropped and rebuilt from ``events`` at any time
(:func:`rebuild`), and :func:`apply` keeps them current inside the transaction that
appends each event. Two kinds of table:

* index tables, one row per event of a kind (``p_scans``, ``p_readings``,
  ``p_decisions``, ``p_journey_events``, ``p_roster_marks``, ``p_departures``);
* folded tables, one row per traveller (``p_travellers``, by
  :func:`checkpoint_app.domain.journey.merge`) or roster entry (``p_roster_status``,
  by :func:`checkpoint_app.domain.bus.fold`), recomputed from all of that key's index
  rows whenever one is added.

Because the folds sort their input themselves, the result does not depend on the
order events arrived in — this device's, or another gate's merged in by the sync —
so the stored projections always equal a rebuild (the crash test checks exactly that).

Event kinds and their payload fields (no personal data; see ``docs/events.md``):

==================  ======================================================================
``scan``            traveller, gate, format, result, status, repeat, …
``temperature``     traveller, gate, celsius, raw, unit, fever
``decision``        traveller, gate, action, reason, rule, …
``journey``         traveller, gate, transition, reason, target
``roster_mark``     roster_id, booking_id, mark, method, reason, to_roster
``bus_departed``    roster_id, present, expected, missing, reason
==================  ======================================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from checkpoint_app.domain.bus import EntryMark, Mark, TickMethod, fold
from checkpoint_app.domain.journey import JourneyEvent, JourneyState, Transition, merge
from checkpoint_app.store.event_log import Event

if TYPE_CHECKING:
    import sqlite_utils

#: Every projection table, in the order :func:`rebuild` clears them.
TABLES: Final = (
    "p_scans",
    "p_readings",
    "p_decisions",
    "p_journey_events",
    "p_travellers",
    "p_roster_marks",
    "p_roster_status",
    "p_departures",
)


def epoch_seconds(occurred_at: str) -> int:
    """``2026-11-25T08:31:05.123Z`` → whole epoch seconds."""
    return int(datetime.fromisoformat(occurred_at.replace("Z", "+00:00")).timestamp())


def _index(db: sqlite_utils.Database, event: Event) -> tuple[str, Any] | None:
    """Insert the event's index row; returns the key to refold, if any."""
    kind = event.kind
    if kind not in _INDEXED:
        return None
    data: dict[str, Any] = json.loads(event.payload)
    at = epoch_seconds(event.occurred_at)
    if kind == "scan":
        db.execute(
            "INSERT INTO p_scans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.event_id, data["traveller"], at, event.device_id, data.get("gate", ""),
                data["format"], data["result"], data.get("status"), int(bool(data.get("repeat"))),
            ],
        )  # fmt: skip
    elif kind == "temperature":
        db.execute(
            "INSERT INTO p_readings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.event_id, data["traveller"], at, event.device_id, data.get("gate", ""),
                float(data["celsius"]), str(data.get("raw", "")), str(data.get("unit", "C")),
                int(bool(data.get("fever"))),
            ],
        )  # fmt: skip
    elif kind == "decision":
        db.execute(
            "INSERT INTO p_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.event_id, data["traveller"], at, event.device_id, data.get("gate", ""),
                event.operator, data["action"], data["reason"],
            ],
        )  # fmt: skip
    elif kind == "journey":
        db.execute(
            "INSERT INTO p_journey_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.event_id, data["traveller"], data["transition"], at, event.device_id,
                event.seq, data.get("gate"), event.operator, data.get("reason"),
                data.get("target"),
            ],
        )  # fmt: skip
        return "traveller", data["traveller"]
    elif kind == "roster_mark":
        db.execute(
            "INSERT INTO p_roster_marks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                event.event_id, data["roster_id"], data["booking_id"], data["mark"], at,
                event.device_id, event.seq, data.get("method"), data.get("reason"),
                data.get("to_roster"),
            ],
        )  # fmt: skip
        return "entry", (data["roster_id"], data["booking_id"])
    elif kind == "bus_departed":
        db.execute(
            "INSERT INTO p_departures VALUES (?, ?, ?, ?, ?, ?)",
            [
                event.event_id, data["roster_id"], at, event.device_id,
                int(data["present"]), int(data["expected"]),
            ],
        )  # fmt: skip
    return None


_INDEXED: Final = frozenset(
    {"scan", "temperature", "decision", "journey", "roster_mark", "bus_departed"}
)


def journey_events(db: sqlite_utils.Database, traveller: str) -> list[JourneyEvent]:
    rows = db.execute(
        "SELECT transition, at, device_id, seq, gate, operator, reason, target "
        "FROM p_journey_events WHERE traveller = ?",
        [traveller],
    ).fetchall()
    return [
        JourneyEvent(
            transition=Transition(t),
            occurred_at=at,
            device_id=device,
            seq=seq,
            gate=gate,
            operator=operator,
            reason=reason,
            target=JourneyState(target) if target else None,
        )
        for t, at, device, seq, gate, operator, reason, target in rows
    ]


def _refold_traveller(db: sqlite_utils.Database, traveller: str) -> None:
    merged = merge(journey_events(db, traveller))
    j, entry = merged.journey, merged.journey.entry
    db.execute(
        "INSERT OR REPLACE INTO p_travellers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            traveller, str(j.state), j.since, j.gate, j.device, j.operator, j.reason,
            entry.at if entry else None, entry.gate if entry else None,
            entry.device if entry else None, entry.operator if entry else None,
            len(merged.duplicate_entries), len(merged.conflicts),
        ],
    )  # fmt: skip


def entry_marks(db: sqlite_utils.Database, roster_id: str, booking_id: str) -> list[EntryMark]:
    rows = db.execute(
        "SELECT mark, at, device_id, seq, method, reason, to_roster FROM p_roster_marks "
        "WHERE roster_id = ? AND booking_id = ?",
        [roster_id, booking_id],
    ).fetchall()
    return [
        EntryMark(
            Mark(mark), at, device, seq, TickMethod(method) if method else None, reason, to_roster
        )
        for mark, at, device, seq, method, reason, to_roster in rows
    ]


def _refold_entry(db: sqlite_utils.Database, roster_id: str, booking_id: str) -> None:
    status = fold(entry_marks(db, roster_id, booking_id))
    db.execute(
        "INSERT OR REPLACE INTO p_roster_status VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            roster_id, booking_id, str(status.state), status.since,
            str(status.method) if status.method else None, status.reason, status.to_roster,
        ],
    )  # fmt: skip


def _refold(db: sqlite_utils.Database, key: tuple[str, Any]) -> None:
    if key[0] == "traveller":
        _refold_traveller(db, key[1])
    else:
        _refold_entry(db, *key[1])


def apply(db: sqlite_utils.Database, event: Event) -> None:
    """Bring the projections up to date with one new event (inside its transaction)."""
    key = _index(db, event)
    if key is not None:
        _refold(db, key)


def apply_many(db: sqlite_utils.Database, events: Iterable[Event]) -> None:
    """Project a batch (e.g. other gates' events from the sync): each key refolded once."""
    keys = {key for event in events if (key := _index(db, event)) is not None}
    for key in sorted(keys, key=repr):
        _refold(db, key)


def rebuild(db: sqlite_utils.Database) -> int:
    """Clear every projection and derive it again from the events; returns the events read.

    Call inside a transaction."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    cursor = db.execute("SELECT * FROM events ORDER BY device_id, seq")
    columns = [c[0] for c in cursor.description]
    count = 0

    def events() -> Iterable[Event]:
        nonlocal count
        for values in cursor:
            count += 1
            yield Event.from_row(dict(zip(columns, values, strict=True)))

    apply_many(db, events())
    return count


def snapshot(db: sqlite_utils.Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection's rows, sorted: two snapshots are equal iff the projections are."""
    return {
        table: sorted(
            (tuple(row) for row in db.execute(f"SELECT * FROM {table}")),
            key=repr,
        )
        for table in TABLES
    }
