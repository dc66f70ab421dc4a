"""The reduced benchmark runs (CI): they must run and print their tables.

Speed targets are judged from the printed numbers by people, never asserted here
(a loaded CI machine must not fail a build); what is asserted is that every row
is there and well-formed.
"""

from __future__ import annotations

import re
import subprocess
import sys

from shared_paths import PROJECT_ROOT


def _run(script: str, *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / script), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    print(proc.stdout)  # shown with -s and in CI logs on failure
    return proc.stdout


def test_verification_benchmark_quick() -> None:
    out = _run("bench_verify.py")
    for label in ("PHI1 (Ed25519)", "DCC (ES256)", "DCC (PS256-2048)", "DCC (PS256-3072)"):
        row = re.search(
            rf"^{re.escape(label)}\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M
        )
        assert row, f"no row for {label}"
        assert int(row[1]) > 0 and float(row[4]) >= 1.0  # the whole check includes the signature
    assert re.search(r"^verify - \(CLI\)\s+\d+ lines/s", out, re.M)
    assert "targets:" in out
