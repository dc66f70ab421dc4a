"""The append-only event log with a per-device SHA-256 hash chain (DESIGN.md §3).

Each event's ``hash`` is SHA-256 over the previous event's hash of the same device
followed by the canonical JSON of the event's immutable fields::

    hash = SHA-256( prev_hash_hex || canonical_json(event_id, device_id, seq,
                    occurred_at, clock_offset_ms, operator, kind, payload, pii_digest) )

The first event of a device chains to :data:`GENESIS`. Personal fields (name, ID
number, phone) never enter ``events``: they go to ``event_pii`` with a random
per-event salt, and the event carries ``pii_digest = SHA-256(salt || canonical
JSON of the fields)``, so deleting the personal row (retention) leaves the chain
verifiable. Sync bookkeeping lives in ``event_sync``, outside the hash.

:func:`verify_chain` walks every device's chain and reports the first broken link:
an edited row (hash mismatch), a deleted one (sequence gap), an inserted or
reordered one (the link to the previous hash is wrong), or personal data that no
longer matches its digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from checkpoint_app.store.database import transaction

if TYPE_CHECKING:
    import sqlite_utils

GENESIS = "0" * 64
_META_DEVICE_ID = "device_id"


def canonical_json(value: Any) -> str:
    """The one JSON spelling hashed and stored: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def utc_timestamp(moment: datetime | None = None) -> str:
    """``2026-11-25T08:31:05.123Z``: UTC, millisecond precision, sortable as text."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class Event:
    """One immutable event as stored (``payload`` is its canonical JSON text)."""

    event_id: str
    device_id: str
    seq: int
    occurred_at: str
    clock_offset_ms: int | None
    operator: str
    kind: str
    payload: str
    pii_digest: str | None
    prev_hash: str
    hash: str

    @property
    def data(self) -> Any:
        return json.loads(self.payload)

    def hashed_fields(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "device_id": self.device_id,
            "seq": self.seq,
            "occurred_at": self.occurred_at,
            "clock_offset_ms": self.clock_offset_ms,
            "operator": self.operator,
            "kind": self.kind,
            "payload": self.payload,
            "pii_digest": self.pii_digest,
        }

    def computed_hash(self) -> str:
        return chain_hash(self.prev_hash, self.hashed_fields())

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Event:
        return cls(**{name: row[name] for name in cls.__slots__})  # type: ignore[attr-defined]


def chain_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(dict(fields))).encode("utf-8")).hexdigest()


def pii_digest(salt: str, pii: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        bytes.fromhex(salt) + canonical_json(dict(pii)).encode("utf-8")
    ).hexdigest()


def device_id(db: sqlite_utils.Database) -> str:
    """This data directory's device id, created on first use."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [_META_DEVICE_ID]).fetchone()
    if row is not None:
        return str(row[0])
    new_id = str(uuid.uuid4())
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", [_META_DEVICE_ID, new_id])
    return str(db.execute("SELECT value FROM meta WHERE key = ?", [_META_DEVICE_ID]).fetchone()[0])


class EventLog:
    """Appends this device's events and reads everyone's."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        with transaction(db):
            self.device_id = device_id(db)

    def head(self, device: str | None = None) -> tuple[int, str]:
        """``(seq, hash)`` of a device's newest event (``(0, GENESIS)`` for none)."""
        row = self.db.execute(
            "SELECT seq, hash FROM events WHERE device_id = ? ORDER BY seq DESC LIMIT 1",
            [device or self.device_id],
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    def append(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        operator: str,
        pii: Mapping[str, Any] | None = None,
        occurred_at: datetime | None = None,
        clock_offset_ms: int | None = None,
        event_id: str | None = None,
    ) -> Event:
        """Append one event of this device. Call inside :func:`transaction` together with
        every row derived from it (the caller's use case owns the transaction)."""
        if not self.db.conn.in_transaction:
            raise RuntimeError("EventLog.append must run inside a transaction")
        seq, prev_hash = self.head()
        salt = digest = None
        if pii:
            salt = os.urandom(16).hex()
            digest = pii_digest(salt, pii)
        fields = {
            "event_id": event_id or str(uuid.uuid4()),
            "device_id": self.device_id,
            "seq": seq + 1,
            "occurred_at": utc_timestamp(occurred_at),
            "clock_offset_ms": clock_offset_ms,
            "operator": operator,
            "kind": kind,
            "payload": canonical_json(dict(payload)),
            "pii_digest": digest,
        }
        event = Event(**fields, prev_hash=prev_hash, hash=chain_hash(prev_hash, fields))
        self.db.execute(
            "INSERT INTO events (event_id, device_id, seq, occurred_at, clock_offset_ms, operator, "
            "kind, payload, pii_digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*fields.values(), prev_hash, event.hash],
        )
        if pii and salt is not None:
            self.db.execute(
                "INSERT INTO event_pii (event_id, salt, data) VALUES (?, ?, ?)",
                [event.event_id, salt, canonical_json(dict(pii))],
            )
        self.db.execute("INSERT INTO event_sync (event_id) VALUES (?)", [event.event_id])
        return event

    def events(self, *, device: str | None = None, kind: str | None = None) -> Iterator[Event]:
        """Events in (device, seq) order, optionally of one device or kind."""
        where, params = [], []
        if device is not None:
            where.append("device_id = ?")
            params.append(device)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        sql = "SELECT * FROM events" + (" WHERE " + " AND ".join(where) if where else "")
        cursor = self.db.execute(sql + " ORDER BY device_id, seq", params)
        columns = [c[0] for c in cursor.description]
        for row in cursor:
            yield Event.from_row(dict(zip(columns, row, strict=True)))

    def pii(self, event_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT data FROM event_pii WHERE event_id = ?", [event_id]
        ).fetchone()
        return json.loads(row[0]) if row else None


class BreakKind(StrEnum):
    EDITED = "edited"  # the row's fields no longer give its hash
    DELETED = "deleted"  # a sequence number is missing
    INSERTED_OR_REORDERED = "inserted_or_reordered"  # the link to the previous hash is wrong
    PII_MISMATCH = "pii_mismatch"  # personal data no longer matches its digest
    PII_ORPHAN = "pii_orphan"  # personal data for an event without a digest


@dataclass(frozen=True, slots=True)
class ChainBreak:
    device_id: str
    seq: int
    event_id: str
    kind: BreakKind
    detail: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int
    devices: dict[str, tuple[int, str]]
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(db: sqlite_utils.Database) -> ChainReport:
    """Walk every device's chain in sequence order; report the first broken link."""
    cursor = db.execute(
        "SELECT e.*, p.salt AS pii_salt, p.data AS pii_data FROM events e "
        "LEFT JOIN event_pii p ON p.event_id = e.event_id ORDER BY e.device_id, e.seq"
    )
    columns = [c[0] for c in cursor.description]
    heads: dict[str, tuple[int, str]] = {}
    count = 0
    current_device: str | None = None
    expected_seq, expected_prev = 1, GENESIS
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        event = Event.from_row(row)
        count += 1
        if event.device_id != current_device:
            current_device, expected_seq, expected_prev = event.device_id, 1, GENESIS
        broken = _check_link(event, expected_seq, expected_prev, row["pii_salt"], row["pii_data"])
        if broken is not None:
            return ChainReport(count, heads, broken)
        heads[event.device_id] = (event.seq, event.hash)
        expected_seq, expected_prev = event.seq + 1, event.hash
    return ChainReport(count, heads, None)


def _check_link(
    event: Event, expected_seq: int, expected_prev: str, salt: str | None, data: str | None
) -> ChainBreak | None:
    def broken(kind: BreakKind, detail: str) -> ChainBreak:
        return ChainBreak(event.device_id, event.seq, event.event_id, kind, detail)

    if event.computed_hash() != event.hash:
        return broken(BreakKind.EDITED, "the event's fields do not give its stored hash")
    if event.seq != expected_seq:
        missing = (
            f"{expected_seq}"
            if event.seq == expected_seq + 1
            else f"{expected_seq}..{event.seq - 1}"
        )
        return broken(BreakKind.DELETED, f"event(s) {missing} of this device are missing")
    if event.prev_hash != expected_prev:
        return broken(BreakKind.INSERTED_OR_REORDERED, "the link to the previous event is wrong")
    if data is not None:
        if event.pii_digest is None or salt is None:
            return broken(
                BreakKind.PII_ORPHAN, "personal data stored for an event without a digest"
            )
        try:
            matches = pii_digest(salt, json.loads(data)) == event.pii_digest
        except (ValueError, TypeError):
            matches = False
        if not matches:
            return broken(
                BreakKind.PII_MISMATCH, "the personal data does not match the event's digest"
            )
    return None
