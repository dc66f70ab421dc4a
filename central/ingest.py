"""Event batches (``POST /v1/events:batch``) and the checkpoint's feed (``GET /v1/events``).

A batch is handled in two steps:

1. **Without the database** (any number of requests at once): each event's fields
   are checked (``invalid``), its ``device_id`` compared with the token's
   (``device_mismatch``) and its hash recomputed (``hash_mismatch``).
2. **In one write transaction** (one writer per checkpoint at a time — the SQLite
   write lock, or a row lock on PostgreSQL — so the feed's insertion ids are
   committed in order): the events already stored with the batch's ids and the
   neighbours of its sequence numbers are read in two queries, each event is decided
   in request order (``duplicate``, ``conflict``, ``chain_mismatch`` or
   ``accepted``), the accepted ones are inserted with one ``executemany``, and the
   device's chain head is kept.

The unique constraints on ``event_id`` and ``(device_id, seq)`` make a duplicate
row impossible; if one fires (another request stored the same event in the
meantime), the transaction is rolled back and the batch decided again, which then
finds that event stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import IntegrityError

from central import db as t
from central.store import Central, CentralError, Device
from central.wire import (
    EVENT_FIELDS,
    GENESIS,
    INT64_MAX,
    MAX_BATCH,
    MAX_FEED_PAGE,
    InvalidEvent,
    check_event,
    decode_cursor,
    encode_cursor,
    event_hash,
    is_hex64,
)

ATTEMPTS: Final = 5
_COLUMNS: Final = [t.events.c[name] for name in EVENT_FIELDS]


class BatchTooLarge(CentralError):
    code = "too_many_events"


class Busy(Exception):
    """The batch kept colliding with concurrent writers; the client should retry."""


@dataclass(frozen=True, slots=True)
class ChainHead:
    seq: int
    hash: str


def parse_batch(body: Any) -> tuple[ChainHead, list[Any]]:
    """The chain head and the raw events of a decoded request body."""
    if not isinstance(body, dict):
        raise CentralError('the body must be a JSON object {"chain_head": ..., "events": [...]}')
    events = body.get("events")
    if not isinstance(events, list):
        raise CentralError("'events' must be a list of events")
    if len(events) > MAX_BATCH:
        raise BatchTooLarge(
            f"{len(events)} events in one batch: at most {MAX_BATCH}; nothing was stored"
        )
    head = body.get("chain_head")
    if not isinstance(head, dict):
        raise CentralError('\'chain_head\' must be an object {"seq": N, "hash": "<hex>"}')
    seq, hash_ = head.get("seq"), head.get("hash")
    if type(seq) is not int or not 0 <= seq <= INT64_MAX:
        raise CentralError("chain_head.seq must be an integer >= 0")
    if not isinstance(hash_, str) or not is_hex64(hash_):
        raise CentralError("chain_head.hash must be 64 lower-case hex digits")
    return ChainHead(seq, hash_), events


def _rejected(event_id: Any, reason: str, message: str) -> dict[str, Any]:
    return {
        "event_id": event_id if isinstance(event_id, str) else None,
        "status": "rejected",
        "reason": reason,
        "message": message,
    }


def upload(
    central: Central, device: Device, head: ChainHead, raw_events: Sequence[Any]
) -> dict[str, Any]:
    """The reply to a batch: one result per event in request order, and the chain head."""
    results: list[dict[str, Any] | None] = []
    candidates: list[tuple[int, dict[str, Any]]] = []
    for index, raw in enumerate(raw_events):
        event_id = raw.get("event_id") if isinstance(raw, dict) else None
        try:
            event = check_event(raw)
        except InvalidEvent as exc:
            results.append(_rejected(event_id, "invalid", str(exc)))
            continue
        if event["device_id"] != device.device_id:
            results.append(
                _rejected(
                    event_id,
                    "device_mismatch",
                    f"the event belongs to device {event['device_id']}, not to this token's "
                    f"device {device.device_id}",
                )
            )
        elif event_hash(event["prev_hash"], event) != event["hash"]:
            results.append(
                _rejected(event_id, "hash_mismatch", "the event's fields do not give its hash")
            )
        else:
            results.append(None)
            candidates.append((index, event))

    for _attempt in range(ATTEMPTS):
        try:
            with central.db.write() as conn:
                central.db.lock_checkpoint(conn, device.checkpoint_id)
                decided, rows = _decide(conn, device, [e for _, e in candidates])
                now = central.now()
                if rows:
                    conn.execute(
                        t.events.insert(),
                        [
                            {**row, "checkpoint_id": device.checkpoint_id, "received_at": now}
                            for row in rows
                        ],
                    )
                stored_head = _keep_head(conn, device, head, now)
            break
        except IntegrityError:
            continue
    else:
        raise Busy("the batch collided with other uploads; retry it")
    for (index, _), result in zip(candidates, decided, strict=True):
        results[index] = result
    return {"results": results, "chain_head": {"seq": stored_head.seq, "hash": stored_head.hash}}


def _same(stored: Mapping[Any, Any], event: Mapping[str, Any]) -> bool:
    return all(stored[name] == event[name] for name in EVENT_FIELDS)


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _decide(
    conn: Connection, device: Device, batch: Sequence[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_id: dict[str, Mapping[Any, Any]] = {}
    ids = sorted({e["event_id"] for e in batch})
    for chunk in _chunks(ids):
        for row in conn.execute(select(*_COLUMNS).where(t.events.c.event_id.in_(chunk))):
            by_id[row.event_id] = row._mapping
    by_seq: dict[int, Mapping[Any, Any]] = {}
    seqs = sorted({e["seq"] + d for e in batch for d in (-1, 0, 1) if e["seq"] + d >= 1})
    for chunk in _chunks(seqs):
        query = (
            select(*_COLUMNS)
            .where(t.events.c.device_id == device.device_id)
            .where(t.events.c.seq.in_(chunk))
        )
        for row in conn.execute(query):
            by_seq[row.seq] = row._mapping

    results: list[dict[str, Any]] = []
    accepted: list[dict[str, Any]] = []
    for event in batch:
        event_id, seq = event["event_id"], event["seq"]
        known = by_id.get(event_id)
        if known is not None:
            if _same(known, event):
                results.append({"event_id": event_id, "status": "duplicate"})
            else:
                results.append(
                    _rejected(
                        event_id, "conflict", "an event with this id is stored with other content"
                    )
                )
            continue
        if seq in by_seq:
            results.append(
                _rejected(
                    event_id,
                    "conflict",
                    f"seq {seq} of this device is stored as another event "
                    f"({by_seq[seq]['event_id']})",
                )
            )
            continue
        problem = _chain_problem(event, by_seq.get(seq - 1), by_seq.get(seq + 1))
        if problem:
            results.append(_rejected(event_id, "chain_mismatch", problem))
            continue
        results.append({"event_id": event_id, "status": "accepted"})
        accepted.append(event)
        by_id[event_id] = event
        by_seq[seq] = event
    return results, accepted


def _chain_problem(
    event: Mapping[str, Any],
    before: Mapping[Any, Any] | None,
    after: Mapping[Any, Any] | None,
) -> str | None:
    seq = event["seq"]
    if seq == 1 and event["prev_hash"] != GENESIS:
        return "the first event of a device must have the genesis prev_hash (64 zeros)"
    if before is not None and before["hash"] != event["prev_hash"]:
        return f"prev_hash is not the stored hash of this device's seq {seq - 1}"
    if after is not None and after["prev_hash"] != event["hash"]:
        return f"the stored seq {seq + 1} of this device does not link to this event's hash"
    return None


def _keep_head(conn: Connection, device: Device, head: ChainHead, now: int) -> ChainHead:
    """Keep the highest chain head the device sent (a late retry does not move it back)."""
    row = conn.execute(
        select(t.devices.c.head_seq, t.devices.c.head_hash).where(
            t.devices.c.device_id == device.device_id
        )
    ).one()
    values: dict[str, Any] = {"last_seen_at": now}
    kept = ChainHead(row.head_seq, row.head_hash) if row.head_seq is not None else None
    if kept is None or head.seq >= kept.seq:
        values.update(head_seq=head.seq, head_hash=head.hash)
        kept = head
    conn.execute(
        update(t.devices).where(t.devices.c.device_id == device.device_id).values(**values)
    )
    return kept


def feed(central: Central, device: Device, cursor: str | None, limit: int) -> dict[str, Any]:
    """The checkpoint's events after the cursor, in the order they were stored."""
    if not 1 <= limit <= MAX_FEED_PAGE:
        raise CentralError(f"limit must be 1 to {MAX_FEED_PAGE}")
    after = decode_cursor("e", device.checkpoint_id, cursor)
    with central.db.read() as conn:
        rows = conn.execute(
            select(t.events.c.id, *_COLUMNS)
            .where(t.events.c.checkpoint_id == device.checkpoint_id)
            .where(t.events.c.id > after)
            .order_by(t.events.c.id)
            .limit(limit + 1)
        ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].id if rows else after
    return {
        "events": [{name: row._mapping[name] for name in EVENT_FIELDS} for row in rows],
        "next": encode_cursor("e", device.checkpoint_id, last),
        "more": more,
    }


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
