"""Projections: what the screens read, derived from the event log alone (DESIGN.md §3).

Every projection table can be dropped and rebuilt from ``events`` at any time
(:func:`rebuild`), and :func:`apply` keeps them current inside the transaction that
appends each event. Two kinds of table:

* index tables, one row per event of a kind (``p_scans``, ``p_readings``,
  ``p_decisions``, ``p_journey_events``, ``p_roster_marks``, ``p_departures``);
* the log index ``p_log``, one row for *every* event (the supervisor's log browser,
  ``services/review.py``): time, device, gate, kind, action, operator, traveller, a
  one-line summary, and the masked name and ID suffix it is searched by (from the
  event's personal row; :func:`clear_personal` empties them when retention deletes it);
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
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from checkpoint_app.domain.bus import EntryMark, Mark, TickMethod, fold
from checkpoint_app.domain.journey import JourneyEvent, JourneyState, Transition, merge
from checkpoint_app.domain.masking import mask_name
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
    "p_log",
)


def epoch_seconds(occurred_at: str) -> int:
    """``2026-11-25T08:31:05.123Z`` → whole epoch seconds."""
    return int(datetime.fromisoformat(occurred_at.replace("Z", "+00:00")).timestamp())


def _index(db: sqlite_utils.Database, event: Event, *, log: bool = True) -> tuple[str, Any] | None:
    """Insert the event's index rows (``log``: its ``p_log`` row too); returns the key to
    refold, if any."""
    if log:
        _log(db, event)
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


# -- the log index (every event) ------------------------------------------------------

#: The payload field that is a log row's ``action``, per kind.
_ACTION_FIELD: Final = {"decision": "action", "journey": "transition", "roster_mark": "mark"}
_SUMMARY_MAX = 160


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _join(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, "", False))


def log_summary(kind: str, data: Mapping[str, Any]) -> str:
    """One short line about an event from its payload alone (no personal data)."""
    get = data.get
    if kind == "scan":
        code = f"{get('status')} code" if get("status") else _s(get("format"))
        text = _join(code, get("result"), "repeat" if get("repeat") else None)
    elif kind == "temperature":
        try:
            text = f"{float(get('celsius', '')):.1f} °C" + (" fever" if get("fever") else "")
        except (TypeError, ValueError):
            text = _s(get("raw"))
    elif kind == "decision":
        text = _join(get("action"), get("reason"))
    elif kind == "journey":
        target = f"→ {get('target')}" if get("target") else None
        text = _join(get("transition"), target, get("reason"))
    elif kind in ("roster_mark", "roster_entry_added", "phone_revealed"):
        what = (
            get("mark") or get("origin") or ("phone revealed" if kind == "phone_revealed" else "")
        )
        text = _join(f"{_s(get('roster_id'))} {_s(get('booking_id'))}".strip(), what,
                     get("method"), get("to_roster") and f"→ {get('to_roster')}", get("reason"))  # fmt: skip
    elif kind == "roster_imported":
        text = _join(get("roster_id"), f"{get('entries')} entries", get("source"))
    elif kind == "bus_departed":
        text = _join(
            get("roster_id"), f"{get('present')}/{get('expected')} departed", get("reason")
        )
    elif kind == "sync_reviewed":
        ids = get("events")
        text = _join(f"{len(ids) if isinstance(ids, list) else 0} events reviewed", get("note"))
    elif kind == "shift_handed_over":
        text = _join(f"{_s(get('handed_over_by'))} → {_s(get('handed_over_to'))}", get("gate"))
    elif kind == "settings_changed":
        changed = get("changed")
        text = "settings: " + ", ".join(sorted(changed)) if isinstance(changed, dict) else ""
    elif kind == "data_exported":
        text = _join(
            get("what"), get("roster_id"), get("format"), f"{get('rows')} rows",
            "masked" if get("masked") else "UNMASKED",
        )  # fmt: skip
    elif kind.startswith("supervisor_"):
        text = _join(get("outcome"), get("reason"))
    else:
        text = ""
    return text[:_SUMMARY_MAX]


def personal_search(pii: Mapping[str, Any] | None) -> tuple[str, str]:
    """``(masked name, search text)`` from an event's personal row.

    The search text is lower-case: the masked name and the last four characters of the
    document number. Nothing unmasked is kept; both are emptied by retention."""
    if not pii:
        return "", ""
    name = pii.get("name", pii.get("nam"))
    masked = mask_name(name) if isinstance(name, str) else ""
    number = pii.get("id_number", pii.get("idm"))
    tail = number.strip()[-4:] if isinstance(number, str) else ""
    if "*" in tail:
        tail = ""
    return masked, " ".join(p for p in (masked, tail) if p).lower()


def log_row(event: Event, pii: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """The event's ``p_log`` row, in column order."""
    try:
        loaded = json.loads(event.payload)
    except ValueError:
        loaded = None
    data: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    kind = event.kind
    field = _ACTION_FIELD.get(kind)
    celsius = fever = None
    if kind == "temperature":
        try:
            celsius = float(data["celsius"])
        except (KeyError, TypeError, ValueError):
            celsius = None
        fever = int(bool(data.get("fever")))
    masked, search = personal_search(pii)
    return (
        event.event_id, event.occurred_at, epoch_seconds(event.occurred_at), event.device_id,
        event.seq, kind, _s(data.get("gate")), event.operator,
        _s(data.get(field)) if field else "", _s(data.get("traveller")),
        _s(data.get("status")) if kind == "scan" else "",
        _s(data.get("result")) if kind == "scan" else "",
        celsius, fever, _s(data.get("reason")), log_summary(kind, data), masked, search,
    )  # fmt: skip


def _log(db: sqlite_utils.Database, event: Event) -> None:
    pii = None
    if event.pii_digest is not None:
        row = db.execute(
            "SELECT data FROM event_pii WHERE event_id = ?", [event.event_id]
        ).fetchone()
        pii = json.loads(row[0]) if row else None
    db.execute(
        "INSERT INTO p_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        log_row(event, pii),
    )


def clear_personal(db: sqlite_utils.Database) -> int:
    """Empty the masked name and search text of log rows whose personal row is gone
    (retention deleted it); returns how many. Call inside the deleting transaction."""
    cursor = db.execute(
        "UPDATE p_log SET masked_name = '', search = '' "
        "WHERE (masked_name != '' OR search != '') "
        "AND NOT EXISTS (SELECT 1 FROM event_pii p WHERE p.event_id = p_log.event_id)"
    )
    return int(cursor.rowcount)


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


def apply_many(db: sqlite_utils.Database, events: Iterable[Event], *, log: bool = True) -> None:
    """Project a batch (e.g. other gates' events from the sync): each key refolded once.

    ``log=False`` leaves ``p_log`` alone (:func:`rebuild` loads it in bulk)."""
    keys = {key for event in events if (key := _index(db, event, log=log)) is not None}
    for key in sorted(keys, key=repr):
        _refold(db, key)


def rebuild_log(db: sqlite_utils.Database) -> int:
    """Load ``p_log`` from every event (it must be empty): its indexes are dropped and
    made again after the rows are in, which is several times faster than keeping them
    up to date row by row. Used by :func:`rebuild` and the v4 migration; returns the rows.
    Call inside a transaction."""
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'p_log' "
        "AND sql IS NOT NULL ORDER BY name"
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f"DROP INDEX {name}")
    cursor = db.conn.execute(
        "SELECT e.*, p.data AS pii_data FROM events e "
        "LEFT JOIN event_pii p ON p.event_id = e.event_id"
    )
    columns = [c[0] for c in cursor.description]
    count = 0
    while batch := cursor.fetchmany(2000):
        rows = []
        for values in batch:
            row = dict(zip(columns, values, strict=True))
            pii = json.loads(row["pii_data"]) if row["pii_data"] else None
            rows.append(log_row(Event.from_row(row), pii))
        db.conn.executemany(
            "INSERT INTO p_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        count += len(rows)
    for _name, sql in indexes:
        db.execute(sql)
    return count


def rebuild(db: sqlite_utils.Database) -> int:
    """Clear every projection and derive it again from the events; returns the events read.

    Call inside a transaction."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")
    rebuild_log(db)  # first: it drops and makes indexes, which no open statement may span
    cursor = db.execute("SELECT * FROM events ORDER BY device_id, seq")
    columns = [c[0] for c in cursor.description]
    count = 0

    def events() -> Iterable[Event]:
        nonlocal count
        for values in cursor:
            count += 1
            yield Event.from_row(dict(zip(columns, values, strict=True)))

    apply_many(db, events(), log=False)
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
