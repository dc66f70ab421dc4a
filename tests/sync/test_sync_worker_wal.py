"""The sync worker keeps the WAL short: after each pass it checkpoints passively on its
own connection, so the gate's commits seldom run SQLite's auto-checkpoint themselves.

Measured without checkpointing from the test: the WAL file only grows while frames
are appended; once the worker has copied every frame into the database, the next
commit starts the WAL again from its first frame, and the file stops growing."""

from __future__ import annotations

import threading
from pathlib import Path

from station_factory import Bench, make_bench

from checkpoint_app.services.gate import GateService
from checkpoint_app.sync.worker import SyncWorker

BATCH = 5  # admissions per batch; two batches stay under the 1,000-frame auto-checkpoint


def admit(bench: Bench, gate: GateService, prefix: str) -> int:
    """A batch of admissions; the WAL file's size after it."""
    for n in range(BATCH):
        gate.scan(bench.code(cid=f"{prefix}{n}".ljust(26, "a")), temperature="36.5")
    return (bench.data_dir / "checkpoint.sqlite3-wal").stat().st_size


def one_pass(bench: Bench) -> None:
    passed = threading.Event()
    worker = SyncWorker(
        bench.data_dir,
        interval=60,
        on_status=lambda status, result: passed.set(),
        make_transport=lambda station: None,  # not enrolled: the pass only reports
    )
    worker.start()
    try:
        assert passed.wait(30)
    finally:
        worker.stop()


def test_after_a_pass_the_wal_starts_again_instead_of_growing(tmp_path: Path) -> None:
    sizes = {}
    for case in ("without the worker", "with the worker"):
        bench = make_bench(tmp_path / case.replace(" ", "-"))
        gate = GateService(bench.station)
        try:
            first = admit(bench, gate, "b")
            if case == "with the worker":
                one_pass(bench)
            second = admit(bench, gate, "c")
            sizes[case] = (first, second)
        finally:
            bench.station.close()
    first, second = sizes["without the worker"]
    assert second > 1.6 * first, sizes  # the control: appended, the file grew
    first, second = sizes["with the worker"]
    assert second <= 1.1 * first, sizes  # written over from the start
