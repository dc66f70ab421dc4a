"""Reduced sync soak and sync benchmark (CI), against the real server on 127.0.0.1."""

from __future__ import annotations

import os
import re

import pytest
from cli_runner import run_benchmark


def test_sync_soak_quick_sqlite() -> None:
    out = run_benchmark("bench_sync_soak.py")
    assert re.search(r"^sync soak: 4 stations .* \d+ faults injected", out, re.M)
    assert "result: PASS" in out


@pytest.mark.skipif(
    not os.environ.get("CHECKPOINT_TEST_POSTGRES_URL"),
    reason="no PostgreSQL (scripts/postgres.sh starts one; CI always has it)",
)
def test_sync_soak_quick_postgresql() -> None:
    url = os.environ["CHECKPOINT_TEST_POSTGRES_URL"]
    out = run_benchmark("bench_sync_soak.py", "--database-url", url)
    assert "backend postgresql" in out and "result: PASS" in out


def test_sync_benchmark_quick() -> None:
    out = run_benchmark("bench_sync.py")
    for label in ("upload 2,000 queued events", "download a 10,000-entry roster"):
        assert re.search(rf"^{re.escape(label)}\s+[\d.]+ s\s+5\.0 s", out, re.M), label
    assert re.search(r"^4 stations uploading at once\s+[\d,]+ ev/s", out, re.M)
    assert "result: PASS" in out
