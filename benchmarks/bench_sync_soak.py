"""Sync soak: many stations, one real server, random network faults, then the invariants.

N stations (threads, each with its own store and connection) enrolled at one
checkpoint admit travellers from a shared pool — so the same traveller turns up at
several gates — and sync through a fault-injecting proxy (500/502/503, connections
reset half-way, replies dropped after the server committed) in random rounds. Then
the faults stop, every station syncs twice (upload, then everyone's download), and:

* the server holds exactly the union of the stations' events: none lost, none twice;
* nothing is pending on any station;
* every station's projections equal a rebuild from its events, and all stations
  agree on every traveller's journey (state, first entry, duplicate entries);
* every station's hash chains verify.

    python benchmarks/bench_sync_soak.py                 # 20 stations × 1,000 events
    python benchmarks/bench_sync_soak.py --quick         # CI: 4 stations × 100 events
    python benchmarks/bench_sync_soak.py --database-url postgresql+psycopg://...

Exit 0 when every invariant holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "sync")]
sys.path.insert(0, str(ROOT / "tests" / "services"))

from central_process import CentralProcess, server_event_ids  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402
from station_factory import Bench, make_bench  # noqa: E402

from checkpoint_app.services.gate import GateService  # noqa: E402
from checkpoint_app.store import projections  # noqa: E402
from checkpoint_app.store.event_log import verify_chain  # noqa: E402
from checkpoint_app.sync.client import ApiClient  # noqa: E402
from checkpoint_app.sync.engine import SyncEngine, enrol, sync_status  # noqa: E402

# A fresh checkpoint per run: a PostgreSQL database may be shared between runs.
CHECKPOINT = f"SOAK-{os.urandom(4).hex().upper()}"


def cid(i: int) -> str:
    return "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{i:026d}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--events", type=int, default=1000, help="events per station (about)")
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--database-url", default=os.environ.get("SOAK_DATABASE_URL"))
    parser.add_argument("--quick", action="store_true", help="CI size: 4 stations × 100 events")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    stations, events = (4, 100) if args.quick else (args.stations, args.events)
    admissions = max(1, events // 4)  # scan, temperature, decision (+ journey)
    started = time.perf_counter()
    problems: list[str] = []
    os.environ["CHECKPOINT_NO_KEYRING"] = "1"
    with tempfile.TemporaryDirectory(prefix="sync-soak-") as tmp:
        central = CentralProcess(Path(tmp) / "central", args.database_url)
        central.admin("checkpoint", "create", CHECKPOINT, "--name", "soak")
        central.start()
        proxy = FaultProxy(central.url)
        try:
            benches: list[Bench] = []
            for i in range(stations):
                bench = make_bench(Path(tmp) / f"station-{i}")
                if benches:
                    bench.issuer = benches[0].issuer
                    bench.station.with_verifier(benches[0].station.verifier)
                enrol(
                    bench.station, ApiClient(proxy.url), proxy.url,
                    central.enrolment_code(CHECKPOINT), f"station-{i}",
                )  # fmt: skip
                bench.station.close()
                benches.append(bench)
            proxy.plan.probability = args.fault_rate
            proxy.plan.rng.seed(args.seed)
            pool = max(10, stations * admissions // 3)  # travellers seen at several gates

            def run_station(i: int) -> None:
                local = random.Random(args.seed * 1000 + i)
                bench = make_bench(benches[i].data_dir)
                bench.issuer = benches[0].issuer
                bench.station.with_verifier(benches[0].station.verifier)
                bench.clock.advance(local.randint(0, 600))
                gate = GateService(bench.station, gate=f"gate {i}")
                sync = SyncEngine(bench.station, _client(bench), jitter=local.random)
                done = 0
                while done < admissions:
                    for _ in range(local.randint(1, 40)):
                        if done >= admissions:
                            break
                        code = bench.code(cid=cid(local.randrange(pool)))
                        gate.scan(code, temperature=local.choice(["36.5", "36.8", "37.6"]))
                        bench.clock.advance(local.randint(1, 30))
                        done += 1
                    sync.run_once()
                bench.station.close()

            threads = [threading.Thread(target=run_station, args=(i,)) for i in range(stations)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            proxy.plan.probability = 0.0
            finals = []
            for _ in range(2):  # everyone uploads, then everyone sees everyone
                for bench in benches:
                    reopened = make_bench(bench.data_dir)
                    result = SyncEngine(reopened.station, _client(reopened)).run_once()
                    if not result.ok:
                        problems.append(f"{bench.data_dir.name}: final sync failed: {result.error}")
                    finals.append(result)
                    reopened.station.close()
            problems += check(central, benches)
            injected = len(proxy.plan.injected)
        finally:
            proxy.close()
            central.stop()
    elapsed = time.perf_counter() - started
    print(
        f"sync soak: {stations} stations × ~{admissions * 4} events, {injected} faults injected, "
        f"{elapsed:.0f} s, backend {'postgresql' if args.database_url else 'sqlite'}"
    )
    for p in problems:
        print(f"VIOLATION {p}")
    print("result: " + ("PASS" if not problems else f"FAIL ({len(problems)} violations)"))
    return 0 if not problems else 1


def _client(bench: Bench) -> ApiClient:
    from checkpoint_app.sync.worker import transport_for

    transport = transport_for(bench.station)
    assert isinstance(transport, ApiClient)
    transport.timeout = (3.0, 10.0)
    return transport


def check(central: CentralProcess, benches: list[Bench]) -> list[str]:
    problems: list[str] = []
    first = make_bench(benches[0].data_dir)
    transport = _client(first)
    held = server_event_ids(transport)
    first.station.close()
    if len(held) != len(set(held)):
        problems.append(f"the server holds {len(held) - len(set(held))} events twice")
    union: set[str] = set()
    journeys = []
    for bench in benches:
        b = make_bench(bench.data_dir)
        db = b.station.db
        own = {e.event_id for e in b.station.log.events(device=b.station.device_id)}
        union |= own
        everything = {r[0] for r in db.execute("SELECT event_id FROM events")}
        if sync_status(b.station).pending:
            problems.append(f"{bench.data_dir.name}: events still pending")
        if not verify_chain(db).ok:
            problems.append(f"{bench.data_dir.name}: chain broken: {verify_chain(db).first_break}")
        if everything != set(held):
            problems.append(
                f"{bench.data_dir.name}: holds {len(everything)} events, the server {len(set(held))}"
            )
        stored = projections.snapshot(db)
        with b.station.use_case():
            projections.rebuild(db)
        if projections.snapshot(db) != stored:
            problems.append(f"{bench.data_dir.name}: projections differ from a rebuild")
        journeys.append(
            db.execute(
                "SELECT traveller, state, entry_at, entry_gate, duplicate_entries "
                "FROM p_travellers ORDER BY traveller"
            ).fetchall()
        )
        b.station.close()
    if set(held) != union:
        problems.append(
            f"server/stations mismatch: {len(union - set(held))} lost, "
            f"{len(set(held) - union)} unknown"
        )
    if any(j != journeys[0] for j in journeys):
        problems.append("the stations disagree on some traveller's journey")
    return problems


if __name__ == "__main__":
    raise SystemExit(main())
