"""``checkpoint-app export``: every event, masked unless the supervisor PIN is given."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from cli_runner import run_cli
from openpyxl import load_workbook

from checkpoint_app.store import open_event_log
from checkpoint_app.store.database import transaction
from checkpoint_app.store.supervisor import SupervisorPin


def _record(data_dir: Path) -> None:
    log = open_event_log(data_dir)
    with transaction(log.db):
        log.append("scan", {"result": "VALID"}, operator="v1", pii={"nam": "王芳", "idm": "110101199001012341", "tel": "13900002201"},
                   occurred_at=datetime(2026, 11, 25, 8, 0, tzinfo=UTC))  # fmt: skip
        log.append(
            "temperature",
            {"celsius": 36.6},
            operator="v1",
            occurred_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        )
        log.append(
            "roster_imported",
            {"roster_id": "R"},
            operator="v1",
            occurred_at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        )
    SupervisorPin(log.db).set_pin("2580")


def test_jsonl_one_line_per_event_masked(tmp_path: Path) -> None:
    _record(tmp_path)
    out = tmp_path / "log.jsonl"
    run = run_cli("export", "--format", "jsonl", str(out), data_dir=tmp_path)
    assert run.code == 0, run.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["kind"] for x in lines] == ["scan", "temperature", "roster_imported"]
    assert lines[0]["pii"] == {"nam": "王*", "idm": "110***********2341", "tel": "139****2201"}
    assert "王芳" not in out.read_text(encoding="utf-8")
    assert run.json_lines()[0] == {
        "export": str(out),
        "format": "jsonl",
        "events": 3,
        "masked": True,
    }


def test_pin_unmasks_and_a_wrong_pin_is_refused(tmp_path: Path) -> None:
    _record(tmp_path)
    out = tmp_path / "full.jsonl"
    assert run_cli("export", str(out), "--pin", "2580", data_dir=tmp_path).code == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["pii"]["nam"] == "王芳"
    wrong = run_cli("export", str(tmp_path / "x.jsonl"), "--pin", "0000", data_dir=tmp_path)
    assert wrong.code == 2 and "wrong supervisor PIN" in wrong.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_since_and_csv_and_xlsx(tmp_path: Path) -> None:
    _record(tmp_path)
    out = tmp_path / "later.csv"
    assert (
        run_cli("export", str(out), "--since", "2026-11-25T17:00:00+08:00", data_dir=tmp_path).code
        == 0
    )
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["occurred_at", "kind", "operator"] and [r[1] for r in rows[1:]] == [
        "temperature",
        "roster_imported",
    ]
    book_path = tmp_path / "all.xlsx"
    assert run_cli("export", str(book_path), data_dir=tmp_path).code == 0
    sheet = load_workbook(book_path, read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    # the three events, and the CSV export's own record
    assert len(values) == 5 and values[1][7] == "王*" and values[4][1] == "data_exported"


def test_every_export_is_recorded_in_the_log(tmp_path: Path) -> None:
    _record(tmp_path)
    masked = tmp_path / "masked.jsonl"
    assert run_cli("export", str(masked), data_dir=tmp_path).code == 0
    full = tmp_path / "full.csv"
    assert (
        run_cli(
            "export", str(full), "--pin", "2580", "--operator", "李主管", data_dir=tmp_path
        ).code
        == 0
    )
    refused = run_cli("export", str(tmp_path / "x.jsonl"), "--pin", "0000", data_dir=tmp_path)
    assert refused.code == 2
    check = tmp_path / "check.jsonl"
    assert run_cli("export", str(check), data_dir=tmp_path).code == 0
    exports = [
        (line["operator"], line["payload"])
        for line in map(json.loads, check.read_text(encoding="utf-8").splitlines())
        if line["kind"] == "data_exported"
    ]
    assert exports == [
        ("cli", {"what": "log", "format": "jsonl", "rows": 3, "masked": True}),
        ("李主管", {"what": "log", "format": "csv", "rows": 4, "masked": False}),
    ]
    assert "masked.jsonl" not in check.read_text(encoding="utf-8")  # no file names


def test_existing_output_is_never_overwritten(tmp_path: Path) -> None:
    _record(tmp_path)
    out = tmp_path / "x.jsonl"
    out.write_text("keep me", encoding="utf-8")
    run = run_cli("export", str(out), data_dir=tmp_path)
    assert run.code == 2 and out.read_text(encoding="utf-8") == "keep me"
