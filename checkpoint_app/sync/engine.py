"""The sync engine: one pass of upload, download and online checks (``docs/sync-protocol.md``).

:class:`SyncEngine` is a plain object — no thread, no timer, no Qt — with the HTTP
transport injected; :meth:`SyncEngine.run_once` does one pass and returns a
:class:`SyncResult`. The worker (``sync/worker.py``) and ``checkpoint-app sync``
call it; tests drive it against the real reference server on 127.0.0.1.

One pass, in order, stopping at the first call the network fails:

1. **Upload** this device's pending events, oldest first, in batches of up to 500,
   with the device's chain head. ``accepted`` and ``duplicate`` mark an event
   synced; ``rejected`` marks it rejected with the server's reason — it stays in the
   log, shown to the supervisor, never deleted. A batch the server refuses as a
   whole (a ``4xx``) is split in halves until the event at fault is found.
2. **Download** the checkpoint's feed after the stored cursor: other devices'
   events are checked (their hash), stored as they are, and merged into the
   projections in the same transaction as the cursor.
3. **Lists**: trust list, revocations, rules (``ETag``) and rosters (cursor), each
   a signed envelope verified with the root key pinned at enrolment, stored in the
   runtime offline cache with the time fetched (a ``304`` refreshes that time).
4. **Provisional admissions**: each is checked online and confirmed or flagged.

Every reply's ``Date`` header measures the clock offset. A network failure backs
off exponentially with full jitter (capped; ``Retry-After`` honoured); ``401`` asks
for re-enrolment. Nothing the server answers ever deletes an event.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from checkpoint_app.domain.classify import classify
from checkpoint_app.domain.journey import IllegalTransition, JourneyState
from checkpoint_app.domain.results import CodeFormat
from checkpoint_app.domain.roster import RosterError, parse_roster_rows
from checkpoint_app.domain.rules import RulesError, parse_rules
from checkpoint_app.domain.trust import TrustListError, parse_revocations, parse_trust_list
from checkpoint_app.services.gate import GateService
from checkpoint_app.services.station import Station
from checkpoint_app.store import projections
from checkpoint_app.store.database import put_meta, transaction
from checkpoint_app.store.event_log import Event, canonical_json
from checkpoint_app.store.offline_cache import REVOCATIONS, TRUST_LIST, write_cache_item
from checkpoint_app.store.rosters import import_rosters
from checkpoint_app.sync.client import (
    ApiError,
    Refused,
    Reply,
    Transport,
    Unauthorised,
    Unavailable,
    path_id,
)

BATCH_SIZE: Final = 500
FEED_PAGE: Final = 1000
BACKOFF_BASE_S: Final = 2.0
BACKOFF_CAP_S: Final = 300.0
CLOCK_WARN_MS: Final = 120_000
RULES: Final = "rules"

# Settings kept in the store's meta table.
API_URL: Final = "sync.api_url"
CHECKPOINT_ID: Final = "sync.checkpoint_id"
ROOT_KEY: Final = "sync.root_public_key"
FEED_CURSOR: Final = "sync.feed_cursor"
ROSTER_CURSOR: Final = "sync.roster_cursor"
LAST_SUCCESS: Final = "sync.last_success"
LAST_ERROR: Final = "sync.last_error"
FAILURES: Final = "sync.failures"
NEXT_ATTEMPT: Final = "sync.next_attempt"
ETAG: Final = "sync.etag."

_EVENT_FIELDS: Final = (
    "event_id", "device_id", "seq", "occurred_at", "clock_offset_ms", "operator", "kind",
    "payload", "pii_digest", "prev_hash", "hash",
)  # fmt: skip


class SignatureError(ValueError):
    """A downloaded document whose signature does not verify with the pinned root key."""


@dataclass
class SyncResult:
    ok: bool = True
    uploaded: int = 0
    duplicates: int = 0
    rejected: int = 0
    downloaded: int = 0
    lists: dict[str, str] = field(default_factory=dict)
    rosters: int = 0
    confirmed: int = 0
    flagged: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    needs_enrolment: bool = False
    retry_in: float | None = None
    clock_offset_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar shows."""

    enrolled: bool
    online: bool | None  # None: not tried yet
    pending: int
    rejected: int
    last_success: int | None
    last_error: str | None
    clock_offset_ms: int | None
    next_attempt: float | None
    #: Age in seconds of each cached list (None: never fetched): amber past 24 h, red 72 h.
    list_ages: dict[str, int | None]

    @property
    def clock_warning(self) -> bool:
        return self.clock_offset_ms is not None and abs(self.clock_offset_ms) > CLOCK_WARN_MS

    def to_json(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__slots__}
        data["clock_warning"] = self.clock_warning
        return data


def verify_envelope(envelope: Any, root_key_b64: str) -> Any:
    """The ``content`` of a signed envelope, or :class:`SignatureError`."""
    if not isinstance(envelope, dict) or "content" not in envelope:
        raise SignatureError("not a signed document")
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(root_key_b64, validate=True))
        signature = base64.b64decode(str(envelope.get("signature", "")), validate=True)
        key.verify(signature, canonical_json(envelope["content"]).encode("utf-8"))
    except (InvalidSignature, ValueError, binascii.Error, TypeError) as exc:
        raise SignatureError(f"the signature does not verify ({type(exc).__name__})") from None
    return envelope["content"]


def online_id(text: str) -> str | None:
    """The id the centre knows an online-only code by (``docs/sync-protocol.md``)."""
    classified = classify(text)
    if classified.format is not CodeFormat.ONLINE:
        return None
    stripped = text.strip()
    if stripped.lower().startswith(("http://", "https://")):
        segments = [s for s in urlsplit(stripped).path.split("/") if s]
        return segments[-1] if segments else None
    return stripped


class SyncEngine:
    def __init__(
        self,
        station: Station,
        transport: Transport,
        *,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        if not 1 <= batch_size <= BATCH_SIZE:
            raise ValueError(f"batch size 1..{BATCH_SIZE}")
        self.station = station
        self.db = station.db
        self.transport = transport
        self.clock = clock
        self.jitter = jitter
        self.batch_size = batch_size

    # -- the pass --------------------------------------------------------------------
    def run_once(self) -> SyncResult:
        """One whole pass: upload, feed, lists and rosters, provisional admissions."""
        return self._run(
            self._upload, self._download_feed, self._download_lists, self._check_provisional
        )

    def upload(self) -> SyncResult:
        """Only step 1: send the pending events (the 'send now' button, benchmarks)."""
        return self._run(self._upload)

    def _run(self, *steps: Callable[[SyncResult], None]) -> SyncResult:
        result = SyncResult()
        try:
            for step in steps:
                step(result)
        except Unauthorised as exc:
            result.ok, result.error, result.needs_enrolment = False, str(exc), True
        except Unavailable as exc:
            result.ok, result.error = False, str(exc)
            result.retry_in = self._backoff(exc.retry_after)
        except ApiError as exc:
            result.ok, result.error = False, str(exc)
            result.retry_in = self._backoff(None)
        now = self.clock()
        if result.ok:
            self.station.set_setting(LAST_SUCCESS, str(int(now)))
            self.station.set_setting(FAILURES, "0")
            self.station.set_setting(NEXT_ATTEMPT, "0")
        if result.error:
            self.station.set_setting(LAST_ERROR, f"{int(now)} {result.error}")
        result.clock_offset_ms = self.station.clock_offset_ms
        return result

    def _backoff(self, retry_after: float | None) -> float:
        failures = int(self.station.setting(FAILURES) or 0) + 1
        self.station.set_setting(FAILURES, str(failures))
        ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** min(failures - 1, 20))
        delay = ceiling * self.jitter()  # full jitter
        if retry_after is not None:
            delay = max(delay, min(retry_after, BACKOFF_CAP_S))
        self.station.set_setting(NEXT_ATTEMPT, str(self.clock() + delay))
        return float(delay)

    def _call(self, method: str, path: str, **kwargs: Any) -> Reply:
        sent = self.clock()
        reply = self.transport.call(method, path, **kwargs)
        if reply.server_time is not None:
            received = self.clock()
            # The Date header has whole seconds, cut off: the server's time was half a
            # second later on average. Keep the old value within that error.
            offset = round((reply.server_time + 0.5 - (sent + received) / 2) * 1000)
            old = self.station.clock_offset_ms
            if old is None or abs(old - offset) > 1500:
                self.station.set_clock_offset_ms(offset)
        return reply

    # -- 1. upload -------------------------------------------------------------------
    def _pending(self) -> list[Event]:
        cursor = self.db.execute(
            "SELECT e.* FROM events e JOIN event_sync s ON s.event_id = e.event_id "
            "WHERE s.sync_state = 'pending' AND e.device_id = ? ORDER BY e.seq LIMIT ?",
            [self.station.device_id, self.batch_size],
        )
        columns = [c[0] for c in cursor.description]
        return [Event.from_row(dict(zip(columns, row, strict=True))) for row in cursor]

    def _upload(self, result: SyncResult) -> None:
        while batch := self._pending():
            self._send(batch, result)

    def _send(self, batch: Sequence[Event], result: SyncResult) -> None:
        seq, head = self.station.log.head()
        body = {
            "chain_head": {"seq": seq, "hash": head},
            "events": [{name: getattr(e, name) for name in _EVENT_FIELDS} for e in batch],
        }
        try:
            reply = self._call("POST", "/v1/events:batch", body=body)
        except Refused as exc:
            if len(batch) == 1:
                self._mark(batch[0].event_id, "rejected", f"{exc.code or exc.status}: {exc}")
                result.rejected += 1
                return
            half = len(batch) // 2
            self._send(batch[:half], result)
            self._send(batch[half:], result)
            return
        results = reply.body.get("results") if isinstance(reply.body, dict) else None
        if not isinstance(results, list):
            raise Unavailable("POST /v1/events:batch: the answer has no results")
        known = {e.event_id for e in batch}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with transaction(self.db):
            for item in results:
                if not isinstance(item, dict) or item.get("event_id") not in known:
                    continue
                status = item.get("status")
                if status in ("accepted", "duplicate"):
                    self.db.execute(
                        "UPDATE event_sync SET sync_state = 'synced', synced_at = ?, "
                        "attempts = attempts + 1, last_error = NULL WHERE event_id = ?",
                        [now, item["event_id"]],
                    )
                    if status == "accepted":
                        result.uploaded += 1
                    else:
                        result.duplicates += 1
                elif status == "rejected":
                    reason = f"{item.get('reason', 'rejected')}: {item.get('message', '')}"
                    self._mark(item["event_id"], "rejected", reason.strip(": "))
                    result.rejected += 1
        answered = {i.get("event_id") for i in results if isinstance(i, dict)}
        if known - answered:  # never loop forever on a server that skips events
            raise Unavailable(f"the server did not answer for {len(known - answered)} events")

    def _mark(self, event_id: str, state: str, error: str) -> None:
        with transaction(self.db):
            self.db.execute(
                "UPDATE event_sync SET sync_state = ?, last_error = ?, attempts = attempts + 1 "
                "WHERE event_id = ?",
                [state, error[:500], event_id],
            )

    # -- 2. the feed -----------------------------------------------------------------
    def _download_feed(self, result: SyncResult) -> None:
        while True:
            params: dict[str, Any] = {"limit": FEED_PAGE}
            cursor = self.station.setting(FEED_CURSOR)
            if cursor:
                params["after"] = cursor
            reply = self._call("GET", "/v1/events", params=params)
            body = reply.body if isinstance(reply.body, dict) else {}
            events = body.get("events") or []
            next_cursor = body.get("next")
            stored = []
            with transaction(self.db):
                for raw in events:
                    event = self._remote_event(raw, result)
                    if event is not None and self._store_remote(event):
                        stored.append(event)
                projections.apply_many(self.db, stored)
                if isinstance(next_cursor, str) and next_cursor:
                    put_meta(self.db, FEED_CURSOR, next_cursor)
            result.downloaded += len(stored)
            if not body.get("more") or not events:
                return

    def _remote_event(self, raw: Any, result: SyncResult) -> Event | None:
        if not isinstance(raw, dict) or raw.get("device_id") == self.station.device_id:
            return None
        try:
            event = Event(**{name: raw[name] for name in _EVENT_FIELDS})
            json.loads(event.payload)
        except (KeyError, TypeError, ValueError):
            result.problems.append(f"a feed event with missing or bad fields: {str(raw)[:80]}")
            return None
        if event.computed_hash() != event.hash:
            result.problems.append(f"event {event.event_id}: its hash does not verify; skipped")
            return None
        return event

    def _store_remote(self, e: Event) -> bool:
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO events (event_id, device_id, seq, occurred_at, clock_offset_ms, "
            "operator, kind, payload, pii_digest, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [getattr(e, name) for name in _EVENT_FIELDS],
        )
        if cursor.rowcount != 1:
            return False
        self.db.execute(
            "INSERT INTO event_sync (event_id, sync_state, synced_at) VALUES (?, 'remote', ?)",
            [e.event_id, datetime.now(UTC).isoformat(timespec="seconds")],
        )
        return True

    # -- 3. lists --------------------------------------------------------------------
    def _root_key(self) -> str:
        key = self.station.setting(ROOT_KEY)
        if not key:
            raise Unauthorised("this station is not enrolled: run checkpoint-app enrol")
        return key

    def _download_lists(self, result: SyncResult) -> None:
        for name, path, parse in (
            (TRUST_LIST, "/v1/trust-list", parse_trust_list),
            (REVOCATIONS, "/v1/revocations", parse_revocations),
            (RULES, "/v1/rules", parse_rules),
        ):
            result.lists[name] = self._download_list(name, path, parse, result)
        self._download_rosters(result)
        self.station.reload_cache()

    def _download_list(
        self, name: str, path: str, parse: Callable[[Any], Any], result: SyncResult
    ) -> str:
        etag = self.station.setting(ETAG + name)
        reply = self._call("GET", path, etag=etag)
        now = int(self.clock())
        source = f"{self.station.setting(API_URL) or 'central'}{path}"
        if reply.status == 304:
            content = self._cached_content(name)
            if content is not None:
                write_cache_item(
                    self.station.data_dir, name, content, fetched_at=now, source=source
                )
                return "unchanged"
        try:
            content = verify_envelope(reply.body, self._root_key())
            parse(content)
        except (SignatureError, TrustListError, RulesError, ValueError) as exc:
            result.problems.append(f"{path}: refused ({exc}); the cached copy stays in use")
            return "refused"
        write_cache_item(self.station.data_dir, name, content, fetched_at=now, source=source)
        if reply.etag:
            self.station.set_setting(ETAG + name, reply.etag)
        return "updated"

    def _cached_content(self, name: str) -> Any:
        path = self.station.data_dir / "cache" / f"{name}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))["content"]
        except (OSError, ValueError, KeyError):
            return None

    def _download_rosters(self, result: SyncResult) -> None:
        params = {}
        cursor = self.station.setting(ROSTER_CURSOR)
        if cursor:
            params["after"] = cursor
        reply = self._call("GET", "/v1/rosters", params=params)
        try:
            content = verify_envelope(reply.body, self._root_key())
        except SignatureError as exc:
            result.problems.append(f"/v1/rosters: refused ({exc})")
            return
        rosters = content.get("rosters") if isinstance(content, dict) else None
        header = ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"]
        entries = []
        for roster in rosters if isinstance(rosters, list) else []:
            if not isinstance(roster, dict):
                continue
            rows: list[list[Any]] = [header]
            for entry in roster.get("entries") or []:
                if isinstance(entry, dict):
                    rows.append(
                        [roster.get("roster_id"), roster.get("title", "")]
                        + [entry.get(k, "") or "" for k in header[2:]]
                    )
            try:  # each roster whole or not at all; one bad roster does not block the rest
                entries += parse_roster_rows(rows) if len(rows) > 1 else []
            except RosterError as exc:
                result.problems.append(f"roster {roster.get('roster_id')}: refused ({exc})")
        if entries:
            imported = import_rosters(self.station.log, entries, source="central", operator="sync")
            result.rosters += len(imported.rosters)
        next_cursor = content.get("next") if isinstance(content, dict) else None
        if isinstance(next_cursor, str) and next_cursor:
            self.station.set_setting(ROSTER_CURSOR, next_cursor)

    # -- 4. provisional admissions ---------------------------------------------------
    def _check_provisional(self, result: SyncResult) -> None:
        rows = self.db.execute(
            "SELECT traveller FROM p_travellers WHERE state = ?", [str(JourneyState.PROVISIONAL)]
        ).fetchall()
        gate = GateService(self.station, operator="online-check")
        for (traveller,) in rows:
            text = self._provisional_code(traveller)
            code_id = online_id(text) if text else None
            if code_id is None and text:
                verification = self.station.verifier.verify(text, int(self.clock()))
                claims = verification.claims or {}
                code_id = claims.get("cid") if isinstance(claims.get("cid"), str) else None
            if code_id is None:
                continue  # another device's admission (no code text here): theirs to check
            try:
                reply = self._call("GET", f"/v1/health-codes/{path_id(code_id)}")
                body = reply.body if isinstance(reply.body, dict) else {}
                good = body.get("status") == "green" and not body.get("revoked")
                detail = f"online: {body.get('status')}" + (
                    " revoked" if body.get("revoked") else ""
                )
            except Refused as exc:
                if exc.status != 404:
                    raise
                good, detail = False, "online: unknown to the centre"
            try:
                gate.settle_provisional(traveller, verified=good, detail=detail)
            except IllegalTransition:
                continue  # settled meanwhile (another device's confirmation merged in)
            if good:
                result.confirmed += 1
            else:
                result.flagged += 1

    def _provisional_code(self, traveller: str) -> str | None:
        row = self.db.execute(
            "SELECT p.data FROM p_journey_events j JOIN event_pii p ON p.event_id = j.event_id "
            "WHERE j.traveller = ? AND j.transition = 'provisional_admit' AND j.device_id = ? "
            "ORDER BY j.at DESC LIMIT 1",
            [traveller, self.station.device_id],
        ).fetchone()
        if row is None:
            return None
        code = json.loads(row[0]).get("code")
        return code if isinstance(code, str) else None

    # -- status ----------------------------------------------------------------------
    def status(self) -> SyncStatus:
        return sync_status(self.station)


def sync_status(station: Station) -> SyncStatus:
    counts = dict(
        station.db.execute(
            "SELECT s.sync_state, COUNT(*) FROM event_sync s GROUP BY s.sync_state"
        ).fetchall()
    )
    last_success = station.setting(LAST_SUCCESS)
    last_error = station.setting(LAST_ERROR)
    error_at = int(last_error.split(" ", 1)[0]) if last_error else None
    success_at = int(last_success) if last_success else None
    online: bool | None = None
    if success_at is not None or error_at is not None:
        online = (success_at or 0) >= (error_at or 0)
    next_attempt = float(station.setting(NEXT_ATTEMPT) or 0) or None
    ages = station.list_ages(int(time.time()))
    return SyncStatus(
        enrolled=bool(station.setting(ROOT_KEY)),
        online=online,
        pending=int(counts.get("pending", 0)),
        rejected=int(counts.get("rejected", 0)),
        last_success=success_at,
        last_error=last_error.split(" ", 1)[1] if last_error and " " in last_error else None,
        clock_offset_ms=station.clock_offset_ms,
        next_attempt=next_attempt,
        list_ages={name: ages[name] for name in (TRUST_LIST, REVOCATIONS, RULES, "rosters")},
    )


@dataclass(frozen=True, slots=True)
class Enrolment:
    device_id: str
    checkpoint_id: str
    checkpoint_name: str
    token_stored_in: str


def enrol(station: Station, transport: Transport, url: str, code: str, name: str) -> Enrolment:
    """Enrol this station with a one-time code; stores the token and pins the root key."""
    from checkpoint_app.sync.credentials import TokenStore

    reply = transport.call(
        "POST",
        "/v1/devices",
        body={"enrolment_code": code.strip(), "device_id": station.device_id, "name": name},
        auth=False,
    )
    body = reply.body if isinstance(reply.body, dict) else {}
    token, checkpoint = body.get("token"), body.get("checkpoint") or {}
    root = body.get("root_public_key")
    if not isinstance(token, str) or not isinstance(root, str) or not isinstance(checkpoint, dict):
        raise Unavailable("POST /v1/devices: the answer is missing the token or the root key")
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(root, validate=True))
    except (ValueError, binascii.Error):
        raise Unavailable("POST /v1/devices: the root key is not an Ed25519 key") from None
    where = TokenStore(station.data_dir, station.device_id).save(token)
    previous = station.setting(CHECKPOINT_ID)
    checkpoint_id = str(checkpoint.get("id", ""))
    station.set_setting(API_URL, url)
    station.set_setting(ROOT_KEY, root)
    station.set_setting(CHECKPOINT_ID, checkpoint_id)
    if previous and previous != checkpoint_id:  # a new checkpoint: its feed from the start
        for key in (FEED_CURSOR, ROSTER_CURSOR):
            station.set_setting(key, "")
    station.configure(checkpoint=str(checkpoint.get("name") or checkpoint_id))
    return Enrolment(station.device_id, checkpoint_id, station.checkpoint, where)
