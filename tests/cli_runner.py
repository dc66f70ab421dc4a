"""Run the real ``checkpoint-app`` entry point in a subprocess, as scripts do."""

from __future__ import annotations

import json
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
