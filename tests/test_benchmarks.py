"""The reduced benchmark runs (CI): they must run and print their tables.

Speed targets are judged from the printed numbers by people, never asserted here
(a loaded CI machine must not fail a build); what is asserted is that every row
is there and well-formed.
"""

from __future__ import annotations

import re

from cli_runner import run_benchmark


def test_verification_benchmark_quick() -> None:
    out = run_benchmark("bench_verify.py")
    for label in ("PHI1 (Ed25519)", "DCC (ES256)", "DCC (PS256-2048)", "DCC (PS256-3072)"):
        row = re.search(
            rf"^{re.escape(label)}\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M
        )
        assert row, f"no row for {label}"
        assert int(row[1]) > 0 and float(row[4]) >= 1.0  # the whole check includes the signature
    assert re.search(r"^verify - \(CLI\)\s+\d+ lines/s", out, re.M)
    assert "targets:" in out
