"""The bundle benchmark: its size count, and its start-up rows (from source here; the
bundle itself is measured after the build, by scripts/check_bundle.sh)."""

from __future__ import annotations

import re
from pathlib import Path

from cli_runner import run_benchmark
from shared_paths import project_module

bench_bundle = project_module("benchmarks/bench_bundle.py")


def test_bundle_size_counts_files_once_by_part(tmp_path: Path) -> None:
    inner = tmp_path / "_internal"
    (inner / "PySide6").mkdir(parents=True)
    (inner / "PySide6" / "libQt6Core.so.6").write_bytes(b"x" * 3000)
    (inner / "libpython.so").write_bytes(b"x" * 500)
    (inner / "libQt6Core.so.6").symlink_to(inner / "PySide6" / "libQt6Core.so.6")
    (tmp_path / "checkpoint-app").write_bytes(b"x" * 100)
    total, parts = bench_bundle.bundle_size(tmp_path)
    assert total == 3600
    assert parts == {"PySide6": 3000, "libpython.so": 500, "checkpoint-app": 100}


def test_start_up_rows_against_the_baseline(tmp_path: Path) -> None:
    out = run_benchmark("bench_bundle.py", "--bundle", str(tmp_path / "not-built"))
    assert "(not built: bash scripts/build.sh)" in out
    base = re.search(
        r"^baseline: Python \+ Qt, an empty window\s+([\d.]+)\s+([\d.]+)\s+1\.00$", out, re.M
    )
    app = re.search(r"^checkpoint-app from source\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M)
    assert base and app, out
    assert float(app[3]) > 1.0  # the app does more than an empty window
