"""The supervisor's review (issue 7): log browser, counts, sync problems, integrity, unlock.

No Qt and no printing here: the review screen (``ui/review_screen.py``) and the
hand-over report (``reports/handover.py``) read through :class:`ReviewService`.

The log browser reads the ``p_log`` projection (one row per event, indexed by time,
kind, gate, action, operator, device and traveller, with the masked search text in a
small partial index) and ``event_sync`` for the sync state (mutable, outside the
hash), so a filter change on a 100,000-event log is a few indexed queries, never a
scan of the JSON payloads (``benchmarks/bench_review.py``). Paging is by
``offset``/``limit`` over ``occurred_at, device_id, seq`` descending (newest first).
Events received from other devices have the sync state ``remote``.

Personal data is masked everywhere (``张*``, ``420***********1234``) unless the caller
passes ``unlocked=True``, which the screens do only while the supervisor is unlocked
(:meth:`ReviewService.unlock`). Every unlock, failed unlock, lock, sync review and
hand-over is an event of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from checkpoint_app.services.station import Station
from checkpoint_app.store.database import StoreError, get_meta, put_meta
from checkpoint_app.store.event_log import ChainReport, utc_timestamp, verify_chain
from checkpoint_app.store.export import mask_pii
from checkpoint_app.store.supervisor import PinCheck, PinOutcome, SupervisorPin

SYNC_STATES = ("pending", "synced", "rejected")
#: The sync state of events received from other devices (``sync/engine.py``).
REMOTE_STATE: Final = "remote"
BUCKET_MINUTES: Final = 15
#: Scan results that mean a forged, tampered or unusable code (PHI1 and DCC alike).
FORGED_OR_INVALID: Final = (
    "BAD_SIGNATURE", "UNKNOWN_KEY", "KEY_ISSUER_MISMATCH", "KEY_NOT_VALID", "CERT_NOT_VALID",
    "KEY_USAGE_MISMATCH", "MALFORMED", "CLAIMS_INVALID", "SCHEMA_INVALID", "TOO_LARGE",
)  # fmt: skip
#: Keys :attr:`Counts.totals` always has.
TOTALS: Final = (
    "events", "scans", "entered", "referred", "denied", "fevers", "red", "forged_or_invalid",
    "revoked", "overrides", "provisional", "flagged", "handed_over", "temperatures",
    "pending_sync", "rejected_sync",
)  # fmt: skip
#: The same traveller's other events shown in a detail pane, at most.
RELATED_LIMIT: Final = 500
_SQL_VARS = 500  # ids per ``IN (...)``, well under SQLite's variable limit
_SELECT_ROW = (
    "SELECT l.event_id, l.device_id, l.seq, l.occurred_at, l.kind, l.gate, l.operator, "
    "l.action, l.traveller, l.masked_name, l.summary, COALESCE(s.sync_state, 'pending'), "
    "s.last_error FROM p_log l LEFT JOIN event_sync s ON s.event_id = l.event_id"
)
_NEWEST_FIRST = " ORDER BY l.occurred_at DESC, l.device_id DESC, l.seq DESC"
_OLDEST_FIRST = " ORDER BY l.occurred_at, l.device_id, l.seq"


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What the log browser shows; every empty field means "no filter"."""

    since: str | None = None  # UTC ISO like "2026-11-25T08:00:00.000Z", inclusive
    until: str | None = None  # exclusive
    gates: tuple[str, ...] = ()  # empty tuple = no filter
    devices: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()  # decision actions (admit, refer, deny, ...) and transitions
    operators: tuple[str, ...] = ()
    sync_states: tuple[str, ...] = ()
    text: str = ""  # masked name, ID suffix (last 4), code id / traveller key, event id prefix


@dataclass(frozen=True, slots=True)
class LogRow:
    """One event as the log browser lists it (never unmasked personal data)."""

    event_id: str
    device_id: str
    seq: int
    occurred_at: str
    kind: str
    gate: str
    operator: str
    action: str  # decision action / journey transition / roster mark / "" for others
    traveller: str  # traveller key or ""
    masked_name: str  # e.g. "张*" or ""
    summary: str  # one short line, e.g. "37.6 °C fever", "green code · admit"
    sync_state: str
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Facets:
    """Distinct values for the filter pickers."""

    gates: tuple[str, ...]
    devices: tuple[str, ...]
    kinds: tuple[str, ...]
    actions: tuple[str, ...]
    operators: tuple[str, ...]
    first_at: str | None
    last_at: str | None


@dataclass(frozen=True)
class EventDetail:
    """Everything known about one event, and the same traveller's other events."""

    row: LogRow
    payload: dict[str, Any]
    personal: dict[str, str]  # masked unless unlocked; {} when none or deleted by retention
    clock_offset_ms: int | None
    prev_hash: str
    hash: str
    attempts: int
    synced_at: str | None
    related: list[LogRow]  # the same traveller's other events, oldest first


@dataclass(frozen=True)
class Counts:
    """Counts and chart data for a shift or day."""

    since: str
    until: str
    bucket_minutes: int
    arrivals: list[tuple[str, int]]  # every 15-min bucket start in range (zeros too) → scans
    decisions: dict[str, int]  # final decision action → count
    temperatures: list[tuple[float, int]]  # 0.1 °C bins → count
    fever_threshold: float  # from the station's rules
    per_gate: dict[str, dict[str, int]]  # gate → action → count
    totals: dict[str, int]  # scans, entered, referred, denied, fevers, red, ... (see TOTALS)


@dataclass(frozen=True)
class SyncProblem:
    row: LogRow
    attempts: int
    last_error: str | None
    reviewed: bool


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _chunks(items: Sequence[str], size: int = _SQL_VARS) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _row(values: Sequence[Any]) -> LogRow:
    return LogRow(*values)


def _where(f: LogFilter, *, newest_first: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause (with its parameters) of a filter over ``p_log l``;
    ``newest_first`` for a page read in time order (see the sync states)."""
    clauses: list[str] = []
    params: list[Any] = []
    if f.since is not None:
        clauses.append("l.occurred_at >= ?")
        params.append(f.since)
    if f.until is not None:
        clauses.append("l.occurred_at < ?")
        params.append(f.until)
    for column, values in (
        ("gate", f.gates), ("device_id", f.devices), ("kind", f.kinds),
        ("action", f.actions), ("operator", f.operators),
    ):  # fmt: skip
        if values:
            clauses.append(f"l.{column} IN ({_marks(len(values))})")
            params.extend(values)
    if f.sync_states:  # every event has its event_sync row (appended or received)
        # For a page: rejected events are few, so find them first; pending and synced
        # ones are many (pending: the newest, typically), and "+" keeps SQLite from
        # driving the query by them, so it walks p_log newest first and tests each row
        # against the set instead of sorting all of them for one page. (A count is
        # quicker driven by the set.)
        few = not newest_first or set(f.sync_states) <= {"rejected"}
        clauses.append(
            f"{'' if few else '+'}l.event_id IN (SELECT event_id FROM event_sync "
            f"WHERE sync_state IN ({_marks(len(f.sync_states))}))"
        )
        params.extend(f.sync_states)
    text = f.text.strip().lower()
    if text:
        # Four indexed sets, OR-ed (SQLite's multi-index OR): travellers whose key holds
        # the text, travellers whose masked name / ID suffix does (the partial index
        # p_log_search), rows whose own search text does (no traveller: roster
        # entries), and event ids starting with it. Never a scan of the wide rows.
        like = f"%{_escape_like(text)}%"
        clauses.append(
            "(l.traveller IN (SELECT traveller FROM p_log WHERE traveller LIKE ? ESCAPE '\\') "
            "OR l.traveller IN (SELECT traveller FROM p_log WHERE search != '' "
            "AND search LIKE ? ESCAPE '\\' AND traveller != '') "
            "OR l.rowid IN (SELECT rowid FROM p_log WHERE search != '' "
            "AND search LIKE ? ESCAPE '\\') "
            "OR (l.event_id >= ? AND l.event_id < ?))"
        )
        params += [like, like, like, text, text + "\U0010ffff"]
    sql = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return sql, params


class ReviewService:
    """The supervisor's reads over the store, and the few events the review records.

    ``unlocked`` says whether the supervisor PIN was given (:meth:`unlock`) and not
    locked again since (:meth:`lock`); the screens pass it on to :meth:`detail` and the
    hand-over report."""

    def __init__(self, station: Station, *, operator: str = "") -> None:
        self.station = station
        self.operator = operator  # the signed-in supervisor/volunteer name, recorded on events
        self.unlocked = False

    @property
    def db(self) -> Any:
        return self.station.db

    # -- the log browser -------------------------------------------------------------
    def _distinct(self, column: str) -> tuple[str, ...]:
        """Distinct non-empty values of an indexed ``p_log`` column: one index seek per
        value (a loose index scan), not a walk over every row."""
        rows = self.db.execute(
            f"WITH RECURSIVE v(x) AS (SELECT MIN({column}) FROM p_log WHERE {column} > '' "
            f"UNION ALL SELECT (SELECT MIN({column}) FROM p_log WHERE {column} > v.x) FROM v "
            "WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
        ).fetchall()
        return tuple(str(r[0]) for r in rows)

    def facets(self) -> Facets:
        """Distinct gates, devices, kinds, actions, operators and the time range."""
        first, last = self.db.execute(
            "SELECT MIN(occurred_at), MAX(occurred_at) FROM p_log"
        ).fetchone()
        return Facets(
            gates=self._distinct("gate"),
            devices=self._distinct("device_id"),
            kinds=self._distinct("kind"),
            actions=self._distinct("action"),
            operators=self._distinct("operator"),
            first_at=first,
            last_at=last,
        )

    def count(self, f: LogFilter) -> int:
        """How many events match ``f``."""
        where, params = _where(f)
        return int(self.db.execute(f"SELECT COUNT(*) FROM p_log l{where}", params).fetchone()[0])

    def page(self, f: LogFilter, offset: int, limit: int) -> list[LogRow]:
        """Events matching ``f``, newest first, ``limit`` of them from ``offset``."""
        if limit <= 0:
            return []
        where, params = _where(f, newest_first=True)
        rows = self.db.execute(
            _SELECT_ROW + where + _NEWEST_FIRST + " LIMIT ? OFFSET ?",
            [*params, int(limit), max(0, int(offset))],
        ).fetchall()
        return self._named([_row(r) for r in rows])

    def _named(self, rows: list[LogRow]) -> list[LogRow]:
        """Give rows without a personal row of their own (temperature, decision, journey)
        the masked name their traveller's earliest named event has."""
        wanted = sorted({r.traveller for r in rows if r.traveller and not r.masked_name})
        if not wanted:
            return rows
        names: dict[str, str] = {}
        for chunk in _chunks(wanted):
            for traveller, name in self.db.execute(
                "SELECT traveller, masked_name FROM p_log l WHERE traveller IN "
                f"({_marks(len(chunk))}) AND masked_name != ''" + _OLDEST_FIRST,
                list(chunk),
            ):
                names.setdefault(traveller, name)
        return [
            LogRow(**{**_asdict(r), "masked_name": names.get(r.traveller, "")})
            if r.traveller in names and not r.masked_name
            else r
            for r in rows
        ]

    def row(self, event_id: str) -> LogRow:
        """One event's log row (``KeyError`` when there is no such event)."""
        found = self.db.execute(_SELECT_ROW + " WHERE l.event_id = ?", [event_id]).fetchone()
        if found is None:
            raise KeyError(event_id)
        return self._named([_row(found)])[0]

    def detail(self, event_id: str, *, unlocked: bool = False) -> EventDetail:
        """Everything about one event (``KeyError`` when unknown)."""
        row = self.row(event_id)
        payload_text, offset, prev_hash, digest = self.db.execute(
            "SELECT payload, clock_offset_ms, prev_hash, hash FROM events WHERE event_id = ?",
            [event_id],
        ).fetchone()
        sync = self.db.execute(
            "SELECT attempts, synced_at FROM event_sync WHERE event_id = ?", [event_id]
        ).fetchone()
        pii = self.station.log.pii(event_id) or {}
        personal = {k: str(v) for k, v in (pii if unlocked else mask_pii(pii)).items()}
        related: list[LogRow] = []
        if row.traveller:
            related = self._named(
                [
                    _row(r)
                    for r in self.db.execute(
                        _SELECT_ROW
                        + " WHERE l.traveller = ? AND l.event_id != ?"
                        + _OLDEST_FIRST
                        + " LIMIT ?",
                        [row.traveller, event_id, RELATED_LIMIT],
                    )
                ]
            )
        payload = json.loads(payload_text)
        return EventDetail(
            row=row,
            payload=payload if isinstance(payload, dict) else {"value": payload},
            personal=personal,
            clock_offset_ms=offset,
            prev_hash=prev_hash,
            hash=digest,
            attempts=int(sync[0]) if sync else 0,
            synced_at=sync[1] if sync else None,
            related=related,
        )

    # -- counts and charts -----------------------------------------------------------
    def counts(self, since: str, until: str, *, gate: str | None = None) -> Counts:
        """Totals and chart data for ``[since, until)``, optionally for one gate.

        ``decisions`` and ``per_gate`` count *final* decisions: a ``remeasure`` followed
        within the rules' remeasure window by another decision for the same traveller
        (the second reading, the reading typed after the scan) is superseded by it, when
        that decision is in the range too (a shift's counts depend on its events only)."""
        rules = self.station.rules
        where = "l.occurred_at >= ? AND l.occurred_at < ?"
        params: list[Any] = [since, until]
        if gate is not None:
            where += " AND l.gate = ?"
            params.append(gate)
        db = self.db
        bucket = BUCKET_MINUTES * 60
        start = int(_epoch(since)) // bucket * bucket
        end = _epoch(until)
        by_bucket = dict(
            db.execute(
                f"SELECT (l.at - ?) / {bucket}, COUNT(*) FROM p_log l "
                f"WHERE l.kind = 'scan' AND {where} GROUP BY 1",
                [start, *params],
            ).fetchall()
        )
        arrivals = []
        k = 0
        while start + k * bucket < end:
            moment = datetime.fromtimestamp(start + k * bucket, UTC)
            arrivals.append((utc_timestamp(moment), int(by_bucket.get(k, 0))))
            k += 1
        decisions: dict[str, int] = {}
        per_gate: dict[str, dict[str, int]] = {}
        for action, gate_name, n in db.execute(
            "SELECT l.action, l.gate, COUNT(*) FROM p_log l "
            f"WHERE l.kind = 'decision' AND {where} AND NOT (l.action = 'remeasure' AND "
            "EXISTS (SELECT 1 FROM p_log n WHERE n.traveller = l.traveller AND "
            "n.kind = 'decision' AND n.occurred_at >= l.occurred_at AND "
            "n.event_id != l.event_id AND n.at <= l.at + ? AND n.occurred_at < ?)) "
            "GROUP BY 1, 2 ORDER BY 1, 2",
            [*params, rules.remeasure_window_s, until],
        ):
            decisions[action] = decisions.get(action, 0) + n
            per_gate.setdefault(gate_name, {})[action] = n
        temperatures = [
            (float(c), int(n))
            for c, n in db.execute(
                "SELECT ROUND(l.celsius, 1), COUNT(*) FROM p_log l WHERE l.kind = 'temperature' "
                f"AND l.celsius IS NOT NULL AND {where} GROUP BY 1 ORDER BY 1",
                params,
            )
        ]
        totals = dict.fromkeys(TOTALS, 0)
        forged = _marks(len(FORGED_OR_INVALID))
        for kind, action, n, fevers, red, revoked, bad in db.execute(
            "SELECT l.kind, l.action, COUNT(*), SUM(l.fever), SUM(l.status = 'red'), "
            f"SUM(l.result = 'REVOKED'), SUM(l.result IN ({forged})) FROM p_log l "
            f"WHERE {where} GROUP BY 1, 2",
            [*FORGED_OR_INVALID, *params],
        ):
            totals["events"] += n
            if kind == "scan":
                totals["scans"] += n
                totals["red"] += red or 0
                totals["revoked"] += revoked or 0
                totals["forged_or_invalid"] += bad or 0
            elif kind == "temperature":
                totals["temperatures"] += n
                totals["fevers"] += fevers or 0
            elif kind == "journey":
                key = {
                    "enter": "entered", "refer": "referred", "deny": "denied",
                    "override": "overrides", "provisional_admit": "provisional",
                    "flag": "flagged", "hand_over": "handed_over",
                }.get(action)  # fmt: skip
                if key:
                    totals[key] += n
        for state, n in db.execute(
            "SELECT s.sync_state, COUNT(*) FROM event_sync s JOIN p_log l "
            f"ON l.event_id = s.event_id WHERE s.sync_state IN ('pending', 'rejected') "
            f"AND {where} GROUP BY 1",
            params,
        ):
            totals[f"{state}_sync"] = n
        return Counts(
            since=since,
            until=until,
            bucket_minutes=BUCKET_MINUTES,
            arrivals=arrivals,
            decisions=decisions,
            temperatures=temperatures,
            fever_threshold=float(rules.fever_threshold_c),
            per_gate=per_gate,
            totals=totals,
        )

    def journeys(
        self, since: str, until: str, actions: Sequence[str], *, gate: str | None = None
    ) -> list[tuple[LogRow, str]]:
        """Journey events of the given transitions in ``[since, until)``, oldest first,
        each with its reason (referrals, denials, overrides for the hand-over)."""
        if not actions:
            return []
        sql = (
            _SELECT_ROW.replace("SELECT ", "SELECT l.reason, ", 1)
            + f" WHERE l.kind = 'journey' AND l.action IN ({_marks(len(actions))}) "
            "AND l.occurred_at >= ? AND l.occurred_at < ?"
        )
        params: list[Any] = [*actions, since, until]
        if gate is not None:
            sql += " AND l.gate = ?"
            params.append(gate)
        found = self.db.execute(sql + _OLDEST_FIRST, params).fetchall()
        rows = self._named([_row(r[1:]) for r in found])
        return [(row, str(r[0])) for row, r in zip(rows, found, strict=True)]

    # -- sync problems ---------------------------------------------------------------
    def _reviewed_ids(self) -> set[str]:
        reviewed: set[str] = set()
        for (payload,) in self.db.execute(
            "SELECT payload FROM events WHERE kind = 'sync_reviewed'"
        ):
            ids = json.loads(payload).get("events")
            if isinstance(ids, list):
                reviewed.update(str(i) for i in ids)
        return reviewed

    def sync_problems(self, *, limit: int | None = None) -> list[SyncProblem]:
        """Pending and rejected events, rejected first, each group oldest first."""
        sql = (
            _SELECT_ROW.replace("SELECT ", "SELECT s.attempts, ", 1)
            + " WHERE s.sync_state IN ('rejected', 'pending') "
            "ORDER BY s.sync_state = 'rejected' DESC, l.occurred_at, l.device_id, l.seq"
        )
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        found = self.db.execute(sql, params).fetchall()
        reviewed = self._reviewed_ids()
        rows = self._named([_row(r[1:]) for r in found])
        return [
            SyncProblem(row, int(r[0]), row.last_error, row.event_id in reviewed)
            for row, r in zip(rows, found, strict=True)
        ]

    def list_ages(self) -> dict[str, int | None]:
        """Every cached list (trust list, revocations, DCC signers, rules, rosters) → its
        age in seconds (None: never fetched)."""
        return self.station.list_ages(int(self.station.now()))

    def retry(self, event_ids: Sequence[str]) -> int:
        """Rejected events back to pending (the next sync sends them again); returns how
        many. The server's last answer stays in ``last_error`` until the next one."""
        ids = list(dict.fromkeys(event_ids))
        changed = 0
        with self.station.use_case():
            for chunk in _chunks(ids):
                changed += self.db.execute(
                    "UPDATE event_sync SET sync_state = 'pending' WHERE sync_state = 'rejected' "
                    f"AND event_id IN ({_marks(len(chunk))})",
                    list(chunk),
                ).rowcount
        return changed

    def _record(self, kind: str, payload: dict[str, Any]) -> None:
        station = self.station
        with station.use_case() as rec:
            rec.record(kind, payload, operator=self.operator or "supervisor", at=station.now())

    def mark_reviewed(self, event_ids: Sequence[str], note: str) -> None:
        """Record ONE ``sync_reviewed`` event naming the events and the supervisor's note."""
        ids = sorted(set(event_ids))
        if not ids:
            raise ValueError("no events to mark as reviewed")
        self._record("sync_reviewed", {"events": ids, "note": note.strip()})

    # -- the supervisor --------------------------------------------------------------
    def unlock(self, pin: str) -> PinCheck:
        """Check the supervisor PIN (:meth:`SupervisorPin.check`); records
        ``supervisor_unlocked`` on success and ``supervisor_unlock_failed`` on a wrong or
        locked-out try (nothing when no PIN is set yet)."""
        station = self.station
        check = SupervisorPin(station.db, station.clock).check(pin)
        if check.ok:
            self.unlocked = True
            self._record("supervisor_unlocked", {"outcome": str(check.outcome)})
        elif check.outcome in (PinOutcome.WRONG, PinOutcome.LOCKED):
            self._record(
                "supervisor_unlock_failed",
                {
                    "outcome": str(check.outcome),
                    "tries_left": check.tries_left,
                    "retry_after_s": round(check.retry_after),
                },
            )
        return check

    def lock(self, reason: str) -> None:
        """Record ``supervisor_locked`` (reason: ``inactivity`` / ``manual``)."""
        self.unlocked = False
        self._record("supervisor_locked", {"reason": reason})

    # -- integrity -------------------------------------------------------------------
    def check_integrity(self) -> ChainReport:
        """Verify every device's hash chain (:func:`verify_chain`); the result is also
        kept in the store's settings (:meth:`last_integrity`)."""
        report = verify_chain(self.db)
        brk = report.first_break
        summary = {
            "at": utc_timestamp(datetime.fromtimestamp(self.station.now(), UTC)),
            "ok": report.ok,
            "events": report.events,
            "break": None
            if brk is None
            else {"device_id": brk.device_id, "seq": brk.seq, "kind": str(brk.kind)},
        }
        try:
            with self.station.use_case():
                put_meta(self.db, "integrity_last_check", json.dumps(summary))
        except StoreError:
            pass  # a read-only store (a copy under review) is checked all the same
        return report

    def last_integrity(self) -> dict[str, Any] | None:
        """The last :meth:`check_integrity` result (when, ok, events, break), or None."""
        value = get_meta(self.db, "integrity_last_check")
        return None if value is None else dict(json.loads(value))

    def chain_heads(self) -> list[tuple[str, int, str]]:
        """``(device_id, seq, hash)`` of each device's newest event, by device id."""
        return [
            (str(d), int(seq), str(h))
            for d, seq, h in self.db.execute(
                "SELECT device_id, MAX(seq), hash FROM events GROUP BY device_id ORDER BY device_id"
            )
        ]


def _asdict(row: LogRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in LogRow.__slots__}


__all__ = [
    "BUCKET_MINUTES",
    "SYNC_STATES",
    "TOTALS",
    "Counts",
    "EventDetail",
    "Facets",
    "LogFilter",
    "LogRow",
    "ReviewService",
    "SyncProblem",
]
