"""The station bundle: its size unpacked, and the time from start to a usable window.

Measured (issue 8; budgets: under 350 MB unpacked, under 3 s to a window):

* size — every file of ``dist/checkpoint-app/`` (symlinks once), in MB (10^6 bytes)
  and MiB, with the largest parts;
* start-up — from starting the process to the main window shown and painted,
  offscreen (``--exit-after-show``: the app prints a line once its window is up, then
  quits; the time is taken when that line arrives), for the bundle, the same app run
  from source by the venv's Python, and the baseline measured in the same run: the
  venv's Python starting Qt and showing an empty QWidget the same way. The first start
  (the store created) is reported apart from the median of the next ones.

    python benchmarks/bench_bundle.py                 # 5 starts each
    python benchmarks/bench_bundle.py --quick         # CI: 2 starts each
    python benchmarks/bench_bundle.py --bundle DIR    # another build

Budgets are reported, not enforced (exit 1 only when a window never came up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE_BUDGET_MB = 350.0
START_BUDGET_S = 3.0
SHOWN = "window shown"
TIMEOUT_S = 120.0

#: The baseline: Python, Qt Widgets and one window shown and painted, nothing else.
BASELINE = f"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(1366, 800)
window.show()
def shown():
    window.repaint()
    print("{SHOWN}", flush=True)
    app.quit()
QTimer.singleShot(0, shown)
sys.exit(app.exec())
"""


def bundle_size(folder: Path) -> tuple[int, dict[str, int]]:
    """Total bytes of the files under ``folder`` (symlinks not followed), and by part:
    the top-level entries of ``_internal/`` (or of the folder)."""
    inner = folder / "_internal" if (folder / "_internal").is_dir() else folder
    parts: dict[str, int] = {}
    total = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        try:
            part = path.relative_to(inner).parts[0]
        except ValueError:
            part = path.name
        parts[part] = parts.get(part, 0) + size
    return total, parts


def time_to_window(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from starting ``argv`` to its "window shown" line; raises if none came."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    assert proc.stdout is not None
    watchdog = threading.Timer(TIMEOUT_S, proc.kill)  # a window that never comes up
    watchdog.start()
    elapsed = None
    try:
        for line in proc.stdout:
            if SHOWN in line:
                elapsed = time.perf_counter() - start
                break
        proc.wait()
    finally:
        watchdog.cancel()
    if elapsed is None:
        raise RuntimeError(f"{argv[0]}: no window (exit {proc.returncode})")
    return elapsed


def measure(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """(first start, median of the next ``runs - 1``) in seconds."""
    times = [time_to_window(argv, env) for _ in range(runs)]
    return times[0], statistics.median(times[1:]) if len(times) > 1 else times[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 starts each (CI)")
    parser.add_argument("--runs", type=int, default=None, help="starts of each (default 5)")
    parser.add_argument(
        "--bundle", type=Path, default=ROOT / "dist" / "checkpoint-app", help="the bundle folder"
    )
    args = parser.parse_args()
    runs = args.runs or (2 if args.quick else 5)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CHECKPOINT_DATA_DIR", None)
    sample = ROOT / "resources" / "selftest" / "demo_code.png"  # a still image as the camera
    executable = args.bundle / ("checkpoint-app.exe" if os.name == "nt" else "checkpoint-app")
    built = executable.is_file()

    print(f"bundle: {args.bundle}{'' if built else ' (not built: bash scripts/build.sh)'}")
    if built:
        total, parts = bundle_size(args.bundle)
        mb, mib = total / 1e6, total / 2**20
        verdict = "met" if mb < SIZE_BUDGET_MB else "NOT met"
        print(
            f"size unpacked: {mb:.1f} MB ({mib:.1f} MiB), budget < {SIZE_BUDGET_MB:.0f} MB: {verdict}"
        )
        largest = sorted(parts.items(), key=lambda item: -item[1])[:8]
        print("largest parts: " + ", ".join(f"{name} {size / 1e6:.1f}" for name, size in largest))

    failures = 0
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        app_args = ["--no-first-run", "--exit-after-show", "--source", str(sample)]
        variants: list[tuple[str, list[str]]] = [
            ("baseline: Python + Qt, an empty window", [sys.executable, "-c", BASELINE]),
            (
                "checkpoint-app from source",
                [sys.executable, "-m", "checkpoint_app", "--data-dir", f"{tmp}/src", *app_args],
            ),
        ]
        if built:
            variants.append(
                ("checkpoint-app bundle", [str(executable), "--data-dir", f"{tmp}/b", *app_args])
            )
        source_env = {**env, "PYTHONPATH": str(ROOT)}
        for label, argv in variants:
            try:
                first, median = measure(argv, source_env if "-m" in argv else env, runs)
            except RuntimeError as exc:
                print(f"{label}: FAILED: {exc}")
                failures += 1
                continue
            rows.append((label, first, median))

    print(f"start to a usable window, offscreen ({runs} starts each; s):")
    print(f"{'':<40} {'first':>7} {'median':>7} {'/ baseline':>11}")
    base = rows[0][2] if rows and rows[0][0].startswith("baseline") else None
    for label, first, median in rows:
        ratio = f"{median / base:.2f}" if base else "-"
        print(f"{label:<40} {first:7.2f} {median:7.2f} {ratio:>11}")
    bundle_rows = [row for row in rows if row[0] == "checkpoint-app bundle"]
    if bundle_rows:
        worst = max(bundle_rows[0][1], bundle_rows[0][2])
        verdict = "met" if worst < START_BUDGET_S else "NOT met"
        print(f"budget: window < {START_BUDGET_S:.0f} s from the bundle: {verdict} ({worst:.2f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
