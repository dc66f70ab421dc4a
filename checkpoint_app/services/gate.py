"""The gate's use cases: scan, temperature, decision, and what follows a decision.

Each public method is one use case and one transaction (:meth:`Station.use_case`):
every event it records and every projection row derived from them commit together or
not at all. Verification (pure, CPU only) runs before the transaction opens; the
journey and the readings the decision needs are read inside it, so two processes
writing the same data directory never decide on stale state.

A scan records:

* ``scan`` — the verification summary (format, result, colour, issuer), whether this
  traveller was scanned here before (``repeat``), the source (camera, keyboard wedge,
  manual, cli); the name and masked document number go to the personal row;
* ``temperature`` — when a reading comes with it;
* ``decision`` — :func:`checkpoint_app.domain.admission.decide`'s verdict with the rule
  that decided;
* ``journey`` — the transition the verdict makes (entered, referred, denied, …), when
  it makes one. A repeat (already entered) makes none: no second entry is recorded.

Illegal transitions asked for by hand (hand over a traveller who never entered, admit
a denied one without an override) raise :class:`IllegalTransition` with a message that
says why; nothing is recorded then.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from checkpoint_app.domain.admission import READING_MAX_AGE_S, Decision, decide, journey_transition
from checkpoint_app.domain.identity import (
    display_fields,
    manual_key,
    personal_fields,
    roster_key,
    traveller_key,
)
from checkpoint_app.domain.journey import (
    IllegalTransition,
    Journey,
    JourneyEvent,
    JourneyProblem,
    JourneyState,
    Stamp,
    Transition,
    apply,
)
from checkpoint_app.domain.masking import mask_id_number, mask_name
from checkpoint_app.domain.results import Verification
from checkpoint_app.domain.temperature import (
    Reading,
    Temperature,
    TemperatureUnit,
    parse_temperature,
)
from checkpoint_app.services.station import Recorder, Station
from checkpoint_app.store.event_log import Event
from checkpoint_app.store.supervisor import PinCheck, SupervisorPin


class NotAuthorised(Exception):
    """The supervisor PIN did not check; ``check`` says why (wrong, locked, not set)."""

    def __init__(self, check: PinCheck) -> None:
        messages = {
            "wrong": f"wrong supervisor PIN ({check.tries_left} tries before a lock-out)",
            "locked": f"too many wrong PINs: try again in {int(check.retry_after) + 1} s",
            "not_set": "no supervisor PIN is set yet: set one in the settings first",
        }
        super().__init__(messages.get(str(check.outcome), "the supervisor PIN did not check"))
        self.check = check


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """What the gate shows after a use case, and what it recorded."""

    traveller: str
    verification: Verification | None
    decision: Decision | None
    journey: Journey
    repeat: bool = False
    reading: Temperature | None = None
    display: dict[str, str] = field(default_factory=dict)
    transition: Transition | None = None
    rosters: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``admit`` command's object (personal fields masked)."""
        decision = self.decision.to_json() if self.decision is not None else None
        v = self.verification
        return {
            "decision": decision["action"] if decision else None,
            **(decision or {}),
            "format": str(v.format) if v is not None else None,
            "result": str(v.result) if v is not None else None,
            "status": (v.claims or {}).get("sts") if v is not None else None,
            "traveller": self.traveller,
            "holder": self.display,
            "repeat": self.repeat,
            "temperature": self.reading.to_json() if self.reading is not None else None,
            "transition": str(self.transition) if self.transition else None,
            "journey": str(self.journey.state),
            "rosters": list(self.rosters),
            "events": [{"event_id": e.event_id, "seq": e.seq, "kind": e.kind} for e in self.events],
        }


@dataclass(frozen=True, slots=True)
class LookupMatch:
    """A traveller without a phone, found on a roster by name or ID suffix (masked)."""

    roster_id: str
    roster_title: str
    booking_id: str
    name: str
    id_number: str
    seat: str

    @property
    def traveller(self) -> str:
        return roster_key(self.roster_id, self.booking_id)


#: Most matches a lookup returns (the volunteer types more to narrow it down).
LOOKUP_LIMIT = 20


def _journey_from_row(row: tuple[Any, ...] | None) -> Journey:
    if row is None:
        return Journey()
    state, since, gate, device, operator, reason, e_at, e_gate, e_device, e_operator = row
    entry = Stamp(e_at, e_gate, e_device, e_operator) if e_at is not None else None
    return Journey(JourneyState(state), since, gate, device, operator, reason, entry)


class GateService:
    """The volunteer's gate: one instance per screen (or per CLI call)."""

    def __init__(self, station: Station, *, gate: str | None = None, operator: str = "") -> None:
        self.station = station
        self.gate = gate or station.default_gate
        self.operator = operator or "volunteer"

    # -- reads -----------------------------------------------------------------------
    def journey(self, traveller: str) -> Journey:
        row = self.station.db.execute(
            "SELECT state, since, gate, device_id, operator, reason, entry_at, entry_gate, "
            "entry_device, entry_operator FROM p_travellers WHERE traveller = ?",
            [traveller],
        ).fetchone()
        return _journey_from_row(row)

    def readings(self, traveller: str, now: int) -> list[Reading]:
        lookback = READING_MAX_AGE_S + self.station.rules.remeasure_window_s
        rows = self.station.db.execute(
            "SELECT celsius, raw, unit, at FROM p_readings "
            "WHERE traveller = ? AND at BETWEEN ? AND ? ORDER BY at",
            [traveller, now - lookback, now],
        ).fetchall()
        return [
            Reading(Temperature(celsius, raw, TemperatureUnit(unit)), at)
            for celsius, raw, unit, at in rows
        ]

    def _scanned_before(self, traveller: str) -> bool:
        row = self.station.db.execute(
            "SELECT 1 FROM p_scans WHERE traveller = ? LIMIT 1", [traveller]
        ).fetchone()
        return row is not None

    def _rosters_of(self, cid: str | None) -> tuple[str, ...]:
        if not cid:
            return ()
        rows = self.station.db.execute(
            "SELECT DISTINCT roster_id FROM roster_entries WHERE cid = ? AND cid != '' "
            "ORDER BY roster_id",
            [cid],
        ).fetchall()
        return tuple(r[0] for r in rows)

    def parse_temperature(self, text: str) -> Temperature:
        """Parse a typed reading in the checkpoint's unit (:class:`TemperatureError`)."""
        return parse_temperature(text, self.station.rules.temperature_unit)

    # -- use cases -------------------------------------------------------------------
    def scan(
        self,
        text: str,
        *,
        temperature: str | Temperature | None = None,
        source: str = "camera",
        at: float | None = None,
    ) -> GateOutcome:
        """A scanned code (and, at the CLI, its reading): record, decide, move the journey.

        A temperature text that cannot be read raises :class:`TemperatureError` before
        anything is recorded."""
        reading = (
            self.parse_temperature(temperature) if isinstance(temperature, str) else temperature
        )
        station = self.station
        when = station.now() if at is None else at
        now = int(when)
        verification = station.verifier.verify(text, now)
        traveller = traveller_key(verification, text)
        pii = personal_fields(verification)
        claims = verification.claims or {}
        with station.use_case() as rec:
            repeat = self._scanned_before(traveller)
            payload = {
                "traveller": traveller,
                "gate": self.gate,
                "source": source,
                "format": str(verification.format),
                "result": str(verification.result),
                "status": claims.get("sts"),
                "issuer": claims.get("iss"),
                "code_expires": claims.get("exp"),
                "repeat": repeat,
            }
            scan_event = rec.record("scan", payload, operator=self.operator, at=when, pii=pii)
            return self._decide(
                rec, traveller, verification, reading, when, scan_event, repeat, pii, text
            )

    def temperature(
        self, previous: GateOutcome, temperature: str | Temperature, *, at: float | None = None
    ) -> GateOutcome:
        """The reading typed after a scan asked for one: record it and decide again."""
        if previous.verification is None:
            raise ValueError("a reading follows a scan")
        reading = (
            self.parse_temperature(temperature) if isinstance(temperature, str) else temperature
        )
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            outcome = self._decide(
                rec, previous.traveller, previous.verification, reading, when, None,
                previous.repeat, {}, None,
            )  # fmt: skip
        # the reading carries no personal fields: the holder is still the scan's
        return dataclasses.replace(outcome, display=previous.display)

    def _decide(
        self,
        rec: Recorder,
        traveller: str,
        verification: Verification,
        reading: Temperature | None,
        when: float,
        scan_event: Event | None,
        repeat: bool,
        pii: dict[str, str],
        text: str | None,
    ) -> GateOutcome:
        station, now = self.station, int(when)
        rules = station.rules
        reading_event = None
        if reading is not None:
            reading_event = rec.record(
                "temperature",
                {
                    "traveller": traveller,
                    "gate": self.gate,
                    "celsius": reading.celsius,
                    "raw": reading.raw,
                    "unit": str(reading.unit),
                    "fever": reading.is_fever(rules.fever_threshold_c),
                },
                operator=self.operator,
                at=when,
            )
        journey = self.journey(traveller)
        trust_age, revocations_age = station.trust_ages(now).for_format(str(verification.format))
        decision = decide(
            verification,
            readings=self.readings(traveller, now),
            journey=journey,
            trust_list_age_s=trust_age,
            revocations_age_s=revocations_age,
            rules=rules,
            now=now,
        )
        transition = journey_transition(decision, journey)
        rec.record(
            "decision",
            {
                "traveller": traveller,
                "gate": self.gate,
                **decision.to_json(),
                "scan_event": scan_event.event_id if scan_event else None,
                "temperature_event": reading_event.event_id if reading_event else None,
                "transition": str(transition) if transition else None,
            },
            operator=self.operator,
            at=when,
        )
        if transition is not None:
            event = JourneyEvent(
                transition, now, station.device_id, 0, self.gate, self.operator,
                str(decision.reason),
            )  # fmt: skip
            journey = apply(journey, event)
            rec.record(
                "journey",
                {
                    "traveller": traveller,
                    "gate": self.gate,
                    "transition": str(transition),
                    "reason": str(decision.reason),
                    "target": None,
                },
                operator=self.operator,
                at=when,
            )
        cid = (verification.claims or {}).get("cid") if verification.claims else None
        return GateOutcome(
            traveller=traveller,
            verification=verification,
            decision=decision,
            journey=self.journey(traveller),
            repeat=repeat,
            reading=reading,
            display=display_fields(pii),
            transition=transition,
            rosters=self._rosters_of(cid if isinstance(cid, str) else None),
            events=tuple(rec.events),
        )

    def _move(
        self,
        rec: Recorder,
        traveller: str,
        transition: Transition,
        *,
        when: float,
        operator: str,
        reason: str | None,
        target: JourneyState | None = None,
        pii: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Journey:
        """Apply a transition strictly (raising :class:`IllegalTransition`) and record it."""
        journey = self.journey(traveller)
        event = JourneyEvent(
            transition, int(when), self.station.device_id, 0, self.gate, operator, reason, target
        )
        after = apply(journey, event)
        rec.record(
            "journey",
            {
                "traveller": traveller,
                "gate": self.gate,
                "transition": str(transition),
                "reason": reason,
                "target": str(target) if target else None,
                **(extra or {}),
            },
            operator=operator,
            at=when,
            pii=pii,
        )
        return after

    def _manual(
        self,
        traveller: str,
        transition: Transition,
        *,
        reason: str | None,
        operator: str | None = None,
        target: JourneyState | None = None,
        at: float | None = None,
        pii: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> GateOutcome:
        when = self.station.now() if at is None else at
        with self.station.use_case() as rec:
            journey = self._move(
                rec, traveller, transition, when=when, operator=operator or self.operator,
                reason=reason, target=target, pii=pii, extra=extra,
            )  # fmt: skip
            return GateOutcome(
                traveller, None, None, journey, transition=transition, events=tuple(rec.events)
            )

    def provisional_admit(
        self, previous: GateOutcome, reason: str, *, text: str, at: float | None = None
    ) -> GateOutcome:
        """Admit on a visual check a traveller whose code cannot be verified offline.

        Allowed only when the decision said so; the code's text is kept in the personal
        row so the sync can verify it online, then confirm or flag the admission."""
        decision = previous.decision
        if decision is None or not decision.provisional_allowed:
            why = (
                "a reading below the threshold is needed first"
                if decision is not None and decision.needs_temperature
                else "only a code that cannot be verified offline can be admitted provisionally"
            )
            raise IllegalTransition(JourneyProblem.NOT_PROVISIONAL, why, previous.journey)
        if not reason.strip():
            raise IllegalTransition(
                JourneyProblem.REASON_REQUIRED,
                "a provisional admission needs what was checked",
                previous.journey,
            )
        return self._manual(
            previous.traveller, Transition.PROVISIONAL_ADMIT, reason=reason.strip(), at=at,
            pii={"code": text}, extra={"cause": str(decision.reason)},
        )  # fmt: skip

    def lookup(self, query: str, *, limit: int = LOOKUP_LIMIT) -> list[LookupMatch]:
        """Travellers without a phone: roster entries whose name contains ``query`` or
        whose ID number ends with it (four characters or more), masked."""
        q = " ".join(query.split())
        if not q:
            return []
        like = "%" + q.replace("%", "").replace("_", "") + "%"
        rows = self.station.db.execute(
            "SELECT e.roster_id, r.title, e.booking_id, e.name, e.id_number, e.id_last4, e.seat "
            "FROM roster_entries e JOIN rosters r ON r.roster_id = e.roster_id "
            "WHERE e.name LIKE ? OR (length(?) >= 4 AND (e.id_last4 = ? "
            "  OR (e.id_number != '' AND e.id_number LIKE ?))) "
            "ORDER BY e.name, e.roster_id, e.booking_id LIMIT ?",
            [like, q, q.upper()[-4:], "%" + q.upper(), int(limit)],
        ).fetchall()
        out = []
        for roster_id, title, booking, name, id_number, last4, seat in rows:
            masked_id = mask_id_number(id_number) if id_number else f"****{last4}" if last4 else ""
            out.append(
                LookupMatch(
                    roster_id, title or roster_id, booking, mask_name(name), masked_id, seat
                )
            )
        return out

    def refer_without_phone(
        self, match: LookupMatch, checked: str, *, at: float | None = None
    ) -> GateOutcome:
        """A traveller without a phone, identified on a roster: there is no code to
        verify, so the secondary check decides. ``checked`` says what the volunteer
        checked (e.g. the photo ID); it is required."""
        if not checked.strip():
            raise IllegalTransition(
                JourneyProblem.REASON_REQUIRED,
                "say what you checked (e.g. photo ID) before sending to the secondary check",
                self.journey(match.traveller),
            )
        row = self.station.db.execute(
            "SELECT name, id_number FROM roster_entries WHERE roster_id = ? AND booking_id = ?",
            [match.roster_id, match.booking_id],
        ).fetchone()
        if row is None:
            raise ValueError(f"{match.booking_id} is no longer on {match.roster_id}")
        return self._refer_in_person(
            match.traveller, f"no phone: {checked.strip()}", row[0], row[1], at=at,
            extra={"cause": "no_phone", "roster_id": match.roster_id,
                   "booking_id": match.booking_id},
        )  # fmt: skip

    def refer_unlisted(
        self, name: str, id_number: str, checked: str, *, at: float | None = None
    ) -> GateOutcome:
        """A traveller without a phone and on no roster (most of a railway gate's): the
        volunteer types the name (and the ID number, if shown) and what was checked;
        the secondary check decides. Name and ``checked`` are required."""
        name = " ".join(name.split())
        id_number = "".join(id_number.split()).upper()
        traveller = manual_key(name, id_number)
        if len(name) < 2 or not checked.strip():
            raise IllegalTransition(
                JourneyProblem.REASON_REQUIRED,
                "type the traveller's name and what you checked (e.g. photo ID)",
                self.journey(traveller),
            )
        return self._refer_in_person(
            traveller, f"no phone, on no roster: {checked.strip()}", name, id_number, at=at,
            extra={"cause": "no_phone_unlisted"},
        )  # fmt: skip

    def _refer_in_person(
        self, traveller: str, reason: str, name: str, id_number: str, *,
        extra: dict[str, Any], at: float | None,
    ) -> GateOutcome:  # fmt: skip
        """Refer a traveller identified in person (no code): their name and ID number go
        to the journey event's personal row; the outcome shows them masked."""
        pii = {k: v for k, v in (("name", name), ("id_number", id_number)) if v}
        outcome = self._manual(
            traveller, Transition.REFER, reason=reason, at=at, pii=pii, extra=extra
        )
        return dataclasses.replace(outcome, display=display_fields(pii))

    def settle_provisional(
        self, traveller: str, *, verified: bool, detail: str, at: float | None = None
    ) -> GateOutcome:
        """The online check of a provisional admission: confirm it, or flag it."""
        transition = Transition.CONFIRM if verified else Transition.FLAG
        return self._manual(traveller, transition, reason=detail, operator="online-check", at=at)

    def refer(self, traveller: str, reason: str, *, at: float | None = None) -> GateOutcome:
        """Send a traveller to the secondary check by hand (a volunteer's judgement)."""
        return self._manual(traveller, Transition.REFER, reason=reason, at=at)

    def secondary_decision(
        self, traveller: str, *, admit: bool, reason: str, at: float | None = None
    ) -> GateOutcome:
        """The secondary check's verdict on a referred traveller: enter, or deny."""
        journey = self.journey(traveller)
        if journey.state is not JourneyState.REFERRED:
            raise IllegalTransition(
                JourneyProblem.NOT_ADMITTED
                if journey.entry is None
                else JourneyProblem.ALREADY_ENTERED,
                f"the secondary check decides referred travellers only (state {journey.state}"
                f"{journey.when()})",
                journey,
            )
        transition = Transition.ENTER if admit else Transition.DENY
        return self._manual(traveller, transition, reason=reason, at=at)

    def hand_over(self, traveller: str, to: str, *, at: float | None = None) -> GateOutcome:
        """Pass an entered or referred traveller to the next team (``to`` names it)."""
        return self._manual(traveller, Transition.HAND_OVER, reason=f"to {to}", at=at)

    def override(
        self,
        traveller: str,
        *,
        target: JourneyState,
        reason: str,
        supervisor: str,
        pin: str,
        at: float | None = None,
    ) -> GateOutcome:
        """A supervisor's override to entered or denied, with a reason and their PIN."""
        check = SupervisorPin(self.station.db, self.station.clock).check(pin)
        if not check.ok:
            raise NotAuthorised(check)
        return self._manual(
            traveller, Transition.OVERRIDE, reason=reason.strip(), operator=supervisor.strip(),
            target=target, at=at,
        )  # fmt: skip


__all__ = ["GateOutcome", "GateService", "IllegalTransition", "NotAuthorised"]
