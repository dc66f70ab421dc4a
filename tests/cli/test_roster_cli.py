"""``checkpoint-app roster import`` with real CSV and XLSX files."""

from __future__ import annotations

from pathlib import Path

from cli_runner import run_cli
from openpyxl import Workbook

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
        assert run.json_lines() == [{"imported": {"HD-BUS-3": 2, "CY-BUS-1": 1}, "replaced": []}]
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
