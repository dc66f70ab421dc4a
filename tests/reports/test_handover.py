"""The hand-over report: built from a known shift, written as PDF and XLSX, read back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from review_data import GATE_A, GATE_B, SINCE, UNTIL, Shift, make_shift, tamper_event
from station_factory import Bench

from checkpoint_app.reports.handover import (
    TITLE,
    HandoverReport,
    build_handover,
    write_handover_pdf,
    write_handover_xlsx,
)
from checkpoint_app.services.review import ReviewService


@pytest.fixture
def shift(bench: Bench) -> Shift:
    return make_shift(bench)


def handover(shift: Shift, *, unlocked: bool = False) -> HandoverReport:
    review = ReviewService(shift.bench.station, operator="王班长")
    return build_handover(
        review, SINCE, UNTIL, handed_over_by="王班长", handed_over_to="Li Lei", unlocked=unlocked
    )


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def cells(path: Path, sheet: str) -> list[list[object]]:
    book = load_workbook(path)
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_the_report_gathers_the_shift_and_records_the_hand_over(shift: Shift) -> None:
    station = shift.bench.station
    heads_before = [(station.device_id, *station.log.head())]
    report = handover(shift)
    assert report.gates == tuple(sorted((GATE_A, GATE_B)))
    assert report.counts.totals["scans"] == 5 and report.counts.totals["overrides"] == 1
    assert [x.name for x in report.referrals] == ["张**"]
    assert [(x.name, x.reason) for x in report.denials] == [
        ("李*", "RED_CODE"),
        ("", "UNKNOWN_ISSUER"),
    ]
    (override,) = report.overrides
    assert (override.operator, override.target, override.name) == ("李站长", "entered", "李*")
    assert override.reason == "health office corrected the colour"
    assert report.integrity.ok and report.integrity.events == 23
    assert report.unsynced_total == 23 and report.unsynced_in_shift == 23
    assert report.chain_heads == heads_before
    event = list(station.log.events(kind="shift_handed_over"))[-1]
    payload = json.loads(event.payload)
    assert payload["chain_heads"] == [
        {"device_id": d, "seq": s, "hash": h} for d, s, h in heads_before
    ]
    assert (payload["handed_over_by"], payload["handed_over_to"]) == ("王班长", "Li Lei")
    assert payload["since"] == SINCE and payload["until"] == UNTIL
    assert payload["totals"]["scans"] == 5
    assert report.handover_event == (event.event_id, event.seq, event.hash)
    assert station.log.head() == (event.seq, event.hash)
    assert event.operator == "王班长"
    with pytest.raises(ValueError):
        build_handover(ReviewService(station), SINCE, UNTIL, handed_over_by=" ", handed_over_to="x")


def test_pdf_shows_totals_heads_names_and_masks_personal_data(shift: Shift, tmp_path: Path) -> None:
    report = handover(shift)
    path = tmp_path / "handover.pdf"
    write_handover_pdf(report, path)
    text = pdf_text(path)
    assert TITLE in text
    assert re.search(r"扫码 scans\s+5\b", text)
    assert re.search(r"已入内 entered\s+2\b", text)
    assert re.search(r"转复核 referred\s+1\b", text)
    assert re.search(r"拒绝 denied\s+2\b", text)
    assert re.search(r"人工改判 overrides\s+1\b", text)
    assert re.search(r"发热读数 fever readings\s+2\b", text)
    assert re.search(r"伪造或无效 forged or invalid\s+1\b", text)
    assert "本班未同步 Unsynced in this shift: 23" in text
    assert "完整 intact: 23" in text
    device, _seq, digest = report.chain_heads[0]
    assert device in text and digest in text
    assert report.handover_event[2] in text
    assert "王班长" in text and "Li Lei" in text
    assert "FEVER_CONFIRMED" in text and "health office corrected the colour" in text
    assert "李站长" in text
    assert "张**" in text and "张三丰" not in text and "李四" not in text
    assert "37.3 °C" in text  # the fever threshold marked on the temperature chart
    with pytest.raises(FileExistsError):
        write_handover_pdf(report, path)


def test_unlocked_report_shows_names(shift: Shift, tmp_path: Path) -> None:
    report = handover(shift, unlocked=True)
    assert [x.name for x in report.referrals] == ["张三丰"]
    write_handover_pdf(report, tmp_path / "unlocked.pdf")
    text = pdf_text(tmp_path / "unlocked.pdf")
    assert "张三丰" in text and "李四" in text and "已解锁 unlocked" in text


def test_xlsx_has_the_totals_heads_and_tables(shift: Shift, tmp_path: Path) -> None:
    report = handover(shift)
    path = tmp_path / "handover.xlsx"
    write_handover_xlsx(report, path)
    summary = cells(path, "汇总 Summary")
    values = {row[0]: row[1] for row in summary if row and row[0]}
    assert summary[0][0] == TITLE
    assert values["扫码 scans"] == 5 and values["转复核 referred"] == 1
    assert values["拒绝 denied"] == 2 and values["人工改判 overrides"] == 1
    assert values["交班人 Handed over by"] == "王班长"
    assert values["接班人 Taken over by"] == "Li Lei"
    assert values["完整性 Integrity"] == "OK"
    assert values["本班未同步 Unsynced in this shift"] == 23
    device, seq, digest = report.chain_heads[0]
    assert [device, seq, digest] in [row[:3] for row in summary]
    referrals = cells(path, "转复核 Referrals")
    assert referrals[1][1:] == [GATE_A, "小王", "张**", "FEVER_CONFIRMED"]
    overrides = cells(path, "改判 Overrides")
    assert overrides[1][2:] == ["李站长", "李*", "entered", "health office corrected the colour"]
    arrivals = cells(path, "到达 Arrivals")
    assert len(arrivals) == 1 + 48 and sum(int(r[1]) for r in arrivals[1:]) == 5  # type: ignore[arg-type]
    temps = cells(path, "体温 Temperatures")
    assert temps[0][5] == 37.3
    assert [r[:3] for r in temps[1:] if r[1]] == [
        [36.4, 1, None], [36.5, 1, None], [36.6, 1, None], [37.8, 1, "yes"], [37.9, 1, "yes"],
    ]  # fmt: skip
    book = load_workbook(path)
    assert len(book["到达 Arrivals"]._charts) == 1  # type: ignore[attr-defined]
    assert "张三丰" not in json.dumps(
        [cells(path, s) for s in book.sheetnames], ensure_ascii=False, default=str
    )


def test_a_tampered_log_is_reported_broken(shift: Shift, tmp_path: Path) -> None:
    victim = shift.red.events[3]  # the red code's journey
    tamper_event(shift.bench.data_dir, victim.event_id, "RED_CODE", "GREEN")
    report = handover(shift)
    assert not report.integrity.ok and report.integrity.break_seq == victim.seq
    write_handover_pdf(report, tmp_path / "broken.pdf")
    text = pdf_text(tmp_path / "broken.pdf")
    assert f"BROKEN at device {victim.device_id} seq {victim.seq}" in text
    write_handover_xlsx(report, tmp_path / "broken.xlsx")
    values = {r[0]: r[1] for r in cells(tmp_path / "broken.xlsx", "汇总 Summary") if r and r[0]}
    assert values["完整性 Integrity"] == "BROKEN"


def test_the_shifts_exports_are_listed(shift: Shift, tmp_path: Path) -> None:
    station = shift.bench.station
    station.record_export(
        "manifest", "pdf", rows=68, masked=True, operator="小王", roster_id="HD-BUS-3"
    )
    shift.bench.clock.advance(60)
    station.record_export("log", "xlsx", rows=23, masked=False, operator="李站长")
    shift.bench.clock.advance(13 * 3600)  # after the shift: not in its report
    station.record_export("log", "csv", rows=25, masked=True, operator="赵晚班")
    report = handover(shift)
    assert [(x.operator, x.what, x.roster_id, x.rows, x.masked) for x in report.exports] == [
        ("小王", "manifest", "HD-BUS-3", 68, True),
        ("李站长", "log", "", 23, False),
    ]
    write_handover_pdf(report, tmp_path / "r.pdf")
    text = pdf_text(tmp_path / "r.pdf")
    assert "数据导出 Exports (2)" in text
    assert re.search(r"李站长\s+日志 log\s+xlsx\s+23\s+未遮蔽 UNMASKED", text), text
    assert re.search(r"小王\s+乘车名单 manifest HD-BUS-3\s+pdf\s+68\s+已遮蔽 masked", text)
    assert "赵晚班" not in text and "25 rows" not in text
    write_handover_xlsx(report, tmp_path / "r.xlsx")
    rows = cells(tmp_path / "r.xlsx", "导出 Exports")
    assert [r[1:] for r in rows[1:]] == [
        ["小王", "乘车名单 manifest HD-BUS-3", "pdf", "68", "已遮蔽 masked"],
        ["李站长", "日志 log", "xlsx", "23", "未遮蔽 UNMASKED"],
    ]


def test_a_shift_without_exports_says_none(shift: Shift, tmp_path: Path) -> None:
    report = handover(shift)
    assert report.exports == []
    write_handover_pdf(report, tmp_path / "r.pdf")
    assert "数据导出 Exports (0)" in pdf_text(tmp_path / "r.pdf")
