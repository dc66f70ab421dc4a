"""The crash soak (50 SIGKILLs in CI) and the checks it relies on."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType

from cli_runner import run_benchmark, run_cli
from shared_paths import project_module


def soak_module() -> ModuleType:
    return project_module("benchmarks/bench_crash.py")


def test_crash_soak_quick_kills_50_writers_and_loses_nothing() -> None:
    out = run_benchmark("bench_crash.py")
    assert "50 processes killed" in out and "result: PASS" in out


def test_the_soak_checks_catch_a_lost_event_a_broken_chain_and_stale_projections(
    tmp_path: Path,
) -> None:
    soak = soak_module()
    data = tmp_path / "data"
    run = run_cli("admit", "--code", "hello", "--temp", "36.5", data_dir=data)
    assert run.code == 0
    report = soak.DirReport(data)
    report.committed = {e["event_id"] for e in run.json_lines()[0]["events"]}
    assert soak.check(report) == []

    report.committed.add("an-event-whose-command-returned")
    assert any("missing" in p for p in soak.check(report))
    report.committed.discard("an-event-whose-command-returned")

    conn = sqlite3.connect(data / "checkpoint.sqlite3")
    conn.execute("DELETE FROM p_readings")
    conn.commit()
    assert any("projections" in p for p in soak.check(report))  # check() rebuilt them
    assert soak.check(report) == []
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET operator = 'x' WHERE seq = 1")
    conn.commit()
    conn.close()
    assert any("chain broken" in p for p in soak.check(report))
