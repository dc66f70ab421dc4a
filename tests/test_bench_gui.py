"""The reduced GUI responsiveness benchmark (CI): a video as the camera, the real gate
screen, the real store and an in-process central API; every code must reach a verdict."""

from __future__ import annotations

import re

from cli_runner import run_benchmark


def test_gui_responsiveness_quick() -> None:
    out = run_benchmark("bench_gui.py")
    assert "codes seen: 6/6" in out
    assert re.search(r"^frame to verdict painted: median \d+ ms, p95 \d+ ms", out, re.M)
    assert re.search(r"^event-loop lag: p99 \d+ ms, max \d+ ms", out, re.M)
