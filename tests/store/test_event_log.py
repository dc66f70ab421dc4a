"""The event log: append-only rows, a per-device hash chain, tamper detection, backups."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from checkpoint_app.store import open_event_log, store_path
from checkpoint_app.store.backup import backup_store
from checkpoint_app.store.database import (
    MIGRATIONS,
    StoreError,
    open_database,
    schema_version,
    transaction,
)
from checkpoint_app.store.event_log import GENESIS, BreakKind, EventLog, verify_chain


def _fill(log: EventLog, n: int = 5) -> None:
    for i in range(n):
        with transaction(log.db):
            log.append(
                "scan",
                {"i": i, "result": "VALID"},
                operator="王*",
                pii={"nam": "王芳", "idm": "110***"},
            )


def _tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_fresh_store_is_migrated_and_has_a_device_id(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    assert schema_version(log.db) == len(MIGRATIONS)
    assert log.head() == (0, GENESIS)
    assert open_event_log(tmp_path).device_id == log.device_id  # stable across opens
    mode = log.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_chain_links_and_verifies(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    _fill(log)
    events = list(log.events())
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    report = verify_chain(log.db)
    assert (
        report.ok and report.events == 5 and report.devices[log.device_id] == (5, events[-1].hash)
    )


def test_personal_data_is_apart_from_the_event(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    _fill(log, 1)
    event = next(log.events())
    assert "王芳" not in event.payload and event.pii_digest
    assert log.pii(event.event_id) == {"nam": "王芳", "idm": "110***"}


def test_events_cannot_be_updated_or_deleted_through_sql(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    _fill(log, 2)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        log.db.execute("UPDATE events SET kind = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        log.db.execute("DELETE FROM events")


def test_append_outside_a_transaction_is_refused(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    with pytest.raises(RuntimeError):
        log.append("scan", {}, operator="x")


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    with pytest.raises(ZeroDivisionError), transaction(log.db):
        log.append("scan", {}, operator="x")
        _ = 1 / 0
    assert list(log.events()) == []


@pytest.mark.parametrize(
    ("statement", "kind", "seq"),
    [
        ("UPDATE events SET payload = '{\"i\":2,\"result\":\"REVOKED\"}' WHERE seq = 3", BreakKind.EDITED, 3),
        ("DELETE FROM events WHERE seq = 2", BreakKind.DELETED, 3),
        ("UPDATE events SET prev_hash = '" + "1" * 64 + "' WHERE seq = 4", BreakKind.EDITED, 4),
        ("UPDATE event_pii SET data = '{\"nam\":\"李四\"}' WHERE event_id = (SELECT event_id FROM events WHERE seq = 5)",
         BreakKind.PII_MISMATCH, 5),
    ],
)  # fmt: skip
def test_tampering_is_found_at_the_first_broken_link(
    tmp_path: Path, statement: str, kind: BreakKind, seq: int
) -> None:
    log = open_event_log(tmp_path)
    _fill(log)
    _tamper(store_path(tmp_path), statement)
    report = verify_chain(open_database(store_path(tmp_path)))
    assert not report.ok and report.first_break is not None
    assert (report.first_break.kind, report.first_break.seq) == (kind, seq)


def test_swapped_rows_are_found(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    _fill(log, 4)
    # swap events 2 and 3 completely (their seq numbers with them): the links break
    _tamper(
        store_path(tmp_path),
        "UPDATE events SET seq = -2 WHERE seq = 2",
        "UPDATE events SET seq = 2 WHERE seq = 3",
        "UPDATE events SET seq = 3 WHERE seq = -2",
    )
    report = verify_chain(open_database(store_path(tmp_path)))
    assert report.first_break is not None and report.first_break.seq == 2


def test_purging_personal_data_keeps_the_chain(tmp_path: Path) -> None:
    log = open_event_log(tmp_path)
    _fill(log)
    log.db.execute("DELETE FROM event_pii")
    assert verify_chain(log.db).ok


def test_other_devices_keep_their_own_chain(tmp_path: Path) -> None:
    a = open_event_log(tmp_path / "a")
    _fill(a, 3)
    b = open_event_log(tmp_path / "b")
    _fill(b, 2)
    # copy b's events into a's store, as the sync will
    for event in b.events():
        a.db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [getattr(event, f) for f in ("event_id", "device_id", "seq", "occurred_at", "clock_offset_ms",
                                          "operator", "kind", "payload", "pii_digest", "prev_hash", "hash")],
        )  # fmt: skip
    report = verify_chain(a.db)
    assert report.ok and report.events == 5 and set(report.devices) == {a.device_id, b.device_id}


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    open_database(path).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer checkpoint_app"):
        open_database(path)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        open_database(path)


def test_backup_is_a_consistent_verifiable_copy(tmp_path: Path) -> None:
    log = open_event_log(tmp_path / "live")
    _fill(log, 7)
    out = tmp_path / "copy.sqlite3"
    assert backup_store(store_path(tmp_path / "live"), out) > 0
    report = verify_chain(open_database(out))
    assert report.ok and report.events == 7
    with pytest.raises(StoreError, match="already exists"):
        backup_store(store_path(tmp_path / "live"), out)


def test_two_processes_migrating_a_new_store_at_once(tmp_path: Path) -> None:
    """Both open a fresh store at the same moment: one migrates, the other waits for
    the write lock and then finds the work done (the crash soak found this)."""
    import subprocess
    import sys

    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from checkpoint_app.store.database import open_database\n"
        "t = float(sys.argv[2])\n"
        "time.sleep(max(0.0, t - time.time()))\n"
        "open_database(Path(sys.argv[1])).conn.close()\n"
    )
    import time as _time

    for round_ in range(5):
        path = tmp_path / f"store-{round_}" / "checkpoint.sqlite3"
        start = _time.time() + 1.0
        procs = [
            subprocess.Popen([sys.executable, "-c", script, str(path), str(start)],
                             stderr=subprocess.PIPE)
            for _ in range(3)
        ]  # fmt: skip
        for proc in procs:
            _out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err.decode()
