from __future__ import annotations

import pytest

from checkpoint_app.domain.roster import RosterError, match_entry, parse_roster_rows

HEADER = ["名单", "名称", "预约号", "姓名", "证件号", "手机号", "健康码编号", "座位"]


def test_chinese_headers_and_normalisation() -> None:
    rows = [
        HEADER,
        [
            "HD-BUS-3",
            "海淀 3号车",
            "hd3-0001",
            " 王芳 ",
            "110101199001012341",
            13900002201.0,
            "",
            "1A",
        ],
        ["", "", "", "", "", "", "", ""],  # blank rows are skipped
        [
            "HD-BUS-3",
            "海淀 3号车",
            "HD3-0002",
            "李伟",
            "420***********4201",
            "",
            "t5aokqlaqrrbi22d7h3o42m3zq",
            "",
        ],
    ]
    entries = parse_roster_rows(rows)
    assert [e.booking_id for e in entries] == ["HD3-0001", "HD3-0002"]
    assert entries[0].name == "王芳" and entries[0].phone == "13900002201" and entries[0].row == 2
    assert entries[1].row == 4 and entries[1].id_last4 == "4201"


def test_english_headers_with_spaces_and_case() -> None:
    entries = parse_roster_rows(
        [["Roster", "Booking ID", "NAME", "extra"], ["B1", "X1", "Zhang Wei", "ignored"]]
    )
    assert entries[0].name == "Zhang Wei"


def test_every_row_error_is_reported_and_nothing_returned() -> None:
    rows = [
        ["roster", "booking", "name", "phone", "cid"],
        ["bad roster!", "B1", "A", "", ""],
        ["R1", "B2", "", "abc", ""],
        ["R1", "B3", "C", "", "NOTACID"],
        ["R1", "B4", "D", "", ""],
        ["R1", "b4", "E", "", ""],
    ]
    with pytest.raises(RosterError) as info:
        parse_roster_rows(rows)
    found = {(e.row, e.column) for e in info.value.errors}
    assert found == {(2, "roster"), (3, "name"), (3, "phone"), (4, "cid"), (6, "booking")}


@pytest.mark.parametrize(
    ("rows", "message"),
    [([], "empty"), ([["roster", "name"]], "missing"), ([["roster", "booking", "name"]], "no travellers"),
     ([["roster", "booking", "name", "姓名"], ["a", "b", "c", "d"]], "twice")],
)  # fmt: skip
def test_unusable_files(rows: list[list[str]], message: str) -> None:
    with pytest.raises(RosterError, match=message):
        parse_roster_rows(rows)


def test_matching_by_cid_or_by_name_and_last4() -> None:
    entries = parse_roster_rows(
        [
            ["roster", "booking", "name", "id_number", "cid"],
            ["R", "B1", "王芳", "110101199001012341", "t5aokqlaqrrbi22d7h3o42m3zq"],
            ["R", "B2", "李伟", "4201", ""],
            ["R", "B3", "李伟", "9999", ""],
        ]
    )
    assert match_entry(entries, cid="t5aokqlaqrrbi22d7h3o42m3zq").booking_id == "B1"  # type: ignore[union-attr]
    assert match_entry(entries, name="李伟", id_last4="4201").booking_id == "B2"  # type: ignore[union-attr]
    assert match_entry(entries, name="李伟", id_last4="0000") is None
    assert match_entry(entries, cid="aaaaaaaaaaaaaaaaaaaaaaaaaa") is None
