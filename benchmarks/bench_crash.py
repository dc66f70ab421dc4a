"""Crash soak: kill ``checkpoint-app admit`` processes with SIGKILL at random moments.

Real processes write to one data directory (two at a time, so they also contend for
the write lock); each is killed after a random delay — during interpreter start-up,
while the data directory and the store are being created and migrated, in the
middle of a transaction, or not at all because it already finished. Then, for every
data directory:

* every event whose command returned (exit 0, event ids printed) is in the store;
* ``PRAGMA integrity_check`` is ``ok`` and the hash chain verifies;
* the projections rebuilt from the events equal the stored ones.

The kills are spread over several fresh data directories so that start-up and
directory creation are hit repeatedly, not only once.

    python benchmarks/bench_crash.py             # 1,000 kills (the benchmark run)
    python benchmarks/bench_crash.py --quick     # 50 kills (CI)

Exit 0 when every invariant holds, 1 otherwise (each violation printed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checkpoint_app.demo_issuer import DemoIssuer  # noqa: E402
from checkpoint_app.store import projections  # noqa: E402
from checkpoint_app.store.database import open_database, transaction  # noqa: E402
from checkpoint_app.store.event_log import verify_chain  # noqa: E402

T0 = 1_795_000_000


@dataclass
class DirReport:
    path: Path
    started: int = 0
    completed: int = 0
    killed: int = 0
    failed: list[str] = field(default_factory=list)
    committed: set[str] = field(default_factory=set)


def _command(data_dir: Path, code: str, temp: str, at: int) -> list[str]:
    return [
        sys.executable, "-m", "checkpoint_app", "admit", "--code", code, "--temp", temp,
        "--demo", "--at", str(at), "--operator", "soak", "--data-dir", str(data_dir),
    ]  # fmt: skip


def _finish(proc: subprocess.Popen[bytes], report: DirReport) -> None:
    out, err = proc.communicate()
    if proc.returncode == -signal.SIGKILL:
        report.killed += 1
        return
    if proc.returncode != 0:
        report.failed.append(f"exit {proc.returncode}: {err.decode('utf-8', 'replace').strip()}")
        return
    report.completed += 1
    line = json.loads(out)
    report.committed.update(e["event_id"] for e in line["events"])


def soak(
    data_dir: Path, kills: int, rng: random.Random, codes: list[str], typical: float
) -> DirReport:
    """Run processes two at a time on ``data_dir`` until ``kills`` of them were killed."""
    report = DirReport(data_dir)
    at = T0
    while report.killed < kills:
        procs = []
        for _ in range(2):
            at += rng.randint(1, 400)
            temp = rng.choice(["36.5", "36.8", "37.6", "366", "37,4"])
            procs.append(
                subprocess.Popen(
                    _command(data_dir, rng.choice(codes), temp, at),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=ROOT,
                )
            )
            report.started += 1
        victim = rng.randrange(2)
        # Early kills are frequent: start-up, directory creation, migration.
        delay = rng.choice([rng.uniform(0, 0.15), rng.uniform(0, typical * 1.3)])
        time.sleep(delay)
        if procs[victim].poll() is None:
            procs[victim].send_signal(signal.SIGKILL)
        for proc in procs:
            _finish(proc, report)
    return report


def check(report: DirReport) -> list[str]:
    """The invariants; returns the violations."""
    problems = list(report.failed)
    if not (report.path / "checkpoint.sqlite3").exists():
        return problems if not report.committed else [*problems, "store missing"]
    db = open_database(report.path / "checkpoint.sqlite3")
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        stored_ids = {r[0] for r in db.execute("SELECT event_id FROM events")}
        lost = report.committed - stored_ids
        if lost:
            problems.append(f"{len(lost)} events of commands that returned are missing")
        chain = verify_chain(db)
        if not chain.ok:
            problems.append(f"chain broken: {chain.first_break}")
        stored = projections.snapshot(db)
        with transaction(db):
            projections.rebuild(db)
        if projections.snapshot(db) != stored:
            problems.append("projections rebuilt from the events differ from the stored ones")
    finally:
        db.conn.close()
    return problems


def typical_run(data_dir: Path, codes: list[str]) -> float:
    """Seconds one undisturbed ``admit`` takes here (the kill delays scale with it)."""
    times = []
    for i in range(3):
        start = time.perf_counter()
        subprocess.run(
            _command(data_dir, codes[i % len(codes)], "36.5", T0 - 10 + i),
            capture_output=True, check=True, cwd=ROOT,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    return sorted(times)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--dirs", type=int, default=10, help="fresh data directories")
    parser.add_argument("--quick", action="store_true", help="CI size: 50 kills, 5 directories")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", "7")))
    args = parser.parse_args(argv)
    kills, dirs = (50, 5) if args.quick else (args.kills, args.dirs)
    rng = random.Random(args.seed)
    issuer = DemoIssuer()
    # Codes valid all along the soak's clock: long-lived, one per demo person.
    codes = [
        issuer.issue(issuer.claims_for(p, T0, ttl=10 * 86400))
        for p in issuer.people
        if not p.get("revoked")
    ]
    started = time.perf_counter()
    problems: list[str] = []
    totals = {"started": 0, "completed": 0, "killed": 0, "events": 0}
    with tempfile.TemporaryDirectory(prefix="crash-soak-") as tmp:
        typical = typical_run(Path(tmp) / "warmup", codes)
        per_dir = [kills // dirs + (1 if i < kills % dirs else 0) for i in range(dirs)]
        for i, n in enumerate(per_dir):
            report = soak(Path(tmp) / f"station-{i}" / "data", n, rng, codes, typical)
            found = check(report)
            problems += [f"station-{i}: {p}" for p in found]
            totals["started"] += report.started
            totals["completed"] += report.completed
            totals["killed"] += report.killed
            totals["events"] += len(report.committed)
    elapsed = time.perf_counter() - started
    print(f"crash soak: seed {args.seed}, typical admit {typical * 1000:.0f} ms")
    print(
        f"{totals['killed']} processes killed, {totals['completed']} completed "
        f"({totals['events']} events committed and checked) in {dirs} data directories, "
        f"{elapsed:.0f} s"
    )
    for p in problems:
        print(f"VIOLATION {p}")
    print("result: " + ("PASS" if not problems else f"FAIL ({len(problems)} violations)"))
    return 0 if not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
