"""The supervisor's review service against a real store: the log browser's filters,
search and paging, the detail pane, counts, sync problems, unlock, integrity, and the
``p_log`` projection (rebuild, migration backfill, retention)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from phi1_factory import NOW
from review_data import GATE_A, GATE_B, PIN, SINCE, UNTIL, Shift, at, make_shift, tamper_event
from station_factory import Bench, make_bench

from checkpoint_app.domain.roster import parse_roster_rows
from checkpoint_app.services.bus import BusService
from checkpoint_app.services.review import LogFilter, ReviewService
from checkpoint_app.services.station import Station
from checkpoint_app.store import projections
from checkpoint_app.store.database import transaction
from checkpoint_app.store.event_log import BreakKind
from checkpoint_app.store.retention import purge_personal_data
from checkpoint_app.store.rosters import import_rosters
from checkpoint_app.store.supervisor import PinOutcome

_ACTION = {"decision": "action", "journey": "transition", "roster_mark": "mark"}


@pytest.fixture
def shift(bench: Bench) -> Shift:
    return make_shift(bench)


@pytest.fixture
def review(shift: Shift) -> ReviewService:
    """The shift with its first six events synced and two of the red code's rejected."""
    db = shift.bench.station.db
    ids = [e.event_id for e in shift.bench.station.log.events()]
    with transaction(db):
        db.execute(
            f"UPDATE event_sync SET sync_state = 'synced', synced_at = 'x', attempts = 1 "
            f"WHERE event_id IN ({', '.join('?' * 6)})",
            ids[:6],
        )
        for event in shift.red.events[:2]:
            db.execute(
                "UPDATE event_sync SET sync_state = 'rejected', attempts = 3, "
                "last_error = 'schema: bad gate' WHERE event_id = ?",
                [event.event_id],
            )
    return ReviewService(shift.bench.station, operator="李站长")


def names(station: Station) -> dict[str, str]:
    """Each traveller's masked name and ID suffix, read from the personal rows."""
    out: dict[str, str] = {}
    for e in station.log.events():
        pii = station.log.pii(e.event_id)
        traveller = json.loads(e.payload).get("traveller")
        if pii and traveller:
            from checkpoint_app.domain.masking import mask_name

            out.setdefault(traveller, f"{mask_name(pii['name'])} {pii['id_number'][-4:]}".lower())
    return out


def oracle(station: Station, f: LogFilter) -> list[str]:
    """The event ids ``f`` selects, newest first, read the slow way from the events."""
    db = station.db
    found: list[tuple[str, str, int, str]] = []
    people = names(station)
    text = f.text.strip().lower()
    for e in station.log.events():
        data = json.loads(e.payload)
        state = db.execute(
            "SELECT sync_state FROM event_sync WHERE event_id = ?", [e.event_id]
        ).fetchone()[0]
        action = str(data.get(_ACTION.get(e.kind, ""), "") or "")
        traveller = data.get("traveller") or ""
        checks = [
            f.since is None or e.occurred_at >= f.since,
            f.until is None or e.occurred_at < f.until,
            not f.gates or data.get("gate", "") in f.gates,
            not f.devices or e.device_id in f.devices,
            not f.kinds or e.kind in f.kinds,
            not f.actions or action in f.actions,
            not f.operators or e.operator in f.operators,
            not f.sync_states or state in f.sync_states,
            not text
            or text in traveller
            or e.event_id.startswith(text)
            or text in people.get(traveller, ""),
        ]
        if all(checks):
            found.append((e.occurred_at, e.device_id, e.seq, e.event_id))
    return [x[3] for x in sorted(found, reverse=True)]


def ids(review: ReviewService, f: LogFilter) -> list[str]:
    return [r.event_id for r in review.page(f, 0, 10_000)]


def kinds_of(station: Station) -> list[str]:
    return [e.kind for e in station.log.events()]


def test_facets_list_what_the_pickers_offer(review: ReviewService, shift: Shift) -> None:
    facets = review.facets()
    assert facets.gates == tuple(sorted((GATE_A, GATE_B)))
    assert facets.devices == (shift.bench.station.device_id,)
    assert facets.kinds == ("decision", "journey", "scan", "temperature")
    assert set(facets.actions) == {"admit", "deny", "enter", "override", "refer", "remeasure"}
    assert set(facets.operators) == {"小王", "小李", "李站长"}
    assert facets.first_at == at(0)
    assert facets.last_at == at(60 + 120 + 60 + 6 + 900 + 30 + 600)


FILTERS = {
    "none": LogFilter(),
    "since": LogFilter(since=at(200)),
    "until": LogFilter(until=at(200)),
    "range": LogFilter(since=at(60), until=at(1000)),
    "gate": LogFilter(gates=(GATE_B,)),
    "two gates": LogFilter(gates=(GATE_A, GATE_B)),
    "device": LogFilter(devices=("another-device",)),
    "kind": LogFilter(kinds=("temperature",)),
    "decision action": LogFilter(actions=("deny",)),
    "actions": LogFilter(actions=("remeasure", "refer")),
    "operator": LogFilter(operators=("李站长",)),
    "synced": LogFilter(sync_states=("synced",)),
    "rejected": LogFilter(sync_states=("rejected",)),
    "pending or rejected": LogFilter(sync_states=("pending", "rejected")),
    "masked name": LogFilter(text="张"),
    "masked name with star": LogFilter(text="李*"),
    "id suffix": LogFilter(text="1234"),
    "code id": LogFilter(text="P3AAAA"),
    "like wildcard is literal": LogFilter(text="%"),
    "combined": LogFilter(gates=(GATE_A,), kinds=("decision",), text="王"),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_matches_a_slow_reading_of_the_events(
    review: ReviewService, shift: Shift, name: str
) -> None:
    f = FILTERS[name]
    expected = oracle(shift.bench.station, f)
    assert ids(review, f) == expected
    assert review.count(f) == len(expected)


def test_filters_select_what_the_shift_recorded(review: ReviewService, shift: Shift) -> None:
    station = shift.bench.station
    assert review.count(LogFilter()) == len(kinds_of(station)) == 23
    assert review.count(LogFilter(gates=(GATE_B,))) == 4 + 3 + 1  # red, forged, override
    assert review.count(LogFilter(kinds=("temperature",))) == 5
    assert review.count(LogFilter(actions=("deny",))) == 4  # 2 decisions + 2 journeys
    assert review.count(LogFilter(operators=("李站长",))) == 1
    assert review.count(LogFilter(sync_states=("synced",))) == 6
    assert review.count(LogFilter(sync_states=("rejected",))) == 2
    assert review.count(LogFilter(devices=("another-device",))) == 0


def test_text_search_by_masked_name_id_suffix_code_id_and_event_id(
    review: ReviewService, shift: Shift
) -> None:
    zhang = {e.event_id for o in shift.referred for e in o.events}
    assert len(zhang) == 6
    assert set(ids(review, LogFilter(text="张"))) == zhang  # 张** on every one of them
    assert set(ids(review, LogFilter(text="张**"))) == zhang
    assert set(ids(review, LogFilter(text="1234"))) == zhang
    assert set(ids(review, LogFilter(text="p3aaaaaaa"))) == zhang  # the health-code id
    li = {e.event_id for e in shift.red.events} | {e.event_id for e in shift.override.events}
    assert set(ids(review, LogFilter(text="李*"))) == li
    one = shift.forged.events[0].event_id
    assert ids(review, LogFilter(text=one[:8])) == [one]
    assert ids(review, LogFilter(text="郑爽")) == []  # never the unmasked name
    assert ids(review, LogFilter(text="_")) == []


def test_rows_carry_masked_names_and_one_line_summaries(review: ReviewService) -> None:
    rows = review.page(LogFilter(text="张"), 0, 100)
    assert {r.masked_name for r in rows} == {"张**"}
    summaries = {(r.kind, r.summary) for r in rows}
    assert ("temperature", "37.9 °C fever") in summaries
    assert ("scan", "green code · VALID") in summaries
    assert ("journey", "refer · FEVER_CONFIRMED") in summaries
    assert all("张三丰" not in r.summary for r in rows)
    override = review.page(LogFilter(actions=("override",)), 0, 1)[0]
    assert override.operator == "李站长" and override.masked_name == "李*"
    assert "→ entered" in override.summary and "health office" in override.summary


def test_paging_walks_every_row_once_newest_first(review: ReviewService) -> None:
    f = LogFilter()
    everything = review.page(f, 0, 1000)
    pages = []
    for offset in range(0, review.count(f), 5):
        pages += review.page(f, offset, 5)
    assert [r.event_id for r in pages] == [r.event_id for r in everything]
    assert len({r.event_id for r in pages}) == 23
    keys = [(r.occurred_at, r.device_id, r.seq) for r in everything]
    assert keys == sorted(keys, reverse=True)
    assert review.page(f, 23, 5) == [] and review.page(f, 0, 0) == []


def test_detail_masked_unless_unlocked_with_the_travellers_other_events(
    review: ReviewService, shift: Shift
) -> None:
    scan = shift.referred[0].events[0]
    masked = review.detail(scan.event_id)
    assert masked.personal == {"name": "张**", "id_number": "110***********1234"}
    assert review.detail(scan.event_id, unlocked=True).personal == {
        "name": "张三丰",
        "id_number": "110***********1234",
    }
    assert masked.row.kind == "scan" and masked.row.masked_name == "张**"
    assert masked.payload["traveller"] == shift.referred[0].traveller
    assert (masked.hash, masked.prev_hash) == (scan.hash, scan.prev_hash)
    assert masked.attempts == 1 and masked.synced_at == "x"  # among the six synced
    others = [e.event_id for o in shift.referred for e in o.events][1:]
    assert [r.event_id for r in masked.related] == others  # oldest first, not itself
    assert {r.masked_name for r in masked.related} == {"张**"}
    decision = review.detail(shift.referred[1].events[1].event_id, unlocked=True)
    assert decision.personal == {}  # the decision has no personal row of its own
    assert decision.row.masked_name == "张**"
    assert decision.payload["action"] == "refer"
    pending = review.detail(shift.referred[1].events[0].event_id)
    assert pending.row.sync_state == "pending" and pending.synced_at is None
    assert pending.attempts == 0
    forged = review.detail(shift.forged.events[0].event_id, unlocked=True)
    assert forged.personal == {} and forged.row.masked_name == ""
    assert {r.kind for r in forged.related} == {"decision", "journey"}
    with pytest.raises(KeyError):
        review.detail("no-such-event")


def test_counts_of_the_known_shift(review: ReviewService) -> None:
    counts = review.counts(SINCE, at(3600 - 800))  # 14:00 to 15:00
    assert counts.bucket_minutes == 15
    assert counts.arrivals == [
        ("2026-09-21T14:00:00.000Z", 2),
        ("2026-09-21T14:15:00.000Z", 1),
        ("2026-09-21T14:30:00.000Z", 2),
        ("2026-09-21T14:45:00.000Z", 0),
    ]
    # Both remeasures were followed by a decision: only final decisions count.
    assert counts.decisions == {"admit": 2, "refer": 1, "deny": 2}
    assert counts.per_gate == {GATE_A: {"admit": 2, "refer": 1}, GATE_B: {"deny": 2}}
    assert counts.temperatures == [(36.4, 1), (36.5, 1), (36.6, 1), (37.8, 1), (37.9, 1)]
    assert counts.fever_threshold == 37.3
    t = counts.totals
    assert (t["scans"], t["entered"], t["referred"], t["denied"]) == (5, 2, 1, 2)
    assert (t["fevers"], t["red"], t["forged_or_invalid"], t["revoked"]) == (2, 1, 1, 0)
    assert (t["overrides"], t["provisional"], t["events"]) == (1, 0, 23)
    assert (t["pending_sync"], t["rejected_sync"]) == (23 - 6 - 2, 2)


def test_counts_for_one_gate_and_a_window(review: ReviewService) -> None:
    a = review.counts(SINCE, UNTIL, gate=GATE_A)
    assert a.totals["scans"] == 3 and a.decisions == {"admit": 2, "refer": 1}
    assert len(a.arrivals) == 12 * 4  # every 15 minutes of the 12 hours, zeros included
    early = review.counts(SINCE, at(61))  # the first scan and 张's first reading only
    assert early.totals["scans"] == 2
    assert early.decisions == {"admit": 1, "remeasure": 1}  # its second reading is later
    empty = review.counts(at(-7200), at(-3600))
    assert empty.totals["events"] == 0 and empty.decisions == {} and empty.temperatures == []
    assert empty.arrivals[0][0] == "2026-09-21T12:00:00.000Z"  # 12:13:20 floored
    assert [n for _, n in empty.arrivals] == [0] * 5  # to 13:13:20


def test_sync_problems_retry_and_mark_reviewed(review: ReviewService, shift: Shift) -> None:
    station = shift.bench.station
    problems = review.sync_problems()
    assert len(problems) == 23 - 6
    rejected = [p for p in problems if p.row.sync_state == "rejected"]
    assert [p.row.event_id for p in problems[:2]] == [p.row.event_id for p in rejected]
    assert [p.row.event_id for p in rejected] == [e.event_id for e in shift.red.events[:2]]
    assert all(p.last_error == "schema: bad gate" and p.attempts == 3 for p in rejected)
    assert not any(p.reviewed for p in problems)
    assert len(review.sync_problems(limit=3)) == 3

    before = len(kinds_of(station))
    target = rejected[0].row.event_id
    review.mark_reviewed([target, target], "gate name fixed on the server")
    assert kinds_of(station)[before:] == ["sync_reviewed"]  # one event
    last = list(station.log.events(kind="sync_reviewed"))[-1]
    assert json.loads(last.payload) == {"events": [target], "note": "gate name fixed on the server"}
    assert last.operator == "李站长"
    reviewed = {p.row.event_id: p.reviewed for p in review.sync_problems()}
    assert reviewed[target] and not reviewed[rejected[1].row.event_id]
    with pytest.raises(ValueError):
        review.mark_reviewed([], "nothing")

    synced = shift.entered.events[0].event_id
    assert review.retry([e.event_id for e in shift.red.events] + [synced]) == 2
    assert review.count(LogFilter(sync_states=("rejected",))) == 0
    assert review.detail(synced).row.sync_state == "synced"  # untouched
    again = review.detail(target)
    assert again.row.sync_state == "pending" and again.row.last_error == "schema: bad gate"
    assert review.retry([target]) == 0


def test_unlock_wrong_pin_lockout_and_lock_are_events(review: ReviewService, shift: Shift) -> None:
    station = shift.bench.station
    start = len(kinds_of(station))
    assert review.unlock(PIN).ok and review.unlocked
    review.lock("inactivity")
    assert not review.unlocked
    wrong = review.unlock("000000")
    assert wrong.outcome is PinOutcome.WRONG and wrong.tries_left == 4 and not review.unlocked
    assert kinds_of(station)[start:] == [
        "supervisor_unlocked",
        "supervisor_locked",
        "supervisor_unlock_failed",
    ]
    for _ in range(4):
        review.unlock("000000")
    locked = review.unlock(PIN)  # the right PIN, but locked out now
    assert locked.outcome is PinOutcome.LOCKED and not review.unlocked
    failed = list(station.log.events(kind="supervisor_unlock_failed"))
    assert len(failed) == 6
    assert json.loads(failed[-1].payload)["outcome"] == "locked"
    assert json.loads(failed[-2].payload)["retry_after_s"] == 30
    locks = list(station.log.events(kind="supervisor_locked"))
    assert json.loads(locks[0].payload) == {"reason": "inactivity"}
    assert all(e.operator == "李站长" for e in station.log.events() if e.seq > start)
    assert review.count(LogFilter(kinds=("supervisor_unlock_failed",))) == 6


def test_unlock_without_a_pin_records_nothing(bench: Bench) -> None:
    review = ReviewService(bench.station)
    assert review.unlock("1234").outcome is PinOutcome.NOT_SET
    assert kinds_of(bench.station) == []


def test_integrity_check_finds_an_edit_made_behind_the_triggers(
    review: ReviewService, shift: Shift
) -> None:
    station = shift.bench.station
    report = review.check_integrity()
    assert report.ok and report.events == 23
    assert review.last_integrity() == {
        "at": at(60 + 120 + 60 + 6 + 900 + 30 + 600),
        "ok": True,
        "events": 23,
        "break": None,
    }
    victim = shift.red.events[2]  # the red code's decision
    tamper_event(shift.bench.data_dir, victim.event_id, "deny", "admit")
    broken = review.check_integrity()
    assert not broken.ok and broken.first_break is not None
    assert broken.first_break.kind is BreakKind.EDITED
    assert (broken.first_break.device_id, broken.first_break.seq) == (
        station.device_id,
        victim.seq,
    )
    assert review.last_integrity()["break"] == {  # type: ignore[index]
        "device_id": station.device_id,
        "seq": victim.seq,
        "kind": "edited",
    }


def test_chain_heads_and_list_ages(review: ReviewService, shift: Shift) -> None:
    station = shift.bench.station
    assert review.chain_heads() == [(station.device_id, *station.log.head())]
    ages = review.list_ages()
    assert {"phi1_trust_list", "phi1_revocations", "dcc_signers", "rules", "rosters"} <= set(ages)
    assert ages["rules"] is None and ages["rosters"] is None
    assert ages["phi1_trust_list"] == int(shift.bench.clock.now - NOW)  # given at the start


def test_p_log_is_rebuilt_exactly(review: ReviewService, shift: Shift) -> None:
    db = shift.bench.station.db
    review.mark_reviewed([shift.forged.events[0].event_id], "seen")
    stored = projections.snapshot(db)
    assert len(stored["p_log"]) == 24
    with transaction(db):
        projections.rebuild(db)
    assert projections.snapshot(db) == stored


def test_roster_import_has_a_log_row(bench: Bench) -> None:
    station = bench.station
    rows = [
        ["roster", "booking", "name", "id_number", "phone"],
        ["HD-BUS-3", "B-1", "王小明", "420106199001011234", "13812345678"],
    ]
    import_rosters(station.log, parse_roster_rows(rows), source="bus3.csv", operator="marshal")
    review = ReviewService(station)
    (row,) = review.page(LogFilter(kinds=("roster_imported",)), 0, 10)
    assert row.summary == "HD-BUS-3 · 1 entries · bus3.csv"
    stored = projections.snapshot(station.db)
    with transaction(station.db):
        projections.rebuild(station.db)
    assert projections.snapshot(station.db) == stored


def test_retention_clears_the_masked_search_text(review: ReviewService, shift: Shift) -> None:
    db = shift.bench.station.db
    assert review.count(LogFilter(text="张")) == 6
    with transaction(db):
        db.execute("UPDATE event_sync SET sync_state = 'synced'")
    removed = purge_personal_data(db, days=28, now=_utc(NOW + 40 * 86400))
    assert removed == 4  # the four scans' personal rows
    left = db.execute(
        "SELECT COUNT(*) FROM p_log WHERE masked_name != '' OR search != ''"
    ).fetchone()[0]
    assert left == 0
    assert review.count(LogFilter(text="张")) == 0
    assert review.count(LogFilter(text="1234")) == 0
    assert review.count(LogFilter(text="p3aaaaaa")) == 6  # the code id is not personal
    assert review.detail(shift.referred[0].events[0].event_id, unlocked=True).personal == {}
    stored = projections.snapshot(db)
    with transaction(db):
        projections.rebuild(db)
    assert projections.snapshot(db) == stored


def test_the_v4_migration_backfills_p_log(shift: Shift) -> None:
    station = shift.bench.station
    stored = projections.snapshot(station.db)["p_log"]
    path = shift.bench.data_dir / "checkpoint.sqlite3"
    station.close()
    conn = sqlite3.connect(str(path))
    conn.execute("DROP TABLE p_log")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    reopened = make_bench(shift.bench.data_dir).station
    try:
        assert projections.snapshot(reopened.db)["p_log"] == stored
        assert ReviewService(reopened).count(LogFilter(text="张")) == 6
    finally:
        reopened.close()
    shift.bench.station = make_bench(shift.bench.data_dir).station  # for the fixture's close


def _utc(epoch: float) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC)


def test_a_walk_in_without_a_traveller_key_is_found_by_its_masked_name(bench: Bench) -> None:
    station = bench.station
    rows = [["roster", "booking", "name"], ["HD-BUS-3", "B-1", "王小明"]]
    import_rosters(station.log, parse_roster_rows(rows), source="bus3.csv", operator="marshal")
    BusService(station, operator="marshal").walk_in(
        "HD-BUS-3", name="欧阳修远", reason="家属 family", id_number="110101199001017777"
    )
    review = ReviewService(station)
    (found,) = review.page(LogFilter(text="欧"), 0, 10)
    assert (found.kind, found.masked_name, found.traveller) == ("roster_entry_added", "欧***", "")
    assert [r.event_id for r in review.page(LogFilter(text="7777"), 0, 10)] == [found.event_id]
    assert review.detail(found.event_id).personal["id_number"] == "110***********7777"
    assert review.count(LogFilter()) == len(kinds_of(station))  # the import and ticks too


def test_exports_have_log_rows(bench: Bench) -> None:
    station = bench.station
    station.record_export("log", "xlsx", rows=120, masked=False, operator="李站长")
    station.record_export(
        "manifest", "pdf", rows=68, masked=True, operator="marshal", roster_id="HD-BUS-3"
    )
    review = ReviewService(station)
    rows = review.page(LogFilter(kinds=("data_exported",)), 0, 10)
    assert [(r.operator, r.summary) for r in rows] == [
        ("marshal", "manifest · HD-BUS-3 · pdf · 68 rows · masked"),
        ("李站长", "log · xlsx · 120 rows · UNMASKED"),
    ]
