"""Record benchmark: the checkpoint record on a store of 100,000 events (issue #4).

What it measures, on one data directory seeded with realistic events and then reopened
the way the app opens it (WAL, ``synchronous=FULL``):

1. one admission -- ``GateService.scan(text, temperature="36.5")``: verification, the
   scan, temperature, decision and journey events, their projections, one fsync'd
   commit -- for fresh travellers on the full store (median and p95; the first few
   admissions, which load the offline cache, are a warm-up and not counted);
2. the projection rebuild -- ``with station.use_case(): projections.rebuild(db)``;
3. roster search -- ``BusService.search(roster, prefix)`` (what the bus screen runs per
   keystroke: the first page of 100 matches and the total count) for every successive
   prefix of typed names, ID-number suffixes and booking ids, on a 5,000-entry roster
   (p95 and max per keystroke);
4. ``log verify`` -- :func:`checkpoint_app.store.event_log.verify_chain` in process,
   and the real ``checkpoint-app log verify --data-dir D`` as a subprocess;
5. ``checkpoint-app admit --code TEXT --temp 36.5 --data-dir D`` start to exit as a
   real subprocess (median and p95), and, in one more run through a small ``-c``
   wrapper around ``checkpoint_app.cli.main.main``, that neither PySide6 nor cv2 got
   imported.

Targets: admission p95 < 10 ms; rebuild < 10 s; roster search p95 < 20 ms per
keystroke; log verify < 5 s; ``admit`` start-to-exit < 0.5 s; no Qt, no OpenCV in
``admit``. Each row prints measured / target and PASS, FAIL, or ``info`` for rows
printed to read the others by: the roster search's max (one slow keystroke in twenty
is what p95 allows) and the same keystrokes building every matching row
(``entries(..., query=prefix)``, no page). The exit status is 1 when a target fails
in the full run (the reduced ``--quick`` run of CI only reports: a loaded CI machine
must not fail a build on timing; a forbidden import still fails it), 2 for bad usage.

Baselines measured in the same run, in the same directory, so the numbers can be read
against the machine: a bare ``sqlite3`` INSERT + COMMIT (WAL, ``synchronous=FULL``: one
fsync) run right after each measured admission, a bare SHA-256 over exactly the bytes
the hash chain hashes, a bare read of the events table, the roster search's SQL
without building the rows' views (after each keystroke), and a bare interpreter start
(``python -c pass``, after each ``admit`` run). The admissions line also says how many
WAL pages one admission writes and which admissions ran SQLite's WAL auto-checkpoint
inside their commit (seen from the WAL header's salt changing).

The CLI runs keep their bytecode in a temporary ``PYTHONPYCACHEPREFIX`` (filled by one
warm-up run), as an installed app has its ``.pyc`` files, even where the environment
sets ``PYTHONDONTWRITEBYTECODE``; otherwise every run would compile the package's
modules from source.

How the store is built: through the real use cases (``GateService.scan`` and
``.temperature``, ``import_rosters``, ``BusService.tick_by_name``), one transaction
each, but with ``PRAGMA synchronous = OFF`` on the seeding connection only -- an fsync
per commit would make 100,000 events take many minutes and measures nothing we need.
The station is then closed and reopened normally (``open_database`` sets
``synchronous = FULL``, checked) before anything is measured. The travellers are
distinct (their own ``cid``) with a mix of green, yellow and red codes, normal and
fever readings (remeasured within the window), scans without a reading (the reading
typed next), repeat scans, expired and revoked codes; a 5,000-entry roster is
imported and a few hundred of its passengers ticked by name. The trust list and
revocations are written to the data directory's runtime cache, so the in-process
station and the CLI subprocesses verify exactly as a station in the field does (no
``--demo``, no ``--trust-list``; ``--at`` fixes the clock).

    python benchmarks/bench_record.py            # full run: 100,000 events (minutes)
    python benchmarks/bench_record.py --quick    # the reduced run CI does: 5,000 events

``--quick`` shrinks the store and the number of runs, not the targets: the same
targets are checked against the smaller store.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # results.py beside it

from results import Row, print_rows, print_targets  # noqa: E402

from checkpoint_app.domain.phi1 import encode_phi1  # noqa: E402
from checkpoint_app.domain.roster import parse_roster_rows  # noqa: E402
from checkpoint_app.services.bus import BusService  # noqa: E402
from checkpoint_app.services.gate import GateService  # noqa: E402
from checkpoint_app.services.station import Station  # noqa: E402
from checkpoint_app.store import projections  # noqa: E402
from checkpoint_app.store.event_log import canonical_json, verify_chain  # noqa: E402
from checkpoint_app.store.offline_cache import (  # noqa: E402
    REVOCATIONS,
    TRUST_LIST,
    write_cache_item,
)
from checkpoint_app.store.rosters import import_rosters  # noqa: E402

T0 = 1_795_000_000  # the first seeded admission (epoch s)
STEP_S = 1.5  # seconds between seeded admissions (one busy gate)
ISS = "420000"
ROSTER_ID = "HD-BUS-3"
ROSTER_SIZE = 5_000

TARGET_ADMISSION_MS = 10.0
TARGET_REBUILD_MS = 10_000.0
TARGET_SEARCH_MS = 20.0
TARGET_VERIFY_MS = 5_000.0
TARGET_ADMIT_CLI_MS = 500.0
FORBIDDEN_MODULES = ("PySide6", "cv2")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣悦博文轩睿晨阳雨婷佳琪子涵梓萱一诺思远嘉怡"


# --- people and codes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    index: int
    cid: str
    name: str
    id_number: str
    phone: str

    @property
    def idm(self) -> str:
        return self.id_number[:3] + "*" * 11 + self.id_number[-4:]

    @property
    def tel(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]


def person(index: int) -> Person:
    """Traveller ``index``: always the same name, document, phone and ``cid``."""
    rng = random.Random(index * 7919 + 17)
    digest = hashlib.sha256(f"bench-traveller-{index}".encode()).digest()
    cid = base64.b32encode(digest).decode().lower()[:26]
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    region = rng.choice(("110101", "420106", "310104", "440305", "510107"))
    birth = f"{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    tail = f"{rng.randint(0, 999):03d}" + rng.choice("0123456789X")
    phone = (
        rng.choice(("139", "138", "136", "159", "186", "177")) + f"{rng.randint(0, 10**8 - 1):08d}"
    )
    return Person(index, cid, name, region + birth + tail, phone)


class Issuer:
    """A PHI1 issuer with its own Ed25519 key; its trust list goes to the runtime cache."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = os.urandom(8)

    def trust_doc(self) -> dict[str, Any]:
        pub = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "version": 1,
            "issued_at": T0 - 86400,
            "keys": [
                {
                    "kid": base64.b64encode(self.kid).decode(),
                    "iss": ISS,
                    "alg": "EdDSA",
                    "pub": base64.b64encode(pub).decode(),
                    "not_before": T0 - 86400 * 365,
                    "not_after": T0 + 86400 * 365,
                }
            ],
        }

    def code(self, who: Person, at: float, *, sts: str = "green", ttl: int = 300) -> str:
        now = int(at)
        claims = {
            "v": 1, "iss": ISS, "cid": who.cid, "nam": who.name, "idt": "01", "idm": who.idm,
            "tel": who.tel, "sts": sts, "sat": now - 6 * 3600,
            "nat": {"res": "neg", "at": now - 20 * 3600}, "iat": now - 5, "exp": now + ttl,
        }  # fmt: skip
        return encode_phi1(claims, self.kid, self.key)


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


# --- seeding ------------------------------------------------------------------------


@dataclass
class Seeded:
    events: int
    admissions: int
    travellers: int
    ticks: int
    seconds: float
    end_at: float  # the seeded timeline's last second
    next_traveller: int  # the first traveller index never seen
    outcomes: dict[str, int]


def roster_rows(size: int) -> list[list[str]]:
    header = ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"]
    rows = [header]
    for i in range(size):
        p = person(i)
        cid = p.cid if i % 10 else ""  # one in ten booked without a health-code id
        rows.append(
            [ROSTER_ID, "海淀 3号车", f"HD3-{i + 1:04d}", p.name, p.id_number, p.phone, cid,
             str(i + 1)]
        )  # fmt: skip
    return rows


def revoked_indexes(limit: int) -> list[int]:
    """One traveller in 211 has a revoked code (the list covers every index used)."""
    return list(range(97, limit, 211))


def fresh_travellers(start: int) -> Iterator[Person]:
    """Travellers never seen, from index ``start``, none of them revoked."""
    index = start
    while True:
        if index % 211 != 97:
            yield person(index)
        index += 1


def seed(
    data_dir: Path,
    issuer: Issuer,
    target_events: int,
    ticks: int,
    *,
    gates: Sequence[tuple[str, str]] = (("南门 2", "小王"),),
    first_traveller: int = 0,
) -> Seeded:
    """Fill ``data_dir`` through the real use cases with ``synchronous = OFF``.

    ``gates`` are the (gate, operator) pairs admissions take turns at; travellers are
    numbered from ``first_traveller`` (another device's store uses other people)."""
    started = time.perf_counter()
    clock = Clock(T0 - 3600)
    write_cache_item(data_dir, TRUST_LIST, issuer.trust_doc(), fetched_at=T0 - 600, source="bench")
    revoked = [person(i).cid for i in revoked_indexes(10 * target_events)]
    write_cache_item(
        data_dir, REVOCATIONS, {"version": 1, "cids": revoked}, fetched_at=T0 - 600,
        source="bench",
    )  # fmt: skip
    station = Station(data_dir, clock=clock)
    station.db.execute("PRAGMA synchronous = OFF")  # seeding only; reopened FULL below
    events = 0
    outcomes: dict[str, int] = {}
    try:
        result = import_rosters(
            station.log, parse_roster_rows(roster_rows(ROSTER_SIZE)),
            source="bench_roster.csv", operator="bench",
        )  # fmt: skip
        assert result.rosters == {ROSTER_ID: ROSTER_SIZE}
        events += 1
        bus = BusService(station, operator="marshal")
        rng = random.Random(4)
        for k, i in enumerate(sorted(rng.sample(range(ROSTER_SIZE), ticks))):
            out = bus.tick_by_name(ROSTER_ID, f"HD3-{i + 1:04d}", "认得本人", at=T0 - 1800 + k)
            events += len(out.events)

        services = [GateService(station, gate=g, operator=o) for g, o in gates]
        seen: list[int] = []
        remeasure: deque[tuple[int, int]] = deque()  # (due step, traveller)
        statuses: dict[int, str] = {}
        step = admissions = 0
        next_traveller = first_traveller
        while events < target_events:
            at = T0 + step * STEP_S
            gate = services[step % len(services)]
            clock.now = at
            roll = rng.random()
            temp: str | None = f"36.{rng.randint(1, 9)}"
            expired = False
            if remeasure and remeasure[0][0] <= step:
                who = remeasure.popleft()[1]  # the second reading, inside the 10-minute window
                temp = rng.choice(("37.6", "36.8", "36.9"))
            elif roll < 0.08 and seen:
                who = rng.choice(seen)  # a repeat: entered, referred or denied before
            else:
                who = next_traveller
                next_traveller += 1
                seen.append(who)
                status = rng.random()
                statuses[who] = "green" if status < 0.85 else "yellow" if status < 0.94 else "red"
                if roll < 0.12:
                    temp = rng.choice(("37.5", "37.8", "38.2"))  # a first fever reading
                    remeasure.append((step + rng.randint(20, 300), who))
                elif roll < 0.15:
                    temp = None  # scanned first, the reading typed a few seconds later
                elif roll < 0.16:
                    expired = True  # a screenshot of a code issued an hour ago
            traveller = person(who)
            code = issuer.code(traveller, at - 3600 if expired else at, sts=statuses[who])
            outcome = gate.scan(code, temperature=temp, at=at)
            admissions += 1
            events += len(outcome.events)
            if temp is None and outcome.decision is not None and outcome.decision.needs_temperature:
                outcome = gate.temperature(outcome, f"36.{rng.randint(1, 9)}", at=at + 6)
                events += len(outcome.events)
            action = str(outcome.decision.action) if outcome.decision else "none"
            outcomes[action] = outcomes.get(action, 0) + 1
            step += 1
        count = station.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert count == events, (count, events)
        return Seeded(
            events, admissions, next_traveller - first_traveller, ticks,
            time.perf_counter() - started, T0 + step * STEP_S, next_traveller, outcomes,
        )  # fmt: skip
    finally:
        station.close()


# --- baselines ----------------------------------------------------------------------


class BareCommit:
    """A bare ``sqlite3`` INSERT + COMMIT (WAL, synchronous=FULL: one fsync) in a directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "baseline.sqlite3"
        self.conn = sqlite3.connect(str(self.path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        self.payload = "x" * 600  # about one event row

    def __call__(self) -> float:
        start = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("INSERT INTO t (payload) VALUES (?)", [self.payload])
        self.conn.execute("COMMIT")
        return time.perf_counter() - start

    def close(self) -> None:
        self.conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def chain_bytes(db_path: Path) -> list[bytes]:
    """Exactly the bytes :func:`verify_chain` hashes, one item per event."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    names = ("event_id", "device_id", "seq", "occurred_at", "clock_offset_ms", "operator",
             "kind", "payload", "pii_digest")  # fmt: skip
    rows = conn.execute(
        f"SELECT prev_hash, {', '.join(names)} FROM events ORDER BY device_id, seq"
    ).fetchall()
    conn.close()
    return [(r[0] + canonical_json(dict(zip(names, r[1:], strict=True)))).encode() for r in rows]


def bare_sha256(items: list[bytes]) -> float:
    start = time.perf_counter()
    for item in items:
        hashlib.sha256(item).hexdigest()
    return time.perf_counter() - start


def bare_read(db_path: Path) -> float:
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    start = time.perf_counter()
    conn.execute("SELECT * FROM events ORDER BY device_id, seq").fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bare_search_query(station: Station, q: str) -> float:
    """The roster query the search runs, fetched raw: no masking, no views."""
    like = f"%{q}%"
    start = time.perf_counter()
    station.db.execute(
        "SELECT e.roster_id, e.booking_id, e.name, e.id_number, e.id_last4, e.phone, e.cid, "
        "e.seat, e.origin, COALESCE(s.state, 'expected'), s.since, s.method, s.reason, "
        "s.to_roster FROM roster_entries e LEFT JOIN p_roster_status s "
        "ON s.roster_id = e.roster_id AND s.booking_id = e.booking_id WHERE e.roster_id = ? "
        "AND (e.name LIKE ? OR e.booking_id LIKE ? OR e.seat = ? OR e.id_last4 = ? "
        "OR substr(e.phone, -4) = ?) ORDER BY e.row, e.booking_id",
        [ROSTER_ID, like, like, q, q.upper(), q],
    ).fetchall()
    return time.perf_counter() - start


# --- measurements -------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]


def wal_salt(data_dir: Path) -> bytes:
    """The WAL header's salts: they change when SQLite restarts the WAL after a checkpoint."""
    try:
        with (data_dir / "checkpoint.sqlite3-wal").open("rb") as fh:
            return fh.read(32)[16:24]
    except OSError:
        return b""


@dataclass
class Admissions:
    times: list[float]
    bare: list[float]
    wal_pages: list[int]  # WAL frames one admission writes (warm-up admissions)
    checkpointed: list[float]  # the admissions whose commit ran a WAL checkpoint
    others: list[float]


def measure_admissions(
    station: Station, clock: Clock, issuer: Issuer, fresh: Iterator[Person], n: int,
    bare: BareCommit,
) -> Admissions:  # fmt: skip
    """``n`` admissions of fresh green travellers with 36.5 °C, after 5 warm-ups (the first
    loads the offline cache; each warm-up starts on an empty WAL, to count its pages)."""
    gate = GateService(station, gate="南门 2", operator="小王")
    wal = station.data_dir / "checkpoint.sqlite3-wal"
    times: list[float] = []
    bare_times: list[float] = []
    pages: list[int] = []
    reset: list[bool] = []
    for k in range(5 + n):
        clock.now += 2
        code = issuer.code(next(fresh), clock.now)
        if k < 5:
            station.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        salt = wal_salt(station.data_dir)
        start = time.perf_counter()
        outcome = gate.scan(code, temperature="36.5", at=clock.now)
        elapsed = time.perf_counter() - start
        if outcome.decision is None or str(outcome.decision.action) != "admit":
            raise RuntimeError(f"a fresh green code was not admitted: {outcome.to_json()}")
        if k < 5:
            pages.append((wal.stat().st_size - 32) // (4096 + 24))
            continue
        times.append(elapsed)
        reset.append(wal_salt(station.data_dir) != salt)
        bare_times.append(bare())  # interleaved: the same disk, the same moment
    # The WAL restarts in the admission after the one whose commit ran the checkpoint.
    ran = [reset[k + 1] for k in range(n - 1)] + [False]
    return Admissions(
        times, bare_times, pages,
        [t for t, c in zip(times, ran, strict=True) if c],
        [t for t, c in zip(times, ran, strict=True) if not c],
    )  # fmt: skip


def typed_queries(n_words: int) -> list[str]:
    """Every successive prefix of names, ID-number suffixes and booking ids as typed."""
    rng = random.Random(11)
    picks = rng.sample(range(ROSTER_SIZE), 3 * n_words)
    words = [person(i).name for i in picks[:n_words]]
    words += [person(i).id_number[-4:] for i in picks[n_words : 2 * n_words]]
    words += [f"HD3-{i + 1:04d}" for i in picks[2 * n_words :]]
    words += ["3107", "王"]  # a seat number and the commonest surname
    return [w[:k] for w in words for k in range(1, len(w) + 1)]


@dataclass
class Search:
    times: list[float]
    bare: list[float]
    limited: list[float]
    keystrokes: int
    worst: tuple[float, str, int]  # seconds, query, rows


def measure_search(station: Station, n_words: int, rounds: int) -> Search:
    bus = BusService(station)
    queries = typed_queries(n_words)
    times: list[float] = []
    bare: list[float] = []
    limited: list[float] = []
    worst = (0.0, "", 0)
    for _ in range(rounds):
        for q in queries:
            start = time.perf_counter()
            found = bus.search(ROSTER_ID, q)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            if elapsed > worst[0]:
                worst = (elapsed, q, found.total)
            bare.append(bare_search_query(station, q))
            start = time.perf_counter()
            bus.entries(ROSTER_ID, query=q)
            limited.append(time.perf_counter() - start)
    return Search(times, bare, limited, len(queries), worst)


def cli_env(pycache: Path) -> dict[str, str]:
    """The environment of the CLI runs: bytecode cached (in ``pycache``), as an installed
    app has it, even where ``PYTHONDONTWRITEBYTECODE`` is set."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_timed(argv: Sequence[str], env: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:5])} exited {proc.returncode}: {proc.stderr.decode()}")
    return elapsed, proc.stdout


ADMIT_WRAPPER = """\
import json, sys
from checkpoint_app.cli.main import main
rc = main(sys.argv[1:])
found = sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'cv2', 'numpy', 'PIL'})
print(json.dumps({'rc': rc, 'modules': found}), file=sys.stderr)
"""


@dataclass
class Cli:
    admit: list[float]
    interpreter: list[float]
    verify: list[float]
    modules: list[str]  # heavy modules the admit process loaded


def measure_cli(
    data_dir: Path, clock: Clock, issuer: Issuer, fresh: Iterator[Person], n_admit: int,
    n_verify: int, events: int, env: dict[str, str],
) -> Cli:  # fmt: skip
    exe = [sys.executable, "-m", "checkpoint_app"]

    def admit_argv(prefix: Sequence[str]) -> list[str]:
        clock.now += 2
        code = issuer.code(next(fresh), clock.now)
        return [*prefix, "admit", "--code", code, "--temp", "36.5",
                "--data-dir", str(data_dir), "--at", str(int(clock.now))]  # fmt: skip

    # Warm-up: the same modules on an empty data directory fill the bytecode cache.
    run_timed([*exe, "log", "verify", "--data-dir", str(data_dir.parent / "empty")], env)
    verify = []
    for _ in range(n_verify):
        elapsed, out = run_timed([*exe, "log", "verify", "--data-dir", str(data_dir)], env)
        doc = json.loads(out)
        if not doc.get("ok") or doc.get("events") != events:
            raise RuntimeError(f"log verify: {doc}")
        verify.append(elapsed)

    run_timed(admit_argv(exe), env)  # warm-up: fills the bytecode cache
    run_timed([sys.executable, "-c", "pass"], env)
    admit, interpreter = [], []
    for _ in range(n_admit):
        elapsed, out = run_timed(admit_argv(exe), env)
        if json.loads(out).get("decision") != "admit":
            raise RuntimeError(f"admit: {out.decode()}")
        admit.append(elapsed)
        interpreter.append(run_timed([sys.executable, "-c", "pass"], env)[0])

    wrapped = subprocess.run(
        admit_argv([sys.executable, "-c", ADMIT_WRAPPER]), capture_output=True, check=False,
        cwd=ROOT, env=env,
    )  # fmt: skip
    lines = wrapped.stderr.decode().strip().splitlines()
    report = json.loads(lines[-1]) if lines else {"rc": wrapped.returncode}
    if report["rc"] != 0:
        raise RuntimeError(f"admit (wrapped) exited {report['rc']}: {wrapped.stderr.decode()}")
    return Cli(admit, interpreter, verify, report["modules"])


def filesystem_of(path: Path) -> str:
    """The mount's file system type (fsync costs differ: ext4, tmpfs, overlay, ...)."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "an unknown file system"
    real = str(path.resolve())
    best = max(
        (m for m in mounts if len(m) > 2 and (real + "/").startswith(m[1].rstrip("/") + "/")),
        key=lambda m: len(m[1]),
        default=None,
    )
    return f"{best[2]} ({best[1]})" if best else "an unknown file system"


def median_ms(values: Sequence[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms" if values else "-"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the reduced run (CI): 5,000 events")
    parser.add_argument("--events", type=int, help="events in the store (default 100,000)")
    parser.add_argument("--dir", type=Path, help="where to build the store (default: a temp dir)")
    args = parser.parse_args(argv)
    quick = args.quick
    target_events = args.events or (5_000 if quick else 100_000)
    n_admissions = 60 if quick else 300
    n_cli = 5 if quick else 20
    n_verify = n_rebuild = 1 if quick else 3
    n_words = 3 if quick else 8
    search_rounds = 2 if quick else 5
    n_ticks = 50 if quick else 300

    with tempfile.TemporaryDirectory(prefix="bench_record_", dir=args.dir) as tmp:
        data_dir = Path(tmp) / "data"
        db_path = data_dir / "checkpoint.sqlite3"
        issuer = Issuer()
        seeded = seed(data_dir, issuer, target_events, n_ticks)
        fs = filesystem_of(Path(tmp))

        clock = Clock(seeded.end_at + 60)
        station = Station(data_dir, clock=clock)  # opened as the app opens it
        sync = station.db.execute("PRAGMA synchronous").fetchone()[0]
        if sync != 2:
            raise RuntimeError(f"the reopened store is not synchronous=FULL ({sync})")
        fresh = fresh_travellers(seeded.next_traveller)
        bare = BareCommit(Path(tmp))
        try:
            # 1. Admissions of fresh travellers on the full store.
            adm = measure_admissions(station, clock, issuer, fresh, n_admissions, bare)

            # 2. Projection rebuild (the projections must come out the same).
            def counts() -> dict[str, int]:
                return {
                    t: station.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in projections.TABLES
                }

            before = counts()
            rebuilds = []
            for _ in range(n_rebuild):
                start = time.perf_counter()
                with station.use_case():
                    rebuilt = projections.rebuild(station.db)
                rebuilds.append(time.perf_counter() - start)
            if counts() != before:
                raise RuntimeError(f"the rebuild changed the projections: {before} -> {counts()}")

            # 3. Roster search, keystroke by keystroke.
            search = measure_search(station, n_words, search_rounds)

            # 4. log verify, in process.
            events = station.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            verifies = []
            for _ in range(n_verify):
                start = time.perf_counter()
                report = verify_chain(station.db)
                verifies.append(time.perf_counter() - start)
                if not report.ok or report.events != events:
                    raise RuntimeError(f"verify_chain: {report}")
        finally:
            station.close()
            bare.close()

        # CPU-bound baselines, same run.
        hashed = chain_bytes(db_path)
        sha = min(bare_sha256(hashed) for _ in range(3))
        read = min(bare_read(db_path) for _ in range(3))

        # 4. and 5. The real commands, start to exit.
        cli = measure_cli(
            data_dir, clock, issuer, fresh, n_cli, n_verify, events,
            cli_env(Path(tmp) / "pycache"),
        )  # fmt: skip

    rows = [
        Row("admission median", statistics.median(adm.times), TARGET_ADMISSION_MS,
            "bare commit median", statistics.median(adm.bare)),
        Row("admission p95", p95(adm.times), TARGET_ADMISSION_MS,
            "bare commit p95", p95(adm.bare)),
        Row("projection rebuild", statistics.median(rebuilds), TARGET_REBUILD_MS,
            "bare events read", read),
        Row("roster search p95", p95(search.times), TARGET_SEARCH_MS,
            "bare roster SQL p95", p95(search.bare)),
        Row("roster search max", max(search.times), TARGET_SEARCH_MS,
            "bare roster SQL max", max(search.bare), judged=False),
        Row("roster search all rows", p95(search.limited), TARGET_SEARCH_MS,
            "bare roster SQL p95", p95(search.bare), judged=False),
        Row("log verify (in-process)", statistics.median(verifies), TARGET_VERIFY_MS,
            "bare sha256 of chain", sha),
        Row("log verify (CLI)", statistics.median(cli.verify), TARGET_VERIFY_MS,
            "bare sha256 of chain", sha),
        Row("admit CLI median", statistics.median(cli.admit), TARGET_ADMIT_CLI_MS,
            "python -c pass median", statistics.median(cli.interpreter)),
        Row("admit CLI p95", p95(cli.admit), TARGET_ADMIT_CLI_MS,
            "python -c pass p95", p95(cli.interpreter)),
    ]  # fmt: skip
    forbidden = [m for m in cli.modules if m in FORBIDDEN_MODULES]

    print(
        f"record benchmark ({'quick' if quick else 'full'}): {events:,} events, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs (not pinned), store on {fs}"
    )
    outcomes = ", ".join(f"{k} {v:,}" for k, v in sorted(seeded.outcomes.items()))
    print(
        f"seeded {seeded.events:,} events in {seeded.seconds:.1f} s with synchronous=OFF "
        f"({seeded.admissions:,} admissions of {seeded.travellers:,} travellers: {outcomes}; "
        f"a roster of {ROSTER_SIZE:,} entries, {seeded.ticks} ticked), "
        f"measured reopened with synchronous=FULL"
    )
    print(
        f"admissions: {n_admissions} fresh green travellers at 36.5 °C after 5 warm-ups, "
        f"max {max(adm.times) * 1000:.2f} ms; each writes {min(adm.wal_pages)}-"
        f"{max(adm.wal_pages)} WAL pages; {len(adm.checkpointed)} of them ran the WAL "
        f"auto-checkpoint in their commit (median {median_ms(adm.checkpointed)}), the others "
        f"median {median_ms(adm.others)}, p95 {p95(adm.others) * 1000:.2f} ms"
    )
    print(
        f"rebuild: {n_rebuild} run(s) of {rebuilt:,} events, median; search: "
        f"{len(search.times):,} keystrokes ({search.keystrokes} prefixes x {search_rounds}), "
        f"slowest {search.worst[1]!r} ({search.worst[2]:,} matches); 'all rows': the same "
        f"keystrokes building every matching row (no page); log verify: {n_verify} run(s) each way, "
        f"median; admit CLI: {n_cli} runs, bytecode cached, one warm-up"
    )
    print(
        f"baselines (same run): bare commit (sqlite3 INSERT+COMMIT, WAL, synchronous=FULL, "
        f"after each admission) median {median_ms(adm.bare)}; bare sha256 of the chain's "
        f"{sum(map(len, hashed)) / 1e6:.1f} MB {sha * 1000:.0f} ms; bare read of the events "
        f"{read * 1000:.0f} ms; python -c pass median {median_ms(cli.interpreter)}"
    )
    print_rows(rows, label=25, baseline=23, ratio=8)
    also = ",".join(m for m in cli.modules if m not in FORBIDDEN_MODULES) or "nothing heavy"
    print(
        f"{'admit CLI imports':<25}{','.join(forbidden) or 'none':>12}{'none':>10}{'-':>7}  "
        f"{'(also loaded: ' + also + ')':<50}{'FAIL' if forbidden else 'PASS'}"
    )
    failed = [r.label for r in rows if r.judged and not r.passed]
    if forbidden:
        failed.append("admit CLI imports")
    print_targets(sum(r.judged for r in rows) + 1, failed)
    if quick:
        return 1 if forbidden else 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
