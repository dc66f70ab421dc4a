"""``checkpoint-app roster import`` with real CSV and XLSX files."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import run_cli
from openpyxl import Workbook
from shared_paths import PROJECT_ROOT

from checkpoint_app.store import open_event_log

ROWS = [
    ["名单", "名称", "预约号", "姓名", "证件号", "手机号"],
    ["HD-BUS-3", "海淀 3号车", "HD3-0001", "王芳", "110101199001012341", "13900002201"],
    ["HD-BUS-3", "海淀 3号车", "HD3-0002", "李伟", "420***********4201", ""],
    ["CY-BUS-1", "朝阳 1号车", "CY1-0001", "赵敏", "", "18900003306"],
]


def _count(data_dir: Path) -> int:
    log = open_event_log(data_dir)
    return int(log.db.execute("SELECT count(*) FROM roster_entries").fetchone()[0])


def test_csv_utf8_and_gb18030(tmp_path: Path) -> None:
    text = "\n".join(",".join(row) for row in ROWS) + "\n"
    for encoding in ("utf-8-sig", "gb18030"):
        path = tmp_path / f"roster-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        run = run_cli("roster", "import", str(path), data_dir=tmp_path / encoding)
        assert run.code == 0, run.stderr
        assert run.json_lines() == [
            {"imported": {"HD-BUS-3": 2, "CY-BUS-1": 1}, "replaced": [], "duplicates": []}
        ]
        assert _count(tmp_path / encoding) == 3


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append(row)
    sheet.append([None] * 6)
    path = tmp_path / "roster.xlsx"
    book.save(path)
    run = run_cli("roster", "import", str(path), data_dir=tmp_path / "d")
    assert run.code == 0, run.stderr
    assert _count(tmp_path / "d") == 3


def test_a_bad_row_imports_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("\n".join(",".join(r) for r in ROWS[:2]) + "\n", encoding="utf-8")
    assert run_cli("roster", "import", str(good), data_dir=tmp_path / "d").code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join(",".join(r) for r in [*ROWS, ["X", "", "B9", "", "", "phone?"]]) + "\n",
        encoding="utf-8",
    )
    run = run_cli("roster", "import", str(bad), data_dir=tmp_path / "d")
    assert run.code == 2 and run.stdout == ""
    assert "row 5" in run.stderr and "nothing imported" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert _count(tmp_path / "d") == 1  # the earlier import is untouched


def test_not_a_roster_file(tmp_path: Path) -> None:
    for name, data in (
        ("r.xlsx", b"PK\x03\x04 broken zip"),
        ("r.pdf", b"%PDF"),
        ("missing.csv", None),
    ):
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        run = run_cli("roster", "import", str(path), data_dir=tmp_path / "d")
        assert run.code == 2 and len(run.stderr.strip().splitlines()) == 1, (name, run.stderr)


def test_the_shipped_demo_roster_imports(tmp_path: Path) -> None:
    from checkpoint_app.paths import seed_dir

    run = run_cli(
        "roster", "import", str(seed_dir() / "demo" / "roster_demo.csv"), data_dir=tmp_path
    )
    assert run.code == 0, run.stderr
    assert run.json_lines()[0]["imported"] == {"HD-BUS-3": 6, "CY-BUS-1": 3}


def test_status_and_manifest_csv_and_pdf(tmp_path: Path) -> None:
    from checkpoint_app.services.bus import BusService
    from checkpoint_app.services.station import Station
    from checkpoint_app.store.supervisor import SupervisorPin

    demo = PROJECT_ROOT / "offline_cache" / "demo" / "roster_demo.csv"
    assert run_cli("roster", "import", str(demo), data_dir=tmp_path).code == 0
    station = Station(tmp_path)
    bus = BusService(station)
    bus.tick_by_scan("HD-BUS-3", "TKT1:HD-BUS-3/HD3-0001")
    bus.mark_absent("HD-BUS-3", "HD3-0002", "改乘明天的车")
    SupervisorPin(station.db).set_pin("246810")
    station.close()

    all_rosters = run_cli("roster", "status", data_dir=tmp_path).json_lines()
    assert {r["roster_id"]: r["progress"] for r in all_rosters} == {
        "HD-BUS-3": "1/6",
        "CY-BUS-1": "0/3",
    }
    one = run_cli("roster", "status", "HD-BUS-3", data_dir=tmp_path).json_lines()[0]
    assert [m["booking_id"] for m in one["missing"]][:2] == ["HD3-0002", "HD3-0003"]
    assert one["missing"][0]["phone"] == "138****7765" and one["absent"] == 1
    unknown = run_cli("roster", "status", "NOPE", data_dir=tmp_path)
    assert unknown.code == 2 and "NOPE" in unknown.stderr

    csv_out = tmp_path / "m.csv"
    run = run_cli("roster", "manifest", "HD-BUS-3", str(csv_out), data_dir=tmp_path)
    assert run.code == 0 and run.json_lines()[0]["masked"] is True
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "1/6" in text and "王*" in text and "王芳" not in text and "改乘明天的车" in text
    again = run_cli("roster", "manifest", "HD-BUS-3", str(csv_out), data_dir=tmp_path)
    assert again.code == 2 and "already exists" in again.stderr

    pdf_out = tmp_path / "m.pdf"
    env_pin = run_cli(
        "roster", "manifest", "HD-BUS-3", str(pdf_out), "--pin", "246810", data_dir=tmp_path
    )
    assert env_pin.code == 0 and env_pin.json_lines()[0]["masked"] is False
    assert pdf_out.read_bytes().startswith(b"%PDF-")
    wrong = run_cli(
        "roster", "manifest", "HD-BUS-3", str(tmp_path / "x.pdf"), "--pin", "1", data_dir=tmp_path
    )
    assert wrong.code == 2 and "wrong supervisor PIN" in wrong.stderr
    bad = run_cli("roster", "manifest", "HD-BUS-3", str(tmp_path / "x.txt"), data_dir=tmp_path)
    assert bad.code == 2 and "csv or pdf" in bad.stderr

    # the two manifests written are in the log; the refused ones are not
    station = Station(tmp_path)
    recorded = [
        (e.operator, json.loads(e.payload)) for e in station.log.events(kind="data_exported")
    ]
    station.close()
    common = {"what": "manifest", "rows": 6, "roster_id": "HD-BUS-3"}
    assert recorded == [
        ("cli", {**common, "format": "csv", "masked": True}),
        ("cli", {**common, "format": "pdf", "masked": False}),
    ]
