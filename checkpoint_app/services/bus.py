"""The bus marshal's use cases: pick a roster, tick passengers, find who is missing, depart.

Each public method that changes something is one transaction. Marks are events
(``roster_mark``: tick, untick, mark_absent, move_out), and so are entries added on the
spot (``roster_entry_added``: a walk-in, or a passenger moved from another bus — their
personal fields go to the event's personal row) and the departure (``bus_departed``).
What a roster shows is the projection ``p_roster_status`` over the imported entries.

Names are shown masked unless the caller asks otherwise (the supervisor unlocked);
search always matches the full name, the booking id, the seat and the ID number's last
four characters.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from checkpoint_app.domain.bus import (
    BusProblem,
    BusRefused,
    EntryMark,
    EntryState,
    EntryStatus,
    Mark,
    Progress,
    TickMethod,
    check_mark,
    fold,
    progress,
)
from checkpoint_app.domain.classify import classify
from checkpoint_app.domain.identity import code_id, id_last4, personal_fields
from checkpoint_app.domain.masking import mask_id_number, mask_name, mask_phone
from checkpoint_app.domain.results import CodeFormat, Verification
from checkpoint_app.domain.roster import RosterEntry, parse_roster_rows
from checkpoint_app.services.station import Recorder, Station
from checkpoint_app.store.event_log import Event
from checkpoint_app.store.projections import entry_marks

_ENTRY_COLUMNS = (
    "e.roster_id, e.booking_id, e.name, e.id_number, e.id_last4, e.phone, e.cid, e.seat, "
    "e.origin, COALESCE(s.state, 'expected'), s.since, s.method, s.reason, s.to_roster"
)
_ENTRY_JOIN = (
    "FROM roster_entries e LEFT JOIN p_roster_status s "
    "ON s.roster_id = e.roster_id AND s.booking_id = e.booking_id"
)


@dataclass(frozen=True, slots=True)
class EntryView:
    """One passenger as the bus screen lists them."""

    roster_id: str
    booking_id: str
    name: str
    id_number: str
    phone: str
    seat: str
    cid: str
    origin: str
    status: EntryStatus

    def to_json(self) -> dict[str, Any]:
        s = self.status
        return {
            "roster_id": self.roster_id,
            "booking_id": self.booking_id,
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "seat": self.seat,
            "origin": self.origin,
            "state": str(s.state),
            "since": s.since,
            "method": str(s.method) if s.method else None,
            "reason": s.reason,
            "to_roster": s.to_roster,
        }


@dataclass(frozen=True, slots=True)
class RosterSummary:
    roster_id: str
    title: str
    progress: Progress
    departed_at: int | None


@dataclass(frozen=True, slots=True)
class TickOutcome:
    entry: EntryView
    summary: RosterSummary
    verification: Verification | None
    events: tuple[Event, ...]


SEARCH_PAGE = 100


@dataclass(frozen=True, slots=True)
class SearchResult:
    entries: tuple[EntryView, ...]
    total: int


@dataclass(frozen=True, slots=True)
class DuplicateTraveller:
    """The same traveller expected on more than one roster."""

    matched_by: str  # "cid", "id_number" or "name+id_last4"
    entries: tuple[tuple[str, str], ...]  # (roster_id, booking_id)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class BusService:
    def __init__(self, station: Station, *, operator: str = "") -> None:
        self.station = station
        self.operator = operator or "marshal"

    # -- reads -----------------------------------------------------------------------
    def _view(self, row: tuple[Any, ...], unmasked: bool) -> EntryView:
        (roster_id, booking, name, id_number, _last4, phone, cid, seat, origin,
         state, since, method, reason, to_roster) = row  # fmt: skip
        status = EntryStatus(
            EntryState(state), since, TickMethod(method) if method else None, reason, to_roster
        )
        if not unmasked:
            name, id_number, phone = mask_name(name), mask_id_number(id_number), mask_phone(phone)
        return EntryView(roster_id, booking, name, id_number, phone, seat, cid, origin, status)

    def departed_at(self, roster_id: str) -> int | None:
        row = self.station.db.execute(
            "SELECT MIN(at) FROM p_departures WHERE roster_id = ?", [roster_id]
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def summary(self, roster_id: str) -> RosterSummary:
        db = self.station.db
        row = db.execute("SELECT title FROM rosters WHERE roster_id = ?", [roster_id]).fetchone()
        if row is None:
            raise BusRefused(BusProblem.NOT_ON_ROSTER, f"no roster {roster_id!r} on this station")
        states = db.execute(
            f"SELECT COALESCE(s.state, 'expected') {_ENTRY_JOIN} WHERE e.roster_id = ?",
            [roster_id],
        ).fetchall()
        return RosterSummary(
            roster_id,
            str(row[0]),
            progress(EntryState(s[0]) for s in states),
            self.departed_at(roster_id),
        )

    def rosters(self) -> list[RosterSummary]:
        ids = self.station.db.execute("SELECT roster_id FROM rosters ORDER BY roster_id").fetchall()
        return [self.summary(r[0]) for r in ids]

    def _where(self, roster_id: str, show: str, query: str) -> tuple[str, list[Any]]:
        where, params = ["e.roster_id = ?"], [roster_id]
        states = {
            "all": None,
            "missing": ("expected", "absent"),
            "present": ("present",),
            "absent": ("absent",),
            "moved": ("moved",),
        }
        if show not in states:
            raise ValueError(f"show must be one of {', '.join(states)}")
        wanted = states[show]
        if wanted is not None:
            where.append(f"COALESCE(s.state, 'expected') IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        q = _norm(query)
        if q:
            like = f"%{q.replace('%', '').replace('_', '')}%"
            where.append(
                "(e.name LIKE ? OR e.booking_id LIKE ? OR e.seat = ? OR e.id_last4 = ? "
                "OR substr(e.phone, -4) = ?)"
            )
            params.extend([like, like, q, q.upper(), q])
        return " AND ".join(where), params

    def entries(
        self,
        roster_id: str,
        *,
        show: str = "all",
        query: str = "",
        unmasked: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[EntryView]:
        """The roster's passengers in seat/booking order: ``show`` is ``all``, ``missing``
        (expected or absent), ``present``, ``absent`` or ``moved``; ``query`` matches the
        name, booking id, seat, or the ID number's / phone's last digits."""
        where, params = self._where(roster_id, show, query)
        sql = f"SELECT {_ENTRY_COLUMNS} {_ENTRY_JOIN} WHERE {where} ORDER BY e.row, e.booking_id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [int(limit), int(offset)]
        rows = self.station.db.execute(sql, params).fetchall()
        return [self._view(r, unmasked) for r in rows]

    def search(
        self,
        roster_id: str,
        query: str,
        *,
        show: str = "all",
        unmasked: bool = False,
        page: int = SEARCH_PAGE,
    ) -> SearchResult:
        """What the bus screen shows per keystroke: the first ``page`` matches and how many
        there are in all (the list scrolls for more with :meth:`entries` ``offset``)."""
        where, params = self._where(roster_id, show, query)
        total = self.station.db.execute(
            f"SELECT COUNT(*) {_ENTRY_JOIN} WHERE {where}", params
        ).fetchone()[0]
        shown = self.entries(roster_id, show=show, query=query, unmasked=unmasked, limit=page)
        return SearchResult(tuple(shown), int(total))

    def entry(self, roster_id: str, booking_id: str, *, unmasked: bool = False) -> EntryView:
        row = self.station.db.execute(
            f"SELECT {_ENTRY_COLUMNS} {_ENTRY_JOIN} WHERE e.roster_id = ? AND e.booking_id = ?",
            [roster_id, booking_id],
        ).fetchone()
        if row is None:
            others = self.station.db.execute(
                "SELECT roster_id FROM roster_entries WHERE booking_id = ? ORDER BY roster_id",
                [booking_id],
            ).fetchall()
            where = f"; it is on {', '.join(r[0] for r in others)}" if others else ""
            raise BusRefused(
                BusProblem.NOT_ON_ROSTER, f"booking {booking_id} is not on {roster_id}{where}"
            )
        return self._view(row, unmasked)

    def duplicates(self) -> list[DuplicateTraveller]:
        """Travellers expected on two rosters or more (moved passengers excepted)."""
        db = self.station.db
        found: list[DuplicateTraveller] = []
        seen: set[frozenset[tuple[str, str]]] = set()
        active = (
            f"SELECT e.roster_id, e.booking_id, e.cid, e.id_number, e.name, e.id_last4 "
            f"{_ENTRY_JOIN} WHERE COALESCE(s.state, 'expected') != 'moved'"
        )
        rows = db.execute(active).fetchall()
        for by, key in (
            ("cid", lambda r: r[2] or None),
            ("id_number", lambda r: r[3] if len(r[3]) >= 15 and "*" not in r[3] else None),
            ("name+id_last4", lambda r: (r[4], r[5]) if r[5] else None),
        ):
            groups: dict[Any, list[tuple[str, str]]] = {}
            for r in rows:
                k = key(r)
                if k is not None:
                    groups.setdefault(k, []).append((r[0], r[1]))
            for members in groups.values():
                if len({m[0] for m in members}) < 2:
                    continue
                ident = frozenset(members)
                if ident not in seen:
                    seen.add(ident)
                    found.append(DuplicateTraveller(by, tuple(sorted(members))))
        return found

    # -- marks -----------------------------------------------------------------------
    def _status(self, roster_id: str, booking_id: str) -> EntryStatus:
        return fold(entry_marks(self.station.db, roster_id, booking_id))

    def _mark(
        self,
        rec: Recorder,
        roster_id: str,
        booking_id: str,
        mark: Mark,
        *,
        when: float,
        method: TickMethod | None = None,
        reason: str | None = None,
        to_roster: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.entry(roster_id, booking_id)  # raises NOT_ON_ROSTER
        status = self._status(roster_id, booking_id)
        clean = (reason or "").strip() or None
        check_mark(
            status,
            EntryMark(mark, int(when), method=method, reason=clean, to_roster=to_roster),
            departed_at=self.departed_at(roster_id),
        )
        rec.record(
            "roster_mark",
            {
                "roster_id": roster_id,
                "booking_id": booking_id,
                "mark": str(mark),
                "method": str(method) if method else None,
                "reason": clean,
                "to_roster": to_roster,
                **(extra or {}),
            },
            operator=self.operator,
            at=when,
        )

    def _outcome(
        self, rec: Recorder, roster_id: str, booking_id: str, v: Verification | None = None
    ) -> TickOutcome:
        return TickOutcome(
            self.entry(roster_id, booking_id),
            self.summary(roster_id),
            v,
            tuple(rec.events),
        )

    def tick_by_name(
        self, roster_id: str, booking_id: str, reason: str, *, at: float | None = None
    ) -> TickOutcome:
        """Tick a passenger picked from the list by hand; a reason is required."""
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            self._mark(
                rec, roster_id, booking_id, Mark.TICK, when=when, method=TickMethod.NAME,
                reason=reason,
            )  # fmt: skip
            return self._outcome(rec, roster_id, booking_id)

    def find_by_scan(self, roster_id: str, text: str, now: int) -> tuple[str, Verification | None]:
        """The booking id a scanned code refers to on this roster, or :class:`BusRefused`."""
        classified = classify(text)
        db = self.station.db
        if classified.format is CodeFormat.ROSTER and classified.booking_id:
            if classified.roster_id and classified.roster_id != roster_id:
                raise BusRefused(
                    BusProblem.NOT_ON_ROSTER,
                    f"this ticket is for {classified.roster_id}, not {roster_id}",
                )
            self.entry(roster_id, classified.booking_id)
            return classified.booking_id, None
        verification = self.station.verifier.verify(text, now)
        cid = code_id(verification)
        candidates: list[tuple[str, str]] = []
        if cid:
            candidates = db.execute(
                # "cid != ''" lets SQLite use the partial index on cid
                "SELECT roster_id, booking_id FROM roster_entries WHERE cid = ? AND cid != ''",
                [cid],
            ).fetchall()
        if not candidates:
            pii, last4 = personal_fields(verification), id_last4(verification)
            if pii.get("name") and last4:
                candidates = db.execute(
                    "SELECT roster_id, booking_id FROM roster_entries WHERE name = ? AND id_last4 = ?",
                    [_norm(pii["name"]), last4],
                ).fetchall()
        here = [c for c in candidates if c[0] == roster_id]
        if len(here) == 1:
            return here[0][1], verification
        if len(here) > 1:
            raise BusRefused(
                BusProblem.NOT_ON_ROSTER,
                "several passengers of this roster match the code: tick by name",
            )
        if candidates:
            elsewhere = ", ".join(sorted({c[0] for c in candidates}))
            raise BusRefused(
                BusProblem.NOT_ON_ROSTER, f"not on {roster_id}: expected on {elsewhere}"
            )
        if verification.claims is None:
            raise BusRefused(
                BusProblem.NOT_ON_ROSTER,
                f"the code cannot be read as a health code ({verification.result}): tick by name",
            )
        raise BusRefused(
            BusProblem.NOT_ON_ROSTER, f"not on {roster_id}: tick by name or add a walk-in"
        )

    def tick_by_scan(self, roster_id: str, text: str, *, at: float | None = None) -> TickOutcome:
        """Tick the passenger whose health code or roster ticket was scanned."""
        when = self.station.now() if at is None else at
        booking_id, verification = self.find_by_scan(roster_id, text, int(when))
        extra = {}
        if verification is not None:
            extra = {"format": str(verification.format), "result": str(verification.result)}
        with self.station.use_case() as rec:
            self._mark(
                rec, roster_id, booking_id, Mark.TICK, when=when, method=TickMethod.SCAN,
                extra=extra,
            )  # fmt: skip
            return self._outcome(rec, roster_id, booking_id, verification)

    def untick(
        self, roster_id: str, booking_id: str, reason: str, *, at: float | None = None
    ) -> TickOutcome:
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            self._mark(rec, roster_id, booking_id, Mark.UNTICK, when=when, reason=reason)
            return self._outcome(rec, roster_id, booking_id)

    def mark_absent(
        self, roster_id: str, booking_id: str, reason: str, *, at: float | None = None
    ) -> TickOutcome:
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            self._mark(rec, roster_id, booking_id, Mark.MARK_ABSENT, when=when, reason=reason)
            return self._outcome(rec, roster_id, booking_id)

    def _add_entry(
        self, rec: Recorder, entry: RosterEntry, *, origin: str, reason: str, when: float,
        from_roster: str | None = None,
    ) -> None:  # fmt: skip
        db = self.station.db
        if self.departed_at(entry.roster_id) is not None:
            raise BusRefused(BusProblem.DEPARTED, f"{entry.roster_id} has departed")
        if db.execute(
            "SELECT 1 FROM roster_entries WHERE roster_id = ? AND booking_id = ?",
            [entry.roster_id, entry.booking_id],
        ).fetchone():
            raise BusRefused(
                BusProblem.ALREADY_ON_ROSTER,
                f"booking {entry.booking_id} is already on {entry.roster_id}",
            )
        row = db.execute(
            "SELECT COALESCE(MAX(row), 0) + 1 FROM roster_entries WHERE roster_id = ?",
            [entry.roster_id],
        ).fetchone()
        db.execute(
            "INSERT INTO roster_entries (roster_id, booking_id, name, id_number, id_last4, phone, "
            "cid, seat, row, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entry.roster_id, entry.booking_id, entry.name, entry.id_number, entry.id_last4,
                entry.phone, entry.cid, entry.seat, int(row[0]), origin,
            ],
        )  # fmt: skip
        db.execute(
            "UPDATE rosters SET entries = entries + 1 WHERE roster_id = ?", [entry.roster_id]
        )
        rec.record(
            "roster_entry_added",
            {
                "roster_id": entry.roster_id,
                "booking_id": entry.booking_id,
                "origin": origin,
                "from_roster": from_roster,
                "reason": reason,
                "has_cid": bool(entry.cid),
            },
            operator=self.operator,
            at=when,
            pii={
                "name": entry.name,
                "id_number": entry.id_number,
                "phone": entry.phone,
                **({"cid": entry.cid} if entry.cid else {}),
            },
        )

    def walk_in(
        self,
        roster_id: str,
        *,
        name: str,
        reason: str,
        id_number: str = "",
        phone: str = "",
        seat: str = "",
        at: float | None = None,
    ) -> TickOutcome:
        """Add a passenger who is not on the roster, and tick them (they are at the door)."""
        when = self.station.now() if at is None else at
        if not reason.strip():
            raise BusRefused(BusProblem.REASON_REQUIRED, "adding a walk-in needs a reason")
        self.summary(roster_id)  # raises for an unknown roster
        booking = f"W-{secrets.token_hex(4).upper()}"
        header = ["roster", "booking", "name", "id_number", "phone", "seat"]
        entries = parse_roster_rows([header, [roster_id, booking, name, id_number, phone, seat]])
        with self.station.use_case() as rec:
            self._add_entry(rec, entries[0], origin="walk_in", reason=reason.strip(), when=when)
            self._mark(
                rec, roster_id, booking, Mark.TICK, when=when, method=TickMethod.WALK_IN,
                reason=reason,
            )  # fmt: skip
            return self._outcome(rec, roster_id, booking)

    def move(
        self,
        roster_id: str,
        booking_id: str,
        to_roster: str,
        reason: str,
        *,
        at: float | None = None,
    ) -> TickOutcome:
        """Move a passenger to another bus: out of this roster, into that one (expected)."""
        when = self.station.now() if at is None else at
        if to_roster == roster_id:
            raise BusRefused(BusProblem.SAME_ROSTER, "the passenger is already on this roster")
        self.summary(to_roster)
        row = self.station.db.execute(
            "SELECT name, id_number, phone, cid, seat FROM roster_entries "
            "WHERE roster_id = ? AND booking_id = ?",
            [roster_id, booking_id],
        ).fetchone()
        if row is None:
            self.entry(roster_id, booking_id)  # raises with where it is
        name, id_number, phone, cid, _seat = row
        moved = RosterEntry(
            roster_id=to_roster, booking_id=booking_id, name=name, row=0,
            id_number=id_number, phone=phone, cid=cid,
        )  # fmt: skip
        with self.station.use_case() as rec:
            self._mark(
                rec, roster_id, booking_id, Mark.MOVE_OUT, when=when, reason=reason,
                to_roster=to_roster,
            )  # fmt: skip
            self._add_entry(
                rec, moved, origin="moved", reason=reason.strip(), when=when, from_roster=roster_id
            )
            return self._outcome(rec, to_roster, booking_id)

    def reveal_phone(self, roster_id: str, booking_id: str, *, at: float | None = None) -> str:
        """One passenger's full phone number, for the marshal to call them.

        Each reveal is recorded (``phone_revealed``: the roster and booking ids, no
        personal data), so who looked at whose number can be reviewed. Returns "" and
        records nothing when the roster holds no number for them."""
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            phone = self.entry(roster_id, booking_id, unmasked=True).phone
            if phone:
                rec.record(
                    "phone_revealed",
                    {"roster_id": roster_id, "booking_id": booking_id},
                    operator=self.operator,
                    at=when,
                )
            return phone

    def depart(self, roster_id: str, *, reason: str = "", at: float | None = None) -> RosterSummary:
        """The bus leaves: all present, or with a reason for leaving the missing behind."""
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            summary = self.summary(roster_id)
            if summary.departed_at is not None:
                departed = datetime.fromtimestamp(summary.departed_at, UTC)
                raise BusRefused(
                    BusProblem.DEPARTED,
                    f"{roster_id} already departed at {departed:%Y-%m-%d %H:%MZ}",
                )
            missing = [e.booking_id for e in self.entries(roster_id, show="missing")]
            if missing and not reason.strip():
                raise BusRefused(
                    BusProblem.REASON_REQUIRED,
                    f"{len(missing)} of {summary.progress.expected} passengers are missing: "
                    "give a reason to depart without them",
                )
            rec.record(
                "bus_departed",
                {
                    "roster_id": roster_id,
                    "present": summary.progress.present,
                    "expected": summary.progress.expected,
                    "missing": missing,
                    "reason": reason.strip() or None,
                },
                operator=self.operator,
                at=when,
            )
            return self.summary(roster_id)


__all__ = [
    "BusRefused",
    "BusService",
    "DuplicateTraveller",
    "EntryView",
    "RosterSummary",
    "TickOutcome",
]
