"""Review benchmark: the supervisor's review on a store of 100,000 events (issue #7).

What it measures, on one data directory built with :func:`build_review_store` and then
reopened the way the app opens it (WAL, ``synchronous=FULL``):

1. opening the log browser -- a new store connection (``Station``), then
   ``ReviewService.facets()``, ``count(LogFilter())`` and the first page of 100 rows,
   each run on a fresh connection (median and worst);
2. a filter change -- ``count(f)`` and ``page(f, 0, 100)`` for each kind of filter: a
   time window, a gate, a device, an event kind, a decision action, an operator, a
   sync state, text searches by masked name (the commonest surname), ID suffix, code
   id fragment and event id prefix, and several at once (median of the runs, each
   filter judged on its own);
3. the charts for a day -- ``ReviewService.counts`` over 24 hours holding every event;
4. the hand-over report for a 12-hour shift holding every event -- ``build_handover``
   (which runs the integrity check and records ``shift_handed_over``), then the PDF and
   the XLSX written.

Targets (issue #7): open < 1 s; filter change < 200 ms; charts for a day < 500 ms;
12-hour report < 5 s. Each row prints measured / target and PASS or FAIL, or ``info``
for rows printed to read the others by. Baselines measured in the same run on the same
store: a bare ``SELECT COUNT(*) FROM events`` (after each open, on its connection), the
same count over the day's time range, and a bare read of every event row. The exit
status is 1 when a target fails in the full run (the reduced ``--quick`` run of CI only
reports: a loaded CI machine must not fail a build on timing), 2 for bad usage.

How the store is built (:func:`build_review_store`, importable: ``bench_review_gui.py``
uses it): three devices, each seeded through the real use cases by
``bench_record.seed`` (green, yellow and red codes, fevers remeasured and referred,
repeats, expired and revoked codes, a roster with ticks) at their own gates and
operators (南门 1/2, 北门 1/2, 东门 1), with ``synchronous = OFF``. The other two
devices' events are merged into the first device's store the way the sync stores a
feed (``event_sync`` state ``remote``, ``projections.apply_many``). Then, on the first
device: forged codes (signed by an unknown key), supervisor overrides of denied
travellers behind the PIN, unlock/lock events, and sync states -- the older events
synced, a few hundred rejected with the server's reason (some marked reviewed), the
rest pending.

    python benchmarks/bench_review.py            # full run: 100,000 events (minutes)
    python benchmarks/bench_review.py --quick    # the reduced run CI does: 6,000 events
    python benchmarks/bench_review.py --store D  # keep (and reuse) the built store in D
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_record import T0, Clock, Issuer, filesystem_of, person, seed  # noqa: E402
from results import Row, print_rows, print_targets, timed  # noqa: E402

from checkpoint_app.domain.journey import JourneyState  # noqa: E402
from checkpoint_app.domain.masking import mask_name  # noqa: E402
from checkpoint_app.reports.handover import (  # noqa: E402
    build_handover,
    write_handover_pdf,
    write_handover_xlsx,
)
from checkpoint_app.services.gate import GateService  # noqa: E402
from checkpoint_app.services.review import LogFilter, ReviewService  # noqa: E402
from checkpoint_app.services.station import Station  # noqa: E402
from checkpoint_app.store import projections  # noqa: E402
from checkpoint_app.store.database import transaction  # noqa: E402
from checkpoint_app.store.event_log import Event, utc_timestamp  # noqa: E402
from checkpoint_app.store.supervisor import SupervisorPin  # noqa: E402

TARGET_OPEN_MS = 1_000.0
TARGET_FILTER_MS = 200.0
TARGET_COUNTS_MS = 500.0
TARGET_REPORT_MS = 5_000.0
PAGE = 100
PIN = "482913"
INFO_FILE = "bench_review.json"

#: (device, share of the events, (gate, operator) pairs, first traveller index)
DEVICES: tuple[tuple[str, float, tuple[tuple[str, str], ...], int], ...] = (
    ("main", 0.5, (("南门 1", "小王"), ("南门 2", "小张")), 0),
    ("north", 0.3, (("北门 1", "小李"), ("北门 2", "小陈")), 1_000_000),
    ("east", 0.2, (("东门 1", "老赵"),), 2_000_000),
)
REJECTIONS = (
    "invalid_event: gate name longer than 64 characters",
    "checkpoint_mismatch: the device is enrolled at another checkpoint",
    "bad_payload: unknown field 'legacy_flag'",
)


def iso(epoch: float) -> str:
    return utc_timestamp(datetime.fromtimestamp(epoch, UTC))


@dataclass(frozen=True)
class ReviewStore:
    """A built review store and what to query it with."""

    data_dir: Path
    events: int
    devices: tuple[str, ...]
    gates: tuple[str, ...]
    operators: tuple[str, ...]
    first_at: str
    last_at: str
    day: tuple[str, str]  # 24 hours holding every event
    shift: tuple[str, str]  # 12 hours holding every event
    window: tuple[str, str]  # one hour in the middle
    surname: str  # the commonest masked-name prefix (the slowest name search)
    id_suffix: str
    code_fragment: str
    event_prefix: str
    forged: int
    overrides: int
    rejected: int
    pin: str
    seconds: float  # to build

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "data_dir": str(self.data_dir)}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ReviewStore:
        fields = dict(doc)
        fields["data_dir"] = Path(fields["data_dir"])
        for key in ("devices", "gates", "operators", "day", "shift", "window"):
            fields[key] = tuple(fields[key])
        return cls(**fields)


def _merge(station: Station, other: Path) -> int:
    """Store another device's events as the sync stores a feed (state ``remote``)."""
    conn = sqlite3.connect(f"{(other / 'checkpoint.sqlite3').resolve().as_uri()}?mode=ro", uri=True)
    cursor = conn.execute("SELECT * FROM events ORDER BY device_id, seq")
    columns = [c[0] for c in cursor.description]
    db = station.db
    merged = 0
    while batch := cursor.fetchmany(2000):
        events = [Event.from_row(dict(zip(columns, row, strict=True))) for row in batch]
        with transaction(db):
            db.conn.executemany(
                "INSERT INTO events (event_id, device_id, seq, occurred_at, clock_offset_ms, "
                "operator, kind, payload, pii_digest, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (e.event_id, e.device_id, e.seq, e.occurred_at, e.clock_offset_ms,
                     e.operator, e.kind, e.payload, e.pii_digest, e.prev_hash, e.hash)
                    for e in events
                ],
            )  # fmt: skip
            db.conn.executemany(
                "INSERT INTO event_sync (event_id, sync_state, synced_at) "
                "VALUES (?, 'remote', '2026-11-18T18:00:00+00:00')",
                [(e.event_id,) for e in events],
            )
            projections.apply_many(db, events)
        merged += len(events)
    conn.close()
    return merged


def build_review_store(
    data_dir: Path, events: int = 100_000, *, log: Callable[[str], None] | None = None
) -> ReviewStore:
    """Build (or reuse, when ``data_dir`` holds one of the same size) the review store."""
    info = data_dir / INFO_FILE
    if info.exists():
        built = ReviewStore.from_json(json.loads(info.read_text("utf-8")))
        if built.events >= events and (data_dir / "checkpoint.sqlite3").exists():
            return built
        shutil.rmtree(data_dir)
    say = log or (lambda _text: None)
    started = time.perf_counter()
    issuer = Issuer()
    ticks = max(20, events // 400)
    with tempfile.TemporaryDirectory(prefix="bench_review_devices_") as tmp:
        for name, share, gates, first in DEVICES:
            target = data_dir if name == "main" else Path(tmp) / name
            seeded = seed(
                target, issuer, int(events * share), ticks, gates=gates, first_traveller=first
            )
            say(f"  device {name}: {seeded.events:,} events in {seeded.seconds:.1f} s")
        clock = Clock(T0)
        station = Station(data_dir, clock=clock)
        try:
            station.db.execute("PRAGMA synchronous = OFF")  # building only
            for name, *_ in DEVICES[1:]:
                merged = _merge(station, Path(tmp) / name)
                say(f"  merged {merged:,} events of device {name}")
            extras = _extras(station, clock, events)
        finally:
            station.close()
    conn = sqlite3.connect(str(data_dir / "checkpoint.sqlite3"))
    try:
        total = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        # The admissions' timeline (a roster import is stamped with the wall clock).
        first_at, last_at = conn.execute(
            "SELECT MIN(occurred_at), MAX(occurred_at) FROM p_log WHERE kind = 'scan'"
        ).fetchone()
        devices = tuple(r[0] for r in conn.execute("SELECT DISTINCT device_id FROM events"))
        gates = tuple(
            r[0] for r in conn.execute("SELECT DISTINCT gate FROM p_log WHERE gate != ''")
        )
        operators = tuple(r[0] for r in conn.execute("SELECT DISTINCT operator FROM p_log"))
        surname = conn.execute(
            "SELECT substr(masked_name, 1, 1), COUNT(*) FROM p_log WHERE masked_name != '' "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchone()[0]
        event_prefix = conn.execute(
            "SELECT substr(event_id, 1, 8) FROM events ORDER BY occurred_at DESC LIMIT 1 OFFSET ?",
            [total // 3],
        ).fetchone()[0]
    finally:
        conn.close()
    start = datetime.fromisoformat(first_at.replace("Z", "+00:00"))
    day_start = start.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    shift_start = start.replace(minute=0, second=0, microsecond=0).timestamp()
    middle = (T0 + datetime.fromisoformat(last_at.replace("Z", "+00:00")).timestamp()) / 2
    sample = person(123)
    built = ReviewStore(
        data_dir=data_dir,
        events=int(total),
        devices=devices,
        gates=tuple(sorted(gates)),
        operators=tuple(sorted(operators)),
        first_at=first_at,
        last_at=last_at,
        day=(iso(day_start), iso(day_start + 86400)),
        shift=(iso(shift_start), iso(shift_start + 12 * 3600)),
        window=(iso(middle - 1800), iso(middle + 1800)),
        surname=surname,
        id_suffix=sample.id_number[-4:],
        code_fragment=sample.cid[3:11],
        event_prefix=event_prefix,
        forged=extras["forged"],
        overrides=extras["overrides"],
        rejected=extras["rejected"],
        pin=PIN,
        seconds=time.perf_counter() - started,
    )
    assert mask_name(sample.name)[0] == sample.name[0]
    info.write_text(json.dumps(built.to_json(), ensure_ascii=False, indent=1), "utf-8")
    return built


def _extras(station: Station, clock: Clock, events: int) -> dict[str, int]:
    """Forged codes, overrides, unlocks and sync states on the first device."""
    rng = random.Random(7)
    db = station.db
    last = db.execute("SELECT MAX(at) FROM p_log WHERE kind = 'scan'").fetchone()[0]
    span = max(60, last - T0)
    rogue = Issuer()  # a key no trust list has: every code of it is forged
    gates = [GateService(station, gate=g, operator=o) for g, o in DEVICES[0][2]]
    n_forged = max(10, events // 500)
    for k in range(n_forged):
        when = T0 + rng.random() * span
        clock.now = when
        rng.choice(gates).scan(rogue.code(person(5_000_000 + k), when), temperature="36.5", at=when)
    SupervisorPin(db, clock).set_pin(PIN)
    denied = db.execute(
        "SELECT traveller, since FROM p_travellers WHERE state = 'denied' ORDER BY traveller "
        "LIMIT ?",
        [max(5, events // 2000)],
    ).fetchall()
    reasons = ("健康码已由卫健委电话更正 colour corrected by phone", "复核后放行 cleared on review")
    for k, (traveller, since) in enumerate(denied):
        when = float(since) + 300
        clock.now = when
        gates[k % len(gates)].override(
            traveller, target=JourneyState.ENTERED, reason=reasons[k % 2],
            supervisor="李站长", pin=PIN, at=when,
        )  # fmt: skip
    review = ReviewService(station, operator="李站长")
    for k in range(3):
        clock.now = T0 + span * (k + 1) / 4
        review.unlock(PIN)
        clock.now += 120
        review.lock("inactivity" if k % 2 else "manual")
    clock.now = T0 + span * 0.6
    review.unlock("000000")  # one wrong try
    mine = station.device_id
    cutoff = iso(T0 + span * 0.7)
    with transaction(db):
        db.execute(
            "UPDATE event_sync SET sync_state = 'synced', attempts = 1, "
            "synced_at = '2026-11-18T18:00:00+00:00' WHERE event_id IN "
            "(SELECT event_id FROM events WHERE device_id = ? AND occurred_at < ?)",
            [mine, cutoff],
        )
        ids = [
            r[0]
            for r in db.execute(
                "SELECT event_id FROM events WHERE device_id = ? ORDER BY seq", [mine]
            )
        ]
        rejected = rng.sample(ids, max(10, events // 300))
        for k, event_id in enumerate(rejected):
            db.execute(
                "UPDATE event_sync SET sync_state = 'rejected', attempts = 3, last_error = ? "
                "WHERE event_id = ?",
                [REJECTIONS[k % len(REJECTIONS)], event_id],
            )
    clock.now = T0 + span
    review.mark_reviewed(rejected[: len(rejected) // 3], "已通知中心 reported to the centre")
    return {"forged": n_forged, "overrides": len(denied), "rejected": len(rejected)}


# --- measurements ---------------------------------------------------------------------


def filters(store: ReviewStore) -> dict[str, LogFilter]:
    return {
        "filter: time window": LogFilter(since=store.window[0], until=store.window[1]),
        "filter: gate": LogFilter(gates=(store.gates[-1],)),
        "filter: device": LogFilter(devices=(store.devices[-1],)),
        "filter: kind": LogFilter(kinds=("temperature",)),
        "filter: action": LogFilter(actions=("deny",)),
        "filter: operator": LogFilter(operators=("李站长",)),
        "filter: sync rejected": LogFilter(sync_states=("rejected",)),
        "filter: sync pending": LogFilter(sync_states=("pending",)),
        "search: masked name": LogFilter(text=store.surname),
        "search: ID suffix": LogFilter(text=store.id_suffix),
        "search: code id": LogFilter(text=store.code_fragment),
        "search: event id": LogFilter(text=store.event_prefix),
        "filter: combined": LogFilter(
            since=store.window[0],
            gates=(DEVICES[0][2][0][0],),  # a gate of this device: names are known there
            kinds=("decision",),
            actions=("admit", "refer"),
            text=store.surname,
        ),
    }


def bare_count(station: Station) -> float:
    return timed(lambda: station.db.execute("SELECT COUNT(*) FROM events").fetchone())[0]


def bare_read(db_path: Path) -> float:
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return timed(lambda: conn.execute("SELECT * FROM events").fetchall())[0]
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the reduced run (CI): 6,000 events")
    parser.add_argument("--events", type=int, help="events in the store (default 100,000)")
    parser.add_argument("--store", type=Path, help="build the store here and keep it (reused)")
    args = parser.parse_args(argv)
    quick = args.quick
    target_events = args.events or (6_000 if quick else 100_000)
    n_open = 3 if quick else 5
    rounds = 2 if quick else 5
    n_counts = 3 if quick else 5
    n_report = 1 if quick else 3

    with tempfile.TemporaryDirectory(prefix="bench_review_") as tmp:
        data_dir = args.store or Path(tmp) / "data"
        store = build_review_store(data_dir, target_events)
        fs = filesystem_of(data_dir)
        db_path = data_dir / "checkpoint.sqlite3"
        clock = Clock(T0 + 86400)

        # 1. Open: a new connection, facets, count, first page; a bare count after each.
        opens, open_bare = [], []
        for _ in range(n_open):
            start = time.perf_counter()
            station = Station(data_dir, clock=clock)
            review = ReviewService(station, operator="李站长")
            facets = review.facets()
            total = review.count(LogFilter())
            first = review.page(LogFilter(), 0, PAGE)
            opens.append(time.perf_counter() - start)
            open_bare.append(bare_count(station))
            station.close()
        station = Station(data_dir, clock=clock)
        sync = station.db.execute("PRAGMA synchronous").fetchone()[0]
        if sync != 2:
            raise RuntimeError(f"the reopened store is not synchronous=FULL ({sync})")
        review = ReviewService(station, operator="李站长")
        stored_events = station.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        if total != stored_events or len(first) != PAGE:
            raise RuntimeError(f"the log browser shows {total} of {stored_events} events")

        # 2. Filter changes: count + first page for each.
        chosen = filters(store)
        changes: dict[str, list[float]] = {k: [] for k in chosen}
        matches: dict[str, int] = {}
        filter_bare = []
        for _ in range(rounds):
            for label, f in chosen.items():
                elapsed, (n, rows) = timed(lambda f=f: (review.count(f), review.page(f, 0, PAGE)))
                changes[label].append(elapsed)
                matches[label] = n
                if len(rows) != min(n, PAGE):
                    raise RuntimeError(f"{label}: {len(rows)} rows for {n} matches")
                filter_bare.append(bare_count(station))
        if not all(matches.values()):
            empty = [k for k, v in matches.items() if not v]
            raise RuntimeError(f"filters that match nothing measure nothing: {empty}")

        # 3. Counts for a day.
        day_times, day_bare = [], []
        for _ in range(n_counts):
            elapsed, counts = timed(lambda: review.counts(*store.day))
            day_times.append(elapsed)
            day_bare.append(
                timed(
                    lambda: station.db.execute(
                        "SELECT COUNT(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                        list(store.day),
                    ).fetchone()
                )[0]
            )
        in_day = station.db.execute(
            "SELECT COUNT(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
            list(store.day),
        ).fetchone()[0]
        if counts.totals["events"] != in_day or in_day < 0.99 * stored_events:
            raise RuntimeError(f"the day's counts: {counts.totals['events']} of {in_day} events")

        # 4. The hand-over report for the 12-hour shift: build, PDF, XLSX.
        reports = []
        parts: list[tuple[float, float, float]] = []
        pdf_size = xlsx_size = 0
        for k in range(n_report):
            out = Path(tmp) / f"report-{k}"
            out.mkdir()
            start = time.perf_counter()
            report = build_handover(
                review, *store.shift, handed_over_by="王班长", handed_over_to="刘班长"
            )
            built = time.perf_counter()
            write_handover_pdf(report, out / "handover.pdf")
            pdf = time.perf_counter()
            write_handover_xlsx(report, out / "handover.xlsx")
            done = time.perf_counter()
            reports.append(done - start)
            parts.append((built - start, pdf - built, done - pdf))
            pdf_size = (out / "handover.pdf").stat().st_size
            xlsx_size = (out / "handover.xlsx").stat().st_size
            if not report.integrity.ok:
                raise RuntimeError(f"the integrity check failed: {report.integrity.text()}")
        station.close()

        # Rebuild with p_log (info): the projections must come out the same.
        station = Station(data_dir, clock=clock)
        stored = projections.snapshot(station.db)
        rebuild, _ = timed(lambda: _rebuild(station))
        if projections.snapshot(station.db) != stored:
            raise RuntimeError("the projections rebuilt from the events differ (p_log?)")
        station.close()
        read = min(bare_read(db_path) for _ in range(3))

    worst_filter = max(changes, key=lambda k: statistics.median(changes[k]))
    bare_filter = statistics.median(filter_bare)
    rows = [
        Row("open (facets+count+page)", statistics.median(opens), TARGET_OPEN_MS,
            "bare COUNT(*) events", statistics.median(open_bare)),
        Row("open worst", max(opens), TARGET_OPEN_MS,
            "bare COUNT(*) events", max(open_bare), judged=False),
        *[
            Row(label, statistics.median(times), TARGET_FILTER_MS,
                "bare COUNT(*) events", bare_filter)
            for label, times in changes.items()
        ],
        Row("filter change worst", max(max(t) for t in changes.values()), TARGET_FILTER_MS,
            "bare COUNT(*) events", max(filter_bare), judged=False),
        Row("counts for a day", statistics.median(day_times), TARGET_COUNTS_MS,
            "bare COUNT(*) of day", statistics.median(day_bare)),
        Row("report 12 h (PDF+XLSX)", statistics.median(reports), TARGET_REPORT_MS,
            "bare events read", read),
        Row("projection rebuild", rebuild, 10_000.0, "bare events read", read, judged=False),
    ]  # fmt: skip

    print(
        f"review benchmark ({'quick' if quick else 'full'}): {stored_events:,} events, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs (not pinned), store on {fs}"
    )
    print(
        f"store: {len(store.devices)} devices, gates {', '.join(store.gates)}; "
        f"{len(store.operators)} operators; {store.forged} forged codes, {store.overrides} "
        f"overrides, {store.rejected} rejected sync rows; {store.first_at[:16]} to "
        f"{store.last_at[:16]} UTC; built in {store.seconds:.1f} s with synchronous=OFF, "
        f"measured reopened with synchronous=FULL"
    )
    print(
        f"open: {n_open} runs on a new connection each, {len(facets.gates)} gates, "
        f"{len(facets.kinds)} kinds, {len(facets.actions)} actions, {len(facets.operators)} "
        f"operators in the pickers; filters: {rounds} runs each, count + first {PAGE} rows, "
        f"median; slowest {worst_filter!r}"
    )
    print(
        "matches: "
        + "; ".join(f"{k.split(': ')[1]} {v:,}" for k, v in matches.items())
        + f" (searched {store.surname!r}, {store.id_suffix!r}, {store.code_fragment!r}, "
        f"{store.event_prefix!r})"
    )
    build_s, pdf_s, xlsx_s = (statistics.median(p[i] for p in parts) for i in range(3))
    print(
        f"counts: {n_counts} runs over {store.day[0][:10]} ({counts.totals['scans']:,} scans, "
        f"{len(counts.arrivals)} buckets); report: {n_report} run(s), build (with integrity "
        f"check) {build_s * 1000:.0f} ms + PDF {pdf_s * 1000:.0f} ms ({pdf_size / 1e3:.0f} kB) "
        f"+ XLSX {xlsx_s * 1000:.0f} ms ({xlsx_size / 1e3:.0f} kB); {len(report.referrals):,} "
        f"referrals, {len(report.denials):,} denials, {len(report.overrides)} overrides listed"
    )
    print(
        f"baselines (same run): bare SELECT COUNT(*) FROM events median "
        f"{statistics.median(open_bare) * 1000:.2f} ms on a new connection, "
        f"{bare_filter * 1000:.2f} ms warm; the day's COUNT(*) "
        f"{statistics.median(day_bare) * 1000:.2f} ms; bare read of the events {read * 1000:.0f} ms"
    )
    print_rows(rows, label=28, baseline=22, ratio=9)
    failed = [r.label for r in rows if r.judged and not r.passed]
    print_targets(sum(r.judged for r in rows), failed)
    if quick:
        return 0
    return 1 if failed else 0


def _rebuild(station: Station) -> int:
    with station.use_case():
        return projections.rebuild(station.db)


if __name__ == "__main__":
    sys.exit(main())
