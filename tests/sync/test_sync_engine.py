"""The sync engine against the real reference server on 127.0.0.1 (no mocks).

Invariant after every fault: the server holds exactly the client's events — none
lost, none duplicated — and every client's projections agree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from central_process import CentralProcess, server_event_ids
from fault_proxy import Fault, FaultProxy
from station_factory import Bench, make_bench

from checkpoint_app.services.gate import GateService
from checkpoint_app.store import projections
from checkpoint_app.store.event_log import verify_chain
from checkpoint_app.sync.client import ApiClient
from checkpoint_app.sync.engine import SyncEngine, enrol, sync_status, verify_envelope
from checkpoint_app.sync.worker import SyncWorker, transport_for

CHECKPOINT = "BJW-SOUTH"


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKPOINT_NO_KEYRING", "1")


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CentralProcess]:
    """The real server in its own process, on SQLite and on PostgreSQL."""
    url = None
    if request.param == "postgresql":
        url = str(request.getfixturevalue("postgres_schema_url"))
    server = CentralProcess(tmp_path / "central", url)
    server.admin("checkpoint", "create", CHECKPOINT, "--name", "北京西站 南门")
    server.start()
    yield server
    server.stop()


def enrolled(
    central: CentralProcess, data_dir: Path, url: str | None = None, like: Bench | None = None
) -> Bench:
    bench = make_bench(data_dir)
    if like is not None:  # the same issuer, so both gates see the same travellers
        bench.issuer = like.issuer
        bench.station.with_verifier(like.station.verifier)
    base = url or central.url
    enrol(bench.station, ApiClient(base), base, central.enrolment_code(CHECKPOINT), data_dir.name)
    return bench


def engine(bench: Bench, *, batch_size: int = 500, **client: object) -> SyncEngine:
    transport = transport_for(bench.station)
    assert isinstance(transport, ApiClient)
    for key, value in client.items():
        setattr(transport, key, value)
    return SyncEngine(bench.station, transport, jitter=lambda: 0.5, batch_size=batch_size)


def server_events(central: CentralProcess, bench: Bench) -> list[str]:
    """Every event id the server holds for the checkpoint, read through its feed."""
    transport = transport_for(bench.station)
    assert transport is not None
    return server_event_ids(transport)


def local_ids(bench: Bench) -> set[str]:
    return {e.event_id for e in bench.station.log.events(device=bench.station.device_id)}


def admit_many(bench: Bench, n: int, start: int = 0) -> None:
    gate = GateService(bench.station, gate="gate 1")
    for i in range(start, start + n):
        cid = "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in f"{i:026d}")
        gate.scan(bench.code(cid=cid), temperature="36.5")
        bench.clock.advance(3)


def assert_exactly_once(central: CentralProcess, *benches: Bench) -> None:
    held = server_events(central, benches[0])
    assert len(held) == len(set(held)), "the server holds an event twice"
    expected = set().union(*(local_ids(b) for b in benches))
    assert set(held) == expected
    for bench in benches:
        assert sync_status(bench.station).pending == 0


def test_two_gates_offline_admit_the_same_traveller_and_agree_after_sync(
    central: CentralProcess, tmp_path: Path
) -> None:
    a = enrolled(central, tmp_path / "gate-a")
    b = enrolled(central, tmp_path / "gate-b", like=a)
    code = a.code()
    GateService(a.station, gate="gate A").scan(code, temperature="36.5")
    b.clock.advance(90)
    GateService(b.station, gate="gate B").scan(code, temperature="36.6")
    for bench in (a, b, a):
        result = engine(bench).run_once()
        assert result.ok, result.error
    assert_exactly_once(central, a, b)
    rows = []
    for bench in (a, b):
        row = bench.station.db.execute(
            "SELECT state, entry_gate, duplicate_entries FROM p_travellers"
        ).fetchone()
        rows.append(tuple(row))
        assert verify_chain(bench.station.db).ok
        stored = projections.snapshot(bench.station.db)
        with bench.station.use_case():
            projections.rebuild(bench.station.db)
        assert projections.snapshot(bench.station.db) == stored
    assert rows[0] == rows[1] == ("entered", "gate A", 1)
    # a third scan anywhere now says where and when they entered
    again = GateService(b.station, gate="gate B").scan(a.code(), temperature="36.5")
    assert again.decision is not None and again.decision.already_entered is not None
    assert again.decision.already_entered.gate == "gate A"


def test_every_network_fault_leaves_exactly_once(central: CentralProcess, tmp_path: Path) -> None:
    proxy = FaultProxy(central.url)
    try:
        bench = enrolled(central, tmp_path / "gate", url=proxy.url)
        admit_many(bench, 30)
        sync = engine(bench, timeout=(2.0, 1.5), batch_size=25)  # several batches
        faults = [
            Fault("status", status=500),
            Fault("status", status=503, retry_after=7),
            Fault("hang", seconds=2.5),
            Fault("reset"),
            Fault("drop_reply"),
        ]
        for fault in faults:
            proxy.plan.add("/v1/events:batch", fault)
            result = sync.run_once()
            assert not result.ok and result.retry_in is not None, fault
            if fault.retry_after:
                assert result.retry_in >= fault.retry_after
        final = sync.run_once()
        assert final.ok, final.error
        assert final.duplicates >= 1  # the batch whose reply was dropped came back as duplicates
        assert_exactly_once(central, bench)
        assert len(proxy.plan.injected) == len(faults)
    finally:
        proxy.close()


def test_connection_refused_backs_off_growing(central: CentralProcess, tmp_path: Path) -> None:
    bench = enrolled(central, tmp_path / "gate")
    admit_many(bench, 2)
    sync = engine(bench)
    transport = sync.transport
    assert isinstance(transport, ApiClient)
    transport.base_url = "http://127.0.0.1:9"  # nothing listens there
    delays = [sync.run_once().retry_in for _ in range(4)]
    assert delays == [1.0, 2.0, 4.0, 8.0]  # jitter 0.5 of 2, 4, 8, 16 s
    status = sync_status(bench.station)
    assert status.online is False and status.pending == 8  # 2 admissions × 4 events
    transport.base_url = central.url
    assert sync.run_once().ok
    assert sync_status(bench.station).online is True
    assert_exactly_once(central, bench)


def test_server_killed_mid_batch_then_restarted(central: CentralProcess, tmp_path: Path) -> None:
    bench = enrolled(central, tmp_path / "gate")
    admit_many(bench, 1000)  # 4,000 events: eight batches
    bench.station.close()
    results = []

    def sync_in_thread() -> None:  # its own connection, as the sync worker has
        mine = make_bench(bench.data_dir)
        results.append(engine(mine).run_once())
        mine.station.close()

    runner = threading.Thread(target=sync_in_thread)
    watcher = make_bench(bench.data_dir)
    runner.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill as soon as the first batch is through
        synced = watcher.station.db.execute(
            "SELECT COUNT(*) FROM event_sync WHERE sync_state = 'synced'"
        ).fetchone()[0]
        if synced >= 500:
            break
        time.sleep(0.002)
    central.kill()
    watcher.station.close()
    runner.join(60)
    assert results and not results[0].ok
    central.start()
    again = make_bench(bench.data_dir)
    final = engine(again).run_once()
    assert final.ok, final.error
    assert_exactly_once(central, again)


def test_client_killed_mid_sync_then_restarted(central: CentralProcess, tmp_path: Path) -> None:
    bench = enrolled(central, tmp_path / "gate")
    admit_many(bench, 300)
    bench.station.close()
    for delay in (0.4, 0.8):
        proc = subprocess.Popen(
            [sys.executable, "-m", "checkpoint_app", "sync", "--once", "--data-dir", str(bench.data_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(delay)
        proc.kill()
        proc.wait()
    run = subprocess.run(
        [sys.executable, "-m", "checkpoint_app", "sync", "--once", "--data-dir", str(bench.data_dir)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stdout.splitlines()[-1])
    assert line["status"]["pending"] == 0
    reopened = make_bench(bench.data_dir)
    assert_exactly_once(central, reopened)
    assert verify_chain(reopened.station.db).ok


def test_revoked_device_is_asked_to_enrol_again(central: CentralProcess, tmp_path: Path) -> None:
    bench = enrolled(central, tmp_path / "gate")
    admit_many(bench, 1)
    central.admin("device", "revoke", bench.station.device_id)
    result = engine(bench).run_once()
    assert result.needs_enrolment and not result.ok
    assert sync_status(bench.station).pending == 4  # kept, waiting


def test_lists_rosters_and_clock_come_down_signed(central: CentralProcess, tmp_path: Path) -> None:
    roster = tmp_path / "bus.csv"
    roster.write_text(
        "roster,title,booking,name,id_number,phone,cid,seat\n"
        "HD-BUS-3,海淀 3号车,HD3-0001,王芳,110***********2341,139****2201,,1A\n",
        encoding="utf-8",
    )
    central.admin("roster", "import", CHECKPOINT, str(roster))
    bench = enrolled(central, tmp_path / "gate")
    result = engine(bench).run_once()
    assert result.ok, result.error
    assert result.lists == {
        "phi1_trust_list": "updated",
        "phi1_revocations": "updated",
        "rules": "updated",
    }
    assert result.rosters == 1
    summary = bench.station.db.execute("SELECT title, entries FROM rosters").fetchall()
    assert summary == [("海淀 3号车", 1)]
    cached = json.loads((bench.data_dir / "cache" / "phi1_trust_list.json").read_text("utf-8"))
    assert cached["fetched_at"] >= int(time.time()) - 60
    assert engine(bench).run_once().lists["phi1_trust_list"] == "unchanged"  # ETag
    status = sync_status(bench.station)
    assert status.clock_offset_ms is not None and not status.clock_warning
    assert status.list_ages["rosters"] is not None and status.list_ages["rosters"] < 60
    assert status.list_ages["rules"] is not None and status.list_ages["rules"] < 60
    transport = transport_for(bench.station)
    assert transport is not None
    envelope = transport.call("GET", "/v1/revocations").body
    root = bench.station.setting("sync.root_public_key")
    assert root is not None
    verify_envelope(envelope, root)
    envelope["content"]["cids"] = ["a" * 26, *envelope["content"]["cids"]]
    with pytest.raises(ValueError, match="signature"):
        verify_envelope(envelope, root)


def test_provisional_admissions_are_settled_online(central: CentralProcess, tmp_path: Path) -> None:
    central.admin("health-code", "set", "8f3a2b", "--status", "green")
    central.admin("health-code", "set", "77aa01", "--status", "red")
    bench = enrolled(central, tmp_path / "gate")
    gate = GateService(bench.station)
    travellers = {}
    for code_id in ("8f3a2b", "77aa01", "nobody-knows"):
        text = f"https://health.example.cn/c/{code_id}"
        measured = gate.temperature(gate.scan(text), "36.5")
        travellers[code_id] = gate.provisional_admit(measured, "photo ID", text=text).traveller
    result = engine(bench).run_once()
    assert result.ok, result.error
    assert (result.confirmed, result.flagged) == (1, 2)
    states = {k: gate.journey(v).state.value for k, v in travellers.items()}
    assert states == {"8f3a2b": "entered", "77aa01": "flagged", "nobody-knows": "flagged"}


def test_worker_thread_syncs_on_its_own_connection(central: CentralProcess, tmp_path: Path) -> None:
    bench = enrolled(central, tmp_path / "gate")
    admit_many(bench, 3)
    seen = threading.Event()
    statuses = []

    def on_status(status: object, result: object) -> None:
        statuses.append(status)
        seen.set()

    worker = SyncWorker(bench.data_dir, interval=60, on_status=on_status)  # type: ignore[arg-type]
    worker.start()
    try:
        assert seen.wait(30)
    finally:
        worker.stop()
    assert not worker.running and worker.passes >= 1
    assert statuses[0].pending == 0 and statuses[0].online  # type: ignore[attr-defined]
    assert_exactly_once(central, bench)
