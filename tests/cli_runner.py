"""Run the real ``checkpoint-app`` entry point in a subprocess, as scripts do."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared_paths import PROJECT_ROOT


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines()]


def run_cli(
    *args: str, stdin: bytes | str | None = None, data_dir: Path | None = None, timeout: float = 120
) -> Run:
    argv = [sys.executable, "-m", "checkpoint_app", *args]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        argv, input=data, capture_output=True, cwd=PROJECT_ROOT, timeout=timeout, check=False
    )
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace"))


def run_benchmark(script: str, *args: str) -> str:
    """Run ``benchmarks/SCRIPT --quick ARGS`` as CI does; its output, after exit 0."""
    proc = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / script), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=PROJECT_ROOT,
    )
    print(proc.stdout)  # shown with -s and in CI logs on failure
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def table_row(out: str, label: str, columns: str) -> re.Match[str]:
    """The line of a benchmark's table for ``label``: the label, then ``columns`` (a
    pattern) to the end of the line."""
    row = re.search(rf"^{re.escape(label)}{columns}$", out, re.M)
    assert row, f"no row for {label}"
    return row


def check_timed_rows(out: str, targets: dict[str, int]) -> None:
    """Every label's row is printed: measured > 0 ms, its target in ms, and the ratio
    between them, then the baseline and its ratio, then the result."""
    for label, target in targets.items():
        row = table_row(
            out,
            label,
            r"\s+([\d.]+) ms\s+(\d+) ms\s+([\d.]+)\s+.+?\s+([\d.]+) ms\s+([\d.]+)\s+"
            r"(PASS|FAIL|info)",
        )
        measured, printed_target, ratio = float(row[1]), int(row[2]), float(row[3])
        assert measured > 0 and printed_target == target
        assert abs(ratio - measured / target) < 0.01 + 0.01 * ratio


def matches_line(out: str) -> str:
    """What the benchmark's ``matches:`` line says (how many rows each filter matched)."""
    matches = re.search(r"^matches: (.*)$", out, re.M)
    assert matches, "no matches: line"
    return matches[1]
