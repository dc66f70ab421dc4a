"""``checkpoint-app log verify`` and ``backup`` on real data directories."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from cli_runner import run_cli

from checkpoint_app.store import open_event_log, store_path
from checkpoint_app.store.database import transaction


def _record(data_dir: Path, n: int) -> None:
    log = open_event_log(data_dir)
    for i in range(n):
        with transaction(log.db):
            log.append("scan", {"i": i}, operator="volunteer 1")
    log.db.conn.close()


def test_log_verify_ok_then_broken(tmp_path: Path) -> None:
    _record(tmp_path, 4)
    ok = run_cli("log", "verify", data_dir=tmp_path)
    assert ok.code == 0
    (line,) = ok.json_lines()
    assert line["ok"] is True and line["events"] == 4

    conn = sqlite3.connect(str(store_path(tmp_path)))
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET operator = 'someone else' WHERE seq = 2")
    conn.commit()
    conn.close()
    broken = run_cli("log", "verify", data_dir=tmp_path)
    assert broken.code == 1
    (line,) = broken.json_lines()
    assert (
        line["ok"] is False
        and line["first_break"]["seq"] == 2
        and line["first_break"]["kind"] == "edited"
    )


def test_log_verify_on_an_empty_data_dir(tmp_path: Path) -> None:
    run = run_cli("log", "verify", data_dir=tmp_path / "new")
    assert run.code == 0 and run.json_lines()[0]["events"] == 0


def test_backup_then_verify_the_copy(tmp_path: Path) -> None:
    _record(tmp_path / "live", 3)
    out = tmp_path / "handover.sqlite3"
    run = run_cli("backup", str(out), data_dir=tmp_path / "live")
    assert run.code == 0 and out.is_file()
    again = run_cli("backup", str(out), data_dir=tmp_path / "live")
    assert again.code == 2 and "already exists" in again.stderr and again.stdout == ""
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    out.rename(store_path(copy_dir))
    assert run_cli("log", "verify", data_dir=copy_dir).json_lines()[0]["events"] == 3  # as taken

    # the live log says a full copy was taken (after it: the copy has not this event)
    live = open_event_log(tmp_path / "live")
    recorded = [(e.operator, json.loads(e.payload)) for e in live.events(kind="data_exported")]
    live.db.conn.close()
    assert recorded == [("cli", {"what": "backup", "format": "sqlite", "rows": 3, "masked": False})]
    assert run_cli("log", "verify", data_dir=tmp_path / "live").json_lines()[0]["events"] == 4


def test_backup_without_a_store_exits_2(tmp_path: Path) -> None:
    run = run_cli("backup", str(tmp_path / "x.sqlite3"), data_dir=tmp_path / "empty")
    assert run.code == 2 and "no store" in run.stderr
