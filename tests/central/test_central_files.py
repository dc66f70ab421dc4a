"""What the server reads and checks: roster files, rules files, events on the wire.

Each is checked against the app's own reader, so the server never hands out what a
station would refuse, and computes the same hashes the stations do.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from central_chain import PROJECT_ROOT, Chain, rehash

from central.rosters import RosterFileError, parse_rosters, read_roster_file
from central.rules import RulesError, check_rules
from central.wire import (
    BadCursor,
    InvalidEvent,
    check_event,
    decode_cursor,
    encode_cursor,
    event_hash,
)
from checkpoint_app.domain.roster import RosterError, parse_roster_rows
from checkpoint_app.domain.rules import RulesError as AppRulesError
from checkpoint_app.domain.rules import parse_rules

DEMO_ROSTER = PROJECT_ROOT / "offline_cache" / "demo" / "roster_demo.csv"


# -- rosters -----------------------------------------------------------------------------
def test_the_demo_roster_reads_like_the_app_reads_it() -> None:
    rosters = read_roster_file(DEMO_ROSTER)
    with DEMO_ROSTER.open(encoding="utf-8-sig", newline="") as fh:
        app_entries = parse_roster_rows(list(csv.reader(fh)))
    assert sum(len(r.entries) for r in rosters) == len(app_entries)
    ours = {(r.roster_id, e["booking"], e["name"], e["cid"]) for r in rosters for e in r.entries}
    theirs = {(e.roster_id, e.booking_id, e.name, e.cid or None) for e in app_entries}
    assert ours == theirs


def test_gb18030_semicolons_chinese_headers_and_xlsx(tmp_path: Path) -> None:
    text = "车次;线路;预约号;姓名;身份证号;手机号;座位\nHD-BUS-3;海淀 3号车;hd3-0009;欧阳娜娜;420***********0518;138 0000 1234;12\n"
    gb = tmp_path / "bus.csv"
    gb.write_bytes(text.encode("gb18030"))
    [roster] = read_roster_file(gb)
    assert (roster.roster_id, roster.title) == ("HD-BUS-3", "海淀 3号车")
    assert roster.entries == [
        {
            "booking": "HD3-0009",
            "name": "欧阳娜娜",
            "id_number": "420***********0518",
            "phone": "138 0000 1234",
            "cid": None,
            "seat": "12",
        }
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Roster", "Booking ID", "Name", "Phone"])
    sheet.append(["CY-BUS-1", "CY1-0001", "张伟", 13800001234])
    sheet.append([None, None, None, None])
    book.save(tmp_path / "bus.xlsx")
    [xlsx] = read_roster_file(tmp_path / "bus.xlsx")
    assert xlsx.title == "CY-BUS-1"  # no title column: the id
    assert xlsx.entries[0]["phone"] == "13800001234"


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([["name", "booking"]], "required column 'roster' is missing"),
        ([["roster", "booking", "name", "名单"]], "appears twice"),
        ([["roster", "booking", "name"], ["bus 3", "B1", "王芳"]], "column roster"),
        ([["roster", "booking", "name"], ["B3", "B1", "x" * 65]], "column name"),
        ([["roster", "booking", "name", "cid"], ["B3", "B1", "王芳", "ABC"]], "column cid"),
        ([["roster", "booking", "name", "id"], ["B3", "B1", "王芳", "12"]], "column id_number"),
        (
            [["roster", "booking", "name"], ["B3", "b1", "王芳"], ["B3", "B1", "李伟"]],
            "repeats row 2",
        ),
        ([["roster", "booking", "name"]], "no travellers"),
        ([], "empty"),
    ],
)
def test_bad_roster_files_are_refused_like_the_app_refuses_them(
    rows: list[list[Any]], problem: str
) -> None:
    with pytest.raises(RosterFileError, match=problem):
        parse_rosters(rows)
    with pytest.raises(RosterError):
        parse_roster_rows(rows)


def test_an_unreadable_roster_file(tmp_path: Path) -> None:
    binary = tmp_path / "bus.csv"
    binary.write_bytes(b"\xff\xfe\x00roster" * 10 + b"\x81\x30\xff")
    with pytest.raises(RosterFileError, match="neither UTF-8 nor GB18030"):
        read_roster_file(binary)
    fake = tmp_path / "bus.xlsx"
    fake.write_text("roster,booking,name\n", encoding="utf-8")
    with pytest.raises(RosterFileError, match="not an XLSX workbook"):
        read_roster_file(fake)


# -- rules -------------------------------------------------------------------------------
RULES_CASES: list[Any] = [
    {},
    {"fever_threshold_c": 37.0, "yellow": "deny", "nat_required_within_h": 48, "dcc": "admit"},
    {"trust_warn_after_h": 12, "trust_refer_after_h": 24, "reentry": "allow"},
    {"provisional_admission": False, "temperature_unit": "F", "remeasure_window_s": 3600},
    {"nat_required_within_h": None, "nat_positive": "deny", "fever_threshold_c": 36},
    {"fever_threshold_c": 37.5},
    {"fever_threshold_c": 35.9},
    {"fever_threshold_c": "37.0"},
    {"fever_threshold_c": True},
    {"remeasure_window_s": 300},
    {"remeasure_window_s": 600.0},
    {"yellow": "admit"},
    {"dcc": "deny"},
    {"nat_required_within_h": 0},
    {"trust_warn_after_h": 30},
    {"trust_refer_after_h": 100},
    {"trust_warn_after_h": 20, "trust_refer_after_h": 10},
    {"provisional_admission": "yes"},
    {"provisional_admission": 1},
    {"red": "refer"},
    {"colour": "green"},
    [],
    "rules",
]


@pytest.mark.parametrize("doc", RULES_CASES)
def test_rules_are_checked_exactly_as_the_stations_check_them(doc: Any) -> None:
    try:
        parse_rules(doc)
        app_accepts = True
    except AppRulesError:
        app_accepts = False
    if app_accepts:
        assert check_rules(doc) == doc
    else:
        with pytest.raises(RulesError, match=r"rules|JSON object"):
            check_rules(doc)


# -- events on the wire --------------------------------------------------------------------
def test_the_server_hashes_events_as_the_stations_do() -> None:
    chain = Chain()
    for event in [*chain.events(20), chain.event("journey", traveller="phi1:110000/x", 温度=36.6)]:
        assert event_hash(event["prev_hash"], event) == event["hash"]
        assert check_event(event) == event


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"seq": 0}, "seq must be 1"),
        ({"seq": 1.0}, "seq must be an integer"),
        ({"seq": True}, "seq must be an integer"),
        ({"event_id": ""}, "event_id must not be empty"),
        ({"event_id": "a b"}, "event_id must be"),
        ({"device_id": 7}, "device_id must be a string"),
        ({"occurred_at": "2026-11-25 08:31"}, "UTC offset"),
        ({"occurred_at": "soon"}, "not an ISO 8601 time"),
        ({"clock_offset_ms": "-120"}, "clock_offset_ms must be an integer"),
        ({"clock_offset_ms": 2**60}, "clock_offset_ms must be"),
        ({"operator": None}, "operator must be a string"),
        ({"kind": "Scan!"}, "kind must be"),
        ({"payload": {"a": 1}}, "payload must be a string"),
        ({"payload": "x" * 70_000}, "payload is longer"),
        ({"pii_digest": "ABC"}, "pii_digest"),
        ({"prev_hash": "0" * 63}, "prev_hash"),
        ({"hash": "G" * 64}, "hash must be"),
        ({"operator": "a\x00b"}, "NUL"),
    ],
)
def test_events_of_the_wrong_shape_are_invalid(change: dict[str, Any], words: str) -> None:
    event = {**Chain().event(), **change}
    if "hash" not in change:
        event = rehash(event)  # the fields are wrong, not the hash
    with pytest.raises(InvalidEvent, match=words):
        check_event(event)


def test_missing_fields_are_named() -> None:
    event = Chain().event()
    del event["pii_digest"], event["operator"]
    with pytest.raises(InvalidEvent, match=r"missing field.*operator, pii_digest"):
        check_event(event)


def test_cursors_are_opaque_and_bound_to_their_list_and_checkpoint() -> None:
    cursor = encode_cursor("e", "BJW-GATE", 12345)
    assert "12345" not in cursor
    assert decode_cursor("e", "BJW-GATE", cursor) == 12345
    assert decode_cursor("e", "BJW-GATE", None) == decode_cursor("e", "BJW-GATE", "") == 0
    with pytest.raises(BadCursor, match="not a cursor of this list"):
        decode_cursor("r", "BJW-GATE", cursor)
    with pytest.raises(BadCursor, match="belongs to checkpoint 'BJW-GATE'"):
        decode_cursor("e", "OTHER", cursor)
    for bad in ("!!!", "e1.5", encode_cursor("e", "X", 5)[:-2] + "zz"):
        with pytest.raises(BadCursor):
            decode_cursor("e", "X", bad)
