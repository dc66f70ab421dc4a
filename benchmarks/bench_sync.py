"""Sync performance against the real reference server (SQLite backend) on 127.0.0.1.

1. 10,000 queued events uploaded end to end (one ``SyncEngine.run_once``: batches of
   500, the feed, the lists) — target under 5 s;
2. a 50,000-entry roster downloaded, verified and stored — target under 5 s;
3. batched uploads from 20 concurrent stations (separate processes), events per
   second the server sustains — target at least 2,000/s.

Baselines measured in the same run: one bare HTTP round trip to the same server
(``GET /v1/rules``), and the local store's own cost of producing the events.

    python benchmarks/bench_sync.py            # full size
    python benchmarks/bench_sync.py --quick    # CI: 2,000 events, 10,000 entries, 4 x 500

Prints the table; exits 1 only when an invariant fails (events lost or doubled), never
on timing in ``--quick`` (a loaded CI machine must not fail a build).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "sync")]
sys.path.insert(0, str(ROOT / "tests" / "services"))

import requests  # noqa: E402
from central_process import CentralProcess  # noqa: E402
from station_factory import Bench, make_bench  # noqa: E402

from checkpoint_app.services.gate import GateService  # noqa: E402
from checkpoint_app.sync.client import ApiClient  # noqa: E402
from checkpoint_app.sync.engine import SyncEngine, enrol, sync_status  # noqa: E402
from checkpoint_app.sync.worker import transport_for  # noqa: E402

CHECKPOINT = "BENCH"


def cid(i: int) -> str:
    return "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{i:026d}")


def seeded_station(central: CentralProcess, data_dir: Path, events: int) -> Bench:
    """An enrolled station with ``events`` queued events (admissions of 4 events each)."""
    bench = make_bench(data_dir)
    enrol(bench.station, ApiClient(central.url), central.url,
          central.enrolment_code(CHECKPOINT), data_dir.name)  # fmt: skip
    bench.station.db.execute("PRAGMA synchronous = OFF")
    gate = GateService(bench.station)
    i = 0
    while sync_status(bench.station).pending < events:
        gate.scan(bench.code(cid=cid(i)), temperature="36.5")
        bench.clock.advance(2)
        i += 1
    bench.station.db.execute("PRAGMA synchronous = FULL")
    return bench


def _station_process(args: tuple[str, str, int]) -> tuple[float, float, int]:
    """A child process: one station uploads its queued events; (start, end, events)."""
    data_dir, _url, _n = args
    os.environ["CHECKPOINT_NO_KEYRING"] = "1"
    bench = make_bench(Path(data_dir))
    transport = transport_for(bench.station)
    assert transport is not None
    engine = SyncEngine(bench.station, transport)
    start = time.time()
    result = engine.upload()
    return start, time.time(), result.uploaded + result.duplicates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    n_events, n_roster, clients, per_client = (
        (2_000, 10_000, 4, 500) if args.quick else (10_000, 50_000, 20, 1_000)
    )
    os.environ["CHECKPOINT_NO_KEYRING"] = "1"
    problems: list[str] = []
    rows: list[tuple[str, float, float, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        central = CentralProcess(root / "central")
        central.admin("checkpoint", "create", CHECKPOINT, "--name", "bench")
        roster = root / "big.csv"
        with roster.open("w", encoding="utf-8") as fh:
            fh.write("roster,title,booking,name,id_number,phone,cid,seat\n")
            for i in range(n_roster):
                fh.write(
                    f"BIG-{i // 5000},大巴 {i // 5000},B{i:07d},乘客{i},"
                    f"110101199001{i % 10000:06d},1380000{i % 10000:04d},,{i % 60}\n"
                )
        central.start()
        try:
            rtts = []
            for _ in range(20):
                start = time.perf_counter()
                requests.get(central.url + "/v1/trust-list", timeout=10)
                rtts.append(time.perf_counter() - start)
            rtt = statistics.median(rtts)

            # 1. upload
            bench = seeded_station(central, root / "upload", n_events)
            queued = sync_status(bench.station).pending
            engine = SyncEngine(bench.station, transport_for(bench.station))  # type: ignore[arg-type]
            start = time.perf_counter()
            result = engine.run_once()
            upload_s = time.perf_counter() - start
            if not result.ok or sync_status(bench.station).pending:
                problems.append(f"upload: {result.error or 'events left pending'}")
            rows.append((f"upload {queued:,} queued events", upload_s, 5.0, "HTTP round trip", rtt))
            bench.station.close()

            # 2. roster download
            central.admin("roster", "import", CHECKPOINT, str(roster))
            fresh = make_bench(root / "roster")
            enrol(fresh.station, ApiClient(central.url), central.url,
                  central.enrolment_code(CHECKPOINT), "roster")  # fmt: skip
            engine = SyncEngine(fresh.station, transport_for(fresh.station))  # type: ignore[arg-type]
            start = time.perf_counter()
            result = engine.run_once()
            roster_s = time.perf_counter() - start
            stored = fresh.station.db.execute("SELECT COUNT(*) FROM roster_entries").fetchone()[0]
            if stored != n_roster:
                problems.append(f"roster: {stored} entries stored of {n_roster}")
            rows.append(
                (f"download a {n_roster:,}-entry roster", roster_s, 5.0, "HTTP round trip", rtt)
            )
            fresh.station.close()

            # 3. concurrent uploads
            dirs = []
            for i in range(clients):
                b = seeded_station(central, root / f"client-{i}", per_client)
                b.station.close()
                dirs.append((str(b.data_dir), central.url, per_client))
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(clients) as pool:
                spans = pool.map(_station_process, dirs)
            first = min(s for s, _, _ in spans)
            last = max(e for _, e, _ in spans)
            total = sum(n for _, _, n in spans)
            rate = total / (last - first)
            expected = sum(make_bench(Path(d)).station.log.head()[0] for d, _, _ in dirs)
            if total < expected:
                problems.append(f"concurrent: {total} of {expected} events uploaded")
        finally:
            central.stop()
    print(f"sync benchmark ({'quick' if args.quick else 'full'}), SQLite backend, 127.0.0.1")
    print(
        f"{'measurement':<36}{'measured':>12}{'target':>10}{'ratio':>7}  {'baseline':<18}{'x base':>8}"
    )
    for label, seconds, target, base_label, base in rows:
        print(
            f"{label:<36}{seconds:>10.2f} s{target:>8.1f} s{seconds / target:>7.2f}  "
            f"{base_label:<18}{seconds / base:>8.0f}"
        )
    print(
        f"{f'{clients} stations uploading at once':<36}{rate:>8,.0f} ev/s{2000:>6,} ev/s"
        f"{2000 / rate:>7.2f}  ({total:,} events in {last - first:.2f} s)"
    )
    for p in problems:
        print(f"VIOLATION {p}")
    print("result: " + ("PASS" if not problems else "FAIL"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
