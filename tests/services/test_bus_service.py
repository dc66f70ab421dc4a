"""The bus marshal's use cases against a real store."""

from __future__ import annotations

import pytest
from phi1_factory import base_claims
from station_factory import Bench

from checkpoint_app.domain.bus import BusProblem, BusRefused, EntryState, TickMethod
from checkpoint_app.domain.roster import RosterError, parse_roster_rows
from checkpoint_app.services.bus import BusService
from checkpoint_app.store import projections
from checkpoint_app.store.rosters import import_rosters

HEADER = ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"]
CID = base_claims()["cid"]  # the test issuer's default holder, 郑爽 …2651


def load(bench: Bench, rows: list[list[str]]) -> None:
    import_rosters(
        bench.station.log, parse_roster_rows([HEADER, *rows]), source="t.csv", operator="t"
    )


def bus3(n: int = 5) -> list[list[str]]:
    rows = [
        ["HD-BUS-3", "海淀 3号车", f"HD3-{i:04d}", f"乘客{i}", f"11010119900101{i:04d}",
         f"1381234{i:04d}", "", str(i)]
        for i in range(1, n)
    ]  # fmt: skip
    rows.append(
        [
            "HD-BUS-3",
            "海淀 3号车",
            "HD3-9999",
            "郑爽",
            "420102199001012651",
            "15900005410",
            CID,
            "9",
        ]
    )
    return rows


def test_tick_by_scan_by_ticket_and_by_name_until_all_present(bench: Bench) -> None:
    load(bench, bus3(3))  # 3 passengers
    bus = BusService(bench.station, operator="marshal 1")
    assert bus.summary("HD-BUS-3").progress.label() == "0/3"
    by_code = bus.tick_by_scan("HD-BUS-3", bench.code())
    assert by_code.entry.booking_id == "HD3-9999"
    assert by_code.entry.status.method is TickMethod.SCAN
    by_ticket = bus.tick_by_scan("HD-BUS-3", "TKT1:HD-BUS-3/HD3-0001")
    assert by_ticket.summary.progress.label() == "2/3"
    missing = bus.entries("HD-BUS-3", show="missing")
    assert [(e.booking_id, e.phone, e.name) for e in missing] == [
        ("HD3-0002", "138****0002", "乘**")
    ]
    with pytest.raises(BusRefused) as refused:
        bus.tick_by_name("HD-BUS-3", "HD3-0002", "  ")
    assert refused.value.code is BusProblem.REASON_REQUIRED
    done = bus.tick_by_name("HD-BUS-3", "HD3-0002", "phone battery dead, ID card checked")
    assert done.summary.progress.all_present
    with pytest.raises(BusRefused) as twice:
        bus.tick_by_scan("HD-BUS-3", "TKT1:HD-BUS-3/HD3-0001")
    assert twice.value.code is BusProblem.ALREADY_PRESENT
    departed = bus.depart("HD-BUS-3")
    assert departed.departed_at is not None
    with pytest.raises(BusRefused) as after:
        bus.untick("HD-BUS-3", "HD3-0001", "wrong tick")
    assert after.value.code is BusProblem.DEPARTED


def test_scan_of_someone_on_another_bus_is_refused_with_where(bench: Bench) -> None:
    load(bench, [*bus3(2), ["HD-BUS-4", "", "HD4-0001", "张三", "", "", "", ""]])
    bus = BusService(bench.station)
    with pytest.raises(BusRefused, match="expected on HD-BUS-3"):
        bus.tick_by_scan("HD-BUS-4", bench.code())
    with pytest.raises(BusRefused, match="for HD-BUS-3, not HD-BUS-4"):
        bus.tick_by_scan("HD-BUS-4", "TKT1:HD-BUS-3/HD3-0001")
    with pytest.raises(BusRefused, match="tick by name"):
        bus.tick_by_scan(
            "HD-BUS-4", bench.code(cid="b" * 26, nam="陌生人", idm="110***********0000")
        )


def test_match_by_name_and_id_last4_when_the_roster_has_no_code_id(bench: Bench) -> None:
    rows = bus3(2)
    rows[-1][6] = ""  # no cid on the roster: name + last 4 of the ID number
    load(bench, rows)
    out = BusService(bench.station).tick_by_scan("HD-BUS-3", bench.code())
    assert out.entry.booking_id == "HD3-9999"


def test_depart_with_missing_passengers_needs_a_reason(bench: Bench) -> None:
    load(bench, bus3(4))
    bus = BusService(bench.station)
    bus.tick_by_scan("HD-BUS-3", bench.code())
    bus.mark_absent("HD-BUS-3", "HD3-0001", "called 138****0001: took a taxi")
    with pytest.raises(BusRefused, match="3 of 4 passengers are missing"):
        bus.depart("HD-BUS-3")
    summary = bus.depart("HD-BUS-3", reason="waited 20 minutes")
    assert summary.progress.label() == "1/4" and summary.progress.absent == 1
    with pytest.raises(BusRefused) as again:
        bus.depart("HD-BUS-3", reason="x")
    assert again.value.code is BusProblem.DEPARTED


def test_walk_in_and_move_keep_the_counts_right(bench: Bench) -> None:
    load(bench, [*bus3(3), ["HD-BUS-4", "", "HD4-0001", "张三", "", "", "", ""]])
    bus = BusService(bench.station)
    walk = bus.walk_in(
        "HD-BUS-3", name="赵六", phone="13900001111", reason="dispatch office sent him"
    )
    assert walk.entry.origin == "walk_in" and walk.entry.status.state is EntryState.PRESENT
    assert walk.summary.progress.label() == "1/4"
    moved = bus.move("HD-BUS-3", "HD3-0001", "HD-BUS-4", "family on bus 4")
    assert moved.entry.roster_id == "HD-BUS-4" and moved.entry.origin == "moved"
    assert bus.summary("HD-BUS-3").progress.label() == "1/3"
    assert bus.summary("HD-BUS-4").progress.label() == "0/2"
    with pytest.raises(BusRefused) as moved_away:
        bus.tick_by_name("HD-BUS-3", "HD3-0001", "by hand")
    assert moved_away.value.code is BusProblem.MOVED
    # re-importing bus 4 keeps the passenger moved there
    load(bench, [["HD-BUS-4", "", "HD4-0001", "张三", "", "", "", ""]])
    assert bus.summary("HD-BUS-4").progress.label() == "0/2"
    # a file that gives the moved passenger's booking id to someone else is refused
    # row by row, and nothing of it is imported
    events_before = bench.station.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(RosterError) as clash:
        load(
            bench,
            [["HD-BUS-4", "", "HD4-0001", "张三", "", "", "", ""],
             ["HD-BUS-4", "", "HD3-0001", "钱七", "", "", "", ""]],
        )  # fmt: skip
    assert [(e.row, e.column) for e in clash.value.errors] == [(3, "booking")]
    assert "moved here from another bus" in str(clash.value.errors[0])
    assert bench.station.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == events_before
    assert bus.summary("HD-BUS-4").progress.label() == "0/2"
    stored = projections.snapshot(bench.station.db)
    with bench.station.use_case():
        projections.rebuild(bench.station.db)
    assert projections.snapshot(bench.station.db) == stored


def test_search_matches_name_booking_seat_and_id_suffix(bench: Bench) -> None:
    load(bench, bus3(12))
    bus = BusService(bench.station)
    assert [e.booking_id for e in bus.entries("HD-BUS-3", query="乘客1")] == [
        "HD3-0001", "HD3-0010", "HD3-0011",
    ]  # fmt: skip
    assert [e.booking_id for e in bus.entries("HD-BUS-3", query="0007")] == ["HD3-0007"]
    assert [e.booking_id for e in bus.entries("HD-BUS-3", query="2651")] == ["HD3-9999"]
    unmasked = bus.entries("HD-BUS-3", query="郑", unmasked=True)
    assert unmasked[0].name == "郑爽" and unmasked[0].phone == "15900005410"


def test_same_traveller_on_two_rosters_is_flagged(bench: Bench) -> None:
    rows = [
        *bus3(2),
        ["HD-BUS-4", "", "HD4-0001", "郑爽", "420102199001012651", "", "", ""],
        ["HD-BUS-5", "", "HD5-0001", "乘客1", "", "", "", ""],
    ]
    load(bench, rows)
    found = BusService(bench.station).duplicates()
    assert [(d.matched_by, d.entries) for d in found] == [
        ("id_number", (("HD-BUS-3", "HD3-9999"), ("HD-BUS-4", "HD4-0001")))
    ]
